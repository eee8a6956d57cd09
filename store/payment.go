package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/renovote/renovote/engine"
)

const paymentColumns = `id, project_id, household_id, kind, amount, day, method, note, photo_type, receipt_no, code,
	COALESCE(reverses, 0) AS reverses, recorded_by, idempotency_key, created_at`

// InsertPayment inserts a household money record as the workflow made it
// (receipt number, code and time included), inside its unit of work.
func (s *Store) InsertPayment(ctx context.Context, p *engine.Payment) error {
	err := s.conn(ctx).GetContext(ctx, &p.ID, s.q(`INSERT INTO payments (project_id, household_id, kind, amount, day, method, note, photo, photo_type,
		receipt_no, code, reverses, recorded_by, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.ProjectID, p.HouseholdID, p.Kind, p.Amount, p.Day, p.Method, p.Note, p.Photo, p.PhotoType, p.ReceiptNo, p.Code,
		nullID(p.Reverses), p.RecordedBy, p.IdempotencyKey, p.CreatedAt)
	return s.mapError(err)
}

// PaymentByKey is the record stored under a project's idempotency key,
// with its photo; nil when there is none.
func (s *Store) PaymentByKey(ctx context.Context, projectID int64, key string) (*engine.Payment, error) {
	var p engine.Payment
	err := s.conn(ctx).GetContext(ctx, &p, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? AND idempotency_key = ?`), projectID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return &p, nil
}

// HouseholdPayments are a household's records, oldest first, without photos.
func (s *Store) HouseholdPayments(ctx context.Context, projectID, householdID int64) ([]*engine.Payment, error) {
	var ps []*engine.Payment
	err := s.conn(ctx).SelectContext(ctx, &ps, s.q(`SELECT `+paymentColumns+` FROM payments WHERE project_id = ? AND household_id = ? ORDER BY id`),
		projectID, householdID)
	return ps, s.mapError(err)
}

// CountPayments is how many records of a kind a project holds.
func (s *Store) CountPayments(ctx context.Context, projectID int64, kind string) (int, error) {
	var n int
	err := s.conn(ctx).GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM payments WHERE project_id = ? AND kind = ?`), projectID, kind)
	return n, s.mapError(err)
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
	err := s.conn(ctx).SelectContext(ctx, &ps, s.q(`SELECT `+paymentColumns+` FROM payments WHERE project_id = ? ORDER BY id`), projectID)
	return ps, s.mapError(err)
}

// PaymentByID is one record of a project, with its photo.
func (s *Store) PaymentByID(ctx context.Context, projectID, id int64) (*engine.Payment, error) {
	var p engine.Payment
	if err := s.conn(ctx).GetContext(ctx, &p, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "收款记录 %d 不存在", id)
	}
	return &p, nil
}

// PaymentByCode finds a project's record by its verification code.
func (s *Store) PaymentByCode(ctx context.Context, projectID int64, code string) (*engine.Payment, error) {
	var p engine.Payment
	if err := s.conn(ctx).GetContext(ctx, &p, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? AND code = ?`), projectID, code); err != nil {
		return nil, s.notFound(err, "没有这个核验码的收款记录")
	}
	return &p, nil
}

const fundColumns = `id, project_id, kind, source, payee, what, amount, day, photo_type, COALESCE(reverses, 0) AS reverses,
	recorded_by, idempotency_key, created_at`

// InsertFund inserts a project income, expense or reversal as the
// workflow made it, inside its unit of work.
func (s *Store) InsertFund(ctx context.Context, f *engine.Fund) error {
	err := s.conn(ctx).GetContext(ctx, &f.ID, s.q(`INSERT INTO funds (project_id, kind, source, payee, what, amount, day, photo, photo_type,
		reverses, recorded_by, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		f.ProjectID, f.Kind, f.Source, f.Payee, f.What, f.Amount, f.Day, f.Photo, f.PhotoType, nullID(f.Reverses), f.RecordedBy,
		f.IdempotencyKey, f.CreatedAt)
	return s.mapError(err)
}

// FundByKey is the record stored under a project's idempotency key, with
// its photo; nil when there is none.
func (s *Store) FundByKey(ctx context.Context, projectID int64, key string) (*engine.Fund, error) {
	var f engine.Fund
	err := s.conn(ctx).GetContext(ctx, &f, s.q(`SELECT `+fundColumns+`, photo FROM funds WHERE project_id = ? AND idempotency_key = ?`), projectID, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return &f, nil
}

// FundByID is one income or expense of a project, without its photo.
func (s *Store) FundByID(ctx context.Context, projectID, id int64) (*engine.Fund, error) {
	var f engine.Fund
	if err := s.conn(ctx).GetContext(ctx, &f, s.q(`SELECT `+fundColumns+` FROM funds WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "要冲正的收支记录 %d 不存在", id)
	}
	return &f, nil
}

// Funds lists a project's income and spending, oldest first.
func (s *Store) Funds(ctx context.Context, projectID int64) ([]*engine.Fund, error) {
	var fs []*engine.Fund
	err := s.conn(ctx).SelectContext(ctx, &fs, s.q(`SELECT `+fundColumns+` FROM funds WHERE project_id = ? ORDER BY id`), projectID)
	return fs, s.mapError(err)
}

func init() { readProjection((*Store).moneyRows) }

// moneyRows reads the images of a project's money records, photos
// included (by their hash), through the engine's own Row.
func (s *Store) moneyRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	var ps []*engine.Payment
	if err := q.SelectContext(ctx, &ps, s.q(`SELECT `+paymentColumns+`, photo FROM payments WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	var fs []*engine.Fund
	if err := q.SelectContext(ctx, &fs, s.q(`SELECT `+fundColumns+`, photo FROM funds WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	out := map[string][]engine.Row{engine.TablePayments: make([]engine.Row, 0, len(ps)), engine.TableFunds: make([]engine.Row, 0, len(fs))}
	for _, p := range ps {
		out[engine.TablePayments] = append(out[engine.TablePayments], p.Row())
	}
	for _, f := range fs {
		out[engine.TableFunds] = append(out[engine.TableFunds], f.Row())
	}
	return out, nil
}
