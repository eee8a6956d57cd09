package engine

import (
	"encoding/json"
	"math/big"
	"strings"
	"time"
)

// The overview of many buildings (DESIGN §17): one row per project below
// an organisation, from figures the store sums per project_id — never from
// each project's full state — so that a 区 of 2,000 buildings answers fast.

// Stages of a building as the overview names them.
const (
	StagePreparing = "筹备"   // no plan published yet
	StageVoting    = "表决中"  // the ballot is open, or closed and not yet posted for objections
	StagePosted    = "结果公示" // the objection window runs, or the result awaits the works
	StageWorks     = "施工"   // the result is final and the works have started
	StageDelivered = "交付"   // the works are completed (the last stage is done)
)

// Stages lists the stages in order.
var Stages = []string{StagePreparing, StageVoting, StagePosted, StageWorks, StageDelivered}

// ProjectStage is a building's stage: 筹备 before publishing; 表决中 while
// the ballot is open or its count preliminary; 结果公示 in the objection
// window and after the final result until the works start; 施工 once the
// 开工 stage is done; 交付 once the last stage is done (办结).
func ProjectStage(published bool, ballotState string, started, completed bool) string {
	switch {
	case !published:
		return StagePreparing
	case ballotState == StateOpen || ballotState == StatePreliminary:
		return StageVoting
	case ballotState == StateObjections:
		return StagePosted
	case completed:
		return StageDelivered
	case started:
		return StageWorks
	}
	return StagePosted
}

// OverviewQuery says which projects the store sums: those of the given
// organisations (all when All is set).
type OverviewQuery struct {
	Orgs []int64
	All  bool
	// Projects, when set, narrows the sums to these projects (those whose
	// chain moved since they were last summed).
	Projects []int64
}

// OverviewHead is a project of the overview with its chain's head: what
// it sums changes only with an event of that chain, so facts summed at
// this head stay true until the head moves (what depends on the day is
// worded from them at each answer, by OverviewOf).
type OverviewHead struct {
	ProjectID int64
	OrgID     int64
	Name      string
	Address   string
	Seq       int64
	Hash      string
}

// OverviewFacts are what the store sums for one project.
type OverviewFacts struct {
	ProjectID  int64
	OrgID      int64
	Name       string
	Address    string
	Households int
	// the current ballot (nil before publishing) and its result record
	Ballot *Ballot
	Result *BallotResult
	// the current ballot's latest decisions: exclusive area in hundredths
	// of m² and owners (flats with one owner_id count once)
	AreaAll, AreaVoted, AreaAgree       Area
	OwnersAll, OwnersVoted, OwnersAgree int
	// money received, reversed records left out (CountsInLedger)
	Paid, Refunded   Fen
	Subsidy, Society Fen // funds income from 政府补贴 and 社会筹集
	Due              Fen // what the published plan asks of the households
	Stages           []Stage
	LastInspection   string      // YYYY-MM-DD or ""
	Feedback         []*Feedback // without text or photos
}

// Consent is a building's consent progress against its rule.
type Consent struct {
	AreaParticipation   Percent `json:"area_participation"`
	OwnersParticipation Percent `json:"owners_participation"`
	AreaApproval        Percent `json:"area_approval"`
	OwnersApproval      Percent `json:"owners_approval"`
	NeedParticipation   Percent `json:"need_participation"` // of area and of owners (the rule's area figure)
	NeedApproval        Percent `json:"need_approval"`
	Reached             bool    `json:"reached"`
}

// OverviewRow is one building of the overview.
type OverviewRow struct {
	ProjectID     int64    `json:"project_id"`
	OrgID         int64    `json:"org_id"`
	Org           string   `json:"org"`    // the 社区
	Street        string   `json:"street"` // the 街道 above it
	Name          string   `json:"name"`
	Address       string   `json:"address"`
	Households    int      `json:"households"`
	Stage         string   `json:"stage"`
	BallotState   string   `json:"ballot_state,omitempty"`
	Consent       *Consent `json:"consent"` // nil before publishing
	Due           Fen      `json:"due"`
	Collected     Fen      `json:"collected"`
	Subsidy       Fen      `json:"subsidy"`
	Society       Fen      `json:"society"`
	Satisfaction  Percent  `json:"satisfaction"`
	Rated         int      `json:"rated"`
	Satisfied     int      `json:"-"` // 满意 and 基本满意 among Rated (for the totals)
	Complaints    int      `json:"complaints"`
	AnsweredIn3   int      `json:"answered_within_3_days"`
	LastInspected string   `json:"last_inspection"`
	DaysSince     *int     `json:"days_since_inspection"` // nil before any
	Published     string   `json:"published"`             // dates YYYY-MM-DD, "" until then
	Final         string   `json:"final"`
	WorksStarted  string   `json:"works_started"`
	Completed     string   `json:"completed"`
}

// OverviewTotals sum the rows.
type OverviewTotals struct {
	Projects    int            `json:"projects"`
	Households  int            `json:"households"`
	Stages      map[string]int `json:"stages"`
	Due         Fen            `json:"due"`
	Collected   Fen            `json:"collected"`
	Subsidy     Fen            `json:"subsidy"`
	Society     Fen            `json:"society"`
	Complaints  int            `json:"complaints"`
	AnsweredIn3 int            `json:"answered_within_3_days"`
	Rated       int            `json:"rated"`
	// Satisfaction is of every rating of the rows together.
	Satisfaction Percent `json:"satisfaction"`
}

// OverviewOf makes a building's row from its facts at now.
func OverviewOf(f OverviewFacts, now time.Time) OverviewRow {
	r := OverviewRow{ProjectID: f.ProjectID, OrgID: f.OrgID, Name: f.Name, Address: f.Address, Households: f.Households,
		Due: f.Due, Collected: f.Paid - f.Refunded, Subsidy: f.Subsidy, Society: f.Society, LastInspected: f.LastInspection}
	for _, s := range f.Stages {
		if s.Name == "开工" {
			r.WorksStarted = s.Actual
		}
	}
	if n := len(f.Stages); n > 0 {
		r.Completed = f.Stages[n-1].Actual
	}
	if f.Ballot != nil {
		r.BallotState, _ = BallotState(f.Ballot, f.Result, now)
		r.Published = DateOf(f.Ballot.OpenedAt.In(Beijing)).String()
		if f.Result != nil && f.Result.FinalizedAt != nil {
			r.Final = DateOf(f.Result.FinalizedAt.In(Beijing)).String()
		}
		r.Consent = consentOf(f)
	}
	r.Stage = ProjectStage(f.Ballot != nil, r.BallotState, r.WorksStarted != "", r.Completed != "")
	fb := SummarizeFeedback(f.Feedback)
	r.Complaints, r.AnsweredIn3, r.Satisfaction, r.Rated, r.Satisfied = fb.Received, fb.AnsweredWithin3Days, fb.SatisfactionRate, fb.Rated, fb.satisfied
	if f.LastInspection != "" {
		d := int(daysSince(f.LastInspection, now) / (24 * time.Hour))
		r.DaysSince = &d
	}
	return r
}

// consentOf is the consent progress of the current ballot against its
// rule (participation of all, approval of those who took part — 民法典
// 第278条).
func consentOf(f OverviewFacts) *Consent {
	c := &Consent{
		AreaParticipation:   ratioHundredths(int64(f.AreaVoted), int64(f.AreaAll)),
		OwnersParticipation: ratioHundredths(int64(f.OwnersVoted), int64(f.OwnersAll)),
		AreaApproval:        ratioHundredths(int64(f.AreaAgree), int64(f.AreaVoted)),
		OwnersApproval:      ratioHundredths(int64(f.OwnersAgree), int64(f.OwnersVoted)),
	}
	rule, err := ParseRule(f.Ballot.Rule)
	if err != nil {
		return c
	}
	c.NeedParticipation = ratPercent(rule.ParticipationArea)
	c.NeedApproval = ratPercent(rule.ApprovalArea)
	at := func(num, den int64, need *big.Rat, strict bool) bool {
		if need == nil {
			return true
		}
		if den == 0 {
			return false
		}
		cmp := big.NewRat(num, den).Cmp(need)
		return cmp > 0 || (!strict && cmp == 0)
	}
	c.Reached = at(int64(f.AreaVoted), int64(f.AreaAll), rule.ParticipationArea, false) &&
		at(int64(f.OwnersVoted), int64(f.OwnersAll), rule.ParticipationOwners, false) &&
		at(int64(f.AreaAgree), int64(f.AreaVoted), rule.ApprovalArea, rule.ApprovalStrict) &&
		at(int64(f.OwnersAgree), int64(f.OwnersVoted), rule.ApprovalOwners, rule.ApprovalStrict)
	return c
}

// SummarizeFeedback counts what the progress page counts of feedback:
// received, answered within 3 days, closed, and the 回访 satisfaction
// (满意 and 基本满意 among the ratings of closed feedback).
func SummarizeFeedback(feedback []*Feedback) FeedbackFigures {
	var f FeedbackFigures
	satisfied := 0
	for _, fb := range feedback {
		f.Received++
		if fb.AnsweredAt != nil && fb.AnsweredAt.Sub(fb.CreatedAt) <= 3*24*time.Hour {
			f.AnsweredWithin3Days++
		}
		if fb.ClosedAt != nil {
			f.Closed++
		}
		if fb.Rating != "" && fb.ClosedAt != nil {
			f.Ratings++
			f.Rated++
			if fb.Rating != "不满意" {
				satisfied++
			}
		}
	}
	f.satisfied = satisfied
	f.SatisfactionRate = ratioHundredths(int64(satisfied), int64(f.Rated))
	f.Satisfaction = satisfactionText(f.SatisfactionRate, f.Rated)
	return f
}

// OverviewFilter narrows the rows: by stage, by 社区 (or any organisation:
// the rows of the projects below it, given as its subtree) and by a text
// found in the name, the address or the 社区's name.
type OverviewFilter struct {
	Stage string
	Orgs  map[int64]bool // nil: every organisation
	Text  string
}

// Keep says whether a row passes the filter.
func (f OverviewFilter) Keep(r OverviewRow) bool {
	if f.Stage != "" && r.Stage != f.Stage {
		return false
	}
	if f.Orgs != nil && !f.Orgs[r.OrgID] {
		return false
	}
	if t := strings.TrimSpace(f.Text); t != "" && !strings.Contains(r.Name, t) && !strings.Contains(r.Address, t) && !strings.Contains(r.Org, t) {
		return false
	}
	return true
}

// CheckOverviewStage checks a ?stage= filter.
func CheckOverviewStage(stage string) error {
	if stage == "" {
		return nil
	}
	for _, s := range Stages {
		if s == stage {
			return nil
		}
	}
	return Invalidf("stage", "阶段必须是 %s 之一", strings.Join(Stages, "、"))
}

// SumOverview sums rows.
func SumOverview(rows []OverviewRow) OverviewTotals {
	t := OverviewTotals{Stages: map[string]int{}}
	for _, s := range Stages {
		t.Stages[s] = 0
	}
	satisfied := int64(0)
	for _, r := range rows {
		t.Projects++
		t.Households += r.Households
		t.Stages[r.Stage]++
		t.Due += r.Due
		t.Collected += r.Collected
		t.Subsidy += r.Subsidy
		t.Society += r.Society
		t.Complaints += r.Complaints
		t.AnsweredIn3 += r.AnsweredIn3
		t.Rated += r.Rated
		satisfied += int64(r.Satisfied)
	}
	t.Satisfaction = ratioHundredths(satisfied, int64(t.Rated))
	return t
}

// ParseStages reads the stages a works row keeps as JSON ("" or invalid:
// none).
func ParseStages(text string) []Stage {
	var ss []Stage
	if text == "" || json.Unmarshal([]byte(text), &ss) != nil {
		return nil
	}
	return ss
}
