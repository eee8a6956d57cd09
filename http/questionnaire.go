package http

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/pdf"
)

type questionnaireJSON struct {
	ID        int64           `json:"id"`
	Project   int64           `json:"project"`
	Title     string          `json:"title"`
	Status    string          `json:"status"`
	Deadline  time.Time       `json:"deadline"`
	Questions json.RawMessage `json:"questions"`
	Open      bool            `json:"open"`
	Group     string          `json:"group"`
}

func (s *Server) toQuestionnaireJSON(q *engine.Questionnaire) questionnaireJSON {
	return questionnaireJSON{q.ID, q.ProjectID, q.Title, q.Status, q.Deadline, q.Questions, q.Open(s.now()), q.GroupKey}
}

type questionnaireRequest struct {
	Title     string          `json:"title"`
	Questions json.RawMessage `json:"questions"`
	Deadline  string          `json:"deadline"`
	Projects  []int64         `json:"projects"` // a whole 小区: every project it goes to (POST /api/v1/questionnaires)
	questions []engine.Question
	deadline  time.Time
	now       time.Time
}

func (r *questionnaireRequest) Validate() error {
	if strings.TrimSpace(r.Title) == "" || len([]rune(r.Title)) > 100 {
		return engine.Invalidf("title", "请填写问卷标题（最多100字）")
	}
	if len(r.Questions) == 0 {
		return engine.Invalidf("questions", "问卷至少需要一道题")
	}
	qs, err := engine.ParseQuestions(r.Questions)
	if err != nil {
		return err
	}
	r.questions = qs
	if r.deadline, err = parseDeadline(r.Deadline); err != nil {
		return err
	}
	if !r.deadline.After(r.now) {
		return engine.Invalidf("deadline", "截止时间已经过去，请选择将来的时间")
	}
	return nil
}

// surveyPresets lists the item presets workers build questionnaires from.
func (s *Server) surveyPresets(c echo.Context) error {
	return c.JSON(http.StatusOK, engine.SurveyPresets)
}

// createQuestionnaire sends a questionnaire to every household of the
// project: one link each.
func (s *Server) createQuestionnaire(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	req := questionnaireRequest{now: s.now()}
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	if len(req.Projects) > 0 {
		return engine.Invalidf("projects", "发给多个项目（整个小区）的问卷请用 POST /api/v1/questionnaires")
	}
	q, links, err := s.sendQuestionnaire(c, p, &req, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"questionnaire": s.toQuestionnaireJSON(q), "links": links})
}

// createGroupQuestionnaire sends one questionnaire to several projects of
// the worker (a whole 小区): one questionnaire per project, one group key,
// results that add up over the group.
func (s *Server) createGroupQuestionnaire(c echo.Context) error {
	req := questionnaireRequest{now: s.now()}
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	if len(req.Projects) == 0 || len(req.Projects) > 100 {
		return engine.Invalidf("projects", "请选择要发放问卷的项目（1到100个）")
	}
	ctx := c.Request().Context()
	var projects []*engine.Project
	seen := map[int64]bool{}
	for i, id := range req.Projects {
		if seen[id] {
			return engine.Invalidf("projects["+itoa(int64(i))+"]", "项目 %d 重复", id)
		}
		seen[id] = true
		p, err := s.store.Project(ctx, workerOf(c), id)
		if err != nil {
			return err
		}
		if len(p.Households) == 0 {
			return engine.Invalidf("projects["+itoa(int64(i))+"]", "项目“%s”还没有住户", p.Name)
		}
		projects = append(projects, p)
	}
	_, key := engine.NewToken()
	key = key[:16]
	type sent struct {
		Questionnaire questionnaireJSON `json:"questionnaire"`
		Links         []linkJSON        `json:"links"`
	}
	var out []sent
	for _, p := range projects {
		q, links, err := s.sendQuestionnaire(c, p, &req, key)
		if err != nil {
			return err
		}
		out = append(out, sent{s.toQuestionnaireJSON(q), links})
	}
	return c.JSON(http.StatusCreated, map[string]any{"group": key, "questionnaires": out})
}

func (s *Server) sendQuestionnaire(c echo.Context, p *engine.Project, req *questionnaireRequest, group string) (*engine.Questionnaire, []linkJSON, error) {
	if len(p.Households) == 0 {
		return nil, nil, engine.Invalidf("households", "项目还没有住户：请先导入住户名单")
	}
	var compact bytes.Buffer
	json.Compact(&compact, req.Questions)
	q := &engine.Questionnaire{ProjectID: p.ID, Title: strings.TrimSpace(req.Title), Questions: compact.Bytes(), Deadline: req.deadline, GroupKey: group}
	links := make([]engine.SurveyLink, len(p.Households))
	out := make([]linkJSON, len(p.Households))
	for i, h := range p.Households {
		token, hash := engine.NewToken()
		links[i] = engine.SurveyLink{HouseholdID: h.ID, TokenHash: hash}
		out[i] = linkJSON{Household: h.ID, Room: h.Room, URL: s.baseURL + "/q/" + token}
	}
	if err := s.store.CreateQuestionnaire(c.Request().Context(), q, links); err != nil {
		return nil, nil, err
	}
	return q, out, nil
}

func (s *Server) listQuestionnaires(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	qs, err := s.store.Questionnaires(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	out := make([]questionnaireJSON, len(qs))
	for i, q := range qs {
		out[i] = s.toQuestionnaireJSON(q)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) questionnaire(c echo.Context) (*engine.Project, *engine.Questionnaire, error) {
	p, err := s.project(c)
	if err != nil {
		return nil, nil, err
	}
	qid, err := pathID(c, "qid")
	if err != nil {
		return nil, nil, err
	}
	q, err := s.store.Questionnaire(c.Request().Context(), p.ID, qid)
	return p, q, err
}

func (s *Server) closeQuestionnaire(c echo.Context) error {
	p, q, err := s.questionnaire(c)
	if err != nil {
		return err
	}
	if err := s.store.CloseQuestionnaire(c.Request().Context(), p.ID, q.ID, s.now()); err != nil {
		return err
	}
	q.Status = engine.QuestionnaireClosed
	return c.JSON(http.StatusOK, s.toQuestionnaireJSON(q))
}

// surveyResults is a questionnaire's live results: the contract's tally,
// the same by floor (low floors often want other things), the response
// rate, and the free texts for the worker. A 小区-wide questionnaire also
// carries the results of the whole group.
type surveyResults struct {
	Questionnaire questionnaireJSON    `json:"questionnaire"`
	Result        *engine.SurveyResult `json:"result"`
	ByFloor       []floorResult        `json:"by_floor"`
	Answered      int                  `json:"answered"`
	Households    int                  `json:"households"`
	ResponseRate  engine.Percent       `json:"response_rate"`
	Texts         []textAnswer         `json:"texts"`
	Projects      int                  `json:"projects"`
	Group         *surveyResults       `json:"group,omitempty"`
}

type floorResult struct {
	Floor  int                  `json:"floor"`
	Result *engine.SurveyResult `json:"result"`
}

type textAnswer struct {
	Room     string `json:"room"`
	Question string `json:"question"`
	Text     string `json:"text"`
}

// surveyPart is one project's share of a (group) questionnaire.
type surveyPart struct {
	project *engine.Project
	q       *engine.Questionnaire
}

// tallySurvey adds up the latest answers of the parts (one project, or
// every project of a 小区).
func (s *Server) tallySurvey(ctx context.Context, parts []surveyPart) (*surveyResults, []engine.Question, error) {
	qs, err := engine.ParseQuestions(parts[0].q.Questions)
	if err != nil {
		return nil, nil, err
	}
	in := &engine.SurveyInput{Questions: qs}
	floors := map[int]*engine.SurveyInput{}
	out := &surveyResults{Questionnaire: s.toQuestionnaireJSON(parts[0].q), Texts: []textAnswer{}, ByFloor: []floorResult{}, Projects: len(parts)}
	for _, part := range parts {
		rs, err := s.store.LatestResponses(ctx, part.q.ID)
		if err != nil {
			return nil, nil, err
		}
		byID := map[int64]engine.Household{}
		for _, h := range part.project.Households {
			byID[h.ID] = h
		}
		out.Households += len(part.project.Households)
		for _, r := range rs {
			answers, err := engine.ParseAnswers(qs, r.Answers)
			if err != nil {
				return nil, nil, err
			}
			h := byID[r.HouseholdID]
			room := h.Room
			if len(parts) > 1 {
				room = part.project.Name + " " + h.Room
			}
			a := engine.SurveyAnswer{Household: room, Floor: h.Floor, Answers: answers}
			in.Answers = append(in.Answers, a)
			if floors[h.Floor] == nil {
				floors[h.Floor] = &engine.SurveyInput{Questions: qs}
			}
			floors[h.Floor].Answers = append(floors[h.Floor].Answers, a)
			for _, qq := range qs {
				if t, ok := answers[qq.ID].(string); ok && qq.Kind == engine.KindText && strings.TrimSpace(t) != "" {
					out.Texts = append(out.Texts, textAnswer{Room: room, Question: qq.ID, Text: t})
				}
			}
		}
	}
	out.Result = engine.Survey(in)
	out.Answered = len(in.Answers)
	out.ResponseRate = engine.RatioHundredths(int64(out.Answered), int64(out.Households))
	var fs []int
	for f := range floors {
		fs = append(fs, f)
	}
	sort.Ints(fs)
	for _, f := range fs {
		out.ByFloor = append(out.ByFloor, floorResult{Floor: f, Result: engine.Survey(floors[f])})
	}
	return out, qs, nil
}

// groupParts loads every project of a 小区 questionnaire the worker may see.
func (s *Server) groupParts(c echo.Context, key string) ([]surveyPart, error) {
	qs, err := s.store.QuestionnaireGroup(c.Request().Context(), key)
	if err != nil {
		return nil, err
	}
	var parts []surveyPart
	for _, q := range qs {
		p, err := s.store.Project(c.Request().Context(), workerOf(c), q.ProjectID)
		if err != nil {
			return nil, err
		}
		parts = append(parts, surveyPart{p, q})
	}
	return parts, nil
}

func (s *Server) computeResults(c echo.Context, p *engine.Project, q *engine.Questionnaire) (*surveyResults, []engine.Question, error) {
	out, qs, err := s.tallySurvey(c.Request().Context(), []surveyPart{{p, q}})
	if err != nil || q.GroupKey == "" {
		return out, qs, err
	}
	parts, err := s.groupParts(c, q.GroupKey)
	if err != nil {
		return nil, nil, err
	}
	if out.Group, _, err = s.tallySurvey(c.Request().Context(), parts); err != nil {
		return nil, nil, err
	}
	return out, qs, nil
}

func (s *Server) questionnaireResults(c echo.Context) error {
	p, q, err := s.questionnaire(c)
	if err != nil {
		return err
	}
	out, _, err := s.computeResults(c, p, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// questionnaireResultsPDF prints the results for the 公示 board.
func (s *Server) questionnaireResultsPDF(c echo.Context) error {
	p, q, err := s.questionnaire(c)
	if err != nil {
		return err
	}
	out, qs, err := s.computeResults(c, p, q)
	if err != nil {
		return err
	}
	sr := &pdf.SurveyReport{Project: p, Title: q.Title, Questions: qs, Result: out.Result, Answered: out.Answered,
		Households: out.Households, Deadline: q.Deadline, Printed: s.now()}
	if g := out.Group; g != nil { // a 小区-wide questionnaire prints the whole 小区
		sr.Result, sr.Answered, sr.Households, sr.Projects = g.Result, g.Answered, g.Households, g.Projects
	}
	return s.sendPDF(c, p.ID, "survey.pdf", "survey:"+itoa(q.ID), func(buf *bytes.Buffer) error { return s.printer.SurveyReport(buf, sr) })
}

// answering is what a questionnaire token opens.
type answering struct {
	link      *engine.SurveyLink
	q         *engine.Questionnaire
	questions []engine.Question
	household engine.Household
	project   *engine.Project
}

func (s *Server) openAnswering(c echo.Context) (*answering, error) {
	token := c.Param("token")
	notFound := engine.Errorf(engine.ECodeNotFound, "问卷链接无效：请核对链接是否完整，或联系社区工作人员")
	if !validToken(token) {
		return nil, notFound
	}
	ctx := c.Request().Context()
	l, err := s.store.SurveyLinkByTokenHash(ctx, engine.HashToken(token))
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	a := &answering{link: l}
	ps, err := s.store.Project(ctx, &engine.Worker{Admin: true}, l.ProjectID)
	if err != nil {
		return nil, err
	}
	a.project = ps
	if a.q, err = s.store.Questionnaire(ctx, ps.ID, l.QuestionnaireID); err != nil {
		return nil, err
	}
	if a.questions, err = engine.ParseQuestions(a.q.Questions); err != nil {
		return nil, err
	}
	for _, h := range ps.Households {
		if h.ID == l.HouseholdID {
			a.household = h
		}
	}
	return a, nil
}

type answerView struct {
	Project       string            `json:"project"`
	Room          string            `json:"room"`
	Questionnaire questionnaireJSON `json:"questionnaire"`
	Answers       json.RawMessage   `json:"answers"`
	AnsweredAt    *time.Time        `json:"answered_at"`
}

func (s *Server) answerView(c echo.Context, a *answering) (*answerView, error) {
	v := &answerView{Project: a.project.Name, Room: a.household.Room, Questionnaire: s.toQuestionnaireJSON(a.q), Answers: json.RawMessage("null")}
	rs, err := s.store.LatestResponses(c.Request().Context(), a.q.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.HouseholdID == a.household.ID {
			v.Answers, v.AnsweredAt = r.Answers, &r.CreatedAt
		}
	}
	return v, nil
}

// answerGet shows the questionnaire and this household's latest answers.
func (s *Server) answerGet(c echo.Context) error {
	a, err := s.openAnswering(c)
	if err != nil {
		return err
	}
	v, err := s.answerView(c, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

type answerRequest struct {
	Answers        json.RawMessage `json:"answers"`
	IdempotencyKey string          `json:"idempotency_key"`
}

func (r *answerRequest) Validate() error {
	if len(r.Answers) == 0 || string(r.Answers) == "null" {
		return engine.Invalidf("answers", "请先回答问题再提交")
	}
	return validateKey(r.IdempotencyKey)
}

// answerPost records this household's answers (the latest counts).
func (s *Server) answerPost(c echo.Context) error {
	a, err := s.openAnswering(c)
	if err != nil {
		return err
	}
	var req answerRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	answers, err := engine.ParseAnswers(a.questions, req.Answers)
	if err != nil {
		if e, ok := err.(*engine.Error); ok {
			e.Field = strings.TrimPrefix(e.Field, "answers.")
			e.Field = "answers." + e.Field
		}
		return err
	}
	canonical, _ := json.Marshal(answers)
	r := &engine.SurveyResponse{QuestionnaireID: a.q.ID, HouseholdID: a.household.ID, Answers: canonical,
		IdempotencyKey: req.IdempotencyKey, IP: c.RealIP(), UserAgent: clip(c.Request().UserAgent(), 300), CreatedAt: s.now()}
	replay, err := s.store.RecordResponse(c.Request().Context(), r)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	return c.JSON(status, map[string]any{"id": r.ID, "answers": r.Answers, "answered_at": r.CreatedAt})
}

// answerPage is the phone-first questionnaire page.
func (s *Server) answerPage(c echo.Context) error {
	a, err := s.openAnswering(c)
	if err != nil {
		s.pages.message(c, statusOf[engine.ErrorCode(err)], "链接无效", errMessage(err))
		return nil
	}
	v, err := s.answerView(c, a)
	if err != nil {
		return err
	}
	return s.pages.render(c, http.StatusOK, "survey", map[string]any{"View": v, "Questions": a.questions, "Token": c.Param("token")})
}
