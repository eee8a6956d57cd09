package engine

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// What may be recorded of the works and the feedback, and when: the rules
// the workflows (app) apply before the store writes anything.

// CheckStages checks and trims a project's stages (names, planned and
// actual days, notes).
func CheckStages(stages []Stage) ([]Stage, error) {
	if len(stages) == 0 || len(stages) > 30 {
		return nil, Invalidf("stages", "请列出1到30个阶段")
	}
	out := make([]Stage, len(stages))
	for i, s := range stages {
		path := "stages[" + strconv.Itoa(i) + "]"
		s.Name = strings.TrimSpace(s.Name)
		if s.Name == "" || utf8.RuneCountInString(s.Name) > 20 {
			return nil, Invalidf(path+".name", "第%d个阶段的名称应为1到20个字", i+1)
		}
		if err := checkOptionalDay(s.Planned, path+".planned", "计划日期"); err != nil {
			return nil, err
		}
		if err := checkOptionalDay(s.Actual, path+".actual", "实际日期"); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(s.Note) > 200 {
			return nil, Invalidf(path+".note", "备注最多200字")
		}
		out[i] = s
	}
	return out, nil
}

func checkOptionalDay(day, field, label string) error {
	if day == "" {
		return nil
	}
	_, err := ParseDay(day, field, label)
	return err
}

// CheckSupervisors checks and trims the supervision group.
func CheckSupervisors(group []Supervisor) ([]Supervisor, error) {
	if len(group) > 50 {
		return nil, Invalidf("supervisors", "监督小组最多50人")
	}
	out := make([]Supervisor, len(group))
	for i, m := range group {
		path := "supervisors[" + strconv.Itoa(i) + "]"
		m.Name, m.Phone = strings.TrimSpace(m.Name), strings.TrimSpace(m.Phone)
		if m.Name == "" || utf8.RuneCountInString(m.Name) > 32 {
			return nil, Invalidf(path+".name", "第%d位成员的姓名应为1到32个字", i+1)
		}
		if !slices.Contains(SupervisorRoles, m.Role) {
			return nil, Invalidf(path+".role", "身份应为 %s 之一", strings.Join(SupervisorRoles, "、"))
		}
		if strings.Trim(m.Phone, "0123456789-+ ") != "" || len(m.Phone) > 20 {
			return nil, Invalidf(path+".phone", "电话只能包含数字、空格、+ 和 -")
		}
		out[i] = m
	}
	return out, nil
}

// CheckSatisfactionGoal: a goal above 0 and at most 100%.
func CheckSatisfactionGoal(goal Percent) error {
	if goal <= 0 || goal > 10000 {
		return Invalidf("goal", "满意率目标应在 0 到 100 之间")
	}
	return nil
}

// NewInspection is a visit of the supervision group as a worker records
// it at at, checked: who came, what they found, the issues they raised.
func NewInspection(projectID int64, day Date, inspectors []string, findings string, issues []string, photos [][]byte, by int64, at time.Time) (*Inspection, error) {
	if len(inspectors) == 0 || len(inspectors) > 20 {
		return nil, Invalidf("inspectors", "请填写参加检查的人（1到20人）")
	}
	in := &Inspection{ProjectID: projectID, Day: day.String(), Inspectors: inspectors, Findings: strings.TrimSpace(findings),
		Photos: photos, RecordedBy: by, CreatedAt: at}
	for i, text := range issues {
		text = strings.TrimSpace(text)
		if text == "" || utf8.RuneCountInString(text) > 200 {
			return nil, Invalidf("issues["+strconv.Itoa(i)+"]", "每个问题写1到200字")
		}
		in.Issues = append(in.Issues, &InspectionIssue{ProjectID: projectID, Text: text})
	}
	if in.Findings == "" || utf8.RuneCountInString(findings) > 1000 {
		return nil, Invalidf("findings", "请填写检查情况（最多1000字）")
	}
	return in, nil
}

// FixIssue marks an issue fixed on day, once: a fix already recorded
// stays as it is (conflict).
func FixIssue(is *InspectionIssue, day Date, note string, photo []byte, at time.Time) error {
	if is.FixedDay != "" {
		return Errorf(ECodeConflict, "问题 %d 已于 %s 整改，整改记录不能再改", is.ID, is.FixedDay)
	}
	is.FixedDay, is.FixedNote, is.FixedPhoto, is.FixedAt = day.String(), strings.TrimSpace(note), photo, &at
	is.HasFixPhoto = len(photo) > 0
	return nil
}

// NewFeedback is a resident's message received at at (householdID 0:
// anonymous, from the public page), checked.
func NewFeedback(projectID, householdID int64, category, text string, photo []byte, photoType string, at time.Time) (*Feedback, error) {
	if !slices.Contains(FeedbackCategories, category) {
		return nil, Invalidf("category", "类别应为 %s 之一", strings.Join(FeedbackCategories, "、"))
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return nil, Invalidf("text", "请写下您的意见")
	case n > MaxFeedbackRunes:
		return nil, Invalidf("text", "意见最多%d字，现有%d字", MaxFeedbackRunes, n)
	}
	if len(photo) == 0 {
		photoType = ""
	}
	return &Feedback{ProjectID: projectID, HouseholdID: householdID, Category: category, Text: text, Photo: photo, PhotoType: photoType, CreatedAt: at}, nil
}

// AnswerFeedback answers a message (again, until it is closed).
func AnswerFeedback(f *Feedback, text string, by int64, at time.Time) error {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return Invalidf("text", "请写下答复（最多1000字）")
	}
	if f.ClosedAt != nil {
		return Errorf(ECodeConflict, "意见 %d 已于 %s 关闭，不能再答复", f.ID, BeijingMinute(*f.ClosedAt))
	}
	f.Answer, f.AnsweredBy, f.AnsweredAt = text, by, &at
	return nil
}

// CloseFeedback closes a message, once; its sender may then rate it.
func CloseFeedback(f *Feedback, at time.Time) error {
	if f.ClosedAt != nil {
		return Errorf(ECodeConflict, "意见 %d 已于 %s 关闭", f.ID, BeijingMinute(*f.ClosedAt))
	}
	f.ClosedAt = &at
	return nil
}

// RateFeedback is the 回访: the household that sent a closed message rates
// how it was handled, once. Another household's message is not found.
func RateFeedback(f *Feedback, householdID int64, rating string, at time.Time) error {
	if f.HouseholdID == 0 || f.HouseholdID != householdID {
		return Errorf(ECodeNotFound, "没有这条意见")
	}
	if !slices.Contains(FeedbackRatings, rating) {
		return Invalidf("rating", "评价应为 %s 之一", strings.Join(FeedbackRatings, "、"))
	}
	if f.ClosedAt == nil {
		return Errorf(ECodeConflict, "这条意见还在处理中，处理完毕后才能评价")
	}
	if f.Rating != "" {
		return Errorf(ECodeConflict, "这条意见已评价为“%s”，评价不能更改", f.Rating)
	}
	f.Rating, f.RatedAt = rating, &at
	return nil
}
