package app

import (
	"context"
	"time"

	"github.com/renovote/renovote/engine"
)

// linkQuota refuses (rate_limited, 429) an event through a household's
// link once the link has added engine.LinkEventsPerDay events to the
// project's chain since the start of the Beijing day of now. Call it
// inside the unit of work that will append the event: it locks the
// project's chain first, so that links writing at once are counted one
// after the other. Decisions, feedback and ratings share the one quota.
func (a *App) linkQuota(ctx context.Context, projectID, householdID int64, now time.Time) error {
	if err := a.lockChain(ctx, projectID); err != nil {
		return err
	}
	used, err := a.store.ActorEventsSince(ctx, projectID, engine.HouseholdActor(householdID), engine.BeijingDayStart(now))
	if err != nil {
		return err
	}
	return engine.CheckLinkQuota(used)
}

// lockChain locks a project's chain head for the rest of the unit of work
// (extend locks it again, which the same transaction already holds): a
// workflow that decides from what it reads — whether a message is closed,
// how many events a link added today — reads after the lock, so that two
// requests at once cannot both pass.
func (a *App) lockChain(ctx context.Context, projectID int64) error {
	_, _, err := a.store.LockChain(ctx, projectID)
	return err
}
