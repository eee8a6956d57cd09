package engine

import (
	"io"
	"time"
)

// The printed paper: what each document holds. The workflows (app) fill
// these from the records; a Printer (the pdf package) lays them out.

// Agreement is everything one household's agreement prints.
type Agreement struct {
	Project   *Project
	Household Household
	Scenario  *Scenario
	Input     *CalcInput
	Result    *CalcResult
	RuleText  string
	Deadline  time.Time
	Decision  *Decision // nil: blank lines to sign on paper
	VerifyURL string    // {base-url}/verify/{code} when decided
	// SummaryURL is the project's public page, where an unsigned copy's
	// plan fingerprint can be checked.
	SummaryURL string
	// Anchor is the agreement's own event — the decision's when signed,
	// else the plan's publishing — so every copy prints the same 存证
	// line; KeyFingerprint is the key that signs the chain: 存证 第 N 条 ·
	// 3f9a… (docs/lifecycle.md).
	Anchor         Anchor
	KeyFingerprint string
	// Contract is the worker's copy to sign on paper: the owner's phone in
	// full and blanks for 身份证号 and 不动产权证号. The household's own
	// download (and the booklet) masks the phone and has no blanks.
	Contract bool
	// Final is the ballot's result record: the agreement takes effect at
	// the final result (nil or not finalized: not yet announced).
	Final *BallotResult
}

// Effect words when the agreement takes effect: at the final result,
// announced or still to come.
func (a *Agreement) Effect() string {
	r := a.Final
	switch {
	case r == nil || r.FinalizedAt == nil:
		return "自本单元表决最终结果公告之日起生效"
	case r.Passed:
		return "自本单元表决最终结果公告之日（" + BeijingDate(*r.FinalizedAt) + "）起生效"
	}
	return "本单元表决最终结果（" + BeijingDate(*r.FinalizedAt) + "公告）为未通过，本协议不生效"
}

// OccupancyOnly says a household pays nothing and its part of the
// building is occupied by the lift (it must consent): it signs a 占用与
// 补偿协议, without the refund and overrun clauses of those who pay.
func (a *Agreement) OccupancyOnly(row HouseholdShare) bool {
	return a.Household.MustConsent && row.Due == 0
}

// SignInSheet is the 签到表 of a residents' meeting: one row per household
// of the project (masked owner), with room to sign and the time.
type SignInSheet struct {
	Project *Project // with its households
	Printed time.Time
}

// Card is the 明白卡: one page to hand out before any vote — what is
// built, what it costs, where the money comes from, what each floor
// pays, when things happen and whom to ask.
type Card struct {
	Project    *Project
	Scenario   *Scenario
	Input      *CalcInput
	Result     *CalcResult
	Published  bool      // the plan is the one put to the vote
	Deadline   time.Time // the vote closes; zero before publishing
	Stages     []Stage   // the works' stages with their planned days
	Contact    Contact
	SummaryURL string // the project's public page, as a QR code
	Printed    time.Time
}

// PaperBallots are the 表决票 of a published plan, one per household,
// each with a QR code that opens the console's paper-decision form for
// that household.
type PaperBallots struct {
	Project  *Project // as published, with its households
	Scenario *Scenario
	Result   *CalcResult
	RuleText string
	Deadline time.Time
	FormURL  func(householdID int64) string
	Printed  time.Time
}

// Booklet is the meeting booklet: a cover with the plan and the tally, one
// agreement per household in room order, and the audit page.
type Booklet struct {
	Agreements     []*Agreement // one per household; sorted by room here
	Tally          *TallyResult
	StateText      string // where the vote stands (StateText): never "表决已通过" while open
	Rule           Rule
	Audit          *AuditCheck
	Decisions      []*Decision // latest per household
	Printed        time.Time
	Anchor         Anchor
	KeyFingerprint string
}

// Notice is the 公示 for the bulletin board: no names, no phones.
type Notice struct {
	Project        *Project
	Scenario       *Scenario
	Input          *CalcInput
	Result         *CalcResult
	Rule           Rule
	RuleText       string
	Published      time.Time // the vote opened
	Deadline       time.Time // the vote closes
	Printed        time.Time // the notice is issued
	Days           int       // 公示期 in whole days from the issue date
	SummaryURL     string    // the project's public summary, as a QR code
	Contact        Contact   // where to object
	Anchor         Anchor
	KeyFingerprint string
}

// DefaultNoticeDays is the 公示期 when the worker sets none.
const DefaultNoticeDays = 10

// SurveyReport is a questionnaire's results for the 公示 board: charts
// and tables, the response rate, no names and no free texts.
type SurveyReport struct {
	Project    *Project
	Title      string
	Questions  []Question
	Result     *SurveyResult
	Answered   int
	Households int
	Projects   int // > 1: a whole 小区
	Deadline   time.Time
	Printed    time.Time
}

// Receipt is a 收据 for one money record.
type Receipt struct {
	Project   *Project
	Household Household
	Payment   *Payment
	Reversed  *Payment // the record a reversal cancels
	// Recorder is the real name of the worker who received the money
	// (Worker.RealName): "" leaves a line to sign by hand.
	Recorder string
	// Payee is the 收款单位: the project's account name, else 甲方.
	Payee string
	// Dues is the household's schedule, Covers what the payment pays of
	// it and Owed what is still owed after it (ReceiptStanding).
	Dues      []Due
	Covers    []DueCover
	Owed      Fen
	VerifyURL string
	// Anchor is the record's own event in the chain: every print of the
	// receipt prints the same 存证 line.
	Anchor         Anchor
	KeyFingerprint string
	Printed        time.Time
}

// Statement is the 收支公示: income by source, spending by item, the
// balance, dated lines; no personal data.
type Statement struct {
	Project        *Project
	Budget         Fen // the plan's total cost
	Incomes        []StatementLine
	Expenses       []StatementLine
	In, Out        Fen
	Balance        Fen
	BySource       map[string]Fen
	Collection     *Collection // what households owe and paid; nil before a plan is published
	Printed        time.Time
	PublicURL      string
	Anchor         Anchor
	KeyFingerprint string
}

// StatementLine is one dated line of the statement.
type StatementLine struct {
	Day    string
	Source string // income: 居民出资 / 政府补贴 / 社会筹集 / 其他; expense: who was paid
	What   string
	Amount Fen
}

// ProgressReport is the progress 公示: the stage timeline, supervision,
// feedback and money figures; no names, phones or feedback texts.
type ProgressReport struct {
	Project        *Project
	Progress       *Progress
	Supervisors    []Supervisor // the supervision group: names and roles (phones are not printed)
	OpenIssues     []OpenIssue
	Collection     *Collection // what households owe and paid; nil before a plan is published
	Printed        time.Time
	PublicURL      string
	Anchor         Anchor
	KeyFingerprint string
}

// Printer renders the printed paper. Unprintable names the first
// character of text the embedded font cannot print ("" when all can be),
// so that such text is refused where it is entered.
type Printer interface {
	Agreement(w io.Writer, a *Agreement) error
	Booklet(w io.Writer, b *Booklet) error
	Notice(w io.Writer, n *Notice) error
	SurveyReport(w io.Writer, s *SurveyReport) error
	Receipt(w io.Writer, r *Receipt) error
	Statement(w io.Writer, s *Statement) error
	ProgressReport(w io.Writer, p *ProgressReport) error
	SignIn(w io.Writer, s *SignInSheet) error
	Card(w io.Writer, c *Card) error
	Ballots(w io.Writer, b *PaperBallots) error
	// Slips are the households' signing links on cut-apart slips.
	Slips(w io.Writer, s *SlipSheet) error
	// Result is the 表决结果公示 or, once final, the 表决结果公告.
	Result(w io.Writer, n *ResultNotice) error
	// ShareCertificate is the 加装电梯费用分摊证明 for the 公积金 centre.
	ShareCertificate(w io.Writer, c *ShareCertificate) error
	Unprintable(text string) string
}
