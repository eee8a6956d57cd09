package http_test

import (
	"encoding/csv"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestCSVFormulas: owners written like spreadsheet formulas import as
// text, export with a leading apostrophe (Excel shows them as text), and
// survive a round trip through our own export.
func TestCSVFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "公式", "floors": 6}).want(201).json()
		path := fmt.Sprintf("/api/v1/projects/%v/households", p["id"])
		in := "room,floor,area,owner,owner_id,phone,hardship,exempt,must_consent\r\n" +
			"101,1,60,\"=HYPERLINK(\"\"http://x.cn\"\",\"\"点\"\")\",,,0,0,0\r\n" +
			"102,1,60,+cmd|' /C calc'!A0,,,0,0,0\r\n" +
			"201,2,60,@SUM(1+1),-2+3,+8613800001111,0,0,0\r\n"
		e.do("PUT", path, "a", in, "Content-Type", "text/csv").want(200)
		res := e.do("GET", path+".csv", "a", nil).want(200)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(res.body), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("exported cell %d of %v starts like a formula: %q", i, row[0], cell)
				}
			}
		}
		if rows[1][3] != `'=HYPERLINK("http://x.cn","点")` || rows[3][4] != "'-2+3" || rows[3][5] != "'+8613800001111" {
			t.Errorf("exported rows: %q", rows)
		}
		// our own export imports back unchanged
		e.do("PUT", path, "a", string(res.body), "Content-Type", "text/csv").want(200)
		hs := e.do("GET", fmt.Sprintf("/api/v1/projects/%v", p["id"]), "a", nil).want(200).json()["households"].([]any)
		if o := hs[0].(map[string]any)["owner"]; o != `=HYPERLINK("http://x.cn","点")` {
			t.Errorf("round trip: owner %q", o)
		}
		if c := res.header.Get("Content-Disposition"); !strings.HasPrefix(c, "attachment; filename=households-") {
			t.Errorf("Content-Disposition %q", c)
		}
	})
}

// TestHeaderInjection: a room cannot carry quotes into a file name, and
// file names are written by mime.FormatMediaType.
func TestHeaderInjection(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	for _, room := range []string{`a";filename*=UTF-8''x.html;b="`, `1'01`, `1\01`, "10\r\n1"} {
		res := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "x", "floors": 6,
			"households": []any{map[string]any{"room": room, "floor": 1, "area": "60"}}}).want(400).json()
		if res["field"] != "households[0].room" {
			t.Errorf("room %q: %v", room, res)
		}
	}
	pid, _ := e.published()
	res := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/agreements/%d.pdf", pid, e.householdID(pid, "301")), "a", nil).want(200)
	if c := res.header.Get("Content-Disposition"); c != "inline; filename=agreement-301.pdf" {
		t.Errorf("Content-Disposition %q", c)
	}
}

// TestUnprintableQuestionnaire: text the PDF font cannot print is refused
// where it is typed — title, wording, items, options — so the results PDF
// can always be printed.
func TestUnprintableQuestionnaire(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	pid, _ := e.published()
	base := fmt.Sprintf("/api/v1/projects/%d/questionnaires", pid)
	deadline := e.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
	for _, tt := range []struct {
		field string
		body  map[string]any
	}{
		{"title", map[string]any{"title": "满意度😀", "questions": []any{map[string]any{"id": "q1", "kind": "rating"}}}},
		{"questions[0].text", map[string]any{"title": "x", "questions": []any{map[string]any{"id": "q1", "kind": "rating", "text": "满意吗😀"}}}},
		{"questions[0].items[1]", map[string]any{"title": "x", "questions": []any{map[string]any{"id": "q1", "kind": "choose_k", "k": 1, "items": []any{"电梯", "🚲车棚"}}}}},
		{"questions[0].options[0]", map[string]any{"title": "x", "questions": []any{map[string]any{"id": "q1", "kind": "single", "options": []any{"김", "反对"}}}}},
	} {
		tt.body["deadline"] = deadline
		res := e.do("POST", base, "a", tt.body).want(400).json()
		if res["field"] != tt.field || !strings.Contains(res["message"].(string), "无法打印") {
			t.Errorf("%s: %v", tt.field, res)
		}
	}
	if n := len(e.do("GET", base, "a", nil).want(200).list()); n != 0 {
		t.Errorf("%d questionnaires were created", n)
	}
}

// TestAPIIsNeverCached: every API answer — with names, phones, links —
// says no-store.
func TestAPIIsNeverCached(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	pid, links := e.published()
	for _, path := range []string{fmt.Sprintf("/api/v1/projects/%d", pid), fmt.Sprintf("/api/v1/projects/%d/households.csv", pid),
		"/api/v1/projects", "/api/v1/sign/" + links["301"], "/api/v1/presets", "/api/v1/projects/999999"} {
		if got := e.do("GET", path, "a", nil).header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
	}
}

// TestQROnlyForOwnURLs: /qr draws this server's links, nothing else.
func TestQROnlyForOwnURLs(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.do("GET", "/qr?text="+"http%3A%2F%2Frenovote.test%2Fs%2Fabc", "", nil).want(200)
	for _, text := range []string{"https://evil.example/pay", "http://renovote.test.evil.example/", "http%3A%2F%2Frenovote.testx%2F", "javascript:alert(1)"} {
		e.do("GET", "/qr?text="+text, "", nil).want(400)
	}
}

// TestRepeatedKeys: a key written twice in one object is refused, naming
// it, in the API and in the contracts — never "the last one wins".
func TestRepeatedKeys(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	pid, links := e.published()
	for _, tt := range []struct{ method, path, body, field string }{
		{"POST", "/api/v1/sign/" + links["301"], `{"decision":"agree","decision":"disagree","signer_name":"x","idempotency_key":"dup-key-001"}`, "decision"},
		{"POST", "/api/v1/calc", `{"households":[{"id":"1","floor":1,"area":"60","area":"6000"}],"costs":[{"amount":"1"}]}`, "area"},
		{"POST", "/api/v1/tally", `{"rule":"civil_code_major","rule":{"participation_area":"0"},"households":[]}`, "rule"},
		{"POST", "/api/v1/projects", `{"name":"a","name":"b","floors":6}`, "name"},
		{"POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), `{"costs":[{"amount":"1"}],"costs":[{"amount":"2"}]}`, "costs"},
		{"POST", "/api/v1/login", `{"username":"a","username":"b","password":"x"}`, "username"},
	} {
		res := e.do(tt.method, tt.path, "a", tt.body).want(400).json()
		if res["field"] != tt.field || !strings.Contains(res["message"].(string), "出现了两次") {
			t.Errorf("%s %s: %v", tt.method, tt.path, res)
		}
	}
}

// householdID is the id of a room of project pid.
func (e *env) householdID(pid int, room string) int {
	e.t.Helper()
	for _, h := range e.do("GET", fmt.Sprintf("/api/v1/projects/%d", pid), "a", nil).want(200).json()["households"].([]any) {
		if m := h.(map[string]any); m["room"] == room {
			return int(m["id"].(float64))
		}
	}
	e.t.Fatalf("no room %s", room)
	return 0
}

// TestHTTPSCookies: behind https the cookies carry the __Host- prefix and
// Secure, and every answer sends HSTS; the CSRF token is the session's.
func TestHTTPSCookies(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnvAt(t, s, apphttp.Config{}, "https://renovote.example")
	e.addWorker("a", false)
	login := e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "password-a"}).want(200)
	cookies := strings.Join(login.header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"__Host-renovote_session=", "__Host-renovote_csrf="} {
		if !strings.Contains(cookies, want) {
			t.Errorf("cookies %q lack %s", cookies, want)
		}
	}
	for _, c := range login.header.Values("Set-Cookie") {
		if !strings.Contains(c, "Secure") || !strings.Contains(c, "Path=/") || strings.Contains(c, "Domain=") {
			t.Errorf("cookie %q: want Secure, Path=/ and no Domain", c)
		}
	}
	if got := login.header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("HSTS %q", got)
	}
	var session, csrf string
	for _, c := range login.header.Values("Set-Cookie") {
		kv := strings.SplitN(strings.SplitN(c, ";", 2)[0], "=", 2)
		switch kv[0] {
		case "__Host-renovote_session":
			session = kv[1]
		case "__Host-renovote_csrf":
			csrf = kv[1]
		}
	}
	cookie := "__Host-renovote_session=" + session + "; __Host-renovote_csrf=" + csrf
	e.do("POST", "/api/v1/projects", "", map[string]any{"name": "x", "floors": 6}, "Cookie", cookie, "X-CSRF-Token", csrf).want(201)
	e.do("POST", "/api/v1/projects", "", map[string]any{"name": "x", "floors": 6}, "Cookie", "renovote_session="+session, "X-CSRF-Token", csrf).want(401)
}

// TestLoginGuards: guessing one account's password is slowed and then
// refused for a while from any address (rotating X-Forwarded-For behind a
// trusted proxy does not help), never locked for good; X-Forwarded-For
// from an untrusted peer is ignored; a login must be JSON from this site.
func TestLoginGuards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { // in process on SQLite, in the database on PostgreSQL: one answer
		_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
		e := newEnv(t, s, apphttp.Config{TrustedProxies: []*net.IPNet{loopback}})
		e.addWorker("li", false)
		statuses := []int{}
		var refusal string
		for i := range 12 {
			res := e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "wrong-password"},
				"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
			statuses = append(statuses, res.status)
			if res.status == 429 && refusal == "" {
				refusal = res.json()["message"].(string)
			}
		}
		if statuses[0] != 401 || statuses[9] != 401 || statuses[10] != 429 || statuses[11] != 429 {
			t.Fatalf("12 wrong passwords from 12 addresses: %v (want 401 ×10, then 429)", statuses)
		}
		if want := "这个账号的密码错误次数太多，请 16 分钟后再试，或联系管理员"; refusal != want { // the clock stood still
			t.Errorf("the refusal says %q, want %q", refusal, want)
		}
		e.mu.Lock()
		paused := len(e.paused)
		e.mu.Unlock()
		if paused < 6 {
			t.Errorf("only %d of the attempts were slowed", paused)
		}
		// the right password is refused too, for a while …
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}).want(429)
		// … and then accepted again: no permanent lockout
		e.clock.Add(16 * time.Minute)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}).want(200)

		// a login a form on another site could send is refused
		e.do("POST", "/api/v1/login", "", `{"username":"li","password":"password-li"}`, "Content-Type", "text/plain").want(400)
		e.do("POST", "/api/v1/login", "", `username=li&password=password-li`, "Content-Type", "application/x-www-form-urlencoded").want(400)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}, "Origin", "https://evil.example").want(403)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}, "Origin", "http://renovote.test").want(200)
	})

	// without trusted proxies, X-Forwarded-For is the client's own word
	s2 := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e2 := newEnv(t, s2, apphttp.Config{LoginRate: 0.001})
	var last int
	for i := range 12 {
		last = e2.do("POST", "/api/v1/login", "", map[string]string{"username": fmt.Sprint("u", i), "password": "y"},
			"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1)).status
	}
	if last != 429 {
		t.Errorf("rotating X-Forwarded-For from an untrusted peer escaped the per-address limit: %d", last)
	}
}

// TestPasswordChange: a worker changes their own password after the
// current one; the new one must follow the rule; every session ends.
func TestPasswordChange(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("zhou", false)
	e.do("POST", "/api/v1/password", "zhou", map[string]string{"current": "wrong", "password": "Xin-mi-ma-2027!"}).want(400)
	for _, weak := range []string{"short", "1234567890", "password123", "zhou-password", "aaaaaaaaaaaa"} {
		res := e.do("POST", "/api/v1/password", "zhou", map[string]string{"current": "password-zhou", "password": weak}).want(400).json()
		if res["field"] != "password" {
			t.Errorf("weak password %q: %v", weak, res)
		}
	}
	e.do("POST", "/api/v1/password", "zhou", map[string]string{"current": "password-zhou", "password": "Xin-mi-ma-2027!"}).want(204)
	e.do("GET", "/api/v1/projects", "zhou", nil).want(401) // the session ended
	e.do("POST", "/api/v1/login", "", map[string]string{"username": "zhou", "password": "password-zhou"}).want(401)
	e.do("POST", "/api/v1/login", "", map[string]string{"username": "zhou", "password": "Xin-mi-ma-2027!"}).want(200)
}
