package engine

import (
	"strings"
	"testing"
	"time"
)

// chainOf builds a valid chain of n events.
func chainOf(n int) []*AuditEvent {
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	prev := GenesisHash
	var events []*AuditEvent
	for i := 1; i <= n; i++ {
		e := &AuditEvent{ProjectID: 7, Seq: int64(i), Kind: AuditDecision, Actor: ActorOperator, Data: []byte(`{}`), At: at, PrevHash: prev}
		e.Hash = ChainHash(prev, e.Canonical())
		prev = e.Hash
		events = append(events, e)
	}
	return events
}

func TestCheckWitnessed(t *testing.T) {
	events := chainOf(5)
	at := func(seq int64) *Checkpoint { return &Checkpoint{ProjectID: 7, Seq: seq, Head: events[seq-1].Hash} }
	other := &Checkpoint{ProjectID: 7, Seq: 3, Head: strings.Repeat("ab", 32)}
	for _, tc := range []struct {
		name      string
		events    []*AuditEvent
		witnessed []*Checkpoint
		want      string // "" when the check holds, else a part of the reason
	}{
		{"nothing witnessed", events, nil, ""},
		{"heads on the chain", events, []*Checkpoint{at(2), at(5)}, ""},
		{"chain grew after the witness", events, []*Checkpoint{at(3)}, ""},
		{"order of witnessed does not matter", events, []*Checkpoint{at(5), at(1)}, ""},
		{"head rewritten", events, []*Checkpoint{at(2), other}, "第3条事件的哈希与见证记录的不符"},
		{"rolled back", events[:3], []*Checkpoint{at(2), at(5)}, "见证记录到第5条，而审计日志只有3条"},
		{"empty chain witnessed", nil, []*Checkpoint{at(1)}, "见证记录到第1条，而审计日志只有0条"},
		{"bad seq", events, []*Checkpoint{{Seq: 0}}, "不是正整数"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckWitnessed(tc.events, tc.witnessed)
			if tc.want == "" {
				if !got.OK || got.Checkpoints != len(tc.witnessed) {
					t.Fatalf("got %+v, want ok with %d checkpoints", got, len(tc.witnessed))
				}
				return
			}
			if got.OK || !strings.Contains(got.Reason, tc.want) {
				t.Fatalf("got %+v, want a failure with %q", got, tc.want)
			}
		})
	}
}
