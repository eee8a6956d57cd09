package pdf

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Receipt is engine.Receipt: what a 收据 holds.
type Receipt = engine.Receipt

// Statement is engine.Statement: what the 收支公示 holds.
type Statement = engine.Statement

var paymentKindNames = map[string]string{engine.PaymentIn: "收据", engine.PaymentRefund: "退款凭证", engine.PaymentReversal: "冲正凭证"}

// Receipt writes one 收据 (or refund or reversal slip) as a careful
// office issues it: two parts on one A4 — the 存根 the office keeps and
// the part the household takes — with a line to cut between. Each part
// holds the number, the day (年月日), the payer, the 收款单位, the amount
// in figures and 大写, what for and which installment, the method, what
// is still owed after it, the verification code, the 存证 line of the
// record's own event (the same on every print), space for the 财务专用章
// and the 收款人 / 复核 / 交款人 lines.
func (r *Renderer) Receipt(w io.Writer, rc *Receipt) error {
	p := rc.Payment
	kind := paymentKindNames[p.Kind]
	texts := []string{rc.Project.Name, rc.Project.Address, rc.Household.Room, rc.Household.OwnerName, p.Note, p.Method, rc.Recorder, rc.VerifyURL,
		kind, rc.Payee}
	d := r.newDoc(rc.Project.Name+" "+kind+" "+p.ReceiptNo, rc.Printed, texts...)
	d.f.SetAutoPageBreak(false, 0)
	d.f.SetFooterFunc(func() {}) // each part carries its number; one page
	d.f.AddPage()
	const half = 297.0 / 2
	d.receiptPart(rc, "第一联　存根（收款单位留存）", 10)
	d.f.SetDashPattern([]float64{2, 1.5}, 0)
	d.f.SetDrawColor(150, 150, 150)
	d.f.Line(8, half, pageW-8, half)
	d.f.SetDashPattern(nil, 0)
	d.f.SetFontSize(7.5)
	d.f.SetTextColor(90, 90, 90)
	d.f.SetXY(margin, half-4)
	d.f.CellFormat(bodyW, 4, "沿虚线剪开", "", 0, "C", false, 0, "")
	d.f.SetTextColor(0, 0, 0)
	d.receiptPart(rc, "第二联　"+map[string]string{engine.PaymentIn: "收据（交款人收执）", engine.PaymentRefund: "凭证（领款人收执）",
		engine.PaymentReversal: "凭证（住户收执）"}[p.Kind], half+6)
	return d.output(w)
}

// receiptPart lays out one part of a receipt from y = top, in less than
// half a page.
func (d *doc) receiptPart(rc *Receipt, part string, top float64) {
	p := rc.Payment
	kind := paymentKindNames[p.Kind]
	d.f.SetY(top)
	d.text(margin, bodyW, rc.Project.Name+" 加装电梯 "+kind, 15, 8, "C")
	d.f.SetFontSize(9.5)
	y := d.f.GetY()
	d.f.SetXY(margin, y)
	d.f.CellFormat(bodyW/3, 5, "编号："+p.ReceiptNo, "", 0, "L", false, 0, "")
	d.f.CellFormat(bodyW/3, 5, chineseDay(p.Day), "", 0, "C", false, 0, "")
	d.f.CellFormat(bodyW/3, 5, part, "", 0, "R", false, 0, "")
	d.f.SetY(y + 6.5)

	payer, unit, signer := "交款人", "收款单位", "交款人"
	if p.Kind == engine.PaymentRefund {
		payer, unit, signer = "领款人", "付款单位", "领款人"
	}
	rows := [][]string{
		{payer, rc.Household.OwnerName + "（" + rc.Household.Room + " 室）", unit, orBlank(rc.Payee, 24)},
		{"项目", rc.Project.Name + "（" + rc.Project.Address + "）"},
		{"金额（小写）", "￥" + p.Amount.Grouped(), "金额（大写）", engine.Words(p.Amount)},
	}
	switch p.Kind {
	case engine.PaymentIn:
		rows = append(rows, []string{"事由", orDefault(p.Note, "加装电梯出资"), "所缴期次", orDash(engine.CoversText(rc.Covers, len(rc.Dues)))},
			[]string{"缴款方式", p.Method, "本次后尚欠", owedText(rc)})
	case engine.PaymentRefund:
		rows = append(rows, []string{"退款原因", p.Note}, []string{"退款后尚欠", owedText(rc)})
	case engine.PaymentReversal:
		rows = append(rows, []string{"冲正原因", p.Note})
		if rc.Reversed != nil {
			rows = append(rows, []string{"冲正的记录", rc.Reversed.ReceiptNo + "（" + money(rc.Reversed.Amount) + "，" + chineseDay(rc.Reversed.Day) + "）作废"})
		}
		rows = append(rows, []string{"冲正后尚欠", owedText(rc)})
	}
	rows = append(rows, []string{"核验码", p.Code}, []string{"存证", anchorText(rc.Anchor, rc.KeyFingerprint)})
	d.grid(rows, 24)

	// the seal's space on the right, the QR code left of it, the
	// signatures below them
	const seal, qrSize = 38.0, 24.0
	y = d.f.GetY() + 2
	d.f.SetDrawColor(150, 150, 150)
	d.f.SetDashPattern([]float64{1, 1}, 0)
	d.f.Rect(margin+bodyW-seal, y, seal, seal-6, "D")
	d.f.SetDashPattern(nil, 0)
	d.f.SetFontSize(8.5)
	d.f.SetTextColor(60, 60, 60)
	d.f.SetXY(margin+bodyW-seal, y+seal-6-5)
	d.f.CellFormat(seal, 4, unit+"（财务专用章）", "", 0, "C", false, 0, "")
	d.f.SetTextColor(0, 0, 0)
	d.qr(rc.VerifyURL, margin, y, qrSize)
	d.f.SetY(y)
	d.text(margin+qrSize+4, bodyW-qrSize-seal-8, "扫描左侧二维码或访问以下网址，核验本"+kind+"与系统记录是否一致：", 8.5, 4.5, "L")
	d.address(margin+qrSize+4, bodyW-qrSize-seal-8, rc.VerifyURL, 8.5, 4.5)
	d.f.SetY(y + seal - 6 + 1)
	lines := [][2]string{{"收款人", rc.Recorder}, {"复核", ""}, {signer, ""}}
	if p.Kind != engine.PaymentIn {
		lines[0][0] = "经办人"
	}
	if p.Kind == engine.PaymentReversal {
		lines = lines[:2]
	}
	d.signLines(lines)
}

// grid prints rows of label/value pairs in ruled cells: a row of one
// pair spans the width, a row of two splits it in halves.
func (d *doc) grid(rows [][]string, labelW float64) {
	const size, lh = 9.5, 5.0
	m := d.measure(size)
	d.f.SetDrawColor(120, 120, 120)
	d.f.SetLineWidth(0.2)
	for _, row := range rows {
		pairs := len(row) / 2
		colW := bodyW / float64(pairs)
		var cells [][]string
		n := 1
		for i := 0; i < pairs; i++ {
			cells = append(cells, wrap(row[2*i+1], colW-labelW-2, m))
			n = max(n, len(cells[i]))
		}
		h := float64(n)*lh + 1.6
		y := d.f.GetY()
		d.f.SetFontSize(size)
		for i := 0; i < pairs; i++ {
			x := margin + float64(i)*colW
			d.f.SetFillColor(245, 245, 245)
			d.f.Rect(x, y, labelW, h, "FD")
			d.f.Rect(x+labelW, y, colW-labelW, h, "D")
			d.f.SetXY(x+1, y+0.8)
			d.f.CellFormat(labelW-2, lh, row[2*i], "", 0, "L", false, 0, "")
			for k, line := range cells[i] {
				d.f.SetXY(x+labelW+1, y+0.8+float64(k)*lh)
				d.f.CellFormat(colW-labelW-2, lh, strings.TrimRight(line, " "), "", 0, "L", false, 0, "")
			}
		}
		d.f.SetXY(margin, y+h)
	}
	d.f.SetFontSize(10.5)
}

// owedText is what the household still owes after the record, or that
// it has paid in full.
func owedText(rc *Receipt) string {
	if len(rc.Dues) == 0 {
		return "—"
	}
	if rc.Owed == 0 {
		return "0.00 元（已全部缴清）"
	}
	return money(rc.Owed)
}

// chineseDay is a day YYYY-MM-DD as paper writes it: 2027年1月1日.
func chineseDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2006年1月2日")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Statement writes the 收支公示 for the notice board: income by source,
// spending by item, the balance, each a dated line; what households owe
// and how many have paid; the issuer with a seal space and the 经办 and
// 审核 lines. No personal data; every table inside the margins.
func (r *Renderer) Statement(w io.Writer, st *Statement) error {
	issuer := issuerText(st.Project)
	texts := []string{st.Project.Name, st.Project.Address, st.PublicURL, issuer}
	for _, l := range append(append([]engine.StatementLine(nil), st.Incomes...), st.Expenses...) {
		texts = append(texts, l.Source, l.What)
	}
	d := r.newDoc(st.Project.Name+" 资金收支公示", st.Printed, texts...)
	d.foot = st.Project.Name + " 资金收支公示"
	d.f.AddPage()
	d.title(st.Project.Name + " 加装电梯 资金收支公示")
	d.keep(fmt.Sprintf("截至 %s（北京时间），本项目资金收支如下。预算（方案总造价）%s；收入合计 %s；支出合计 %s；结余 %s（%s）。",
		beijingTime(st.Printed), money(st.Budget), money(st.In), money(st.Out), money(st.Balance), engine.Words(max(st.Balance, 0))), 10.5, lineH)
	d.heading("一、收入（按来源）")
	var rows [][]string
	for _, src := range []string{"居民出资", "政府补贴", "社会筹集", "其他"} {
		if amount, ok := st.BySource[src]; ok {
			rows = append(rows, []string{src, amount.Grouped()})
		}
	}
	rows = append(rows, []string{"合计", st.In.Grouped()})
	d.table([]string{"来源", "金额（元）"}, []float64{60, 50}, "LR", rows)
	d.heading("二、收入明细")
	if len(st.Incomes) == 0 { // a header over nothing reads as a table left blank
		d.para("尚无收入。")
	} else {
		d.table([]string{"日期", "来源", "事由", "金额（元）"}, []float64{26, 28, bodyW - 90, 36}, "LLLR", statementRows(st.Incomes))
	}
	d.heading("三、支出明细")
	if len(st.Expenses) == 0 {
		d.para("尚无支出。")
	} else {
		d.table([]string{"日期", "收款单位", "用途", "金额（元）"}, []float64{26, 48, bodyW - 110, 36}, "LLLR", statementRows(st.Expenses))
	}
	if c := st.Collection; c != nil {
		d.heading("四、居民出资收缴情况")
		d.table([]string{"应出资户数", "已缴清户数", "逾期户数", "应出资（元）", "已缴（元）", "未缴（元）"}, []float64{26, 26, 22, 34, 34, bodyW - 142}, "RRRRRR",
			[][]string{{strconv.Itoa(c.Households), strconv.Itoa(c.HouseholdsPaid), strconv.Itoa(c.HouseholdsOverdue), c.Due.Grouped(), c.Paid.Grouped(), c.Outstanding.Grouped()}})
		d.keep(fmt.Sprintf("截至 %s，已到期未缴 %s。各户明细不在此公示，住户可凭本户链接查看本户缴款记录。", chineseDate(st.Printed), money(c.Overdue)), 10.5, lineH)
	}
	d.heading(sectionNo(st.Collection != nil, "四", "五") + "、结余")
	d.keep(fmt.Sprintf("收入 %s，减去支出 %s，结余 %s。居民对账目有疑问的，可向社区工作人员查阅凭证。本公示不含任何个人信息。",
		money(st.In), money(st.Out), money(st.Balance)), 10.5, lineH)
	d.ensure(34 + 26)
	y := d.f.GetY() + 2
	if st.PublicURL != "" {
		d.qr(st.PublicURL, pageW-margin-30, y, 30)
	}
	d.f.SetXY(margin, y)
	d.text(margin, bodyW-40, "存证："+anchorText(st.Anchor, st.KeyFingerprint), 9, 5, "L")
	d.text(margin, bodyW-40, "项目公示页：", 9, 5, "L")
	d.address(margin, bodyW-40, st.PublicURL, 9, 5)
	d.f.SetY(max(d.f.GetY(), y+32))
	d.issuedBy(issuer, st.Printed)
	return d.output(w)
}

// sectionNo picks a heading's number by whether an optional section
// before it is printed.
func sectionNo(before bool, without, with string) string {
	if before {
		return with
	}
	return without
}

func statementRows(lines []engine.StatementLine) [][]string {
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = []string{l.Day, l.Source, l.What, l.Amount.Grouped()}
	}
	return rows
}

// ProgressReport is engine.ProgressReport: what the progress 公示 holds.
type ProgressReport = engine.ProgressReport

// ProgressReport writes the progress 公示: stages planned and done, the
// supervision group (names masked) and the open issues with the day each is due, how
// feedback was handled and the 回访 satisfaction against its goal (the
// questionnaires' answers apart, never mixed in), and the money; the
// issuer with a seal space and the 经办 and 审核 lines. No phones or
// feedback texts.
func (r *Renderer) ProgressReport(w io.Writer, pr *ProgressReport) error {
	p := pr.Progress
	issuer := issuerText(pr.Project)
	texts := []string{pr.Project.Name, pr.Project.Address, pr.PublicURL, issuer}
	for _, s := range p.Stages {
		texts = append(texts, s.Name, s.Note)
	}
	for _, s := range pr.Supervisors {
		texts = append(texts, engine.MaskName(s.Name), s.Role)
	}
	for _, is := range pr.OpenIssues {
		texts = append(texts, is.Text)
	}
	d := r.newDoc(pr.Project.Name+" 工程进展公示", pr.Printed, texts...)
	d.foot = pr.Project.Name + " 工程进展公示"
	d.f.AddPage()
	d.title(pr.Project.Name + " 加装电梯 工程进展公示")
	d.para(fmt.Sprintf("截至 %s（北京时间）。", beijingTime(pr.Printed)))
	d.heading("一、工程进度")
	rows := make([][]string, len(p.Stages))
	for i, s := range p.Stages {
		state := "未开始"
		if s.Actual != "" {
			state = "已完成"
		}
		rows[i] = []string{s.Name, orDefault(s.Planned, "—"), orDefault(s.Actual, "—"), state, s.Note}
	}
	d.table([]string{"阶段", "计划日期", "实际日期", "状态", "备注"}, []float64{28, 26, 26, 20, bodyW - 100}, "LLLLL", rows)
	d.heading("二、施工监督")
	if len(pr.Supervisors) > 0 {
		var names []string
		for _, s := range pr.Supervisors {
			names = append(names, engine.MaskName(s.Name)+"（"+s.Role+"）") // masked like every name on the board
		}
		d.keep("监督小组："+strings.Join(names, "、")+"。", 10.5, lineH)
	} else {
		d.keep("监督小组：尚未组成。", 10.5, lineH)
	}
	d.keep(fmt.Sprintf("监督小组共检查 %d 次，最近一次 %s；尚未整改的问题 %d 个。", p.Inspections.Count, orDefault(p.Inspections.Last, "（尚无）"), p.Inspections.OpenIssues), 10.5, lineH)
	if len(pr.OpenIssues) > 0 {
		today := pr.Printed.In(engine.Beijing).Format("2006-01-02")
		rows := make([][]string, len(pr.OpenIssues))
		for i, is := range pr.OpenIssues {
			state := "整改中"
			if is.Due != "" && is.Due < today {
				state = "已逾期"
			}
			rows[i] = []string{is.Raised, is.Text, orDefault(is.Due, "—"), state}
		}
		d.table([]string{"提出日期", "问题", "整改期限", "状态"}, []float64{26, bodyW - 72, 26, 20}, "LLLC", rows)
		d.keep(fmt.Sprintf("整改期限为检查之日起 %d 日。", engine.IssueFixDays), 9.5, 5)
	}
	d.heading("三、意见处理")
	f := p.Feedback
	d.keep(fmt.Sprintf("收到居民意见 %d 条，3 天内答复 %d 条，已办结 %d 条。", f.Received, f.AnsweredWithin3Days, f.Closed), 10.5, lineH)
	d.keep(fmt.Sprintf("已办结意见的回访评价 %d 份，满意率 %s（目标 %s%%）。", f.Rated, f.Satisfaction, f.SatisfactionGoal), 10.5, lineH)
	if f.Survey.Answers > 0 {
		d.keep(fmt.Sprintf("另：满意度问卷评分 %d 份，其中 4 分及以上 %d 份（%s），单独统计，不计入上述回访满意率。", f.Survey.Answers, f.Survey.Satisfied, f.Survey.Satisfaction), 10.5, lineH)
	}
	d.heading("四、资金")
	d.keep(fmt.Sprintf("预算 %s；已收 %s；已支出 %s。", money(p.Money.Budget), money(p.Money.Received), money(p.Money.Spent)), 10.5, lineH)
	if c := pr.Collection; c != nil {
		d.keep(fmt.Sprintf("居民应出资 %s，已缴 %s，未缴 %s；应出资 %d 户，已缴清 %d 户，逾期 %d 户。", money(c.Due), money(c.Paid), money(c.Outstanding),
			c.Households, c.HouseholdsPaid, c.HouseholdsOverdue), 10.5, lineH)
	}
	d.ensure(34 + 26)
	y := d.f.GetY() + 2
	if pr.PublicURL != "" {
		d.qr(pr.PublicURL, pageW-margin-30, y, 30)
	}
	d.f.SetXY(margin, y)
	d.text(margin, bodyW-40, "存证："+anchorText(pr.Anchor, pr.KeyFingerprint), 9, 5, "L")
	d.text(margin, bodyW-40, "项目公示页（可匿名提意见）：", 9, 5, "L")
	d.address(margin, bodyW-40, pr.PublicURL, 9, 5)
	d.f.SetY(max(d.f.GetY(), y+32))
	d.issuedBy(issuer, pr.Printed)
	return d.output(w)
}
