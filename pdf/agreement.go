package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Agreement is engine.Agreement: what the document holds.
type Agreement = engine.Agreement

// row is the household's line of the result.
func agreementRow(a *Agreement) engine.HouseholdShare {
	for _, r := range a.Result.Households {
		if r.Room == a.Household.Room {
			return r
		}
	}
	return engine.HouseholdShare{Room: a.Household.Room, Floor: a.Household.Floor, Area: a.Household.Area}
}

// AgreementTitle is the document's title.
func AgreementTitle(p *engine.Project) string {
	return p.Name + "加装电梯出资分摊协议书"
}

// Agreement writes one household's agreement.
func (r *Renderer) Agreement(w io.Writer, a *Agreement) error {
	d := r.newDoc(AgreementTitle(a.Project), createdAt(a), agreementTexts(a)...)
	if err := d.agreement(a); err != nil {
		return err
	}
	return d.output(w)
}

func createdAt(a *Agreement) time.Time {
	if a.Decision != nil {
		return a.Decision.CreatedAt
	}
	if a.Scenario.PublishedAt != nil {
		return *a.Scenario.PublishedAt
	}
	return a.Scenario.CreatedAt
}

// agreement lays one agreement out from a new page.
func (d *doc) agreement(a *Agreement) error {
	row := agreementRow(a)
	h := a.Household
	d.f.AddPage() // draws the previous page's footer with the previous text
	d.foot = "方案指纹 " + short(a.Scenario.SHA256) + "　房号 " + h.Room
	d.title(AgreementTitle(a.Project))
	d.kv([][2]string{
		{"项目", a.Project.Name},
		{"地址", a.Project.Address},
		{"方案", a.Scenario.Name},
		{"方案指纹", "SHA-256 " + a.Scenario.SHA256},
		{"存证", anchorText(a.Anchor, a.KeyFingerprint)},
	}, 24)

	d.heading("一、住户")
	owner := h.OwnerName
	if h.Phone != "" {
		owner += "（电话 " + engine.MaskPhone(h.Phone) + "）"
	}
	d.kv([][2]string{
		{"房号", h.Room + "　　楼层 " + strconv.Itoa(h.Floor) + " 层　　专有面积 " + h.Area.String() + " 平方米"},
		{"业主", owner},
	}, 24)

	d.heading("二、费用与分摊")
	res := a.Result
	var rows [][]string
	for _, c := range a.Input.Costs {
		rows = append(rows, []string{"费用：" + orDash(c.Name), c.Amount.Grouped(), ""})
	}
	rows = append(rows, []string{"总造价", res.TotalCost.Grouped(), engine.Words(res.TotalCost)})
	for _, s := range res.Subsidies {
		rows = append(rows, []string{"财政补贴：" + orDash(s.Name), s.Amount.Grouped(), ""})
	}
	rows = append(rows,
		[]string{"财政补贴合计（不超过总造价）", res.TotalSubsidy.Grouped(), engine.Words(res.TotalSubsidy)},
		[]string{"低楼层补偿合计", res.TotalCompensation.Grouped(), engine.Words(res.TotalCompensation)},
		[]string{"分摊总额 = 总造价 － 补贴 ＋ 补偿", res.Pool.Grouped(), engine.Words(res.Pool)})
	d.table([]string{"项目", "金额（元）", "大写"}, []float64{62, 34, bodyW - 96}, "LRL", rows)

	d.para("分摊规则：" + allocationText(a.Input.Allocation))
	if t := ruleTable(a.Input.Allocation); len(t) > 0 {
		d.table([]string{"楼层", "系数 / 比例"}, []float64{40, 40}, "CR", t)
	}
	d.table([]string{"本户", "金额（元）", "大写"}, []float64{62, 34, bodyW - 96}, "LRL", [][]string{
		{"分摊权重", row.Weight.String(), ""},
		{"按规则分摊", row.Share.Grouped(), engine.Words(row.Share)},
		{"困难户减免", row.Relief.Grouped(), engine.Words(row.Relief)},
		{"分担他户减免", row.Extra.Grouped(), engine.Words(row.Extra)},
		{"本户应出资", row.Due.Grouped(), engine.Words(row.Due)},
		{"本户获得的补偿（另行支付）", row.Compensation.Grouped(), engine.Words(row.Compensation)},
		{"每年运行费用", row.OperatingAnnual.Grouped(), engine.Words(row.OperatingAnnual)},
	})

	if p := row.Plan; p != nil && len(p.Installments) > 0 {
		d.heading("三、分期付款")
		start := ""
		if a.Input.Installments != nil {
			start = a.Input.Installments.Start.Format("2006-01-02")
		}
		d.para(fmt.Sprintf("首付 %s（%s），于 %s 支付；其余分 %d 期，合计支付 %s，其中利息 %s。",
			money(p.DownPayment), engine.Words(p.DownPayment), start, len(p.Installments), money(p.TotalPaid), money(p.TotalInterest)))
		var rows [][]string
		for _, in := range p.Installments {
			rows = append(rows, []string{strconv.Itoa(in.N), in.Date.String(), in.Principal.Grouped(), in.Interest.Grouped(), in.Amount.Grouped()})
		}
		d.table([]string{"期", "日期", "本金", "利息", "金额"}, []float64{16, 40, 40, 34, bodyW - 130}, "CCRRR", rows)
	}

	d.heading("四、协议条款")
	var clauses bytes.Buffer
	if err := d.r.clauses.Execute(&clauses, clauseData(a, row)); err != nil {
		return fmt.Errorf("协议条款模板：%w", err)
	}
	for _, c := range strings.Split(strings.TrimSpace(clauses.String()), "\n") {
		if strings.TrimSpace(c) != "" {
			d.para(c)
			d.f.Ln(0.8)
		}
	}

	d.heading("五、表决与签署")
	d.decision(a)
	return nil
}

func clauseData(a *Agreement, row engine.HouseholdShare) map[string]any {
	data := map[string]any{
		"Project": a.Project.Name, "Due": money(row.Due), "DueWords": engine.Words(row.Due),
		"Operating": money(row.OperatingAnnual), "Rule": strings.TrimSuffix(a.RuleText, "。"),
		"Deadline": beijingTime(a.Deadline) + "（北京时间）", "SHA": a.Scenario.SHA256,
		"HasPlan": row.Plan != nil && len(row.Plan.Installments) > 0, "Start": "",
		"PaysNothing": row.Due == 0, "WhyNothing": whyNothing(row),
	}
	if a.Input.Installments != nil {
		data["Start"] = a.Input.Installments.Start.Format("2006年1月2日")
	}
	return data
}

// whyNothing says why a household pays nothing.
func whyNothing(row engine.HouseholdShare) string {
	switch {
	case row.Exempt:
		return "本户登记为免缴户"
	case row.Share == 0:
		return "按本方案，本户所在楼层不分摊"
	case row.Hardship && row.Relief >= row.Share:
		return "本户为困难户，应分摊部分全部减免"
	}
	return "按本方案计算为零"
}

// decision prints the vote, the signer and the signature, or blank lines
// for signing on paper, and the verification code with its QR code.
func (d *doc) decision(a *Agreement) {
	box := func(v string) string {
		if a.Decision != nil && a.Decision.Vote == v {
			return "■"
		}
		return "□"
	}
	d.ensure(58)
	d.para(fmt.Sprintf("表决意见：%s 同意　　%s 不同意　　%s 弃权", box(engine.VoteAgree), box(engine.VoteDisagree), box(engine.VoteAbstain)))
	d.f.Ln(2)
	if a.Decision == nil {
		d.para("签名人：________________　　签名：________________________")
		d.f.Ln(4)
		d.para("日期：______年____月____日　　见证人：________________")
		d.f.Ln(2)
		d.para("（本户尚未签署：请在业主大会上签字，由工作人员录入系统。）")
		return
	}
	dec := a.Decision
	d.para("签名人：" + dec.SignerName)
	y := d.f.GetY()
	if dec.Method == engine.DecisionPaper {
		d.para("纸质签署，见证人：" + dec.Witness + "（纸质表决单照片存档）")
	} else if len(dec.SignaturePNG) > 0 {
		d.f.SetXY(margin, y)
		d.f.CellFormat(20, lineH, "签名：", "", 0, "L", false, 0, "")
		d.image(dec.SignaturePNG, margin+20, y, 60, 0)
		d.f.SetY(y + 26)
	}
	d.para("签署时间：" + beijingTime(dec.CreatedAt) + "（北京时间）　方式：" + map[string]string{"online": "手机签署", "paper": "纸质签署"}[dec.Method])
	d.f.Ln(3)
	y = d.f.GetY()
	d.ensure(36)
	if d.f.GetY() != y {
		y = d.f.GetY()
	}
	d.qr(a.VerifyURL, margin, y, 30)
	d.text(margin+36, bodyW-36, "核验码："+dec.Code, 12, 7, "L")
	d.text(margin+36, bodyW-36, "扫描左侧二维码或访问 "+a.VerifyURL+" 核验本协议与系统记录是否一致。", 9.5, 5, "L")
	d.f.SetY(max(d.f.GetY(), y+32))
}

func allocationText(al engine.Allocation) string {
	switch al.Method {
	case engine.AllocCoefficientArea:
		return "按楼层系数 × 专有面积分摊（单户分摊 = 分摊总额 × 系数 × 面积 ÷ Σ系数 × 面积），尾差按最大余数法分配，合计精确到分。"
	case engine.AllocCoefficient:
		return "按楼层系数分摊，尾差按最大余数法分配。"
	case engine.AllocArea:
		return "按专有部分面积分摊（《民法典》第二百八十三条），尾差按最大余数法分配。"
	case engine.AllocEqual:
		return "按户平均分摊，尾差按最大余数法分配。"
	case engine.AllocFloorPercent:
		return "按楼层比例分摊，同一楼层各出资户平均分担，尾差按最大余数法分配。"
	case engine.AllocHouseholdPercent:
		return "按楼层确定每户比例分摊，尾差按最大余数法分配。"
	}
	return engine.AllocationName(al.Method)
}

func ruleTable(al engine.Allocation) [][]string {
	rows := al.Coefficients
	suffix := ""
	switch al.Method {
	case engine.AllocFloorPercent, engine.AllocHouseholdPercent:
		rows, suffix = al.Percents, "%"
	case engine.AllocCoefficientArea, engine.AllocCoefficient:
	default:
		return nil
	}
	var out [][]string
	for _, r := range rows {
		floors := strconv.Itoa(r.From)
		if r.To != r.From {
			floors += "–" + strconv.Itoa(r.To)
		}
		out = append(out, []string{floors + " 层", r.Value.String() + suffix})
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

// texts are the strings of data an agreement prints.
func agreementTexts(a *Agreement) []string {
	out := []string{a.Project.Name, a.Project.Address, a.Scenario.Name, a.Household.Room, a.Household.OwnerName,
		a.RuleText, a.VerifyURL, allocationText(a.Input.Allocation)}
	for _, c := range a.Input.Costs {
		out = append(out, c.Name)
	}
	for _, s := range a.Result.Subsidies {
		out = append(out, s.Name)
	}
	if d := a.Decision; d != nil {
		out = append(out, d.SignerName, d.Witness, d.Code)
	}
	return out
}
