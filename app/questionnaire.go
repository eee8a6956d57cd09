package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// QuestionnaireInput is a questionnaire as a worker writes it; the caller
// has read the question list (engine.ParseQuestions) and the deadline.
type QuestionnaireInput struct {
	Title     string
	Questions json.RawMessage
	Deadline  time.Time
}

// SentQuestionnaire is a questionnaire and its links (shown once).
type SentQuestionnaire struct {
	Questionnaire *engine.Questionnaire
	Links         []Link
}

func (a *App) checkQuestionnaire(in *QuestionnaireInput) error {
	qs, err := engine.ParseQuestions(in.Questions)
	if err != nil {
		return err
	}
	// everything here reaches the results PDF on the notice board
	if err := a.printable("title", "问卷标题", in.Title); err != nil {
		return err
	}
	for i, q := range qs {
		path, who := "questions["+strconv.Itoa(i)+"]", "第"+strconv.Itoa(i+1)+"题"
		if err := a.printable(path+".text", who+"的题目", q.Text); err != nil {
			return err
		}
		for j, item := range q.Items {
			if err := a.printable(path+".items["+strconv.Itoa(j)+"]", who+"的选项", item); err != nil {
				return err
			}
		}
		for j, option := range q.Options {
			if err := a.printable(path+".options["+strconv.Itoa(j)+"]", who+"的选项", option); err != nil {
				return err
			}
		}
	}
	if !in.Deadline.After(a.now()) {
		return engine.Invalidf("deadline", "截止时间已经过去，请选择将来的时间")
	}
	return nil
}

// SendQuestionnaire sends a questionnaire to every household of one
// project: one link each.
func (a *App) SendQuestionnaire(ctx context.Context, w *engine.Worker, projectID int64, in QuestionnaireInput) (*SentQuestionnaire, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	if err := a.checkQuestionnaire(&in); err != nil {
		return nil, err
	}
	if len(p.Households) == 0 {
		return nil, engine.Invalidf("households", "项目还没有住户：请先导入住户名单")
	}
	sent, send := a.prepareQuestionnaire(p, &in, "")
	if err := a.sendQuestionnaires(ctx, []engine.QuestionnaireSend{send}, actor(w)); err != nil {
		return nil, err
	}
	return sent, nil
}

// SentGroup is a 小区-wide questionnaire: one per project under one key.
type SentGroup struct {
	Group          string
	Questionnaires []*SentQuestionnaire
}

// SendGroupQuestionnaire sends one questionnaire to several projects of
// the worker (a whole 小区): one questionnaire per project under one group
// key, all stored in one transaction, results that add up over the group.
func (a *App) SendGroupQuestionnaire(ctx context.Context, w *engine.Worker, projectIDs []int64, in QuestionnaireInput) (*SentGroup, error) {
	if len(projectIDs) == 0 || len(projectIDs) > 100 {
		return nil, engine.Invalidf("projects", "请选择要发放问卷的项目（1到100个）")
	}
	if err := a.checkQuestionnaire(&in); err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var projects []*engine.Project
	for i, id := range projectIDs {
		field := "projects[" + strconv.Itoa(i) + "]"
		if seen[id] {
			return nil, engine.Invalidf(field, "项目 %d 重复", id)
		}
		seen[id] = true
		p, err := a.project(ctx, w, id, ActWrite)
		if err != nil {
			var ee *engine.Error
			if errors.As(err, &ee) && ee.Field == "" {
				ee.Field = field
			}
			return nil, err
		}
		if len(p.Households) == 0 {
			return nil, engine.Invalidf(field, "项目“%s”还没有住户", p.Name)
		}
		projects = append(projects, p)
	}
	_, key := engine.NewToken()
	out := &SentGroup{Group: key[:16]}
	sends := make([]engine.QuestionnaireSend, len(projects))
	for i, p := range projects {
		var sent *SentQuestionnaire
		sent, sends[i] = a.prepareQuestionnaire(p, &in, out.Group)
		out.Questionnaires = append(out.Questionnaires, sent)
	}
	if err := a.sendQuestionnaires(ctx, sends, actor(w)); err != nil {
		return nil, err
	}
	return out, nil
}

// sendQuestionnaires stores open questionnaires with their links, each
// with its event on its project's chain, in one unit of work: a 小区-wide
// questionnaire reaches every project or none.
func (a *App) sendQuestionnaires(ctx context.Context, sends []engine.QuestionnaireSend, actor string) error {
	now := a.now()
	at := now.UTC().Truncate(time.Microsecond)
	return a.inTx(ctx, func(ctx context.Context) error {
		for _, send := range sends {
			q := send.Questionnaire
			q.Status, q.CreatedAt, q.Deadline = engine.QuestionnaireOpen, at, q.Deadline.UTC().Truncate(time.Microsecond)
			for i := range send.Links {
				l := &send.Links[i]
				l.CreatedAt = at
				if l.ExpiresAt.IsZero() {
					l.ExpiresAt = q.Deadline
				}
			}
			if err := a.store.InsertQuestionnaire(ctx, q, send.Links); err != nil {
				return err
			}
			if err := a.extend(ctx, q.ProjectID, engine.QuestionnaireSent(q, send.Links, actor, at)); err != nil {
				return err
			}
		}
		return nil
	})
}

// prepareQuestionnaire makes a project's questionnaire and its links.
func (a *App) prepareQuestionnaire(p *engine.Project, in *QuestionnaireInput, group string) (*SentQuestionnaire, engine.QuestionnaireSend) {
	var compact bytes.Buffer
	if json.Compact(&compact, in.Questions) != nil {
		compact.Reset()
		compact.Write(in.Questions) // already parsed: cannot happen
	}
	q := &engine.Questionnaire{ProjectID: p.ID, Title: strings.TrimSpace(in.Title), Questions: compact.Bytes(), Deadline: in.Deadline, GroupKey: group}
	links := make([]engine.SurveyLink, len(p.Households))
	out := &SentQuestionnaire{Questionnaire: q, Links: make([]Link, len(p.Households))}
	for i, h := range p.Households {
		token, hash := engine.NewEntryToken(p.ID)
		links[i] = engine.SurveyLink{HouseholdID: h.ID, TokenHash: hash, SealedToken: a.sealToken(token)}
		out.Links[i] = Link{Household: h.ID, Room: h.Room, URL: a.linkURL("q", token)}
	}
	return out, engine.QuestionnaireSend{Questionnaire: q, Links: links}
}

// Questionnaires lists a project's questionnaires.
func (a *App) Questionnaires(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Questionnaire, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Questionnaires(ctx, p.ID)
}

// CloseQuestionnaire stops a questionnaire taking answers.
func (a *App) CloseQuestionnaire(ctx context.Context, w *engine.Worker, projectID, qid int64) (*engine.Questionnaire, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	now := a.now()
	var q *engine.Questionnaire
	err = a.inTx(ctx, func(ctx context.Context) error {
		if q, err = a.store.Questionnaire(ctx, p.ID, qid); err != nil {
			return err
		}
		if err := q.Close(now); err != nil {
			return err
		}
		if err := a.store.CloseQuestionnaire(ctx, q); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.QuestionnaireEnded(q, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (a *App) questionnaire(ctx context.Context, w *engine.Worker, projectID, qid int64, act Action) (*engine.Project, *engine.Questionnaire, error) {
	p, err := a.project(ctx, w, projectID, act)
	if err != nil {
		return nil, nil, err
	}
	q, err := a.store.Questionnaire(ctx, p.ID, qid)
	return p, q, err
}

// SurveyResults is a questionnaire's live results; a 小区-wide
// questionnaire also carries the results of the whole group.
type SurveyResults struct {
	Questionnaire *engine.Questionnaire
	Questions     []engine.Question
	*engine.SurveyTally
	Group *engine.SurveyTally
}

// QuestionnaireResults tallies a questionnaire (and its group).
func (a *App) QuestionnaireResults(ctx context.Context, w *engine.Worker, projectID, qid int64) (*SurveyResults, error) {
	p, q, err := a.questionnaire(ctx, w, projectID, qid, ActRead)
	if err != nil {
		return nil, err
	}
	return a.surveyResults(ctx, w, p, q)
}

func (a *App) surveyResults(ctx context.Context, w *engine.Worker, p *engine.Project, q *engine.Questionnaire) (*SurveyResults, error) {
	qs, err := engine.ParseQuestions(q.Questions)
	if err != nil {
		return nil, err
	}
	own, err := a.surveyPart(ctx, p, q)
	if err != nil {
		return nil, err
	}
	out := &SurveyResults{Questionnaire: q, Questions: qs}
	if out.SurveyTally, err = engine.TallySurvey(qs, []engine.SurveyPart{own}); err != nil || q.GroupKey == "" {
		return out, err
	}
	group, err := a.store.QuestionnaireGroup(ctx, q.GroupKey)
	if err != nil {
		return nil, err
	}
	var parts []engine.SurveyPart
	for _, gq := range group {
		gp, err := a.project(ctx, w, gq.ProjectID, ActRead)
		if err != nil {
			return nil, err
		}
		part, err := a.surveyPart(ctx, gp, gq)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	out.Group, err = engine.TallySurvey(qs, parts)
	return out, err
}

func (a *App) surveyPart(ctx context.Context, p *engine.Project, q *engine.Questionnaire) (engine.SurveyPart, error) {
	rs, err := a.store.LatestResponses(ctx, p.ID, q.ID)
	return engine.SurveyPart{ProjectName: p.Name, Households: p.Households, Responses: rs}, err
}

// Answering is what a questionnaire token opens.
type Answering struct {
	Link          *engine.SurveyLink
	Questionnaire *engine.Questionnaire
	Questions     []engine.Question
	Household     engine.Household
	Project       *engine.Project
	Latest        *engine.SurveyResponse // this household's latest answers, or nil
}

// OpenAnswering resolves a questionnaire token.
func (a *App) OpenAnswering(ctx context.Context, token string) (*Answering, error) {
	notFound := engine.Errorf(engine.ECodeNotFound, "问卷链接无效：请核对链接是否完整，或联系社区工作人员")
	projectID, found, err := a.tokenProject(ctx, engine.EntrySurvey, token)
	if err != nil || !found {
		return nil, orNotFound(err, notFound)
	}
	l, err := a.store.SurveyLinkByTokenHash(ctx, projectID, engine.HashToken(token))
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	if err := a.surveyLinkIssued(ctx, l); err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	an := &Answering{Link: l}
	if an.Project, err = a.store.Project(ctx, l.ProjectID); err != nil {
		return nil, err
	}
	if an.Questionnaire, err = a.store.Questionnaire(ctx, an.Project.ID, l.QuestionnaireID); err != nil {
		return nil, err
	}
	if an.Questions, err = engine.ParseQuestions(an.Questionnaire.Questions); err != nil {
		return nil, err
	}
	if an.Household, err = household(an.Project, l.HouseholdID); err != nil {
		return nil, notFound
	}
	rs, err := a.store.LatestResponses(ctx, an.Project.ID, an.Questionnaire.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.HouseholdID == an.Household.ID {
			an.Latest = r
		}
	}
	return an, nil
}

// Answer records a household's answers ({question id: answer}); the
// latest counts, the same idempotency key replays.
func (a *App) Answer(ctx context.Context, token string, answers json.RawMessage, key, ip, userAgent string) (*engine.SurveyResponse, bool, error) {
	an, err := a.OpenAnswering(ctx, token)
	if err != nil {
		return nil, false, err
	}
	parsed, err := engine.ParseAnswers(an.Questions, answers)
	if err != nil {
		var ee *engine.Error
		if errors.As(err, &ee) {
			ee.Field = "answers." + strings.TrimPrefix(ee.Field, "answers.")
		}
		return nil, false, err
	}
	canonical, err := json.Marshal(parsed)
	if err != nil {
		return nil, false, err
	}
	now := a.now()
	r := &engine.SurveyResponse{ProjectID: an.Project.ID, QuestionnaireID: an.Questionnaire.ID, HouseholdID: an.Household.ID, Answers: canonical,
		IdempotencyKey: key, IP: ip, UserAgent: userAgent, CreatedAt: now.UTC().Truncate(time.Microsecond)}
	replay := false
	err = a.inTx(ctx, func(ctx context.Context) error {
		q, err := a.store.Questionnaire(ctx, an.Project.ID, an.Questionnaire.ID)
		if err != nil {
			return err
		}
		earlier, err := a.store.ResponseByKey(ctx, q.ProjectID, q.ID, key)
		if err != nil {
			return err
		}
		if earlier != nil {
			replay = true
			r, err = engine.ReplayAnswer(earlier, r)
			return err
		}
		if err := q.AcceptsAnswer(r.CreatedAt); err != nil {
			return err
		}
		if err := a.store.InsertResponse(ctx, r); err != nil {
			return err
		}
		return a.extend(ctx, an.Project.ID, engine.QuestionnaireAnswered(an.Project.ID, r, now))
	})
	if err != nil {
		return nil, false, err
	}
	return r, replay, nil
}

// surveyLinkIssued refuses a questionnaire link that no signed event
// issued (DESIGN §15), like a signing link: the questionnaire_opened event
// that carries its token's hash must lie on the chain the server's key
// signed. A proven link stays proven (links are append-only).
func (a *App) surveyLinkIssued(ctx context.Context, l *engine.SurveyLink) error {
	key := engine.LinkProof{TokenHash: l.TokenHash, ID: l.ID, Ballot: -l.QuestionnaireID, Household: l.HouseholdID}
	if a.links.provenKey(key) {
		return nil
	}
	events, err := a.store.QuestionnaireSentEvents(ctx, l.ProjectID)
	if err != nil {
		return err
	}
	refuse := func(why string) error {
		a.logger.Error("questionnaire link refused: no signed event issued it", "project", l.ProjectID, "link", l.ID, "err", why)
		return engine.Errorf(engine.ECodeNotFound, "问卷链接无效")
	}
	e := engine.SurveyLinkEvent(events, l)
	if e == nil {
		return refuse("没有登记这条问卷链接的事件")
	}
	proof, cp, err := a.store.EventProof(ctx, l.ProjectID, e.Seq)
	if err != nil {
		return err
	}
	if len(proof) == 0 || proof[0].Seq != e.Seq || proof[0].Hash != e.Hash {
		return refuse("登记事件不在签名存证覆盖的日志上")
	}
	if err := engine.ProveEvent(proof, cp, a.publicKey); err != nil {
		return refuse(err.Error())
	}
	a.links.remember(key)
	return nil
}
