package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const decisionColumns = `id, project_id, ballot_id, household_id, scenario_sha256, vote, signer_name, signature_png, method,
	witness, paper_photo, paper_photo_type, COALESCE(recorded_by, 0) AS recorded_by, ip, user_agent, idempotency_key, code, created_at`

// RecordDecision appends a decision and its audit event in one
// transaction. The project's audit-chain head is locked first, so the
// decisions of one project are serialized across processes: the
// idempotency check cannot race, and the chain cannot fork.
func (s *Store) RecordDecision(ctx context.Context, d *engine.Decision) (bool, error) {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = engine.Now()
	}
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond)
	replay := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := s.lockHead(ctx, tx, d.ProjectID); err != nil {
			return err
		}
		var existing engine.Decision
		err := tx.GetContext(ctx, &existing, s.q(`SELECT `+decisionColumns+` FROM decisions WHERE ballot_id = ? AND idempotency_key = ?`),
			d.BallotID, d.IdempotencyKey)
		switch {
		case err == nil:
			if existing.HouseholdID != d.HouseholdID {
				return engine.Errorf(engine.ECodeConflict, "该提交编号（idempotency_key）已被其他住户使用，请重新提交")
			}
			*d, replay = existing, true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := s.checkBallot(ctx, tx, d); err != nil {
			return err
		}
		if d.Code == "" {
			d.Code = engine.NewVerificationCode()
		}
		var recordedBy any
		if d.RecordedBy != 0 {
			recordedBy = d.RecordedBy
		}
		if err := tx.GetContext(ctx, &d.ID, s.q(`INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote,
			signer_name, signature_png, method, witness, paper_photo, paper_photo_type, recorded_by, ip, user_agent,
			idempotency_key, code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			d.ProjectID, d.BallotID, d.HouseholdID, d.ScenarioSHA256, d.Vote, d.SignerName, d.SignaturePNG, d.Method,
			d.Witness, d.PaperPhoto, d.PaperPhotoType, recordedBy, d.IP, d.UserAgent, d.IdempotencyKey, d.Code, d.CreatedAt); err != nil {
			return err
		}
		actor := "household:" + itoa(d.HouseholdID)
		if d.Method == engine.MethodPaper {
			actor = workerActor(d.RecordedBy)
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{
			ProjectID: d.ProjectID, Kind: engine.AuditDecision, Actor: actor, At: d.CreatedAt,
			Data: engine.AuditData(engine.DecisionEventData{DecisionID: d.ID, HouseholdID: d.HouseholdID,
				Vote: d.Vote, Method: d.Method, Digest: d.Digest()}),
		})
	})
	return replay, err
}

// checkBallot refuses a decision that does not fit its ballot: another
// project, another scenario, a household not in the project, or past the
// deadline.
func (s *Store) checkBallot(ctx context.Context, tx *sqlx.Tx, d *engine.Decision) error {
	var r ballotRow
	if err := tx.GetContext(ctx, &r, s.q(`SELECT `+ballotColumns+` FROM ballots WHERE id = ?`), d.BallotID); err != nil {
		return s.notFound(err, "表决不存在")
	}
	b := r.ballot()
	switch {
	case b.ProjectID != d.ProjectID:
		return engine.Errorf(engine.ECodeInvalid, "表决不属于该项目")
	case d.ScenarioSHA256 != b.SHA256:
		return engine.Errorf(engine.ECodeConflict, "提交所依据的方案（%.12s…）与本次表决发布的方案（%.12s…）不一致，请刷新页面后重新确认", d.ScenarioSHA256, b.SHA256)
	case !b.Open(d.CreatedAt):
		return engine.Errorf(engine.ECodeConflict, "表决已于 %s 截止，不能再提交或更改意见", b.Deadline.In(beijing).Format("2006年1月2日 15:04"))
	}
	var n int
	if err := tx.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM households WHERE id = ? AND project_id = ?`), d.HouseholdID, d.ProjectID); err != nil {
		return err
	}
	if n == 0 {
		return engine.Errorf(engine.ECodeInvalid, "住户不属于该项目")
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
