package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseAmountJSON(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want Fen
		ok   bool
	}{
		{`"1500"`, 150000, true},
		{`"1500.5"`, 150050, true},
		{`"1500.50"`, 150050, true},
		{`"0.50"`, 50, true},
		{`"0.01"`, 1, true},
		{`"1000000000"`, MaxAmount, true},
		{`"1000000000.01"`, 0, false},
		{`"0"`, 0, false},
		{`"0.00"`, 0, false},
		{`"05"`, 0, false},
		{`"00.50"`, 0, false},
		{`"1e3"`, 0, false},
		{`" 5.00"`, 0, false},
		{`"5.00 "`, 0, false},
		{`"5."`, 0, false},
		{`".5"`, 0, false},
		{`"+5"`, 0, false},
		{`"-5"`, 0, false},
		{`"1,000"`, 0, false},
		{`"5.001"`, 0, false},
		{`"１００"`, 0, false},
		{`""`, 0, false},
		{`1.5`, 0, false},
		{`1000`, 0, false},
		{`null`, 0, false},
		{``, 0, false},
		{`true`, 0, false},
	} {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := ParseAmountJSON(json.RawMessage(tt.raw), "amount", "金额")
			if tt.ok && (err != nil || got != tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
			var e *Error
			if !tt.ok && (!errors.As(err, &e) || e.Field != "amount" || e.Code != ECodeInvalid) {
				t.Fatalf("got %v, %v; want refused naming amount", got, err)
			}
		})
	}
}

func TestCounting(t *testing.T) {
	records := []*Payment{
		{ID: 1, Kind: PaymentIn, Amount: 500000},
		{ID: 2, Kind: PaymentIn, Amount: 5000000}, // typed wrong
		{ID: 3, Kind: PaymentReversal, Amount: 5000000, Reverses: 2},
		{ID: 4, Kind: PaymentRefund, Amount: 10000},
		{ID: 5, Kind: PaymentRefund, Amount: 20000},
		{ID: 6, Kind: PaymentReversal, Amount: 20000, Reverses: 5},
	}
	var ids []int64
	for _, r := range Counting(records) {
		ids = append(ids, r.ID)
	}
	if got, want := ids, []int64{1, 4}; len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("counting %v, want %v", got, want)
	}
	if got, want := Paid(records), Fen(490000); got != want {
		t.Fatalf("paid %v, want %v", got, want)
	}
	if r, ok := ReversalOf(records, 2); !ok || r.ID != 3 {
		t.Fatalf("reversal of 2: %v %v", r, ok)
	}
	if _, ok := ReversalOf(records, 1); ok {
		t.Fatal("1 is not reversed")
	}
	funds := []*Fund{{ID: 1, Kind: FundIncome, Amount: 1}, {ID: 2, Kind: FundExpense, Amount: 2}, {ID: 3, Kind: FundReversal, Reverses: 1, Amount: 1}}
	if got := Counting(funds); len(got) != 1 || got[0].ID != 2 {
		t.Fatalf("counting funds %v", got)
	}
}

func TestMoneyChecks(t *testing.T) {
	records := []*Payment{
		{ID: 1, Kind: PaymentIn, Amount: 100000, ReceiptNo: "SK-2027-0001"},
		{ID: 2, Kind: PaymentRefund, Amount: 60000, ReceiptNo: "TK-2027-0001"},
		{ID: 3, Kind: PaymentIn, Amount: 30000, ReceiptNo: "SK-2027-0002"},
		{ID: 4, Kind: PaymentReversal, Amount: 30000, Reverses: 3, ReceiptNo: "CZ-2027-0001"},
	} // paid 400.00
	for _, tt := range []struct {
		name string
		err  error
		want string // "" when allowed, else a piece of the message
	}{
		{"refund all that was paid", CheckRefund(records, 40000), ""},
		{"refund more", CheckRefund(records, 40001), "超过了该户已缴的 400.00 元"},
		{"pay what is owed", CheckOverpay(100000, records, 60000, false), ""},
		{"pay one fen more", CheckOverpay(100000, records, 60001, false), "尚欠 600.00 元"},
		{"overpay meant", CheckOverpay(100000, records, 60001, true), ""},
		{"settled", CheckOverpay(30000, records, 1, false), "尚欠 0.00 元"},
		{"reverse a payment below paid", CheckReversal(records, records[0]), "已缴金额为负"},
		{"reverse a refund", CheckReversal(records, records[1]), ""},
		{"reverse twice", CheckReversal(records, records[2]), "已经冲正过了"},
		{"reverse a reversal", CheckReversal(records, records[3]), "不能再冲正"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.want == "" && tt.err != nil:
				t.Fatalf("refused: %v", tt.err)
			case tt.want != "" && (tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) || ErrorCode(tt.err) != ECodeConflict):
				t.Fatalf("got %v, want a conflict saying %q", tt.err, tt.want)
			}
		})
	}
}

func TestReceiptNo(t *testing.T) {
	// the year is Beijing's: 31 December 17:00 UTC is already 1 January
	at := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)
	for kind, want := range map[string]string{PaymentIn: "SK-2027-0001", PaymentRefund: "TK-2027-0001", PaymentReversal: "CZ-2027-0001"} {
		if got := ReceiptNo(kind, at, 0); got != want {
			t.Errorf("%s: %s, want %s", kind, got, want)
		}
	}
	if got := ReceiptNo(PaymentIn, at, 41); got != "SK-2027-0042" {
		t.Errorf("the 42nd: %s", got)
	}
}

func TestSamePayment(t *testing.T) {
	first := &Payment{ID: 7, Kind: PaymentIn, HouseholdID: 3, Amount: 500000, Day: "2027-01-02", Method: "微信", Note: "首付", ReceiptNo: "SK-2027-0007"}
	same := *first
	if err := SamePayment(first, &same); err != nil {
		t.Fatalf("the same content: %v", err)
	}
	for name, change := range map[string]func(p *Payment){
		"金额":    func(p *Payment) { p.Amount = 50000 },
		"日期":    func(p *Payment) { p.Day = "2027-01-03" },
		"缴款方式":  func(p *Payment) { p.Method = "现金" },
		"备注或原因": func(p *Payment) { p.Note = "" },
		"住户":    func(p *Payment) { p.HouseholdID = 4 },
		"类型":    func(p *Payment) { p.Kind = PaymentRefund },
		"凭证照片":  func(p *Payment) { p.Photo, p.PhotoType = []byte{1}, "image/jpeg" },
	} {
		again := *first
		change(&again)
		err := SamePayment(first, &again)
		if err == nil || ErrorCode(err) != ECodeConflict || !strings.Contains(err.Error(), "SK-2027-0007（5,000.00 元）") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	// a reversal's day is the server's: a retry on another day replays
	rev := &Payment{Kind: PaymentReversal, Reverses: 7, Amount: 500000, Day: "2027-01-02", Note: "录错"}
	again := *rev
	again.Day = "2027-01-05"
	if err := SamePayment(rev, &again); err != nil {
		t.Errorf("a reversal retried days later: %v", err)
	}
	fund := &Fund{ID: 2, Kind: FundIncome, Source: "政府补贴", What: "补贴", Amount: 100, Day: "2027-02-01"}
	other := *fund
	other.Source = "社会筹集"
	if err := SameFund(fund, &other); err == nil || !strings.Contains(err.Error(), "收支记录 #2") {
		t.Errorf("a fund key reused with another source: %v", err)
	}
}

func TestCheckMoneyDay(t *testing.T) {
	// 2026-12-05 23:30 in Beijing is still the 5th there (15:30 UTC)
	now := time.Date(2026, 12, 5, 15, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		day  Date
		want string
	}{
		{20261205, ""},
		{20261201, ""},
		{20261206, "日期不能晚于今天（2026年12月5日）"},
		{20270105, "日期不能晚于今天（2026年12月5日）"},
		{20161205, ""},
		{20161204, "日期 2016-12-04 早于十年之前，请核对"},
	} {
		err := CheckMoneyDay(now, tt.day, "date")
		got := ""
		if err != nil {
			e := err.(*Error)
			if e.Field != "date" || e.Code != ECodeInvalid {
				t.Errorf("%s: %+v", tt.day, e)
			}
			got = e.Message
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.day, got, tt.want)
		}
	}
	// 00:30 on the 6th in Beijing is 16:30 UTC on the 5th: the 6th is today
	if err := CheckMoneyDay(time.Date(2026, 12, 5, 16, 30, 0, 0, time.UTC), 20261206, "date"); err != nil {
		t.Errorf("the 6th in Beijing: %v", err)
	}
}
