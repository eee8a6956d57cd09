package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
)

// The key that signs the audit chains' checkpoints lives in a file beside
// the server, never in the database (docs/lifecycle.md): someone who can
// rewrite the database but cannot read this file cannot forge a chain.
// Over a database with checkpoints no command makes a new key by itself:
// only `renovote key rotate` does, and records it in the chains.

// defaultKeyPath is where the key is kept when no flag or environment
// variable names a file.
const defaultKeyPath = "renovote.key"

// keyFlag adds --signing-key, defaulting to RENOVOTE_SIGNING_KEY and then
// renovote.key.
func keyFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("signing-key", envOr(getenv, "RENOVOTE_SIGNING_KEY", defaultKeyPath), "file holding the checkpoint signing key (created 0600 on a database without checkpoints)")
}

// readKeyFile reads the key file; nil (and no error) when it does not exist.
func readKeyFile(path string) (*engine.SigningKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "无法读取签名密钥文件“%s”：%v", path, errText(err))
	}
	return readKey(path, data)
}

// newSeed is a fresh random key seed.
func newSeed() ([]byte, error) {
	seed := make([]byte, ed25519.SeedSize)
	_, err := rand.Read(seed)
	return seed, err
}

// writeKeyFile creates path (never over an existing file) with mode 0600
// and the seed, synced.
func writeKeyFile(path string, seed []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("无法创建签名密钥文件“%s”：%w", path, err)
	}
	_, werr := fmt.Fprintln(f, base64.StdEncoding.EncodeToString(seed))
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("无法写入签名密钥文件“%s”：%w", path, err)
	}
	return nil
}

// createKey makes a new key in path.
func createKey(path string) (*engine.SigningKey, error) {
	seed, err := newSeed()
	if err != nil {
		return nil, err
	}
	if err := writeKeyFile(path, seed); err != nil {
		return nil, err
	}
	return engine.NewSigningKey(seed)
}

// loadOrCreateKey reads a key file, or creates it when missing: for keys
// that sign nothing in the database (the witness's own key).
func loadOrCreateKey(path string) (key *engine.SigningKey, created bool, err error) {
	if key, err = readKeyFile(path); err != nil || key != nil {
		return key, false, err
	}
	key, err = createKey(path)
	return key, err == nil, err
}

// readKey reads an existing key file.
func readKey(path string, data []byte) (*engine.SigningKey, error) {
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("签名密钥文件“%s”格式不对：应为一行 base64", path)}
	}
	key, err := engine.NewSigningKey(seed)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("签名密钥文件“%s”：%v", path, err)}
	}
	return key, nil
}

// keyFor is the key that may sign for the database s: the key file's,
// which must be the key of the newest checkpoints (engine.CheckSigningKey);
// created only when the database holds no checkpoint.
func keyFor(ctx context.Context, s *store.Store, path string, stdout io.Writer) (*engine.SigningKey, error) {
	latest, err := s.LatestCheckpoints(ctx)
	if err != nil {
		return nil, err
	}
	key, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	if err := engine.CheckSigningKey(path, key, latest); err != nil {
		return nil, err
	}
	if key != nil && len(latest) > 0 {
		// a key brought in by a forged rotation is not the key of the chains
		rotations, err := s.KeyRotations(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := engine.NewKeyHistory(rotations, key.Public()); err != nil {
			return nil, engine.Errorf(engine.ECodeUnavailable, "签名密钥文件“%s”的密钥（指纹 %s）无法由本库的密钥历史核实：%v", path, key.ID(), err)
		}
	}
	if key == nil {
		if key, err = createKey(path); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "已创建签名密钥文件 %s（权限 0600，请备份，不要放进数据库；公钥指纹 %s）\n", path, key.ID())
	}
	return key, nil
}

// openSigned opens the database with the checkpoint key of keyFile (see
// keyFor); right after the upgrade that introduced checkpoints it signs
// the chains written before.
func openSigned(ctx context.Context, dsn, keyFile string, logger *slog.Logger, stdout io.Writer) (*store.Store, *engine.SigningKey, error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	key, err := keyFor(ctx, s, keyFile, stdout)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	s.SetSigningKey(key)
	n, err := s.SignLegacyChains(ctx)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	if n > 0 {
		logger.Warn("signed the heads of chains written before checkpoints existed", "chains", n, "key", key.ID())
	}
	return s, key, nil
}

// publicKey finds the key that checks checkpoints: --public-key FILE, else
// the public half of the signing key file (which must exist: checking never
// creates a key).
func publicKey(publicFile, keyFile string) (ed25519.PublicKey, error) {
	if publicFile != "" {
		return readPublicKey(publicFile)
	}
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("找不到签名密钥文件“%s”：请用 --public-key 指定公钥文件（renovote key show --public 输出），或用 --signing-key 指定密钥文件", keyFile)}
	}
	key, err := readKey(keyFile, data)
	if err != nil {
		return nil, err
	}
	return key.Public(), nil
}

func readPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("无法读取公钥文件“%s”：%v", path, errText(err))}
	}
	return engine.ParsePublicKey(string(data))
}

const keyUsage = "用法：renovote key show [--public] [--signing-key FILE] [--db DSN] 或 renovote key rotate [--signing-key FILE] [--new-key FILE] [--old-key-lost [--old-public-key FILE] --by 姓名] [--db DSN]"

// runKey shows the signing key (renovote key show) or replaces it
// (renovote key rotate).
func runKey(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, commandHelp["key"])
		return errHelp
	}
	if len(args) == 0 {
		return &usageError{keyUsage}
	}
	switch args[0] {
	case "show":
		return runKeyShow(ctx, args[1:], getenv, stdout, stderr)
	case "rotate":
		return runKeyRotate(ctx, args[1:], getenv, stdout, stderr)
	}
	return &usageError{keyUsage}
}

// runKeyShow prints the key's fingerprint and the database's key history,
// or the public key itself (--public), for checking without the private
// key. Without a database (no SQLite file there) it shows the key file
// alone, creating it if missing.
func runKeyShow(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("key", stderr)
	keyFile := keyFlag(fs, getenv)
	db := dbFlag(fs, getenv)
	public := fs.Bool("public", false, "print the public key (base64), for audit verify --public-key")
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	var s *store.Store
	if _, err := os.Stat(*db); store.IsPostgres(*db) || err == nil {
		var err error
		if s, err = store.Open(ctx, *db); err != nil {
			return err
		}
		defer s.Close()
	}
	var key *engine.SigningKey
	var err error
	if s != nil {
		key, err = keyFor(ctx, s, *keyFile, stderr)
	} else if key, err = readKeyFile(*keyFile); err == nil && key == nil {
		key, err = createKey(*keyFile)
		if err == nil {
			fmt.Fprintf(stderr, "已创建签名密钥文件 %s（权限 0600，请备份，不要放进数据库）\n", *keyFile)
		}
	}
	if err != nil {
		return err
	}
	if *public {
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(key.Public()))
		return nil
	}
	fmt.Fprintf(stdout, "签名密钥：%s\n公钥指纹：%s\n公钥：%s\n", *keyFile, key.ID(), base64.StdEncoding.EncodeToString(key.Public()))
	if s == nil {
		return nil
	}
	rotations, err := s.KeyRotations(ctx)
	if err != nil {
		return err
	}
	h, err := engine.NewKeyHistory(rotations, key.Public())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "密钥历史（%s）：\n%s", s.Dialect(), h.Text())
	return nil
}

// runKeyRotate replaces the signing key, recorded in the chains: see
// docs/lifecycle.md, "The key".
func runKeyRotate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("key", stderr)
	keyFile := keyFlag(fs, getenv)
	db := dbFlag(fs, getenv)
	newKeyFile := fs.String("new-key", "", "use the key in this file (made elsewhere) instead of a new random one")
	lost := fs.Bool("old-key-lost", false, "the old key is lost: rotate without its signature (a break of trust that audit verify reports)")
	oldPublicFile := fs.String("old-public-key", "", "with --old-key-lost: the lost key's public key (renovote key show --public), so that its checkpoints can still be checked")
	by := fs.String("by", "", "with --old-key-lost: who declares the old key lost (recorded)")
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	if *lost && strings.TrimSpace(*by) == "" {
		return &usageError{"--old-key-lost 需要 --by 姓名：谁确认旧密钥已丢失，会记入审计日志"}
	}
	if !*lost && (*oldPublicFile != "" || *by != "") {
		return &usageError{"--old-public-key 和 --by 只与 --old-key-lost 一起使用"}
	}
	next, seed, err := rotationNewKey(*newKeyFile)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	latest, err := s.LatestCheckpoints(ctx)
	if err != nil {
		return err
	}
	rotations, err := s.KeyRotations(ctx)
	if err != nil {
		return err
	}
	for _, id := range usedKeyIDs(rotations, latest) {
		if id == next.ID() {
			return &usageError{fmt.Sprintf("新密钥 %s 已在本库的密钥历史中用过：换钥必须换成从未用过的密钥", next.ID())}
		}
	}
	now := engine.Now()
	var rotation *engine.AuditEvent
	var old *engine.SigningKey
	var oldID string
	var oldPub ed25519.PublicKey
	if *lost {
		if oldID, oldPub, err = lostKey(*keyFile, *oldPublicFile, latest, rotations); err != nil {
			return err
		}
		rotation = engine.KeyLostEvent(oldID, oldPub, next, now, strings.TrimSpace(*by))
	} else {
		if old, err = readKeyFile(*keyFile); err != nil {
			return err
		}
		if old == nil {
			return engine.Errorf(engine.ECodeUnavailable, "找不到签名密钥文件“%s”：换钥需要旧密钥签名。请从备份恢复它；确认旧密钥已丢失时用 --old-key-lost --by 姓名", *keyFile)
		}
		if err := engine.CheckSigningKey(*keyFile, old, latest); err != nil {
			return err
		}
		oldID, oldPub = old.ID(), old.Public()
		rotation = engine.KeyRotatedEvent(old, next, now)
	}
	// The new key goes to disk before the database names it: a crash in
	// between leaves both files, never a database signed by a key nowhere.
	pending := *keyFile + ".new"
	if err := writeKeyFile(pending, seed); err != nil {
		return err
	}
	s.SetSigningKey(next)
	chains := 1 // the system chain, then each marked one
	err = s.RotateKey(ctx, rotation,
		func(projectID int64, head engine.ChainHead, last *engine.Checkpoint) error {
			return engine.CheckRotatedHead(projectID, head, last, oldID, oldPub)
		},
		func(projectID, rotationSeq int64) *engine.AuditEvent {
			chains++
			return engine.KeyRotatedMarker(projectID, rotationSeq, oldID, next.ID(), now)
		})
	if err != nil {
		os.Remove(pending)
		return err
	}
	if err := installKey(*keyFile, pending, old); err != nil {
		return fmt.Errorf("数据库已换用新密钥 %s，但密钥文件没有换好（%v）：新密钥在 %s，请把它改名为 %s", next.ID(), err, pending, *keyFile)
	}
	fmt.Fprintf(stdout, "已换钥：%s → %s（系统日志第 %d 条；%d 条审计链的最新位置已用新密钥重新签名）\n", oldID, next.ID(), rotation.Seq, chains)
	// the seal key (seal.go) is another file: slips already printed stay valid
	fmt.Fprintf(stdout, "封存密钥文件（默认 %s）不随签名密钥更换：已打印的纸条仍然有效。\n", sealPath("", *keyFile))
	if old != nil {
		fmt.Fprintf(stdout, "旧密钥保存在 %s.old-%s；新密钥在 %s（权限 0600，请立即备份）。正在运行的 renovote serve 必须重启。\n", *keyFile, old.ID(), *keyFile)
	} else {
		fmt.Fprintf(stdout, "新密钥在 %s（权限 0600，请立即备份）。正在运行的 renovote serve 必须重启。\n", *keyFile)
		fmt.Fprintf(stdout, "注意：旧密钥丢失，没有旧密钥的签名担保这次换钥。audit verify 会在系统日志第 %d 条报告信任中断，直到核对者用 --accept-break %d 接受。\n", rotation.Seq, rotation.Seq)
	}
	return nil
}

// rotationNewKey is the key to rotate to: the file's, else a new one.
func rotationNewKey(path string) (*engine.SigningKey, []byte, error) {
	if path == "" {
		seed, err := newSeed()
		if err != nil {
			return nil, nil, err
		}
		key, err := engine.NewSigningKey(seed)
		return key, seed, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &usageError{fmt.Sprintf("无法读取新密钥文件“%s”：%v", path, errText(err))}
	}
	key, err := readKey(path, data)
	if err != nil {
		return nil, nil, err
	}
	seed, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	return key, seed, nil
}

// usedKeyIDs is every key id the database has seen.
func usedKeyIDs(rotations []*engine.AuditEvent, latest []*engine.Checkpoint) []string {
	var ids []string
	for _, c := range latest {
		ids = append(ids, c.KeyID)
	}
	for _, e := range rotations {
		var r engine.KeyRotation
		if engine.DecodeKeyRotation(e, &r) == nil {
			ids = append(ids, r.OldKeyID, r.NewKeyID)
		}
	}
	return ids
}

// lostKey is the id (and public half, when known) of the key declared
// lost: the one that signed the newest checkpoints. The key file must be
// gone — a key that is there is not lost.
func lostKey(keyFile, publicFile string, latest []*engine.Checkpoint, rotations []*engine.AuditEvent) (string, ed25519.PublicKey, error) {
	if _, err := os.Stat(keyFile); err == nil {
		return "", nil, &usageError{fmt.Sprintf("签名密钥文件“%s”还在：旧密钥没有丢失就不要用 --old-key-lost（去掉它即可正常换钥）；若这个文件不是旧密钥，请先把它移走", keyFile)}
	}
	if len(latest) == 0 {
		return "", nil, &usageError{"数据库里没有签名存证：没有需要延续的密钥，不必换钥（服务启动时会创建新密钥）"}
	}
	id := latest[0].KeyID
	for _, c := range latest {
		if c.KeyID != id {
			return "", nil, engine.Errorf(engine.ECodeConflict, "各审计链最新的签名存证由不同的密钥签署（%s、%s）：请先用 renovote audit verify 查明", id, c.KeyID)
		}
	}
	if publicFile != "" {
		pub, err := readPublicKey(publicFile)
		if err != nil {
			return "", nil, err
		}
		if engine.KeyFingerprint(pub) != id {
			return "", nil, &usageError{fmt.Sprintf("公钥文件“%s”的指纹是 %s，而丢失的密钥是 %s", publicFile, engine.KeyFingerprint(pub), id)}
		}
		return id, pub, nil
	}
	for _, e := range rotations { // a key brought in by a rotation has its public half recorded
		var r engine.KeyRotation
		if engine.DecodeKeyRotation(e, &r) == nil && r.NewKeyID == id && r.NewKey != "" {
			pub, err := engine.ParsePublicKey(r.NewKey)
			return id, pub, err
		}
	}
	return id, nil, nil
}

// installKey puts the pending key in place of path, keeping the old one as
// path.old-FINGERPRINT (same mode, 0600).
func installKey(path, pending string, old *engine.SigningKey) error {
	if old != nil {
		if err := os.Rename(path, path+".old-"+old.ID()); err != nil {
			return err
		}
	}
	if err := os.Rename(pending, path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(dir.Sync(), dir.Close())
}
