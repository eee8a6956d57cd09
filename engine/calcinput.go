package engine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Limits of the calculation contract (docs/calculation.md).
const (
	MaxHouseholds   = 5000
	MaxFloors       = 200
	MaxIDRunes      = 32
	MaxInstallments = 360
	maxNameRunes    = 200
	maxListItems    = 200
)

// Allocation methods.
const (
	AllocCoefficientArea  = "coefficient_area"
	AllocCoefficient      = "coefficient"
	AllocArea             = "area"
	AllocEqual            = "equal"
	AllocFloorPercent     = "floor_percent"
	AllocHouseholdPercent = "household_percent"
)

// Subsidy types.
const (
	SubsidyFixed    = "fixed"
	SubsidyPercent  = "percent"
	SubsidyByFloors = "by_floors"
)

// Relief funding and installment methods.
const (
	FundedByOthers = "others"
	FundedByFund   = "fund"

	InstallmentEqual          = "equal"
	InstallmentAnnuity        = "annuity"
	InstallmentEqualPrincipal = "equal_principal"
)

// CalcInput is a validated input of the calculation contract. Build it
// with ParseCalcInput: Calc relies on the checks made there.
type CalcInput struct {
	Name          string
	Floors        int
	Households    []CalcHousehold
	Costs         []CostItem
	Subsidies     []Subsidy
	Compensations []Compensation
	Allocation    Allocation
	Hardship      *Hardship     // nil: no relief
	Installments  *Installments // nil: no plans
	Operating     *Operating    // nil: no running cost
}

// CalcHousehold is one household as the calculation sees it.
type CalcHousehold struct {
	Room     string
	Floor    int
	Area     Area
	Owner    string
	Hardship bool
	Exempt   bool
}

// CostItem is one line of the cost estimate.
type CostItem struct {
	Name   string
	Amount Fen
}

// Subsidy is one government subsidy of one of three shapes.
type Subsidy struct {
	Name   string
	Type   string // fixed | percent | by_floors
	Amount Fen    // fixed
	Rate   Ratio  // percent
	Cap    *Fen   // percent, optional
	Table  []FloorsAmount
}

// FloorsAmount is a row of a by-storeys subsidy table.
type FloorsAmount struct {
	MinFloors int `json:"min_floors"`
	Amount    Fen `json:"amount"`
}

// Compensation is money paid to a (low-floor) household.
type Compensation struct {
	Household string
	Amount    Fen
}

// Allocation says how the pool is split.
type Allocation struct {
	Method       string
	Coefficients []FloorValue
	Percents     []FloorValue
}

// FloorValue gives a coefficient or percent to the floors From..To.
type FloorValue struct {
	From, To int
	Value    Ratio
}

// Hardship is the relief for hardship households.
type Hardship struct {
	ReliefRate Ratio
	FundedBy   string // others | fund
	Fund       Fen
}

// Installments is the payment plan offered to every paying household.
type Installments struct {
	DownPaymentRate Ratio
	Months          int
	AnnualRate      Ratio
	Method          string
	Start           time.Time
}

// Operating is the yearly running cost (维保、电费、年检).
type Operating struct {
	Annual Fen
}

// Bounds of input numbers, on the scale they are parsed to.
const (
	maxAreaScaled = 10000_00           // 10000.00 m², in hundredths
	ratioOne      = ratioScale         // 1, in millionths
	maxCoefScaled = 10000 * ratioScale // coefficients and percents up to 10000
)

// ParseCalcInput reads and validates a calculation input document. Any
// problem is an *Error naming the field; nothing is computed from bad input.
func ParseCalcInput(data []byte) (*CalcInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	in := r.calcInput(doc)
	if r.err != nil {
		return nil, r.err
	}
	return in, nil
}

func (r *reader) calcInput(doc any) *CalcInput {
	m := r.object(doc, "", "输入", "name", "floors", "households", "costs", "subsidies",
		"compensations", "allocation", "hardship", "installments", "operating")
	in := &CalcInput{}
	if present(m, "name") {
		in.Name = r.str(m["name"], "name", "方案名称", maxNameRunes)
	}
	if hv, ok := r.required(m, "", "households", "住户列表"); ok {
		in.Households = r.households(hv)
	}
	in.Floors = r.floors(m, in.Households)
	if cv, ok := r.required(m, "", "costs", "费用明细"); ok {
		in.Costs = r.costs(cv)
	}
	if present(m, "subsidies") {
		in.Subsidies = r.subsidies(m["subsidies"])
	}
	if present(m, "compensations") {
		in.Compensations = r.compensations(m["compensations"], in.Households)
	}
	in.Allocation = r.allocation(m, in)
	if present(m, "hardship") {
		in.Hardship = r.hardship(m["hardship"])
	}
	if present(m, "installments") {
		in.Installments = r.installments(m["installments"])
	}
	if present(m, "operating") {
		in.Operating = r.operating(m["operating"])
	}
	if !r.ok() {
		return nil
	}
	return in
}

func (r *reader) households(v any) []CalcHousehold {
	list := r.array(v, "households", "住户列表", 1, MaxHouseholds)
	return uniqueList(r, list, "households", "id", r.household, func(h *CalcHousehold) string { return h.Room },
		func(i int, h *CalcHousehold) string { return householdName(i, h.Room) }, duplicateID)
}

// duplicateID is the message for a repeated household id.
func duplicateID(i, j int, id string) string {
	return fmt.Sprintf("第%d户的编号“%s”与第%d户重复，编号必须唯一", i, id, j)
}

// householdName names the i-th household in messages: 第4户（401）.
func householdName(i int, id string) string {
	if id == "" {
		return fmt.Sprintf("第%d户", i+1)
	}
	return fmt.Sprintf("第%d户（%s）", i+1, id)
}

// household reads one household with relative paths; see prefix.
func (r *reader) household(v any, h *CalcHousehold) {
	hm := r.object(v, "", "", "id", "floor", "area", "owner", "hardship", "exempt")
	h.Room = r.id(hm)
	if fv, ok := r.required(hm, "", "floor", "的楼层"); ok {
		h.Floor = r.integer(fv, "floor", "的楼层", 1, MaxFloors)
	}
	if av, ok := r.required(hm, "", "area", "的面积"); ok {
		h.Area = Area(r.scaled(av, "area", "的面积（平方米）", 2, 0, maxAreaScaled, true, false))
	}
	if present(hm, "owner") {
		h.Owner = r.str(hm["owner"], "owner", "的业主姓名", 64)
	}
	if present(hm, "hardship") {
		h.Hardship = r.boolean(hm["hardship"], "hardship", "的困难户标记")
	}
	if present(hm, "exempt") {
		h.Exempt = r.boolean(hm["exempt"], "exempt", "的免缴标记")
	}
}

// id reads a household id: non-empty, at most MaxIDRunes characters.
func (r *reader) id(m map[string]any) string {
	idv, ok := r.required(m, "", "id", "的编号")
	if !ok {
		return ""
	}
	id := r.str(idv, "id", "的编号", MaxIDRunes)
	if r.ok() && strings.TrimSpace(id) == "" {
		r.fail("id", "的编号不能为空")
	}
	return id
}

// floors reads the storeys the elevator serves; by default the highest
// household floor. Every household floor must lie in 1..floors.
func (r *reader) floors(m map[string]any, hs []CalcHousehold) int {
	if !r.ok() {
		return 0
	}
	highest := 0
	for _, h := range hs {
		highest = max(highest, h.Floor)
	}
	if !present(m, "floors") {
		return highest
	}
	floors := r.integer(m["floors"], "floors", "楼层数 floors", 1, MaxFloors)
	for i, h := range hs {
		if r.ok() && h.Floor > floors {
			r.fail(fieldPath(indexPath("households", i), "floor"),
				"第%d户（%s）的楼层 %d 超出了楼层数 floors=%d，应在1到%d之间", i+1, h.Room, h.Floor, floors, floors)
		}
	}
	return floors
}

func (r *reader) costs(v any) []CostItem {
	list := r.array(v, "costs", "费用明细", 1, maxListItems)
	out := make([]CostItem, 0, len(list))
	var total Fen
	for i, cv := range list {
		path := indexPath("costs", i)
		label := fmt.Sprintf("第%d项费用", i+1)
		cm := r.object(cv, path, label, "name", "amount")
		var c CostItem
		if present(cm, "name") {
			c.Name = r.str(cm["name"], fieldPath(path, "name"), label+"的名称", maxNameRunes)
		}
		if av, ok := r.required(cm, path, "amount", label+"的金额"); ok {
			c.Amount = r.money(av, fieldPath(path, "amount"), label+"的金额")
		}
		total += c.Amount
		if r.ok() && total > MaxAmount {
			r.fail(path, "费用合计超过上限 1000000000.00 元")
		}
		out = append(out, c)
	}
	return out
}

// money parses an amount in 元: at most 2 decimals, 0 ≤ amount ≤ MaxAmount.
func (r *reader) money(v any, path, label string) Fen {
	return Fen(r.scaled(v, path, label+"（元）", 2, 0, int64(MaxAmount), false, false))
}

// ratio parses a rate or coefficient with at most 6 decimals in [min, max].
func (r *reader) ratio(v any, path, label string, min, max int64, maxOpen bool) Ratio {
	return Ratio(r.scaled(v, path, label, 6, min, max, false, maxOpen))
}

// rate reads a rate typed as a decimal ("0.3") or as a percentage ("30%",
// "30％"): x% is x/100 exactly, so the percentage is read with four
// decimals where the decimal has six.
func (r *reader) rate(v any, path, label string, min, max int64, maxOpen bool) Ratio {
	if s, ok := v.(string); ok {
		t := strings.TrimSpace(s)
		if p, found := strings.CutSuffix(t, "%"); found {
			return Ratio(r.scaled(strings.TrimSpace(p), path, label+"（百分数）", 4, min, max, false, maxOpen))
		}
		if p, found := strings.CutSuffix(t, "％"); found {
			return Ratio(r.scaled(strings.TrimSpace(p), path, label+"（百分数）", 4, min, max, false, maxOpen))
		}
	}
	return r.ratio(v, path, label, min, max, maxOpen)
}

func (r *reader) subsidies(v any) []Subsidy {
	list := r.array(v, "subsidies", "补贴列表", 0, maxListItems)
	out := make([]Subsidy, 0, len(list))
	for i, sv := range list {
		path := indexPath("subsidies", i)
		label := fmt.Sprintf("第%d项补贴", i+1)
		sm := r.object(sv, path, label, "name", "type", "amount", "rate", "cap", "table")
		var s Subsidy
		if present(sm, "name") {
			s.Name = r.str(sm["name"], fieldPath(path, "name"), label+"的名称", maxNameRunes)
		}
		if tv, ok := r.required(sm, path, "type", label+"的类型"); ok {
			s.Type = r.str(tv, fieldPath(path, "type"), label+"的类型", 32)
		}
		if !r.ok() {
			return nil
		}
		switch s.Type {
		case SubsidyFixed:
			r.only(sm, path, label, "固定金额补贴（fixed）", "name", "type", "amount")
			if av, ok := r.required(sm, path, "amount", label+"的金额"); ok {
				s.Amount = r.money(av, fieldPath(path, "amount"), label+"的金额")
			}
		case SubsidyPercent:
			r.only(sm, path, label, "按比例补贴（percent）", "name", "type", "rate", "cap")
			if rv, ok := r.required(sm, path, "rate", label+"的比例"); ok {
				s.Rate = r.rate(rv, fieldPath(path, "rate"), label+"的比例", 0, ratioOne, false)
			}
			if present(sm, "cap") {
				c := r.money(sm["cap"], fieldPath(path, "cap"), label+"的封顶金额")
				s.Cap = &c
			}
		case SubsidyByFloors:
			r.only(sm, path, label, "按层数补贴（by_floors）", "name", "type", "table")
			if tv, ok := r.required(sm, path, "table", label+"的层数表"); ok {
				s.Table = r.floorsTable(tv, fieldPath(path, "table"), label)
			}
		default:
			r.fail(fieldPath(path, "type"), "%s的类型“%s”无效，应为 fixed（固定金额）、percent（按比例）或 by_floors（按层数）", label, s.Type)
		}
		out = append(out, s)
	}
	return out
}

// only refuses fields that belong to another subsidy type.
func (r *reader) only(m map[string]any, path, label, kind string, allowed ...string) {
	if !r.ok() {
		return
	}
	var extra []string
	for k := range m {
		if !contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		r.fail(fieldPath(path, extra[0]), "%s是%s，不应有字段“%s”", label, kind, extra[0])
	}
}

func (r *reader) floorsTable(v any, path, label string) []FloorsAmount {
	list := r.array(v, path, label+"的层数表", 1, maxListItems)
	out := make([]FloorsAmount, 0, len(list))
	seen := map[int]bool{}
	for i, rv := range list {
		rp := indexPath(path, i)
		rl := fmt.Sprintf("%s层数表第%d行", label, i+1)
		rm := r.object(rv, rp, rl, "min_floors", "amount")
		var row FloorsAmount
		if fv, ok := r.required(rm, rp, "min_floors", rl+"的层数"); ok {
			row.MinFloors = r.integer(fv, fieldPath(rp, "min_floors"), rl+"的层数", 1, MaxFloors)
		}
		if av, ok := r.required(rm, rp, "amount", rl+"的金额"); ok {
			row.Amount = r.money(av, fieldPath(rp, "amount"), rl+"的金额")
		}
		if r.ok() && seen[row.MinFloors] {
			r.fail(fieldPath(rp, "min_floors"), "%s的层数 %d 重复", rl, row.MinFloors)
		}
		seen[row.MinFloors] = true
		out = append(out, row)
	}
	return out
}

func (r *reader) compensations(v any, hs []CalcHousehold) []Compensation {
	list := r.array(v, "compensations", "补偿列表", 0, MaxHouseholds)
	ids := make(map[string]bool, len(hs))
	for _, h := range hs {
		ids[h.Room] = true
	}
	out := make([]Compensation, 0, len(list))
	for i, cv := range list {
		path := indexPath("compensations", i)
		label := fmt.Sprintf("第%d项补偿", i+1)
		cm := r.object(cv, path, label, "household", "amount")
		var c Compensation
		if hv, ok := r.required(cm, path, "household", label+"的住户编号"); ok {
			field := fieldPath(path, "household")
			c.Household = r.str(hv, field, label+"的住户编号", MaxIDRunes)
			switch {
			case !r.ok():
			case strings.TrimSpace(c.Household) == "":
				r.fail(field, "%s没有填写房号：请选择领取补偿的住户", label)
			case !ids[c.Household]:
				r.fail(field, "%s的住户“%s”不在住户列表中", label, c.Household)
			}
		}
		if av, ok := r.required(cm, path, "amount", label+"的金额"); ok {
			c.Amount = r.money(av, fieldPath(path, "amount"), label+"的金额")
		}
		out = append(out, c)
	}
	return out
}

var allocationNames = map[string]string{
	AllocCoefficientArea:  "系数×面积",
	AllocCoefficient:      "按楼层系数",
	AllocArea:             "按面积（民法典第283条）",
	AllocEqual:            "按户均摊",
	AllocFloorPercent:     "按楼层比例（层内均分）",
	AllocHouseholdPercent: "按每户比例",
}

// AllocationName is the Chinese name of an allocation method.
func AllocationName(method string) string { return allocationNames[method] }

// allocation reads the split rule; without one the legal default applies:
// by exclusive area (民法典 第283条).
func (r *reader) allocation(m map[string]any, in *CalcInput) Allocation {
	a := Allocation{Method: AllocArea}
	if !r.ok() || !present(m, "allocation") {
		return a
	}
	am := r.object(m["allocation"], "allocation", "分摊方式 allocation", "method", "coefficients", "percents")
	if present(am, "method") {
		a.Method = r.str(am["method"], "allocation.method", "分摊方式", 32)
		if _, known := allocationNames[a.Method]; r.ok() && !known {
			r.fail("allocation.method", "分摊方式“%s”无效，应为 coefficient_area、coefficient、area、equal、floor_percent 或 household_percent", a.Method)
		}
	}
	if present(am, "coefficients") {
		a.Coefficients = r.floorValues(am["coefficients"], "allocation.coefficients", "楼层系数", in.Floors)
	}
	if present(am, "percents") {
		a.Percents = r.floorValues(am["percents"], "allocation.percents", "楼层比例", in.Floors)
	}
	if !r.ok() {
		return a
	}
	switch a.Method {
	case AllocCoefficientArea, AllocCoefficient:
		r.covers(a.Coefficients, "allocation.coefficients", "楼层系数 coefficients", in.Households)
	case AllocFloorPercent, AllocHouseholdPercent:
		r.covers(a.Percents, "allocation.percents", "楼层比例 percents", in.Households)
	}
	return a
}

func (r *reader) floorValues(v any, path, label string, floors int) []FloorValue {
	list := r.array(v, path, label+"表", 0, MaxFloors)
	out := make([]FloorValue, 0, len(list))
	for i, fv := range list {
		rp := indexPath(path, i)
		rl := fmt.Sprintf("%s表第%d行", label, i+1)
		fm := r.object(fv, rp, rl, "floors", "value")
		var row FloorValue
		if rv, ok := r.required(fm, rp, "floors", rl+"的楼层范围"); ok {
			row.From, row.To = r.floorRange(rv, fieldPath(rp, "floors"), rl)
		}
		if vv, ok := r.required(fm, rp, "value", rl+"的数值"); ok {
			row.Value = r.ratio(vv, fieldPath(rp, "value"), rl+"的数值", 0, maxCoefScaled, false)
		}
		if !r.ok() {
			return nil
		}
		for j, prev := range out {
			if row.From <= prev.To && prev.From <= row.To {
				r.fail(fieldPath(rp, "floors"), "%s的楼层范围 %s 与第%d行 %s 重叠", rl, rangeString(row.From, row.To), j+1, rangeString(prev.From, prev.To))
				return nil
			}
		}
		out = append(out, row)
	}
	return out
}

// floorRange parses "3" or "4-6" (a number 3 is accepted too).
func (r *reader) floorRange(v any, path, label string) (from, to int) {
	if !r.ok() {
		return 0, 0
	}
	text := quoteNumber(v)
	if _, isStr := v.(string); !isStr && !isNumber(v) {
		r.fail(path, "%s的楼层范围应为文本，如 \"3\" 或 \"4-6\"，收到%s", label, describe(v))
		return 0, 0
	}
	a, b, isRange := strings.Cut(text, "-")
	if !isRange {
		b = a
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(a))
	to, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || from < 1 || to < from || to > MaxFloors {
		r.fail(path, "%s的楼层范围 %s 无效，应写成 \"3\" 或 \"4-6\"（1到%d层，起始不大于结束）", label, quote(text), MaxFloors)
		return 0, 0
	}
	return from, to
}

func isNumber(v any) bool {
	_, ok := v.(interface{ Int64() (int64, error) })
	return ok
}

func rangeString(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return strconv.Itoa(from) + "-" + strconv.Itoa(to)
}

// covers checks that every floor with a paying (non-exempt) household has a value.
func (r *reader) covers(rows []FloorValue, path, label string, hs []CalcHousehold) {
	for i, h := range hs {
		if h.Exempt {
			continue
		}
		if _, ok := lookupFloor(rows, h.Floor); !ok {
			r.fail(path, "%s没有覆盖第%d层（第%d户 %s 在该层），请补上该层的数值", label, h.Floor, i+1, h.Room)
			return
		}
	}
}

func lookupFloor(rows []FloorValue, floor int) (Ratio, bool) {
	for _, row := range rows {
		if row.From <= floor && floor <= row.To {
			return row.Value, true
		}
	}
	return 0, false
}

func (r *reader) hardship(v any) *Hardship {
	hm := r.object(v, "hardship", "困难户减免 hardship", "relief_rate", "funded_by", "fund")
	h := &Hardship{FundedBy: FundedByOthers}
	if rv, ok := r.required(hm, "hardship", "relief_rate", "减免比例"); ok {
		h.ReliefRate = r.rate(rv, "hardship.relief_rate", "减免比例 relief_rate", 0, ratioOne, false)
	}
	if present(hm, "funded_by") {
		h.FundedBy = r.str(hm["funded_by"], "hardship.funded_by", "减免资金来源 funded_by", 16)
		if r.ok() && h.FundedBy != FundedByOthers && h.FundedBy != FundedByFund {
			r.fail("hardship.funded_by", "减免资金来源“%s”无效，应为 others（其他出资户分担）或 fund（专项资金）", h.FundedBy)
		}
	}
	if present(hm, "fund") {
		h.Fund = r.money(hm["fund"], "hardship.fund", "专项资金 fund")
	}
	return h
}

func (r *reader) installments(v any) *Installments {
	im := r.object(v, "installments", "分期付款 installments", "down_payment_rate", "months", "annual_rate", "method", "start")
	p := &Installments{Method: InstallmentEqual}
	if present(im, "down_payment_rate") {
		p.DownPaymentRate = r.rate(im["down_payment_rate"], "installments.down_payment_rate", "首付比例", 0, ratioOne, true)
	}
	if mv, ok := r.required(im, "installments", "months", "分期月数"); ok {
		p.Months = r.integer(mv, "installments.months", "分期月数", 1, MaxInstallments)
	}
	if present(im, "annual_rate") {
		p.AnnualRate = r.rate(im["annual_rate"], "installments.annual_rate", "年利率", 0, ratioOne, true)
	}
	if present(im, "method") {
		p.Method = r.str(im["method"], "installments.method", "分期方式", 32)
		switch p.Method {
		case InstallmentEqual, InstallmentAnnuity, InstallmentEqualPrincipal:
		default:
			r.fail("installments.method", "分期方式“%s”无效，应为 equal（免息等额）、annuity（等额本息）或 equal_principal（等额本金）", p.Method)
		}
	}
	if r.ok() && p.Method == InstallmentEqual && p.AnnualRate != 0 {
		r.fail("installments.annual_rate", "免息等额分期（equal）的年利率必须为0；有利息请选 annuity（等额本息）或 equal_principal（等额本金）")
	}
	if sv, ok := r.required(im, "installments", "start", "首付日期"); ok {
		text := r.str(sv, "installments.start", "首付日期", 10)
		p.Start = r.date(text, "installments.start", "首付日期")
	}
	return p
}

func (r *reader) date(text, path, label string) time.Time {
	if !r.ok() {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, text)
	if err != nil || len(text) != 10 || t.Year() < 1900 || t.Year() > 2200 {
		r.fail(path, "%s“%s”不是有效日期，应写成 YYYY-MM-DD，如 2027-01-01", label, text)
		return time.Time{}
	}
	return t
}

func (r *reader) operating(v any) *Operating {
	om := r.object(v, "operating", "运行费用 operating", "annual")
	o := &Operating{}
	if av, ok := r.required(om, "operating", "annual", "年运行费用"); ok {
		o.Annual = r.money(av, "operating.annual", "年运行费用")
	}
	return o
}
