package engine

import (
	"encoding/json"
	"time"
)

// ResultNotice is the paper of a ballot's result (DESIGN §16): the 表决结果
// 公示 of the preliminary count with the objection window and channel, or,
// once final, the 表决结果公告 with the objections and their answers and
// lines for the 计票人 and 监票人. Owners and objectors are masked.
type ResultNotice struct {
	Project        *Project
	ScenarioName   string
	ScenarioSHA256 string
	Rule           Rule
	RuleText       string
	Tally          *TallyResult // as counted: corrections applied
	State          string
	StateText      string
	Window         Window
	ClosedEarly    bool // closed by the worker once every household decided
	Lines          []ResultLine
	Objections     []ResultObjection
	FinalizedAt    *time.Time // set on the 公告
	Contact        Contact
	Issuer         string // 发布单位, "" for a blank to fill in
	Anchor         Anchor // the event the paper rests on: the same on every copy
	KeyFingerprint string
	Printed        time.Time
}

// Final says whether the notice is the 表决结果公告.
func (n *ResultNotice) Final() bool { return n.FinalizedAt != nil }

// Effect words what the final result does to the agreements: they take
// effect at the 公告 when the vote passed, and not at all when it failed.
func (n *ResultNotice) Effect() string {
	if n.Tally != nil && n.Tally.Passed {
		return "各户签署的出资分摊协议及占用与补偿协议自本公告之日起生效，各户按协议所列日期出资。"
	}
	return "表决未达到通过条件，各户签署的协议不生效；已缴款项按协议约定全额退还。"
}

// ResultLine is one household's decision as counted and how it was made.
type ResultLine struct {
	Room, Owner string // Owner masked
	Vote        string // as counted
	How         string // 手机签署 / 纸质表决单（见证人：…）/ —
	Note        string // a correction: 经异议更正，原为…
}

// ResultObjection is one objection as the 公告 prints it.
type ResultObjection struct {
	Room, Name, Reason string // Name masked
	Outcome, Answer    string
	At                 time.Time
}

// DecisionHow words how a decision was made, for the 公示.
func DecisionHow(d *Decision) string {
	switch {
	case d == nil:
		return "—"
	case d.Method == DecisionPaper && d.Witness != "":
		return "纸质表决单（见证人：" + MaskName(d.Witness) + "）"
	case d.Method == DecisionPaper:
		return "纸质表决单"
	}
	return "手机签署"
}

// ResultAnchor is the event a ballot's result paper rests on, the same on
// every copy whenever printed: the ballot's finalize event once final; the
// event that posted the count when the worker closed early; else the last
// event before the deadline (nothing can join the chain before it later).
func ResultAnchor(events []*AuditEvent, ballotID int64, posted time.Time, closedEarly, final bool) Anchor {
	var a Anchor
	for _, e := range events {
		var d struct {
			BallotID int64  `json:"ballot_id"`
			Step     string `json:"step"`
		}
		switch {
		case final || closedEarly:
			step := ResultStepClosed
			if final {
				step = ResultStepFinalized
			}
			if e.Kind == AuditBallotResult && json.Unmarshal(e.Data, &d) == nil && d.BallotID == ballotID && d.Step == step {
				a = Anchor{Seq: e.Seq, Hash: e.Hash}
			}
		case e.At.Before(posted):
			a = Anchor{Seq: e.Seq, Hash: e.Hash}
		}
	}
	return a
}
