package engine

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	AuditPhotoViewed        = "photo_viewed"
	AuditWorkerLogin        = "worker_login"
	AuditPasswordChanged    = "password_changed"
	AuditContactChanged     = "contact_changed"
	AuditTermsChanged       = "terms_changed"
	AuditBallotClosed       = "ballot_closed"
	AuditQuestionnaireSent  = "questionnaire_opened"
	AuditQuestionnaireEnded = "questionnaire_closed"
	// AuditKeyRotated is in key.go.
)

// Actors of audit events, as "kind:id": the worker who acted, or the
// household whose link was used. The command line acts as the operator.
const (
	actorWorker    = "worker:"
	actorHousehold = "household:"
	// ActorOperator is whoever runs renovote on the server's command line
	// (the demo loader, maintenance); they hold the database anyway.
	ActorOperator = "operator"
	// ActorPublic is an anonymous visitor of a project's public page.
	ActorPublic = "public"
)

// WorkerActor names a worker in the audit log.
func WorkerActor(id int64) string { return actorWorker + strconv.FormatInt(id, 10) }

// HouseholdActor names a household (through its link) in the audit log.
func HouseholdActor(id int64) string { return actorHousehold + strconv.FormatInt(id, 10) }

// IsHouseholdActor says whether an actor is a household through its link.
func IsHouseholdActor(actor string) bool { return strings.HasPrefix(actor, actorHousehold) }

// PDFPrinted is the event of a document printed by a worker.
func PDFPrinted(projectID int64, actor, what string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditPDFPrinted, Actor: actor, At: at, Data: AuditData(map[string]string{"document": what})}
}

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
	Actor     string          // WorkerActor, HouseholdActor or ActorOperator
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
	data, err := json.Marshal(s)
	if err != nil { // a string always marshals
		panic("engine: " + err.Error())
	}
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
	OK          bool        `json:"ok"`
	Events      int         `json:"events"`
	Checkpoints int         `json:"checkpoints"`
	BrokenAt    *AuditEvent `json:"-"`
	Reason      string      `json:"reason,omitempty"` // Chinese, for people
	// Diff names the first row that differs from what the chain says.
	Diff *RowDiff `json:"diff,omitempty"`
	// Breaks are the rotations with the old key lost that this chain
	// crosses; one not accepted fails the check (Reason says which).
	Breaks []TrustBreak `json:"breaks,omitempty"`
}

// AuditStore keeps the audit log.
type AuditStore interface {
	// AppendAudit (tests and tools only: workflows extend chains in their
	// unit of work, app.extend) appends e to its project's chain, filling Seq, PrevHash,
	// Hash and ID. Concurrent appends never fork the chain.
	AppendAudit(ctx context.Context, e *AuditEvent) error
	AuditEvents(ctx context.Context, projectID int64) ([]*AuditEvent, error)
	// AuditRecords reads everything a project's chain vouches for, in one
	// consistent snapshot, for CheckAudit.
	AuditRecords(ctx context.Context, projectID int64) (*AuditRecords, error)
	// ChainHead is a chain's head (seq 0 and the genesis hash when empty).
	ChainHead(ctx context.Context, projectID int64) (ChainHead, error)
	// AuditTail is a chain's events and checkpoints after seq.
	AuditTail(ctx context.Context, projectID, after int64) ([]*AuditEvent, []*Checkpoint, error)
}

// ChainHead is the stored head of a chain: its last seq and hash.
type ChainHead struct {
	Seq  int64
	Hash string
}

// AuditRecords is a project's chain and the records it vouches for.
type AuditRecords struct {
	Events      []*AuditEvent
	Head        *ChainHead // nil when the chain has never been written
	Decisions   []*Decision
	Scenarios   []*Scenario
	Checkpoints []*Checkpoint // by seq
	// Rotations are the system chain's key_rotated events, by seq: with
	// the verifier's key they give the key history.
	Rotations []*AuditEvent
	Payments  []*Payment // with photos: their hashes are in the digests
	Funds     []*Fund
	// Rows are the projected tables as stored (engine.ProjectedTables),
	// as images, by table.
	Rows map[string][]Row
}

// CheckAudit recomputes a project's chain, checks that its head matches
// the last event, that every decision still matches the digest its event
// recorded (and has an event), and that every published scenario still
// matches its hash and the hash its publish event recorded. It names the
// first broken event. Every checkpoint must verify with the key of the
// history (pub and the recorded rotations) that was current at its point
// of the chain and match the chain, and the last one must cover the last
// event: a chain rewritten without the key fails here. A rotation with the
// old key lost fails it too (CheckAuditTrust accepts one). It reads
// nothing: a database that cannot be read is the caller's error, never a
// broken chain.
func CheckAudit(r *AuditRecords, pub ed25519.PublicKey) *AuditCheck {
	return CheckAuditTrust(r, Trust{Public: pub})
}

// CheckAuditTrust is CheckAudit with the breaks of trust the verifier
// accepts: an accepted break is still listed in the result's Breaks.
func CheckAuditTrust(r *AuditRecords, t Trust) *AuditCheck {
	events := r.Events
	check := VerifyChain(events)
	if !check.OK {
		return check
	}
	n := len(events)
	if h := r.Head; h != nil && (h.Seq != int64(n) || (n > 0 && h.Hash != events[n-1].Hash)) {
		var last *AuditEvent
		if n > 0 {
			last = events[n-1]
		}
		return &AuditCheck{Events: n, BrokenAt: last, Reason: fmt.Sprintf("审计日志应有 %d 条事件，现有 %d 条：最后的事件被删除", h.Seq, n)}
	}
	if broken := checkDecisions(events, r.Decisions); broken != nil {
		return broken
	}
	if broken := checkScenarios(events, r.Scenarios); broken != nil {
		return broken
	}
	if broken := checkMoney(events, r.Payments, r.Funds); broken != nil {
		return moneyDiff(events, r.Rows, broken)
	}
	if broken := checkProjection(events, r.Rows); broken != nil {
		return broken
	}
	breaks, broken := checkCheckpoints(events, r.Checkpoints, r.Rotations, t)
	if broken != nil {
		return broken
	}
	check.Checkpoints = len(r.Checkpoints)
	check.Breaks = breaks
	for _, b := range breaks {
		if !b.Accepted {
			check.OK = false
			check.Reason = b.Text() + fmt.Sprintf("。核实之后可用 --accept-break %d 接受这次中断", b.Seq)
			if b.ChainSeq > 0 {
				check.BrokenAt = events[b.ChainSeq-1]
			}
			break
		}
	}
	return check
}

// CheckCheckpoints checks signed checkpoints against the chain events
// (which start at seq 1) with one key and no rotations: each verifies with
// pub and names an event's hash, and together they cover the last event.
func CheckCheckpoints(events []*AuditEvent, cps []*Checkpoint, pub ed25519.PublicKey) *AuditCheck {
	_, broken := checkCheckpoints(events, cps, nil, Trust{Public: pub})
	return broken
}

func checkCheckpoints(events []*AuditEvent, cps []*Checkpoint, rotations []*AuditEvent, t Trust) ([]TrustBreak, *AuditCheck) {
	n := int64(len(events))
	if t.Public == nil {
		return nil, &AuditCheck{Events: len(events), Reason: "没有公钥，无法核对签名存证"}
	}
	h, err := NewKeyHistory(rotations, t.Public)
	if err != nil {
		return nil, &AuditCheck{Events: len(events), Reason: err.Error()}
	}
	broken, breaks := checkKeyedCheckpoints(events, cps, h, t)
	if broken != nil {
		return nil, broken
	}
	var covered int64
	for _, c := range cps {
		if c.Seq < 1 || c.Seq > n {
			return nil, &AuditCheck{Events: len(events), Reason: fmt.Sprintf("签名存证指向第%d条，而审计日志只有%d条（日志被截短）", c.Seq, n)}
		}
		if e := events[c.Seq-1]; e.Hash != c.Head {
			return nil, &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件与签名存证记录的哈希不符（日志在签名之后被改写）", c.Seq)}
		}
		covered = max(covered, c.Seq)
	}
	if covered < n {
		return nil, &AuditCheck{Events: len(events), BrokenAt: events[covered],
			Reason: fmt.Sprintf("第%d条到第%d条事件没有签名存证（存证被删除，或日志被改写）", covered+1, n)}
	}
	return breaks, nil
}

// checkDecisions compares every decision with its event's digest.
func checkDecisions(events []*AuditEvent, ds []*Decision) *AuditCheck {
	byID := make(map[int64]*Decision, len(ds))
	for _, d := range ds {
		byID[d.ID] = d
	}
	seen := make(map[int64]bool, len(ds))
	for _, e := range events {
		if e.Kind != AuditDecision {
			continue
		}
		var data DecisionEventData
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件的内容无法读取", e.Seq)}
		}
		d, ok := byID[data.DecisionID]
		if !ok {
			return &AuditCheck{Events: len(events), BrokenAt: e,
				Reason: fmt.Sprintf("第%d条事件记录的表决 #%d 在数据库中已不存在（表决记录被删除）", e.Seq, data.DecisionID)}
		}
		seen[d.ID] = true
		if d.Digest() != data.Digest {
			return &AuditCheck{Events: len(events), BrokenAt: e,
				Reason: fmt.Sprintf("第%d条事件记录的表决 #%d 与数据库中的表决记录不符（表决记录被改动）", e.Seq, d.ID)}
		}
	}
	for _, d := range ds {
		if !seen[d.ID] {
			return &AuditCheck{Events: len(events), Reason: fmt.Sprintf("表决 #%d 没有对应的审计事件（绕过系统直接写入了数据库）", d.ID)}
		}
	}
	return nil
}

// checkScenarios checks published scenarios against their hash and the
// hash their publish event recorded.
func checkScenarios(events []*AuditEvent, scs []*Scenario) *AuditCheck {
	recorded := map[int64]string{}
	publishEvent := map[int64]*AuditEvent{}
	for _, e := range events {
		if e.Kind != AuditPublished {
			continue
		}
		var data struct {
			ScenarioID int64  `json:"scenario_id"`
			SHA256     string `json:"sha256"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件的内容无法读取", e.Seq)}
		}
		recorded[data.ScenarioID] = data.SHA256
		publishEvent[data.ScenarioID] = e
	}
	for _, sc := range scs {
		if !sc.Published() {
			continue
		}
		if ScenarioSum(sc.Canonical) != sc.SHA256 || recorded[sc.ID] != sc.SHA256 {
			return &AuditCheck{Events: len(events), BrokenAt: publishEvent[sc.ID],
				Reason: fmt.Sprintf("已发布的方案 #%d 与发布时记录的哈希不符（方案被改动）", sc.ID)}
		}
	}
	return nil
}

// DecisionEventData is what a decision's audit event records.
type DecisionEventData struct {
	DecisionID  int64  `json:"decision_id"`
	HouseholdID int64  `json:"household_id"`
	Vote        string `json:"vote"`
	Method      string `json:"method"`
	Digest      string `json:"digest"`
	// Session is the hash of the worker's session that entered a paper
	// decision (its worker_login event is on the system chain).
	Session string `json:"session,omitempty"`
	RowsData
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

// checkMoney compares every payment and fund row with its event's digest,
// and finds rows written without an event.
func checkMoney(events []*AuditEvent, payments []*Payment, funds []*Fund) *AuditCheck {
	digests := map[string]string{}
	for _, p := range payments {
		digests["payment:"+strconv.FormatInt(p.ID, 10)] = p.Digest()
	}
	for _, f := range funds {
		digests["fund:"+strconv.FormatInt(f.ID, 10)] = f.Digest()
	}
	seen := map[string]bool{}
	for _, e := range events {
		if e.Kind != AuditPayment && e.Kind != AuditFund {
			continue
		}
		var data struct {
			PaymentID int64  `json:"payment_id"`
			FundID    int64  `json:"fund_id"`
			Digest    string `json:"digest"`
		}
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件的内容无法读取", e.Seq)}
		}
		key := "payment:" + strconv.FormatInt(data.PaymentID, 10)
		if e.Kind == AuditFund {
			key = "fund:" + strconv.FormatInt(data.FundID, 10)
		}
		digest, ok := digests[key]
		switch {
		case !ok:
			return &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件记录的收支记录在数据库中已不存在（记录被删除）", e.Seq)}
		case digest != data.Digest:
			return &AuditCheck{Events: len(events), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件记录的收支记录与数据库中的不符（金额或内容被改动）", e.Seq)}
		}
		seen[key] = true
	}
	for key := range digests {
		if !seen[key] {
			return &AuditCheck{Events: len(events), Reason: "收支记录 " + key + " 没有对应的审计事件（绕过系统直接写入了数据库）"}
		}
	}
	return nil
}

// checkProjection compares the stored rows with the chain's images.
func checkProjection(events []*AuditEvent, rows map[string][]Row) *AuditCheck {
	d, err := CheckProjection(events, rows)
	if err != nil {
		return &AuditCheck{Events: len(events), Reason: err.Error()}
	}
	if d == nil {
		return nil
	}
	c := &AuditCheck{Events: len(events), Diff: d, Reason: d.Reason()}
	if d.Seq > 0 && d.Seq <= int64(len(events)) {
		c.BrokenAt = events[d.Seq-1]
	}
	return c
}
