package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/lib/pq"

	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// distributed are the tables BENCHMARKS.md distributes by project on
// Citus, co-located with projects (distributed by id).
var distributed = []string{
	"households", "scenarios", "ballots", "ballot_results", "ballot_closures", "decisions", "objections",
	"audit_events", "audit_heads", "checkpoints", "payments", "funds", "works", "inspections", "inspection_issues",
	"inspection_photos", "feedback", "questionnaires", "signing_links", "page_views", "survey_links", "survey_responses",
	"funding_rules", "household_funding", "share_certificates", "project_assignments",
}

// TestDistributionKeys reads the PostgreSQL catalog of a database at the
// newest schema and checks Citus' rule for distributed tables against it:
// every unique index (primary keys included) of a project table contains
// project_id (projects: id), and every foreign key between project tables
// pairs the project on both sides. The whole PostgreSQL suite runs on
// these keys (migrations 0023 and 0024).
func TestDistributionKeys(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.Postgres))
	var indexes []struct {
		Table   string
		Name    string
		Columns pq.StringArray
	}
	if err := s.DB().Select(&indexes, `SELECT c.relname AS table, i.relname AS name,
			ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k (n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) AS columns
		FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND x.indisunique`); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ix := range indexes {
		switch {
		case ix.Table == "projects":
			if !slices.Contains(ix.Columns, "id") {
				t.Errorf("projects: unique index %s %v without id, the distribution column", ix.Name, ix.Columns)
			}
		case slices.Contains(distributed, ix.Table):
			seen[ix.Table] = true
			if !slices.Contains(ix.Columns, "project_id") {
				t.Errorf("%s: unique index %s %v without project_id", ix.Table, ix.Name, ix.Columns)
			}
		}
	}
	for _, table := range distributed {
		if !seen[table] {
			t.Errorf("%s: no unique key at all", table)
		}
	}
	var fks []struct {
		Table, Name, Ref string
		Columns          pq.StringArray
		RefColumns       pq.StringArray `db:"ref_columns"`
	}
	if err := s.DB().Select(&fks, `SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.confrelid::regclass::text AS ref,
			ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k (n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
			ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k (n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS ref_columns
		FROM pg_constraint c WHERE c.contype = 'f'`); err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for _, fk := range fks {
		if !slices.Contains(distributed, fk.Table) || !(fk.Ref == "projects" || slices.Contains(distributed, fk.Ref)) {
			continue // onto reference tables (workers, orgs): allowed
		}
		pairs++
		want := "project_id"
		if fk.Ref == "projects" {
			want = "id"
		}
		i := slices.Index(fk.Columns, "project_id")
		if i < 0 || fk.RefColumns[i] != want {
			t.Errorf("%s.%s: (%s) → %s (%s) does not pair the project", fk.Table, fk.Name, strings.Join(fk.Columns, ", "), fk.Ref, strings.Join(fk.RefColumns, ", "))
		}
	}
	if pairs < 30 {
		t.Errorf("%d foreign keys between project tables; the catalog read is broken", pairs)
	}
}

// TestAnalyze: the statistics a bulk write makes stale are refreshed on
// PostgreSQL (its own record of the last analyze says so), nothing else
// is taken as a table name, and SQLite has nothing to do.
func TestAnalyze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if err := s.Analyze(ctx, "signing_links", "audit_events"); err != nil {
			t.Fatal(err)
		}
		if err := s.Analyze(ctx, "signing_links; DROP TABLE projects"); err == nil {
			t.Error("a name that is not one of the tables was analyzed")
		}
		if s.Dialect() != store.Postgres {
			return
		}
		var analyzed int
		if err := s.DB().Get(&analyzed, `SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('signing_links', 'audit_events') AND last_analyze IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		if analyzed != 2 {
			t.Errorf("%d of 2 tables analyzed", analyzed)
		}
	})
}
