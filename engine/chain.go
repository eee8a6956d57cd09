package engine

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"
)

// UnitOfWork is one transaction, opened by a workflow (app): the store
// methods called with the context fn receives run inside it, and nothing
// is written unless fn returns nil. Time is read once, by the workflow,
// before it opens the unit.
type UnitOfWork interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// ChainStore extends audit chains inside a unit of work. It runs SQL and
// decides nothing: whether the head may be extended is CheckHead's, the
// hashes are LinkEvents', the signature is the key holder's.
type ChainStore interface {
	// LockChain locks a chain's head until the unit of work ends and
	// returns it with the chain's latest checkpoint (nil when it has none).
	LockChain(ctx context.Context, projectID int64) (ChainHead, *Checkpoint, error)
	// InsertEvents inserts linked events (Seq, PrevHash, Hash filled),
	// filling their IDs.
	InsertEvents(ctx context.Context, events []*AuditEvent) error
	// SaveHead moves the chain's head to the checkpoint's and stores the
	// signed checkpoint.
	SaveHead(ctx context.Context, cp *Checkpoint) error
}

// ChainBroken is the refusal to extend a chain that the server did not
// leave as it is: the write is refused, nothing is repaired.
func ChainBroken(projectID int64, format string, args ...any) *Error {
	what := "项目 " + fmt.Sprint(projectID)
	if projectID == 0 {
		what = "系统日志（登录与用户）"
	}
	return &Error{Code: ECodeChainBroken, Message: what + " 的审计日志与最后一次签名存证不符，已停止写入：" + fmt.Sprintf(format, args...) +
		"。请联系管理员运行 renovote audit verify 查明原因；系统不会自行修复"}
}

// CheckHead decides whether a chain may be extended: the locked head must
// be the one the latest checkpoint signed, that checkpoint must verify with
// the server's key, and no witness may remember a later or another head.
// A head that someone moved in the database without the key — a rewritten
// chain with its later checkpoints deleted, events deleted and the head
// set back — is refused here, before the server would sign it.
func CheckHead(projectID int64, head ChainHead, last *Checkpoint, pub ed25519.PublicKey, witnessed *Checkpoint) error {
	switch {
	case last == nil && head.Seq != 0:
		return ChainBroken(projectID, "日志已有 %d 条事件，却没有任何签名存证", head.Seq)
	case last != nil && (last.Seq != head.Seq || last.Head != head.Hash):
		return ChainBroken(projectID, "日志头为第 %d 条，最后的签名存证为第 %d 条", head.Seq, last.Seq)
	case last != nil && !VerifyCheckpoint(pub, last):
		return ChainBroken(projectID, "第 %d 条的签名存证不是本服务器的密钥签的", last.Seq)
	}
	if witnessed != nil {
		switch {
		case witnessed.Seq > head.Seq:
			return ChainBroken(projectID, "见证日志记得第 %d 条，数据库中的日志只到第 %d 条（日志被回退）", witnessed.Seq, head.Seq)
		case witnessed.Seq == head.Seq && witnessed.Head != head.Hash:
			return ChainBroken(projectID, "见证日志记录的第 %d 条哈希与数据库不符（日志被改写）", head.Seq)
		}
	}
	return nil
}

// LinkEvents chains events after head: each gets the next seq, the hash
// before it and its own hash. It returns the new head.
func LinkEvents(head ChainHead, events []*AuditEvent) ChainHead {
	for _, e := range events {
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		e.Seq, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = ChainHash(e.PrevHash, e.Canonical())
		head = ChainHead{Seq: e.Seq, Hash: e.Hash}
	}
	return head
}

// ProveEvent checks that event first (and the events after it up to the
// checkpoint cp) lie on a chain the key signed: each event follows the one
// before and hashes to its hash, and cp names the last one and verifies.
// It is how a credential row (a signing link, a session) is checked
// against the event that issued it without reading the whole chain.
func ProveEvent(events []*AuditEvent, cp *Checkpoint, pub ed25519.PublicKey) error {
	if len(events) == 0 || cp == nil {
		return fmt.Errorf("没有签名存证覆盖这条事件")
	}
	prev := events[0].PrevHash
	for i, e := range events {
		if i > 0 && e.Seq != events[i-1].Seq+1 || e.PrevHash != prev || ChainHash(prev, e.Canonical()) != e.Hash {
			return fmt.Errorf("第 %d 条事件与日志不符", e.Seq)
		}
		prev = e.Hash
	}
	last := events[len(events)-1]
	if cp.Seq != last.Seq || cp.Head != last.Hash || !VerifyCheckpoint(pub, cp) {
		return fmt.Errorf("第 %d 条事件的签名存证无法验证", last.Seq)
	}
	return nil
}
