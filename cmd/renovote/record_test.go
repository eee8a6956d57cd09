package main

import (
	"context"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// recordDecision records d through the workflow (app), as the server
// would, signing with the test key at the test epoch.
func recordDecision(t *testing.T, s *store.Store, d *engine.Decision) {
	t.Helper()
	a := app.New(app.Config{Store: s, SigningKey: storetest.Key, Now: func() time.Time { return storetest.Epoch }})
	r, err := a.Record(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	*d = *r.Decision
}
