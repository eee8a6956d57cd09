package engine

import "time"

// Presets are the subsidy, allocation and consent rules of real cities and
// of the law, for workers to start from. They live here, once: the console
// asks for them (GET /api/v1/presets) and never repeats a number. Sources:
// docs/calculation.md (subsidy shapes, allocation methods) and
// docs/tally.md (民法典 第278条).

// SubsidyPreset is one city's subsidy: a key, a note, and the subsidy in
// the calculation contract's shape.
type SubsidyPreset struct {
	Key     string `json:"key"`
	Comment string `json:"comment"`
	SubsidyInput
}

// SubsidyInput is a subsidy as the calculation contract writes it.
type SubsidyInput struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Amount *Fen           `json:"amount,omitempty"` // fixed
	Rate   *Ratio         `json:"rate,omitempty"`   // percent
	Cap    *Fen           `json:"cap,omitempty"`    // percent
	Table  []FloorsAmount `json:"table,omitempty"`  // by_floors
}

// AllocationPreset is a real scheme's way of splitting the pool.
type AllocationPreset struct {
	Key     string `json:"key"`
	Name    string `json:"name"`
	Comment string `json:"comment"`
	AllocationInput
}

// AllocationInput is an allocation as the calculation contract writes it.
type AllocationInput struct {
	Method       string            `json:"method"`
	Coefficients []FloorRangeValue `json:"coefficients,omitempty"`
	Percents     []FloorRangeValue `json:"percents,omitempty"`
}

// FloorRangeValue is a coefficient or percent for a range of floors, as
// the contract writes it ("3", "4-6").
type FloorRangeValue struct {
	Floors string `json:"floors"`
	Value  Ratio  `json:"value"`
}

// RulePreset is a consent rule with its thresholds spelled out, as
// fractions (the way a custom rule is written) and as percentages.
type RulePreset struct {
	Key        string        `json:"key"`
	Name       string        `json:"name"`
	Text       string        `json:"text"`
	Fractions  RuleFractions `json:"fractions"`
	Thresholds Thresholds    `json:"thresholds"`
}

// RuleFractions is a rule in the custom-rule shape of the tally contract.
type RuleFractions struct {
	ParticipationArea   string `json:"participation_area"`
	ParticipationOwners string `json:"participation_owners"`
	ApprovalArea        string `json:"approval_area"`
	ApprovalOwners      string `json:"approval_owners"`
	ApprovalStrict      bool   `json:"approval_strict"`
}

// Starter is the plan a new scenario starts from: a typical six-storey
// elevator (docs/calculation.md), in the contract's input shape without
// households.
type Starter struct {
	Name         string           `json:"name"`
	Costs        []StarterCost    `json:"costs"`
	Subsidies    []SubsidyInput   `json:"subsidies"`
	Allocation   AllocationInput  `json:"allocation"`
	Hardship     StarterHardship  `json:"hardship"`
	Installments StarterPlan      `json:"installments"`
	Operating    StarterOperating `json:"operating"`
	Compensation Fen              `json:"compensation"` // offered when a low-floor compensation is added
}

// StarterCost is a cost line.
type StarterCost struct {
	Name   string `json:"name"`
	Amount Fen    `json:"amount"`
}

// StarterHardship is the relief for hardship households.
type StarterHardship struct {
	ReliefRate Ratio  `json:"relief_rate"`
	FundedBy   string `json:"funded_by"`
	Fund       Fen    `json:"fund"`
}

// StarterPlan is the installment plan.
type StarterPlan struct {
	DownPaymentRate Ratio  `json:"down_payment_rate"`
	Months          int    `json:"months"`
	AnnualRate      Ratio  `json:"annual_rate"`
	Method          string `json:"method"`
	Start           string `json:"start"`
}

// StarterOperating is the yearly running cost.
type StarterOperating struct {
	Annual Fen `json:"annual"`
}

// FundingPreset is a city's rule for paying the share from 住房公积金 and
// 专项维修资金, in the funding contract's shape (docs/funding.md). Note says
// the city's rule in plain Chinese, and what the preset assumes where the
// rule as reported is silent.
type FundingPreset struct {
	Key    string      `json:"key"`
	Name   string      `json:"name"`
	City   string      `json:"city"`
	Note   string      `json:"note"`
	Source string      `json:"source"`
	Rule   FundingRule `json:"rule"`
}

// Presets is everything GET /api/v1/presets answers.
type Presets struct {
	Subsidies   []SubsidyPreset    `json:"subsidies"`
	Allocations []AllocationPreset `json:"allocations"`
	Rules       []RulePreset       `json:"rules"`
	Funding     []FundingPreset    `json:"funding"`
	Starter     Starter            `json:"starter"`
}

// FundingPresets are the city rules of DESIGN §18 (public rules, as
// reported); a fresh copy each time. Where a rule as reported says nothing
// (who may draw in 苏州, a deadline in 青岛, the 维修资金 in 青岛 and 广东),
// the preset takes the cautious reading and its note says so.
func FundingPresets() []FundingPreset {
	gjjOnly := []string{SourceGJJ}
	return []FundingPreset{
		{Key: "suzhou", Name: "苏州 公积金与维修资金", City: "苏州",
			Note: "自2024年7月1日起：住房公积金和专项维修资金合计不超过本户扣除政府补贴后的出资额（不含运行费用）；" +
				"维修资金账户至少保留首期交存额的30%；在取得电梯使用登记证后一年内申请一次，竣工日期请填使用登记证的日期。" +
				"可提取公积金的人按业主本人和配偶计，父母、子女能否提取请向苏州住房公积金管理中心确认。",
			Source: "苏州市既有住宅加装电梯使用住房公积金和专项维修资金的规定（2024年7月1日起施行，据公开报道）",
			Rule: FundingRule{GJJRelations: []string{RelationOwner, RelationSpouse}, MaintenanceKeepRate: 3000,
				WindowDays: DefaultFundingWindowDays, Order: []string{SourceGJJ, SourceMaintenance}}},
		{Key: "qingdao", Name: "青岛 公积金（本人及直系亲属）", City: "青岛",
			Note: "业主本人及其配偶、父母、子女可提取住房公积金，在竣工验收后提取一次，合计不超过业主扣除政府补贴后的实际出资额，" +
				"运行维护费用不能提取。规定未写申请期限，本预设按竣工后一年计；维修资金的使用未计入，以当地规定为准。",
			Source: "青岛市既有住宅加装电梯提取住房公积金的规定（据公开报道）",
			Rule: FundingRule{GJJRelations: []string{RelationOwner, RelationSpouse, RelationParent, RelationChild},
				WindowDays: DefaultFundingWindowDays, Order: gjjOnly}},
		{Key: "guangdong", Name: "广东 公积金（夫妻双方）", City: "广东",
			Note: "夫妻双方可提取住房公积金，合计不超过本户分摊的加装电梯费用，在竣工验收后一年内提取一次（如韶关）。" +
				"维修资金的使用未计入，以当地规定为准。",
			Source: "粤建金函〔2010〕428号",
			Rule: FundingRule{GJJRelations: []string{RelationOwner, RelationSpouse},
				WindowDays: DefaultFundingWindowDays, Order: gjjOnly}},
	}
}

func fenPtr(yuan int64) *Fen       { f := Fen(yuan * 100); return &f }
func ratio(millionths int64) Ratio { return Ratio(millionths) }

// FloorsAmount rows are written in 元 here for reading.
func byFloors(rows ...[2]int64) []FloorsAmount {
	out := make([]FloorsAmount, len(rows))
	for i, r := range rows {
		out[i] = FloorsAmount{MinFloors: int(r[0]), Amount: Fen(r[1] * 100)}
	}
	return out
}

func ranges(pairs ...any) []FloorRangeValue {
	out := make([]FloorRangeValue, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, FloorRangeValue{Floors: pairs[i].(string), Value: Ratio(pairs[i+1].(int))})
	}
	return out
}

// AllPresets returns the presets (a fresh copy each time); a new plan's
// first payment falls on the first day of the month after next.
func AllPresets(now time.Time) *Presets {
	rate40 := ratio(400000)
	p := &Presets{
		Subsidies: []SubsidyPreset{
			{"chengdu", "按台定额补贴", SubsidyInput{Name: "成都 每台20万", Type: SubsidyFixed, Amount: fenPtr(200000)}},
			{"shanghai", "按工程造价比例，设上限", SubsidyInput{Name: "上海 40%封顶28万", Type: SubsidyPercent, Rate: &rate40, Cap: fenPtr(280000)}},
			{"beijing", "按工程造价比例，设上限", SubsidyInput{Name: "北京 40%封顶24万", Type: SubsidyPercent, Rate: &rate40, Cap: fenPtr(240000)}},
			{"jinan", "4层16万、5层18万、6层20万、7层及以上22万", SubsidyInput{Name: "济南 按层数", Type: SubsidyByFloors,
				Table: byFloors([2]int64{4, 160000}, [2]int64{5, 180000}, [2]int64{6, 200000}, [2]int64{7, 220000})}},
			{"wuxi", "4层14万、5层16万、6层18万、7层及以上20万", SubsidyInput{Name: "无锡 按层数", Type: SubsidyByFloors,
				Table: byFloors([2]int64{4, 140000}, [2]int64{5, 160000}, [2]int64{6, 180000}, [2]int64{7, 200000})}},
		},
		Allocations: []AllocationPreset{
			{"dongpu", "广州东圃 系数×面积", "1–2层不出资，3层起系数逐层递增", AllocationInput{Method: AllocCoefficientArea,
				Coefficients: ranges("1-2", 0, "3", 700000, "4", 800000, "5", 900000, "6", 1000000, "7", 1100000)}},
			{"hangzhou", "杭州新民村 按楼层比例", "各层所占比例，层内各户均分", AllocationInput{Method: AllocFloorPercent,
				Percents: ranges("1-2", 0, "3", 10000000, "4", 20000000, "5", 30000000, "6", 40000000)}},
			{"ningbo", "宁波 按每户比例", "每户按所在楼层的比例出资", AllocationInput{Method: AllocHouseholdPercent,
				Percents: ranges("1", 0, "2", 1500000, "3", 4000000, "4", 9000000, "5", 15000000, "6", 20500000)}},
			{"c283", "民法典第283条 按面积", "没有约定时按专有部分面积分摊", AllocationInput{Method: AllocArea}},
			{"equal", "按户均摊", "每户相同", AllocationInput{Method: AllocEqual}},
		},
		Funding: FundingPresets(),
	}
	for _, key := range []string{RuleCivilCodeMajor, RuleCivilCodeOrdinary} {
		rule, _ := CivilCodeRule(key)
		name := "改建、重建等重大事项（3/4）"
		if key == RuleCivilCodeOrdinary {
			name = "一般事项（过半数）"
		}
		p.Rules = append(p.Rules, RulePreset{Key: key, Name: name, Text: rule.Describe(), Thresholds: rule.Thresholds(),
			Fractions: RuleFractions{rule.ParticipationArea.RatString(), rule.ParticipationOwners.RatString(),
				rule.ApprovalArea.RatString(), rule.ApprovalOwners.RatString(), rule.ApprovalStrict}})
	}
	y, m, _ := now.In(Beijing).Date()
	p.Starter = Starter{
		Name:         "方案A",
		Costs:        []StarterCost{{"电梯设备及安装", 420000_00}, {"土建及管线迁改", 150000_00}},
		Subsidies:    []SubsidyInput{p.Subsidies[0].SubsidyInput},
		Allocation:   p.Allocations[0].AllocationInput,
		Hardship:     StarterHardship{ReliefRate: ratio(500000), FundedBy: FundedByOthers},
		Installments: StarterPlan{DownPaymentRate: ratio(300000), Months: 24, Method: InstallmentEqual, Start: time.Date(y, m+2, 1, 0, 0, 0, 0, Beijing).Format("2006-01-02")},
		Operating:    StarterOperating{Annual: 6000_00},
		Compensation: 5000_00,
	}
	return p
}
