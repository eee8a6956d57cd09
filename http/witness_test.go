package http_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/witness"
)

// TestRollbackRefused: a database administrator without the key deletes
// the last events of a project (a decision with its event and
// checkpoint) and sets the head back to an earlier checkpoint, copying
// its signature: every signature in the database still verifies. The
// witness file remembers the later head: the next write is refused
// (503 chain_broken), the console shows it, and the chain no longer
// matches what was witnessed.
func TestRollbackRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		path := filepath.Join(t.TempDir(), "renovote.witness")
		file, err := witness.Open(path, storetest.Key.Public())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { file.Close() })
		e := newEnvWith(t, s, apphttp.Config{}, "http://renovote.test", file)
		e.addWorker("a", false)
		pid, links := e.published()
		e.sign(links["401"], "agree", "rollback-401")
		before, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		e.sign(links["402"], "disagree", "rollback-402")
		if cp, ok := file.Head(int64(pid)); !ok || cp.Seq != int64(len(before))+1 {
			t.Fatalf("the witness holds %+v, want seq %d", cp, len(before)+1)
		}
		// the page for everyone names the witnessed position
		public := e.do("GET", "/api/v1/projects/"+itoa(pid), "a", nil).want(200).json()["public_url"].(string)
		if page := string(e.do("GET", public[strings.Index(public, "/p/"):], "", nil, "Accept", "text/html").want(200).body); !strings.Contains(page, "见证记录确认到第") {
			t.Errorf("the public page does not show the witnessed head")
		}

		// the rollback, as an administrator would do it
		last := int64(len(before))
		asDBA(t, s, "decisions", "audit_events", "checkpoints")
		db := s.DB()
		db.MustExec(db.Rebind(`DELETE FROM decisions WHERE idempotency_key = ?`), "rollback-402")
		db.MustExec(db.Rebind(`DELETE FROM audit_events WHERE project_id = ? AND seq > ?`), pid, last)
		db.MustExec(db.Rebind(`DELETE FROM checkpoints WHERE project_id = ? AND seq > ?`), pid, last)
		var cp struct {
			Head, KeyID, Signature string
			At                     any
		}
		if err := db.Get(&cp, db.Rebind(`SELECT head, key_id, signature, at FROM checkpoints WHERE project_id = ? AND seq = ?`), pid, last); err != nil {
			t.Fatal(err)
		}
		db.MustExec(db.Rebind(`UPDATE audit_heads SET seq = ?, hash = ?, key_id = ?, signature = ?, cp_at = ? WHERE project_id = ?`),
			last, cp.Head, cp.KeyID, cp.Signature, cp.At, pid)
		base := "/api/v1/projects/" + itoa(pid)
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("the rollback should pass every check inside the database: %v", a)
		}

		// the next write is refused, naming the project, and stays refused
		res := e.do("POST", "/api/v1/sign/"+links["501"], "", map[string]any{"decision": "agree", "signer_name": "业主",
			"signature_png": signature(t, 300, 120, true), "idempotency_key": "rollback-501"}).want(503).json()
		if res["code"] != engine.ECodeChainBroken || !strings.Contains(res["message"].(string), "项目 "+itoa(pid)) || !strings.Contains(res["message"].(string), "回退") {
			t.Errorf("the refusal: %v", res)
		}
		if st := e.do("GET", base+"/chain", "a", nil).want(200).json(); st["broken"] == nil {
			t.Errorf("the console does not show the refusal: %v", st)
		}
		var n int
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM decisions WHERE project_id = ?`), pid); err != nil || n != 1 {
			t.Errorf("%d decisions after the refusal, want 1 (%v)", n, err)
		}
		// and audit verify against the witness file names it
		events, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		held, err := witness.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if c := engine.CheckWitnessed(events, held[int64(pid)]); c.OK || !strings.Contains(c.Reason, "回滚") {
			t.Errorf("the chain against the witness: %+v", c)
		}
	})
}
