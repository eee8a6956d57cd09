package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

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

// InsertQuestionnaire stores a questionnaire and its links (their times
// set by the workflow).
func (s *Store) InsertQuestionnaire(ctx context.Context, q *engine.Questionnaire, links []engine.SurveyLink) error {
	c := s.conn(ctx)
	if err := c.GetContext(ctx, &q.ID, s.q(`INSERT INTO questionnaires (project_id, title, questions, status, deadline, created_at, group_key)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), q.ProjectID, q.Title, string(q.Questions), q.Status, q.Deadline, q.CreatedAt, q.GroupKey); err != nil {
		return s.mapError(err)
	}
	query := s.q(`INSERT INTO survey_links (project_id, questionnaire_id, household_id, token_hash, expires_at, created_at, sealed_token)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	for i := range links {
		l := &links[i]
		l.ProjectID, l.QuestionnaireID = q.ProjectID, q.ID
		if err := c.GetContext(ctx, &l.ID, query, l.ProjectID, l.QuestionnaireID, l.HouseholdID, l.TokenHash, l.ExpiresAt, l.CreatedAt, l.SealedToken); err != nil {
			return s.mapError(err)
		}
	}
	return nil
}

// SurveyLinks lists a project's questionnaire's links with their sealed
// tokens.
func (s *Store) SurveyLinks(ctx context.Context, projectID, questionnaireID int64) ([]*engine.SurveyLink, error) {
	var ls []*engine.SurveyLink
	err := s.conn(ctx).SelectContext(ctx, &ls, s.q(`SELECT id, project_id, questionnaire_id, household_id, token_hash, expires_at, created_at, sealed_token
		FROM survey_links WHERE project_id = ? AND questionnaire_id = ? ORDER BY household_id`), projectID, questionnaireID)
	return ls, s.mapError(err)
}

// forUpdateIn locks the selected rows in PostgreSQL when ctx runs in a
// unit of work.
func (s *Store) forUpdateIn(ctx context.Context) string {
	if unitTx(ctx) == nil {
		return ""
	}
	return s.forUpdate()
}

// Questionnaire returns one questionnaire of a project.
func (s *Store) Questionnaire(ctx context.Context, projectID, id int64) (*engine.Questionnaire, error) {
	var r questionnaireRow
	if err := s.conn(ctx).GetContext(ctx, &r, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE project_id = ? AND id = ?`+s.forUpdateIn(ctx)), projectID, id); err != nil {
		return nil, s.notFound(err, "问卷不存在")
	}
	return r.questionnaire(), nil
}

// Questionnaires lists a project's questionnaires by id.
func (s *Store) Questionnaires(ctx context.Context, projectID int64) ([]*engine.Questionnaire, error) {
	var rows []questionnaireRow
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.Questionnaire, len(rows))
	for i := range rows {
		out[i] = rows[i].questionnaire()
	}
	return out, nil
}

// CloseQuestionnaire stores a questionnaire's closing (q.Status,
// q.ClosedAt); one already closed is a conflict.
func (s *Store) CloseQuestionnaire(ctx context.Context, q *engine.Questionnaire) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE questionnaires SET status = ?, closed_at = ? WHERE project_id = ? AND id = ? AND status = 'open'`),
		q.Status, q.ClosedAt, q.ProjectID, q.ID)
	if err != nil {
		return s.mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return s.mapError(cmpErr(err, engine.Errorf(engine.ECodeConflict, "问卷不存在或已关闭")))
	}
	return nil
}

// SurveyLinkByTokenHash finds a project's questionnaire link by its
// token's hash.
func (s *Store) SurveyLinkByTokenHash(ctx context.Context, projectID int64, tokenHash string) (*engine.SurveyLink, error) {
	var l engine.SurveyLink
	if err := s.conn(ctx).GetContext(ctx, &l, s.q(`SELECT l.id, q.project_id, l.questionnaire_id, l.household_id, l.token_hash, l.expires_at, l.created_at
		FROM survey_links l JOIN questionnaires q ON q.project_id = l.project_id AND q.id = l.questionnaire_id
		WHERE l.project_id = ? AND l.token_hash = ?`), projectID, tokenHash); err != nil {
		return nil, s.notFound(err, "问卷链接不存在或已失效")
	}
	return &l, nil
}

const responseColumns = `id, project_id, questionnaire_id, household_id, answers, idempotency_key, ip, user_agent, created_at`

type responseRow struct {
	engine.SurveyResponse
	Answers string
}

// ResponseByKey is a project's questionnaire's response with an
// idempotency key, or nil.
func (s *Store) ResponseByKey(ctx context.Context, projectID, questionnaireID int64, key string) (*engine.SurveyResponse, error) {
	var r responseRow
	err := s.conn(ctx).GetContext(ctx, &r, s.q(`SELECT `+responseColumns+` FROM survey_responses
		WHERE project_id = ? AND questionnaire_id = ? AND idempotency_key = ?`), projectID, questionnaireID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return r.response(), nil
}

// InsertResponse appends a household's answers.
func (s *Store) InsertResponse(ctx context.Context, r *engine.SurveyResponse) error {
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	return s.mapError(s.conn(ctx).GetContext(ctx, &r.ID, s.q(`INSERT INTO survey_responses (project_id, questionnaire_id, household_id, answers, idempotency_key, ip, user_agent, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.ProjectID, r.QuestionnaireID, r.HouseholdID, string(r.Answers), r.IdempotencyKey, r.IP, r.UserAgent, r.CreatedAt))
}

func (r *responseRow) response() *engine.SurveyResponse {
	resp := r.SurveyResponse
	resp.Answers = json.RawMessage(r.Answers)
	resp.CreatedAt = resp.CreatedAt.UTC()
	return &resp
}

// LatestResponses is each household's latest response to a project's
// questionnaire, in one query.
func (s *Store) LatestResponses(ctx context.Context, projectID, questionnaireID int64) ([]*engine.SurveyResponse, error) {
	var rows []responseRow
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT `+responseColumns+` FROM survey_responses r
		WHERE project_id = ? AND questionnaire_id = ? AND id = (SELECT MAX(id) FROM survey_responses r2
			WHERE r2.project_id = r.project_id AND r2.questionnaire_id = r.questionnaire_id AND r2.household_id = r.household_id)
		ORDER BY household_id`), projectID, questionnaireID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.SurveyResponse, len(rows))
	for i := range rows {
		out[i] = rows[i].response()
	}
	return out, nil
}

// QuestionnaireGroup lists the questionnaires of one 小区 survey by id.
func (s *Store) QuestionnaireGroup(ctx context.Context, groupKey string) ([]*engine.Questionnaire, error) {
	var rows []questionnaireRow
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE group_key = ? AND group_key <> '' ORDER BY id`), groupKey); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.Questionnaire, len(rows))
	for i := range rows {
		out[i] = rows[i].questionnaire()
	}
	return out, nil
}

func init() { readProjection((*Store).questionnaireRows) }

// questionnaireRows reads the images of a project's questionnaires, their
// links and their answers.
func (s *Store) questionnaireRows(ctx context.Context, c querier, projectID int64) (map[string][]engine.Row, error) {
	var qs []questionnaireRow
	if err := c.SelectContext(ctx, &qs, s.q(`SELECT `+questionnaireColumns+` FROM questionnaires WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	var ls []*engine.SurveyLink
	if err := c.SelectContext(ctx, &ls, s.q(`SELECT id, questionnaire_id, household_id, token_hash, expires_at, created_at
		FROM survey_links WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	var rs []responseRow
	if err := c.SelectContext(ctx, &rs, s.q(`SELECT id, questionnaire_id, household_id, answers, idempotency_key, ip, user_agent, created_at
		FROM survey_responses WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	out := map[string][]engine.Row{}
	for i := range qs {
		out[engine.TableQuestionnaires] = append(out[engine.TableQuestionnaires], qs[i].questionnaire().Row())
	}
	for _, l := range ls {
		out[engine.TableSurveyLinks] = append(out[engine.TableSurveyLinks], l.Row())
	}
	for i := range rs {
		out[engine.TableSurveyAnswers] = append(out[engine.TableSurveyAnswers], rs[i].response().Row())
	}
	return out, nil
}

// QuestionnaireSentEvents lists a project's questionnaire_opened events:
// each carries the images of the links it issued.
func (s *Store) QuestionnaireSentEvents(ctx context.Context, projectID int64) ([]*engine.AuditEvent, error) {
	var rows []auditRow
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = ? AND kind = ? ORDER BY seq`), projectID, engine.AuditQuestionnaireSent); err != nil {
		return nil, s.mapError(err)
	}
	return auditEventsOf(rows), nil
}
