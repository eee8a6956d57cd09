package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
	// SessionHash is the hash of the session the worker acts through (set
	// when a request is authenticated; "" on the command line).
	SessionHash string `db:"-"`
}

// Session is a login: a bearer token or session cookie. Only the hash of
// the token is kept.
type Session struct {
	TokenHash string
	WorkerID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// WorkerStore keeps workers and their sessions.
type WorkerStore interface {
	CreateWorker(ctx context.Context, w *Worker) error
	WorkerByUsername(ctx context.Context, username string) (*Worker, error)
	Workers(ctx context.Context) ([]*Worker, error)
	CreateSession(ctx context.Context, s *Session) error
	// SessionWorker returns the worker of an unexpired session.
	SessionWorker(ctx context.Context, tokenHash string, now time.Time) (*Worker, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// SetPassword stores a new password hash with its audit event, and ends
	// the worker's other sessions.
	SetPassword(ctx context.Context, workerID int64, hash string, event *AuditEvent) error
}

// NewToken returns a fresh secret token of 256 random bits, URL-safe, and
// the hash under which it is stored. The token itself is never stored.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("engine: no randomness: " + err.Error())
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// NewSlug returns a random public name for a project's pages: 24 hex
// digits (96 bits).
func NewSlug() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("engine: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// HashToken is the stored form of a token: hex SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
