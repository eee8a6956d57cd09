package app

import (
	"context"
	"maps"
	"sync"

	"github.com/renovote/renovote/engine"
)

// A ballot that closed early (by the worker, or superseded by a new plan)
// has a ballot_closures row; a row inserted by someone with database
// access but no key would end the vote before its deadline. The server
// honours a closure only once the ballot_closed event that recorded it is
// proven on the chain its key signed (DESIGN §15), like a signing link:
// an unproven closure stops the ballot's reads and writes (chain_broken)
// until an administrator has looked (audit verify names the row).

// ballot reads ballot id with how it closed, the closure proven.
func (a *App) ballot(ctx context.Context, projectID, id int64) (*engine.Ballot, error) {
	b, err := a.store.Ballot(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	return b, a.closureProven(ctx, b)
}

// currentBallot reads a project's latest ballot with how it closed, the
// closure proven.
func (a *App) currentBallot(ctx context.Context, projectID int64) (*engine.Ballot, error) {
	b, err := a.store.CurrentBallot(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return b, a.closureProven(ctx, b)
}

// closureProven refuses a closure that no signed event recorded.
func (a *App) closureProven(ctx context.Context, b *engine.Ballot) error {
	if b.ClosedAt == nil {
		return nil
	}
	image := b.ClosureRow().Cols
	if a.closures.proven(b.ID, image) {
		return nil
	}
	events, err := a.store.ChainEventsOfKind(ctx, b.ProjectID, engine.AuditBallotClosed)
	if err != nil {
		return err
	}
	e := engine.ClosureEvent(events, b)
	refused := engine.CheckClosure(e, b)
	if refused == nil {
		proof, cp, err := a.store.EventProof(ctx, b.ProjectID, e.Seq)
		if err != nil {
			return err
		}
		if len(proof) == 0 || proof[0].Seq != e.Seq || proof[0].Hash != e.Hash {
			refused = engine.Errorf(engine.ECodeChainBroken, "第%d条事件不在签名存证覆盖的日志上", e.Seq)
		} else {
			refused = engine.ProveEvent(proof, cp, a.publicKey)
		}
	}
	if refused != nil {
		a.logger.Error("ballot closure refused: no signed event recorded it", "project", b.ProjectID, "ballot", b.ID, "err", refused.Error())
		return engine.Errorf(engine.ECodeChainBroken, "项目 %d 的第%d号表决被记录为已于 %s 结束，但审计日志中没有经签名存证的结束记录（%s），数据库可能被改动。查明前不统计、不接受签署。请联系管理员运行 renovote audit verify 查明原因；系统不会自行修复",
			b.ProjectID, b.ID, engine.BeijingMinute(*b.ClosedAt), refused.Error())
	}
	a.closures.remember(b.ID, image)
	return nil
}

// provenClosures remembers each ballot's closure as proven (a closure is
// written once and never changes).
type provenClosures struct {
	mu   sync.Mutex
	seen map[int64]map[string]string
}

func (pc *provenClosures) proven(ballot int64, image map[string]string) bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	got, ok := pc.seen[ballot]
	return ok && maps.Equal(got, image)
}

func (pc *provenClosures) remember(ballot int64, image map[string]string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.seen == nil {
		pc.seen = map[int64]map[string]string{}
	}
	pc.seen[ballot] = image
}
