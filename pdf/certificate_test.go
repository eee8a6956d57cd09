package pdf

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

// demoCertificate is 601's certificate under the 苏州 rule: two 公积金
// accounts (one a child's, not allowed), the 维修资金, one payment.
func demoCertificate(t testing.TB) *engine.ShareCertificate {
	p, _, in, res := demo(t)
	p.Terms = engine.Terms{PartyA: "幸福里社区居民委员会"}
	var h engine.Household
	for _, x := range p.Households {
		if x.Room == "601" {
			h = x
		}
	}
	var row engine.HouseholdShare
	for _, r := range res.Households {
		if r.Room == h.Room {
			row = r
		}
	}
	preset := engine.FundingPresets()[0]
	completed := engine.DateOf(time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC))
	rule := &engine.ProjectFundingRule{ProjectID: p.ID, Preset: preset.Key, Rule: preset.Rule, Completed: &completed}
	fig := &engine.HouseholdFundingFigures{ProjectID: p.ID, HouseholdID: h.ID,
		Accounts:    []engine.FundingAccount{{Name: h.OwnerName, Relation: engine.RelationOwner, Balance: 1234567}, {Name: "周小明", Relation: engine.RelationChild, Balance: 5000000}},
		Maintenance: &engine.MaintenanceAccount{FirstDeposit: 800033, Balance: 650000}}
	fr := engine.Funding(&engine.FundingInput{Rule: rule.Rule, Completed: rule.Completed, Households: []engine.FundingHousehold{
		{ID: h.Room, Due: row.Due, Accounts: fig.Accounts, Maintenance: fig.Maintenance}}})
	issued := time.Date(2027, 10, 8, 2, 0, 0, 0, time.UTC)
	pay := &engine.Payment{ID: 9, ProjectID: p.ID, HouseholdID: h.ID, Kind: engine.PaymentIn, Amount: 500000, Day: "2027-01-03", ReceiptNo: "SK-2027-0003"}
	return &engine.ShareCertificate{Project: p, Household: h, Row: row, TotalSubsidy: res.TotalSubsidy, Subsidy: engine.SubsidyShares(in, res)[h.Room],
		Payments: []*engine.Payment{pay}, Paid: pay.Amount, Rule: rule, RuleName: preset.Name, ApplyBy: fr.ApplyBy, Funding: fr.Households[0],
		Figures: fig, Issuer: p.Terms.PartyA, Code: "20461-C4K2M-9XD4H", VerifyURL: "https://renovote.example/verify/20461-C4K2M-9XD4H", Issued: issued,
		Anchor: engine.Anchor{Seq: 30, Hash: "9c01d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445"}, KeyFingerprint: testKey}
}

// TestShareCertificate: the 费用分摊证明 prints the share, the subsidy, the
// receipt, each source with its balance in full, the 大写, the issuer and
// seal, the date in 年月日, the code and a QR that reads as the verify
// page, the holders' 身份证号 blank to fill, who may draw; no hash or key
// fingerprint (resident-carried paper); within the margins; golden text.
func TestShareCertificate(t *testing.T) {
	poppler(t)
	r := renderer(t)
	c := demoCertificate(t)
	if got := c.Gross() - c.Subsidy + c.Row.Extra - c.Row.Relief; got != c.Funding.Due {
		t.Fatalf("gross %s − subsidy %s ≠ due %s", c.Gross(), c.Subsidy, c.Funding.Due)
	}
	path := writePDF(t, "certificate.pdf", func(b *bytes.Buffer) error { return r.ShareCertificate(b, c) })
	text := run(t, "pdftotext", "-layout", path, "-")
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"加装电梯费用分摊证明", c.Project.Name, c.Household.OwnerName, "601室", "SK-2027-0003", "2027年1月3日",
		"12,345.67", "50,000.00", "不可提取", "6,500.00", "须留存2,400.10", engine.Words(c.Funding.Due), engine.Words(c.Funding.Maintenance.Amount),
		engine.Words(c.Funding.GJJ.Total), "出具单位：幸福里社区居民委员会", "（盖章）", "2027年10月8日", "20461-C4K2M-9XD4H", "2028年8月31日",
		"减：财政补贴（按本户分摊比例折算）", c.Subsidy.Grouped(), "按本户分摊比例折算为" + c.Subsidy.Grouped() + "元，已在上表中扣除",
		"提取人身份证号", "经办人（签字）：", "项目竣工日期为2027年9月1日"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the certificate lacks %q", want)
		}
	}
	// paper the household carries: the code and QR are the proof, no hash
	for _, bad := range []string{"指纹", testKey, c.Anchor.Hash[:12], "从总造价中扣除"} {
		if strings.Contains(flat, bad) {
			t.Errorf("the certificate prints %q", bad)
		}
	}
	if h := c.Household; h.Phone != "" && strings.Contains(flat, h.Phone) {
		t.Errorf("the certificate prints the phone %s in full", h.Phone)
	}
	if n := pageCount(t, path); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	inkAt(t, path, "加装电梯费用分摊证明", "出具单位：幸福里社区居民委员会")
	inMargins(t, path)
	if got := qrCodes(t, path, 1); !slices.Contains(got, c.VerifyURL) {
		t.Errorf("QR codes %v, want %s", got, c.VerifyURL)
	}
	golden(t, "share-certificate.txt", text)
}

func BenchmarkShareCertificate(b *testing.B) {
	r := renderer(b)
	c := demoCertificate(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.ShareCertificate(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestShareCertificateInstallments: a household that paid in six
// installments and had one refund, with a spouse's 公积金 account, a
// longer issuer and no completion date still gets one A4 page within the
// margins, every receipt listed (two to a row); with sixteen receipts and
// a long issuer the paper runs to a second page, but the statement
// "以上情况属实" goes with the issuer and the seal: a seal never stands
// alone on a page. Without an issuer the 出具单位 is a blank to fill.
func TestShareCertificateInstallments(t *testing.T) {
	poppler(t)
	r := renderer(t)
	c := demoCertificate(t)
	c.Issuer = "北山街道幸福里社区居民委员会"
	c.ApplyBy, c.Rule.Completed = nil, nil
	c.Figures.Accounts[1] = engine.FundingAccount{Name: "欧阳建国", Relation: engine.RelationSpouse, Balance: 880000}
	fr := engine.Funding(&engine.FundingInput{Rule: c.Rule.Rule, Households: []engine.FundingHousehold{
		{ID: c.Household.Room, Due: c.Row.Due, Accounts: c.Figures.Accounts, Maintenance: c.Figures.Maintenance}}})
	c.Funding = fr.Households[0]
	pay := func(n int) {
		c.Payments, c.Paid = nil, 0
		for i := range n {
			p := &engine.Payment{ID: int64(10 + i), Kind: engine.PaymentIn, Amount: 200000, Day: fmt.Sprintf("2027-%02d-03", i%12+1), ReceiptNo: fmt.Sprintf("SK-2027-%04d", 3+i)}
			c.Payments, c.Paid = append(c.Payments, p), c.Paid+p.Amount
		}
		c.Payments = append(c.Payments, &engine.Payment{ID: 99, Kind: engine.PaymentRefund, Amount: 100000, Day: "2027-08-01", ReceiptNo: "TK-2027-0001"})
		c.Paid -= 100000
	}
	pay(6)
	path := writePDF(t, "certificate-installments.pdf", func(b *bytes.Buffer) error { return r.ShareCertificate(b, c) })
	flat := strings.Join(strings.Fields(run(t, "pdftotext", "-layout", path, "-")), "")
	for _, want := range []string{"SK-2027-0003", "SK-2027-0008", "TK-2027-0001", "退款", "欧阳建国（配偶）", "（盖章）", c.Code,
		"以上情况属实", engine.Words(c.Funding.GJJ.Total)} {
		if !strings.Contains(flat, want) {
			t.Errorf("the certificate lacks %q", want)
		}
	}
	if n := pageCount(t, path); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	inMargins(t, path)

	pay(16)
	c.Issuer = "杭州市西湖区北山街道幸福里社区居民委员会（幸福里3号楼2单元加装电梯实施主体）"
	path = writePDF(t, "certificate-many.pdf", func(b *bytes.Buffer) error { return r.ShareCertificate(b, c) })
	n := pageCount(t, path)
	last := strings.Join(strings.Fields(run(t, "pdftotext", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), "-layout", path, "-")), "")
	if !strings.Contains(last, "（盖章）") || !strings.Contains(last, "以上情况属实") || !strings.Contains(last, "第"+fmt.Sprint(n)+"页共"+fmt.Sprint(n)+"页") {
		t.Errorf("the last of %d pages: the seal without the statement?\n%s", n, last)
	}
	inMargins(t, path)

	// no 甲方 and no named 社区: a blank to fill, not a nameless issuer
	pay(1)
	c.Issuer = ""
	path = writePDF(t, "certificate-no-issuer.pdf", func(b *bytes.Buffer) error { return r.ShareCertificate(b, c) })
	if flat := strings.Join(strings.Fields(run(t, "pdftotext", "-layout", path, "-")), ""); !strings.Contains(flat, "出具单位：____") {
		t.Errorf("no issuer: the 出具单位 is not a blank to fill")
	}
}
