package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const paymentColumns = `id, project_id, household_id, kind, amount, day, method, note, photo_type, receipt_no, code,
	COALESCE(reverses, 0) AS reverses, recorded_by, idempotency_key, created_at`

var receiptPrefix = map[string]string{engine.PaymentIn: "SK", engine.PaymentRefund: "TK", engine.PaymentReversal: "CZ"}

// RecordPayment appends a household money record with its audit event in
// one transaction, under the lock of the project's chain head: receipt
// numbers are sequential per project and kind, a refund never exceeds
// what the household has paid, and a record is reversed at most once.
func (s *Store) RecordPayment(ctx context.Context, p *engine.Payment, actor string) (bool, error) {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Microsecond)
	if p.Code == "" {
		p.Code = engine.NewVerificationCode()
	}
	replay := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		head, err := s.lockChecked(ctx, tx, p.ProjectID)
		if err != nil {
			return err
		}
		var existing engine.Payment
		err = tx.GetContext(ctx, &existing, s.q(`SELECT `+paymentColumns+` FROM payments WHERE project_id = ? AND idempotency_key = ?`), p.ProjectID, p.IdempotencyKey)
		switch {
		case err == nil:
			if existing.HouseholdID != p.HouseholdID || existing.Kind != p.Kind {
				return engine.Errorf(engine.ECodeConflict, "该提交编号（idempotency_key）已用于另一笔记录，请重新提交")
			}
			*p, replay = existing, true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := s.checkPayment(ctx, tx, p); err != nil {
			return err
		}
		var n int
		if err := tx.GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM payments WHERE project_id = ? AND kind = ?`), p.ProjectID, p.Kind); err != nil {
			return err
		}
		p.ReceiptNo = fmt.Sprintf("%s-%d-%04d", receiptPrefix[p.Kind], p.CreatedAt.In(engine.Beijing).Year(), n+1)
		if err := tx.GetContext(ctx, &p.ID, s.q(`INSERT INTO payments (project_id, household_id, kind, amount, day, method, note, photo, photo_type,
			receipt_no, code, reverses, recorded_by, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			p.ProjectID, p.HouseholdID, p.Kind, p.Amount, p.Day, p.Method, p.Note, p.Photo, p.PhotoType, p.ReceiptNo, p.Code,
			nullID(p.Reverses), p.RecordedBy, p.IdempotencyKey, p.CreatedAt); err != nil {
			return err
		}
		e := &engine.AuditEvent{ProjectID: p.ProjectID, Kind: engine.AuditPayment, Actor: actor, At: p.CreatedAt,
			Data: engine.AuditData(map[string]any{"payment_id": p.ID, "household_id": p.HouseholdID, "kind": p.Kind,
				"amount": p.Amount.String(), "receipt_no": p.ReceiptNo, "digest": p.Digest()})}
		if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
			return err
		}
		p.Anchor = engine.Anchor{Seq: e.Seq, Hash: e.Hash}
		return s.saveHead(ctx, tx, p.ProjectID, head, e.At)
	})
	return replay, err
}

// checkPayment applies the rules that need the household's other records.
func (s *Store) checkPayment(ctx context.Context, tx *sqlx.Tx, p *engine.Payment) error {
	var records []*engine.Payment
	if err := tx.SelectContext(ctx, &records, s.q(`SELECT `+paymentColumns+` FROM payments WHERE project_id = ? AND household_id = ? ORDER BY id`),
		p.ProjectID, p.HouseholdID); err != nil {
		return err
	}
	reversed := map[int64]bool{}
	for _, r := range records {
		if r.Kind == engine.PaymentReversal {
			reversed[r.Reverses] = true
		}
	}
	var paid engine.Fen
	for _, r := range records {
		switch {
		case reversed[r.ID] || r.Kind == engine.PaymentReversal:
		case r.Kind == engine.PaymentIn:
			paid += r.Amount
		case r.Kind == engine.PaymentRefund:
			paid -= r.Amount
		}
	}
	switch p.Kind {
	case engine.PaymentRefund:
		if p.Amount > paid {
			return engine.Errorf(engine.ECodeConflict, "退款 %s 元超过了该户已缴的 %s 元", p.Amount.Grouped(), paid.Grouped())
		}
	case engine.PaymentReversal:
		var target *engine.Payment
		for _, r := range records {
			if r.ID == p.Reverses {
				target = r
			}
		}
		switch {
		case target == nil:
			return engine.Errorf(engine.ECodeNotFound, "要冲正的记录 %d 不是这一户的", p.Reverses)
		case target.Kind == engine.PaymentReversal:
			return engine.Errorf(engine.ECodeConflict, "冲正记录本身不能再冲正")
		case reversed[target.ID]:
			return engine.Errorf(engine.ECodeConflict, "记录 %s 已经冲正过了", target.ReceiptNo)
		case target.Kind == engine.PaymentIn && target.Amount > paid:
			return engine.Errorf(engine.ECodeConflict, "冲正这笔缴款会使该户已缴金额为负：请先冲正其后的退款")
		}
		p.Amount = target.Amount
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Payments lists a project's money records, oldest first, without photos.
func (s *Store) Payments(ctx context.Context, projectID int64) ([]*engine.Payment, error) {
	var ps []*engine.Payment
	err := s.db.SelectContext(ctx, &ps, s.q(`SELECT `+paymentColumns+` FROM payments WHERE project_id = ? ORDER BY id`), projectID)
	return ps, s.mapError(err)
}

// PaymentByID is one record of a project, with its photo.
func (s *Store) PaymentByID(ctx context.Context, projectID, id int64) (*engine.Payment, error) {
	var p engine.Payment
	if err := s.db.GetContext(ctx, &p, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "收款记录 %d 不存在", id)
	}
	return &p, nil
}

// PaymentByCode finds a record by its verification code.
func (s *Store) PaymentByCode(ctx context.Context, code string) (*engine.Payment, error) {
	var p engine.Payment
	if err := s.db.GetContext(ctx, &p, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE code = ?`), code); err != nil {
		return nil, s.notFound(err, "没有这个核验码的收款记录")
	}
	return &p, nil
}

const fundColumns = `id, project_id, kind, source, payee, what, amount, day, photo_type, COALESCE(reverses, 0) AS reverses,
	recorded_by, idempotency_key, created_at`

// RecordFund appends a project income or expense with its audit event.
func (s *Store) RecordFund(ctx context.Context, f *engine.Fund, actor string) (bool, error) {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = s.now()
	}
	f.CreatedAt = f.CreatedAt.UTC().Truncate(time.Microsecond)
	replay := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		head, err := s.lockChecked(ctx, tx, f.ProjectID)
		if err != nil {
			return err
		}
		var existing engine.Fund
		err = tx.GetContext(ctx, &existing, s.q(`SELECT `+fundColumns+` FROM funds WHERE project_id = ? AND idempotency_key = ?`), f.ProjectID, f.IdempotencyKey)
		switch {
		case err == nil:
			*f, replay = existing, true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if f.Kind == engine.FundReversal {
			var target engine.Fund
			if err := tx.GetContext(ctx, &target, s.q(`SELECT `+fundColumns+` FROM funds WHERE project_id = ? AND id = ?`), f.ProjectID, f.Reverses); err != nil {
				return s.notFound(err, "要冲正的收支记录 %d 不存在", f.Reverses)
			}
			if target.Kind == engine.FundReversal {
				return engine.Errorf(engine.ECodeConflict, "冲正记录本身不能再冲正")
			}
			f.Amount = target.Amount
		}
		if err := tx.GetContext(ctx, &f.ID, s.q(`INSERT INTO funds (project_id, kind, source, payee, what, amount, day, photo, photo_type,
			reverses, recorded_by, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			f.ProjectID, f.Kind, f.Source, f.Payee, f.What, f.Amount, f.Day, f.Photo, f.PhotoType, nullID(f.Reverses), f.RecordedBy,
			f.IdempotencyKey, f.CreatedAt); err != nil {
			return err
		}
		e := &engine.AuditEvent{ProjectID: f.ProjectID, Kind: engine.AuditFund, Actor: actor, At: f.CreatedAt,
			Data: engine.AuditData(map[string]any{"fund_id": f.ID, "kind": f.Kind, "amount": f.Amount.String(), "digest": f.Digest()})}
		if head, err = s.insertAuditEvents(ctx, tx, head, []*engine.AuditEvent{e}); err != nil {
			return err
		}
		return s.saveHead(ctx, tx, f.ProjectID, head, e.At)
	})
	if engine.ErrorCode(err) == engine.ECodeConflict && !replay {
		// a second reversal of one record meets the unique index
		return false, err
	}
	return replay, err
}

// Funds lists a project's income and spending, oldest first.
func (s *Store) Funds(ctx context.Context, projectID int64) ([]*engine.Fund, error) {
	var fs []*engine.Fund
	err := s.db.SelectContext(ctx, &fs, s.q(`SELECT `+fundColumns+` FROM funds WHERE project_id = ? ORDER BY id`), projectID)
	return fs, s.mapError(err)
}
