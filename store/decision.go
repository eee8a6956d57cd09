package store

import (
	"time"

	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const decisionColumns = `id, project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png, method,
	witness, paper_photo, paper_photo_type, COALESCE(recorded_by, 0) AS recorded_by, ip, user_agent, idempotency_key, code, created_at, reason`

// InsertDecisions inserts decisions in one statement inside the unit of
// work (the workflow holds the chain's lock, so the idempotency check
// cannot race). One whose ballot and idempotency key are already taken —
// before, or earlier in ds — is not inserted and comes back in taken.
func (s *Store) InsertDecisions(ctx context.Context, ds []*engine.Decision) ([]*engine.Decision, error) {
	tx, err := inUnit(ctx)
	if err != nil || len(ds) == 0 {
		return nil, err
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png,
		method, witness, paper_photo, paper_photo_type, recorded_by, ip, user_agent, idempotency_key, code, created_at, reason) VALUES `)
	args := make([]any, 0, 18*len(ds))
	for i, d := range ds {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, d.ProjectID, d.BallotID, d.HouseholdID, d.ScenarioSHA256, d.Vote, d.SignerName, d.SignaturePNG, d.Method,
			d.Witness, d.PaperPhoto, d.PaperPhotoType, nullID(d.RecordedBy), d.IP, d.UserAgent, d.IdempotencyKey, d.Code, d.CreatedAt, d.Reason)
	}
	sb.WriteString(` ON CONFLICT (project_id, ballot_id, idempotency_key) DO NOTHING RETURNING id, ballot_id, idempotency_key`)
	var rows []struct {
		ID             int64
		BallotID       int64
		IdempotencyKey string
	}
	if err := tx.SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return nil, s.mapError(err)
	}
	type key struct {
		ballot int64
		key    string
	}
	ids := make(map[key]int64, len(rows))
	for _, r := range rows {
		ids[key{r.BallotID, r.IdempotencyKey}] = r.ID
	}
	var taken []*engine.Decision
	for _, d := range ds {
		k := key{d.BallotID, d.IdempotencyKey}
		if id, ok := ids[k]; ok {
			d.ID = id
			delete(ids, k) // a second use of the key in this batch is taken by the first
		} else {
			taken = append(taken, d)
		}
	}
	return taken, nil
}

// DecisionByKey is the decision of a ballot with an idempotency key.
func (s *Store) DecisionByKey(ctx context.Context, projectID, ballotID int64, key string) (*engine.Decision, error) {
	var d engine.Decision
	if err := s.conn(ctx).GetContext(ctx, &d, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? AND ballot_id = ? AND idempotency_key = ?`),
		projectID, ballotID, key); err != nil {
		return nil, s.notFound(err, "没有这个提交编号的意见")
	}
	return &d, nil
}

// HouseholdsIn says which of ids are households of the project.
func (s *Store) HouseholdsIn(ctx context.Context, projectID int64, ids []int64) (map[int64]bool, error) {
	query, args, err := sqlx.In(`SELECT id FROM households WHERE project_id = ? AND id IN (?)`, projectID, ids)
	if err != nil {
		return nil, err
	}
	var found []int64
	if err := s.conn(ctx).SelectContext(ctx, &found, s.q(query), args...); err != nil {
		return nil, s.mapError(err)
	}
	in := make(map[int64]bool, len(found))
	for _, id := range found {
		in[id] = true
	}
	return in, nil
}

func init() { readProjection((*Store).decisionRows) }

// decisionRows reads the images of a project's decisions.
func (s *Store) decisionRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	var ds []*engine.Decision
	if err := q.SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	rows := make([]engine.Row, len(ds))
	for i, d := range ds {
		d.CreatedAt = d.CreatedAt.UTC()
		rows[i] = d.Row()
	}
	return map[string][]engine.Row{engine.TableDecisions: rows}, nil
}

// LatestDecisions is each household's latest decision on the ballot, in
// one query.
func (s *Store) LatestDecisions(ctx context.Context, projectID, ballotID int64) ([]*engine.Decision, error) {
	var ds []*engine.Decision
	err := s.conn(ctx).SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions d
		WHERE project_id = ? AND ballot_id = ? AND id = (SELECT MAX(id) FROM decisions d2
			WHERE d2.project_id = d.project_id AND d2.ballot_id = d.ballot_id AND d2.household_id = d.household_id)
		ORDER BY household_id`), projectID, ballotID)
	return ds, s.mapError(err)
}

// HouseholdDecision is one household's latest decision on the ballot, or
// nil when it has none.
func (s *Store) HouseholdDecision(ctx context.Context, projectID, ballotID, householdID int64) (*engine.Decision, error) {
	var d engine.Decision
	err := s.conn(ctx).GetContext(ctx, &d, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? AND ballot_id = ? AND household_id = ? ORDER BY id DESC LIMIT 1`),
		projectID, ballotID, householdID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return &d, nil
}

// Decisions lists every decision of a ballot, oldest first.
func (s *Store) Decisions(ctx context.Context, projectID, ballotID int64) ([]*engine.Decision, error) {
	var ds []*engine.Decision
	err := s.conn(ctx).SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? AND ballot_id = ? ORDER BY id`), projectID, ballotID)
	return ds, s.mapError(err)
}

// DecisionByCode finds a project's decision by its verification code.
func (s *Store) DecisionByCode(ctx context.Context, projectID int64, code string) (*engine.Decision, error) {
	var d engine.Decision
	if err := s.conn(ctx).GetContext(ctx, &d, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? AND code = ?`), projectID, code); err != nil {
		return nil, s.notFound(err, "没有这个核验码的记录")
	}
	return &d, nil
}

// ActorsEventsSince counts, for each of actors, the events of a project's
// chain at or after since: one query for a batch of decisions. Each actor
// is counted by its own lookup of (project_id, actor, at): with
// `actor IN (…)` PostgreSQL planned the project's newest rows as one and
// filtered every event of the project by actor (its statistics lag behind
// the busiest project), 4,000 rows and 19 ms a batch on the 2,000-project
// database of BENCHMARKS.md. Each actor's share is taken as one in the
// number of distinct actors, which migration 0024 fixes at a tenth of the
// events on PostgreSQL: its own count right after a vote is published is
// one (the worker), which made every event of the project look like the
// actor's, and the lookup read them all. (One subquery per actor instead
// was planned right too, at 6 ms of planning a batch.)
func (s *Store) ActorsEventsSince(ctx context.Context, projectID int64, actors []string, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(actors))
	if len(actors) == 0 {
		return out, nil
	}
	var sb strings.Builder
	sb.WriteString(`WITH a (actor) AS (VALUES `)
	args := make([]any, 0, len(actors)+2)
	for i, actor := range actors {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?)")
		args = append(args, actor)
	}
	sb.WriteString(`) SELECT a.actor, (SELECT COUNT(*) FROM audit_events e WHERE e.project_id = ? AND e.actor = a.actor AND e.at >= ?) AS n FROM a`)
	args = append(args, projectID, since.UTC())
	var rows []struct {
		Actor string
		N     int
	}
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return nil, s.mapError(err)
	}
	for _, r := range rows {
		if r.N > 0 {
			out[r.Actor] = r.N
		}
	}
	return out, nil
}
