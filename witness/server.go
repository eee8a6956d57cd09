package witness

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // the witness's own database

	"github.com/renovote/renovote/engine"
)

// Server is an independent witness (renovote witness serve), run by
// someone other than the server's operator — the 街道 or the 区住建局 —
// with its own key and its own SQLite file.
//
// Registration is open (trust on first use): a server key is registered by
// posting its public key, and everything is kept by its fingerprint. That
// is safe because the public key certifies itself: only the holder of the
// private key can post checkpoints under that fingerprint, and an auditor
// asks for the heads of the fingerprint printed on the paper.
//
//	POST /v1/servers      {"public_key": base64}          register a server key
//	POST /v1/checkpoints  {"checkpoints": [...]}          witness; 409 on a fork or a regression
//	GET  /v1/heads?server=FINGERPRINT                     the latest co-signed head per project
//	GET  /v1/alarms                                       forks and regressions seen
type Server struct {
	db     *sqlx.DB
	key    *engine.SigningKey
	logger *slog.Logger
	now    func() time.Time

	mu     sync.Mutex // one writer: the checks and the inserts of a POST
	keys   map[string]ed25519.PublicKey
	latest map[serverChain]int64
}

type serverChain struct {
	server  string
	project int64
}

// ServerConfig configures a Server.
type ServerConfig struct {
	Path   string             // the SQLite file
	Key    *engine.SigningKey // the witness's own key: it co-signs what it accepts
	Logger *slog.Logger
	Now    func() time.Time // default engine.Now
}

// MaxBatch bounds the checkpoints of one POST.
const MaxBatch = 5000

const schema = `
CREATE TABLE IF NOT EXISTS servers (
	fingerprint   TEXT PRIMARY KEY,
	public_key    TEXT NOT NULL,
	registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
	server      TEXT NOT NULL REFERENCES servers(fingerprint),
	project     INTEGER NOT NULL,
	seq         INTEGER NOT NULL,
	head        TEXT NOT NULL,
	at          TEXT NOT NULL,
	signature   TEXT NOT NULL,
	cosignature TEXT NOT NULL,
	accepted_at TEXT NOT NULL,
	PRIMARY KEY (server, project, seq)
);
CREATE TABLE IF NOT EXISTS alarms (
	id             INTEGER PRIMARY KEY,
	server         TEXT NOT NULL,
	project        INTEGER NOT NULL,
	seq            INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	head           TEXT NOT NULL,
	witnessed_head TEXT NOT NULL,
	message        TEXT NOT NULL,
	at             TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
`

// OpenServer opens (or creates) the witness's database.
func OpenServer(ctx context.Context, cfg ServerConfig) (*Server, error) {
	dsn := "file:" + cfg.Path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; reads are short
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("无法打开见证数据库“%s”：%w", cfg.Path, err)
	}
	s := &Server{db: db, key: cfg.Key, logger: cfg.Logger, now: cfg.Now, keys: map[string]ed25519.PublicKey{}, latest: map[serverChain]int64{}}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if s.now == nil {
		s.now = engine.Now
	}
	return s, nil
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

// ServeHTTP routes the witness's API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v1/servers" && r.Method == http.MethodPost:
		s.register(w, r)
	case r.URL.Path == "/v1/checkpoints" && r.Method == http.MethodPost:
		s.witness(w, r)
	case r.URL.Path == "/v1/heads" && r.Method == http.MethodGet:
		s.heads(w, r)
	case r.URL.Path == "/v1/alarms" && r.Method == http.MethodGet:
		s.alarms(w, r)
	default:
		writeError(w, http.StatusNotFound, engine.Errorf(engine.ECodeNotFound, "没有这个地址：%s %s", r.Method, r.URL.Path))
	}
}

// apiError is the body of every refusal.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Alarm   *Alarm `json:"alarm,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, e *engine.Error) {
	writeJSON(w, status, apiError{Code: e.Code, Message: e.Message, Field: e.Field})
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	s.logger.Error("witness: internal error", "err", err)
	writeError(w, http.StatusInternalServerError, engine.Errorf(engine.ECodeInternal, "内部错误，请稍后重试"))
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var body struct {
		PublicKey string `json:"public_key"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, engine.Invalidf("public_key", "请求应为 JSON：{\"public_key\": \"base64\"}"))
		return
	}
	pub, err := engine.ParsePublicKey(body.PublicKey)
	if err != nil {
		var e *engine.Error
		errors.As(err, &e)
		writeError(w, http.StatusBadRequest, e)
		return
	}
	fp := engine.KeyFingerprint(pub)
	if _, err := s.db.ExecContext(r.Context(), `INSERT INTO servers (fingerprint, public_key, registered_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		fp, base64.StdEncoding.EncodeToString(pub), engine.FormatTime(s.now())); err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"server": fp, "witness_key": s.key.ID()})
}

// serverKey is a registered key by fingerprint.
func (s *Server) serverKey(ctx context.Context, fp string) (ed25519.PublicKey, error) {
	if pub, ok := s.keys[fp]; ok {
		return pub, nil
	}
	var text string
	err := s.db.GetContext(ctx, &text, `SELECT public_key FROM servers WHERE fingerprint = ?`, fp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pub, err := engine.ParsePublicKey(text)
	if err != nil {
		return nil, err
	}
	s.keys[fp] = pub
	return pub, nil
}

// Accepted is a checkpoint the witness accepted, with its co-signature:
// the witness's Ed25519 signature of the checkpoint's Message.
type Accepted struct {
	record
	WitnessKey string `json:"witness_key"`
}

// Alarm is a fork or a regression a witness refused.
type Alarm struct {
	ID            int64  `json:"id" db:"id"`
	Server        string `json:"server" db:"server"`
	Project       int64  `json:"project" db:"project"`
	Seq           int64  `json:"seq" db:"seq"`
	Kind          string `json:"kind" db:"kind"` // fork or regression
	Head          string `json:"head" db:"head"`
	WitnessedHead string `json:"witnessed_head" db:"witnessed_head"`
	Message       string `json:"message" db:"message"`
	At            string `json:"at" db:"at"`
}

func (s *Server) witness(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Checkpoints []record `json:"checkpoints"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, engine.Invalidf("checkpoints", "请求应为 JSON：{\"checkpoints\": [...]}"))
		return
	}
	if len(body.Checkpoints) > MaxBatch {
		writeError(w, http.StatusRequestEntityTooLarge, engine.Errorf(engine.ECodeTooLarge, "一次最多提交 %d 条签名存证", MaxBatch))
		return
	}
	cps := make([]*engine.Checkpoint, len(body.Checkpoints))
	for i, rec := range body.Checkpoints {
		c, err := rec.checkpoint()
		if err != nil {
			writeError(w, http.StatusBadRequest, engine.Invalidf(fmt.Sprintf("checkpoints[%d]", i), "%v", err))
			return
		}
		cps[i] = c
	}
	accepted, alarm, err := s.accept(r.Context(), cps)
	var e *engine.Error
	switch {
	case alarm != nil:
		s.logger.Error("WITNESS ALARM: refused a checkpoint", "kind", alarm.Kind, "server", alarm.Server, "project", alarm.Project,
			"seq", alarm.Seq, "head", alarm.Head, "witnessed_head", alarm.WitnessedHead, "message", alarm.Message)
		writeJSON(w, http.StatusConflict, apiError{Code: engine.ECodeChainBroken, Message: alarm.Message, Alarm: alarm})
	case errors.As(err, &e):
		writeError(w, http.StatusBadRequest, e)
	case err != nil:
		s.internal(w, err)
	default:
		writeJSON(w, http.StatusOK, map[string]any{"accepted": accepted})
	}
}

// accept checks cps in order and writes, in one transaction, those it
// accepts and the alarm of the first it refuses (the ones before it stay
// witnessed).
func (s *Server) accept(ctx context.Context, cps []*engine.Checkpoint) ([]Accepted, *Alarm, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cps {
		pub, err := s.serverKey(ctx, c.KeyID)
		if err != nil {
			return nil, nil, err
		}
		if pub == nil {
			return nil, nil, engine.Errorf(engine.ECodeInvalid, "服务器公钥 %s 未在见证方登记（先 POST /v1/servers）", c.KeyID)
		}
		if !engine.VerifyCheckpoint(pub, c) {
			return nil, nil, badSignature(pub, c)
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	insert, err := tx.PreparexContext(ctx, `INSERT INTO checkpoints (server, project, seq, head, at, signature, cosignature, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, nil, err
	}
	defer insert.Close()
	now := engine.FormatTime(s.now())
	latest := map[serverChain]int64{} // this transaction's, merged on commit
	accepted := make([]Accepted, 0, len(cps))
	var alarm *Alarm
	for _, c := range cps {
		chain := serverChain{c.KeyID, c.ProjectID}
		top, ok := latest[chain]
		if !ok {
			if top, err = s.latestSeq(ctx, tx, chain); err != nil {
				return nil, nil, err
			}
		}
		var seen struct {
			Head        string `db:"head"`
			Cosignature string `db:"cosignature"`
		}
		found := false
		if c.Seq <= top {
			err := tx.GetContext(ctx, &seen, `SELECT head, cosignature FROM checkpoints WHERE server = ? AND project = ? AND seq = ?`, c.KeyID, c.ProjectID, c.Seq)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, nil, err
			}
			found = err == nil
		}
		v := judge(c, top, seen.Head, found)
		if v == fork || v == regression {
			alarm = &Alarm{Server: c.KeyID, Project: c.ProjectID, Seq: c.Seq, Kind: map[verdict]string{fork: "fork", regression: "regression"}[v],
				Head: c.Head, WitnessedHead: seen.Head, Message: refusal(v, c, top, seen.Head).Message, At: now}
			res, err := tx.NamedExecContext(ctx, `INSERT INTO alarms (server, project, seq, kind, head, witnessed_head, message, at)
				VALUES (:server, :project, :seq, :kind, :head, :witnessed_head, :message, :at)`, alarm)
			if err != nil {
				return nil, nil, err
			}
			alarm.ID, _ = res.LastInsertId()
			break
		}
		rec := recordOf(c)
		if v == duplicate {
			rec.Cosignature = seen.Cosignature
		} else {
			rec.Cosignature = s.cosign(c)
			if _, err := insert.ExecContext(ctx, c.KeyID, c.ProjectID, c.Seq, c.Head, rec.At, c.Signature, rec.Cosignature, now); err != nil {
				return nil, nil, err
			}
			latest[chain] = c.Seq
		}
		accepted = append(accepted, Accepted{record: rec, WitnessKey: s.key.ID()})
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	for chain, seq := range latest {
		s.latest[chain] = seq
	}
	return accepted, alarm, nil
}

func (s *Server) latestSeq(ctx context.Context, tx *sqlx.Tx, chain serverChain) (int64, error) {
	if seq, ok := s.latest[chain]; ok {
		return seq, nil
	}
	var seq int64
	err := tx.GetContext(ctx, &seq, `SELECT COALESCE(MAX(seq), 0) FROM checkpoints WHERE server = ? AND project = ?`, chain.server, chain.project)
	return seq, err
}

// cosign is the witness's signature of the checkpoint's message.
func (s *Server) cosign(c *engine.Checkpoint) string {
	co := *c
	s.key.Sign(&co)
	return co.Signature
}

// Heads is what GET /v1/heads answers.
type Heads struct {
	Server           string     `json:"server"`
	WitnessKey       string     `json:"witness_key"`
	WitnessPublicKey string     `json:"witness_public_key"`
	Heads            []Accepted `json:"heads"`
}

func (s *Server) heads(w http.ResponseWriter, r *http.Request) {
	fp := strings.TrimSpace(r.URL.Query().Get("server"))
	if fp == "" {
		writeError(w, http.StatusBadRequest, engine.Invalidf("server", "请用 ?server=公钥指纹 指定服务器"))
		return
	}
	var rows []struct {
		record
		Server     string `db:"server"`
		AcceptedAt string `db:"accepted_at"`
	}
	err := s.db.SelectContext(r.Context(), &rows, `SELECT c.server, c.project, c.seq, c.head, c.at, c.signature, c.cosignature, c.accepted_at
		FROM checkpoints c JOIN (SELECT project, MAX(seq) AS seq FROM checkpoints WHERE server = ? GROUP BY project) m
		ON c.project = m.project AND c.seq = m.seq WHERE c.server = ? ORDER BY c.project`, fp, fp)
	if err != nil {
		s.internal(w, err)
		return
	}
	out := Heads{Server: fp, WitnessKey: s.key.ID(), WitnessPublicKey: base64.StdEncoding.EncodeToString(s.key.Public()), Heads: []Accepted{}}
	for _, row := range rows {
		row.record.KeyID = row.Server
		out.Heads = append(out.Heads, Accepted{record: row.record, WitnessKey: s.key.ID()})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) alarms(w http.ResponseWriter, r *http.Request) {
	alarms := []Alarm{}
	if err := s.db.SelectContext(r.Context(), &alarms, `SELECT * FROM alarms ORDER BY id`); err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alarms": alarms})
}
