package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

type scenarioJSON struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Status      string          `json:"status"`
	Input       json.RawMessage `json:"input"`
	Result      json.RawMessage `json:"result"`
	SHA256      string          `json:"sha256"`
	CreatedAt   time.Time       `json:"created_at"`
	PublishedAt *time.Time      `json:"published_at"`
}

func toScenarioJSON(sc *engine.Scenario) scenarioJSON {
	return scenarioJSON{sc.ID, sc.Name, sc.Status, sc.Input, sc.Result, sc.SHA256, sc.CreatedAt, sc.PublishedAt}
}

// saveScenario creates a draft (POST) or changes one (PUT :sid).
func (s *Server) saveScenario(c echo.Context, status int) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var sid int64
	if c.Param("sid") != "" {
		if sid, err = pathID(c, "sid"); err != nil {
			return err
		}
	}
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	sc, err := s.app.SaveScenario(c.Request().Context(), workerOf(c), id, sid, data)
	if err != nil {
		return err
	}
	return c.JSON(status, toScenarioJSON(sc))
}

func (s *Server) createScenario(c echo.Context) error { return s.saveScenario(c, http.StatusCreated) }

// updateScenario changes a draft; a published scenario is frozen (409).
func (s *Server) updateScenario(c echo.Context) error { return s.saveScenario(c, http.StatusOK) }

func (s *Server) listScenarios(c echo.Context) error {
	return projectList(c, s.app.Scenarios, toScenarioJSON)
}

func (s *Server) getScenario(c echo.Context) error {
	id, sid, err := pathIDs(c, "id", "sid")
	if err != nil {
		return err
	}
	sc, err := s.app.Scenario(c.Request().Context(), workerOf(c), id, sid)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toScenarioJSON(sc))
}

// compare shows what each household and floor pays under 2–4 scenarios
// (?ids=3,5,8) with their summaries; the older ?a=&b= answers two
// scenarios and their difference as before.
func (s *Server) compare(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if list := c.QueryParam("ids"); list != "" {
		var ids []int64
		for _, part := range strings.Split(list, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || n <= 0 {
				return engine.Invalidf("ids", "请用 ?ids=3,5,8 指定要比较的 2 到 4 个方案编号（用逗号分隔）")
			}
			ids = append(ids, n)
		}
		cmp, err := s.app.CompareMany(c.Request().Context(), workerOf(c), id, ids)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, cmp)
	}
	var ids [2]int64
	for i, param := range []string{"a", "b"} {
		n, err := strconv.ParseInt(c.QueryParam(param), 10, 64)
		if err != nil || n <= 0 {
			return engine.Invalidf(param, "请用 ?a=方案编号&b=方案编号 指定要比较的两个方案")
		}
		ids[i] = n
	}
	cmp, err := s.app.Compare(c.Request().Context(), workerOf(c), id, ids[0], ids[1])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cmp)
}

type publishRequest struct {
	Rule     json.RawMessage `json:"rule"`
	Deadline string          `json:"deadline"`
	// ObjectionDays is the objection window's length (0: the default).
	ObjectionDays int `json:"objection_days"`
	deadline      time.Time
}

func (r *publishRequest) Validate() error {
	if len(r.Rule) == 0 || string(r.Rule) == "null" {
		return engine.Invalidf("rule", "请选择表决规则：civil_code_major（改建，3/4）、civil_code_ordinary（一般事项，过半数）或自定义")
	}
	if _, err := engine.ParseRule(r.Rule); err != nil {
		var ee *engine.Error
		if errors.As(err, &ee) && !strings.HasPrefix(ee.Field, "rule") {
			ee.Field = "rule"
		}
		return err
	}
	d, err := engine.ParseDeadline(r.Deadline, "deadline")
	if err != nil {
		return err
	}
	r.deadline = d
	return nil
}

type publishResponse struct {
	Ballot struct {
		ID       int64           `json:"id"`
		Rule     json.RawMessage `json:"rule"`
		Deadline time.Time       `json:"deadline"`
		SHA256   string          `json:"sha256"`
	} `json:"ballot"`
	Links []app.Link `json:"links"`
}

// publish freezes a scenario, opens the vote and issues one signing link
// per household.
func (s *Server) publish(c echo.Context) error {
	id, sid, err := pathIDs(c, "id", "sid")
	if err != nil {
		return err
	}
	var req publishRequest
	if err := bind(c, 8<<10, &req); err != nil {
		return err
	}
	pub, err := s.app.PublishWithWindow(c.Request().Context(), workerOf(c), id, sid, req.Rule, req.deadline, req.ObjectionDays)
	if err != nil {
		return err
	}
	var out publishResponse
	b := pub.Ballot
	out.Ballot.ID, out.Ballot.Rule, out.Ballot.Deadline, out.Ballot.SHA256 = b.ID, b.Rule, b.Deadline, b.SHA256
	out.Links = pub.Links
	return c.JSON(http.StatusCreated, out)
}
