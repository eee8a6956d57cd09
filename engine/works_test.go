package engine

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var worksAt = time.Date(2026, 12, 5, 16, 30, 0, 0, time.UTC) // 00:30 on 12-06 in Beijing

func TestFeedbackHandling(t *testing.T) {
	closed := worksAt.Add(-time.Hour)
	for _, c := range []struct {
		name string
		f    Feedback
		step func(f *Feedback) error
		want string // error code, "" for none
	}{
		{"answer", Feedback{ID: 1}, func(f *Feedback) error { return AnswerFeedback(f, " 已处理 ", 7, worksAt) }, ""},
		{"answer empty", Feedback{ID: 1}, func(f *Feedback) error { return AnswerFeedback(f, "  ", 7, worksAt) }, ECodeInvalid},
		{"answer closed", Feedback{ID: 1, ClosedAt: &closed}, func(f *Feedback) error { return AnswerFeedback(f, "x", 7, worksAt) }, ECodeConflict},
		{"close", Feedback{ID: 1}, func(f *Feedback) error { return CloseFeedback(f, worksAt) }, ""},
		{"close twice", Feedback{ID: 1, ClosedAt: &closed}, func(f *Feedback) error { return CloseFeedback(f, worksAt) }, ECodeConflict},
		{"rate", Feedback{ID: 1, HouseholdID: 3, ClosedAt: &closed}, func(f *Feedback) error { return RateFeedback(f, 3, "满意", worksAt) }, ""},
		{"rate another's", Feedback{ID: 1, HouseholdID: 3, ClosedAt: &closed}, func(f *Feedback) error { return RateFeedback(f, 4, "满意", worksAt) }, ECodeNotFound},
		{"rate anonymous", Feedback{ID: 1, ClosedAt: &closed}, func(f *Feedback) error { return RateFeedback(f, 0, "满意", worksAt) }, ECodeNotFound},
		{"rate unknown", Feedback{ID: 1, HouseholdID: 3, ClosedAt: &closed}, func(f *Feedback) error { return RateFeedback(f, 3, "很好", worksAt) }, ECodeInvalid},
		{"rate open", Feedback{ID: 1, HouseholdID: 3}, func(f *Feedback) error { return RateFeedback(f, 3, "满意", worksAt) }, ECodeConflict},
		{"rate twice", Feedback{ID: 1, HouseholdID: 3, ClosedAt: &closed, Rating: "不满意"}, func(f *Feedback) error { return RateFeedback(f, 3, "满意", worksAt) }, ECodeConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			before := f.Row()
			err := c.step(&f)
			if got := ErrorCode(err); err != nil && got != c.want || err == nil && c.want != "" {
				t.Fatalf("got %v (%s), want %q", err, got, c.want)
			}
			if err != nil && !sameCols(before, f.Row()) {
				t.Errorf("a refused step changed the message: %v → %v", before.Cols, f.Row().Cols)
			}
		})
	}
}

func sameCols(a, b Row) bool {
	if len(a.Cols) != len(b.Cols) {
		return false
	}
	for k, v := range a.Cols {
		if b.Cols[k] != v {
			return false
		}
	}
	return true
}

func TestFixIssueOnce(t *testing.T) {
	is := &InspectionIssue{ID: 2, Text: "楼道堆放材料"}
	if err := FixIssue(is, Date(0), " 已清理 ", []byte("jpeg"), worksAt); err != nil {
		t.Fatal(err)
	}
	if is.FixedNote != "已清理" || is.FixedAt == nil || !is.HasFixPhoto {
		t.Errorf("fixed %+v", is)
	}
	if err := FixIssue(is, Date(0), "again", nil, worksAt); ErrorCode(err) != ECodeConflict {
		t.Errorf("a second fix: %v", err)
	}
}

func TestLinkQuota(t *testing.T) {
	for used, want := range map[int]string{0: "", LinkEventsPerDay - 1: "", LinkEventsPerDay: ECodeRateLimited, LinkEventsPerDay + 5: ECodeRateLimited} {
		if got := ErrorCode(CheckLinkQuota(used, LinkEventsPerDay)); CheckLinkQuota(used, LinkEventsPerDay) != nil && got != want || CheckLinkQuota(used, LinkEventsPerDay) == nil && want != "" {
			t.Errorf("used %d: %q, want %q", used, got, want)
		}
	}
	// the day starts at midnight in Beijing: 16:00 UTC the day before
	for at, want := range map[time.Time]time.Time{
		worksAt: time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 5, 15, 59, 0, 0, time.UTC): time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC),
	} {
		if got := BeijingDayStart(at); !got.Equal(want) {
			t.Errorf("day of %s starts %s, want %s", at, got, want)
		}
	}
}

// TestWorksProjection: the images the events carry rebuild the rows; a
// rewritten rating or a moved stage date is named by table, id, column.
func TestWorksProjection(t *testing.T) {
	w := &Works{ProjectID: 9, Stages: []Stage{{Name: "开工", Planned: "2026-12-01", Actual: "2026-12-03"}}, SatisfactionGoal: 9000, UpdatedAt: worksAt}
	f, err := NewFeedback(9, 3, "噪音", "晚上施工", nil, "", worksAt)
	if err != nil {
		t.Fatal(err)
	}
	f.ID = 4
	events := []*AuditEvent{WorksSaved(Row{}, w, "worker:1"), FeedbackStep(f, FeedbackReceived, HouseholdActor(3), worksAt)}
	if err := CloseFeedback(f, worksAt); err != nil {
		t.Fatal(err)
	}
	events = append(events, FeedbackStep(f, FeedbackClosed, "worker:1", worksAt))
	if err := RateFeedback(f, 3, "不满意", worksAt); err != nil {
		t.Fatal(err)
	}
	events = append(events, FeedbackStep(f, FeedbackRated, HouseholdActor(3), worksAt))
	for i, e := range events {
		e.Seq = int64(i + 1)
	}
	stored := func(w *Works, f *Feedback) map[string][]Row {
		return map[string][]Row{TableWorks: {w.Row()}, TableFeedback: {f.Row()}}
	}
	if d, err := CheckProjection(events, stored(w, f)); err != nil || d != nil {
		t.Fatalf("the rows as written: %+v %v", d, err)
	}
	rewritten := *f
	rewritten.Rating = "满意"
	moved := *w
	moved.Stages = []Stage{{Name: "开工", Planned: "2026-12-01", Actual: "2026-11-20"}}
	for _, c := range []struct {
		name   string
		rows   map[string][]Row
		table  string
		id     int64
		column string
	}{
		{"rating rewritten", stored(w, &rewritten), TableFeedback, 4, "rating"},
		{"stage moved", stored(&moved, f), TableWorks, 9, "stages[0].actual"},
		{"message deleted", map[string][]Row{TableWorks: {w.Row()}}, TableFeedback, 4, ""},
	} {
		d, err := CheckProjection(events, c.rows)
		if err != nil || d == nil || d.Table != c.table || d.ID != c.id || d.Column != c.column {
			t.Errorf("%s: %+v %v, want %s #%d %q", c.name, d, err, c.table, c.id, c.column)
		}
	}
}

// TestSatisfactionFromClosedFeedbackOnly: the rate is of the 回访 ratings
// of closed feedback; questionnaire answers are summed apart. One 满意 and
// four survey answers of which two are satisfied print 100.00% and 50.00%,
// never a mixed 60.00%.
func TestSatisfactionFromClosedFeedbackOnly(t *testing.T) {
	closed := worksAt.Add(time.Hour)
	feedback := []*Feedback{
		{ID: 1, CreatedAt: worksAt, AnsweredAt: &closed, ClosedAt: &closed, Rating: "满意"},
		{ID: 2, CreatedAt: worksAt, Rating: "不满意"}, // not closed: no 回访 yet, not counted
		{ID: 3, CreatedAt: worksAt},
	}
	p := ProgressOf(&Works{SatisfactionGoal: 9000}, nil, feedback, 2, 4, MoneyFigures{}, worksAt)
	f := p.Feedback
	if got, want := [3]any{f.Ratings, f.Rated, f.Satisfaction}, [3]any{1, 1, "100.00%"}; got != want {
		t.Errorf("回访 ratings, rated, rate = %v, want %v", got, want)
	}
	if got, want := f.Survey, (SurveyRatings{Answers: 4, Satisfied: 2, Rate: 5000, Satisfaction: "50.00%"}); got != want {
		t.Errorf("survey = %+v, want %+v", got, want)
	}
	none := ProgressOf(&Works{}, nil, nil, 0, 0, MoneyFigures{}, worksAt).Feedback
	if none.Satisfaction != "暂无评价" || none.Survey.Satisfaction != "暂无评价" {
		t.Errorf("with no ratings: %q and %q", none.Satisfaction, none.Survey.Satisfaction)
	}
}

// TestPublicFeedbackItems: each complaint as the public page lists it —
// category, day, state and how long the answer took, newest first, never
// its text — and the satisfaction with the count it is of.
func TestPublicFeedbackItems(t *testing.T) {
	received := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC) // 23:00 on 12-01 in Beijing
	sameDay := received.Add(30 * time.Minute)                 // 23:30, the same day
	nextDay := received.Add(2 * time.Hour)                    // 01:00 on 12-02
	later := received.Add(49 * time.Hour)
	feedback := []*Feedback{
		{ID: 1, Category: "噪音", Text: "太吵", CreatedAt: received, AnsweredAt: &sameDay, ClosedAt: &later, Rating: "满意"},
		{ID: 2, Category: "安全", Text: "围挡", CreatedAt: received, AnsweredAt: &nextDay},
		{ID: 3, Category: "费用", Text: "贵", CreatedAt: received.Add(time.Hour)},
		{ID: 4, Category: "其他", Text: "x", CreatedAt: received, AnsweredAt: &nextDay, ClosedAt: &later, Rating: "基本满意"},
		{ID: 5, Category: "施工", Text: "y", CreatedAt: received, AnsweredAt: &nextDay, ClosedAt: &later, Rating: "不满意"},
	}
	f := ProgressOf(&Works{SatisfactionGoal: 9000}, nil, feedback, 0, 0, MoneyFigures{}, worksAt).Feedback
	one := 1
	want := []FeedbackItem{
		{Category: "费用", Day: "2026-12-02", State: "处理中", AnswerText: "尚未答复，已 4 天"},
		{Category: "施工", Day: "2026-12-01", State: "已办结", AnswerDays: &one, AnswerText: "1 天答复"},
		{Category: "其他", Day: "2026-12-01", State: "已办结", AnswerDays: &one, AnswerText: "1 天答复"},
		{Category: "安全", Day: "2026-12-01", State: "已答复", AnswerDays: &one, AnswerText: "1 天答复"},
		{Category: "噪音", Day: "2026-12-01", State: "已办结", AnswerDays: new(int), AnswerText: "当天答复"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("got %d items, want %d", len(f.Items), len(want))
	}
	for i, got := range f.Items {
		w := want[i]
		if got.Category != w.Category || got.Day != w.Day || got.State != w.State || got.AnswerText != w.AnswerText ||
			(got.AnswerDays == nil) != (w.AnswerDays == nil) || got.AnswerDays != nil && *got.AnswerDays != *w.AnswerDays {
			t.Errorf("item %d = %+v, want %+v", i, got, w)
		}
	}
	if got, want := f.SatisfactionText, "满意率 66.67%（3 人评价）"; got != want {
		t.Errorf("satisfaction = %q, want %q", got, want)
	}
	feedback[4].Rating = "满意"
	if got, want := ProgressOf(&Works{}, nil, feedback, 0, 0, MoneyFigures{}, worksAt).Feedback.SatisfactionText, "满意率 100%（3 人评价）"; got != want {
		t.Errorf("satisfaction = %q, want %q", got, want)
	}
	if got := ProgressOf(&Works{}, nil, nil, 0, 0, MoneyFigures{}, worksAt).Feedback; got.SatisfactionText != "暂无评价" || len(got.Items) != 0 {
		t.Errorf("with no feedback: %q, %v", got.SatisfactionText, got.Items)
	}
}

// TestDecisionReason: only a 不同意 carries a reason, trimmed, of at most
// MaxDecisionReason characters.
func TestDecisionReason(t *testing.T) {
	for _, c := range []struct {
		name, vote, reason, want, field string
	}{
		{"none", VoteAgree, "", "", ""},
		{"blank with 同意", VoteAgree, "  ", "", ""},
		{"with 不同意, trimmed", VoteDisagree, " 补偿太少 ", "补偿太少", ""},
		{"200 characters", VoteDisagree, strings.Repeat("贵", 200), strings.Repeat("贵", 200), ""},
		{"201 characters", VoteDisagree, strings.Repeat("贵", 201), "", "reason"},
		{"with 同意", VoteAgree, "有意见", "", "reason"},
		{"with 弃权", VoteAbstain, "不清楚", "", "reason"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecisionReason(c.vote, c.reason)
			var e *Error
			if c.field != "" {
				if !errors.As(err, &e) || e.Field != c.field {
					t.Fatalf("got %v, want an error naming %s", err, c.field)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %q, %v, want %q", got, err, c.want)
			}
		})
	}
}
