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
	// Anchor is the chain's head when printed, KeyFingerprint the key
	// that signs the chain: 存证 第 N 条 · 3f9a… (docs/lifecycle.md).
	Anchor         Anchor
	KeyFingerprint string
}

// Booklet is the meeting booklet: a cover with the plan and the tally, one
// agreement per household in room order, and the audit page.
type Booklet struct {
	Agreements     []*Agreement // one per household; sorted by room here
	Tally          *TallyResult
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
	Tally          *TallyResult
	Rule           Rule
	RuleText       string
	Published      time.Time
	Deadline       time.Time
	SummaryURL     string // the project's public summary, as a QR code
	Office         string // where to object
	Anchor         Anchor
	KeyFingerprint string
}

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

// Printer renders the printed paper. Unprintable names the first
// character of text the embedded font cannot print ("" when all can be),
// so that such text is refused where it is entered.
type Printer interface {
	Agreement(w io.Writer, a *Agreement) error
	Booklet(w io.Writer, b *Booklet) error
	Notice(w io.Writer, n *Notice) error
	SurveyReport(w io.Writer, s *SurveyReport) error
	Unprintable(text string) string
}
