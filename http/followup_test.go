package http_test

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestContactReachesResidents: the worker names whom residents ask; it is
// validated, audited, and shown on the signing, superseded, questionnaire
// and public pages — today's contact, also after publishing.
func TestContactReachesResidents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		page := func(path string, status int) string {
			return string(e.do("GET", path, "", nil, "Accept", "text/html").want(status).body)
		}
		if p := page("/s/"+links["301"], 200); !strings.Contains(p, "如有疑问，请联系社区工作人员（社区居委会）。") {
			t.Errorf("without a contact the page names no one: %s", p)
		}
		// refused: a phone with letters, an office without a name, a
		// character outside the font, an unknown key; another worker
		for _, bad := range []struct{ body, field string }{
			{`{"name":"王专干","phone":"call me"}`, "phone"},
			{`{"office":"居委会二楼"}`, "name"},
			{`{"name":"王𠮷"}`, "name"},
			{`{"name":"王专干","email":"w@example.com"}`, ""},
		} {
			r := e.do("PUT", base+"/contact", "a", bad.body).want(400).json()
			if bad.field != "" && r["field"] != bad.field {
				t.Errorf("%s: field %v (%v)", bad.body, r["field"], r["message"])
			}
		}
		e.do("PUT", base+"/contact", "b", `{"name":"冒名"}`).want(404)
		if c := e.do("GET", base, "a", nil).want(200).json()["contact"].(map[string]any); c["name"] != "" {
			t.Fatalf("refused contacts were stored: %v", c)
		}

		c := e.do("PUT", base+"/contact", "a", map[string]any{"name": " 王专干 ", "phone": "0571-87654321", "office": "社区居委会二楼，工作日9:00-17:00"}).
			want(200).json()["contact"].(map[string]any)
		if c["name"] != "王专干" || c["phone"] != "0571-87654321" {
			t.Fatalf("contact %v", c)
		}
		// whom to ask, the phone a tap away (tel: with the digits only)
		want := `如有疑问，请联系 <b>王专干</b>（电话 <a href="tel:057187654321">0571-87654321</a>），社区居委会二楼，工作日9:00-17:00。`
		if p := page("/s/"+links["301"], 200); !strings.Contains(p, want) {
			t.Errorf("the signing page lacks the contact")
		}
		if v := e.do("GET", "/api/v1/sign/"+links["301"], "", nil).want(200).json(); v["project"].(map[string]any)["contact"].(map[string]any)["name"] != "王专干" {
			t.Errorf("the signing API lacks the contact: %v", v["project"])
		}
		slug := e.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
		if p := page(slug[strings.Index(slug, "/p/"):], 200); !strings.Contains(p, want) {
			t.Errorf("the public page lacks the contact")
		}
		q := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "改造意愿", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{map[string]any{"id": "q1", "kind": "rating", "text": "满意吗"}}}).want(201).json()
		qurl := q["links"].([]any)[0].(map[string]any)["url"].(string)
		if p := page(qurl[strings.Index(qurl, "/q/"):], 200); !strings.Contains(p, want) {
			t.Errorf("the questionnaire page lacks the contact")
		}
		// a new plan: the old link's page still says whom to ask
		sc := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201)
		if p := page("/s/"+links["301"], 410); !strings.Contains(p, want) {
			t.Errorf("the superseded page lacks the contact")
		}
		events, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ev := range events {
			found = found || ev.Kind == "contact_changed"
		}
		if !found {
			t.Errorf("the change is not in the audit log")
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after the contact changed: %v", a)
		}
	})
}

// TestUndecidedList: the households still to decide, with whether their
// link was opened and when last, as JSON and as a workbook, and a reminder
// text that names no one.
func TestUndecidedList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.sign(links["301"], "agree", "key-undecided-301")
		e.sign(links["302"], "disagree", "key-undecided-302")
		// 401 opens its page twice over two days, 402 once; 501's link is reissued after it was opened
		e.do("GET", "/s/"+links["401"], "", nil, "Accept", "text/html").want(200)
		e.clock.Add(26 * time.Hour)
		e.login("a")
		e.do("GET", "/s/"+links["401"], "", nil, "Accept", "text/html").want(200)
		lastView := e.clock.Now()
		e.do("GET", "/s/"+links["402"], "", nil, "Accept", "text/html").want(200)
		e.do("GET", "/s/"+links["501"], "", nil, "Accept", "text/html").want(200)
		var hid501 float64
		for _, h := range e.do("GET", base, "a", nil).want(200).json()["households"].([]any) {
			if h.(map[string]any)["room"] == "501" {
				hid501 = h.(map[string]any)["id"].(float64)
			}
		}
		e.do("POST", fmt.Sprintf("%s/households/%v/link", base, hid501), "a", nil).want(201)

		u := e.do("GET", base+"/undecided", "a", nil).want(200).json()
		hs := u["households"].([]any)
		if len(hs) != 10 {
			t.Fatalf("%d undecided, want 10: %v", len(hs), hs)
		}
		rows := map[string]map[string]any{}
		for _, h := range hs {
			rows[h.(map[string]any)["room"].(string)] = h.(map[string]any)
		}
		if rows["301"] != nil || rows["302"] != nil {
			t.Errorf("a household that decided (also against) is listed")
		}
		if r := rows["401"]; r["views"] != 2.0 || r["owner"] != "业主401" || r["phone"] != "13812341401" || !sameTime(r["last_view"], lastView) {
			t.Errorf("401: %v", r)
		}
		if r := rows["501"]; r["views"] != 0.0 || r["last_view"] != nil || r["linked"] != true {
			t.Errorf("501 with a fresh link: %v", r)
		}
		if r := rows["601"]; r["views"] != 0.0 || r["linked"] != true {
			t.Errorf("601: %v", r)
		}
		reminder := u["reminder"].(string)
		for _, want := range []string{"还有 10 户尚未表决", "截止时间为", "联系社区工作人员"} {
			if !strings.Contains(reminder, want) {
				t.Errorf("reminder lacks %q: %s", want, reminder)
			}
		}
		if strings.Contains(reminder, "业主") || strings.Contains(reminder, "401") {
			t.Errorf("the reminder names someone: %s", reminder)
		}

		book := e.do("GET", base+"/undecided.xlsx", "a", nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(book.body))
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := f.GetRows("未表决")
		if err != nil {
			t.Fatal(err)
		}
		// a title, an as-of row, the header, ten households
		if len(sheet) != 13 || !strings.Contains(sheet[0][0], "未表决住户名单") || !strings.HasPrefix(sheet[1][0], "截至 ") ||
			sheet[2][0] != "房号" || sheet[2][4] != "电话" || sheet[2][5] != "必须同意" {
			t.Fatalf("workbook %v", sheet)
		}
		for i, r := range sheet[3:] {
			if r[0] == "401" && (r[7] != "2" || r[8] == "从未打开" || r[4] != "13812341401" || r[5] != "否") {
				t.Errorf("401 in the workbook: %v", r)
			}
			if r[0] == "401" {
				row := strconv.Itoa(i + 4)
				numberCell(t, f, "未表决", "H"+row, "2")  // views
				numberCell(t, f, "未表决", "B"+row, "4")  // floor
				numberCell(t, f, "未表决", "C"+row, r[2]) // area, 0.00
			}
			if r[0] == "601" && r[8] != "从未打开" {
				t.Errorf("601 in the workbook: %v", r)
			}
		}
		e.login("b")
		e.do("GET", base+"/undecided", "b", nil).want(404)
		e.do("GET", base+"/undecided.xlsx", "b", nil).want(404)

		// after the deadline the reminder says the vote is over
		e.clock.Add(80 * time.Hour)
		e.login("a")
		if r := e.do("GET", base+"/undecided", "a", nil).want(200).json()["reminder"].(string); !strings.Contains(r, "表决已截止") {
			t.Errorf("reminder after the deadline: %s", r)
		}
	})
}

func sameTime(v any, want time.Time) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	got, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && got.Equal(want.Truncate(time.Microsecond))
}

// TestReprintAllSlips: every household gets a new link at once; the old
// slips stop working, decisions already made stay, another worker cannot.
func TestReprintAllSlips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.sign(links["301"], "agree", "key-reprint-301")
		e.do("POST", base+"/links", "b", nil).want(404)
		fresh := e.do("POST", base+"/links", "a", nil).want(201).json()["links"].([]any)
		if len(fresh) != 12 {
			t.Fatalf("%d new links, want 12", len(fresh))
		}
		for _, token := range links {
			e.do("GET", "/api/v1/sign/"+token, "", nil).want(404)
		}
		for _, l := range fresh {
			m := l.(map[string]any)
			token := strings.TrimPrefix(m["url"].(string), "http://renovote.test/s/")
			v := e.do("GET", "/api/v1/sign/"+token, "", nil).want(200).json()
			if m["room"] == "301" && (v["decision"] == nil || v["decision"].(map[string]any)["decision"] != "agree") {
				t.Errorf("301's decision after the reprint: %v", v["decision"])
			}
		}
		e.clock.Add(73 * time.Hour)
		e.login("a")
		e.do("POST", base+"/links", "a", nil).want(409)
	})
}
