package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Comparing two to four scenarios (GET …/compare?ids=3,5,8): each with a
// summary in plain Chinese — the cost, the subsidy, how the rest is
// shared, the relief, how it is paid — and what each household and floor
// pays under each, for a worker and residents choosing a plan.

// MinCompared and MaxCompared bound the scenarios compared at once.
const (
	MinCompared = 2
	MaxCompared = 4
)

// ScenarioSummary names a compared scenario and says what it is.
type ScenarioSummary struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Summary []string `json:"summary"`
}

// ComparedRow is one household, floor or the total: its due under each
// scenario in order (null where a scenario has no such household).
type ComparedRow struct {
	Room  string `json:"room,omitempty"`
	Floor int    `json:"floor,omitempty"`
	Due   []*Fen `json:"due"`
}

// ComparedTotal is what all households pay under each scenario.
type ComparedTotal struct {
	Due []Fen `json:"due"`
}

// Compared sets scenarios side by side.
type Compared struct {
	Scenarios  []ScenarioSummary `json:"scenarios"`
	Households []ComparedRow     `json:"households"`
	Floors     []ComparedRow     `json:"floors"`
	Total      ComparedTotal     `json:"total"`
}

// ComparedScenario is one scenario to compare: its name, its input (nil
// when it no longer reads against the project's households: the summary
// then says only what the result says) and its stored result.
type ComparedScenario struct {
	Ref    ScenarioRef
	Input  *CalcInput
	Result *CalcResult
}

// CheckCompareIDs refuses a list of scenario ids that cannot be compared:
// fewer than two, more than four, or one given twice.
func CheckCompareIDs(ids []int64) error {
	if len(ids) < MinCompared || len(ids) > MaxCompared {
		return Invalidf("ids", "请选择 %d 到 %d 个方案进行比较（现有 %d 个）", MinCompared, MaxCompared, len(ids))
	}
	for i, id := range ids {
		if slices.Contains(ids[:i], id) {
			return Invalidf("ids", "方案 %d 选了两次：请选择不同的方案", id)
		}
	}
	return nil
}

// CompareScenarios sets the scenarios side by side: households in the
// first scenario's order, then those only in later ones; floors
// ascending.
func CompareScenarios(scs []ComparedScenario) *Compared {
	n := len(scs)
	out := &Compared{Scenarios: make([]ScenarioSummary, n), Households: []ComparedRow{}, Floors: []ComparedRow{}, Total: ComparedTotal{Due: make([]Fen, n)}}
	index := map[string]int{}
	floors := map[int][]*Fen{}
	for i, sc := range scs {
		out.Scenarios[i] = ScenarioSummary{ID: sc.Ref.ID, Name: sc.Ref.Name, Summary: SummarizeScenario(sc.Input, sc.Result)}
		out.Total.Due[i] = sc.Result.TotalDue
		for _, h := range sc.Result.Households {
			j, ok := index[h.Room]
			if !ok {
				j = len(out.Households)
				index[h.Room] = j
				out.Households = append(out.Households, ComparedRow{Room: h.Room, Floor: h.Floor, Due: make([]*Fen, n)})
			}
			due := h.Due
			out.Households[j].Due[i] = &due
		}
		for _, f := range sc.Result.FloorTotals {
			if floors[f.Floor] == nil {
				floors[f.Floor] = make([]*Fen, n)
			}
			due := f.Due
			floors[f.Floor][i] = &due
		}
	}
	order := make([]int, 0, len(floors))
	for f := range floors {
		order = append(order, f)
	}
	slices.Sort(order)
	for _, f := range order {
		out.Floors = append(out.Floors, ComparedRow{Floor: f, Due: floors[f]})
	}
	return out
}

// percentText writes a rate as a percentage: 0.3 → "30%", 0.0435 → "4.35%".
func percentText(r Ratio) string { return decimal.New(int64(r), -4).String() + "%" }

// SummarizeScenario says in plain Chinese what a scenario is, line by
// line, as a worker reads it out at a residents' meeting: no method
// names, rates as percentages, amounts in 元 grouped by thousands.
func SummarizeScenario(in *CalcInput, res *CalcResult) []string {
	lines := []string{"总造价 " + res.TotalCost.Grouped() + " 元"}
	lines = append(lines, subsidyLines(in, res)...)
	if res.TotalCompensation > 0 {
		n := 0
		if in != nil {
			n = len(in.Compensations)
		}
		line := "给不使用电梯的低层住户补偿 " + res.TotalCompensation.Grouped() + " 元"
		if n > 0 {
			line = fmt.Sprintf("给不使用电梯的低层住户补偿 %d 户，共 %s 元", n, res.TotalCompensation.Grouped())
		}
		lines = append(lines, line+"，计入居民分摊")
	}
	lines = append(lines, "居民共同分摊 "+res.Pool.Grouped()+" 元")
	if in != nil {
		lines = append(lines, shareLine(in))
		if n := exemptCount(in); n > 0 {
			lines = append(lines, fmt.Sprintf("%d 户免缴", n))
		}
	}
	lines = append(lines, reliefLines(in, res)...)
	lines = append(lines, rangeLine(res))
	if in != nil {
		lines = append(lines, paymentLine(in.Installments))
		if in.Operating != nil && in.Operating.Annual > 0 {
			lines = append(lines, "每年运行费用（维保、电费、年检）"+in.Operating.Annual.Grouped()+" 元，按同样比例分摊")
		} else {
			lines = append(lines, "未计每年运行费用")
		}
	}
	return lines
}

func subsidyLines(in *CalcInput, res *CalcResult) []string {
	if res.TotalSubsidy == 0 {
		return []string{"没有政府补贴"}
	}
	var lines []string
	for i, s := range res.Subsidies {
		name := strings.TrimSpace(s.Name)
		if name == "" {
			name = "政府补贴"
		}
		line := fmt.Sprintf("%s %s 元", name, s.Amount.Grouped())
		if in != nil && i < len(in.Subsidies) {
			sub := in.Subsidies[i]
			switch sub.Type {
			case SubsidyFixed:
				line = fmt.Sprintf("%s 每台 %s 元", name, s.Amount.Grouped())
			case SubsidyPercent:
				line = fmt.Sprintf("%s 按造价的 %s", name, percentText(sub.Rate))
				if sub.Cap != nil {
					line += "，最多 " + sub.Cap.Grouped() + " 元"
				}
				line += "，计 " + s.Amount.Grouped() + " 元"
			case SubsidyByFloors:
				line = fmt.Sprintf("%s 按 %d 层楼计 %s 元", name, in.Floors, s.Amount.Grouped())
			}
		}
		lines = append(lines, line)
	}
	if len(res.Subsidies) > 1 {
		lines = append(lines, "补贴合计 "+res.TotalSubsidy.Grouped()+" 元")
	}
	if res.UnusedSubsidy > 0 {
		lines = append(lines, "补贴超过造价，多出的 "+res.UnusedSubsidy.Grouped()+" 元不计入")
	}
	return lines
}

// shareLine says who pays what part of the rest.
func shareLine(in *CalcInput) string {
	a := in.Allocation
	switch a.Method {
	case AllocArea:
		return "按各户面积分摊（没有约定时的法定办法）"
	case AllocEqual:
		return "每户平均分摊"
	case AllocCoefficientArea:
		return "按楼层和面积分摊：" + floorValues(a.Coefficients, in.Floors, func(v Ratio) string { return "每平方米按 " + v.String() + " 份" }, "，")
	case AllocCoefficient:
		return "按楼层分摊，不论面积：" + floorValues(a.Coefficients, in.Floors, func(v Ratio) string { return "每户 " + v.String() + " 份" }, "，")
	case AllocFloorPercent:
		return "按楼层比例分摊，同层各户平分：" + floorValues(a.Percents, in.Floors, func(v Ratio) string { return "共 " + v.String() + "%" }, "，")
	case AllocHouseholdPercent:
		return "按楼层定每户比例：" + floorValues(a.Percents, in.Floors, func(v Ratio) string { return "每户 " + v.String() + "%" }, "，")
	}
	return "按" + AllocationName(a.Method) + "分摊"
}

// floorValues words floor ranges with their values: 1–2层不出资，3层…
func floorValues(rows []FloorValue, floors int, word func(Ratio) string, sep string) string {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(x, y FloorValue) int { return x.From - y.From })
	var out []string
	for _, r := range rows {
		if r.From > floors {
			continue
		}
		r.To = min(r.To, floors)
		span := fmt.Sprintf("%d层", r.From)
		if r.To != r.From {
			span = fmt.Sprintf("%d–%d层", r.From, r.To)
		}
		if r.Value == 0 {
			out = append(out, span+"不出资")
			continue
		}
		out = append(out, span+word(r.Value))
	}
	return strings.Join(out, sep)
}

func exemptCount(in *CalcInput) int {
	n := 0
	for _, h := range in.Households {
		if h.Exempt {
			n++
		}
	}
	return n
}

// reliefLines say how hardship households are relieved and who bears it.
func reliefLines(in *CalcInput, res *CalcResult) []string {
	if in == nil || in.Hardship == nil || in.Hardship.ReliefRate == 0 {
		if res.ReliefTotal > 0 {
			return []string{"困难家庭减免共 " + res.ReliefTotal.Grouped() + " 元"}
		}
		return []string{"困难家庭不减免"}
	}
	var how string
	switch r := in.Hardship.ReliefRate; r {
	case ratioScale:
		how = "困难家庭全免（100%）"
	case ratioScale / 2:
		how = "困难家庭减免一半（50%）"
	default:
		how = "困难家庭减免 " + percentText(r)
	}
	n := 0
	for _, h := range in.Households {
		if h.Hardship {
			n++
		}
	}
	if n == 0 {
		return []string{how + "，本方案没有困难家庭"}
	}
	how = fmt.Sprintf("%s（%d 户，共 %s 元）", how, n, res.ReliefTotal.Grouped())
	if in.Hardship.FundedBy == FundedByFund {
		return []string{how + "，由减免基金 " + in.Hardship.Fund.Grouped() + " 元支付，用去 " + res.FundUsed.Grouped() + " 元"}
	}
	return []string{how + "，减免部分由其他出资户分担"}
}

// rangeLine says how many households pay and the most and least one pays.
func rangeLine(res *CalcResult) string {
	var payers int
	var most, least Fen
	for _, h := range res.Households {
		if h.Due <= 0 {
			continue
		}
		if payers == 0 || h.Due > most {
			most = h.Due
		}
		if payers == 0 || h.Due < least {
			least = h.Due
		}
		payers++
	}
	if payers == 0 {
		return "各户都不出资"
	}
	free := len(res.Households) - payers
	line := fmt.Sprintf("%d 户出资，每户 %s 至 %s 元", payers, least.Grouped(), most.Grouped())
	if payers == 1 || most == least {
		line = fmt.Sprintf("%d 户出资，每户 %s 元", payers, most.Grouped())
	}
	if free > 0 {
		line += fmt.Sprintf("；%d 户不出资", free)
	}
	return line
}

// paymentLine says how a household pays its share.
func paymentLine(in *Installments) string {
	if in == nil {
		return "一次付清"
	}
	var b strings.Builder
	if in.DownPaymentRate > 0 {
		fmt.Fprintf(&b, "首付 %s，其余", percentText(in.DownPaymentRate))
	} else {
		b.WriteString("不付首付，全部")
	}
	fmt.Fprintf(&b, "分 %d 个月付清", in.Months)
	switch {
	case in.AnnualRate == 0:
		b.WriteString("，不计利息")
	case in.Method == InstallmentEqualPrincipal:
		fmt.Fprintf(&b, "，年利率 %s，每月还本金相同、利息逐月减少", percentText(in.AnnualRate))
	default:
		fmt.Fprintf(&b, "，年利率 %s，每月还款额相同", percentText(in.AnnualRate))
	}
	fmt.Fprintf(&b, "；%s起付", BeijingDate(in.Start))
	return b.String()
}
