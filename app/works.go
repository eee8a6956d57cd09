package app

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/renovote/renovote/engine"
)

// Works is a project's stages, supervision group and goal.
func (a *App) Works(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Works, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return a.store.Works(ctx, p.ID)
}

func checkDayText(day, field, label string, optional bool) error {
	if day == "" && optional {
		return nil
	}
	_, err := engine.ParseDay(day, field, label)
	return err
}

// SaveStages replaces the project's stages (names, planned and actual days).
func (a *App) SaveStages(ctx context.Context, w *engine.Worker, projectID int64, stages []engine.Stage) (*engine.Works, error) {
	works, err := a.Works(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	if len(stages) == 0 || len(stages) > 30 {
		return nil, engine.Invalidf("stages", "请列出1到30个阶段")
	}
	for i, s := range stages {
		path := "stages[" + strconv.Itoa(i) + "]"
		s.Name = strings.TrimSpace(s.Name)
		if s.Name == "" || utf8.RuneCountInString(s.Name) > 20 {
			return nil, engine.Invalidf(path+".name", "第%d个阶段的名称应为1到20个字", i+1)
		}
		if err := checkDayText(s.Planned, path+".planned", "计划日期", true); err != nil {
			return nil, err
		}
		if err := checkDayText(s.Actual, path+".actual", "实际日期", true); err != nil {
			return nil, err
		}
		for _, t := range []struct{ field, label, text string }{{".name", "阶段名称", s.Name}, {".note", "备注", s.Note}} {
			if err := a.printable(path+t.field, t.label, t.text); err != nil {
				return nil, err
			}
		}
		if utf8.RuneCountInString(s.Note) > 200 {
			return nil, engine.Invalidf(path+".note", "备注最多200字")
		}
		stages[i] = s
	}
	works.Stages = stages
	return works, a.store.SaveWorks(ctx, works, actor(w))
}

// SaveSupervisors replaces the supervision group.
func (a *App) SaveSupervisors(ctx context.Context, w *engine.Worker, projectID int64, group []engine.Supervisor) (*engine.Works, error) {
	works, err := a.Works(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	if len(group) > 50 {
		return nil, engine.Invalidf("supervisors", "监督小组最多50人")
	}
	for i, m := range group {
		path := "supervisors[" + strconv.Itoa(i) + "]"
		m.Name, m.Phone = strings.TrimSpace(m.Name), strings.TrimSpace(m.Phone)
		if m.Name == "" || utf8.RuneCountInString(m.Name) > 32 {
			return nil, engine.Invalidf(path+".name", "第%d位成员的姓名应为1到32个字", i+1)
		}
		if !slices.Contains(engine.SupervisorRoles, m.Role) {
			return nil, engine.Invalidf(path+".role", "身份应为 %s 之一", strings.Join(engine.SupervisorRoles, "、"))
		}
		if strings.Trim(m.Phone, "0123456789-+ ") != "" || len(m.Phone) > 20 {
			return nil, engine.Invalidf(path+".phone", "电话只能包含数字、空格、+ 和 -")
		}
		if err := a.printable(path+".name", "姓名", m.Name); err != nil {
			return nil, err
		}
		group[i] = m
	}
	works.Supervisors = group
	return works, a.store.SaveWorks(ctx, works, actor(w))
}

// SetSatisfactionGoal sets the goal the satisfaction rate is shown against.
func (a *App) SetSatisfactionGoal(ctx context.Context, w *engine.Worker, projectID int64, goal engine.Percent) (*engine.Works, error) {
	works, err := a.Works(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	if goal <= 0 || goal > 10000 {
		return nil, engine.Invalidf("goal", "满意率目标应在 0 到 100 之间")
	}
	works.SatisfactionGoal = goal
	return works, a.store.SaveWorks(ctx, works, actor(w))
}

// InspectionInput is an inspection as a worker records it.
type InspectionInput struct {
	Day        string
	Inspectors []string
	Findings   string
	Issues     []string
	Photos     [][]byte // re-encoded
}

// RecordInspection records a visit of the supervision group and the issues
// it raised.
func (a *App) RecordInspection(ctx context.Context, w *engine.Worker, projectID int64, in InspectionInput) (*engine.Inspection, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	day, err := engine.ParseDay(in.Day, "date", "检查日期")
	if err != nil {
		return nil, err
	}
	if err := a.checkDay(day, "date"); err != nil {
		return nil, err
	}
	if len(in.Inspectors) == 0 || len(in.Inspectors) > 20 {
		return nil, engine.Invalidf("inspectors", "请填写参加检查的人（1到20人）")
	}
	texts := []struct{ field, label, text string }{{"findings", "检查情况", in.Findings}}
	for i, name := range in.Inspectors {
		texts = append(texts, struct{ field, label, text string }{"inspectors[" + strconv.Itoa(i) + "]", "检查人", name})
	}
	for i, is := range in.Issues {
		if strings.TrimSpace(is) == "" || utf8.RuneCountInString(is) > 200 {
			return nil, engine.Invalidf("issues["+strconv.Itoa(i)+"]", "每个问题写1到200字")
		}
		texts = append(texts, struct{ field, label, text string }{"issues[" + strconv.Itoa(i) + "]", "问题", is})
	}
	if strings.TrimSpace(in.Findings) == "" || utf8.RuneCountInString(in.Findings) > 1000 {
		return nil, engine.Invalidf("findings", "请填写检查情况（最多1000字）")
	}
	for _, t := range texts {
		if err := a.printable(t.field, t.label, t.text); err != nil {
			return nil, err
		}
	}
	rec := &engine.Inspection{ProjectID: p.ID, Day: day.String(), Inspectors: in.Inspectors, Findings: strings.TrimSpace(in.Findings),
		Photos: in.Photos, RecordedBy: w.ID, CreatedAt: a.now()}
	for _, is := range in.Issues {
		rec.Issues = append(rec.Issues, &engine.InspectionIssue{Text: strings.TrimSpace(is)})
	}
	return rec, a.store.RecordInspection(ctx, rec, actor(w))
}

// Inspections lists a project's inspections, newest first.
func (a *App) Inspections(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Inspection, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return a.store.Inspections(ctx, p.ID)
}

// FixIssue marks an issue an inspection raised as fixed.
func (a *App) FixIssue(ctx context.Context, w *engine.Worker, projectID, issueID int64, day, note string, photo []byte) (*engine.InspectionIssue, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	d, err := engine.ParseDay(day, "date", "整改日期")
	if err != nil {
		return nil, err
	}
	if err := a.printable("note", "整改说明", note); err != nil {
		return nil, err
	}
	is := &engine.InspectionIssue{ID: issueID, ProjectID: p.ID, FixedDay: d.String(), FixedNote: strings.TrimSpace(note), FixedPhoto: photo}
	return is, a.store.FixIssue(ctx, is, actor(w))
}

// FeedbackInput is what a resident sends.
type FeedbackInput struct {
	Category  string
	Text      string
	Photo     []byte
	PhotoType string
}

func (a *App) checkFeedback(in *FeedbackInput) error {
	if !slices.Contains(engine.FeedbackCategories, in.Category) {
		return engine.Invalidf("category", "类别应为 %s 之一", strings.Join(engine.FeedbackCategories, "、"))
	}
	in.Text = strings.TrimSpace(in.Text)
	switch n := utf8.RuneCountInString(in.Text); {
	case n == 0:
		return engine.Invalidf("text", "请写下您的意见")
	case n > engine.MaxFeedbackRunes:
		return engine.Invalidf("text", "意见最多%d字，现有%d字", engine.MaxFeedbackRunes, n)
	}
	return a.printable("text", "意见", in.Text)
}

// SendFeedback records a household's opinion or complaint through its
// link; the link keeps working for this after the vote closes.
func (a *App) SendFeedback(ctx context.Context, token string, in FeedbackInput) (*engine.Feedback, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.checkFeedback(&in); err != nil {
		return nil, err
	}
	f := &engine.Feedback{ProjectID: sg.Project.ID, HouseholdID: sg.Household.ID, Category: in.Category, Text: in.Text, Photo: in.Photo, PhotoType: in.PhotoType,
		CreatedAt: a.now()}
	return f, a.store.RecordFeedback(ctx, f, engine.HouseholdActor(sg.Household.ID))
}

// SendPublicFeedback records an anonymous message from the public page.
func (a *App) SendPublicFeedback(ctx context.Context, slug string, in FeedbackInput) (*engine.Feedback, error) {
	if len(slug) != 24 || strings.Trim(slug, "0123456789abcdef") != "" {
		return nil, engine.Errorf(engine.ECodeNotFound, "没有这个公示页面")
	}
	p, err := a.store.ProjectBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	in.Photo, in.PhotoType = nil, "" // anonymous: no photo
	if err := a.checkFeedback(&in); err != nil {
		return nil, err
	}
	f := &engine.Feedback{ProjectID: p.ID, Category: in.Category, Text: in.Text, CreatedAt: a.now()}
	return f, a.store.RecordFeedback(ctx, f, engine.ActorPublic)
}

// FeedbackList is a project's feedback, for its worker.
func (a *App) FeedbackList(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return a.store.Feedback(ctx, p.ID)
}

// AnswerFeedback answers a message (again, until it is closed).
func (a *App) AnswerFeedback(ctx context.Context, w *engine.Worker, projectID, feedbackID int64, text string) (*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	f, err := a.store.FeedbackByID(ctx, p.ID, feedbackID)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 1000 {
		return nil, engine.Invalidf("text", "请写下答复（最多1000字）")
	}
	if err := a.printable("text", "答复", text); err != nil {
		return nil, err
	}
	f.Answer, f.AnsweredBy = text, w.ID
	return f, a.store.UpdateFeedback(ctx, f, "answered", actor(w), a.now())
}

// CloseFeedback closes a message; the sender may then rate the handling.
func (a *App) CloseFeedback(ctx context.Context, w *engine.Worker, projectID, feedbackID int64) (*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	f, err := a.store.FeedbackByID(ctx, p.ID, feedbackID)
	if err != nil {
		return nil, err
	}
	return f, a.store.UpdateFeedback(ctx, f, "closed", actor(w), a.now())
}

// RateFeedback is the 回访: the sender rates how a closed message was
// handled. Only the household that sent it may (another's answers 404).
func (a *App) RateFeedback(ctx context.Context, token string, feedbackID int64, rating string) (*engine.Feedback, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	f, err := a.store.FeedbackByID(ctx, sg.Project.ID, feedbackID)
	if err != nil || f.HouseholdID != sg.Household.ID {
		return nil, engine.Errorf(engine.ECodeNotFound, "没有这条意见")
	}
	if !slices.Contains(engine.FeedbackRatings, rating) {
		return nil, engine.Invalidf("rating", "评价应为 %s 之一", strings.Join(engine.FeedbackRatings, "、"))
	}
	if f.ClosedAt == nil {
		return nil, engine.Errorf(engine.ECodeConflict, "这条意见还在处理中，处理完毕后才能评价")
	}
	f.Rating = rating
	return f, a.store.UpdateFeedback(ctx, f, "rated", engine.HouseholdActor(sg.Household.ID), a.now())
}

// householdFeedback is what a household sent, with the answers.
func (a *App) householdFeedback(ctx context.Context, projectID, householdID int64) ([]*engine.Feedback, error) {
	all, err := a.store.Feedback(ctx, projectID)
	if err != nil {
		return nil, err
	}
	var out []*engine.Feedback
	for _, f := range all {
		if f.HouseholdID == householdID {
			out = append(out, f)
		}
	}
	return out, nil
}

// Progress sums the works, the feedback and the money up.
func (a *App) Progress(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Progress, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return a.progress(ctx, p)
}

func (a *App) progress(ctx context.Context, p *engine.Project) (*engine.Progress, error) {
	works, err := a.store.Works(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	inspections, err := a.store.Inspections(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	feedback, err := a.store.Feedback(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	st, err := a.statement(ctx, p)
	if err != nil {
		return nil, err
	}
	satisfied, rated, err := a.ratingAnswers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return engine.ProgressOf(works, inspections, feedback, satisfied, rated,
		engine.MoneyFigures{Budget: st.Budget, Received: st.In, Spent: st.Out}, a.now()), nil
}

// ratingAnswers counts the answers to the rating questions of the
// project's questionnaires (the satisfaction survey at handover): 4 and 5
// are satisfied.
func (a *App) ratingAnswers(ctx context.Context, projectID int64) (satisfied, rated int, err error) {
	qs, err := a.store.Questionnaires(ctx, projectID)
	if err != nil {
		return 0, 0, err
	}
	for _, q := range qs {
		questions, err := engine.ParseQuestions(q.Questions)
		if err != nil {
			return 0, 0, err
		}
		rs, err := a.store.LatestResponses(ctx, q.ID)
		if err != nil {
			return 0, 0, err
		}
		for _, r := range rs {
			answers, err := engine.ParseAnswers(questions, r.Answers)
			if err != nil {
				return 0, 0, err
			}
			for _, qq := range questions {
				if v, ok := answers[qq.ID].(int); ok && qq.Kind == engine.KindRating {
					rated++
					if v >= 4 {
						satisfied++
					}
				}
			}
		}
	}
	return satisfied, rated, nil
}

// ProgressPDF is the progress 公示 for the notice board.
func (a *App) ProgressPDF(ctx context.Context, w *engine.Worker, projectID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	pg, err := a.progress(ctx, p)
	if err != nil {
		return nil, err
	}
	r := &engine.ProgressReport{Project: p, Progress: pg, Printed: a.now(), PublicURL: a.PublicURL(p), KeyFingerprint: a.KeyFingerprint()}
	if r.Anchor, err = a.anchor(ctx, p.ID); err != nil {
		return nil, err
	}
	return a.render(ctx, p.ID, actor(w), "progress", "progress.pdf", func(buf *bytes.Buffer) error { return a.printer.ProgressReport(buf, r) })
}

// Photo is a photo kept with a record of project id (engine.PhotoKinds),
// for its worker; n counts an inspection's photos from 1. Who looked at
// what is recorded: the photos show signatures and handwriting.
func (a *App) Photo(ctx context.Context, w *engine.Worker, projectID int64, kind string, id int64, n int) ([]byte, string, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, "", err
	}
	if !slices.Contains(engine.PhotoKinds, kind) {
		return nil, "", engine.Errorf(engine.ECodeNotFound, "没有这类照片")
	}
	data, typ, err := a.store.Photo(ctx, p.ID, kind, id, n)
	if err != nil {
		return nil, "", err
	}
	switch {
	case typ == "image/jpeg" || typ == "image/png":
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		typ = "image/jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		typ = "image/png"
	default:
		return nil, "", engine.Errorf(engine.ECodeInternal, "照片 %s/%d 的格式无法识别", kind, id)
	}
	err = a.store.AppendAudit(ctx, &engine.AuditEvent{ProjectID: p.ID, Kind: engine.AuditPhotoViewed, Actor: actor(w), At: a.now(),
		Data: engine.AuditData(map[string]any{"kind": kind, "id": id, "n": n})})
	return data, typ, err
}
