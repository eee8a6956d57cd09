package engine

import (
	"strings"
	"testing"
	"time"
)

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

func TestObjectionWindow(t *testing.T) {
	for _, c := range []struct {
		name, posted   string
		days           int
		from, to, text string
	}{
		{"a week from the next day", "2027-03-01 17:00", 7, "2027-03-02", "2027-03-08", "2027年3月2日至2027年3月8日"},
		{"posted just before midnight Beijing (UTC still the day before)", "2027-03-01 23:59", 1, "2027-03-02", "2027-03-02", "2027年3月2日至2027年3月2日"},
		{"posted just after midnight", "2027-03-02 00:01", 7, "2027-03-03", "2027-03-09", "2027年3月3日至2027年3月9日"},
		{"across a month end", "2027-02-25 10:00", 30, "2027-02-26", "2027-03-27", "2027年2月26日至2027年3月27日"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := ObjectionWindow(bj(c.posted), c.days)
			if w.From != c.from || w.To != c.to || w.Text != c.text {
				t.Errorf("got %s..%s %q, want %s..%s %q", w.From, w.To, w.Text, c.from, c.to, c.text)
			}
			to, _ := time.ParseInLocation(time.DateOnly, c.to, Beijing)
			if want := to.AddDate(0, 0, 1); !w.Ends.Equal(want) {
				t.Errorf("ends %v, want %v", w.Ends, want)
			}
		})
	}
}

func TestObjectionDays(t *testing.T) {
	for _, c := range []struct {
		in, want int
		ok       bool
	}{{0, 7, true}, {1, 1, true}, {30, 30, true}, {31, 0, false}, {-1, 0, false}} {
		got, err := ObjectionDays(c.in)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("ObjectionDays(%d) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "1 到 30 天") {
			t.Errorf("message: %v", err)
		}
	}
}

func TestBallotState(t *testing.T) {
	deadline := bj("2027-03-10 17:00")
	closed := bj("2027-03-05 12:00")
	final := bj("2027-03-20 09:00")
	for _, c := range []struct {
		name     string
		closedAt *time.Time
		final    *time.Time
		days     int
		now      string
		want     string
		from     string
	}{
		{"open before the deadline", nil, nil, 7, "2027-03-10 16:59", StateOpen, ""},
		{"preliminary at the deadline (posting day)", nil, nil, 7, "2027-03-10 17:00", StatePreliminary, "2027-03-11"},
		{"preliminary until midnight of the posting day", nil, nil, 7, "2027-03-10 23:59", StatePreliminary, "2027-03-11"},
		{"objections from the next day", nil, nil, 7, "2027-03-11 00:00", StateObjections, "2027-03-11"},
		{"objections on the last day", nil, nil, 7, "2027-03-17 23:59", StateObjections, "2027-03-11"},
		{"preliminary after the window", nil, nil, 7, "2027-03-18 00:00", StatePreliminary, "2027-03-11"},
		{"closed early: preliminary that day", &closed, nil, 3, "2027-03-05 13:00", StatePreliminary, "2027-03-06"},
		{"closed early: objections", &closed, nil, 3, "2027-03-08 10:00", StateObjections, "2027-03-06"},
		{"closed early: window over before the deadline", &closed, nil, 3, "2027-03-09 00:00", StatePreliminary, "2027-03-06"},
		{"final", &closed, &final, 3, "2027-03-20 10:00", StateFinal, "2027-03-06"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := &Ballot{ID: 1, ProjectID: 2, Deadline: deadline, ClosedAt: c.closedAt}
			r := &BallotResult{BallotID: 1, ProjectID: 2, ObjectionDays: c.days, FinalizedAt: c.final}
			got, w := BallotState(b, r, bj(c.now))
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
			if (w == nil) != (c.from == "") || w != nil && w.From != c.from {
				t.Errorf("window %+v, want from %q", w, c.from)
			}
		})
	}
}

func TestStateText(t *testing.T) {
	one, zero := 1, 0
	passed := &TallyResult{Passed: true, Needed: &zero, MustConsentMissing: []string{}}
	short := &TallyResult{Needed: &one, MustConsentMissing: []string{"101"}}
	hopeless := &TallyResult{MustConsentMissing: []string{}}
	w := ObjectionWindow(bj("2027-03-10 17:00"), 7)
	for _, c := range []struct {
		name, state string
		t           *TallyResult
		now         string
		want        string
	}{
		{"open and passing is a snapshot", StateOpen, passed, "2027-03-09 10:00", "目前已达到通过条件（截止前仍可更改，以截止时统计为准）"},
		{"open and short says what is missing", StateOpen, short, "2027-03-09 10:00", "目前尚未达到通过条件：还需 1 户同意；必须同意的 101 尚未同意（截止前仍可更改，以截止时统计为准）"},
		{"open and hopeless", StateOpen, hopeless, "2027-03-09 10:00", "目前尚未达到通过条件：其余未表决的住户全部同意也不能达到表决规则的要求（截止前仍可更改，以截止时统计为准）"},
		{"posted", StatePreliminary, passed, "2027-03-10 18:00", "初步统计结果：达到通过条件。异议期为2027年3月11日至2027年3月17日，期间可实名提出异议；逾期未提出异议的，视为无异议"},
		{"objections", StateObjections, short, "2027-03-12 18:00", "初步统计结果：未达到通过条件。异议期为2027年3月11日至2027年3月17日，期间可实名提出异议；逾期未提出异议的，视为无异议"},
		{"after the window", StatePreliminary, passed, "2027-03-18 08:00", "初步统计结果：达到通过条件。异议期已于2027年3月17日结束，待确认最终结果"},
		{"final", StateFinal, passed, "2027-03-20 08:00", "表决结果（最终）：通过"},
		{"final, not passed", StateFinal, short, "2027-03-20 08:00", "表决结果（最终）：未通过"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := StateText(c.state, c.t, &w, bj(c.now)); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if got := StateText(c.state, c.t, &w, bj(c.now)); strings.Contains(got, "表决已通过") {
				t.Errorf("says 表决已通过: %s", got)
			}
		})
	}
}

func TestCanCloseEarly(t *testing.T) {
	b := &Ballot{Deadline: bj("2027-03-10 17:00")}
	if err := b.CanCloseEarly(bj("2027-03-05 10:00"), nil); err != nil {
		t.Errorf("all decided: %v", err)
	}
	err := b.CanCloseEarly(bj("2027-03-05 10:00"), []string{"101", "502"})
	if ErrorCode(err) != ECodeConflict || !strings.Contains(err.Error(), "还有 2 户尚未表决（101、502）") {
		t.Errorf("undecided: %v", err)
	}
	if err := b.CanCloseEarly(bj("2027-03-11 10:00"), nil); ErrorCode(err) != ECodeConflict {
		t.Errorf("past the deadline: %v", err)
	}
}

func TestObjectionRules(t *testing.T) {
	closed := bj("2027-03-05 12:00")
	b := &Ballot{ID: 1, ProjectID: 2, Deadline: bj("2027-03-10 17:00"), ClosedAt: &closed}
	r := &BallotResult{BallotID: 1, ProjectID: 2, ObjectionDays: 3}
	for _, c := range []struct {
		name, now, who, reason string
		code                   string
	}{
		{"while open", "2027-03-05 11:00", "张三", "理由", ECodeConflict},
		{"posting day", "2027-03-05 13:00", "张三", "理由", ""},
		{"in the window", "2027-03-08 23:59", "张三", "理由", ""},
		{"after the window", "2027-03-09 00:00", "张三", "理由", ECodeConflict},
		{"anonymous", "2027-03-07 10:00", "  ", "理由", ECodeInvalid},
		{"no reason", "2027-03-07 10:00", "张三", "", ECodeInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := *b
			if c.name == "while open" {
				b.ClosedAt = nil
			}
			_, err := NewObjection(&b, r, 7, c.who, c.reason, ObjectionViaLink, 0, bj(c.now))
			if got := ErrorCode(err); err != nil && got != c.code || err == nil && c.code != "" {
				t.Errorf("got %v, want code %q", err, c.code)
			}
		})
	}
}

func TestAnswerAndCorrections(t *testing.T) {
	now := bj("2027-03-07 10:00")
	latest := []*Decision{{ID: 10, HouseholdID: 1, Vote: VoteAgree}, {ID: 11, HouseholdID: 2, Vote: VoteDisagree}, {ID: 12, HouseholdID: 3, Vote: VoteAgree}}
	for _, c := range []struct {
		name, state, outcome, reason string
		corr                         *Correction
		answered                     bool
		code                         string
	}{
		{"upheld", StateObjections, OutcomeUpheld, "核实无误", nil, false, ""},
		{"corrected", StateObjections, OutcomeCorrected, "纸质表录入有误", &Correction{11, VoteAgree}, false, ""},
		{"upheld with a correction", StateObjections, OutcomeUpheld, "理由", &Correction{11, VoteAgree}, false, ECodeInvalid},
		{"corrected without one", StateObjections, OutcomeCorrected, "理由", nil, false, ECodeInvalid},
		{"unknown outcome", StateObjections, "驳回", "理由", nil, false, ECodeInvalid},
		{"no reason", StateObjections, OutcomeUpheld, " ", nil, false, ECodeInvalid},
		{"a decision not counted", StateObjections, OutcomeCorrected, "理由", &Correction{99, VoteAgree}, false, ECodeInvalid},
		{"the same vote", StateObjections, OutcomeCorrected, "理由", &Correction{11, VoteDisagree}, false, ECodeInvalid},
		{"a bad vote", StateObjections, OutcomeCorrected, "理由", &Correction{11, "yes"}, false, ECodeInvalid},
		{"answered twice", StateObjections, OutcomeUpheld, "理由", nil, true, ECodeConflict},
		{"after the final result", StateFinal, OutcomeUpheld, "理由", nil, false, ECodeConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := &Objection{ID: 1}
			if c.answered {
				o.Outcome, o.AnsweredAt = OutcomeUpheld, &now
			}
			err := AnswerObjection(o, c.state, c.outcome, c.reason, c.corr, latest, 5, now)
			if got := ErrorCode(err); err != nil && got != c.code || err == nil && c.code != "" {
				t.Fatalf("got %v, want code %q", err, c.code)
			}
			if err == nil && (o.Outcome != c.outcome || o.AnsweredBy != 5) {
				t.Errorf("answer not recorded: %+v", o)
			}
		})
	}

	later := now.Add(time.Hour)
	objs := []*Objection{
		{ID: 2, Outcome: OutcomeCorrected, AnsweredAt: &later, CorrectsDecision: 11, CorrectedVote: VoteAbstain},
		{ID: 1, Outcome: OutcomeCorrected, AnsweredAt: &now, CorrectsDecision: 11, CorrectedVote: VoteAgree},
		{ID: 3, Outcome: OutcomeCorrected, AnsweredAt: &now, CorrectsDecision: 12, CorrectedVote: VoteNone},
		{ID: 4, Outcome: OutcomeUpheld, AnsweredAt: &now},
	}
	got := ApplyCorrections(latest, objs)
	if len(got) != 2 || got[0].Vote != VoteAgree || got[1].ID != 11 || got[1].Vote != VoteAbstain {
		t.Errorf("corrections: %+v %+v", got[0], got[len(got)-1])
	}
	if latest[1].Vote != VoteDisagree {
		t.Error("a correction changed the decision itself")
	}
}

func TestCanFinalize(t *testing.T) {
	w := ObjectionWindow(bj("2027-03-10 17:00"), 7)
	after := bj("2027-03-18 00:00")
	open := []*Objection{{ID: 3, Name: "李四"}}
	for _, c := range []struct {
		name, state string
		objs        []*Objection
		now         time.Time
		want        string
	}{
		{"open", StateOpen, nil, bj("2027-03-09 10:00"), "尚未截止"},
		{"in the window", StateObjections, nil, bj("2027-03-17 23:59"), "异议期为2027年3月11日至2027年3月17日"},
		{"an objection unanswered", StatePreliminary, open, after, "还有 1 条异议尚未答复：#3（李四）"},
		{"already final", StateFinal, nil, after, "已经公告"},
		{"ready", StatePreliminary, nil, after, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CanFinalize(c.state, &w, c.objs, c.now)
			if c.want == "" && err != nil || c.want != "" && (ErrorCode(err) != ECodeConflict || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestResultAnchor(t *testing.T) {
	deadline := bj("2027-03-10 17:00")
	closed := bj("2027-03-05 12:00")
	ev := func(seq int64, at time.Time, kind, data string) *AuditEvent {
		return &AuditEvent{Seq: seq, At: at, Kind: kind, Hash: strings.Repeat(string(rune('a'+seq)), 4), Data: []byte(data)}
	}
	events := []*AuditEvent{
		ev(1, bj("2027-03-01 09:00"), AuditPublished, `{}`),
		ev(2, bj("2027-03-05 11:00"), AuditDecision, `{}`),
		ev(3, closed, AuditBallotClosed, `{"ballot_id":1}`),
		ev(4, closed, AuditBallotResult, `{"ballot_id":1,"step":"closed"}`),
		ev(5, closed, AuditPDFPrinted, `{}`),
		ev(6, bj("2027-03-08 10:00"), AuditObjection, `{}`),
		ev(7, bj("2027-03-10 16:59"), AuditPDFPrinted, `{}`),
		ev(8, deadline, AuditPDFPrinted, `{}`),
		ev(9, bj("2027-03-20 10:00"), AuditBallotResult, `{"ballot_id":2,"step":"finalized"}`),
		ev(10, bj("2027-03-20 10:00"), AuditBallotResult, `{"ballot_id":1,"step":"finalized"}`),
		ev(11, bj("2027-03-20 10:01"), AuditPDFPrinted, `{}`),
	}
	for _, c := range []struct {
		name         string
		posted       time.Time
		early, final bool
		want         int64
	}{
		{"closed early: the closing event, not a print at the same instant", closed, true, false, 4},
		{"the deadline: the last event before it", deadline, false, false, 7},
		{"final: its finalize event", closed, true, true, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ResultAnchor(events, 1, c.posted, c.early, c.final); got.Seq != c.want {
				t.Errorf("got seq %d, want %d", got.Seq, c.want)
			}
		})
	}
}

func TestCheckFirstPayment(t *testing.T) {
	plan := func(start string) *CalcInput {
		d, _ := time.Parse(time.DateOnly, start)
		return &CalcInput{Installments: &Installments{Months: 12, Start: d}}
	}
	posted := bj("2027-03-01 17:00") // window 2027-03-02 … 2027-03-08
	for _, c := range []struct {
		name  string
		in    *CalcInput
		days  int
		error string
	}{
		{"no installment plan", &CalcInput{}, 7, ""},
		{"the day after the window", plan("2027-03-09"), 7, ""},
		{"the window's last day", plan("2027-03-08"), 7, "2027年3月9日 或以后"},
		{"before the vote closes", plan("2027-02-01"), 7, "异议期（2027年3月2日至2027年3月8日）"},
		{"a longer window overtakes it", plan("2027-03-20"), 30, "2027年4月1日 或以后"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckFirstPayment(c.in, posted, c.days, "installments.start")
			if c.error == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !asError(err, &e) || e.Field != "installments.start" || !strings.Contains(e.Message, c.error) {
				t.Fatalf("err = %v, want one naming installments.start with %q", err, c.error)
			}
		})
	}
}

func TestAgreementEffect(t *testing.T) {
	at := bj("2027-03-09 10:00")
	for _, c := range []struct {
		name string
		r    *BallotResult
		want string
	}{
		{"no result yet", nil, "自本单元表决最终结果公告之日起生效"},
		{"window running", &BallotResult{ObjectionDays: 7}, "自本单元表决最终结果公告之日起生效"},
		{"final, passed", &BallotResult{FinalizedAt: &at, Passed: true}, "自本单元表决最终结果公告之日（2027年3月9日）起生效"},
		{"final, not passed", &BallotResult{FinalizedAt: &at}, "为未通过，本协议不生效"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := (&Agreement{Final: c.r}).Effect(); !strings.Contains(got, c.want) {
				t.Errorf("Effect() = %q, want it to say %q", got, c.want)
			}
		})
	}
}

func TestResultEffect(t *testing.T) {
	passed := (&ResultNotice{Tally: &TallyResult{Passed: true}}).Effect()
	failed := (&ResultNotice{Tally: &TallyResult{}}).Effect()
	if !strings.Contains(passed, "自本公告之日起生效") || !strings.Contains(failed, "不生效") || strings.Contains(failed, "起生效") {
		t.Errorf("effect: passed %q, failed %q", passed, failed)
	}
}
