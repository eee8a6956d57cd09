package app

import (
	"context"
	"encoding/json"
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

// Open reports whether the household may still decide at now.
func (sg *Signing) Open(now time.Time) bool {
	return sg.Ballot.Open(now) && now.Before(sg.Link.ExpiresAt)
}

// validToken is the shape of our tokens (43 URL-safe base64 characters);
// anything else is not looked up.
func validToken(t string) bool {
	if len(t) != 43 {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// OpenSigning resolves a signing token to what it lets the household see
// and do.
func (a *App) OpenSigning(ctx context.Context, token string) (*Signing, error) {
	notFound := engine.Errorf(engine.ECodeNotFound, "签署链接无效：请核对链接是否完整，或联系社区工作人员重新获取")
	if !validToken(token) {
		return nil, notFound
	}
	link, err := a.store.LinkByTokenHash(ctx, engine.HashToken(token))
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, notFound
		}
		return nil, err
	}
	sg := &Signing{Link: link}
	if sg.Ballot, err = a.store.Ballot(ctx, link.BallotID); err != nil {
		return nil, err
	}
	if sg.PublishedBallot, err = a.published.get(ctx, a.store, sg.Ballot); err != nil {
		return nil, err
	}
	i, ok := sg.households[link.HouseholdID]
	if !ok {
		return nil, notFound
	}
	sg.Household = sg.Project.Households[i]
	sg.Row = sg.rows[sg.Household.Room]
	return sg, nil
}

// ReissueLink gives a household a new signing link (the old one stops
// working): for a lost or forwarded printout.
func (a *App) ReissueLink(ctx context.Context, w *engine.Worker, projectID, householdID int64) (Link, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return Link{}, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return Link{}, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return Link{}, err
	}
	if !b.Open(a.now()) {
		return Link{}, engine.Errorf(engine.ECodeConflict, "表决已截止，无需再发签署链接")
	}
	token, hash := engine.NewToken()
	if err := a.store.ReissueLink(ctx, &engine.SigningLink{BallotID: b.ID, HouseholdID: h.ID, TokenHash: hash, ExpiresAt: b.Deadline}, actor(w)); err != nil {
		return Link{}, err
	}
	return Link{Household: h.ID, Room: h.Room, URL: a.linkURL("s", token)}, nil
}

// PublishedBallot is what a ballot froze: the project with its households
// and the scenario with its parsed result and input. The database refuses
// any change to them once published, so every server may keep them in
// memory.
type PublishedBallot struct {
	Project    *engine.Project
	Scenario   *engine.Scenario
	Result     engine.CalcResult
	Input      *engine.CalcInput                // the scenario's calculation input, for printing
	households map[int64]int                    // household id → index in Project.Households
	rows       map[string]engine.HouseholdShare // room → result row
}

// publishedCache keeps the most recently used published ballots.
type publishedCache struct {
	mu    sync.Mutex
	items map[int64]*PublishedBallot
	order []int64 // oldest first
}

const publishedCacheSize = 32

func (pc *publishedCache) get(ctx context.Context, st Store, b *engine.Ballot) (*PublishedBallot, error) {
	pc.mu.Lock()
	pub, ok := pc.items[b.ID]
	pc.mu.Unlock()
	if ok {
		return pub, nil
	}
	pub = &PublishedBallot{households: map[int64]int{}, rows: map[string]engine.HouseholdShare{}}
	var err error
	if pub.Project, err = st.Project(ctx, b.ProjectID); err != nil {
		return nil, err
	}
	if pub.Scenario, err = st.Scenario(ctx, b.ProjectID, b.ScenarioID); err != nil {
		return nil, err
	}
	if !pub.Scenario.Published() {
		return nil, engine.Errorf(engine.ECodeInternal, "ballot %d: scenario %d is not published", b.ID, b.ScenarioID)
	}
	if err := json.Unmarshal(pub.Scenario.Result, &pub.Result); err != nil {
		return nil, err
	}
	if pub.Input, _, err = engine.ComputeScenario(pub.Project, pub.Scenario.Input); err != nil {
		return nil, err
	}
	for i, h := range pub.Project.Households {
		pub.households[h.ID] = i
	}
	for _, r := range pub.Result.Households {
		pub.rows[r.Room] = r
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
