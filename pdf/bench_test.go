package pdf

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

// BenchmarkAgreement renders one signed demo agreement (CJK font,
// signature, QR code). Target: ≤ 15 ms, ≤ 60 KB per page.
func BenchmarkAgreement(b *testing.B) {
	r := renderer(b)
	a := demoAgreement(b, "501", true)
	names := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
	var size, pages, i int
	for b.Loop() {
		// a new signer each time: no cut font is reused from the cache
		i++
		a.Decision.SignerName = string(names[i%len(names)]) + string(names[(i/len(names))%len(names)]) + "芳"
		var buf bytes.Buffer
		if err := r.Agreement(&buf, a); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
		pages = bytes.Count(buf.Bytes(), []byte("/Type /Page\n"))
	}
	b.ReportMetric(float64(size)/1024, "KB")
	b.ReportMetric(float64(size)/1024/float64(max(pages, 1)), "KB/page")
}

// BenchmarkBooklet200 renders the booklet of a 200-household building.
// Target: ≤ 2 s.
func BenchmarkBooklet200(b *testing.B) {
	r := renderer(b)
	bk := bigBooklet(b, 200)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Booklet(&buf, bk); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KB")
}

// bigBooklet makes an n-household building from the demo's scenario, half
// of them signed.
func bigBooklet(t testing.TB, n int) *Booklet {
	a0 := demoAgreement(t, "301", true)
	p := &engine.Project{ID: 9, Name: "幸福里小区（大楼）", Address: "幸福路88号", Floors: 6}
	for i := 0; i < n; i++ {
		p.Households = append(p.Households, engine.Household{ID: int64(1000 + i), Room: fmt.Sprintf("%d%02d", i%6+1, i/6+1),
			Floor: i%6 + 1, Area: engine.Area(6000 + i*7), OwnerName: fmt.Sprintf("业主%d", i), Phone: "13800138000"})
	}
	in, res, err := engine.ComputeScenario(p, scenarioInput(t))
	if err != nil {
		t.Fatal(err)
	}
	bk := &Booklet{Rule: mustRule(), Printed: time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC), Audit: &engine.AuditCheck{OK: true, Events: 3 * n},
		Anchor: testAnchor, KeyFingerprint: testKey}
	var th []engine.TallyHousehold
	for i, h := range p.Households {
		a := &Agreement{Project: p, Household: h, Scenario: a0.Scenario, Input: in, Result: res, RuleText: a0.RuleText, Deadline: a0.Deadline,
			Anchor: testAnchor, KeyFingerprint: testKey}
		vote := ""
		if i%2 == 0 {
			a.Decision = &engine.Decision{HouseholdID: h.ID, Vote: engine.VoteAgree, SignerName: h.OwnerName, SignaturePNG: a0.Decision.SignaturePNG,
				Method: engine.DecisionOnline, Code: fmt.Sprintf("ABCDE-%05d", i), CreatedAt: a0.Decision.CreatedAt}
			a.VerifyURL = "https://renovote.example/verify/" + a.Decision.Code
			bk.Decisions = append(bk.Decisions, a.Decision)
			vote = engine.VoteAgree
		}
		bk.Agreements = append(bk.Agreements, a)
		th = append(th, engine.TallyHousehold{Room: h.Room, Area: h.Area, Vote: vote})
	}
	bk.Tally, err = engine.Tally(&engine.TallyInput{Rule: bk.Rule, Households: th})
	if err != nil {
		t.Fatal(err)
	}
	return bk
}

func mustRule() engine.Rule {
	r, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	return r
}

// BenchmarkSignIn and BenchmarkNotice render the demo building's 签到表 and
// 公示. Target: ≤ 20 ms each.
func BenchmarkSignIn(b *testing.B) {
	r := renderer(b)
	p, _, _, _ := demo(b)
	s := &engine.SignInSheet{Project: p, Printed: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)}
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.SignIn(&buf, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNotice(b *testing.B) {
	r := renderer(b)
	p, sc, in, res := demo(b)
	rule, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	n := &Notice{Project: p, Scenario: sc, Input: in, Result: res, Rule: rule, RuleText: rule.Describe(), Published: *sc.PublishedAt,
		Deadline: sc.PublishedAt.Add(72 * time.Hour), Printed: *sc.PublishedAt, Days: 10, SummaryURL: "https://renovote.example/p/7",
		Contact: engine.Contact{Name: "王专干", Phone: "0571-87654321"}}
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Notice(&buf, n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCard and BenchmarkBallots render the demo building's 明白卡 and
// its 12 表决票 (6 pages, 12 QR codes). Target: ≤ 20 ms each.
func BenchmarkCard(b *testing.B) {
	r := renderer(b)
	c := demoCard(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Card(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBallots(b *testing.B) {
	r := renderer(b)
	bs := demoBallots(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Ballots(&buf, bs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAgreementUnsigned is the meeting's copy of one agreement: the
// lines to sign and a QR code to the public page.
func BenchmarkAgreementUnsigned(b *testing.B) {
	r := renderer(b)
	a := demoAgreement(b, "101", false)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Agreement(&buf, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceipt, BenchmarkStatement and BenchmarkProgress render the
// demo building's 收据 (存根 and 收据 with a QR code), 收支公示 and
// progress 公示. Target: ≤ 20 ms each.
func BenchmarkReceipt(b *testing.B) {
	r := renderer(b)
	rc, _, _ := demoMoneyPaper(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Receipt(&buf, rc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatement(b *testing.B) {
	r := renderer(b)
	_, st, _ := demoMoneyPaper(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.Statement(&buf, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProgress(b *testing.B) {
	r := renderer(b)
	_, _, pg := demoMoneyPaper(b)
	for b.Loop() {
		var buf bytes.Buffer
		if err := r.ProgressReport(&buf, pg); err != nil {
			b.Fatal(err)
		}
	}
}
