package http

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

// householdJSON is a household as the API shows it to its worker.
type householdJSON struct {
	ID          int64       `json:"id"`
	Room        string      `json:"room"`
	Floor       int         `json:"floor"`
	Area        engine.Area `json:"area"`
	Owner       string      `json:"owner"`
	OwnerID     string      `json:"owner_id"`
	Phone       string      `json:"phone"`
	Hardship    bool        `json:"hardship"`
	Exempt      bool        `json:"exempt"`
	MustConsent bool        `json:"must_consent"`
}

type projectJSON struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Address    string          `json:"address"`
	Floors     int             `json:"floors"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Households []householdJSON `json:"households"`
	Ballot     int64           `json:"ballot"` // the current ballot, 0 before publishing
}

func toProjectJSON(p *engine.Project) projectJSON {
	out := projectJSON{ID: p.ID, Name: p.Name, Address: p.Address, Floors: p.Floors, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Households: make([]householdJSON, len(p.Households))}
	for i, h := range p.Households {
		out.Households[i] = householdJSON{h.ID, h.Room, h.Floor, h.Area, h.OwnerName, h.OwnerID, h.Phone, h.Hardship, h.Exempt, h.MustConsent}
	}
	return out
}

func (s *Server) createProject(c echo.Context) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	in, err := engine.ParseProjectInput(data)
	if err != nil {
		return err
	}
	if err := s.printable("name", "项目名称", in.Name); err != nil {
		return err
	}
	if err := s.printable("address", "地址", in.Address); err != nil {
		return err
	}
	if err := s.printableHouseholds(in.Households); err != nil {
		return err
	}
	p := &engine.Project{OwnerID: workerOf(c).ID, Name: in.Name, Address: in.Address, Floors: in.Floors, Households: in.Households}
	if err := s.store.CreateProject(c.Request().Context(), p); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toProjectJSON(p))
}

func (s *Server) listProjects(c echo.Context) error {
	ps, err := s.store.Projects(c.Request().Context(), workerOf(c))
	if err != nil {
		return err
	}
	out := make([]projectJSON, len(ps))
	for i, p := range ps {
		if out[i], err = s.projectJSON(c, p); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// projectJSON adds the current ballot to a project's JSON.
func (s *Server) projectJSON(c echo.Context, p *engine.Project) (projectJSON, error) {
	out := toProjectJSON(p)
	b, err := s.store.CurrentBallot(c.Request().Context(), p.ID)
	switch {
	case err == nil:
		out.Ballot = b.ID
	case engine.ErrorCode(err) != engine.ECodeNotFound:
		return out, err
	}
	return out, nil
}

// project loads the :id project if the worker may see it.
func (s *Server) project(c echo.Context) (*engine.Project, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return s.store.Project(c.Request().Context(), workerOf(c), id)
}

func (s *Server) getProject(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	out, err := s.projectJSON(c, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// replaceHouseholds takes JSON, or CSV with the header of DESIGN §7.
func (s *Server) replaceHouseholds(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	data, err := readBody(c, maxCSVBody)
	if err != nil {
		return err
	}
	var hs []engine.Household
	ct := c.Request().Header.Get("Content-Type")
	if strings.HasPrefix(ct, "text/csv") || strings.HasPrefix(ct, "application/csv") {
		hs, err = engine.ParseHouseholdsCSV(data, p.Floors)
	} else {
		hs, err = engine.ParseHouseholds(data, p.Floors)
	}
	if err != nil {
		return err
	}
	if err := s.printableHouseholds(hs); err != nil {
		return err
	}
	if err := s.store.ReplaceHouseholds(c.Request().Context(), p.ID, hs); err != nil {
		return err
	}
	p.Households = hs
	return c.JSON(http.StatusOK, toProjectJSON(p))
}

// printable refuses text the PDF font cannot print, naming the character,
// where it is entered rather than when it is printed.
func (s *Server) printable(field, label, text string) error {
	if s.printer == nil {
		return nil
	}
	if c := s.printer.Unprintable(text); c != "" {
		return engine.Invalidf(field, "%s中的字符“%s”无法打印在协议上，请改用常用字（如同音字）", label, c)
	}
	return nil
}

func (s *Server) printableHouseholds(hs []engine.Household) error {
	for i, h := range hs {
		who := "第" + itoa(int64(i+1)) + "户（" + h.Room + "）的"
		path := "households[" + itoa(int64(i)) + "]"
		for _, f := range []struct{ key, label, text string }{{"room", "房号", h.Room}, {"owner", "业主姓名", h.OwnerName}} {
			if err := s.printable(path+"."+f.key, who+f.label, f.text); err != nil {
				return err
			}
		}
	}
	return nil
}
