package engine

import (
	"context"
	"time"
)

// LimitStore keeps what bounds attempts in the database — the failed
// logins of each account and the request buckets of each client — so that
// every server on one database counts together: two servers must not give
// twice the guesses at a password. PostgreSQL only; with SQLite (one
// server) the limits stay in the process.
type LimitStore interface {
	// LoginFailures lists the failed logins of username at or after
	// since, oldest first.
	LoginFailures(ctx context.Context, username string, since time.Time) ([]time.Time, error)
	// AddLoginFailure records a failed login of username at at.
	AddLoginFailure(ctx context.Context, username string, at time.Time) error
	// ClearLoginFailures forgets the failed logins of username.
	ClearLoginFailures(ctx context.Context, username string) error
	// TakeTokens takes up to want tokens of client's bucket named bucket
	// at now, atomically, and says how many it took: a token bucket
	// holding at most burst tokens, refilled at perSecond
	// (golang.org/x/time/rate's rule, full at first). It takes only whole
	// tokens, never more than the bucket holds; 0 when it holds less
	// than one.
	TakeTokens(ctx context.Context, bucket, client string, perSecond float64, burst, want int, now time.Time) (int, error)
	// PruneLimits deletes the buckets that are full again at now and the
	// failed logins older than now-loginWindow: rows that no longer
	// change an answer.
	PruneLimits(ctx context.Context, now time.Time, loginWindow time.Duration) error
}

// A TokenLease is the tokens one server took from a shared bucket in one
// statement (LimitStore.TakeTokens) and spends in process, so that a busy
// client costs the database one statement per LeaseSize requests instead
// of one each. What a lease holds was taken from the bucket: the servers
// together never spend more than the bucket gave. The slack is in time:
// while a server holds the rest of a lease the bucket refills behind it,
// so N servers may together allow, in any T seconds,
//
//	burst + perSecond·T + N·(LeaseSize(burst)−1)
//
// — the request that takes a lease spends one of it at once, so a server
// never holds more than LeaseSize−1. With a burst under 17 a lease is one
// token and the shared count is exact. A lease not spent within
// LeaseLifetime is dropped, never given back: it errs on refusing.
type TokenLease struct {
	Left  int       // tokens still to spend
	Taken time.Time // when they were taken from the bucket
}

// LeaseLifetime is how long the tokens of a lease stay spendable.
const LeaseLifetime = time.Second

// leaseShare is the part of the burst one lease may take: 1/16, so two
// servers add at most an eighth of the burst.
const leaseShare = 16

// LeaseSize is how many tokens a server takes from a bucket of burst at a
// time: a sixteenth of the burst, at least one.
func LeaseSize(burst int) int {
	return max(1, (burst+leaseShare-1)/leaseShare)
}

// Spend spends one token of the lease at now, if it has one and has not
// expired (a clock gone back expires it too: the bucket decides).
func (l *TokenLease) Spend(now time.Time) bool {
	if l.Expired(now) {
		return false
	}
	l.Left--
	return true
}

// Expired reports whether the lease can no longer be spent at now.
func (l *TokenLease) Expired(now time.Time) bool {
	return l.Left <= 0 || now.Before(l.Taken) || !now.Before(l.Taken.Add(LeaseLifetime))
}
