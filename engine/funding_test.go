package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFundingExample: the worked example of docs/funding.md, number by number.
func TestFundingExample(t *testing.T) {
	data, err := os.ReadFile("../fixtures/funding/example.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FundingJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(res.ApplyBy), "2028-08-31"; got != want {
		t.Errorf("apply_by: got %s, want %s", got, want)
	}
	type row struct {
		id, gjj, accounts, maintenance, keep, after, cash string
	}
	want := []row{
		{"601", "17000.00", "12000.00 5000.00 0.00", "4099.90", "2400.10", "2400.10", "8900.10"},
		{"501", "16000.00", "16000.00", "0.00", "2100.00", "7100.00", "0.00"},
		{"301", "0.00", "", "0.00", "1500.00", "1200.00", "9000.50"},
		{"101", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"},
	}
	for i, w := range want {
		h := res.Households[i]
		var accounts []string
		for _, a := range h.GJJ.Accounts {
			accounts = append(accounts, a.Amount.String())
		}
		got := row{h.ID, h.GJJ.Total.String(), strings.Join(accounts, " "), h.Maintenance.Amount.String(),
			h.Maintenance.Keep.String(), h.Maintenance.BalanceAfter.String(), h.Cash.String()}
		if got != w {
			t.Errorf("household %d: got %+v, want %+v", i, got, w)
		}
	}
	if a := res.Households[0].GJJ.Accounts[2]; a.Allowed || a.Relation != RelationParent || a.Name != "张德福" {
		t.Errorf("a parent's account under owner+spouse: got %+v, want not allowed", a)
	}
	tot := res.Totals
	if got, want := [4]string{tot.Due.String(), tot.GJJ.String(), tot.Maintenance.String(), tot.Cash.String()},
		[4]string{"55000.50", "33000.00", "4099.90", "17900.60"}; got != want {
		t.Errorf("totals: got %v, want %v", got, want)
	}
}

func fundingDoc(rule, household string) string {
	doc := `{"households":[` + household + `]}`
	if rule != "" {
		doc = `{"rule":` + rule + `,"households":[` + household + `]}`
	}
	return doc
}

// TestFundingWalk: every rule of the walk, one household at a time.
func TestFundingWalk(t *testing.T) {
	const family = `"accounts":[{"name":"甲","relation":"owner","balance":"1000"},{"name":"乙","relation":"spouse","balance":"500"},
		{"name":"丙","relation":"parent","balance":"700"},{"name":"丁","relation":"child","balance":"300"}]`
	for _, tt := range []struct {
		name, rule, household string
		gjj, accounts         string // the total and each account's amount
		maintenance, keep     string
		after, cash           string
	}{
		{"defaults: owner and spouse, then the whole 维修资金", "", `{"id":"1","due":"2000",` + family + `,"maintenance":{"first_deposit":"900","balance":"400"}}`,
			"1500.00", "1000.00 500.00 0.00 0.00", "400.00", "0.00", "0.00", "100.00"},
		{"every relative allowed, the share caps the walk", `{"gjj_relations":["owner","spouse","parent","child"]}`, `{"id":"1","due":"2000",` + family + `}`,
			"2000.00", "1000.00 500.00 500.00 0.00", "0.00", "0.00", "0.00", "0.00"},
		{"accounts in input order, not by relation", `{"gjj_relations":["child","owner"]}`, `{"id":"1","due":"1100",` + family + `}`,
			"1100.00", "1000.00 0.00 0.00 100.00", "0.00", "0.00", "0.00", "0.00"},
		{"维修资金 first", `{"order":["maintenance","gjj"],"maintenance_keep_rate":"0.5"}`, `{"id":"1","due":"1000",` + family + `,"maintenance":{"first_deposit":"600","balance":"800"}}`,
			"500.00", "500.00 0.00 0.00 0.00", "500.00", "300.00", "300.00", "0.00"},
		{"公积金 only: the 维修资金 stays, allowed is false", `{"order":["gjj"],"gjj_relations":["owner"]}`, `{"id":"1","due":"3000",` + family + `,"maintenance":{"first_deposit":"600","balance":"800"}}`,
			"1000.00", "1000.00 0.00 0.00 0.00", "0.00", "0.00", "800.00", "2000.00"},
		{"维修资金 only: no account is allowed", `{"order":["maintenance"]}`, `{"id":"1","due":"3000",` + family + `,"maintenance":{"first_deposit":"600","balance":"800"}}`,
			"0.00", "0.00 0.00 0.00 0.00", "800.00", "0.00", "0.00", "2200.00"},
		{"the balance below the keep: nothing drawn", `{"maintenance_keep_rate":"0.30"}`, `{"id":"1","due":"100","maintenance":{"first_deposit":"1000","balance":"299.99"}}`,
			"0.00", "", "0.00", "300.00", "299.99", "100.00"},
		{"the balance at the keep: nothing drawn", `{"maintenance_keep_rate":"0.30"}`, `{"id":"1","due":"100","maintenance":{"first_deposit":"1000","balance":"300"}}`,
			"0.00", "", "0.00", "300.00", "300.00", "100.00"},
		{"keep rate 1: the whole first deposit stays", `{"maintenance_keep_rate":"1"}`, `{"id":"1","due":"100","maintenance":{"first_deposit":"1000","balance":"1050"}}`,
			"0.00", "", "50.00", "1000.00", "1000.00", "50.00"},
		{"nothing due: nothing drawn", "", `{"id":"1","due":"0",` + family + `,"maintenance":{"first_deposit":"1","balance":"1"}}`,
			"0.00", "0.00 0.00 0.00 0.00", "0.00", "0.00", "1.00", "0.00"},
		{"empty balances", "", `{"id":"1","due":"0.01","accounts":[{"name":"甲","relation":"owner","balance":"0"}],"maintenance":{"first_deposit":"0","balance":"0"}}`,
			"0.00", "0.00", "0.00", "0.00", "0.00", "0.01"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := FundingJSON([]byte(fundingDoc(tt.rule, tt.household)))
			if err != nil {
				t.Fatal(err)
			}
			h := res.Households[0]
			var accounts []string
			for _, a := range h.GJJ.Accounts {
				accounts = append(accounts, a.Amount.String())
			}
			got := [6]string{h.GJJ.Total.String(), strings.Join(accounts, " "), h.Maintenance.Amount.String(), h.Maintenance.Keep.String(),
				h.Maintenance.BalanceAfter.String(), h.Cash.String()}
			want := [6]string{tt.gjj, tt.accounts, tt.maintenance, tt.keep, tt.after, tt.cash}
			if got != want {
				t.Errorf("got  gjj %s [%s] maintenance %s keep %s after %s cash %s\nwant gjj %s [%s] maintenance %s keep %s after %s cash %s",
					got[0], got[1], got[2], got[3], got[4], got[5], want[0], want[1], want[2], want[3], want[4], want[5])
			}
		})
	}
}

// TestFundingAllowed: allowed says whether the rule lets the relative draw.
func TestFundingAllowed(t *testing.T) {
	res, err := FundingJSON([]byte(`{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"owner","balance":"0"},
		{"name":"乙","relation":"spouse","balance":"0"},{"name":"丙","relation":"parent","balance":"0"},{"name":"丁","relation":"child","balance":"0"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, a := range res.Households[0].GJJ.Accounts {
		got = append(got, a.Allowed)
	}
	if want := []bool{true, true, false, false}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("allowed under the default rule: got %v, want %v", got, want)
	}
}

// TestMaintenanceKeep: first_deposit × rate, rounded UP to the fen, exactly.
func TestMaintenanceKeep(t *testing.T) {
	for _, tt := range []struct{ deposit, rate, want string }{
		{"8000.33", "0.30", "2400.10"}, // 2400.099 → 2400.10
		{"8000.30", "0.30", "2400.09"}, // exact
		{"8000.00", "0.3", "2400.00"},
		{"0.01", "0.0001", "0.01"}, // 0.000001 → one fen
		{"0.01", "0", "0.00"},
		{"100.00", "0.3333", "33.33"}, // exact
		{"100.01", "0.3333", "33.34"}, // 33.333333 → 33.34
		{"1000000000.00", "1", "1000000000.00"},
		{"999999999.99", "0.9999", "999900000.00"}, // 999899999.990001 → up
		{"3333.33", "0.30", "1000.00"},             // 999.999 → 1000.00
		{"0", "0.30", "0.00"},
	} {
		t.Run(tt.deposit+"×"+tt.rate, func(t *testing.T) {
			res, err := FundingJSON([]byte(`{"rule":{"maintenance_keep_rate":"` + tt.rate + `"},"households":[{"id":"1","due":"0","maintenance":{"first_deposit":"` +
				tt.deposit + `","balance":"0"}}]}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Households[0].Maintenance.Keep.String(); got != tt.want {
				t.Errorf("keep of %s × %s: got %s, want %s", tt.deposit, tt.rate, got, tt.want)
			}
		})
	}
	// 999999999.99 × 0.9999 = 999899999.990001 exactly: rounded up it is 999899999.99 + 0.01
	if got := maintenanceKeep(99999999999, 9999); got != 99989999999+1 {
		t.Errorf("maintenanceKeep: got %d, want %d", got, 99989999999+1)
	}
}

// TestFundingApplyBy: completed + window_days, or null.
func TestFundingApplyBy(t *testing.T) {
	for _, tt := range []struct{ completed, window, want string }{
		{"", "", "null"},
		{`"2027-09-01"`, "", `"2028-08-31"`}, // default 365 days, over 2028-02-29
		{`"2027-09-01"`, "0", `"2027-09-01"`},
		{`"2024-02-29"`, "365", `"2025-02-28"`},
		{`"2027-01-31"`, "30", `"2027-03-02"`},
		{`"2027-01-01"`, "3650", `"2036-12-29"`}, // three leap days on the way
		{"null", "", "null"},
	} {
		rule := ""
		if tt.window != "" {
			rule = `"rule":{"window_days":` + tt.window + `},`
		}
		completed := ""
		if tt.completed != "" {
			completed = `"completed":` + tt.completed + `,`
		}
		res, err := FundingJSON([]byte(`{` + rule + completed + `"households":[{"id":"1","due":"1"}]}`))
		if err != nil {
			t.Fatalf("%s + %s: %v", tt.completed, tt.window, err)
		}
		out, _ := json.Marshal(res.ApplyBy)
		if got := string(out); got != tt.want {
			t.Errorf("%s + %s days: got %s, want %s", tt.completed, tt.window, got, tt.want)
		}
	}
}

// TestFundingOutputShape: the contract's field names; money as strings with
// two decimals; lists never null; no maintenance is "0.00" throughout.
func TestFundingOutputShape(t *testing.T) {
	res, err := FundingJSON([]byte(`{"households":[{"id":"1","due":"12.5"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(res)
	want := `{"apply_by":null,"households":[{"id":"1","due":"12.50","gjj":{"total":"0.00","accounts":[]},` +
		`"maintenance":{"amount":"0.00","keep":"0.00","balance_after":"0.00"},"cash":"12.50"}],` +
		`"totals":{"due":"12.50","gjj":"0.00","maintenance":"0.00","cash":"12.50"}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

// TestFundingRefusals: every bad input is refused naming its field, with a
// Chinese message.
func TestFundingRefusals(t *testing.T) {
	const ok = `{"id":"1","due":"100"}`
	for _, tt := range []struct{ name, doc, field, says string }{
		{"not an object", `[]`, "", "JSON 对象"},
		{"unknown top field", `{"households":[` + ok + `],"city":"苏州"}`, "city", "未知字段"},
		{"no households", `{"rule":{}}`, "households", "缺失"},
		{"empty households", `{"households":[]}`, "households", "不能为空"},
		{"rule not an object", `{"rule":[],"households":[` + ok + `]}`, "rule", "JSON 对象"},
		{"unknown rule field", fundingDoc(`{"keep_rate":"0.3"}`, ok), "rule.keep_rate", "未知字段"},
		{"unknown relation", fundingDoc(`{"gjj_relations":["owner","uncle"]}`, ok), "rule.gjj_relations[1]", "uncle"},
		{"repeated relation", fundingDoc(`{"gjj_relations":["owner","spouse","owner"]}`, ok), "rule.gjj_relations[2]", "重复"},
		{"empty relations", fundingDoc(`{"gjj_relations":[]}`, ok), "rule.gjj_relations", "不能为空"},
		{"relations not a list", fundingDoc(`{"gjj_relations":"owner"}`, ok), "rule.gjj_relations", "列表"},
		{"relation not text", fundingDoc(`{"gjj_relations":[1]}`, ok), "rule.gjj_relations[0]", "文本"},
		{"keep rate above 1", fundingDoc(`{"maintenance_keep_rate":"1.01"}`, ok), "rule.maintenance_keep_rate", "不超过1"},
		{"keep rate 5 decimals", fundingDoc(`{"maintenance_keep_rate":"0.30001"}`, ok), "rule.maintenance_keep_rate", "4位小数"},
		{"keep rate 5 decimals with a zero", fundingDoc(`{"maintenance_keep_rate":"0.30000"}`, ok), "rule.maintenance_keep_rate", "4位小数"},
		{"keep rate negative", fundingDoc(`{"maintenance_keep_rate":"-0.1"}`, ok), "rule.maintenance_keep_rate", "不能为负数"},
		{"keep rate a number", fundingDoc(`{"maintenance_keep_rate":0.3}`, ok), "rule.maintenance_keep_rate", "带引号"},
		{"keep rate a percentage", fundingDoc(`{"maintenance_keep_rate":"30%"}`, ok), "rule.maintenance_keep_rate", "写法不对"},
		{"window negative", fundingDoc(`{"window_days":-1}`, ok), "rule.window_days", "0到3650"},
		{"window too long", fundingDoc(`{"window_days":3651}`, ok), "rule.window_days", "0到3650"},
		{"window a fraction", fundingDoc(`{"window_days":36.5}`, ok), "rule.window_days", "整数"},
		{"order empty", fundingDoc(`{"order":[]}`, ok), "rule.order", "不能为空"},
		{"order unknown", fundingDoc(`{"order":["gjj","cash"]}`, ok), "rule.order[1]", "cash"},
		{"order repeated", fundingDoc(`{"order":["maintenance","maintenance"]}`, ok), "rule.order[1]", "重复"},
		{"completed not a date", `{"completed":"2027-02-30","households":[` + ok + `]}`, "completed", "不是有效日期"},
		{"completed a number", `{"completed":20270901,"households":[` + ok + `]}`, "completed", "文本"},
		{"household not an object", `{"households":["601"]}`, "households[0]", "JSON 对象"},
		{"household unknown field", `{"households":[{"id":"1","due":"1","share":"1"}]}`, "households[0].share", "未知字段"},
		{"no id", `{"households":[{"due":"1"}]}`, "households[0].id", "缺失"},
		{"blank id", `{"households":[{"id":" ","due":"1"}]}`, "households[0].id", "不能为空"},
		{"duplicate id", `{"households":[` + ok + `,{"id":"2","due":"1"},` + ok + `]}`, "households[2].id", "重复"},
		{"second household's duplicate", `{"households":[` + ok + `,` + ok + `]}`, "households[1].id", "与第1户重复"},
		{"no due", `{"households":[{"id":"1"}]}`, "households[0].due", "缺失"},
		{"due negative", `{"households":[{"id":"1","due":"-1"}]}`, "households[0].due", "不能为负数"},
		{"due with a plus sign", `{"households":[{"id":"1","due":"+1"}]}`, "households[0].due", "写法不对"},
		{"due 3 decimals", `{"households":[{"id":"1","due":"1.005"}]}`, "households[0].due", "2位小数"},
		{"due 3 decimals with a zero", `{"households":[{"id":"1","due":"1.500"}]}`, "households[0].due", "2位小数"},
		{"due a JSON number", `{"households":[{"id":"1","due":100}]}`, "households[0].due", "带引号"},
		{"due with an exponent", `{"households":[{"id":"1","due":"1e3"}]}`, "households[0].due", "写法不对"},
		{"due with spaces", `{"households":[{"id":"1","due":" 5.00"}]}`, "households[0].due", "写法不对"},
		{"due with a separator", `{"households":[{"id":"1","due":"1,000"}]}`, "households[0].due", "写法不对"},
		{"due with a leading zero", `{"households":[{"id":"1","due":"05"}]}`, "households[0].due", "写法不对"},
		{"due ends in a point", `{"households":[{"id":"1","due":"5."}]}`, "households[0].due", "写法不对"},
		{"due above the limit", `{"households":[{"id":"1","due":"1000000000.01"}]}`, "households[0].due", "不超过"},
		{"accounts not a list", `{"households":[{"id":"1","due":"1","accounts":{}}]}`, "households[0].accounts", "列表"},
		{"account unknown field", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"owner","balance":"1","id":"x"}]}]}`,
			"households[0].accounts[0].id", "未知字段"},
		{"account without a name", `{"households":[{"id":"1","due":"1","accounts":[{"relation":"owner","balance":"1"}]}]}`,
			"households[0].accounts[0].name", "缺失"},
		{"account with a blank name", `{"households":[{"id":"1","due":"1","accounts":[{"name":"","relation":"owner","balance":"1"}]}]}`,
			"households[0].accounts[0].name", "不能为空"},
		{"account relation unknown", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"friend","balance":"1"}]}]}`,
			"households[0].accounts[0].relation", "friend"},
		{"account relation missing", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","balance":"1"}]}]}`,
			"households[0].accounts[0].relation", "缺失"},
		{"third account's balance negative", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"owner","balance":"1"},
			{"name":"乙","relation":"spouse","balance":"1"},{"name":"丙","relation":"child","balance":"-3"}]}]}`,
			"households[0].accounts[2].balance", "第3个公积金账户的余额"},
		{"balance 3 decimals", `{"households":[` + ok + `,{"id":"2","due":"1","accounts":[{"name":"甲","relation":"owner","balance":"0.001"}]}]}`,
			"households[1].accounts[0].balance", "2位小数"},
		{"balance missing", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"owner"}]}]}`,
			"households[0].accounts[0].balance", "缺失"},
		{"too many accounts", `{"households":[{"id":"1","due":"1","accounts":[` + strings.Repeat(`{"name":"甲","relation":"owner","balance":"1"},`, 20) +
			`{"name":"甲","relation":"owner","balance":"1"}]}]}`, "households[0].accounts", "最多20项"},
		{"maintenance not an object", `{"households":[{"id":"1","due":"1","maintenance":"1"}]}`, "households[0].maintenance", "JSON 对象"},
		{"maintenance unknown field", `{"households":[{"id":"1","due":"1","maintenance":{"first_deposit":"1","balance":"1","keep":"0"}}]}`,
			"households[0].maintenance.keep", "未知字段"},
		{"maintenance without first deposit", `{"households":[{"id":"1","due":"1","maintenance":{"balance":"1"}}]}`,
			"households[0].maintenance.first_deposit", "缺失"},
		{"maintenance balance negative", `{"households":[{"id":"1","due":"1","maintenance":{"first_deposit":"1","balance":"-1"}}]}`,
			"households[0].maintenance.balance", "不能为负数"},
		{"first deposit 3 decimals", `{"households":[{"id":"1","due":"1","maintenance":{"first_deposit":"8000.333","balance":"1"}}]}`,
			"households[0].maintenance.first_deposit", "2位小数"},
		{"repeated key", `{"households":[{"id":"1","due":"1","due":"2"}]}`, "due", "两次"},
		{"not JSON", `{"households":[`, "", "JSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FundingJSON([]byte(tt.doc))
			var e *Error
			if !errors.As(err, &e) || e.Code != ECodeInvalid {
				t.Fatalf("got %v, want an invalid-input error naming %q", err, tt.field)
			}
			if e.Field != tt.field || !strings.Contains(e.Message, tt.says) || !hasHan(e.Message) {
				t.Errorf("got field %q, message %q; want field %q, a message saying %q", e.Field, e.Message, tt.field, tt.says)
			}
		})
	}
}

// TestFundingAcceptsPlainNumbers: what a worker types from a statement.
func TestFundingAcceptsPlainNumbers(t *testing.T) {
	for _, due := range []string{"0", "0.5", "0.50", "1500", "1500.5", "1500.50", "1000000000.00"} {
		if _, err := FundingJSON([]byte(`{"households":[{"id":"1","due":"` + due + `"}]}`)); err != nil {
			t.Errorf("due %q: %v", due, err)
		}
	}
	for _, rate := range []string{"0", "1", "1.0", "1.0000", "0.3", "0.30", "0.3000", "0.1234"} {
		if _, err := FundingJSON([]byte(fundingDoc(`{"maintenance_keep_rate":"`+rate+`"}`, `{"id":"1","due":"1"}`))); err != nil {
			t.Errorf("keep rate %q: %v", rate, err)
		}
	}
}

// TestParseFundingRule: a rule alone, its defaults, and the way it writes
// itself back (the presets are served in this shape).
func TestParseFundingRule(t *testing.T) {
	rule, err := ParseFundingRule([]byte(`{"maintenance_keep_rate":"0.3"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(rule)
	if got, want := string(out), `{"gjj_relations":["owner","spouse"],"maintenance_keep_rate":"0.30","window_days":365,"order":["gjj","maintenance"]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	back, err := ParseFundingRule(out)
	if err != nil || fmt.Sprint(back) != fmt.Sprint(rule) {
		t.Errorf("round trip: got %+v (%v), want %+v", back, err, rule)
	}
	_, err = ParseFundingRule([]byte(`{"order":["gjj","gjj"]}`))
	if e, ok := err.(*Error); !ok || e.Field != "order[1]" {
		t.Errorf("a rule alone names its own fields: got %v", err)
	}
	for _, tt := range []struct {
		rate KeepRate
		want string
	}{{0, "0.00"}, {3000, "0.30"}, {10000, "1.00"}, {1234, "0.1234"}, {1, "0.0001"}, {3330, "0.333"}} {
		if got := tt.rate.String(); got != tt.want {
			t.Errorf("KeepRate(%d): got %s, want %s", tt.rate, got, tt.want)
		}
	}
}

// randomFunding makes households with random accounts under a random rule.
func randomFunding(r *rand.Rand) *FundingInput {
	relations := []string{RelationOwner, RelationSpouse, RelationParent, RelationChild}
	rule := FundingRule{MaintenanceKeepRate: KeepRate(r.IntN(keepRateScale + 1)), WindowDays: r.IntN(MaxFundingWindowDays + 1)}
	for _, rel := range relations {
		if r.IntN(2) == 0 {
			rule.GJJRelations = append(rule.GJJRelations, rel)
		}
	}
	if len(rule.GJJRelations) == 0 {
		rule.GJJRelations = []string{RelationOwner}
	}
	rule.Order = [][]string{{SourceGJJ, SourceMaintenance}, {SourceMaintenance, SourceGJJ}, {SourceGJJ}, {SourceMaintenance}}[r.IntN(4)]
	in := &FundingInput{Rule: rule}
	amount := func() Fen {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1:
			return Fen(r.Int64N(int64(MaxAmount) + 1))
		}
		return Fen(r.IntN(5_000_000))
	}
	for i := range 1 + r.IntN(6) {
		h := FundingHousehold{ID: fmt.Sprint(i), Due: amount()}
		for range r.IntN(5) {
			h.Accounts = append(h.Accounts, FundingAccount{Name: "甲", Relation: relations[r.IntN(4)], Balance: amount()})
		}
		if r.IntN(3) > 0 {
			h.Maintenance = &MaintenanceAccount{FirstDeposit: amount(), Balance: amount()}
		}
		in.Households = append(in.Households, h)
	}
	return in
}

// checkFunding holds for every answer: gjj + maintenance + cash = due; no
// account gives more than its balance, none that is not allowed gives
// anything; the 维修资金 account keeps its keep (or gives nothing) and never
// gives more than its balance; nothing is negative; totals add up.
func checkFunding(t *testing.T, in *FundingInput, res *FundingResult) {
	t.Helper()
	var tot FundingTotals
	for i, f := range res.Households {
		h := in.Households[i]
		if f.ID != h.ID || f.Due != h.Due {
			t.Fatalf("household %d: %s %s, want %s %s", i, f.ID, f.Due, h.ID, h.Due)
		}
		if f.GJJ.Total+f.Maintenance.Amount+f.Cash != f.Due || f.Cash < 0 {
			t.Fatalf("%s: gjj %s + maintenance %s + cash %s ≠ due %s", f.ID, f.GJJ.Total, f.Maintenance.Amount, f.Cash, f.Due)
		}
		var gjj Fen
		for k, a := range f.GJJ.Accounts {
			allowed := contains(in.Rule.GJJRelations, a.Relation) && contains(in.Rule.Order, SourceGJJ)
			if a.Amount < 0 || a.Amount > h.Accounts[k].Balance || a.Allowed != allowed || (!allowed && a.Amount != 0) {
				t.Fatalf("%s account %d (%s, balance %s, allowed %v): gives %s", f.ID, k, a.Relation, h.Accounts[k].Balance, a.Allowed, a.Amount)
			}
			gjj += a.Amount
		}
		if gjj != f.GJJ.Total {
			t.Fatalf("%s: accounts add up to %s, total %s", f.ID, gjj, f.GJJ.Total)
		}
		m := f.Maintenance
		if h.Maintenance == nil {
			if m != (MaintenanceDraw{}) {
				t.Fatalf("%s: no 维修资金 given, got %+v", f.ID, m)
			}
		} else {
			kept := Fen(int64(h.Maintenance.FirstDeposit) * int64(in.Rule.MaintenanceKeepRate)) // × 10000
			if m.Amount < 0 || m.Amount > h.Maintenance.Balance || m.BalanceAfter != h.Maintenance.Balance-m.Amount ||
				(m.Amount > 0 && Fen(int64(m.BalanceAfter)*keepRateScale) < kept) ||
				m.Keep*keepRateScale < kept || (m.Keep-1)*keepRateScale >= kept && m.Keep > 0 ||
				(!contains(in.Rule.Order, SourceMaintenance) && m.Amount != 0) {
				t.Fatalf("%s: 维修资金 %+v of %+v under keep rate %s", f.ID, m, *h.Maintenance, in.Rule.MaintenanceKeepRate)
			}
		}
		tot.Due += f.Due
		tot.GJJ += f.GJJ.Total
		tot.Maintenance += m.Amount
		tot.Cash += f.Cash
	}
	if tot != res.Totals {
		t.Fatalf("totals %+v, households add up to %+v", res.Totals, tot)
	}
}

// TestFundingProperties: the invariants over thousands of random inputs;
// and a larger share never draws less from any source.
func TestFundingProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 18))
	for range 5000 {
		in := randomFunding(r)
		res := Funding(in)
		checkFunding(t, in, res)
		more := *in
		more.Households = append([]FundingHousehold(nil), in.Households...)
		more.Households[0].Due += Fen(r.IntN(100000))
		bigger := Funding(&more).Households[0]
		if h := res.Households[0]; bigger.GJJ.Total < h.GJJ.Total || bigger.Maintenance.Amount < h.Maintenance.Amount || bigger.Cash < h.Cash {
			t.Fatalf("a larger share drew less: %+v, before %+v", bigger, h)
		}
	}
}

// FuzzFunding: any bytes give an invalid-input error with a Chinese
// message or an answer that adds up — never a panic.
func FuzzFunding(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/funding/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, doc := range []string{`{}`, `[]`, `null`, `{"households":[{"id":"1","due":"0"}]}`,
		`{"rule":{"order":["maintenance"],"maintenance_keep_rate":"1"},"households":[{"id":"1","due":"1000000000.00","maintenance":{"first_deposit":"1000000000.00","balance":"1000000000.00"}}]}`,
		`{"rule":{"gjj_relations":["child","parent","spouse","owner"],"window_days":3650},"completed":"2200-12-31","households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"child","balance":"0.01"}]}]}`,
		`{"rule":{"maintenance_keep_rate":"0.0001"},"households":[{"id":"1","due":"1","maintenance":{"first_deposit":"0.01","balance":"0.01"}}]}`,
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseFundingInput(data)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		checkFunding(t, in, Funding(in))
	})
}

// TestFundingPresets: each city's rule, written as the presets serve it,
// passes the contract and reads back the same; 苏州 keeps 30%.
func TestFundingPresets(t *testing.T) {
	presets := FundingPresets()
	var cities []string
	for _, p := range presets {
		cities = append(cities, p.City)
		out, err := json.Marshal(p.Rule)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseFundingRule(out)
		if err != nil || fmt.Sprint(back) != fmt.Sprint(p.Rule) {
			t.Errorf("%s: %s reads back as %+v (%v)", p.Key, out, back, err)
		}
		if p.Note == "" || p.Source == "" || !hasHan(p.Note) {
			t.Errorf("%s: a preset says what the city's rule is and where it comes from: %+v", p.Key, p)
		}
	}
	if got, want := strings.Join(cities, " "), "苏州 青岛 广东"; got != want {
		t.Errorf("cities: got %s, want %s", got, want)
	}
	if got := presets[0].Rule.MaintenanceKeepRate.String(); got != "0.30" {
		t.Errorf("苏州 keep rate: got %s, want 0.30", got)
	}
	var decoded FundingPreset
	if out, _ := json.Marshal(presets[0]); json.Unmarshal(out, &decoded) != nil || fmt.Sprint(decoded) != fmt.Sprint(presets[0]) {
		t.Errorf("a preset through JSON: got %+v, want %+v", decoded, presets[0])
	}
	presets[0].Rule.Order[0] = "changed"
	if FundingPresets()[0].Rule.Order[0] != SourceGJJ {
		t.Error("FundingPresets hands out shared slices")
	}
}

// TestFundingDocExample: the worked example in docs/funding.md shows what
// the contract computes, row by row and in total.
func TestFundingDocExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/funding.md")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../fixtures/funding/example.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := FundingJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	for _, h := range res.Households {
		var cells []string
		for _, line := range lines {
			if strings.HasPrefix(line, "| "+h.ID+" | ") {
				for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
					c, _, _ = strings.Cut(strings.TrimSpace(c), " (")
					cells = append(cells, c)
				}
			}
		}
		if len(cells) < 8 {
			t.Errorf("docs/funding.md has no worked-example row for %s", h.ID)
			continue
		}
		got := []string{cells[1], cells[4], cells[5], cells[6], cells[7]}
		want := []string{h.Due.String(), h.Maintenance.Keep.String(), h.Maintenance.Amount.String(), h.Maintenance.BalanceAfter.String(), h.Cash.String()}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("docs row %s: due, keep, drawn, after, cash %v; the contract computes %v", h.ID, got, want)
		}
		for _, a := range h.GJJ.Accounts {
			if !strings.Contains(cells[2], a.Name+" "+a.Relation+" ") || !strings.Contains(cells[2], "→ "+a.Amount.String()) {
				t.Errorf("docs row %s: %q lacks %s drawing %s", h.ID, cells[2], a.Name, a.Amount)
			}
		}
	}
	tot := res.Totals
	want := fmt.Sprintf("Totals: due %s = 公积金 %s + 维修资金 %s + cash %s. `apply_by` %s.", tot.Due, tot.GJJ, tot.Maintenance, tot.Cash, res.ApplyBy)
	if !strings.Contains(string(doc), want) {
		t.Errorf("docs/funding.md lacks %q", want)
	}
	first, _ := json.Marshal(res.Households[0])
	var shown struct {
		Households []json.RawMessage `json:"households"`
	}
	start := strings.Index(string(doc), "{\"apply_by\"")
	end := strings.Index(string(doc)[start:], "```")
	snippet := strings.Replace(string(doc)[start:start+end], ",\n   …]", "]", 1)
	if err := json.Unmarshal([]byte(snippet), &shown); err != nil || len(shown.Households) != 1 {
		t.Fatalf("the output example of docs/funding.md: %v", err)
	}
	var a, b any
	json.Unmarshal(first, &a)
	json.Unmarshal(shown.Households[0], &b)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("docs output example shows %s; the contract computes %s", shown.Households[0], first)
	}
}
