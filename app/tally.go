package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/renovote/renovote/engine"
)

// ProjectTally is the live count of a project's current ballot.
type ProjectTally struct {
	*engine.BallotTally
	Ballot   int64           `json:"ballot"`
	Rule     json.RawMessage `json:"rule"`
	Deadline time.Time       `json:"deadline"`
	Open     bool            `json:"open"`
}

// Tally counts the latest decisions of the project's current ballot.
func (a *App) Tally(ctx context.Context, w *engine.Worker, projectID int64) (*ProjectTally, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	latest, err := a.store.LatestDecisions(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	t, err := tallyBallot(pub, latest)
	if err != nil {
		return nil, err
	}
	now := a.now()
	return &ProjectTally{BallotTally: t, Ballot: b.ID, Rule: pub.RuleJSON, Deadline: pub.Deadline, Open: b.ClosedAt == nil && now.Before(pub.Deadline)}, nil
}

// tallyBallot counts by the rule the ballot froze over the households it
// froze: its snapshot, never today's rows.
func tallyBallot(pub *PublishedBallot, latest []*engine.Decision) (*engine.BallotTally, error) {
	return engine.TallyBallot(pub.Project.Households, pub.Rule, latest)
}
