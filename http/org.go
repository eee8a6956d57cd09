package http

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// Organisations, accounts and the overview of many buildings (DESIGN §17).

type orgRequest struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	ParentID int64  `json:"parent_id"`
}

func (r *orgRequest) Validate() error {
	if !utf8.ValidString(r.Name) || len(r.Name) > 256 {
		return engine.Invalidf("name", "组织名称过长")
	}
	if r.ParentID < 0 {
		return engine.Invalidf("parent_id", "上级组织编号不能为负数")
	}
	return nil
}

func (s *Server) createOrg(c echo.Context) error {
	var req orgRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	o, err := s.app.AddOrg(c.Request().Context(), workerOf(c), app.OrgInput{Name: req.Name, Kind: req.Kind, ParentID: req.ParentID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, o)
}

func (s *Server) listOrgs(c echo.Context) error {
	tree, err := s.app.Orgs(c.Request().Context(), workerOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"orgs": tree})
}

type assignRequest struct {
	User string `json:"user"`
}

func (r *assignRequest) Validate() error {
	if strings.TrimSpace(r.User) == "" {
		return engine.Invalidf("user", "请填写要指派的用户名")
	}
	if len(r.User) > 64 || strings.ContainsFunc(r.User, isControl) {
		return engine.Invalidf("user", "用户名不正确")
	}
	return nil
}

func (s *Server) assignProject(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req assignRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	as, err := s.app.Assign(c.Request().Context(), workerOf(c), id, req.User)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, as)
}

type userRequest struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	OrgID       int64  `json:"org_id"`
	Role        string `json:"role"`
	Admin       bool   `json:"admin"`
}

func (r *userRequest) Validate() error {
	switch {
	case strings.TrimSpace(r.Username) == "":
		return engine.Invalidf("username", "请填写用户名")
	case len(r.Username) > 64 || strings.ContainsFunc(r.Username, isControl) || !utf8.ValidString(r.Username):
		return engine.Invalidf("username", "用户名最长64个字符，不能含控制字符")
	case !utf8.ValidString(r.DisplayName) || utf8.RuneCountInString(r.DisplayName) > 32:
		return engine.Invalidf("display_name", "显示名最长32个字")
	case len(r.Password) > 200:
		return engine.Invalidf("password", "密码太长")
	case r.OrgID < 0:
		return engine.Invalidf("org_id", "组织编号不能为负数")
	}
	return nil
}

// userJSON is an account as the console lists it (never its hash).
type userJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Admin       bool   `json:"admin"`
	OrgID       int64  `json:"org_id"`
	Role        string `json:"role"`
	RoleName    string `json:"role_name"`
}

func toUserJSON(w *engine.Worker) userJSON {
	name := engine.RoleNames[w.Role]
	if w.Admin {
		name = "管理员"
	}
	return userJSON{ID: w.ID, Username: w.Username, DisplayName: w.DisplayName, Admin: w.Admin, OrgID: w.OrgID, Role: w.Role, RoleName: name}
}

func (s *Server) createUser(c echo.Context) error {
	var req userRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	w := &engine.Worker{Username: req.Username, DisplayName: req.DisplayName, OrgID: req.OrgID, Role: req.Role, Admin: req.Admin}
	if err := s.app.AddUser(c.Request().Context(), workerOf(c), w, req.Password); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toUserJSON(w))
}

func (s *Server) listUsers(c echo.Context) error {
	ws, err := s.app.Users(c.Request().Context(), workerOf(c))
	if err != nil {
		return err
	}
	out := make([]userJSON, len(ws))
	for i, w := range ws {
		out[i] = toUserJSON(w)
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

// me is the logged-in account with where the console should land.
func (s *Server) me(c echo.Context) error {
	w := workerOf(c)
	return c.JSON(http.StatusOK, map[string]any{"user": toUserJSON(w), "home": app.Home(w)})
}

// overviewFilter reads ?stage=, ?org=, ?q=.
func overviewFilter(c echo.Context) (app.OverviewFilter, error) {
	f := app.OverviewFilter{Stage: c.QueryParam("stage"), Text: c.QueryParam("q")}
	if utf8.RuneCountInString(f.Text) > 64 || !utf8.ValidString(f.Text) {
		return f, engine.Invalidf("q", "搜索内容最长64个字")
	}
	if v := c.QueryParam("org"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, engine.Invalidf("org", "组织编号必须是正整数")
		}
		f.Org = n
	}
	return f, nil
}

func (s *Server) overview(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := overviewFilter(c)
	if err != nil {
		return err
	}
	ov, err := s.app.Overview(c.Request().Context(), workerOf(c), id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ov)
}

// overviewXLSX is the overview as a 城镇老旧小区改造 statistics return: one
// row per building (小区, 楼栋, 户数, the 加装电梯 stage, investment by source
// and the dates), a title row, an as-of row, the header, a total row.
func (s *Server) overviewXLSX(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f, err := overviewFilter(c)
	if err != nil {
		return err
	}
	ov, err := s.app.Overview(c.Request().Context(), workerOf(c), id, f)
	if err != nil {
		return err
	}
	sh := &sheet{Name: "加装电梯统计", Title: ov.Org.Name + " 既有住宅加装电梯项目统计表", AsOf: ov.AsOf, Columns: []column{
		{"序号", 6}, {"街道", 14}, {"社区", 14}, {"小区（地址）", 28}, {"楼栋（单元）", 24}, {"户数", 8}, {"加装电梯阶段", 12},
		{"政府补贴到位（元）", 18}, {"居民应出资（元）", 16}, {"居民出资到位（元）", 18}, {"社会资金到位（元）", 18}, {"到位资金合计（元）", 18},
		{"方案公示日期", 16}, {"表决结果公告日期", 18}, {"开工日期", 16}, {"完工日期", 16}}}
	for i, r := range ov.Rows {
		sh.Rows = append(sh.Rows, []any{i + 1, engine.CSVCell(r.Street), engine.CSVCell(r.Org), engine.CSVCell(r.Address), engine.CSVCell(r.Name),
			r.Households, r.Stage, r.Subsidy, r.Due, r.Collected, r.Society, r.Subsidy + r.Collected + r.Society,
			chineseDay(r.Published), chineseDay(r.Final), chineseDay(r.WorksStarted), chineseDay(r.Completed)})
	}
	t := ov.Totals
	sh.Rows = append(sh.Rows, []any{"合计", "", "", "", itoa(int64(t.Projects)) + " 个楼栋", t.Households, "",
		t.Subsidy, t.Due, t.Collected, t.Society, t.Subsidy + t.Collected + t.Society, "", "", "", ""})
	data, err := sh.workbook()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ov.Org.Name + "-加装电梯统计表.xlsx"}))
	return c.Blob(http.StatusOK, xlsxType, data)
}
