package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store/storetest"
)

// TestSealKeyFile: the seal key is made beside the signing key (0600) the
// first time, read back the same afterwards, refused when garbled; and
// `key rotate` changes the signing key but not the seal key, so printed
// slips stay valid.
func TestSealKeyFile(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		k := newKeyed(t, dsn)
		path := sealPath("", k.keyFile)
		if path != filepath.Join(filepath.Dir(k.keyFile), "renovote.seal") || sealPath("/x/y.seal", k.keyFile) != "/x/y.seal" {
			t.Fatalf("seal path %s", path)
		}
		var out bytes.Buffer
		first, err := loadSealKey(path, &out)
		if err != nil || !strings.Contains(out.String(), "已创建封存密钥文件") {
			t.Fatalf("first load: %v %q", err, out.String())
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("seal key file: %v, %v", info, err)
		}
		before, _ := os.ReadFile(path)
		res := cliEnv(t, nil, "key", "rotate", "--db", dsn, "--signing-key", k.keyFile)
		if res.status != 0 {
			t.Fatalf("key rotate: %+v", res)
		}
		after, _ := os.ReadFile(path)
		again, err := loadSealKey(path, &out)
		if err != nil || !bytes.Equal(before, after) || again.ID() != first.ID() {
			t.Fatalf("the seal key changed with the signing key: %v", err)
		}
		token := "abc"
		if got, err := again.Open(first.Seal(token), engine.HashToken(token)); err != nil || got != token {
			t.Errorf("a token sealed before the rotation does not open after it: %v", err)
		}
		bad := filepath.Join(t.TempDir(), "bad.seal")
		os.WriteFile(bad, []byte("not base64!\n"), 0o600)
		if _, err := loadSealKey(bad, &out); err == nil || !strings.Contains(err.Error(), "格式不对") {
			t.Errorf("a garbled seal key file: %v", err)
		}
	})
}
