// Package store keeps renovote's records in SQL over sqlx: an embedded
// SQLite file by default (modernc.org/sqlite, no cgo) and PostgreSQL
// (lib/pq) for production. One schema, embedded migrations per dialect,
// applied at open. The rules the service relies on — a published scenario
// never changes, decisions are append-only, one live signing link per
// household, one unbroken audit chain per project — are enforced by the
// database itself, so several servers may share one PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
	"github.com/jmoiron/sqlx/reflectx"
	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/renovote/renovote/engine"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultPath is the SQLite file used when no database is named.
const DefaultPath = "renovote.db"

func init() {
	// sqlx does not know modernc's driver name: without this Rebind
	// leaves "?" placeholders alone.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

//go:embed migrations
var migrationFS embed.FS

// Store implements the engine's store interfaces over one database.
type Store struct {
	db      *sqlx.DB
	dialect string
	// writeMu queues this process's SQLite write transactions. The
	// database's own lock (immediate transactions) is what keeps them
	// apart; but SQLite's busy handler is unfair, and with dozens of
	// writers some would time out waiting. PostgreSQL needs no such queue.
	writeMu sync.Mutex

	stopCheckpoints, checkpointsDone chan struct{} // SQLite's background checkpoints
	// key signs the audit chains' checkpoints (docs/lifecycle.md).
	key *engine.SigningKey
	// legacyChains: this Open upgraded a database whose chains have no
	// signed checkpoints yet (SignLegacyChains).
	legacyChains bool
	// clock is the store's time for the rows it stamps (engine.Now unless
	// SetClock); tests share theirs with the workflows.
	clock     func() time.Time
	closeOnce sync.Once
	closeErr  error
}

var (
	_ engine.WorkerStore        = (*Store)(nil)
	_ engine.ProjectStore       = (*Store)(nil)
	_ engine.ScenarioStore      = (*Store)(nil)
	_ engine.BallotStore        = (*Store)(nil)
	_ engine.DecisionStore      = (*Store)(nil)
	_ engine.AuditStore         = (*Store)(nil)
	_ engine.QuestionnaireStore = (*Store)(nil)
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn — a postgres:// URL, or else a SQLite file path
// ("" is renovote.db) — and brings the schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, nil)
}

// open is Open leaving out the migration steps in skip (tests of an
// upgrade: a database as an older binary left it).
func open(ctx context.Context, dsn string, skip map[int]bool) (*Store, error) {
	s := &Store{dialect: SQLite, clock: engine.Now}
	var err error
	if IsPostgres(dsn) {
		s.dialect = Postgres
		s.db, err = sqlx.Open("postgres", postgresDSN(dsn))
	} else {
		s.db, err = sqlx.Open("sqlite", sqliteDSN(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("打开数据库失败：%w", err)
	}
	s.db.Mapper = reflectx.NewMapperFunc("db", snakeCase)
	if s.dialect == Postgres {
		s.db.SetMaxOpenConns(16)
		s.db.SetMaxIdleConns(16)
	}
	s.db.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		// unavailable: the caller (exit status 3, HTTP 503) must not read
		// this as anything about the data
		return nil, engine.Errorf(engine.ECodeUnavailable, "无法连接数据库：%v", err)
	}
	if err := s.migrate(ctx, skip); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.dialect == SQLite {
		s.stopCheckpoints = make(chan struct{})
		s.checkpointsDone = make(chan struct{})
		go s.checkpoint()
	}
	return s, nil
}

// checkpoint copies the SQLite WAL into the database file every second, off
// the write path: left to SQLite, every thousandth page would make one
// unlucky commit do it and wait.
func (s *Store) checkpoint() {
	defer close(s.checkpointsDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stopCheckpoints:
			return
		case <-t.C:
			_, _ = s.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`) // best effort: a failed checkpoint is retried on the next tick
		}
	}
}

// sqliteDSN adds the settings docs/lifecycle.md asks for: WAL, a busy timeout,
// immediate transactions (deferred ones fail with SQLITE_BUSY under
// concurrent read-then-write), foreign keys, full sync (acknowledged means
// durable) and a time format it reads back.
func sqliteDSN(dsn string) string {
	if dsn == "" {
		dsn = DefaultPath
	}
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "_busy_timeout=30000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate&_time_format=sqlite" +
		"&_pragma=wal_autocheckpoint(0)"
}

// postgresDSN makes sessions speak UTC.
func postgresDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // lib/pq reports the error
	}
	q := u.Query()
	if q.Get("timezone") == "" {
		q.Set("timezone", "UTC")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// snakeCase maps Go field names to columns: ScenarioSHA256 → scenario_sha256,
// OwnerID → owner_id.
func snakeCase(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, r := range runes {
		if i > 0 && unicode.IsUpper(r) {
			prev := runes[i-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			if unicode.IsLower(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// SetClock sets the time the store stamps rows with (tests move it).
func (s *Store) SetClock(now func() time.Time) { s.clock = now }

func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// Dialect is SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// DB is the underlying handle, for tools and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the database (once).
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stopCheckpoints != nil {
			close(s.stopCheckpoints)
			<-s.checkpointsDone
			_, err := s.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			s.closeErr = err
		}
		s.closeErr = errors.Join(s.closeErr, s.db.Close())
	})
	return s.closeErr
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// forUpdate locks the selected rows in PostgreSQL; SQLite's immediate
// transactions already hold the database's write lock.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// tx runs fn in a transaction; any error rolls it back. Inside a unit of
// work (InTx) fn joins the unit's transaction.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if tx := unitTx(ctx); tx != nil {
		return fn(tx)
	}
	if s.dialect == SQLite {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return s.mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.mapError(err)
	}
	return s.mapError(tx.Commit())
}

// readTx runs fn in a read-only transaction: one consistent snapshot of
// the database (SQLite WAL readers and PostgreSQL repeatable read), taken
// without the write lock.
func (s *Store) readTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTxx(ctx, opts)
	if err != nil {
		return s.mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.mapError(err)
	}
	return s.mapError(tx.Commit())
}

// q rebinds a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string { return s.db.Rebind(query) }

// analyzed are the tables whose statistics a bulk write makes stale.
var analyzed = map[string]bool{"signing_links": true, "households": true, "audit_events": true, "decisions": true, "survey_links": true}

// Analyze refreshes PostgreSQL's statistics of tables after a bulk write
// (publishing a vote writes a link and an event per household); a no-op
// on SQLite. Until autovacuum comes round (a minute or more), a database
// of a few projects has statistics that have never seen the new one:
// PostgreSQL then takes it for empty, every index leading with project_id
// looks as cheap as the next, and it chose one that read the whole
// project per request (a household's events of the day by (project_id,
// seq); a link by (project_id, id)): signing 0.75× on a growing database.
func (s *Store) Analyze(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if !analyzed[t] {
			return fmt.Errorf("store: analyze %q: not a table of ours", t)
		}
	}
	if s.dialect != Postgres {
		return nil
	}
	// advice, not a duty: behind another ANALYZE or a VACUUM of the same
	// table it gives up after a second rather than keep the worker waiting
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '1s'`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE `+strings.Join(tables, ", ")); err != nil {
		return err
	}
	return tx.Commit()
}

// rowKey is the conflict target of an upsert on a table keyed by a parent
// row (ballot_results by ballot, household_funding by household): on
// PostgreSQL the key leads with the project (migration 0023), as a
// distributed table's must; on SQLite the parent's id is the table's
// rowid, which an index beside it cannot name as a target. Both say one
// row per parent.
func (s *Store) rowKey(column string) string {
	if s.dialect == Postgres {
		return "project_id, " + column
	}
	return column
}

// notFound is the one not-found mapping: a missing row becomes not_found
// with a message that says what was not found; other errors map as usual.
func (s *Store) notFound(err error, format string, args ...any) error {
	mapped := s.mapError(err)
	if engine.ErrorCode(mapped) == engine.ECodeNotFound {
		return engine.Errorf(engine.ECodeNotFound, format, args...)
	}
	return mapped
}

// cmpErr is err when there is one, else the rule's error: for a
// RowsAffected that failed or found nothing.
func cmpErr(err error, rule *engine.Error) error {
	if err != nil {
		return err
	}
	return rule
}

// mapError turns driver errors into engine errors: unique violations and
// refusals by the schema's triggers become conflicts, a missing row
// not_found; engine errors pass through.
func (s *Store) mapError(err error) error {
	if err == nil {
		return nil
	}
	var ee *engine.Error
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return engine.Errorf(engine.ECodeNotFound, "记录不存在")
	}
	if unavailable(err) {
		return &engine.Error{Code: engine.ECodeUnavailable, Message: "数据库暂时无法连接，请稍后重试；已提交成功的内容不会丢失"}
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &engine.Error{Code: engine.ECodeConflict, Message: "记录重复：" + constraintName(pe.Constraint)}
		case "RV001":
			return &engine.Error{Code: engine.ECodeConflict, Message: strings.TrimPrefix(pe.Message, "renovote: ")}
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &engine.Error{Code: engine.ECodeConflict, Message: "记录重复：" + constraintName(se.Error())}
		case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
			msg := se.Error()
			if i := strings.Index(msg, "renovote: "); i >= 0 {
				msg = msg[i+len("renovote: "):]
				if j := strings.Index(msg, " ("); j >= 0 {
					msg = msg[:j]
				}
			}
			return &engine.Error{Code: engine.ECodeConflict, Message: msg}
		}
	}
	return fmt.Errorf("store: %w", err)
}

// unavailable reports errors that mean the database cannot be reached
// now (down, restarting, refusing connections), as opposed to a bad query.
func unavailable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		class := string(pe.Code[:2])
		return class == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_BUSY || se.Code() == sqlite3.SQLITE_LOCKED
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &ne) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "database is closed") || strings.Contains(err.Error(), "bad connection")
}

// constraintName says in Chinese which uniqueness was violated.
func constraintName(s string) string {
	switch {
	case strings.Contains(s, "username"):
		return "用户名已存在"
	case strings.Contains(s, "room"):
		return "同一项目中房号重复"
	case strings.Contains(s, "signing_links"), strings.Contains(s, "token_hash"):
		return "该住户已有有效的签署链接"
	case strings.Contains(s, "idempotency"):
		return "重复提交"
	case strings.Contains(s, "seq"):
		return "审计日志序号冲突"
	}
	return "数据已存在"
}

// migration is one embedded schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded steps of a dialect in order.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("store: migration %s is not named NNNN_name.sql", e.Name())
		}
		data, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// checkpointsVersion is the migration that introduced signed checkpoints.
const checkpointsVersion = 4

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int {
	ms, err := migrations(SQLite)
	if err != nil { // embedded at build time
		panic("store: " + err.Error())
	}
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies the missing steps, each in its own transaction, on one
// connection; in PostgreSQL an advisory lock keeps two servers starting
// together from applying the same step twice. A database newer than this
// binary is refused.
func (s *Store) migrate(ctx context.Context, skip map[int]bool) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727278)`); err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(727278)`)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: schema_migrations: %w", err)
	}
	var current int
	if err := conn.GetContext(ctx, &current, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if current > latest {
		return fmt.Errorf("数据库结构版本为 %d，比本程序支持的 %d 新：请使用更新版本的 renovote（不要用旧程序打开新数据库）", current, latest)
	}
	s.legacyChains = current > 0 && current < checkpointsVersion
	// Every step not yet recorded, not only those above the newest: a
	// step numbered below one already applied (0021 merged after 0022)
	// still runs on a database that has the newer one.
	var applied []int
	if err := conn.SelectContext(ctx, &applied, `SELECT version FROM schema_migrations`); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	done := make(map[int]bool, len(applied))
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range ms {
		if done[m.version] || skip[m.version] {
			continue
		}
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, conn *sqlx.Conn, m migration) error {
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.version, m.name, engine.FormatTime(time.Now())); err != nil {
		return fmt.Errorf("store: migration %s: %w", m.name, err)
	}
	return tx.Commit()
}
