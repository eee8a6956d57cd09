package pdf

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/golden")

// poppler finds pdftotext/pdftoppm/pdffonts, or skips (fails when
// RENOVOTE_TEST_REQUIRE names poppler).
func poppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdftoppm", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Unavailable(t, "poppler", tool+" not found (apt-get install poppler-utils)")
		}
	}
}

var keep = flag.String("keep", "", "also write every PDF the tests print into this directory")

func writePDF(t *testing.T, name string, render func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if *keep != "" { // to look at: go test ./pdf -keep /tmp/pdfs
		os.WriteFile(filepath.Join(*keep, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name), buf.Bytes(), 0o644)
	}
	return path
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "fixtures", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./pdf -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (review, then go test ./pdf -update)\n--- got\n%s", name, got)
	}
}

func TestAgreementText(t *testing.T) {
	poppler(t)
	r := renderer(t)
	signed := demoAgreement(t, "501", true)
	path := writePDF(t, "a.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, signed) })
	text := run(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{
		"幸福里小区3号楼2单元加装电梯出资分摊协议书", "周淑兰", "138****0008", "600,000.00", "人民币陆拾万元整",
		"20,648.27", "人民币贰万零陆佰肆拾捌元贰角柒分", "6,194.48", "2027-02-01", "688.28", "20461-7KQ2M-9XD4H",
		"b9cbd83d37daeed28f908b78d4160cd94108596efadfa67d1c37b653c213ae64", "第1页共4页", "第4页共4页", "四分之三",
		"甲方幸福里社区3号楼2单元加装电梯业主代表小组", "甲方代表人李建国", "乙方本单元501室业主周淑兰", "收款户名幸福里社区居民委员会",
		"开户银行中国工商银行杭州幸福路支行", "账号120202100900", "不交给任何个人", "全额退还", "重新表决同意后", "未按期付款", "催告",
		"使用管理单位", "使用登记", "维保合同", "街道调解", "人民法院", "共有人签名", "甲方（盖章）", "第十条",
		"Σ(系数×面积)", "出资户按出资比例共有", "补交", "不得阻挠施工", "随房屋一并转移", "一式三份", "（以下无正文）",
		"存证第57条·3f9a1c2b7d4e",
	} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the agreement lacks %q", want)
		}
	}
	if strings.Contains(text, "13800130008") || strings.Contains(text, "身份证号") {
		t.Error("the household's own copy prints the full phone number or the blanks of the contract copy")
	}
	golden(t, "agreement-501.txt", text)
	if !strings.Contains(strings.Join(strings.Fields(text), ""), "自本单元表决最终结果公告之日起生效") {
		t.Error("the agreement does not say it takes effect at the final result")
	}
	signatureWithLastClause(t, path)
	if got := tickedVotes(t, path); !slices.Equal(got, []string{"同意"}) {
		t.Errorf("ticked boxes = %v, want [同意]", got)
	}
	blank := demoAgreement(t, "101", false)
	path = writePDF(t, "b.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, blank) })
	text = run(t, "pdftotext", "-layout", path, "-")
	for _, want := range []string{"幸福里小区3号楼2单元加装电梯占用与补偿协议书", "乙方（业主）签名：", "共有人签名：", "甲方（盖章）：",
		"见证人（工作人员）：", "尚未签署", "方案核验码：b9cbd83d37da", "补偿款支付", "甲方于______年____月____日前向本户支付5,000.00元",
		"本户不分摊建设费用（按本方案，本户所在楼层不分摊）", "甲方________", "加装电梯须经本户同意", "不得阻挠施工", "一式三份", "（以下无正文）"} {
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), want) {
			t.Errorf("the unsigned agreement lacks %q", want)
		}
	}
	for _, unwanted := range []string{"收款户名", "未按期付款", "应于电梯开工前一次付清", "全额退还", "竣工结算", "出资分摊协议书", "每年约", "转让前已到期未付"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the agreement of a household that pays nothing says %q", unwanted)
		}
	}
	if got := tickedVotes(t, path); len(got) != 0 {
		t.Errorf("the unsigned copy has ticks in %v", got)
	}
	golden(t, "agreement-101-unsigned.txt", text)
	signatureWithLastClause(t, path)
	fonts := run(t, "pdffonts", path)
	if !strings.Contains(fonts, "CID TrueType") || !strings.Contains(fonts, "yes yes") && !strings.Contains(fonts, " yes ") {
		t.Errorf("the font is not embedded:\n%s", fonts)
	}
}

// TestAgreementContractCopy: the worker's copy to sign on paper prints
// the owner's phone in full and blanks for 身份证号 and 不动产权证号.
func TestAgreementContractCopy(t *testing.T) {
	poppler(t)
	r := renderer(t)
	a := demoAgreement(t, "501", false)
	a.Contract = true
	// printed after the final result: it says when it took effect
	final := time.Date(2027, 3, 9, 10, 0, 0, 0, engine.Beijing)
	a.Final = &engine.BallotResult{FinalizedAt: &final, Passed: true}
	path := writePDF(t, "contract.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, a) })
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"周淑兰（电话13800130008）", "身份证号____", "不动产权证号____", "出资分摊协议书", "全额退还", "存证第57条",
		"自本单元表决最终结果公告之日（2027年3月9日）起生效"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the contract copy lacks %q", want)
		}
	}
	golden(t, "agreement-501-contract.txt", text)
	signatureWithLastClause(t, path)
	for p := 1; p <= pageCount(t, path); p++ {
		if !seamAt(t, path, p) {
			t.Errorf("page %d of the contract has no space for the 骑缝章", p)
		}
	}
	inkAt(t, path, "13800130008）", "身份证号", "不动产权证号")
}

// agreementFooter is an agreement page's footer: the plan's short code and the room.
var agreementFooter = regexp.MustCompile(`方案指纹[0-9a-f]{12}房号`)

// seamAt says whether page p of path has the 骑缝章 space: the right edge
// at the page's middle (in points) holds only its label.
func seamAt(t *testing.T, path string, p int) bool {
	t.Helper()
	page := strconv.Itoa(p)
	edge := run(t, "pdftotext", "-f", page, "-l", page, "-x", "560", "-y", "390", "-W", "35", "-H", "60", path, "-")
	return strings.Join(strings.Fields(edge), "") == "骑缝章"
}

// signatureWithLastClause: the page with the signatures also holds the
// last clause and "（以下无正文）" — a signature page never stands alone.
func signatureWithLastClause(t *testing.T, path string) {
	t.Helper()
	for p := 1; p <= pageCount(t, path); p++ {
		page := strconv.Itoa(p)
		text := strings.Join(strings.Fields(run(t, "pdftotext", "-f", page, "-l", page, path, "-")), "")
		if !strings.Contains(text, "表决与签署") {
			continue
		}
		if !strings.Contains(text, "一式三份") || !strings.Contains(text, "（以下无正文）") {
			t.Errorf("page %d has the signatures without the last clause:\n%s", p, text)
		}
		return
	}
	t.Error("no page has the signatures")
}

func TestSameRecordSameBytes(t *testing.T) {
	r := renderer(t)
	var a, b bytes.Buffer
	if err := r.Agreement(&a, demoAgreement(t, "501", true)); err != nil {
		t.Fatal(err)
	}
	if err := r.Agreement(&b, demoAgreement(t, "501", true)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same agreement printed twice differs")
	}
}

// TestGlyphsRender renders page 1 and checks that the boxes poppler gives
// for a number and for Chinese words hold ink: a missing glyph is blank,
// and pdftotext would still read it.
func TestGlyphsRender(t *testing.T) {
	poppler(t)
	r := renderer(t)
	path := writePDF(t, "a.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, demoAgreement(t, "501", true)) })
	dir := filepath.Dir(path)
	run(t, "pdftotext", "-f", "1", "-l", "1", "-bbox", path, filepath.Join(dir, "bbox.html"))
	run(t, "pdftoppm", "-f", "1", "-l", "1", "-r", "100", "-gray", "-singlefile", path, filepath.Join(dir, "page"))
	img := readPGM(t, filepath.Join(dir, "page.pgm"))
	words := readBBoxes(t, filepath.Join(dir, "bbox.html"))
	checked := 0
	for _, w := range words {
		if w.Text != "600,000.00" && w.Text != "人民币陆拾万元整" && w.Text != "周淑兰（电话" && w.Text != "幸福路88号" {
			continue
		}
		ink := 0
		x0, y0, x1, y1 := int(w.XMin*100/72), int(w.YMin*100/72), int(w.XMax*100/72), int(w.YMax*100/72)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				if img.GrayAt(x, y).Y < 128 {
					ink++
				}
			}
		}
		if ink < 20 {
			t.Errorf("%q renders blank (%d dark pixels in its box)", w.Text, ink)
		}
		checked++
	}
	if checked < 4 {
		t.Fatalf("found only %d of the 4 words to check in %v", checked, len(words))
	}
}

// tickedVotes finds every large 同意 / 不同意 / 弃权 label of the PDF
// and says which of the boxes left of them (7 mm at 14 pt, 10 mm at
// 18 pt) hold ink inside their border (a tick); it fails unless every
// label has its box.
func tickedVotes(t *testing.T, path string) []string {
	t.Helper()
	dir := t.TempDir()
	var ticked []string
	found := 0
	for p := 1; p <= pageCount(t, path); p++ {
		page := strconv.Itoa(p)
		run(t, "pdftotext", "-f", page, "-l", page, "-bbox", path, filepath.Join(dir, "bbox.html"))
		var labels []bboxWord
		for _, w := range readBBoxes(t, filepath.Join(dir, "bbox.html")) {
			if (w.Text == "同意" || w.Text == "不同意" || w.Text == "弃权") && w.YMax-w.YMin > 12 {
				labels = append(labels, w)
			}
		}
		if len(labels) == 0 {
			continue
		}
		if len(labels)%3 != 0 {
			t.Fatalf("page %d has %d vote labels, want three to a vote", p, len(labels))
		}
		found += len(labels)
		const dpi = 100.0
		run(t, "pdftoppm", "-f", page, "-l", page, "-r", "100", "-gray", "-singlefile", path, filepath.Join(dir, "page"))
		img := readPGM(t, filepath.Join(dir, "page.pgm"))
		mm := dpi / 25.4
		for _, w := range labels {
			box := 7.0
			if w.YMax-w.YMin > 19 {
				box = 10
			}
			// the box's right edge is 2 mm (+ the cell's margin) left of the label
			right := w.XMin*dpi/72 - 3*mm
			cy := (w.YMin + w.YMax) / 2 * dpi / 72
			border, inside := 0, 0
			for y := int(cy - (box/2+1)*mm); y <= int(cy+(box/2+1)*mm); y++ {
				for x := int(right - (box+1)*mm); x <= int(right+0.5*mm); x++ {
					if img.GrayAt(x, y).Y >= 128 {
						continue
					}
					if float64(x) > right-(box-1.2)*mm && float64(x) < right-1.2*mm && float64(y) > cy-(box/2-1.2)*mm && float64(y) < cy+(box/2-1.2)*mm {
						inside++
					} else {
						border++
					}
				}
			}
			if border < int(4*box*mm) { // four sides
				t.Errorf("page %d: no %g mm box left of %q (%d dark pixels around it)", p, box, w.Text, border)
			}
			if inside > 10 {
				ticked = append(ticked, w.Text)
			}
		}
	}
	if found == 0 {
		t.Fatal("no vote boxes found")
	}
	return ticked
}

type bboxWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

func readBBoxes(t *testing.T, path string) []bboxWord {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var words []bboxWord
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "word" {
			var w bboxWord
			if err := dec.DecodeElement(&w, &se); err == nil {
				words = append(words, w)
			}
		}
	}
	return words
}

// readPGM reads the binary greyscale image pdftoppm -gray writes.
func readPGM(t *testing.T, path string) *image.Gray {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w, h, maxv int
	var magic string
	n, err := fmt.Sscan(string(data), &magic, &w, &h, &maxv)
	if err != nil || n != 4 || magic != "P5" {
		t.Fatalf("not a PGM: %v", err)
	}
	fields := 0
	i := 0
	for ; i < len(data) && fields < 4; i++ { // skip the header's four fields
		if data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r' {
			if i > 0 && !(data[i-1] == ' ' || data[i-1] == '\n' || data[i-1] == '\t' || data[i-1] == '\r') {
				fields++
			}
		}
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, data[i:])
	return img
}

func TestBookletAndNoticeText(t *testing.T) {
	poppler(t)
	r := renderer(t)
	bk := bigBooklet(t, 12)
	bk.Agreements[2].Decision.SignerName = "林晓东" // someone other than the owner signed 301's
	path := writePDF(t, "booklet.pdf", func(b *bytes.Buffer) error { return r.Booklet(b, bk) })
	text := run(t, "pdftotext", "-layout", path, "-")
	// the agreements' pages carry the 骑缝章 space, the meeting's own do not
	for p, n := 1, pageCount(t, path); p <= n; p++ {
		page := strings.Join(strings.Fields(run(t, "pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-")), "")
		if agreement := agreementFooter.MatchString(page); agreement != seamAt(t, path, p) {
			t.Errorf("booklet page %d: agreement %v, 骑缝章 space %v", p, agreement, !agreement)
		}
	}
	for _, want := range []string{"本单元业主会议材料", "各楼层出资", "表决情况", "参与表决的专有面积", "未达到", "达到", "审计日志校验通过",
		"手机签署", "ABCDE-00000", "幸福里小区（大楼）加装电梯出资分摊协议书", "签署人", "计票人：", "监票人："} {
		if !strings.Contains(text, want) {
			t.Errorf("the booklet lacks %q", want)
		}
	}
	flatBooklet := strings.Join(strings.Fields(text), "")
	if strings.Contains(text, "业主大会会议") || !strings.Contains(flatBooklet, "▲林*东（非登记业主）") || strings.Count(flatBooklet, "▲") != 2 {
		t.Errorf("the booklet should flag 301's signer (and only it) and never say 业主大会")
	}
	if strings.Index(text, "房号 101") > strings.Index(text, "房号 201") {
		t.Error("agreements are not in room order")
	}
	golden(t, "booklet-12.txt", text)

	p, sc, in, res := demo(t)
	n := &Notice{Project: p, Scenario: sc, Input: in, Result: res, Rule: bk.Rule, RuleText: bk.Rule.Describe(),
		Published: *sc.PublishedAt, Deadline: bk.Agreements[0].Deadline, Printed: time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), Days: 10,
		SummaryURL: "https://renovote.example/p/7", Contact: engine.Contact{Name: "王专干", Phone: "0571-87654321", Office: "幸福里社区居委会二楼"},
		Anchor: testAnchor, KeyFingerprint: testKey}
	path = writePDF(t, "notice.pdf", func(b *bytes.Buffer) error { return r.Notice(b, n) })
	if pages := strings.Join(strings.Fields(run(t, "pdfinfo", path)), " "); !strings.Contains(pages, "Pages: 1 ") {
		t.Errorf("the notice of 12 households should fit one page:\n%s", pages)
	}
	text = run(t, "pdftotext", "-layout", path, "-")
	flatNotice := strings.Join(strings.Fields(text), "")
	// 17:00 UTC on 29 November is 30 November in Beijing, the day it is
	// posted: the ten whole days run from 1 December (民法典 第二百零一条)
	for _, want := range []string{"公示", "人民币陆拾万元整", "62,832.37", "由其他出资户按同一规则分担", "合计等于分摊总额", "于2026年11月30日张贴，公示期自2026年12月1日起至2026年12月10日止，共10日", "各户出资",
		"周*兰", "向王专干（电话0571-87654321）", "（2026年12月10日17:00前）", "逾期未提出异议的，视为无异议", "5个工作日内书面答复", "街道办事处",
		"发布单位：______________________（盖章）", "发布日期：2026年11月30日", "https://renovote.example/p/7"} {
		if !strings.Contains(flatNotice, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the notice lacks %q", want)
		}
	}
	if strings.Contains(text, "截至打印时") || strings.Contains(text, "13800130008") {
		t.Errorf("the notice prints a live count or a phone number")
	}
	for _, h := range p.Households {
		if strings.Contains(text, h.OwnerName) {
			t.Errorf("the notice names %s", h.OwnerName)
		}
	}
	// 501 is relieved: the table shows what it bears before relief, as for
	// every household, and the relief only as a total
	if strings.Contains(flatNotice, "周*兰20,648.27") || !strings.Contains(flatNotice, "周*兰41,296.54") || !strings.Contains(flatNotice, "困难户减免合计20,648.27元") {
		t.Errorf("the notice singles out the relieved household or hides the relief total")
	}
	golden(t, "notice.txt", text)
	// with the plan's 甲方 set, it is the issuer
	n.Project.Terms.PartyA = "幸福里社区居民委员会"
	path = writePDF(t, "notice-issuer.pdf", func(b *bytes.Buffer) error { return r.Notice(b, n) })
	if flat := strings.Join(strings.Fields(run(t, "pdftotext", path, "-")), ""); !strings.Contains(flat, "发布单位：幸福里社区居民委员会（盖章）") {
		t.Errorf("the notice does not name its issuer:\n%s", flat)
	}
}

// TestLongNoticeKeepsSentences: a notice too long for one page breaks
// between paragraphs, never inside one (each sentence reads whole on one
// page), and the issuer's lines stay together.
func TestLongNoticeKeepsSentences(t *testing.T) {
	poppler(t)
	r := renderer(t)
	bk := bigBooklet(t, 72)
	a := bk.Agreements[0]
	n := &Notice{Project: a.Project, Scenario: a.Scenario, Input: a.Input, Result: a.Result, Rule: bk.Rule, RuleText: a.RuleText,
		Deadline: a.Deadline, Printed: time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), Days: 10, SummaryURL: "https://renovote.example/p/7"}
	path := writePDF(t, "notice-72.pdf", func(b *bytes.Buffer) error { return r.Notice(b, n) })
	pages := pageCount(t, path)
	if pages < 2 {
		t.Fatalf("72 households on %d page", pages)
	}
	var texts []string
	for i := 1; i <= pages; i++ {
		p := strconv.Itoa(i)
		texts = append(texts, strings.Join(strings.Fields(run(t, "pdftotext", "-f", p, "-l", p, path, "-")), ""))
	}
	for _, whole := range []string{"通过条件：按《民法典》第二百七十八条", "对方案有异议的，请于公示期内", "社区居民委员会自收到异议之日起5个工作日内书面答复异议人，并将处理结果（不含个人信息）在本公示栏公布。对答复仍有异议的，可向所在街道办事处反映。",
		"公示期满，逾期未提出异议的，视为无异议。", "发布单位：______________________（盖章）发布日期：2026年11月30日"} {
		on := 0
		for _, text := range texts {
			if strings.Contains(text, whole) {
				on++
			}
		}
		if on != 1 {
			t.Errorf("%q reads whole on %d pages, want 1", whole, on)
		}
	}
}

func TestBooklet500(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 500 agreements")
	}
	var buf bytes.Buffer
	if err := renderer(t).Booklet(&buf, bigBooklet(t, 500)); err != nil {
		t.Fatal(err)
	}
	if pages := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); pages < 1000 {
		t.Fatalf("%d pages for 500 households", pages)
	}
}

func TestUnprintableNeverPanics(t *testing.T) {
	r := renderer(t)
	a := demoAgreement(t, "501", true)
	a.Household.OwnerName = "𠮷野" // above U+FFFF: fpdf would panic
	a.Decision.SignerName = "𠮷"
	var buf bytes.Buffer
	err := r.Agreement(&buf, a)
	if err == nil {
		t.Skip("this fpdf renders runes above U+FFFF")
	}
	if !strings.Contains(err.Error(), "PDF") {
		t.Errorf("err = %v", err)
	}
	if got := r.Unprintable("张𠮷가三"); got != "𠮷" {
		t.Errorf("Unprintable = %q, want the first rune the font lacks", got)
	}
	if got := r.Unprintable("张三 ￥¥１２３（）《》"); got != "" {
		t.Errorf("Unprintable(%q) = %q", "张三 ￥¥１２３（）《》", got)
	}
	_ = engine.Words
}

// TestSignInSheet: every household in room order with its masked owner,
// tall rows to sign in, no full name or phone.
func TestSignInSheet(t *testing.T) {
	poppler(t)
	r := renderer(t)
	p, _, _, _ := demo(t)
	path := writePDF(t, "signin.pdf", func(b *bytes.Buffer) error {
		return r.SignIn(b, &engine.SignInSheet{Project: p, Printed: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)})
	})
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.ReplaceAll(text, " ", "")
	for _, want := range []string{"幸福里小区3号楼2单元加装电梯本单元业主会议签到表", "业主签名", "委托代理人签名", "面积（㎡）", "68.50", "签到时间", "周*兰", "共12户",
		"计票人：", "监票人："} {
		if !strings.Contains(flat, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the sign-in sheet lacks %q", want)
		}
	}
	if strings.Index(flat, "101") > strings.Index(flat, "602") {
		t.Errorf("rooms out of order")
	}
	if strings.Contains(text, "业主大会") {
		t.Errorf("one unit's meeting is not a 业主大会")
	}
	for _, h := range p.Households {
		if h.OwnerName != "" && strings.Contains(text, h.OwnerName) || h.Phone != "" && strings.Contains(text, h.Phone) {
			t.Errorf("the sheet prints %s's full name or phone", h.Room)
		}
	}
	golden(t, "signin-12.txt", text)
	if fonts := run(t, "pdffonts", path); !strings.Contains(fonts, "CID TrueType") {
		t.Errorf("font not embedded: %s", fonts)
	}
}

// TestClauseTemplates prints agreements with a worker's own clause
// template (--clauses): one written before clauses were numbered here keeps
// its own numbers, one in new words prints every character of them, and
// one with a character the font lacks is refused when the service starts.
func TestClauseTemplates(t *testing.T) {
	poppler(t)
	old, err := os.ReadFile("testdata/clauses-numbered.txt")
	if err != nil {
		t.Fatal(err)
	}
	own := "本单元由{{.PartyA}}牵头，乙方出资 {{.Due}}。\n{{if .HasCompensation}}补偿 {{.Compensation}}。{{end}}\n鑫淼犇骉：乙方另行约定的事项，见附页。\n"
	for _, tt := range []struct {
		name, clauses string
		want          []string
		unwanted      []string
	}{
		{"numbered", string(old), []string{"第一条本协议依据", "第六条本协议可凭核验码", "本户可按所附分期计划付款"}, []string{"第一条第一条", "第七条"}},
		{"own", own, []string{"第一条本单元由幸福里社区3号楼2单元加装电梯业主代表小组牵头，乙方出资20,648.27元。",
			"第二条鑫淼犇骉：乙方另行约定的事项，见附页。"}, []string{"第三条", "补偿0.00"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(templates.Font, tt.clauses)
			if err != nil {
				t.Fatal(err)
			}
			path := writePDF(t, "a.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, demoAgreement(t, "501", true)) })
			text := strings.ReplaceAll(strings.Join(strings.Fields(run(t, "pdftotext", path, "-")), ""), "\u3000", "")
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the agreement lacks %q", w)
				}
			}
			for _, w := range tt.unwanted {
				if strings.Contains(text, w) {
					t.Errorf("the agreement has %q", w)
				}
			}
			// every character of the template is in the font each
			// document embeds (else it prints as an empty box)
			cut, err := coverage(r.fontFor())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.clauses {
				if c > ' ' && !cut[c] {
					t.Errorf("%q of the template is not in the document's font", c)
				}
			}
		})
	}
	if _, err := New(templates.Font, "第一条　甲方乙方𠀋同意。"); err == nil || !strings.Contains(err.Error(), "𠀋") {
		t.Errorf("a template with a character the font lacks: err = %v", err)
	}
	if _, err := New(templates.Font, "{{.Due"); err == nil || !strings.Contains(err.Error(), "协议条款模板有误") {
		t.Errorf("a template that does not parse: err = %v", err)
	}
}
