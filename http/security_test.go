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

func TestPagesEscapeAndHeaders(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	evil := "<script>alert(1)</script>"
	proj := demoProject(evil + "小区")
	proj["address"] = `"><img src=x onerror=alert(2)>`
	hs := proj["households"].([]map[string]any)
	hs[6]["owner"] = evil
	p := e.do("POST", "/api/v1/projects", "a", proj).want(201).json()
	base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
	sc := map[string]any{}
	for k, v := range scenarioA {
		sc[k] = v
	}
	sc["name"] = evil
	scr := e.do("POST", base+"/scenarios", "a", sc).want(201).json()
	pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, scr["id"]), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}).want(201).json()
	link := pub["links"].([]any)[6].(map[string]any)["url"].(string)
	token := strings.TrimPrefix(link, "http://renovote.test/s/")
	page := e.do("GET", "/s/"+token, "", nil, "Accept", "text/html").want(200)
	html := string(page.body)
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "<img src=x") {
		t.Fatalf("a name was not escaped:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;小区") {
		t.Errorf("the escaped project name should be shown as text")
	}
	for _, h := range []struct{ name, want string }{
		{"Content-Security-Policy", "script-src 'self'"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
		{"Cache-Control", "no-store"},
	} {
		if got := page.header.Get(h.name); !strings.Contains(got, h.want) {
			t.Errorf("%s = %q, want %q", h.name, got, h.want)
		}
	}
	if got := e.do("GET", "/api/v1/projects", "a", nil).header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("API responses lack nosniff: %q", got)
	}
	// static assets are served by the binary
	if js := e.do("GET", "/static/sign.js", "", nil).want(200); !strings.Contains(string(js.body), "idempotency_key") {
		t.Errorf("sign.js: %s", js.body)
	}

	// Tokens, passwords and phone numbers never reach the logs.
	e.do("POST", "/api/v1/sign/"+token, "", map[string]any{"decision": "agree", "signer_name": "张三",
		"signature_png": signature(t, 300, 120, true), "idempotency_key": "log-check-1"}).want(201)
	e.do("GET", "/api/v1/sign/"+token, "", nil).want(200)
	logs := e.logs.String()
	for _, secret := range []string{token, e.tokens["a"], "password-a", "13812341101", "张三"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
	if !strings.Contains(logs, `"route":"/api/v1/sign/:token"`) {
		t.Errorf("the logs should name the route: %s", logs)
	}
}

func TestHealthz(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		if h := e.do("GET", "/healthz", "", nil).want(200).json(); h["database"] != "ok" {
			t.Fatalf("healthz: %v", h)
		}
		s.Close()
		if h := e.do("GET", "/healthz", "", nil).want(503).json(); h["database"] != "unreachable" {
			t.Fatalf("healthz with the database gone: %v", h)
		}
	})
}
