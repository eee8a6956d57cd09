package app

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Works is a project's stages, supervision group and goal.
func (a *App) Works(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Works, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Works(ctx, p.ID)
}

// saveWorks writes a project's works as changed by change, in one unit
// of work with its event; time is read once.
func (a *App) saveWorks(ctx context.Context, w *engine.Worker, projectID int64, change func(*engine.Works)) (*engine.Works, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var works *engine.Works
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, p.ID); err != nil {
			return err
		}
		if works, err = a.store.Works(ctx, p.ID); err != nil {
			return err
		}
		before := works.Row() // the event vouches only for what this change writes
		if works.UpdatedAt.IsZero() {
			before = engine.Row{} // never saved: the first save images the whole row
		}
		change(works)
		works.UpdatedAt = now
		if err := a.store.SaveWorks(ctx, works); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.WorksSaved(before, works, actor(w)))
	})
	if err != nil {
		return nil, err
	}
	return works, nil
}

// SaveStages replaces the project's stages (names, planned and actual days).
func (a *App) SaveStages(ctx context.Context, w *engine.Worker, projectID int64, stages []engine.Stage) (*engine.Works, error) {
	if _, err := a.project(ctx, w, projectID, ActWrite); err != nil {
		return nil, err
	}
	stages, err := engine.CheckStages(stages)
	if err != nil {
		return nil, err
	}
	for i, s := range stages {
		path := "stages[" + strconv.Itoa(i) + "]"
		for _, t := range []struct{ field, label, text string }{{".name", "阶段名称", s.Name}, {".note", "备注", s.Note}} {
			if err := a.printable(path+t.field, t.label, t.text); err != nil {
				return nil, err
			}
		}
	}
	return a.saveWorks(ctx, w, projectID, func(works *engine.Works) { works.Stages = stages })
}

// SaveSupervisors replaces the supervision group.
func (a *App) SaveSupervisors(ctx context.Context, w *engine.Worker, projectID int64, group []engine.Supervisor) (*engine.Works, error) {
	if _, err := a.project(ctx, w, projectID, ActWrite); err != nil {
		return nil, err
	}
	group, err := engine.CheckSupervisors(group)
	if err != nil {
		return nil, err
	}
	for i, m := range group {
		if err := a.printable("supervisors["+strconv.Itoa(i)+"].name", "姓名", m.Name); err != nil {
			return nil, err
		}
	}
	return a.saveWorks(ctx, w, projectID, func(works *engine.Works) { works.Supervisors = group })
}

// SetSatisfactionGoal sets the goal the satisfaction rate is shown against.
func (a *App) SetSatisfactionGoal(ctx context.Context, w *engine.Worker, projectID int64, goal engine.Percent) (*engine.Works, error) {
	if _, err := a.project(ctx, w, projectID, ActWrite); err != nil {
		return nil, err
	}
	if err := engine.CheckSatisfactionGoal(goal); err != nil {
		return nil, err
	}
	return a.saveWorks(ctx, w, projectID, func(works *engine.Works) { works.SatisfactionGoal = goal })
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
// it raised, with its photos, in one unit of work with its event.
func (a *App) RecordInspection(ctx context.Context, w *engine.Worker, projectID int64, in InspectionInput) (*engine.Inspection, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	day, err := engine.ParseDay(in.Day, "date", "检查日期")
	if err != nil {
		return nil, err
	}
	if err := engine.CheckInspectionDay(a.now(), day, "date"); err != nil {
		return nil, err
	}
	now := a.now()
	rec, err := engine.NewInspection(p.ID, day, in.Inspectors, in.Findings, in.Issues, in.Photos, w.ID, now)
	if err != nil {
		return nil, err
	}
	texts := []struct{ field, label, text string }{{"findings", "检查情况", rec.Findings}}
	for i, name := range rec.Inspectors {
		texts = append(texts, struct{ field, label, text string }{"inspectors[" + strconv.Itoa(i) + "]", "检查人", name})
	}
	for i, is := range rec.Issues {
		texts = append(texts, struct{ field, label, text string }{"issues[" + strconv.Itoa(i) + "]", "问题", is.Text})
	}
	for _, t := range texts {
		if err := a.printable(t.field, t.label, t.text); err != nil {
			return nil, err
		}
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.InsertInspection(ctx, rec); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.InspectionRecorded(rec, actor(w)))
	})
	if err != nil {
		return nil, err
	}
	rec.PhotoCount = len(rec.Photos)
	return rec, nil
}

// Inspections lists a project's inspections, newest first.
func (a *App) Inspections(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Inspection, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Inspections(ctx, p.ID)
}

// FixIssue marks an issue an inspection raised as fixed, once.
func (a *App) FixIssue(ctx context.Context, w *engine.Worker, projectID, issueID int64, day, note string, photo []byte) (*engine.InspectionIssue, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
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
	now := a.now()
	var is *engine.InspectionIssue
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, p.ID); err != nil {
			return err
		}
		if is, err = a.store.Issue(ctx, p.ID, issueID); err != nil {
			return err
		}
		if err := engine.FixIssue(is, d, note, photo, now); err != nil {
			return err
		}
		if err := a.store.SaveIssueFix(ctx, is); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.IssueFixed(is, actor(w)))
	})
	if err != nil {
		return nil, err
	}
	return is, nil
}

// FeedbackInput is what a resident sends.
type FeedbackInput struct {
	Category  string
	Text      string
	Photo     []byte
	PhotoType string
}

// SendFeedback records a household's opinion or complaint through its
// link; the link keeps working for this after the vote closes. A link
// adds at most engine.LinkEventsPerDay events a day.
func (a *App) SendFeedback(ctx context.Context, token string, in FeedbackInput) (*engine.Feedback, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	now := a.now()
	pid, hid := sg.Project.ID, sg.Household.ID
	f, err := engine.NewFeedback(pid, hid, in.Category, in.Text, in.Photo, in.PhotoType, now)
	if err != nil {
		return nil, err
	}
	if err := a.printable("text", "意见", f.Text); err != nil {
		return nil, err
	}
	return f, a.inTx(ctx, func(ctx context.Context) error {
		if err := a.linkQuota(ctx, pid, hid, now); err != nil {
			return err
		}
		if err := a.store.InsertFeedback(ctx, f); err != nil {
			return err
		}
		return a.extend(ctx, pid, engine.FeedbackStep(f, engine.FeedbackReceived, engine.HouseholdActor(hid), now))
	})
}

// SendPublicFeedback records an anonymous message from the public page
// (without a photo). Its own limiter bounds it, per client (http).
func (a *App) SendPublicFeedback(ctx context.Context, slug string, in FeedbackInput) (*engine.Feedback, error) {
	p, err := a.slugProject(ctx, slug)
	if err != nil {
		return nil, err
	}
	now := a.now()
	f, err := engine.NewFeedback(p.ID, 0, in.Category, in.Text, nil, "", now)
	if err != nil {
		return nil, err
	}
	if err := a.printable("text", "意见", f.Text); err != nil {
		return nil, err
	}
	return f, a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.InsertFeedback(ctx, f); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.FeedbackStep(f, engine.FeedbackReceived, engine.ActorPublic, now))
	})
}

// FeedbackList is a project's feedback, for its worker.
func (a *App) FeedbackList(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Feedback(ctx, p.ID)
}

// handleFeedback applies one step of a message's handling (engine decides
// whether it may) in one unit of work with its event.
func (a *App) handleFeedback(ctx context.Context, projectID, feedbackID int64, step, who string, now time.Time,
	before func(ctx context.Context) error, apply func(f *engine.Feedback) error) (*engine.Feedback, error) {
	var f *engine.Feedback
	err := a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, projectID); err != nil {
			return err
		}
		var err error
		if f, err = a.store.FeedbackByID(ctx, projectID, feedbackID); err != nil {
			return err
		}
		if err := apply(f); err != nil {
			return err
		}
		if before != nil {
			if err := before(ctx); err != nil {
				return err
			}
		}
		if err := a.store.SaveFeedbackHandling(ctx, f); err != nil {
			return err
		}
		return a.extend(ctx, projectID, engine.FeedbackStep(f, step, who, now))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// AnswerFeedback answers a message (again, until it is closed). Answers
// take no idempotency key: answering twice records the later answer, and
// both are in the chain.
func (a *App) AnswerFeedback(ctx context.Context, w *engine.Worker, projectID, feedbackID int64, text string) (*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	if err := a.printable("text", "答复", strings.TrimSpace(text)); err != nil {
		return nil, err
	}
	now := a.now()
	return a.handleFeedback(ctx, p.ID, feedbackID, engine.FeedbackAnswered, actor(w), now, nil,
		func(f *engine.Feedback) error { return engine.AnswerFeedback(f, text, w.ID, now) })
}

// CloseFeedback closes a message; the sender may then rate the handling.
func (a *App) CloseFeedback(ctx context.Context, w *engine.Worker, projectID, feedbackID int64) (*engine.Feedback, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	now := a.now()
	return a.handleFeedback(ctx, p.ID, feedbackID, engine.FeedbackClosed, actor(w), now, nil,
		func(f *engine.Feedback) error { return engine.CloseFeedback(f, now) })
}

// RateFeedback is the 回访: the sender rates how a closed message was
// handled, once. Only the household that sent it may (another's answers
// 404). The rating counts against the link's daily quota.
func (a *App) RateFeedback(ctx context.Context, token string, feedbackID int64, rating string) (*engine.Feedback, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	now := a.now()
	pid, hid := sg.Project.ID, sg.Household.ID
	f, err := a.handleFeedback(ctx, pid, feedbackID, engine.FeedbackRated, engine.HouseholdActor(hid), now,
		func(ctx context.Context) error { return a.linkQuota(ctx, pid, hid, now) },
		func(f *engine.Feedback) error { return engine.RateFeedback(f, hid, rating, now) })
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		return nil, engine.Errorf(engine.ECodeNotFound, "没有这条意见")
	}
	return f, err
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
	p, err := a.project(ctx, w, projectID, ActRead)
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
		rs, err := a.store.LatestResponses(ctx, q.ProjectID, q.ID)
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
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, err
	}
	pg, err := a.progress(ctx, p)
	if err != nil {
		return nil, err
	}
	works, err := a.store.Works(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	inspections, err := a.store.Inspections(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	r := &engine.ProgressReport{Project: p, Progress: pg, Supervisors: works.Supervisors, OpenIssues: engine.OpenIssuesOf(inspections),
		Printed: a.now(), PublicURL: a.PublicURL(p), KeyFingerprint: a.KeyFingerprint()}
	if r.Anchor, err = a.anchor(ctx, p.ID); err != nil {
		return nil, err
	}
	if r.Collection, err = a.collection(ctx, p.ID, r.Printed); err != nil {
		return nil, err
	}
	return a.render(ctx, p.ID, actor(w), "progress", "progress.pdf", func(buf *bytes.Buffer) error { return a.printer.ProgressReport(buf, r) })
}

// Photo is a photo kept with a record of project id (engine.PhotoKinds),
// for its worker; n counts an inspection's photos from 1. Who looked at
// what is recorded: the photos show signatures and handwriting.
func (a *App) Photo(ctx context.Context, w *engine.Worker, projectID int64, kind string, id int64, n int) ([]byte, string, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
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
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		return a.extend(ctx, p.ID, &engine.AuditEvent{Kind: engine.AuditPhotoViewed, Actor: actor(w), At: now,
			Data: engine.AuditData(map[string]any{"kind": kind, "id": id, "n": n})})
	})
	if err != nil {
		return nil, "", err
	}
	return data, typ, nil
}
