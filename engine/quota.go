package engine

import (
	"context"
	"time"
)

// Bounded by design (DESIGN §15): a household's link is a credential in
// anyone's hands who holds the paper slip, so what it may add to the chain
// is bounded — a few events a day, counted in the chain itself.

// LinkEventsPerDay is how many events a household's link may add to its
// project's chain in one Beijing day (decisions, feedback, ratings): more
// than a household needs, few enough that a leaked link cannot grow the
// chain.
const LinkEventsPerDay = 10

// LinkQuotaStore counts what an actor added to a chain.
type LinkQuotaStore interface {
	// ActorEventsSince counts the events of a project's chain whose actor
	// is actor, at or after since.
	ActorEventsSince(ctx context.Context, projectID int64, actor string, since time.Time) (int, error)
}

// BeijingDayStart is the first instant of t's day in Beijing, in UTC.
func BeijingDayStart(t time.Time) time.Time {
	y, m, d := t.In(Beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Beijing).UTC()
}

// CheckLinkQuota refuses the next event of a link that has added used
// events today (rate_limited, 429).
func CheckLinkQuota(used, limit int) error {
	if used < limit {
		return nil
	}
	return Errorf(ECodeRateLimited, "您家的链接今天已提交 %d 次（每天最多 %d 次），请明天再试；如有急事请直接联系社区工作人员", used, limit)
}
