package app

import (
	"context"
	"encoding/json"

	"github.com/renovote/renovote/engine"
)

// Compare sets what each household and floor pays under scenarios a and b
// side by side.
func (a *App) Compare(ctx context.Context, w *engine.Worker, projectID, aID, bID int64) (*engine.Comparison, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	sa, err := a.store.Scenario(ctx, p.ID, aID)
	if err != nil {
		return nil, err
	}
	sb, err := a.store.Scenario(ctx, p.ID, bID)
	if err != nil {
		return nil, err
	}
	var ra, rb engine.CalcResult
	if err := json.Unmarshal(sa.Result, &ra); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(sb.Result, &rb); err != nil {
		return nil, err
	}
	return engine.Compare(engine.ScenarioRef{ID: sa.ID, Name: sa.Name}, engine.ScenarioRef{ID: sb.ID, Name: sb.Name}, &ra, &rb), nil
}

// CompareMany sets two to four scenarios of a project side by side, each
// with its summary in plain Chinese.
func (a *App) CompareMany(ctx context.Context, w *engine.Worker, projectID int64, ids []int64) (*engine.Compared, error) {
	if err := engine.CheckCompareIDs(ids); err != nil {
		return nil, err
	}
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	scs := make([]engine.ComparedScenario, len(ids))
	for i, id := range ids {
		sc, err := a.store.Scenario(ctx, p.ID, id)
		if err != nil {
			return nil, err
		}
		var res engine.CalcResult
		if err := json.Unmarshal(sc.Result, &res); err != nil {
			return nil, err
		}
		scs[i] = engine.ComparedScenario{Ref: engine.ScenarioRef{ID: sc.ID, Name: sc.Name}, Result: &res}
		// the input as it reads against the households now; a draft saved
		// before the list changed may not read: its summary then says what
		// its stored result says
		if doc, err := engine.ScenarioCalcInput(p, sc.Input); err == nil {
			if in, err := engine.ParseCalcInput(doc); err == nil {
				scs[i].Input = in
			}
		}
	}
	return engine.CompareScenarios(scs), nil
}
