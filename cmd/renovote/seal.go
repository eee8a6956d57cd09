package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/renovote/renovote/engine"
)

// The seal key encrypts signing-link tokens so that slips can be printed
// again with the same links (engine.SealKey). It lives in a file beside the
// signing key — renovote.seal in the key file's directory unless
// --seal-key names another — and never in the database. It is made the
// first time the server starts without one (with the signing key on a new
// install). `renovote key rotate` does not touch it: rotating the
// checkpoint key leaves printed slips valid. Losing it voids only the
// reprint of links sealed under it (slips.pdf names them; re-issuing a
// link seals the new one under the key in place).

// sealFlag adds --seal-key (RENOVOTE_SEAL_KEY).
func sealFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("seal-key", getenv("RENOVOTE_SEAL_KEY"), "file holding the key that seals signing-link tokens for reprinting slips (default: renovote.seal beside the signing key; created 0600 when missing)")
}

// sealPath is --seal-key, or renovote.seal in the signing key's directory.
func sealPath(flagValue, keyFile string) string {
	if flagValue != "" {
		return flagValue
	}
	return filepath.Join(filepath.Dir(keyFile), "renovote.seal")
}

// loadSealKey reads the seal key file, creating it (0600, never over an
// existing file) when it does not exist.
func loadSealKey(path string, stdout io.Writer) (*engine.SealKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		secret := make([]byte, engine.SealKeySize)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("无法创建封存密钥文件“%s”：%w", path, err)
		}
		_, werr := fmt.Fprintln(f, base64.StdEncoding.EncodeToString(secret))
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, fmt.Errorf("无法写入封存密钥文件“%s”：%w", path, err)
		}
		key, err := engine.NewSealKey(secret)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "已创建封存密钥文件 %s（权限 0600，请与签名密钥一起备份，不要放进数据库；丢失后已发放的链接不能再重印纸条）\n", path)
		return key, nil
	}
	if err != nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "无法读取封存密钥文件“%s”：%v", path, errText(err))
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("封存密钥文件“%s”格式不对：应为一行 base64", path)}
	}
	key, err := engine.NewSealKey(secret)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("封存密钥文件“%s”：%v", path, err)}
	}
	return key, nil
}
