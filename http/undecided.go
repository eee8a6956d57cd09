package http

import (
	"mime"
	"net/http"
	"strconv"
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

// undecidedXLSX is the same list as a workbook to call down: room, owner,
// phone, whether the link was opened and when last.
func (s *Server) undecidedXLSX(c echo.Context) error {
	l, err := s.undecided(c)
	if err != nil {
		return err
	}
	rows := [][]any{{"房号", "楼层", "面积", "业主", "电话", "签署链接", "打开次数", "最近打开（北京时间）", "跟进记录"}}
	for _, u := range l.Households {
		h := u.Household
		link, views, last := "没有有效链接，请补发", "0", "从未打开"
		if v := u.Link; v != nil {
			link, views = "已发放 "+engine.BeijingMinute(v.IssuedAt), strconv.FormatInt(v.Views, 10)
			if v.LastAt != nil {
				last = engine.BeijingMinute(*v.LastAt)
			}
		}
		rows = append(rows, []any{engine.CSVCell(h.Room), h.Floor, h.Area.String(), engine.CSVCell(h.OwnerName), engine.CSVCell(h.Phone), link, views, last, ""})
	}
	data, err := workbook("未表决", rows)
	if err != nil {
		return err
	}
	name := "undecided-" + itoa(l.Project.ID) + ".xlsx"
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, xlsxType, data)
}
