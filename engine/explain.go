package engine

import (
	"fmt"
	"math/big"
	"strings"
)

// Explanation says in plain words why a household pays what it pays: the
// rule in one line, and the reckoning with this household's own numbers.
// It is for reading; the amounts themselves come from Calc alone.
type Explanation struct {
	Rule  string   `json:"rule"`  // e.g. "1–2层不出资；3层系数 0.7；4–6层系数 1（再乘以面积）"
	Lines []string `json:"lines"` // total cost → pool, then this household's share
}

// Explain explains the row of room in res, computed from in.
func Explain(in *CalcInput, res *CalcResult, room string) (x Explanation) {
	x = Explanation{Rule: ruleLine(in.Allocation, in.Floors)}
	pool := fmt.Sprintf("总造价 %s 元", res.TotalCost.Grouped())
	if res.TotalSubsidy > 0 {
		pool += fmt.Sprintf("，减去财政补贴 %s 元", res.TotalSubsidy.Grouped())
	}
	if res.TotalCompensation > 0 {
		pool += fmt.Sprintf("，加上给低楼层的补偿 %s 元", res.TotalCompensation.Grouped())
	}
	x.Lines = append(x.Lines, pool+fmt.Sprintf("，由出资户分摊的总额是 %s 元。", res.Pool.Grouped()))
	i := -1
	for k, h := range in.Households {
		if h.Room == room {
			i = k
		}
	}
	if i < 0 || i >= len(res.Households) || res.Households[i].Room != room {
		return x
	}
	h, row := in.Households[i], res.Households[i]
	if row.Compensation > 0 { // said last, whatever the household pays
		defer func() {
			x.Lines = append(x.Lines, fmt.Sprintf("方案给您家低楼层补偿 %s 元，已计入上面的分摊总额，由出资户承担，另行支付给您家。", row.Compensation.Grouped()))
		}()
	}
	if h.Exempt {
		x.Lines = append(x.Lines, "您家登记为免缴户，不分摊。")
		return x
	}
	weights, scale := householdWeights(in)
	if weights[i].Sign() == 0 {
		x.Lines = append(x.Lines, fmt.Sprintf("按这个方案，%d层不出资。", h.Floor))
		return x
	}
	total := new(big.Int)
	for _, w := range weights {
		total.Add(total, w)
	}
	sum := exactText(new(big.Rat).SetFrac(total, scale))
	a := in.Allocation
	value := func(rows []FloorValue) Ratio { v, _ := lookupFloor(rows, h.Floor); return v }
	var formula string
	switch a.Method {
	case AllocCoefficientArea:
		formula = fmt.Sprintf("分摊总额 %s × 本层系数 %s × 您家面积 %s ㎡ ÷ 全楼出资户（系数×面积）之和 %s",
			res.Pool.Grouped(), value(a.Coefficients), h.Area, sum)
	case AllocCoefficient:
		formula = fmt.Sprintf("分摊总额 %s × 本层系数 %s ÷ 全楼出资户系数之和 %s", res.Pool.Grouped(), value(a.Coefficients), sum)
	case AllocArea:
		formula = fmt.Sprintf("分摊总额 %s × 您家面积 %s ㎡ ÷ 全楼出资户面积之和 %s ㎡", res.Pool.Grouped(), h.Area, sum)
	case AllocEqual:
		formula = fmt.Sprintf("分摊总额 %s ÷ 出资户数 %s", res.Pool.Grouped(), sum)
	case AllocHouseholdPercent:
		formula = fmt.Sprintf("分摊总额 %s × 本层每户比例 %s%% ÷ 全楼出资户比例之和 %s%%", res.Pool.Grouped(), value(a.Percents), sum)
	case AllocFloorPercent:
		n := 0
		for _, o := range in.Households {
			if o.Floor == h.Floor && !o.Exempt {
				n++
			}
		}
		formula = fmt.Sprintf("分摊总额 %s × 本层比例 %s%% ÷ 本层出资户数 %d ÷ 有出资户的各层比例之和 %s%%", res.Pool.Grouped(), value(a.Percents), n, sum)
	}
	x.Lines = append(x.Lines, fmt.Sprintf("您家的分摊 = %s ≈ %s 元（算到分，尾差调整到分，各户合计正好等于分摊总额）。", formula, row.Share.Grouped()))
	if row.Relief > 0 {
		x.Lines = append(x.Lines, fmt.Sprintf("您家是困难户，减免 %s 元。", row.Relief.Grouped()))
	}
	if row.Extra > 0 {
		x.Lines = append(x.Lines, fmt.Sprintf("困难户的减免由其他出资户分担，您家分担 %s 元。", row.Extra.Grouped()))
	}
	return x
}

// ruleLine is the allocation in one line, floor by floor, for the floors
// the building has.
func ruleLine(a Allocation, floors int) string {
	parts := func(rows []FloorValue, unit, suffix string) string {
		return floorValues(rows, floors, func(v Ratio) string { return unit + " " + v.String() + suffix }, "；")
	}
	switch a.Method {
	case AllocCoefficientArea:
		return parts(a.Coefficients, "系数", "") + "（再乘以各户面积）"
	case AllocCoefficient:
		return parts(a.Coefficients, "系数", "")
	case AllocHouseholdPercent:
		return parts(a.Percents, "每户比例", "%")
	case AllocFloorPercent:
		return parts(a.Percents, "比例", "%") + "（同层各户平均）"
	case AllocArea:
		return "各出资户按专有部分面积分摊"
	case AllocEqual:
		return "各出资户平均分摊"
	}
	return AllocationName(a.Method)
}

// exactText writes r with up to six decimals, no trailing zeros, grouped.
func exactText(r *big.Rat) string {
	s := strings.TrimRight(strings.TrimRight(r.FloatString(6), "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
