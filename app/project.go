package app

import (
	"context"

	"github.com/renovote/renovote/engine"
)

// ProjectView is a project with its current ballot (0 before publishing).
type ProjectView struct {
	*engine.Project
	Ballot int64
	// ReadOnly: the viewer's role may look but change nothing (a 街道
	// supervisor, a 区 auditor): the console shows no write controls.
	ReadOnly bool
}

// CreateProject stores a new project of w from a request document
// ({name, address, floors, households}).
func (a *App) CreateProject(ctx context.Context, w *engine.Worker, doc []byte) (*engine.Project, error) {
	if w == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	in, err := engine.ParseProjectInput(doc)
	if err != nil {
		return nil, err
	}
	if err := a.printable("name", "项目名称", in.Name); err != nil {
		return nil, err
	}
	if err := a.printable("address", "地址", in.Address); err != nil {
		return nil, err
	}
	if err := a.printableHouseholds(in.Households); err != nil {
		return nil, err
	}
	if err := a.printableContact("contact.", in.Contact); err != nil {
		return nil, err
	}
	if err := a.printableTerms("terms.", in.Terms); err != nil {
		return nil, err
	}
	if !AccessRules[roleOf(w)].Allowed[ActWrite] {
		return nil, forbidden(w, ActWrite)
	}
	org, err := a.projectOrg(ctx, w, in.OrgID)
	if err != nil {
		return nil, err
	}
	p := &engine.Project{OwnerID: w.ID, OrgID: org, Name: in.Name, Address: in.Address, Floors: in.Floors, Households: in.Households, Contact: in.Contact, Terms: in.Terms}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		mine, err := a.store.Projects(ctx, w.ID)
		if err != nil {
			return err
		}
		if err := engine.CheckProjectName(p.Name, mine, in.AllowDuplicate); err != nil {
			return err
		}
		if err := a.store.InsertProject(ctx, p, now); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.ProjectCreated(p, now))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Projects lists the projects w may see, newest first, with their ballots.
func (a *App) Projects(ctx context.Context, w *engine.Worker) ([]ProjectView, error) {
	if w == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	all, _, orgs, err := a.scope(ctx, w)
	if err != nil {
		return nil, err
	}
	ps, err := a.store.ProjectsIn(ctx, w.ID, orgs, all)
	if err != nil {
		return nil, err
	}
	out := make([]ProjectView, len(ps))
	for i, p := range ps {
		if out[i], err = a.view(ctx, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Project is one project w may see, with its households and ballot.
func (a *App) Project(ctx context.Context, w *engine.Worker, id int64) (ProjectView, error) {
	p, err := a.project(ctx, w, id, ActRead)
	if err != nil {
		return ProjectView{}, err
	}
	v, err := a.view(ctx, p)
	v.ReadOnly = !AccessRules[roleOf(w)].Allowed[ActWrite]
	return v, err
}

func (a *App) view(ctx context.Context, p *engine.Project) (ProjectView, error) {
	v := ProjectView{Project: p}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	switch {
	case err == nil:
		v.Ballot = b.ID
	case engine.ErrorCode(err) != engine.ECodeNotFound:
		return v, err
	}
	return v, nil
}

// HouseholdsFormat says how a households document is written.
type HouseholdsFormat int

// Households documents: JSON (a list) or the CSV Excel saves.
const (
	HouseholdsJSON HouseholdsFormat = iota
	HouseholdsCSV
)

// ReplaceHouseholds swaps a project's households for those of doc (JSON,
// or a CSV in UTF-8), until a scenario is published or a questionnaire is
// sent.
func (a *App) ReplaceHouseholds(ctx context.Context, w *engine.Worker, projectID int64, doc []byte, format HouseholdsFormat) (*engine.Project, error) {
	return a.replaceHouseholds(ctx, w, projectID, func(floors int) ([]engine.Household, error) {
		if format == HouseholdsCSV {
			return engine.ParseHouseholdsCSV(doc, floors)
		}
		return engine.ParseHouseholds(doc, floors)
	})
}

// ReplaceHouseholdsTable does the same from a table read out of a file
// (a GBK CSV, an Excel workbook).
func (a *App) ReplaceHouseholdsTable(ctx context.Context, w *engine.Worker, projectID int64, t *engine.HouseholdTable) (*engine.Project, error) {
	return a.replaceHouseholds(ctx, w, projectID, func(floors int) ([]engine.Household, error) { return engine.ParseHouseholdTable(t, floors) })
}

// PreviewHouseholds says what ReplaceHouseholds would add, change and
// remove, and writes nothing (no row, no event). A list that could not be
// imported is refused as the import would refuse it.
func (a *App) PreviewHouseholds(ctx context.Context, w *engine.Worker, projectID int64, doc []byte) (*engine.HouseholdsDiff, error) {
	return a.previewHouseholds(ctx, w, projectID, func(floors int) ([]engine.Household, error) { return engine.ParseHouseholds(doc, floors) })
}

// PreviewHouseholdsTable is PreviewHouseholds for a table read out of a
// file.
func (a *App) PreviewHouseholdsTable(ctx context.Context, w *engine.Worker, projectID int64, t *engine.HouseholdTable) (*engine.HouseholdsDiff, error) {
	return a.previewHouseholds(ctx, w, projectID, func(floors int) ([]engine.Household, error) { return engine.ParseHouseholdTable(t, floors) })
}

func (a *App) previewHouseholds(ctx context.Context, w *engine.Worker, projectID int64, parse func(floors int) ([]engine.Household, error)) (*engine.HouseholdsDiff, error) {
	p, hs, err := a.newHouseholds(ctx, w, projectID, parse)
	if err != nil {
		return nil, err
	}
	published, questionnaires, err := a.store.HouseholdsUsed(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if err := engine.CanReplaceHouseholds(published, questionnaires); err != nil {
		return nil, err
	}
	d := engine.DiffHouseholds(p.Households, hs)
	return &d, nil
}

// newHouseholds loads the project and reads a new households list for it.
func (a *App) newHouseholds(ctx context.Context, w *engine.Worker, projectID int64, parse func(floors int) ([]engine.Household, error)) (*engine.Project, []engine.Household, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, nil, err
	}
	hs, err := parse(p.Floors)
	if err != nil {
		return nil, nil, err
	}
	if err := a.printableHouseholds(hs); err != nil {
		return nil, nil, err
	}
	return p, hs, nil
}

func (a *App) replaceHouseholds(ctx context.Context, w *engine.Worker, projectID int64, parse func(floors int) ([]engine.Household, error)) (*engine.Project, error) {
	p, hs, err := a.newHouseholds(ctx, w, projectID, parse)
	if err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		published, questionnaires, err := a.store.HouseholdsUsed(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := engine.CanReplaceHouseholds(published, questionnaires); err != nil {
			return err
		}
		if err := a.store.ReplaceHouseholds(ctx, p.ID, hs, now); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.HouseholdsReplaced(p.ID, hs, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	p.Households = hs
	return p, nil
}

// PatchHousehold corrects one household in place (a {field: value}
// document, docs/api.md): before publishing any field the list could
// carry; after it, only its contact (the phone) — a published fact answers
// 409 frozen naming the field. The event carries the fields that changed
// and the row's image.
func (a *App) PatchHousehold(ctx context.Context, w *engine.Worker, projectID, householdID int64, doc []byte) (engine.Household, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return engine.Household{}, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return engine.Household{}, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		published, _, err := a.store.HouseholdsUsed(ctx, p.ID)
		if err != nil {
			return err
		}
		next, changes, err := engine.PatchHousehold(h, doc, p.Floors, published > 0)
		if err != nil {
			return err
		}
		if err := a.printableHouseholds([]engine.Household{next}); err != nil {
			return err
		}
		if err := engine.CheckRoomFree(p.Households, next); err != nil {
			return err
		}
		h = next
		if len(changes) == 0 {
			return nil // nothing to record
		}
		if err := a.store.UpdateHousehold(ctx, next, now); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.HouseholdChanged(next, changes, actor(w), now))
	})
	if err != nil {
		return engine.Household{}, err
	}
	return h, nil
}

// currentPhones are the households' phones as the table holds them now:
// corrected after publishing, they differ from the plan's snapshot.
func currentPhones(p *engine.Project) map[int64]string {
	out := make(map[int64]string, len(p.Households))
	for _, h := range p.Households {
		out[h.ID] = h.Phone
	}
	return out
}

// SetContact changes who residents of project id ask (a {name, phone,
// office} document). It may change at any time, also after publishing: it
// is not part of what residents decide.
func (a *App) SetContact(ctx context.Context, w *engine.Worker, id int64, doc []byte) (*engine.Project, error) {
	p, err := a.project(ctx, w, id, ActWrite)
	if err != nil {
		return nil, err
	}
	c, err := engine.ParseContact(doc)
	if err != nil {
		return nil, err
	}
	if err := a.printableContact("", c); err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SetContact(ctx, p.ID, c, now); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.ContactChanged(p.ID, c, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	p.Contact = c
	return p, nil
}

// SetTerms changes the agreement's particulars (甲方, the payee account,
// the compensation date: a {party_a, …} document). They are published
// with the next plan; agreements of a plan already published keep the
// particulars it was published with.
func (a *App) SetTerms(ctx context.Context, w *engine.Worker, id int64, doc []byte) (*engine.Project, error) {
	p, err := a.project(ctx, w, id, ActWrite)
	if err != nil {
		return nil, err
	}
	t, err := engine.ParseTerms(doc)
	if err != nil {
		return nil, err
	}
	if err := a.printableTerms("", t); err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SetTerms(ctx, p.ID, t, now); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.TermsChanged(p.ID, t, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	p.Terms = t
	return p, nil
}

func (a *App) printableContact(prefix string, c engine.Contact) error {
	for _, f := range [][3]string{{"name", "联系人姓名", c.Name}, {"office", "办公地点和时间", c.Office}} {
		if err := a.printable(prefix+f[0], f[1], f[2]); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) printableTerms(prefix string, t engine.Terms) error {
	for _, f := range [][3]string{{"party_a", "甲方名称", t.PartyA}, {"party_a_rep", "甲方代表人", t.PartyARep},
		{"account_name", "收款账户户名", t.AccountName}, {"account_bank", "开户银行", t.AccountBank}} {
		if err := a.printable(prefix+f[0], f[1], f[2]); err != nil {
			return err
		}
	}
	return nil
}
