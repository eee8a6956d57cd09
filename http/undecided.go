package http

import (
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

type undecidedJSON struct {
	Room     string      `json:"room"`
	Floor    int         `json:"floor"`
	Area     engine.Area `json:"area"`
	Owner    string      `json:"owner"`
	Phone    string      `json:"phone"`
	Masked   string      `json:"phone_masked"`
	Linked   bool        `json:"linked"` // has a live signing link
	IssuedAt *time.Time  `json:"issued_at"`
	Views    int64       `json:"views"`
	LastView *time.Time  `json:"last_view"`
}

type undecidedListJSON struct {
	Ballot     int64           `json:"ballot"`
	Deadline   time.Time       `json:"deadline"`
	Open       bool            `json:"open"`
	Households []undecidedJSON `json:"households"`
	Reminder   string          `json:"reminder"`
}

func toUndecidedJSON(l *app.UndecidedList) undecidedListJSON {
	out := undecidedListJSON{Ballot: l.Tally.Ballot, Deadline: l.Tally.Deadline, Open: l.Tally.Open, Households: []undecidedJSON{}, Reminder: l.Reminder}
	for _, u := range l.Households {
		h := u.Household
		j := undecidedJSON{Room: h.Room, Floor: h.Floor, Area: h.Area, Owner: h.OwnerName, Phone: h.Phone, Masked: engine.MaskPhone(h.Phone)}
		if v := u.Link; v != nil {
			j.Linked, j.IssuedAt, j.Views, j.LastView = true, &v.IssuedAt, v.Views, v.LastAt
		}
		out.Households = append(out.Households, j)
	}
	return out
}

func (s *Server) undecided(c echo.Context) (*app.UndecidedList, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.app.Undecided(c.Request().Context(), workerOf(c), id)
}

// undecidedList is who has not decided on the current ballot yet.
func (s *Server) undecidedList(c echo.Context) error {
	l, err := s.undecided(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUndecidedJSON(l))
}

// undecidedXLSX is the same list as a workbook to call down: room, area,
// owner, phone, whether the household must consent, whether the link was
// opened and when last; area and views as numbers.
func (s *Server) undecidedXLSX(c echo.Context) error {
	l, err := s.undecided(c)
	if err != nil {
		return err
	}
	yes := map[bool]string{true: "是", false: "否"}
	sh := &sheet{Name: "未表决", Title: l.Project.Name + " 未表决住户名单", AsOf: s.app.Now(), Columns: []column{
		{"房号", 10}, {"楼层", 8}, {"面积", 12}, {"业主", 14}, {"电话", 16}, {"必须同意", 10}, {"签署链接", 26}, {"打开次数", 10}, {"最近打开（北京时间）", 22}, {"跟进记录", 30}}}
	for _, u := range l.Households {
		h := u.Household
		link, views, last := "没有有效链接，请补发", int64(0), "从未打开"
		if v := u.Link; v != nil {
			link, views = "已发放 "+engine.BeijingMinute(v.IssuedAt), v.Views
			if v.LastAt != nil {
				last = engine.BeijingMinute(*v.LastAt)
			}
		}
		sh.Rows = append(sh.Rows, []any{engine.CSVCell(h.Room), h.Floor, h.Area, engine.CSVCell(h.OwnerName), engine.CSVCell(h.Phone), yes[h.MustConsent], link, views, last, ""})
	}
	data, err := sh.workbook()
	if err != nil {
		return err
	}
	name := "undecided-" + itoa(l.Project.ID) + ".xlsx"
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, xlsxType, data)
}
