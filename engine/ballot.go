package engine

import (
	"context"
	"encoding/json"
	"time"
)

// Ballot is the consent vote on one published scenario.
type Ballot struct {
	ID         int64
	ProjectID  int64
	ScenarioID int64
	SHA256     string          // the scenario every decision binds to
	Rule       json.RawMessage // tally rule: "civil_code_major" or a custom object
	Deadline   time.Time
	OpenedAt   time.Time
	ClosedAt   *time.Time
}

// Open reports whether decisions may still be recorded at now.
func (b *Ballot) Open(now time.Time) bool {
	return b.ClosedAt == nil && now.Before(b.Deadline)
}

// SigningLink lets one household act on one ballot. Only the hash of its
// token is stored; the link dies at its expiry or when revoked.
type SigningLink struct {
	ID          int64
	BallotID    int64
	HouseholdID int64
	TokenHash   string
	ExpiresAt   time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

// BallotStore keeps ballots and signing links.
type BallotStore interface {
	Ballot(ctx context.Context, id int64) (*Ballot, error)
	// CurrentBallot is the project's latest ballot.
	CurrentBallot(ctx context.Context, projectID int64) (*Ballot, error)
	CloseBallot(ctx context.Context, id int64, at time.Time) error
	// LinkByTokenHash finds a live (unrevoked) link.
	LinkByTokenHash(ctx context.Context, tokenHash string) (*SigningLink, error)
	Links(ctx context.Context, ballotID int64) ([]*SigningLink, error)
	// ReissueLink revokes the household's live link and stores a new one.
	ReissueLink(ctx context.Context, link *SigningLink, actor string) error
}
