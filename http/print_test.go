package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

func pdfText(t *testing.T, body []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		storetest.Unavailable(t, "poppler", "pdftotext not found")
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.ReplaceAll(string(out), " ", "")
}

// pdfQRCodes reads the QR codes on page of a PDF (pdftoppm, then
// zbarimg of Debian's zbar-tools).
func pdfQRCodes(t *testing.T, body []byte, page int) []string {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			storetest.Unavailable(t, "poppler", tool+" not found (apt-get install poppler-utils zbar-tools)")
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.pdf"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-f", p, "-l", p, "-r", "150", "-png", "-singlefile", filepath.Join(dir, "x.pdf"), filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("no QR code on page %d: %v", page, err)
	}
	codes := strings.Fields(string(out))
	slices.Sort(codes)
	return codes
}

func TestPrintouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.do("GET", base+"/booklet.pdf", "b", nil).want(404)
		sig := signature(t, 300, 120, true)
		d := e.do("POST", "/api/v1/sign/"+links["401"], "", map[string]any{"decision": "agree", "signer_name": "赵敏",
			"signature_png": sig, "idempotency_key": "print-401-1"}).want(201).json()

		// the resident's own agreement, signed, with its verification code
		res := e.do("GET", "/s/"+links["401"]+"/agreement.pdf", "", nil).want(200)
		if res.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("content type %q", res.header.Get("Content-Type"))
		}
		text := pdfText(t, res.body)
		for _, want := range []string{"加装电梯出资分摊协议书", "401", "赵敏", d["code"].(string), "签名人：赵敏", "人民币"} {
			if !strings.Contains(text, want) {
				t.Errorf("the resident's agreement lacks %q", want)
			}
		}
		// its 存证 line is the decision's own event; the worker's copy to
		// sign on paper has the same line, the phone in full and blanks for
		// 身份证号 and 不动产权证号; the household's own copy masks the phone
		anchor := d["anchor"].(map[string]any)
		own := fmt.Sprintf("存证第%v条·%s", anchor["seq"], anchor["hash"].(string)[:12])
		hs := e.do("GET", base, "a", nil).want(200).json()["households"].([]any)
		var h401 int
		for _, h := range hs {
			if m := h.(map[string]any); m["room"] == "401" {
				h401 = int(m["id"].(float64))
			}
		}
		contract := pdfText(t, e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, h401), "a", nil).want(200).body)
		again := pdfText(t, e.do("GET", "/s/"+links["401"]+"/agreement.pdf", "", nil).want(200).body)
		for _, c := range []struct {
			name, text string
			want       []string
			unwanted   []string
		}{
			{"the resident's copy", text, []string{own, "138****1401"}, []string{"13812341401", "身份证号"}},
			{"the resident's copy printed again", again, []string{own}, nil},
			{"the worker's copy", contract, []string{own, "13812341401", "身份证号___", "不动产权证号___", "（以下无正文）"}, nil},
		} {
			for _, w := range c.want {
				if !strings.Contains(c.text, w) {
					t.Errorf("%s lacks %q", c.name, w)
				}
			}
			for _, w := range c.unwanted {
				if strings.Contains(c.text, w) {
					t.Errorf("%s has %q", c.name, w)
				}
			}
		}
		// a worker prints any household's, signed or not
		hid := int(hs[0].(map[string]any)["id"].(float64))
		text = pdfText(t, e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, hid), "a", nil).want(200).body)
		if !strings.Contains(text, "尚未签署") || !strings.Contains(text, "乙方（业主）签名：") {
			t.Errorf("an unsigned agreement should have blank lines")
		}
		e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, 999999), "a", nil).want(404)
		e.do("GET", base+"/agreements/abc.pdf", "a", nil).want(404)
		e.do("GET", base+"/agreements/12.txt", "a", nil).want(404)

		booklet := pdfText(t, e.do("GET", base+"/booklet.pdf", "a", nil).want(200).body)
		for _, want := range []string{"本单元业主会议材料", "表决情况", "审计日志校验通过", "赵敏", "101", "602"} {
			if !strings.Contains(booklet, want) {
				t.Errorf("the booklet lacks %q", want)
			}
		}
		signin := pdfText(t, e.do("GET", base+"/signin.pdf", "a", nil).want(200).body)
		if !strings.Contains(signin, "签到表") || !strings.Contains(signin, "业*1") || strings.Contains(signin, "业主401") || strings.Contains(signin, "13812341401") {
			t.Errorf("the sign-in sheet should list every household, names masked:\n%s", signin)
		}
		e.do("GET", base+"/signin.pdf", "b", nil).want(404)
		// 表决票: one per household, two to a page; each QR code opens that
		// household's paper form in the console, through the login
		ballots := e.do("GET", base+"/ballots.pdf", "a", nil).want(200).body
		if text := pdfText(t, ballots); strings.Count(text, "加装电梯表决票") != 12 || strings.Contains(text, "业主401") || !strings.Contains(text, "业*1") {
			t.Errorf("the ballots should be 12, owners masked:\n%s", text)
		}
		byRoom := map[string]int{}
		for _, h := range hs {
			m := h.(map[string]any)
			byRoom[m["room"].(string)] = int(m["id"].(float64))
		}
		want := []string{fmt.Sprintf("http://renovote.test/console/projects/%d?paper=%d#paper", pid, byRoom["101"]),
			fmt.Sprintf("http://renovote.test/console/projects/%d?paper=%d#paper", pid, byRoom["102"])}
		slices.Sort(want)
		if got := pdfQRCodes(t, ballots, 1); !slices.Equal(got, want) {
			t.Errorf("page 1's QR codes read %v, want %v", got, want)
		}
		form := strings.TrimPrefix(strings.TrimSuffix(want[0], "#paper"), "http://renovote.test")
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		toLogin, err := noFollow.Get(e.srv.URL + form)
		if err != nil {
			t.Fatal(err)
		}
		toLogin.Body.Close()
		if loc := toLogin.Header.Get("Location"); toLogin.StatusCode != 303 || loc != "/login?next="+url.QueryEscape(form) {
			t.Errorf("logged out, the form answers %d and sends to %q", toLogin.StatusCode, loc)
		}
		e.do("GET", base+"/ballots.pdf", "b", nil).want(404)
		// 明白卡: of the plan put to the vote, or of a saved draft
		card := e.do("GET", base+"/card.pdf", "a", nil).want(200).body
		if text := pdfText(t, card); !strings.Contains(text, "加装电梯明白卡") || !strings.Contains(text, "已发布表决") || strings.Contains(text, "业主401") {
			t.Errorf("the card of the published plan:\n%s", text)
		}
		if got := pdfQRCodes(t, card, 1); len(got) != 1 || !strings.HasPrefix(got[0], "http://renovote.test/p/") {
			t.Errorf("the card's QR code reads %v, want the public page", got)
		}
		e.do("GET", base+"/card.pdf?scenario=abc", "a", nil).want(400)
		e.do("GET", base+"/card.pdf?scenario=99999", "a", nil).want(404)
		e.do("GET", base+"/card.pdf", "b", nil).want(404)
		notice := pdfText(t, e.do("GET", base+"/notice.pdf", "a", nil).want(200).body)
		if !strings.Contains(notice, "公示") || strings.Contains(notice, "赵敏") || strings.Contains(notice, "业主401") || !strings.Contains(notice, "业*1") {
			t.Errorf("the notice should be public and name nobody in full:\n%s", notice)
		}
		if n := pdfText(t, e.do("GET", base+"/notice.pdf?days=15", "a", nil).want(200).body); !strings.Contains(strings.Join(strings.Fields(n), ""), "共15日") {
			t.Errorf("a 15-day notice:\n%s", n)
		}
		for _, bad := range []string{"0", "91", "ten"} {
			e.do("GET", base+"/notice.pdf?days="+bad, "a", nil).want(400)
		}
		publicURL := e.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
		slug := strings.TrimPrefix(publicURL, "http://renovote.test/p/")
		if _, legacy, ok := engine.SlugProject(slug); !ok || legacy || !strings.Contains(notice, publicURL) {
			t.Fatalf("public URL %q (the notice's QR should carry it)", publicURL)
		}
		summary := e.do("GET", "/p/"+slug, "", nil, "Accept", "text/html").want(200)
		if !strings.Contains(string(summary.body), "方案公示") || strings.Contains(string(summary.body), "业主401") {
			t.Errorf("public summary: %s", summary.body)
		}
		// public pages cannot be listed by counting ids
		e.do("GET", fmt.Sprintf("/p/%d", pid), "", nil, "Accept", "text/html").want(404)
		e.do("GET", "/p/"+strings.Repeat("0", 24), "", nil, "Accept", "text/html").want(404)
		// a worker's printing is recorded in the audit log (a household's
		// own copy through its link is not: a link must not grow the chain),
		// and the chain still holds
		if audit := e.do("GET", base+"/audit", "a", nil).want(200).json(); audit["ok"] != true {
			t.Fatalf("audit: %v", audit)
		}
		var printed, byHousehold int
		if err := s.DB().Get(&printed, `SELECT COUNT(*) FROM audit_events WHERE kind = 'pdf_printed'`); err != nil || printed != 8 {
			t.Errorf("%d pdf_printed events, want 8 (%v)", printed, err)
		}
		if err := s.DB().Get(&byHousehold, `SELECT COUNT(*) FROM audit_events WHERE kind = 'pdf_printed' AND actor LIKE 'household:%'`); err != nil || byHousehold != 0 {
			t.Errorf("%d pdf_printed events by a household's link, want 0 (%v)", byHousehold, err)
		}
	})
}

// TestTermsPublishedWithThePlan: the agreement's particulars (甲方, the
// payee account, the compensation date) are validated where they are
// entered, audited, printed on every agreement of the next plan, and frozen
// with it: a later change reaches the paper only through a new plan.
func TestTermsPublishedWithThePlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		pid := int(p["id"].(float64))
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		for _, bad := range []struct{ body, field string }{
			{`{"account_name":"幸福里居委会","account_bank":"工行","account_number":"6222 abc"}`, "account_number"},
			{`{"account_name":"幸福里居委会","account_bank":"工行","account_number":"1234"}`, "account_number"},
			{`{"account_name":"幸福里居委会","account_number":"1202021009001234567"}`, "account_bank"},
			{`{"account_number":"1202021009001234567"}`, "account_name"},
			{`{"compensation_by":"2027-13-01"}`, "compensation_by"},
			{`{"party_a":"幸福里𠮷业主小组"}`, "party_a"},
			{`{"party_a":"` + strings.Repeat("楼", 61) + `"}`, "party_a"},
			{`{"party_a":"x","payee":"y"}`, "payee"},
		} {
			r := e.do("PUT", base+"/terms", "a", bad.body).want(400).json()
			if r["field"] != bad.field {
				t.Errorf("%s: field %v (%v)", bad.body, r["field"], r["message"])
			}
		}
		e.do("PUT", base+"/terms", "b", `{"party_a":"冒名"}`).want(404)
		if got := e.do("GET", base, "a", nil).want(200).json()["terms"].(map[string]any); got["party_a"] != "" {
			t.Fatalf("refused terms were stored: %v", got)
		}
		terms := map[string]any{"party_a": " 幸福里3号楼2单元加装电梯业主小组 ", "party_a_rep": "李建国", "account_name": "幸福里社区居民委员会",
			"account_bank": "工商银行幸福路支行", "account_number": "1202 0210 0900 1234 567", "compensation_by": "2027-09-30"}
		got := e.do("PUT", base+"/terms", "a", terms).want(200).json()["terms"].(map[string]any)
		if got["party_a"] != "幸福里3号楼2单元加装电梯业主小组" || got["account_number"] != "1202 0210 0900 1234 567" {
			t.Fatalf("terms %v", got)
		}
		sc := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201)
		ids := map[string]int{}
		for _, h := range e.do("GET", base, "a", nil).want(200).json()["households"].([]any) {
			m := h.(map[string]any)
			ids[m["room"].(string)] = int(m["id"].(float64))
		}
		agreement := func(room string) string {
			return pdfText(t, e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, ids[room]), "a", nil).want(200).body)
		}
		a601 := agreement("601")
		for _, want := range []string{"甲方幸福里3号楼2单元加装电梯业主小组", "甲方代表人李建国", "收款户名幸福里社区居民委员会", "开户银行工商银行幸福路支行",
			"账号1202021009001234567", "不交给任何个人", "全额退还", "人民法院", "共有人签名："} {
			if !strings.Contains(strings.ReplaceAll(a601, "\n", ""), want) {
				t.Errorf("601's agreement lacks %q", want)
			}
		}
		if a101 := agreement("101"); !strings.Contains(a101, "甲方于2027年9月30日前向本户支付5,000.00元") || strings.Contains(a101, "收款户名") {
			t.Errorf("101 is paid compensation by the date and pays nothing:\n%s", a101)
		}
		// changed after publishing: the plan's agreements keep what was published
		terms["account_number"] = "6222 0000 1111 2222"
		e.do("PUT", base+"/terms", "a", terms).want(200)
		if a := agreement("601"); strings.Contains(a, "6222000011112222") || !strings.Contains(a, "1202021009001234567") {
			t.Errorf("a change after publishing reached the published plan's agreement")
		}
		sc = e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()
		if a := agreement("601"); !strings.Contains(a, "6222000011112222") {
			t.Errorf("the new plan's agreement lacks the new account")
		}
		// the phone page says where the money goes, to those who pay
		for _, l := range pub["links"].([]any) {
			m := l.(map[string]any)
			url := m["url"].(string)
			page := string(e.do("GET", url[strings.Index(url, "/s/"):], "", nil, "Accept", "text/html").want(200).body)
			pays := strings.Contains(page, "出资款只汇入收款账户：幸福里社区居民委员会，工商银行幸福路支行，账号 <span class=\"nowrap\">6222</span> <span class=\"nowrap\">0000</span> <span class=\"nowrap\">1111</span> <span class=\"nowrap\">2222</span>")
			if room := m["room"].(string); pays != (room[0] >= '3') || !strings.Contains(page, "协议甲方：幸福里3号楼2单元加装电梯业主小组（代表人 李建国）") {
				t.Errorf("%s's page: account shown %v, party %v", room, pays, strings.Contains(page, "协议甲方"))
			}
		}
		var changes int
		if err := s.DB().Get(&changes, `SELECT COUNT(*) FROM audit_events WHERE kind = 'terms_changed'`); err != nil || changes != 2 {
			t.Errorf("%d terms_changed events, want 2 (%v)", changes, err)
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after the terms changed: %v", a)
		}
	})
}

// TestCardBeforePublishing: the 明白卡 is for the weeks of discussion:
// the latest draft by default, any draft by ?scenario=, none without a
// saved plan; the 表决票 need a published plan.
func TestCardBeforePublishing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
		if r := e.do("GET", base+"/card.pdf", "a", nil).want(409).json(); !strings.Contains(r["message"].(string), "还没有方案") {
			t.Errorf("card without a plan: %v", r)
		}
		e.do("GET", base+"/ballots.pdf", "a", nil).want(404)
		a := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		b := map[string]any{}
		for k, v := range scenarioA {
			b[k] = v
		}
		b["name"], b["subsidies"] = "方案B", []map[string]any{{"name": "市级", "type": "fixed", "amount": "300000"}}
		e.do("POST", base+"/scenarios", "a", b).want(201)
		latest := pdfText(t, e.do("GET", base+"/card.pdf", "a", nil).want(200).body)
		if !strings.Contains(latest, "方案B") || !strings.Contains(latest, "讨论稿") || !strings.Contains(latest, "政府补贴300,000.00元") {
			t.Errorf("the card of the latest draft:\n%s", latest)
		}
		first := pdfText(t, e.do("GET", fmt.Sprintf("%s/card.pdf?scenario=%v", base, a["id"]), "a", nil).want(200).body)
		if !strings.Contains(first, "方案A") || !strings.Contains(first, "政府补贴200,000.00元") {
			t.Errorf("the card of scenario A:\n%s", first)
		}
	})
}
