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

// OccupancyTitle is the title of the agreement of a household that pays
// nothing and whose part the lift occupies (engine.Agreement.OccupancyOnly).
func OccupancyTitle(p *engine.Project) string {
	return p.Name + "加装电梯占用与补偿协议书"
}

func agreementTitle(a *Agreement, row engine.HouseholdShare) string {
	if a.OccupancyOnly(row) {
		return OccupancyTitle(a.Project)
	}
	return AgreementTitle(a.Project)
}

// Agreement writes one household's agreement.
func (r *Renderer) Agreement(w io.Writer, a *Agreement) error {
	d := r.newDoc(agreementTitle(a, agreementRow(a)), createdAt(a), agreementTexts(a)...)
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
	t := a.Project.Terms
	occupancy := a.OccupancyOnly(row)
	d.f.AddPage() // draws the previous page's footer with the previous text
	d.seam = true // the pages of a contract, sealed across their edges
	d.foot = "方案指纹 " + short(a.Scenario.SHA256) + "　房号 " + h.Room
	d.title(agreementTitle(a, row))
	d.kv([][2]string{
		{"项目", a.Project.Name},
		{"地址", a.Project.Address},
		{"方案", a.Scenario.Name},
		{"方案指纹", "SHA-256 " + a.Scenario.SHA256},
		{"存证", anchorText(a.Anchor, a.KeyFingerprint)},
	}, 24)

	section := sections()
	d.heading(section("协议双方"))
	owner := h.OwnerName
	switch {
	case h.Phone != "" && a.Contract: // the copy the worker has signed on paper
		owner += "（电话 " + h.Phone + "）"
	case h.Phone != "":
		owner += "（电话 " + engine.MaskPhone(h.Phone) + "）"
	}
	parties := [][2]string{{"甲方", orBlank(t.PartyA, 40) + "（实施主体或业主代表）"}}
	if t.PartyARep != "" {
		parties = append(parties, [2]string{"甲方代表人", t.PartyARep})
	}
	parties = append(parties,
		[2]string{"乙方", "本单元 " + h.Room + " 室业主 " + owner + " 及其共有人"},
		[2]string{"房屋", h.Room + " 室　　楼层 " + strconv.Itoa(h.Floor) + " 层　　专有面积 " + h.Area.String() + " 平方米"})
	if a.Contract {
		parties = append(parties, [2]string{"身份证号", strings.Repeat("_", 36)}, [2]string{"不动产权证号", strings.Repeat("_", 36)})
	}
	d.kv(parties, 24)

	if !occupancy {
		d.costs(a, row, section)
	}
	return d.terms(a, row, section)
}

// costs prints what the building costs and how it is shared, and the
// household's part with its schedule.
func (d *doc) costs(a *Agreement, row engine.HouseholdShare, section func(string) string) {
	d.heading(section("费用与分摊"))
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
		d.heading(section("分期付款"))
		start := ""
		if a.Input.Installments != nil {
			start = a.Input.Installments.Start.Format("2006年1月2日")
		}
		d.para(fmt.Sprintf("首付 %s（%s），于 %s 前支付；其余分 %d 期按下表支付。连同首付合计支付 %s，其中利息 %s。",
			money(p.DownPayment), engine.Words(p.DownPayment), start, len(p.Installments), money(p.TotalPaid), money(p.TotalInterest)))
		var rows [][]string
		for _, in := range p.Installments {
			rows = append(rows, []string{strconv.Itoa(in.N), in.Date.String(), in.Principal.Grouped(), in.Interest.Grouped(), in.Amount.Grouped()})
		}
		d.table([]string{"期", "日期", "本金", "利息", "金额"}, []float64{16, 40, 40, 34, bodyW - 130}, "CCRRR", rows)
	}
}

// terms prints how money moves, the clauses, and the signatures on the
// page of the last clause.
func (d *doc) terms(a *Agreement, row engine.HouseholdShare, section func(string) string) error {
	t := a.Project.Terms
	if row.Due > 0 || row.Compensation > 0 {
		d.heading(section(map[bool]string{true: "付款方式", false: "补偿款支付"}[row.Due > 0]))
		var pairs [][2]string
		if row.Due > 0 {
			pairs = append(pairs,
				[2]string{"收款户名", orBlank(t.AccountName, 40)},
				[2]string{"开户银行", orBlank(t.AccountBank, 40)},
				[2]string{"账号", orBlank(t.AccountNumber, 40)})
		}
		if row.Compensation > 0 {
			pairs = append(pairs, [2]string{"补偿款", "甲方于 " + compensationDate(t) + " 前向本户支付 " + money(row.Compensation) + "（" + engine.Words(row.Compensation) + "）"})
		}
		d.kv(pairs, 24)
		if row.Due > 0 {
			d.para("出资款只汇入上列账户，不交给任何个人；收款后出具收据，收据上的核验码可在线核对。")
		}
	}

	d.heading(section("协议条款"))
	var clauses bytes.Buffer
	if err := d.r.clauses.Execute(&clauses, clauseData(a, row)); err != nil {
		return fmt.Errorf("协议条款模板：%w", err)
	}
	var lines []string
	for _, c := range strings.Split(strings.TrimSpace(clauses.String()), "\n") {
		if c = strings.TrimSpace(c); c != "" {
			lines = append(lines, c)
		}
	}
	for i, c := range lines {
		if !numbered(c) {
			c = "第" + chineseNumber(i+1) + "条　" + c
		}
		if i == len(lines)-1 {
			// the last clause goes with the signatures: a signature page
			// never stands alone
			d.ensure(float64(len(wrap(c, bodyW, d.measure(10.5))))*lineH + 0.8 + lineH + signBlockH)
		}
		d.para(c)
		d.f.Ln(0.8)
	}
	d.para("（以下无正文）")

	d.ensure(signBlockH) // the heading with the boxes and lines below it
	d.heading(section("表决与签署"))
	d.decision(a)
	return nil
}

// signBlockH is the height the heading 表决与签署 and the block below it
// take (the unsigned copy's lines to sign are the taller).
const signBlockH = 128.0

// sections numbers an agreement's headings 一、二、… in the order they
// print (a section without content is left out, not skipped).
func sections() func(string) string {
	n := 0
	return func(s string) string {
		n++
		return chineseNumber(n) + "、" + s
	}
}

// numbered says a clause already carries its number (第三条 …), as the
// clause templates written before clauses were numbered here do.
func numbered(c string) bool {
	rest, ok := strings.CutPrefix(c, "第")
	if !ok {
		return false
	}
	i := strings.Index(rest, "条")
	return i > 0 && strings.Trim(rest[:i], "一二三四五六七八九十百零") == ""
}

// chineseNumber is n (1–99) in Chinese numerals: 一, 十, 十二, 二十三.
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(digits[n%10], "零")
	}
	return digits[n/10] + "十" + strings.TrimPrefix(digits[n%10], "零")
}

// orBlank is s, or a line of n underscores to fill in by hand.
func orBlank(s string, n int) string {
	if strings.TrimSpace(s) == "" {
		return strings.Repeat("_", n)
	}
	return s
}

// compensationDate is when compensation is paid: the worker's date, or
// blanks to fill in.
func compensationDate(t engine.Terms) string {
	if d, err := time.Parse(time.DateOnly, t.CompensationBy); err == nil {
		return d.Format("2006年1月2日")
	}
	return "______年____月____日"
}

func clauseData(a *Agreement, row engine.HouseholdShare) map[string]any {
	t := a.Project.Terms
	account := ""
	if t.AccountNumber != "" {
		account = t.AccountName + "，" + t.AccountBank + "，账号 " + t.AccountNumber
	}
	data := map[string]any{
		"Project": a.Project.Name, "Due": money(row.Due), "DueWords": engine.Words(row.Due),
		"Operating": money(row.OperatingAnnual), "Rule": strings.TrimSuffix(a.RuleText, "。"),
		"Deadline": beijingTime(a.Deadline) + "（北京时间）", "SHA": a.Scenario.SHA256,
		"HasPlan": row.Plan != nil && len(row.Plan.Installments) > 0, "Start": "",
		"PaysNothing": row.Due == 0, "WhyNothing": whyNothing(row),
		"PartyA": t.PartyA, "Account": account, "Occupancy": a.OccupancyOnly(row),
		"HasCompensation": row.Compensation > 0, "Compensation": money(row.Compensation),
		"CompensationWords": engine.Words(row.Compensation), "CompensationBy": compensationDate(t),
		"Effect": a.Effect(),
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

// decision prints the vote in boxes large enough to tick by hand, the
// signer and the signature (or lines to sign on paper: owner, co-owners,
// 甲方, witness), and what the copy is checked by: the decision's
// verification code, or — on an unsigned copy — the plan's fingerprint
// against the project's public page, each with its QR code.
func (d *doc) decision(a *Agreement) {
	d.ensure(110)
	vote := ""
	if a.Decision != nil {
		vote = a.Decision.Vote
	}
	d.f.SetFontSize(10.5)
	d.f.CellFormat(24, 10, "表决意见", "", 0, "L", false, 0, "")
	d.voteBoxes(margin+26, d.f.GetY(), vote, 7, 14)
	d.f.SetY(d.f.GetY() + 14)
	if a.Decision == nil {
		d.para("请在选定的方框内打“√”，一户只选一项。")
		d.f.Ln(4)
		d.signLines([][2]string{{"乙方（业主）签名", ""}, {"日期", "______年____月____日"}})
		d.signLines([][2]string{{"共有人签名", ""}, {"共有人签名", ""}})
		d.signLines([][2]string{{"甲方（盖章）", ""}, {"代表人签名", ""}})
		d.signLines([][2]string{{"见证人（工作人员）", ""}, {"录入日期", "______年____月____日"}})
		d.f.Ln(1)
		d.para("（本户尚未签署：请在本单元业主会议上或向社区工作人员当面签字，由工作人员录入系统；录入后本户可凭核验码在线核对。）")
		d.f.Ln(2)
		d.checkBlock(a.SummaryURL, "方案核验码："+short(a.Scenario.SHA256),
			"扫描左侧二维码打开本项目公开页，核对页上的方案指纹是否以 "+short(a.Scenario.SHA256)+" 开头：一致即本协议所附方案与公示方案相同。", "")
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
	d.signLines([][2]string{{"共有人签名", ""}, {"共有人签名", ""}})
	d.signLines([][2]string{{"甲方（盖章）", ""}, {"代表人签名", ""}})
	d.f.Ln(1)
	d.checkBlock(a.VerifyURL, "核验码："+dec.Code, "扫描左侧二维码或访问以下网址，核验本协议与系统记录是否一致：", a.VerifyURL)
}

// voteBoxes draws 同意 / 不同意 / 弃权, each after a box mm wide, in
// size pt at x, y; the box of vote (if any) carries a tick.
func (d *doc) voteBoxes(x, y float64, vote string, box, size float64) {
	rowH := box + 3
	d.f.SetLineWidth(0.4)
	d.f.SetDrawColor(0, 0, 0)
	for _, v := range []string{engine.VoteAgree, engine.VoteDisagree, engine.VoteAbstain} {
		d.f.Rect(x, y+1.5, box, box, "D")
		if v == vote {
			d.f.SetLineWidth(0.8)
			d.f.Line(x+box*0.18, y+1.5+box*0.55, x+box*0.42, y+1.5+box*0.82)
			d.f.Line(x+box*0.42, y+1.5+box*0.82, x+box*0.84, y+1.5+box*0.16)
			d.f.SetLineWidth(0.4)
		}
		d.f.SetFontSize(size)
		d.f.SetXY(x+box+2, y)
		label := engine.VoteName(v)
		d.f.CellFormat(d.f.GetStringWidth(label)+2, rowH, label, "", 0, "L", false, 0, "")
		x += box + 2 + d.f.GetStringWidth(label) + 2*box
	}
	d.f.SetFontSize(10.5)
	d.f.SetLineWidth(0.2)
}

// signLines prints two label + line pairs on one row, each half the body
// wide; a pair with text prints the text instead of the line.
func (d *doc) signLines(pairs [][2]string) {
	const rowH = 12.0
	d.ensure(rowH)
	y := d.f.GetY()
	colW := bodyW / float64(len(pairs))
	d.f.SetFontSize(10.5)
	d.f.SetDrawColor(0, 0, 0)
	d.f.SetLineWidth(0.3)
	for i, p := range pairs {
		x := margin + float64(i)*colW
		d.f.SetXY(x, y+rowH-lineH-1)
		labelW := d.f.GetStringWidth(p[0]+"：") + 1
		d.f.CellFormat(labelW, lineH, p[0]+"：", "", 0, "L", false, 0, "")
		if p[1] != "" {
			d.f.CellFormat(colW-labelW-4, lineH, p[1], "", 0, "L", false, 0, "")
		} else {
			d.f.Line(x+labelW, y+rowH-1.2, x+colW-6, y+rowH-1.2)
		}
	}
	d.f.SetLineWidth(0.2)
	d.f.SetXY(margin, y+rowH+1)
}

// checkBlock is a QR code of url with a code and one line of how to check.
func (d *doc) checkBlock(url, code, how, address string) {
	d.ensure(34)
	y := d.f.GetY()
	if url != "" {
		d.qr(url, margin, y, 30)
	}
	d.f.SetY(y)
	d.text(margin+36, bodyW-36, code, 12, 7, "L")
	d.text(margin+36, bodyW-36, how, 9.5, 5, "L")
	if address != "" {
		d.address(margin+36, bodyW-36, address, 9.5, 5)
	}
	d.f.SetY(max(d.f.GetY(), y+32))
}

func allocationText(al engine.Allocation) string {
	switch al.Method {
	case engine.AllocCoefficientArea:
		return "按楼层系数 × 专有面积分摊（单户分摊 = 分摊总额 × 系数 × 面积 ÷ Σ(系数×面积)），尾差调整到分，各户合计正好等于分摊总额。"
	case engine.AllocCoefficient:
		return "按楼层系数分摊，尾差调整到分，合计不变。"
	case engine.AllocArea:
		return "按专有部分面积分摊（《民法典》第二百八十三条），尾差调整到分，合计不变。"
	case engine.AllocEqual:
		return "按户平均分摊，尾差调整到分，合计不变。"
	case engine.AllocFloorPercent:
		return "按楼层比例分摊，同一楼层各出资户平均分担，尾差调整到分，合计不变。"
	case engine.AllocHouseholdPercent:
		return "按楼层确定每户比例分摊，尾差调整到分，合计不变。"
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
	t := a.Project.Terms
	out := []string{a.Project.Name, a.Project.Address, a.Scenario.Name, a.Household.Room, a.Household.OwnerName,
		a.RuleText, a.VerifyURL, a.SummaryURL, a.Household.Phone, allocationText(a.Input.Allocation), t.PartyA, t.PartyARep, t.AccountName, t.AccountBank, t.AccountNumber}
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
