package engine

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func testKey(t *testing.T, name string) *SigningKey {
	t.Helper()
	seed := sha256.Sum256([]byte(name))
	k, err := NewSigningKey(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyChain is a chain of one project written by k0, rotated to k1 (system
// event seq 1 on project 0; marker at seq 3 here), then written by k1.
type keyChain struct {
	events    []*AuditEvent
	cps       []*Checkpoint
	rotations []*AuditEvent
}

func (c *keyChain) add(kind string, data []byte, key *SigningKey, at time.Time) {
	prev := GenesisHash
	if n := len(c.events); n > 0 {
		prev = c.events[n-1].Hash
	}
	e := &AuditEvent{ProjectID: 1, Seq: int64(len(c.events) + 1), Kind: kind, Actor: ActorOperator, Data: data, At: at, PrevHash: prev}
	e.Hash = ChainHash(prev, e.Canonical())
	c.events = append(c.events, e)
	cp := &Checkpoint{ProjectID: 1, Seq: e.Seq, Head: e.Hash, At: at}
	key.Sign(cp)
	c.cps = append(c.cps, cp)
}

func rotated(t *testing.T, k0, k1 *SigningKey, rot *AuditEvent) *keyChain {
	t.Helper()
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	rot.Seq = 1
	c := &keyChain{rotations: []*AuditEvent{rot}}
	c.add(AuditContactChanged, []byte(`{}`), k0, at)
	c.add(AuditContactChanged, []byte(`{}`), k0, at)
	c.add(AuditKeyRotated, AuditData(KeyRotation{OldKeyID: k0.ID(), NewKeyID: k1.ID(), RotationSeq: 1}), k1, at)
	c.add(AuditContactChanged, []byte(`{}`), k1, at)
	return c
}

func TestKeyHistoryChecks(t *testing.T) {
	k0, k1, k2 := testKey(t, "k0"), testKey(t, "k1"), testKey(t, "k2")
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	good := func() *AuditEvent { return KeyRotatedEvent(k0, k1, at) }
	for _, tc := range []struct {
		name   string
		chain  func() *keyChain
		trust  Trust
		ok     bool
		reason string
	}{
		{"rotation verifies with the new key", func() *keyChain { return rotated(t, k0, k1, good()) }, Trust{Public: k1.Public()}, true, ""},
		{"and with the old key", func() *keyChain { return rotated(t, k0, k1, good()) }, Trust{Public: k0.Public()}, true, ""},
		{"a key of no rotation", func() *keyChain { return rotated(t, k0, k1, good()) }, Trust{Public: k2.Public()}, false, "不在本库的密钥历史中"},
		{"old signature by another key", func() *keyChain {
			e := good()
			var r KeyRotation
			_ = DecodeKeyRotation(e, &r)
			r.OldSignature = base64.StdEncoding.EncodeToString(ed25519.Sign(k2.private, RotationMessage(k0.ID(), k1.Public(), at)))
			e.Data = AuditData(r)
			return rotated(t, k0, k1, e)
		}, Trust{Public: k1.Public()}, false, "有效签名"},
		{"rotations out of order", func() *keyChain { return rotated(t, k0, k1, KeyRotatedEvent(k2, k1, at)) }, Trust{Public: k1.Public()}, false, "不在密钥历史"},
		{"forged old signature", func() *keyChain {
			e := good()
			var r KeyRotation
			_ = DecodeKeyRotation(e, &r)
			r.OldSignature = base64.StdEncoding.EncodeToString(make([]byte, 64))
			e.Data = AuditData(r)
			return rotated(t, k0, k1, e)
		}, Trust{Public: k1.Public()}, false, "有效签名"},
		{"the retired key signs after the marker", func() *keyChain {
			c := rotated(t, k0, k1, good())
			c.add(AuditContactChanged, []byte(`{}`), k0, at)
			return c
		}, Trust{Public: k1.Public()}, false, "已退役的密钥"},
		{"the new key signs before the marker", func() *keyChain {
			c := rotated(t, k0, k1, good())
			k1.Sign(c.cps[0])
			return c
		}, Trust{Public: k1.Public()}, false, "换钥之后才启用"},
		{"the chain cut back before the rotation", func() *keyChain {
			c := rotated(t, k0, k1, good())
			c.events, c.cps = c.events[:2], c.cps[:2]
			return c
		}, Trust{Public: k1.Public()}, false, "不是当前密钥"},
		{"old key lost: a break", func() *keyChain { return rotated(t, k0, k1, KeyLostEvent(k0.ID(), nil, k1, at, "王专干")) }, Trust{Public: k1.Public()}, false, "信任中断"},
		{"a chain begun after a lost-key rotation does not cross it", func() *keyChain {
			c := &keyChain{rotations: []*AuditEvent{KeyLostEvent(k0.ID(), nil, k1, at, "王专干")}}
			c.rotations[0].Seq = 1
			c.add(AuditContactChanged, []byte(`{}`), k1, at)
			return c
		}, Trust{Public: k1.Public()}, true, ""},
		{"and checked with the lost key: it does", func() *keyChain {
			c := &keyChain{rotations: []*AuditEvent{KeyLostEvent(k0.ID(), k0.Public(), k1, at, "王专干")}}
			c.rotations[0].Seq = 1
			c.add(AuditContactChanged, []byte(`{}`), k1, at)
			return c
		}, Trust{Public: k0.Public()}, false, "信任中断"},
		{"old key lost, break accepted", func() *keyChain { return rotated(t, k0, k1, KeyLostEvent(k0.ID(), nil, k1, at, "王专干")) }, Trust{Public: k1.Public(), AcceptBreaks: []int64{1}}, true, ""},
		{"old key lost, its public half known: forged old checkpoint", func() *keyChain {
			c := rotated(t, k0, k1, KeyLostEvent(k0.ID(), k0.Public(), k1, at, "王专干"))
			c.cps[0].Signature = c.cps[1].Signature
			return c
		}, Trust{Public: k1.Public(), AcceptBreaks: []int64{1}}, false, "无法用公钥"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.chain()
			got := CheckAuditTrust(&AuditRecords{Events: c.events, Checkpoints: c.cps, Rotations: c.rotations}, tc.trust)
			if got.OK != tc.ok || !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("got ok=%v %q, want ok=%v containing %q", got.OK, got.Reason, tc.ok, tc.reason)
			}
		})
	}
}

func TestCheckSigningKey(t *testing.T) {
	k0, k1 := testKey(t, "k0"), testKey(t, "k1")
	by := func(k *SigningKey) *Checkpoint { c := &Checkpoint{}; k.Sign(c); return c }
	for _, tc := range []struct {
		name   string
		key    *SigningKey
		latest []*Checkpoint
		want   string // "" for allowed
	}{
		{"empty database, no key: created", nil, nil, ""},
		{"empty database, any key", k1, nil, ""},
		{"the key of the newest checkpoints", k0, []*Checkpoint{by(k0), by(k0)}, ""},
		{"missing over checkpoints", nil, []*Checkpoint{by(k0)}, "不存在"},
		{"another key", k1, []*Checkpoint{by(k0)}, k0.ID()},
		{"chains by two keys", k1, []*Checkpoint{by(k1), by(k0)}, k0.ID()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckSigningKey("renovote.key", tc.key, tc.latest)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want allowed", err)
			case tc.want != "" && (err == nil || ErrorCode(err) != ECodeUnavailable || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "renovote.key")):
				t.Errorf("got %v, want unavailable naming the file and %q", err, tc.want)
			}
		})
	}
}
