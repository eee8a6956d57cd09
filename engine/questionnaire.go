package engine

import (
	"context"
	"encoding/json"
	"time"
)

// Questionnaire statuses.
const (
	QuestionnaireOpen   = "open"
	QuestionnaireClosed = "closed"
)

// Questionnaire is a participatory survey of a project's households: a
// priority survey before a plan exists, a satisfaction survey after.
type Questionnaire struct {
	ID        int64
	ProjectID int64
	Title     string
	Questions json.RawMessage // the contract's question list (DESIGN §4b)
	Status    string
	Deadline  time.Time
	CreatedAt time.Time
	ClosedAt  *time.Time
	GroupKey  string // shared by the questionnaires of one 小区 survey; "" alone
}

// Open reports whether answers may still be recorded at now.
func (q *Questionnaire) Open(now time.Time) bool {
	return q.Status == QuestionnaireOpen && now.Before(q.Deadline)
}

// SurveyLink lets one household answer one questionnaire; only the hash
// of its token is stored.
type SurveyLink struct {
	ID              int64
	ProjectID       int64 // of the questionnaire (read only)
	QuestionnaireID int64
	HouseholdID     int64
	TokenHash       string
	ExpiresAt       time.Time
	CreatedAt       time.Time
}

// SurveyResponse is one household's answers (append-only; the latest counts).
type SurveyResponse struct {
	ID              int64
	QuestionnaireID int64
	HouseholdID     int64
	Answers         json.RawMessage // {question id: answer}
	IdempotencyKey  string
	IP              string
	UserAgent       string
	CreatedAt       time.Time
}

// QuestionnaireStore keeps questionnaires, their links and responses.
type QuestionnaireStore interface {
	CreateQuestionnaire(ctx context.Context, q *Questionnaire, links []SurveyLink) error
	Questionnaire(ctx context.Context, projectID, id int64) (*Questionnaire, error)
	Questionnaires(ctx context.Context, projectID int64) ([]*Questionnaire, error)
	CloseQuestionnaire(ctx context.Context, projectID, id int64, at time.Time) error
	SurveyLinkByTokenHash(ctx context.Context, tokenHash string) (*SurveyLink, error)
	// RecordResponse appends a response; the same idempotency key replays.
	// A closed questionnaire or one past its deadline is a conflict.
	RecordResponse(ctx context.Context, r *SurveyResponse) (replay bool, err error)
	LatestResponses(ctx context.Context, questionnaireID int64) ([]*SurveyResponse, error)
	// QuestionnaireGroup lists the questionnaires sharing a group key.
	QuestionnaireGroup(ctx context.Context, groupKey string) ([]*Questionnaire, error)
}

// ParseQuestions reads and validates a question list.
func ParseQuestions(data []byte) ([]Question, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	qs := r.questions(doc)
	if r.err != nil {
		return nil, r.err
	}
	return qs, nil
}

// ParseAnswers reads one household's answers ({question id: answer})
// against the questions.
func ParseAnswers(qs []Question, data []byte) (map[string]any, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	byID := map[string]*Question{}
	for i := range qs {
		byID[qs[i].ID] = &qs[i]
	}
	var a SurveyAnswer
	r.surveyAnswer(map[string]any{"household": "-", "answers": doc}, &a, byID)
	if r.err != nil {
		return nil, r.err
	}
	return a.Answers, nil
}

// SurveyPreset is a group of common renovation items workers start from.
type SurveyPreset struct {
	Category string   `json:"category"`
	Note     string   `json:"note"`
	Items    []string `json:"items"`
}

// SurveyPresets are the national categories of 国办发〔2020〕23号
// (《关于全面推进城镇老旧小区改造工作的指导意见》) and the items of the
// 常州 2021 survey.
var SurveyPresets = []SurveyPreset{
	{"基础类", "满足居民安全需要和基本生活需求", []string{"供水、排水管网改造", "供电、弱电线路改造", "燃气、供热设施改造", "消防、安防设施", "小区道路修缮", "生活垃圾分类设施", "屋面防水、外墙、楼梯等公共部位维修", "外墙保温"}},
	{"完善类", "满足居民生活便利需要和改善型生活需求", []string{"加装电梯", "拆除违法建设", "绿化和照明整治", "停车位规划", "电动自行车及汽车充电设施", "文化休闲、体育健身设施", "物业用房", "无障碍和适老化改造"}},
	{"提升类", "丰富社区服务供给、提升居民生活品质", []string{"社区综合服务设施", "卫生服务站", "养老、托育设施", "便民市场、便利店", "邮政快递末端设施", "智慧社区"}},
	{"常州2021问卷", "“最重要的三项”", []string{"增设电梯", "楼体修缮", "补建停车位和充电设施", "规范物业管理", "清理违建", "养老/社区服务设施", "抗震加固"}},
}
