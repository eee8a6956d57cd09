package app

import (
	"context"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/renovote/renovote/engine"
)

// SessionMaxAge is how long a login lasts.
const SessionMaxAge = 12 * time.Hour

// HashPassword checks a password against the rule (CheckPassword, no
// username) and hashes it with bcrypt.
func HashPassword(password string) (string, error) {
	if err := CheckPassword("", password); err != nil {
		return "", err
	}
	return hashPassword(password)
}

// dummyHash keeps a login for an unknown user as slow as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("renovote-dummy-password"), bcrypt.DefaultCost)

// Login checks a worker's password and opens a session; the token is
// returned once and only its hash is kept.
func (a *App) Login(ctx context.Context, username, password string) (token string, s *engine.Session, err error) {
	wait, err := a.logins.check(username, a.now())
	if err != nil {
		return "", nil, err
	}
	if wait > 0 { // slow down guessing at one account, from any address
		if err := a.pause(ctx, wait); err != nil {
			return "", nil, err
		}
	}
	w, err := a.store.WorkerByUsername(ctx, username)
	hash := dummyHash
	switch {
	case err == nil:
		hash = []byte(w.PasswordHash)
	case engine.ErrorCode(err) != engine.ECodeNotFound:
		return "", nil, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || w == nil {
		a.logins.failed(username, a.now())
		return "", nil, engine.Errorf(engine.ECodeUnauthorized, "用户名或密码不正确")
	}
	a.logins.succeeded(username)
	token, tokenHash := engine.NewToken()
	now := a.now()
	s = &engine.Session{TokenHash: tokenHash, WorkerID: w.ID, CreatedAt: now, ExpiresAt: now.Add(SessionMaxAge)}
	if err := a.store.CreateSession(ctx, s); err != nil {
		return "", nil, err
	}
	if err := a.store.AppendAudit(ctx, &engine.AuditEvent{Kind: engine.AuditWorkerLogin, Actor: engine.WorkerActor(w.ID), At: now,
		Data: engine.AuditData(map[string]int64{"worker_id": w.ID})}); err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// Logout ends the session of token.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.store.DeleteSession(ctx, engine.HashToken(token))
}

// Authenticate returns the worker of a live session token.
func (a *App) Authenticate(ctx context.Context, token string) (*engine.Worker, error) {
	if token == "" || len(token) > 100 {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	return a.store.SessionWorker(ctx, engine.HashToken(token), a.now())
}

// AddWorker creates a worker with a password (renovote user add).
func (a *App) AddWorker(ctx context.Context, w *engine.Worker, password string) error {
	if err := CheckPassword(w.Username, password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	w.PasswordHash = hash
	return a.store.CreateWorker(ctx, w)
}

// EnsureAdmin creates the worker admin on an empty database with password
// (or a random one, returned). created is false when workers exist.
func (a *App) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	ws, err := a.store.Workers(ctx)
	if err != nil || len(ws) > 0 {
		return false, "", err
	}
	if password == "" {
		token, _ := engine.NewToken()
		password, generated = token[:20], token[:20]
	}
	err = a.AddWorker(ctx, &engine.Worker{Username: "admin", DisplayName: "管理员", Admin: true}, password)
	return err == nil, generated, err
}

// ChangePassword sets a worker's password: in the console, the worker's
// own, after the current one (current ""), or from the command line
// (renovote user passwd, as the operator). The change is an event of the
// service-wide audit chain.
func (a *App) ChangePassword(ctx context.Context, by *engine.Worker, username, current, password string) error {
	if by == nil {
		return engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	w, err := a.store.WorkerByUsername(ctx, username)
	if err != nil {
		return err
	}
	if by != Operator {
		if by.ID != w.ID {
			return engine.Errorf(engine.ECodeForbidden, "只能修改自己的密码")
		}
		if bcrypt.CompareHashAndPassword([]byte(w.PasswordHash), []byte(current)) != nil {
			return engine.Invalidf("current", "当前密码不正确")
		}
	}
	if err := CheckPassword(w.Username, password); err != nil {
		return err
	}
	if current != "" && current == password {
		return engine.Invalidf("password", "新密码不能与当前密码相同")
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return a.store.SetPassword(ctx, w.ID, hash, &engine.AuditEvent{Kind: engine.AuditPasswordChanged, Actor: actor(by), At: a.now(),
		Data: engine.AuditData(map[string]int64{"worker_id": w.ID})})
}
