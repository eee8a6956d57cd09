package app_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// BenchmarkFunding is GET …/funding's workflow on SQLite for a published
// plan of 5,000 households, each with two 公积金 accounts and its 维修资金
// figures, under the 苏州 rule (issue 25: ≤ 50 ms).
func BenchmarkFunding(b *testing.B) {
	const households = 5000
	s := storetest.Open(b, storetest.DSN(b, store.SQLite))
	clock := storetest.NewClock()
	s.SetClock(clock.Now)
	a := app.New(app.Config{Store: s, BaseURL: "http://renovote.test", SigningKey: storetest.Key, Now: clock.Now})
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
	sc, err := a.SaveScenario(ctx, w, p.ID, 0, []byte(`{"costs":[{"amount":"60000000"}],"subsidies":[{"name":"补贴","type":"fixed","amount":"20000000"}]}`))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Publish(ctx, w, p.ID, sc.ID, json.RawMessage(`"civil_code_major"`), a.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	if _, err := a.SetFundingRule(ctx, w, p.ID, []byte(`{"preset":"suzhou","completed":"2027-09-01"}`)); err != nil {
		b.Fatal(err)
	}
	for i, h := range p.Households {
		doc := fmt.Sprintf(`{"accounts":[{"name":"业主%d","relation":"owner","balance":"%d.%02d"},{"name":"配偶%d","relation":"spouse","balance":"3000.00"}],
			"maintenance":{"first_deposit":"8000.33","balance":"%d.00"}}`, i, 1000+i*7, i%100, i, 2000+i)
		if _, err := a.SetHouseholdFunding(ctx, w, p.ID, h.ID, []byte(doc)); err != nil {
			b.Fatal(err)
		}
	}
	funding := func(b *testing.B) {
		pf, err := a.Funding(ctx, w, p.ID)
		if err != nil || len(pf.Rows) != households {
			b.Fatalf("funding: %v", err)
		}
	}
	// cold: the first answer after a change of the chain (here a new
	// completion date each time), computed in full
	b.Run("cold", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			if _, err := a.SetFundingRule(ctx, w, p.ID, []byte(fmt.Sprintf(`{"preset":"suzhou","completed":"2027-09-%02d"}`, i%28+1))); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			funding(b)
		}
	})
	// warm: the chain has not moved since the last answer
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			funding(b)
		}
	})
}
