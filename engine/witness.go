package engine

import "context"

// Witness keeps signed checkpoints outside the database (DESIGN §15).
type Witness interface {
	// Witness records checkpoints just committed, durably, before the
	// request that made them is answered.
	Witness(ctx context.Context, cps []*Checkpoint) error
	// Head is the latest checkpoint witnessed for a project.
	Head(projectID int64) (*Checkpoint, bool)
}
