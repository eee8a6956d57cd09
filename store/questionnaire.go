package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const questionnaireColumns = `id, project_id, title, questions, status, deadline, created_at, closed_at, group_key`

type questionnaireRow struct {
	engine.Questionnaire
	Questions string
}

func (r *questionnaireRow) questionnaire() *engine.Questionnaire {
	q := r.Questionnaire
	q.Questions = json.RawMessage(r.Questions)
	return &q
}

// SendQuestionnaires stores open questionnaires with one link per
// household and an audit event each, all in one transaction: a 小区-wide
// questionnaire reaches every project or none.
func (s *Store) SendQuestionnaires(ctx context.Context, sends []engine.QuestionnaireSend, actor string) error {
	now := s.now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, send := range sends {
			if err := s.insertQuestionnaire(ctx, tx, send.Questionnaire, send.Links, actor, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertQuestionnaire(ctx context.Context, tx *sqlx.Tx, q *engine.Questionnaire, links []engine.SurveyLink, actor string, now time.Time) error {
	q.Status, q.CreatedAt = engine.QuestionnaireOpen, now
	q.Deadline = q.Deadline.UTC().Truncate(time.Microsecond)
	if err := tx.GetContext(ctx, &q.ID, s.q(`INSERT INTO questionnaires (project_id, title, questions, status, deadline, created_at, group_key)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), q.ProjectID, q.Title, string(q.Questions), q.Status, q.Deadline, now, q.GroupKey); err != nil {
		return err
	}
	for i := range links {
		l := &links[i]
		l.QuestionnaireID, l.CreatedAt = q.ID, now
		if l.ExpiresAt.IsZero() {
			l.ExpiresAt = q.Deadline
		}
		if err := tx.GetContext(ctx, &l.ID, s.q(`INSERT INTO survey_links (questionnaire_id, household_id, token_hash, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), l.QuestionnaireID, l.HouseholdID, l.TokenHash, l.ExpiresAt, now); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: q.ProjectID, Kind: engine.AuditQuestionnaireSent, Actor: actor, At: now,
		Data: engine.AuditData(map[string]any{"questionnaire_id": q.ID, "title": q.Title, "links": len(links)})})
}

// Questionnaire returns one questionnaire of a project.
func (s *Store) Questionnaire(ctx context.Context, projectID, id int64) (*engine.Questionnaire, error) {
	var r questionnaireRow
	if err := s.db.GetContext(ctx, &r, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "问卷不存在")
	}
	return r.questionnaire(), nil
}

// Questionnaires lists a project's questionnaires by id.
func (s *Store) Questionnaires(ctx context.Context, projectID int64) ([]*engine.Questionnaire, error) {
	var rows []questionnaireRow
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.Questionnaire, len(rows))
	for i := range rows {
		out[i] = rows[i].questionnaire()
	}
	return out, nil
}

// CloseQuestionnaire stops a questionnaire taking answers.
func (s *Store) CloseQuestionnaire(ctx context.Context, projectID, id int64, at time.Time, actor string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE questionnaires SET status = 'closed', closed_at = ? WHERE project_id = ? AND id = ? AND status = 'open'`),
			at, projectID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeConflict, "问卷不存在或已关闭"))
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditQuestionnaireEnded, Actor: actor, At: at,
			Data: engine.AuditData(map[string]any{"questionnaire_id": id})})
	})
}

// SurveyLinkByTokenHash finds a questionnaire link by its token's hash.
func (s *Store) SurveyLinkByTokenHash(ctx context.Context, tokenHash string) (*engine.SurveyLink, error) {
	var l engine.SurveyLink
	if err := s.db.GetContext(ctx, &l, s.q(`SELECT l.id, q.project_id, l.questionnaire_id, l.household_id, l.token_hash, l.expires_at, l.created_at
		FROM survey_links l JOIN questionnaires q ON q.id = l.questionnaire_id WHERE l.token_hash = ?`), tokenHash); err != nil {
		return nil, s.notFound(err, "问卷链接不存在或已失效")
	}
	return &l, nil
}

const responseColumns = `id, questionnaire_id, household_id, answers, idempotency_key, ip, user_agent, created_at`

type responseRow struct {
	engine.SurveyResponse
	Answers string
}

// RecordResponse appends a household's answers. The same idempotency key
// returns the earlier response; a closed questionnaire, or one past its
// deadline, is a conflict.
func (s *Store) RecordResponse(ctx context.Context, r *engine.SurveyResponse) (bool, error) {
	if r.CreatedAt.IsZero() {
		r.CreatedAt = s.now()
	}
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	replay := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var q questionnaireRow
		if err := tx.GetContext(ctx, &q, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE id = ?`+s.forUpdate()), r.QuestionnaireID); err != nil {
			return s.notFound(err, "问卷不存在")
		}
		var existing responseRow
		err := tx.GetContext(ctx, &existing, s.q(`SELECT `+responseColumns+` FROM survey_responses WHERE questionnaire_id = ? AND idempotency_key = ?`),
			r.QuestionnaireID, r.IdempotencyKey)
		switch {
		case err == nil:
			if existing.HouseholdID != r.HouseholdID {
				return engine.Errorf(engine.ECodeConflict, "该提交编号已被其他住户使用，请重新提交")
			}
			*r = existing.SurveyResponse
			r.Answers = json.RawMessage(existing.Answers)
			replay = true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if !q.questionnaire().Open(r.CreatedAt) {
			return engine.Errorf(engine.ECodeConflict, "问卷已结束，不能再提交")
		}
		return tx.GetContext(ctx, &r.ID, s.q(`INSERT INTO survey_responses (questionnaire_id, household_id, answers, idempotency_key, ip, user_agent, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.QuestionnaireID, r.HouseholdID, string(r.Answers), r.IdempotencyKey, r.IP, r.UserAgent, r.CreatedAt)
	})
	return replay, err
}

// LatestResponses is each household's latest response, in one query.
func (s *Store) LatestResponses(ctx context.Context, questionnaireID int64) ([]*engine.SurveyResponse, error) {
	var rows []responseRow
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT `+responseColumns+` FROM survey_responses r
		WHERE questionnaire_id = ? AND id = (SELECT MAX(id) FROM survey_responses r2 WHERE r2.questionnaire_id = r.questionnaire_id AND r2.household_id = r.household_id)
		ORDER BY household_id`), questionnaireID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.SurveyResponse, len(rows))
	for i := range rows {
		resp := rows[i].SurveyResponse
		resp.Answers = json.RawMessage(rows[i].Answers)
		out[i] = &resp
	}
	return out, nil
}

// QuestionnaireGroup lists the questionnaires of one 小区 survey by id.
func (s *Store) QuestionnaireGroup(ctx context.Context, groupKey string) ([]*engine.Questionnaire, error) {
	var rows []questionnaireRow
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE group_key = ? AND group_key <> '' ORDER BY id`), groupKey); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.Questionnaire, len(rows))
	for i := range rows {
		out[i] = rows[i].questionnaire()
	}
	return out, nil
}
