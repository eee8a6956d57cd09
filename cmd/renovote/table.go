package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/renovote/renovote/engine"
)

// writeCalcTable prints a calculation result as Chinese tables for people:
// the reckoning, each household, each floor, and the totals in 大写.
func writeCalcTable(out io.Writer, in *engine.CalcInput, res *engine.CalcResult) error {
	w := bufio.NewWriter(out)
	if res.Name != "" {
		fmt.Fprintf(w, "方案：%s\n", res.Name)
	}
	fmt.Fprintf(w, "楼层数：%d　住户：%d户　分摊方式：%s\n\n", res.Floors, len(res.Households), methodLine(in.Allocation))

	fmt.Fprintln(w, "【费用与补贴】")
	sum := table{headers: []string{"项目", "金额（元）"}, right: []bool{false, true}}
	for _, c := range in.Costs {
		sum.add(orDefault(c.Name, "费用"), money(c.Amount))
	}
	sum.add("总造价", money(res.TotalCost))
	for _, s := range res.Subsidies {
		sum.add("财政补贴："+orDefault(s.Name, subsidyTypeName(s.Type)), money(s.Amount))
	}
	sum.add("减：财政补贴合计（不超过总造价）", money(res.TotalSubsidy))
	if res.UnusedSubsidy > 0 {
		sum.add("未使用的补贴", money(res.UnusedSubsidy))
	}
	sum.add("加：低楼层补偿合计", money(res.TotalCompensation))
	sum.add("分摊总额", money(res.Pool))
	sum.add("困难户减免合计", money(res.ReliefTotal))
	if in.Hardship != nil && in.Hardship.FundedBy == engine.FundedByFund {
		sum.add("专项资金支付", money(res.FundUsed))
		sum.add("专项资金结余", money(res.UnusedFund))
	}
	sum.add("各户应缴合计", money(res.TotalDue))
	sum.write(w)

	fmt.Fprintln(w, "\n【每户明细】（金额单位：元）")
	hh := table{
		headers: []string{"编号", "楼层", "面积㎡", "业主", "权重", "分摊", "减免", "代担", "补偿", "应缴", "年运行费"},
		right:   []bool{false, true, true, false, true, true, true, true, true, true, true},
	}
	if in.Installments != nil {
		hh.headers = append(hh.headers, "首付", "首期月供", "利息合计", "合计支付")
		hh.right = append(hh.right, true, true, true, true)
	}
	for _, h := range res.Households {
		owner := h.Owner
		if h.Hardship {
			owner += "（困难户）"
		}
		if h.Exempt {
			owner += "（免缴）"
		}
		row := []string{h.Room, strconv.Itoa(h.Floor), h.Area.String(), owner, h.Weight.String(),
			money(h.Share), money(h.Relief), money(h.Extra), money(h.Compensation), money(h.Due), money(h.OperatingAnnual)}
		if h.Plan != nil {
			first := "-"
			if len(h.Plan.Installments) > 0 {
				first = money(h.Plan.Installments[0].Amount)
			}
			row = append(row, money(h.Plan.DownPayment), first, money(h.Plan.TotalInterest), money(h.Plan.TotalPaid))
		}
		hh.add(row...)
	}
	hh.write(w)
	if p := in.Installments; p != nil {
		fmt.Fprintf(w, "分期：首付比例 %s%%，分%d期（%s），年利率 %s%%，首付日 %s。\n",
			percent(p.DownPaymentRate), p.Months, installmentName(p.Method), percent(p.AnnualRate), p.Start.Format("2006-01-02"))
	}

	fmt.Fprintln(w, "\n【按楼层汇总】（金额单位：元）")
	ft := table{headers: []string{"楼层", "户数", "分摊", "应缴"}, right: []bool{true, true, true, true}}
	for _, f := range res.FloorTotals {
		ft.add(strconv.Itoa(f.Floor), strconv.Itoa(f.Households), money(f.Share), money(f.Due))
	}
	ft.write(w)

	fmt.Fprintln(w, "\n【合计（大写）】")
	fmt.Fprintf(w, "总造价：%s\n", engine.Words(res.TotalCost))
	fmt.Fprintf(w, "财政补贴：%s\n", engine.Words(res.TotalSubsidy))
	fmt.Fprintf(w, "分摊总额：%s\n", engine.Words(res.Pool))
	fmt.Fprintf(w, "各户应缴合计：%s\n", engine.Words(res.TotalDue))
	return w.Flush()
}

func methodLine(a engine.Allocation) string {
	name := engine.AllocationName(a.Method)
	var rows []engine.FloorValue
	switch a.Method {
	case engine.AllocCoefficientArea, engine.AllocCoefficient:
		rows = a.Coefficients
	case engine.AllocFloorPercent, engine.AllocHouseholdPercent:
		rows = a.Percents
	}
	if len(rows) == 0 {
		return name
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		floors := strconv.Itoa(r.From)
		if r.To != r.From {
			floors += "-" + strconv.Itoa(r.To)
		}
		parts[i] = floors + "层 " + r.Value.String()
	}
	return name + "（" + strings.Join(parts, "，") + "）"
}

func subsidyTypeName(t string) string {
	switch t {
	case engine.SubsidyFixed:
		return "固定金额补贴"
	case engine.SubsidyPercent:
		return "按比例补贴"
	case engine.SubsidyByFloors:
		return "按层数补贴"
	}
	return t
}

func installmentName(m string) string {
	switch m {
	case engine.InstallmentAnnuity:
		return "等额本息"
	case engine.InstallmentEqualPrincipal:
		return "等额本金"
	}
	return "免息等额"
}

func percent(r engine.Ratio) string { return (r * 100).String() }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// money formats an amount with thousands separators: 570,000.00.
func money(f engine.Fen) string { return f.Grouped() }

// table lines up columns for a terminal, counting CJK characters as two
// columns wide.
type table struct {
	headers []string
	right   []bool
	rows    [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	widths := make([]int, len(t.headers))
	for _, row := range append([][]string{t.headers}, t.rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	line := func(row []string) {
		var b strings.Builder
		for i, c := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.headers)
	total := 0
	for _, wd := range widths {
		total += wd
	}
	fmt.Fprintln(w, strings.Repeat("-", total+2*(len(widths)-1)))
	for _, row := range t.rows {
		line(row)
	}
}

// displayWidth counts wide (CJK, full-width) runes as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6) || r >= 0x20000):
			n += 2
		default:
			n++
		}
	}
	return n
}
