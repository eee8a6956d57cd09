package app

import (
	"context"
	"strings"

	"github.com/renovote/renovote/engine"
)

// CheckAudit verifies a project's audit chain and every record it vouches
// for. A database that cannot be read is an error (unavailable), never a
// broken chain.
func (a *App) CheckAudit(ctx context.Context, w *engine.Worker, projectID int64) (*engine.AuditCheck, error) {
	if w == Operator { // the command line may check a chain whose project row is gone
		return a.checkAudit(ctx, projectID)
	}
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	return a.checkAudit(ctx, p.ID)
}

func (a *App) checkAudit(ctx context.Context, projectID int64) (*engine.AuditCheck, error) {
	records, err := a.store.AuditRecords(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return engine.CheckAudit(records), nil
}

// Verification is what /verify says of a code: whether the record exists,
// what it says (masked), the hash it binds to and whether its chain holds.
type Verification struct {
	Decision *engine.Decision
	Project  string
	Room     string
	Chain    *engine.AuditCheck
}

// Verify looks a verification code up; anyone may.
func (a *App) Verify(ctx context.Context, code string) (*Verification, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 11 || code[5] != '-' {
		return nil, engine.Errorf(engine.ECodeNotFound, "核验码格式不对：应为 11 位，如 7KQ2M-9XD4H")
	}
	d, err := a.store.DecisionByCode(ctx, code)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, engine.Errorf(engine.ECodeNotFound, "没有找到核验码为 %s 的表决记录：这份文件可能不是由本系统出具的", code)
		}
		return nil, err
	}
	p, err := a.store.Project(ctx, d.ProjectID)
	if err != nil {
		return nil, err
	}
	check, err := a.checkAudit(ctx, d.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &Verification{Decision: d, Project: p.Name, Chain: check}
	if h, err := household(p, d.HouseholdID); err == nil {
		v.Room = h.Room
	}
	return v, nil
}
