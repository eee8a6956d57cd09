package store

import (
	"context"
	"strconv"

	"github.com/renovote/renovote/engine"
)

const scenarioColumns = `id, project_id, name, status, input, result, canonical, sha256, created_at, updated_at, published_at`

// InsertScenario stores a draft scenario (its times set by the workflow).
func (s *Store) InsertScenario(ctx context.Context, sc *engine.Scenario) error {
	err := s.conn(ctx).GetContext(ctx, &sc.ID, s.q(`INSERT INTO scenarios (project_id, name, status, input, result, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), sc.ProjectID, sc.Name, sc.Status, string(sc.Input), string(sc.Result), sc.CreatedAt, sc.UpdatedAt)
	return s.mapError(err)
}

// scenarioRow reads TEXT documents portably (drivers differ on []byte).
type scenarioRow struct {
	engine.Scenario
	Input  string
	Result string
}

func (r *scenarioRow) scenario() *engine.Scenario {
	sc := r.Scenario
	sc.Input, sc.Result = []byte(r.Input), []byte(r.Result)
	return &sc
}

// Scenario returns one scenario of a project.
func (s *Store) Scenario(ctx context.Context, projectID, id int64) (*engine.Scenario, error) {
	var r scenarioRow
	err := s.conn(ctx).GetContext(ctx, &r, s.q(`SELECT `+scenarioColumns+` FROM scenarios WHERE project_id = ? AND id = ?`), projectID, id)
	if err != nil {
		return nil, s.notFound(err, "方案 %d 不存在", id)
	}
	return r.scenario(), nil
}

// Scenarios lists a project's scenarios by id.
func (s *Store) Scenarios(ctx context.Context, projectID int64) ([]*engine.Scenario, error) {
	scs, err := s.scenarios(ctx, s.db, projectID)
	return scs, s.mapError(err)
}

func (s *Store) scenarios(ctx context.Context, q querier, projectID int64) ([]*engine.Scenario, error) {
	var rows []scenarioRow
	if err := q.SelectContext(ctx, &rows, s.q(`SELECT `+scenarioColumns+` FROM scenarios WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	out := make([]*engine.Scenario, len(rows))
	for i := range rows {
		out[i] = rows[i].scenario()
	}
	return out, nil
}

// UpdateScenario changes a draft's name, input and result. A published
// scenario is refused by the schema (conflict).
func (s *Store) UpdateScenario(ctx context.Context, sc *engine.Scenario) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE scenarios SET name = ?, input = ?, result = ?, updated_at = ? WHERE project_id = ? AND id = ?`),
		sc.Name, string(sc.Input), string(sc.Result), sc.UpdatedAt, sc.ProjectID, sc.ID)
	return s.updated(res, err, "方案 %d 不存在", sc.ID)
}

// PublishScenario freezes a draft as sc says (status, result, canonical
// document, hash, time); one already published is a conflict.
func (s *Store) PublishScenario(ctx context.Context, sc *engine.Scenario) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE scenarios SET status = ?, result = ?, canonical = ?, sha256 = ?, published_at = ?, updated_at = ?
		WHERE project_id = ? AND id = ? AND status = 'draft'`), sc.Status, string(sc.Result), sc.Canonical, sc.SHA256, sc.PublishedAt, sc.UpdatedAt, sc.ProjectID, sc.ID)
	if err != nil {
		return s.mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return s.mapError(cmpErr(err, engine.Errorf(engine.ECodeConflict, "方案 %d 不存在或已经发布过", sc.ID)))
	}
	return nil
}

func init() { readProjection((*Store).scenarioRows) }

// scenarioRows reads the images of a project's scenarios.
func (s *Store) scenarioRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	scs, err := s.scenarios(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	rows := make([]engine.Row, len(scs))
	for i, sc := range scs {
		rows[i] = sc.Row()
	}
	return map[string][]engine.Row{engine.TableScenarios: rows}, nil
}

// nullText is a document as TEXT, or NULL when there is none.
func nullText(doc []byte) any {
	if doc == nil {
		return nil
	}
	return string(doc)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
