package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// LatestCheckpoints is the newest checkpoint of every chain that has one,
// by project: whose key signed them decides whether a key may sign now
// (engine.CheckSigningKey).
func (s *Store) LatestCheckpoints(ctx context.Context) ([]*engine.Checkpoint, error) {
	cps, err := s.latestCheckpoints(ctx, s.db)
	return cps, s.mapError(err)
}

func (s *Store) latestCheckpoints(ctx context.Context, q sqlx.QueryerContext) ([]*engine.Checkpoint, error) {
	var cps []*engine.Checkpoint
	err := sqlx.SelectContext(ctx, q, &cps, `SELECT c.project_id, c.seq, c.head, c.at, c.key_id, c.signature FROM checkpoints c
		JOIN (SELECT project_id, MAX(seq) AS seq FROM checkpoints GROUP BY project_id) m ON m.project_id = c.project_id AND m.seq = c.seq
		ORDER BY c.project_id`)
	for _, c := range cps {
		c.At = c.At.UTC()
	}
	return cps, err
}

// KeyRotations is the system chain's key_rotated events, by seq.
func (s *Store) KeyRotations(ctx context.Context) ([]*engine.AuditEvent, error) {
	events, err := s.keyRotations(ctx, s.db)
	return events, s.mapError(err)
}

func (s *Store) keyRotations(ctx context.Context, q sqlx.QueryerContext) ([]*engine.AuditEvent, error) {
	var rows []auditRow
	if err := sqlx.SelectContext(ctx, q, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = 0 AND kind = ? ORDER BY seq`), engine.AuditKeyRotated); err != nil {
		return nil, err
	}
	out := make([]*engine.AuditEvent, len(rows))
	for i := range rows {
		e := rows[i].AuditEvent
		e.Data = []byte(rows[i].Data)
		e.At = e.At.UTC()
		out[i] = &e
	}
	return out, nil
}

// RotateKey writes a key rotation in one transaction: it locks every
// chain's head and hands it with its newest checkpoint to check (which
// decides whether the old key may hand it over), appends rotation to the
// system chain, then marker(project, rotation's seq) to every other chain
// that has events; each new head is signed with the store's key, which the
// caller has set to the new key. Afterwards every chain's newest
// checkpoint is the new key's.
func (s *Store) RotateKey(ctx context.Context, rotation *engine.AuditEvent,
	check func(projectID int64, head engine.ChainHead, last *engine.Checkpoint) error,
	marker func(projectID, rotationSeq int64) *engine.AuditEvent) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var heads []struct {
			ProjectID int64
			Seq       int64
			Hash      string
		}
		if err := tx.SelectContext(ctx, &heads, `SELECT project_id, seq, hash FROM audit_heads WHERE seq > 0 ORDER BY project_id`+s.forUpdate()); err != nil {
			return err
		}
		for _, h := range heads {
			var last engine.Checkpoint
			err := tx.GetContext(ctx, &last, s.q(`SELECT project_id, seq, head, at, key_id, signature FROM checkpoints
				WHERE project_id = ? ORDER BY seq DESC LIMIT 1`), h.ProjectID)
			var lastp *engine.Checkpoint
			switch {
			case err == nil:
				last.At = last.At.UTC()
				lastp = &last
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if err := check(h.ProjectID, engine.ChainHead{Seq: h.Seq, Hash: h.Hash}, lastp); err != nil {
				return err
			}
		}
		rotation.ProjectID = 0
		if err := s.appendRotation(ctx, tx, rotation); err != nil {
			return err
		}
		for _, h := range heads {
			if h.ProjectID == 0 {
				continue
			}
			if err := s.appendRotation(ctx, tx, marker(h.ProjectID, rotation.Seq)); err != nil {
				return err
			}
		}
		return nil
	})
}

// appendRotation appends e and signs the new head with the store's (new)
// key. The head it extends was checked against the old key by RotateKey's
// check, not against the store's key as an ordinary append would.
func (s *Store) appendRotation(ctx context.Context, tx *sqlx.Tx, e *engine.AuditEvent) error {
	locked, _, err := s.lockChain(ctx, tx, e.ProjectID)
	if err != nil {
		return err
	}
	head := chainHead{Seq: locked.Seq, Hash: locked.Hash}
	if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
		return err
	}
	return s.saveHead(ctx, tx, e.ProjectID, head, e.At)
}
