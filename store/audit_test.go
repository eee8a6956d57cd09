package store_test

import (
	"strings"
	"testing"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// disableGuards lets a test play a malicious administrator who edits rows
// behind the application's back.
func disableGuards(t *testing.T, s *store.Store) {
	t.Helper()
	var stmts []string
	if s.Dialect() == store.Postgres {
		stmts = []string{`ALTER TABLE decisions DISABLE TRIGGER USER`, `ALTER TABLE audit_events DISABLE TRIGGER USER`, `ALTER TABLE scenarios DISABLE TRIGGER USER`}
	} else {
		stmts = []string{`DROP TRIGGER decisions_append_only_update`, `DROP TRIGGER decisions_append_only_delete`,
			`DROP TRIGGER audit_events_append_only_update`, `DROP TRIGGER audit_events_append_only_delete`, `DROP TRIGGER scenarios_frozen_update`}
	}
	for _, stmt := range stmts {
		if _, err := s.DB().Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

func recordSome(t *testing.T, s *store.Store, f *fixture) []*engine.Decision {
	t.Helper()
	var ds []*engine.Decision
	for i, h := range f.project.Households {
		d := f.decision(h, engine.VoteAgree, "k"+h.Room)
		if i%2 == 1 {
			d.Vote = engine.VoteDisagree
		}
		if _, err := recordDecision(s, d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

func TestTamperIsNamed(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision)
		reason string // part of the Chinese reason
		kind   string // kind of the event named, "" for none
	}{
		{"a decision's vote changed", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `UPDATE decisions SET vote = 'agree' WHERE id = ?`, ds[1].ID)
		}, "表决记录被改动", engine.AuditDecision},
		{"a signature swapped", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `UPDATE decisions SET signature_png = ? WHERE id = ?`, []byte("forged"), ds[0].ID)
		}, "表决记录被改动", engine.AuditDecision},
		{"a decision deleted", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `DELETE FROM decisions WHERE id = ?`, ds[2].ID)
		}, "被删除", engine.AuditDecision},
		{"an audit event's data changed", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `UPDATE audit_events SET data = REPLACE(data, 'disagree', 'agree') WHERE project_id = ? AND kind = 'decision' AND data LIKE '%disagree%'`, f.project.ID)
		}, "该事件被改动", engine.AuditDecision},
		{"an audit event deleted in the middle", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `DELETE FROM audit_events WHERE project_id = ? AND seq = 3`, f.project.ID)
		}, "序号不连续", ""},
		{"the last audit event deleted", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `DELETE FROM audit_events WHERE project_id = ? AND seq = (SELECT MAX(seq) FROM audit_events WHERE project_id = ?)`, f.project.ID, f.project.ID)
		}, "最后的事件被删除", engine.AuditDecision},
		{"a decision inserted behind the application", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, method, idempotency_key, code, created_at)
				SELECT project_id, ballot_id, household_id, scenario_sha256, 'agree', signer_name, method, 'forged', 'FORGED', created_at FROM decisions WHERE id = ?`, ds[0].ID)
		}, "没有对应的审计事件", ""},
		{"a published scenario rewritten", func(t *testing.T, s *store.Store, f *fixture, ds []*engine.Decision) {
			exec(t, s, `UPDATE scenarios SET canonical = ? WHERE id = ?`, []byte(`{"total_cost":"1.00"}`), f.sc.ID)
		}, "方案被改动", engine.AuditPublished},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				f := newFixture(t, s, 6)
				ds := recordSome(t, s, f)
				if check, err := verifyAudit(ctx, s, f.project.ID); err != nil || !check.OK {
					t.Fatalf("before tampering: %+v, %v", check, err)
				}
				disableGuards(t, s)
				tt.tamper(t, s, f, ds)
				check, err := verifyAudit(ctx, s, f.project.ID)
				if err != nil {
					t.Fatal(err)
				}
				if check.OK || !strings.Contains(check.Reason, tt.reason) {
					t.Fatalf("check = %+v, want broken with %q", check, tt.reason)
				}
				if tt.kind != "" && (check.BrokenAt == nil || check.BrokenAt.Kind != tt.kind) {
					t.Fatalf("broken at %+v, want an event of kind %s", check.BrokenAt, tt.kind)
				}
			})
		})
	}
}

func exec(t *testing.T, s *store.Store, query string, args ...any) {
	t.Helper()
	res, err := s.DB().Exec(s.DB().Rebind(query), args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("%s changed nothing", query)
	}
}

func TestDurability(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		f := newFixture(t, s, 4)
		ds := recordSome(t, s, f)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = storetest.Open(t, dsn)
		got, err := s.LatestDecisions(ctx, f.ballot.ProjectID, f.ballot.ID)
		if err != nil || len(got) != len(ds) {
			t.Fatalf("after reopening: %d decisions, %v", len(got), err)
		}
		for i := range ds {
			if got[i].Digest() != ds[i].Digest() {
				t.Errorf("decision %d changed across reopening", ds[i].ID)
			}
		}
		if check, err := verifyAudit(ctx, s, f.project.ID); err != nil || !check.OK {
			t.Fatalf("audit after reopening: %+v, %v", check, err)
		}
	})
}

func TestOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newWorker(t, s, "a", false)
		b := newWorker(t, s, "b", false)
		admin := newWorker(t, s, "admin", true)
		pa := newProject(t, s, a, 2)
		pb := newProject(t, s, b, 2)
		list := func(w *engine.Worker) []int64 {
			owner := w.ID
			if w.Admin {
				owner = 0
			}
			ps, err := s.Projects(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := list(a); len(got) != 1 || got[0] != pa.ID {
			t.Errorf("worker a sees %v, want only %d", got, pa.ID)
		}
		if got := list(b); len(got) != 1 || got[0] != pb.ID {
			t.Errorf("worker b sees %v, want only %d", got, pb.ID)
		}
		if got := list(admin); len(got) != 2 {
			t.Errorf("admin sees %v, want both", got)
		}
		if p, err := s.Project(ctx, pa.ID); err != nil || p.ID != pa.ID || p.OwnerID != a.ID {
			t.Errorf("project %d: %+v, %v", pa.ID, p, err)
		}
		_, err := s.Project(ctx, 999999)
		wantCode(t, err, engine.ECodeNotFound)
	})
}
