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

// lockHead locks the head row of a project's chain and reads it, creating
// it at the first event, in one statement: an upsert that locks the row in
// PostgreSQL (as SELECT … FOR UPDATE would); in SQLite the transaction
// already holds the write lock (_txlock=immediate).
func (s *Store) lockHead(ctx context.Context, tx *sqlx.Tx, projectID int64) (chainHead, error) {
	var h chainHead
	err := tx.GetContext(ctx, &h, s.q(`INSERT INTO audit_heads (project_id, seq, hash) VALUES (?, 0, ?)
		ON CONFLICT (project_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash`), projectID, engine.GenesisHash)
	return h, err
}

// appendAudit appends e to its chain inside tx.
func (s *Store) appendAudit(ctx context.Context, tx *sqlx.Tx, e *engine.AuditEvent) error {
	head, err := s.lockHead(ctx, tx, e.ProjectID)
	if err != nil {
		return err
	}
	if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
		return err
	}
	return s.saveHead(ctx, tx, e.ProjectID, head)
}

// insertAuditEvents chains events after head (which tx has locked) and
// inserts them in one statement, filling Seq, PrevHash, Hash and ID; it
// returns the new head, which the caller saves.
func (s *Store) insertAuditEvents(ctx context.Context, tx *sqlx.Tx, head chainHead, events []*engine.AuditEvent) (chainHead, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO audit_events (project_id, seq, kind, actor, data, at, prev_hash, hash) VALUES `)
	args := make([]any, 0, 8*len(events))
	bySeq := make(map[int64]*engine.AuditEvent, len(events))
	for i, e := range events {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		if e.At.IsZero() {
			e.At = engine.Now()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = engine.ChainHash(e.PrevHash, e.Canonical())
		head = chainHead{Seq: e.Seq, Hash: e.Hash}
		bySeq[e.Seq] = e
		args = append(args, e.ProjectID, e.Seq, e.Kind, e.Actor, string(e.Data), e.At, e.PrevHash, e.Hash)
	}
	sb.WriteString(" RETURNING id, seq")
	var rows []struct{ ID, Seq int64 }
	if err := tx.SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return head, err
	}
	for _, r := range rows {
		bySeq[r.Seq].ID = r.ID
	}
	return head, nil
}

func (s *Store) saveHead(ctx context.Context, tx *sqlx.Tx, projectID int64, head chainHead) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE audit_heads SET seq = ?, hash = ? WHERE project_id = ?`), head.Seq, head.Hash, projectID)
	return err
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
	var rows []auditRow
	if err := sqlx.SelectContext(ctx, q, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = ? ORDER BY seq`), projectID); err != nil {
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
		r.Scenarios, err = s.scenarios(ctx, tx, projectID)
		return err
	})
	if err != nil {
		return nil, s.mapError(err)
	}
	return r, nil
}
