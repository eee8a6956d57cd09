package engine

// What the notices on the board print: the 公示期, how objections are
// answered, the works' open issues and what households owe.

import (
	"slices"
	"time"
)

// ObjectionAnswerWorkdays is how soon the 社区 answers an objection to a
// 公示 in writing, counted in working days from its receipt.
const ObjectionAnswerWorkdays = 5

// NoticePeriod is the 公示期 of a notice posted at posted for days whole
// days: it starts the day after posting (民法典 第二百零一条: a period
// counted in days starts the next day) and ends on its last whole day,
// both as dates in Beijing.
func NoticePeriod(posted time.Time, days int) (from, to time.Time) {
	p := posted.In(Beijing)
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, Beijing)
	from = day.AddDate(0, 0, 1)
	return from, from.AddDate(0, 0, days-1)
}

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
