package store_test

import (
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// recordDecision records d through the workflow that owns the unit of
// work (app), as a server would; replay says whether its key answered an
// earlier decision.
func recordDecision(s *store.Store, d *engine.Decision) (bool, error) {
	a := app.New(app.Config{Store: s, SigningKey: storetest.Key, LinkQuota: 1 << 30, Now: func() time.Time { return storetest.Epoch }})
	r, err := a.Record(ctx, d)
	if err != nil {
		return false, err
	}
	*d = *r.Decision
	return r.Replay, nil
}
