package store_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

func TestDecisionsReplayAndLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, 4)
		h := f.project.Households[2]
		d1 := f.decision(h, engine.VoteDisagree, "key-1")
		if replay, err := recordDecision(s, d1); err != nil || replay {
			t.Fatalf("first: %v %v", replay, err)
		}
		again := f.decision(h, engine.VoteDisagree, "key-1") // the same request again: the first answer
		replay, err := recordDecision(s, again)
		if err != nil || !replay || again.ID != d1.ID || again.Vote != engine.VoteDisagree || again.Code != d1.Code {
			t.Fatalf("replay: %v %v %+v", replay, err, again)
		}
		// the same key with other content is a conflict naming the first
		_, err = recordDecision(s, f.decision(h, engine.VoteAgree, "key-1"))
		wantCode(t, err, engine.ECodeConflict)
		if err == nil || !strings.Contains(err.Error(), d1.Code) {
			t.Errorf("the conflict should name the first record %s: %v", d1.Code, err)
		}
		// another household cannot reuse the key
		wantCode(t, func() error {
			_, err := recordDecision(s, f.decision(f.project.Households[3], engine.VoteAgree, "key-1"))
			return err
		}(), engine.ECodeConflict)
		d2 := f.decision(h, engine.VoteAgree, "key-2") // a change of mind
		if _, err := recordDecision(s, d2); err != nil {
			t.Fatal(err)
		}
		d3 := f.decision(f.project.Households[3], engine.VoteAbstain, "key-3")
		if _, err := recordDecision(s, d3); err != nil {
			t.Fatal(err)
		}
		all, err := s.Decisions(ctx, f.ballot.ProjectID, f.ballot.ID)
		if err != nil || len(all) != 3 {
			t.Fatalf("%d decisions, %v", len(all), err)
		}
		latest, err := s.LatestDecisions(ctx, f.ballot.ProjectID, f.ballot.ID)
		if err != nil || len(latest) != 2 || latest[0].ID != d2.ID || latest[1].ID != d3.ID {
			t.Fatalf("latest = %+v, %v", latest, err)
		}
		if one, err := s.HouseholdDecision(ctx, f.ballot.ProjectID, f.ballot.ID, h.ID); err != nil || one == nil || one.ID != d2.ID {
			t.Fatalf("household decision = %+v, %v", one, err)
		}
		if none, err := s.HouseholdDecision(ctx, f.ballot.ProjectID, f.ballot.ID, f.project.Households[0].ID); err != nil || none != nil {
			t.Fatalf("a household without decisions: %+v, %v", none, err)
		}
		// decisions bind to the published hash, and the deadline holds
		wrong := f.decision(h, engine.VoteAgree, "key-4")
		wrong.ScenarioSHA256 = strings.Repeat("0", 64)
		wantCode(t, func() error { _, err := recordDecision(s, wrong); return err }(), engine.ECodeConflict)
		late := f.decision(h, engine.VoteAgree, "key-5")
		late.CreatedAt = f.ballot.Deadline.Add(time.Second)
		_, err = recordDecision(s, late)
		wantCode(t, err, engine.ECodeConflict)
		if !strings.Contains(err.Error(), "截止") {
			t.Errorf("message %q should mention the deadline", err)
		}
		// nothing was written by the refused ones
		if all, _ := s.Decisions(ctx, f.ballot.ProjectID, f.ballot.ID); len(all) != 3 {
			t.Fatalf("%d decisions after refusals, want 3", len(all))
		}
		// decisions are append-only in the database itself
		db := s.DB()
		if _, err := db.Exec(db.Rebind(`UPDATE decisions SET vote = 'agree' WHERE id = ?`), d1.ID); err == nil {
			t.Error("the database allowed changing a decision")
		}
		if _, err := db.Exec(db.Rebind(`DELETE FROM decisions WHERE id = ?`), d1.ID); err == nil {
			t.Error("the database allowed deleting a decision")
		}
		if _, err := db.Exec(`DELETE FROM audit_events`); err == nil {
			t.Error("the database allowed deleting audit events")
		}
		if check, err := verifyAudit(ctx, s, f.project.ID); err != nil || !check.OK {
			t.Fatalf("audit: %+v %v", check, err)
		}
	})
}

// TestConcurrentDecisions: 64 goroutines × 50 appends with duplicated
// idempotency keys → one decision per key, none lost, the chain intact.
func TestConcurrentDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		workers, perWorker := 64, 50
		if testing.Short() {
			workers, perWorker = 16, 10
		}
		f := newFixture(t, s, 40)
		keys := workers * perWorker / 2 // every key is sent about twice
		type sent struct {
			household engine.Household
			vote      string
		}
		plan := make([]sent, keys)
		r := rand.New(rand.NewPCG(1, 2))
		votes := []string{engine.VoteAgree, engine.VoteDisagree, engine.VoteAbstain}
		for k := range plan {
			plan[k] = sent{f.project.Households[r.IntN(len(f.project.Households))], votes[r.IntN(3)]}
		}
		var mu sync.Mutex
		ids := map[string]int64{}
		errs := make(chan error, workers*perWorker)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), 99))
				for i := 0; i < perWorker; i++ {
					k := (w*perWorker + i) % keys
					if r.IntN(3) == 0 {
						k = r.IntN(keys) // a random duplicate
					}
					key := fmt.Sprintf("key-%d", k)
					d := f.decision(plan[k].household, plan[k].vote, key)
					if _, err := recordDecision(s, d); err != nil {
						errs <- fmt.Errorf("%s: %w", key, err)
						continue
					}
					mu.Lock()
					if prev, ok := ids[key]; ok && prev != d.ID {
						errs <- fmt.Errorf("%s answered with decisions %d and %d", key, prev, d.ID)
					}
					ids[key] = d.ID
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		all, err := s.Decisions(ctx, f.ballot.ProjectID, f.ballot.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(ids) {
			t.Fatalf("%d decisions stored, %d distinct keys acknowledged", len(all), len(ids))
		}
		for _, d := range all {
			if ids[d.IdempotencyKey] != d.ID {
				t.Fatalf("decision %d (%s) was not the one acknowledged", d.ID, d.IdempotencyKey)
			}
		}
		check, err := verifyAudit(ctx, s, f.project.ID)
		if err != nil || !check.OK {
			t.Fatalf("audit after concurrent appends: %+v, %v", check, err)
		}
		t.Logf("%s: %d requests, %d decisions, %d audit events", s.Dialect(), workers*perWorker, len(all), check.Events)
	})
}

// TestTwoServersOnePostgres: two Store values — two servers — append to one
// project's chain at once; it stays one unbroken chain.
func TestTwoServersOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
	f := newFixture(t, a, 20)
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			s := a
			if g%2 == 1 {
				s = b
			}
			for i := 0; i < 25; i++ {
				h := f.project.Households[(g+i)%len(f.project.Households)]
				key := fmt.Sprintf("k-%d", (g*25+i)%300)
				if _, err := recordDecision(s, f.decision(h, engine.VoteAgree, key)); err != nil && engine.ErrorCode(err) != engine.ECodeConflict {
					errs <- err
				}
				if err := s.AppendAudit(ctx, &engine.AuditEvent{ProjectID: f.project.ID, Kind: engine.AuditPageOpened, Actor: "household:1"}); err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, s := range []*store.Store{a, b} {
		check, err := verifyAudit(ctx, s, f.project.ID)
		if err != nil || !check.OK {
			t.Fatalf("chain: %+v, %v", check, err)
		}
	}
	events, _ := a.AuditEvents(ctx, f.project.ID)
	if len(events) < 400 {
		t.Fatalf("%d events, want at least 400", len(events))
	}
}
