package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// Signing is what a valid signing token opens: the household, its
// project, the ballot and the published plan.
type Signing struct {
	Link      *engine.SigningLink
	Ballot    *engine.Ballot
	Household engine.Household
	Row       engine.HouseholdShare // this household's line of the result
	*PublishedBallot
}

// Open reports whether the household may still decide at now: the
// ballot is not closed, and the deadline the snapshot froze is ahead.
func (sg *Signing) Open(now time.Time) bool {
	return sg.Ballot.ClosedAt == nil && now.Before(sg.Deadline) && now.Before(sg.Link.ExpiresAt)
}

// OpenSigning resolves a signing token to what it lets the household see
// and do.
func (a *App) OpenSigning(ctx context.Context, token string) (*Signing, error) {
	notFound := engine.Errorf(engine.ECodeNotFound, "签署链接无效：请核对链接是否完整，或联系社区工作人员重新获取")
	projectID, found, err := a.tokenProject(ctx, engine.EntryLink, token)
	if err != nil || !found {
		return nil, orNotFound(err, notFound)
	}
	link, err := a.store.LinkByTokenHash(ctx, projectID, engine.HashToken(token))
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	sg := &Signing{Link: link}
	if sg.Ballot, err = a.ballot(ctx, link.ProjectID, link.BallotID); err != nil {
		return nil, err
	}
	if err := a.linkIssued(ctx, sg.Ballot.ProjectID, link); err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	if sg.PublishedBallot, err = a.published.get(ctx, a.store, sg.Ballot); err != nil {
		return nil, err
	}
	h, row, ok := sg.PublishedBallot.Row(link.HouseholdID)
	if !ok {
		return nil, notFound
	}
	sg.Household, sg.Row = h, row
	if sg.Ballot.Superseded() {
		return nil, a.superseded(ctx, sg)
	}
	return sg, nil
}

// SupersededError is what a link of a replaced ballot answers (410): the
// plan changed; this household's old and new amounts; a new link was
// issued. Nothing is recorded through the old link.
type SupersededError struct {
	Project  string
	Contact  engine.Contact
	Room     string
	Old, New engine.HouseholdShare
	OldPlan  string
	NewPlan  string
	At       time.Time
}

func (e *SupersededError) Error() string { return e.Unwrap().Error() }

// Unwrap is the domain error behind it: gone.
func (e *SupersededError) Unwrap() error {
	return engine.Errorf(engine.ECodeGone, "方案已于 %s 更新为“%s”，这个链接已失效；新方案的签署链接已另行发给您（本户原应出资 %s 元，新方案应出资 %s 元）",
		engine.BeijingMinute(e.At), e.NewPlan, e.Old.Due.Grouped(), e.New.Due.Grouped())
}

func (a *App) superseded(ctx context.Context, sg *Signing) error {
	e := &SupersededError{Project: sg.Project.Name, Room: sg.Household.Room, Old: sg.Row, OldPlan: sg.Scenario.Name}
	if sg.Ballot.ClosedAt != nil {
		e.At = *sg.Ballot.ClosedAt
	}
	var err error
	if e.Contact, err = a.store.Contact(ctx, sg.Project.ID); err != nil {
		return err
	}
	newer, err := a.ballot(ctx, sg.Ballot.ProjectID, sg.Ballot.SupersededBy)
	if err != nil {
		return err
	}
	pub, err := a.published.get(ctx, a.store, newer)
	if err != nil {
		return err
	}
	e.NewPlan = pub.Scenario.Name
	_, e.New, _ = pub.Row(sg.Household.ID)
	return e
}

// ReissueLink gives a household a new signing link (the old one stops
// working): for a lost or forwarded printout.
func (a *App) ReissueLink(ctx context.Context, w *engine.Worker, projectID, householdID int64) (Link, error) {
	links, err := a.reissue(ctx, w, projectID, func(h engine.Household) bool { return h.ID == householdID })
	if err != nil {
		return Link{}, err
	}
	if len(links) == 0 {
		return Link{}, engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", householdID)
	}
	return links[0], nil
}

// ReissueAllLinks replaces every household's signing link, to reprint all
// slips: every old slip stops working.
func (a *App) ReissueAllLinks(ctx context.Context, w *engine.Worker, projectID int64) ([]Link, error) {
	return a.reissue(ctx, w, projectID, func(engine.Household) bool { return true })
}

// reissue gives the households of the current ballot that pick chooses
// new links, in one transaction: the live link each replaces is revoked,
// and each new link's event carries both images.
func (a *App) reissue(ctx context.Context, w *engine.Worker, projectID int64, pick func(engine.Household) bool) ([]Link, error) {
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	b, err := a.currentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	now := a.now()
	if !b.Open(now) {
		return nil, engine.Errorf(engine.ECodeConflict, "表决已截止，无需再发签署链接")
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	at := now.UTC().Truncate(time.Microsecond)
	var links []*engine.SigningLink
	var out []Link
	for _, h := range pub.Project.Households {
		if !pick(h) {
			continue
		}
		token, hash := engine.NewEntryToken(b.ProjectID)
		links = append(links, &engine.SigningLink{BallotID: b.ID, HouseholdID: h.ID, TokenHash: hash, ExpiresAt: b.Deadline, CreatedAt: at,
			SealedToken: a.sealToken(token)})
		out = append(out, Link{Household: h.ID, Room: h.Room, URL: a.linkURL("s", token)})
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		live, err := a.store.Links(ctx, p.ID, b.ID)
		if err != nil {
			return err
		}
		byHousehold := make(map[int64]*engine.SigningLink, len(live))
		for _, l := range live {
			byHousehold[l.HouseholdID] = l
		}
		revoked := make([]*engine.SigningLink, len(links))
		for i, l := range links {
			if old := byHousehold[l.HouseholdID]; old != nil {
				old.RevokedAt = &at
				revoked[i] = old
			}
		}
		return a.issueLinks(ctx, p.ID, b, links, revoked, actor(w), at)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// linkIssued refuses a link that no signed event issued (DESIGN §15): the
// event at the link's IssuedSeq must carry its token's hash and lie on the
// chain the server's key signed (engine.ProveEvent over the events up to
// the next checkpoint). Links issued before links kept that seq are proven
// by the link_issued event that names their id. A link that fails answers
// like an unknown one (not_found) and is logged; one that passed stays
// proven (links are append-only: a revoked link is not found at all).
func (a *App) linkIssued(ctx context.Context, projectID int64, l *engine.SigningLink) error {
	if a.links.proven(l) {
		return nil
	}
	refused, err := a.proveLink(ctx, projectID, l)
	if err != nil {
		return err // the database could not be read: not a refusal
	}
	if refused != nil {
		a.logger.Error("signing link refused: no signed event issued it", "project", projectID, "link", l.ID, "err", refused.Error())
		return engine.Errorf(engine.ECodeNotFound, "签署链接无效")
	}
	a.links.remember(engine.LinkKey(l))
	return nil
}

// proveLink says why a link is refused (refused), or that the store
// failed (err).
func (a *App) proveLink(ctx context.Context, projectID int64, l *engine.SigningLink) (refused, err error) {
	seq := l.IssuedSeq
	if seq == 0 {
		events, err := a.store.LinkIssuedEvents(ctx, projectID)
		if err != nil {
			return nil, err
		}
		e := engine.LegacyLinkEvent(events, l)
		if e == nil {
			return fmt.Errorf("没有登记签署链接 #%d 的事件", l.ID), nil
		}
		seq = e.Seq
	}
	events, cp, err := a.store.EventProof(ctx, projectID, seq)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 || events[0].Seq != seq {
		return fmt.Errorf("第%d条事件不存在或没有签名存证", seq), nil
	}
	if err := engine.CheckLinkIssued(events[0], projectID, l); err != nil {
		return err, nil
	}
	if err := engine.ProveEvent(events, cp, a.publicKey); err != nil {
		return err, nil
	}
	// every link the proven events issued is proven with it: publishing
	// issues all of a ballot's links under one checkpoint, so the first
	// link opened proves the others
	for _, k := range engine.LinksIssuedIn(events) {
		a.links.remember(k)
	}
	return nil, nil
}

// provenLinks remembers the links proven by their event: each token hash
// with the link it was issued as (id, ballot, household).
type provenLinks struct {
	mu    sync.Mutex
	links map[string]engine.LinkProof
}

func (pl *provenLinks) proven(l *engine.SigningLink) bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	k := engine.LinkKey(l)
	return pl.links[k.TokenHash] == k
}

// provenKey says whether exactly this proof is remembered.
func (pl *provenLinks) provenKey(k engine.LinkProof) bool {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	return pl.links[k.TokenHash] == k
}

func (pl *provenLinks) remember(k engine.LinkProof) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.links == nil {
		pl.links = map[string]engine.LinkProof{}
	}
	pl.links[k.TokenHash] = k
}

// PublishedBallot is what a ballot froze, read from its snapshot alone
// (engine.Snapshot): the project and households as published, the plan,
// its parsed result and input, the rule and the deadline. Neither today's
// household rows nor the ballot row can move it; the database refuses
// changes to both, so every server may keep it in memory.
type PublishedBallot struct {
	Project    *engine.Project
	Scenario   *engine.Scenario
	Result     engine.CalcResult
	Input      *engine.CalcInput // the scenario's calculation input, for printing
	Rule       engine.Rule
	RuleJSON   json.RawMessage
	Deadline   time.Time
	households map[int64]int                    // household id → index in Project.Households
	rows       map[string]engine.HouseholdShare // room → result row
}

// Row is a household's line of the result.
func (pub *PublishedBallot) Row(householdID int64) (engine.Household, engine.HouseholdShare, bool) {
	i, ok := pub.households[householdID]
	if !ok {
		return engine.Household{}, engine.HouseholdShare{}, false
	}
	h := pub.Project.Households[i]
	return h, pub.rows[h.Room], true
}

// publishedCache keeps the most recently used published ballots.
type publishedCache struct {
	mu    sync.Mutex
	items map[int64]*PublishedBallot
	order []int64 // oldest first
}

const publishedCacheSize = 32

// peek is a ballot's snapshot if the cache holds it.
func (pc *publishedCache) peek(b *engine.Ballot) (*PublishedBallot, bool) {
	if b == nil {
		return nil, false
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pub, ok := pc.items[b.ID]
	return pub, ok
}

func (pc *publishedCache) get(ctx context.Context, st Store, b *engine.Ballot) (*PublishedBallot, error) {
	pc.mu.Lock()
	pub, ok := pc.items[b.ID]
	pc.mu.Unlock()
	if ok {
		return pub, nil
	}
	pub, err := loadPublished(ctx, st, b)
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.items == nil {
		pc.items = map[int64]*PublishedBallot{}
	}
	if _, ok := pc.items[b.ID]; !ok {
		pc.items[b.ID] = pub
		pc.order = append(pc.order, b.ID)
		if len(pc.order) > publishedCacheSize {
			delete(pc.items, pc.order[0])
			pc.order = pc.order[1:]
		}
	}
	return pub, nil
}

// loadPublished reads a ballot's snapshot, checked against the ballot's
// hash. Ballots published before the snapshot held households, rule and
// deadline take those from the (frozen) rows.
func loadPublished(ctx context.Context, st Store, b *engine.Ballot) (*PublishedBallot, error) {
	sc, err := st.Scenario(ctx, b.ProjectID, b.ScenarioID)
	if err != nil {
		return nil, err
	}
	if !sc.Published() {
		return nil, engine.Errorf(engine.ECodeInternal, "ballot %d: scenario %d is not published", b.ID, b.ScenarioID)
	}
	snap, err := engine.ParseSnapshot(sc.Canonical, b.SHA256)
	if err != nil {
		return nil, err
	}
	pub := &PublishedBallot{Scenario: sc, households: map[int64]int{}, rows: map[string]engine.HouseholdShare{}, RuleJSON: snap.Rule}
	if snap.Households != nil {
		pub.Project = snap.ProjectAsPublished(0)
		if pub.Deadline, err = time.Parse("2006-01-02T15:04:05.000000Z", snap.Deadline); err != nil {
			return nil, err
		}
	} else { // published before the snapshot held them
		if pub.Project, err = st.Project(ctx, b.ProjectID); err != nil {
			return nil, err
		}
		pub.RuleJSON, pub.Deadline = b.Rule, b.Deadline
	}
	if pub.Rule, err = engine.ParseRule(pub.RuleJSON); err != nil {
		return nil, err
	}
	pub.Scenario.Name = snap.Scenario.Name
	if err := json.Unmarshal(snap.Result, &pub.Result); err != nil {
		return nil, err
	}
	if pub.Input, err = engine.ParseCalcInput(snap.Input); err != nil {
		return nil, err
	}
	for i, h := range pub.Project.Households {
		pub.households[h.ID] = i
	}
	for _, r := range pub.Result.Households {
		pub.rows[r.Room] = r
	}
	return pub, nil
}
