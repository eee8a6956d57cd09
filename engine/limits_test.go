package engine

import (
	"testing"
	"time"
)

func TestLeaseSize(t *testing.T) {
	for _, c := range []struct{ burst, want int }{
		{0, 1}, {1, 1}, {5, 1}, {10, 1}, {16, 1}, {17, 2}, {30, 2}, {40, 3}, {100000, 6250},
	} {
		if got := LeaseSize(c.burst); got != c.want {
			t.Errorf("LeaseSize(%d) = %d, want %d", c.burst, got, c.want)
		}
	}
}

func TestTokenLeaseSpend(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := TokenLease{Left: 2, Taken: t0}
	for _, step := range []struct {
		at   time.Duration
		want bool
	}{
		{-time.Millisecond, false}, // a clock gone back: the bucket decides
		{0, true},
		{LeaseLifetime, false}, // expired, the token kept is not spent
		{LeaseLifetime - time.Millisecond, true},
		{LeaseLifetime - time.Millisecond, false}, // spent out
	} {
		if got := l.Spend(t0.Add(step.at)); got != step.want {
			t.Fatalf("spend at +%v: %v, want %v (left %d)", step.at, got, step.want, l.Left)
		}
	}
	if !l.Expired(t0) {
		t.Errorf("a spent lease is not expired")
	}
}
