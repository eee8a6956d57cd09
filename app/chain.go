package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// The unit of work and the chain. A workflow reads the time once, opens
// one transaction with inTx, writes its rows through the store and
// describes them with events appended by extend, in that transaction. When
// it has committed, the checkpoints it signed go to the witnesses before
// the workflow returns — before the request is answered.

type unitKey struct{}

// unit is what one unit of work has done to the chains.
type unit struct {
	heads       map[int64]engine.ChainHead // chains locked and extended in this unit
	checkpoints map[int64]*engine.Checkpoint
}

// inTx runs fn as one unit of work. A unit opened inside another joins it.
func (a *App) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	wait, err := a.inTxQueued(ctx, fn)
	if err != nil {
		return err
	}
	return wait()
}

// inTxQueued runs fn as one unit of work and, once it committed, hands
// its checkpoints to the witnesses in commit order; it returns what waits
// until they hold them. The caller answers only after wait; meanwhile it
// may start its next unit (the group commit of decisions does).
func (a *App) inTxQueued(ctx context.Context, fn func(ctx context.Context) error) (wait func() error, err error) {
	if _, ok := ctx.Value(unitKey{}).(*unit); ok {
		return func() error { return nil }, fn(ctx)
	}
	u := &unit{heads: map[int64]engine.ChainHead{}, checkpoints: map[int64]*engine.Checkpoint{}}
	if err := a.store.InTx(context.WithValue(ctx, unitKey{}, u), fn); err != nil {
		return nil, err
	}
	return a.witnessed(ctx, u), nil
}

// witnessed hands a committed unit's checkpoints to the witnesses and
// returns what waits until they hold them.
func (a *App) witnessed(ctx context.Context, u *unit) func() error {
	if a.witness == nil || len(u.checkpoints) == 0 {
		return func() error { return nil }
	}
	cps := make([]*engine.Checkpoint, 0, len(u.checkpoints))
	for _, cp := range u.checkpoints {
		cps = append(cps, cp)
	}
	ctx = context.WithoutCancel(ctx)
	check := func(err error) error {
		if err != nil {
			a.logger.Error("witness refused or failed", "err", err.Error())
		}
		return err
	}
	if q, ok := a.witness.(engine.WitnessQueue); ok {
		wait := q.Enqueue(cps)
		return func() error { return check(wait(ctx)) }
	}
	return func() error { return check(a.witness.Witness(ctx, cps)) }
}

// extend appends events to a project's chain inside the unit of work: the
// first time in a unit it locks the head and refuses to go on unless the
// head is the one the server last signed and witnessed (engine.CheckHead);
// then engine links the events, the store inserts them, the key signs the
// new head. Events carry their time (the workflow's one reading).
func (a *App) extend(ctx context.Context, projectID int64, events ...*engine.AuditEvent) error {
	u, ok := ctx.Value(unitKey{}).(*unit)
	if !ok {
		return errors.New("app: extend outside a unit of work")
	}
	if len(events) == 0 {
		return nil
	}
	head, err := a.lock(ctx, projectID)
	if err != nil {
		return err
	}
	for _, e := range events {
		e.ProjectID = projectID
	}
	head = engine.LinkEvents(head, events)
	if err := a.store.InsertEvents(ctx, events); err != nil {
		return err
	}
	cp := &engine.Checkpoint{ProjectID: projectID, Seq: head.Seq, Head: head.Hash, At: events[len(events)-1].At}
	a.key.Sign(cp)
	if err := a.store.SaveHead(ctx, cp); err != nil {
		return err
	}
	u.heads[projectID], u.checkpoints[projectID] = head, cp
	return nil
}

// lock locks a project's chain for the rest of the unit of work (once per
// unit) and refuses to go on unless its head is the one the server last
// signed and no witness remembers a later or another one.
func (a *App) lock(ctx context.Context, projectID int64) (engine.ChainHead, error) {
	u, ok := ctx.Value(unitKey{}).(*unit)
	if !ok {
		return engine.ChainHead{}, errors.New("app: chain locked outside a unit of work")
	}
	if head, locked := u.heads[projectID]; locked {
		return head, nil
	}
	if a.key == nil {
		return engine.ChainHead{}, engine.Errorf(engine.ECodeInternal, "app: no signing key: audit events cannot be checkpointed")
	}
	head, last, err := a.store.LockChain(ctx, projectID)
	if err != nil {
		return engine.ChainHead{}, err
	}
	var witnessed *engine.Checkpoint
	if a.witness != nil {
		witnessed, _ = a.witness.Head(projectID)
	}
	if err := engine.CheckHead(projectID, head, last, a.key.Public(), witnessed); err != nil {
		a.chainBroken(projectID, err)
		return engine.ChainHead{}, err
	}
	u.heads[projectID] = head
	return head, nil
}

// lockChain locks a project's chain first in a unit of work that decides
// from what it reads (an idempotency key, a receipt count, a cap, whether
// a message is closed, how many events a link added today): it reads
// after the lock, so two requests at once cannot both pass.
func (a *App) lockChain(ctx context.Context, projectID int64) error {
	_, err := a.lock(ctx, projectID)
	return err
}

// brokenChains remembers the chains this server refused to extend, for
// the console, until the server restarts: nothing is repaired by itself.
type brokenChains struct {
	mu    sync.Mutex
	items map[int64]BrokenChain
}

// BrokenChain is a chain the server refused to extend, and why.
type BrokenChain struct {
	ProjectID int64     `json:"project_id"`
	Message   string    `json:"message"`
	At        time.Time `json:"at"`
}

func (a *App) chainBroken(projectID int64, err error) {
	a.logger.Error("chain broken: write refused", "project", projectID, "err", err.Error())
	a.broken.mu.Lock()
	defer a.broken.mu.Unlock()
	if a.broken.items == nil {
		a.broken.items = map[int64]BrokenChain{}
	}
	if _, seen := a.broken.items[projectID]; !seen {
		a.broken.items[projectID] = BrokenChain{ProjectID: projectID, Message: err.Error(), At: a.now()}
	}
}

// BrokenChain says whether this server refused to extend a project's
// chain (the console shows it until someone acts).
func (a *App) BrokenChain(projectID int64) (BrokenChain, bool) {
	a.broken.mu.Lock()
	defer a.broken.mu.Unlock()
	b, ok := a.broken.items[projectID]
	return b, ok
}

// ChainStatus is what the console shows of a project's chain besides the
// full check: whether this server refused to extend it, how far each
// independent witness is behind, and the latest head a witness holds.
type ChainStatus struct {
	Broken    *BrokenChain        `json:"broken,omitempty"`
	Witnessed *engine.Anchor      `json:"witnessed,omitempty"`
	Witnesses []engine.WitnessLag `json:"witnesses"`
}

// ChainStatus reads a project's chain status for its worker.
func (a *App) ChainStatus(ctx context.Context, w *engine.Worker, projectID int64) (*ChainStatus, error) {
	p, err := a.project(ctx, w, projectID, ActVerify)
	if err != nil {
		return nil, err
	}
	st := &ChainStatus{Witnessed: a.witnessedHead(p.ID), Witnesses: []engine.WitnessLag{}}
	if b, ok := a.BrokenChain(p.ID); ok {
		st.Broken = &b
	}
	if lags, ok := a.witness.(engine.WitnessLags); ok {
		st.Witnesses = lags.Lag()
	}
	return st, nil
}

// witnessedHead is the latest head a witness holds for a project, as
// paper prints an anchor; nil without a witness or before the first.
func (a *App) witnessedHead(projectID int64) *engine.Anchor {
	if a.witness == nil {
		return nil
	}
	cp, ok := a.witness.Head(projectID)
	if !ok {
		return nil
	}
	return &engine.Anchor{Seq: cp.Seq, Hash: cp.Head}
}
