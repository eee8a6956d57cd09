package app

import (
	"context"

	"github.com/renovote/renovote/engine"
)

// BaselineProjects has every project chain written before rows had
// images vouch, once, for the rows it then held (a projection_baseline
// event signed by whoever upgrades the database with the key), so that
// audit verify can compare every row with the chain from then on. Links
// issued before the upgrade are proven by the baseline. It returns how
// many chains it wrote to. A chain started by this version needs none:
// its rows had images from the first event (engine.NeedsBaseline).
func (a *App) BaselineProjects(ctx context.Context) (int, error) {
	starts, err := a.store.ChainStarts(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range starts {
		if !engine.NeedsBaseline(st) {
			continue
		}
		now := a.now()
		err := a.inTx(ctx, func(ctx context.Context) error {
			rows, err := a.store.ProjectionRows(ctx, st.ProjectID)
			if err != nil {
				return err
			}
			e := engine.ProjectBaseline(st.ProjectID, rows, now)
			if err := a.extend(ctx, st.ProjectID, e); err != nil {
				return err
			}
			return a.store.SetUnissuedLinks(ctx, st.ProjectID, e.Seq)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
