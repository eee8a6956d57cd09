package engine

import (
	"os"
	"testing"
)

func calcFixture(t *testing.T, name string) *CalcResult {
	t.Helper()
	data, err := os.ReadFile("../fixtures/scenarios/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := CalcJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPublishedSchemes checks the fixtures against the figures published
// with the real schemes (docs/calculation.md), by hand.
func TestPublishedSchemes(t *testing.T) {
	perHousehold := func(res *CalcResult) map[int]Fen {
		out := map[int]Fen{}
		for _, h := range res.Households {
			if prev, ok := out[h.Floor]; ok && prev != h.Due {
				t.Fatalf("floor %d: households pay %s and %s", h.Floor, prev, h.Due)
			}
			out[h.Floor] = h.Due
		}
		return out
	}
	t.Run("宁波 per-household percent from a 300,000 pool", func(t *testing.T) {
		res := calcFixture(t, "ningbo-household-percent")
		if res.Pool != 30000000 {
			t.Fatalf("pool = %s", res.Pool)
		}
		got := perHousehold(res)
		want := map[int]Fen{1: 0, 2: 450000, 3: 1200000, 4: 2700000, 5: 4500000, 6: 6150000}
		for f, w := range want {
			if got[f] != w {
				t.Errorf("F%d pays %s per household, want %s", f, got[f], w)
			}
		}
	})
	t.Run("杭州 新民村 per-floor percent from a 510,000 pool", func(t *testing.T) {
		res := calcFixture(t, "hangzhou-floor-percent")
		if res.Pool != 51000000 {
			t.Fatalf("pool = %s", res.Pool)
		}
		got := perHousehold(res)
		want := map[int]Fen{1: 0, 2: 0, 3: 2550000, 4: 5100000, 5: 7650000, 6: 10200000}
		for f, w := range want {
			if got[f] != w {
				t.Errorf("F%d pays %s per household, want %s", f, got[f], w)
			}
		}
	})
	t.Run("上海 40% capped at 28万", func(t *testing.T) {
		res := calcFixture(t, "shanghai-percent-capped")
		if res.TotalCost != 75000000 || res.TotalSubsidy != 28000000 || res.Pool != 47000000 {
			t.Errorf("cost, subsidy, pool = %s, %s, %s, want 750000, 280000, 470000", res.TotalCost, res.TotalSubsidy, res.Pool)
		}
	})
	t.Run("无锡 by storeys and compensation added to the pool", func(t *testing.T) {
		res := calcFixture(t, "guangzhou-dongpu-wuxi")
		// 7 storeys → 20万; pool = 685000 − 200000 + 22000
		if res.Subsidies[0].Amount != 20000000 || res.TotalCompensation != 2200000 || res.Pool != 50700000 {
			t.Errorf("subsidy, compensation, pool = %s, %s, %s", res.Subsidies[0].Amount, res.TotalCompensation, res.Pool)
		}
		for _, h := range res.Households {
			if h.Floor <= 2 && h.Due != 0 {
				t.Errorf("%s on floor %d pays %s; floors 1–2 have coefficient 0", h.Room, h.Floor, h.Due)
			}
		}
	})
	t.Run("民法典283 by area", func(t *testing.T) {
		res := calcFixture(t, "civil-code-283-area")
		for _, h := range res.Households {
			if h.Weight.String() != Ratio(int64(h.Area)*10000).String() {
				t.Errorf("%s weight %s, want its area %s", h.Room, h.Weight, h.Area)
			}
		}
	})
	t.Run("demo", func(t *testing.T) {
		res := calcFixture(t, "demo")
		if len(res.Households) != 12 || res.Floors != 6 || res.TotalCompensation != 1000000 || res.ReliefTotal == 0 {
			t.Errorf("demo: %d households, %d floors, compensation %s, relief %s", len(res.Households), res.Floors, res.TotalCompensation, res.ReliefTotal)
		}
		for _, h := range res.Households {
			if h.Due > 0 && (len(h.Plan.Installments) != 24 || h.Plan.DownPayment != mulRatio(h.Due, 300000)) {
				t.Errorf("%s: plan %d months, down %s", h.Room, len(h.Plan.Installments), h.Plan.DownPayment)
			}
		}
	})
}
