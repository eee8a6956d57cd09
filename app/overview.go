package app

import (
	"context"
	"sync"
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
	facts, err := a.overviewFacts(ctx, q)
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

// overviewFacts are the sums of the projects q covers, each taken from
// the cache while its chain's head has not moved (every write to a
// project's rows extends its chain in the same transaction), and summed
// again, all stale projects in a few grouped reads, when it has. The heads
// are read before the sums, so a write between the two only makes a
// project stale again, never a stale sum current. The names come from the
// fresh read.
func (a *App) overviewFacts(ctx context.Context, q engine.OverviewQuery) ([]engine.OverviewFacts, error) {
	heads, err := a.store.OverviewHeads(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]engine.OverviewFacts, len(heads))
	var stale []int64
	at := map[int64]int{}
	for i, h := range heads {
		if f, ok := a.overview.get(h); ok {
			out[i] = f
		} else {
			stale = append(stale, h.ProjectID)
		}
		at[h.ProjectID] = i
	}
	for len(stale) > 0 {
		n := min(len(stale), overviewBatch)
		sq := engine.OverviewQuery{Projects: stale[:n]}
		if len(stale) == len(heads) { // nothing cached: the organisations' own scope reads best
			sq, n = q, len(stale)
		}
		facts, err := a.store.Overview(ctx, sq)
		if err != nil {
			return nil, err
		}
		for _, f := range facts {
			if i, ok := at[f.ProjectID]; ok {
				out[i] = f
				a.overview.put(heads[i], f)
			}
		}
		stale = stale[n:]
	}
	for i, h := range heads { // names and organisation as they are now
		out[i].ProjectID, out[i].OrgID, out[i].Name, out[i].Address = h.ProjectID, h.OrgID, h.Name, h.Address
	}
	return out, nil
}

// overviewBatch is how many stale projects one set of grouped reads sums
// (each id is a bound parameter, some reads name the set twice).
const overviewBatch = 1000

// overviewCache keeps each project's overview sums with the head they
// were summed at. The facts are never changed once stored.
type overviewCache struct {
	mu    sync.Mutex
	facts map[int64]cachedFacts
}

type cachedFacts struct {
	seq   int64
	hash  string
	facts engine.OverviewFacts
}

func (c *overviewCache) get(h engine.OverviewHead) (engine.OverviewFacts, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.facts[h.ProjectID]
	if !ok || f.seq != h.Seq || f.hash != h.Hash || h.Hash == "" {
		return engine.OverviewFacts{}, false
	}
	return f.facts, true
}

func (c *overviewCache) put(h engine.OverviewHead, f engine.OverviewFacts) {
	if h.Hash == "" {
		return // a project without a chain yet: summed at each answer
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.facts == nil {
		c.facts = map[int64]cachedFacts{}
	}
	c.facts[h.ProjectID] = cachedFacts{h.Seq, h.Hash, f}
}
