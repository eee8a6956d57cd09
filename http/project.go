package http

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
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
	PhoneMasked string      `json:"phone_masked"` // for lists that are shown around or printed
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
	PublicURL  string          `json:"public_url"`
	Contact    engine.Contact  `json:"contact"`
	// ContactLine is the contact as slips print it (the pages' footer).
	ContactLine string `json:"contact_line"`
	// Terms are the agreement's particulars for the next plan.
	Terms engine.Terms `json:"terms"`
	// Today is the server's day in Beijing: the default day of the money
	// forms (a later day is refused), whatever the browser's clock says.
	Today engine.Date `json:"today"`
	// OrgID is the 社区 the project belongs to (0: none yet).
	OrgID int64 `json:"org_id"`
	// ReadOnly: the viewer may look, print and verify but change nothing.
	ReadOnly bool `json:"read_only"`
}

func (s *Server) toProjectJSON(p *engine.Project) projectJSON {
	out := projectJSON{ID: p.ID, Name: p.Name, Address: p.Address, Floors: p.Floors, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Households: make([]householdJSON, len(p.Households)), PublicURL: s.app.PublicURL(p), Contact: p.Contact,
		ContactLine: contactLine(p.Contact), Terms: p.Terms, Today: engine.DateOf(s.app.Now().In(engine.Beijing)), OrgID: p.OrgID}
	for i, h := range p.Households {
		out.Households[i] = toHouseholdJSON(h)
	}
	return out
}

func (s *Server) createProject(c echo.Context) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	p, err := s.app.CreateProject(c.Request().Context(), workerOf(c), data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.toProjectJSON(p))
}

func (s *Server) listProjects(c echo.Context) error {
	ps, err := s.app.Projects(c.Request().Context(), workerOf(c))
	if err != nil {
		return err
	}
	out := make([]projectJSON, len(ps))
	for i, p := range ps {
		out[i] = s.toProjectJSON(p.Project)
		out[i].Ballot = p.Ballot
	}
	return c.JSON(http.StatusOK, out)
}

// project loads the :id project if the worker may see it.
func (s *Server) project(c echo.Context) (app.ProjectView, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return app.ProjectView{}, err
	}
	return s.app.Project(c.Request().Context(), workerOf(c), id)
}

func (s *Server) getProject(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	out := s.toProjectJSON(p.Project)
	out.Ballot, out.ReadOnly = p.Ballot, p.ReadOnly
	return c.JSON(http.StatusOK, out)
}

// replaceHouseholds takes JSON, or CSV with the header of docs/api.md.
func (s *Server) replaceHouseholds(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := readBody(c, maxCSVBody)
	if err != nil {
		return err
	}
	if c.QueryParam("preview") == "1" {
		return s.previewHouseholds(c, id, data)
	}
	var p *engine.Project
	if t, isTable, err := householdsTable(c.Request().Header.Get("Content-Type"), data); err != nil {
		return err
	} else if isTable {
		p, err = s.app.ReplaceHouseholdsTable(c.Request().Context(), workerOf(c), id, t)
		if err != nil {
			return err
		}
	} else if p, err = s.app.ReplaceHouseholds(c.Request().Context(), workerOf(c), id, data, app.HouseholdsJSON); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toProjectJSON(p))
}

// householdsDiffJSON is what an import would do: households as the
// project shows them, changes field by field.
type householdsDiffJSON struct {
	Added   []householdJSON          `json:"added"`
	Changed []engine.HouseholdChange `json:"changed"`
	Removed []householdJSON          `json:"removed"`
}

// previewHouseholds answers what PUT …/households would add, change and
// remove, and changes nothing.
func (s *Server) previewHouseholds(c echo.Context, id int64, data []byte) error {
	var d *engine.HouseholdsDiff
	if t, isTable, err := householdsTable(c.Request().Header.Get("Content-Type"), data); err != nil {
		return err
	} else if isTable {
		d, err = s.app.PreviewHouseholdsTable(c.Request().Context(), workerOf(c), id, t)
		if err != nil {
			return err
		}
	} else if d, err = s.app.PreviewHouseholds(c.Request().Context(), workerOf(c), id, data); err != nil {
		return err
	}
	out := householdsDiffJSON{Added: toHouseholdsJSON(d.Added), Changed: d.Changed, Removed: toHouseholdsJSON(d.Removed)}
	return c.JSON(http.StatusOK, out)
}

func toHouseholdsJSON(hs []engine.Household) []householdJSON {
	out := make([]householdJSON, len(hs))
	for i, h := range hs {
		out[i] = toHouseholdJSON(h)
	}
	return out
}

func toHouseholdJSON(h engine.Household) householdJSON {
	return householdJSON{h.ID, h.Room, h.Floor, h.Area, h.OwnerName, h.OwnerID, h.Phone, engine.MaskPhone(h.Phone), h.Hardship, h.Exempt, h.MustConsent}
}

// patchHousehold corrects one household (its phone after publishing) and
// answers it.
func (s *Server) patchHousehold(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	h, err := s.app.PatchHousehold(c.Request().Context(), workerOf(c), id, hid, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toHouseholdJSON(h))
}

func (s *Server) setContact(c echo.Context) error { return s.setProjectPart(c, s.app.SetContact) }

func (s *Server) setTerms(c echo.Context) error { return s.setProjectPart(c, s.app.SetTerms) }

// setProjectPart replaces one part of a project (its contact, its terms)
// from a JSON document and answers with the project.
func (s *Server) setProjectPart(c echo.Context, set func(context.Context, *engine.Worker, int64, []byte) (*engine.Project, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	p, err := set(c.Request().Context(), workerOf(c), id, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.toProjectJSON(p))
}
