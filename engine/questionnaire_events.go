package engine

import (
	"bytes"
	"encoding/json"
	"time"
)

// What the chain says of questionnaires: each questionnaire as sent and
// closed, its links (the token's hash), and every answer recorded.

// Projected tables of questionnaires.
const (
	TableQuestionnaires = "questionnaires"
	TableSurveyLinks    = "survey_links"
	TableSurveyAnswers  = "survey_responses"
)

// Audit kind of an answer recorded.
const AuditQuestionnaireAnswered = "questionnaire_answered"

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableQuestionnaires, Label: "问卷"},
		ProjectedTable{Name: TableSurveyLinks, Label: "问卷链接"},
		ProjectedTable{Name: TableSurveyAnswers, Label: "问卷答卷"})
}

// Row is the image of a questionnaire row.
func (q *Questionnaire) Row() Row {
	return Row{Table: TableQuestionnaires, ID: q.ID, Cols: map[string]string{
		"project_id": ColInt(q.ProjectID), "title": q.Title, "questions": ColBlob(q.Questions), "status": q.Status,
		"deadline": ColTime(q.Deadline), "created_at": ColTime(q.CreatedAt), "closed_at": ColTimePtr(q.ClosedAt), "group_key": q.GroupKey}}
}

// Row is the image of a questionnaire link (the token's hash).
func (l *SurveyLink) Row() Row {
	return Row{Table: TableSurveyLinks, ID: l.ID, Cols: map[string]string{
		"questionnaire_id": ColInt(l.QuestionnaireID), "household_id": ColInt(l.HouseholdID), "token_hash": l.TokenHash,
		"expires_at": ColTime(l.ExpiresAt), "created_at": ColTime(l.CreatedAt)}}
}

// Row is the image of an answer: what counts (the answers, by their
// SHA-256), whose, when, and the key that makes it idempotent. Where it
// came from (ip, browser) is kept beside it, not vouched for.
func (r *SurveyResponse) Row() Row {
	return Row{Table: TableSurveyAnswers, ID: r.ID, Cols: map[string]string{
		"questionnaire_id": ColInt(r.QuestionnaireID), "household_id": ColInt(r.HouseholdID), "answers": ColBlob(r.Answers),
		"idempotency_key": r.IdempotencyKey, "created_at": ColTime(r.CreatedAt)}}
}

// QuestionnaireSent is the event of a questionnaire sent with its links.
func QuestionnaireSent(q *Questionnaire, links []SurveyLink, actor string, at time.Time) *AuditEvent {
	rows := make([]Row, 0, len(links)+1)
	rows = append(rows, q.Row())
	for i := range links {
		rows = append(rows, links[i].Row())
	}
	return &AuditEvent{ProjectID: q.ProjectID, Kind: AuditQuestionnaireSent, Actor: actor, At: at,
		Data: AuditData(struct {
			QuestionnaireID int64  `json:"questionnaire_id"`
			Title           string `json:"title"`
			Links           int    `json:"links"`
			RowsData
		}{q.ID, q.Title, len(links), RowsData{Rows: rows}})}
}

// QuestionnaireEnded is the event of a questionnaire closed by a worker.
func QuestionnaireEnded(q *Questionnaire, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: q.ProjectID, Kind: AuditQuestionnaireEnded, Actor: actor, At: at,
		Data: AuditData(struct {
			QuestionnaireID int64 `json:"questionnaire_id"`
			RowsData
		}{q.ID, RowsData{Rows: []Row{q.Row().Only("status", "closed_at")}}})}
}

// QuestionnaireAnswered is the event of a household's answers recorded.
func QuestionnaireAnswered(projectID int64, r *SurveyResponse, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditQuestionnaireAnswered, Actor: HouseholdActor(r.HouseholdID), At: at,
		Data: AuditData(struct {
			QuestionnaireID int64 `json:"questionnaire_id"`
			ResponseID      int64 `json:"response_id"`
			RowsData
		}{r.QuestionnaireID, r.ID, RowsData{Rows: []Row{r.Row()}}})}
}

// Close marks q closed at at; a closed questionnaire is a conflict.
func (q *Questionnaire) Close(at time.Time) error {
	if q.Status != QuestionnaireOpen {
		return Errorf(ECodeConflict, "问卷已关闭")
	}
	at = at.UTC().Truncate(time.Microsecond)
	q.Status, q.ClosedAt = QuestionnaireClosed, &at
	return nil
}

// ReplayAnswer decides what an answer with an idempotency key already used
// means: the earlier response, when it is the same household's; a
// conflict otherwise.
func ReplayAnswer(earlier, r *SurveyResponse) (*SurveyResponse, error) {
	if earlier.HouseholdID != r.HouseholdID {
		return nil, Errorf(ECodeConflict, "该提交编号已被其他住户使用，请重新提交")
	}
	if !bytes.Equal(earlier.Answers, r.Answers) { // both canonical: the same answers are the same bytes
		return nil, Errorf(ECodeConflict, "提交编号（idempotency_key）已用于 %s 提交的另一份答卷（第 %d 份）：内容不同，请刷新页面后重新提交",
			BeijingMinute(earlier.CreatedAt), earlier.ID)
	}
	return earlier, nil
}

// AcceptsAnswer refuses an answer to a closed questionnaire or one past
// its deadline.
func (q *Questionnaire) AcceptsAnswer(at time.Time) error {
	if !q.Open(at) {
		return Errorf(ECodeConflict, "问卷已结束，不能再提交")
	}
	return nil
}

// SurveyLinkEvent picks, among a project's questionnaire_opened events,
// the one that issued link l (its image with l's token hash), or nil.
func SurveyLinkEvent(events []*AuditEvent, l *SurveyLink) *AuditEvent {
	for _, e := range events {
		var d RowsData
		if e.Kind != AuditQuestionnaireSent || json.Unmarshal(e.Data, &d) != nil {
			continue
		}
		for _, r := range d.Rows {
			if r.Table == TableSurveyLinks && r.ID == l.ID && r.Cols["token_hash"] == l.TokenHash &&
				r.Cols["questionnaire_id"] == ColInt(l.QuestionnaireID) && r.Cols["household_id"] == ColInt(l.HouseholdID) {
				return e
			}
		}
	}
	return nil
}
