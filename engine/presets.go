package engine

// Presets are the subsidy, allocation and consent rules of real cities and
// of the law, for workers to start from. They live here, once: the console
// asks for them (GET /api/v1/presets) and never repeats a number. Sources:
// docs/calculation.md (subsidy shapes, allocation methods) and
// docs/tally.md (民法典 第278条).

// SubsidyPreset is one city's subsidy, in the calculation contract's shape.
type SubsidyPreset struct {
	Key     string         `json:"key"`
	Name    string         `json:"name"`
	Type    string         `json:"type"`
	Amount  *Fen           `json:"amount,omitempty"` // fixed
	Rate    *Ratio         `json:"rate,omitempty"`   // percent
	Cap     *Fen           `json:"cap,omitempty"`    // percent
	Table   []FloorsAmount `json:"table,omitempty"`  // by_floors
	Comment string         `json:"comment"`
}

// AllocationPreset is a real scheme's way of splitting the pool.
type AllocationPreset struct {
	Key          string            `json:"key"`
	Name         string            `json:"name"`
	Method       string            `json:"method"`
	Coefficients []FloorRangeValue `json:"coefficients,omitempty"`
	Percents     []FloorRangeValue `json:"percents,omitempty"`
	Comment      string            `json:"comment"`
}

// FloorRangeValue is a coefficient or percent for a range of floors, as
// the contract writes it ("3", "4-6").
type FloorRangeValue struct {
	Floors string `json:"floors"`
	Value  Ratio  `json:"value"`
}

// RulePreset is a consent rule with its thresholds spelled out.
type RulePreset struct {
	Key        string     `json:"key"`
	Name       string     `json:"name"`
	Text       string     `json:"text"`
	Thresholds Thresholds `json:"thresholds"`
}

// Presets is everything GET /api/v1/presets answers.
type Presets struct {
	Subsidies   []SubsidyPreset    `json:"subsidies"`
	Allocations []AllocationPreset `json:"allocations"`
	Rules       []RulePreset       `json:"rules"`
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

// AllPresets returns the presets (a fresh copy each time).
func AllPresets() *Presets {
	rate40 := ratio(400000)
	p := &Presets{
		Subsidies: []SubsidyPreset{
			{Key: "chengdu", Name: "成都 每台20万", Type: SubsidyFixed, Amount: fenPtr(200000), Comment: "按台定额补贴"},
			{Key: "shanghai", Name: "上海 40%封顶28万", Type: SubsidyPercent, Rate: &rate40, Cap: fenPtr(280000), Comment: "按工程造价比例，设上限"},
			{Key: "beijing", Name: "北京 40%封顶24万", Type: SubsidyPercent, Rate: &rate40, Cap: fenPtr(240000), Comment: "按工程造价比例，设上限"},
			{Key: "jinan", Name: "济南 按层数", Type: SubsidyByFloors, Table: byFloors([2]int64{4, 160000}, [2]int64{5, 180000}, [2]int64{6, 200000}, [2]int64{7, 220000}), Comment: "4层16万、5层18万、6层20万、7层及以上22万"},
			{Key: "wuxi", Name: "无锡 按层数", Type: SubsidyByFloors, Table: byFloors([2]int64{4, 140000}, [2]int64{5, 160000}, [2]int64{6, 180000}, [2]int64{7, 200000}), Comment: "按电梯服务层数定额"},
		},
		Allocations: []AllocationPreset{
			{Key: "dongpu", Name: "广州东圃 系数×面积", Method: AllocCoefficientArea,
				Coefficients: ranges("1-2", 0, "3", 700000, "4", 800000, "5", 900000, "6", 1000000, "7", 1100000),
				Comment:      "1–2层不出资，3层起系数逐层递增"},
			{Key: "hangzhou", Name: "杭州新民村 按楼层比例", Method: AllocFloorPercent,
				Percents: ranges("1-2", 0, "3", 10000000, "4", 20000000, "5", 30000000, "6", 40000000),
				Comment:  "各层所占比例，层内各户均分"},
			{Key: "ningbo", Name: "宁波 按每户比例", Method: AllocHouseholdPercent,
				Percents: ranges("1", 0, "2", 1500000, "3", 4000000, "4", 9000000, "5", 15000000, "6", 20500000),
				Comment:  "每户按所在楼层的比例出资"},
			{Key: "c283", Name: "民法典第283条 按面积", Method: AllocArea, Comment: "没有约定时按专有部分面积分摊"},
			{Key: "equal", Name: "按户均摊", Method: AllocEqual, Comment: "每户相同"},
		},
	}
	for _, key := range []string{RuleCivilCodeMajor, RuleCivilCodeOrdinary} {
		rule, _ := CivilCodeRule(key)
		name := "改建、重建等重大事项（3/4）"
		if key == RuleCivilCodeOrdinary {
			name = "一般事项（过半数）"
		}
		p.Rules = append(p.Rules, RulePreset{Key: key, Name: name, Text: rule.Describe(), Thresholds: rule.Thresholds()})
	}
	return p
}
