package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
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
				"date": day, "method": methods[r.IntN(len(methods))], "idempotency_key": fmt.Sprintf("pay-%s-%03d", s.Dialect(), i)}).want(201).json()
			if !strings.HasPrefix(res["receipt_no"].(string), "SK-") || len(res["code"].(string)) != 11 {
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
			"method": "现金", "idempotency_key": "pay-601-0002"}).want(201).json()
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
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "amount": "200000", "date": "2027-02-01",
			"what": "市级加装电梯补贴到账", "idempotency_key": "fund-0001"}).want(201)
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "expense", "payee": "某某电梯公司", "amount": "126000", "date": "2027-03-01",
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
		// the arrears list opens in Excel and names who is late
		res := e.do("GET", base+"/arrears.xlsx?as_of=2027-04-15", "a", nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("欠缴名单")
		if err != nil || len(rows) < 2 || rows[0][0] != "房号" {
			t.Fatalf("arrears rows %v, %v", rows, err)
		}
		found := false
		for _, r := range rows[1:] {
			found = found || r[0] == "601"
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
			{path, map[string]any{"amount": "100", "date": "2027-13-01", "method": "现金", "idempotency_key": "bad-money-5"}, 400, "date"},
			{path, map[string]any{"amount": "100", "date": "2027-01-01", "method": "支票", "idempotency_key": "bad-money-6"}, 400, "method"},
			{path, map[string]any{"amount": "100", "date": "2027-01-01", "method": "现金", "note": "😀", "idempotency_key": "bad-money-7"}, 400, "note"},
			{path, map[string]any{"date": "2027-01-01", "method": "现金", "idempotency_key": "bad-money-8"}, 400, "amount"},
			{path, map[string]any{"amount": "100", "method": "现金"}, 400, "idempotency_key"},
			{fmt.Sprintf("%s/households/%d/refunds", base, hid), map[string]any{"amount": "1", "date": "2027-01-01", "reason": "x", "idempotency_key": "bad-money-9"}, 409, ""},
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
	})
}
