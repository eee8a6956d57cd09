package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Witness keeps signed checkpoints outside the database (DESIGN §15).
type Witness interface {
	// Witness records checkpoints just committed, durably, before the
	// request that made them is answered.
	Witness(ctx context.Context, cps []*Checkpoint) error
	// Head is the latest checkpoint witnessed for a project.
	Head(projectID int64) (*Checkpoint, bool)
}

// WitnessQueue is a Witness that takes checkpoints in order at once and
// can be waited on later: a workflow answers only after the wait, but the
// next transaction need not wait for the witness's fsync.
type WitnessQueue interface {
	Enqueue(cps []*Checkpoint) func(ctx context.Context) error
}

// WitnessLag is how far an independent witness is behind: what it has
// not yet acknowledged, and when it last did.
type WitnessLag struct {
	URL       string    `json:"url"`
	Pending   int       `json:"pending"` // checkpoints not yet acknowledged
	LastOK    time.Time `json:"last_ok"` // zero: never
	LastError string    `json:"last_error,omitempty"`
}

// WitnessLags is a Witness that also posts to independent witnesses and
// can say how far each is behind (the console shows it).
type WitnessLags interface {
	Lag() []WitnessLag
}

// CheckWitnessed checks a chain against the checkpoints a witness holds
// for it: every witnessed head must be the chain's hash at that seq, and
// the chain must not end before the last witnessed seq. A database rolled
// back to an earlier, still consistent state passes every other check and
// fails this one.
func CheckWitnessed(events []*AuditEvent, witnessed []*Checkpoint) *AuditCheck {
	n := int64(len(events))
	sorted := slices.SortedFunc(slices.Values(witnessed), func(a, b *Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, c := range sorted {
		switch {
		case c.Seq <= 0:
			return &AuditCheck{Events: int(n), Reason: fmt.Sprintf("见证记录的序号 %d 不是正整数（见证记录有误）", c.Seq)}
		case c.Seq > n:
			var last *AuditEvent
			if n > 0 {
				last = events[n-1]
			}
			return &AuditCheck{Events: int(n), BrokenAt: last,
				Reason: fmt.Sprintf("见证记录到第%d条，而审计日志只有%d条（日志被回滚或截短）", c.Seq, n)}
		case events[c.Seq-1].Hash != c.Head:
			return &AuditCheck{Events: int(n), BrokenAt: events[c.Seq-1],
				Reason: fmt.Sprintf("第%d条事件的哈希与见证记录的不符（日志在见证之后被改写）", c.Seq)}
		}
	}
	return &AuditCheck{OK: true, Events: int(n), Checkpoints: len(witnessed)}
}
