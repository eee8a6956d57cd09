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
	"os"
	"strings"

	"github.com/renovote/renovote/engine"
)

// The key that signs the audit chains' checkpoints lives in a file beside
// the server, never in the database (docs/lifecycle.md): someone who can
// rewrite the database but cannot read this file cannot forge a chain.

// defaultKeyPath is where the key is kept when no flag or environment
// variable names a file.
const defaultKeyPath = "renovote.key"

// keyFlag adds --signing-key, defaulting to RENOVOTE_SIGNING_KEY and then
// renovote.key.
func keyFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("signing-key", envOr(getenv, "RENOVOTE_SIGNING_KEY", defaultKeyPath), "file holding the checkpoint signing key (created 0600 if missing)")
}

// loadOrCreateKey reads the key file, or creates it with a new random key
// (mode 0600) when it does not exist. created says which.
func loadOrCreateKey(path string) (key *engine.SigningKey, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, false, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("无法创建签名密钥文件“%s”：%w", path, err)
		}
		_, werr := fmt.Fprintln(f, base64.StdEncoding.EncodeToString(seed))
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, false, fmt.Errorf("无法写入签名密钥文件“%s”：%w", path, err)
		}
		key, err := engine.NewSigningKey(seed)
		return key, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("无法读取签名密钥文件“%s”：%w", path, err)
	}
	key, err = readKey(path, data)
	return key, false, err
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

// publicKey finds the key that checks checkpoints: --public-key FILE, else
// the public half of the signing key file (which must exist: checking never
// creates a key).
func publicKey(publicFile, keyFile string) (ed25519.PublicKey, error) {
	if publicFile != "" {
		data, err := os.ReadFile(publicFile)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("无法读取公钥文件“%s”：%v", publicFile, errText(err))}
		}
		return engine.ParsePublicKey(string(data))
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

// runKey shows the signing key's fingerprint (renovote key show), or the
// public key itself (--public), for checking without the private key.
func runKey(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "show" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, commandHelp["key"])
			return errHelp
		}
		return &usageError{"用法：renovote key show [--public] [--signing-key FILE]"}
	}
	fs := newFlagSet("key", stderr)
	keyFile := keyFlag(fs, getenv)
	public := fs.Bool("public", false, "print the public key (base64), for audit verify --public-key")
	if err := parseNoArgs(fs, args[1:], stdout); err != nil {
		return err
	}
	key, created, err := loadOrCreateKey(*keyFile)
	if err != nil {
		return err
	}
	if *public {
		fmt.Fprintln(stdout, base64.StdEncoding.EncodeToString(key.Public()))
		return nil
	}
	if created {
		fmt.Fprintf(stdout, "已创建签名密钥文件 %s（权限 0600，请备份，不要放进数据库）\n", *keyFile)
	}
	fmt.Fprintf(stdout, "签名密钥：%s\n公钥指纹：%s\n公钥：%s\n", *keyFile, key.ID(), base64.StdEncoding.EncodeToString(key.Public()))
	return nil
}
