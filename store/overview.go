package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/renovote/renovote/engine"
)

// OverviewHeads lists the projects of the given organisations (all when
// oq.All) with their chains' heads, by id: one read, so the overview sums
// again only the projects whose chain moved.
func (s *Store) OverviewHeads(ctx context.Context, oq engine.OverviewQuery) ([]engine.OverviewHead, error) {
	query := `SELECT p.id AS project_id, COALESCE(p.org_id, 0) AS org_id, p.name, p.address,
		COALESCE(h.seq, 0) AS seq, COALESCE(h.hash, '') AS hash
		FROM projects p LEFT JOIN audit_heads h ON h.project_id = p.id`
	var args []any
	if !oq.All {
		if len(oq.Orgs) == 0 {
			return nil, nil
		}
		query += ` WHERE p.org_id IN (` + placeholders(len(oq.Orgs)) + `)`
		for _, id := range oq.Orgs {
			args = append(args, id)
		}
	}
	var out []engine.OverviewHead
	if err := s.conn(ctx).SelectContext(ctx, &out, s.q(query+` ORDER BY p.id`), args...); err != nil {
		return nil, s.mapError(err)
	}
	return out, nil
}

// Overview sums, per project_id, what the overview of many buildings
// shows (engine.OverviewOf words it): a handful of grouped queries over the
// projects of the given organisations, never one project at a time.
func (s *Store) Overview(ctx context.Context, oq engine.OverviewQuery) ([]engine.OverviewFacts, error) {
	q := s.conn(ctx)
	scope := `SELECT id FROM projects`
	var args []any
	switch {
	case len(oq.Projects) > 0:
		scope += ` WHERE id IN (` + placeholders(len(oq.Projects)) + `)`
		for _, id := range oq.Projects {
			args = append(args, id)
		}
	case !oq.All:
		if len(oq.Orgs) == 0 {
			return nil, nil
		}
		scope += ` WHERE org_id IN (` + placeholders(len(oq.Orgs)) + `)`
		for _, id := range oq.Orgs {
			args = append(args, id)
		}
	}
	var ps []struct {
		ID      int64
		OrgID   int64
		Name    string
		Address string
	}
	if err := q.SelectContext(ctx, &ps, s.q(`SELECT id, COALESCE(org_id, 0) AS org_id, name, address FROM projects WHERE id IN (`+scope+`) ORDER BY id`), args...); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]engine.OverviewFacts, len(ps))
	at := make(map[int64]*engine.OverviewFacts, len(ps))
	for i, p := range ps {
		out[i] = engine.OverviewFacts{ProjectID: p.ID, OrgID: p.OrgID, Name: p.Name, Address: p.Address}
		at[p.ID] = &out[i]
	}
	if len(ps) == 0 {
		return out, nil
	}
	// the sums are independent reads keyed by project_id: on PostgreSQL
	// outside a unit of work they run side by side on the pool
	var steps []func(querier) error
	fetch := func(dest any, query string) {
		// each scope in the query takes the organisations' ids once
		var all []any
		for range strings.Count(query, scope) {
			all = append(all, args...)
		}
		steps = append(steps, func(q querier) error { return q.SelectContext(ctx, dest, s.q(query), all...) })
	}
	fetched := func() error {
		if s.dialect != Postgres || unitTx(ctx) != nil {
			for _, step := range steps {
				if err := step(q); err != nil {
					return err
				}
			}
			return nil
		}
		errs := make([]error, len(steps))
		var wg sync.WaitGroup
		for i, step := range steps {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = step(s.db) }()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	// an owner is one person however many flats: flats with one owner_id
	// count once, a flat without one counts by itself
	owners := func(cond string) string {
		return `COUNT(DISTINCT CASE WHEN ` + cond + ` THEN NULLIF(h.owner_id, '') END) + SUM(CASE WHEN ` + cond + ` AND h.owner_id = '' THEN 1 ELSE 0 END)`
	}

	var hs []struct {
		ProjectID int64
		N         int
		Area      int64
		Owners    int
	}
	fetch(&hs, `SELECT h.project_id, COUNT(*) AS n, COALESCE(SUM(h.area), 0) AS area, `+owners("1 = 1")+` AS owners
		FROM households h WHERE h.project_id IN (`+scope+`) GROUP BY h.project_id`)

	// the current ballot of each project is its latest
	current := `SELECT MAX(id) FROM ballots WHERE project_id IN (` + scope + `) GROUP BY project_id`
	var bs []struct {
		ballotRow
		Due           string
		ObjectionDays *int       `db:"objection_days"`
		FinalizedAt   *time.Time `db:"finalized_at"`
		Passed        *bool
	}
	due := `json_extract(sc.result, '$.total_due')`
	if s.dialect == Postgres {
		due = `(sc.result::jsonb ->> 'total_due')`
	}
	fetch(&bs, `SELECT b.id, b.project_id, b.scenario_id, b.sha256, b.rule, b.deadline, b.opened_at,
		c.closed_at AS closed_at, COALESCE(c.reason, '') AS close_reason, COALESCE(c.superseded_by, 0) AS superseded_by,
		COALESCE(`+due+`, '') AS due, r.objection_days, r.finalized_at, r.passed
		FROM ballots b LEFT JOIN ballot_closures c ON c.project_id = b.project_id AND c.ballot_id = b.id LEFT JOIN ballot_results r ON r.ballot_id = b.id
		JOIN scenarios sc ON sc.id = b.scenario_id
		WHERE b.id IN (`+current+`)`)

	// the latest decision of each household on the current ballot
	latest := `SELECT project_id, household_id, vote FROM (SELECT project_id, household_id, vote,
		ROW_NUMBER() OVER (PARTITION BY ballot_id, household_id ORDER BY id DESC) AS n
		FROM decisions WHERE project_id IN (` + scope + `) AND ballot_id IN (` + current + `)) d WHERE n = 1`
	if s.dialect == Postgres { // walks the index (ballot_id, household_id, id)
		latest = `SELECT DISTINCT ON (ballot_id, household_id) project_id, household_id, vote FROM decisions
		WHERE project_id IN (` + scope + `) AND ballot_id IN (` + current + `) ORDER BY ballot_id, household_id, id DESC`
	}
	var ds []struct {
		ProjectID   int64
		AreaVoted   int64
		AreaAgree   int64
		OwnersVoted int
		OwnersAgree int
	}
	fetch(&ds, `SELECT h.project_id, COALESCE(SUM(h.area), 0) AS area_voted,
		COALESCE(SUM(CASE WHEN l.vote = 'agree' THEN h.area ELSE 0 END), 0) AS area_agree,
		`+owners("1 = 1")+` AS owners_voted, `+owners("l.vote = 'agree'")+` AS owners_agree
		FROM (`+latest+`) l JOIN households h ON h.project_id = l.project_id AND h.id = l.household_id
		GROUP BY h.project_id`)

	// money: reversed records and the reversals themselves do not count
	// (engine.Counting), so only unreversed payments and refunds are summed
	var ms []struct {
		ProjectID int64
		Kind      string
		Amount    int64
	}
	fetch(&ms, `SELECT p.project_id, p.kind, SUM(p.amount) AS amount FROM payments p
		WHERE p.project_id IN (`+scope+`) AND p.kind IN ('payment', 'refund')
		AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses = p.id)
		GROUP BY p.project_id, p.kind`)
	var fs []struct {
		ProjectID int64
		Source    string
		Amount    int64
	}
	fetch(&fs, `SELECT f.project_id, f.source, SUM(f.amount) AS amount FROM funds f
		WHERE f.project_id IN (`+scope+`) AND f.kind = 'income'
		AND NOT EXISTS (SELECT 1 FROM funds r WHERE r.reverses = f.id)
		GROUP BY f.project_id, f.source`)

	var ws []struct {
		ProjectID int64
		Stages    string
	}
	fetch(&ws, `SELECT project_id, stages FROM works WHERE project_id IN (`+scope+`)`)
	var is []struct {
		ProjectID int64
		Last      string
	}
	fetch(&is, `SELECT project_id, MAX(day) AS last FROM inspections WHERE project_id IN (`+scope+`) GROUP BY project_id`)
	var fbs []struct {
		ProjectID  int64
		CreatedAt  time.Time
		AnsweredAt *time.Time
		ClosedAt   *time.Time
		Rating     string
	}
	fetch(&fbs, `SELECT project_id, created_at, answered_at, closed_at, rating FROM feedback
		WHERE project_id IN (`+scope+`) ORDER BY project_id, id`)
	if err := fetched(); err != nil {
		return nil, s.mapError(err)
	}
	for _, h := range hs {
		if f := at[h.ProjectID]; f != nil {
			f.Households, f.AreaAll, f.OwnersAll = h.N, engine.Area(h.Area), h.Owners
		}
	}
	for _, b := range bs {
		f := at[b.ProjectID]
		if f == nil {
			continue
		}
		f.Ballot = b.ballot()
		if b.ObjectionDays != nil {
			r := &engine.BallotResult{BallotID: b.ID, ProjectID: b.ProjectID, ObjectionDays: *b.ObjectionDays}
			if b.FinalizedAt != nil {
				t := b.FinalizedAt.UTC()
				r.FinalizedAt = &t
			}
			r.Passed = b.Passed != nil && *b.Passed
			f.Result = r
		}
		if b.Due != "" {
			f.Due, _ = engine.ParseAmount(b.Due, "total_due", "应缴总额")
		}
	}
	for _, d := range ds {
		if f := at[d.ProjectID]; f != nil {
			f.AreaVoted, f.AreaAgree, f.OwnersVoted, f.OwnersAgree = engine.Area(d.AreaVoted), engine.Area(d.AreaAgree), d.OwnersVoted, d.OwnersAgree
		}
	}
	for _, m := range ms {
		if f := at[m.ProjectID]; f != nil {
			if m.Kind == engine.PaymentIn {
				f.Paid = engine.Fen(m.Amount)
			} else {
				f.Refunded = engine.Fen(m.Amount)
			}
		}
	}
	for _, m := range fs {
		if f := at[m.ProjectID]; f != nil {
			switch m.Source {
			case engine.FundSources[0]:
				f.Subsidy += engine.Fen(m.Amount)
			case engine.FundSources[1]:
				f.Society += engine.Fen(m.Amount)
			}
		}
	}
	for _, w := range ws {
		if f := at[w.ProjectID]; f != nil {
			f.Stages = engine.ParseStages(w.Stages)
		}
	}
	for _, i := range is {
		if f := at[i.ProjectID]; f != nil {
			f.LastInspection = i.Last
		}
	}
	for _, fb := range fbs {
		if f := at[fb.ProjectID]; f != nil {
			f.Feedback = append(f.Feedback, &engine.Feedback{ProjectID: fb.ProjectID, CreatedAt: fb.CreatedAt, AnsweredAt: fb.AnsweredAt,
				ClosedAt: fb.ClosedAt, Rating: fb.Rating})
		}
	}
	return out, nil
}
