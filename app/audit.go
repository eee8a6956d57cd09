package app

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// CheckAudit verifies a project's audit chain, its signed checkpoints and
// every record it vouches for. A database that cannot be read is an error
// (unavailable), never a broken chain.
func (a *App) CheckAudit(ctx context.Context, w *engine.Worker, projectID int64) (*engine.AuditCheck, error) {
	if w == Operator { // the command line may check a chain whose project row is gone
		return a.checkAudit(ctx, projectID)
	}
	p, err := a.project(ctx, w, projectID, ActVerify)
	if err != nil {
		return nil, err
	}
	return a.checkAudit(ctx, p.ID)
}

func (a *App) checkAudit(ctx context.Context, projectID int64) (*engine.AuditCheck, error) {
	records, err := a.store.AuditRecords(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return engine.CheckAuditTrust(records, a.trust), nil
}

// CheckAnchor says whether a printed anchor (存证 第 N 条 · PREFIX) is still
// in the project's chain, and whether the chain holds.
func (a *App) CheckAnchor(ctx context.Context, w *engine.Worker, projectID, seq int64, prefix string) (*engine.AuditCheck, error) {
	check, err := a.CheckAudit(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	events, err := a.store.AuditEvents(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return check, engine.CheckAnchor(events, seq, prefix)
}

// chainCache keeps each chain's last check, so that /verify reads one
// decision and the events appended since, not the whole chain.
type chainCache struct {
	mu    sync.Mutex
	items map[int64]*chainState
}

type chainState struct {
	head     engine.ChainHead
	check    *engine.AuditCheck
	digests  map[int64]string // decision id → the digest its event recorded
	payments map[int64]string // payment id → the digest its event recorded
	certs    map[int64]string // certificate id → the digest its event recorded
	// own is the event that recorded a thing, by ownKey: the 存证 line a
	// receipt or agreement prints, the same on every copy.
	own map[string]engine.Anchor
}

// ownKey names a record whose own event paper prints: a payment, a
// decision, or a ballot (its publishing).
func ownKey(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// ownAnchors are the events that recorded each payment, decision and
// publishing of a project's chain, by ownKey.
func (a *App) ownAnchors(ctx context.Context, projectID int64) (map[string]engine.Anchor, error) {
	st, err := a.chainCheck(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return st.own, nil
}

// chainCheck is the check of a project's chain at its current head: from
// the cache, extended by the tail when the chain grew, else in full.
func (a *App) chainCheck(ctx context.Context, projectID int64) (*chainState, error) {
	head, err := a.store.ChainHead(ctx, projectID)
	if err != nil {
		return nil, err
	}
	a.chains.mu.Lock()
	st := a.chains.items[projectID]
	a.chains.mu.Unlock()
	if st != nil && st.head == head {
		return st, nil
	}
	var next *chainState
	if st != nil && st.check.OK && head.Seq > st.head.Seq {
		events, cps, err := a.store.AuditTail(ctx, projectID, st.head.Seq)
		if err != nil {
			return nil, err
		}
		next = &chainState{check: engine.CheckTail(st.head, events, cps, a.publicKey), digests: make(map[int64]string, len(st.digests)+len(events)),
			payments: make(map[int64]string, len(st.payments)), own: make(map[string]engine.Anchor, len(st.own)+len(events))}
		for id, d := range st.digests {
			next.digests[id] = d
		}
		for id, d := range st.payments {
			next.payments[id] = d
		}
		for k, an := range st.own {
			next.own[k] = an
		}
		for id, d := range st.certs {
			next.certDigest(id, d)
		}
		next.head = st.head
		if n := len(events); n > 0 {
			next.head = engine.ChainHead{Seq: events[n-1].Seq, Hash: events[n-1].Hash}
		}
		addDigests(next, events)
	} else {
		records, err := a.store.AuditRecords(ctx, projectID)
		if err != nil {
			return nil, err
		}
		next = &chainState{check: engine.CheckAuditTrust(records, a.trust), digests: map[int64]string{}, payments: map[int64]string{}, own: map[string]engine.Anchor{}}
		if n := len(records.Events); n > 0 {
			next.head = engine.ChainHead{Seq: records.Events[n-1].Seq, Hash: records.Events[n-1].Hash}
		} else {
			next.head = engine.ChainHead{Hash: engine.GenesisHash}
		}
		addDigests(next, records.Events)
	}
	if next.check.OK {
		a.chains.mu.Lock()
		if a.chains.items == nil {
			a.chains.items = map[int64]*chainState{}
		}
		a.chains.items[projectID] = next
		a.chains.mu.Unlock()
	}
	return next, nil
}

// certDigest remembers the digest a certificate's event recorded.
func (st *chainState) certDigest(id int64, digest string) {
	if st.certs == nil {
		st.certs = map[int64]string{}
	}
	st.certs[id] = digest
}

func addDigests(st *chainState, events []*engine.AuditEvent) {
	for _, e := range events {
		anchor := engine.Anchor{Seq: e.Seq, Hash: e.Hash}
		switch e.Kind {
		case engine.AuditCertificateIssued:
			var data struct {
				Digest string `json:"digest"`
				engine.RowsData
			}
			if json.Unmarshal(e.Data, &data) == nil && len(data.Rows) == 1 {
				st.certDigest(data.Rows[0].ID, data.Digest)
				st.own[ownKey("certificate", data.Rows[0].ID)] = anchor
			}
		case engine.AuditDecision:
			var data engine.DecisionEventData
			if json.Unmarshal(e.Data, &data) == nil { // the chain check names unreadable events
				st.digests[data.DecisionID] = data.Digest
				st.own[ownKey("decision", data.DecisionID)] = anchor
			}
		case engine.AuditPayment:
			var data struct {
				PaymentID int64  `json:"payment_id"`
				Digest    string `json:"digest"`
			}
			if json.Unmarshal(e.Data, &data) == nil {
				st.payments[data.PaymentID] = data.Digest
				st.own[ownKey("payment", data.PaymentID)] = anchor
			}
		case engine.AuditPublished:
			var data struct {
				BallotID int64 `json:"ballot_id"`
			}
			if json.Unmarshal(e.Data, &data) == nil {
				st.own[ownKey("ballot", data.BallotID)] = anchor
			}
		}
	}
}

// Replacement says what replaced a decision: a later decision of the same
// household, or a new plan (ballot).
type Replacement struct {
	Kind string    `json:"kind"` // decision | ballot
	At   time.Time `json:"at"`
	Vote string    `json:"vote,omitempty"`
	Plan string    `json:"plan,omitempty"`
}

// ReceiptCheck is what /verify says of a receipt's code.
type ReceiptCheck struct {
	Payment  *engine.Payment
	Reversed bool // a later reversal cancelled it
}

func (a *App) verifyReceipt(ctx context.Context, code string) (*Verification, error) {
	pay, err := byCode(ctx, a, engine.EntryPayment, code, a.store.PaymentByCode)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, engine.Errorf(engine.ECodeNotFound, "没有找到核验码为 %s 的记录：这份文件可能不是由本系统出具的", code)
		}
		return nil, err
	}
	st, err := a.chainCheck(ctx, pay.ProjectID)
	if err != nil {
		return nil, err
	}
	p, err := a.store.Project(ctx, pay.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &Verification{Receipt: &ReceiptCheck{Payment: pay}, Project: p.Name, Valid: st.check.OK, Reason: st.check.Reason, Current: true,
		Anchor: engine.Anchor{Seq: st.head.Seq, Hash: st.head.Hash}, Key: a.KeyFingerprint(), Contact: p.Contact}
	if h, err := household(p, pay.HouseholdID); err == nil {
		v.Room = h.Room
	}
	if recorded, ok := st.payments[pay.ID]; v.Valid && (!ok || recorded != pay.Digest()) {
		v.Valid, v.Reason = false, "这条收款记录与审计日志中登记的内容不符（记录被改动）"
	}
	records, err := a.store.Payments(ctx, pay.ProjectID)
	if err != nil {
		return nil, err
	}
	if r, ok := engine.ReversalOf(records, pay.ID); ok {
		v.Receipt.Reversed, v.Current = true, false
		v.ReplacedBy = &Replacement{Kind: "reversal", At: r.CreatedAt}
	}
	return v, nil
}

// Verification is what /verify says of a code: whether the record exists
// and matches its chain, what it says (masked by the caller), whether it
// is the household's current decision, and the chain's anchor.
type Verification struct {
	Decision    *engine.Decision    // a decision's code, or
	Receipt     *ReceiptCheck       // a receipt's, or
	Certificate *engine.Certificate // a 费用分摊证明's
	Project     string
	Room        string
	Valid       bool
	Reason      string
	Current     bool
	ReplacedBy  *Replacement
	Anchor      engine.Anchor
	Key         string         // fingerprint of the checkpoint key
	Contact     engine.Contact // whom to ask about the project: today's
}

// Verify looks a verification code up; anyone may. It reads the decision
// (one blob) and the chain's tail since the last check.
func (a *App) Verify(ctx context.Context, code string) (*Verification, error) {
	code = engine.NormalizeCode(code)
	_, legacy, ok := engine.CodeProject(code)
	if !ok {
		return nil, engine.Errorf(engine.ECodeNotFound, "核验码格式不对：应如 1042-7KQ2M-9XD4H（早先的文件上为 7KQ2M-9XD4H）")
	}
	d, err := byCode(ctx, a, engine.EntryDecision, code, a.store.DecisionByCode)
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		v, err := a.verifyReceipt(ctx, code)
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			if cv, cerr := a.verifyCertificate(ctx, code); engine.ErrorCode(cerr) != engine.ECodeNotFound {
				return cv, cerr
			}
			if legacy { // perhaps the project's number was left off a code of now
				return nil, engine.Errorf(engine.ECodeNotFound, "没有找到核验码为 %s 的记录：请核对是否抄全了——现在的核验码前面还有项目编号，如 1042-%s；若文件上确实只有这 10 位，这份文件可能不是由本系统出具的", code, code)
			}
		}
		return v, err
	}
	if err != nil {
		return nil, err
	}
	st, err := a.chainCheck(ctx, d.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &Verification{Decision: d, Valid: st.check.OK, Reason: st.check.Reason, Anchor: engine.Anchor{Seq: st.head.Seq, Hash: st.head.Hash}, Key: a.KeyFingerprint()}
	if recorded, ok := st.digests[d.ID]; v.Valid && (!ok || recorded != d.Digest()) {
		v.Valid, v.Reason = false, "这条表决记录与审计日志中登记的内容不符（记录被改动）"
	}
	b, err := a.store.Ballot(ctx, d.ProjectID, d.BallotID)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	v.Project = pub.Project.Name
	if h, _, ok := pub.Row(d.HouseholdID); ok {
		v.Room = h.Room
	}
	latest, err := a.store.HouseholdDecision(ctx, d.ProjectID, d.BallotID, d.HouseholdID)
	if err != nil {
		return nil, err
	}
	switch {
	case latest != nil && latest.ID != d.ID:
		v.ReplacedBy = &Replacement{Kind: "decision", At: latest.CreatedAt, Vote: latest.Vote}
	case b.Superseded():
		v.ReplacedBy = &Replacement{Kind: "ballot", At: *b.ClosedAt}
		if newer, err := a.store.Ballot(ctx, b.ProjectID, b.SupersededBy); err == nil {
			if np, err := a.published.get(ctx, a.store, newer); err == nil {
				v.ReplacedBy.Plan = np.Scenario.Name
			}
		}
	}
	v.Current = v.ReplacedBy == nil
	if v.Contact, err = a.store.Contact(ctx, d.ProjectID); err != nil {
		return nil, err
	}
	return v, nil
}
