package http_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// chainedWorker adds a worker through the workflow (worker_added on the
// system chain) and logs them in through the server.
func (e *env) chainedWorker(a *app.App, name string, admin bool) *engine.Worker {
	e.t.Helper()
	w := &engine.Worker{Username: name, DisplayName: "工作人员" + name, Admin: admin}
	password := "幸福里3号楼加梯-" + strings.Repeat("x", 3)
	if err := a.AddWorker(e.t.Context(), w, password); err != nil {
		e.t.Fatal(err)
	}
	res := e.do("POST", "/api/v1/login", "", map[string]string{"username": name, "password": password})
	res.want(200)
	e.tokens[name] = res.json()["token"].(string)
	return w
}

// systemCheck is renovote audit verify 0: the system chain and its
// projection (workers, sessions).
func systemCheck(t *testing.T, a *app.App) *engine.AuditCheck {
	t.Helper()
	check, err := a.CheckAudit(t.Context(), app.Operator, engine.SystemChain)
	if err != nil {
		t.Fatal(err)
	}
	return check
}

func wantDiff(t *testing.T, check *engine.AuditCheck, table string, id int64, column string) {
	t.Helper()
	if check.OK || check.Diff == nil || check.Diff.Table != table || check.Diff.ID != id || check.Diff.Column != column {
		t.Fatalf("audit verify 0 = %+v (diff %+v), want %s #%d %q named", check, check.Diff, table, id, column)
	}
}

func count(t *testing.T, s *store.Store, query string) (n int) {
	t.Helper()
	if err := s.DB().Get(&n, query); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSessionWithoutLoginEvent: a sessions row inserted with a known token
// (issue 21: "acts as worker 1 and records a paper decision") is refused
// by the server — whether it points to no event or to another session's
// login — nothing is written, the refusal is logged without personal
// data, and audit verify 0 names the row.
func TestSessionWithoutLoginEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		appLogs := &syncBuffer{} // the workflows log to the default logger in these tests
		defer slog.SetDefault(slog.Default())
		slog.SetDefault(slog.New(slog.NewJSONHandler(appLogs, nil)))
		e := newEnv(t, s, apphttp.Config{})
		a := app.New(app.Config{Store: s, Now: e.clock.Now, SigningKey: storetest.Key})
		w := e.chainedWorker(a, "a", false)
		pid, _ := e.published()
		if check := systemCheck(t, a); !check.OK {
			t.Fatalf("audit verify 0 before the attack: %+v", check)
		}
		hid := int64(e.do("GET", fmt.Sprintf("/api/v1/projects/%d", pid), "a", nil).want(200).json()["households"].([]any)[2].(map[string]any)["id"].(float64))
		var loginSeq int64
		if err := s.DB().Get(&loginSeq, `SELECT issued_seq FROM sessions ORDER BY id LIMIT 1`); err != nil || loginSeq == 0 {
			t.Fatalf("the login's session points to seq %d (%v)", loginSeq, err)
		}

		for _, issued := range []int64{0, loginSeq, 999} {
			token, hash := engine.NewToken()
			now := e.clock.Now()
			s.DB().MustExec(s.DB().Rebind(`INSERT INTO sessions (token_hash, worker_id, created_at, expires_at, issued_seq) VALUES (?, ?, ?, ?, ?)`),
				hash, w.ID, now, now.Add(time.Hour), issued)
			e.tokens["forged"] = token
			events := count(t, s, `SELECT COUNT(*) FROM audit_events`)
			decisions := count(t, s, `SELECT COUNT(*) FROM decisions`)
			e.do("GET", "/api/v1/projects", "forged", nil).want(401)
			res := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", pid, hid), "forged", map[string]any{
				"decision": "agree", "signer_name": "业主", "witness": "王五", "photo": signature(t, 800, 600, true), "idempotency_key": "forged-" + fmt.Sprint(issued)})
			res.want(401)
			if !strings.Contains(string(res.body), "请先登录") {
				t.Fatalf("refusal: %s", res.body)
			}
			if got := count(t, s, `SELECT COUNT(*) FROM audit_events`); got != events {
				t.Fatalf("%d events after the forged session acted, want %d", got, events)
			}
			if got := count(t, s, `SELECT COUNT(*) FROM decisions`); got != decisions {
				t.Fatalf("%d decisions after the forged session acted, want %d", got, decisions)
			}
			var id int64
			s.DB().Get(&id, s.DB().Rebind(`SELECT id FROM sessions WHERE token_hash = ?`), hash)
			wantDiff(t, systemCheck(t, a), "sessions", id, "")
			s.DB().MustExec(s.DB().Rebind(`DELETE FROM sessions WHERE id = ?`), id)
		}
		logs := appLogs.String() + e.logs.String()
		if !strings.Contains(logs, "session refused") || strings.Contains(logs, e.tokens["forged"]) || strings.Contains(logs, "工作人员a") {
			t.Fatalf("logs: %s", logs)
		}
		e.do("GET", "/api/v1/projects", "a", nil).want(200) // the real session still acts
		if check := systemCheck(t, a); !check.OK {
			t.Fatalf("audit verify 0 after the forged rows are gone: %+v", check)
		}
	})
}

// TestWorkerRowEdited: an admin flag set in the database by hand is named
// by audit verify 0 (workers, id, admin); the worker's sessions stop
// acting and a new login is refused: the server treats a worker as an
// admin only when the chain says so.
func TestWorkerRowEdited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		a := app.New(app.Config{Store: s, Now: e.clock.Now, SigningKey: storetest.Key})
		e.chainedWorker(a, "a", false)
		b := e.chainedWorker(a, "b", false)
		e.do("GET", "/api/v1/projects", "b", nil).want(200)
		s.DB().MustExec(s.DB().Rebind(`UPDATE workers SET admin = ? WHERE id = ?`), true, b.ID)
		wantDiff(t, systemCheck(t, a), "workers", b.ID, "admin")
		e.do("GET", "/api/v1/projects", "b", nil).want(401)
		password := "幸福里3号楼加梯-xxx"
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "b", "password": password}).want(401)
		e.do("GET", "/api/v1/projects", "a", nil).want(200)
		s.DB().MustExec(s.DB().Rebind(`UPDATE workers SET admin = ? WHERE id = ?`), false, b.ID)
		if check := systemCheck(t, a); !check.OK {
			t.Fatalf("audit verify 0 with the row restored: %+v", check)
		}
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "b", "password": password}).want(200)
	})
}

// TestSessionEvents: login, logout and a password change are events of
// the system chain with the images of their rows; an ended session
// brought back by hand is named by audit verify 0.
func TestSessionEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		a := app.New(app.Config{Store: s, Now: e.clock.Now, SigningKey: storetest.Key})
		e.chainedWorker(a, "a", false)
		first := e.tokens["a"]
		e.do("POST", "/api/v1/logout", "a", nil).want(204)
		e.do("GET", "/api/v1/projects", "a", nil).want(401)
		e.clock.Add(time.Minute)
		password := "幸福里3号楼加梯-xxx"
		e.tokens["a"] = e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": password}).want(200).json()["token"].(string)
		e.do("POST", "/api/v1/password", "a", map[string]string{"current": password, "password": "幸福里3号楼加梯-yyy"}).want(204)
		e.do("GET", "/api/v1/projects", "a", nil).want(401)
		var kinds []string
		if err := s.DB().Select(&kinds, `SELECT kind FROM audit_events WHERE project_id = 0 ORDER BY seq`); err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(kinds, " "), "worker_added worker_login worker_logout worker_login password_changed"; got != want {
			t.Fatalf("system chain: %s, want %s", got, want)
		}
		if check := systemCheck(t, a); !check.OK {
			t.Fatalf("audit verify 0: %+v", check)
		}
		var data string
		s.DB().Get(&data, `SELECT data FROM audit_events WHERE project_id = 0 AND kind = 'password_changed'`)
		if strings.Contains(data, "$2a$") {
			t.Fatalf("the password hash is in the chain: %s", data)
		}
		var id int64
		s.DB().Get(&id, s.DB().Rebind(`SELECT id FROM sessions WHERE token_hash = ?`), engine.HashToken(first))
		s.DB().MustExec(s.DB().Rebind(`UPDATE sessions SET ended_at = NULL WHERE id = ?`), id)
		wantDiff(t, systemCheck(t, a), "sessions", id, "ended_at")
	})
}
