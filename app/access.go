package app

import (
	"context"

	"github.com/renovote/renovote/engine"
)

// Who may do what to which project (DESIGN §17): the one rule table of
// the service. Every workflow on a project asks a.project with the action
// it performs; nothing else decides access.

// Action is what a workflow does to a project.
type Action string

// Actions on a project.
const (
	ActRead   Action = "read"   // see the project, its plan, count, works, feedback
	ActWrite  Action = "write"  // change the project: households, plans, contact, works, answers
	ActExport Action = "export" // print and download: PDFs, xlsx, csv
	ActVerify Action = "verify" // check the audit chain
	ActMoney  Action = "money"  // record payments, refunds, funds, reversals
	ActVote   Action = "vote"   // publish, record paper decisions, issue links, close, answer objections, finalize
	ActAssign Action = "assign" // put a worker on the project
)

// Actions lists every action (tests walk the table with it).
var Actions = []Action{ActRead, ActWrite, ActExport, ActVerify, ActMoney, ActVote, ActAssign}

// Reach is how far a role sees.
type Reach int

// Reaches.
const (
	ReachOwn     Reach = iota // projects one owns or is assigned to
	ReachSubtree              // every project of one's organisation and below it (and one's own)
	ReachAll                  // every project
)

// Rule is one line of the table: how far a role sees and what it may do
// there.
type Rule struct {
	Reach   Reach
	Allowed map[Action]bool
}

var (
	everything = map[Action]bool{ActRead: true, ActWrite: true, ActExport: true, ActVerify: true, ActMoney: true, ActVote: true, ActAssign: true}
	runs       = map[Action]bool{ActRead: true, ActWrite: true, ActExport: true, ActVerify: true, ActMoney: true, ActVote: true}
	looks      = map[Action]bool{ActRead: true, ActExport: true, ActVerify: true}
)

// AccessRules is the table: role × action → allowed, with the reach of the
// role. An account of before roles ("") is a worker.
var AccessRules = map[string]Rule{
	"admin":               {ReachAll, everything},
	engine.RoleLead:       {ReachSubtree, everything},
	engine.RoleWorker:     {ReachOwn, runs},
	"":                    {ReachOwn, runs},
	engine.RoleSupervisor: {ReachSubtree, looks},
	engine.RoleAuditor:    {ReachSubtree, looks},
}

// roleOf is the line of the table a worker acts under.
func roleOf(w *engine.Worker) string {
	if w.Admin {
		return "admin"
	}
	return w.Role
}

// reaches says whether w reaches a project: its owner, a worker assigned to
// it, anyone whose organisation the project's 社区 lies under (for roles
// that reach a subtree), an admin.
func (a *App) reaches(ctx context.Context, w *engine.Worker, p *engine.Project) (bool, error) {
	rule, ok := AccessRules[roleOf(w)]
	if !ok {
		return false, nil
	}
	if rule.Reach == ReachAll || p.OwnerID == w.ID {
		return true, nil
	}
	if rule.Reach == ReachSubtree && w.OrgID != 0 && p.OrgID != 0 {
		orgs, err := a.store.Orgs(ctx)
		if err != nil {
			return false, err
		}
		if engine.Subtree(orgs, w.OrgID)[p.OrgID] {
			return true, nil
		}
	}
	return a.store.Assigned(ctx, p.ID, w.ID)
}

// project loads a project for an action of w: a project out of w's reach
// answers 404 — as one that does not exist: others' projects are not even
// shown to exist — and an action w's role may not take answers 403.
func (a *App) project(ctx context.Context, w *engine.Worker, id int64, act Action) (*engine.Project, error) {
	if w == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	p, err := a.store.Project(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.may(ctx, w, p, act); err != nil {
		return nil, err
	}
	return p, nil
}

// may applies the table to a loaded project.
func (a *App) may(ctx context.Context, w *engine.Worker, p *engine.Project, act Action) error {
	ok, err := a.reaches(ctx, w, p)
	if err != nil {
		return err
	}
	if !ok {
		return engine.Errorf(engine.ECodeNotFound, "项目 %d 不存在", p.ID)
	}
	if !AccessRules[roleOf(w)].Allowed[act] {
		return forbidden(w, act)
	}
	return nil
}

// forbidden words a refusal for the role.
func forbidden(w *engine.Worker, act Action) error {
	role := engine.RoleNames[w.Role]
	switch {
	case act == ActAssign:
		return engine.Errorf(engine.ECodeForbidden, "只有社区负责人或管理员可以指派项目，%s不能指派", role)
	case !AccessRules[roleOf(w)].Allowed[ActWrite]:
		return engine.Errorf(engine.ECodeForbidden, "%s只能查看、导出和核验项目，不能修改；如需修改请联系项目所在社区的工作人员", role)
	}
	return engine.Errorf(engine.ECodeForbidden, "%s不能进行这项操作", role)
}

// scope is what a worker's list and overview cover: every project, or
// those of the given organisations (with the worker's own and assigned).
func (a *App) scope(ctx context.Context, w *engine.Worker) (all bool, orgs []engine.Org, ids []int64, err error) {
	rule := AccessRules[roleOf(w)]
	if rule.Reach == ReachAll {
		all, err := a.store.Orgs(ctx)
		return true, all, nil, err
	}
	if rule.Reach != ReachSubtree || w.OrgID == 0 {
		return false, nil, nil, nil
	}
	every, err := a.store.Orgs(ctx)
	if err != nil {
		return false, nil, nil, err
	}
	sub := engine.Subtree(every, w.OrgID)
	for _, o := range every {
		if sub[o.ID] {
			orgs = append(orgs, o)
			ids = append(ids, o.ID)
		}
	}
	return false, orgs, ids, nil
}
