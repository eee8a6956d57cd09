package engine

import (
	"testing"
	"time"
)

// TestNoticePeriod: the 公示期 starts the day after posting in Beijing
// (民法典 第二百零一条), late at night and across a month end.
func TestNoticePeriod(t *testing.T) {
	for _, c := range []struct {
		posted   time.Time
		days     int
		from, to string
	}{
		{time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), 10, "2026-12-01", "2026-12-10"}, // 01:00 on 30 Nov in Beijing
		{time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), 7, "2026-12-01", "2026-12-07"},
		{time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC), 1, "2027-01-01", "2027-01-01"},
	} {
		from, to := NoticePeriod(c.posted, c.days)
		if got := from.Format(time.DateOnly) + " " + to.Format(time.DateOnly); got != c.from+" "+c.to {
			t.Errorf("NoticePeriod(%v, %d) = %s, want %s %s", c.posted, c.days, got, c.from, c.to)
		}
	}
}

// TestOpenIssuesAndCollection: open issues oldest first, each due
// IssueFixDays after its inspection, fixed ones left out; the collection
// counts households that owe and those paid in full.
func TestOpenIssuesAndCollection(t *testing.T) {
	ins := []*Inspection{
		{Day: "2027-02-25", Issues: []*InspectionIssue{{Text: "噪音"}, {Text: "围挡", FixedDay: "2027-02-26"}}},
		{Day: "2027-02-18", Issues: []*InspectionIssue{{Text: "防护网"}}},
	}
	got := OpenIssuesOf(ins)
	want := []OpenIssue{{Raised: "2027-02-18", Text: "防护网", Due: "2027-02-25"}, {Raised: "2027-02-25", Text: "噪音", Due: "2027-03-04"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("OpenIssuesOf = %v, want %v", got, want)
	}
	c := CollectionOf(&LedgerResult{Households: []HouseholdLedger{{TotalDue: 0}, {TotalDue: 100, Paid: 100}, {TotalDue: 200, Paid: 50, Outstanding: 150}},
		Totals: LedgerTotals{TotalDue: 300, Paid: 150, Outstanding: 150}})
	if c.Households != 2 || c.HouseholdsPaid != 1 || c.Due != 300 || c.Outstanding != 150 {
		t.Errorf("CollectionOf = %+v", c)
	}
}
