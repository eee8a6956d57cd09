package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestLimitsStayInProcessOnSQLite: a SQLite database has one server, whose
// limits are its own.
func TestLimitsStayInProcessOnSQLite(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	if l := s.SharedLimits(); l != nil {
		t.Errorf("SQLite shares its limits: %T", l)
	}
}

// TestLimitTokensUnderConcurrency: two stores on one PostgreSQL (two
// servers) and 64 goroutines hammering one client's bucket at one instant
// take exactly its burst in all, one token or a lease of several at a time
// (the last lease is cut to what is left); another client and another
// bucket are apart.
func TestLimitTokensUnderConcurrency(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	servers := []*store.Store{storetest.Open(t, dsn), storetest.Open(t, dsn)}
	now := storetest.Epoch
	const burst = 30
	for _, want := range []int{1, 4} {
		client := fmt.Sprintf("203.0.113.%d", want)
		var taken, refused atomic.Int64
		var wg sync.WaitGroup
		for g := range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := servers[g%2].SharedLimits()
				for range 4 {
					n, err := l.TakeTokens(ctx, "sign", client, 10, burst, want, now)
					if err != nil {
						t.Error(err)
						return
					}
					if n < 0 || n > want {
						t.Errorf("took %d tokens, asked for %d", n, want)
					}
					taken.Add(int64(n))
					if n == 0 {
						refused.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if got := taken.Load(); got != burst {
			t.Errorf("leases of %d: %d tokens taken by 256 requests, want %d (refused %d)", want, got, burst, refused.Load())
		}
	}
	l := servers[0].SharedLimits()
	for _, c := range []struct{ bucket, client string }{{"sign", "203.0.113.8"}, {"feedback", "203.0.113.1"}} {
		if n, err := l.TakeTokens(ctx, c.bucket, c.client, 10, burst, 1, now); err != nil || n != 1 {
			t.Errorf("%s of %s held back by another's bucket: %v %v", c.bucket, c.client, n, err)
		}
	}
}

// TestLimitTokensRefill: the bucket refills at its rate from the time it
// is given (golang.org/x/time/rate's rule), a refused request spends
// nothing, and a clock that goes back adds nothing.
func TestLimitTokensRefill(t *testing.T) {
	l := storetest.Open(t, storetest.DSN(t, store.Postgres)).SharedLimits()
	start := storetest.Epoch
	take := func(at time.Duration) bool {
		t.Helper()
		n, err := l.TakeTokens(ctx, "feedback", "198.51.100.1", 1.0/60, 5, 1, start.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	for _, step := range []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {0, true}, {0, true}, {0, true}, {0, true}, // the burst
		{0, false}, {30 * time.Second, false}, // half a token
		{59 * time.Second, false}, {-time.Hour, false}, // the clock going back adds nothing
		{61 * time.Second, true}, {62 * time.Second, false}, // one a minute
		{123 * time.Second, true},
		{time.Hour, true}, {time.Hour, true}, {time.Hour, true}, {time.Hour, true}, {time.Hour, true}, {time.Hour, false}, // full again, never more than the burst
	} {
		if got := take(step.at); got != step.want {
			t.Fatalf("at +%v: allowed %v, want %v", step.at, got, step.want)
		}
	}
}

// TestLimitLeaseTakesWholeTokens: a lease takes what it asks for while
// the bucket holds it, then what is left, in whole tokens, then nothing
// until a whole token has grown again.
func TestLimitLeaseTakesWholeTokens(t *testing.T) {
	l := storetest.Open(t, storetest.DSN(t, store.Postgres)).SharedLimits()
	start := storetest.Epoch
	for _, step := range []struct {
		at         time.Duration
		want, took int
	}{
		{0, 3, 3}, {0, 3, 2}, {0, 3, 0},
		{1500 * time.Millisecond, 3, 1}, // 1.5 tokens grew: one whole
		{2 * time.Second, 3, 1},         // the half kept and half grown
		{time.Minute, 10, 5},            // never more than the burst
	} {
		got, err := l.TakeTokens(ctx, "public", "198.51.100.9", 1, 5, step.want, start.Add(step.at))
		if err != nil {
			t.Fatal(err)
		}
		if got != step.took {
			t.Fatalf("at +%v asking %d: took %d, want %d", step.at, step.want, got, step.took)
		}
	}
}

// TestLoginFailuresShared: the failed logins of an account, as any server
// on the database recorded them, within a window; cleared by a login.
func TestLoginFailuresShared(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a, b := storetest.Open(t, dsn).SharedLimits(), storetest.Open(t, dsn).SharedLimits()
	start := storetest.Epoch
	for i := range 6 {
		l := a
		if i%2 == 1 {
			l = b
		}
		if err := l.AddLoginFailure(ctx, "li", start.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddLoginFailure(ctx, "wang", start); err != nil {
		t.Fatal(err)
	}
	got, err := b.LoginFailures(ctx, "li", start.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Time{start.Add(2 * time.Minute), start.Add(3 * time.Minute), start.Add(4 * time.Minute), start.Add(5 * time.Minute)}; fmt.Sprint(utc(got)) != fmt.Sprint(want) {
		t.Errorf("failures since +2m: %v, want %v", got, want)
	}
	if err := a.ClearLoginFailures(ctx, "li"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.LoginFailures(ctx, "li", start); len(got) != 0 {
		t.Errorf("cleared, yet %v", got)
	}
	if got, _ := b.LoginFailures(ctx, "wang", start); len(got) != 1 {
		t.Errorf("another account's failures: %v", got)
	}
}

// TestPruneLimits: the buckets full again and the failures past the window
// go; the others stay.
func TestPruneLimits(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.Postgres))
	l := s.SharedLimits()
	start := storetest.Epoch
	for _, c := range []string{"a", "b"} {
		for range 3 {
			if _, err := l.TakeTokens(ctx, "login", c, 1, 3, 1, start); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := l.TakeTokens(ctx, "login", "b", 1, 3, 1, start.Add(2*time.Second)); err != nil { // b: empty again at +2s
		t.Fatal(err)
	}
	for _, at := range []time.Duration{0, 10 * time.Minute} {
		if err := l.AddLoginFailure(ctx, "li", start.Add(at)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.PruneLimits(ctx, start.Add(16*time.Minute-time.Second), 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	count := func(query string) (n int) {
		t.Helper()
		if err := s.DB().Get(&n, query); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := count(`SELECT count(*) FROM rate_buckets`); got != 0 {
		t.Errorf("%d buckets left after they were full again, want 0", got)
	}
	if got := count(`SELECT count(*) FROM login_failures`); got != 1 {
		t.Errorf("%d failures left, want the one inside the window", got)
	}
	// a bucket not yet full stays
	if _, err := l.TakeTokens(ctx, "login", "c", 1, 3, 1, start.Add(20*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := l.PruneLimits(ctx, start.Add(20*time.Minute), 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := count(`SELECT count(*) FROM rate_buckets`); got != 1 {
		t.Errorf("%d buckets left, want the one spent", got)
	}
}

func utc(ts []time.Time) []time.Time {
	out := make([]time.Time, len(ts))
	for i, t := range ts {
		out[i] = t.UTC()
	}
	return out
}
