package app

import (
	"context"
	"sync"
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

// dummyHash keeps a login for an unknown user as slow as a wrong password
// (made on first use, at the cost real hashes are made at).
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("renovote-dummy-password"), PasswordCost)
	return h
})

// Login checks a worker's password and opens a session; the token is
// returned once and only its hash is kept.
func (a *App) Login(ctx context.Context, username, password string) (token string, s *engine.Session, err error) {
	wait, err := a.logins.check(ctx, username, a.now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return "", nil, err
	}
	if wait > 0 { // slow down guessing at one account, from any address
		if err := a.pause(ctx, wait); err != nil {
			return "", nil, err
		}
	}
	w, err := a.store.WorkerByUsername(ctx, username)
	hash := dummyHash()
	switch {
	case err == nil:
		hash = []byte(w.PasswordHash)
	case engine.ErrorCode(err) != engine.ECodeNotFound:
		return "", nil, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || w == nil {
		if err := a.logins.failed(ctx, username, a.now().UTC().Truncate(time.Microsecond)); err != nil {
			return "", nil, err
		}
		return "", nil, engine.Errorf(engine.ECodeUnauthorized, "用户名或密码不正确")
	}
	if err := a.logins.succeeded(ctx, username); err != nil {
		return "", nil, err
	}
	if err := a.trustedWorker(ctx, w); err != nil {
		return "", nil, err
	}
	token, tokenHash := engine.NewToken()
	now := a.now().UTC().Truncate(time.Microsecond)
	s = &engine.Session{TokenHash: tokenHash, WorkerID: w.ID, CreatedAt: now, ExpiresAt: now.Add(SessionMaxAge)}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateSession(ctx, s); err != nil {
			return err
		}
		login := engine.WorkerLogin(*s, *w, now)
		if err := a.extend(ctx, engine.SystemChain, login); err != nil {
			return err
		}
		s.IssuedSeq = login.Seq
		return a.store.SetSessionIssued(ctx, s.ID, login.Seq)
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// Logout ends the session of token, with its event on the system chain.
func (a *App) Logout(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return nil
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	return a.inTx(ctx, func(ctx context.Context) error {
		s, err := a.store.EndSession(ctx, engine.HashToken(token), now)
		if err != nil || s == nil { // logging out an unknown or ended session is not an error
			return err
		}
		return a.extend(ctx, engine.SystemChain, engine.WorkerLogout(*s, now))
	})
}

// Authenticate returns the worker of a live session token. The session
// acts only if its login event lies on the signed system chain and
// carries its hash (engine.CheckSessionEvent); a session without one — a
// row written into the database by hand — is refused as not logged in,
// and logged (without the token or the person).
func (a *App) Authenticate(ctx context.Context, token string) (*engine.Worker, error) {
	if token == "" || len(token) > 100 {
		return nil, engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	s, w, err := a.store.LiveSession(ctx, engine.HashToken(token), a.now())
	if err != nil {
		return nil, err
	}
	if err := a.proveSession(ctx, s, w); err != nil {
		return nil, err
	}
	w.SessionHash = s.TokenHash // the session acting, named in what it records
	return w, nil
}

// proveSession checks a session against its login event, once per
// session and worker image: later requests find it in the cache.
func (a *App) proveSession(ctx context.Context, s *engine.Session, w *engine.Worker) error {
	key := sessionKey{tokenHash: s.TokenHash, seq: s.IssuedSeq, expires: s.ExpiresAt.UnixMicro(), worker: engine.WorkerDigest(*w)}
	if a.sessions.known(key) {
		return nil
	}
	var events []*engine.AuditEvent
	var cp *engine.Checkpoint
	if s.IssuedSeq > 0 {
		var err error
		if events, cp, err = a.store.ChainProof(ctx, engine.SystemChain, s.IssuedSeq); err != nil {
			return err
		}
	}
	if err := engine.CheckSessionEvent(*s, *w, events, cp, a.publicKey); err != nil {
		a.logger.Warn("session refused: no valid login event", "session", s.ID, "issued_seq", s.IssuedSeq, "reason", err.Error())
		return engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	a.sessions.add(key)
	return nil
}

// sessionKey is what a proof vouches for: the session's hash, event and
// expiry, and the worker's image at login.
type sessionKey struct {
	tokenHash string
	seq       int64
	expires   int64
	worker    string
}

// sessionCache remembers the sessions proved against their login events,
// bounded: when full it is emptied, and the next request of each session
// proves it again (one read).
type sessionCache struct {
	mu    sync.Mutex
	items map[sessionKey]bool
}

const sessionCacheMax = 10_000

func (c *sessionCache) known(k sessionKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}

func (c *sessionCache) add(k sessionKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || len(c.items) >= sessionCacheMax {
		c.items = map[sessionKey]bool{}
	}
	c.items[k] = true
}

// trustedWorker refuses a worker whose row is not what the system chain
// last said of it (engine.CheckWorkerImage): an admin flag or a password
// hash set in the database by hand is not honoured.
func (a *App) trustedWorker(ctx context.Context, w *engine.Worker) error {
	_, err := a.workerImaged(ctx, w)
	return err
}

// workerImaged is trustedWorker that also says whether the chain holds an
// image of the worker at all (a worker written before images, not yet
// baselined, has none).
func (a *App) workerImaged(ctx context.Context, w *engine.Worker) (bool, error) {
	events, err := a.store.ChainEventsOfKind(ctx, engine.SystemChain, engine.WorkerImageKinds...)
	if err != nil {
		return false, err
	}
	if err := engine.CheckWorkerImage(*w, events); err != nil {
		a.logger.Warn("worker refused: row differs from the system chain", "worker", w.ID, "reason", err.Error())
		return false, err
	}
	return engine.HasWorkerImage(w.ID, events), nil
}

// AddWorker creates a worker with a password (renovote user add, the first
// admin), with its event on the system chain.
func (a *App) AddWorker(ctx context.Context, w *engine.Worker, password string) error {
	return a.addWorker(ctx, w, password, engine.ActorOperator)
}

// addWorker creates an account with its event, by actor.
func (a *App) addWorker(ctx context.Context, w *engine.Worker, password, by string) error {
	if err := CheckPassword(w.Username, password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	w.PasswordHash, w.CreatedAt = hash, now
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.CreateWorker(ctx, w); err != nil {
			return err
		}
		return a.extend(ctx, engine.SystemChain, engine.WorkerAdded(*w, by, now))
	})
}

// BaselineWorkers vouches, on the system chain, for the workers of a
// database upgraded from before their rows had images (the upgrade ended
// every session): run with the key, once — a chain that carries workers'
// images is never baselined again. It reports whether it wrote.
func (a *App) BaselineWorkers(ctx context.Context) (bool, error) {
	now := a.now().UTC().Truncate(time.Microsecond)
	wrote := false
	err := a.inTx(ctx, func(ctx context.Context) error {
		ws, err := a.store.Workers(ctx)
		if err != nil {
			return err
		}
		events, err := a.store.ChainEventsOfKind(ctx, engine.SystemChain, engine.WorkerImageKinds...)
		if err != nil || !engine.NeedsWorkersBaseline(len(ws), events) {
			return err
		}
		wrote = true
		return a.extend(ctx, engine.SystemChain, engine.WorkersBaseline(ws, now))
	})
	return wrote, err
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
	imaged, err := a.workerImaged(ctx, w)
	if err != nil {
		return err
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
	now := a.now().UTC().Truncate(time.Microsecond)
	return a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SetPasswordHash(ctx, w.ID, hash); err != nil {
			return err
		}
		ended, err := a.store.EndWorkerSessions(ctx, w.ID, now)
		if err != nil {
			return err
		}
		changed := *w
		changed.PasswordHash = hash
		return a.extend(ctx, engine.SystemChain, engine.PasswordChanged(changed, ended, imaged, actor(by), now))
	})
}
