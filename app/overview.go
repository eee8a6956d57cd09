package app

import (
	"context"
	"time"

	"github.com/renovote/renovote/engine"
)

// OverviewFilter is what the overview is narrowed to: a stage, an
// organisation below the one asked for, a text.
type OverviewFilter struct {
	Stage string
	Org   int64
	Text  string
}

// Overview is every building below an organisation, with totals.
type Overview struct {
	Org    engine.Org            `json:"org"`
	AsOf   time.Time             `json:"as_of"`
	Rows   []engine.OverviewRow  `json:"rows"`
	Totals engine.OverviewTotals `json:"totals"`
}

// Overview sums the buildings below organisation orgID for anyone whose
// reach covers it (an admin; a lead, supervisor or auditor at or above
// it); for anyone else the organisation does not exist (404).
func (a *App) Overview(ctx context.Context, w *engine.Worker, orgID int64, f OverviewFilter) (*Overview, error) {
	if w == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	if err := engine.CheckOverviewStage(f.Stage); err != nil {
		return nil, err
	}
	now := a.now()
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	org := engine.FindOrg(orgs, orgID)
	rule := AccessRules[roleOf(w)]
	if org == nil || rule.Reach == ReachOwn || (rule.Reach == ReachSubtree && !engine.Subtree(orgs, w.OrgID)[orgID]) {
		return nil, engine.Errorf(engine.ECodeNotFound, "组织 %d 不存在", orgID)
	}
	below := engine.Subtree(orgs, orgID)
	filter := engine.OverviewFilter{Stage: f.Stage, Text: f.Text}
	if f.Org != 0 {
		if !below[f.Org] {
			return nil, engine.Invalidf("org", "组织 %d 不在%s之下", f.Org, org.Name)
		}
		filter.Orgs = engine.Subtree(orgs, f.Org)
	}
	q := engine.OverviewQuery{}
	names, parents := map[int64]string{}, map[int64]int64{}
	for _, o := range orgs {
		names[o.ID], parents[o.ID] = o.Name, o.ParentID
		if below[o.ID] {
			q.Orgs = append(q.Orgs, o.ID)
		}
	}
	facts, err := a.store.Overview(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &Overview{Org: *org, AsOf: now.UTC(), Rows: []engine.OverviewRow{}}
	for _, fa := range facts {
		r := engine.OverviewOf(fa, now)
		r.Org, r.Street = names[r.OrgID], names[parents[r.OrgID]]
		if filter.Keep(r) {
			out.Rows = append(out.Rows, r)
		}
	}
	out.Totals = engine.SumOverview(out.Rows)
	return out, nil
}

// Home is where a worker lands after login: the overview of their
// organisation for those who oversee (supervisor, auditor), else the
// project list.
func Home(w *engine.Worker) string {
	if w != nil && !w.Admin && (w.Role == engine.RoleSupervisor || w.Role == engine.RoleAuditor) {
		return "/console/overview"
	}
	return "/console"
}
