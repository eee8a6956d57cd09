package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// expectedLedger builds the payments contract's input from the published
// plan as the API shows it (each household's plan and the plan's start)
// and the payments the test sent, and computes it with the contract: what
// the service's ledger must equal.
func expectedLedger(t *testing.T, e *env, pid int, asOf string, paid map[string][]engine.Movement, refunded map[string][]engine.Movement) *engine.LedgerResult {
	t.Helper()
	scs := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), "a", nil).want(200).list()
	sc := scs[0].(map[string]any)
	start := sc["input"].(map[string]any)["installments"].(map[string]any)["start"].(string)
	type due struct {
		N      int    `json:"n"`
		Date   string `json:"date"`
		Amount string `json:"amount"`
	}
	type household struct {
		ID       string            `json:"id"`
		Dues     []due             `json:"dues"`
		Payments []engine.Movement `json:"payments"`
		Refunds  []engine.Movement `json:"refunds"`
	}
	doc := struct {
		AsOf       string      `json:"as_of"`
		Households []household `json:"households"`
	}{AsOf: asOf}
	for _, hv := range sc["result"].(map[string]any)["households"].([]any) {
		h := hv.(map[string]any)
		room := h["id"].(string)
		plan := h["plan"].(map[string]any)
		dues := []due{{0, start, plan["down_payment"].(string)}}
		for _, iv := range plan["installments"].([]any) {
			in := iv.(map[string]any)
			dues = append(dues, due{int(in["n"].(float64)), in["date"].(string), in["amount"].(string)})
		}
		if h["due"] == "0.00" {
			dues = dues[:1]
		}
		doc.Households = append(doc.Households, household{room, dues, paid[room], refunded[room]})
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.LedgerJSON(data)
	if err != nil {
		t.Fatalf("the contract refused %s: %v", data, err)
	}
	return res
}

// TestLedgerFollowsTheContract: random payments and refunds recorded
// through the API give exactly the ledger the contract computes.
func TestLedgerFollowsTheContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-05-01") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		ids := map[string]int{}
		for _, hv := range e.do("GET", base, "a", nil).want(200).json()["households"].([]any) {
			h := hv.(map[string]any)
			ids[h["room"].(string)] = int(h["id"].(float64))
		}
		r := rand.New(rand.NewPCG(uint64(len(s.Dialect())), 7))
		paid, refunded := map[string][]engine.Movement{}, map[string][]engine.Movement{}
		rooms := []string{"301", "302", "401", "402", "501", "502", "601", "602"}
		methods := engine.PaymentMethods
		for i := range 40 {
			room := rooms[r.IntN(len(rooms))]
			day := fmt.Sprintf("2027-%02d-%02d", 1+r.IntN(4), 1+r.IntN(28))
			amount := engine.Fen(100 + r.IntN(2000000))
			res := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, ids[room]), "a", map[string]any{"amount": amount.String(),
				"date": day, "method": methods[r.IntN(len(methods))], "overpay": true, "idempotency_key": fmt.Sprintf("pay-%s-%03d", s.Dialect(), i)}).want(201).json()
			if _, legacy, ok := engine.CodeProject(res["code"].(string)); !strings.HasPrefix(res["receipt_no"].(string), "SK-") || !ok || legacy {
				t.Fatalf("payment answer %v", res)
			}
			date, _ := engine.ParseDay(day, "", "")
			paid[room] = append(paid[room], engine.Movement{Date: date, Amount: amount})
			if i%9 == 8 { // a refund of part of it, later
				back := amount / 3
				e.do("POST", fmt.Sprintf("%s/households/%d/refunds", base, ids[room]), "a", map[string]any{"amount": back.String(),
					"date": "2027-05-01", "reason": "多缴退回", "idempotency_key": fmt.Sprintf("ref-%s-%03d", s.Dialect(), i)}).want(201)
				refunded[room] = append(refunded[room], engine.Movement{Date: 20270501, Amount: back})
			}
		}
		for _, asOf := range []string{"2027-01-15", "2027-03-10", "2027-06-01"} {
			want := expectedLedger(t, e, pid, asOf, paid, refunded)
			got := e.do("GET", base+"/ledger?as_of="+asOf, "a", nil).want(200).json()
			byRoom := map[string]map[string]any{}
			for _, hv := range got["households"].([]any) {
				h := hv.(map[string]any)
				byRoom[h["room"].(string)] = h
			}
			for _, h := range want.Households {
				w, err := json.Marshal(h)
				if err != nil {
					t.Fatal(err)
				}
				var wm map[string]any
				if err := json.Unmarshal(w, &wm); err != nil {
					t.Fatal(err)
				}
				g := byRoom[h.ID]
				for k, v := range wm {
					if k != "id" && fmt.Sprint(g[k]) != fmt.Sprint(v) {
						t.Errorf("as of %s, room %s, %s = %v, the contract says %v", asOf, h.ID, k, g[k], v)
					}
				}
			}
			wt, _ := json.Marshal(want.Totals)
			gt, _ := json.Marshal(got["totals"])
			if !jsonEqual(t, wt, gt) {
				t.Errorf("as of %s: totals %s, the contract says %s", asOf, gt, wt)
			}
		}
	})
}

// today puts the test clock at 10:00 of day in Beijing (money may not be
// dated after today) and logs the workers in again.
func (e *env) today(day string) {
	e.t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, day, engine.Beijing)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Set(d.Add(10 * time.Hour))
	for name := range e.tokens {
		e.login(name)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		t.Fatalf("not JSON: %s / %s", a, b)
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// TestRefundsAndReversals: a refund beyond what was paid is a conflict;
// a reversal cancels a record (which stays, marked), once; receipts print
// and verify; the statement and the arrears list hold what they should.
func TestRefundsAndReversals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		e.today("2027-01-03") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		h601 := e.householdID(pid, "601")
		pay := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, h601), "a", map[string]any{"amount": "5000", "date": "2027-01-02",
			"method": "微信", "note": "首付", "idempotency_key": "pay-601-0001"}).want(201).json()
		again := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, h601), "a", map[string]any{"amount": "5000", "date": "2027-01-02",
			"method": "微信", "note": "首付", "idempotency_key": "pay-601-0001"}).want(200).json()
		if again["id"] != pay["id"] || again["receipt_no"] != pay["receipt_no"] {
			t.Fatalf("a replay made another record: %v vs %v", again, pay)
		}
		e.do("POST", fmt.Sprintf("%s/households/%d/refunds", base, h601), "a", map[string]any{"amount": "5000.01", "date": "2027-01-03",
			"reason": "多缴", "idempotency_key": "ref-601-0001"}).want(409)
		wrong := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, h601), "a", map[string]any{"amount": "50000", "date": "2027-01-03",
			"method": "现金", "overpay": true, "idempotency_key": "pay-601-0002"}).want(201).json()
		rev := e.do("POST", fmt.Sprintf("%s/payments/%v/reversal", base, wrong["id"]), "a", map[string]any{"reason": "金额录错，多打了一个0",
			"idempotency_key": "rev-601-0001"}).want(201).json()
		if rev["kind"] != "reversal" || rev["amount"] != "50000.00" || !strings.HasPrefix(rev["receipt_no"].(string), "CZ-") {
			t.Fatalf("reversal %v", rev)
		}
		e.do("POST", fmt.Sprintf("%s/payments/%v/reversal", base, wrong["id"]), "a", map[string]any{"reason": "再冲一次",
			"idempotency_key": "rev-601-0002"}).want(409)
		ledger := e.do("GET", base+"/ledger?as_of=2027-02-15", "a", nil).want(200).json()
		for _, hv := range ledger["households"].([]any) {
			if h := hv.(map[string]any); h["room"] == "601" && h["paid"] != "5000.00" {
				t.Errorf("601 paid %v, want 5000.00 (the reversed record counts for nothing)", h["paid"])
			}
		}
		// the receipt prints, with 大写 and its code, and verifies
		text := pdfText(t, e.do("GET", fmt.Sprintf("%s/payments/%v/receipt.pdf", base, pay["id"]), "a", nil).want(200).body)
		for _, want := range []string{pay["receipt_no"].(string), "5,000.00", "人民币伍仟元整", pay["code"].(string), "微信", "601", "存证"} {
			if !strings.Contains(text, want) {
				t.Errorf("the receipt lacks %q:\n%s", want, text)
			}
		}
		v := e.do("GET", "/api/v1/verify/"+pay["code"].(string), "", nil).want(200).json()
		if v["kind"] != "receipt" || v["valid"] != true || v["current"] != true {
			t.Errorf("verify a receipt: %v", v)
		}
		vw := e.do("GET", "/api/v1/verify/"+wrong["code"].(string), "", nil).want(200).json()
		if vw["current"] != false || !strings.Contains(vw["message"].(string), "冲正") {
			t.Errorf("verify a reversed receipt: %v", vw)
		}
		// project money: a subsidy in, the contractor paid
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "amount": "200000", "date": "2027-01-03",
			"what": "市级加装电梯补贴到账", "idempotency_key": "fund-0001"}).want(201)
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "expense", "payee": "某某电梯公司", "amount": "126000", "date": "2027-01-03",
			"what": "电梯设备预付款", "idempotency_key": "fund-0002"}).want(201)
		st := pdfText(t, e.do("GET", base+"/statement.pdf", "a", nil).want(200).body)
		for _, want := range []string{"资金收支公示", "政府补贴", "200,000.00", "126,000.00", "居民出资", "5,000.00", "79,000.00"} {
			if !strings.Contains(st, want) {
				t.Errorf("the statement lacks %q:\n%s", want, st)
			}
		}
		if strings.Contains(st, "业主601") {
			t.Errorf("the statement names a resident")
		}
		// the receipt's 存证 line is its payment's own event: printed again
		// after the chain grew (funds, prints), it is the same line
		anchor := pay["anchor"].(map[string]any)
		own := fmt.Sprintf("存证第%v条·%s", anchor["seq"], anchor["hash"].(string)[:12])
		again2 := pdfText(t, e.do("GET", fmt.Sprintf("%s/payments/%v/receipt.pdf", base, pay["id"]), "a", nil).want(200).body)
		if got, want := anchorLines(again2), anchorLines(text); len(got) != 2 || !slices.Equal(got, want) || !strings.HasPrefix(got[0], own) {
			t.Errorf("the receipt's 存证 lines %q, first print %q, want the payment's own event %s", got, want, own)
		}
		for _, want := range []string{"第一联存根", "第二联收据（交款人收执）", "收款人：a", "复核：", "交款人：", "2027年1月2日", "所缴期次", "本次后尚欠"} {
			if !strings.Contains(again2, want) {
				t.Errorf("the receipt lacks %q:\n%s", want, again2)
			}
		}
		// the arrears list opens in Excel and names who is late
		res := e.do("GET", base+"/arrears.xlsx?as_of=2027-04-15", "a", nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("欠缴名单")
		if err != nil || len(rows) < 4 || !strings.Contains(rows[0][0], "欠缴名单") || rows[1][0] != "核算日期 2027年4月15日" || rows[2][0] != "房号" {
			t.Fatalf("arrears rows %v, %v", rows, err)
		}
		found := false
		for i, r := range rows[3:] {
			if r[0] == "601" {
				found = true
				row := strconv.Itoa(i + 4)
				numberCell(t, f, "欠缴名单", "D"+row, r[3]) // overdue, a number Excel sums
				numberCell(t, f, "欠缴名单", "F"+row, r[5]) // days
				numberCell(t, f, "欠缴名单", "G"+row, r[6]) // outstanding
				if !strings.Contains(r[3], ".") {
					t.Errorf("601's overdue amount shows %q, want two decimals", r[3])
				}
			}
		}
		if !found {
			t.Errorf("601 paid only its down payment in part and should be late: %v", rows)
		}
		// the household sees its payment and receipt on its own page, once
		// the day of the payment has come
		e.clock.Add(time.Date(2027, 2, 1, 12, 0, 0, 0, engine.Beijing).Sub(e.clock.Now()))
		view := e.do("GET", "/api/v1/sign/"+links["601"], "", nil).want(200).json()
		money, _ := view["money"].(map[string]any)
		if money == nil || money["paid"] != "5000.00" || len(money["receipts"].([]any)) != 3 {
			t.Errorf("the household's page: %v", view["money"])
		}
		e.do("GET", fmt.Sprintf("/s/%s/receipts/%v.pdf", links["601"], pay["id"]), "", nil).want(200)
		page601 := string(e.do("GET", "/s/"+links["601"], "", nil, "Accept", "text/html").want(200).body)
		for _, want := range []string{"您的缴款", "已缴 <b class=\"amount\">5,000.00 元</b>", pay["receipt_no"].(string), "下一笔应缴"} {
			if !strings.Contains(page601, want) {
				t.Errorf("the household's page lacks %q", want)
			}
		}
		e.do("GET", fmt.Sprintf("/s/%s/receipts/%v.pdf", links["602"], pay["id"]), "", nil).want(404)
		login := e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "password-a"}).want(200).json()
		e.tokens["a"] = login["token"].(string) // two months on, a new session
		// the public page shows the money without names
		publicURL := e.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
		page := string(e.do("GET", strings.TrimPrefix(publicURL, "http://renovote.test"), "", nil, "Accept", "text/html").want(200).body)
		for _, want := range []string{"资金", "已收", "已支出", "126,000.00"} {
			if !strings.Contains(page, want) {
				t.Errorf("the public page lacks %q", want)
			}
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after money: %v", a)
		}
		// an amount changed behind the application shows
		asDBA(t, s, "payments")
		s.DB().MustExec(s.DB().Rebind(`UPDATE payments SET amount = 500 WHERE id = ?`), pay["id"])
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != false || !strings.Contains(a["reason"].(string), "收支记录") {
			t.Errorf("audit after an amount was changed: %v", a)
		}
		e2 := newEnv(t, s, apphttp.Config{})
		if v := e2.do("GET", "/api/v1/verify/"+pay["code"].(string), "", nil).want(200).json(); v["valid"] != false {
			t.Errorf("verify of a changed receipt: %v", v)
		}
	})
}

// TestConcurrentPayments: many clients recording payments for one
// household at once, with retries: each key is stored exactly once and
// the receipt numbers are a gapless sequence.
func TestConcurrentPayments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-01-05") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "501")
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				for i := range 10 {
					key := fmt.Sprintf("conc-key-%02d", (g*10+i)%60) // every key sent by several clients
					res := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "100",
						"date": "2027-01-05", "method": "转账", "idempotency_key": key})
					if res.status != 201 && res.status != 200 {
						t.Errorf("status %d: %s", res.status, res.body)
					}
				}
			})
		}
		wg.Wait()
		ps := e.do("GET", base+"/payments", "a", nil).want(200).list()
		if len(ps) != 60 {
			t.Fatalf("%d records for 60 keys", len(ps))
		}
		numbers := map[string]bool{}
		for _, p := range ps {
			numbers[p.(map[string]any)["receipt_no"].(string)] = true
		}
		for i := 1; i <= 60; i++ {
			if !numbers[fmt.Sprintf("SK-%d-%04d", e.clock.Now().In(engine.Beijing).Year(), i)] {
				t.Errorf("receipt number %d is missing: %v", i, numbers)
			}
		}
	})
}

// TestBadMoney: bad amounts, days and methods get a 400 naming the field,
// a refund beyond what was paid a 409; nothing changes.
func TestBadMoney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-01-01") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "401")
		path := fmt.Sprintf("%s/households/%d/payments", base, hid)
		draft := e.do("POST", "/api/v1/projects", "a", demoProject("未发布")).want(201).json()
		before := counts(t, s)
		for _, tt := range []struct {
			path   string
			body   map[string]any
			status int
			field  string
		}{
			{path, map[string]any{"amount": "-5", "date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-1"}, 400, "amount"},
			{path, map[string]any{"amount": "0", "date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-2"}, 400, "amount"},
			{path, map[string]any{"amount": "1.005", "date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-3"}, 400, "amount"},
			{path, map[string]any{"amount": "100", "date": "2031-01-01", "method": "现金", "idempotency_key": "bad-money-4"}, 400, "date"},
			{path, map[string]any{"amount": "100", "date": "2027-01-02", "method": "现金", "idempotency_key": "bad-money-4b"}, 400, "date"},
			{fmt.Sprintf("%s/households/%d/refunds", base, hid), map[string]any{"amount": "1", "date": "2027-01-02", "reason": "x", "idempotency_key": "bad-money-4c"}, 400, "date"},
			{base + "/funds", map[string]any{"kind": "income", "source": "政府补贴", "amount": "1", "date": "2027-01-02", "what": "x", "idempotency_key": "bad-money-4d"}, 400, "date"},
			{base + "/funds", map[string]any{"kind": "expense", "payee": "某某电梯公司", "amount": "1", "date": "2027-02-01", "what": "x", "idempotency_key": "bad-money-4e"}, 400, "date"},
			{path, map[string]any{"amount": "100", "date": "2027-13-01", "method": "现金", "idempotency_key": "bad-money-5"}, 400, "date"},
			{path, map[string]any{"amount": "100", "date": "2027-01-01", "method": "支票", "idempotency_key": "bad-money-6"}, 400, "method"},
			{path, map[string]any{"amount": "100", "date": "2027-01-01", "method": "现金", "note": "😀", "idempotency_key": "bad-money-7"}, 400, "note"},
			{path, map[string]any{"date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-8"}, 400, "amount"},
			{path, map[string]any{"amount": "100", "method": "现金"}, 400, "idempotency_key"},
			{fmt.Sprintf("%s/households/%d/refunds", base, hid), map[string]any{"amount": "1", "date": "2027-01-01", "reason": "x", "idempotency_key": "bad-money-9"}, 409, "amount"},
			{fmt.Sprintf("%s/households/%d/refunds", base, hid), map[string]any{"amount": "1", "date": "2027-01-01", "idempotency_key": "bad-money-10"}, 400, "reason"},
			{fmt.Sprintf("%s/households/%d/payments", base, 999999), map[string]any{"amount": "1", "date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-11"}, 404, ""},
			{fmt.Sprintf("/api/v1/projects/%v/households/%v/payments", draft["id"], draft["households"].([]any)[0].(map[string]any)["id"]),
				map[string]any{"amount": "1", "date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-12"}, 409, ""},
			{base + "/funds", map[string]any{"kind": "gift", "amount": "1", "date": "2027-01-01", "what": "x", "idempotency_key": "bad-money-13"}, 400, "kind"},
			{base + "/funds", map[string]any{"kind": "income", "source": "彩票", "amount": "1", "date": "2027-01-01", "what": "x", "idempotency_key": "bad-money-14"}, 400, "source"},
			{base + "/funds", map[string]any{"kind": "expense", "amount": "1", "date": "2027-01-01", "what": "x", "idempotency_key": "bad-money-15"}, 400, "payee"},
			{base + "/payments/999999/reversal", map[string]any{"reason": "x", "idempotency_key": "bad-money-16"}, 404, ""},
		} {
			res := e.do("POST", tt.path, "a", tt.body).want(tt.status).json()
			if res["field"] != tt.field || !hasHan(res["message"].(string)) {
				t.Errorf("%v: %v, want field %q", tt.body, res, tt.field)
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("refused money changed the database:\nbefore %s\nafter  %s", before, after)
		}
		res := e.do("POST", path, "a", map[string]any{"amount": "100", "date": "2027-01-02", "method": "现金", "idempotency_key": "bad-money-17"}).want(400).json()
		if got, want := res["message"], "日期不能晚于今天（2027年1月1日）"; got != want {
			t.Errorf("a payment dated tomorrow: got %q, want %q", got, want)
		}
	})
}

// TestLedgerBeforeAnythingFallsDue: before the plan's first due the
// collection rate is null (no rate, not 100%), and the households the plan
// asks nothing of (floors 1–2) are "none", not "settled".
func TestLedgerBeforeAnythingFallsDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, e.householdID(pid, "601")), "a", map[string]any{"amount": "100",
			"method": "现金", "idempotency_key": "early-601"}).want(201)
		if today := e.do("GET", base, "a", nil).want(200).json()["today"]; today != "2026-11-02" {
			t.Errorf("the project's today %v, want the server's 2026-11-02", today)
		}
		for _, tt := range []struct{ asOf, rate string }{{"", "<nil>"}, {"?as_of=2026-12-31", "<nil>"}, {"?as_of=2027-01-01", "0.09"}} {
			l := e.do("GET", base+"/ledger"+tt.asOf, "a", nil).want(200).json()
			if got := fmt.Sprint(l["totals"].(map[string]any)["collection_rate"]); got != tt.rate {
				t.Errorf("as of %q: collection_rate %s, want %s", tt.asOf, got, tt.rate)
			}
			for _, hv := range l["households"].([]any) {
				h := hv.(map[string]any)
				owesNothing := h["total_due"] == "0.00"
				if got := h["status"]; owesNothing != (got == "none") {
					t.Errorf("as of %q: room %v owes %v and is %v", tt.asOf, h["room"], h["total_due"], got)
				}
			}
		}
	})
}

// householdDue is what a room owes in all under the project's published plan.
func householdDue(t *testing.T, e *env, pid int, room string) engine.Fen {
	t.Helper()
	sc := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), "a", nil).want(200).list()[0].(map[string]any)
	for _, hv := range sc["result"].(map[string]any)["households"].([]any) {
		if h := hv.(map[string]any); h["id"] == room {
			due, err := engine.ParseAmount(h["due"].(string), "due", "")
			if err != nil && h["due"] != "0.00" {
				t.Fatal(err)
			}
			return due
		}
	}
	t.Fatalf("no room %s in the plan", room)
	return 0
}

// TestStrictAmounts: every money amount a worker posts is a JSON string of
// a plain decimal; anything else — an exponent, spaces, a sign, "5.",
// ".5", a leading zero, a separator, a JSON number — is refused with 400
// naming "amount", on payments, refunds and funds, and nothing changes.
// "0.50" is a plain decimal and is taken.
func TestStrictAmounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-01-03") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "502")
		e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "100", "date": "2027-01-02",
			"method": "现金", "idempotency_key": "strict-paid"}).want(201)
		bad := []any{"1e3", "1E3", " 5.00", "5.00 ", "5.", ".5", "+5", "-5", "05", "00.50", "1,000", "5.001", "0", "0.00",
			"１００", "NaN", "Infinity", "0x10", "5 元", "", 1.5, 1000, true, nil, []any{"5"}, map[string]any{"yuan": "5"}}
		routes := []struct {
			name string
			path string
			body map[string]any
		}{
			{"payment", fmt.Sprintf("%s/households/%d/payments", base, hid), map[string]any{"date": "2027-01-03", "method": "现金"}},
			{"refund", fmt.Sprintf("%s/households/%d/refunds", base, hid), map[string]any{"date": "2027-01-03", "reason": "多缴"}},
			{"income", base + "/funds", map[string]any{"kind": "income", "source": "政府补贴", "what": "补贴", "date": "2027-01-03"}},
			{"expense", base + "/funds", map[string]any{"kind": "expense", "payee": "电梯公司", "what": "预付款", "date": "2027-01-03"}},
		}
		before := counts(t, s)
		for _, r := range routes {
			for i, amount := range bad {
				body := map[string]any{"amount": amount, "idempotency_key": fmt.Sprintf("strict-%s-%02d", r.name, i)}
				for k, v := range r.body {
					body[k] = v
				}
				res := e.do("POST", r.path, "a", body).want(400).json()
				if res["field"] != "amount" || !hasHan(res["message"].(string)) {
					t.Errorf("%s amount %#v: %v, want 400 naming amount", r.name, amount, res)
				}
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("refused amounts changed the database:\nbefore %s\nafter  %s", before, after)
		}
		for _, r := range routes {
			body := map[string]any{"amount": "0.50", "idempotency_key": "strict-ok-" + r.name}
			for k, v := range r.body {
				body[k] = v
			}
			if got := e.do("POST", r.path, "a", body).want(201).json(); got["amount"] != "0.50" {
				t.Errorf("%s of 0.50 recorded as %v", r.name, got["amount"])
			}
		}
	})
}

// TestOverpay: a payment above what the household still owes (its plan's
// total due minus what counts as paid) is refused with 409 saying how
// much is owed, unless "overpay": true says it is meant; a reversed
// payment no longer counts as paid.
func TestOverpay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-01-05") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "602")
		path := fmt.Sprintf("%s/households/%d/payments", base, hid)
		due := householdDue(t, e, pid, "602")
		if due < 200000 {
			t.Fatalf("602 owes %s: the test wants more than 2,000.00", due)
		}
		pay := func(amount engine.Fen, key string, overpay bool) *response {
			body := map[string]any{"amount": amount.String(), "date": "2027-01-05", "method": "转账", "idempotency_key": key}
			if overpay {
				body["overpay"] = true
			}
			return e.do("POST", path, "a", body)
		}
		first := pay(100000, "overpay-1", false).want(201).json()
		owed := due - 100000
		before := counts(t, s)
		res := pay(owed+1, "overpay-2", false).want(409).json()
		if msg := res["message"].(string); !strings.Contains(msg, "尚欠 "+owed.Grouped()+" 元") || res["field"] != "amount" {
			t.Errorf("an overpayment: %v, want the %s still owed", res, owed.Grouped())
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a refused overpayment changed the database:\nbefore %s\nafter  %s", before, after)
		}
		pay(owed, "overpay-3", false).want(201) // exactly what is owed
		pay(1, "overpay-4", false).want(409)    // settled: one fen is too much
		extra := pay(5000, "overpay-5", true).want(201).json()
		pay(5000, "overpay-5", true).want(200) // a replay is not a new overpayment
		ledger := e.do("GET", base+"/ledger?as_of=2027-12-31", "a", nil).want(200).json()
		for _, hv := range ledger["households"].([]any) {
			if h := hv.(map[string]any); h["room"] == "602" && h["credit"] != "50.00" {
				t.Errorf("602 after an overpayment of 50.00: %v", h)
			}
		}
		// the overpayment and the first payment reversed: owed again
		for i, id := range []any{extra["id"], first["id"]} {
			e.do("POST", fmt.Sprintf("%s/payments/%v/reversal", base, id), "a", map[string]any{"reason": "录错",
				"idempotency_key": fmt.Sprintf("overpay-rev-%d", i)}).want(201)
		}
		res = pay(100001, "overpay-6", false).want(409).json()
		if !strings.Contains(res["message"].(string), "尚欠 1,000.00 元") {
			t.Errorf("after reversals: %v", res)
		}
		pay(100000, "overpay-7", false).want(201)
	})
}

// TestMoneyKeyReused: an idempotency key sent again with the same content
// replays the first record; with other content (amount, day, method,
// note, household, kind, source, target) it is refused with 409 naming
// the first record, and nothing is written.
func TestMoneyKeyReused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-02-01") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		h501, h502 := e.householdID(pid, "501"), e.householdID(pid, "502")
		payment := func(hid int, change map[string]any) map[string]any {
			body := map[string]any{"amount": "5000", "date": "2027-01-02", "method": "微信", "note": "首付", "idempotency_key": "reuse-pay"}
			for k, v := range change {
				body[k] = v
			}
			return body
		}
		first := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, h501), "a", payment(h501, nil)).want(201).json()
		refund := e.do("POST", fmt.Sprintf("%s/households/%d/refunds", base, h501), "a", map[string]any{"amount": "100", "date": "2027-01-03",
			"reason": "多缴", "idempotency_key": "reuse-ref"}).want(201).json()
		fund := e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "amount": "200000", "date": "2027-02-01",
			"what": "补贴到账", "idempotency_key": "reuse-fund"}).want(201).json()
		rev := e.do("POST", fmt.Sprintf("%s/payments/%v/reversal", base, refund["id"]), "a", map[string]any{"reason": "退错了",
			"idempotency_key": "reuse-rev"}).want(201).json()
		frev := e.do("POST", fmt.Sprintf("%s/funds/%v/reversal", base, fund["id"]), "a", map[string]any{"reason": "重复登记",
			"idempotency_key": "reuse-frev"}).want(201).json()
		before := counts(t, s)
		payName := first["receipt_no"].(string) + "（5,000.00 元）"
		for _, tt := range []struct {
			name, path string
			body       map[string]any
			first      string
		}{
			{"another amount", fmt.Sprintf("%s/households/%d/payments", base, h501), payment(h501, map[string]any{"amount": "500"}), payName},
			{"another day", fmt.Sprintf("%s/households/%d/payments", base, h501), payment(h501, map[string]any{"date": "2027-01-03"}), payName},
			{"another method", fmt.Sprintf("%s/households/%d/payments", base, h501), payment(h501, map[string]any{"method": "现金"}), payName},
			{"another note", fmt.Sprintf("%s/households/%d/payments", base, h501), payment(h501, map[string]any{"note": "二期"}), payName},
			{"another household", fmt.Sprintf("%s/households/%d/payments", base, h502), payment(h502, nil), payName},
			{"a refund under a payment's key", fmt.Sprintf("%s/households/%d/refunds", base, h501),
				map[string]any{"amount": "5000", "date": "2027-01-02", "reason": "首付", "idempotency_key": "reuse-pay"}, payName},
			{"another refund amount", fmt.Sprintf("%s/households/%d/refunds", base, h501),
				map[string]any{"amount": "99", "date": "2027-01-03", "reason": "多缴", "idempotency_key": "reuse-ref"}, refund["receipt_no"].(string)},
			{"another fund amount", base + "/funds", map[string]any{"kind": "income", "source": "政府补贴", "amount": "20000", "date": "2027-02-01",
				"what": "补贴到账", "idempotency_key": "reuse-fund"}, fmt.Sprintf("收支记录 #%v", fund["id"])},
			{"another fund source", base + "/funds", map[string]any{"kind": "income", "source": "社会筹集", "amount": "200000", "date": "2027-02-01",
				"what": "补贴到账", "idempotency_key": "reuse-fund"}, fmt.Sprintf("收支记录 #%v", fund["id"])},
			{"a reversal of another record", fmt.Sprintf("%s/payments/%v/reversal", base, first["id"]),
				map[string]any{"reason": "退错了", "idempotency_key": "reuse-rev"}, rev["receipt_no"].(string)},
			{"a reversal with another reason", fmt.Sprintf("%s/payments/%v/reversal", base, refund["id"]),
				map[string]any{"reason": "别的原因", "idempotency_key": "reuse-rev"}, rev["receipt_no"].(string)},
			{"a fund reversal with another reason", fmt.Sprintf("%s/funds/%v/reversal", base, fund["id"]),
				map[string]any{"reason": "别的原因", "idempotency_key": "reuse-frev"}, fmt.Sprintf("收支记录 #%v", frev["id"])},
		} {
			res := e.do("POST", tt.path, "a", tt.body).want(409).json()
			if msg := res["message"].(string); !strings.Contains(msg, tt.first) || res["field"] != "idempotency_key" {
				t.Errorf("%s: %v, want 409 naming %s", tt.name, res, tt.first)
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a reused key wrote something:\nbefore %s\nafter  %s", before, after)
		}
		// the same content replays the first record
		for _, tt := range []struct {
			path  string
			body  map[string]any
			first map[string]any
		}{
			{fmt.Sprintf("%s/households/%d/payments", base, h501), payment(h501, nil), first},
			{fmt.Sprintf("%s/payments/%v/reversal", base, refund["id"]), map[string]any{"reason": "退错了", "idempotency_key": "reuse-rev"}, rev},
			{fmt.Sprintf("%s/funds/%v/reversal", base, fund["id"]), map[string]any{"reason": "重复登记", "idempotency_key": "reuse-frev"}, frev},
		} {
			if got := e.do("POST", tt.path, "a", tt.body).want(200).json(); got["id"] != tt.first["id"] || got["amount"] != tt.first["amount"] {
				t.Errorf("replay %v: %v, want %v", tt.body, got, tt.first)
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a replay wrote something:\nbefore %s\nafter  %s", before, after)
		}
		e.clock.Add(48 * time.Hour) // a reversal's day is the server's: a retry days later still replays
		e.login("a")
		before = counts(t, s)
		e.do("POST", fmt.Sprintf("%s/payments/%v/reversal", base, refund["id"]), "a", map[string]any{"reason": "退错了", "idempotency_key": "reuse-rev"}).want(200)
		if after := counts(t, s); after != before {
			t.Fatalf("a replay wrote something:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestMoneyRowsAreProjections: a database administrator without the key
// edits a payment's amount or photo, inserts a payment behind the
// application, deletes one, edits a fund's amount (triggers dropped);
// the audit names the table, the row and the column each time.
func TestMoneyRowsAreProjections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		pid2, _ := e.published() // a project of its own for the row inserted below
		e.today("2027-02-01")    // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "601")
		pay := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "5000", "date": "2027-01-02",
			"method": "转账", "photo": signature(t, 320, 200, true), "idempotency_key": "attack-pay"}).want(201).json()
		refund := e.do("POST", fmt.Sprintf("%s/households/%d/refunds", base, hid), "a", map[string]any{"amount": "100", "date": "2027-01-03",
			"reason": "多缴", "idempotency_key": "attack-ref"}).want(201).json()
		fund := e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "amount": "200000", "date": "2027-02-01",
			"what": "补贴到账", "idempotency_key": "attack-fund"}).want(201).json()
		audit := func() map[string]any {
			return e.do("GET", base+"/audit", "a", nil).want(200).json()
		}
		if a := audit(); a["ok"] != true {
			t.Fatalf("before: %v", a)
		}
		asDBA(t, s, "payments", "funds")
		db := s.DB()
		var photo []byte
		if err := db.Get(&photo, db.Rebind(`SELECT photo FROM payments WHERE id = ?`), pay["id"]); err != nil || len(photo) == 0 {
			t.Fatalf("the payment's photo: %d bytes, %v", len(photo), err)
		}
		for _, tt := range []struct {
			name         string
			attack, undo string
			id           any
			want         []string
		}{
			{"a payment's amount edited", `UPDATE payments SET amount = 50000 WHERE id = ?`, `UPDATE payments SET amount = 500000 WHERE id = ?`,
				pay["id"], []string{"（payments） #%v 的 amount", "“500000”", "“50000”", "被改动"}},
			{"a payment's photo taken away", `UPDATE payments SET photo = NULL WHERE id = ?`, `UPDATE payments SET photo = ? WHERE id = ?`,
				pay["id"], []string{"（payments） #%v 的 photo"}},
			{"a fund's amount edited", `UPDATE funds SET amount = 2000000 WHERE id = ?`, `UPDATE funds SET amount = 20000000 WHERE id = ?`,
				fund["id"], []string{"（funds） #%v 的 amount", "被改动"}},
			{"a refund deleted", `DELETE FROM payments WHERE id = ?`, "", refund["id"], []string{"（payments） #%v 在第", "记录被删除"}},
		} {
			db.MustExec(db.Rebind(tt.attack), tt.id)
			a := audit()
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "%v", fmt.Sprint(tt.id)); a["ok"] != false || !strings.Contains(a["reason"].(string), w) {
					t.Errorf("%s: audit %v, want %q", tt.name, a, w)
				}
			}
			switch {
			case strings.Contains(tt.undo, "photo"):
				db.MustExec(db.Rebind(tt.undo), photo, tt.id)
			case tt.undo != "":
				db.MustExec(db.Rebind(tt.undo), tt.id)
			}
			if a := audit(); tt.undo != "" && a["ok"] != true {
				t.Fatalf("%s undone: %v", tt.name, a)
			}
		}
		// the refund stays deleted; a row inserted behind the
		// application is named too, in a project of its own
		h2 := e.householdID(pid2, "301")
		p2 := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/payments", pid2, h2), "a", map[string]any{"amount": "100",
			"date": "2027-01-02", "method": "现金", "idempotency_key": "attack-pay-2"}).want(201).json()
		db.MustExec(db.Rebind(`INSERT INTO payments (project_id, household_id, kind, amount, day, method, note, photo_type, receipt_no, code,
			recorded_by, idempotency_key, created_at) SELECT project_id, household_id, kind, 9990000, day, method, note, photo_type, 'SK-2027-0099',
			'ZZZZZ-ZZZZZ', recorded_by, 'inserted-by-dba', created_at FROM payments WHERE id = ?`), p2["id"])
		var inserted int64
		if err := db.Get(&inserted, db.Rebind(`SELECT id FROM payments WHERE code = ?`), "ZZZZZ-ZZZZZ"); err != nil {
			t.Fatal(err)
		}
		a := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", pid2), "a", nil).want(200).json()
		if w := fmt.Sprintf("（payments） #%d 没有对应的审计事件", inserted); a["ok"] != false || !strings.Contains(a["reason"].(string), w) {
			t.Errorf("a payment inserted behind the application: audit %v, want %q", a, w)
		}
	})
}

// TestRewrittenMoneyChainRefused: a payment's amount edited in its row and
// in its event, the chain re-hashed from there, the later checkpoints
// deleted and the head moved: the next payment is refused with 503
// chain_broken naming the project, and writes nothing.
func TestRewrittenMoneyChainRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		e.today("2027-01-04") // the payments below are dated up to this day
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "401")
		pay := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "5000", "date": "2027-01-02",
			"method": "现金", "idempotency_key": "rewrite-pay-1"}).want(201).json()
		e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "100", "date": "2027-01-03",
			"method": "现金", "idempotency_key": "rewrite-pay-2"}).want(201)

		ctx := t.Context()
		asDBA(t, s, "payments", "audit_events", "checkpoints")
		db := s.DB()
		db.MustExec(db.Rebind(`UPDATE payments SET amount = 50 WHERE id = ?`), pay["id"])
		forged, err := s.PaymentByID(ctx, int64(pid), int64(pay["id"].(float64)))
		if err != nil {
			t.Fatal(err)
		}
		events, err := s.AuditEvents(ctx, int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		prev, from := engine.GenesisHash, int64(0)
		for _, ev := range events {
			var data struct {
				PaymentID int64 `json:"payment_id"`
			}
			if ev.Kind == engine.AuditPayment && json.Unmarshal(ev.Data, &data) == nil && data.PaymentID == forged.ID {
				ev.Data, from = engine.PaymentRecorded(forged, ev.Actor).Data, ev.Seq
			}
			ev.PrevHash = prev
			ev.Hash = engine.ChainHash(prev, ev.Canonical())
			db.MustExec(db.Rebind(`UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?`), string(ev.Data), ev.PrevHash, ev.Hash, ev.ID)
			prev = ev.Hash
		}
		if from == 0 {
			t.Fatal("the payment's event was not found")
		}
		db.MustExec(db.Rebind(`DELETE FROM checkpoints WHERE project_id = ? AND seq >= ?`), pid, from)
		db.MustExec(db.Rebind(`UPDATE audit_heads SET hash = ? WHERE project_id = ?`), prev, pid)
		if c := engine.VerifyChain(events); !c.OK {
			t.Fatalf("the rewrite left the chain broken (%s): the test would not test the head", c.Reason)
		}

		before := counts(t, s)
		res := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid), "a", map[string]any{"amount": "200", "date": "2027-01-04",
			"method": "现金", "idempotency_key": "rewrite-pay-3"}).want(503).json()
		if res["code"] != "chain_broken" || !strings.Contains(res["message"].(string), fmt.Sprintf("项目 %d", pid)) {
			t.Errorf("the next payment on a rewritten chain: %v", res)
		}
		for _, path := range []string{fmt.Sprintf("%s/households/%d/refunds", base, hid), base + "/funds"} {
			e.do("POST", path, "a", map[string]any{"amount": "10", "date": "2027-01-04", "reason": "x", "kind": "income", "source": "其他",
				"what": "x", "idempotency_key": "rewrite-more"}).want(503)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a refused write changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// anchorLines are the 存证 lines of a PDF's text (spaces removed).
func anchorLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if i := strings.Index(l, "存证第"); i >= 0 {
			out = append(out, l[i:])
		}
	}
	return out
}
