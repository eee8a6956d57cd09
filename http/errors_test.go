package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// counts is the number of rows in every table of the schema but the
// limits' counters, to show a refused request changed nothing.
func counts(t testing.TB, s *store.Store) string {
	t.Helper()
	var tables []string
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.Dialect() == store.Postgres {
		query = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	if err := s.DB().Select(&tables, query); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 12 {
		t.Fatalf("found only the tables %v", tables)
	}
	var parts []string
	for _, table := range tables {
		if table == "login_failures" || table == "rate_buckets" {
			continue // PostgreSQL's shared limits: a refused request counts against its client, as it does in process
		}
		var n int
		if err := s.DB().Get(&n, "SELECT COUNT(*) FROM "+table); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s=%d", table, n))
	}
	return strings.Join(parts, " ")
}

// badRequest is one bad input: what is sent and what must come back.
type badRequest struct {
	name, method, path, body string
	status                   int
	field                    string
	header                   []string
}

// badWorld is what the bad requests aim at.
type badWorld struct {
	pid, did     int
	dsc          map[string]any
	token        string
	links        map[string]string
	otherPID     int // a project of another worker
	publishedSID int // pid's published scenario
	hid          int // a household of pid
	draftHID     int // a household of did
}

func newBadWorld(e *env) *badWorld {
	e.t.Helper()
	e.addWorker("a", false)
	w := &badWorld{}
	w.pid, w.links = e.published()
	draft := e.do("POST", "/api/v1/projects", "a", demoProject("草稿项目")).want(201).json()
	w.did = int(draft["id"].(float64))
	w.dsc = e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", w.did), "a", scenarioA).want(201).json()
	w.token = w.links["301"]
	w.publishedSID = int(e.do("GET", fmt.Sprintf("/api/v1/projects/%d/scenarios", w.pid), "a", nil).want(200).list()[0].(map[string]any)["id"].(float64))
	w.hid = e.householdID(w.pid, "302")
	w.draftHID = int(draft["households"].([]any)[0].(map[string]any)["id"].(float64))
	e.addWorker("b", false)
	w.otherPID = int(e.do("POST", "/api/v1/projects", "b", demoProject("B的项目")).want(201).json()["id"].(float64))
	return w
}

// badRequests is every kind of bad input the suite sends (docs/bad-inputs.md
// lists them with their answers).
func badRequests(t testing.TB, w *badWorld) []badRequest {
	pid, did, dsc, token := w.pid, w.did, w.dsc, w.token
	sig := signature(t, 400, 160, true)
	hs := func(h string) string {
		return `{"households":[` + h + `]}`
	}
	return []badRequest{
		{"project: empty body", "POST", "/api/v1/projects", ``, 400, "", nil},
		{"project: syntax", "POST", "/api/v1/projects", `{"name":`, 400, "", nil},
		{"project: not an object", "POST", "/api/v1/projects", `[]`, 400, "", nil},
		{"project: unknown field", "POST", "/api/v1/projects", `{"name":"x","floors":6,"nmae":"y"}`, 400, "nmae", nil},
		{"project: no name", "POST", "/api/v1/projects", `{"floors":6}`, 400, "name", nil},
		{"project: blank name", "POST", "/api/v1/projects", `{"name":"  ","floors":6}`, 400, "name", nil},
		{"project: floors zero", "POST", "/api/v1/projects", `{"name":"x","floors":0}`, 400, "floors", nil},
		{"project: name outside the font", "POST", "/api/v1/projects", `{"name":"𠮷野家小区","floors":6}`, 400, "name", nil},
		{"project: negative area", "POST", "/api/v1/projects", `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":"68"},{"room":"102","floor":1,"area":"68"},{"room":"201","floor":2,"area":"68"},{"room":"202","floor":2,"area":"-5"}]}`, 400, "households[3].area", nil},
		{"project: floor above floors", "POST", "/api/v1/projects", `{"name":"x","floors":6,"households":[{"room":"701","floor":7,"area":"68"}]}`, 400, "households[0].floor", nil},
		{"project: duplicate room", "POST", "/api/v1/projects", `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":"68"},{"room":"101","floor":1,"area":"68"}]}`, 400, "households[1].room", nil},
		{"project: bad phone", "POST", "/api/v1/projects", `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":"68","phone":"call me"}]}`, 400, "households[0].phone", nil},
		{"project: area with 3 decimals", "POST", "/api/v1/projects", `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":"68.505"}]}`, 400, "households[0].area", nil},
		{"households: not a list", "PUT", fmt.Sprintf("/api/v1/projects/%d/households", did), `{"households":{}}`, 400, "households", nil},
		{"households: owner outside the font", "PUT", fmt.Sprintf("/api/v1/projects/%d/households", did), hs(`{"room":"101","floor":1,"area":"68","owner":"𠮷田"}`), 400, "households[0].owner", nil},
		{"households: owner in Hangul, outside the font", "PUT", fmt.Sprintf("/api/v1/projects/%d/households", did), hs(`{"room":"101","floor":1,"area":"68","owner":"김철수"}`), 400, "households[0].owner", nil},
		{"sign: signer in Hangul", "POST", "/api/v1/sign/" + token, `{"decision":"abstain","signer_name":"김","idempotency_key":"key-bad-0012"}`, 400, "signer_name", nil},
		{"households: hardship as text", "PUT", fmt.Sprintf("/api/v1/projects/%d/households", did), hs(`{"room":"101","floor":1,"area":"68","hardship":"是"}`), 400, "households[0].hardship", nil},
		{"scenario: households inside", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"households":[],"costs":[{"amount":"1"}]}`, 400, "households", nil},
		{"scenario: cost name outside the font", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"costs":[{"name":"엘리베이터","amount":"1"}]}`, 400, "costs[0].name", nil},
		{"scenario: no costs", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"name":"x"}`, 400, "costs", nil},
		{"scenario: negative cost", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"costs":[{"amount":"-1"}]}`, 400, "costs[0].amount", nil},
		{"scenario: unknown method", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"costs":[{"amount":"1"}],"allocation":{"method":"lottery"}}`, 400, "allocation.method", nil},
		{"scenario: coefficients missing a floor", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", did), `{"costs":[{"amount":"1"}],"allocation":{"method":"coefficient","coefficients":[{"floors":"1-5","value":"1"}]}}`, 400, "allocation.coefficients", nil},
		{"publish: unknown rule", "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", did, dsc["id"]), `{"rule":"majority","deadline":"2099-01-01"}`, 400, "rule", nil},
		{"calc: floats in disguise", "POST", "/api/v1/calc", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"0.001"}]}`, 400, "costs[0].amount", nil},
		{"calc: deep nesting", "POST", "/api/v1/calc", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), 400, "", nil},
		{"calc: huge number", "POST", "/api/v1/calc", `{"households":[{"id":"1","floor":1,"area":1e999999999}],"costs":[{"amount":"1"}]}`, 400, "households[0].area", nil},
		{"tally: bad vote", "POST", "/api/v1/tally", `{"rule":"civil_code_major","households":[{"id":"1","area":"1","vote":"yes"}]}`, 400, "households[0].vote", nil},
		{"sign: no decision", "POST", "/api/v1/sign/" + token, `{"signer_name":"张三","signature_png":"` + sig + `","idempotency_key":"key-bad-0001"}`, 400, "decision", nil},
		{"sign: unknown decision", "POST", "/api/v1/sign/" + token, `{"decision":"maybe","signer_name":"张三","signature_png":"` + sig + `","idempotency_key":"key-bad-0002"}`, 400, "decision", nil},
		{"sign: no signer", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signature_png":"` + sig + `","idempotency_key":"key-bad-0003"}`, 400, "signer_name", nil},
		{"sign: no signature", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signer_name":"张三","idempotency_key":"key-bad-0004"}`, 400, "signature_png", nil},
		{"sign: blank signature", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signer_name":"张三","signature_png":"` + signature(t, 400, 160, false) + `","idempotency_key":"key-bad-0005"}`, 400, "signature_png", nil},
		{"sign: signature too wide", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signer_name":"张三","signature_png":"` + signature(t, 2400, 100, true) + `","idempotency_key":"key-bad-0006"}`, 400, "signature_png", nil},
		{"sign: signature not a PNG", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signer_name":"张三","signature_png":"` + b64([]byte("GIF89a not really")) + `","idempotency_key":"key-bad-0007"}`, 400, "signature_png", nil},
		{"sign: signature not base64", "POST", "/api/v1/sign/" + token, `{"decision":"agree","signer_name":"张三","signature_png":"!!!","idempotency_key":"key-bad-0008"}`, 400, "signature_png", nil},
		{"sign: no idempotency key", "POST", "/api/v1/sign/" + token, `{"decision":"abstain","signer_name":"张三"}`, 400, "idempotency_key", nil},
		{"sign: signer outside the font", "POST", "/api/v1/sign/" + token, `{"decision":"abstain","signer_name":"𠮷","idempotency_key":"key-bad-0009"}`, 400, "signer_name", nil},
		{"sign: unknown field", "POST", "/api/v1/sign/" + token, `{"decision":"abstain","signer_name":"张三","idempotency_key":"key-bad-0010","household":"302"}`, 400, "household", nil},
		{"sign: wrong type", "POST", "/api/v1/sign/" + token, `{"decision":true}`, 400, "decision", nil},
		{"sign: unknown token", "POST", "/api/v1/sign/" + strings.Repeat("A", 43), `{"decision":"abstain","signer_name":"张三","idempotency_key":"key-bad-0011"}`, 404, "", nil},
		{"sign: malformed token", "GET", "/api/v1/sign/..%2F..%2Fetc%2Fpasswd", ``, 404, "", nil},
		{"paper: no witness", "POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", pid, 1), `{"decision":"agree","signer_name":"张三","photo":"` + sig + `","idempotency_key":"paper-bad-01"}`, 400, "witness", nil},
		{"paper: no photo", "POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", pid, 1), `{"decision":"agree","signer_name":"张三","witness":"李四","idempotency_key":"paper-bad-02"}`, 400, "photo", nil},
		{"paper: household of another project", "POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", pid, 9999), `{"decision":"agree","signer_name":"张三","witness":"李四","photo":"` + sig + `","idempotency_key":"paper-bad-03"}`, 404, "", nil},
		{"project id not a number", "GET", "/api/v1/projects/abc", ``, 404, "", nil},
		{"project id with SQL", "GET", "/api/v1/projects/1%20OR%201=1", ``, 404, "", nil},
		{"compare without ids", "GET", fmt.Sprintf("/api/v1/projects/%d/compare", pid), ``, 400, "a", nil},
	}
}

func TestBadRequestsChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		w := newBadWorld(e)
		tests := append(badRequests(t, w), moreBadRequests(t, w)...)
		got := map[string]int{}
		before := counts(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, dup := got[tt.name]; dup {
					t.Fatalf("two bad requests named %q", tt.name)
				}
				res := e.do(tt.method, tt.path, "a", tt.body, tt.header...)
				res.t = t
				got[tt.name] = res.status
				if res.status >= 500 {
					t.Fatalf("a 5xx for bad input: %d %s", res.status, res.body)
				}
				res.want(tt.status)
				body := res.json()
				if body["code"] == nil || body["field"] != tt.field || !hasHan(body["message"].(string)) {
					t.Errorf("error body %s, want field %q and a Chinese message", res.body, tt.field)
				}
			})
		}
		if after := counts(t, s); after != before {
			t.Fatalf("refused requests changed the database:\nbefore %s\nafter  %s", before, after)
		}
		if len(tests) < 100 {
			t.Fatalf("only %d kinds of bad request", len(tests))
		}
		if *updateDocs && s.Dialect() == store.SQLite {
			writeBadInputsDoc(t, tests, got, w)
		}
	})
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestCSVImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "CSV", "floors": 6}).want(201).json()
		path := fmt.Sprintf("/api/v1/projects/%v/households", p["id"])
		good := "\ufeffroom,floor,area,owner,owner_id,phone,hardship,exempt,must_consent\r\n101,1,68.50,张三,id-1,13800001111,否,是,1\r\n102,1,86.2,\"李, 四\",,,0,0,0\r\n"
		res := e.do("PUT", path, "a", good, "Content-Type", "text/csv; charset=utf-8").want(200).json()
		hs := res["households"].([]any)
		if len(hs) != 2 || hs[1].(map[string]any)["owner"] != "李, 四" || hs[0].(map[string]any)["exempt"] != true || hs[0].(map[string]any)["must_consent"] != true {
			t.Fatalf("imported %v", hs)
		}
		before := counts(t, s)
		bad := "room,floor,area,owner,owner_id,phone,hardship,exempt,must_consent\n101,1,68.50,张三,,,0,0,0\n102,9,86.2,李四,,,0,0,0\n103,1,-1,王五,,,0,0,0\n101,2,70,赵六,,,0,0,0\n104,2,70,钱七,,,maybe,0,0\n"
		msg := e.do("PUT", path, "a", bad, "Content-Type", "text/csv").want(400).json()["message"].(string)
		for _, want := range []string{"第3行", "第4行", "第5行", "第6行", "未导入任何住户"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, "第2行：") {
			t.Errorf("message %q blames the good line 2", msg)
		}
		e.do("PUT", path, "a", "name,floor\n1,2\n", "Content-Type", "text/csv").want(400)
		e.do("PUT", path, "a", string([]byte{0xff, 0xfe, 'r'}), "Content-Type", "text/csv").want(400)
		if after := counts(t, s); after != before {
			t.Fatalf("a refused CSV changed the database")
		}
	})
}

func TestAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		e.addWorker("root", true)
		pa := e.do("POST", "/api/v1/projects", "a", demoProject("A的项目")).want(201).json()
		path := fmt.Sprintf("/api/v1/projects/%v", pa["id"])

		e.do("GET", "/api/v1/projects", "", nil).want(401)
		e.do("GET", "/api/v1/projects", "", nil, "Authorization", "Bearer not-a-token").want(401)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "wrong"}).want(401)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "nobody", "password": "password-a"}).want(401)
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "a"}).want(400)
		// another worker's project answers as if it did not exist
		missing := e.do("GET", "/api/v1/projects/999999", "b", nil).want(404).json()["message"].(string)
		other := e.do("GET", path, "b", nil).want(404).json()["message"].(string)
		if strings.Replace(other, fmt.Sprint(pa["id"]), "999999", 1) != missing {
			t.Errorf("another's project (%q) and a missing one (%q) should read alike", other, missing)
		}
		e.do("PUT", path+"/households", "b", `{"households":[]}`).want(404)
		e.do("GET", path, "root", nil).want(200)
		if l := e.do("GET", "/api/v1/projects", "b", nil).want(200).list(); len(l) != 0 {
			t.Errorf("b lists %v", l)
		}
		e.do("GET", "/api/v1/projects/424242", "a", nil).want(404)

		// the cookie session, with CSRF protection for writes
		login := e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "password-a"}).want(200)
		var session, csrf string
		for _, c := range strings.Split(strings.Join(login.header.Values("Set-Cookie"), "\n"), "\n") {
			if strings.HasPrefix(c, "renovote_session=") {
				session = strings.SplitN(strings.TrimPrefix(c, "renovote_session="), ";", 2)[0]
				if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
					t.Errorf("session cookie %q should be HttpOnly and SameSite", c)
				}
			}
			if strings.HasPrefix(c, "renovote_csrf=") {
				csrf = strings.SplitN(strings.TrimPrefix(c, "renovote_csrf="), ";", 2)[0]
			}
		}
		cookie := "renovote_session=" + session + "; renovote_csrf=" + csrf
		e.do("GET", path, "", nil, "Cookie", cookie).want(200)
		e.do("PUT", path+"/households", "", `{"households":[]}`, "Cookie", cookie).want(403)
		e.do("PUT", path+"/households", "", `{"households":[]}`, "Cookie", cookie, "X-CSRF-Token", "forged").want(403)
		// a token pair the attacker chose (cookie and header alike) is not this session's
		e.do("PUT", path+"/households", "", `{"households":[]}`, "Cookie", "renovote_session="+session+"; renovote_csrf=attacker",
			"X-CSRF-Token", "attacker").want(403)
		e.do("PUT", path+"/households", "", `{"households":[]}`, "Cookie", cookie, "X-CSRF-Token", csrf).want(200)

		// logout ends the session
		e.do("POST", "/api/v1/logout", "a", nil).want(204)
		e.do("GET", "/api/v1/projects", "a", nil).want(401)

		// expired sessions
		e.clock.Add(13 * time.Hour)
		e.do("GET", "/api/v1/projects", "b", nil).want(401)
	})
}

func TestLimits(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{LoginRate: 0.001, PublicRate: 0.001})
	// login is rate-limited per client: a burst of 10, then 429
	var last int
	for i := 0; i < 12; i++ {
		last = e.do("POST", "/api/v1/login", "", map[string]string{"username": fmt.Sprint("x", i), "password": "y"}).status
	}
	if last != 429 {
		t.Fatalf("12th quick login got %d, want 429", last)
	}
	res := e.do("POST", "/api/v1/login", "", map[string]string{"username": "x", "password": "y"}).json()
	if !hasHan(res["message"].(string)) || res["code"] != "rate_limited" {
		t.Errorf("429 body: %v", res)
	}
	// bodies are bounded
	huge := `{"households":[` + strings.Repeat(`{"id":"1","floor":1,"area":"1"},`, 200000) + `]}`
	e.do("POST", "/api/v1/calc", "", huge).want(413)
	big := strings.Repeat("x", 10<<20)
	e.do("POST", "/api/v1/tally", "", big).want(413)
	// unknown routes
	e.do("GET", "/api/v1/nothing", "", nil).want(404)
	if p := e.do("GET", "/s/"+strings.Repeat("a", 43), "", nil, "Accept", "text/html").want(404); !strings.Contains(string(p.body), "链接无效") {
		t.Errorf("an unknown token should get a friendly page: %s", p.body)
	}
}
