package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// After the signatures (docs/lifecycle.md): the works in stages, a
// supervision group that inspects the site, residents' feedback answered
// in time, and the figures the public sees.

// DefaultStages are the stages of an elevator retrofit; a worker edits them.
var DefaultStages = []string{"立项", "设计", "审批", "开工", "主体完工", "验收", "交付使用"}

// Stage is one step of the works with its planned and actual days.
type Stage struct {
	Name    string `json:"name"`
	Planned string `json:"planned"` // YYYY-MM-DD or ""
	Actual  string `json:"actual"`  // YYYY-MM-DD once done, or ""
	Note    string `json:"note"`
}

// Supervisor roles.
var SupervisorRoles = []string{"居民代表", "社区", "施工方", "监理"}

// Supervisor is a member of the supervision group.
type Supervisor struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Phone string `json:"phone"`
}

// Works is a project's stages, supervision group and satisfaction goal.
type Works struct {
	ProjectID        int64
	Stages           []Stage
	Supervisors      []Supervisor
	SatisfactionGoal Percent // default 90.00
	UpdatedAt        time.Time
}

// Inspection is one visit of the supervision group.
type Inspection struct {
	ID         int64
	ProjectID  int64
	Day        string
	Inspectors []string
	Findings   string
	Issues     []*InspectionIssue
	Photos     [][]byte // re-encoded JPEGs; not loaded with lists
	PhotoIDs   []int64  // the rows of Photos, once inserted
	PhotoCount int      // how many there are (lists)
	RecordedBy int64
	CreatedAt  time.Time
}

// InspectionIssue is a problem an inspection raised, fixed later.
type InspectionIssue struct {
	ID           int64
	ProjectID    int64
	InspectionID int64
	Text         string
	FixedDay     string // "" until fixed
	FixedNote    string
	FixedPhoto   []byte // not loaded with lists
	HasFixPhoto  bool   // there is one (lists)
	FixedAt      *time.Time
}

// Feedback categories and ratings.
var (
	FeedbackCategories = []string{"施工", "安全", "噪音", "费用", "其他"}
	FeedbackRatings    = []string{"满意", "基本满意", "不满意"}
)

// MaxFeedbackRunes bounds a resident's message.
const MaxFeedbackRunes = 500

// Feedback is an opinion or complaint (改造意见箱), from a household's link
// or anonymous (HouseholdID 0), answered, closed and rated.
type Feedback struct {
	ID          int64
	ProjectID   int64
	HouseholdID int64
	Category    string
	Text        string
	Photo       []byte
	PhotoType   string
	CreatedAt   time.Time
	Answer      string
	AnsweredAt  *time.Time
	AnsweredBy  int64
	ClosedAt    *time.Time
	Rating      string
	RatedAt     *time.Time
}

// WorksStore keeps the works, inspections and feedback. It runs SQL and
// decides nothing: the workflow (app) opens the unit of work, engine says
// what may change and what each event says, the store writes the rows with
// the time it is given.
type WorksStore interface {
	Works(ctx context.Context, projectID int64) (*Works, error) // defaults when none saved
	// SaveWorks writes a project's stages, group and goal (UpdatedAt set).
	SaveWorks(ctx context.Context, w *Works) error
	// InsertInspection inserts an inspection with its issues and photos,
	// filling their IDs (Issues[i].ID, PhotoIDs).
	InsertInspection(ctx context.Context, in *Inspection) error
	Inspections(ctx context.Context, projectID int64) ([]*Inspection, error) // newest first, with issues, without photos
	// Issue is one issue of a project, with its fix photo.
	Issue(ctx context.Context, projectID, id int64) (*InspectionIssue, error)
	// SaveIssueFix writes an issue's fix columns.
	SaveIssueFix(ctx context.Context, is *InspectionIssue) error
	// InsertFeedback inserts a message, filling its ID.
	InsertFeedback(ctx context.Context, f *Feedback) error
	Feedback(ctx context.Context, projectID int64) ([]*Feedback, error) // oldest first, without photos
	// FeedbackByID is one message of a project, with its photo.
	FeedbackByID(ctx context.Context, projectID, id int64) (*Feedback, error)
	// SaveFeedbackHandling writes a message's answer, closing and rating
	// columns.
	SaveFeedbackHandling(ctx context.Context, f *Feedback) error
	// Photo is one photo kept with a record of the project (PhotoKinds):
	// its bytes and type; n counts an inspection's photos from 1.
	Photo(ctx context.Context, projectID int64, kind string, id int64, n int) ([]byte, string, error)
	LinkQuotaStore
}

// PhotoKinds are the records that keep photos: a paper decision's signed
// form, a payment's or a fund record's slip, an inspection's site photos,
// an issue's fix, a resident's feedback, an objection through a link.
var PhotoKinds = []string{"decision", "payment", "fund", "inspection", "fix", "feedback", "objection"}

// Audit kinds of the works.
const (
	AuditWorks      = "works_saved"
	AuditInspection = "inspection"
	AuditIssueFixed = "issue_fixed"
	AuditFeedback   = "feedback"
)

// Progress is what the project has to show after the signatures.
type Progress struct {
	Stages      []Stage           `json:"stages"`
	Inspections InspectionFigures `json:"inspections"`
	Feedback    FeedbackFigures   `json:"feedback"`
	Money       MoneyFigures      `json:"money"`
}

// InspectionFigures sum the supervision up.
type InspectionFigures struct {
	Count      int    `json:"count"`
	Last       string `json:"last"` // the day of the last inspection, "" before any
	OpenIssues int    `json:"open_issues"`
	Overdue    bool   `json:"overdue"` // no inspection for more than 7 days while works run
}

// FeedbackFigures sum the feedback up.
type FeedbackFigures struct {
	Received            int `json:"received"`
	AnsweredWithin3Days int `json:"answered_within_3_days"`
	Closed              int `json:"closed"`
	Ratings             int `json:"ratings"`
	// Rated counts the ratings the rate is of: the 回访 ratings of closed
	// feedback (as Ratings); with none the rate means nothing
	// (Satisfaction).
	Rated            int     `json:"rated"`
	satisfied        int     // 满意 and 基本满意 among Rated
	SatisfactionRate Percent `json:"satisfaction_rate"`
	// Satisfaction is the rate as pages print it: "75.00%" or 暂无评价.
	Satisfaction     string  `json:"satisfaction"`
	SatisfactionGoal Percent `json:"satisfaction_goal"`
	// SatisfactionText is the rate with the count it is of, as residents
	// read it: "满意率 80%（5 人评价）", or "暂无评价".
	SatisfactionText string `json:"satisfaction_text"`
	// Items are the complaints one by one, newest first, for the public
	// page: category, day, state and how long the answer took — never the
	// text or who sent it.
	Items []FeedbackItem `json:"items"`
	// Survey is the questionnaires' rating answers, shown apart and never
	// mixed into the 回访 rate: a survey answer is not a 回访 of handled
	// feedback.
	Survey SurveyRatings `json:"survey"`
}

// Feedback states as the public page words them.
const (
	FeedbackStateOpen     = "处理中"
	FeedbackStateAnswered = "已答复"
	FeedbackStateClosed   = "已办结"
)

// FeedbackItem is one complaint as the public sees it.
type FeedbackItem struct {
	Category string `json:"category"`
	Day      string `json:"day"`   // received, 2026-12-05 (Beijing)
	State    string `json:"state"` // 处理中 | 已答复 | 已办结
	// AnswerDays is how many calendar days (Beijing) the answer took,
	// nil while unanswered; AnswerText words it ("当天答复", "2 天答复",
	// "尚未答复，已 3 天").
	AnswerDays *int   `json:"answer_days"`
	AnswerText string `json:"answer_text"`
}

// feedbackItem words one complaint for the public at now.
func feedbackItem(fb *Feedback, now time.Time) FeedbackItem {
	it := FeedbackItem{Category: fb.Category, Day: fb.CreatedAt.In(Beijing).Format(time.DateOnly), State: FeedbackStateOpen}
	switch {
	case fb.ClosedAt != nil:
		it.State = FeedbackStateClosed
	case fb.AnsweredAt != nil:
		it.State = FeedbackStateAnswered
	}
	if fb.AnsweredAt == nil {
		it.AnswerText = fmt.Sprintf("尚未答复，已 %d 天", calendarDays(fb.CreatedAt, now))
		if calendarDays(fb.CreatedAt, now) == 0 {
			it.AnswerText = "尚未答复（今天收到）"
		}
		return it
	}
	d := calendarDays(fb.CreatedAt, *fb.AnsweredAt)
	it.AnswerDays = &d
	it.AnswerText = fmt.Sprintf("%d 天答复", d)
	if d == 0 {
		it.AnswerText = "当天答复"
	}
	return it
}

// calendarDays counts the days from the date of from to the date of to in
// Beijing (the same day is 0).
func calendarDays(from, to time.Time) int {
	day := func(t time.Time) time.Time {
		y, m, d := t.In(Beijing).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	n := int(day(to).Sub(day(from)).Hours() / 24)
	return max(n, 0)
}

// SurveyRatings are the answers to the rating questions of a project's
// questionnaires: 4 and 5 are satisfied.
type SurveyRatings struct {
	Answers      int     `json:"answers"`
	Satisfied    int     `json:"satisfied"`
	Rate         Percent `json:"rate"`
	Satisfaction string  `json:"satisfaction"` // "75.00%" or 暂无评价
}

// MoneyFigures are the budget and the money that moved.
type MoneyFigures struct {
	Budget   Fen `json:"budget"`
	Received Fen `json:"received"`
	Spent    Fen `json:"spent"`
}

// InspectionEvery is how often the group is expected on site.
const InspectionEvery = 7 * 24 * time.Hour

// ProgressOf sums the works up at now. Satisfaction counts 满意 and 基本满意
// among the 回访 ratings of closed feedback only; the questionnaires'
// rating answers (satisfiedRatings of ratingAnswers) are summed apart
// (FeedbackFigures.Survey), so that one 满意 is 100%, not mixed into 60%.
func ProgressOf(w *Works, inspections []*Inspection, feedback []*Feedback, satisfiedRatings, ratingAnswers int, money MoneyFigures, now time.Time) *Progress {
	p := &Progress{Stages: w.Stages, Money: money}
	if p.Stages == nil {
		p.Stages = []Stage{}
	}
	p.Inspections.Count = len(inspections)
	for _, in := range inspections {
		if in.Day > p.Inspections.Last {
			p.Inspections.Last = in.Day
		}
		for _, is := range in.Issues {
			if is.FixedDay == "" {
				p.Inspections.OpenIssues++
			}
		}
	}
	p.Inspections.Overdue = worksRunning(w.Stages) && (p.Inspections.Last == "" || daysSince(p.Inspections.Last, now) > InspectionEvery)
	f := &p.Feedback
	f.SatisfactionGoal = w.SatisfactionGoal
	satisfied, rated := 0, 0
	for _, fb := range feedback {
		f.Received++
		if fb.AnsweredAt != nil && fb.AnsweredAt.Sub(fb.CreatedAt) <= 3*24*time.Hour {
			f.AnsweredWithin3Days++
		}
		if fb.ClosedAt != nil {
			f.Closed++
		}
		if fb.Rating != "" && fb.ClosedAt != nil {
			f.Ratings++
			rated++
			if fb.Rating != "不满意" {
				satisfied++
			}
		}
	}
	f.SatisfactionRate, f.Rated = ratioHundredths(int64(satisfied), int64(rated)), rated
	f.Satisfaction = satisfactionText(f.SatisfactionRate, rated)
	f.SatisfactionText = "暂无评价"
	if rated > 0 {
		f.SatisfactionText = fmt.Sprintf("满意率 %s%%（%d 人评价）", strings.TrimSuffix(f.SatisfactionRate.String(), ".00"), rated)
	}
	newest := slices.Clone(feedback)
	slices.Reverse(newest) // received in this order: the later first among equal times
	slices.SortStableFunc(newest, func(a, b *Feedback) int { return b.CreatedAt.Compare(a.CreatedAt) })
	f.Items = make([]FeedbackItem, 0, len(newest))
	for _, fb := range newest {
		f.Items = append(f.Items, feedbackItem(fb, now))
	}
	f.Survey = SurveyRatings{Answers: ratingAnswers, Satisfied: satisfiedRatings, Rate: ratioHundredths(int64(satisfiedRatings), int64(ratingAnswers))}
	f.Survey.Satisfaction = satisfactionText(f.Survey.Rate, ratingAnswers)
	return p
}

// satisfactionText is the satisfaction rate as residents read it:
// "75.00%", or "暂无评价" before anyone has rated.
func satisfactionText(rate Percent, rated int) string {
	if rated == 0 {
		return "暂无评价"
	}
	return rate.String() + "%"
}

// worksRunning: a stage named 开工 is done and the last one is not.
func worksRunning(stages []Stage) bool {
	started := false
	for _, s := range stages {
		if s.Name == "开工" && s.Actual != "" {
			started = true
		}
	}
	return started && len(stages) > 0 && stages[len(stages)-1].Actual == ""
}

func daysSince(day string, now time.Time) time.Duration {
	t, err := time.ParseInLocation(time.DateOnly, day, Beijing)
	if err != nil {
		return 0
	}
	return now.Sub(t)
}
