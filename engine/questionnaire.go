package engine

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
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
	Questions json.RawMessage // the contract's question list (docs/questionnaire.md)
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
	ProjectID       int64 // of the questionnaire (not in the row's image)
	QuestionnaireID int64
	HouseholdID     int64
	TokenHash       string
	ExpiresAt       time.Time
	CreatedAt       time.Time
	SealedToken     string // as SigningLink.SealedToken
}

// QuestionnaireSend is one questionnaire and its links, to be stored.
type QuestionnaireSend struct {
	Questionnaire *Questionnaire
	Links         []SurveyLink
}

// SurveyResponse is one household's answers (append-only; the latest counts).
type SurveyResponse struct {
	ID              int64
	ProjectID       int64 // of the questionnaire (not in the row's image)
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
	// InsertQuestionnaire stores a questionnaire with its links.
	InsertQuestionnaire(ctx context.Context, q *Questionnaire, links []SurveyLink) error
	// SurveyLinks lists a questionnaire's links with their sealed tokens.
	SurveyLinks(ctx context.Context, projectID, questionnaireID int64) ([]*SurveyLink, error)
	// Questionnaire reads one (locking it inside a unit of work).
	Questionnaire(ctx context.Context, projectID, id int64) (*Questionnaire, error)
	Questionnaires(ctx context.Context, projectID int64) ([]*Questionnaire, error)
	// CloseQuestionnaire stores q's closing; one already closed is a
	// conflict.
	CloseQuestionnaire(ctx context.Context, q *Questionnaire) error
	SurveyLinkByTokenHash(ctx context.Context, projectID int64, tokenHash string) (*SurveyLink, error)
	// QuestionnaireSentEvents lists a project's questionnaire_opened
	// events (they carry the images of the links they issued).
	QuestionnaireSentEvents(ctx context.Context, projectID int64) ([]*AuditEvent, error)
	// ResponseByKey is the response with an idempotency key, or nil.
	ResponseByKey(ctx context.Context, projectID, questionnaireID int64, key string) (*SurveyResponse, error)
	InsertResponse(ctx context.Context, r *SurveyResponse) error
	LatestResponses(ctx context.Context, projectID, questionnaireID int64) ([]*SurveyResponse, error)
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

// StandardQuestion is the wording of one kind of question a worker's
// questionnaire starts from (the console holds no wording of its own).
type StandardQuestion struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Text string `json:"text"`
	K    int    `json:"k,omitempty"` // how many may be picked, by default
}

// StandardQuestions are the questions the console offers: the items to
// pick, their order, satisfaction once works have begun, and a free text.
var StandardQuestions = []StandardQuestion{
	{ID: "q1", Kind: KindChooseK, Text: "您认为最需要改造的是哪几项？", K: 3},
	{ID: "q2", Kind: KindRank, Text: "请按重要程度排序"},
	{ID: "q3", Kind: KindRating, Text: "您对改造的满意程度"},
	{ID: "q4", Kind: KindText, Text: "您的意见和建议"},
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

// SurveyPart is one project's share of a questionnaire: its households and
// their latest responses. A 小区-wide questionnaire has one part per project.
type SurveyPart struct {
	ProjectName string
	Households  []Household
	Responses   []*SurveyResponse
}

// SurveyTally is a questionnaire's live results: the contract's tally
// (docs/questionnaire.md), the same by floor (low floors often want other
// things), the response rate, and the free texts for the worker.
type SurveyTally struct {
	Result       *SurveyResult `json:"result"`
	ByFloor      []FloorSurvey `json:"by_floor"`
	Answered     int           `json:"answered"`
	Households   int           `json:"households"`
	ResponseRate Percent       `json:"response_rate"`
	Texts        []TextAnswer  `json:"texts"`
	Projects     int           `json:"projects"`
}

// FloorSurvey is the tally of one floor's households.
type FloorSurvey struct {
	Floor  int           `json:"floor"`
	Result *SurveyResult `json:"result"`
}

// TextAnswer is a free text, for workers only.
type TextAnswer struct {
	Room     string `json:"room"`
	Question string `json:"question"`
	Text     string `json:"text"`
}

// TallySurvey adds up the parts. With several parts a room is named with
// its project ("幸福里3号楼 301").
func TallySurvey(qs []Question, parts []SurveyPart) (*SurveyTally, error) {
	in := &SurveyInput{Questions: qs}
	floors := map[int]*SurveyInput{}
	out := &SurveyTally{Texts: []TextAnswer{}, ByFloor: []FloorSurvey{}, Projects: len(parts)}
	for _, part := range parts {
		byID := make(map[int64]Household, len(part.Households))
		for _, h := range part.Households {
			byID[h.ID] = h
		}
		out.Households += len(part.Households)
		for _, r := range part.Responses {
			answers, err := ParseAnswers(qs, r.Answers)
			if err != nil {
				return nil, err
			}
			h := byID[r.HouseholdID]
			room := h.Room
			if len(parts) > 1 {
				room = part.ProjectName + " " + h.Room
			}
			a := SurveyAnswer{Household: room, Floor: h.Floor, Answers: answers}
			in.Answers = append(in.Answers, a)
			if floors[h.Floor] == nil {
				floors[h.Floor] = &SurveyInput{Questions: qs}
			}
			floors[h.Floor].Answers = append(floors[h.Floor].Answers, a)
			for _, q := range qs {
				if t, ok := answers[q.ID].(string); ok && q.Kind == KindText && strings.TrimSpace(t) != "" {
					out.Texts = append(out.Texts, TextAnswer{Room: room, Question: q.ID, Text: t})
				}
			}
		}
	}
	out.Result = Survey(in)
	out.Answered = len(in.Answers)
	out.ResponseRate = RatioHundredths(int64(out.Answered), int64(out.Households))
	fs := make([]int, 0, len(floors))
	for f := range floors {
		fs = append(fs, f)
	}
	sort.Ints(fs)
	for _, f := range fs {
		out.ByFloor = append(out.ByFloor, FloorSurvey{Floor: f, Result: Survey(floors[f])})
	}
	return out, nil
}
