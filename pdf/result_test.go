package pdf

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

// demoResult is the demo building's result paper: every household
// decided, 201's paper form corrected from 不同意 to 同意 by an answer to
// an objection; final adds the 公告's date.
func demoResult(t testing.TB, final bool) *engine.ResultNotice {
	p, sc, _, _ := demo(t)
	p.Contact = engine.Contact{Name: "王专干", Phone: "0571-87654321", Office: "社区居委会二楼"}
	rule, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	posted := time.Date(2027, 3, 5, 4, 0, 0, 0, time.UTC) // 12:00 in Beijing
	n := &engine.ResultNotice{Project: p, ScenarioName: sc.Name, ScenarioSHA256: strings.Repeat("ab", 32), Rule: rule,
		RuleText: rule.Describe(), Window: engine.ObjectionWindow(posted, 7), ClosedEarly: true, Contact: p.Contact,
		Issuer: "幸福里社区居民委员会", Anchor: engine.Anchor{Seq: 42, Hash: strings.Repeat("cd", 32)}, KeyFingerprint: "SHA256:demo",
		Printed: posted.Add(time.Hour)}
	var latest []*engine.Decision
	for i, h := range p.Households {
		d := &engine.Decision{ID: int64(i + 1), HouseholdID: h.ID, Vote: engine.VoteAgree, Method: engine.DecisionOnline}
		how := engine.DecisionHow(d)
		line := engine.ResultLine{Room: h.Room, Owner: engine.MaskName(h.OwnerName), Vote: d.Vote, How: how}
		switch h.Room {
		case "201":
			d.Method, d.Witness = engine.DecisionPaper, "李娜"
			line.How, line.Note = engine.DecisionHow(d), "经异议更正，原录入为不同意"
		case "602":
			d.Vote, line.Vote = engine.VoteDisagree, engine.VoteDisagree
		}
		latest = append(latest, d)
		n.Lines = append(n.Lines, line)
	}
	bt, err := engine.TallyBallot(p.Households, rule, latest)
	if err != nil {
		t.Fatal(err)
	}
	n.Tally = bt.TallyResult
	n.State = engine.StatePreliminary
	n.StateText = engine.StateText(n.State, n.Tally, &n.Window, posted)
	if final {
		at := n.Window.Ends.Add(2 * time.Hour)
		n.FinalizedAt, n.State, n.Printed = &at, engine.StateFinal, at
		n.StateText = engine.StateText(n.State, n.Tally, &n.Window, at)
		n.Objections = []engine.ResultObjection{
			{Room: "602", Name: engine.MaskName("赵小六"), Reason: "我认为票数统计有误", Outcome: engine.OutcomeUpheld, Answer: "经核对，统计无误"},
			{Room: "201", Name: engine.MaskName("钱七"), Reason: "纸质表决单上写的是同意", Outcome: engine.OutcomeCorrected, Answer: "纸质表决单为同意，录入有误，已更正"},
		}
	}
	return n
}

// TestResultPapers: the 表决结果公示 prints the count as preliminary, each
// household's decision and how it was made (a correction noted), the
// window in whole dates from the day after posting and where to object,
// the issuer and the 存证 line; the 公告 prints the final result, each
// objection with its answer, and lines for the 计票人 and 监票人. Neither
// says 表决已通过; poppler reads both back.
func TestResultPapers(t *testing.T) {
	poppler(t)
	r := renderer(t)
	for _, c := range []struct {
		name  string
		final bool
		want  []string
		not   []string
	}{
		{"result", false, []string{"幸福里小区3号楼2单元加装电梯表决结果公示", "全体住户均已表决，业主表决于2027年3月5日12:00（北京时间）结束",
			"现将初步统计结果公示如下", "初步统计结果：达到通过条件", "纸质表决单（见证人：李*）", "经异议更正，原录入为不同意", "手机签署",
			"公示期（异议期）为2027年3月6日至2027年3月12日，共7日（自公示次日起算，《中华人民共和国民法典》第二百零一条）",
			"逾期未提出异议的，视为无异议", "王专干（电话0571-87654321）", "发布单位：幸福里社区居民委员会（盖章）", "发布日期：2027年3月5日", "存证：第42条"},
			[]string{"计票人", "表决已通过", "表决结果公告"}},
		{"final", true, []string{"幸福里小区3号楼2单元加装电梯表决结果公告", "异议期（2027年3月6日至2027年3月12日）已届满", "表决结果（最终）：通过",
			"赵*六", "我认为票数统计有误", "维持：经核对，统计无误", "更正：纸质表决单为同意，录入有误，已更正", "异议期内共收到异议2条，均已答复",
			"出资分摊协议及占用与补偿协议自本公告之日起生效", "计票人（签字）", "监票人（签字）", "发布日期：2027年3月13日"},
			[]string{"表决已通过", "赵小六"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := demoResult(t, c.final)
			path := writePDF(t, c.name+".pdf", func(b *bytes.Buffer) error { return r.Result(b, n) })
			text := run(t, "pdftotext", "-layout", path, "-")
			flat := strings.Join(strings.Fields(text), "")
			for _, want := range c.want {
				if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
					t.Errorf("the %s paper lacks %q", c.name, want)
				}
			}
			for _, not := range c.not {
				if strings.Contains(flat, not) {
					t.Errorf("the %s paper says %q", c.name, not)
				}
			}
			if pages := pageCount(t, path); !c.final && pages != 1 || pages > 2 {
				t.Errorf("the %s paper has %d pages (the 公示 fits on one)", c.name, pages)
			}
			golden(t, c.name+".txt", text)
		})
	}
}

// BenchmarkResult prints the demo building's 公示 and 公告 (DESIGN §8:
// each document ≤ 20 ms).
func BenchmarkResult(b *testing.B) {
	r := renderer(b)
	for _, final := range []bool{false, true} {
		n := demoResult(b, final)
		name := "result"
		if final {
			name = "final"
		}
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := r.Result(&buf, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
