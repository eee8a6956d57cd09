package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const decisionColumns = `id, project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png, method,
	witness, paper_photo, paper_photo_type, COALESCE(recorded_by, 0) AS recorded_by, ip, user_agent, idempotency_key, code, created_at`

// RecordDecision appends a decision and its audit event in one
// transaction, and returns once it is committed. The project's audit-chain
// head is locked before anything is written, so the decisions of one
// project are serialized across processes: the idempotency check cannot
// race and the chain cannot fork.
//
// Serialized commits would cost one WAL flush each; instead the decisions
// that arrive for a project while a commit is under way are written
// together in the next transaction (group commit). Each caller still gets
// its own answer, and only after the commit that holds its decision.
func (s *Store) RecordDecision(ctx context.Context, d *engine.Decision) (bool, error) {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.now()
	}
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond)
	if d.Code == "" {
		d.Code = engine.NewVerificationCode()
	}
	p := &pendingDecision{d: d, done: make(chan struct{})}
	s.batches.run(d.ProjectID, p, func(batch []*pendingDecision) { s.commitDecisions(ctx, batch) })
	return p.replay, p.err
}

// pendingDecision is one caller's decision waiting for its commit.
type pendingDecision struct {
	d      *engine.Decision
	replay bool
	err    error
	done   chan struct{}
}

// decisionBatches groups concurrent decisions per project: the first
// caller becomes the leader and commits batches until none are waiting;
// the others wait for their batch.
type decisionBatches struct {
	mu       sync.Mutex
	projects map[int64]*decisionQueue
}

type decisionQueue struct {
	waiting []*pendingDecision
}

// maxBatch bounds one transaction.
const maxBatch = 64

func (b *decisionBatches) run(project int64, p *pendingDecision, commit func([]*pendingDecision)) {
	b.mu.Lock()
	if b.projects == nil {
		b.projects = map[int64]*decisionQueue{}
	}
	q, led := b.projects[project]
	if led {
		q.waiting = append(q.waiting, p)
		b.mu.Unlock()
		<-p.done
		return
	}
	q = &decisionQueue{waiting: []*pendingDecision{p}}
	b.projects[project] = q
	b.mu.Unlock()
	b.lead(project, q, commit, p)
}

// lead commits batches of q. A caller leads until its own decision is
// committed; if others are still waiting, a new goroutine takes over, so
// no caller waits longer than for its own batch.
func (b *decisionBatches) lead(project int64, q *decisionQueue, commit func([]*pendingDecision), own *pendingDecision) {
	for {
		b.mu.Lock()
		batch := q.waiting[:min(len(q.waiting), maxBatch)]
		q.waiting = q.waiting[len(batch):]
		if len(batch) == 0 {
			delete(b.projects, project)
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		commit(batch)
		mine := false
		for _, x := range batch {
			mine = mine || x == own
			close(x.done)
		}
		if mine {
			go b.lead(project, q, commit, nil)
			return
		}
	}
}

// commitDecisions writes a batch in one transaction. If the transaction
// fails, each decision is retried in a transaction of its own, so that one
// bad decision cannot fail the others.
func (s *Store) commitDecisions(ctx context.Context, batch []*pendingDecision) {
	ctx = context.WithoutCancel(ctx) // others wait on this commit
	saved := make([]engine.Decision, len(batch))
	for i, p := range batch {
		saved[i] = *p.d
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error { return s.writeDecisions(ctx, tx, batch) })
	if err == nil || len(batch) == 1 {
		for _, p := range batch {
			if err != nil {
				p.err = err
			}
		}
		return
	}
	for i, p := range batch {
		*p.d, p.replay, p.err = saved[i], false, nil
		single := []*pendingDecision{p}
		if err := s.tx(ctx, func(tx *sqlx.Tx) error { return s.writeDecisions(ctx, tx, single) }); err != nil {
			p.err = err
		}
	}
}

// writeDecisions writes decisions and their audit events inside tx, the
// chain head locked once, in a fixed number of statements whatever the
// size of the batch (each round trip to the database is paid while the
// project's chain is locked). A decision refused by a rule gets its error
// and writes nothing; the others go on.
func (s *Store) writeDecisions(ctx context.Context, tx *sqlx.Tx, batch []*pendingDecision) error {
	projectID := batch[0].d.ProjectID
	head, err := s.lockChecked(ctx, tx, projectID)
	if err != nil {
		return err
	}
	fresh, err := s.checkDecisions(ctx, tx, projectID, batch)
	if err != nil || len(fresh) == 0 {
		return err
	}
	inserted, replays, err := s.insertDecisions(ctx, tx, fresh)
	if err != nil {
		return err
	}
	if err := s.replayDecisions(ctx, tx, replays); err != nil {
		return err
	}
	if len(inserted) == 0 {
		return nil
	}
	events := make([]*engine.AuditEvent, len(inserted))
	for i, d := range inserted {
		actor := engine.HouseholdActor(d.HouseholdID)
		if d.Method == engine.DecisionPaper {
			actor = engine.WorkerActor(d.RecordedBy)
		}
		events[i] = &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditDecision, Actor: actor, At: d.CreatedAt,
			Data: engine.AuditData(engine.DecisionEventData{DecisionID: d.ID, HouseholdID: d.HouseholdID,
				Vote: d.Vote, Method: d.Method, Digest: d.Digest()})}
	}
	if head, err = s.insertAuditEvents(ctx, tx, head, events); err != nil {
		return err
	}
	for i, d := range inserted {
		d.Anchor = engine.Anchor{Seq: events[i].Seq, Hash: events[i].Hash}
	}
	return s.saveHead(ctx, tx, projectID, head, events[len(events)-1].At)
}

// checkDecisions applies the rules of each decision's ballot and returns
// those that pass; the others get their error.
func (s *Store) checkDecisions(ctx context.Context, tx *sqlx.Tx, projectID int64, batch []*pendingDecision) ([]*pendingDecision, error) {
	ballots := map[int64]*engine.Ballot{}
	var householdIDs []int64
	for _, p := range batch {
		p.replay, p.err = false, nil
		householdIDs = append(householdIDs, p.d.HouseholdID)
		if _, ok := ballots[p.d.BallotID]; ok {
			continue
		}
		var r ballotRow
		err := tx.GetContext(ctx, &r, s.q(ballotSelect+`WHERE b.id = ?`), p.d.BallotID)
		if errors.Is(err, sql.ErrNoRows) {
			ballots[p.d.BallotID] = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		ballots[p.d.BallotID] = r.ballot()
	}
	query, args, err := sqlx.In(`SELECT id FROM households WHERE project_id = ? AND id IN (?)`, projectID, householdIDs)
	if err != nil {
		return nil, err
	}
	var found []int64
	if err := tx.SelectContext(ctx, &found, s.q(query), args...); err != nil {
		return nil, err
	}
	inProject := map[int64]bool{}
	for _, id := range found {
		inProject[id] = true
	}
	var fresh []*pendingDecision
	for _, p := range batch {
		if p.err = ballots[p.d.BallotID].Accepts(p.d, inProject[p.d.HouseholdID]); p.err == nil {
			fresh = append(fresh, p)
		}
	}
	return fresh, nil
}

// insertDecisions inserts the batch in one statement. A decision whose
// idempotency key is already taken (before, or earlier in this batch) is
// not inserted but returned among the replays.
func (s *Store) insertDecisions(ctx context.Context, tx *sqlx.Tx, batch []*pendingDecision) (inserted []*engine.Decision, replays []*pendingDecision, err error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png,
		method, witness, paper_photo, paper_photo_type, recorded_by, ip, user_agent, idempotency_key, code, created_at) VALUES `)
	args := make([]any, 0, 17*len(batch))
	for i, p := range batch {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		d := p.d
		var recordedBy any
		if d.RecordedBy != 0 {
			recordedBy = d.RecordedBy
		}
		args = append(args, d.ProjectID, d.BallotID, d.HouseholdID, d.ScenarioSHA256, d.Vote, d.SignerName, d.SignaturePNG, d.Method,
			d.Witness, d.PaperPhoto, d.PaperPhotoType, recordedBy, d.IP, d.UserAgent, d.IdempotencyKey, d.Code, d.CreatedAt)
	}
	sb.WriteString(` ON CONFLICT (ballot_id, idempotency_key) DO NOTHING RETURNING id, ballot_id, idempotency_key`)
	var rows []struct {
		ID             int64
		BallotID       int64
		IdempotencyKey string
	}
	if err := tx.SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return nil, nil, err
	}
	type key struct {
		ballot int64
		key    string
	}
	ids := make(map[key]int64, len(rows))
	for _, r := range rows {
		ids[key{r.BallotID, r.IdempotencyKey}] = r.ID
	}
	for _, p := range batch {
		k := key{p.d.BallotID, p.d.IdempotencyKey}
		if id, ok := ids[k]; ok {
			p.d.ID = id
			delete(ids, k) // a second use of the key in this batch replays the first
			inserted = append(inserted, p.d)
		} else {
			replays = append(replays, p)
		}
	}
	slices.SortFunc(inserted, func(a, b *engine.Decision) int { return cmp.Compare(a.ID, b.ID) })
	return inserted, replays, nil
}

// replayDecisions answers requests whose idempotency key was used before
// with the decision recorded then.
func (s *Store) replayDecisions(ctx context.Context, tx *sqlx.Tx, replays []*pendingDecision) error {
	for _, p := range replays {
		var existing engine.Decision
		if err := tx.GetContext(ctx, &existing, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE ballot_id = ? AND idempotency_key = ?`),
			p.d.BallotID, p.d.IdempotencyKey); err != nil {
			return err
		}
		if existing.HouseholdID != p.d.HouseholdID {
			p.err = engine.Errorf(engine.ECodeConflict, "该提交编号（idempotency_key）已被其他住户使用，请重新提交")
			continue
		}
		*p.d, p.replay = existing, true
	}
	return nil
}

// LatestDecisions is each household's latest decision on the ballot, in
// one query.
func (s *Store) LatestDecisions(ctx context.Context, ballotID int64) ([]*engine.Decision, error) {
	var ds []*engine.Decision
	err := s.db.SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions d
		WHERE ballot_id = ? AND id = (SELECT MAX(id) FROM decisions d2 WHERE d2.ballot_id = d.ballot_id AND d2.household_id = d.household_id)
		ORDER BY household_id`), ballotID)
	return ds, s.mapError(err)
}

// HouseholdDecision is one household's latest decision on the ballot, or
// nil when it has none.
func (s *Store) HouseholdDecision(ctx context.Context, ballotID, householdID int64) (*engine.Decision, error) {
	var d engine.Decision
	err := s.db.GetContext(ctx, &d, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE ballot_id = ? AND household_id = ? ORDER BY id DESC LIMIT 1`),
		ballotID, householdID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return &d, nil
}

// Decisions lists every decision of a ballot, oldest first.
func (s *Store) Decisions(ctx context.Context, ballotID int64) ([]*engine.Decision, error) {
	var ds []*engine.Decision
	err := s.db.SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE ballot_id = ? ORDER BY id`), ballotID)
	return ds, s.mapError(err)
}

// DecisionByCode finds a decision by its verification code.
func (s *Store) DecisionByCode(ctx context.Context, code string) (*engine.Decision, error) {
	var d engine.Decision
	if err := s.db.GetContext(ctx, &d, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE code = ?`), code); err != nil {
		return nil, s.notFound(err, "没有这个核验码的记录")
	}
	return &d, nil
}
