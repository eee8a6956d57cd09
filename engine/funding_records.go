package engine

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// The funding contract in the service (DESIGN §18): a project's rule in
// force (a city preset or a rule of its own, and the completion date) and
// each household's 公积金 accounts and 维修资金 figures, entered by the
// worker from the statements or by the household through its link with
// its consent. Both are rows the chain projects. The figures are personal
// data: the chain carries their SHA-256, never the balances, and every
// answer but the certificate masks them (MaskAmount).

// Projected funding tables.
const (
	TableFundingRules     = "funding_rules"
	TableHouseholdFunding = "household_funding"
)

// Audit kinds of the funding pack.
const (
	AuditFundingRuleSet      = "funding_rule_set"
	AuditHouseholdFundingSet = "household_funding_set"
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableFundingRules, Label: "资金来源规则（公积金与维修资金）"},
		ProjectedTable{Name: TableHouseholdFunding, Label: "住户公积金与维修资金账户"})
}

// ProjectFundingRule is the rule in force for a project: the preset it
// came from ("" for a rule of the project's own) and the completion date
// the application window counts from.
type ProjectFundingRule struct {
	ProjectID int64       `json:"-"`
	Preset    string      `json:"preset"`
	Rule      FundingRule `json:"rule"`
	Completed *Date       `json:"completed"`
	SetBy     string      `json:"-"`
	SetAt     time.Time   `json:"set_at"`
}

// RuleText is the rule's canonical JSON, as stored and imaged.
func (p *ProjectFundingRule) RuleText() string {
	b, _ := json.Marshal(p.Rule) // a struct of strings and ints
	return string(b)
}

// CompletedText is the completion date as stored ("" when none).
func (p *ProjectFundingRule) CompletedText() string {
	if p.Completed == nil {
		return ""
	}
	return p.Completed.String()
}

// Row is the image of a project's funding rule.
func (p *ProjectFundingRule) Row() Row {
	return FundingRuleImage(p.ProjectID, p.Preset, p.RuleText(), p.CompletedText(), p.SetBy, p.SetAt)
}

// FundingRuleImage is the image of a funding_rules row from its stored
// texts (the store images the text as stored, so any edit shows).
func FundingRuleImage(projectID int64, preset, rule, completed, setBy string, setAt time.Time) Row {
	return Row{Table: TableFundingRules, ID: projectID, Cols: map[string]string{
		"preset": preset, "rule": rule, "completed": completed, "set_by": setBy, "set_at": ColTime(setAt)}}
}

// FundingRuleSet is the event of a rule put in force.
func FundingRuleSet(p *ProjectFundingRule) *AuditEvent {
	return &AuditEvent{ProjectID: p.ProjectID, Kind: AuditFundingRuleSet, Actor: p.SetBy, At: p.SetAt,
		Data: AuditData(struct {
			Preset    string      `json:"preset"`
			Rule      FundingRule `json:"rule"`
			Completed string      `json:"completed"`
			RowsData
		}{p.Preset, p.Rule, p.CompletedText(), RowsData{Rows: []Row{p.Row()}}})}
}

// HouseholdFundingFigures are a household's accounts as entered.
type HouseholdFundingFigures struct {
	ProjectID   int64
	HouseholdID int64
	Accounts    []FundingAccount
	Maintenance *MaintenanceAccount
	EnteredBy   string // worker:N, or household:N through its link
	Consent     bool   // the household agreed to its figures being used
	EnteredAt   time.Time
}

// figuresDoc is the stored shape of the figures: the contract's own.
type figuresDoc struct {
	Accounts    []accountDoc    `json:"accounts"`
	Maintenance *maintenanceDoc `json:"maintenance"`
}

type accountDoc struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Balance  Fen    `json:"balance"`
}

type maintenanceDoc struct {
	FirstDeposit Fen `json:"first_deposit"`
	Balance      Fen `json:"balance"`
}

// FiguresText is the canonical JSON of the accounts and the 维修资金
// figures, as stored; the chain carries its SHA-256.
func (f *HouseholdFundingFigures) FiguresText() string {
	doc := figuresDoc{Accounts: make([]accountDoc, len(f.Accounts))}
	for i, a := range f.Accounts {
		doc.Accounts[i] = accountDoc{a.Name, a.Relation, a.Balance}
	}
	if m := f.Maintenance; m != nil {
		doc.Maintenance = &maintenanceDoc{m.FirstDeposit, m.Balance}
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// ParseFiguresText reads figures as FiguresText wrote them: by hand when
// the text has FiguresText's exact shape (GET …/funding reads 5,000 of
// them, and encoding/json took half its time), else through
// encoding/json.
func ParseFiguresText(text string, f *HouseholdFundingFigures) error {
	if accounts, m, ok := scanFigures(text); ok {
		f.Accounts, f.Maintenance = accounts, m
		return nil
	}
	var doc figuresDoc
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return err
	}
	f.Accounts = make([]FundingAccount, len(doc.Accounts))
	for i, a := range doc.Accounts {
		f.Accounts[i] = FundingAccount{Name: a.Name, Relation: a.Relation, Balance: a.Balance}
	}
	f.Maintenance = nil
	if m := doc.Maintenance; m != nil {
		f.Maintenance = &MaintenanceAccount{FirstDeposit: m.FirstDeposit, Balance: m.Balance}
	}
	return nil
}

// scanFigures reads FiguresText's exact output; ok false on anything else
// (an escape in a name, another order, spaces).
func scanFigures(text string) ([]FundingAccount, *MaintenanceAccount, bool) {
	rest, ok := strings.CutPrefix(text, `{"accounts":[`)
	if !ok || strings.IndexByte(text, '\\') >= 0 {
		return nil, nil, false
	}
	accounts := []FundingAccount{}
	for !strings.HasPrefix(rest, "]") {
		var a FundingAccount
		var bal string
		if a.Name, rest, ok = field(rest, `{"name":"`); !ok {
			return nil, nil, false
		}
		if a.Relation, rest, ok = field(rest, `,"relation":"`); !ok {
			return nil, nil, false
		}
		if bal, rest, ok = field(rest, `,"balance":"`); !ok {
			return nil, nil, false
		}
		v, status := parseFixed(bal, 2)
		if status != fixedOK || !strings.HasPrefix(rest, "}") {
			return nil, nil, false
		}
		a.Balance, rest = Fen(v), rest[1:]
		accounts = append(accounts, a)
		rest = strings.TrimPrefix(rest, ",")
	}
	rest = rest[1:]
	if rest == `,"maintenance":null}` {
		return accounts, nil, true
	}
	first, rest, ok := field(rest, `,"maintenance":{"first_deposit":"`)
	if !ok {
		return nil, nil, false
	}
	bal, rest, ok := field(rest, `,"balance":"`)
	if !ok || rest != "}}" {
		return nil, nil, false
	}
	fv, s1 := parseFixed(first, 2)
	bv, s2 := parseFixed(bal, 2)
	if s1 != fixedOK || s2 != fixedOK {
		return nil, nil, false
	}
	return accounts, &MaintenanceAccount{FirstDeposit: Fen(fv), Balance: Fen(bv)}, true
}

// field reads `prefix` then a string up to its closing quote.
func field(s, prefix string) (string, string, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return "", s, false
	}
	value, rest, ok := strings.Cut(rest, `"`)
	return value, rest, ok
}

// Row is the image of a household's funding figures: the figures by their
// SHA-256 (balances are personal data and the chain is shown to auditors).
func (f *HouseholdFundingFigures) Row() Row {
	return HouseholdFundingImage(f.HouseholdID, f.ProjectID, f.FiguresText(), f.EnteredBy, f.Consent, f.EnteredAt)
}

// HouseholdFundingImage is the image of a household_funding row from its
// stored figures text.
func HouseholdFundingImage(householdID, projectID int64, figures, enteredBy string, consent bool, enteredAt time.Time) Row {
	return Row{Table: TableHouseholdFunding, ID: householdID, Cols: map[string]string{
		"project_id": ColInt(projectID), "figures": ColBlob([]byte(figures)), "entered_by": enteredBy,
		"consent": ColBool(consent), "entered_at": ColTime(enteredAt)}}
}

// HouseholdFundingSet is the event of a household's figures entered.
func HouseholdFundingSet(f *HouseholdFundingFigures) *AuditEvent {
	return &AuditEvent{ProjectID: f.ProjectID, Kind: AuditHouseholdFundingSet, Actor: f.EnteredBy, At: f.EnteredAt,
		Data: AuditData(struct {
			Household int64 `json:"household_id"`
			Accounts  int   `json:"accounts"`
			Consent   bool  `json:"consent"`
			RowsData
		}{f.HouseholdID, len(f.Accounts), f.Consent, RowsData{Rows: []Row{f.Row()}}})}
}

// FundingSetting is a PUT of a project's rule: a preset by its key or a
// rule of its own, and the completion date (nil: not yet).
type FundingSetting struct {
	Preset    string
	Rule      FundingRule
	Completed *Date
}

// ParseFundingSetting reads {preset | rule, completed}: exactly one of
// preset (a key of FundingPresets) and rule (the contract's rule).
func ParseFundingSetting(data []byte) (*FundingSetting, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "资金来源规则", "preset", "rule", "completed")
	out := &FundingSetting{}
	switch {
	case !r.ok():
	case present(m, "preset") && present(m, "rule"):
		r.fail("rule", "城市预设 preset 和自定规则 rule 只能填一个")
	case present(m, "preset"):
		out.Preset = r.str(m["preset"], "preset", "城市预设 preset", 32)
		if p, ok := fundingPreset(out.Preset); ok {
			out.Rule = p.Rule
		} else if r.ok() {
			r.fail("preset", "城市预设“%s”不存在，应为 %s 之一", short(out.Preset), strings.Join(fundingPresetKeys(), "、"))
		}
	case present(m, "rule"):
		out.Rule = r.fundingRule(m["rule"])
	default:
		r.fail("preset", "请选择城市预设 preset，或填写自定规则 rule")
	}
	if present(m, "completed") {
		d := DateOf(r.date(r.str(m["completed"], "completed", "竣工验收日期 completed", 10), "completed", "竣工验收日期 completed"))
		out.Completed = &d
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

func fundingPreset(key string) (FundingPreset, bool) {
	for _, p := range FundingPresets() {
		if p.Key == key {
			return p, true
		}
	}
	return FundingPreset{}, false
}

func fundingPresetKeys() []string {
	var keys []string
	for _, p := range FundingPresets() {
		keys = append(keys, p.Key)
	}
	return keys
}

// FundingFiguresInput is a PUT of a household's figures.
type FundingFiguresInput struct {
	Accounts    []FundingAccount
	Maintenance *MaintenanceAccount
	Consent     bool
}

// ParseFundingFigures reads {accounts, maintenance, consent}. Through the
// household's link (byHousehold) consent must be true: the household says
// its figures may be used for the application.
func ParseFundingFigures(data []byte, byHousehold bool) (*FundingFiguresInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "本户资金信息", "accounts", "maintenance", "consent")
	out := &FundingFiguresInput{}
	r.fundingSources(m, &out.Accounts, &out.Maintenance)
	if present(m, "consent") {
		out.Consent = r.boolean(m["consent"], "consent", "同意 consent")
	}
	if r.ok() && byHousehold && !out.Consent {
		r.fail("consent", "请勾选同意：本户同意社区使用以上账户信息办理公积金和维修资金提取")
	}
	if r.err != nil {
		if strings.HasPrefix(r.err.Message, "的") {
			r.err.Message = "本户" + r.err.Message
		}
		return nil, r.err
	}
	return out, nil
}

// MaskAmount hides an amount for view: its first digit and its decimals
// stay, the other digits of the 元 become * (12000.00 → 1****.00; 0.50 →
// *.50), so a glance tells the magnitude and nothing more.
func MaskAmount(f Fen) string {
	s := f.String()
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) <= 1 {
		return "*." + frac
	}
	return whole[:1] + strings.Repeat("*", len(whole)-1) + "." + frac
}

// FundingStore keeps the funding rule and figures; it runs SQL inside the
// workflow's unit of work and decides nothing.
type FundingStore interface {
	SetFundingRule(ctx context.Context, p *ProjectFundingRule) error
	// FundingRule is nil when the project has none.
	FundingRule(ctx context.Context, projectID int64) (*ProjectFundingRule, error)
	SetHouseholdFunding(ctx context.Context, f *HouseholdFundingFigures) error
	// HouseholdFundings are a project's figures by household id.
	HouseholdFundings(ctx context.Context, projectID int64) (map[int64]*HouseholdFundingFigures, error)
	// ProjectReach is a project's id, owner and 社区 alone, without its
	// households: what the access table needs (not_found if none).
	ProjectReach(ctx context.Context, projectID int64) (*Project, error)
}
