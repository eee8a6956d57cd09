package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestLedgerExample(t *testing.T) {
	res, err := LedgerJSON([]byte(`{"as_of": "2027-04-15", "grace_days": 0,
 "households": [
   {"id": "601",
    "dues": [{"n": 0, "date": "2027-01-01", "amount": "15481.17"}, {"n": 1, "date": "2027-02-01", "amount": "1505.03"},
             {"n": 2, "date": "2027-03-01", "amount": "1505.03"}, {"n": 3, "date": "2027-04-01", "amount": "1505.03"},
             {"n": 4, "date": "2027-05-01", "amount": "1505.03"}],
    "payments": [{"date": "2027-01-03", "amount": "15481.17", "ref": "R-0001"}, {"date": "2027-02-02", "amount": "1505.03"}],
    "refunds": []},
   {"id": "602", "dues": [{"n": 0, "date": "2027-01-01", "amount": "100"}], "payments": [{"date": "2027-01-01", "amount": "120"}],
    "refunds": [{"date": "2027-01-05", "amount": "20"}]},
   {"id": "101", "dues": [{"n": 0, "date": "2027-01-01", "amount": "0.00"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	h := res.Households[0]
	if h.TotalDue != 2150129 || h.Paid != 1698620 || h.DueToDate != 1999626 || h.Overdue != 301006 || h.Status != LedgerOverdue ||
		h.OverdueSince == nil || h.OverdueSince.String() != "2027-03-01" || h.DaysOverdue != 45 ||
		h.NextDue == nil || h.NextDue.N != 4 || h.NextDue.Remaining != 150503 {
		t.Errorf("601: %+v next %+v", h, h.NextDue)
	}
	if s := res.Households[1]; s.Paid != 10000 || s.Status != LedgerSettled || s.Credit != 0 || s.Outstanding != 0 {
		t.Errorf("602: %+v", s)
	}
	if s := res.Households[2]; s.Status != LedgerNone {
		t.Errorf("101 owes nothing: got status %q, want %q", s.Status, LedgerNone)
	}
	// covered: min(16986.20, 19996.26) + min(100, 100) + 0 = 17086.20 of 20096.26 fallen due
	if tot := res.Totals; tot.HouseholdsOverdue != 1 || tot.CollectionRate == nil || tot.CollectionRate.String() != "85.02" || tot.Overdue != 301006 {
		t.Errorf("totals %+v", tot)
	}
}

// Nothing fallen due yet is no rate at all (the console shows "—"), not
// 100%; a household the plan asks nothing of is "none" (无需出资), not
// "settled" (已缴清).
func TestLedgerNothingDue(t *testing.T) {
	for _, tt := range []struct {
		name, doc, rate string
		status          []string
	}{
		{"before the first due", `{"as_of":"2026-12-05","households":[{"id":"601","dues":[{"n":0,"date":"2027-01-01","amount":"100"}]},
			{"id":"101","dues":[{"n":0,"date":"2027-01-01","amount":"0"}]}]}`, "null", []string{LedgerCurrent, LedgerNone}},
		{"nobody owes", `{"as_of":"2027-02-01","households":[{"id":"101","dues":[{"n":0,"date":"2027-01-01","amount":"0"}]}]}`, "null", []string{LedgerNone}},
		{"paid ahead", `{"as_of":"2026-12-05","households":[{"id":"601","dues":[{"n":0,"date":"2027-01-01","amount":"100"}],
			"payments":[{"date":"2026-12-01","amount":"100"}]}]}`, "null", []string{LedgerSettled}},
		{"fallen due", `{"as_of":"2027-01-01","households":[{"id":"601","dues":[{"n":0,"date":"2027-01-01","amount":"100"}],
			"payments":[{"date":"2026-12-01","amount":"50"}]}]}`, `"50.00"`, []string{LedgerOverdue}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := LedgerJSON([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(res.Totals.CollectionRate)
			if got := string(out); got != tt.rate {
				t.Errorf("collection_rate: got %s, want %s", got, tt.rate)
			}
			for i, want := range tt.status {
				if got := res.Households[i].Status; got != want {
					t.Errorf("%s: got status %q, want %q", res.Households[i].ID, got, want)
				}
			}
		})
	}
}

func TestLedgerRefusals(t *testing.T) {
	for _, tt := range []struct{ doc, field string }{
		{`{"households":[]}`, "as_of"},
		{`{"as_of":"2027-02-30","households":[]}`, "as_of"},
		{`{"as_of":"2027-01-01","grace_days":91,"households":[]}`, "grace_days"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[{"n":0,"date":"2027-01-01","amount":"-1"}]}]}`, "households[0].dues[0].amount"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[{"n":0,"date":"2027-01-01","amount":"1.005"}]}]}`, "households[0].dues[0].amount"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[{"n":0,"date":"2027-02-01","amount":"1"},{"n":1,"date":"2027-01-01","amount":"1"}]}]}`, "households[0].dues"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[{"n":0,"date":"2027-01-01","amount":"1"},{"n":0,"date":"2027-02-01","amount":"1"}]}]}`, "households[0].dues[1].n"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[],"payments":[{"date":"2027-01-01","amount":"0"}]}]}`, "households[0].payments[0].amount"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[],"payments":[{"date":"2027-01-02","amount":"5"}],"refunds":[{"date":"2027-01-01","amount":"5"}]}]}`, "households[0].refunds"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[]},{"id":"1","dues":[]}]}`, "households[1].id"},
		{`{"as_of":"2027-01-01","households":[{"id":"1","dues":[],"fines":[]}]}`, "households[0].fines"},
	} {
		_, err := LedgerJSON([]byte(tt.doc))
		e, ok := err.(*Error)
		if !ok || e.Code != ECodeInvalid || e.Field != tt.field {
			t.Errorf("%s: %v, want field %s", tt.doc, err, tt.field)
		}
	}
}

// randomLedger makes a household with a schedule and payments.
func randomLedger(r *rand.Rand) *LedgerInput {
	in := &LedgerInput{AsOf: Date(20270101 + r.IntN(12)*100 + r.IntN(28)), GraceDays: r.IntN(10)}
	for i := range 1 + r.IntN(5) {
		h := LedgerHousehold{ID: fmt.Sprint(i)}
		day := 20270101
		for n := range r.IntN(8) {
			h.Dues = append(h.Dues, Due{N: n, Date: Date(day), Amount: Fen(r.IntN(500000))})
			day += 100
			if day%10000 > 1231 {
				day += 10000 - 1200
			}
		}
		var paid Fen
		for range r.IntN(6) {
			p := Movement{Date: Date(20270101 + r.IntN(12)*100 + r.IntN(28)), Amount: Fen(1 + r.IntN(400000))}
			h.Payments = append(h.Payments, p)
			paid += p.Amount
		}
		if paid > 10 && r.IntN(3) == 0 { // a refund after everything, within what was paid
			h.Refunds = append(h.Refunds, Movement{Date: 20271231, Amount: Fen(1 + r.IntN(int(paid)))})
		}
		in.Households = append(in.Households, h)
	}
	return in
}

// TestLedgerProperties: paid + outstanding − credit = total due; the order
// of payments does not matter; a further payment never increases overdue.
func TestLedgerProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		in := randomLedger(r)
		res := Ledger(in)
		for i, h := range res.Households {
			if h.Paid+h.Outstanding-h.Credit != h.TotalDue {
				t.Fatalf("paid %d + outstanding %d − credit %d ≠ total due %d", h.Paid, h.Outstanding, h.Credit, h.TotalDue)
			}
			if (h.Status == LedgerOverdue) != (h.Overdue > 0 && h.Paid < h.TotalDue) || (h.OverdueSince != nil) != (h.Overdue > 0) {
				t.Fatalf("status %s with overdue %d since %v", h.Status, h.Overdue, h.OverdueSince)
			}
			// shuffled payments: the same answer
			shuffled := *in
			shuffled.Households = append([]LedgerHousehold(nil), in.Households...)
			ps := append([]Movement(nil), in.Households[i].Payments...)
			r.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
			shuffled.Households[i].Payments = ps
			if got := Ledger(&shuffled).Households[i]; jsonText(got) != jsonText(h) {
				t.Fatalf("payments in another order: %+v, want %+v", got, h)
			}
			// one more payment on or before as_of never raises overdue
			more := *in
			more.Households = append([]LedgerHousehold(nil), in.Households...)
			more.Households[i].Payments = append(append([]Movement(nil), in.Households[i].Payments...), Movement{Date: in.AsOf, Amount: Fen(1 + r.IntN(100000))})
			if got := Ledger(&more).Households[i]; got.Overdue > h.Overdue {
				t.Fatalf("a payment raised overdue from %d to %d", h.Overdue, got.Overdue)
			}
		}
		var due, paid Fen
		for _, h := range res.Households {
			due += h.TotalDue
			paid += h.Paid
		}
		if res.Totals.TotalDue != due || res.Totals.Paid != paid {
			t.Fatalf("totals %+v", res.Totals)
		}
	}
}

// FuzzLedger: any document either is refused with a field, or computes
// with the invariants holding.
func FuzzLedger(f *testing.F) {
	for _, s := range []string{
		`{"as_of":"2027-04-15","households":[{"id":"1","dues":[{"n":0,"date":"2027-01-01","amount":"100"}],"payments":[{"date":"2027-01-02","amount":"50"}]}]}`,
		`{"as_of":"2027-04-15","grace_days":5,"households":[{"id":"1","dues":[],"payments":[{"date":"2027-01-02","amount":"50"}],"refunds":[{"date":"2027-01-03","amount":"50"}]}]}`,
		`{"as_of":"x"}`, `[]`, `{"as_of":"2027-01-01","households":[{"id":"1","dues":[{"n":1e3,"date":"2027-01-01","amount":1e2}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := LedgerJSON(data)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code != ECodeInvalid || !strings.ContainsFunc(e.Message, func(r rune) bool { return r >= 0x4e00 }) {
				t.Fatalf("error %v is not an invalid-input error with a Chinese message", err)
			}
			return
		}
		for _, h := range res.Households {
			if h.Paid < 0 || h.Paid+h.Outstanding-h.Credit != h.TotalDue {
				t.Fatalf("%+v", h)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// BenchmarkLedger5000 is a 5000-household estate with 24-month plans and
// 60,000 payments (docs/targets.md: ≤ 50 ms).
func BenchmarkLedger5000(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5000))
	in := &LedgerInput{AsOf: 20280301, GraceDays: 5}
	payments := 0
	for i := range 5000 {
		h := LedgerHousehold{ID: fmt.Sprint(i + 1)}
		start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		h.Dues = append(h.Dues, Due{N: 0, Date: DateOf(start), Amount: Fen(1000000 + r.IntN(500000))})
		for n := 1; n <= 24; n++ {
			h.Dues = append(h.Dues, Due{N: n, Date: DateOf(start.AddDate(0, n, 0)), Amount: Fen(100000 + r.IntN(50000))})
		}
		for k := range 12 {
			h.Payments = append(h.Payments, Movement{Date: DateOf(start.AddDate(0, k, 2)), Amount: Fen(100000 + r.IntN(200000)), Ref: "SK"})
			payments++
		}
		in.Households = append(in.Households, h)
	}
	if payments != 60000 {
		b.Fatalf("%d payments", payments)
	}
	for b.Loop() {
		res := Ledger(in)
		if len(res.Households) != 5000 {
			b.Fatal(len(res.Households))
		}
	}
}
