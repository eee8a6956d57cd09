package http_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// fundingDoc is the funding contract's input made from what the API shows
// of the published plan (each household's due) and the figures the test
// sent: what GET …/funding must equal.
func fundingDoc(t *testing.T, e *env, pid int, rule any, completed string, figures map[string]map[string]any) []byte {
	t.Helper()
	scs := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), "a", nil).want(200).list()
	var hs []map[string]any
	for _, hv := range scs[0].(map[string]any)["result"].(map[string]any)["households"].([]any) {
		h := hv.(map[string]any)
		row := map[string]any{"id": h["id"], "due": h["due"]}
		for k, v := range figures[h["id"].(string)] {
			row[k] = v
		}
		hs = append(hs, row)
	}
	// the service lists households by room
	for i := range hs {
		for j := i + 1; j < len(hs); j++ {
			if hs[j]["id"].(string) < hs[i]["id"].(string) {
				hs[i], hs[j] = hs[j], hs[i]
			}
		}
	}
	data, err := json.Marshal(map[string]any{"rule": rule, "completed": completed, "households": hs})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func householdIDs(e *env, pid int) map[string]int {
	p := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", pid), "a", nil).want(200).json()
	out := map[string]int{}
	for _, hv := range p["households"].([]any) {
		h := hv.(map[string]any)
		out[h["room"].(string)] = int(h["id"].(float64))
	}
	return out
}

// TestFundingPack: the rule and the figures go in (worker and household),
// bad input is named, GET …/funding is the contract on the published dues
// with balances masked, the xlsx carries numbers, and an edited row is
// named by the audit.
func TestFundingPack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		ids := householdIDs(e, pid)

		e.do("GET", base+"/funding", "a", nil).want(409)
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"preset": "beijing"}, "preset"},
			{map[string]any{"preset": "suzhou", "rule": map[string]any{}}, "rule"},
			{map[string]any{}, "preset"},
			{map[string]any{"preset": "suzhou", "completed": "2027-13-01"}, "completed"},
			{map[string]any{"rule": map[string]any{"maintenance_keep_rate": "1.5"}}, "rule.maintenance_keep_rate"},
			{map[string]any{"rule": map[string]any{"order": []any{"cash"}}}, "rule.order[0]"},
			{map[string]any{"preset": "suzhou", "extra": 1}, "extra"},
		} {
			b := e.do("PUT", base+"/funding-rule", "a", c.body).want(400).json()
			if b["field"] != c.field {
				t.Errorf("%v: field %v, want %s (%v)", c.body, b["field"], c.field, b["message"])
			}
		}
		e.do("PUT", base+"/funding-rule", "b", map[string]any{"preset": "suzhou"}).want(404)
		if none := e.do("GET", base+"/funding-rule", "a", nil).want(200).json(); len(none) != 1 || none["rule"] != nil {
			t.Errorf("before a rule is chosen: %v", none)
		}
		e.do("GET", base+"/funding-rule", "b", nil).want(404)
		got := e.do("PUT", base+"/funding-rule", "a", map[string]any{"preset": "suzhou", "completed": "2027-09-01"}).want(200).json()
		if got["preset"] != "suzhou" || got["completed"] != "2027-09-01" || got["rule"].(map[string]any)["maintenance_keep_rate"] != "0.30" {
			t.Fatalf("rule: %v", got)
		}
		if again := e.do("GET", base+"/funding-rule", "a", nil).want(200).json(); fmt.Sprint(again) != fmt.Sprint(got) {
			t.Errorf("the rule read back %v, was set as %v", again, got)
		}

		figures := map[string]map[string]any{
			"601": {"accounts": []any{map[string]any{"name": "张三", "relation": "owner", "balance": "12345.67"},
				map[string]any{"name": "张小明", "relation": "child", "balance": "50000.00"},
				map[string]any{"name": "李四", "relation": "spouse", "balance": "3000.00"}},
				"maintenance": map[string]any{"first_deposit": "8000.33", "balance": "6500.00"}},
			"502": {"accounts": []any{map[string]any{"name": "王五", "relation": "owner", "balance": "900000.00"}}},
		}
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"accounts": []any{map[string]any{"name": "张三", "relation": "uncle", "balance": "1.00"}}}, "accounts[0].relation"},
			{map[string]any{"accounts": []any{map[string]any{"name": "张三", "relation": "owner", "balance": "1.001"}}}, "accounts[0].balance"},
			{map[string]any{"accounts": []any{map[string]any{"name": "张三", "relation": "owner", "balance": 100}}}, "accounts[0].balance"},
			{map[string]any{"maintenance": map[string]any{"balance": "1.00"}}, "maintenance.first_deposit"},
			{map[string]any{"accounts": []any{map[string]any{"name": "𠮷", "relation": "owner", "balance": "1.00"}}}, "accounts[0].name"},
		} {
			b := e.do("PUT", fmt.Sprintf("%s/households/%d/funding", base, ids["601"]), "a", c.body).want(400).json()
			if b["field"] != c.field {
				t.Errorf("%v: field %v, want %s (%v)", c.body, b["field"], c.field, b["message"])
			}
		}
		fig := e.do("PUT", fmt.Sprintf("%s/households/%d/funding", base, ids["601"]), "a", figures["601"]).want(200).json()
		if fig["entered_by"] != "worker" || fig["accounts"].([]any)[0].(map[string]any)["balance"] != "1****.67" ||
			fig["maintenance"].(map[string]any)["balance"] != "6***.00" {
			t.Fatalf("figures answer: %v", fig)
		}
		// through the household's link: consent is required
		b := e.do("PUT", "/api/v1/sign/"+links["502"]+"/funding", "", figures["502"]).want(400).json()
		if b["field"] != "consent" {
			t.Fatalf("no consent: %v", b)
		}
		own := map[string]any{"consent": true}
		for k, v := range figures["502"] {
			own[k] = v
		}
		if fig := e.do("PUT", "/api/v1/sign/"+links["502"]+"/funding", "", own).want(200).json(); fig["entered_by"] != "household" || fig["consent"] != true {
			t.Fatalf("household figures: %v", fig)
		}

		// the answer is the contract on the published dues, households by room
		rule := engine.FundingPresets()[0].Rule
		want, err := engine.FundingJSON(fundingDoc(t, e, pid, rule, "2027-09-01", figures))
		if err != nil {
			t.Fatal(err)
		}
		resp := e.do("GET", base+"/funding", "a", nil).want(200)
		// a balance drawn in full shows as the amount drawn (the contract's
		// answer); the others never show
		for _, secret := range []string{"50000.00", "900000.00", "6500.00", "8000.33"} {
			if bytes.Contains(resp.body, []byte(secret)) {
				t.Errorf("GET funding shows the balance %s", secret)
			}
		}
		body := resp.json()
		if body["apply_by"] != "2028-08-31" {
			t.Errorf("apply_by %v", body["apply_by"])
		}
		hs := body["households"].([]any)
		if len(hs) != len(want.Households) {
			t.Fatalf("%d households, want %d", len(hs), len(want.Households))
		}
		for i, hv := range hs {
			h, w := hv.(map[string]any), want.Households[i]
			gjj := h["gjj"].(map[string]any)
			m := h["maintenance"].(map[string]any)
			if h["id"] != w.ID || h["due"] != w.Due.String() || gjj["total"] != w.GJJ.Total.String() ||
				m["amount"] != w.Maintenance.Amount.String() || m["keep"] != w.Maintenance.Keep.String() || h["cash"] != w.Cash.String() {
				t.Errorf("household %d: got %v, want %+v", i, h, w)
			}
		}
		tot := body["totals"].(map[string]any)
		if tot["due"] != want.Totals.Due.String() || tot["gjj"] != want.Totals.GJJ.String() || tot["cash"] != want.Totals.Cash.String() {
			t.Errorf("totals %v, want %+v", tot, want.Totals)
		}
		if want.Totals.GJJ == 0 || want.Totals.Maintenance == 0 {
			t.Fatalf("the test should draw from both sources: %+v", want.Totals)
		}
		// the household sees its own line, masked
		mine := e.do("GET", "/api/v1/sign/"+links["601"]+"/funding", "", nil).want(200)
		if bytes.Contains(mine.body, []byte("50000.00")) || !strings.Contains(string(mine.body), `"household_id":`+itoa(ids["601"])) {
			t.Errorf("resident view: %s", mine.body)
		}

		// the spreadsheet: numbers, a title and an as-of row
		x := e.do("GET", base+"/funding.xlsx", "a", nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(x.body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("资金来源")
		if len(rows) != 3+len(want.Households)+1 || !strings.Contains(rows[0][0], "资金来源表") || !strings.HasPrefix(rows[1][0], "核算日期") ||
			!strings.Contains(rows[1][0], "提取规则：") {
			t.Fatalf("xlsx rows: %v", rows[:3])
		}
		if typ, _ := f.GetCellType("资金来源", "D4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("due cell type %v", typ)
		}

		// an edited row is named by the audit
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("audit: %v", a)
		}
		for _, c := range []struct {
			attack, undo  string
			table, column string
			id            float64
		}{
			{`UPDATE household_funding SET figures = REPLACE(figures, '12345.67', '92345.67') WHERE household_id = ?`,
				`UPDATE household_funding SET figures = REPLACE(figures, '92345.67', '12345.67') WHERE household_id = ?`, "household_funding", "figures", float64(ids["601"])},
			{`UPDATE funding_rules SET completed = '2029-01-01' WHERE project_id = ?`, `UPDATE funding_rules SET completed = '2027-09-01' WHERE project_id = ?`,
				"funding_rules", "completed", float64(pid)},
		} {
			s.DB().MustExec(s.DB().Rebind(c.attack), int64(c.id))
			a := e.do("GET", base+"/audit", "a", nil).want(200).json()
			d, _ := a["diff"].(map[string]any)
			if a["ok"] != false || d == nil || d["table"] != c.table || d["id"] != c.id || d["column"] != c.column {
				t.Errorf("%s: audit %v", c.attack, a)
			}
			s.DB().MustExec(s.DB().Rebind(c.undo), int64(c.id))
		}
		s.DB().MustExec(s.DB().Rebind(`DELETE FROM household_funding WHERE household_id = ?`), ids["502"])
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != false {
			t.Errorf("a deleted row passed the audit: %v", a)
		}
	})
}

// TestShareCertificateVerifies: the certificate reads back with the
// household's figures and receipt, its QR opens its verify page, a
// reprint keeps the code, a new payment issues a new certificate and the
// old code says so, and an edited certificate row is named by the audit.
func TestShareCertificateVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		ids := householdIDs(e, pid)
		cert := fmt.Sprintf("%s/households/%d/share-certificate.pdf", base, ids["601"])
		e.do("GET", cert, "a", nil).want(409) // no rule yet
		e.do("PUT", base+"/funding-rule", "a", map[string]any{"preset": "suzhou", "completed": "2027-09-01"}).want(200)
		e.do("PUT", fmt.Sprintf("%s/households/%d/funding", base, ids["601"]), "a", map[string]any{
			"accounts":    []any{map[string]any{"name": "张三", "relation": "owner", "balance": "12345.67"}},
			"maintenance": map[string]any{"first_deposit": "8000.33", "balance": "6500.00"}}).want(200)
		e.today("2027-05-01")
		pay := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, ids["601"]), "a", map[string]any{"amount": "5000", "date": "2027-04-02",
			"method": "转账", "idempotency_key": "cert-pay-0001"}).want(201).json()

		body := e.do("GET", cert, "a", nil).want(200).body
		keepPDFPages(t, body, "share-certificate-"+string(s.Dialect()))
		text := pdfText(t, body)
		for _, want := range []string{"加装电梯费用分摊证明", "张三（业主本人）", "12,345.67", "6,500.00", pay["receipt_no"].(string), "2027年4月2日",
			"人民币", "出具单位：", "（盖章）", "2028年8月31日"} {
			if !strings.Contains(text, want) {
				t.Errorf("the certificate lacks %q", want)
			}
		}
		codes := pdfQRCodes(t, body, 1)
		if len(codes) != 1 || !strings.HasPrefix(codes[0], "http://renovote.test/verify/") {
			t.Fatalf("QR codes %v", codes)
		}
		code := strings.TrimPrefix(codes[0], "http://renovote.test/verify/")
		v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json()
		if v["kind"] != "certificate" || v["valid"] != true || v["current"] != true || v["room"] != "601" {
			t.Fatalf("verify: %v", v)
		}
		if strings.Contains(fmt.Sprint(v), "6500.00") || strings.Contains(fmt.Sprint(v), "张三") {
			t.Errorf("verify shows a balance or a name: %v", v)
		}
		page := e.do("GET", "/verify/"+code, "", nil).want(200)
		if !strings.Contains(string(page.body), "费用分摊证明核验") {
			t.Errorf("verify page: %s", page.body)
		}
		// a reprint is the same certificate
		again := pdfQRCodes(t, e.do("GET", cert, "a", nil).want(200).body, 1)
		if !slices.Equal(again, codes) {
			t.Errorf("reprint codes %v, want %v", again, codes)
		}
		// a new payment: the old code is no longer current, a new one is issued
		e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, ids["601"]), "a", map[string]any{"amount": "1000", "date": "2027-04-20",
			"method": "转账", "idempotency_key": "cert-pay-0002"}).want(201)
		if v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json(); v["current"] != false || v["valid"] != true {
			t.Errorf("after a payment: %v", v)
		}
		next := pdfQRCodes(t, e.do("GET", cert, "a", nil).want(200).body, 1)
		if slices.Equal(next, codes) {
			t.Fatal("a new payment kept the old certificate")
		}
		if v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json(); v["current"] != false || v["replaced_by"] == nil {
			t.Errorf("replaced: %v", v)
		}

		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("audit: %v", a)
		}
		var id int64
		s.DB().Get(&id, s.DB().Rebind(`SELECT id FROM share_certificates WHERE code = ?`), code)
		s.DB().MustExec(s.DB().Rebind(`UPDATE share_certificates SET gjj = gjj + 100000 WHERE id = ?`), id)
		a := e.do("GET", base+"/audit", "a", nil).want(200).json()
		if d, _ := a["diff"].(map[string]any); a["ok"] != false || d == nil || d["table"] != "share_certificates" || d["column"] != "gjj" || d["id"] != float64(id) {
			t.Errorf("edited certificate: audit %v", a)
		}
	})
}

// TestSubsidyPack: the application file is refused (409, why) before the
// final result; once final it holds the allocation table, the final
// result, the 公示 with its objection, one agreement per household by
// room, the fund statement, the funding table and the 清单 — each PDF
// read back with poppler.
func TestSubsidyPack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		if r := e.do("GET", base+"/subsidy-pack.zip", "a", nil).want(409).json(); !strings.Contains(r["message"].(string), "表决尚未截止") {
			t.Errorf("pack while open: %v", r)
		}
		for room, token := range links {
			e.sign(token, "agree", "pack-vote-"+room)
		}
		e.do("POST", base+"/close", "a", map[string]any{"objection_days": 1}).want(200)
		if r := e.do("GET", base+"/subsidy-pack.zip", "a", nil).want(409).json(); !strings.Contains(r["message"].(string), "最终结果尚未确认") {
			t.Errorf("pack before final: %v", r)
		}
		e.clock.Add(24 * time.Hour)
		e.login("a")
		o := e.do("POST", "/api/v1/sign/"+links["302"]+"/objections", "", map[string]any{"name": "赵六", "reason": "我认为统计有误"}).want(201).json()
		e.clock.Add(48 * time.Hour)
		e.login("a")
		e.do("POST", fmt.Sprintf("%s/objections/%v/answer", base, o["id"]), "a", map[string]any{"outcome": "维持", "reason": "经核对，统计无误"}).want(200)
		e.do("POST", base+"/finalize", "a", nil).want(200)
		e.do("PUT", base+"/funding-rule", "a", map[string]any{"preset": "qingdao", "completed": "2027-09-01"}).want(200)

		res := e.do("GET", base+"/subsidy-pack.zip", "a", nil).want(200)
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("加装电梯补贴申请材料.zip")) {
			t.Errorf("the pack's file name: %q", cd)
		}
		zr, err := zip.NewReader(bytes.NewReader(res.body), int64(len(res.body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name] = data
			if strings.HasSuffix(f.Name, ".pdf") {
				keepPDFPages(t, data, "subsidy-pack-"+strings.ReplaceAll(strings.TrimSuffix(f.Name, ".pdf"), "/", "_"))
			} else if dir := os.Getenv("RENOVOTE_SCREENSHOTS"); dir != "" {
				os.WriteFile(filepath.Join(dir, "subsidy-pack-"+f.Name), data, 0o644)
			}
		}
		want := map[string][]string{
			// the 公示 as posted when the vote opened, not dated the day the pack is made
			"01-分摊方案公示.pdf":    {"公示", "幸福里3号楼2单元", "本公示于" + storetest.Epoch.In(engine.Beijing).Format("2006年1月2日") + "张贴"},
			"02-表决结果公告.pdf":    {"表决结果公告", "我认为统计有误", "维持"},
			"03-表决结果公示.pdf":    {"表决结果公示", "逾期未提出异议的，视为无异议"},
			"05-资金收支公示.pdf":    {"资金收支公示", "尚无收入。"},
			"04-协议/协议-601.pdf": {"601"},
		}
		for name, words := range want {
			data, ok := files[name]
			if !ok {
				t.Errorf("the pack lacks %s (has %d files)", name, len(files))
				continue
			}
			text := strings.Join(strings.Fields(pdfText(t, data)), "")
			for _, w := range words {
				if !strings.Contains(text, w) {
					t.Errorf("%s lacks %q", name, w)
				}
			}
		}
		agreements := 0
		for name, data := range files {
			if strings.HasPrefix(name, "04-协议/") {
				agreements++
				room := strings.TrimSuffix(strings.TrimPrefix(name, "04-协议/协议-"), ".pdf")
				if !strings.Contains(pdfText(t, data), room) {
					t.Errorf("%s does not name room %s", name, room)
				}
			}
		}
		if agreements != len(links) {
			t.Errorf("%d agreements, want %d", agreements, len(links))
		}
		if _, err := excelize.OpenReader(bytes.NewReader(files["06-资金来源表.xlsx"])); err != nil {
			t.Errorf("funding.xlsx: %v", err)
		}
		list := string(files["00-材料清单.txt"])
		if !strings.HasPrefix(list, "\ufeff") || !strings.Contains(list, "\r\n") {
			t.Errorf("the 清单 is not BOM-marked CRLF text for Notepad")
		}
		for _, w := range []string{"施工许可", "竣工验收", "使用登记证", "规划许可", "✔ 已包含", "06-资金来源表.xlsx", "04-协议/",
			"张贴现场照片", "加盖公章", "实施主体"} {
			if !strings.Contains(list, w) {
				t.Errorf("the 清单 lacks %q:\n%s", w, list)
			}
		}
	})
}
