package app

import (
	"context"
	"strings"

	"github.com/renovote/renovote/engine"
)

// Vote is a decision as a person gives it; the caller has checked its
// shape (vote, name, key, images re-encoded).
type Vote struct {
	Vote           string // agree | disagree | abstain
	SignerName     string
	Signature      []byte // online: the drawn signature, re-encoded PNG
	Witness        string // paper
	Reason         string // 不同意: why (optional)
	Photo          []byte // paper: the signed form, re-encoded
	PhotoType      string
	IdempotencyKey string
	IP, UserAgent  string
}

// Recorded is a decision and whether its idempotency key replayed an
// earlier one (nothing new was written).
type Recorded struct {
	Decision *engine.Decision
	Replay   bool
	Anchor   engine.Anchor // the chain's head once the decision is in it: printed on the receipt
	Key      string        // fingerprint of the key that signs the chain
}

// Sign records the decision of the household whose link token is. The
// same idempotency key replays the same answer, never a second decision.
func (a *App) Sign(ctx context.Context, token string, v Vote) (*Recorded, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.printable("signer_name", "签名人姓名", v.SignerName); err != nil {
		return nil, err
	}
	reason, err := engine.DecisionReason(v.Vote, v.Reason)
	if err != nil {
		return nil, err
	}
	if err := a.printable("reason", "不同意的理由", reason); err != nil {
		return nil, err
	}
	now := a.now()
	if !sg.Open(now) {
		// a replay of a decision made in time still answers
		if d, err := a.decisionByKey(ctx, sg, v.IdempotencyKey); err != nil || d != nil {
			if err != nil {
				return nil, err
			}
			anchor, err := a.anchor(ctx, d.ProjectID)
			return &Recorded{Decision: d, Replay: true, Anchor: anchor, Key: a.KeyFingerprint()}, err
		}
		return nil, engine.Errorf(engine.ECodeConflict, "表决已于 %s 截止，不能再提交或更改意见", engine.BeijingMinute(sg.Ballot.Deadline))
	}
	d := &engine.Decision{ProjectID: sg.Project.ID, BallotID: sg.Ballot.ID, HouseholdID: sg.Household.ID,
		ScenarioSHA256: sg.Ballot.SHA256, Vote: v.Vote, SignerName: strings.TrimSpace(v.SignerName),
		SignaturePNG: v.Signature, Method: engine.DecisionOnline, IP: v.IP, UserAgent: v.UserAgent,
		IdempotencyKey: v.IdempotencyKey, CreatedAt: now, Reason: reason}
	return a.record(ctx, d, "")
}

func (a *App) decisionByKey(ctx context.Context, sg *Signing, key string) (*engine.Decision, error) {
	ds, err := a.store.Decisions(ctx, sg.Ballot.ProjectID, sg.Ballot.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.IdempotencyKey == key && d.HouseholdID == sg.Household.ID {
			return d, nil
		}
	}
	return nil, nil
}

// RecordPaperDecision records a decision a resident signed on paper,
// entered by worker w with a witness and a photo of the form.
func (a *App) RecordPaperDecision(ctx context.Context, w *engine.Worker, projectID, householdID int64, v Vote) (*Recorded, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return nil, err
	}
	b, err := a.currentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if err := a.printable("signer_name", "签名人姓名", v.SignerName); err != nil {
		return nil, err
	}
	if err := a.printable("witness", "见证人", v.Witness); err != nil {
		return nil, err
	}
	d := &engine.Decision{ProjectID: p.ID, BallotID: b.ID, HouseholdID: h.ID, ScenarioSHA256: b.SHA256, Vote: v.Vote,
		SignerName: strings.TrimSpace(v.SignerName), Method: engine.DecisionPaper, Witness: strings.TrimSpace(v.Witness),
		PaperPhoto: v.Photo, PaperPhotoType: v.PhotoType, RecordedBy: w.ID, IP: v.IP,
		UserAgent: v.UserAgent, IdempotencyKey: v.IdempotencyKey, CreatedAt: a.now()}
	return a.record(ctx, d, w.SessionHash)
}

// Record records a decision its caller has already taken from a person —
// for tests and tools that hold one; people decide through Sign and
// RecordPaperDecision, which check who acts. Every rule of the ballot and
// the idempotency rule apply.
func (a *App) Record(ctx context.Context, d *engine.Decision) (*Recorded, error) {
	return a.record(ctx, d, "")
}

// record writes a decision in the next batch of its project (group
// commit) and answers once the batch is committed.
func (a *App) record(ctx context.Context, d *engine.Decision, session string) (*Recorded, error) {
	d.Stamp(a.now())
	p := &pendingDecision{r: &Recorded{Decision: d, Key: a.KeyFingerprint()}, done: make(chan struct{})}
	a.decisions.run(d.ProjectID, p, func(batch []*pendingDecision) func() { return a.commitDecisions(ctx, batch, session) })
	if p.err != nil {
		return nil, p.err
	}
	return p.r, nil
}

// commitDecisions writes a batch in one unit of work and returns what
// waits until the witnesses hold its checkpoint (the batch's callers are
// answered after it; the next batch need not wait for it). If the unit
// fails, each decision is retried in a unit of its own, so that one bad
// decision cannot fail the others.
func (a *App) commitDecisions(ctx context.Context, batch []*pendingDecision, session string) func() {
	ctx = context.WithoutCancel(ctx) // others wait on this commit
	saved := make([]engine.Decision, len(batch))
	for i, p := range batch {
		saved[i] = *p.r.Decision
	}
	wait, err := a.inTxQueued(ctx, func(ctx context.Context) error { return a.writeDecisions(ctx, batch, session) })
	if err == nil {
		return func() {
			if err := wait(); err != nil {
				for _, p := range batch {
					p.err = err
				}
			}
		}
	}
	if len(batch) == 1 {
		batch[0].err = err
		return func() {}
	}
	for i, p := range batch {
		*p.r.Decision, p.r.Replay, p.err = saved[i], false, nil
		single := []*pendingDecision{p}
		if err := a.inTx(ctx, func(ctx context.Context) error { return a.writeDecisions(ctx, single, session) }); err != nil {
			p.err = err
		}
	}
	return func() {}
}

// writeDecisions writes decisions and their events inside the unit of
// work, the chain locked first so that the rules and the idempotency
// check see every decision committed before: each decision's ballot must
// accept it (engine.Ballot.Accepts); a key already used answers the first
// record if the content is the same (engine.Decision.Replay), else a
// conflict. A decision refused gets its error and writes nothing; the
// others go on.
func (a *App) writeDecisions(ctx context.Context, batch []*pendingDecision, session string) error {
	projectID := batch[0].r.Decision.ProjectID
	if _, err := a.lock(ctx, projectID); err != nil {
		return err
	}
	ballots := map[int64]*engine.Ballot{}
	ids := make([]int64, 0, len(batch))
	for _, p := range batch {
		p.r.Replay, p.err = false, nil
		d := p.r.Decision
		ids = append(ids, d.HouseholdID)
		if _, ok := ballots[d.BallotID]; ok {
			continue
		}
		b, err := a.ballot(ctx, d.ProjectID, d.BallotID)
		if err != nil && engine.ErrorCode(err) != engine.ECodeNotFound {
			return err
		}
		ballots[d.BallotID] = b
	}
	inProject, err := a.householdsIn(ctx, projectID, ballots, ids)
	if err != nil {
		return err
	}
	used, err := a.linkEventsToday(ctx, projectID, batch)
	if err != nil {
		return err
	}
	var fresh []*engine.Decision
	for _, p := range batch {
		d := p.r.Decision
		if p.err = ballots[d.BallotID].Accepts(d, inProject[d.HouseholdID]); p.err != nil {
			continue
		}
		if d.Method == engine.DecisionOnline {
			if p.err = a.linkUsed(ctx, used, d); p.err != nil {
				continue
			}
		}
		fresh = append(fresh, d)
	}
	taken, err := a.store.InsertDecisions(ctx, fresh)
	if err != nil {
		return err
	}
	replayed := map[*engine.Decision]bool{}
	for _, d := range taken {
		replayed[d] = true
		first, err := a.store.DecisionByKey(ctx, d.ProjectID, d.BallotID, d.IdempotencyKey)
		if err != nil {
			return err
		}
		for _, p := range batch {
			if p.r.Decision != d {
				continue
			}
			if p.err = first.Replay(d); p.err == nil {
				p.r.Decision, p.r.Replay = first, true
				if p.r.Anchor, err = a.decisionAnchor(ctx, first); err != nil {
					return err
				}
			}
		}
	}
	var events []*engine.AuditEvent
	var inserted []*engine.Decision
	for _, d := range fresh {
		if !replayed[d] {
			inserted = append(inserted, d)
			events = append(events, engine.DecisionRecorded(d, session))
		}
	}
	if err := a.extend(ctx, projectID, events...); err != nil {
		return err
	}
	for i, d := range inserted {
		d.Anchor = engine.Anchor{Seq: events[i].Seq, Hash: events[i].Hash}
		for _, p := range batch {
			if p.r.Decision == d {
				p.r.Anchor = d.Anchor
			}
		}
	}
	return nil
}

// linkUsed counts an online decision against its link's daily quota
// (engine.LinkEventsPerDay): a retried request the quota would refuse
// still replays if its key was used (nothing new is written).
func (a *App) linkUsed(ctx context.Context, used map[int64]int, d *engine.Decision) error {
	n := used[d.HouseholdID]
	if err := engine.CheckLinkQuota(n, a.linkQuotaPerDay); err != nil {
		if first, ferr := a.store.DecisionByKey(ctx, d.ProjectID, d.BallotID, d.IdempotencyKey); ferr == nil && first.Replay(d) == nil {
			used[d.HouseholdID] = n
			return nil // InsertDecisions finds the key taken and replays
		}
		return err
	}
	used[d.HouseholdID] = n + 1
	return nil
}

// householdsIn says which households are in the project: from the
// ballots' published snapshots when this server holds them (households
// are frozen once published; no round trip under the chain's lock), else
// from the database.
func (a *App) householdsIn(ctx context.Context, projectID int64, ballots map[int64]*engine.Ballot, ids []int64) (map[int64]bool, error) {
	in := map[int64]bool{}
	for _, b := range ballots {
		pub, ok := a.published.peek(b)
		if !ok {
			return a.store.HouseholdsIn(ctx, projectID, ids)
		}
		for _, id := range ids {
			if _, _, found := pub.Row(id); found {
				in[id] = true
			}
		}
	}
	return in, nil
}

// linkEventsToday counts, in one read, what the links of a batch's
// households added to the chain since the start of the Beijing day.
func (a *App) linkEventsToday(ctx context.Context, projectID int64, batch []*pendingDecision) (map[int64]int, error) {
	var actors []string
	byActor := map[string]int64{}
	for _, p := range batch {
		if d := p.r.Decision; d.Method == engine.DecisionOnline {
			actor := engine.HouseholdActor(d.HouseholdID)
			if _, ok := byActor[actor]; !ok {
				actors = append(actors, actor)
				byActor[actor] = d.HouseholdID
			}
		}
	}
	used := map[int64]int{}
	if len(actors) == 0 {
		return used, nil
	}
	counts, err := a.store.ActorsEventsSince(ctx, projectID, actors, engine.BeijingDayStart(batch[0].r.Decision.CreatedAt))
	if err != nil {
		return nil, err
	}
	for actor, n := range counts {
		used[byActor[actor]] = n
	}
	return used, nil
}

// decisionAnchor is where a replayed decision stands in the chain: the
// head the unit of work locked (its own event is older).
func (a *App) decisionAnchor(ctx context.Context, d *engine.Decision) (engine.Anchor, error) {
	head, err := a.lock(ctx, d.ProjectID)
	return engine.Anchor{Seq: head.Seq, Hash: head.Hash}, err
}

// DecisionRow is a decision with the room it belongs to.
type DecisionRow struct {
	*engine.Decision
	Room string
}

// Decisions lists every decision of the project's current ballot, oldest
// first, for its worker.
func (a *App) Decisions(ctx context.Context, w *engine.Worker, projectID int64) ([]DecisionRow, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	b, err := a.currentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	ds, err := a.store.Decisions(ctx, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	rooms := make(map[int64]string, len(p.Households))
	for _, h := range p.Households {
		rooms[h.ID] = h.Room
	}
	out := make([]DecisionRow, len(ds))
	for i, d := range ds {
		out[i] = DecisionRow{d, rooms[d.HouseholdID]}
	}
	return out, nil
}

// SigningView is what a household's link shows: the plan, this
// household's line, its latest decision and whether it may still decide.
type SigningView struct {
	*Signing
	Decision *engine.Decision // latest, or nil
	Open     bool
	RuleText string
	Money    *HouseholdMoney    // what the household has paid and what is next
	Feedback []*engine.Feedback // what the household sent, with the answers
	Contact  engine.Contact     // whom to ask: today's, not the published one
	Explain  engine.Explanation // why the amount is what it is
	// where the vote stands (DESIGN §16): once closed, the objection
	// window and whether this household may object now
	State     string
	Window    *engine.Window
	Note      string
	Objecting bool
	// Objections are the ones this household raised, with the answers.
	Objections []*engine.Objection
}

// ViewSigning opens a link for reading.
func (a *App) ViewSigning(ctx context.Context, token string) (*SigningView, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	return a.signingView(ctx, sg)
}

func (a *App) signingView(ctx context.Context, sg *Signing) (*SigningView, error) {
	d, err := a.store.HouseholdDecision(ctx, sg.Ballot.ProjectID, sg.Ballot.ID, sg.Household.ID)
	if err != nil {
		return nil, err
	}
	now := a.now()
	v := &SigningView{Signing: sg, Decision: d, Open: sg.Open(now), RuleText: sg.Rule.Describe()}
	if !v.Open {
		r, err := a.store.BallotResult(ctx, sg.Ballot.ProjectID, sg.Ballot.ID)
		if err != nil {
			return nil, err
		}
		v.State, v.Window = engine.BallotState(sg.Ballot, r, now)
		v.Note, v.Objecting = engine.ResidentNote(v.State, v.Window, now)
		objs, err := a.store.Objections(ctx, sg.Ballot.ProjectID, sg.Ballot.ID)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.HouseholdID == sg.Household.ID {
				v.Objections = append(v.Objections, o)
			}
		}
	} else {
		v.State = engine.StateOpen
	}
	if v.Money, err = a.householdMoney(ctx, sg.Project.ID, sg.Household.ID); err != nil {
		return nil, err
	}
	if v.Feedback, err = a.householdFeedback(ctx, sg.Project.ID, sg.Household.ID); err != nil {
		return nil, err
	}
	if v.Contact, err = a.store.Contact(ctx, sg.Project.ID); err != nil {
		return nil, err
	}
	if sg.Input != nil {
		v.Explain = engine.Explain(sg.Input, &sg.Result, sg.Household.Room)
	}
	return v, nil
}

// OpenSigningPage is ViewSigning for the phone page: it also counts the
// opening (per link and day, outside the audit chain, so that a link
// holder cannot grow the chain).
func (a *App) OpenSigningPage(ctx context.Context, token string) (*SigningView, error) {
	v, err := a.ViewSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	return v, a.store.CountPageView(ctx, v.Link.ProjectID, v.Link.ID, a.now())
}
