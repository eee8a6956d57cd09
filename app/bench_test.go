package app_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// BenchmarkVerify is /verify on a project of 1000 households × 3
// decisions (each with a 3 KB signature), after the first request: one
// decision read, the chain's check from the cache (docs/targets.md).
func BenchmarkVerify(b *testing.B) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			s := storetest.Open(b, storetest.DSN(b, dialect))
			clock := storetest.NewClock()
			s.SetClock(clock.Now)
			a := app.New(app.Config{Store: s, BaseURL: "http://renovote.test", SigningKey: storetest.Key, Now: clock.Now})
			codes := verifyFixture(b, s, a, 1000, 3)
			if _, err := a.Verify(b.Context(), codes[0]); err != nil { // the first request checks the whole chain
				b.Fatal(err)
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				v, err := a.Verify(b.Context(), codes[i%len(codes)])
				if err != nil || !v.Valid {
					b.Fatalf("verify: %+v, %v", v, err)
				}
				i++
			}
		})
	}
}

func verifyFixture(b *testing.B, s *store.Store, a *app.App, households, each int) []string {
	b.Helper()
	ctx := b.Context()
	w := &engine.Worker{Username: "bench", Admin: true}
	if err := a.AddWorker(ctx, w, "Fu4-sheng-lou-jia-ti"); err != nil {
		b.Fatal(err)
	}
	var hs []string
	for i := range households {
		hs = append(hs, fmt.Sprintf(`{"room":"%d","floor":%d,"area":"70"}`, i+1, i%7+1))
	}
	p, err := a.CreateProject(ctx, w, []byte(`{"name":"基准","floors":7,"households":[`+strings.Join(hs, ",")+`]}`))
	if err != nil {
		b.Fatal(err)
	}
	sc, err := a.SaveScenario(ctx, w, p.ID, 0, []byte(`{"costs":[{"amount":"600000"}]}`))
	if err != nil {
		b.Fatal(err)
	}
	pub, err := a.Publish(ctx, w, p.ID, sc.ID, json.RawMessage(`"civil_code_major"`), a.Now().Add(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	sig := make([]byte, 3<<10)
	for i := range sig {
		sig[i] = byte(rand.IntN(256))
	}
	var mu sync.Mutex
	var codes []string
	var wg sync.WaitGroup
	work := make(chan int)
	for range 32 {
		wg.Go(func() {
			for n := range work {
				h := p.Households[n%households]
				d := &engine.Decision{ProjectID: p.ID, BallotID: pub.Ballot.ID, HouseholdID: h.ID, ScenarioSHA256: pub.Ballot.SHA256,
					Vote: []string{engine.VoteAgree, engine.VoteDisagree, engine.VoteAbstain}[n%3], SignerName: "业主",
					SignaturePNG: sig, Method: engine.DecisionOnline, IdempotencyKey: fmt.Sprintf("bench-%06d", n)}
				if _, err := a.Record(ctx, d); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				codes = append(codes, d.Code)
				mu.Unlock()
			}
		})
	}
	for n := range households * each {
		work <- n
	}
	close(work)
	wg.Wait()
	return codes
}

// BenchmarkAuditVerify is the full audit check (chain, checkpoints, digests
// and every projection rebuilt from the events and compared with the
// tables) of a project of about 10,000 events: 2000 households × 4
// decisions with their 3 KB signatures, the links and the publishing
// (docs/targets.md: ≤ 2 s).
func BenchmarkAuditVerify(b *testing.B) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			s := storetest.Open(b, storetest.DSN(b, dialect))
			clock := storetest.NewClock()
			s.SetClock(clock.Now)
			a := app.New(app.Config{Store: s, BaseURL: "http://renovote.test", SigningKey: storetest.Key, Now: clock.Now})
			codes := verifyFixture(b, s, a, 2000, 4)
			projectID, _, _ := engine.CodeProject(codes[0])
			d, err := s.DecisionByCode(b.Context(), projectID, codes[0])
			if err != nil {
				b.Fatal(err)
			}
			events, err := s.AuditEvents(b.Context(), d.ProjectID)
			if err != nil || len(events) < 10000 {
				b.Fatalf("%d events, want at least 10,000 (%v)", len(events), err)
			}
			b.ResetTimer()
			for b.Loop() {
				check, err := a.CheckAudit(b.Context(), app.Operator, d.ProjectID)
				if err != nil || !check.OK {
					b.Fatalf("audit: %+v, %v", check, err)
				}
			}
			b.ReportMetric(float64(len(events)), "events")
		})
	}
}
