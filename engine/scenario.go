package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// Scenario statuses.
const (
	ScenarioDraft     = "draft"
	ScenarioPublished = "published"
)

// Scenario is one cost-sharing proposal for a project: an input of the
// calculation contract and its result. Publishing freezes it: its canonical
// JSON and SHA-256 are stored and never change.
type Scenario struct {
	ID          int64
	ProjectID   int64
	Name        string
	Status      string
	Input       json.RawMessage // the contract input without households
	Result      json.RawMessage // the calculation output
	Canonical   []byte          // set when published: what residents sign
	SHA256      string          // hex SHA-256 of Canonical
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Published reports whether s is frozen.
func (s *Scenario) Published() bool { return s.Status == ScenarioPublished }

// ScenarioSum returns the hex SHA-256 of a canonical document.
func ScenarioSum(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// ScenarioStore keeps scenarios. A published scenario can neither change
// nor be deleted: the database refuses it (conflict).
type ScenarioStore interface {
	InsertScenario(ctx context.Context, s *Scenario) error
	Scenario(ctx context.Context, projectID, id int64) (*Scenario, error)
	Scenarios(ctx context.Context, projectID int64) ([]*Scenario, error)
	UpdateScenario(ctx context.Context, s *Scenario) error
	// PublishScenario freezes a draft as s says; a published one is a
	// conflict.
	PublishScenario(ctx context.Context, s *Scenario) error
}

// PublishRequest says what publishing writes (the fixtures of the store
// tests build ballots from it).
type PublishRequest struct {
	ProjectID  int64
	ScenarioID int64
	Result     json.RawMessage // the result recomputed with today's households
	Canonical  []byte
	SHA256     string
	Rule       json.RawMessage // the tally rule: a preset name or a custom object
	Deadline   time.Time
	Links      []SigningLink // token hashes, one per household
	Actor      string        // who publishes, for the audit log
	At         time.Time
}

// ScenarioCalcInput merges a scenario input (the contract without households)
// with the project's households into a whole calculation input.
func ScenarioCalcInput(p *Project, input []byte) ([]byte, error) {
	if err := CheckJSON(input); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(input, &fields); err != nil || fields == nil {
		if err == nil {
			return nil, Invalidf("", "方案应为 JSON 对象")
		}
		return nil, Invalidf("", "方案的 JSON 格式错误")
	}
	if _, ok := fields["households"]; ok {
		return nil, Invalidf("households", "住户来自项目，不要写在方案里；如需修改住户，请更新项目的住户列表")
	}
	type calcHousehold struct {
		ID       string `json:"id"`
		Floor    int    `json:"floor"`
		Area     Area   `json:"area"`
		Owner    string `json:"owner,omitempty"`
		Hardship bool   `json:"hardship"`
		Exempt   bool   `json:"exempt"`
	}
	hs := make([]calcHousehold, len(p.Households))
	for i, h := range p.Households {
		hs[i] = calcHousehold{h.Room, h.Floor, h.Area, h.OwnerName, h.Hardship, h.Exempt}
	}
	var err error
	if fields["households"], err = json.Marshal(hs); err != nil {
		return nil, err
	}
	if _, ok := fields["floors"]; !ok {
		fields["floors"] = json.RawMessage(strconv.Itoa(p.Floors))
	}
	return json.Marshal(fields)
}

// ComputeScenario runs the calculation on a scenario input for project p.
func ComputeScenario(p *Project, input []byte) (*CalcInput, *CalcResult, error) {
	if len(p.Households) == 0 {
		return nil, nil, Invalidf("households", "项目还没有住户：请先导入住户名单，再建立方案")
	}
	doc, err := ScenarioCalcInput(p, input)
	if err != nil {
		return nil, nil, err
	}
	in, err := ParseCalcInput(doc)
	if err != nil {
		return nil, nil, err
	}
	res, err := Calc(in)
	return in, res, err
}

// CheckCompensationRows is the scenario editor's rule for compensation
// rows: one row per room. The calculation contract adds up two rows for
// one room (docs/calculation.md); a worker who typed the same room twice
// in a plan almost always meant two rooms, so a saved scenario refuses it.
func CheckCompensationRows(in *CalcInput) error {
	first := make(map[string]int, len(in.Compensations))
	for i, c := range in.Compensations {
		if j, dup := first[c.Household]; dup {
			return Invalidf(indexPath("compensations", i)+".household", "第%d项补偿与第%d项补偿是同一户（%s）：同一户的补偿请合并为一项，或改选另一户",
				i+1, j+1, c.Household)
		}
		first[c.Household] = i
	}
	return nil
}

// Snapshot is the canonical document a ballot freezes: what residents
// sign, and the only source of the count, the signing pages, the paper
// and /verify (docs/lifecycle.md). Its SHA-256 is the ballot's.
type Snapshot struct {
	Project struct {
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Address string `json:"address"`
		Floors  int    `json:"floors"`
	} `json:"project"`
	Scenario struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"scenario"`
	Households []SnapshotHousehold `json:"households"`
	// Terms are the agreement's particulars as published; absent when
	// none were set (and in plans published before they existed).
	Terms    *Terms          `json:"terms,omitempty"`
	Rule     json.RawMessage `json:"rule"`
	Deadline string          `json:"deadline"`
	Input    json.RawMessage `json:"input"`
	Result   json.RawMessage `json:"result"`
}

// SnapshotHousehold is a household as it was published.
type SnapshotHousehold struct {
	ID          int64  `json:"id"`
	Room        string `json:"room"`
	Floor       int    `json:"floor"`
	Area        Area   `json:"area"`
	Owner       string `json:"owner"`
	OwnerID     string `json:"owner_id"`
	Phone       string `json:"phone"`
	Hardship    bool   `json:"hardship"`
	Exempt      bool   `json:"exempt"`
	MustConsent bool   `json:"must_consent"`
}

// CanonicalScenario is the document residents sign: the project, the
// scenario, every household as it is, the rule, the deadline, the whole
// calculation input and the whole result, in a fixed order.
func CanonicalScenario(p *Project, sc *Scenario, input, result, rule []byte, deadline time.Time) ([]byte, error) {
	var snap Snapshot
	for _, c := range []struct {
		dst *json.RawMessage
		src []byte
	}{{&snap.Input, input}, {&snap.Result, result}, {&snap.Rule, rule}} {
		var b bytes.Buffer
		if err := json.Compact(&b, c.src); err != nil {
			return nil, err
		}
		*c.dst = b.Bytes()
	}
	snap.Project.ID, snap.Project.Name, snap.Project.Address, snap.Project.Floors = p.ID, p.Name, p.Address, p.Floors
	snap.Scenario.ID, snap.Scenario.Name = sc.ID, sc.Name
	snap.Deadline = FormatTime(deadline)
	snap.Households = make([]SnapshotHousehold, len(p.Households))
	for i, h := range p.Households {
		snap.Households[i] = SnapshotHousehold{h.ID, h.Room, h.Floor, h.Area, h.OwnerName, h.OwnerID, h.Phone, h.Hardship, h.Exempt, h.MustConsent}
	}
	if !p.Terms.IsZero() {
		t := p.Terms
		snap.Terms = &t
	}
	return json.Marshal(snap)
}

// ParseSnapshot reads a ballot's canonical document after checking that it
// is still the one whose hash the ballot holds. A snapshot published before
// households, rule and deadline were part of it has none (Households nil).
func ParseSnapshot(canonical []byte, sha256 string) (*Snapshot, error) {
	if ScenarioSum(canonical) != sha256 {
		return nil, Errorf(ECodeConflict, "已发布方案的存档与其指纹不符（存档被改动）：请联系社区工作人员核实，暂不能据此表决或打印")
	}
	var snap Snapshot
	if err := json.Unmarshal(canonical, &snap); err != nil {
		return nil, err
	}
	return &snap, nil
}

// ProjectAsPublished is the project as published, with its households.
func (s *Snapshot) ProjectAsPublished(ownerID int64) *Project {
	p := &Project{ID: s.Project.ID, OwnerID: ownerID, Name: s.Project.Name, Address: s.Project.Address, Floors: s.Project.Floors,
		Households: make([]Household, len(s.Households))}
	if s.Terms != nil {
		p.Terms = *s.Terms
	}
	for i, h := range s.Households {
		p.Households[i] = Household{ID: h.ID, ProjectID: p.ID, Room: h.Room, Floor: h.Floor, Area: h.Area, OwnerName: h.Owner,
			OwnerID: h.OwnerID, Phone: h.Phone, Hardship: h.Hardship, Exempt: h.Exempt, MustConsent: h.MustConsent}
	}
	return p
}
