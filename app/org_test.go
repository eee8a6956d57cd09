package app_test

import (
	"testing"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestAdoptOrgs: at the first start after the upgrade a database without
// organisations gets 默认区 → 默认街道 → 默认社区 and every project of before
// moves into 默认社区 with an event, so that the chains still verify, a lead
// of 默认社区 reaches it, and a move made by hand afterwards is named.
func TestAdoptOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.SetClock(clock.Now)
		a := app.New(app.Config{Store: s, SigningKey: storetest.Key, Now: clock.Now})
		root := &engine.Worker{Username: "root", Admin: true}
		if err := a.AddWorker(ctx, root, "Fu4-sheng-lou-jia-ti"); err != nil {
			t.Fatal(err)
		}
		pid := legacyProject(t, s)
		if _, err := a.BaselineProjects(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := a.AdoptOrgs(ctx)
		if err != nil || n != 1 {
			t.Fatalf("adopt: %d projects, %v", n, err)
		}
		orgs, err := s.Orgs(ctx)
		if err != nil || len(orgs) != 3 || orgs[2].Name != engine.DefaultCommunity || orgs[2].ParentID != orgs[1].ID || orgs[1].ParentID != orgs[0].ID {
			t.Fatalf("default organisations: %+v, %v", orgs, err)
		}
		p, err := s.Project(ctx, pid)
		if err != nil || p.OrgID != orgs[2].ID {
			t.Fatalf("the old project is in org %d, want 默认社区 %d (%v)", p.OrgID, orgs[2].ID, err)
		}
		for _, chain := range []int64{pid, engine.SystemChain} {
			if check, err := a.CheckAudit(ctx, app.Operator, chain); err != nil || !check.OK {
				t.Fatalf("chain %d after the move: %+v %+v, %v", chain, check, check.Diff, err)
			}
		}
		if n, err := a.AdoptOrgs(ctx); err != nil || n != 0 {
			t.Fatalf("a second start moved %d (%v)", n, err)
		}
		lead := &engine.Worker{Username: "lead", Role: engine.RoleLead, OrgID: orgs[2].ID}
		if err := a.AddUser(ctx, app.Operator, lead, "Fu4-sheng-lou-jia-ti"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Project(ctx, lead, pid); err != nil {
			t.Fatalf("the lead of 默认社区 does not reach the old project: %v", err)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE projects SET org_id = NULL WHERE id = ?`), pid)
		check, err := a.CheckAudit(ctx, app.Operator, pid)
		if err != nil || check.OK || check.Diff == nil || check.Diff.Table != engine.TableProjects || check.Diff.Column != "org_id" {
			t.Fatalf("the project taken out of its 社区 by hand: %+v, %v", check.Diff, err)
		}
	})
}
