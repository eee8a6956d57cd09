package http

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
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
	return questionnaireJSON{q.ID, q.ProjectID, q.Title, q.Status, q.Deadline, q.Questions, q.Open(s.app.Now()), q.GroupKey}
}

type questionnaireRequest struct {
	Title     string          `json:"title"`
	Questions json.RawMessage `json:"questions"`
	Deadline  string          `json:"deadline"`
	Projects  []int64         `json:"projects"` // a whole 小区: every project it goes to (POST /api/v1/questionnaires)
	deadline  time.Time
}

func (r *questionnaireRequest) Validate() error {
	if strings.TrimSpace(r.Title) == "" || len([]rune(r.Title)) > 100 {
		return engine.Invalidf("title", "请填写问卷标题（最多100字）")
	}
	if len(r.Questions) == 0 {
		return engine.Invalidf("questions", "问卷至少需要一道题")
	}
	if _, err := engine.ParseQuestions(r.Questions); err != nil {
		return err
	}
	d, err := engine.ParseDeadline(r.Deadline, "deadline")
	r.deadline = d
	return err
}

func (r *questionnaireRequest) input() app.QuestionnaireInput {
	return app.QuestionnaireInput{Title: r.Title, Questions: r.Questions, Deadline: r.deadline}
}

// surveyPresets lists the item presets workers build questionnaires from.
func (s *Server) surveyPresets(c echo.Context) error {
	return c.JSON(http.StatusOK, s.app.SurveyPresets())
}

// surveyQuestions are the standard questions' wordings the console offers.
func (s *Server) surveyQuestions(c echo.Context) error {
	return c.JSON(http.StatusOK, s.app.SurveyQuestions())
}

type sentJSON struct {
	Questionnaire questionnaireJSON `json:"questionnaire"`
	Links         []app.Link        `json:"links"`
}

// createQuestionnaire sends a questionnaire to every household of the
// project: one link each.
func (s *Server) createQuestionnaire(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req questionnaireRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	if len(req.Projects) > 0 {
		return engine.Invalidf("projects", "发给多个项目（整个小区）的问卷请用 POST /api/v1/questionnaires")
	}
	sent, err := s.app.SendQuestionnaire(c.Request().Context(), workerOf(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sentJSON{s.toQuestionnaireJSON(sent.Questionnaire), sent.Links})
}

// createGroupQuestionnaire sends one questionnaire to several projects of
// the worker (a whole 小区).
func (s *Server) createGroupQuestionnaire(c echo.Context) error {
	var req questionnaireRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	g, err := s.app.SendGroupQuestionnaire(c.Request().Context(), workerOf(c), req.Projects, req.input())
	if err != nil {
		return err
	}
	out := struct {
		Group          string     `json:"group"`
		Questionnaires []sentJSON `json:"questionnaires"`
	}{Group: g.Group}
	for _, sent := range g.Questionnaires {
		out.Questionnaires = append(out.Questionnaires, sentJSON{s.toQuestionnaireJSON(sent.Questionnaire), sent.Links})
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listQuestionnaires(c echo.Context) error {
	return projectList(c, s.app.Questionnaires, s.toQuestionnaireJSON)
}

func (s *Server) closeQuestionnaire(c echo.Context) error {
	id, qid, err := pathIDs(c, "id", "qid")
	if err != nil {
		return err
	}
	q, err := s.app.CloseQuestionnaire(c.Request().Context(), workerOf(c), id, qid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toQuestionnaireJSON(q))
}

// surveyResultsJSON is a questionnaire's live results; a 小区-wide
// questionnaire also carries the results of the whole group.
type surveyResultsJSON struct {
	Questionnaire questionnaireJSON `json:"questionnaire"`
	*engine.SurveyTally
	Group *engine.SurveyTally `json:"group,omitempty"`
}

func (s *Server) questionnaireResults(c echo.Context) error {
	id, qid, err := pathIDs(c, "id", "qid")
	if err != nil {
		return err
	}
	res, err := s.app.QuestionnaireResults(c.Request().Context(), workerOf(c), id, qid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, surveyResultsJSON{s.toQuestionnaireJSON(res.Questionnaire), res.SurveyTally, res.Group})
}

// questionnaireResultsPDF prints the results for the 公示 board.
func (s *Server) questionnaireResultsPDF(c echo.Context) error {
	id, qid, err := pathIDs(c, "id", "qid")
	if err != nil {
		return err
	}
	doc, err := s.app.SurveyPDF(c.Request().Context(), workerOf(c), id, qid)
	return sendPDF(c, doc, err)
}

type answerView struct {
	Project       string            `json:"project"`
	Contact       engine.Contact    `json:"contact"`
	Room          string            `json:"room"`
	Questionnaire questionnaireJSON `json:"questionnaire"`
	Answers       json.RawMessage   `json:"answers"`
	AnsweredAt    *time.Time        `json:"answered_at"`
}

func (s *Server) toAnswerView(an *app.Answering) *answerView {
	v := &answerView{Project: an.Project.Name, Contact: an.Project.Contact, Room: an.Household.Room, Questionnaire: s.toQuestionnaireJSON(an.Questionnaire), Answers: json.RawMessage("null")}
	if r := an.Latest; r != nil {
		v.Answers, v.AnsweredAt = r.Answers, &r.CreatedAt
	}
	return v
}

// answerGet shows the questionnaire and this household's latest answers.
func (s *Server) answerGet(c echo.Context) error {
	an, err := s.app.OpenAnswering(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toAnswerView(an))
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

type answeredJSON struct {
	ID         int64           `json:"id"`
	Answers    json.RawMessage `json:"answers"`
	AnsweredAt time.Time       `json:"answered_at"`
}

// answerPost records this household's answers (the latest counts).
func (s *Server) answerPost(c echo.Context) error {
	var req answerRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	r, replay, err := s.app.Answer(c.Request().Context(), c.Param("token"), req.Answers, req.IdempotencyKey, c.RealIP(), clip(c.Request().UserAgent(), 300))
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	return c.JSON(status, answeredJSON{r.ID, r.Answers, r.CreatedAt})
}

// answerPage is the phone-first questionnaire page.
func (s *Server) answerPage(c echo.Context) error {
	an, err := s.app.OpenAnswering(c.Request().Context(), c.Param("token"))
	if err != nil {
		s.pages.message(c, statusOf[engine.ErrorCode(err)], "链接无效", errMessage(err))
		return nil
	}
	return s.pages.render(c, http.StatusOK, "survey", map[string]any{"View": s.toAnswerView(an), "Questions": an.Questions, "Token": c.Param("token")})
}
