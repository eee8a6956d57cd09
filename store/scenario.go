package store

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const scenarioColumns = `id, project_id, name, status, input, result, canonical, sha256, created_at, updated_at, published_at`

// CreateScenario stores a draft scenario.
func (s *Store) CreateScenario(ctx context.Context, sc *engine.Scenario, actor string) error {
	now := s.now()
	sc.Status, sc.CreatedAt, sc.UpdatedAt = engine.ScenarioDraft, now, now
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &sc.ID, s.q(`INSERT INTO scenarios (project_id, name, status, input, result, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), sc.ProjectID, sc.Name, sc.Status, string(sc.Input), string(sc.Result), now, now)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{
			ProjectID: sc.ProjectID, Kind: engine.AuditScenarioSaved, Actor: actor, At: now,
			Data: engine.AuditData(map[string]any{"scenario_id": sc.ID, "name": sc.Name}),
		})
	})
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
	err := s.db.GetContext(ctx, &r, s.q(`SELECT `+scenarioColumns+` FROM scenarios WHERE project_id = ? AND id = ?`), projectID, id)
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

func (s *Store) scenarios(ctx context.Context, q sqlx.QueryerContext, projectID int64) ([]*engine.Scenario, error) {
	var rows []scenarioRow
	if err := sqlx.SelectContext(ctx, q, &rows, s.q(`SELECT `+scenarioColumns+` FROM scenarios WHERE project_id = ? ORDER BY id`), projectID); err != nil {
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
func (s *Store) UpdateScenario(ctx context.Context, sc *engine.Scenario, actor string) error {
	now := s.now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE scenarios SET name = ?, input = ?, result = ?, updated_at = ? WHERE project_id = ? AND id = ?`),
			sc.Name, string(sc.Input), string(sc.Result), now, sc.ProjectID, sc.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeNotFound, "方案 %d 不存在", sc.ID))
		}
		sc.UpdatedAt = now
		return s.appendAudit(ctx, tx, &engine.AuditEvent{
			ProjectID: sc.ProjectID, Kind: engine.AuditScenarioSaved, Actor: actor, At: now,
			Data: engine.AuditData(map[string]any{"scenario_id": sc.ID, "name": sc.Name}),
		})
	})
}

// Publish freezes a draft, opens its ballot and issues the signing links,
// with an audit event for each, in one transaction.
func (s *Store) Publish(ctx context.Context, req *engine.PublishRequest) (*engine.Ballot, error) {
	at := req.At
	if at.IsZero() {
		at = s.now()
	}
	b := &engine.Ballot{ProjectID: req.ProjectID, ScenarioID: req.ScenarioID, SHA256: req.SHA256,
		Rule: req.Rule, Deadline: req.Deadline.UTC().Truncate(time.Microsecond), OpenedAt: at}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE scenarios SET status = 'published', result = COALESCE(?, result), canonical = ?, sha256 = ?, published_at = ?, updated_at = ?
			WHERE project_id = ? AND id = ? AND status = 'draft'`), nullText(req.Result), req.Canonical, req.SHA256, at, at, req.ProjectID, req.ScenarioID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeConflict, "方案 %d 不存在或已经发布过", req.ScenarioID))
		}
		if err := tx.GetContext(ctx, &b.ID, s.q(`INSERT INTO ballots (project_id, scenario_id, sha256, rule, deadline, opened_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), b.ProjectID, b.ScenarioID, b.SHA256, string(b.Rule), b.Deadline, b.OpenedAt); err != nil {
			return err
		}
		if err := s.supersede(ctx, tx, req.ProjectID, b.ID, at, req.Actor); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, &engine.AuditEvent{
			ProjectID: req.ProjectID, Kind: engine.AuditPublished, Actor: req.Actor, At: at,
			Data: engine.AuditData(map[string]any{"scenario_id": req.ScenarioID, "ballot_id": b.ID, "sha256": req.SHA256,
				"rule": string(req.Rule), "deadline": engine.FormatTime(b.Deadline)}),
		}); err != nil {
			return err
		}
		for i := range req.Links {
			l := &req.Links[i]
			l.BallotID, l.CreatedAt = b.ID, at
			if l.ExpiresAt.IsZero() {
				l.ExpiresAt = b.Deadline
			}
			if err := s.insertLink(ctx, tx, l, req.ProjectID, req.Actor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// nullText is a document as TEXT, or NULL when there is none.
func nullText(doc []byte) any {
	if doc == nil {
		return nil
	}
	return string(doc)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
