package app

import (
	"context"
	"slices"
	"time"

	"github.com/renovote/renovote/engine"
)

// Organisations, accounts with roles, and assignments (DESIGN §17).

// OrgInput is a new organisation as asked for.
type OrgInput struct {
	Name     string
	Kind     string
	ParentID int64
}

// AddOrg adds an organisation under its parent (admin only), with its
// event on the system chain.
func (a *App) AddOrg(ctx context.Context, by *engine.Worker, in OrgInput) (*engine.Org, error) {
	if by == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	if !by.Admin {
		return nil, engine.Errorf(engine.ECodeForbidden, "只有管理员可以添加组织")
	}
	if err := a.printable("name", "组织名称", in.Name); err != nil {
		return nil, err
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	o := &engine.Org{Name: in.Name, Kind: in.Kind, ParentID: in.ParentID, CreatedAt: now}
	err := a.inTx(ctx, func(ctx context.Context) error {
		orgs, err := a.store.Orgs(ctx)
		if err != nil {
			return err
		}
		if err := engine.CheckOrg(*o, engine.FindOrg(orgs, o.ParentID)); err != nil {
			return err
		}
		if err := a.store.InsertOrg(ctx, o); err != nil {
			return err
		}
		return a.extend(ctx, engine.SystemChain, engine.OrgAdded(*o, actor(by), now))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OrgNode is an organisation with the ones below it.
type OrgNode struct {
	engine.Org
	Children []*OrgNode `json:"children"`
}

// Orgs is the tree of organisations w can see: all for an admin, else
// w's organisation and everything below it.
func (a *App) Orgs(ctx context.Context, w *engine.Worker) ([]*OrgNode, error) {
	if w == nil {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	every, err := a.store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var seen map[int64]bool
	if !w.Admin {
		if w.OrgID == 0 {
			return []*OrgNode{}, nil
		}
		seen = engine.Subtree(every, w.OrgID)
	}
	nodes := map[int64]*OrgNode{}
	var order []*OrgNode
	for _, o := range every {
		if seen == nil || seen[o.ID] {
			n := &OrgNode{Org: o, Children: []*OrgNode{}}
			nodes[o.ID] = n
			order = append(order, n)
		}
	}
	roots := []*OrgNode{}
	for _, n := range order {
		if p := nodes[n.ParentID]; p != nil && n.ParentID != 0 {
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots, nil
}

// projectOrg is the 社区 a new project of w goes into: the one asked for
// (a 社区 w reaches), else w's own 社区, else 默认社区 (0 when there are no
// organisations at all).
func (a *App) projectOrg(ctx context.Context, w *engine.Worker, asked int64) (int64, error) {
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return 0, err
	}
	if asked != 0 {
		o := engine.FindOrg(orgs, asked)
		if o == nil || (!w.Admin && !engine.Subtree(orgs, w.OrgID)[asked]) {
			return 0, engine.Invalidf("org_id", "组织 %d 不存在或不在您的管辖范围内", asked)
		}
		if o.Kind != engine.OrgCommunity {
			return 0, engine.Invalidf("org_id", "项目必须属于一个社区，组织 %d（%s）是%s", o.ID, o.Name, o.Kind)
		}
		return asked, nil
	}
	if o := engine.FindOrg(orgs, w.OrgID); o != nil && o.Kind == engine.OrgCommunity {
		return o.ID, nil
	}
	return defaultCommunity(orgs), nil
}

// defaultCommunity is the id of 默认社区 (the first 社区 of that name), or 0.
func defaultCommunity(orgs []engine.Org) int64 {
	for _, o := range orgs {
		if o.Kind == engine.OrgCommunity && o.Name == engine.DefaultCommunity {
			return o.ID
		}
	}
	return 0
}

// AdoptOrgs is the upgrade to organisations, run by the server at start
// with the key: on a database without organisations (new or upgraded) it
// adds 默认区 →
// 默认街道 → 默认社区 (events of the system chain), and it moves every
// project in no 社区 into 默认社区, each with a project_org_set event on
// its chain. It reports how many projects it moved.
func (a *App) AdoptOrgs(ctx context.Context) (int, error) {
	ids, err := a.store.ProjectsWithoutOrg(ctx)
	if err != nil {
		return 0, err
	}
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return 0, err
	}
	community := defaultCommunity(orgs)
	if len(ids) == 0 && len(orgs) > 0 {
		return 0, nil
	}
	if community == 0 {
		now := a.now().UTC().Truncate(time.Microsecond)
		err := a.inTx(ctx, func(ctx context.Context) error {
			parent := int64(0)
			for _, x := range []struct{ name, kind string }{{engine.DefaultDistrict, engine.OrgDistrict},
				{engine.DefaultStreet, engine.OrgStreet}, {engine.DefaultCommunity, engine.OrgCommunity}} {
				o := &engine.Org{Name: x.name, Kind: x.kind, ParentID: parent, CreatedAt: now}
				if err := a.store.InsertOrg(ctx, o); err != nil {
					return err
				}
				if err := a.extend(ctx, engine.SystemChain, engine.OrgAdded(*o, engine.ActorOperator, now)); err != nil {
					return err
				}
				parent = o.ID
			}
			community = parent
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	for i, id := range ids {
		now := a.now().UTC().Truncate(time.Microsecond)
		err := a.inTx(ctx, func(ctx context.Context) error {
			if err := a.store.SetProjectOrg(ctx, id, community, now); err != nil {
				return err
			}
			return a.extend(ctx, id, engine.ProjectOrgSet(&engine.Project{ID: id, OrgID: community}, engine.ActorOperator, now))
		})
		if err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// AddUser creates an account with an organisation and a role: by an admin
// in the console, or by the operator (renovote user add). The role must
// fit the organisation (engine.CheckRole).
func (a *App) AddUser(ctx context.Context, by *engine.Worker, w *engine.Worker, password string) error {
	if by == nil {
		return engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	if !by.Admin {
		return engine.Errorf(engine.ECodeForbidden, "只有管理员可以添加账号")
	}
	if w.Role == "" && !w.Admin {
		w.Role = engine.RoleWorker
	}
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return err
	}
	if err := engine.CheckRole(w.Role, w.Admin, w.OrgID, engine.FindOrg(orgs, w.OrgID)); err != nil {
		return err
	}
	if err := a.printable("display_name", "显示名", w.DisplayName); err != nil {
		return err
	}
	return a.addWorker(ctx, w, password, actor(by))
}

// Users lists the accounts (admin only), without password hashes.
func (a *App) Users(ctx context.Context, by *engine.Worker) ([]*engine.Worker, error) {
	if by == nil || !by.Admin {
		return nil, engine.Errorf(engine.ECodeForbidden, "只有管理员可以查看账号列表")
	}
	ws, err := a.store.Workers(ctx)
	for _, w := range ws {
		w.PasswordHash = ""
	}
	return ws, err
}

// Assign puts a worker on a project (a 社区 lead of the project's 社区, or
// an admin): the worker then sees and runs it as its owner does. A
// supervisor or an auditor cannot be assigned: they change nothing.
func (a *App) Assign(ctx context.Context, by *engine.Worker, projectID int64, username string) (*engine.Assignment, error) {
	p, err := a.project(ctx, by, projectID, ActAssign)
	if err != nil {
		return nil, err
	}
	who, err := a.store.WorkerByUsername(ctx, username)
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		return nil, engine.Invalidf("user", "没有用户名为“%s”的账号", username)
	}
	if err != nil {
		return nil, err
	}
	if !slices.Contains([]string{"", engine.RoleWorker, engine.RoleLead}, who.Role) || who.Admin {
		return nil, engine.Invalidf("user", "只能指派工作人员或社区负责人，%s是%s", username, engine.RoleNames[who.Role])
	}
	if who.OrgID != 0 && p.OrgID != 0 && who.OrgID != p.OrgID {
		return nil, engine.Invalidf("user", "%s不属于项目所在的社区，不能指派", username)
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	as := &engine.Assignment{ProjectID: p.ID, WorkerID: who.ID, AssignedAt: now}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.InsertAssignment(ctx, as); err != nil {
			if engine.ErrorCode(err) == engine.ECodeConflict {
				return engine.Errorf(engine.ECodeConflict, "%s已经指派到这个项目", username)
			}
			return err
		}
		return a.extend(ctx, p.ID, engine.ProjectAssigned(*as, who.Username, actor(by), now))
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}
