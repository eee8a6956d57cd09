package app

import (
	"context"
	"time"
)

// pruneEvery is how often a server deletes the shared limits' rows that no
// longer change an answer (a cheap indexed DELETE).
const pruneEvery = time.Minute

// SharedLimits reports whether the login guard and the request limits are
// counted in the database, together with every other server on it
// (PostgreSQL), rather than in this process.
func (a *App) SharedLimits() bool { return a.limits != nil }

// TakeToken spends one request of client from the limit named bucket —
// a token bucket of burst requests refilled at perSecond — counted in the
// database for every server on it. Only with SharedLimits; the clock is
// the App's.
func (a *App) TakeToken(ctx context.Context, bucket, client string, perSecond float64, burst int) (bool, error) {
	now := a.now().UTC().Truncate(time.Microsecond)
	ok, err := a.limits.TakeToken(ctx, bucket, client, perSecond, burst, now)
	if err != nil {
		return false, err
	}
	a.pruneLimits(ctx, now)
	return ok, nil
}

// pruneLimits deletes, at most once a minute per server, the buckets full
// again and the failed logins past the guard's window. A failure is only
// logged: the rows it leaves change no answer.
func (a *App) pruneLimits(ctx context.Context, now time.Time) {
	last := a.pruned.Load()
	if now.UnixMicro()-last < pruneEvery.Microseconds() && now.UnixMicro() >= last {
		return
	}
	if !a.pruned.CompareAndSwap(last, now.UnixMicro()) {
		return // another request of this server is pruning
	}
	if err := a.limits.PruneLimits(ctx, now, guardWindow); err != nil {
		a.logger.Warn("pruning the shared limits failed", "error", err.Error())
	}
}

// sharedFailures are the failed logins in the database (engine.LimitStore),
// pruned as the request limits are.
type sharedFailures struct{ a *App }

func (f sharedFailures) LoginFailures(ctx context.Context, username string, since time.Time) ([]time.Time, error) {
	return f.a.limits.LoginFailures(ctx, username, since)
}

func (f sharedFailures) AddLoginFailure(ctx context.Context, username string, at time.Time) error {
	if err := f.a.limits.AddLoginFailure(ctx, username, at); err != nil {
		return err
	}
	f.a.pruneLimits(ctx, at)
	return nil
}

func (f sharedFailures) ClearLoginFailures(ctx context.Context, username string) error {
	return f.a.limits.ClearLoginFailures(ctx, username)
}
