package http_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// asDBA lets the test write as a database administrator would: the
// triggers that refuse changes are dropped (SQLite) or disabled
// (PostgreSQL) for the tables named.
func asDBA(t *testing.T, s *store.Store, tables ...string) {
	t.Helper()
	for _, table := range tables {
		if s.Dialect() == store.Postgres {
			s.DB().MustExec(`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`)
			continue
		}
		var names []string
		if err := s.DB().Select(&names, `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`, table); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			s.DB().MustExec(`DROP TRIGGER ` + n)
		}
	}
}

func (e *env) sign(token, vote, key string) map[string]any {
	e.t.Helper()
	return e.do("POST", "/api/v1/sign/"+token, "", map[string]any{"decision": vote, "signer_name": "业主",
		"signature_png": signature(e.t, 300, 120, true), "idempotency_key": key}).want(201).json()
}

// TestCountReadsTheSnapshot: households and ballots changed in the
// database behind the application move neither the count nor the paper;
// a ballot cannot be changed at all while its triggers stand.
func TestCountReadsTheSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		for i, room := range []string{"301", "302", "401", "402", "501", "502", "601", "602"} {
			e.sign(links[room], "agree", fmt.Sprintf("snap-%d-key", i))
		}
		base := "/api/v1/projects/" + itoa(pid)
		before := e.do("GET", base+"/tally", "a", nil).want(200).json()

		// the ballot refuses changes while its triggers stand
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE ballots SET rule = ? WHERE project_id = ?`), `{"participation_area":"1/100","participation_owners":"1/100","approval_area":"1/100","approval_owners":"1/100"}`, pid); err == nil {
			t.Fatal("a ballot's rule could be changed")
		}
		if _, err := s.DB().Exec(s.DB().Rebind(`DELETE FROM ballots WHERE project_id = ?`), pid); err == nil {
			t.Fatal("a ballot could be deleted")
		}
		// a DBA moves the households and the rule anyway
		asDBA(t, s, "households", "ballots")
		s.DB().MustExec(s.DB().Rebind(`UPDATE households SET area = 100000, must_consent = ? WHERE project_id = ? AND floor >= 3`), false, pid)
		s.DB().MustExec(s.DB().Rebind(`UPDATE ballots SET rule = ?, deadline = ? WHERE project_id = ?`),
			`{"participation_area":"1/100","participation_owners":"1/100","approval_area":"1/100","approval_owners":"1/100"}`, e.clock.Now().Add(-time.Hour), pid)

		e2 := newEnv(t, s, apphttp.Config{}) // a fresh server: nothing cached
		e2.tokens["a"] = e.tokens["a"]
		after := e2.do("GET", base+"/tally", "a", nil).want(200).json()
		for _, k := range []string{"passed", "total", "participation", "approval", "must_consent_missing", "rule"} {
			if fmt.Sprint(after[k]) != fmt.Sprint(before[k]) {
				t.Errorf("%s moved with the rows: before %v, after %v", k, before[k], after[k])
			}
		}
		if after["open"] != true {
			t.Errorf("the deadline moved with the ballot row: %v", after)
		}
		view := e2.do("GET", "/api/v1/sign/"+links["101"], "", nil).want(200).json()
		if h := view["household"].(map[string]any); h["area"] != "68.50" || view["open"] != true {
			t.Errorf("the signing page reads today's rows: %v", view)
		}
	})
}

// TestNewPlanSupersedes: publishing a new plan closes the open ballot in
// the same transaction; its links answer 410 (API and page, with the old
// and new amounts) and record nothing; /verify says the decision is no
// longer current and what replaced it.
func TestNewPlanSupersedes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := "/api/v1/projects/" + itoa(pid)
		old := e.sign(links["501"], "agree", "old-plan-501")
		oldDue := e.do("GET", "/api/v1/sign/"+links["501"], "", nil).want(200).json()["result"].(map[string]any)["due"]

		b := map[string]any{}
		for k, v := range scenarioA {
			b[k] = v
		}
		b["name"], b["allocation"] = "方案B（按面积）", map[string]any{"method": "area"}
		sb := e.do("POST", base+"/scenarios", "a", b).want(201).json()
		pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sb["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()

		before := counts(t, s)
		gone := e.do("POST", "/api/v1/sign/"+links["501"], "", map[string]any{"decision": "disagree", "signer_name": "业主",
			"signature_png": signature(t, 300, 120, true), "idempotency_key": "through-the-old-link"})
		gone.want(410)
		if m := gone.json()["message"].(string); !strings.Contains(m, "方案B") || !strings.Contains(m, "新方案的签署链接") {
			t.Errorf("410 message: %s", m)
		}
		e.do("GET", "/api/v1/sign/"+links["501"], "", nil).want(410)
		page := e.do("GET", "/s/"+links["501"], "", nil, "Accept", "text/html").want(410)
		body := string(page.body)
		oldText := engine.Fen(0)
		if err := json.Unmarshal([]byte(`"`+oldDue.(string)+`"`), &oldText); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "方案已更新") || !strings.Contains(body, oldText.Grouped()) || !strings.Contains(body, "新方案") {
			t.Errorf("the superseded page lacks the old amount %s: %s", oldText.Grouped(), body)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("the old link wrote something:\nbefore %s\nafter  %s", before, after)
		}

		// the tally is the new ballot's, and the old decision counts nowhere
		tally := e.do("GET", base+"/tally", "a", nil).want(200).json()
		if tally["ballot"] != pub["ballot"].(map[string]any)["id"] || tally["participation"].(map[string]any)["owners"] != float64(0) {
			t.Errorf("tally after a new plan: %v", tally)
		}
		v := e.do("GET", "/api/v1/verify/"+old["code"].(string), "", nil).want(200).json()
		rb, _ := v["replaced_by"].(map[string]any)
		if v["valid"] != true || v["current"] != false || rb == nil || rb["kind"] != "ballot" || rb["plan"] != "方案B（按面积）" {
			t.Errorf("verify a superseded decision: %v", v)
		}
		// a new link works
		var newLink string
		for _, l := range pub["links"].([]any) {
			if m := l.(map[string]any); m["room"] == "501" {
				newLink = strings.TrimPrefix(m["url"].(string), "http://renovote.test/s/")
			}
		}
		e.sign(newLink, "agree", "new-plan-501")
	})
}

// TestVerifyCurrent: a decision the household changed afterwards is still
// a true record, but not the current one; /verify says by what and when.
func TestVerifyCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		_, links := e.published()
		first := e.sign(links["601"], "agree", "first-601")
		if v := e.do("GET", "/api/v1/verify/"+first["code"].(string), "", nil).want(200).json(); v["current"] != true || v["replaced_by"] != nil {
			t.Fatalf("a current decision: %v", v)
		}
		e.clock.Add(time.Minute)
		second := e.sign(links["601"], "disagree", "second-601")
		v := e.do("GET", "/api/v1/verify/"+first["code"].(string), "", nil).want(200).json()
		rb, _ := v["replaced_by"].(map[string]any)
		if v["valid"] != true || v["current"] != false || rb == nil || rb["kind"] != "decision" || rb["vote"] != "disagree" {
			t.Fatalf("a replaced decision: %v", v)
		}
		if v["key_fingerprint"] != storetest.Key.ID() || !strings.HasPrefix(v["anchor_text"].(string), "存证 第") {
			t.Errorf("verify lacks the anchor or the key: %v", v)
		}
		if second["anchor_text"] == "" || second["key_fingerprint"] != storetest.Key.ID() {
			t.Errorf("the receipt lacks the anchor or the key: %v", second)
		}
		page := string(e.do("GET", "/verify/"+first["code"].(string)+"?detail=1", "", nil, "Accept", "text/html").want(200).body)
		if !strings.Contains(page, "不是该户的最新意见") || !strings.Contains(page, storetest.Key.ID()) {
			t.Errorf("verify page of a replaced decision: %s", page)
		}
	})
}

// TestRewrittenChainFails: someone with the database but without the key
// rewrites a decision and re-hashes the whole chain, head included; the
// signed checkpoints contradict it. Deleting the checkpoints fails too.
func TestRewrittenChainFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		d := e.sign(links["401"], "disagree", "rewrite-401")
		e.sign(links["402"], "agree", "rewrite-402")
		base := "/api/v1/projects/" + itoa(pid)
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("before: %v", a)
		}
		rewriteChain(t, s, int64(pid), d["code"].(string))
		// the chain alone now holds together: only the checkpoints can tell
		events, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		if c := engine.VerifyChain(events); !c.OK {
			t.Fatalf("the rewrite left the chain broken (%s): the test does not test the checkpoints", c.Reason)
		}
		e2 := newEnv(t, s, apphttp.Config{})
		e2.tokens["a"] = e.tokens["a"]
		a := e2.do("GET", base+"/audit", "a", nil).want(200).json()
		if a["ok"] != false || !strings.Contains(a["reason"].(string), "签名") {
			t.Fatalf("audit of a rewritten chain: %v", a)
		}
		if v := e2.do("GET", "/api/v1/verify/"+d["code"].(string), "", nil).want(200).json(); v["valid"] != false {
			t.Fatalf("verify of the forged decision: %v", v)
		}

		// deleting the checkpoints does not help
		asDBA(t, s, "checkpoints")
		s.DB().MustExec(s.DB().Rebind(`DELETE FROM checkpoints WHERE project_id = ?`), pid)
		e3 := newEnv(t, s, apphttp.Config{})
		e3.tokens["a"] = e.tokens["a"]
		if a := e3.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != false || !strings.Contains(a["reason"].(string), "没有签名存证") {
			t.Fatalf("audit without checkpoints: %v", a)
		}
		// nor does it get the forged head signed: the next event from
		// anyone — an anonymous feedback from the public page — is refused
		// and nothing is written
		var before int
		s.DB().Get(&before, s.DB().Rebind(`SELECT COUNT(*) FROM audit_events WHERE project_id = ?`), pid)
		public := e3.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
		slug := public[strings.Index(public, "/p/")+3:]
		res := e3.do("POST", "/api/v1/public/"+slug+"/feedback", "", map[string]any{"category": "安全", "text": "楼道灯不亮"}).want(503).json()
		if res["code"] != engine.ECodeChainBroken || !strings.Contains(res["message"].(string), "项目 "+itoa(pid)) {
			t.Errorf("the write on a forged head: %v", res)
		}
		var after int
		s.DB().Get(&after, s.DB().Rebind(`SELECT COUNT(*) FROM audit_events WHERE project_id = ?`), pid)
		if after != before {
			t.Errorf("%d events after the refusal, %d before", after, before)
		}
		if strings.Count(e3.logs.String(), "chain broken") == 0 {
			t.Errorf("the refusal was not logged")
		}
	})
}

// rewriteChain changes a decision to "agree", writes the new digest into
// its event and re-hashes every event from there on, and the head: what a
// database administrator without the key can do.
func rewriteChain(t *testing.T, s *store.Store, projectID int64, code string) {
	t.Helper()
	ctx := t.Context()
	asDBA(t, s, "decisions", "audit_events")
	s.DB().MustExec(s.DB().Rebind(`UPDATE decisions SET vote = 'agree' WHERE code = ?`), code)
	d, err := s.DecisionByCode(ctx, projectID, code)
	if err != nil {
		t.Fatal(err)
	}
	events, err := s.AuditEvents(ctx, projectID)
	if err != nil {
		t.Fatal(err)
	}
	prev := engine.GenesisHash
	for _, ev := range events {
		var data engine.DecisionEventData
		if ev.Kind == engine.AuditDecision && json.Unmarshal(ev.Data, &data) == nil && data.DecisionID == d.ID {
			data.Vote, data.Digest = "agree", d.Digest()
			data.Rows = []engine.Row{d.Row()} // a careful forger rewrites the image too
			ev.Data = engine.AuditData(data)
		}
		ev.PrevHash = prev
		ev.Hash = engine.ChainHash(prev, ev.Canonical())
		s.DB().MustExec(s.DB().Rebind(`UPDATE audit_events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?`), string(ev.Data), ev.PrevHash, ev.Hash, ev.ID)
		prev = ev.Hash
	}
	s.DB().MustExec(s.DB().Rebind(`UPDATE audit_heads SET hash = ? WHERE project_id = ?`), prev, projectID)
}

// TestPageViewsStayOutOfTheChain: opening a link many times counts views
// and leaves the chain as it was.
func TestPageViewsStayOutOfTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		before, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		for range 25 {
			e.do("GET", "/s/"+links["301"], "", nil, "Accept", "text/html").want(200)
		}
		after, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("25 page views added %d events to the chain", len(after)-len(before))
		}
		var views int64
		if err := s.DB().Get(&views, `SELECT COALESCE(SUM(views), 0) FROM page_views`); err != nil || views != 25 {
			t.Fatalf("page views counted: %d (%v), want 25", views, err)
		}
	})
}
