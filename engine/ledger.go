package engine

import (
	"fmt"
	"sort"
	"time"
)

// The payments contract (docs/payments.md): what each household has
// actually paid against its schedule — exact fen, oldest dues first, grace
// days, refunds never below zero. `renovote ledger` and the service use it.

// MaxGraceDays bounds the days a due may be late before it counts.
const MaxGraceDays = 90

// LedgerInput is a validated input of the payments contract.
type LedgerInput struct {
	AsOf       Date
	GraceDays  int
	Households []LedgerHousehold
}

// LedgerHousehold is one household's schedule and money.
type LedgerHousehold struct {
	ID       string
	Dues     []Due
	Payments []Movement
	Refunds  []Movement
}

// Due is one amount of the schedule: n 0 is the down payment (or the single
// payment when there is no plan).
type Due struct {
	N      int  `json:"n"`
	Date   Date `json:"date"`
	Amount Fen  `json:"amount"`
}

// Movement is money paid in or refunded, on a day.
type Movement struct {
	Date   Date   `json:"date"`
	Amount Fen    `json:"amount"`
	Ref    string `json:"ref"`
}

// LedgerResult is the contract's answer.
type LedgerResult struct {
	AsOf       Date              `json:"as_of"`
	Households []HouseholdLedger `json:"households"`
	Totals     LedgerTotals      `json:"totals"`
}

// Ledger statuses.
const (
	LedgerSettled = "settled"
	LedgerOverdue = "overdue"
	LedgerCurrent = "current"
	LedgerNone    = "none" // the plan asks nothing of the household (无需出资)
)

// HouseholdLedger is one household's standing at as_of.
type HouseholdLedger struct {
	ID           string   `json:"id"`
	TotalDue     Fen      `json:"total_due"`
	Paid         Fen      `json:"paid"`
	Outstanding  Fen      `json:"outstanding"`
	Credit       Fen      `json:"credit"`
	DueToDate    Fen      `json:"due_to_date"`
	Overdue      Fen      `json:"overdue"`
	OverdueSince *Date    `json:"overdue_since"`
	DaysOverdue  int      `json:"days_overdue"`
	NextDue      *NextDue `json:"next_due"`
	Status       string   `json:"status"`
}

// NextDue is the first due not yet fallen due and not yet covered.
type NextDue struct {
	N         int  `json:"n"`
	Date      Date `json:"date"`
	Remaining Fen  `json:"remaining"`
}

// LedgerTotals adds the households up.
type LedgerTotals struct {
	TotalDue          Fen      `json:"total_due"`
	Paid              Fen      `json:"paid"`
	Outstanding       Fen      `json:"outstanding"`
	Overdue           Fen      `json:"overdue"`
	HouseholdsOverdue int      `json:"households_overdue"`
	CollectionRate    *Percent `json:"collection_rate"` // null while nothing has fallen due
}

// LedgerJSON reads a payments document and computes it.
func LedgerJSON(data []byte) (*LedgerResult, error) {
	in, err := ParseLedgerInput(data)
	if err != nil {
		return nil, err
	}
	return Ledger(in), nil
}

// ParseLedgerInput reads and validates a payments document.
func ParseLedgerInput(data []byte) (*LedgerInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "输入", "as_of", "grace_days", "households")
	in := &LedgerInput{}
	if v, ok := r.required(m, "", "as_of", "核算日期"); ok {
		in.AsOf = DateOf(r.date(r.str(v, "as_of", "核算日期", 10), "as_of", "核算日期"))
	}
	if present(m, "grace_days") {
		in.GraceDays = r.integer(m["grace_days"], "grace_days", "宽限天数", 0, MaxGraceDays)
	}
	if v, ok := r.required(m, "", "households", "住户列表"); ok {
		list := r.array(v, "households", "住户列表", 0, MaxHouseholds)
		in.Households = uniqueList(r, list, "households", "id", r.ledgerHousehold, func(h *LedgerHousehold) string { return h.ID },
			func(i int, h *LedgerHousehold) string { return householdName(i, h.ID) }, duplicateID)
	}
	if r.err != nil {
		return nil, r.err
	}
	return in, nil
}

func (r *reader) ledgerHousehold(v any, h *LedgerHousehold) {
	m := r.object(v, "", "", "id", "dues", "payments", "refunds")
	if iv, ok := r.required(m, "", "id", "的编号"); ok {
		h.ID = r.str(iv, "id", "的编号", MaxIDRunes)
		if r.ok() && h.ID == "" {
			r.fail("id", "的编号不能为空")
		}
	}
	if dv, ok := r.required(m, "", "dues", "的应缴计划"); ok {
		list := r.array(dv, "dues", "的应缴计划", 0, 400)
		h.Dues = make([]Due, len(list))
		seen := map[int]bool{}
		for i, x := range list {
			path := indexPath("dues", i)
			dm := r.object(x, path, "的第"+fmt.Sprint(i+1)+"笔应缴", "n", "date", "amount")
			d := &h.Dues[i]
			if nv, ok := r.required(dm, path, "n", "的期数"); ok {
				d.N = r.integer(nv, fieldPath(path, "n"), "的期数", 0, 400)
			}
			if r.ok() && seen[d.N] {
				r.fail(fieldPath(path, "n"), "的期数 %d 重复", d.N)
			}
			seen[d.N] = true
			if tv, ok := r.required(dm, path, "date", "的日期"); ok {
				d.Date = DateOf(r.date(r.str(tv, fieldPath(path, "date"), "的日期", 10), fieldPath(path, "date"), "的日期"))
			}
			if av, ok := r.required(dm, path, "amount", "的金额"); ok {
				d.Amount = r.money(av, fieldPath(path, "amount"), "的金额")
			}
		}
		sort.SliceStable(h.Dues, func(i, j int) bool { return h.Dues[i].N < h.Dues[j].N })
		for i := 1; i < len(h.Dues) && r.ok(); i++ {
			if h.Dues[i].Date < h.Dues[i-1].Date {
				r.fail("dues", "的第%d期（%s）早于第%d期（%s）：应缴日期应按期数先后排列", h.Dues[i].N, h.Dues[i].Date, h.Dues[i-1].N, h.Dues[i-1].Date)
			}
		}
	}
	h.Payments = r.movements(m, "payments", "的缴款")
	h.Refunds = r.movements(m, "refunds", "的退款")
	if !r.ok() {
		return
	}
	// a refund may never take back more than was paid by its day
	events := make([]Movement, 0, len(h.Payments)+len(h.Refunds))
	events = append(events, h.Payments...)
	for _, x := range h.Refunds {
		events = append(events, Movement{Date: x.Date, Amount: -x.Amount, Ref: x.Ref})
	}
	sort.SliceStable(events, func(i, j int) bool {
		if events[i].Date != events[j].Date {
			return events[i].Date < events[j].Date
		}
		return events[i].Amount > events[j].Amount // a day's payments before its refunds
	})
	var paid Fen
	for _, e := range events {
		paid += e.Amount
		if paid < 0 {
			r.fail("refunds", "的退款（%s，%s 元）超过了截至当日已缴的金额", e.Date, (-e.Amount).String())
			return
		}
	}
}

func (r *reader) movements(m map[string]any, key, label string) []Movement {
	if !present(m, key) || !r.ok() {
		return nil
	}
	list := r.array(m[key], key, label, 0, 5000)
	out := make([]Movement, len(list))
	for i, x := range list {
		path := indexPath(key, i)
		mm := r.object(x, path, label, "date", "amount", "ref")
		mv := &out[i]
		if tv, ok := r.required(mm, path, "date", "的日期"); ok {
			mv.Date = DateOf(r.date(r.str(tv, fieldPath(path, "date"), "的日期", 10), fieldPath(path, "date"), "的日期"))
		}
		if av, ok := r.required(mm, path, "amount", "的金额"); ok {
			mv.Amount = Fen(r.scaled(av, fieldPath(path, "amount"), "的金额（元）", 2, 0, int64(MaxAmount), true, false))
		}
		if present(mm, "ref") {
			mv.Ref = r.str(mm["ref"], fieldPath(path, "ref"), "的编号", 64)
		}
	}
	return out
}

// Ledger computes every household's standing at in.AsOf.
func Ledger(in *LedgerInput) *LedgerResult {
	res := &LedgerResult{AsOf: in.AsOf, Households: make([]HouseholdLedger, len(in.Households))}
	asOf := in.AsOf.Time()
	var fallenTotal, coveredTotal Fen
	for i := range in.Households {
		h := &in.Households[i]
		l := householdLedger(h, in.AsOf, asOf, in.GraceDays)
		res.Households[i] = l
		t := &res.Totals
		t.TotalDue += l.TotalDue
		t.Paid += l.Paid
		t.Outstanding += l.Outstanding
		t.Overdue += l.Overdue
		if l.Status == LedgerOverdue {
			t.HouseholdsOverdue++
		}
		fallenTotal += l.DueToDate
		coveredTotal += min(l.Paid, l.DueToDate)
	}
	if fallenTotal > 0 {
		rate := ratioHundredths(int64(coveredTotal), int64(fallenTotal))
		res.Totals.CollectionRate = &rate
	}
	return res
}

func householdLedger(h *LedgerHousehold, asOfDay Date, asOf time.Time, grace int) HouseholdLedger {
	l := HouseholdLedger{ID: h.ID}
	for _, p := range h.Payments {
		if p.Date <= asOfDay {
			l.Paid += p.Amount
		}
	}
	for _, p := range h.Refunds {
		if p.Date <= asOfDay {
			l.Paid -= p.Amount
		}
	}
	fallen := func(d Due) bool { return !d.Date.Time().AddDate(0, 0, grace).After(asOf) }
	var cum Fen
	var firstUncovered *Due
	for i := range h.Dues {
		d := h.Dues[i]
		l.TotalDue += d.Amount
		cum += d.Amount
		if fallen(d) {
			l.DueToDate += d.Amount
		}
		if cum > l.Paid {
			if firstUncovered == nil {
				firstUncovered = &h.Dues[i]
			}
			if l.NextDue == nil && !fallen(d) {
				l.NextDue = &NextDue{N: d.N, Date: d.Date, Remaining: min(d.Amount, cum-l.Paid)}
			}
		}
	}
	l.Outstanding = max(0, l.TotalDue-l.Paid)
	l.Credit = max(0, l.Paid-l.TotalDue)
	l.Overdue = max(0, l.DueToDate-l.Paid)
	if firstUncovered != nil && fallen(*firstUncovered) {
		since := firstUncovered.Date
		l.OverdueSince = &since
		l.DaysOverdue = int(asOf.Sub(since.Time()).Hours() / 24)
	}
	switch {
	case l.TotalDue == 0:
		l.Status = LedgerNone
	case l.Paid >= l.TotalDue:
		l.Status = LedgerSettled
	case l.Overdue > 0:
		l.Status = LedgerOverdue
	default:
		l.Status = LedgerCurrent
	}
	return l
}

// DuesOf is a household's schedule from its published plan: the down
// payment on the plan's start, then each installment on its date; or, with
// no plan (in == nil), one due of the whole amount on the vote's deadline.
func DuesOf(row HouseholdShare, in *Installments, deadline Date) []Due {
	if in == nil || row.Plan == nil || row.Due == 0 {
		return []Due{{N: 0, Date: deadline, Amount: row.Due}}
	}
	dues := make([]Due, 0, 1+len(row.Plan.Installments))
	dues = append(dues, Due{N: 0, Date: DateOf(in.Start), Amount: row.Plan.DownPayment})
	for _, x := range row.Plan.Installments {
		dues = append(dues, Due{N: x.N, Date: x.Date, Amount: x.Amount})
	}
	return dues
}

// ParseAmount reads an amount of money typed by a person: > 0, at most two
// decimals, at most MaxAmount.
func ParseAmount(text, field, label string) (Fen, error) {
	r := &reader{}
	f := Fen(r.scaled(text, field, label+"（元）", 2, 0, int64(MaxAmount), true, false))
	if r.err != nil {
		return 0, r.err
	}
	return f, nil
}

// ParseDay reads a calendar day YYYY-MM-DD.
func ParseDay(text, field, label string) (Date, error) {
	r := &reader{}
	d := r.date(text, field, label)
	if r.err != nil {
		return 0, r.err
	}
	return DateOf(d), nil
}
