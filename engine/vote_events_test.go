package engine

import (
	"testing"
	"time"
)

func TestCheckLinkIssued(t *testing.T) {
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	l := &SigningLink{ID: 7, BallotID: 3, HouseholdID: 11, TokenHash: "aa", ExpiresAt: at, CreatedAt: at}
	issued := LinkIssued(1, l, nil, "worker:1", at)
	issued.Seq = 9
	other := *l
	other.TokenHash = "bb"
	legacy := &AuditEvent{ProjectID: 1, Seq: 4, Kind: AuditLinkIssued, Data: AuditData(map[string]any{"ballot_id": 3, "household_id": 11, "link_id": 7})}
	for _, tc := range []struct {
		name    string
		e       *AuditEvent
		project int64
		link    *SigningLink
		ok      bool
	}{
		{"the event that issued it", issued, 1, l, true},
		{"another token in the row", issued, 1, &other, false},
		{"another project's event", issued, 2, l, false},
		{"legacy event naming the id", legacy, 1, l, true},
		{"legacy event of another link", legacy, 1, &SigningLink{ID: 8, BallotID: 3, HouseholdID: 11}, false},
		{"an event of another kind", ScenarioSaved(&Scenario{ID: 1, ProjectID: 1}, "worker:1", at), 1, l, false},
		{"no event", nil, 1, l, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckLinkIssued(tc.e, tc.project, tc.link); (got == nil) != tc.ok {
				t.Errorf("got %v, want ok %v", got, tc.ok)
			}
		})
	}
	if got := LegacyLinkEvent([]*AuditEvent{issued, legacy}, l); got != legacy {
		t.Errorf("legacy event = %v, want the one without images", got)
	}
}
