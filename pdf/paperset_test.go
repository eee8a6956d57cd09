package pdf

import (
	"bytes"
	"fmt"
	"image"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/fixtures"
	"github.com/renovote/renovote/store/storetest"
)

// qrCodes reads every QR code on page of the PDF at path (zbarimg, Debian
// zbar-tools), in the order zbar finds them.
func qrCodes(t *testing.T, path string, page int) []string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		storetest.Unavailable(t, "poppler", "zbarimg not found (apt-get install zbar-tools)")
	}
	p := strconv.Itoa(page)
	png := filepath.Join(t.TempDir(), "qr")
	run(t, "pdftoppm", "-f", p, "-l", p, "-r", "150", "-png", "-singlefile", path, png)
	out, err := exec.Command("zbarimg", "-q", "--raw", png+".png").Output()
	if err != nil {
		t.Fatalf("no QR code on page %d: %v", page, err)
	}
	return strings.Fields(string(out))
}

func pageCount(t *testing.T, path string) int {
	n, _ := strconv.Atoi(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))[1])
	return n
}

// demoCard is the demo building's 明白卡 for a plan still under
// discussion, with the works' stages planned in part.
func demoCard(t testing.TB) *engine.Card {
	p, sc, in, res := demo(t)
	p.Contact = engine.Contact{Name: "王专干", Phone: "0571-87654321", Office: "社区居委会二楼"}
	sc.Status, sc.PublishedAt = engine.ScenarioDraft, nil
	var stages []engine.Stage
	for i, name := range engine.DefaultStages {
		s := engine.Stage{Name: name}
		if i < 4 {
			s.Planned = time.Date(2027, time.Month(2+2*i), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		stages = append(stages, s)
	}
	return &engine.Card{Project: p, Scenario: sc, Input: in, Result: res, Stages: stages, Contact: p.Contact,
		SummaryURL: "https://renovote.example/p/q7Xv2KdM9sLw", Printed: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)}
}

// TestCard: one page with the cost, the three money sources (adding up
// to what is spent and paid back), each floor's amount, the schedule, the
// contact and a QR code that reads as the public page.
func TestCard(t *testing.T) {
	poppler(t)
	r := renderer(t)
	c := demoCard(t)
	path := writePDF(t, "card.pdf", func(b *bytes.Buffer) error { return r.Card(b, c) })
	if n := pageCount(t, path); n != 1 {
		t.Errorf("the card has %d pages, want 1", n)
	}
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.Join(strings.Fields(text), "")
	res := c.Result
	if res.TotalSubsidy+res.TotalDue-res.TotalCompensation+res.FundUsed != res.TotalCost {
		t.Fatalf("sources %s + %s − %s + %s do not make the cost %s", res.TotalSubsidy, res.TotalDue, res.TotalCompensation, res.FundUsed, res.TotalCost)
	}
	for _, want := range []string{"幸福里小区3号楼2单元加装电梯明白卡", "讨论稿，尚未发布表决", "总造价600,000.00元（人民币陆拾万元整）",
		"电梯设备及安装420,000.00元", "政府补贴250,000.00元（占41.67%）", "居民出资350,000.00元（占58.33%）",
		"社会及专项资金0.00元（占0.00%）", "此外，居民另出10,000.00元补偿受影响的低楼层住户；居民出资合计360,000.00元。", "6层（2户）", "1–2层（4户）不出资", "业主表决方案发布后", "首付（分期的第一笔）2027-01-01",
		"立项", "2027-02-01", "待定", "请找王专干（电话0571-87654321），社区居委会二楼。", "不是协议"} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the card lacks %q", want)
		}
	}
	if qr := qrCodes(t, path, 1); !slices.Equal(qr, []string{c.SummaryURL}) {
		t.Errorf("the card's QR code reads %v, want %s", qr, c.SummaryURL)
	}
	golden(t, "card.txt", text)
	if fonts := run(t, "pdffonts", path); !strings.Contains(fonts, "CID TrueType") {
		t.Errorf("font not embedded: %s", fonts)
	}

	// a 33-storey building whose every floor pays its own amount still
	// fits on the page; floors that pay the same share a bar
	tall := &engine.Project{ID: 8, Name: "云栖花园1幢", Address: "云栖路1号", Floors: 33}
	coefficients := []string{`{"floors":"1-2","value":"0"}`}
	for f := 1; f <= 33; f++ {
		for k := 1; k <= 4; k++ {
			tall.Households = append(tall.Households, engine.Household{ID: int64(f*10 + k), Room: fmt.Sprintf("%d%02d", f, k), Floor: f, Area: engine.Area(8900 + k*100)})
		}
		if f >= 3 {
			coefficients = append(coefficients, fmt.Sprintf(`{"floors":"%d","value":"%d.%02d"}`, f, 1+f/30, f%30*3))
		}
	}
	in, res2, err := engine.ComputeScenario(tall, []byte(`{"costs":[{"name":"电梯","amount":"1200000"}],"allocation":{"method":"coefficient","coefficients":[`+
		strings.Join(coefficients, ",")+`]}}`))
	if err != nil {
		t.Fatal(err)
	}
	c2 := &engine.Card{Project: tall, Scenario: c.Scenario, Input: in, Result: res2, Stages: c.Stages, SummaryURL: c.SummaryURL, Printed: c.Printed}
	path = writePDF(t, "card-tall.pdf", func(b *bytes.Buffer) error { return r.Card(b, c2) })
	if n := pageCount(t, path); n != 1 {
		t.Errorf("the 33-storey card has %d pages, want 1", n)
	}
	if flat := strings.Join(strings.Fields(run(t, "pdftotext", "-layout", path, "-")), ""); !strings.Contains(flat, "33层（4户）") || !strings.Contains(flat, "3层（4户）") ||
		!strings.Contains(flat, "1–2层（8户）不出资") || !strings.Contains(flat, "请找社区居民委员会") {
		t.Errorf("the tall card lacks its top floor or the default contact:\n%s", flat)
	}
}

func demoBallots(t testing.TB) *engine.PaperBallots {
	p, sc, _, res := demo(t)
	major, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	return &engine.PaperBallots{Project: p, Scenario: sc, Result: res, RuleText: major.Describe(), Deadline: time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC),
		FormURL: func(hid int64) string {
			return fmt.Sprintf("https://renovote.example/console/projects/7?paper=%d#paper", hid)
		},
		Printed: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
}

// TestBallots: one 表决票 per household, two to a page in room order,
// owners masked, the plan's short code (no hash), a must-consent
// household told why and what it receives, three empty boxes of 10 mm
// on each, and QR codes that open each household's paper-decision form.
func TestBallots(t *testing.T) {
	poppler(t)
	r := renderer(t)
	b := demoBallots(t)
	path := writePDF(t, "ballots.pdf", func(buf *bytes.Buffer) error { return r.Ballots(buf, b) })
	if n := pageCount(t, path); n != 6 {
		t.Fatalf("%d pages for 12 households, want 6", n)
	}
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.Join(strings.Fields(text), "")
	if n := strings.Count(flat, "幸福里小区3号楼2单元加装电梯表决票"); n != 12 {
		t.Errorf("%d ballots, want 12", n)
	}
	if strings.Contains(flat, b.Scenario.SHA256) || strings.Contains(flat, "SHA") || strings.Contains(flat, "指纹") || strings.Contains(flat, "最大余数法") {
		t.Errorf("resident paper prints a hash, a fingerprint or the rounding method")
	}
	if n := strings.Count(flat, "方案核验码"+b.Scenario.SHA256[:12]); n < 12 {
		t.Errorf("the short code is on %d ballots, want 12", n)
	}
	// 101 and 102 (floor 1) must consent: each is told why and what it receives
	if n := strings.Count(flat, "本户须本人同意：加装电梯施工需占用本户专有部分"); n != 2 {
		t.Errorf("%d ballots explain a must-consent household, want 2", n)
	}
	if !strings.Contains(flat, "本户获得补偿5,000.00元（人民币伍仟元整），按协议支付，本户不需出资。") {
		t.Errorf("a must-consent ballot does not say what the household receives")
	}
	if n := strings.Count(flat, "见证人（工作人员）："); n != 12 {
		t.Errorf("%d ballots have the witness's line, want 12", n)
	}
	for _, want := range []string{"房号501室5层专有面积68.50㎡业主周*兰", "本户应出资20,648.27元", "业主（或代理人）签名：", "沿虚线剪开",
		"工作人员扫码录入", "三分之二以上", "截止2026年12月31日18:00（北京时间）"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the ballots lack %q", want)
		}
	}
	for _, h := range b.Project.Households {
		if strings.Contains(text, h.OwnerName) {
			t.Errorf("%s's owner is printed in full", h.Room)
		}
	}
	if strings.Index(flat, "房号101室") > strings.Index(flat, "房号602室") {
		t.Error("ballots are not in room order")
	}
	golden(t, "ballots-12.txt", text)
	if got := tickedVotes(t, path); len(got) != 0 {
		t.Errorf("blank ballots have ticks in %v", got)
	}
	// page 1 holds 101 and 102: each QR opens its household's form
	var want []string
	for _, h := range b.Project.Households[:2] {
		want = append(want, b.FormURL(h.ID))
	}
	got := qrCodes(t, path, 1)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("page 1's QR codes read %v, want %v", got, want)
	}
}

// inkAt checks a printed document the way a reader sees it: its font is
// embedded, and each of words (the first word on its page starting so)
// has dark pixels in the box poppler gives for it — a glyph the font
// lacks would be read back by pdftotext yet print blank.
func inkAt(t *testing.T, path string, words ...string) {
	t.Helper()
	if fonts := run(t, "pdffonts", path); !strings.Contains(fonts, "CID TrueType") || !strings.Contains(fonts, " yes ") {
		t.Errorf("%s: the font is not embedded:\n%s", filepath.Base(path), fonts)
	}
	dir := t.TempDir()
	left := slices.Clone(words)
	for p := 1; p <= pageCount(t, path) && len(left) > 0; p++ {
		page := strconv.Itoa(p)
		run(t, "pdftotext", "-f", page, "-l", page, "-bbox", path, filepath.Join(dir, "bbox.html"))
		var img *image.Gray
		for _, w := range readBBoxes(t, filepath.Join(dir, "bbox.html")) {
			i := slices.IndexFunc(left, func(s string) bool { return strings.HasPrefix(w.Text, s) })
			if i < 0 {
				continue
			}
			if img == nil {
				run(t, "pdftoppm", "-f", page, "-l", page, "-r", "100", "-gray", "-singlefile", path, filepath.Join(dir, "page"))
				img = readPGM(t, filepath.Join(dir, "page.pgm"))
			}
			ink := 0
			for y := int(w.YMin * 100 / 72); y <= int(w.YMax*100/72); y++ {
				for x := int(w.XMin * 100 / 72); x <= int(w.XMax*100/72); x++ {
					if img.GrayAt(x, y).Y < 128 {
						ink++
					}
				}
			}
			if ink < 5*len([]rune(left[i])) {
				t.Errorf("%s: %q renders blank (%d dark pixels in its box)", filepath.Base(path), w.Text, ink)
			}
			left = slices.Delete(left, i, i+1)
		}
	}
	if len(left) > 0 {
		t.Errorf("%s: words not found: %q", filepath.Base(path), left)
	}
}

// TestEveryDocumentHasInk runs inkAt over each document of the paper
// set, with words from its labels and its data.
func TestEveryDocumentHasInk(t *testing.T) {
	poppler(t)
	r := renderer(t)
	p, sc, in, res := demo(t)
	rule, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	printed := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	docs := []struct {
		name   string
		render func(*bytes.Buffer) error
		words  []string
	}{
		{"card", func(b *bytes.Buffer) error { return r.Card(b, demoCard(t)) }, []string{"幸福里小区3号楼2单元", "政府补贴", "250,000.00", "王专干（电话"}},
		{"ballots", func(b *bytes.Buffer) error { return r.Ballots(b, demoBallots(t)) }, []string{"同意", "不同意", "弃权", "周*兰", "20,648.27"}},
		{"agreement", func(b *bytes.Buffer) error { return r.Agreement(b, demoAgreement(t, "501", true)) }, []string{"幸福里社区居民委员会", "第十条", "共有人签名："}},
		{"signin", func(b *bytes.Buffer) error { return r.SignIn(b, &engine.SignInSheet{Project: p, Printed: printed}) }, []string{"签到时间", "周*兰"}},
		{"notice", func(b *bytes.Buffer) error {
			return r.Notice(b, &Notice{Project: p, Scenario: sc, Input: in, Result: res, Rule: rule, RuleText: rule.Describe(), Published: printed,
				Deadline: printed.Add(72 * time.Hour), Printed: printed, Days: 10, SummaryURL: "https://renovote.example/p/7",
				Contact: engine.Contact{Name: "王专干", Phone: "0571-87654321"}})
		}, []string{"加装电梯出资方案公示", "周*兰", "王专干"}},
		{"survey", func(b *bytes.Buffer) error { return r.SurveyReport(b, demoSurvey(t)) }, []string{"综合得分：每户排第1位", "增设电梯"}},
	}
	for _, d := range docs {
		t.Run(d.name, func(t *testing.T) { inkAt(t, writePDF(t, d.name+".pdf", d.render), d.words...) })
	}
}

// demoSurvey is the priorities questionnaire's results as printed.
func demoSurvey(t testing.TB) *engine.SurveyReport {
	data, err := fixtures.FS.ReadFile("survey/priorities.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := engine.ParseSurveyInput(data)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, _ := demo(t)
	return &engine.SurveyReport{Project: p, Title: "改造意愿问卷结果", Questions: in.Questions, Result: engine.Survey(in), Answered: len(in.Answers),
		Households: len(p.Households), Deadline: time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC), Printed: time.Date(2026, 12, 21, 2, 0, 0, 0, time.UTC)}
}

// TestSurveyReportText: the results PDF says 综合得分 and how it is
// counted, and keeps its golden text.
func TestSurveyReportText(t *testing.T) {
	poppler(t)
	r := renderer(t)
	path := writePDF(t, "survey.pdf", func(b *bytes.Buffer) error { return r.SurveyReport(b, demoSurvey(t)) })
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"改造意愿问卷结果", "综合得分：每户排第1位的一项得n－1分", "回收率", "满意率"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the results lack %q", want)
		}
	}
	if strings.Contains(flat, "博尔达") || strings.Contains(flat, "希望尽快施工") {
		t.Error("the results name the method's jargon or print a free text")
	}
	golden(t, "survey-priorities.txt", text)
}

// TestMoneyPaper: the 收据, the 收支公示 and the progress 公示 keep their
// golden text, print ink, and their QR codes read as the verification
// and public pages.
func TestMoneyPaper(t *testing.T) {
	poppler(t)
	r := renderer(t)
	rc, st, pg := demoMoneyPaper(t)
	public := st.PublicURL
	for _, d := range []struct {
		name   string
		render func(*bytes.Buffer) error
		want   []string
		words  []string
		qr     string
	}{
		{"receipt", func(b *bytes.Buffer) error { return r.Receipt(b, rc) },
			[]string{"收据", "SK-2027-0001", "￥6,494.48", "人民币陆仟肆佰玖拾肆元肆角捌分", "所缴期次首付款（付清）、第1期（部分）", "转账", "王专干",
				"20461-R7K2M-9XD4H", "第一联存根", "第二联收据（交款人收执）", "沿虚线剪开", "收款单位幸福里社区居民委员会", "收款单位（财务专用章）",
				"收款人：王专干", "复核：", "交款人：", "2027年1月1日", "本次后尚欠14,153.79元", "存证第12条·7c01d2e3f4a5"},
			[]string{"编号：SK-2027-0001", "人民币陆仟肆佰玖拾肆元肆角捌分", "第一联", "第二联", "收款单位（财务专用章）", "收款人："}, rc.VerifyURL},
		{"statement", func(b *bytes.Buffer) error { return r.Statement(b, st) },
			[]string{"资金收支公示", "居民出资", "61,944.48", "政府补贴", "200,000.00", "某电梯工程有限公司", "结余141,944.48元",
				"四、居民出资收缴情况", "已缴清户数", "298,055.52", "已到期未缴15,481.17元", "五、结余", "经办：", "审核：", "发布单位：幸福里社区居民委员会（盖章）"},
			[]string{"资金收支公示", "某电梯工程有限公司"}, public},
		{"progress", func(b *bytes.Buffer) error { return r.ProgressReport(b, pg) },
			[]string{"工程进展公示", "主体完工", "检查3次", "监督小组：陈*国（居民代表）、王*干（社区）", "井道脚手架未设防护网", "2027-02-25已逾期", "2027-03-04整改中",
				"回访评价1份，满意率100.00%（目标90.00%）", "应出资8户，已缴清1户，逾期1户", "满意度问卷评分4份，其中4分及以上2份（50.00%），单独统计，不计入上述回访满意率", "经办：", "审核：", "发布单位：幸福里社区居民委员会（盖章）"},
			[]string{"工程进展公示", "主体完工"}, public},
	} {
		t.Run(d.name, func(t *testing.T) {
			path := writePDF(t, d.name+".pdf", d.render)
			text := run(t, "pdftotext", "-layout", path, "-")
			flat := strings.Join(strings.Fields(text), "")
			for _, w := range d.want {
				if !strings.Contains(flat, w) {
					t.Errorf("the %s lacks %q", d.name, w)
				}
			}
			for _, h := range st.Project.Households {
				if d.name != "receipt" && (strings.Contains(text, h.OwnerName) || strings.Contains(text, h.Phone)) {
					t.Errorf("the %s names %s's owner or phone", d.name, h.Room)
				}
			}
			if d.name == "progress" && (strings.Contains(flat, "13900001111") || strings.Contains(flat, "陈建国") || strings.Contains(flat, "60.00%")) {
				t.Errorf("the progress 公示 prints a supervisor's phone or full name, or a mixed satisfaction rate")
			}
			inkAt(t, path, d.words...)
			inMargins(t, path)
			if got := qrCodes(t, path, pageCount(t, path)); !slices.Contains(got, d.qr) {
				t.Errorf("the %s's QR codes read %v, want %s", d.name, got, d.qr)
			}
			golden(t, d.name+".txt", text)
		})
	}
}

// demoReceipt is 501's first payment: the down payment and part of the
// first installment, recorded by 王专干 (event 12 of the chain).
func demoReceipt(t testing.TB) *Receipt {
	p, _, in, res := demo(t)
	h := p.Households[8] // 501
	p.Terms = engine.Terms{PartyA: "幸福里社区3号楼2单元加装电梯业主代表小组", AccountName: "幸福里社区居民委员会"}
	var row engine.HouseholdShare
	for _, r := range res.Households {
		if r.Room == h.Room {
			row = r
		}
	}
	pay := &engine.Payment{ID: 5, ProjectID: p.ID, HouseholdID: h.ID, Kind: engine.PaymentIn, Amount: 619448 + 30000, Day: "2027-01-01",
		Method: "转账", Note: "首付", ReceiptNo: "SK-2027-0001", Code: "20461-R7K2M-9XD4H", CreatedAt: time.Date(2027, 1, 1, 2, 0, 0, 0, time.UTC)}
	rc := &Receipt{Project: p, Household: h, Recorder: "王专干", Payee: p.Terms.AccountName, VerifyURL: "https://renovote.example/verify/20461-R7K2M-9XD4H",
		Anchor: engine.Anchor{Seq: 12, Hash: "7c01d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445"}, KeyFingerprint: testKey,
		Printed: pay.CreatedAt, Payment: pay}
	rc.Dues = engine.DuesOf(row, in.Installments, engine.DateOf(time.Date(2026, 12, 31, 0, 0, 0, 0, engine.Beijing)))
	rc.Covers, rc.Owed = engine.ReceiptStanding(rc.Dues, []*engine.Payment{pay}, pay)
	return rc
}

// inMargins: nothing on any page of the PDF at path is drawn past the
// side margins (tables included), read from pdftotext's word boxes.
func inMargins(t *testing.T, path string) {
	t.Helper()
	box := run(t, "pdftotext", "-bbox", path, "-")
	re := regexp.MustCompile(`xMin="([0-9.]+)" yMin="[0-9.]+" xMax="([0-9.]+)"`)
	const mmToPt = 72 / 25.4
	for _, m := range re.FindAllStringSubmatch(box, -1) {
		lo, _ := strconv.ParseFloat(m[1], 64)
		hi, _ := strconv.ParseFloat(m[2], 64)
		if lo < (margin-0.5)*mmToPt || hi > (pageW-margin+0.5)*mmToPt {
			t.Errorf("text at x %.1f–%.1f pt is outside the margins (%.1f–%.1f pt)", lo, hi, margin*mmToPt, (pageW-margin)*mmToPt)
			return
		}
	}
}

// demoMoneyPaper is the demo building's 收据, 收支公示 and progress 公示.
func demoMoneyPaper(t testing.TB) (*Receipt, *Statement, *ProgressReport) {
	p, _, _, _ := demo(t)
	printed := time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)
	public := "https://renovote.example/p/q7Xv2KdM9sLw"
	rc := demoReceipt(t)
	st := &Statement{Project: p, Budget: 60000000, In: 26194448, Out: 12000000, Balance: 14194448, Printed: printed, PublicURL: public,
		Anchor: testAnchor, KeyFingerprint: testKey, BySource: map[string]engine.Fen{"居民出资": 6194448, "政府补贴": 20000000},
		Incomes: []engine.StatementLine{{Day: "2027-01-01", Source: "居民出资", What: "首付（12户）", Amount: 6194448},
			{Day: "2027-02-10", Source: "政府补贴", What: "市级财政补贴", Amount: 20000000}},
		Expenses:   []engine.StatementLine{{Day: "2027-02-20", Source: "某电梯工程有限公司", What: "设备预付款", Amount: 12000000}},
		Collection: &engine.Collection{Due: 36000000, Paid: 6194448, Outstanding: 29805552, Overdue: 1548117, Households: 8, HouseholdsPaid: 1, HouseholdsOverdue: 1}}
	var stages []engine.Stage
	for i, name := range engine.DefaultStages {
		s := engine.Stage{Name: name, Planned: time.Date(2027, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}
		if i < 4 {
			s.Actual = s.Planned
		}
		stages = append(stages, s)
	}
	p.Terms.PartyA = "幸福里社区居民委员会"
	pg := &ProgressReport{Project: p, Printed: printed, PublicURL: public, Anchor: testAnchor, KeyFingerprint: testKey,
		Supervisors: []engine.Supervisor{{Name: "陈建国", Role: "居民代表", Phone: "13900001111"}, {Name: "王专干", Role: "社区"}},
		Collection:  st.Collection,
		OpenIssues:  []engine.OpenIssue{{Raised: "2027-02-18", Text: "井道脚手架未设防护网", Due: "2027-02-25"}, {Raised: "2027-02-25", Text: "夜间施工噪音", Due: "2027-03-04"}},
		Progress: &engine.Progress{Stages: stages, Inspections: engine.InspectionFigures{Count: 3, Last: "2027-02-25", OpenIssues: 2},
			Feedback: engine.FeedbackFigures{Received: 5, AnsweredWithin3Days: 4, Closed: 4, Ratings: 1, Rated: 1, SatisfactionRate: 10000, Satisfaction: "100.00%", SatisfactionGoal: 9000,
				Survey: engine.SurveyRatings{Answers: 4, Satisfied: 2, Rate: 5000, Satisfaction: "50.00%"}},
			Money: engine.MoneyFigures{Budget: 60000000, Received: 26194448, Spent: 12000000}}}
	return rc, st, pg
}

// TestAddressesStayWhole: a link made of the widest letters still prints
// on one line in large type (it is set smaller rather than broken: one
// random token in forty wrapped), and reads back whole.
func TestAddressesStayWhole(t *testing.T) {
	poppler(t)
	r := renderer(t)
	p, sc, _, _ := demo(t)
	wide := "https://renovote.example/s/" + strings.Repeat("W", 43)
	sheet := &engine.SlipSheet{Project: p, Scenario: sc, Deadline: time.Date(2026, 12, 31, 9, 0, 0, 0, time.UTC), Large: true,
		Slips:   []engine.Slip{{Room: "601", Floor: 6, Owner: "徐*芳", Due: 4846399, URL: wide, QR: wide + "?size=large"}},
		Printed: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
	path := writePDF(t, "slips-wide.pdf", func(buf *bytes.Buffer) error { return r.Slips(buf, sheet) })
	lines := strings.Split(run(t, "pdftotext", "-layout", path, "-"), "\n")
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.TrimSpace(l) == wide }) {
		t.Errorf("the address is not one whole line:\n%s", strings.Join(lines, "\n"))
	}
}
