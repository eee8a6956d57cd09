package app

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/renovote/renovote/engine"
)

// Link is a signing or questionnaire link, shown once: only its hash is
// stored.
type Link struct {
	Household int64  `json:"household"`
	Room      string `json:"room"`
	URL       string `json:"url"`
}

// Published is what publishing answers: the ballot and one link per
// household.
type Published struct {
	Ballot *engine.Ballot
	Links  []Link
}

// Publish freezes a scenario, opens the vote by rule until deadline and
// issues one signing link per household, in one transaction. The result
// is recomputed with today's households (the draft may be older).
func (a *App) Publish(ctx context.Context, w *engine.Worker, projectID, scenarioID int64, rule json.RawMessage, deadline time.Time) (*Published, error) {
	return a.PublishWithWindow(ctx, w, projectID, scenarioID, rule, deadline, 0)
}

// PublishWithWindow is Publish with the objection window's length in days
// (engine.ObjectionDays; 0: the default, set at the close or left as is).
func (a *App) PublishWithWindow(ctx context.Context, w *engine.Worker, projectID, scenarioID int64, rule json.RawMessage, deadline time.Time, objectionDays int) (*Published, error) {
	days, err := engine.ObjectionDays(objectionDays)
	if err != nil {
		return nil, err
	}
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	sc, err := a.store.Scenario(ctx, p.ID, scenarioID)
	if err != nil {
		return nil, err
	}
	if sc.Published() {
		return nil, engine.Errorf(engine.ECodeConflict, "这个方案已经发布过了；如需修改，请复制为新方案后重新发布")
	}
	if _, err := engine.ParseRule(rule); err != nil {
		return nil, err
	}
	now := a.now()
	if !deadline.After(now) {
		return nil, engine.Invalidf("deadline", "截止时间 %s 已经过去，请选择将来的时间", engine.BeijingMinute(deadline))
	}
	if deadline.After(now.AddDate(1, 0, 0)) {
		return nil, engine.Invalidf("deadline", "截止时间不能晚于一年之后")
	}
	in, res, err := engine.ComputeScenario(p, sc.Input)
	if err != nil {
		return nil, err
	}
	if err := engine.CheckFirstPayment(in, deadline, days, "installments.start"); err != nil {
		return nil, err
	}
	calcDoc, err := engine.ScenarioCalcInput(p, sc.Input)
	if err != nil {
		return nil, err
	}
	result, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	var compactRule bytes.Buffer
	if err := json.Compact(&compactRule, rule); err != nil {
		return nil, engine.Invalidf("rule", "表决规则的 JSON 格式错误")
	}
	deadline = deadline.UTC().Truncate(time.Microsecond)
	canonical, err := engine.CanonicalScenario(p, sc, calcDoc, result, compactRule.Bytes(), deadline)
	if err != nil {
		return nil, err
	}
	at := now.UTC().Truncate(time.Microsecond)
	sc.Status, sc.Result, sc.Canonical, sc.SHA256, sc.PublishedAt, sc.UpdatedAt = engine.ScenarioPublished, result, canonical, engine.ScenarioSum(canonical), &at, at
	b := &engine.Ballot{ProjectID: p.ID, ScenarioID: sc.ID, SHA256: sc.SHA256, Rule: compactRule.Bytes(), Deadline: deadline, OpenedAt: at}
	out := &Published{Ballot: b, Links: make([]Link, len(p.Households))}
	links := make([]*engine.SigningLink, len(p.Households))
	for i, h := range p.Households {
		token, hash := engine.NewEntryToken(p.ID)
		links[i] = &engine.SigningLink{HouseholdID: h.ID, TokenHash: hash, ExpiresAt: deadline, CreatedAt: at, SealedToken: a.sealToken(token)}
		out.Links[i] = Link{Household: h.ID, Room: h.Room, URL: a.linkURL("s", token)}
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.PublishScenario(ctx, sc); err != nil {
			return err
		}
		if err := a.store.InsertBallot(ctx, b); err != nil {
			return err
		}
		// one live ballot per project: the open one closes, superseded
		unclosed, err := a.store.UnclosedBallots(ctx, p.ID)
		if err != nil {
			return err
		}
		var events []*engine.AuditEvent
		for _, old := range engine.OpenToSupersede(unclosed, now) {
			if old.ID == b.ID {
				continue
			}
			old.Close(at, engine.BallotSuperseded, b.ID)
			if err := a.store.InsertClosure(ctx, old); err != nil {
				return err
			}
			events = append(events, engine.BallotClosedEvent(old, actor(w), at))
		}
		events = append(events, engine.Published(sc, b, actor(w), at))
		if objectionDays != 0 {
			r := &engine.BallotResult{BallotID: b.ID, ProjectID: p.ID, ObjectionDays: days, UpdatedAt: at}
			if err := a.store.SaveBallotResult(ctx, r); err != nil {
				return err
			}
			events = append(events, engine.BallotResultSaved(r, engine.ResultStepTerms, nil, actor(w), at))
		}
		return a.issueLinks(ctx, p.ID, b, links, nil, actor(w), at, events...)
	})
	if err != nil {
		return nil, err
	}
	a.freshStatistics(ctx, "signing_links", "audit_events")
	return out, nil
}

// freshStatistics asks the database to look at tables again after a bulk
// write (store.Analyze says why). It is advice: a failure is logged, the
// act it follows stands.
func (a *App) freshStatistics(ctx context.Context, tables ...string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := a.store.Analyze(ctx, tables...); err != nil {
		a.logger.Warn("statistics not refreshed", "tables", tables, "err", err)
	}
}

// issueLinks stores new signing links of ballot b (revoking first those
// they replace: revoked[i], when not nil, is the link links[i] replaces,
// its RevokedAt set) and appends, after events, one link_issued event each
// carrying the link's image with its token's hash; then each link keeps
// the seq of its event, by which the server proves it (linkIssued).
func (a *App) issueLinks(ctx context.Context, projectID int64, b *engine.Ballot, links, revoked []*engine.SigningLink, actor string, at time.Time, events ...*engine.AuditEvent) error {
	var stop []*engine.SigningLink
	for _, l := range revoked {
		if l != nil {
			stop = append(stop, l)
		}
	}
	if err := a.store.RevokeLinks(ctx, stop); err != nil {
		return err
	}
	for _, l := range links {
		l.ProjectID, l.BallotID = projectID, b.ID
	}
	if err := a.store.InsertLinks(ctx, links); err != nil {
		return err
	}
	first := len(events)
	for i, l := range links {
		var old *engine.SigningLink
		if revoked != nil {
			old = revoked[i]
		}
		events = append(events, engine.LinkIssued(projectID, l, old, actor, at))
	}
	if err := a.extend(ctx, projectID, events...); err != nil {
		return err
	}
	for i, l := range links {
		l.IssuedSeq = events[first+i].Seq
	}
	return a.store.SetLinksIssued(ctx, links)
}
