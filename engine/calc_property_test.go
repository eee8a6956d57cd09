package engine

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestCalcMatchesReference runs the engine and the plain big.Rat reference
// on thousands of random scenarios and compares every figure.
func TestCalcMatchesReference(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(2026, 11))
	for i := 0; i < n; i++ {
		s := genRandomScenario(r)
		got, err := CalcJSON(s.JSON())
		want := refCalc(s)
		if want.err {
			if ErrorCode(err) != ECodeInvalid {
				t.Fatalf("scenario %d: nobody can pay, want an invalid error, got %v\n%s", i, err, s.JSON())
			}
			continue
		}
		if err != nil {
			t.Fatalf("scenario %d: %v\n%s", i, err, s.JSON())
		}
		compareWithReference(t, i, s, got, want)
	}
}

func compareWithReference(t *testing.T, i int, s *genScenario, got *CalcResult, want refResult) {
	t.Helper()
	fail := func(what string, g, w any) {
		t.Helper()
		t.Fatalf("scenario %d: %s = %v, want %v\n%s", i, what, g, w, s.JSON())
	}
	totals := []struct {
		name string
		g    Fen
		w    int64
	}{
		{"total_cost", got.TotalCost, want.totalCost},
		{"total_subsidy", got.TotalSubsidy, want.totalSubsidy},
		{"unused_subsidy", got.UnusedSubsidy, want.unusedSubsidy},
		{"total_compensation", got.TotalCompensation, want.totalComp},
		{"pool", got.Pool, want.pool},
		{"relief_total", got.ReliefTotal, want.reliefTotal},
		{"fund_used", got.FundUsed, want.fundUsed},
		{"unused_fund", got.UnusedFund, want.unusedFund},
		{"total_due", got.TotalDue, want.totalDue},
	}
	for _, x := range totals {
		if int64(x.g) != x.w {
			fail(x.name, x.g, Fen(x.w))
		}
	}
	for j, a := range want.subsidies {
		if int64(got.Subsidies[j].Amount) != a {
			fail("subsidies["+itoa(j)+"].amount", got.Subsidies[j].Amount, Fen(a))
		}
	}
	for j, w := range want.households {
		g := got.Households[j]
		p := "households[" + itoa(j) + "]"
		pairs := []struct {
			name string
			g    Fen
			w    int64
		}{
			{"share", g.Share, w.share}, {"relief", g.Relief, w.relief}, {"extra", g.Extra, w.extra},
			{"compensation", g.Compensation, w.comp}, {"due", g.Due, w.due}, {"operating_annual", g.OperatingAnnual, w.operating},
		}
		for _, x := range pairs {
			if int64(x.g) != x.w {
				fail(p+"."+x.name, x.g, Fen(x.w))
			}
		}
		wantWeight := roundRat6(w.weight)
		if g.Weight.String() != wantWeight {
			fail(p+".weight", g.Weight, wantWeight)
		}
		if s.Installments == nil {
			if g.Plan != nil {
				fail(p+".plan", g.Plan, nil)
			}
			continue
		}
		if g.Plan == nil || g.Plan.Installments == nil {
			fail(p+".plan", g.Plan, "a plan with a list")
		}
		if int64(g.Plan.DownPayment) != w.down || int64(g.Plan.TotalInterest) != w.interest || int64(g.Plan.TotalPaid) != w.paid {
			fail(p+".plan totals", *g.Plan, [3]Fen{Fen(w.down), Fen(w.interest), Fen(w.paid)})
		}
		if len(g.Plan.Installments) != len(w.installments) {
			fail(p+".plan.installments length", len(g.Plan.Installments), len(w.installments))
		}
		for k, in := range w.installments {
			if g.Plan.Installments[k] != in {
				fail(p+".plan.installments["+itoa(k)+"]", g.Plan.Installments[k], in)
			}
		}
	}
}

func roundRat6(x *big.Rat) string {
	y := new(big.Rat).Mul(x, big.NewRat(1_000_000, 1))
	return Ratio(roundFen(y)).String()
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// TestCalcProperties checks the contract's invariants on random scenarios,
// independently of the reference.
func TestCalcProperties(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(7, 278))
	checked := 0
	for i := 0; i < n; i++ {
		s := genRandomScenario(r)
		in, err := ParseCalcInput(s.JSON())
		if err != nil {
			t.Fatalf("scenario %d does not parse: %v", i, err)
		}
		res, err := Calc(in)
		if err != nil {
			continue // nobody to pay: checked against the reference
		}
		checkInvariants(t, in, res)
		checked++
	}
	if checked < n/2 {
		t.Fatalf("only %d of %d scenarios computed", checked, n)
	}
}

// checkInvariants asserts what must hold for every result.
func checkInvariants(t *testing.T, in *CalcInput, res *CalcResult) {
	t.Helper()
	var due, share, operating Fen
	weights, _ := householdWeights(in)
	sumW := new(big.Rat)
	for _, w := range weights {
		sumW.Add(sumW, new(big.Rat).SetInt(w))
	}
	for i, h := range res.Households {
		due += h.Due
		share += h.Share
		operating += h.OperatingAnnual
		if h.Due < 0 || h.Share < 0 || h.Relief < 0 || h.Extra < 0 {
			t.Fatalf("household %s has a negative amount: %+v", h.Room, h)
		}
		w := weights[i]
		if w.Sign() == 0 {
			if h.Share != 0 || h.Extra != 0 || h.OperatingAnnual != 0 {
				t.Fatalf("household %s weighs 0 but pays %+v", h.Room, h)
			}
		} else {
			// within one fen of the exact share
			q := new(big.Rat).Mul(big.NewRat(int64(res.Pool), 1), new(big.Rat).SetInt(w))
			q.Quo(q, sumW)
			diff := new(big.Rat).Sub(big.NewRat(int64(h.Share), 1), q)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("household %s share %s is a fen or more from the exact %s", h.Room, h.Share, q.FloatString(4))
			}
		}
		for j := range res.Households {
			if weights[i].Cmp(weights[j]) > 0 && res.Households[i].Share < res.Households[j].Share {
				t.Fatalf("household %s weighs more than %s but pays less", h.Room, res.Households[j].Room)
			}
		}
		if p := h.Plan; p != nil {
			var principal, interest Fen
			for _, in := range p.Installments {
				principal += in.Principal
				interest += in.Interest
				if in.Amount != in.Principal+in.Interest || in.Principal < 0 || in.Interest < 0 {
					t.Fatalf("household %s installment %+v does not add up", h.Room, in)
				}
			}
			if h.Due > 0 && principal != h.Due-p.DownPayment {
				t.Fatalf("household %s installments add up to %s, want due − down = %s", h.Room, principal, h.Due-p.DownPayment)
			}
			if interest != p.TotalInterest || p.TotalPaid != h.Due+interest {
				t.Fatalf("household %s plan totals do not add up: %+v", h.Room, p)
			}
		}
	}
	if due+res.FundUsed != res.Pool {
		t.Fatalf("Σ due %s + fund_used %s ≠ pool %s", due, res.FundUsed, res.Pool)
	}
	if share != res.Pool || due != res.TotalDue {
		t.Fatalf("Σ share %s ≠ pool %s or Σ due %s ≠ total_due %s", share, res.Pool, due, res.TotalDue)
	}
	if in.Operating != nil && operating != in.Operating.Annual {
		t.Fatalf("running cost split %s ≠ %s", operating, in.Operating.Annual)
	}
	var floorShare, floorDue Fen
	for _, f := range res.FloorTotals {
		floorShare += f.Share
		floorDue += f.Due
	}
	if floorShare != res.Pool || floorDue != res.TotalDue {
		t.Fatalf("floor totals %s/%s do not add up to %s/%s", floorShare, floorDue, res.Pool, res.TotalDue)
	}
}
