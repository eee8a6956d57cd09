package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

func TestQuestionnaires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorker(t, s, "q", false)
		p := newProject(t, s, w, 4)
		q := &engine.Questionnaire{ProjectID: p.ID, Title: "改造内容优先级", Deadline: storetest.Epoch.Add(time.Hour),
			Questions: json.RawMessage(`[{"id":"q1","kind":"rating"}]`)}
		var links []engine.SurveyLink
		tokens := map[int64]string{}
		for _, h := range p.Households {
			token, hash := engine.NewEntryToken(p.ID)
			tokens[h.ID] = token
			links = append(links, engine.SurveyLink{HouseholdID: h.ID, TokenHash: hash})
		}
		if err := storetest.SendQuestionnaires(ctx, s, []engine.QuestionnaireSend{{Questionnaire: q, Links: links}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Questionnaire(ctx, p.ID, q.ID)
		if err != nil || got.Title != q.Title || string(got.Questions) != string(q.Questions) || got.Status != "open" {
			t.Fatalf("questionnaire %+v, %v", got, err)
		}
		h := p.Households[1]
		l, err := s.SurveyLinkByTokenHash(ctx, p.ID, engine.HashToken(tokens[h.ID]))
		if err != nil || l.HouseholdID != h.ID {
			t.Fatalf("link %+v, %v", l, err)
		}
		r1 := &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{"q1":2}`), IdempotencyKey: "resp-1"}
		if replay, err := storetest.RecordResponse(ctx, s, p.ID, r1); err != nil || replay {
			t.Fatal(replay, err)
		}
		again := &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{"q1":2}`), IdempotencyKey: "resp-1"}
		if replay, err := storetest.RecordResponse(ctx, s, p.ID, again); err != nil || !replay || again.ID != r1.ID || string(again.Answers) != `{"q1":2}` {
			t.Fatalf("replay %v %v %+v", replay, err, again)
		}
		// the same key with other answers is a conflict, not a replay
		other := &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{"q1":5}`), IdempotencyKey: "resp-1"}
		if _, err := storetest.RecordResponse(ctx, s, p.ID, other); engine.ErrorCode(err) != engine.ECodeConflict {
			t.Fatalf("a key reused with other answers: %v", err)
		}
		r2 := &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{"q1":4}`), IdempotencyKey: "resp-2"}
		if _, err := storetest.RecordResponse(ctx, s, p.ID, r2); err != nil {
			t.Fatal(err)
		}
		latest, err := s.LatestResponses(ctx, p.ID, q.ID)
		if err != nil || len(latest) != 1 || latest[0].ID != r2.ID {
			t.Fatalf("latest %+v, %v", latest, err)
		}
		wantCode(t, storetest.ReplaceHouseholds(ctx, s, p.ID, nil), engine.ECodeConflict)
		db := s.DB()
		if _, err := db.Exec(db.Rebind(`UPDATE questionnaires SET questions = '[]' WHERE id = ?`), q.ID); err == nil {
			t.Error("the database allowed changing the questions of a questionnaire sent out")
		}
		if _, err := db.Exec(db.Rebind(`DELETE FROM survey_responses WHERE id = ?`), r1.ID); err == nil {
			t.Error("the database allowed deleting a response")
		}
		if err := storetest.CloseQuestionnaire(ctx, s, p.ID, q.ID); err != nil {
			t.Fatal(err)
		}
		_, err = storetest.RecordResponse(ctx, s, p.ID, &engine.SurveyResponse{QuestionnaireID: q.ID, HouseholdID: h.ID, Answers: json.RawMessage(`{}`), IdempotencyKey: "resp-3"})
		wantCode(t, err, engine.ECodeConflict)
		wantCode(t, storetest.CloseQuestionnaire(ctx, s, p.ID, q.ID), engine.ECodeConflict)
		if check, err := verifyAudit(ctx, s, p.ID); err != nil || !check.OK {
			t.Fatalf("audit %+v %v", check, err)
		}
	})
}
