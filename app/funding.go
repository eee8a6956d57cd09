package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// The funding pack (DESIGN §18): the rule in force, each household's
// accounts, and the contract's answer on the published plan's dues.

// SetFundingRule puts a city preset or a rule of the project's own in
// force, with the completion date the application window counts from.
func (a *App) SetFundingRule(ctx context.Context, w *engine.Worker, projectID int64, doc []byte) (*engine.ProjectFundingRule, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	in, err := engine.ParseFundingSetting(doc)
	if err != nil {
		return nil, err
	}
	rule := &engine.ProjectFundingRule{ProjectID: p.ID, Preset: in.Preset, Rule: in.Rule, Completed: in.Completed,
		SetBy: actor(w), SetAt: a.moneyTime()}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.store.SetFundingRule(ctx, rule); err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.FundingRuleSet(rule))
	})
	if err != nil {
		return nil, err
	}
	return rule, nil
}

// SetHouseholdFunding records a household's accounts as the worker read
// them from the statements.
func (a *App) SetHouseholdFunding(ctx context.Context, w *engine.Worker, projectID, householdID int64, doc []byte) (*engine.HouseholdFundingFigures, error) {
	if err := a.mayDo(ctx, w, projectID, ActWrite); err != nil {
		return nil, err
	}
	pub, err := a.fundingPlan(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if _, _, ok := pub.Row(householdID); !ok {
		return nil, engine.Errorf(engine.ECodeNotFound, "住户 %d 不在已发布的方案中", householdID)
	}
	in, err := engine.ParseFundingFigures(doc, false)
	if err != nil {
		return nil, err
	}
	return a.setFigures(ctx, projectID, householdID, in, actor(w))
}

// SetHouseholdFundingViaLink records the figures a household entered
// through its own link, with its consent.
func (a *App) SetHouseholdFundingViaLink(ctx context.Context, token string, doc []byte) (*engine.HouseholdFundingFigures, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	in, err := engine.ParseFundingFigures(doc, true)
	if err != nil {
		return nil, err
	}
	pid, hid := sg.Project.ID, sg.Household.ID
	now := a.moneyTime()
	var f *engine.HouseholdFundingFigures
	err = a.inTx(ctx, func(ctx context.Context) error {
		if err := a.linkQuota(ctx, pid, hid, now); err != nil {
			return err
		}
		var err error
		f, err = a.writeFigures(ctx, pid, hid, in, engine.HouseholdActor(hid), now)
		return err
	})
	return f, err
}

func (a *App) setFigures(ctx context.Context, projectID, householdID int64, in *engine.FundingFiguresInput, by string) (*engine.HouseholdFundingFigures, error) {
	var f *engine.HouseholdFundingFigures
	now := a.moneyTime()
	err := a.inTx(ctx, func(ctx context.Context) error {
		var err error
		f, err = a.writeFigures(ctx, projectID, householdID, in, by, now)
		return err
	})
	return f, err
}

func (a *App) writeFigures(ctx context.Context, projectID, householdID int64, in *engine.FundingFiguresInput, by string, now time.Time) (*engine.HouseholdFundingFigures, error) {
	if err := a.printableAccounts(in.Accounts); err != nil {
		return nil, err
	}
	f := &engine.HouseholdFundingFigures{ProjectID: projectID, HouseholdID: householdID, Accounts: in.Accounts,
		Maintenance: in.Maintenance, EnteredBy: by, Consent: in.Consent, EnteredAt: now}
	if err := a.store.SetHouseholdFunding(ctx, f); err != nil {
		return nil, err
	}
	return f, a.extend(ctx, projectID, engine.HouseholdFundingSet(f))
}

// printableAccounts refuses an account holder's name the certificate
// cannot print.
func (a *App) printableAccounts(accounts []engine.FundingAccount) error {
	for i, acc := range accounts {
		if err := a.printable("accounts["+strconv.Itoa(i)+"].name", "公积金账户人姓名", acc.Name); err != nil {
			return err
		}
	}
	return nil
}

// fundingPlan is the published plan whose dues the funding reads; 409
// before any plan is published.
func (a *App) fundingPlan(ctx context.Context, projectID int64) (*PublishedBallot, error) {
	b, err := a.store.CurrentBallot(ctx, projectID)
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		return nil, engine.Errorf(engine.ECodeConflict, "方案尚未发布：发布方案后才能计算各户可提取的公积金和维修资金")
	}
	if err != nil {
		return nil, err
	}
	return a.published.get(ctx, a.store, b)
}

// ProjectFunding is the contract's answer on a project's published plan:
// the rule in force and each household, by room.
type ProjectFunding struct {
	Rule   *engine.ProjectFundingRule
	Result *engine.FundingResult // households in Rows' order
	Rows   []FundingRow
	Plan   *PublishedBallot
}

// FundingRow is one household of the answer with what was entered.
type FundingRow struct {
	Household engine.Household
	Share     engine.HouseholdShare
	Figures   *engine.HouseholdFundingFigures // nil: nothing entered yet
	Funding   *engine.HouseholdFunding
}

// Funding computes what each household may draw from each source under
// the project's rule, on the published plan's dues: each household's
// share net of subsidies and relief, running costs excluded — what its
// agreement says it pays for the construction.
func (a *App) Funding(ctx context.Context, w *engine.Worker, projectID int64) (*ProjectFunding, error) {
	if err := a.mayDo(ctx, w, projectID, ActRead); err != nil {
		return nil, err
	}
	return a.funding(ctx, projectID)
}

// FundingRule is the project's rule in force, nil before one is chosen.
func (a *App) FundingRule(ctx context.Context, w *engine.Worker, projectID int64) (*engine.ProjectFundingRule, error) {
	if err := a.mayDo(ctx, w, projectID, ActRead); err != nil {
		return nil, err
	}
	return a.store.FundingRule(ctx, projectID)
}

// mayDo is a.project's check through the same access table, on the
// project's owner and 社区 alone: loading 5,000 households only to check
// access took a third of the funding answer.
func (a *App) mayDo(ctx context.Context, w *engine.Worker, projectID int64, act Action) error {
	if w == nil {
		return engine.Errorf(engine.ECodeUnauthorized, "请先登录")
	}
	p, err := a.store.ProjectReach(ctx, projectID)
	if err != nil {
		return err
	}
	return a.may(ctx, w, p, act)
}

func (a *App) funding(ctx context.Context, projectID int64) (*ProjectFunding, error) {
	head, err := a.store.ChainHead(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if pf := a.funded.get(projectID, head); pf != nil {
		return pf, nil
	}
	pf, err := a.computeFunding(ctx, projectID)
	if err == nil {
		a.funded.put(projectID, head, pf)
	}
	return pf, err
}

// fundingCache keeps each project's last funding answer with the chain
// head it was computed at. Everything the answer reads — the published
// plan, the rule, each household's figures — changes only with an event
// of the project's chain, so an answer is good while the head stands (as
// the chain check's cache, §11). Answers are shared: never modified.
type fundingCache struct {
	mu    sync.Mutex
	items map[int64]fundingAt
}

type fundingAt struct {
	head engine.ChainHead
	pf   *ProjectFunding
}

func (c *fundingCache) get(projectID int64, head engine.ChainHead) *ProjectFunding {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it, ok := c.items[projectID]; ok && it.head == head {
		return it.pf
	}
	return nil
}

func (c *fundingCache) put(projectID int64, head engine.ChainHead, pf *ProjectFunding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[int64]fundingAt{}
	}
	if len(c.items) >= 256 { // a bound, not an eviction policy: start over
		clear(c.items)
	}
	c.items[projectID] = fundingAt{head, pf}
}

func (a *App) computeFunding(ctx context.Context, projectID int64) (*ProjectFunding, error) {
	pub, err := a.fundingPlan(ctx, projectID)
	if err != nil {
		return nil, err
	}
	rule, err := a.store.FundingRule(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if rule == nil {
		return nil, engine.Errorf(engine.ECodeConflict, "尚未设置资金来源规则：请先选择城市预设（或自定规则）并填写竣工验收日期")
	}
	figures, err := a.store.HouseholdFundings(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return fundingOf(pub, rule, figures), nil
}

// fundingOf runs the contract over the published households by room.
func fundingOf(pub *PublishedBallot, rule *engine.ProjectFundingRule, figures map[int64]*engine.HouseholdFundingFigures) *ProjectFunding {
	hs := slices.Clone(pub.Project.Households)
	slices.SortStableFunc(hs, func(x, y engine.Household) int { return strings.Compare(x.Room, y.Room) })
	out := &ProjectFunding{Rule: rule, Plan: pub, Rows: make([]FundingRow, len(hs))}
	in := &engine.FundingInput{Rule: rule.Rule, Completed: rule.Completed, Households: make([]engine.FundingHousehold, len(hs))}
	for i, h := range hs {
		_, row, _ := pub.Row(h.ID)
		fh := engine.FundingHousehold{ID: h.Room, Due: row.Due}
		if f := figures[h.ID]; f != nil {
			fh.Accounts, fh.Maintenance = f.Accounts, f.Maintenance
		}
		in.Households[i] = fh
		out.Rows[i] = FundingRow{Household: h, Share: row, Figures: figures[h.ID]}
	}
	out.Result = engine.Funding(in)
	for i := range out.Rows {
		out.Rows[i].Funding = &out.Result.Households[i]
	}
	return out
}

// HouseholdFundingView is what the household's link shows of its own
// funding: nil parts when no rule or nothing published.
func (a *App) HouseholdFundingView(ctx context.Context, token string) (*FundingRow, *engine.ProjectFundingRule, *engine.Date, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, nil, nil, err
	}
	pf, err := a.funding(ctx, sg.Project.ID)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeConflict {
			return nil, nil, nil, nil
		}
		return nil, nil, nil, err
	}
	for i := range pf.Rows {
		if pf.Rows[i].Household.ID == sg.Household.ID {
			return &pf.Rows[i], pf.Rule, pf.Result.ApplyBy, nil
		}
	}
	return nil, pf.Rule, pf.Result.ApplyBy, nil
}
