package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Counting is not deciding (DESIGN §16): a ballot is open until its
// deadline or an early close; then its count is the 初步统计结果, posted
// with an objection window (询异) of N whole days counted from the day
// after posting (民法典 第二百零一条); the worker answers each objection
// (维持 or 更正, a correction changing the counted vote) and, after the
// window with every objection answered, finalizes: the 表决结果公告.

// States of a ballot's lifecycle.
const (
	StateOpen        = "open"        // decisions may still change
	StatePreliminary = "preliminary" // closed: posted, the window not running (the posting day, or after it ended)
	StateObjections  = "objections"  // the objection window runs
	StateFinal       = "final"       // the result is announced
)

// The objection window's length in days.
const (
	ObjectionDaysDefault = 7
	ObjectionDaysMin     = 1
	ObjectionDaysMax     = 30
)

// Outcomes of an objection's answer.
const (
	OutcomeUpheld    = "维持" // the count stands
	OutcomeCorrected = "更正" // a decision was counted wrongly: the count follows the correction
)

// Channels an objection came through.
const (
	ObjectionViaLink     = "link"      // the household's own link
	ObjectionInPerson    = "in_person" // in person to the worker, who entered it
	maxObjectionName     = 32
	maxObjectionReason   = 1000
	maxObjectionAnswer   = 1000
	TableBallotResults   = "ballot_results"
	TableObjections      = "objections"
	AuditBallotResult    = "ballot_result"
	AuditObjection       = "objection"
	ResultStepTerms      = "terms"     // the window's length set at publishing
	ResultStepClosed     = "closed"    // closed early by the worker, the count posted
	ResultStepFinalized  = "finalized" // the final result announced
	ObjectionStepReceive = "received"
	ObjectionStepAnswer  = "answered"
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableBallotResults, Label: "表决结果（异议期与最终结果）"},
		ProjectedTable{Name: TableObjections, Label: "表决结果异议与答复"})
}

// ObjectionDays reads the window's length: 0 (not given) is the default.
func ObjectionDays(n int) (int, error) {
	if n == 0 {
		return ObjectionDaysDefault, nil
	}
	if n < ObjectionDaysMin || n > ObjectionDaysMax {
		return 0, Invalidf("objection_days", "异议期应为 %d 到 %d 天（不填为 %d 天），现为 %d 天", ObjectionDaysMin, ObjectionDaysMax, ObjectionDaysDefault, n)
	}
	return n, nil
}

// BallotResult is a ballot's result record: the objection window's length
// and, once announced, the final result. A ballot without one (published
// before the lifecycle existed) has the default window.
type BallotResult struct {
	BallotID      int64      `db:"ballot_id"`
	ProjectID     int64      `db:"project_id"`
	ObjectionDays int        `db:"objection_days"`
	FinalizedAt   *time.Time `db:"finalized_at"`
	FinalizedBy   int64      `db:"finalized_by"`
	Passed        bool       `db:"passed"` // the final result, once finalized
	UpdatedAt     time.Time  `db:"updated_at"`
}

// DefaultResult is the record of a ballot that has none.
func DefaultResult(b *Ballot) *BallotResult {
	return &BallotResult{BallotID: b.ID, ProjectID: b.ProjectID, ObjectionDays: ObjectionDaysDefault}
}

// Row is the image of a ballot's result record (keyed by the ballot's id).
func (r *BallotResult) Row() Row {
	return Row{Table: TableBallotResults, ID: r.BallotID, Cols: map[string]string{
		"project_id": ColInt(r.ProjectID), "objection_days": ColInt(int64(r.ObjectionDays)),
		"finalized_at": ColTimePtr(r.FinalizedAt), "finalized_by": ColInt(r.FinalizedBy),
		"passed": ColBool(r.Passed), "updated_at": ColTime(r.UpdatedAt)}}
}

// PostedAt is when a ballot's count was posted: its early close, or its
// deadline.
func (b *Ballot) PostedAt() time.Time {
	if b.ClosedAt != nil && b.ClosedAt.Before(b.Deadline) {
		return *b.ClosedAt
	}
	return b.Deadline
}

// Window is the objection window: whole dates in Beijing time, from the
// day after posting (民法典 第二百零一条: a period in days does not count
// its first day) to the N-th day, ending at the midnight after To.
type Window struct {
	From   string    `json:"from"` // 2027-03-02
	To     string    `json:"to"`   // 2027-03-08, inclusive
	Days   int       `json:"days"`
	Posted time.Time `json:"posted_at"`
	Ends   time.Time `json:"ends_at"` // 00:00 Beijing time of the day after To
	Text   string    `json:"text"`    // 2027年3月2日至2027年3月8日
}

// ObjectionWindow is the window of a count posted at posted, days long.
func ObjectionWindow(posted time.Time, days int) Window {
	y, m, d := posted.In(Beijing).Date()
	from := time.Date(y, m, d+1, 0, 0, 0, 0, Beijing)
	to := time.Date(y, m, d+days, 0, 0, 0, 0, Beijing)
	return Window{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Days: days, Posted: posted.UTC(),
		Ends: to.AddDate(0, 0, 1).UTC(), Text: BeijingDate(from) + "至" + BeijingDate(to)}
}

// Starts is 00:00 Beijing time of the window's first day.
func (w *Window) Starts() time.Time { return w.Ends.AddDate(0, 0, -w.Days) }

// Runs says whether the window runs at now.
func (w *Window) Runs(now time.Time) bool { return !now.Before(w.Starts()) && now.Before(w.Ends) }

// BallotState is the state of ballot b at now, with its window once
// closed (nil while open).
func BallotState(b *Ballot, r *BallotResult, now time.Time) (string, *Window) {
	if r == nil {
		r = DefaultResult(b)
	}
	if b.Open(now) {
		return StateOpen, nil
	}
	w := ObjectionWindow(b.PostedAt(), r.ObjectionDays)
	switch {
	case r.FinalizedAt != nil:
		return StateFinal, &w
	case w.Runs(now):
		return StateObjections, &w
	}
	return StatePreliminary, &w
}

// StateText words a ballot's state at now for every page and paper:
// while open, a count is a snapshot — never "表决已通过".
func StateText(state string, t *TallyResult, w *Window, now time.Time) string {
	switch state {
	case StateOpen:
		if t.Passed {
			return "目前已达到通过条件（截止前仍可更改，以截止时统计为准）"
		}
		return "目前尚未达到通过条件：" + missing(t) + "（截止前仍可更改，以截止时统计为准）"
	case StateFinal:
		if t.Passed {
			return "表决结果（最终）：通过"
		}
		return "表决结果（最终）：未通过"
	}
	count := CountText(t)
	if now.Before(w.Ends) {
		return count + "。异议期为" + w.Text + "，期间可实名提出异议；逾期未提出异议的，视为无异议"
	}
	return count + "。异议期已于" + BeijingDate(w.Ends.Add(-time.Second)) + "结束，待确认最终结果"
}

// StateLabel is a state in a few words, for lists and stages.
func StateLabel(state string, passed bool) string {
	switch state {
	case StateOpen:
		return "表决中"
	case StateObjections:
		return "结果公示（异议期）"
	case StatePreliminary:
		return "表决已截止（初步统计）"
	}
	if passed {
		return "表决通过（最终结果）"
	}
	return "表决未通过（最终结果）"
}

// ResidentNote is what a household's page says of the state once the
// ballot is closed ("" while open), and whether it may object now.
func ResidentNote(state string, w *Window, now time.Time) (string, bool) {
	switch {
	case state == StateOpen:
		return "", false
	case state == StateFinal:
		return "表决结果已经公告，异议期已结束。", false
	case now.Before(w.Ends):
		return "表决已截止，初步统计结果公示中。异议期为" + w.Text + "：对统计结果有异议的，请在异议期内实名提出（写明姓名和理由），也可以当面向社区工作人员提出；逾期未提出异议的，视为无异议。", true
	}
	return "表决已截止，异议期（" + w.Text + "）已结束，等待公告最终结果。", false
}

// CountText words a closed ballot's count before the final result.
func CountText(t *TallyResult) string {
	if t.Passed {
		return "初步统计结果：达到通过条件"
	}
	return "初步统计结果：未达到通过条件"
}

// missing says what a count still lacks, without naming a household's vote.
func missing(t *TallyResult) string {
	var parts []string
	switch {
	case t.Needed == nil:
		parts = append(parts, "其余未表决的住户全部同意也不能达到表决规则的要求")
	case *t.Needed > 0:
		parts = append(parts, fmt.Sprintf("还需 %d 户同意", *t.Needed))
	}
	if n := len(t.MustConsentMissing); n > 0 {
		parts = append(parts, fmt.Sprintf("必须同意的 %s 尚未同意", strings.Join(t.MustConsentMissing, "、")))
	}
	if len(parts) == 0 {
		return "尚未满足表决规则"
	}
	return strings.Join(parts, "；")
}

// CanCloseEarly refuses to close a ballot before its deadline unless it is
// open and every household has decided (undecided: their rooms); the
// deadline closes it by itself.
func (b *Ballot) CanCloseEarly(now time.Time, undecided []string) error {
	if err := b.CanClose(now); err != nil {
		return err
	}
	if n := len(undecided); n > 0 {
		rooms := undecided
		if n > 10 {
			rooms = append(slices.Clone(undecided[:10]), "…")
		}
		return Errorf(ECodeConflict, "还有 %d 户尚未表决（%s），不能提前结束；表决将于 %s 自动截止", n, strings.Join(rooms, "、"), BeijingMinute(b.Deadline))
	}
	return nil
}

// Objection is a household's objection to the posted count (询异), with
// the real name of who objects and, once answered, the outcome; a
// correction names the decision it corrects and the vote to count.
type Objection struct {
	ID               int64      `db:"id" json:"id"`
	ProjectID        int64      `db:"project_id" json:"project_id"`
	BallotID         int64      `db:"ballot_id" json:"ballot_id"`
	HouseholdID      int64      `db:"household_id" json:"household_id"`
	Name             string     `db:"name" json:"name"`
	Reason           string     `db:"reason" json:"reason"`
	Channel          string     `db:"channel" json:"channel"`
	RecordedBy       int64      `db:"recorded_by" json:"recorded_by"` // the worker who entered it in person
	CreatedAt        time.Time  `db:"created_at" json:"created_at"`
	Outcome          string     `db:"outcome" json:"outcome"` // "" until answered
	Answer           string     `db:"answer" json:"answer"`
	AnsweredAt       *time.Time `db:"answered_at" json:"answered_at"`
	AnsweredBy       int64      `db:"answered_by" json:"answered_by"`
	CorrectsDecision int64      `db:"corrects_decision" json:"corrects_decision"`
	CorrectedVote    string     `db:"corrected_vote" json:"corrected_vote"`
	// Photo is what a household attached through its link (re-encoded);
	// PhotoType is set when there is one, which the worker opens at
	// …/photos/objection/{id}.
	Photo     []byte `db:"photo" json:"-"`
	PhotoType string `db:"photo_type" json:"photo_type"`
}

// Row is the image of an objection with its answer.
func (o *Objection) Row() Row {
	return Row{Table: TableObjections, ID: o.ID, Cols: map[string]string{
		"project_id": ColInt(o.ProjectID), "ballot_id": ColInt(o.BallotID), "household_id": ColInt(o.HouseholdID),
		"name": o.Name, "reason": o.Reason, "channel": o.Channel, "recorded_by": ColInt(o.RecordedBy),
		"created_at": ColTime(o.CreatedAt), "outcome": o.Outcome, "answer": o.Answer,
		"answered_at": ColTimePtr(o.AnsweredAt), "answered_by": ColInt(o.AnsweredBy),
		"corrects_decision": ColInt(o.CorrectsDecision), "corrected_vote": o.CorrectedVote,
		"photo": ColBlob(o.Photo), "photo_type": o.PhotoType}}
}

// Answered says whether the worker has answered the objection.
func (o *Objection) Answered() bool { return o.Outcome != "" }

// NewObjection checks an objection against the ballot's state at now: it
// may be raised once the count is posted (the posting day included: the
// period starts the next day, but a resident who reads the notice that day
// is heard) until the window ends, never anonymously.
func NewObjection(b *Ballot, r *BallotResult, householdID int64, name, reason, channel string, by int64, now time.Time) (*Objection, error) {
	state, w := BallotState(b, r, now)
	switch {
	case state == StateOpen:
		return nil, Errorf(ECodeConflict, "表决尚未截止（%s 截止），现在不能提出异议；截止前如有不同意见，可以更改本户的表决意见", BeijingMinute(b.Deadline))
	case state == StateFinal:
		return nil, Errorf(ECodeConflict, "表决结果已经公告，异议期已结束，不能再提出异议")
	case !now.Before(w.Ends):
		return nil, Errorf(ECodeConflict, "异议期（%s）已经结束，不能再提出异议", w.Text)
	}
	name, reason = strings.TrimSpace(name), strings.TrimSpace(reason)
	switch {
	case name == "":
		return nil, Invalidf("name", "请填写提出异议的人的真实姓名（不接受匿名异议）")
	case utf8.RuneCountInString(name) > maxObjectionName:
		return nil, Invalidf("name", "姓名不能超过 %d 个字", maxObjectionName)
	case reason == "":
		return nil, Invalidf("reason", "请写明异议的理由（例如哪一户的意见统计有误）")
	case utf8.RuneCountInString(reason) > maxObjectionReason:
		return nil, Invalidf("reason", "异议理由不能超过 %d 个字", maxObjectionReason)
	}
	return &Objection{ProjectID: b.ProjectID, BallotID: b.ID, HouseholdID: householdID, Name: name, Reason: reason,
		Channel: channel, RecordedBy: by, CreatedAt: now.UTC().Truncate(time.Microsecond)}, nil
}

// Correction is what an answer 更正 changes: the decision counted wrongly
// and the vote to count instead ("" when it must not count at all, e.g. a
// form signed by someone without authority).
type Correction struct {
	DecisionID int64
	Vote       string
}

// AnswerObjection answers o once, before the final result: 维持 with the
// reason, or 更正 with the reason and a correction of a decision counted
// now (counted: the decisions as the count stands, corrections applied).
func AnswerObjection(o *Objection, state, outcome, reason string, c *Correction, counted []*Decision, by int64, now time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case state == StateFinal:
		return Errorf(ECodeConflict, "表决结果已经公告，不能再答复异议")
	case o.Answered():
		return Errorf(ECodeConflict, "这条异议已于 %s 答复（%s），不能重复答复", BeijingMinute(*o.AnsweredAt), o.Outcome)
	case outcome != OutcomeUpheld && outcome != OutcomeCorrected:
		return Invalidf("outcome", "答复结果应为“维持”或“更正”")
	case reason == "":
		return Invalidf("reason", "请写明答复的理由")
	case utf8.RuneCountInString(reason) > maxObjectionAnswer:
		return Invalidf("reason", "答复理由不能超过 %d 个字", maxObjectionAnswer)
	case outcome == OutcomeUpheld && c != nil:
		return Invalidf("correction", "答复“维持”时不能更正表决意见；需要更正请选择“更正”")
	case outcome == OutcomeCorrected && c == nil:
		return Invalidf("correction", "答复“更正”时请说明更正哪一条表决意见（decision_id）以及更正后的意见")
	}
	if c != nil {
		switch c.Vote {
		case VoteAgree, VoteDisagree, VoteAbstain, VoteNone:
		default:
			return Invalidf("correction.vote", "更正后的意见“%s”无效，应为 agree（同意）、disagree（不同意）、abstain（弃权）或空（不计入）", c.Vote)
		}
		i := slices.IndexFunc(counted, func(d *Decision) bool { return d.ID == c.DecisionID })
		if i < 0 {
			return Invalidf("correction.decision_id", "表决意见 #%d 不是本次表决目前计入的意见，不能更正", c.DecisionID)
		}
		if counted[i].Vote == c.Vote {
			return Invalidf("correction.vote", "表决意见 #%d 目前计为“%s”，更正后的意见与之相同", c.DecisionID, VoteName(c.Vote))
		}
		o.CorrectsDecision, o.CorrectedVote = c.DecisionID, c.Vote
	}
	at := now.UTC().Truncate(time.Microsecond)
	o.Outcome, o.Answer, o.AnsweredAt, o.AnsweredBy = outcome, reason, &at, by
	return nil
}

// ApplyCorrections is the decisions a ballot counts: its latest decisions
// with every answered correction applied in the order they were answered
// (a correction to "" takes the decision out of the count).
func ApplyCorrections(latest []*Decision, objections []*Objection) []*Decision {
	var fixes []*Objection
	for _, o := range objections {
		if o.Outcome == OutcomeCorrected && o.CorrectsDecision != 0 {
			fixes = append(fixes, o)
		}
	}
	if len(fixes) == 0 {
		return latest
	}
	slices.SortStableFunc(fixes, func(a, b *Objection) int {
		if c := a.AnsweredAt.Compare(*b.AnsweredAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]*Decision, 0, len(latest))
	for _, d := range latest {
		vote, changed := d.Vote, false
		for _, o := range fixes {
			if o.CorrectsDecision == d.ID {
				vote, changed = o.CorrectedVote, true
			}
		}
		switch {
		case !changed:
			out = append(out, d)
		case vote != VoteNone:
			c := *d
			c.Vote = vote
			out = append(out, &c)
		}
	}
	return out
}

// CanFinalize refuses to announce the final result while open, before the
// window ends, when already announced, or with an objection unanswered.
func CanFinalize(state string, w *Window, objections []*Objection, now time.Time) error {
	switch state {
	case StateOpen:
		return Errorf(ECodeConflict, "表决尚未截止，不能确认最终结果")
	case StateFinal:
		return Errorf(ECodeConflict, "最终结果已经公告，不能重复确认")
	}
	if now.Before(w.Ends) {
		return Errorf(ECodeConflict, "异议期为%s，须到 %s 之后才能确认最终结果", w.Text, BeijingMinute(w.Ends))
	}
	var open []string
	for _, o := range objections {
		if !o.Answered() {
			open = append(open, fmt.Sprintf("#%d（%s）", o.ID, o.Name))
		}
	}
	if len(open) > 0 {
		return Errorf(ECodeConflict, "还有 %d 条异议尚未答复：%s；请先逐条答复（维持或更正）", len(open), strings.Join(open, "、"))
	}
	return nil
}

// Finalize records the final result of a ballot at now.
func (r *BallotResult) Finalize(passed bool, by int64, now time.Time) {
	at := now.UTC().Truncate(time.Microsecond)
	r.FinalizedAt, r.FinalizedBy, r.Passed, r.UpdatedAt = &at, by, passed, at
}

// BallotResultSaved is the event of a ballot's result record written: its
// window set at publishing, the count posted at an early close, or the
// final result announced (with the counts it announced).
func BallotResultSaved(r *BallotResult, step string, t *TallyResult, actor string, at time.Time) *AuditEvent {
	data := map[string]any{"ballot_id": r.BallotID, "step": step, "objection_days": r.ObjectionDays, "rows": []Row{r.Row()}}
	if t != nil {
		data["passed"] = t.Passed
		data["participation"] = t.Participation
		data["approval"] = t.Approval
	}
	return &AuditEvent{ProjectID: r.ProjectID, Kind: AuditBallotResult, Actor: actor, At: at, Data: AuditData(data)}
}

// ObjectionStep is the event of an objection received or answered, with
// its whole image; an answer 更正 names the decision it corrects.
func ObjectionStep(o *Objection, step, actor string, at time.Time) *AuditEvent {
	data := map[string]any{"objection_id": o.ID, "ballot_id": o.BallotID, "household_id": o.HouseholdID, "step": step,
		"rows": []Row{o.Row()}}
	if o.Outcome != "" {
		data["outcome"] = o.Outcome
	}
	if o.CorrectsDecision != 0 {
		data["corrects_decision"] = o.CorrectsDecision
		data["corrected_vote"] = o.CorrectedVote
	}
	return &AuditEvent{ProjectID: o.ProjectID, Kind: AuditObjection, Actor: actor, At: at, Data: AuditData(data)}
}

// LifecycleStore keeps ballots' result records and objections. It runs SQL
// in the workflow's unit of work and decides nothing.
type LifecycleStore interface {
	// BallotResult is a ballot's result record, or nil.
	BallotResult(ctx context.Context, projectID, ballotID int64) (*BallotResult, error)
	SaveBallotResult(ctx context.Context, r *BallotResult) error
	InsertObjection(ctx context.Context, o *Objection) error
	// Objections are a ballot's objections, oldest first.
	Objections(ctx context.Context, projectID, ballotID int64) ([]*Objection, error)
	Objection(ctx context.Context, projectID, id int64) (*Objection, error)
	SaveObjectionAnswer(ctx context.Context, o *Objection) error
}

// CheckFirstPayment refuses a plan whose first payment falls before its
// agreements can take effect: they take effect at the final result, which
// cannot be announced before the objection window of a count posted at
// posted (days long) has ended. field names what the worker changes.
func CheckFirstPayment(in *CalcInput, posted time.Time, days int, field string) error {
	if in == nil || in.Installments == nil {
		return nil
	}
	w := ObjectionWindow(posted, days)
	first := in.Installments.Start.Format(time.DateOnly) // a date as typed, no zone
	if first > w.To {
		return nil
	}
	earliest := w.Ends.In(Beijing)
	return Invalidf(field, "首付日期 %s 在表决最终结果之前：表决截止后还有 %d 天异议期（%s），协议自最终结果公告之日起生效；请把首付日期定在 %s 或以后",
		in.Installments.Start.Format("2006年1月2日"), days, w.Text, BeijingDate(earliest))
}
