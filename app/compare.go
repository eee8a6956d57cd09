package app

import (
	"context"
	"encoding/json"

	"github.com/renovote/renovote/engine"
)

// Compare sets what each household and floor pays under scenarios a and b
// side by side.
func (a *App) Compare(ctx context.Context, w *engine.Worker, projectID, aID, bID int64) (*engine.Comparison, error) {
	p, err := a.project(ctx, w, projectID)
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
