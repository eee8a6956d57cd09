package app

import (
	"bytes"
	"context"
	"time"

	"github.com/renovote/renovote/engine"
)

// The vote's lifecycle (DESIGN §16): open → preliminary → objections →
// final. The state is computed from the time (the deadline closes a
// ballot by itself; no job runs); each step a person takes is a unit of
// work with its event.

// FinalResult is the announced result of a ballot.
type FinalResult struct {
	Passed      bool      `json:"passed"`
	FinalizedAt time.Time `json:"finalized_at"`
	Text        string    `json:"text"`
}

// ObjectionRow is an objection with the room of the household it came
// from.
type ObjectionRow struct {
	*engine.Objection
	Room string `json:"room"`
}

// Result is where a ballot stands: its state, the count, the objection
// window, the objections with their answers and, once announced, the
// final result.
type Result struct {
	State      string         `json:"state"`
	StateText  string         `json:"state_text"`
	Counts     *ProjectTally  `json:"counts"`
	Window     *engine.Window `json:"window"`
	Objections []ObjectionRow `json:"objections"`
	Final      *FinalResult   `json:"final"`
}

// ballotResult is a ballot's result record (the default when it has none)
// and its objections.
func (a *App) ballotResult(ctx context.Context, b *engine.Ballot) (*engine.BallotResult, []*engine.Objection, error) {
	r, err := a.store.BallotResult(ctx, b.ProjectID, b.ID)
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		r = engine.DefaultResult(b)
	}
	objs, err := a.store.Objections(ctx, b.ProjectID, b.ID)
	return r, objs, err
}

// Result answers where the project's current ballot stands.
func (a *App) Result(ctx context.Context, w *engine.Worker, projectID int64) (*Result, error) {
	c, err := a.count(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	rooms := make(map[int64]string, len(c.pub.Project.Households))
	for _, h := range c.pub.Project.Households {
		rooms[h.ID] = h.Room
	}
	out := &Result{State: c.tally.State, StateText: c.tally.StateText, Counts: c.tally, Window: c.tally.Window,
		Objections: make([]ObjectionRow, len(c.objections)), Final: c.tally.Final}
	for i, o := range c.objections {
		out.Objections[i] = ObjectionRow{o, rooms[o.HouseholdID]}
	}
	return out, nil
}

// CloseBallot ends a project's open ballot before its deadline, once every
// household has decided, and posts the count with an objection window of
// objectionDays (0: as set at publishing, else the default).
func (a *App) CloseBallot(ctx context.Context, w *engine.Worker, projectID int64, objectionDays int) (*Result, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	days, err := engine.ObjectionDays(objectionDays)
	if err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		b, r, objs, err := a.lockCurrent(ctx, p.ID)
		if err != nil {
			return err
		}
		pub, err := a.published.get(ctx, a.store, b)
		if err != nil {
			return err
		}
		latest, err := a.store.LatestDecisions(ctx, b.ProjectID, b.ID)
		if err != nil {
			return err
		}
		t, err := tallyBallot(pub, engine.ApplyCorrections(latest, objs))
		if err != nil {
			return err
		}
		if err := b.CanCloseEarly(now, t.Undecided); err != nil {
			return err
		}
		b.Close(now, engine.BallotClosed, 0)
		if err := a.store.InsertClosure(ctx, b); err != nil {
			return err
		}
		if objectionDays != 0 || r.UpdatedAt.IsZero() {
			r.ObjectionDays = days
		}
		if err := engine.CheckFirstPayment(pub.Input, b.PostedAt(), r.ObjectionDays, "objection_days"); err != nil {
			return err
		}
		r.UpdatedAt = *b.ClosedAt
		if err := a.store.SaveBallotResult(ctx, r); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.BallotClosedEvent(b, actor(w), now),
			engine.BallotResultSaved(r, engine.ResultStepClosed, t.TallyResult, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return a.Result(ctx, w, p.ID)
}

// ObjectViaLink records a household's objection to the posted count
// through its own link, under the real name given; it counts against the
// link's daily quota. photo (re-encoded, of type photoType) is optional.
func (a *App) ObjectViaLink(ctx context.Context, token, name, reason string, photo []byte, photoType string) (*engine.Objection, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := a.printableObjection(name, reason); err != nil {
		return nil, err
	}
	now := a.now()
	pid, hid := sg.Project.ID, sg.Household.ID
	var o *engine.Objection
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.linkQuota(ctx, pid, hid, now); err != nil {
			return err
		}
		var err error
		if o, err = a.newObjection(ctx, sg.Ballot.ProjectID, sg.Ballot.ID, hid, name, reason, engine.ObjectionViaLink, 0, now, photo, photoType); err != nil {
			return err
		}
		return a.extend(ctx, pid, engine.ObjectionStep(o, engine.ObjectionStepReceive, engine.HouseholdActor(hid), now))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// ObjectInPerson records an objection a resident of household householdID
// raised in person, entered by worker w under the resident's real name.
func (a *App) ObjectInPerson(ctx context.Context, w *engine.Worker, projectID, householdID int64, name, reason string) (*engine.Objection, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return nil, err
	}
	if err := a.printableObjection(name, reason); err != nil {
		return nil, err
	}
	now := a.now()
	var o *engine.Objection
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, p.ID); err != nil {
			return err
		}
		b, err := a.currentBallot(ctx, p.ID)
		if err != nil {
			return err
		}
		if o, err = a.newObjection(ctx, b.ProjectID, b.ID, h.ID, name, reason, engine.ObjectionInPerson, w.ID, now, nil, ""); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.ObjectionStep(o, engine.ObjectionStepReceive, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// lockCurrent locks the project's chain, then reads its current ballot
// with the result record and the objections, as the unit of work sees them.
func (a *App) lockCurrent(ctx context.Context, projectID int64) (*engine.Ballot, *engine.BallotResult, []*engine.Objection, error) {
	if err := a.lockChain(ctx, projectID); err != nil {
		return nil, nil, nil, err
	}
	b, err := a.currentBallot(ctx, projectID)
	if err != nil {
		return nil, nil, nil, err
	}
	r, objs, err := a.ballotResult(ctx, b)
	return b, r, objs, err
}

// newObjection reads the ballot as it stands in the unit of work (its
// closure may be new), lets engine accept the objection and inserts it.
func (a *App) newObjection(ctx context.Context, projectID, ballotID, householdID int64, name, reason, channel string, by int64, now time.Time, photo []byte, photoType string) (*engine.Objection, error) {
	b, err := a.ballot(ctx, projectID, ballotID)
	if err != nil {
		return nil, err
	}
	r, err := a.store.BallotResult(ctx, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	o, err := engine.NewObjection(b, r, householdID, name, reason, channel, by, now)
	if err != nil {
		return nil, err
	}
	if len(photo) > 0 {
		o.Photo, o.PhotoType = photo, photoType
	}
	return o, a.store.InsertObjection(ctx, o)
}

func (a *App) printableObjection(name, reason string) error {
	if err := a.printable("name", "姓名", name); err != nil {
		return err
	}
	return a.printable("reason", "异议理由", reason)
}

// AnswerObjection answers an objection once: 维持, or 更正 with the
// decision it corrects and the vote to count (the count follows it).
func (a *App) AnswerObjection(ctx context.Context, w *engine.Worker, projectID, objectionID int64, outcome, reason string, c *engine.Correction) (*engine.Objection, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	if err := a.printable("reason", "答复理由", reason); err != nil {
		return nil, err
	}
	now := a.now()
	var o *engine.Objection
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, p.ID); err != nil {
			return err
		}
		var err error
		if o, err = a.store.Objection(ctx, p.ID, objectionID); err != nil {
			return err
		}
		b, err := a.ballot(ctx, o.ProjectID, o.BallotID)
		if err != nil {
			return err
		}
		r, objs, err := a.ballotResult(ctx, b)
		if err != nil {
			return err
		}
		latest, err := a.store.LatestDecisions(ctx, b.ProjectID, b.ID)
		if err != nil {
			return err
		}
		state, _ := engine.BallotState(b, r, now)
		if err := engine.AnswerObjection(o, state, outcome, reason, c, engine.ApplyCorrections(latest, objs), w.ID, now); err != nil {
			return err
		}
		if err := a.store.SaveObjectionAnswer(ctx, o); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.ObjectionStep(o, engine.ObjectionStepAnswer, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Finalize announces the final result of the project's current ballot:
// after the objection window, with every objection answered.
func (a *App) Finalize(ctx context.Context, w *engine.Worker, projectID int64) (*Result, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	now := a.now()
	err = a.inTx(ctx, func(ctx context.Context) error {
		b, r, objs, err := a.lockCurrent(ctx, p.ID)
		if err != nil {
			return err
		}
		state, win := engine.BallotState(b, r, now)
		if err := engine.CanFinalize(state, win, objs, now); err != nil {
			return err
		}
		pub, err := a.published.get(ctx, a.store, b)
		if err != nil {
			return err
		}
		latest, err := a.store.LatestDecisions(ctx, b.ProjectID, b.ID)
		if err != nil {
			return err
		}
		t, err := tallyBallot(pub, engine.ApplyCorrections(latest, objs))
		if err != nil {
			return err
		}
		r.Finalize(t.Passed, w.ID, now)
		if err := a.store.SaveBallotResult(ctx, r); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.BallotResultSaved(r, engine.ResultStepFinalized, t.TallyResult, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return a.Result(ctx, w, p.ID)
}

// ResultPDF prints the 表决结果公示 (final false: once the count is posted)
// or the 表决结果公告 (final: once announced).
func (a *App) ResultPDF(ctx context.Context, w *engine.Worker, projectID int64, final bool) (*Document, error) {
	c, err := a.count(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	t := c.tally
	switch {
	case t.State == engine.StateOpen:
		return nil, engine.Errorf(engine.ECodeConflict, "表决尚未截止（%s 截止），还没有可以公示的统计结果", engine.BeijingMinute(c.ballot.Deadline))
	case final && t.State != engine.StateFinal:
		return nil, engine.Errorf(engine.ECodeConflict, "最终结果尚未确认：异议期结束、异议全部答复后，请先确认最终结果，再打印表决结果公告")
	}
	events, err := a.store.AuditEvents(ctx, c.project.ID)
	if err != nil {
		return nil, err
	}
	n := &engine.ResultNotice{Project: c.pub.Project, ScenarioName: c.pub.Scenario.Name, ScenarioSHA256: c.ballot.SHA256,
		Rule: c.pub.Rule, RuleText: c.pub.Rule.Describe(), Tally: t.TallyResult, State: t.State, StateText: t.StateText,
		Window: *t.Window, ClosedEarly: c.ballot.ClosedAt != nil && c.ballot.ClosedAt.Before(c.ballot.Deadline),
		Contact: c.project.Contact, Issuer: c.project.Terms.PartyA, KeyFingerprint: a.KeyFingerprint(), Printed: a.now()}
	n.Anchor = engine.ResultAnchor(events, c.ballot.ID, t.Window.Posted, n.ClosedEarly, final)
	if !final { // the 公示 as posted: every copy words it alike
		n.State, n.StateText = engine.StatePreliminary, engine.StateText(engine.StatePreliminary, t.TallyResult, t.Window, t.Window.Posted)
	}
	if final {
		n.FinalizedAt = c.result.FinalizedAt
	}
	recorded := make(map[int64]*engine.Decision, len(c.latest))
	for _, d := range c.latest {
		recorded[d.HouseholdID] = d
	}
	counted := make(map[int64]*engine.Decision, len(c.counted))
	for _, d := range c.counted {
		counted[d.HouseholdID] = d
	}
	rooms := map[int64]string{}
	for _, h := range c.pub.Project.Households {
		rooms[h.ID] = h.Room
		l := engine.ResultLine{Room: h.Room, Owner: engine.MaskName(h.OwnerName), How: engine.DecisionHow(recorded[h.ID])}
		if d := counted[h.ID]; d != nil {
			l.Vote = d.Vote
		}
		if d := recorded[h.ID]; d != nil && d.Vote != l.Vote {
			l.Note = "经异议更正，原录入为" + engine.VoteName(d.Vote)
		}
		n.Lines = append(n.Lines, l)
	}
	for _, o := range c.objections {
		n.Objections = append(n.Objections, engine.ResultObjection{Room: rooms[o.HouseholdID], Name: engine.MaskName(o.Name),
			Reason: o.Reason, Outcome: o.Outcome, Answer: o.Answer, At: o.CreatedAt})
	}
	what, name := "result", "result.pdf"
	if final {
		what, name = "final", "final.pdf"
	}
	return a.render(ctx, c.project.ID, actor(w), what, name, func(buf *bytes.Buffer) error { return a.printer.Result(buf, n) })
}
