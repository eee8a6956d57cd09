package pdf

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/renovote/renovote/engine"
)

// ShareCertificate writes the 加装电梯费用分摊证明 a household takes to the
// 住房公积金 centre (DESIGN §18): the project, the household (the owner in
// full, the phone masked), the share before and after the subsidy, what
// was paid with each receipt's number and day, what may be drawn from each
// 公积金 account and from the 维修资金 and the cash remainder — amounts in
// figures and 大写 — the rule and the day to apply by, the issuer with a
// seal space and the date, and the verification code with its QR. The only
// paper that prints the balances in full: the centre checks them.
func (r *Renderer) ShareCertificate(w io.Writer, c *engine.ShareCertificate) error {
	h, f := c.Household, c.Funding
	texts := []string{c.Project.Name, c.Project.Address, h.Room, h.OwnerName, c.Issuer, c.RuleName, c.VerifyURL, c.Code}
	for _, rel := range []string{engine.RelationOwner, engine.RelationSpouse, engine.RelationParent, engine.RelationChild} {
		texts = append(texts, engine.RelationName(rel))
	}
	if c.Figures != nil {
		for _, a := range c.Figures.Accounts {
			texts = append(texts, a.Name)
		}
	}
	d := r.newDoc(c.Project.Name+" "+h.Room+" 加装电梯费用分摊证明", c.Issued, texts...)
	d.foot = c.Project.Name + " " + h.Room + " 费用分摊证明"
	d.f.AddPage()
	top := d.f.GetY()
	d.title("加装电梯费用分摊证明")
	below := d.f.GetY()
	// the code top right on the title's line (the date is by the seal):
	// a line saved keeps a household paying in installments on one page
	d.f.SetY(top + 2 + 9 - 5)
	d.text(margin, bodyW, "核验码："+c.Code, 9.5, 5, "R")
	d.f.SetY(below)
	d.para("兹证明下列住户参加本单元既有住宅加装电梯，按经表决公示的分摊方案承担费用，情况如下：")
	d.f.Ln(1)
	d.grid([][]string{
		{"项目", c.Project.Name + "（" + orDash(c.Project.Address) + "）"},
		{"房号", h.Room + " 室（第 " + fmt.Sprint(h.Floor) + " 层）", "业主", h.OwnerName},
		{"联系电话", orDash(engine.MaskPhone(h.Phone)), "身份证号", "____________________"},
	}, 20)

	d.heading("一、费用分摊")
	rows := [][]string{
		{"本户分摊费用（扣除补贴前）", c.Gross().Grouped(), engine.Words(c.Gross())},
		{"减：财政补贴（按本户分摊比例折算）", c.Subsidy.Grouped(), engine.Words(c.Subsidy)},
	}
	if c.Row.Relief > 0 {
		rows = append(rows, []string{"减：困难减免", c.Row.Relief.Grouped(), engine.Words(c.Row.Relief)})
	}
	if c.Row.Extra > 0 {
		rows = append(rows, []string{"加：为困难户分担", c.Row.Extra.Grouped(), engine.Words(c.Row.Extra)})
	}
	rows = append(rows, []string{"本户应出资（扣除补贴，不含运行维护费用）", f.Due.Grouped(), engine.Words(f.Due)},
		[]string{"截至出具日已缴", c.Paid.Grouped(), engine.Words(max(c.Paid, 0))})
	d.table([]string{"项目", "金额（元）", "大写"}, []float64{bodyW * 0.42, bodyW * 0.18, bodyW * 0.40}, "LRL", rows)
	d.text(margin, bodyW, fmt.Sprintf("项目财政补贴合计 %s，按本户分摊比例折算为 %s，已在上表中扣除。", money(c.TotalSubsidy), money(c.Subsidy)), 9, 5, "L")
	if len(c.Payments) > 0 {
		var pays [][]string
		for _, p := range c.Payments {
			kind := "缴款"
			if p.Kind == engine.PaymentRefund {
				kind = "退款"
			}
			pays = append(pays, []string{p.ReceiptNo, chineseDay(p.Day), kind, p.Amount.Grouped()})
		}
		head := []string{"收据编号", "日期", "类别", "金额（元）"}
		if len(pays) <= 3 {
			d.table(head, []float64{bodyW * 0.34, bodyW * 0.26, bodyW * 0.14, bodyW * 0.26}, "LLLR", pays)
		} else {
			// two receipts to a row, in order down the left then the
			// right half, so installments keep the page to one A4
			half := (len(pays) + 1) / 2
			var rows [][]string
			for i := range half {
				row := append([]string{}, pays[i]...)
				if j := half + i; j < len(pays) {
					row = append(row, pays[j]...)
				} else {
					row = append(row, "", "", "", "")
				}
				rows = append(rows, row)
			}
			w := []float64{bodyW * 0.16, bodyW * 0.15, bodyW * 0.07, bodyW * 0.12}
			d.table(append(head, head...), append(w, w...), "LLLRLLLR", rows)
		}
	}
	d.f.Ln(1)

	d.heading("二、可使用的资金")
	var src [][]string
	for _, a := range f.GJJ.Accounts {
		balance := "—"
		if c.Figures != nil {
			for _, x := range c.Figures.Accounts {
				if x.Name == a.Name && x.Relation == a.Relation {
					balance = x.Balance.Grouped()
				}
			}
		}
		amount := a.Amount.Grouped()
		if !a.Allowed {
			amount = "不可提取"
		}
		src = append(src, []string{"住房公积金", a.Name + "（" + engine.RelationName(a.Relation) + "）", "", balance, amount})
	}
	if m := c.Figures; m != nil && m.Maintenance != nil {
		src = append(src, []string{"专项维修资金", "须留存 " + f.Maintenance.Keep.Grouped(), "", m.Maintenance.Balance.Grouped(), f.Maintenance.Amount.Grouped()})
	}
	src = append(src, []string{"自筹现金", "", "", "", f.Cash.Grouped()})
	// the 身份证号 of each account holder is left blank, filled in by hand:
	// the system does not store it, the centre checks it
	d.table([]string{"来源", "账户人 / 说明", "提取人身份证号", "账户余额（元）", "可使用金额（元）"},
		[]float64{bodyW * 0.15, bodyW * 0.24, bodyW * 0.25, bodyW * 0.17, bodyW * 0.19}, "LLLRR", src)
	d.grid([][]string{
		{"可提取公积金合计", f.GJJ.Total.Grouped() + " 元　" + engine.Words(f.GJJ.Total)},
		{"可使用维修资金", f.Maintenance.Amount.Grouped() + " 元　" + engine.Words(f.Maintenance.Amount)},
	}, 34)
	rule := "提取规则：" + c.RuleName
	if c.Rule != nil {
		var who []string
		for _, rel := range c.Rule.Rule.GJJRelations {
			who = append(who, engine.RelationName(rel))
		}
		if len(who) > 0 {
			rule += "（可提取公积金的人：" + strings.Join(who, "、") + "）"
		}
	}
	rule += "。公积金与维修资金合计不超过本户扣除补贴后的应出资额，运行维护费用不在其内。"
	if c.ApplyBy != nil {
		if c.Rule != nil && c.Rule.Completed != nil {
			rule += "项目竣工日期为 " + chineseDay(c.Rule.Completed.String()) + "，"
		}
		rule += "请于 " + chineseDay(c.ApplyBy.String()) + " 前向住房公积金管理中心申请。"
	}
	d.text(margin, bodyW, rule, 9, 5, "L")
	d.f.Ln(0.5)
	// the statement goes with the seal: a seal never stands alone on a page
	d.ensure(49) // the statement, a gap and the block below (d.ensure(40))
	d.para("以上情况属实，特此证明。本证明仅用于申请提取住房公积金和使用专项维修资金。")
	d.f.Ln(2)

	// the issuer and the seal on the right, the check on the left
	d.ensure(40)
	y := d.f.GetY()
	const seal = 34.0
	d.f.SetDrawColor(150, 150, 150)
	d.f.SetDashPattern([]float64{1, 1}, 0)
	d.f.Rect(margin+bodyW-seal, y, seal, seal-4, "D")
	d.f.SetDashPattern(nil, 0)
	d.f.SetXY(margin+bodyW-seal, y+seal-10)
	d.f.SetFontSize(8.5)
	d.f.CellFormat(seal, 4, "（盖章）", "", 0, "C", false, 0, "")
	d.f.SetY(y)
	d.text(margin+bodyW/2-20, bodyW/2-seal+19, "出具单位："+cmp.Or(c.Issuer, "____________________"), 10.5, 6.5, "L")
	d.text(margin+bodyW/2-20, bodyW/2-seal+19, "经办人（签字）：__________", 10.5, 6.5, "L")
	d.text(margin+bodyW/2-20, bodyW/2-seal+19, chineseDate(c.Issued), 10.5, 6.5, "L")
	d.qr(c.VerifyURL, margin, y, 28)
	d.f.SetY(y + 4)
	d.text(margin+31, bodyW/2-53, "核验码", 9, 5, "L")
	d.text(margin+31, bodyW/2-53, c.Code, 10, 6, "L")
	d.f.SetY(max(d.f.GetY(), y+seal))
	// resident-carried paper: the code and the QR carry the proof, no
	// hash or key fingerprint (DESIGN §14b)
	d.text(margin, bodyW, "扫描二维码或访问 "+c.VerifyURL+" 核验本证明是否真实、有效。", 8.5, 4.5, "L")
	return d.output(w)
}
