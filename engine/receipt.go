package engine

import (
	"strconv"
	"strings"
)

// What a 收据 says of the household's schedule: which dues the money
// pays and what is still owed after it. A receipt is a record of its
// moment, so both count only the records up to and including its own
// (by id, the order they were recorded): printing it again later, after
// more payments or a reversal, prints the same words.

// DueCover is the part of one due a payment pays.
type DueCover struct {
	Due     Due
	Amount  Fen  // paid toward this due by the payment
	Settled bool // the due is paid in full with it
}

// ReceiptStanding is what a household's payment pays of its schedule
// (dues oldest first, the payments before it counting first) and what
// the household still owes after it. records are the household's records
// in any order; pay is one of them. For a refund or a reversal covers is
// empty and owed is what is owed after it.
func ReceiptStanding(dues []Due, records []*Payment, pay *Payment) (covers []DueCover, owed Fen) {
	var upTo, before []*Payment
	for _, r := range records {
		if r.ID <= pay.ID {
			upTo = append(upTo, r)
		}
		if r.ID < pay.ID {
			before = append(before, r)
		}
	}
	var total Fen
	for _, d := range dues {
		total += d.Amount
	}
	owed = max(0, total-Paid(upTo))
	if pay.Kind != PaymentIn {
		return nil, owed
	}
	paid, left := Paid(before), pay.Amount
	var cum Fen
	for _, d := range dues {
		start := cum
		cum += d.Amount
		if left == 0 {
			break
		}
		if cum <= paid || d.Amount == 0 {
			continue
		}
		open := cum - max(start, paid) // what this due still lacks before the payment
		part := min(open, left)
		covers = append(covers, DueCover{Due: d, Amount: part, Settled: part == open})
		left -= part
		paid += part
	}
	return covers, owed
}

// DueName words a due of a schedule: 首付款 and 第N期 of a plan, 应缴款
// when the whole amount falls due at once.
func DueName(d Due, dues int) string {
	switch {
	case dues <= 1:
		return "应缴款"
	case d.N == 0:
		return "首付款"
	}
	return "第" + strconv.Itoa(d.N) + "期"
}

// CoversText words what a payment pays: "首付款（付清）、第1期（部分）";
// "" when it pays no due (money beyond the schedule).
func CoversText(covers []DueCover, dues int) string {
	parts := make([]string, len(covers))
	for i, c := range covers {
		state := "（部分）"
		if c.Settled {
			state = "（付清）"
		}
		if dues <= 1 && c.Settled {
			state = "（一次付清）"
		}
		parts[i] = DueName(c.Due, dues) + state
	}
	return strings.Join(parts, "、")
}
