package engine

import (
	"fmt"
	"regexp"
	"strings"
)

// The funding contract (docs/funding.md, DESIGN §18): how much of each
// household's share may be drawn from the family's 住房公积金 and from the
// unit's 专项维修资金 account under a city's rule, and what is left to pay in
// cash. Exact fen; the keep of the 维修资金 account is rounded up, so the
// account never falls below what the rule says it must keep.

// Who may draw 公积金 for the household's share.
const (
	RelationOwner  = "owner"
	RelationSpouse = "spouse"
	RelationParent = "parent"
	RelationChild  = "child"
)

// Where money comes from, in the order the rule walks them.
const (
	SourceGJJ         = "gjj"
	SourceMaintenance = "maintenance"
)

// MaxFundingWindowDays bounds the days after completion within which the
// drawing must be applied for (ten years).
const MaxFundingWindowDays = 3650

// DefaultFundingWindowDays is the window when the rule names none: one year.
const DefaultFundingWindowDays = 365

// maxFundingAccounts bounds the 公积金 accounts of one household.
const maxFundingAccounts = 20

var relationLabels = map[string]string{
	RelationOwner:  "业主本人",
	RelationSpouse: "配偶",
	RelationParent: "父母",
	RelationChild:  "子女",
}

var sourceLabels = map[string]string{
	SourceGJJ:         "住房公积金",
	SourceMaintenance: "专项维修资金",
}

// KeepRate is the share of the 维修资金 account's first deposit it must
// keep, in ten-thousandths (4 decimals): 0.30 is 3000.
type KeepRate int64

const keepRateScale = 10_000

// String writes r with at least two and at most four decimals ("0.30",
// "0.1234", "1.00").
func (r KeepRate) String() string {
	s := fmt.Sprintf("%d.%04d", int64(r)/keepRateScale, int64(r)%keepRateScale)
	for strings.HasSuffix(s, "0") && len(s)-strings.IndexByte(s, '.') > 3 {
		s = s[:len(s)-1]
	}
	return s
}

// MarshalJSON writes r as the contract reads it: a plain decimal string.
func (r KeepRate) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads a keep rate written by MarshalJSON.
func (r *KeepRate) UnmarshalJSON(data []byte) error {
	v, err := unmarshalFixed(data, 4)
	*r = KeepRate(v)
	return err
}

// FundingRule is a city's rule in the contract's shape.
type FundingRule struct {
	GJJRelations        []string `json:"gjj_relations"`
	MaintenanceKeepRate KeepRate `json:"maintenance_keep_rate"`
	WindowDays          int      `json:"window_days"`
	Order               []string `json:"order"`
}

// DefaultFundingRule is the rule where the input names nothing: the owner
// and the spouse may draw 公积金, the 维修资金 account keeps nothing, one
// year, 公积金 first.
func DefaultFundingRule() FundingRule {
	return FundingRule{
		GJJRelations: []string{RelationOwner, RelationSpouse},
		WindowDays:   DefaultFundingWindowDays,
		Order:        []string{SourceGJJ, SourceMaintenance},
	}
}

// FundingInput is a validated input of the funding contract.
type FundingInput struct {
	Rule       FundingRule
	Completed  *Date
	Households []FundingHousehold
}

// FundingHousehold is one household's share and the accounts it may draw on.
type FundingHousehold struct {
	ID          string
	Due         Fen // the share net of subsidies, running costs excluded
	Accounts    []FundingAccount
	Maintenance *MaintenanceAccount // nil: no 维修资金 figures given
}

// FundingAccount is one family member's 公积金 account.
type FundingAccount struct {
	Name     string
	Relation string
	Balance  Fen
}

// MaintenanceAccount is the household's 专项维修资金 account.
type MaintenanceAccount struct {
	FirstDeposit Fen
	Balance      Fen
}

// FundingResult is the contract's answer.
type FundingResult struct {
	ApplyBy    *Date              `json:"apply_by"`
	Households []HouseholdFunding `json:"households"`
	Totals     FundingTotals      `json:"totals"`
}

// HouseholdFunding is what one household may draw from each source.
type HouseholdFunding struct {
	ID          string          `json:"id"`
	Due         Fen             `json:"due"`
	GJJ         GJJDraw         `json:"gjj"`
	Maintenance MaintenanceDraw `json:"maintenance"`
	Cash        Fen             `json:"cash"`
}

// GJJDraw is the 公积金 drawn, account by account in input order.
type GJJDraw struct {
	Total    Fen           `json:"total"`
	Accounts []AccountDraw `json:"accounts"`
}

// AccountDraw is one account's part: allowed says whether the rule lets
// this relative draw at all.
type AccountDraw struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Allowed  bool   `json:"allowed"`
	Amount   Fen    `json:"amount"`
}

// MaintenanceDraw is the 维修资金 drawn and what the account keeps.
type MaintenanceDraw struct {
	Amount       Fen `json:"amount"`
	Keep         Fen `json:"keep"`
	BalanceAfter Fen `json:"balance_after"`
}

// FundingTotals adds the households up.
type FundingTotals struct {
	Due         Fen `json:"due"`
	GJJ         Fen `json:"gjj"`
	Maintenance Fen `json:"maintenance"`
	Cash        Fen `json:"cash"`
}

// FundingJSON reads a funding document and computes it.
func FundingJSON(data []byte) (*FundingResult, error) {
	in, err := ParseFundingInput(data)
	if err != nil {
		return nil, err
	}
	return Funding(in), nil
}

// ParseFundingInput reads and validates a funding document.
func ParseFundingInput(data []byte) (*FundingInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "输入", "rule", "completed", "households")
	in := &FundingInput{Rule: DefaultFundingRule()}
	if present(m, "rule") {
		in.Rule = r.fundingRule(m["rule"])
	}
	if present(m, "completed") {
		d := DateOf(r.date(r.str(m["completed"], "completed", "竣工验收日期 completed", 10), "completed", "竣工验收日期 completed"))
		in.Completed = &d
	}
	if v, ok := r.required(m, "", "households", "住户列表"); ok {
		list := r.array(v, "households", "住户列表", 1, MaxHouseholds)
		in.Households = uniqueList(r, list, "households", "id", r.fundingHousehold, func(h *FundingHousehold) string { return h.ID },
			func(i int, h *FundingHousehold) string { return householdName(i, h.ID) }, duplicateID)
	}
	if r.err != nil {
		return nil, r.err
	}
	return in, nil
}

// ParseFundingRule reads a rule alone (a city preset, a project's rule).
func ParseFundingRule(data []byte) (FundingRule, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return FundingRule{}, err
	}
	r := &reader{}
	rule := r.fundingRule(doc)
	if r.err != nil {
		r.err.Field = strings.TrimPrefix(strings.TrimPrefix(r.err.Field, "rule"), ".")
		return FundingRule{}, r.err
	}
	return rule, nil
}

func (r *reader) fundingRule(v any) FundingRule {
	rule := DefaultFundingRule()
	m := r.object(v, "rule", "提取规则 rule", "gjj_relations", "maintenance_keep_rate", "window_days", "order")
	if present(m, "gjj_relations") {
		rule.GJJRelations = r.distinctNames(m["gjj_relations"], "rule.gjj_relations", "可提取公积金的人 gjj_relations", relationLabels,
			"owner（业主本人）、spouse（配偶）、parent（父母）或 child（子女）")
	}
	if present(m, "maintenance_keep_rate") {
		rule.MaintenanceKeepRate = KeepRate(r.plainDecimal(m["maintenance_keep_rate"], "rule.maintenance_keep_rate",
			"维修资金留存比例 maintenance_keep_rate", 4, keepRateScale, "0.30"))
	}
	if present(m, "window_days") {
		rule.WindowDays = r.integer(m["window_days"], "rule.window_days", "申请期限天数 window_days", 0, MaxFundingWindowDays)
	}
	if present(m, "order") {
		rule.Order = r.distinctNames(m["order"], "rule.order", "提取顺序 order", sourceLabels, "gjj（住房公积金）或 maintenance（专项维修资金）")
	}
	return rule
}

// distinctNames reads a non-empty list of distinct names, each one of allowed.
func (r *reader) distinctNames(v any, path, label string, allowed map[string]string, choices string) []string {
	list := r.array(v, path, label, 1, 16) // room for a repeated name, named by its index
	out := make([]string, 0, len(list))
	for i, x := range list {
		p := indexPath(path, i)
		s := r.str(x, p, fmt.Sprintf("%s的第%d项", label, i+1), 32)
		if !r.ok() {
			return nil
		}
		if _, known := allowed[s]; !known {
			r.fail(p, "%s的第%d项“%s”无效，应为 %s", label, i+1, s, choices)
			return nil
		}
		if contains(out, s) {
			r.fail(p, "%s的第%d项“%s”重复，每项只能写一次", label, i+1, s)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// fundingPlainNumber is the only shape of an amount or rate in this
// contract: a JSON string of digits with an optional point and decimals, no
// sign, no exponent, no spaces, no leading zero but before the point.
var fundingPlainNumber = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// plainDecimal reads a JSON string of a plain decimal with at most places
// decimals, 0 ≤ value ≤ max (on the 10^places scale).
func (r *reader) plainDecimal(v any, path, label string, places int32, max int64, example string) int64 {
	if !r.ok() {
		return 0
	}
	s, isStr := v.(string)
	if !isStr {
		r.fail(path, "%s应写成带引号的文字，如 \"%s\"，收到%s", label, example, describe(v))
		return 0
	}
	if rest, negative := strings.CutPrefix(s, "-"); negative && fundingPlainNumber.MatchString(rest) {
		r.fail(path, "%s不能为负数，收到 %s", label, short(s))
		return 0
	}
	if !fundingPlainNumber.MatchString(s) {
		r.fail(path, "%s“%s”的写法不对：只能写数字和小数点，如 %s（不能有空格、正负号、千位分隔符、科学计数法、开头多余的0）", label, short(s), example)
		return 0
	}
	if _, frac, _ := strings.Cut(s, "."); int32(len(frac)) > places {
		r.fail(path, "%s最多保留%d位小数，收到 %s", label, places, short(s))
		return 0
	}
	return r.scaled(s, path, label, places, 0, max, false, false)
}

// fundingMoney reads an amount in 元: a plain decimal string ≥ 0 with at most
// two decimals.
func (r *reader) fundingMoney(v any, path, label string) Fen {
	return Fen(r.plainDecimal(v, path, label+"（元）", 2, int64(MaxAmount), "12000.00"))
}

func (r *reader) fundingHousehold(v any, h *FundingHousehold) {
	m := r.object(v, "", "", "id", "due", "accounts", "maintenance")
	h.ID = r.id(m)
	if dv, ok := r.required(m, "", "due", "的应出资金额 due"); ok {
		h.Due = r.fundingMoney(dv, "due", "的应出资金额 due")
	}
	r.fundingSources(m, &h.Accounts, &h.Maintenance)
}

// fundingSources reads a household's 公积金 accounts and 维修资金 figures
// (paths relative to the household).
func (r *reader) fundingSources(m map[string]any, accounts *[]FundingAccount, maintenance **MaintenanceAccount) {
	if present(m, "accounts") {
		list := r.array(m["accounts"], "accounts", "的公积金账户列表 accounts", 0, maxFundingAccounts)
		(*accounts) = make([]FundingAccount, len(list))
		for i, x := range list {
			path := indexPath("accounts", i)
			label := fmt.Sprintf("的第%d个公积金账户", i+1)
			am := r.object(x, path, label, "name", "relation", "balance")
			a := &(*accounts)[i]
			if nv, ok := r.required(am, path, "name", label+"的姓名"); ok {
				a.Name = r.str(nv, fieldPath(path, "name"), label+"的姓名", 64)
				if r.ok() && strings.TrimSpace(a.Name) == "" {
					r.fail(fieldPath(path, "name"), "%s的姓名不能为空", label)
				}
			}
			if rv, ok := r.required(am, path, "relation", label+"的关系"); ok {
				a.Relation = r.str(rv, fieldPath(path, "relation"), label+"的关系", 32)
				if _, known := relationLabels[a.Relation]; r.ok() && !known {
					r.fail(fieldPath(path, "relation"), "%s的关系“%s”无效，应为 owner（业主本人）、spouse（配偶）、parent（父母）或 child（子女）", label, a.Relation)
				}
			}
			if bv, ok := r.required(am, path, "balance", label+"的余额"); ok {
				a.Balance = r.fundingMoney(bv, fieldPath(path, "balance"), label+"的余额")
			}
		}
	}
	if present(m, "maintenance") {
		mm := r.object(m["maintenance"], "maintenance", "的维修资金 maintenance", "first_deposit", "balance")
		a := &MaintenanceAccount{}
		if fv, ok := r.required(mm, "maintenance", "first_deposit", "的维修资金首期交存额"); ok {
			a.FirstDeposit = r.fundingMoney(fv, "maintenance.first_deposit", "的维修资金首期交存额")
		}
		if bv, ok := r.required(mm, "maintenance", "balance", "的维修资金余额"); ok {
			a.Balance = r.fundingMoney(bv, "maintenance.balance", "的维修资金余额")
		}
		*maintenance = a
	}
}

// Funding computes what each household may draw from each source.
func Funding(in *FundingInput) *FundingResult {
	res := &FundingResult{Households: make([]HouseholdFunding, len(in.Households))}
	if in.Completed != nil {
		d := DateOf(in.Completed.Time().AddDate(0, 0, in.Rule.WindowDays))
		res.ApplyBy = &d
	}
	allowed := map[string]bool{}
	if contains(in.Rule.Order, SourceGJJ) {
		for _, rel := range in.Rule.GJJRelations {
			allowed[rel] = true
		}
	}
	for i := range in.Households {
		f := householdFunding(&in.Households[i], in.Rule, allowed)
		res.Households[i] = f
		t := &res.Totals
		t.Due += f.Due
		t.GJJ += f.GJJ.Total
		t.Maintenance += f.Maintenance.Amount
		t.Cash += f.Cash
	}
	return res
}

// householdFunding walks the rule's order: each source takes what it may,
// never more than what remains of the share.
func householdFunding(h *FundingHousehold, rule FundingRule, allowed map[string]bool) HouseholdFunding {
	f := HouseholdFunding{ID: h.ID, Due: h.Due, GJJ: GJJDraw{Accounts: make([]AccountDraw, len(h.Accounts))}}
	for i, a := range h.Accounts {
		f.GJJ.Accounts[i] = AccountDraw{Name: a.Name, Relation: a.Relation, Allowed: allowed[a.Relation]}
	}
	if h.Maintenance != nil {
		f.Maintenance.Keep = maintenanceKeep(h.Maintenance.FirstDeposit, rule.MaintenanceKeepRate)
		f.Maintenance.BalanceAfter = h.Maintenance.Balance
	}
	remaining := h.Due
	for _, source := range rule.Order {
		switch source {
		case SourceGJJ:
			for i, a := range h.Accounts {
				if !f.GJJ.Accounts[i].Allowed {
					continue
				}
				take := min(a.Balance, remaining)
				f.GJJ.Accounts[i].Amount = take
				f.GJJ.Total += take
				remaining -= take
			}
		case SourceMaintenance:
			if h.Maintenance == nil {
				continue
			}
			take := min(max(0, h.Maintenance.Balance-f.Maintenance.Keep), remaining)
			f.Maintenance.Amount = take
			f.Maintenance.BalanceAfter = h.Maintenance.Balance - take
			remaining -= take
		}
	}
	f.Cash = remaining
	return f
}

// maintenanceKeep is first_deposit × rate rounded up to the fen, so the
// account keeps at least the share the rule names (苏州: 30% of the first
// deposit). Exact: fen times ten-thousandths, divided rounding up.
func maintenanceKeep(firstDeposit Fen, rate KeepRate) Fen {
	return Fen((int64(firstDeposit)*int64(rate) + keepRateScale - 1) / keepRateScale)
}
