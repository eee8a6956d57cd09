package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

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

func (s *Server) createScenario(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	sc := &engine.Scenario{ProjectID: p.ID}
	if err := s.readScenario(c, p, sc); err != nil {
		return err
	}
	if err := s.store.CreateScenario(c.Request().Context(), sc); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toScenarioJSON(sc))
}

// readScenario reads a scenario body (the calculation contract without
// households), computes it with the project's households and fills sc.
func (s *Server) readScenario(c echo.Context, p *engine.Project, sc *engine.Scenario) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	in, res, err := engine.ComputeScenario(p, data)
	if err != nil {
		return err
	}
	if err := s.printableScenario(in); err != nil {
		return err
	}
	var input bytes.Buffer
	if err := json.Compact(&input, data); err != nil {
		return jsonError(err)
	}
	sc.Input = input.Bytes()
	sc.Result, _ = json.Marshal(res)
	switch {
	case strings.TrimSpace(in.Name) != "":
		sc.Name = in.Name
	case sc.Name == "":
		sc.Name = "方案 " + s.now().In(beijing).Format("01-02 15:04")
	}
	return nil
}

func (s *Server) listScenarios(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	scs, err := s.store.Scenarios(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	out := make([]scenarioJSON, len(scs))
	for i, sc := range scs {
		out[i] = toScenarioJSON(sc)
	}
	return c.JSON(http.StatusOK, out)
}

// scenario loads :sid of the :id project.
func (s *Server) scenario(c echo.Context, p *engine.Project, param string) (*engine.Scenario, error) {
	var sid int64
	if param == "sid" {
		id, err := pathID(c, "sid")
		if err != nil {
			return nil, err
		}
		sid = id
	} else if _, err := fmt.Sscan(c.QueryParam(param), &sid); err != nil || sid <= 0 {
		return nil, engine.Invalidf(param, "请用 ?a=方案编号&b=方案编号 指定要比较的两个方案")
	}
	return s.store.Scenario(c.Request().Context(), p.ID, sid)
}

// projectScenario loads the :id project and its :sid scenario.
func (s *Server) projectScenario(c echo.Context) (*engine.Project, *engine.Scenario, error) {
	p, err := s.project(c)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.scenario(c, p, "sid")
	return p, sc, err
}

func (s *Server) getScenario(c echo.Context) error {
	_, sc, err := s.projectScenario(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toScenarioJSON(sc))
}

// updateScenario changes a draft; a published scenario is frozen (409).
func (s *Server) updateScenario(c echo.Context) error {
	p, sc, err := s.projectScenario(c)
	if err != nil {
		return err
	}
	if sc.Published() {
		return engine.Errorf(engine.ECodeConflict, "方案已发布，不能再修改；请新建一个方案（可复制原方案内容）后重新发布，已收集的意见不会转到新方案")
	}
	if err := s.readScenario(c, p, sc); err != nil {
		return err
	}
	if err := s.store.UpdateScenario(c.Request().Context(), sc); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toScenarioJSON(sc))
}

type compareRow struct {
	Room  string     `json:"room,omitempty"`
	Floor int        `json:"floor"`
	A     engine.Fen `json:"a"`
	B     engine.Fen `json:"b"`
	Diff  engine.Fen `json:"diff"`
}

type compareJSON struct {
	A          scenarioRef  `json:"a"`
	B          scenarioRef  `json:"b"`
	Households []compareRow `json:"households"`
	Floors     []compareRow `json:"floors"`
	Total      compareRow   `json:"total"`
}

type scenarioRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// compare shows what each household and floor pays under two scenarios
// (a → b), and the difference.
func (s *Server) compare(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	a, err := s.scenario(c, p, "a")
	if err != nil {
		return err
	}
	b, err := s.scenario(c, p, "b")
	if err != nil {
		return err
	}
	var ra, rb engine.CalcResult
	if json.Unmarshal(a.Result, &ra) != nil || json.Unmarshal(b.Result, &rb) != nil {
		return engine.Errorf(engine.ECodeInternal, "stored result does not parse")
	}
	out := compareJSON{A: scenarioRef{a.ID, a.Name}, B: scenarioRef{b.ID, b.Name}, Households: []compareRow{}, Floors: []compareRow{}}
	due := map[string]engine.Fen{}
	for _, h := range ra.Households {
		due[h.ID] = h.Due
	}
	seen := map[string]bool{}
	for _, h := range rb.Households {
		seen[h.ID] = true
		out.Households = append(out.Households, compareRow{Room: h.ID, Floor: h.Floor, A: due[h.ID], B: h.Due, Diff: h.Due - due[h.ID]})
	}
	for _, h := range ra.Households {
		if !seen[h.ID] {
			out.Households = append(out.Households, compareRow{Room: h.ID, Floor: h.Floor, A: h.Due, Diff: -h.Due})
		}
	}
	floors := map[int]*compareRow{}
	var order []int
	add := func(floor int, a, b engine.Fen) {
		r, ok := floors[floor]
		if !ok {
			r = &compareRow{Floor: floor}
			floors[floor] = r
			order = append(order, floor)
		}
		r.A += a
		r.B += b
		r.Diff = r.B - r.A
	}
	for _, f := range ra.FloorTotals {
		add(f.Floor, f.Due, 0)
	}
	for _, f := range rb.FloorTotals {
		add(f.Floor, 0, f.Due)
	}
	slices.Sort(order)
	for _, f := range order {
		out.Floors = append(out.Floors, *floors[f])
	}
	out.Total = compareRow{A: ra.TotalDue, B: rb.TotalDue, Diff: rb.TotalDue - ra.TotalDue}
	return c.JSON(http.StatusOK, out)
}

type publishRequest struct {
	Rule     json.RawMessage `json:"rule"`
	Deadline string          `json:"deadline"`
	rule     engine.Rule
	deadline time.Time
	now      time.Time
}

func (r *publishRequest) Validate() error {
	if len(r.Rule) == 0 || string(r.Rule) == "null" {
		return engine.Invalidf("rule", "请选择表决规则：civil_code_major（改建，3/4）、civil_code_ordinary（一般事项，过半数）或自定义")
	}
	rule, err := engine.ParseRule(r.Rule)
	if err != nil {
		if ee, ok := err.(*engine.Error); ok && !strings.HasPrefix(ee.Field, "rule") {
			ee.Field = "rule"
		}
		return err
	}
	r.rule = rule
	d, err := parseDeadline(r.Deadline)
	if err != nil {
		return err
	}
	if !d.After(r.now) {
		return engine.Invalidf("deadline", "截止时间 %s 已经过去，请选择将来的时间", d.In(beijing).Format("2006-01-02 15:04"))
	}
	if d.After(r.now.AddDate(1, 0, 0)) {
		return engine.Invalidf("deadline", "截止时间不能晚于一年之后")
	}
	r.deadline = d
	return nil
}

// parseDeadline reads RFC 3339, or a 北京时间 date and time as people type
// it ("2027-03-01 18:00", "2027-03-01": the end of that day).
func parseDeadline(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Microsecond), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, beijing); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, beijing); err == nil {
		return t.Add(24*time.Hour - time.Second).UTC(), nil
	}
	return time.Time{}, engine.Invalidf("deadline", "截止时间“%s”无法识别，请写成 2027-03-01 18:00（北京时间）", clip(s, 40))
}

type linkJSON struct {
	Household int64  `json:"household"`
	Room      string `json:"room"`
	URL       string `json:"url"`
}

type publishResponse struct {
	Ballot struct {
		ID       int64           `json:"id"`
		Rule     json.RawMessage `json:"rule"`
		Deadline time.Time       `json:"deadline"`
		SHA256   string          `json:"sha256"`
	} `json:"ballot"`
	Links []linkJSON `json:"links"`
}

// publish freezes a scenario, opens the vote and issues one signing link
// per household.
func (s *Server) publish(c echo.Context) error {
	p, sc, err := s.projectScenario(c)
	if err != nil {
		return err
	}
	req := publishRequest{now: s.now()}
	if err := bind(c, 8<<10, &req); err != nil {
		return err
	}
	if sc.Published() {
		return engine.Errorf(engine.ECodeConflict, "这个方案已经发布过了；如需修改，请复制为新方案后重新发布")
	}
	// Recompute with today's households: the draft may be older.
	_, res, err := engine.ComputeScenario(p, sc.Input)
	if err != nil {
		return err
	}
	calcDoc, _ := engine.ScenarioCalcInput(p, sc.Input)
	result, _ := json.Marshal(res)
	canonical := engine.CanonicalScenario(p, sc, calcDoc, result)
	ctx := c.Request().Context()
	if !bytes.Equal(result, sc.Result) {
		sc.Result = result
		if err := s.store.UpdateScenario(ctx, sc); err != nil {
			return err
		}
	}
	var rule bytes.Buffer
	json.Compact(&rule, req.Rule)
	pub := &engine.PublishRequest{ProjectID: p.ID, ScenarioID: sc.ID, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
		Rule: rule.Bytes(), Deadline: req.deadline, Actor: "worker:" + itoa(workerOf(c).ID), At: s.now()}
	links := make([]linkJSON, len(p.Households))
	for i, h := range p.Households {
		token, hash := engine.NewToken()
		pub.Links = append(pub.Links, engine.SigningLink{HouseholdID: h.ID, TokenHash: hash, ExpiresAt: req.deadline})
		links[i] = linkJSON{Household: h.ID, Room: h.Room, URL: s.baseURL + "/s/" + token}
	}
	b, err := s.store.Publish(ctx, pub)
	if err != nil {
		return err
	}
	var out publishResponse
	out.Ballot.ID, out.Ballot.Rule, out.Ballot.Deadline, out.Ballot.SHA256 = b.ID, b.Rule, b.Deadline, b.SHA256
	out.Links = links
	return c.JSON(http.StatusCreated, out)
}

// printableScenario refuses names in a scenario that the agreements could
// not print.
func (s *Server) printableScenario(in *engine.CalcInput) error {
	if err := s.printable("name", "方案名称", in.Name); err != nil {
		return err
	}
	for i, c := range in.Costs {
		if err := s.printable("costs["+itoa(int64(i))+"].name", "第"+itoa(int64(i+1))+"项费用的名称", c.Name); err != nil {
			return err
		}
	}
	for i, sub := range in.Subsidies {
		if err := s.printable("subsidies["+itoa(int64(i))+"].name", "第"+itoa(int64(i+1))+"项补贴的名称", sub.Name); err != nil {
			return err
		}
	}
	return nil
}
