package engine

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The signing key changes only by a rotation recorded in the chains
// (docs/lifecycle.md, "The key"). On the system chain (project 0) a
// key_rotated event carries the old and the new public key and the old
// key's signature over the new one; on every other chain that had events a
// key_rotated marker says from which seq the new key signs. A rotation
// with the old key lost carries no old signature: it is a break of trust,
// reported by every check until a verifier accepts it by its seq.

// AuditKeyRotated is the kind of a key rotation (system chain) and of its
// marker on each project chain.
const AuditKeyRotated = "key_rotated"

// KeyRotation is the data of a key_rotated event.
type KeyRotation struct {
	OldKeyID string `json:"old_key_id"`
	NewKeyID string `json:"new_key_id"`
	// system chain only
	OldKey       string `json:"old_key,omitempty"`       // base64; empty when lost and never registered
	NewKey       string `json:"new_key,omitempty"`       // base64
	OldSignature string `json:"old_signature,omitempty"` // the old key over RotationMessage
	OldKeyLost   bool   `json:"old_key_lost,omitempty"`
	By           string `json:"by,omitempty"` // who declared the old key lost
	// project chains only: the system chain's rotation event
	RotationSeq int64 `json:"rotation_seq,omitempty"`
}

// RotationMessage is what the old key signs when it hands over: its own
// id, the new public key and the instant (the event's time). Its form
// cannot be mistaken for a checkpoint's message.
func RotationMessage(oldKeyID string, newKey ed25519.PublicKey, at time.Time) []byte {
	return []byte(`{"rotate_from":"` + oldKeyID + `","rotate_to":"` + base64.StdEncoding.EncodeToString(newKey) +
		`","at":"` + FormatTime(at) + `"}`)
}

// KeyRotatedEvent is the system chain's event of a rotation from old to
// next, signed by old.
func KeyRotatedEvent(old, next *SigningKey, at time.Time) *AuditEvent {
	at = at.UTC().Truncate(time.Microsecond)
	sig := ed25519.Sign(old.private, RotationMessage(old.ID(), next.Public(), at))
	return &AuditEvent{Kind: AuditKeyRotated, Actor: ActorOperator, At: at, Data: AuditData(KeyRotation{
		OldKeyID: old.ID(), NewKeyID: next.ID(),
		OldKey: base64.StdEncoding.EncodeToString(old.Public()), NewKey: base64.StdEncoding.EncodeToString(next.Public()),
		OldSignature: base64.StdEncoding.EncodeToString(sig)})}
}

// KeyLostEvent is the system chain's event of a rotation whose old key
// (oldKeyID; its public half when known) is lost: nothing vouches for the
// hand-over, and by names who declared it.
func KeyLostEvent(oldKeyID string, oldPub ed25519.PublicKey, next *SigningKey, at time.Time, by string) *AuditEvent {
	r := KeyRotation{OldKeyID: oldKeyID, NewKeyID: next.ID(), NewKey: base64.StdEncoding.EncodeToString(next.Public()), OldKeyLost: true, By: by}
	if oldPub != nil {
		r.OldKey = base64.StdEncoding.EncodeToString(oldPub)
	}
	return &AuditEvent{Kind: AuditKeyRotated, Actor: ActorOperator, At: at.UTC().Truncate(time.Microsecond), Data: AuditData(r)}
}

// KeyRotatedMarker is the event that starts the new key's part of a
// project chain, in the rotation's transaction.
func KeyRotatedMarker(projectID, rotationSeq int64, oldKeyID, newKeyID string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditKeyRotated, Actor: ActorOperator, At: at,
		Data: AuditData(KeyRotation{OldKeyID: oldKeyID, NewKeyID: newKeyID, RotationSeq: rotationSeq})}
}

// KeyEpoch is one key of the history.
type KeyEpoch struct {
	ID     string
	Public ed25519.PublicKey // nil: lost and its public half never registered
	Since  int64             // system chain seq of the rotation that brought it (0: the first key)
	At     time.Time
	Lost   bool   // brought in without its predecessor's signature: a break of trust
	By     string // who declared the predecessor lost
}

// KeyHistory is every key that signed checkpoints, oldest first; the last
// is the current one.
type KeyHistory []KeyEpoch

// NewKeyHistory builds the history from the system chain's key_rotated
// events (in seq order) and a key the verifier trusts (pub): each rotation
// must follow the one before and, unless it declares the old key lost,
// carry the old key's signature over the new key; pub must be one of the
// keys. A forged or inconsistent rotation is an error.
func NewKeyHistory(rotations []*AuditEvent, pub ed25519.PublicKey) (KeyHistory, error) {
	var h KeyHistory
	for _, e := range rotations {
		if e.Kind != AuditKeyRotated || e.ProjectID != 0 {
			continue
		}
		var r KeyRotation
		if err := json.Unmarshal(e.Data, &r); err != nil {
			return nil, fmt.Errorf("系统日志第%d条换钥记录无法读取", e.Seq)
		}
		oldPub, err := rotationKey(r.OldKey, r.OldKeyID, e.Seq, "旧")
		if err != nil {
			return nil, err
		}
		newPub, err := rotationKey(r.NewKey, r.NewKeyID, e.Seq, "新")
		if err != nil {
			return nil, err
		}
		if newPub == nil {
			return nil, fmt.Errorf("系统日志第%d条换钥记录缺少新公钥", e.Seq)
		}
		if len(h) == 0 {
			h = append(h, KeyEpoch{ID: r.OldKeyID, Public: oldPub})
		}
		prev := &h[len(h)-1]
		switch {
		case r.OldKeyID != prev.ID:
			return nil, fmt.Errorf("系统日志第%d条换钥记录的旧密钥 %s 不是当时的密钥 %s（换钥记录不连续）", e.Seq, r.OldKeyID, prev.ID)
		case oldPub != nil && prev.Public != nil && !bytes.Equal(oldPub, prev.Public):
			return nil, fmt.Errorf("系统日志第%d条换钥记录的旧公钥与此前登记的不符（换钥记录被改动）", e.Seq)
		case prev.Public == nil:
			prev.Public = oldPub
		}
		if !r.OldKeyLost {
			sig, err := base64.StdEncoding.DecodeString(r.OldSignature)
			if err != nil || prev.Public == nil || !ed25519.Verify(prev.Public, RotationMessage(r.OldKeyID, newPub, e.At), sig) {
				return nil, fmt.Errorf("系统日志第%d条换钥记录没有旧密钥 %s 的有效签名（换钥记录被伪造或改动）", e.Seq, r.OldKeyID)
			}
		}
		h = append(h, KeyEpoch{ID: r.NewKeyID, Public: newPub, Since: e.Seq, At: e.At, Lost: r.OldKeyLost, By: r.By})
	}
	if len(h) == 0 {
		return KeyHistory{{ID: KeyFingerprint(pub), Public: pub}}, nil
	}
	id := KeyFingerprint(pub)
	for i := range h {
		if h[i].ID == id {
			if h[i].Public == nil { // the verifier holds the lost key's public half
				h[i].Public = pub
			}
			return h, nil
		}
	}
	return nil, fmt.Errorf("公钥 %s 不在本库的密钥历史中（%s）：用错了公钥，或换钥记录被删改", id, h.path())
}

func rotationKey(text, id string, seq int64, which string) (ed25519.PublicKey, error) {
	if text == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(b) != ed25519.PublicKeySize || KeyFingerprint(b) != id {
		return nil, fmt.Errorf("系统日志第%d条换钥记录的%s公钥与其指纹 %s 不符（换钥记录被改动）", seq, which, id)
	}
	return ed25519.PublicKey(b), nil
}

// Current is the key that signs now.
func (h KeyHistory) Current() KeyEpoch { return h[len(h)-1] }

func (h KeyHistory) index(id string) int {
	for i := range h {
		if h[i].ID == id {
			return i
		}
	}
	return -1
}

// path is the history as "a → b → c", a lost hand-over marked.
func (h KeyHistory) path() string {
	var b strings.Builder
	for i, k := range h {
		if i > 0 {
			if k.Lost {
				b.WriteString(" ⇢（旧密钥丢失）")
			} else {
				b.WriteString(" → ")
			}
		}
		b.WriteString(k.ID)
	}
	return b.String()
}

// Text is the history for people, one line per key.
func (h KeyHistory) Text() string {
	var b strings.Builder
	for i, k := range h {
		switch {
		case i == 0:
			fmt.Fprintf(&b, "  %s（最初的密钥）", k.ID)
		case k.Lost:
			fmt.Fprintf(&b, "  %s（系统日志第%d条，%s 换用；旧密钥丢失，由 %s 声明——信任在此中断）", k.ID, k.Since, FormatTime(k.At), k.By)
		default:
			fmt.Fprintf(&b, "  %s（系统日志第%d条，%s 换用，有旧密钥签名）", k.ID, k.Since, FormatTime(k.At))
		}
		if i == len(h)-1 {
			b.WriteString(" ← 当前")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TrustBreak is a rotation with the old key lost, as seen from one chain.
type TrustBreak struct {
	Seq      int64     `json:"seq"`       // the rotation on the system chain
	ChainSeq int64     `json:"chain_seq"` // its marker on this chain (0: none)
	At       time.Time `json:"at"`
	OldKeyID string    `json:"old_key_id"`
	NewKeyID string    `json:"new_key_id"`
	By       string    `json:"by"`
	Accepted bool      `json:"accepted"`
}

// Text is the break's loud line.
func (b TrustBreak) Text() string {
	where := ""
	if b.ChainSeq > 0 {
		where = fmt.Sprintf("本链第%d条起由新密钥签名，", b.ChainSeq)
	}
	return fmt.Sprintf("信任中断：系统日志第%d条（%s）在旧密钥 %s 丢失的情况下换用新密钥 %s（由 %s 声明）；%s此前的记录只由换钥时的新密钥认定，无法证明换钥前未被改写",
		b.Seq, FormatTime(b.At), b.OldKeyID, b.NewKeyID, b.By, where)
}

// Trust is what a verifier brings: a public key it trusts (the current
// one, or any older one of the history) and the breaks of trust it has
// looked into and accepts (system chain seqs).
type Trust struct {
	Public       ed25519.PublicKey
	AcceptBreaks []int64
}

func (t Trust) accepts(seq int64) bool {
	for _, s := range t.AcceptBreaks {
		if s == seq {
			return true
		}
	}
	return false
}

// checkKeyedCheckpoints checks a chain's checkpoints against the key
// history: each is signed by a key of the history and verifies with it;
// the key is the one current at that point of the chain — never one
// retired by a key_rotated marker at or before its seq, never one
// brought in by a marker after it — and the newest checkpoint is signed
// by the current key. It returns the breaks of trust this chain crosses:
// those it holds a marker of or a checkpoint signed before, and those
// between the verifier's key and the current one.
func checkKeyedCheckpoints(events []*AuditEvent, cps []*Checkpoint, h KeyHistory, t Trust) (*AuditCheck, []TrustBreak) {
	n := len(events)
	type mark struct{ seq, key int64 }
	var marks []mark
	bySince := map[int64]int64{} // rotation seq → this chain's marker seq
	for _, e := range events {
		if e.Kind != AuditKeyRotated {
			continue
		}
		var r KeyRotation
		_ = json.Unmarshal(e.Data, &r)
		j := h.index(r.NewKeyID)
		if j < 0 {
			return &AuditCheck{Events: n, BrokenAt: e, Reason: fmt.Sprintf("第%d条换钥事件指向不在密钥历史中的密钥 %s（换钥记录被删改）", e.Seq, r.NewKeyID)}, nil
		}
		marks = append(marks, mark{e.Seq, int64(j)})
		bySince[h[j].Since] = e.Seq
	}
	oldest := len(h) // the oldest key that signed in this chain
	for _, c := range cps {
		j := h.index(c.KeyID)
		if j >= 0 {
			oldest = min(oldest, j)
		}
		if j < 0 {
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("第%d条的签名存证无法用公钥 %s 验证：它由密钥 %s 签署，不在密钥历史（%s）中（存证被伪造，或不是这把密钥签的）", c.Seq, KeyFingerprint(t.Public), c.KeyID, h.path())}, nil
		}
		k := h[j]
		switch {
		case k.Public == nil && !(j+1 < len(h) && h[j+1].Lost):
			// a key lost without its public half: the break that retired it
			// fails the check unless the verifier accepts it
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("第%d条的签名存证由已丢失的密钥 %s 签署，其公钥没有登记，无法核对（可用 --public-key 提供它的公钥）", c.Seq, k.ID)}, nil
		case k.Public != nil && !VerifyCheckpoint(k.Public, c):
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("第%d条的签名存证无法用公钥 %s 验证（存证被伪造，或不是这把密钥签的）", c.Seq, k.ID)}, nil
		}
		cur, next := int64(-1), int64(len(h))
		for _, m := range marks {
			if m.seq <= c.Seq {
				cur = m.key
			} else if next == int64(len(h)) {
				next = m.key
			}
		}
		switch {
		case int64(j) < cur:
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("第%d条的签名存证由已退役的密钥 %s 签署，而此时应由 %s 签署（旧密钥被用来改写换钥之后的记录）", c.Seq, k.ID, h[cur].ID)}, nil
		case int64(j) >= next:
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("第%d条的签名存证由换钥之后才启用的密钥 %s 签署（换钥记录或存证被删改）", c.Seq, k.ID)}, nil
		}
	}
	if len(cps) > 0 {
		if last := cps[len(cps)-1]; last.KeyID != h.Current().ID {
			return &AuditCheck{Events: n, Reason: fmt.Sprintf("最新的签名存证（第%d条）由 %s 签署，不是当前密钥 %s（换钥之后的记录被删除，或旧密钥被冒用）", last.Seq, last.KeyID, h.Current().ID)}, nil
		}
	}
	trusted := h.index(KeyFingerprint(t.Public))
	var breaks []TrustBreak
	for i, k := range h {
		// a chain begun after the break, checked with a key after it, does
		// not cross it
		_, marked := bySince[k.Since]
		if !k.Lost || (!marked && oldest >= i && trusted >= i) {
			continue
		}
		breaks = append(breaks, TrustBreak{Seq: k.Since, ChainSeq: bySince[k.Since], At: k.At, OldKeyID: h[i-1].ID, NewKeyID: k.ID, By: k.By, Accepted: t.accepts(k.Since)})
	}
	return nil, breaks
}

// CheckSigningKey decides whether a server may sign with the key in file
// (nil when the file does not exist), given the newest checkpoint of every
// chain: on a database without checkpoints any key will do (a missing one
// is created); otherwise the key must be the one that signed the newest
// checkpoint of every chain — rotations re-sign every head, so after one
// that is the new key. A server never makes a new key over signed chains.
func CheckSigningKey(file string, key *SigningKey, latest []*Checkpoint) error {
	if len(latest) == 0 {
		return nil
	}
	if key == nil {
		return Errorf(ECodeUnavailable, "签名密钥文件“%s”不存在，而数据库里已有签名存证（最新由 %s 签署）：请从备份恢复这个文件；确认旧密钥已丢失时，运行 renovote key rotate --old-key-lost（会在审计日志中留下信任中断）。服务不会自行生成新密钥", file, latest[len(latest)-1].KeyID)
	}
	var others []string
	for _, c := range latest {
		if c.KeyID != key.ID() && !containsString(others, c.KeyID) {
			others = append(others, c.KeyID)
		}
	}
	if len(others) > 0 {
		return Errorf(ECodeUnavailable, "签名密钥文件“%s”的密钥（指纹 %s）不是签署数据库中最新签名存证的密钥（指纹 %s）：请换回正确的密钥文件；更换密钥只能用 renovote key rotate", file, key.ID(), strings.Join(others, "、"))
	}
	return nil
}

// CheckRotatedHead is checked for every chain before a rotation re-signs
// its head with the new key: the head is the newest checkpoint's, and that
// checkpoint is the old key's (verified when its public half is known). A
// rotation never blesses a head the old key did not sign.
func CheckRotatedHead(projectID int64, head ChainHead, last *Checkpoint, oldKeyID string, oldPub ed25519.PublicKey) error {
	switch {
	case last == nil || last.Seq != head.Seq || last.Head != head.Hash:
		return Errorf(ECodeConflict, "项目 %d 的审计日志头（第%d条）没有对应的签名存证：日志在签名之后被改动，不能换钥，请先用 renovote audit verify %d 查明", projectID, head.Seq, projectID)
	case last.KeyID != oldKeyID:
		return Errorf(ECodeConflict, "项目 %d 最新的签名存证由 %s 签署，不是要换下的密钥 %s", projectID, last.KeyID, oldKeyID)
	case oldPub != nil && !VerifyCheckpoint(oldPub, last):
		return Errorf(ECodeConflict, "项目 %d 最新的签名存证无法用旧密钥 %s 验证（存证被伪造），不能换钥", projectID, oldKeyID)
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DecodeKeyRotation reads a key_rotated event's data.
func DecodeKeyRotation(e *AuditEvent, r *KeyRotation) error {
	if e.Kind != AuditKeyRotated {
		return Errorf(ECodeInvalid, "第%d条不是换钥事件", e.Seq)
	}
	return json.Unmarshal(e.Data, r)
}
