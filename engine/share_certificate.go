package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// The 加装电梯费用分摊证明 a household takes to the 公积金 centre (DESIGN
// §18): its share, the subsidy deducted, what it paid with the receipt
// numbers, and what may be drawn from each source. A certificate is a
// record of its own: its content's SHA-256 and its verification code are
// written with an event, so /verify tells the centre whether a printout
// is what the community issued and whether a newer one replaced it.

// TableCertificates is the projected table of issued certificates.
const TableCertificates = "share_certificates"

// AuditCertificateIssued is the event of a certificate issued.
const AuditCertificateIssued = "certificate_issued"

func init() {
	ProjectedTables = append(ProjectedTables, ProjectedTable{Name: TableCertificates, Label: "费用分摊证明"})
}

// ShareCertificate is what the certificate prints.
type ShareCertificate struct {
	Project      *Project
	Household    Household
	Row          HouseholdShare // the published plan's line of the household
	Subsidy      Fen            // the household's part of the subsidy deducted
	TotalSubsidy Fen
	Payments     []*Payment // the household's counting records, oldest first
	Paid         Fen        // payments less refunds
	Rule         *ProjectFundingRule
	RuleName     string // the preset's name, or 本项目自定规则
	ApplyBy      *Date
	Funding      HouseholdFunding
	Figures      *HouseholdFundingFigures // nil: no accounts entered
	Issuer       string                   // 社区居委会 or the project's 甲方
	// Set when issued.
	Code           string
	VerifyURL      string
	Issued         time.Time
	Anchor         Anchor
	KeyFingerprint string
}

// Gross is the household's share before the subsidy was deducted.
func (c *ShareCertificate) Gross() Fen { return c.Row.Share + c.Subsidy }

// Digest is the SHA-256 of what the certificate attests (not when it was
// printed): the same figures give the same digest, so reprinting reuses
// the certificate and any change issues a new one.
func (c *ShareCertificate) Digest() string {
	type pay struct {
		No     string `json:"no"`
		Kind   string `json:"kind"`
		Day    string `json:"day"`
		Amount Fen    `json:"amount"`
	}
	doc := struct {
		Project   int64            `json:"project"`
		Household int64            `json:"household"`
		Room      string           `json:"room"`
		Owner     string           `json:"owner"`
		Row       HouseholdShare   `json:"row"`
		Subsidy   Fen              `json:"subsidy"`
		Payments  []pay            `json:"payments"`
		Rule      FundingRule      `json:"rule"`
		ApplyBy   *Date            `json:"apply_by"`
		Funding   HouseholdFunding `json:"funding"`
		Figures   string           `json:"figures"`
		Issuer    string           `json:"issuer"`
	}{Project: c.Project.ID, Household: c.Household.ID, Room: c.Household.Room, Owner: c.Household.OwnerName, Row: c.Row,
		Subsidy: c.Subsidy, ApplyBy: c.ApplyBy, Funding: c.Funding, Issuer: c.Issuer}
	for _, p := range c.Payments {
		doc.Payments = append(doc.Payments, pay{p.ReceiptNo, p.Kind, p.Day, p.Amount})
	}
	if c.Rule != nil {
		doc.Rule = c.Rule.Rule
	}
	if c.Figures != nil {
		doc.Figures = c.Figures.FiguresText()
	}
	b, _ := json.Marshal(doc)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Certificate is an issued certificate's record.
type Certificate struct {
	ID          int64     `db:"id"`
	ProjectID   int64     `db:"project_id"`
	HouseholdID int64     `db:"household_id"`
	Code        string    `db:"code"`
	Digest      string    `db:"digest"`
	Due         Fen       `db:"due"`
	GJJ         Fen       `db:"gjj"`
	Maintenance Fen       `db:"maintenance"`
	Cash        Fen       `db:"cash"`
	IssuedBy    string    `db:"issued_by"`
	IssuedAt    time.Time `db:"issued_at"`
}

// Row is the image of a certificate's record.
func (c *Certificate) Row() Row {
	return Row{Table: TableCertificates, ID: c.ID, Cols: map[string]string{
		"project_id": ColInt(c.ProjectID), "household_id": ColInt(c.HouseholdID), "code": c.Code, "digest": c.Digest,
		"due": c.Due.String(), "gjj": c.GJJ.String(), "maintenance": c.Maintenance.String(), "cash": c.Cash.String(),
		"issued_by": c.IssuedBy, "issued_at": ColTime(c.IssuedAt)}}
}

// CertificateIssued is the event of a certificate issued.
func CertificateIssued(c *Certificate) *AuditEvent {
	return &AuditEvent{ProjectID: c.ProjectID, Kind: AuditCertificateIssued, Actor: c.IssuedBy, At: c.IssuedAt,
		Data: AuditData(struct {
			Household int64  `json:"household_id"`
			Code      string `json:"code"`
			Digest    string `json:"digest"`
			RowsData
		}{c.HouseholdID, c.Code, c.Digest, RowsData{Rows: []Row{c.Row()}}})}
}

// CertificateStore keeps the issued certificates.
type CertificateStore interface {
	// InsertCertificate inserts c as the workflow made it, filling its ID.
	InsertCertificate(ctx context.Context, c *Certificate) error
	// LatestCertificate is a household's newest certificate, nil if none.
	LatestCertificate(ctx context.Context, projectID, householdID int64) (*Certificate, error)
	// CertificateByCode finds a certificate by its verification code.
	CertificateByCode(ctx context.Context, projectID int64, code string) (*Certificate, error)
}

// SubsidyShares is each household's part of the subsidy the plan deducted
// before allocating, by room: the subsidy split by the same weights and
// the same largest-remainder rule as the pool (docs/calculation.md §4),
// so share + subsidy is what the household would have paid without it.
func SubsidyShares(in *CalcInput, res *CalcResult) map[string]Fen {
	out := make(map[string]Fen, len(in.Households))
	if len(in.Households) == 0 {
		return out
	}
	weights, _ := householdWeights(in)
	cs := make([]claimant, len(in.Households))
	for i, h := range in.Households {
		cs[i] = claimant{weight: weights[i], floor: h.Floor, id: h.Room}
	}
	if countPositive(weights) == 0 {
		return out
	}
	for i, part := range allocateLargestRemainder(res.TotalSubsidy, cs) {
		out[in.Households[i].Room] = part
	}
	return out
}

// RelationName is a relation in Chinese (业主本人, 配偶, 父母, 子女).
func RelationName(relation string) string { return relationLabels[relation] }

// SourceName is a funding source in Chinese.
func SourceName(source string) string { return sourceLabels[source] }
