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
	p, err := a.project(ctx, w, projectID)
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
	_, res, err := engine.ComputeScenario(p, sc.Input)
	if err != nil {
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
	req := &engine.PublishRequest{ProjectID: p.ID, ScenarioID: sc.ID, Result: result, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
		Rule: compactRule.Bytes(), Deadline: deadline, Actor: actor(w), At: now}
	out := &Published{Links: make([]Link, len(p.Households))}
	for i, h := range p.Households {
		token, hash := engine.NewToken()
		req.Links = append(req.Links, engine.SigningLink{HouseholdID: h.ID, TokenHash: hash, ExpiresAt: deadline})
		out.Links[i] = Link{Household: h.ID, Room: h.Room, URL: a.linkURL("s", token)}
	}
	if out.Ballot, err = a.store.Publish(ctx, req); err != nil {
		return nil, err
	}
	return out, nil
}
