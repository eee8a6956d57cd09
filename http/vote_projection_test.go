package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// wantNamed asks the audit endpoint of a fresh server and wants the
// first difference it names to be table #id (and column, when given).
func wantNamed(t *testing.T, e *env, pid int, table string, id int64, column string) {
	t.Helper()
	a := e.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", pid), "a", nil).want(200).json()
	reason, _ := a["reason"].(string)
	want := fmt.Sprintf("（%s） #%d ", table, id)
	if column != "" {
		want += "的 " + column + " "
	}
	if a["ok"] != false || !strings.Contains(reason, want) {
		t.Fatalf("audit should name %q: %v", want, a)
	}
}

func (e *env) ballotID(pid int) int64 {
	e.t.Helper()
	var id int64
	if err := e.store.DB().Get(&id, e.store.DB().Rebind(`SELECT MAX(id) FROM ballots WHERE project_id = ?`), pid); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// TestLinkWithoutEventIsRefused: a signing_links row inserted by SQL with
// a token the intruder knows opens nothing and records nothing (404, like
// an unknown link), and audit verify names the row.
func TestLinkWithoutEventIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		e.do("GET", "/api/v1/sign/"+links["301"], "", nil).want(200) // a link issued by the server opens
		bid := e.ballotID(pid)
		hid := e.householdID(pid, "302")
		// the DBA revokes 302's link and puts one of their own in its place
		s.DB().MustExec(s.DB().Rebind(`UPDATE signing_links SET revoked_at = ? WHERE ballot_id = ? AND household_id = ?`), e.clock.Now(), bid, hid)
		token, hash := engine.NewEntryToken(int64(pid))
		var forged int64
		if err := s.DB().Get(&forged, s.DB().Rebind(`INSERT INTO signing_links (project_id, ballot_id, household_id, token_hash, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), pid, bid, hid, hash, e.clock.Now().Add(48*time.Hour), e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		before := counts(t, s)
		e2 := newEnv(t, s, apphttp.Config{}) // a fresh server: nothing cached
		e2.tokens["a"] = e.tokens["a"]
		e2.do("GET", "/api/v1/sign/"+token, "", nil).want(404)
		e2.do("GET", "/s/"+token, "", nil, "Accept", "text/html").want(404)
		e2.do("POST", "/api/v1/sign/"+token, "", map[string]any{"decision": "agree", "signer_name": "业主",
			"signature_png": signature(t, 300, 120, true), "idempotency_key": "forged-link-1"}).want(404)
		if after := counts(t, s); after != before {
			t.Errorf("a forged link recorded something:\n%s\n%s", before, after)
		}
		// the forged row is the first difference: 302's revoked link is
		// named only after it (ids in order), so look at the forged one
		a := e2.do("GET", fmt.Sprintf("/api/v1/projects/%d/audit", pid), "a", nil).want(200).json()
		if a["ok"] != false || !strings.Contains(fmt.Sprint(a["reason"]), "（signing_links）") {
			t.Fatalf("audit of a forged link: %v", a)
		}
		// the links the server issued still work, and stay proven
		e2.do("GET", "/api/v1/sign/"+links["301"], "", nil).want(200)
	})
}

// TestLinkInsertedIsNamed: only an inserted link (nothing else touched;
// revoked, so no live link is in the way): audit verify names
// signing_links and its id, the whole row. On PostgreSQL a link of one
// project cannot name another project's household at all (migration
// 0024's keys).
func TestLinkInsertedIsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		other, _ := e.published()
		bid := e.ballotID(pid)
		insert := `INSERT INTO signing_links (project_id, ballot_id, household_id, token_hash, expires_at, created_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`
		if s.Dialect() == store.Postgres {
			_, hash := engine.NewEntryToken(int64(pid))
			var id int64
			if err := s.DB().Get(&id, s.DB().Rebind(insert), pid, bid, e.householdID(other, "302"), hash, e.clock.Now(), e.clock.Now(), nil); err == nil ||
				!strings.Contains(err.Error(), "signing_links_household_id_fkey") {
				t.Errorf("a link to another project's household: %v", err)
			}
		}
		_, hash := engine.NewEntryToken(int64(pid))
		var forged int64
		if err := s.DB().Get(&forged, s.DB().Rebind(insert), pid, bid, e.householdID(pid, "302"), hash, e.clock.Now().Add(48*time.Hour), e.clock.Now(), e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		wantNamed(t, e, pid, engine.TableSigningLinks, forged, "")
	})
}

// TestClosureInsertedIsNamed: a ballot_closures row inserted by SQL would
// close the vote early. The server honours no closure that its signed
// chain did not record: signing, the tally and the result stop with
// chain_broken (503, naming the ballot) and record nothing, the early
// close the worker really makes is proven and works, and audit verify
// names the row.
func TestClosureInsertedIsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		bid := e.ballotID(pid)
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.do("GET", "/api/v1/sign/"+links["301"], "", nil).want(200)
		s.DB().MustExec(s.DB().Rebind(`INSERT INTO ballot_closures (project_id, ballot_id, closed_at, reason) VALUES (?, ?, ?, 'closed')`), pid, bid, e.clock.Now())
		before := counts(t, s)
		for _, srv := range []*env{e, newEnv(t, s, apphttp.Config{})} { // this server and a fresh one
			srv.tokens["a"] = e.tokens["a"]
			for _, res := range []*response{
				srv.do("GET", "/api/v1/sign/"+links["301"], "", nil),
				srv.do("POST", "/api/v1/sign/"+links["302"], "", map[string]any{"decision": "agree", "signer_name": "业主",
					"signature_png": signature(t, 300, 120, true), "idempotency_key": "closure-forged-1"}),
				srv.do("GET", base+"/tally", "a", nil),
				srv.do("GET", base+"/result", "a", nil),
			} {
				msg := fmt.Sprint(res.want(503).json()["message"])
				if !strings.Contains(msg, fmt.Sprintf("第%d号表决", bid)) || !strings.Contains(msg, "没有经签名存证的结束记录") {
					t.Errorf("the refusal should name the ballot and why: %s", msg)
				}
			}
		}
		if after := counts(t, s); after != before {
			t.Errorf("an unproven closure let something be recorded:\n%s\n%s", before, after)
		}
		wantNamed(t, e, pid, engine.TableBallotClosures, bid, "")

		// a closure the server made is proven by its event: another
		// project closed early by its worker reads closed, on a fresh server too
		other, otherLinks := e.published()
		for _, room := range []string{"101", "102", "201", "202", "301", "302", "401", "402", "501", "502", "601", "602"} {
			e.do("POST", "/api/v1/sign/"+otherLinks[room], "", map[string]any{"decision": "agree", "signer_name": "业主" + room,
				"signature_png": signature(t, 300, 120, true), "idempotency_key": "close-" + room}).want(201)
		}
		ob := fmt.Sprintf("/api/v1/projects/%d", other)
		e.do("POST", ob+"/close", "a", map[string]any{"objection_days": 7}).want(200)
		fresh := newEnv(t, s, apphttp.Config{})
		fresh.tokens["a"] = e.tokens["a"]
		if st := fresh.do("GET", ob+"/result", "a", nil).want(200).json()["state"]; st != "objections" && st != "preliminary" {
			t.Errorf("a proven early close reads %v", st)
		}
	})
}

// TestBallotDeadlineEditedIsNamed: a ballot's deadline moved by a DBA
// (triggers dropped) is named with its column.
func TestBallotDeadlineEditedIsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		bid := e.ballotID(pid)
		asDBA(t, s, "ballots")
		s.DB().MustExec(s.DB().Rebind(`UPDATE ballots SET deadline = ? WHERE id = ?`), e.clock.Now().Add(-time.Hour), bid)
		wantNamed(t, e, pid, engine.TableBallots, bid, "deadline")
	})
}

// TestSurveyAnswerEditedIsNamed: a questionnaire answer rewritten by a DBA
// is named with its column.
func TestSurveyAnswerEditedIsNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		created := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "满意度回访", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{map[string]any{"id": "q1", "kind": "rating"}}}).want(201).json()
		url := created["links"].([]any)[0].(map[string]any)["url"].(string)
		token := url[strings.LastIndex(url, "/")+1:]
		r := e.do("POST", "/api/v1/q/"+token, "", map[string]any{"answers": map[string]any{"q1": 1}, "idempotency_key": "answer-edit-1"}).want(201).json()
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("audit before the edit: %v", a)
		}
		var rid int64
		if err := s.DB().Get(&rid, `SELECT MAX(id) FROM survey_responses`); err != nil {
			t.Fatal(err)
		}
		asDBA(t, s, "survey_responses")
		s.DB().MustExec(s.DB().Rebind(`UPDATE survey_responses SET answers = ? WHERE id = ?`), `{"q1":5}`, rid)
		wantNamed(t, e, pid, engine.TableSurveyAnswers, rid, "answers")
		_ = r
	})
}

// TestSurveyLinkWithoutEventIsRefused: a questionnaire link given a known
// token by SQL (its hash swapped) answers like an unknown link and records
// nothing; the other links keep working; audit verify names the row and
// the column.
func TestSurveyLinkWithoutEventIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		created := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "满意度", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{map[string]any{"id": "q1", "kind": "rating"}}}).want(201).json()
		qid := int64(created["questionnaire"].(map[string]any)["id"].(float64))
		real := strings.TrimPrefix(created["links"].([]any)[0].(map[string]any)["url"].(string), "http://renovote.test/q/")
		token, hash := engine.NewEntryToken(int64(pid))
		var forged int64
		if err := s.DB().Get(&forged, s.DB().Rebind(`SELECT id FROM survey_links WHERE questionnaire_id = ? AND household_id = ?`), qid, e.householdID(pid, "302")); err != nil {
			t.Fatal(err)
		}
		asDBA(t, s, "survey_links")
		s.DB().MustExec(s.DB().Rebind(`UPDATE survey_links SET token_hash = ? WHERE id = ?`), hash, forged)
		e.do("GET", "/q/"+token, "", nil, "Accept", "text/html").want(404)
		e.do("POST", "/api/v1/q/"+token, "", map[string]any{"answers": map[string]any{"q1": 5}, "idempotency_key": "forged-answer-1"}).want(404)
		var n int
		if err := s.DB().Get(&n, `SELECT COUNT(*) FROM survey_responses`); err != nil || n != 0 {
			t.Errorf("%d answers after the forged link (%v)", n, err)
		}
		e.do("POST", "/api/v1/q/"+real, "", map[string]any{"answers": map[string]any{"q1": 4}, "idempotency_key": "real-answer-1"}).want(201)
		wantNamed(t, e, pid, engine.TableSurveyLinks, forged, "token_hash")
	})
}
