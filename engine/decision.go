package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Decision methods.
const (
	DecisionOnline = "online"
	DecisionPaper  = "paper"
)

// Decision is one household's vote on a published scenario, bound to its
// SHA-256. Decisions are append-only: a household that changes its mind
// adds a new one; the latest counts.
type Decision struct {
	ID             int64
	ProjectID      int64
	BallotID       int64
	HouseholdID    int64
	ScenarioSHA256 string
	Vote           string // agree | disagree | abstain
	SignerName     string
	SignaturePNG   []byte // drawn signature, re-encoded
	Method         string // online | paper
	Witness        string // paper: who witnessed the signing
	Reason         string // 不同意: why, in the resident's words (optional)
	PaperPhoto     []byte // paper: photo of the signed form, re-encoded
	PaperPhotoType string // image/png or image/jpeg
	RecordedBy     int64  // paper: the worker who recorded it
	IP             string
	UserAgent      string
	IdempotencyKey string
	Code           string // verification code printed on the agreement
	CreatedAt      time.Time
	// Anchor is the decision's own event in the chain, set when it is
	// recorded (not stored: the chain holds it).
	Anchor Anchor `db:"-"`
}

// DecisionStore keeps decisions. It runs SQL: the workflow (app.record)
// opens the unit of work, locks the chain, applies the ballot's rules and
// the idempotency rule, and appends the events.
type DecisionStore interface {
	// InsertDecisions inserts new decisions (in the unit of work), filling
	// their IDs; one whose ballot and idempotency key are already taken —
	// before, or earlier in ds — is not inserted and comes back in taken.
	InsertDecisions(ctx context.Context, ds []*Decision) (taken []*Decision, err error)
	// DecisionByKey is the decision of a ballot with an idempotency key.
	DecisionByKey(ctx context.Context, projectID, ballotID int64, key string) (*Decision, error)
	// ActorsEventsSince counts each actor's events of a project's chain
	// at or after since (the links' daily quota).
	ActorsEventsSince(ctx context.Context, projectID int64, actors []string, since time.Time) (map[string]int, error)
	// HouseholdsIn says which of ids are households of the project.
	HouseholdsIn(ctx context.Context, projectID int64, ids []int64) (map[int64]bool, error)
	// LatestDecisions is the latest decision of each household, by household.
	LatestDecisions(ctx context.Context, projectID, ballotID int64) ([]*Decision, error)
	// HouseholdDecision is one household's latest decision (nil if none).
	HouseholdDecision(ctx context.Context, projectID, ballotID, householdID int64) (*Decision, error)
	// Decisions is every decision of the ballot, oldest first.
	Decisions(ctx context.Context, projectID, ballotID int64) ([]*Decision, error)
	DecisionByCode(ctx context.Context, projectID int64, code string) (*Decision, error)
}

// Digest is the hex SHA-256 of the decision's canonical record: what its
// audit event binds to, so that any later change to the stored row shows.
func (d *Decision) Digest() string {
	record := struct {
		ID             int64  `json:"id"`
		ProjectID      int64  `json:"project_id"`
		BallotID       int64  `json:"ballot_id"`
		HouseholdID    int64  `json:"household_id"`
		ScenarioSHA256 string `json:"scenario_sha256"`
		Vote           string `json:"vote"`
		SignerName     string `json:"signer_name"`
		Signature      string `json:"signature_sha256"`
		Method         string `json:"method"`
		Witness        string `json:"witness"`
		PaperPhoto     string `json:"paper_photo_sha256"`
		PaperPhotoType string `json:"paper_photo_type"`
		RecordedBy     int64  `json:"recorded_by"`
		IP             string `json:"ip"`
		UserAgent      string `json:"user_agent"`
		IdempotencyKey string `json:"idempotency_key"`
		Code           string `json:"code"`
		CreatedAt      string `json:"created_at"`
		Reason         string `json:"reason,omitempty"` // omitted when empty: digests of decisions without one stay as they were
	}{d.ID, d.ProjectID, d.BallotID, d.HouseholdID, d.ScenarioSHA256, d.Vote, d.SignerName,
		bytesSum(d.SignaturePNG), d.Method, d.Witness, bytesSum(d.PaperPhoto), d.PaperPhotoType, d.RecordedBy,
		d.IP, d.UserAgent, d.IdempotencyKey, d.Code, FormatTime(d.CreatedAt), d.Reason}
	data, err := json.Marshal(record) // strings and integers only
	if err != nil {
		panic("engine: decision digest: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func bytesSum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// MaxDecisionReason is how long the reason of a 不同意 may be, in
// characters.
const MaxDecisionReason = 200

// DecisionReason checks the optional reason a household gives with its
// vote: only a 不同意 carries one, of at most MaxDecisionReason characters.
func DecisionReason(vote, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", nil
	case vote != VoteDisagree:
		return "", Invalidf("reason", "只有选择“不同意”时才填写理由；如要说明，请选择“不同意”或清空理由")
	case utf8.RuneCountInString(reason) > MaxDecisionReason:
		return "", Invalidf("reason", "不同意的理由最多 %d 个字，现在有 %d 个字", MaxDecisionReason, utf8.RuneCountInString(reason))
	}
	return reason, nil
}
