package engine

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

func mustCalc(t *testing.T, doc string) *CalcResult {
	t.Helper()
	res, err := CalcJSON([]byte(doc))
	if err != nil {
		t.Fatalf("CalcJSON: %v\n%s", err, doc)
	}
	return res
}

// dues lists each household's id=due, in input order.
func dues(res *CalcResult, field func(HouseholdShare) Fen) string {
	var parts []string
	for _, h := range res.Households {
		parts = append(parts, h.Room+"="+field(h).String())
	}
	return strings.Join(parts, " ")
}

func shareOf(h HouseholdShare) Fen  { return h.Share }
func dueOf(h HouseholdShare) Fen    { return h.Due }
func reliefOf(h HouseholdShare) Fen { return h.Relief }
func extraOf(h HouseholdShare) Fen  { return h.Extra }

const sixHouseholds = `[
 {"id":"101","floor":1,"area":"60"},{"id":"201","floor":2,"area":"60"},{"id":"301","floor":3,"area":"60"},
 {"id":"302","floor":3,"area":"90"},{"id":"401","floor":4,"area":"60"},{"id":"402","floor":4,"area":"90"}]`

func TestAllocationMethods(t *testing.T) {
	tests := []struct {
		name       string
		allocation string
		want       string
	}{
		{"coefficient_area", `{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.5"},{"floors":"4","value":"1"}]}`,
			// weights 0,0,30,45,60,90 of 225; pool 9000
			"101=0.00 201=0.00 301=1200.00 302=1800.00 401=2400.00 402=3600.00"},
		{"coefficient", `{"method":"coefficient","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"1"},{"floors":"4","value":"2"}]}`,
			"101=0.00 201=0.00 301=1500.00 302=1500.00 401=3000.00 402=3000.00"},
		{"area", `{"method":"area"}`,
			// areas 60,60,60,90,60,90 of 420
			"101=1285.71 201=1285.71 301=1285.72 302=1928.57 401=1285.72 402=1928.57"},
		{"area by default (民法典 第283条)", ``,
			"101=1285.71 201=1285.71 301=1285.72 302=1928.57 401=1285.72 402=1928.57"},
		{"equal", `{"method":"equal"}`,
			"101=1500.00 201=1500.00 301=1500.00 302=1500.00 401=1500.00 402=1500.00"},
		{"floor_percent splits a floor's percent equally", `{"method":"floor_percent","percents":[{"floors":"1","value":"0"},{"floors":"2","value":"10"},{"floors":"3","value":"30"},{"floors":"4","value":"60"}]}`,
			"101=0.00 201=900.00 301=1350.00 302=1350.00 401=2700.00 402=2700.00"},
		{"household_percent gives each household its floor's percent", `{"method":"household_percent","percents":[{"floors":"1","value":"0"},{"floors":"2","value":"10"},{"floors":"3","value":"15"},{"floors":"4","value":"30"}]}`,
			// weights 0,10,15,15,30,30 of 100
			"101=0.00 201=900.00 301=1350.00 302=1350.00 401=2700.00 402=2700.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alloc := ""
			if tt.allocation != "" {
				alloc = `,"allocation":` + tt.allocation
			}
			res := mustCalc(t, `{"households":`+sixHouseholds+`,"costs":[{"amount":"9000"}]`+alloc+`}`)
			if got := dues(res, shareOf); got != tt.want {
				t.Errorf("shares:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestWeightsDisplayed(t *testing.T) {
	res := mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"68.5"},{"id":"b","floor":1,"area":"70"},{"id":"c","floor":1,"area":"70"},{"id":"d","floor":2,"area":"1"}],
		"costs":[{"amount":"100"}],
		"allocation":{"method":"floor_percent","percents":[{"floors":"1","value":"10"},{"floors":"2","value":"0.7"}]}}`)
	var got []string
	for _, h := range res.Households {
		got = append(got, h.Weight.String())
	}
	if want := "3.333333 3.333333 3.333333 0.7"; strings.Join(got, " ") != want {
		t.Errorf("weights = %v, want %s", got, want)
	}
	res = mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"68.50"},{"id":"b","floor":2,"area":"70"}],"costs":[{"amount":"100"}],
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1","value":"0"},{"floors":"2","value":"0.7"}]}}`)
	if a, b := res.Households[0].Weight.String(), res.Households[1].Weight.String(); a != "0" || b != "49" {
		t.Errorf("weights = %s, %s, want 0, 49", a, b)
	}
}

// TestLargestRemainderTieBreak pins the order of docs/calculation.md §4.
func TestLargestRemainderTieBreak(t *testing.T) {
	tests := []struct {
		name       string
		households string
		cost       string
		want       string
	}{
		{"larger fractional part first", `[{"id":"a","floor":1,"area":"1"},{"id":"b","floor":1,"area":"2"}]`, "0.02",
			// q = 2/3, 4/3: fractions 2/3 and 1/3, one fen left → a
			"a=0.01 b=0.01"},
		{"equal fractions: larger weight", `[{"id":"a","floor":2,"area":"1"},{"id":"b","floor":1,"area":"3"}]`, "0.02",
			// q = 0.5, 1.5 → b first despite the lower floor
			"a=0.00 b=0.02"},
		{"equal weights: higher floor", `[{"id":"a","floor":1,"area":"1"},{"id":"b","floor":3,"area":"1"},{"id":"c","floor":2,"area":"1"}]`, "0.01",
			"a=0.00 b=0.01 c=0.00"},
		{"same floor: smaller id in byte order", `[{"id":"b","floor":1,"area":"1"},{"id":"B","floor":1,"area":"1"},{"id":"a","floor":1,"area":"1"}]`, "0.02",
			"b=0.00 B=0.01 a=0.01"},
		{"ids compare as bytes, not numbers", `[{"id":"9","floor":1,"area":"1"},{"id":"10","floor":1,"area":"1"}]`, "0.01",
			"9=0.00 10=0.01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustCalc(t, `{"households":`+tt.households+`,"costs":[{"amount":"`+tt.cost+`"}]}`)
			if got := dues(res, shareOf); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAllocateLargestRemainderExact(t *testing.T) {
	// A float or a 16-digit DivRound would give 1/3 × 3 = 0.999…; exact
	// rationals give 100 over three equal weights as 34/33/33.
	cs := []claimant{{big.NewInt(1), 1, "a"}, {big.NewInt(1), 1, "b"}, {big.NewInt(1), 1, "c"}}
	got := allocateLargestRemainder(100, cs)
	if got[0] != 34 || got[1] != 33 || got[2] != 33 {
		t.Errorf("got %v, want [34 33 33]", got)
	}
	got = allocateLargestRemainder(5, []claimant{{big.NewInt(0), 9, "z"}, {big.NewInt(3), 1, "a"}})
	if got[0] != 0 || got[1] != 5 {
		t.Errorf("zero weight got a fen: %v", got)
	}
}

func TestSubsidies(t *testing.T) {
	tests := []struct {
		name      string
		floors    string
		cost      string
		subsidies string
		amounts   string
		total     string
		unused    string
	}{
		{"fixed", "6", "570000", `[{"type":"fixed","amount":"200000"}]`, "200000.00", "200000.00", "0.00"},
		{"percent under the cap", "6", "600000", `[{"type":"percent","rate":"0.40","cap":"280000"}]`, "240000.00", "240000.00", "0.00"},
		{"percent capped (上海 40% 封顶28万)", "6", "750000", `[{"type":"percent","rate":"0.4","cap":"280000"}]`, "280000.00", "280000.00", "0.00"},
		{"percent without cap", "6", "750000", `[{"type":"percent","rate":"0.4"}]`, "300000.00", "300000.00", "0.00"},
		{"percent rounds half up", "6", "100.01", `[{"type":"percent","rate":"0.5"}]`, "50.01", "50.01", "0.00"},
		{"by_floors picks the largest min_floors not above floors (济南)", "6", "800000",
			`[{"type":"by_floors","table":[{"min_floors":7,"amount":"220000"},{"min_floors":4,"amount":"160000"},{"min_floors":6,"amount":"200000"},{"min_floors":5,"amount":"180000"}]}]`,
			"200000.00", "200000.00", "0.00"},
		{"by_floors with no row low enough", "3", "800000", `[{"type":"by_floors","table":[{"min_floors":4,"amount":"160000"}]}]`, "0.00", "0.00", "0.00"},
		{"subsidies above the cost are capped and reported unused", "6", "300000",
			`[{"type":"fixed","amount":"200000"},{"type":"percent","rate":"0.4"}]`, "200000.00 120000.00", "300000.00", "20000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustCalc(t, `{"floors":`+tt.floors+`,"households":[{"id":"1","floor":1,"area":"50"}],"costs":[{"amount":"`+tt.cost+`"}],"subsidies":`+tt.subsidies+`}`)
			var amounts []string
			for _, s := range res.Subsidies {
				amounts = append(amounts, s.Amount.String())
			}
			if got := strings.Join(amounts, " "); got != tt.amounts {
				t.Errorf("subsidy amounts = %s, want %s", got, tt.amounts)
			}
			if res.TotalSubsidy.String() != tt.total || res.UnusedSubsidy.String() != tt.unused {
				t.Errorf("total_subsidy, unused = %s, %s, want %s, %s", res.TotalSubsidy, res.UnusedSubsidy, tt.total, tt.unused)
			}
			if res.Pool != res.TotalCost-res.TotalSubsidy {
				t.Errorf("pool = %s", res.Pool)
			}
		})
	}
}

func TestCompensationIsAddedToThePool(t *testing.T) {
	// 无锡: (总造价 − 补贴 + 低楼层补偿) × 系数 × 面积 / Σ(系数 × 面积)
	res := mustCalc(t, `{"households":[{"id":"101","floor":1,"area":"60"},{"id":"601","floor":6,"area":"60"},{"id":"602","floor":6,"area":"60"}],
		"costs":[{"amount":"300000"}],"subsidies":[{"type":"fixed","amount":"100000"}],
		"compensations":[{"household":"101","amount":"5000"},{"household":"101","amount":"1000"}],
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1","value":"0"},{"floors":"6","value":"1"}]}}`)
	if res.Pool != 20600000 || res.TotalCompensation != 600000 {
		t.Fatalf("pool, compensation = %s, %s, want 206000.00, 6000.00", res.Pool, res.TotalCompensation)
	}
	if got, want := dues(res, dueOf), "101=0.00 601=103000.00 602=103000.00"; got != want {
		t.Errorf("dues = %s, want %s", got, want)
	}
	if res.Households[0].Compensation != 600000 {
		t.Errorf("compensation of 101 = %s, want 6000.00 (reported apart, not netted)", res.Households[0].Compensation)
	}
}

func TestRelief(t *testing.T) {
	hs := `[{"id":"301","floor":3,"area":"60","hardship":true},{"id":"302","floor":3,"area":"60"},{"id":"401","floor":4,"area":"60"},{"id":"101","floor":1,"area":"60","hardship":true,"exempt":true}]`
	tests := []struct {
		name     string
		hardship string
		relief   string
		extra    string
		due      string
		fundUsed string
		unused   string
	}{
		{"full relief shared by the others", `{"relief_rate":"1","funded_by":"others"}`,
			"301=1000.00 302=0.00 401=0.00 101=0.00", "301=0.00 302=500.00 401=500.00 101=0.00",
			"301=0.00 302=1500.00 401=1500.00 101=0.00", "0.00", "0.00"},
		{"half relief, funded_by defaults to others", `{"relief_rate":"0.5"}`,
			"301=500.00 302=0.00 401=0.00 101=0.00", "301=0.00 302=250.00 401=250.00 101=0.00",
			"301=500.00 302=1250.00 401=1250.00 101=0.00", "0.00", "0.00"},
		{"a fund large enough pays all", `{"relief_rate":"0.3","funded_by":"fund","fund":"1000"}`,
			"301=300.00 302=0.00 401=0.00 101=0.00", "301=0.00 302=0.00 401=0.00 101=0.00",
			"301=700.00 302=1000.00 401=1000.00 101=0.00", "300.00", "700.00"},
		{"a small fund pays what it has", `{"relief_rate":"1","funded_by":"fund","fund":"400"}`,
			"301=400.00 302=0.00 401=0.00 101=0.00", "301=0.00 302=0.00 401=0.00 101=0.00",
			"301=600.00 302=1000.00 401=1000.00 101=0.00", "400.00", "0.00"},
		{"no fund, no relief", `{"relief_rate":"1","funded_by":"fund"}`,
			"301=0.00 302=0.00 401=0.00 101=0.00", "301=0.00 302=0.00 401=0.00 101=0.00",
			"301=1000.00 302=1000.00 401=1000.00 101=0.00", "0.00", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustCalc(t, `{"households":`+hs+`,"costs":[{"amount":"3000"}],"hardship":`+tt.hardship+`}`)
			for _, c := range []struct{ what, got, want string }{
				{"relief", dues(res, reliefOf), tt.relief},
				{"extra", dues(res, extraOf), tt.extra},
				{"due", dues(res, dueOf), tt.due},
				{"fund_used", res.FundUsed.String(), tt.fundUsed},
				{"unused_fund", res.UnusedFund.String(), tt.unused},
			} {
				if c.got != c.want {
					t.Errorf("%s = %s, want %s", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestReliefFundSplitByNominalRelief(t *testing.T) {
	// Nominal relief 200.00 and 100.00, fund 100.01: split 2:1 by largest
	// remainder → 66.67 + 33.34? q = 6667.33…, 3333.66…: the second has the
	// larger fraction and gets the fen.
	res := mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"2","hardship":true},{"id":"b","floor":1,"area":"1","hardship":true},{"id":"c","floor":1,"area":"1"}],
		"costs":[{"amount":"400"}],"hardship":{"relief_rate":"1","funded_by":"fund","fund":"100.01"}}`)
	if got, want := dues(res, reliefOf), "a=66.67 b=33.34 c=0.00"; got != want {
		t.Errorf("relief = %s, want %s", got, want)
	}
	if res.FundUsed != 10001 || res.UnusedFund != 0 {
		t.Errorf("fund_used, unused = %s, %s", res.FundUsed, res.UnusedFund)
	}
}

func TestReliefWithNobodyElseToPay(t *testing.T) {
	_, err := CalcJSON([]byte(`{"households":[{"id":"a","floor":3,"area":"60","hardship":true}],"costs":[{"amount":"100"}],"hardship":{"relief_rate":"1"}}`))
	var e *Error
	if !asError(err, &e) || e.Field != "hardship.funded_by" {
		t.Fatalf("err = %v, want an invalid error on hardship.funded_by", err)
	}
}

func TestInstallmentsEqual(t *testing.T) {
	// due 1000.00, 30% down = 300.00; 700.00 over 3 months = 233.34, 233.33, 233.33
	res := mustCalc(t, `{"households":[{"id":"a","floor":3,"area":"60"}],"costs":[{"amount":"1000"}],
		"installments":{"down_payment_rate":"0.3","months":3,"annual_rate":"0","method":"equal","start":"2027-01-31"}}`)
	p := res.Households[0].Plan
	if p.DownPayment != 30000 || p.TotalInterest != 0 || p.TotalPaid != 100000 {
		t.Fatalf("plan = %+v", p)
	}
	want := []Installment{
		{1, 20270228, 23334, 0, 23334},
		{2, 20270331, 23333, 0, 23333},
		{3, 20270430, 23333, 0, 23333},
	}
	for i, w := range want {
		if p.Installments[i] != w {
			t.Errorf("installment %d = %+v, want %+v", i+1, p.Installments[i], w)
		}
	}
}

func TestInstallmentsAnnuity(t *testing.T) {
	// 10,000.00 at 6% a year over 12 months: the textbook 等额本息 payment
	// is 860.66; interest in month 1 is 50.00.
	res := mustCalc(t, `{"households":[{"id":"a","floor":3,"area":"60"}],"costs":[{"amount":"10000"}],
		"installments":{"months":12,"annual_rate":"0.06","method":"annuity","start":"2027-01-01"}}`)
	p := res.Households[0].Plan
	first, last := p.Installments[0], p.Installments[11]
	if first.Amount != 86066 || first.Interest != 5000 || first.Principal != 81066 {
		t.Errorf("first installment = %+v, want 860.66 = 810.66 + 50.00", first)
	}
	var principal Fen
	for _, in := range p.Installments {
		principal += in.Principal
	}
	if principal != 1000000 {
		t.Errorf("principal adds up to %s, want 10000.00", principal)
	}
	if last.Date.String() != "2028-01-01" || p.TotalInterest != p.TotalPaid-1000000 {
		t.Errorf("last = %+v, plan = %+v", last, p)
	}
	if last.Amount < 86000 || last.Amount > 86100 {
		t.Errorf("last payment %s should stay close to 860.66 (remaining balance)", last.Amount)
	}
	if p.TotalInterest != 32796 {
		t.Errorf("total interest = %s, want 327.96", p.TotalInterest)
	}
}

func TestInstallmentsAnnuityWithZeroRateIsEqual(t *testing.T) {
	a := mustCalc(t, `{"households":[{"id":"a","floor":3,"area":"60"}],"costs":[{"amount":"1000"}],"installments":{"months":7,"annual_rate":"0","method":"annuity","start":"2027-01-01"}}`)
	b := mustCalc(t, `{"households":[{"id":"a","floor":3,"area":"60"}],"costs":[{"amount":"1000"}],"installments":{"months":7,"method":"equal","start":"2027-01-01"}}`)
	for i := range a.Households[0].Plan.Installments {
		if a.Households[0].Plan.Installments[i] != b.Households[0].Plan.Installments[i] {
			t.Fatalf("installment %d differs: %+v vs %+v", i, a.Households[0].Plan.Installments[i], b.Households[0].Plan.Installments[i])
		}
	}
}

func TestInstallmentsEqualPrincipal(t *testing.T) {
	// 1,200.00 over 3 months at 12%/year (1%/month): principal 400.00 each,
	// interest 12.00, 8.00, 4.00.
	res := mustCalc(t, `{"households":[{"id":"a","floor":3,"area":"60"}],"costs":[{"amount":"1200"}],
		"installments":{"months":3,"annual_rate":"0.12","method":"equal_principal","start":"2028-01-31"}}`)
	p := res.Households[0].Plan
	want := []Installment{
		{1, 20280229, 40000, 1200, 41200},
		{2, 20280331, 40000, 800, 40800},
		{3, 20280430, 40000, 400, 40400},
	}
	for i, w := range want {
		if p.Installments[i] != w {
			t.Errorf("installment %d = %+v, want %+v", i+1, p.Installments[i], w)
		}
	}
	if p.TotalInterest != 2400 || p.TotalPaid != 122400 {
		t.Errorf("totals = %s, %s", p.TotalInterest, p.TotalPaid)
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		start string
		k     int
		want  string
	}{
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"}, // leap year
		{"2100-01-31", 1, "2100-02-28"}, // not a leap year
		{"2000-01-31", 1, "2000-02-29"}, // a leap year
		{"2027-01-31", 2, "2027-03-31"}, // from the start, not chained
		{"2027-08-31", 1, "2027-09-30"},
		{"2027-12-15", 1, "2028-01-15"},
		{"2027-01-01", 24, "2029-01-01"},
		{"2027-03-30", 11, "2028-02-29"},
	}
	for _, tt := range tests {
		in, _ := parseDate(tt.start)
		if got := addMonths(in, tt.k).Format("2006-01-02"); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.start, tt.k, got, tt.want)
		}
	}
}

func TestPlanForNothingDue(t *testing.T) {
	res := mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"60","exempt":true},{"id":"b","floor":2,"area":"60"}],"costs":[{"amount":"100"}],
		"installments":{"months":3,"start":"2027-01-01"}}`)
	p := res.Households[0].Plan
	if p == nil || p.Installments == nil || len(p.Installments) != 0 || p.DownPayment != 0 || p.TotalPaid != 0 {
		t.Fatalf("plan of a household with nothing due = %+v, want zeros and an empty list", p)
	}
}

func TestOperatingCost(t *testing.T) {
	res := mustCalc(t, `{"households":`+sixHouseholds+`,"costs":[{"amount":"0"}],"operating":{"annual":"6000"},
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3-4","value":"1"}]}}`)
	if got, want := dues(res, func(h HouseholdShare) Fen { return h.OperatingAnnual }), "101=0.00 201=0.00 301=1200.00 302=1800.00 401=1200.00 402=1800.00"; got != want {
		t.Errorf("operating = %s, want %s", got, want)
	}
	if res.Pool != 0 || res.TotalDue != 0 {
		t.Errorf("zero cost: pool %s, due %s", res.Pool, res.TotalDue)
	}
	res = mustCalc(t, `{"households":`+sixHouseholds+`,"costs":[{"amount":"100"}]}`)
	if res.Households[0].OperatingAnnual != 0 || res.Households[0].Plan != nil {
		t.Errorf("without operating and installments: %+v", res.Households[0])
	}
}

func TestFloorTotals(t *testing.T) {
	res := mustCalc(t, `{"floors":6,"households":[{"id":"401","floor":4,"area":"60"},{"id":"101","floor":1,"area":"60"},{"id":"402","floor":4,"area":"90"}],"costs":[{"amount":"2100"}]}`)
	want := []FloorTotal{{1, 1, 60000, 60000}, {4, 2, 150000, 150000}}
	if len(res.FloorTotals) != len(want) {
		t.Fatalf("floor totals = %+v, want %+v", res.FloorTotals, want)
	}
	for i := range want {
		if res.FloorTotals[i] != want[i] {
			t.Errorf("floor total %d = %+v, want %+v", i, res.FloorTotals[i], want[i])
		}
	}
}

func TestNobodyToPay(t *testing.T) {
	_, err := CalcJSON([]byte(`{"households":[{"id":"a","floor":1,"area":"60","exempt":true}],"costs":[{"amount":"100"}]}`))
	if ErrorCode(err) != ECodeInvalid || !strings.Contains(err.Error(), "没有任何出资户") {
		t.Fatalf("err = %v", err)
	}
	// A zero pool with nobody to pay is fine.
	res := mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"60","exempt":true}],"costs":[{"amount":"0"}]}`)
	if res.TotalDue != 0 {
		t.Errorf("total due = %s", res.TotalDue)
	}
}

func TestCalcDecimalsAreExact(t *testing.T) {
	// Big amounts and many decimals never pass through float64.
	res := mustCalc(t, `{"households":[{"id":"a","floor":1,"area":"9999.99"},{"id":"b","floor":1,"area":0.01}],
		"costs":[{"amount":999999999.99},{"amount":"0.01"}]}`)
	if res.TotalCost.String() != "1000000000.00" {
		t.Errorf("total cost = %s", res.TotalCost)
	}
	if got, want := dues(res, shareOf), "a=999999000.00 b=1000.00"; got != want {
		t.Errorf("shares = %s, want %s", got, want)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func parseDate(s string) (t time.Time, err error) { return time.Parse(time.DateOnly, s) }

func TestResultRoundTripsThroughJSON(t *testing.T) {
	res := mustCalc(t, validDoc)
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back CalcResult
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if string(again) != string(data) {
		t.Errorf("result changed through JSON:\n%s\n%s", data, again)
	}
}
