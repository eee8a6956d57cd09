package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

type chainHead struct {
	Seq  int64
	Hash string
}

// appendAudit appends e to its chain inside tx.
func (s *Store) appendAudit(ctx context.Context, tx *sqlx.Tx, e *engine.AuditEvent) error {
	head, err := s.lockChecked(ctx, tx, e.ProjectID)
	if err != nil {
		return err
	}
	if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
		return err
	}
	return s.saveHead(ctx, tx, e.ProjectID, head, e.At)
}

// lockChecked locks a chain's head for the store's own writes and refuses
// to extend it unless it is the head the latest checkpoint signed
// (engine.CheckHead). The workflows that open their own unit of work do
// the same through LockChain.
func (s *Store) lockChecked(ctx context.Context, tx *sqlx.Tx, projectID int64) (chainHead, error) {
	head, last, err := s.lockChain(ctx, tx, projectID)
	if err != nil {
		return chainHead{}, err
	}
	if s.key == nil {
		return chainHead{}, engine.Errorf(engine.ECodeInternal, "store: no signing key: audit events cannot be checkpointed")
	}
	if err := engine.CheckHead(projectID, head, last, s.key.Public(), nil); err != nil {
		return chainHead{}, err
	}
	return chainHead{Seq: head.Seq, Hash: head.Hash}, nil
}

// insertAuditEvents chains events after head (which tx has locked) and
// inserts them in one statement, filling Seq, PrevHash, Hash and ID; it
// returns the new head, which the caller saves.
func (s *Store) insertAuditEvents(ctx context.Context, tx *sqlx.Tx, head chainHead, events []*engine.AuditEvent) (chainHead, error) {
	for _, e := range events {
		if e.At.IsZero() {
			e.At = s.now()
		}
	}
	h := engine.LinkEvents(engine.ChainHead{Seq: head.Seq, Hash: head.Hash}, events)
	return chainHead{Seq: h.Seq, Hash: h.Hash}, s.insertLinked(ctx, tx, events)
}

// insertLinked inserts linked events, at most a thousand a statement, and
// fills their IDs.
func (s *Store) insertLinked(ctx context.Context, tx *sqlx.Tx, events []*engine.AuditEvent) error {
	// SQLite takes at most 32,766 parameters in a statement: publishing a
	// plan of 5,000 households appends 5,001 events of 8 each
	const batch = 1000
	for len(events) > batch {
		if err := s.insertLinkedBatch(ctx, tx, events[:batch]); err != nil {
			return err
		}
		events = events[batch:]
	}
	return s.insertLinkedBatch(ctx, tx, events)
}

func (s *Store) insertLinkedBatch(ctx context.Context, tx *sqlx.Tx, events []*engine.AuditEvent) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO audit_events (project_id, seq, kind, actor, data, at, prev_hash, hash) VALUES `)
	args := make([]any, 0, 8*len(events))
	bySeq := make(map[int64]*engine.AuditEvent, len(events))
	for i, e := range events {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		bySeq[e.Seq] = e
		args = append(args, e.ProjectID, e.Seq, e.Kind, e.Actor, string(e.Data), e.At, e.PrevHash, e.Hash)
	}
	sb.WriteString(" RETURNING id, seq")
	var rows []struct{ ID, Seq int64 }
	if err := tx.SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return err
	}
	for _, r := range rows {
		bySeq[r.Seq].ID = r.ID
	}
	return nil
}

// saveHead moves the chain's head and signs it, inside the transaction
// that extended the chain: every committed event is covered by a
// checkpoint, with no window between commit and signature.
func (s *Store) saveHead(ctx context.Context, tx *sqlx.Tx, projectID int64, head chainHead, at time.Time) error {
	c, err := s.sign(&engine.Checkpoint{ProjectID: projectID, Seq: head.Seq, Head: head.Hash, At: at})
	if err != nil {
		return err
	}
	return s.storeHead(ctx, tx, c)
}

// storeHead moves the head to a signed checkpoint and stores it;
// PostgreSQL does both in one statement: the chain head is locked until
// commit, so every round trip here costs every waiting writer.
func (s *Store) storeHead(ctx context.Context, tx *sqlx.Tx, c *engine.Checkpoint) error {
	if s.dialect == Postgres {
		_, err := tx.ExecContext(ctx, `WITH moved AS (UPDATE audit_heads SET seq = $1, hash = $2, cp_at = $4, key_id = $5, signature = $6 WHERE project_id = $3)
			INSERT INTO checkpoints (project_id, seq, head, at, key_id, signature) VALUES ($3, $1, $2, $4, $5, $6)`,
			c.Seq, c.Head, c.ProjectID, c.At, c.KeyID, c.Signature)
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE audit_heads SET seq = ?, hash = ?, cp_at = ?, key_id = ?, signature = ? WHERE project_id = ?`),
		c.Seq, c.Head, c.At, c.KeyID, c.Signature, c.ProjectID); err != nil {
		return err
	}
	return s.writeCheckpoint(ctx, tx, c)
}

// sign fills a checkpoint's signature with the store's key.
func (s *Store) sign(c *engine.Checkpoint) (*engine.Checkpoint, error) {
	if s.key == nil {
		return nil, engine.Errorf(engine.ECodeInternal, "store: no signing key: audit events cannot be checkpointed")
	}
	c.At = c.At.UTC().Truncate(time.Microsecond)
	s.key.Sign(c)
	return c, nil
}

func (s *Store) writeCheckpoint(ctx context.Context, tx *sqlx.Tx, c *engine.Checkpoint) error {
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO checkpoints (project_id, seq, head, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)`),
		c.ProjectID, c.Seq, c.Head, c.At, c.KeyID, c.Signature)
	return err
}

// SetSigningKey gives the store the key that signs checkpoints (kept in
// memory, never written to the database). Without one no audit event can
// be written.
func (s *Store) SetSigningKey(k *engine.SigningKey) { s.key = k }

// ChainHead is a project's chain head (seq 0 when it has none).
func (s *Store) ChainHead(ctx context.Context, projectID int64) (engine.ChainHead, error) {
	var h chainHead
	err := s.conn(ctx).GetContext(ctx, &h, s.q(`SELECT seq, hash FROM audit_heads WHERE project_id = ?`), projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return engine.ChainHead{Hash: engine.GenesisHash}, nil
	}
	return engine.ChainHead{Seq: h.Seq, Hash: h.Hash}, s.mapError(err)
}

// AuditTail is a chain's events and checkpoints after seq, in one read.
func (s *Store) AuditTail(ctx context.Context, projectID, after int64) ([]*engine.AuditEvent, []*engine.Checkpoint, error) {
	var events []*engine.AuditEvent
	var cps []*engine.Checkpoint
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if events, err = s.auditEventsAfter(ctx, tx, projectID, after); err != nil {
			return err
		}
		cps, err = s.checkpoints(ctx, tx, projectID, after)
		return err
	})
	return events, cps, s.mapError(err)
}

func (s *Store) checkpoints(ctx context.Context, q sqlx.QueryerContext, projectID, after int64) ([]*engine.Checkpoint, error) {
	var cps []*engine.Checkpoint
	err := sqlx.SelectContext(ctx, q, &cps, s.q(`SELECT project_id, seq, head, at, key_id, signature FROM checkpoints
		WHERE project_id = ? AND seq > ? ORDER BY seq`), projectID, after)
	for _, c := range cps {
		c.At = c.At.UTC()
	}
	return cps, err
}

// SignLegacyChains signs the head of every chain that has no checkpoint
// at all — chains written before checkpoints existed — once, right after
// the migration that introduced them (Open remembers); later starts never
// re-sign, so deleting a chain's checkpoints cannot get a rewrite blessed.
func (s *Store) SignLegacyChains(ctx context.Context) (int, error) {
	if !s.legacyChains {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var heads []struct {
			ProjectID int64
			Seq       int64
			Hash      string
		}
		if err := tx.SelectContext(ctx, &heads, `SELECT project_id, seq, hash FROM audit_heads h
			WHERE seq > 0 AND NOT EXISTS (SELECT 1 FROM checkpoints c WHERE c.project_id = h.project_id) ORDER BY project_id`); err != nil {
			return err
		}
		for _, h := range heads {
			c, err := s.sign(&engine.Checkpoint{ProjectID: h.ProjectID, Seq: h.Seq, Head: h.Hash, At: s.now()})
			if err != nil {
				return err
			}
			if err := s.storeHead(ctx, tx, c); err != nil {
				return err
			}
		}
		n = len(heads)
		return nil
	})
	if err == nil {
		s.legacyChains = false
	}
	return n, err
}

// AppendAudit appends one event to its project's chain (project 0 is the
// service-wide chain, e.g. worker logins).
func (s *Store) AppendAudit(ctx context.Context, e *engine.AuditEvent) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.appendAudit(ctx, tx, e) })
}

type auditRow struct {
	engine.AuditEvent
	Data string
}

// AuditEvents lists a chain in order.
func (s *Store) AuditEvents(ctx context.Context, projectID int64) ([]*engine.AuditEvent, error) {
	events, err := s.auditEvents(ctx, s.db, projectID)
	return events, s.mapError(err)
}

func (s *Store) auditEvents(ctx context.Context, q sqlx.QueryerContext, projectID int64) ([]*engine.AuditEvent, error) {
	return s.auditEventsAfter(ctx, q, projectID, 0)
}

func (s *Store) auditEventsAfter(ctx context.Context, q sqlx.QueryerContext, projectID, after int64) ([]*engine.AuditEvent, error) {
	var rows []auditRow
	if err := sqlx.SelectContext(ctx, q, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = ? AND seq > ? ORDER BY seq`), projectID, after); err != nil {
		return nil, err
	}
	out := make([]*engine.AuditEvent, len(rows))
	for i := range rows {
		e := rows[i].AuditEvent
		e.Data = json.RawMessage(rows[i].Data)
		e.At = e.At.UTC()
		out[i] = &e
	}
	return out, nil
}

// AuditRecords reads a project's chain, its head, its decisions and its
// scenarios in one read transaction, so that a commit in between cannot
// look like tampering.
func (s *Store) AuditRecords(ctx context.Context, projectID int64) (*engine.AuditRecords, error) {
	r := &engine.AuditRecords{}
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if r.Events, err = s.auditEvents(ctx, tx, projectID); err != nil {
			return err
		}
		var head chainHead
		switch err := tx.GetContext(ctx, &head, s.q(`SELECT seq, hash FROM audit_heads WHERE project_id = ?`), projectID); {
		case err == nil:
			r.Head = &engine.ChainHead{Seq: head.Seq, Hash: head.Hash}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := tx.SelectContext(ctx, &r.Decisions, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? ORDER BY id`), projectID); err != nil {
			return err
		}
		if r.Scenarios, err = s.scenarios(ctx, tx, projectID); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &r.Payments, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? ORDER BY id`), projectID); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &r.Funds, s.q(`SELECT `+fundColumns+`, photo FROM funds WHERE project_id = ? ORDER BY id`), projectID); err != nil {
			return err
		}
		if r.Rows, err = s.projectionRows(ctx, tx, projectID); err != nil {
			return err
		}
		if r.Checkpoints, err = s.checkpoints(ctx, tx, projectID, 0); err != nil {
			return err
		}
		r.Rotations, err = s.keyRotations(ctx, tx)
		return err
	})
	if err != nil {
		return nil, s.mapError(err)
	}
	return r, nil
}
