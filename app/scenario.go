package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// SaveScenario computes a scenario document (the calculation contract
// without households, docs/calculation.md) with the project's households
// and stores it: a new draft when scenarioID is 0, else a change to that
// draft. A published scenario is frozen (conflict).
func (a *App) SaveScenario(ctx context.Context, w *engine.Worker, projectID, scenarioID int64, doc []byte) (*engine.Scenario, error) {
	p, err := a.project(ctx, w, projectID, ActWrite)
	if err != nil {
		return nil, err
	}
	sc := &engine.Scenario{ProjectID: p.ID}
	if scenarioID != 0 {
		if sc, err = a.store.Scenario(ctx, p.ID, scenarioID); err != nil {
			return nil, err
		}
		if sc.Published() {
			return nil, engine.Errorf(engine.ECodeConflict, "方案已发布，不能再修改；请新建一个方案（可复制原方案内容）后重新发布，已收集的意见不会转到新方案")
		}
	}
	in, res, err := engine.ComputeScenario(p, doc)
	if err != nil {
		return nil, err
	}
	if err := engine.CheckCompensationRows(in); err != nil {
		return nil, err
	}
	if err := a.printableScenario(in); err != nil {
		return nil, err
	}
	var input bytes.Buffer
	if err := json.Compact(&input, doc); err != nil {
		return nil, engine.Invalidf("", "方案的 JSON 格式错误")
	}
	if sc.Result, err = json.Marshal(res); err != nil {
		return nil, err
	}
	sc.Input = input.Bytes()
	now := a.now()
	switch {
	case strings.TrimSpace(in.Name) != "":
		sc.Name = in.Name
	case sc.Name == "":
		sc.Name = "方案 " + now.In(engine.Beijing).Format("01-02 15:04")
	}
	sc.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	if scenarioID == 0 {
		sc.Status, sc.CreatedAt = engine.ScenarioDraft, sc.UpdatedAt
	}
	err = a.inTx(ctx, func(ctx context.Context) error {
		if scenarioID == 0 {
			err = a.store.InsertScenario(ctx, sc)
		} else {
			err = a.store.UpdateScenario(ctx, sc)
		}
		if err != nil {
			return err
		}
		return a.extend(ctx, p.ID, engine.ScenarioSaved(sc, actor(w), now))
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// printableScenario refuses names in a scenario that the agreements could
// not print.
func (a *App) printableScenario(in *engine.CalcInput) error {
	if err := a.printable("name", "方案名称", in.Name); err != nil {
		return err
	}
	for i, c := range in.Costs {
		if err := a.printable("costs["+strconv.Itoa(i)+"].name", "第"+strconv.Itoa(i+1)+"项费用的名称", c.Name); err != nil {
			return err
		}
	}
	for i, sub := range in.Subsidies {
		if err := a.printable("subsidies["+strconv.Itoa(i)+"].name", "第"+strconv.Itoa(i+1)+"项补贴的名称", sub.Name); err != nil {
			return err
		}
	}
	return nil
}

// Scenarios lists a project's scenarios by id.
func (a *App) Scenarios(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Scenario, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Scenarios(ctx, p.ID)
}

// Scenario is one scenario of a project.
func (a *App) Scenario(ctx context.Context, w *engine.Worker, projectID, scenarioID int64) (*engine.Scenario, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Scenario(ctx, p.ID, scenarioID)
}
