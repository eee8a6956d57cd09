package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const workerColumns = `id, username, display_name, password_hash, admin, created_at`

// CreateWorker stores a new worker; a taken username is a conflict.
func (s *Store) CreateWorker(ctx context.Context, w *engine.Worker) error {
	if w.CreatedAt.IsZero() {
		w.CreatedAt = s.now()
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &w.ID, s.q(`INSERT INTO workers (username, display_name, password_hash, admin, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`), w.Username, w.DisplayName, w.PasswordHash, w.Admin, w.CreatedAt)
	})
}

// WorkerByUsername finds a worker by login name.
func (s *Store) WorkerByUsername(ctx context.Context, username string) (*engine.Worker, error) {
	var w engine.Worker
	err := s.db.GetContext(ctx, &w, s.q(`SELECT `+workerColumns+` FROM workers WHERE username = ?`), username)
	if err != nil {
		return nil, s.mapError(err)
	}
	return &w, nil
}

// Workers lists all workers by id.
func (s *Store) Workers(ctx context.Context) ([]*engine.Worker, error) {
	var ws []*engine.Worker
	err := s.db.SelectContext(ctx, &ws, `SELECT `+workerColumns+` FROM workers ORDER BY id`)
	return ws, s.mapError(err)
}

// CreateSession stores a login by its token hash.
func (s *Store) CreateSession(ctx context.Context, sess *engine.Session) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO sessions (token_hash, worker_id, created_at, expires_at) VALUES (?, ?, ?, ?)`),
			sess.TokenHash, sess.WorkerID, sess.CreatedAt, sess.ExpiresAt)
		return err
	})
}

// SessionWorker returns the worker of a session that has not expired at
// now; unknown or expired sessions are unauthorized.
func (s *Store) SessionWorker(ctx context.Context, tokenHash string, now time.Time) (*engine.Worker, error) {
	var w engine.Worker
	err := s.db.GetContext(ctx, &w, s.q(`SELECT w.id, w.username, w.display_name, w.password_hash, w.admin, w.created_at
		FROM sessions s JOIN workers w ON w.id = s.worker_id
		WHERE s.token_hash = ? AND s.expires_at > ?`), tokenHash, now)
	if err != nil {
		if engine.ErrorCode(s.mapError(err)) == engine.ECodeNotFound {
			return nil, engine.Errorf(engine.ECodeUnauthorized, "登录已过期或无效，请重新登录")
		}
		return nil, s.mapError(err)
	}
	return &w, nil
}

// DeleteSession logs a session out; deleting an unknown one is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash)
		return err
	})
}

// SetPassword stores a worker's new password hash and ends their sessions,
// with an event in the service-wide chain, in one transaction.
func (s *Store) SetPassword(ctx context.Context, workerID int64, hash string, event *engine.AuditEvent) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE workers SET password_hash = ? WHERE id = ?`), hash, workerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeNotFound, "工作人员 %d 不存在", workerID))
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE worker_id = ?`), workerID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, event)
	})
}
