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
	if _, err := a.lock(ctx, projectID); err != nil {
		return err
	}
	used, err := a.store.ActorEventsSince(ctx, projectID, engine.HouseholdActor(householdID), engine.BeijingDayStart(now))
	if err != nil {
		return err
	}
	return engine.CheckLinkQuota(used, a.linkQuotaPerDay)
}
