package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestBaselineAfterUpgrade: a project chain started before rows had
// images (its first event carries none) fails the projection check until
// the upgrading start writes its baseline; then the check passes, a later
// edit is named, and the baseline is written once.
func TestBaselineAfterUpgrade(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := storetest.NewClock()
		s.SetClock(clock.Now)
		a := app.New(app.Config{Store: s, SigningKey: storetest.Key, Now: clock.Now})
		root := &engine.Worker{Username: "root", Admin: true}
		if err := a.AddWorker(ctx, root, "Fu4-sheng-lou-jia-ti"); err != nil {
			t.Fatal(err)
		}
		pid := legacyProject(t, s)
		check, err := a.CheckAudit(ctx, app.Operator, pid)
		if err != nil || check.OK || check.Diff == nil || check.Diff.Table != engine.TableProjects {
			t.Fatalf("a legacy chain before its baseline: %+v, %v", check, err)
		}
		if n, err := a.BaselineProjects(ctx); err != nil || n != 1 {
			t.Fatalf("baseline: %d chains, %v", n, err)
		}
		if check, err := a.CheckAudit(ctx, app.Operator, pid); err != nil || !check.OK {
			t.Fatalf("after the baseline: %+v, %v", check, err)
		}
		if n, err := a.BaselineProjects(ctx); err != nil || n != 0 {
			t.Fatalf("a second start wrote %d baselines (%v)", n, err)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE projects SET contact_phone = ? WHERE id = ?`), "13900000000", pid)
		check, err = a.CheckAudit(ctx, app.Operator, pid)
		if err != nil || check.OK || check.Diff == nil || check.Diff.Column != "contact_phone" || !strings.Contains(check.Reason, "contact_phone") {
			t.Fatalf("an edit after the baseline: %+v, %v", check, err)
		}
	})
}

// legacyProject writes a project and its first event as a version before
// row images did: a project_created event without rows, signed.
func legacyProject(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var pid int64
	if err := s.DB().QueryRowx(s.DB().Rebind(`INSERT INTO projects (owner_id, name, address, floors, created_at, updated_at, contact_name, contact_phone)
		VALUES (1, '旧项目', '幸福路1号', 6, ?, ?, '王专干', '0571-87654321') RETURNING id`), storetest.Epoch, storetest.Epoch).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx, func(ctx context.Context) error {
		head, _, err := s.LockChain(ctx, pid)
		if err != nil {
			return err
		}
		e := &engine.AuditEvent{ProjectID: pid, Kind: engine.AuditProjectCreated, Actor: engine.WorkerActor(1), At: storetest.Epoch,
			Data: json.RawMessage(`{"households":0,"name":"旧项目"}`)}
		head = engine.LinkEvents(head, []*engine.AuditEvent{e})
		if err := s.InsertEvents(ctx, []*engine.AuditEvent{e}); err != nil {
			return err
		}
		cp := &engine.Checkpoint{ProjectID: pid, Seq: head.Seq, Head: head.Hash, At: storetest.Epoch}
		storetest.Key.Sign(cp)
		return s.SaveHead(ctx, cp)
	})
	if err != nil {
		t.Fatal(err)
	}
	return pid
}
