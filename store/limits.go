package store

import (
	"context"
	"fmt"
	"time"

	"github.com/renovote/renovote/engine"
)

// SharedLimits is where the login guard and the request limits are
// counted when several servers share this database: the database itself
// on PostgreSQL; nil on SQLite, whose one server keeps them in process.
func (s *Store) SharedLimits() engine.LimitStore {
	if s.dialect != Postgres {
		return nil
	}
	return limits{s}
}

// limits runs engine.LimitStore on PostgreSQL. Each method is one
// statement outside any unit of work: a counter, not a record.
type limits struct{ s *Store }

var _ engine.LimitStore = limits{}

func (l limits) LoginFailures(ctx context.Context, username string, since time.Time) ([]time.Time, error) {
	var at []time.Time
	err := l.s.db.SelectContext(ctx, &at, `SELECT at FROM login_failures WHERE username = $1 AND at >= $2 ORDER BY at`, username, since.UTC())
	return at, l.s.mapError(err)
}

func (l limits) AddLoginFailure(ctx context.Context, username string, at time.Time) error {
	_, err := l.s.db.ExecContext(ctx, `INSERT INTO login_failures (username, at) VALUES ($1, $2)`, username, at.UTC())
	return l.s.mapError(err)
}

func (l limits) ClearLoginFailures(ctx context.Context, username string) error {
	_, err := l.s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE username = $1`, username)
	return l.s.mapError(err)
}

// takeTokens is one upsert, so that concurrent requests on any server
// queue on the bucket's row and each sees the one before it. The SET
// expressions read the row as it was: refilled is its tokens plus what the
// time since grew, capped at the burst; granted the whole tokens taken of
// it, at most the wanted. ($1 bucket, $2 client, $3 burst, $4 tokens a
// second, $5 now, $6 wanted.)
var takeTokens = func() string {
	const refilled = `LEAST($3::float8, b.tokens + $4::float8 * GREATEST(0, EXTRACT(EPOCH FROM ($5::timestamptz - b.at))::float8))`
	const granted = `LEAST($6::float8, FLOOR(` + refilled + `))`
	const left = `(` + refilled + ` - ` + granted + `)`
	const fullAt = `($3::float8 - %s) / $4::float8 * interval '1 second'`
	const first = `LEAST($6::float8, $3::float8)`
	return `INSERT INTO rate_buckets AS b (bucket, client, tokens, at, granted, full_at)
		VALUES ($1, $2, $3::float8 - ` + first + `, $5::timestamptz, ` + first + `::int, $5::timestamptz + ` + fmt.Sprintf(fullAt, `($3::float8 - `+first+`)`) + `)
		ON CONFLICT (bucket, client) DO UPDATE SET
			tokens = ` + left + `,
			granted = ` + granted + `::int,
			at = GREATEST(b.at, $5::timestamptz),
			full_at = GREATEST(b.at, $5::timestamptz) + ` + fmt.Sprintf(fullAt, left) + `
		RETURNING granted`
}()

func (l limits) TakeTokens(ctx context.Context, bucket, client string, perSecond float64, burst, want int, now time.Time) (int, error) {
	var granted int
	err := l.s.db.GetContext(ctx, &granted, takeTokens, bucket, client, float64(burst), perSecond, now.UTC(), float64(want))
	return granted, l.s.mapError(err)
}

func (l limits) PruneLimits(ctx context.Context, now time.Time, loginWindow time.Duration) error {
	now = now.UTC()
	if _, err := l.s.db.ExecContext(ctx, `DELETE FROM rate_buckets WHERE full_at <= $1`, now); err != nil {
		return l.s.mapError(err)
	}
	_, err := l.s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, now.Add(-loginWindow))
	return l.s.mapError(err)
}
