package engine

import "testing"

func TestReceiptStanding(t *testing.T) {
	dues := []Due{{N: 0, Date: 1, Amount: 1000}, {N: 1, Date: 2, Amount: 500}, {N: 2, Date: 3, Amount: 500}}
	first := &Payment{ID: 1, Kind: PaymentIn, Amount: 1200}
	wrong := &Payment{ID: 2, Kind: PaymentIn, Amount: 9999}
	second := &Payment{ID: 4, Kind: PaymentIn, Amount: 500}
	rev := &Payment{ID: 3, Kind: PaymentReversal, Amount: 9999, Reverses: 2}
	later := &Payment{ID: 5, Kind: PaymentIn, Amount: 300}
	records := []*Payment{later, rev, second, wrong, first}
	for _, c := range []struct {
		name   string
		pay    *Payment
		covers string
		owed   Fen
	}{
		{"down payment and part of the first", first, "首付款（付清）、第1期（部分）", 800},
		{"after a reversal, the rest of the first and part of the second", second, "第1期（付清）、第2期（部分）", 300},
		{"the last (later records never count for earlier ones)", later, "第2期（付清）", 0},
		{"the reversal", rev, "", 800},
	} {
		t.Run(c.name, func(t *testing.T) {
			covers, owed := ReceiptStanding(dues, records, c.pay)
			if got := CoversText(covers, len(dues)); got != c.covers || owed != c.owed {
				t.Errorf("got %q, owed %v; want %q, owed %v", got, owed, c.covers, c.owed)
			}
		})
	}
	single := []Due{{N: 0, Date: 1, Amount: 1000}}
	covers, owed := ReceiptStanding(single, []*Payment{first}, first)
	if got := CoversText(covers, 1); got != "应缴款（一次付清）" || owed != 0 {
		t.Errorf("one due: %q, owed %v", got, owed)
	}
}

func TestRealName(t *testing.T) {
	for name, want := range map[string]string{"王专干": "王专干", "管理员": "", " admin ": "", "": ""} {
		if got := (&Worker{DisplayName: name}).RealName(); got != want {
			t.Errorf("RealName(%q) = %q, want %q", name, got, want)
		}
	}
}
