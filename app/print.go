package app

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"github.com/renovote/renovote/engine"
)

// Document is a rendered file.
type Document struct {
	Name string // file name, e.g. agreement-301.pdf
	Data []byte
}

// printing is what every printout of a project's current ballot needs.
type printing struct {
	ballot *engine.Ballot
	pub    *PublishedBallot
	rule   engine.Rule
	anchor engine.Anchor              // the chain's head when printed
	own    map[string]engine.Anchor   // each record's own event (ownKey)
	key    string                     // fingerprint of the checkpoint key
	latest map[int64]*engine.Decision // by household, as recorded
	public string                     // the project's public page
	// result and objections: where the vote stands (DESIGN §16); a
	// correction answered to an objection changes what is counted
	result     *engine.BallotResult
	objections []*engine.Objection
}

// loadPrinting reads what p's current ballot prints; p is the project as
// it is now (its public page), the paper prints it as published.
func (a *App) loadPrinting(ctx context.Context, p *engine.Project) (*printing, error) {
	projectID := p.ID
	b, err := a.currentBallot(ctx, projectID)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	ds, err := a.store.LatestDecisions(ctx, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	anchor, err := a.anchor(ctx, projectID)
	if err != nil {
		return nil, err
	}
	own, err := a.ownAnchors(ctx, projectID)
	if err != nil {
		return nil, err
	}
	pr := &printing{ballot: b, pub: pub, rule: pub.Rule, anchor: anchor, own: own, key: a.KeyFingerprint(), public: a.PublicURL(p), latest: make(map[int64]*engine.Decision, len(ds))}
	if pr.result, pr.objections, err = a.ballotResult(ctx, b); err != nil {
		return nil, err
	}
	for _, d := range ds {
		pr.latest[d.HouseholdID] = d
	}
	return pr, nil
}

// agreementOf is household h's agreement. Its 存证 line is its own event,
// the same on every copy: the decision's when signed, else the plan's
// publishing.
func (a *App) agreementOf(pr *printing, h engine.Household) *engine.Agreement {
	ag := &engine.Agreement{Project: pr.pub.Project, Household: h, Scenario: pr.pub.Scenario, Input: pr.pub.Input, Result: &pr.pub.Result,
		RuleText: pr.rule.Describe(), Deadline: pr.pub.Deadline, Decision: pr.latest[h.ID], Anchor: pr.own[ownKey("ballot", pr.ballot.ID)],
		KeyFingerprint: pr.key, SummaryURL: pr.public, Final: pr.result}
	if ag.Decision != nil {
		ag.VerifyURL = a.baseURL + "/verify/" + ag.Decision.Code
		ag.Anchor = pr.own[ownKey("decision", ag.Decision.ID)]
	}
	return ag
}

func (pr *printing) tally() (*engine.BallotTally, error) {
	latest := make([]*engine.Decision, 0, len(pr.latest))
	for _, d := range pr.latest {
		latest = append(latest, d)
	}
	return tallyBallot(pr.pub, engine.ApplyCorrections(latest, pr.objections))
}

// stateText words where the vote stands at now (engine.StateText).
func (pr *printing) stateText(t *engine.BallotTally, now time.Time) (string, string) {
	state, w := engine.BallotState(pr.ballot, pr.result, now)
	return state, engine.StateText(state, t.TallyResult, w, now)
}

// render renders into memory (bounded by the print slots) and records the
// printing in the project's audit log.
func (a *App) render(ctx context.Context, projectID int64, by, what, name string, draw func(*bytes.Buffer) error) (*Document, error) {
	if a.printer == nil {
		return nil, engine.Errorf(engine.ECodeInternal, "no printer configured")
	}
	select {
	case a.printSlots <- struct{}{}:
		defer func() { <-a.printSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var buf bytes.Buffer
	if err := draw(&buf); err != nil {
		return nil, err
	}
	if err := a.printedBy(ctx, projectID, by, what); err != nil {
		return nil, err
	}
	return &Document{Name: name, Data: buf.Bytes()}, nil
}

// printedBy records who printed what: a worker's print is an event of
// the chain; a household's own copy through its link is not (like opening
// the page, a link holder must not grow the chain by downloading).
func (a *App) printedBy(ctx context.Context, projectID int64, by, what string) error {
	if engine.IsHouseholdActor(by) {
		return nil
	}
	now := a.now()
	return a.inTx(ctx, func(ctx context.Context) error {
		return a.extend(ctx, projectID, engine.PDFPrinted(projectID, by, what, now))
	})
}

// AgreementPDF is one household's agreement, for its worker.
func (a *App) AgreementPDF(ctx context.Context, w *engine.Worker, projectID, householdID int64) (*Document, error) {
	p, pr, err := a.printed(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	i, ok := pr.pub.households[householdID]
	if !ok {
		return nil, engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", householdID)
	}
	h := pr.pub.Project.Households[i]
	ag := a.agreementOf(pr, h)
	ag.Contract = true // the worker's copy, to sign on paper
	return a.render(ctx, p.ID, actor(w), "agreement:"+h.Room, "agreement-"+h.Room+".pdf", func(buf *bytes.Buffer) error {
		return a.printer.Agreement(buf, ag)
	})
}

// ResidentAgreementPDF is the agreement of the household whose link token
// is.
func (a *App) ResidentAgreementPDF(ctx context.Context, token string) (*Document, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	p, err := a.store.Project(ctx, sg.Project.ID)
	if err != nil {
		return nil, err
	}
	pr, err := a.loadPrinting(ctx, p)
	if err != nil {
		return nil, err
	}
	if pr.ballot.ID != sg.Ballot.ID {
		return nil, engine.Errorf(engine.ECodeNotFound, "该链接对应的表决已被新的方案取代")
	}
	return a.render(ctx, sg.Project.ID, engine.HouseholdActor(sg.Household.ID), "agreement:"+sg.Household.Room, "agreement-"+sg.Household.Room+".pdf",
		func(buf *bytes.Buffer) error { return a.printer.Agreement(buf, a.agreementOf(pr, sg.Household)) })
}

// printed is a project w may see and what its current ballot prints.
func (a *App) printed(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Project, *printing, error) {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, nil, err
	}
	pr, err := a.loadPrinting(ctx, p)
	return p, pr, err
}

// tallied is printed with the ballot's count: what the booklet and the
// notice start from.
func (a *App) tallied(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Project, *printing, *engine.BallotTally, error) {
	p, pr, err := a.printed(ctx, w, projectID)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := pr.tally()
	return p, pr, t, err
}

// BookletPDF is the meeting booklet: every agreement, the tally and the
// audit summary.
func (a *App) BookletPDF(ctx context.Context, w *engine.Worker, projectID int64) (*Document, error) {
	p, pr, t, err := a.tallied(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	records, err := a.store.AuditRecords(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	_, text := pr.stateText(t, a.now())
	b := &engine.Booklet{Tally: t.TallyResult, StateText: text, Rule: pr.rule, Audit: engine.CheckAuditTrust(records, a.trust), Printed: a.now(),
		Anchor: pr.anchor, KeyFingerprint: pr.key}
	for _, h := range pr.pub.Project.Households {
		b.Agreements = append(b.Agreements, a.agreementOf(pr, h))
	}
	for _, d := range pr.latest {
		b.Decisions = append(b.Decisions, d)
	}
	return a.render(ctx, p.ID, actor(w), "booklet", "booklet.pdf", func(buf *bytes.Buffer) error { return a.printer.Booklet(buf, b) })
}

// SignInPDF is the 签到表 for a residents' meeting: today's households,
// before or after publishing.
func (a *App) SignInPDF(ctx context.Context, w *engine.Worker, projectID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, err
	}
	s := &engine.SignInSheet{Project: p, Printed: a.now()}
	return a.render(ctx, p.ID, actor(w), "signin", "signin.pdf", func(buf *bytes.Buffer) error { return a.printer.SignIn(buf, s) })
}

// CardPDF is the 明白卡 of a plan: scenarioID's, or (0) the plan put to
// the vote, or before publishing the latest saved scenario.
func (a *App) CardPDF(ctx context.Context, w *engine.Worker, projectID, scenarioID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, err
	}
	c := &engine.Card{Project: p, Contact: p.Contact, SummaryURL: a.PublicURL(p), Printed: a.now()}
	pr, err := a.loadPrinting(ctx, p)
	switch {
	case err == nil && (scenarioID == 0 || scenarioID == pr.pub.Scenario.ID):
		c.Project, c.Scenario, c.Input, c.Result = pr.pub.Project, pr.pub.Scenario, pr.pub.Input, &pr.pub.Result
		c.Published, c.Deadline = true, pr.pub.Deadline
	case err != nil && engine.ErrorCode(err) != engine.ECodeNotFound:
		return nil, err
	default:
		if c.Scenario, err = a.cardScenario(ctx, p.ID, scenarioID); err != nil {
			return nil, err
		}
		if c.Input, c.Result, err = engine.ComputeScenario(p, c.Scenario.Input); err != nil {
			return nil, err
		}
	}
	works, err := a.store.Works(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	c.Stages = works.Stages
	return a.render(ctx, p.ID, actor(w), "card", "card.pdf", func(buf *bytes.Buffer) error { return a.printer.Card(buf, c) })
}

// cardScenario is scenario id of the project, or (0) its latest.
func (a *App) cardScenario(ctx context.Context, projectID, id int64) (*engine.Scenario, error) {
	if id != 0 {
		return a.store.Scenario(ctx, projectID, id)
	}
	scs, err := a.store.Scenarios(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if len(scs) == 0 {
		return nil, engine.Errorf(engine.ECodeConflict, "项目还没有方案：请先在“方案测算”保存一个方案，再打印明白卡")
	}
	return scs[len(scs)-1], nil
}

// BallotsPDF is the 表决票 of the plan put to the vote, one per household.
func (a *App) BallotsPDF(ctx context.Context, w *engine.Worker, projectID int64) (*Document, error) {
	p, pr, err := a.printed(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	b := &engine.PaperBallots{Project: pr.pub.Project, Scenario: pr.pub.Scenario, Result: &pr.pub.Result, RuleText: pr.rule.Describe(),
		Deadline: pr.pub.Deadline, Printed: a.now(), FormURL: func(hid int64) string { return a.PaperFormURL(p.ID, hid) }}
	return a.render(ctx, p.ID, actor(w), "ballots", "ballots.pdf", func(buf *bytes.Buffer) error { return a.printer.Ballots(buf, b) })
}

// PaperFormURL opens the console's form for recording household hid's
// paper decision (after the worker logs in).
func (a *App) PaperFormURL(projectID, householdID int64) string {
	return a.baseURL + "/console/projects/" + strconv.FormatInt(projectID, 10) + "?paper=" + strconv.FormatInt(householdID, 10) + "#paper"
}

// NoticePDF is the 公示 for the bulletin board, issued today for days
// whole days (engine.DefaultNoticeDays when 0).
func (a *App) NoticePDF(ctx context.Context, w *engine.Worker, projectID int64, days int) (*Document, error) {
	return a.noticePDF(ctx, w, projectID, days, false)
}

// noticePDF is NoticePDF; asPublished dates it at the ballot's opening
// (the 公示 as it stood for the vote, for the subsidy application file)
// instead of today.
func (a *App) noticePDF(ctx context.Context, w *engine.Worker, projectID int64, days int, asPublished bool) (*Document, error) {
	if days == 0 {
		days = engine.DefaultNoticeDays
	}
	if days < 1 || days > 90 {
		return nil, engine.Invalidf("days", "公示天数应为 1 到 90 天，收到 %d", days)
	}
	p, pr, _, err := a.tallied(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	printed := a.now()
	if asPublished {
		printed = pr.ballot.OpenedAt
	}
	n := &engine.Notice{Project: pr.pub.Project, Scenario: pr.pub.Scenario, Input: pr.pub.Input, Result: &pr.pub.Result, Rule: pr.rule,
		RuleText: pr.rule.Describe(), Published: pr.ballot.OpenedAt, Deadline: pr.pub.Deadline, Printed: printed, Days: days,
		SummaryURL: a.PublicURL(p), Contact: p.Contact, Anchor: pr.anchor, KeyFingerprint: pr.key}
	return a.render(ctx, p.ID, actor(w), "notice", "notice.pdf", func(buf *bytes.Buffer) error { return a.printer.Notice(buf, n) })
}

// SurveyPDF prints a questionnaire's results for the 公示 board; a
// 小区-wide questionnaire prints the whole 小区.
func (a *App) SurveyPDF(ctx context.Context, w *engine.Worker, projectID, qid int64) (*Document, error) {
	p, q, err := a.questionnaire(ctx, w, projectID, qid, ActExport)
	if err != nil {
		return nil, err
	}
	res, err := a.surveyResults(ctx, w, p, q)
	if err != nil {
		return nil, err
	}
	t := res.SurveyTally
	if res.Group != nil {
		t = res.Group
	}
	sr := &engine.SurveyReport{Project: p, Title: q.Title, Questions: res.Questions, Result: t.Result, Answered: t.Answered,
		Households: t.Households, Deadline: q.Deadline, Printed: a.now()}
	if res.Group != nil {
		sr.Projects = t.Projects
	}
	return a.render(ctx, p.ID, actor(w), "survey:"+strconv.FormatInt(q.ID, 10), "survey.pdf", func(buf *bytes.Buffer) error {
		return a.printer.SurveyReport(buf, sr)
	})
}

// Summary is a project's public summary behind the 公示's QR code: the
// plan, the per-floor amounts and the tally, with no names or phones.
type Summary struct {
	Project  *engine.Project
	Scenario *engine.Scenario
	Ballot   *engine.Ballot
	Result   *engine.CalcResult
	Tally    *engine.BallotTally
	RuleText string
	// State and StateText: where the vote stands (engine.StateText)
	State, StateText string
	Money            *engine.Statement // budget, received and spent; no names
	Progress         *engine.Progress  // stages, inspections, feedback figures; no texts
	Slug             string            // for the anonymous feedback form
	Contact          engine.Contact    // whom to ask: today's
	// Witnessed is the latest head a witness outside the database holds.
	Witnessed *engine.Anchor
}

// PublicURL is the address of a project's public pages.
func (a *App) PublicURL(p *engine.Project) string { return a.baseURL + "/p/" + p.PublicSlug }

// PublicSummary is open to anyone who has the page's slug (printed on the
// 公示 as a QR code): it holds nothing personal.
func (a *App) PublicSummary(ctx context.Context, slug string) (*Summary, error) {
	p, err := a.slugProject(ctx, slug)
	if err != nil {
		return nil, err
	}
	pr, err := a.loadPrinting(ctx, p)
	if err != nil {
		return nil, err
	}
	t, err := pr.tally()
	if err != nil {
		return nil, err
	}
	money, err := a.statement(ctx, p)
	if err != nil {
		return nil, err
	}
	progress, err := a.progress(ctx, p)
	if err != nil {
		return nil, err
	}
	state, text := pr.stateText(t, a.now())
	return &Summary{Project: pr.pub.Project, Scenario: pr.pub.Scenario, Ballot: pr.ballot, Result: &pr.pub.Result, Tally: t, RuleText: pr.rule.Describe(),
		State: state, StateText: text, Money: money, Progress: progress, Slug: p.PublicSlug, Contact: p.Contact, Witnessed: a.witnessedHead(p.ID)}, nil
}
