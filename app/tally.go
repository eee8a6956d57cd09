package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/renovote/renovote/engine"
)

// ProjectTally is the live count of a project's current ballot.
type ProjectTally struct {
	*engine.BallotTally
	Ballot   int64           `json:"ballot"`
	Rule     json.RawMessage `json:"rule"`
	Deadline time.Time       `json:"deadline"`
	Open     bool            `json:"open"`
	// State is where the vote stands (DESIGN §16): open, preliminary,
	// objections or final; StateText words it for every page.
	State      string         `json:"state"`
	StateText  string         `json:"state_text"`
	StateLabel string         `json:"state_label"`     // in a few words, for lists
	Window     *engine.Window `json:"window"`          // the objection window, once closed
	Final      *FinalResult   `json:"final,omitempty"` // only when final
}

// counted is a project's current ballot and the latest decisions on it,
// counted.
type counted struct {
	project    *engine.Project
	ballot     *engine.Ballot
	pub        *PublishedBallot
	latest     []*engine.Decision // the latest decision of each household, as recorded
	counted    []*engine.Decision // as counted: answered corrections applied
	result     *engine.BallotResult
	objections []*engine.Objection
	tally      *ProjectTally
}

func (a *App) count(ctx context.Context, w *engine.Worker, projectID int64) (*counted, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	c := &counted{project: p}
	if c.ballot, err = a.currentBallot(ctx, p.ID); err != nil {
		return nil, err
	}
	if c.pub, err = a.published.get(ctx, a.store, c.ballot); err != nil {
		return nil, err
	}
	if c.latest, err = a.store.LatestDecisions(ctx, c.ballot.ProjectID, c.ballot.ID); err != nil {
		return nil, err
	}
	if c.result, c.objections, err = a.ballotResult(ctx, c.ballot); err != nil {
		return nil, err
	}
	c.counted = engine.ApplyCorrections(c.latest, c.objections)
	t, err := tallyBallot(c.pub, c.counted)
	if err != nil {
		return nil, err
	}
	now := a.now()
	c.tally = &ProjectTally{BallotTally: t, Ballot: c.ballot.ID, Rule: c.pub.RuleJSON, Deadline: c.pub.Deadline,
		Open: c.ballot.ClosedAt == nil && now.Before(c.pub.Deadline)}
	c.tally.State, c.tally.Window = engine.BallotState(c.ballot, c.result, now)
	c.tally.StateText = engine.StateText(c.tally.State, t.TallyResult, c.tally.Window, now)
	c.tally.StateLabel = engine.StateLabel(c.tally.State, t.Passed)
	if c.tally.State == engine.StateFinal {
		c.tally.Final = &FinalResult{Passed: c.result.Passed, FinalizedAt: *c.result.FinalizedAt, Text: c.tally.StateText}
	}
	return c, nil
}

// Tally counts the latest decisions of the project's current ballot.
func (a *App) Tally(ctx context.Context, w *engine.Worker, projectID int64) (*ProjectTally, error) {
	c, err := a.count(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return c.tally, nil
}

// tallyBallot counts by the rule the ballot froze over the households it
// froze: its snapshot, never today's rows.
func tallyBallot(pub *PublishedBallot, latest []*engine.Decision) (*engine.BallotTally, error) {
	return engine.TallyBallot(pub.Project.Households, pub.Rule, latest)
}

// Undecided is one household that has not decided yet, with what the
// worker needs to follow up: who, how to call, and whether the link was
// ever opened.
type Undecided struct {
	Household engine.Household
	Link      *engine.LinkViews // nil when the household has no live link
}

// Undecided lists the households of the current ballot without a decision,
// by room, from the ballot's snapshot.
func (a *App) Undecided(ctx context.Context, w *engine.Worker, projectID int64) (*UndecidedList, error) {
	c, err := a.count(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	views, err := a.store.LinkViews(ctx, c.ballot.ProjectID, c.ballot.ID)
	if err != nil {
		return nil, err
	}
	decided := make(map[int64]bool, len(c.latest))
	for _, d := range c.latest {
		decided[d.HouseholdID] = true
	}
	links := make(map[int64]*engine.LinkViews, len(views))
	for i := range views {
		links[views[i].HouseholdID] = &views[i]
	}
	var out []Undecided
	phones := currentPhones(c.project)
	for _, h := range c.pub.Project.Households {
		if !decided[h.ID] {
			h.Phone = phones[h.ID] // a phone corrected after publishing is the one to call
			out = append(out, Undecided{Household: h, Link: links[h.ID]})
		}
	}
	return &UndecidedList{Tally: c.tally, Project: c.project, Households: out, Reminder: reminder(c.project, c.tally, len(out))}, nil
}

// UndecidedList is who still has to decide, and a reminder to send them.
type UndecidedList struct {
	Tally      *ProjectTally
	Project    *engine.Project
	Households []Undecided
	Reminder   string // for the building's WeChat group: no names, no rooms
}

// reminder is the text a worker pastes into the building's WeChat group:
// how many have not decided, until when, how, and whom to ask. It names
// no one: the group is not the place to single out a neighbour.
func reminder(p *engine.Project, t *ProjectTally, undecided int) string {
	if !t.Open {
		return "【" + p.Name + "】表决已截止，不能再表决。"
	}
	if undecided == 0 {
		return "【" + p.Name + "】全部住户都已表决，感谢各位邻居的支持！"
	}
	s := fmt.Sprintf("【%s 加装电梯表决提醒】还有 %d 户尚未表决，截止时间为 %s（北京时间）。请用发给您家的领取条上的二维码（或链接）查看本户出资金额并表决；不方便用手机的，可以填写纸质表决单。",
		p.Name, undecided, engine.BeijingMinute(t.Deadline))
	if t.Needed != nil && *t.Needed > 0 {
		s += fmt.Sprintf("目前还需 %d 户同意才能通过。", *t.Needed)
	}
	if r := p.Contact.Reach(); r != "" {
		return s + "领取条丢了或有疑问，请联系 " + r + "。"
	}
	return s + "领取条丢了或有疑问，请联系社区工作人员。"
}
