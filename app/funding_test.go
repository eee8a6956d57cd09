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

// TestFundingAtMaxHouseholds: a plan of engine.MaxHouseholds households
// publishes (5,001 events in one unit: SQLite refused them in one INSERT,
// "too many SQL variables") and its funding answer lists every
// household, by room, the same after a change of the chain as before it
// when nothing it reads changed.
func TestFundingAtMaxHouseholds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.SetClock(clock.Now)
		a := app.New(app.Config{Store: s, BaseURL: "http://renovote.test", SigningKey: storetest.Key, Now: clock.Now})
		w := &engine.Worker{Username: "max", Admin: true}
		if err := a.AddWorker(ctx, w, "Fu4-sheng-lou-jia-ti"); err != nil {
			t.Fatal(err)
		}
		var hs []string
		for i := range engine.MaxHouseholds {
			hs = append(hs, fmt.Sprintf(`{"room":"%04d","floor":%d,"area":"70"}`, engine.MaxHouseholds-i, i%7+1))
		}
		p, err := a.CreateProject(ctx, w, []byte(`{"name":"最大","floors":7,"households":[`+strings.Join(hs, ",")+`]}`))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := a.SaveScenario(ctx, w, p.ID, 0, []byte(`{"costs":[{"amount":"60000000"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Publish(ctx, w, p.ID, sc.ID, json.RawMessage(`"civil_code_major"`), a.Now().Add(time.Hour)); err != nil {
			t.Fatalf("publishing %d households: %v", engine.MaxHouseholds, err)
		}
		if _, err := a.SetFundingRule(ctx, w, p.ID, []byte(`{"preset":"qingdao","completed":"2027-09-01"}`)); err != nil {
			t.Fatal(err)
		}
		first, err := a.Funding(ctx, w, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(first.Rows); n != engine.MaxHouseholds || first.Rows[0].Household.Room != "0001" || first.Result.Totals.Cash != first.Result.Totals.Due {
			t.Fatalf("%d rows, first %s, totals %+v", n, first.Rows[0].Household.Room, first.Result.Totals)
		}
		if _, err := a.SetFundingRule(ctx, w, p.ID, []byte(`{"preset":"qingdao","completed":"2027-09-01"}`)); err != nil {
			t.Fatal(err)
		}
		again, err := a.Funding(ctx, w, p.ID)
		if err != nil || again == first || again.Result.Totals != first.Result.Totals {
			t.Errorf("after a change of the chain: recomputed %v, totals %+v vs %+v (%v)", again != first, again.Result.Totals, first.Result.Totals, err)
		}
		if cached, _ := a.Funding(ctx, w, p.ID); cached != again {
			t.Error("an unchanged chain recomputed the answer")
		}
	})
}
