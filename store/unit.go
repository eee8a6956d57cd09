package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// The unit of work: a workflow (app) opens the transaction with InTx, and
// every store method it calls with that context runs inside it. The store
// runs the statements; what they mean is decided in engine and app.

type unitKey struct{}

var (
	_ engine.UnitOfWork = (*Store)(nil)
	_ engine.ChainStore = (*Store)(nil)
)

// InTx runs fn in one transaction: the store methods called with fn's
// context join it; any error rolls everything back. A unit opened inside
// another joins the outer one.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if unitTx(ctx) != nil {
		return fn(ctx)
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error { return fn(context.WithValue(ctx, unitKey{}, tx)) })
}

// unitTx is the transaction of the unit of work ctx runs in, or nil.
func unitTx(ctx context.Context) *sqlx.Tx {
	tx, _ := ctx.Value(unitKey{}).(*sqlx.Tx)
	return tx
}

// querier is what both a connection pool and a transaction answer.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error)
}

// conn is the unit of work's transaction when ctx runs in one, else the
// pool: reads inside a workflow see what it has written.
func (s *Store) conn(ctx context.Context) querier {
	if tx := unitTx(ctx); tx != nil {
		return tx
	}
	return s.db
}

// inUnit is the transaction a chain write needs: the workflow must have
// opened one (a chain is never extended outside a unit of work).
func inUnit(ctx context.Context) (*sqlx.Tx, error) {
	tx := unitTx(ctx)
	if tx == nil {
		return nil, errors.New("store: chain written outside a unit of work (app.inTx)")
	}
	return tx, nil
}

// LockChain locks a chain's head row for the rest of the unit of work
// (creating it at the first event) and reads it with the chain's latest
// checkpoint — in PostgreSQL in one statement, since every round trip
// under the lock is paid by every writer waiting for it.
func (s *Store) LockChain(ctx context.Context, projectID int64) (engine.ChainHead, *engine.Checkpoint, error) {
	tx, err := inUnit(ctx)
	if err != nil {
		return engine.ChainHead{}, nil, err
	}
	head, last, err := s.lockChain(ctx, tx, projectID)
	return head, last, s.mapError(err)
}

func (s *Store) lockChain(ctx context.Context, tx *sqlx.Tx, projectID int64) (engine.ChainHead, *engine.Checkpoint, error) {
	var row struct {
		Seq       int64
		Hash      string
		CpAt      sql.NullTime
		KeyID     string
		Signature string
	}
	// an upsert that locks the row in PostgreSQL (as SELECT … FOR UPDATE
	// would) and returns its latest version; SQLite's immediate
	// transaction already holds the write lock
	err := tx.GetContext(ctx, &row, s.q(`INSERT INTO audit_heads (project_id, seq, hash) VALUES (?, 0, ?)
		ON CONFLICT (project_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash, cp_at, key_id, signature`), projectID, engine.GenesisHash)
	if err != nil {
		return engine.ChainHead{}, nil, err
	}
	head := engine.ChainHead{Seq: row.Seq, Hash: row.Hash}
	if row.Signature == "" {
		return head, nil, nil
	}
	return head, &engine.Checkpoint{ProjectID: projectID, Seq: row.Seq, Head: row.Hash, At: row.CpAt.Time.UTC(),
		KeyID: row.KeyID, Signature: row.Signature}, nil
}

// InsertEvents inserts events already linked (engine.LinkEvents) in one
// statement and fills their IDs.
func (s *Store) InsertEvents(ctx context.Context, events []*engine.AuditEvent) error {
	tx, err := inUnit(ctx)
	if err != nil || len(events) == 0 {
		return err
	}
	return s.mapError(s.insertLinked(ctx, tx, events))
}

// SaveHead moves the head to the signed checkpoint and stores it (in
// PostgreSQL in one statement).
func (s *Store) SaveHead(ctx context.Context, cp *engine.Checkpoint) error {
	tx, err := inUnit(ctx)
	if err != nil {
		return err
	}
	cp.At = cp.At.UTC().Truncate(time.Microsecond)
	return s.mapError(s.storeHead(ctx, tx, cp))
}

// updated turns an UPDATE's result into not_found when it touched no row.
func (s *Store) updated(res sql.Result, err error, format string, args ...any) error {
	if err != nil {
		return s.mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return s.mapError(cmpErr(err, engine.Errorf(engine.ECodeNotFound, format, args...)))
	}
	return nil
}

// projectionReader reads some of a project's projected tables as row
// images (engine.ProjectedTables).
type projectionReader func(s *Store, ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error)

// projectionReaders are the readers of every projected table; each
// table's file adds its own (readProjection in an init function).
var projectionReaders []projectionReader

func readProjection(r projectionReader) { projectionReaders = append(projectionReaders, r) }

// projectionRows reads every projected table of a project as images.
func (s *Store) projectionRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	out := map[string][]engine.Row{}
	for _, read := range projectionReaders {
		rows, err := read(s, ctx, q, projectID)
		if err != nil {
			return nil, err
		}
		for t, rs := range rows {
			out[t] = append(out[t], rs...)
		}
	}
	return out, nil
}

// ProjectionRows reads every projected table of a project as images
// (inside the unit of work when there is one).
func (s *Store) ProjectionRows(ctx context.Context, projectID int64) (map[string][]engine.Row, error) {
	rows, err := s.projectionRows(ctx, s.conn(ctx), projectID)
	return rows, s.mapError(err)
}

// ChainStarts lists each project chain's first event and whether it
// holds a baseline.
func (s *Store) ChainStarts(ctx context.Context) ([]engine.ChainStart, error) {
	var rows []struct {
		auditRow
		Baselined bool
	}
	err := s.conn(ctx).SelectContext(ctx, &rows, s.q(`SELECT e.id, e.project_id, e.seq, e.kind, e.actor, e.data, e.at, e.prev_hash, e.hash,
		EXISTS (SELECT 1 FROM audit_events b WHERE b.project_id = e.project_id AND b.kind = ?) AS baselined
		FROM audit_events e WHERE e.seq = 1 AND e.project_id > 0 ORDER BY e.project_id`), engine.AuditBaseline)
	if err != nil {
		return nil, s.mapError(err)
	}
	out := make([]engine.ChainStart, len(rows))
	for i := range rows {
		e := rows[i].AuditEvent
		e.Data = json.RawMessage(rows[i].Data)
		out[i] = engine.ChainStart{ProjectID: e.ProjectID, First: &e, Baselined: rows[i].Baselined}
	}
	return out, nil
}

// SetUnissuedLinks points the project's links that have no issuing event
// of their own (issued before links carried their hash) at the event
// that vouches for them.
func (s *Store) SetUnissuedLinks(ctx context.Context, projectID, seq int64) error {
	_, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE signing_links SET issued_seq = ? WHERE project_id = ?
		AND (issued_seq IS NULL OR issued_seq = 0)`), seq, projectID)
	return s.mapError(err)
}
