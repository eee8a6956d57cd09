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
		IdempotencyKey: v.IdempotencyKey, CreatedAt: now}
	return a.record(ctx, d)
}

func (a *App) decisionByKey(ctx context.Context, sg *Signing, key string) (*engine.Decision, error) {
	ds, err := a.store.Decisions(ctx, sg.Ballot.ID)
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
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return nil, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
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
	return a.record(ctx, d)
}

func (a *App) record(ctx context.Context, d *engine.Decision) (*Recorded, error) {
	replay, err := a.store.RecordDecision(ctx, d)
	if err != nil {
		return nil, err
	}
	anchor := d.Anchor // its own event, when it is new
	if replay {
		if anchor, err = a.anchor(ctx, d.ProjectID); err != nil {
			return nil, err
		}
	}
	return &Recorded{Decision: d, Replay: replay, Anchor: anchor, Key: a.KeyFingerprint()}, nil
}

// DecisionRow is a decision with the room it belongs to.
type DecisionRow struct {
	*engine.Decision
	Room string
}

// Decisions lists every decision of the project's current ballot, oldest
// first, for its worker.
func (a *App) Decisions(ctx context.Context, w *engine.Worker, projectID int64) ([]DecisionRow, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	ds, err := a.store.Decisions(ctx, b.ID)
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
	d, err := a.store.HouseholdDecision(ctx, sg.Ballot.ID, sg.Household.ID)
	if err != nil {
		return nil, err
	}
	v := &SigningView{Signing: sg, Decision: d, Open: sg.Open(a.now()), RuleText: sg.Rule.Describe()}
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
	return v, a.store.CountPageView(ctx, v.Link.ID, a.now())
}
