package witness

import (
	"crypto/ed25519"

	"github.com/renovote/renovote/engine"
)

// verdict is what a witness makes of a checkpoint, given what it holds for
// the checkpoint's chain.
type verdict int

const (
	accept     verdict = iota // a later head: witness it
	duplicate                 // exactly one already witnessed: nothing to do
	fork                      // same seq, another head
	regression                // earlier than the latest witnessed, never seen
)

// judge decides on c; latest is the chain's latest witnessed seq (0: none),
// headAt the head witnessed at c.Seq, if seen.
func judge(c *engine.Checkpoint, latest int64, headAt string, seen bool) verdict {
	switch {
	case seen && headAt == c.Head:
		return duplicate
	case seen:
		return fork
	case c.Seq < latest:
		return regression
	}
	return accept
}

// refusal is the error for a fork, a regression or a bad signature:
// chain_broken, naming the chain, for the console and the log.
func refusal(v verdict, c *engine.Checkpoint, latest int64, witnessedHead string) *engine.Error {
	switch v {
	case fork:
		return engine.Errorf(engine.ECodeChainBroken, "%s第%d条的签名存证（哈希 %s…）与已见证的（哈希 %s…）不同：审计链出现分叉，见证方拒绝接收，请立即核查数据库",
			chainName(c.ProjectID), c.Seq, short(c.Head), short(witnessedHead))
	case regression:
		return engine.Errorf(engine.ECodeChainBroken, "%s的签名存证退回到第%d条，而已见证到第%d条：审计链被回滚，见证方拒绝接收，请立即核查数据库",
			chainName(c.ProjectID), c.Seq, latest)
	}
	return nil
}

// badSignature refuses a checkpoint pub did not sign.
func badSignature(pub ed25519.PublicKey, c *engine.Checkpoint) *engine.Error {
	return engine.Errorf(engine.ECodeChainBroken, "%s第%d条的签名存证无法用公钥 %s 验证（存证被伪造，或不是这把密钥签的），见证方拒绝接收",
		chainName(c.ProjectID), c.Seq, engine.KeyFingerprint(pub))
}

func short(h string) string { return h[:min(len(h), engine.AnchorPrefix)] }
