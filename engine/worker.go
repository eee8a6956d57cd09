package engine

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// Worker is a community worker who logs in to run projects.
type Worker struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string // never the password itself
	Admin        bool   // sees every project
	CreatedAt    time.Time
	// OrgID is the organisation the worker belongs to (0: none — a worker
	// of before organisations, who sees their own and assigned projects).
	OrgID int64
	// Role says what the worker may do where (app/access.go): worker
	// (RoleWorker, or "" for an account of before roles), lead,
	// supervisor or auditor. Admin stays a flag of its own.
	Role string
	// SessionHash is the hash of the session the worker acts through (set
	// when a request is authenticated; "" on the command line).
	SessionHash string `db:"-"`
}

// Session is a login: a bearer token or session cookie. Only the hash of
// the token is kept. IssuedSeq is the seq of its worker_login event on the
// system chain; EndedAt is set by a logout or a password change.
type Session struct {
	ID        int64
	TokenHash string
	WorkerID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
	EndedAt   *time.Time
	IssuedSeq int64
}

// WorkerStore keeps workers and their sessions. Its methods run SQL in
// the caller's unit of work, with the time passed in; what they mean is
// decided in engine and app.
type WorkerStore interface {
	// CreateWorker inserts a worker (CreatedAt as given) and fills its ID;
	// a taken username is a conflict.
	CreateWorker(ctx context.Context, w *Worker) error
	WorkerByUsername(ctx context.Context, username string) (*Worker, error)
	Workers(ctx context.Context) ([]*Worker, error)
	// CreateSession inserts a session and fills its ID.
	CreateSession(ctx context.Context, s *Session) error
	// SetSessionIssued points a session to its worker_login event.
	SetSessionIssued(ctx context.Context, sessionID, seq int64) error
	// LiveSession returns the session of a token hash that has neither
	// ended nor expired at now, with its worker (unauthorized otherwise).
	LiveSession(ctx context.Context, tokenHash string, now time.Time) (*Session, *Worker, error)
	// EndSession ends the live session of a token hash at at; nil when
	// there is none.
	EndSession(ctx context.Context, tokenHash string, at time.Time) (*Session, error)
	// EndWorkerSessions ends every live session of a worker at at.
	EndWorkerSessions(ctx context.Context, workerID int64, at time.Time) ([]Session, error)
	SetPasswordHash(ctx context.Context, workerID int64, hash string) error
	// ChainProof is a chain's events from seq up to the first checkpoint
	// at or after it, and that checkpoint (nil when there is none).
	ChainProof(ctx context.Context, projectID, seq int64) ([]*AuditEvent, *Checkpoint, error)
	// ChainEventsOfKind lists a chain's events of the given kinds.
	ChainEventsOfKind(ctx context.Context, projectID int64, kinds ...string) ([]*AuditEvent, error)
}

// NewToken returns a fresh secret token of 256 random bits, URL-safe, and
// the hash under which it is stored. The token itself is never stored.
func NewToken() (token, hash string) {
	token = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return token, HashToken(token)
}

// HashToken is the stored form of a token: hex SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// roleNames are display names that name a role, not a person: the
// account the service creates at first start is "管理员".
var roleNames = map[string]bool{"管理员": true, "系统管理员": true, "admin": true, "administrator": true, "工作人员": true}

// RealName is the name paper prints for the worker who handled something
// (the 收款人 of a receipt): the display name, or "" — a line to sign by
// hand — when it names a role rather than a person.
func (w *Worker) RealName() string {
	name := strings.TrimSpace(w.DisplayName)
	if roleNames[strings.ToLower(name)] {
		return ""
	}
	return name
}
