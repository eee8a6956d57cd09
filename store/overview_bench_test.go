package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// seedDistrict fills a PostgreSQL database with a 区 of 10 街道 and 50 社区
// holding n buildings of 24 households each, every one published with
// decisions from 18 households, 10 payments, 3 feedback, 2 inspections and
// its works — rows only (no chain): the overview reads no events.
func seedDistrict(tb testing.TB, s *store.Store, n int) []int64 {
	tb.Helper()
	db := s.DB()
	at := storetest.Epoch
	for _, q := range []string{
		`INSERT INTO workers (username, password_hash, created_at) VALUES ('seed', 'x', $1)`,
		`INSERT INTO orgs (name, kind, created_at) VALUES ('西湖区', '区', $1)`,
		`INSERT INTO orgs (name, kind, parent_id, created_at) SELECT '街道' || g, '街道', 1, $1 FROM generate_series(1, 10) g`,
		`INSERT INTO orgs (name, kind, parent_id, created_at) SELECT '社区' || g, '社区', 2 + (g % 10), $1 FROM generate_series(1, 50) g`,
		`INSERT INTO projects (owner_id, org_id, name, address, floors, created_at, updated_at)
			SELECT 1, 12 + (g % 50), '小区' || (g / 10) || '号楼' || (g % 10) || '单元', '幸福路' || g || '号', 6, $1, $1 FROM generate_series(1, ` + strconv.Itoa(n) + `) g`,
		`INSERT INTO households (project_id, room, floor, area, owner_name, owner_id, phone)
			SELECT p.id, (1 + h / 4) || '0' || (1 + h % 4), 1 + h / 4, 8000 + h * 37, '业主' || h, '', '' FROM projects p, generate_series(0, 23) h`,
		`INSERT INTO scenarios (project_id, name, status, input, result, canonical, sha256, created_at, updated_at, published_at)
			SELECT id, 'A', 'published', '{}', '{"total_due":"360000.00"}', '\x00', repeat('a', 64), $1, $1, $1 FROM projects`,
		`INSERT INTO ballots (project_id, scenario_id, sha256, rule, deadline, opened_at)
			SELECT s.project_id, s.id, repeat('a', 64), '"civil_code_major"', $1::timestamptz + interval '10 days', $1 FROM scenarios s`,
		`INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, method, idempotency_key, code, created_at)
			SELECT h.project_id, b.id, h.id, repeat('a', 64), CASE WHEN h.id % 5 = 0 THEN 'disagree' ELSE 'agree' END, '业主', 'online', 'k' || h.id, 'c' || h.id, $1
			FROM households h JOIN ballots b ON b.project_id = h.project_id WHERE h.floor > 1`,
		`INSERT INTO payments (project_id, household_id, kind, amount, day, receipt_no, code, recorded_by, idempotency_key, created_at)
			SELECT h.project_id, h.id, 'payment', 1500000, '2026-11-01', 'R' || h.id, 'p' || h.id, 1, 'i' || h.id, $1 FROM households h WHERE h.floor > 3`,
		`INSERT INTO feedback (project_id, category, text, created_at, answer, answered_at, closed_at, rating)
			SELECT p.id, '施工', '噪音', $1, '已处理', $1::timestamptz + (g || ' days')::interval, $1::timestamptz + interval '5 days', '满意'
			FROM projects p, generate_series(1, 3) g`,
		`INSERT INTO inspections (project_id, day, inspectors, findings, recorded_by, created_at)
			SELECT p.id, '2026-10-0' || g, '[]', '正常', 1, $1 FROM projects p, generate_series(1, 2) g`,
		`INSERT INTO works (project_id, stages, supervisors, updated_at)
			SELECT id, '[{"name":"开工","planned":"","actual":"2026-10-01","note":""},{"name":"交付使用","planned":"","actual":"","note":""}]', '[]', $1 FROM projects`,
		`ANALYZE`,
	} {
		var err error
		if containsParam(q) {
			_, err = db.Exec(q, at)
		} else {
			_, err = db.Exec(q)
		}
		if err != nil {
			tb.Fatalf("%v\n%s", err, q)
		}
	}
	var orgs []int64
	if err := db.Select(&orgs, `SELECT id FROM orgs ORDER BY id`); err != nil {
		tb.Fatal(err)
	}
	return orgs
}

func containsParam(q string) bool { return strings.Contains(q, "$1") }

// BenchmarkOverviewDistrict: the 区 overview of 2,000 buildings × 24
// households on PostgreSQL — the store's sums, the rows and the JSON (DESIGN §17: ≤ 300 ms p95 for
// the whole request). Run with
//
//	go test ./store -run '^$' -bench OverviewDistrict -benchtime 20x
//
// It also reports the p95 of its runs (p95-ms).
func BenchmarkOverviewDistrict(b *testing.B) {
	s := storetest.Open(b, storetest.DSN(b, store.Postgres))
	orgs := seedDistrict(b, s, 2000)
	ctx := context.Background()
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		facts, err := s.Overview(ctx, engine.OverviewQuery{Orgs: orgs})
		if err != nil {
			b.Fatal(err)
		}
		rows := make([]engine.OverviewRow, 0, len(facts))
		for _, f := range facts {
			rows = append(rows, engine.OverviewOf(f, storetest.Epoch))
		}
		// what the handler answers: the rows and totals as JSON
		if _, err := json.Marshal(map[string]any{"rows": rows, "totals": engine.SumOverview(rows)}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		if len(facts) != 2000 {
			b.Fatalf("%d buildings", len(facts))
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
