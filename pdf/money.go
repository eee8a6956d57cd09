package pdf

import (
	"fmt"
	"io"

	"github.com/renovote/renovote/engine"
)

// Receipt is engine.Receipt: what a 收据 holds.
type Receipt = engine.Receipt

// Statement is engine.Statement: what the 收支公示 holds.
type Statement = engine.Statement

var paymentKindNames = map[string]string{engine.PaymentIn: "收据", engine.PaymentRefund: "退款凭证", engine.PaymentReversal: "冲正凭证"}

// Receipt writes one 收据 (or refund or reversal slip): payer, room,
// amount in figures and 大写, what for, method, day, number, who received
// it, the verification code and its QR, the chain anchor.
func (r *Renderer) Receipt(w io.Writer, rc *Receipt) error {
	p := rc.Payment
	kind := paymentKindNames[p.Kind]
	texts := []string{rc.Project.Name, rc.Project.Address, rc.Household.Room, rc.Household.OwnerName, p.Note, p.Method, rc.Recorder, rc.VerifyURL, kind}
	d := r.newDoc(rc.Project.Name+" "+kind+" "+p.ReceiptNo, rc.Printed, texts...)
	d.foot = kind + " " + p.ReceiptNo
	d.f.AddPage()
	d.title(rc.Project.Name + " 加装电梯 " + kind)
	rows := [][2]string{
		{"编号", p.ReceiptNo},
		{"项目", rc.Project.Name + "（" + rc.Project.Address + "）"},
		{"房号", rc.Household.Room},
		{"交款人", rc.Household.OwnerName},
		{"金额", money(p.Amount)},
		{"大写", engine.Words(p.Amount)},
		{"日期", p.Day},
	}
	switch p.Kind {
	case engine.PaymentIn:
		rows = append(rows, [2]string{"事由", orDefault(p.Note, "加装电梯出资")}, [2]string{"方式", p.Method})
	case engine.PaymentRefund:
		rows[3][0] = "收款人"
		rows = append(rows, [2]string{"退款原因", p.Note})
	case engine.PaymentReversal:
		rows = append(rows, [2]string{"冲正原因", p.Note})
		if rc.Reversed != nil {
			rows = append(rows, [2]string{"冲正的记录", rc.Reversed.ReceiptNo + "（" + money(rc.Reversed.Amount) + "，" + rc.Reversed.Day + "）作废"})
		}
	}
	rows = append(rows, [2]string{"经办人", rc.Recorder}, [2]string{"核验码", p.Code}, [2]string{"存证", anchorText(rc.Anchor, rc.KeyFingerprint)})
	d.kv(rows, 24)
	d.f.Ln(4)
	d.ensure(36)
	y := d.f.GetY()
	d.qr(rc.VerifyURL, margin, y, 30)
	d.text(margin+36, bodyW-36, "扫描左侧二维码或访问 "+rc.VerifyURL+" 核验本凭证与系统记录是否一致。", 9.5, 5, "L")
	d.f.SetY(max(d.f.GetY(), y+32))
	return d.output(w)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Statement writes the 收支公示 for the notice board: income by source,
// spending by item, the balance, each a dated line; no personal data.
func (r *Renderer) Statement(w io.Writer, st *Statement) error {
	texts := []string{st.Project.Name, st.Project.Address, st.PublicURL}
	for _, l := range append(append([]engine.StatementLine(nil), st.Incomes...), st.Expenses...) {
		texts = append(texts, l.Source, l.What)
	}
	d := r.newDoc(st.Project.Name+" 资金收支公示", st.Printed, texts...)
	d.foot = st.Project.Name + " 资金收支公示"
	d.f.AddPage()
	d.title(st.Project.Name + " 加装电梯 资金收支公示")
	d.para(fmt.Sprintf("截至 %s（北京时间），本项目资金收支如下。预算（方案总造价）%s；收入合计 %s；支出合计 %s；结余 %s（%s）。",
		beijingTime(st.Printed), money(st.Budget), money(st.In), money(st.Out), money(st.Balance), engine.Words(max(st.Balance, 0))))
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
	d.table([]string{"日期", "来源", "事由", "金额（元）"}, []float64{28, 30, 82, 40}, "LLLR", statementRows(st.Incomes))
	d.heading("三、支出明细")
	if len(st.Expenses) == 0 {
		d.para("尚无支出。")
	} else {
		d.table([]string{"日期", "收款单位", "用途", "金额（元）"}, []float64{28, 50, 62, 40}, "LLLR", statementRows(st.Expenses))
	}
	d.heading("四、结余")
	d.para(fmt.Sprintf("收入 %s，减去支出 %s，结余 %s。居民对账目有疑问的，可向社区工作人员查阅凭证。本公示不含任何个人信息。",
		money(st.In), money(st.Out), money(st.Balance)))
	d.ensure(36)
	y := d.f.GetY() + 2
	if st.PublicURL != "" {
		d.qr(st.PublicURL, pageW-margin-30, y, 30)
	}
	d.f.SetXY(margin, y)
	d.text(margin, bodyW-40, "存证："+anchorText(st.Anchor, st.KeyFingerprint), 9, 5, "L")
	d.text(margin, bodyW-40, "项目公示页："+st.PublicURL, 9, 5, "L")
	return d.output(w)
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
// supervision, how feedback was handled and the satisfaction against its
// goal, and the money; no names, phones or feedback texts.
func (r *Renderer) ProgressReport(w io.Writer, pr *ProgressReport) error {
	p := pr.Progress
	texts := []string{pr.Project.Name, pr.Project.Address, pr.PublicURL}
	for _, s := range p.Stages {
		texts = append(texts, s.Name, s.Note)
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
	d.table([]string{"阶段", "计划日期", "实际日期", "状态", "备注"}, []float64{30, 28, 28, 22, 72}, "LLLLL", rows)
	d.heading("二、施工监督")
	d.para(fmt.Sprintf("监督小组共检查 %d 次，最近一次 %s；尚未整改的问题 %d 个。", p.Inspections.Count, orDefault(p.Inspections.Last, "（尚无）"), p.Inspections.OpenIssues))
	d.heading("三、意见处理")
	f := p.Feedback
	d.para(fmt.Sprintf("收到居民意见 %d 条，3 天内答复 %d 条，已办结 %d 条；评价 %d 份，满意率 %s（目标 %s%%）。",
		f.Received, f.AnsweredWithin3Days, f.Closed, f.Rated, f.Satisfaction, f.SatisfactionGoal))
	d.heading("四、资金")
	d.para(fmt.Sprintf("预算 %s；已收 %s；已支出 %s。", money(p.Money.Budget), money(p.Money.Received), money(p.Money.Spent)))
	d.ensure(36)
	y := d.f.GetY() + 2
	if pr.PublicURL != "" {
		d.qr(pr.PublicURL, pageW-margin-30, y, 30)
	}
	d.f.SetXY(margin, y)
	d.text(margin, bodyW-40, "存证："+anchorText(pr.Anchor, pr.KeyFingerprint), 9, 5, "L")
	d.text(margin, bodyW-40, "项目公示页（可匿名提意见）："+pr.PublicURL, 9, 5, "L")
	return d.output(w)
}
