package engine

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Checkpoint signs the head of a project's audit chain with a key the
// database never holds (docs/lifecycle.md, "Signed checkpoints"): someone
// who can rewrite the database but has not the key cannot make a rewritten
// chain verify.
type Checkpoint struct {
	ProjectID int64
	Seq       int64
	Head      string // hash of event Seq
	At        time.Time
	KeyID     string // fingerprint of the signing key
	Signature string // base64 Ed25519 signature of Message()
}

// Message is what a checkpoint signs: its fields in a fixed form.
func (c *Checkpoint) Message() []byte {
	return []byte(`{"project":` + strconv.FormatInt(c.ProjectID, 10) + `,"seq":` + strconv.FormatInt(c.Seq, 10) +
		`,"head":"` + c.Head + `","at":"` + FormatTime(c.At) + `"}`)
}

// SigningKey signs checkpoints. It lives in a file beside the server,
// never in the database.
type SigningKey struct {
	private ed25519.PrivateKey
	public  ed25519.PublicKey
	id      string
}

// NewSigningKey makes a key from a 32-byte seed.
func NewSigningKey(seed []byte) (*SigningKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("签名密钥应为 %d 字节，实为 %d 字节", ed25519.SeedSize, len(seed))
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	return &SigningKey{private: priv, public: pub, id: KeyFingerprint(pub)}, nil
}

// Public is the key that checks checkpoints.
func (k *SigningKey) Public() ed25519.PublicKey { return k.public }

// ID is the key's fingerprint.
func (k *SigningKey) ID() string { return k.id }

// Sign fills c's key id and signature.
func (k *SigningKey) Sign(c *Checkpoint) {
	c.KeyID = k.id
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(k.private, c.Message()))
}

// KeyFingerprint is the first 16 bytes of SHA-256 of a public key, in hex
// groups of four: what PDFs, /verify and `renovote key show` print.
func KeyFingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:16])
	var b strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(h[i : i+4])
	}
	return b.String()
}

// ParsePublicKey reads a public key written by `renovote key show
// --public` (base64 of the 32 bytes).
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, Invalidf("public-key", "公钥格式不对：应为 renovote key show --public 输出的一行 base64")
	}
	return ed25519.PublicKey(b), nil
}

// VerifyCheckpoint reports whether c was signed by pub.
func VerifyCheckpoint(pub ed25519.PublicKey, c *Checkpoint) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	return err == nil && c.KeyID == KeyFingerprint(pub) && ed25519.Verify(pub, c.Message(), sig)
}

// Anchor is a chain position printed on paper: 存证 第 N 条 · 3f9a1c2b. A
// person holding the paper can ask whether it is still in the chain
// (renovote audit verify PROJECT --anchor N:PREFIX).
type Anchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// AnchorPrefix is how many hex digits of the hash paper prints.
const AnchorPrefix = 12

// Text is the anchor as printed.
func (a Anchor) Text() string {
	if a.Seq == 0 {
		return ""
	}
	return fmt.Sprintf("存证 第 %d 条 · %s", a.Seq, a.Short())
}

// Short is the printed prefix of the hash.
func (a Anchor) Short() string { return a.Hash[:min(len(a.Hash), AnchorPrefix)] }

// ParseAnchor reads N:PREFIX.
func ParseAnchor(s string) (seq int64, prefix string, err error) {
	n, p, ok := strings.Cut(strings.TrimSpace(s), ":")
	seq, perr := strconv.ParseInt(n, 10, 64)
	p = strings.ToLower(strings.TrimSpace(p))
	if !ok || perr != nil || seq <= 0 || len(p) < 8 || len(p) > 64 || strings.Trim(p, "0123456789abcdef") != "" {
		return 0, "", Invalidf("anchor", "存证号“%s”格式不对：应为 条数:哈希前缀，如 57:3f9a1c2b（前缀至少8位）", s)
	}
	return seq, p, nil
}

// CheckAnchor says whether event seq of the chain has a hash starting with
// prefix.
func CheckAnchor(events []*AuditEvent, seq int64, prefix string) error {
	if seq > int64(len(events)) {
		return Errorf(ECodeConflict, "审计日志只有 %d 条，没有第 %d 条：这份存证不在链上", len(events), seq)
	}
	if e := events[seq-1]; !strings.HasPrefix(e.Hash, prefix) {
		return Errorf(ECodeConflict, "第 %d 条的哈希是 %s…，与纸上的 %s 不符：记录在打印后被改动过", seq, e.Hash[:AnchorPrefix], prefix)
	}
	return nil
}

// CheckTail checks events that continue a chain already checked up to
// head: each follows the one before, and the tail's checkpoints verify,
// match, and cover its last event. It lets a server keep a chain's check
// up to date by reading only what was appended.
func CheckTail(head ChainHead, events []*AuditEvent, cps []*Checkpoint, pub ed25519.PublicKey) *AuditCheck {
	prev, seq := head.Hash, head.Seq
	bySeq := make(map[int64]*AuditEvent, len(events))
	for _, e := range events {
		seq++
		switch {
		case e.Seq != seq:
			return brokenAt(int(seq), e, fmt.Sprintf("事件序号不连续：应为第%d条，记录为第%d条（有事件被删除或插入）", seq, e.Seq))
		case e.PrevHash != prev:
			return brokenAt(int(seq), e, fmt.Sprintf("第%d条事件记录的上一条哈希与实际不符（前面的事件被改动、删除或插入）", e.Seq))
		case ChainHash(prev, e.Canonical()) != e.Hash:
			return brokenAt(int(seq), e, fmt.Sprintf("第%d条事件（%s）的内容与其哈希不符（该事件被改动）", e.Seq, e.Kind))
		}
		prev = e.Hash
		bySeq[e.Seq] = e
	}
	if pub == nil {
		return &AuditCheck{Events: int(seq), Reason: "没有公钥，无法核对签名存证"}
	}
	covered := head.Seq
	for _, c := range cps {
		e, ok := bySeq[c.Seq]
		switch {
		case !VerifyCheckpoint(pub, c):
			return &AuditCheck{Events: int(seq), Reason: fmt.Sprintf("第%d条的签名存证无法用公钥 %s 验证（存证被伪造，或不是这把密钥签的）", c.Seq, KeyFingerprint(pub))}
		case !ok || e.Hash != c.Head:
			return &AuditCheck{Events: int(seq), BrokenAt: e, Reason: fmt.Sprintf("第%d条事件与签名存证记录的哈希不符（日志在签名之后被改写）", c.Seq)}
		}
		covered = max(covered, c.Seq)
	}
	if covered < seq {
		return &AuditCheck{Events: int(seq), BrokenAt: bySeq[covered+1],
			Reason: fmt.Sprintf("第%d条到第%d条事件没有签名存证（存证被删除，或日志被改写）", covered+1, seq)}
	}
	return &AuditCheck{OK: true, Events: int(seq)}
}
