package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Audit event kinds.
const (
	AuditProjectCreated     = "project_created"
	AuditHouseholdsReplaced = "households_replaced"
	AuditScenarioSaved      = "scenario_saved"
	AuditPublished          = "published"
	AuditLinkIssued         = "link_issued"
	AuditPageOpened         = "page_opened"
	AuditDecision           = "decision"
	AuditPDFPrinted         = "pdf_printed"
	AuditWorkerLogin        = "worker_login"
	AuditBallotClosed       = "ballot_closed"
)

// GenesisHash is the prev_hash of a chain's first event.
var GenesisHash = strings.Repeat("0", 64)

// AuditEvent is one entry of a project's append-only log. Each event's
// hash is SHA-256(prev_hash ‖ canonical event JSON), so changing, removing
// or reordering any event breaks every hash after it.
type AuditEvent struct {
	ID        int64
	ProjectID int64 // 0: the service-wide chain (worker logins)
	Seq       int64 // 1, 2, 3… within the chain
	Kind      string
	Actor     string          // "worker:3", "household:17", "system"
	Data      json.RawMessage // canonical JSON object
	At        time.Time
	PrevHash  string
	Hash      string
}

// Canonical is the event's canonical JSON: fixed key order, UTC time with
// microseconds, data as stored.
func (e *AuditEvent) Canonical() []byte {
	var b bytes.Buffer
	b.WriteString(`{"project_id":`)
	b.WriteString(strconv.FormatInt(e.ProjectID, 10))
	b.WriteString(`,"seq":`)
	b.WriteString(strconv.FormatInt(e.Seq, 10))
	b.WriteString(`,"kind":`)
	writeJSONString(&b, e.Kind)
	b.WriteString(`,"actor":`)
	writeJSONString(&b, e.Actor)
	b.WriteString(`,"at":`)
	writeJSONString(&b, FormatTime(e.At))
	b.WriteString(`,"data":`)
	if len(e.Data) == 0 {
		b.WriteString("{}")
	} else {
		b.Write(e.Data)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeJSONString(b *bytes.Buffer, s string) {
	data, _ := json.Marshal(s)
	b.Write(data)
}

// ChainHash computes SHA-256(prev ‖ canonical) in hex.
func ChainHash(prev string, canonical []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditData marshals v as the canonical data of an event (json.Marshal
// writes struct fields in order and map keys sorted).
func AuditData(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic("engine: audit data: " + err.Error())
	}
	return data
}

// AuditCheck is the result of verifying a chain.
type AuditCheck struct {
	OK       bool        `json:"ok"`
	Events   int         `json:"events"`
	BrokenAt *AuditEvent `json:"-"`
	Reason   string      `json:"reason,omitempty"` // Chinese, for people
}

// AuditStore keeps the audit log.
type AuditStore interface {
	// AppendAudit appends e to its project's chain, filling Seq, PrevHash,
	// Hash and ID. Concurrent appends never fork the chain.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	AuditEvents(ctx context.Context, projectID int64) ([]*AuditEvent, error)
	// VerifyAudit recomputes the chain and checks every decision against
	// its event; it names the first broken event.
	VerifyAudit(ctx context.Context, projectID int64) (*AuditCheck, error)
}

// DecisionEventData is what a decision's audit event records.
type DecisionEventData struct {
	DecisionID  int64  `json:"decision_id"`
	HouseholdID int64  `json:"household_id"`
	Vote        string `json:"vote"`
	Method      string `json:"method"`
	Digest      string `json:"digest"`
}

// VerifyChain checks events (in seq order) against their hashes; it does
// not look at other tables. It returns the check for the chain alone.
func VerifyChain(events []*AuditEvent) *AuditCheck {
	prev := GenesisHash
	for i, e := range events {
		switch {
		case e.Seq != int64(i+1):
			return brokenAt(len(events), e, "事件序号不连续：应为第"+strconv.Itoa(i+1)+"条，记录为第"+strconv.FormatInt(e.Seq, 10)+"条（有事件被删除或插入）")
		case e.PrevHash != prev:
			return brokenAt(len(events), e, "第"+strconv.FormatInt(e.Seq, 10)+"条事件记录的上一条哈希与实际不符（前面的事件被改动、删除或插入）")
		case ChainHash(prev, e.Canonical()) != e.Hash:
			return brokenAt(len(events), e, "第"+strconv.FormatInt(e.Seq, 10)+"条事件（"+e.Kind+"）的内容与其哈希不符（该事件被改动）")
		}
		prev = e.Hash
	}
	return &AuditCheck{OK: true, Events: len(events)}
}

func brokenAt(events int, e *AuditEvent, reason string) *AuditCheck {
	return &AuditCheck{OK: false, Events: events, BrokenAt: e, Reason: reason}
}
