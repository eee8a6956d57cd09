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
	// TakeToken spends one token of client's bucket named bucket at now,
	// atomically: a token bucket holding at most burst tokens, refilled at
	// perSecond (golang.org/x/time/rate's rule, full at first). It reports
	// false, spending nothing, when the bucket holds less than one token.
	TakeToken(ctx context.Context, bucket, client string, perSecond float64, burst int, now time.Time) (bool, error)
	// PruneLimits deletes the buckets that are full again at now and the
	// failed logins older than now-loginWindow: rows that no longer
	// change an answer.
	PruneLimits(ctx context.Context, now time.Time, loginWindow time.Duration) error
}
