package storetest

import (
	"sync"
	"time"
)

// Epoch is the instant every test clock starts at: Monday 2026-11-02
// on every clone made after the date it assumed); they move a Clock.
//
//10:00 in Beijing. Tests never read today's date (a test that did went red
var Epoch = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

// Clock is a settable clock for tests, starting at Epoch.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock at Epoch.
func NewClock() *Clock { return &Clock{t: Epoch} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
