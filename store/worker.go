package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// Workers and sessions are projections of the system chain (engine/
// session.go): these methods only run the statements of the login and
// user workflows (app/login.go), inside their unit of work.

const workerColumns = `id, username, display_name, password_hash, admin, created_at, COALESCE(org_id, 0) AS org_id, role`

const sessionColumns = `id, token_hash, worker_id, created_at, expires_at, ended_at, issued_seq`

// CreateWorker inserts a worker; a taken username is a conflict.
func (s *Store) CreateWorker(ctx context.Context, w *engine.Worker) error {
	err := s.conn(ctx).GetContext(ctx, &w.ID, s.q(`INSERT INTO workers (username, display_name, password_hash, admin, created_at, org_id, role)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), w.Username, w.DisplayName, w.PasswordHash, w.Admin, w.CreatedAt, nullID(w.OrgID), w.Role)
	return s.mapError(err)
}

// WorkerByUsername finds a worker by login name.
func (s *Store) WorkerByUsername(ctx context.Context, username string) (*engine.Worker, error) {
	var w engine.Worker
	err := s.conn(ctx).GetContext(ctx, &w, s.q(`SELECT `+workerColumns+` FROM workers WHERE username = ?`), username)
	if err != nil {
		return nil, s.mapError(err)
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

// Workers lists all workers by id.
func (s *Store) Workers(ctx context.Context) ([]*engine.Worker, error) {
	var ws []*engine.Worker
	err := s.conn(ctx).SelectContext(ctx, &ws, `SELECT `+workerColumns+` FROM workers ORDER BY id`)
	for _, w := range ws {
		w.CreatedAt = w.CreatedAt.UTC()
	}
	return ws, s.mapError(err)
}

// CreateSession inserts a login by its token hash.
func (s *Store) CreateSession(ctx context.Context, sess *engine.Session) error {
	err := s.conn(ctx).GetContext(ctx, &sess.ID, s.q(`INSERT INTO sessions (token_hash, worker_id, created_at, expires_at, issued_seq)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), sess.TokenHash, sess.WorkerID, sess.CreatedAt, sess.ExpiresAt, sess.IssuedSeq)
	return s.mapError(err)
}

// SetSessionIssued points a session to its login event.
func (s *Store) SetSessionIssued(ctx context.Context, sessionID, seq int64) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE sessions SET issued_seq = ? WHERE id = ?`), seq, sessionID)
	return s.updated(res, err, "会话 %d 不存在", sessionID)
}

// sessionRow scans a sessions row (times in UTC).
type sessionRow struct {
	engine.Session
	EndedAt sql.NullTime
}

func (r sessionRow) session() engine.Session {
	sess := r.Session
	sess.CreatedAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
	sess.EndedAt = nil
	if r.EndedAt.Valid {
		t := r.EndedAt.Time.UTC()
		sess.EndedAt = &t
	}
	return sess
}

// LiveSession returns the session of a token hash that has neither ended
// nor expired at now, with its worker, in one query.
func (s *Store) LiveSession(ctx context.Context, tokenHash string, now time.Time) (*engine.Session, *engine.Worker, error) {
	var row struct {
		sessionRow
		Worker engine.Worker `db:"w"`
	}
	err := s.conn(ctx).GetContext(ctx, &row, s.q(`SELECT s.id, s.token_hash, s.worker_id, s.created_at, s.expires_at, s.ended_at, s.issued_seq,
		w.id AS "w.id", w.username AS "w.username", w.display_name AS "w.display_name", w.password_hash AS "w.password_hash",
		w.admin AS "w.admin", w.created_at AS "w.created_at", COALESCE(w.org_id, 0) AS "w.org_id", w.role AS "w.role"
		FROM sessions s JOIN workers w ON w.id = s.worker_id
		WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?`), tokenHash, now)
	if err != nil {
		if engine.ErrorCode(s.mapError(err)) == engine.ECodeNotFound {
			return nil, nil, engine.Errorf(engine.ECodeUnauthorized, "登录已过期或无效，请重新登录")
		}
		return nil, nil, s.mapError(err)
	}
	sess := row.session()
	w := row.Worker
	w.CreatedAt = w.CreatedAt.UTC()
	return &sess, &w, nil
}

// EndSession ends the live session of a token hash; nil when none.
func (s *Store) EndSession(ctx context.Context, tokenHash string, at time.Time) (*engine.Session, error) {
	var rows []sessionRow
	err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL
		RETURNING `+sessionColumns), at, tokenHash)
	if err != nil || len(rows) == 0 {
		return nil, s.mapError(err)
	}
	sess := rows[0].session()
	return &sess, nil
}

// EndWorkerSessions ends every live session of a worker.
func (s *Store) EndWorkerSessions(ctx context.Context, workerID int64, at time.Time) ([]engine.Session, error) {
	var rows []sessionRow
	err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`UPDATE sessions SET ended_at = ? WHERE worker_id = ? AND ended_at IS NULL
		RETURNING `+sessionColumns), at, workerID)
	if err != nil {
		return nil, s.mapError(err)
	}
	out := make([]engine.Session, len(rows))
	for i, r := range rows {
		out[i] = r.session()
	}
	return out, nil
}

// SetPasswordHash stores a worker's new password hash.
func (s *Store) SetPasswordHash(ctx context.Context, workerID int64, hash string) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE workers SET password_hash = ? WHERE id = ?`), hash, workerID)
	return s.updated(res, err, "工作人员 %d 不存在", workerID)
}

// ChainProof reads a chain's events from seq up to the first checkpoint
// at or after it, and that checkpoint, in one read transaction.
func (s *Store) ChainProof(ctx context.Context, projectID, seq int64) ([]*engine.AuditEvent, *engine.Checkpoint, error) {
	var events []*engine.AuditEvent
	var cp *engine.Checkpoint
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var c engine.Checkpoint
		err := tx.GetContext(ctx, &c, s.q(`SELECT project_id, seq, head, at, key_id, signature FROM checkpoints
			WHERE project_id = ? AND seq >= ? ORDER BY seq LIMIT 1`), projectID, seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		c.At = c.At.UTC()
		cp = &c
		var rows []auditRow
		if err := tx.SelectContext(ctx, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
			FROM audit_events WHERE project_id = ? AND seq >= ? AND seq <= ? ORDER BY seq`), projectID, seq, c.Seq); err != nil {
			return err
		}
		events = make([]*engine.AuditEvent, len(rows))
		for i := range rows {
			e := rows[i].AuditEvent
			e.Data = []byte(rows[i].Data)
			e.At = e.At.UTC()
			events[i] = &e
		}
		return nil
	})
	return events, cp, s.mapError(err)
}

// ChainEventsOfKind lists a chain's events of the given kinds, in order.
func (s *Store) ChainEventsOfKind(ctx context.Context, projectID int64, kinds ...string) ([]*engine.AuditEvent, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	args := []any{projectID}
	for _, k := range kinds {
		args = append(args, k)
	}
	var rows []auditRow
	if err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = ? AND kind IN (?`+strings.Repeat(", ?", len(kinds)-1)+`) ORDER BY seq`), args...); err != nil {
		return nil, s.mapError(err)
	}
	events := make([]*engine.AuditEvent, len(rows))
	for i := range rows {
		e := rows[i].AuditEvent
		e.Data = []byte(rows[i].Data)
		e.At = e.At.UTC()
		events[i] = &e
	}
	return events, nil
}

func init() { readProjection((*Store).workerRows) }

// workerRows reads the images of the system chain's tables: every worker
// and every session (project 0 only).
func (s *Store) workerRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	if projectID != engine.SystemChain {
		return nil, nil
	}
	var ws []engine.Worker
	if err := q.SelectContext(ctx, &ws, `SELECT `+workerColumns+` FROM workers ORDER BY id`); err != nil {
		return nil, err
	}
	var ss []sessionRow
	if err := q.SelectContext(ctx, &ss, `SELECT `+sessionColumns+` FROM sessions ORDER BY id`); err != nil {
		return nil, err
	}
	out := map[string][]engine.Row{engine.TableWorkers: {}, engine.TableSessions: {}}
	for _, w := range ws {
		out[engine.TableWorkers] = append(out[engine.TableWorkers], w.Row())
	}
	for _, r := range ss {
		out[engine.TableSessions] = append(out[engine.TableSessions], r.session().Row())
	}
	return out, nil
}
