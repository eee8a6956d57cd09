package pdf

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Notice writes the 公示 for the bulletin board on one page where it fits:
// the 公示期 in whole dates from the day after posting (民法典 第二百零一条),
// the plan and what each household bears (owners masked, relief only as a
// total so that no household is singled out), where and by when objections
// are answered, the 街道 channel, and the issuer (甲方 of the terms, else a
// line to fill in) with room for a seal. No live count: a notice stays on
// the board for days.
func (r *Renderer) Notice(w io.Writer, n *Notice) error {
	objection := objectionText(n.Contact)
	issuer := issuerText(n.Project)
	rule := plainAllocation(allocationText(n.Input.Allocation))
	texts := []string{n.Project.Name, n.Project.Address, n.Scenario.Name, n.RuleText, n.SummaryURL, objection, rule, issuer}
	for _, h := range n.Result.Households {
		texts = append(texts, h.Room, engine.MaskName(h.Owner))
	}
	d := r.newDoc(n.Project.Name+" 加装电梯方案公示", n.Printed, texts...)
	d.foot = n.Project.Name + " 方案公示　方案核验码 " + short(n.Scenario.SHA256)
	d.f.AddPage()
	d.title(n.Project.Name + " 加装电梯出资方案公示")
	posted := n.Printed.In(engine.Beijing)
	from, to := engine.NoticePeriod(posted, n.Days)
	const size, lh = 10, 5.3
	d.keep(fmt.Sprintf("根据《中华人民共和国民法典》第二百七十八条，现将本单元（%s）加装电梯出资分摊方案“%s”公示如下。本公示于 %s 张贴，公示期自 %s 起至 %s 止，共 %d 日（依《民法典》第二百零一条，自张贴次日起算）。业主表决截止时间为 %s（北京时间）。",
		n.Project.Address, n.Scenario.Name, chineseDate(posted), chineseDate(from), chineseDate(to), n.Days, beijingTime(n.Deadline)), size, lh)
	res := n.Result
	d.heading("一、费用与分摊")
	d.keep(fmt.Sprintf("总造价 %s（%s）；财政补贴 %s；低楼层补偿 %s；由各出资户分摊 %s（%s）。分摊规则：%s",
		money(res.TotalCost), engine.Words(res.TotalCost), money(res.TotalSubsidy), money(res.TotalCompensation), money(res.Pool), engine.Words(res.Pool), rule), size, lh)
	if res.ReliefTotal > 0 {
		by := "由其他出资户按同一规则分担"
		if h := n.Input.Hardship; h != nil && h.FundedBy == engine.FundedByFund {
			by = "由专项资金承担"
		}
		d.keep("困难户减免合计 "+money(res.ReliefTotal)+"，"+by+"。为保护住户隐私，减免不逐户公示：下表“应分摊”为各户按分摊规则计算、减免及分担之前的金额（合计等于分摊总额），实际应缴以各户协议为准。", size, lh)
	}
	d.heading("二、各户出资")
	hs := append([]engine.HouseholdShare(nil), res.Households...)
	sort.SliceStable(hs, func(i, j int) bool { return roomLess(hs[i].Room, hs[j].Room) })
	// two households to a row, so that a building's list fits the page
	var rows [][]string
	for i := 0; i < len(hs); i += 2 {
		row := noticeCells(hs[i])
		if i+1 < len(hs) {
			row = append(row, noticeCells(hs[i+1])...)
		} else {
			row = append(row, "", "", "", "", "")
		}
		rows = append(rows, row)
	}
	half := []string{"房号", "面积（㎡）", "业主", "应分摊（元）", "获得补偿（元）"}
	d.table(append(half, half...), []float64{13, 17, 15, 22, 20, 13, 17, 15, 22, bodyW - 154}, "LRLRRLRLRR", rows)
	d.keep("通过条件："+n.RuleText+"。", size, lh)
	d.heading("三、异议与答复")
	d.keep(fmt.Sprintf("对方案有异议的，请于公示期内（%s 17:00 前）%s 请写明姓名、房号和理由（不受理匿名异议）。", chineseDate(to), objection), size, lh)
	d.keep(fmt.Sprintf("社区居民委员会自收到异议之日起 %d 个工作日内书面答复异议人，并将处理结果（不含个人信息）在本公示栏公布。对答复仍有异议的，可向所在街道办事处反映。", engine.ObjectionAnswerWorkdays), size, lh)
	d.keep("公示期满，逾期未提出异议的，视为无异议。", size, lh)
	d.ensure(38)
	y := d.f.GetY() + 2
	d.qr(n.SummaryURL, pageW-margin-30, y, 30)
	d.f.SetXY(margin, y)
	// the address has a line of its own: a line break inside it would
	// leave a reader typing half of it
	d.text(margin, bodyW-36, "扫描右侧二维码或访问以下网址，可查看方案详情与表决进度：", 9, 4.8, "L")
	d.address(margin, bodyW-36, n.SummaryURL, 9, 4.8)
	d.text(margin, bodyW-36, "方案核验码 "+short(n.Scenario.SHA256)+"。本公示中业主姓名已隐去部分，不含电话等个人信息。", 9, 4.8, "L")
	d.f.SetY(max(d.f.GetY(), y+6))
	d.text(margin+bodyW/2-30, bodyW/2, "发布单位："+issuer+"（盖章）", 10.5, 7, "L")
	d.text(margin+bodyW/2-30, bodyW/2, "发布日期："+chineseDate(posted), 10.5, 7, "L")
	return d.output(w)
}

// issuedBy prints the foot of a notice: the issuer with room for its
// seal, the date, and the lines the 经办 and 审核 sign.
func (d *doc) issuedBy(issuer string, printed time.Time) {
	d.ensure(24)
	d.signLines([][2]string{{"经办", ""}, {"审核", ""}})
	d.text(margin+bodyW/2-30, bodyW/2+30, "发布单位："+issuer+"（盖章）", 10.5, 7, "L")
	d.text(margin+bodyW/2-30, bodyW/2+30, "发布日期："+chineseDate(printed), 10.5, 7, "L")
}

// noticeCells are one household's cells of the notice's table: its share
// by the rule before relief and before bearing others' relief (the table
// must not show who is relieved; the column adds up to the pool) and the
// compensation it receives.
func noticeCells(h engine.HouseholdShare) []string {
	return []string{h.Room, h.Area.String(), engine.MaskName(h.Owner), h.Share.Grouped(), h.Compensation.Grouped()}
}

// issuerText is who issues a notice: the plan's 甲方, else a line to fill
// in by hand.
func issuerText(p *engine.Project) string {
	if p.Terms.PartyA != "" {
		return p.Terms.PartyA
	}
	return "______________________"
}

// plainAllocation is the allocation rule as a notice words it: without
// the rounding method (the agreements and the public page carry it).
func plainAllocation(s string) string {
	return strings.NewReplacer("，尾差调整到分，合计不变", "", "尾差调整到分，各户合计正好等于分摊总额。", "合计精确到分。").Replace(s)
}

// keep prints a paragraph whole on one page: when it does not fit below,
// it starts the next page (no sentence split across pages).
func (d *doc) keep(s string, size, lh float64) {
	lines := wrap(s, bodyW, d.measure(size))
	d.ensure(float64(len(lines)) * lh)
	d.text(margin, bodyW, s, size, lh, "L")
}

// objectionText says whom to tell of an objection, and how.
func objectionText(c engine.Contact) string {
	r := c.Reach()
	switch {
	case r == "":
		return "向社区居民委员会书面提出。"
	case c.Office != "":
		return "向 " + r + "，书面或当面提出。"
	}
	return "向 " + r + "书面或当面提出。"
}

// chineseDate is a date in Beijing as 2026年12月9日.
func chineseDate(t time.Time) string {
	return t.In(engine.Beijing).Format("2006年1月2日")
}
