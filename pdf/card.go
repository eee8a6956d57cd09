package pdf

import (
	"io"
	"strconv"
	"strings"

	"github.com/renovote/renovote/engine"
)

// Card writes the 明白卡: one A4 page that tells every household, before
// any vote, what is built and what it costs, where the money comes from
// and what each floor pays (as charts), when things happen and whom to
// ask, with a QR code to the project's public page.
func (r *Renderer) Card(w io.Writer, c *engine.Card) error {
	p, res := c.Project, c.Result
	texts := []string{p.Name, p.Address, c.Scenario.Name, c.Contact.Reach(), c.SummaryURL}
	for _, cost := range c.Input.Costs {
		texts = append(texts, cost.Name)
	}
	for _, s := range c.Stages {
		texts = append(texts, s.Name)
	}
	d := r.newDoc(p.Name+" 加装电梯明白卡", c.Printed, texts...)
	d.foot = p.Name + " 明白卡　" + chineseDate(c.Printed) + " 印发"
	d.f.AddPage()
	d.title(p.Name + " 加装电梯明白卡")
	status := "讨论稿，尚未发布表决"
	if c.Published {
		status = "已发布表决，" + beijingTime(c.Deadline) + " 截止"
	}
	d.text(margin, bodyW, p.Address+"　"+strconv.Itoa(p.Floors)+" 层　"+strconv.Itoa(len(res.Households))+" 户　方案："+c.Scenario.Name+"（"+status+"）", 9.5, 5, "C")

	d.heading("一、建什么，花多少钱")
	var items []string
	for _, cost := range c.Input.Costs {
		items = append(items, orDefault(cost.Name, "费用")+" "+money(cost.Amount))
	}
	d.para("为本单元加装一部电梯（" + strconv.Itoa(p.Floors) + " 层）。费用包括：" + strings.Join(items, "；") + "。")
	d.text(margin, bodyW, "总造价 "+money(res.TotalCost)+"（"+engine.Words(res.TotalCost)+"）", 13, 8, "L")

	d.heading("二、钱从哪里来")
	// the three parts make the total cost exactly: what residents pay
	// beyond it goes back to low floors as compensation
	built := res.TotalDue - res.TotalCompensation
	var bs []bar
	for _, s := range []struct {
		name   string
		amount engine.Fen
	}{{"政府补贴", res.TotalSubsidy}, {"居民出资", built}, {"社会及专项资金", res.FundUsed}} {
		share := engine.RatioHundredths(int64(s.amount), int64(max(res.TotalCost, 1)))
		bs = append(bs, bar{s.name, money(s.amount), float64(s.amount) / float64(max(res.TotalCost, 1)), "占 " + share.String() + "%"})
	}
	d.chart(bs, 1, 34, 62, 7, 9.5)
	var note string
	if res.TotalCompensation > 0 {
		note = "此外，居民另出 " + money(res.TotalCompensation) + " 补偿受影响的低楼层住户；居民出资合计 " + money(res.TotalDue) + "。"
	}
	if res.FundUsed > 0 {
		note += "社会及专项资金用于困难户减免。"
	}
	if note != "" {
		d.text(margin, bodyW, note, 9.5, 5, "L")
	}

	d.heading("三、每层每户出多少")
	// one column while the floors fit, else two; the page holds ~50 mm
	fb := floorBars(res)
	if len(fb) <= 7 {
		d.chart(fb, 1, 34, 62, 7, 9.5)
	} else {
		h := min(6, 50/float64((len(fb)+1)/2))
		d.chart(fb, 2, 24, 40, h, min(9, h*2.4))
	}
	var operating engine.Fen
	for _, h := range res.Households {
		operating += h.OperatingAnnual
	}
	note = "同层各户面积不同时金额不同；以上为困难户减免前的金额，减免不逐户公示，各户实际应缴以各户协议为准。"
	if operating > 0 {
		note += "电梯投入使用后，每年运行费用（维保、电费、年检）合计约 " + money(operating) + "，按同一比例分摊。"
	}
	d.text(margin, bodyW, note, 9.5, 5, "L")

	d.heading("四、时间安排")
	d.table([]string{"事项", "计划时间", "事项", "计划时间"}, []float64{bodyW/2 - 34, 34, bodyW/2 - 34, 34}, "LCLC", scheduleRows(c))

	d.heading("五、有问题找谁")
	d.ensure(34)
	y := d.f.GetY()
	d.qr(c.SummaryURL, margin+bodyW-30, y, 30)
	who := c.Contact.Reach()
	if who == "" {
		who = "社区居民委员会"
	}
	d.text(margin, bodyW-36, "请找 "+who+"。", 12, 7, "L")
	d.text(margin, bodyW-36, "扫描右侧二维码，可随时查看方案公示、表决进度、资金收支和施工进展。", 9.5, 5, "L")
	d.text(margin, bodyW-36, "本卡只作说明，不是协议；每户出资以签署的协议为准。", 9.5, 5, "L")
	d.f.SetY(max(d.f.GetY(), y+32))
	return d.output(w)
}

// floorBars is what each floor's households pay, top floor first: one
// amount, or the lowest and highest when they differ; floors next to each
// other that pay the same share one bar. Amounts are before relief (a
// relieved household is not singled out by a lower figure on its floor).
func floorBars(res *engine.CalcResult) []bar {
	lo, hi := map[int]engine.Fen{}, map[int]engine.Fen{}
	var top engine.Fen
	for _, h := range res.Households {
		due := h.Due + h.Relief
		if _, ok := lo[h.Floor]; !ok {
			lo[h.Floor], hi[h.Floor] = due, due
		}
		lo[h.Floor], hi[h.Floor] = min(lo[h.Floor], due), max(hi[h.Floor], due)
		top = max(top, due)
	}
	var bs []bar
	fs := res.FloorTotals
	for i := len(fs) - 1; i >= 0; {
		from, to, n := fs[i].Floor, fs[i].Floor, 0
		j := i
		for ; j >= 0 && lo[fs[j].Floor] == lo[to] && hi[fs[j].Floor] == hi[to]; j-- {
			from, n = fs[j].Floor, n+fs[j].Households
		}
		floors := strconv.Itoa(from)
		if from != to {
			floors += "–" + strconv.Itoa(to)
		}
		value := "每户 " + money(hi[to])
		if lo[to] != hi[to] {
			value = "每户 " + lo[to].Grouped() + "–" + money(hi[to])
		}
		if hi[to] == 0 {
			value = "不出资"
		}
		bs = append(bs, bar{floors + " 层（" + strconv.Itoa(n) + " 户）", value, float64(hi[to]) / float64(max(top, 1)), ""})
		i = j
	}
	return bs
}

// scheduleRows are the vote, the first payment and the works' stages with
// their planned days ("待定" when not set), two to a row.
func scheduleRows(c *engine.Card) [][]string {
	var cells [][2]string
	if c.Published {
		cells = append(cells, [2]string{"表决截止", c.Deadline.In(engine.Beijing).Format("2006-01-02")})
	} else {
		cells = append(cells, [2]string{"业主表决", "方案发布后"})
	}
	if c.Input.Installments != nil {
		cells = append(cells, [2]string{"首付（分期的第一笔）", c.Input.Installments.Start.Format("2006-01-02")})
	}
	for _, s := range c.Stages {
		cells = append(cells, [2]string{s.Name, orDefault(s.Planned, "待定")})
	}
	var rows [][]string
	for i := 0; i < len(cells); i += 2 {
		row := []string{cells[i][0], cells[i][1], "", ""}
		if i+1 < len(cells) {
			row[2], row[3] = cells[i+1][0], cells[i+1][1]
		}
		rows = append(rows, row)
	}
	return rows
}
