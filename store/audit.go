package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// beijing is 北京时间 (UTC+8, no daylight saving), for messages.
var beijing = time.FixedZone("CST", 8*3600)

type chainHead struct {
	Seq  int64
	Hash string
}

// lockHead locks the head row of a project's chain and reads it, creating
// it at the first event, in one statement: an upsert that locks the row in
// PostgreSQL (as SELECT … FOR UPDATE would); in SQLite the transaction
// already holds the write lock (_txlock=immediate).
func (s *Store) lockHead(ctx context.Context, tx *sqlx.Tx, projectID int64) (chainHead, error) {
	var h chainHead
	err := tx.GetContext(ctx, &h, s.q(`INSERT INTO audit_heads (project_id, seq, hash) VALUES (?, 0, ?)
		ON CONFLICT (project_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash`), projectID, engine.GenesisHash)
	return h, err
}

// appendAudit appends e to its chain inside tx.
func (s *Store) appendAudit(ctx context.Context, tx *sqlx.Tx, e *engine.AuditEvent) error {
	head, err := s.lockHead(ctx, tx, e.ProjectID)
	if err != nil {
		return err
	}
	if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
		return err
	}
	return s.saveHead(ctx, tx, e.ProjectID, head)
}

// insertAuditEvents chains events after head (which tx has locked) and
// inserts them in one statement, filling Seq, PrevHash, Hash and ID; it
// returns the new head, which the caller saves.
func (s *Store) insertAuditEvents(ctx context.Context, tx *sqlx.Tx, head chainHead, events []*engine.AuditEvent) (chainHead, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO audit_events (project_id, seq, kind, actor, data, at, prev_hash, hash) VALUES `)
	args := make([]any, 0, 8*len(events))
	bySeq := make(map[int64]*engine.AuditEvent, len(events))
	for i, e := range events {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		if e.At.IsZero() {
			e.At = engine.Now()
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = engine.ChainHash(e.PrevHash, e.Canonical())
		head = chainHead{Seq: e.Seq, Hash: e.Hash}
		bySeq[e.Seq] = e
		args = append(args, e.ProjectID, e.Seq, e.Kind, e.Actor, string(e.Data), e.At, e.PrevHash, e.Hash)
	}
	sb.WriteString(" RETURNING id, seq")
	var rows []struct{ ID, Seq int64 }
	if err := tx.SelectContext(ctx, &rows, s.q(sb.String()), args...); err != nil {
		return head, err
	}
	for _, r := range rows {
		bySeq[r.Seq].ID = r.ID
	}
	return head, nil
}

func (s *Store) saveHead(ctx context.Context, tx *sqlx.Tx, projectID int64, head chainHead) error {
	_, err := tx.ExecContext(ctx, s.q(`UPDATE audit_heads SET seq = ?, hash = ? WHERE project_id = ?`), head.Seq, head.Hash, projectID)
	return err
}

// AppendAudit appends one event to its project's chain (project 0 is the
// service-wide chain, e.g. worker logins).
func (s *Store) AppendAudit(ctx context.Context, e *engine.AuditEvent) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.appendAudit(ctx, tx, e) })
}

type auditRow struct {
	engine.AuditEvent
	Data string
}

// AuditEvents lists a chain in order.
func (s *Store) AuditEvents(ctx context.Context, projectID int64) ([]*engine.AuditEvent, error) {
	var rows []auditRow
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT id, project_id, seq, kind, actor, data, at, prev_hash, hash
		FROM audit_events WHERE project_id = ? ORDER BY seq`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]*engine.AuditEvent, len(rows))
	for i := range rows {
		e := rows[i].AuditEvent
		e.Data = json.RawMessage(rows[i].Data)
		e.At = e.At.UTC()
		out[i] = &e
	}
	return out, nil
}

// VerifyAudit recomputes a project's chain, checks that its head matches
// the last event, that every decision still matches the digest its event
// recorded, and that every published scenario still matches its hash. It
// names the first broken event.
func (s *Store) VerifyAudit(ctx context.Context, projectID int64) (*engine.AuditCheck, error) {
	events, err := s.AuditEvents(ctx, projectID)
	if err != nil {
		return nil, err
	}
	check := engine.VerifyChain(events)
	if !check.OK {
		return check, nil
	}
	var head chainHead
	if err := s.db.GetContext(ctx, &head, s.q(`SELECT seq, hash FROM audit_heads WHERE project_id = ?`), projectID); err == nil {
		if head.Seq != int64(len(events)) || (len(events) > 0 && head.Hash != events[len(events)-1].Hash) {
			var last *engine.AuditEvent
			if len(events) > 0 {
				last = events[len(events)-1]
			}
			return &engine.AuditCheck{Events: len(events), BrokenAt: last,
				Reason: fmt.Sprintf("审计日志应有 %d 条事件，现有 %d 条：最后的事件被删除", head.Seq, len(events))}, nil
		}
	}
	if broken := s.verifyDecisions(ctx, projectID, events); broken != nil || ctx.Err() != nil {
		return broken, ctx.Err()
	}
	if broken := s.verifyScenarios(ctx, projectID, events); broken != nil {
		return broken, nil
	}
	return check, nil
}

// verifyDecisions compares every decision row with its event's digest.
func (s *Store) verifyDecisions(ctx context.Context, projectID int64, events []*engine.AuditEvent) *engine.AuditCheck {
	var ds []*engine.Decision
	if err := s.db.SelectContext(ctx, &ds, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return &engine.AuditCheck{Events: len(events), Reason: "无法读取表决记录：" + err.Error()}
	}
	byID := make(map[int64]*engine.Decision, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
	}
	seen := make(map[int64]bool, len(ds))
	for _, e := range events {
		if e.Kind != engine.AuditDecision {
			continue
		}
		var data engine.DecisionEventData
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return &engine.AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件的内容无法读取", e.Seq)}
		}
		d, ok := byID[data.DecisionID]
		if !ok {
			return &engine.AuditCheck{Events: len(events), BrokenAt: e,
				Reason: fmt.Sprintf("第%d条事件记录的表决 #%d 在数据库中已不存在（表决记录被删除）", e.Seq, data.DecisionID)}
		}
		seen[d.ID] = true
		if d.Digest() != data.Digest {
			return &engine.AuditCheck{Events: len(events), BrokenAt: e,
				Reason: fmt.Sprintf("第%d条事件记录的表决 #%d 与数据库中的表决记录不符（表决记录被改动）", e.Seq, d.ID)}
		}
	}
	for _, d := range ds {
		if !seen[d.ID] {
			return &engine.AuditCheck{Events: len(events),
				Reason: fmt.Sprintf("表决 #%d 没有对应的审计事件（绕过系统直接写入了数据库）", d.ID)}
		}
	}
	return nil
}

// verifyScenarios checks published scenarios against their hash and the
// hash their publish event recorded.
func (s *Store) verifyScenarios(ctx context.Context, projectID int64, events []*engine.AuditEvent) *engine.AuditCheck {
	scs, err := s.Scenarios(ctx, projectID)
	if err != nil {
		return &engine.AuditCheck{Events: len(events), Reason: "无法读取方案：" + err.Error()}
	}
	published := map[int64]string{}
	var publishEvent = map[int64]*engine.AuditEvent{}
	for _, e := range events {
		if e.Kind != engine.AuditPublished {
			continue
		}
		var data struct {
			ScenarioID int64  `json:"scenario_id"`
			SHA256     string `json:"sha256"`
		}
		if json.Unmarshal(e.Data, &data) == nil {
			published[data.ScenarioID] = data.SHA256
			publishEvent[data.ScenarioID] = e
		}
	}
	for _, sc := range scs {
		if !sc.Published() {
			continue
		}
		e := publishEvent[sc.ID]
		if engine.ScenarioSum(sc.Canonical) != sc.SHA256 || published[sc.ID] != sc.SHA256 {
			return &engine.AuditCheck{Events: len(events), BrokenAt: e,
				Reason: fmt.Sprintf("已发布的方案 #%d 与发布时记录的哈希不符（方案被改动）", sc.ID)}
		}
	}
	return nil
}
