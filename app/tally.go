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
}

// Tally counts the latest decisions of the project's current ballot.
func (a *App) Tally(ctx context.Context, w *engine.Worker, projectID int64) (*ProjectTally, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	latest, err := a.store.LatestDecisions(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	t, err := tallyBallot(pub, latest)
	if err != nil {
		return nil, err
	}
	now := a.now()
	return &ProjectTally{BallotTally: t, Ballot: b.ID, Rule: pub.RuleJSON, Deadline: pub.Deadline, Open: b.ClosedAt == nil && now.Before(pub.Deadline)}, nil
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
	t, err := a.Tally(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	b, err := a.store.Ballot(ctx, t.Ballot)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	latest, err := a.store.LatestDecisions(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	views, err := a.store.LinkViews(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	decided := make(map[int64]bool, len(latest))
	for _, d := range latest {
		decided[d.HouseholdID] = true
	}
	links := make(map[int64]*engine.LinkViews, len(views))
	for i := range views {
		links[views[i].HouseholdID] = &views[i]
	}
	var out []Undecided
	for _, h := range pub.Project.Households {
		if !decided[h.ID] {
			out = append(out, Undecided{Household: h, Link: links[h.ID]})
		}
	}
	p, err := a.store.Project(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return &UndecidedList{Tally: t, Project: p, Households: out, Reminder: reminder(p, t, len(out))}, nil
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
	if c := p.Contact; c.Name != "" {
		s += "领取条丢了或有疑问，请联系 " + c.Name
		if c.Phone != "" {
			s += "（" + c.Phone + "）"
		}
		return s + "。"
	}
	return s + "领取条丢了或有疑问，请联系社区工作人员。"
}
