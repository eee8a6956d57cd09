package store_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// keyedChildren are the tables that had no project_id (migration 0021),
// each with its parent and the column naming it.
var keyedChildren = []struct{ table, parent, column string }{
	{"signing_links", "ballots", "ballot_id"},
	{"ballot_closures", "ballots", "ballot_id"},
	{"page_views", "signing_links", "link_id"},
	{"inspection_photos", "inspections", "inspection_id"},
	{"survey_links", "questionnaires", "questionnaire_id"},
	{"survey_responses", "questionnaires", "questionnaire_id"},
}

// wantKeyed checks that every row of the six tables carries its parent's
// project, and that each has at least want rows.
func wantKeyed(t *testing.T, s *store.Store, want int) {
	t.Helper()
	for _, c := range keyedChildren {
		var all, keyed int
		if err := s.DB().Get(&all, `SELECT COUNT(*) FROM `+c.table); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().Get(&keyed, fmt.Sprintf(`SELECT COUNT(*) FROM %s c JOIN %s p ON p.id = c.%s WHERE c.project_id = p.project_id`,
			c.table, c.parent, c.column)); err != nil {
			t.Fatal(err)
		}
		if all < want || keyed != all {
			t.Errorf("%s: %d rows, %d with their parent's project (want at least %d, all)", c.table, all, keyed, want)
		}
	}
}

// keyedProject is what the upgrade test seeds in one project.
type keyedProject struct {
	project                          *engine.Project
	ballot, link, revoked            int64
	inspection, questionnaire, photo int64
}

// TestKeyedChildrenUpgrade: a database left without migration 0021 (and
// with 0022, merged earlier) holding rows of the six child tables in
// their old shape; opening it applies 0021, which gives each row its
// parent's project. The reads keyed by project find them (and nothing of
// another project), the append-only and frozen tables stay so, a row
// without its project is refused, and what the workflows write afterwards
// is keyed too.
func TestKeyedChildrenUpgrade(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		old, err := store.OpenWithout(ctx, dsn, 21, 23, 24) // 0023 and 0024 need the columns 0021 adds
		if err != nil {
			t.Fatal(err)
		}
		old.SetSigningKey(storetest.Key)
		old.SetClock(storetest.NewClock().Now)
		w := newWorker(t, old, "keyed", false)
		newProject(t, old, w, 2) // project ids then differ from those of their ballots, inspections, questionnaires
		var ps []*keyedProject
		for i := 0; i < 2; i++ {
			ps = append(ps, seedOldShape(t, old, w, i))
		}
		old.Close()

		s := storetest.Open(t, dsn)
		var applied int
		if err := s.DB().Get(&applied, `SELECT COUNT(*) FROM schema_migrations WHERE version = 21`); err != nil || applied != 1 {
			t.Fatalf("migration 0021 applied %d times (%v)", applied, err)
		}
		wantKeyed(t, s, 2)
		for i, p := range ps {
			other := ps[1-i].project.ID
			pid := p.project.ID
			links, err := s.Links(ctx, pid, p.ballot)
			if err != nil || len(links) != 1 || links[0].ID != p.link || links[0].ProjectID != pid {
				t.Fatalf("project %d: live links %+v, %v", pid, links, err)
			}
			if links, err := s.Links(ctx, other, p.ballot); err != nil || len(links) != 0 {
				t.Errorf("another project's key reads %d links (%v)", len(links), err)
			}
			views, err := s.LinkViews(ctx, pid, p.ballot)
			if err != nil || len(views) != 1 || views[0].Views != 3 {
				t.Errorf("project %d: views %+v, %v", pid, views, err)
			}
			b, err := s.CurrentBallot(ctx, pid)
			if err != nil || b.ID != p.ballot || b.CloseReason != engine.BallotClosed {
				t.Errorf("project %d: ballot %+v, %v", pid, b, err)
			}
			if sl, err := s.SurveyLinks(ctx, pid, p.questionnaire); err != nil || len(sl) != 2 {
				t.Errorf("project %d: survey links %d, %v", pid, len(sl), err)
			}
			if sl, err := s.SurveyLinks(ctx, other, p.questionnaire); err != nil || len(sl) != 0 {
				t.Errorf("another project's key reads %d survey links (%v)", len(sl), err)
			}
			if rs, err := s.LatestResponses(ctx, pid, p.questionnaire); err != nil || len(rs) != 1 || rs[0].ProjectID != pid {
				t.Errorf("project %d: latest responses %+v, %v", pid, rs, err)
			}
			if r, err := s.ResponseByKey(ctx, pid, p.questionnaire, "old-answer"); err != nil || r == nil {
				t.Errorf("project %d: response by key %+v, %v", pid, r, err)
			}
			ins, err := s.Inspections(ctx, pid)
			if err != nil || len(ins) != 1 || ins[0].PhotoCount != 1 {
				t.Errorf("project %d: inspections %+v, %v", pid, ins, err)
			}
			if data, _, err := s.Photo(ctx, pid, "inspection", p.inspection, 1); err != nil || string(data) != "jpeg-"+fmt.Sprint(i) {
				t.Errorf("project %d: photo %q, %v", pid, data, err)
			}
			if _, _, err := s.Photo(ctx, other, "inspection", p.inspection, 1); err == nil {
				t.Errorf("another project's key reads project %d's photo", pid)
			}
		}

		// the frozen and append-only tables stay so
		db := s.DB()
		for _, stmt := range []string{
			`UPDATE survey_responses SET answers = '{}'`, `DELETE FROM survey_responses`,
			`UPDATE ballot_closures SET reason = 'superseded'`, `DELETE FROM ballot_closures`,
		} {
			if _, err := db.Exec(stmt); err == nil {
				t.Errorf("%s: allowed after the migration", stmt)
			}
		}
		// a row without its project is refused
		p := ps[0]
		_, hash := engine.NewToken()
		if _, err := db.Exec(db.Rebind(`INSERT INTO survey_links (questionnaire_id, household_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`),
			p.questionnaire, p.project.Households[0].ID, hash, storetest.Epoch, storetest.Epoch); err == nil {
			t.Error("a survey link without its project was stored")
		}
		if _, err := db.Exec(db.Rebind(`INSERT INTO inspection_photos (inspection_id, data, type) VALUES (?, ?, ?)`), p.inspection, []byte("x"), "image/jpeg"); err == nil {
			t.Error("an inspection photo without its project was stored")
		}

		// what the workflows write now is keyed as well
		h := p.project.Households[1]
		_, hash = engine.NewEntryToken(p.project.ID)
		if err := storetest.ReissueLinks(ctx, s, []*engine.SigningLink{{ProjectID: p.project.ID, BallotID: p.ballot, HouseholdID: h.ID, TokenHash: hash, ExpiresAt: storetest.Epoch.Add(time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		l, err := s.LinkByTokenHash(ctx, p.project.ID, hash)
		if err != nil || l.ProjectID != p.project.ID {
			t.Fatalf("reissued link %+v, %v", l, err)
		}
		if err := s.CountPageView(ctx, l.ProjectID, l.ID, storetest.Epoch); err != nil {
			t.Fatal(err)
		}
		in := &engine.Inspection{ProjectID: p.project.ID, Day: "2026-03-02", Inspectors: []string{"李工"}, Findings: "正常",
			Photos: [][]byte{[]byte("jpeg-new")}, RecordedBy: w.ID, CreatedAt: storetest.Epoch}
		if err := s.InsertInspection(ctx, in); err != nil {
			t.Fatal(err)
		}
		q := &engine.Questionnaire{ProjectID: p.project.ID, Title: "满意度", Deadline: storetest.Epoch.Add(time.Hour),
			Questions: json.RawMessage(`[{"id":"q1","kind":"rating"}]`)}
		_, hash = engine.NewEntryToken(p.project.ID)
		if err := storetest.SendQuestionnaires(ctx, s, []engine.QuestionnaireSend{{Questionnaire: q, Links: []engine.SurveyLink{{HouseholdID: h.ID, TokenHash: hash}}}}); err != nil {
			t.Fatal(err)
		}
		r := &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{"q1":5}`), IdempotencyKey: "new-answer"}
		if _, err := storetest.RecordResponse(ctx, s, p.project.ID, r); err != nil {
			t.Fatal(err)
		}
		nb := &engine.Ballot{ProjectID: p.project.ID, ScenarioID: 0, SHA256: engine.ScenarioSum([]byte(`{"b":2}`)), Rule: json.RawMessage(`"civil_code_major"`),
			Deadline: storetest.Epoch.Add(72 * time.Hour), OpenedAt: storetest.Epoch}
		if err := s.DB().Get(&nb.ScenarioID, s.DB().Rebind(`SELECT scenario_id FROM ballots WHERE id = ?`), p.ballot); err != nil {
			t.Fatal(err)
		}
		if err := s.InsertBallot(ctx, nb); err != nil {
			t.Fatal(err)
		}
		nb.Close(storetest.Epoch.Add(2*time.Hour), engine.BallotClosed, 0)
		if err := s.InsertClosure(ctx, nb); err != nil {
			t.Fatal(err)
		}
		wantKeyed(t, s, 3)
	})
}

// seedOldShape stores, in a database without migration 0021, a project
// with a ballot, an inspection and a questionnaire, and rows of the six tables
// as the old code wrote them: no project_id.
func seedOldShape(t *testing.T, s *store.Store, w *engine.Worker, i int) *keyedProject {
	t.Helper()
	p := &keyedProject{project: newProject(t, s, w, 2)}
	sc := &engine.Scenario{ProjectID: p.project.ID, Name: "方案A", Input: json.RawMessage(`{"costs":[{"amount":"570000.00"}]}`),
		Result: json.RawMessage(`{"total_cost":"570000.00","pool":"999999999.99"}`)}
	if err := storetest.SaveScenario(ctx, s, sc); err != nil {
		t.Fatal(err)
	}
	// the ballot alone (Publish reads closures by project, which this
	// schema cannot)
	b := &engine.Ballot{ProjectID: p.project.ID, ScenarioID: sc.ID, SHA256: engine.ScenarioSum([]byte(`{}`)), Rule: json.RawMessage(`"civil_code_major"`),
		Deadline: storetest.Epoch.Add(72 * time.Hour), OpenedAt: storetest.Epoch}
	if err := s.InsertBallot(ctx, b); err != nil {
		t.Fatal(err)
	}
	p.ballot = b.ID
	in := &engine.Inspection{ProjectID: p.project.ID, Day: "2026-03-01", Inspectors: []string{"张工"}, Findings: "正常", RecordedBy: w.ID, CreatedAt: storetest.Epoch}
	if err := s.InsertInspection(ctx, in); err != nil {
		t.Fatal(err)
	}
	p.inspection = in.ID
	q := &engine.Questionnaire{ProjectID: p.project.ID, Title: "改造内容优先级", Deadline: storetest.Epoch.Add(time.Hour),
		Questions: json.RawMessage(`[{"id":"q1","kind":"rating"}]`), Status: engine.QuestionnaireOpen, CreatedAt: storetest.Epoch}
	if err := s.InsertQuestionnaire(ctx, q, nil); err != nil {
		t.Fatal(err)
	}
	p.questionnaire = q.ID

	db := s.DB()
	get := func(dst *int64, query string, args ...any) {
		t.Helper()
		if err := db.Get(dst, db.Rebind(query), args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.Exec(db.Rebind(query), args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	at := storetest.Epoch
	hs := p.project.Households
	for j, h := range hs {
		_, hash := engine.NewToken()
		var id int64
		get(&id, `INSERT INTO signing_links (ballot_id, household_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			b.ID, h.ID, hash, b.Deadline, at)
		_, hash = engine.NewToken()
		exec(`INSERT INTO survey_links (questionnaire_id, household_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			q.ID, h.ID, hash, q.Deadline, at)
		if j == 0 {
			p.link = id
		} else {
			p.revoked = id
		}
	}
	exec(`UPDATE signing_links SET revoked_at = ? WHERE id = ?`, at, p.revoked)
	exec(`INSERT INTO page_views (link_id, day, views, first_at, last_at) VALUES (?, '2026-03-01', 3, ?, ?)`, p.link, at, at)
	exec(`INSERT INTO page_views (link_id, day, views, first_at, last_at) VALUES (?, '2026-03-01', 1, ?, ?)`, p.revoked, at, at)
	exec(`INSERT INTO ballot_closures (ballot_id, closed_at, reason) VALUES (?, ?, 'closed')`, b.ID, at.Add(time.Hour))
	get(&p.photo, `INSERT INTO inspection_photos (inspection_id, data, type) VALUES (?, ?, 'image/jpeg') RETURNING id`, in.ID, []byte("jpeg-"+fmt.Sprint(i)))
	exec(`INSERT INTO survey_responses (questionnaire_id, household_id, answers, idempotency_key, created_at) VALUES (?, ?, '{"q1":3}', 'old-answer', ?)`,
		q.ID, hs[0].ID, at)
	return p
}
