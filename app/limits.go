package app

import (
	"context"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
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
// the App's. The tokens come from the database a lease at a time
// (engine.TokenLease: LeaseSize of the burst in one statement) and are
// spent here, so a busy client costs the database one statement per
// lease rather than one per request; engine.TokenLease states the bound
// this keeps over N servers.
func (a *App) TakeToken(ctx context.Context, bucket, client string, perSecond float64, burst int) (bool, error) {
	now := a.now().UTC().Truncate(time.Microsecond)
	l := a.leases.of(bucket, client)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Spend(now) {
		return true, nil
	}
	n, err := a.limits.TakeTokens(ctx, bucket, client, perSecond, burst, engine.LeaseSize(burst), now)
	if err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	l.TokenLease = engine.TokenLease{Left: n - 1, Taken: now} // this request spends one
	a.pruneLimits(ctx, now)
	return true, nil
}

// leases are this server's leases of the shared buckets, by bucket and
// client. A request waits on its client's lease while that is refilled,
// so one server sends one statement at a time per bucket and client.
type leases struct {
	mu sync.Mutex
	m  map[[2]string]*lease
}

type lease struct {
	mu sync.Mutex
	engine.TokenLease
}

func (ls *leases) of(bucket, client string) *lease {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.m == nil {
		ls.m = map[[2]string]*lease{}
	}
	k := [2]string{bucket, client}
	l := ls.m[k]
	if l == nil {
		l = &lease{}
		ls.m[k] = l
	}
	return l
}

// forgetExpired drops the leases that can no longer be spent at now (a
// lease dropped while refilled only loses its tokens: it errs on refusing).
func (ls *leases) forgetExpired(now time.Time) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for k, l := range ls.m {
		if l.mu.TryLock() {
			if l.Expired(now) {
				delete(ls.m, k)
			}
			l.mu.Unlock()
		}
	}
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
	a.leases.forgetExpired(now)
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
