package engine

import (
	"slices"
	"time"
)

// IssueFixDays is the time an inspection's issue is given to be fixed,
// counted from the inspection's day: the progress 公示 prints each open
// issue with the day it falls due, so residents can hold the works to it.
const IssueFixDays = 7

// OpenIssue is an issue still to be fixed, as the progress 公示 lists it.
type OpenIssue struct {
	Raised string // the inspection's day, YYYY-MM-DD
	Text   string
	Due    string // Raised + IssueFixDays
}

// OpenIssuesOf lists the issues not yet fixed, oldest first.
func OpenIssuesOf(inspections []*Inspection) []OpenIssue {
	var out []OpenIssue
	for _, in := range inspections {
		for _, is := range in.Issues {
			if is.FixedDay != "" {
				continue
			}
			o := OpenIssue{Raised: in.Day, Text: is.Text}
			if d, err := time.Parse(time.DateOnly, in.Day); err == nil {
				o.Due = d.AddDate(0, 0, IssueFixDays).Format(time.DateOnly)
			}
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b OpenIssue) int {
		switch {
		case a.Raised < b.Raised:
			return -1
		case a.Raised > b.Raised:
			return 1
		}
		return 0
	})
	return out
}

// Collection is what households owe and have paid under the published
// plan at a day, for the 收支公示: totals and counts, no names.
type Collection struct {
	AsOf              Date
	Due               Fen // what the plan asks of all households
	Paid              Fen
	Outstanding       Fen
	Overdue           Fen
	Households        int // households that owe anything
	HouseholdsPaid    int // of those, paid in full
	HouseholdsOverdue int
}

// CollectionOf sums a ledger up for the notice board.
func CollectionOf(res *LedgerResult) *Collection {
	c := &Collection{AsOf: res.AsOf, Due: res.Totals.TotalDue, Paid: res.Totals.Paid, Outstanding: res.Totals.Outstanding,
		Overdue: res.Totals.Overdue, HouseholdsOverdue: res.Totals.HouseholdsOverdue}
	for _, h := range res.Households {
		if h.TotalDue > 0 {
			c.Households++
			if h.Outstanding == 0 {
				c.HouseholdsPaid++
			}
		}
	}
	return c
}
