package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Kinds of a household's money records.
const (
	PaymentIn       = "payment"  // money the household paid
	PaymentRefund   = "refund"   // money given back to it
	PaymentReversal = "reversal" // a correction: cancels the record it reverses
)

// PaymentMethods are how households pay.
var PaymentMethods = []string{"现金", "转账", "微信", "支付宝"}

// Payment is one household money record. Records are never edited: a
// wrong one is cancelled by a reversal that points at it.
type Payment struct {
	ID             int64
	ProjectID      int64
	HouseholdID    int64
	Kind           string
	Amount         Fen
	Day            string // YYYY-MM-DD, the day the money moved
	Method         string // payment: 现金 | 转账 | 微信 | 支付宝
	Note           string // payment: what for; refund and reversal: the reason
	Photo          []byte // a transfer slip, re-encoded
	PhotoType      string
	ReceiptNo      string // SK-2027-0001 (payment), TK-… (refund), CZ-… (reversal)
	Code           string // verification code, as on decisions
	Reverses       int64  // reversal: the record it cancels
	RecordedBy     int64
	IdempotencyKey string
	CreatedAt      time.Time
	// Anchor is the record's own event in the chain, set when recorded.
	Anchor Anchor `db:"-"`
}

// Digest binds the record to its audit event (the photo by its hash).
func (p *Payment) Digest() string {
	data, err := json.Marshal(struct {
		ID, ProjectID, HouseholdID          int64
		Kind                                string
		Amount                              Fen
		Day, Method, Note, Photo, PhotoType string
		ReceiptNo, Code                     string
		Reverses, RecordedBy                int64
		IdempotencyKey, CreatedAt           string
	}{p.ID, p.ProjectID, p.HouseholdID, p.Kind, p.Amount, p.Day, p.Method, p.Note, bytesSum(p.Photo), p.PhotoType,
		p.ReceiptNo, p.Code, p.Reverses, p.RecordedBy, p.IdempotencyKey, FormatTime(p.CreatedAt)})
	if err != nil {
		panic("engine: payment digest: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Fund kinds: the project's money other than households'.
const (
	FundIncome   = "income"
	FundExpense  = "expense"
	FundReversal = "reversal"
)

// FundSources are where income comes from.
var FundSources = []string{"政府补贴", "社会筹集", "其他"}

// Fund is income (a subsidy received, a donation) or spending (the
// contractor, inspections) of a project.
type Fund struct {
	ID             int64
	ProjectID      int64
	Kind           string
	Source         string // income: 政府补贴 | 社会筹集 | 其他
	Payee          string // expense: who was paid
	What           string
	Amount         Fen
	Day            string
	Photo          []byte // an invoice or a slip, re-encoded
	PhotoType      string
	Reverses       int64
	RecordedBy     int64
	IdempotencyKey string
	CreatedAt      time.Time
}

// Digest binds the record to its audit event.
func (f *Fund) Digest() string {
	data, err := json.Marshal(struct {
		ID, ProjectID             int64
		Kind, Source, Payee, What string
		Amount                    Fen
		Day, Photo, PhotoType     string
		Reverses, RecordedBy      int64
		IdempotencyKey, CreatedAt string
	}{f.ID, f.ProjectID, f.Kind, f.Source, f.Payee, f.What, f.Amount, f.Day, bytesSum(f.Photo), f.PhotoType,
		f.Reverses, f.RecordedBy, f.IdempotencyKey, FormatTime(f.CreatedAt)})
	if err != nil {
		panic("engine: fund digest: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// PaymentStore keeps the money records. It runs SQL inside the
// workflow's unit of work and decides nothing: receipt numbers, caps,
// which records count and what a replay is are decided here, in engine.
type PaymentStore interface {
	// InsertPayment inserts p as it is (receipt number, code and time
	// decided by the workflow), filling its ID.
	InsertPayment(ctx context.Context, p *Payment) error
	// PaymentByKey is the record a project stored under an idempotency
	// key, nil when there is none.
	PaymentByKey(ctx context.Context, projectID int64, key string) (*Payment, error)
	// HouseholdPayments are a household's records, oldest first, without photos.
	HouseholdPayments(ctx context.Context, projectID, householdID int64) ([]*Payment, error)
	// CountPayments is how many records of a kind a project holds.
	CountPayments(ctx context.Context, projectID int64, kind string) (int, error)
	Payments(ctx context.Context, projectID int64) ([]*Payment, error) // oldest first, without photos
	PaymentByID(ctx context.Context, projectID, id int64) (*Payment, error)
	PaymentByCode(ctx context.Context, projectID int64, code string) (*Payment, error)
	// InsertFund inserts f as it is, filling its ID.
	InsertFund(ctx context.Context, f *Fund) error
	FundByKey(ctx context.Context, projectID int64, key string) (*Fund, error)
	FundByID(ctx context.Context, projectID, id int64) (*Fund, error)
	Funds(ctx context.Context, projectID int64) ([]*Fund, error) // oldest first, without photos
}

// Audit kinds of money records.
const (
	AuditPayment = "payment"
	AuditFund    = "fund"
)
