package http_test

import (
	"strings"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestTamperShows: a decision edited behind the application's back is
// named by the project's audit view, and the public verification of it
// says the record no longer matches.
func TestTamperShows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		d := e.do("POST", "/api/v1/sign/"+links["501"], "", map[string]any{"decision": "disagree", "signer_name": "周淑兰",
			"signature_png": signature(t, 300, 120, true), "idempotency_key": "tamper-501"}).want(201).json()
		code := d["code"].(string)
		if v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json(); v["valid"] != true {
			t.Fatalf("before: %v", v)
		}
		if s.Dialect() == store.Postgres {
			s.DB().MustExec(`ALTER TABLE decisions DISABLE TRIGGER USER`)
		} else {
			s.DB().MustExec(`DROP TRIGGER decisions_append_only_update`)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE decisions SET vote = 'agree' WHERE code = ?`), code)

		audit := e.do("GET", "/api/v1/projects/"+itoa(pid)+"/audit", "a", nil).want(200).json()
		broken, _ := audit["broken_at"].(map[string]any)
		if audit["ok"] != false || broken == nil || broken["kind"] != "decision" || !strings.Contains(audit["reason"].(string), "被改动") {
			t.Fatalf("audit view after tampering: %v", audit)
		}
		v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json()
		if v["valid"] != false || v["chain_ok"] != false || !strings.Contains(v["message"].(string), "可能已被改动") {
			t.Fatalf("verification after tampering: %v", v)
		}
		page := e.do("GET", "/verify/"+code, "", nil, "Accept", "text/html").want(200)
		if !strings.Contains(string(page.body), "✘") || !strings.Contains(string(page.body), "可能已被改动") {
			t.Errorf("the verification page should say the record no longer matches")
		}
	})
}
