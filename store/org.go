package store

import (
	"context"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Organisations (system chain) and project assignments (each project's
// chain): these methods only run the statements of app/org.go.

const orgColumns = `id, name, kind, COALESCE(parent_id, 0) AS parent_id, created_at`

// InsertOrg stores an organisation and fills its ID.
func (s *Store) InsertOrg(ctx context.Context, o *engine.Org) error {
	err := s.conn(ctx).GetContext(ctx, &o.ID, s.q(`INSERT INTO orgs (name, kind, parent_id, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		o.Name, o.Kind, nullID(o.ParentID), o.CreatedAt)
	return s.mapError(err)
}

// Orgs lists every organisation by id.
func (s *Store) Orgs(ctx context.Context) ([]engine.Org, error) {
	return s.orgs(ctx, s.conn(ctx))
}

func (s *Store) orgs(ctx context.Context, q querier) ([]engine.Org, error) {
	var os []engine.Org
	err := q.SelectContext(ctx, &os, `SELECT `+orgColumns+` FROM orgs ORDER BY id`)
	for i := range os {
		os[i].CreatedAt = os[i].CreatedAt.UTC()
	}
	return os, s.mapError(err)
}

// SetProjectOrg puts a project into a 社区.
func (s *Store) SetProjectOrg(ctx context.Context, projectID, orgID int64, at time.Time) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE projects SET org_id = ?, updated_at = ? WHERE id = ?`), orgID, at, projectID)
	return s.updated(res, err, "项目 %d 不存在", projectID)
}

// ProjectsWithoutOrg lists the projects in no 社区.
func (s *Store) ProjectsWithoutOrg(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).SelectContext(ctx, &ids, `SELECT id FROM projects WHERE org_id IS NULL ORDER BY id`)
	return ids, s.mapError(err)
}

// InsertAssignment stores an assignment; the same worker twice is a
// conflict.
func (s *Store) InsertAssignment(ctx context.Context, as *engine.Assignment) error {
	err := s.conn(ctx).GetContext(ctx, &as.ID, s.q(`INSERT INTO project_assignments (project_id, worker_id, assigned_at) VALUES (?, ?, ?) RETURNING id`),
		as.ProjectID, as.WorkerID, as.AssignedAt)
	return s.mapError(err)
}

// Assigned says whether a worker is assigned to a project.
func (s *Store) Assigned(ctx context.Context, projectID, workerID int64) (bool, error) {
	var n int
	err := s.conn(ctx).GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM project_assignments WHERE project_id = ? AND worker_id = ?`), projectID, workerID)
	return n > 0, s.mapError(err)
}

// WorkerByID finds a worker by id.
func (s *Store) WorkerByID(ctx context.Context, id int64) (*engine.Worker, error) {
	var w engine.Worker
	if err := s.conn(ctx).GetContext(ctx, &w, s.q(`SELECT `+workerColumns+` FROM workers WHERE id = ?`), id); err != nil {
		return nil, s.notFound(err, "工作人员 %d 不存在", id)
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

// ProjectsIn lists projects newest first, without households: those owned
// by or assigned to worker, or in one of orgs; all when all is set.
func (s *Store) ProjectsIn(ctx context.Context, worker int64, orgs []int64, all bool) ([]*engine.Project, error) {
	var ps []*engine.Project
	if all {
		err := s.conn(ctx).SelectContext(ctx, &ps, `SELECT `+projectColumns+` FROM projects ORDER BY id DESC`)
		return ps, s.mapError(err)
	}
	where := []string{`owner_id = ?`, `id IN (SELECT project_id FROM project_assignments WHERE worker_id = ?)`}
	args := []any{worker, worker}
	if len(orgs) > 0 {
		where = append(where, `org_id IN (`+placeholders(len(orgs))+`)`)
		for _, id := range orgs {
			args = append(args, id)
		}
	}
	err := s.conn(ctx).SelectContext(ctx, &ps, s.q(`SELECT `+projectColumns+` FROM projects WHERE `+strings.Join(where, " OR ")+` ORDER BY id DESC`), args...)
	return ps, s.mapError(err)
}

// placeholders is "?, ?, …" n times.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func init() { readProjection((*Store).orgRows) }

// orgRows reads the images of the organisations (system chain) and of a
// project's assignments.
func (s *Store) orgRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	if projectID == engine.SystemChain {
		os, err := s.orgs(ctx, q)
		if err != nil {
			return nil, err
		}
		out := map[string][]engine.Row{engine.TableOrgs: {}}
		for _, o := range os {
			out[engine.TableOrgs] = append(out[engine.TableOrgs], o.Row())
		}
		return out, nil
	}
	var as []engine.Assignment
	if err := q.SelectContext(ctx, &as, s.q(`SELECT id, project_id, worker_id, assigned_at FROM project_assignments WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	out := map[string][]engine.Row{engine.TableAssignments: {}}
	for _, a := range as {
		a.AssignedAt = a.AssignedAt.UTC()
		out[engine.TableAssignments] = append(out[engine.TableAssignments], a.Row())
	}
	return out, nil
}
