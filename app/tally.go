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
	t, err := tallyBallot(pub, b, latest)
	if err != nil {
		return nil, err
	}
	return &ProjectTally{BallotTally: t, Ballot: b.ID, Rule: b.Rule, Deadline: b.Deadline, Open: b.Open(a.now())}, nil
}

// tallyBallot counts by the ballot's rule over the households it froze.
func tallyBallot(pub *PublishedBallot, b *engine.Ballot, latest []*engine.Decision) (*engine.BallotTally, error) {
	rule, err := engine.ParseRule(b.Rule)
	if err != nil {
		return nil, err
	}
	return engine.TallyBallot(pub.Project.Households, rule, latest)
}
