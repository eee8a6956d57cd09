package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// keyed is a database whose chains storetest.Key signed, and a key file
// holding that key.
type keyed struct {
	dsn, keyFile string
	project      int64
}

// newKeyed writes a project chain (three events) and a system chain (one)
// signed by storetest.Key, whose seed goes into a key file.
func newKeyed(t *testing.T, dsn string) keyed {
	t.Helper()
	seed := sha256.Sum256([]byte("renovote test signing key")) // storetest.Key's
	k := keyed{dsn: dsn, keyFile: filepath.Join(t.TempDir(), "renovote.key"), project: 7}
	if err := writeKeyFile(k.keyFile, seed[:]); err != nil {
		t.Fatal(err)
	}
	s := storetest.Open(t, dsn)
	appendEvents(t, s, k.project, 3)
	appendEvents(t, s, 0, 1)
	s.Close()
	return k
}

func appendEvents(t *testing.T, s *store.Store, project int64, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := s.AppendAudit(context.Background(), &engine.AuditEvent{ProjectID: project, Kind: engine.AuditContactChanged,
			Actor: engine.ActorOperator, Data: engine.AuditData(map[string]int{"n": i})}); err != nil {
			t.Fatal(err)
		}
	}
}

// openWithKeyFile opens the database signing with the key in file, as a
// server started with it would.
func openWithKeyFile(t *testing.T, dsn, file string) *store.Store {
	t.Helper()
	key, err := readKeyFile(file)
	if err != nil || key == nil {
		t.Fatalf("key file %s: %v, %v", file, key, err)
	}
	s := storetest.Open(t, dsn)
	s.SetSigningKey(key)
	return s
}

func (k keyed) verify(t *testing.T, project int64, extra ...string) cliResult {
	t.Helper()
	return cliEnv(t, nil, append([]string{"audit", "verify", strconv.FormatInt(project, 10), "--db", k.dsn, "--signing-key", k.keyFile}, extra...)...)
}

func otherKeyFile(t *testing.T) (string, *engine.SigningKey) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.key")
	key, err := createKey(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, key
}

// TestKeyServeRefuses: over signed chains, serve (and every command that
// signs) refuses a missing key file — and never creates one — or a key
// that did not sign the newest checkpoints: exit 3, naming the file.
func TestKeyServeRefuses(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		k := newKeyed(t, dsn)
		missing := filepath.Join(t.TempDir(), "gone.key")
		other, otherKey := otherKeyFile(t)
		for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"migrate"}} {
			res := cliEnv(t, nil, append(cmd, "--db", dsn, "--signing-key", missing)...)
			if res.status != 3 || !strings.Contains(res.stderr, missing) || !strings.Contains(res.stderr, "key rotate --old-key-lost") || !strings.Contains(res.stderr, "备份") {
				t.Errorf("%s with the key file missing: %+v, want exit 3 naming %s", cmd[0], res, missing)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Fatalf("%s created a key over signed chains: %v", cmd[0], err)
			}
			res = cliEnv(t, nil, append(cmd, "--db", dsn, "--signing-key", other)...)
			if res.status != 3 || !strings.Contains(res.stderr, other) || !strings.Contains(res.stderr, otherKey.ID()) || !strings.Contains(res.stderr, storetest.Key.ID()) {
				t.Errorf("%s with another key: %+v, want exit 3 naming the file and both fingerprints", cmd[0], res)
			}
		}
		if res := cliEnv(t, nil, "migrate", "--db", dsn, "--signing-key", k.keyFile); res.status != 0 {
			t.Errorf("migrate with the right key: %+v", res)
		}
	})
}

// TestKeyRotate: a rotation signed by the old key; afterwards the new key
// signs, the old one is refused, and every chain — before, across and
// after the rotation — verifies with the new key, and with the old one.
func TestKeyRotate(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		k := newKeyed(t, dsn)
		oldText, _ := os.ReadFile(k.keyFile)
		res := cliEnv(t, nil, "key", "rotate", "--db", dsn, "--signing-key", k.keyFile)
		if res.status != 0 || !strings.Contains(res.stdout, "已换钥："+storetest.Key.ID()) || !strings.Contains(res.stdout, "2 条审计链") {
			t.Fatalf("key rotate: %+v", res)
		}
		kept := k.keyFile + ".old-" + storetest.Key.ID()
		if info, err := os.Stat(kept); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("old key kept as %s: %v, %v", kept, info, err)
		}
		if text, _ := os.ReadFile(kept); string(text) != string(oldText) {
			t.Fatalf("the kept old key differs")
		}
		info, err := os.Stat(k.keyFile)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("new key file: %v, %v", info, err)
		}
		next, err := readKeyFile(k.keyFile)
		if err != nil || next.ID() == storetest.Key.ID() {
			t.Fatalf("new key %v, %v", next, err)
		}
		// every chain's newest checkpoint is now the new key's, so a server
		// with it may extend them
		s := openWithKeyFile(t, dsn, k.keyFile)
		latest, err := s.LatestCheckpoints(context.Background())
		if err != nil || len(latest) != 2 {
			t.Fatalf("latest checkpoints: %v, %v", latest, err)
		}
		for _, c := range latest {
			if !engine.VerifyCheckpoint(next.Public(), c) {
				t.Errorf("chain %d's newest checkpoint is not the new key's: %+v", c.ProjectID, c)
			}
		}
		for _, p := range []int64{k.project, 0} {
			if res := k.verify(t, p); res.status != 0 || !strings.Contains(res.stdout, "完整") {
				t.Errorf("audit verify %d after the rotation: %+v", p, res)
			}
		}
		if res := cliEnv(t, nil, "migrate", "--db", dsn, "--signing-key", k.keyFile); res.status != 0 {
			t.Errorf("migrate with the new key: %+v", res)
		}
		if res := serveUntilStarted(t, dsn, k.keyFile); res.status != 0 || !strings.Contains(res.stdout, "已启动") {
			t.Errorf("serve with the new key: %+v", res)
		}
		if res := k.verify(t, 0); res.status != 0 {
			t.Errorf("audit verify 0 after serve wrote with the new key: %+v", res)
		}
		if res := cliEnv(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--signing-key", kept); res.status != 3 || !strings.Contains(res.stderr, next.ID()) {
			t.Errorf("serve with the retired key: %+v, want exit 3", res)
		}
		// a chain written after the rotation verifies, with the new key
		// and with the old public key (the rotation vouches for the new)
		appendEvents(t, s, k.project, 2)
		appendEvents(t, s, 9, 2)
		oldPub := filepath.Join(t.TempDir(), "old.pub")
		os.WriteFile(oldPub, []byte(base64.StdEncoding.EncodeToString(storetest.Key.Public())), 0o644)
		for _, p := range []int64{k.project, 9} {
			if res := k.verify(t, p); res.status != 0 {
				t.Errorf("audit verify %d after writing with the new key: %+v", p, res)
			}
			if res := k.verify(t, p, "--public-key", oldPub); res.status != 0 {
				t.Errorf("audit verify %d with the old public key: %+v", p, res)
			}
		}
		show := cliEnv(t, nil, "key", "show", "--db", dsn, "--signing-key", k.keyFile)
		if show.status != 0 || !strings.Contains(show.stdout, storetest.Key.ID()+"（最初的密钥）") || !strings.Contains(show.stdout, next.ID()) || !strings.Contains(show.stdout, "有旧密钥签名") {
			t.Errorf("key show after a rotation: %+v", show)
		}
		// the old key still signs: a server holding it may not extend a
		// chain past the rotation (the head is the new key's)
		s.SetSigningKey(storetest.Key)
		err = s.AppendAudit(context.Background(), &engine.AuditEvent{ProjectID: k.project, Kind: engine.AuditContactChanged, Actor: engine.ActorOperator})
		if engine.ErrorCode(err) != engine.ECodeChainBroken {
			t.Errorf("the retired key extended a chain past the rotation: %v", err)
		}
	})
}

// TestKeyRotateOldKeyLost: with the key file gone, key rotate
// --old-key-lost makes a new key; audit verify then reports the break of
// trust at the rotation's seq and fails until it is accepted.
func TestKeyRotateOldKeyLost(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		k := newKeyed(t, dsn)
		if err := os.Remove(k.keyFile); err != nil {
			t.Fatal(err)
		}
		if res := cliEnv(t, nil, "key", "rotate", "--db", dsn, "--signing-key", k.keyFile); res.status != 3 || !strings.Contains(res.stderr, "--old-key-lost") {
			t.Fatalf("key rotate without the old key: %+v, want exit 3", res)
		}
		if res := cliEnv(t, nil, "key", "rotate", "--old-key-lost", "--db", dsn, "--signing-key", k.keyFile); res.status != 2 {
			t.Fatalf("key rotate --old-key-lost without --by: %+v, want exit 2", res)
		}
		res := cliEnv(t, nil, "key", "rotate", "--old-key-lost", "--by", "王专干", "--db", dsn, "--signing-key", k.keyFile)
		if res.status != 0 || !strings.Contains(res.stdout, "信任中断") {
			t.Fatalf("key rotate --old-key-lost: %+v", res)
		}
		s := openWithKeyFile(t, dsn, k.keyFile)
		rotations, err := s.KeyRotations(context.Background())
		if err != nil || len(rotations) != 1 {
			t.Fatalf("rotations: %v, %v", rotations, err)
		}
		seq := rotations[0].Seq
		at := fmt.Sprintf("系统日志第%d条", seq)
		for _, p := range []int64{k.project, 0} {
			res := k.verify(t, p)
			if res.status != 1 || !strings.Contains(res.stderr, "信任中断") || !strings.Contains(res.stderr, at) || !strings.Contains(res.stderr, "王专干") {
				t.Errorf("audit verify %d after a lost-key rotation: %+v, want exit 1 naming the break at %s", p, res, at)
			}
			res = k.verify(t, p, "--accept-break", strconv.FormatInt(seq, 10))
			if res.status != 0 || !strings.Contains(res.stderr, "信任中断") || !strings.Contains(res.stderr, "已用 --accept-break 接受") {
				t.Errorf("audit verify %d accepting the break: %+v, want exit 0 and the break still shown", p, res)
			}
		}
		if res := k.verify(t, k.project, "--accept-break", strconv.FormatInt(seq+1, 10)); res.status != 1 {
			t.Errorf("accepting another seq: %+v, want exit 1", res)
		}
		// the server starts with the new key and writes on
		if res := cliEnv(t, nil, "migrate", "--db", dsn, "--signing-key", k.keyFile); res.status != 0 {
			t.Errorf("migrate with the new key: %+v", res)
		}
		appendEvents(t, s, k.project, 1)
		if res := k.verify(t, k.project, "--accept-break", strconv.FormatInt(seq, 10)); res.status != 0 {
			t.Errorf("audit verify after writing on: %+v", res)
		}
		show := cliEnv(t, nil, "key", "show", "--db", dsn, "--signing-key", k.keyFile)
		if show.status != 0 || !strings.Contains(show.stdout, "信任在此中断") {
			t.Errorf("key show after a lost-key rotation: %+v", show)
		}
	})
}

// TestKeyForgedRotation: someone with the database but without the key
// writes a rotation to a key of their own (re-hashing the system chain,
// re-signing every head with their key): audit verify with the real key,
// or with theirs, fails, and no server starts with their key. Declaring
// the old key lost instead is the loud break of trust.
func TestKeyForgedRotation(t *testing.T) {
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprintf("lost=%v", lost), func(t *testing.T) {
			storetest.EachDSN(t, func(t *testing.T, dsn string) {
				k := newKeyed(t, dsn)
				attacker, attackerKey := otherKeyFile(t)
				s := storetest.Open(t, dsn)
				forge := engine.KeyRotation{OldKeyID: storetest.Key.ID(), NewKeyID: attackerKey.ID(),
					OldKey: base64.StdEncoding.EncodeToString(storetest.Key.Public()), NewKey: base64.StdEncoding.EncodeToString(attackerKey.Public())}
				if lost {
					forge.OldKeyLost, forge.By = true, "someone"
				} else {
					forge.OldSignature = base64.StdEncoding.EncodeToString(make([]byte, 64))
				}
				sys := forgeEvent(t, s, 0, engine.AuditKeyRotated, engine.AuditData(forge), attackerKey)
				forgeEvent(t, s, k.project, engine.AuditKeyRotated, engine.AuditData(engine.KeyRotation{OldKeyID: storetest.Key.ID(), NewKeyID: attackerKey.ID(), RotationSeq: sys}), attackerKey)
				real := k.verify(t, k.project)
				theirs := k.verify(t, k.project, "--signing-key", attacker)
				if lost {
					if real.status != 1 || !strings.Contains(real.stderr, "信任中断") || theirs.status != 1 || !strings.Contains(theirs.stderr, "信任中断") {
						t.Errorf("a forged rotation declared lost: %+v / %+v, want the break of trust", real, theirs)
					}
					return
				}
				if real.status != 1 || !strings.Contains(real.stderr, "有效签名") || theirs.status != 1 || !strings.Contains(theirs.stderr, "有效签名") {
					t.Errorf("a forged rotation: %+v / %+v, want exit 1 naming the missing signature", real, theirs)
				}
				if res := cliEnv(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--signing-key", attacker); res.status != 3 || !strings.Contains(res.stderr, "有效签名") {
					t.Errorf("serve with the forger's key: %+v, want exit 3", res)
				}
			})
		})
	}
}

// forgeEvent appends an event by SQL as a database administrator would:
// hashed onto the chain, head moved, checkpoint signed with key.
func forgeEvent(t *testing.T, s *store.Store, project int64, kind string, data json.RawMessage, key *engine.SigningKey) int64 {
	t.Helper()
	head, err := s.ChainHead(context.Background(), project)
	if err != nil {
		t.Fatal(err)
	}
	e := &engine.AuditEvent{ProjectID: project, Seq: head.Seq + 1, Kind: kind, Actor: engine.ActorOperator, Data: data,
		At: storetest.Epoch.Add(1e9), PrevHash: head.Hash}
	e.Hash = engine.ChainHash(e.PrevHash, e.Canonical())
	c := &engine.Checkpoint{ProjectID: project, Seq: e.Seq, Head: e.Hash, At: e.At}
	key.Sign(c)
	db := s.DB()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO audit_events (project_id, seq, kind, actor, data, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			[]any{e.ProjectID, e.Seq, e.Kind, e.Actor, string(e.Data), e.At, e.PrevHash, e.Hash}},
		{`UPDATE audit_heads SET seq = ?, hash = ? WHERE project_id = ?`, []any{e.Seq, e.Hash, project}},
		{`INSERT INTO checkpoints (project_id, seq, head, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)`,
			[]any{c.ProjectID, c.Seq, c.Head, c.At, c.KeyID, c.Signature}},
	} {
		if _, err := db.Exec(db.Rebind(q.sql), q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return e.Seq
}

// serveUntilStarted runs serve until it says it has started, then stops it.
func serveUntilStarted(t *testing.T, dsn, keyFile string) cliResult {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &startWatch{started: cancel}
	var stderr strings.Builder
	err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--signing-key", keyFile},
		func(k string) string { return map[string]string{"RENOVOTE_ADMIN_PASSWORD": "a-long-test-password"}[k] }, stdout, &stderr)
	status := report(err, &stderr)
	return cliResult{status, stdout.String(), stderr.String()}
}

// startWatch calls started once the server says it listens.
type startWatch struct {
	strings.Builder
	started func()
}

func (w *startWatch) Write(p []byte) (int, error) {
	n, err := w.Builder.Write(p)
	if strings.Contains(w.Builder.String(), "renovote 已启动") {
		w.started()
	}
	return n, err
}
