package witness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

// epoch is the tests' fixed clock (never today's date).
var epoch = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

func testKey(t testing.TB, b byte) *engine.SigningKey {
	t.Helper()
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = b
	}
	k, err := engine.NewSigningKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signed is a checkpoint of project p at seq whose head is derived from
// variant (another variant: another head at the same seq).
func signed(k *engine.SigningKey, p, seq int64, variant string) *engine.Checkpoint {
	c := &engine.Checkpoint{ProjectID: p, Seq: seq, Head: engine.ChainHash(variant, []byte(fmt.Sprint(p, seq))), At: epoch.Add(time.Duration(seq) * time.Second)}
	k.Sign(c)
	return c
}

func TestFileWitness(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	path := filepath.Join(t.TempDir(), DefaultFileName)
	w, err := Open(path, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 1, "a"), signed(k, 1, 3, "a"), signed(k, 0, 2, "a")}); err != nil {
		t.Fatal(err)
	}
	forged := signed(k, 1, 4, "a")
	forged.Head = signed(k, 1, 4, "b").Head
	for _, tc := range []struct {
		name string
		cp   *engine.Checkpoint
		want string // "" accepted
	}{
		{"the same again", signed(k, 1, 3, "a"), ""},
		{"an earlier one again", signed(k, 1, 1, "a"), ""},
		{"later", signed(k, 1, 5, "a"), ""},
		{"fork at the head", signed(k, 1, 5, "b"), "项目 1第5条的签名存证"},
		{"fork below the head", signed(k, 1, 3, "b"), "分叉"},
		{"regression", signed(k, 1, 4, "a"), "退回到第4条，而已见证到第5条"},
		{"system chain fork", signed(k, 0, 2, "b"), "系统审计链"},
		{"another key", signed(testKey(t, 2), 1, 6, "a"), "无法用公钥"},
		{"forged head", forged, "无法用公钥"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := w.Witness(ctx, []*engine.Checkpoint{tc.cp})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want accepted", err)
				}
				return
			}
			if engine.ErrorCode(err) != engine.ECodeChainBroken || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want chain_broken with %q", err, tc.want)
			}
		})
	}
	if _, err := Open(path, k.Public()); err == nil || !strings.Contains(err.Error(), "另一个") {
		t.Fatalf("a second process on the same file: got %v, want refused", err)
	}
	if h, ok := w.Head(1); !ok || h.Seq != 5 {
		t.Fatalf("head of 1: got %+v, want seq 5", h)
	}
	w.Close()

	// reopened: the same heads, and the same refusals
	w, err = Open(path, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if h, ok := w.Head(0); !ok || h.Seq != 2 || h.Head != signed(k, 0, 2, "a").Head {
		t.Fatalf("head of 0 after reopening: got %+v", h)
	}
	if err := w.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 5, "b")}); engine.ErrorCode(err) != engine.ECodeChainBroken {
		t.Fatalf("fork after reopening: got %v", err)
	}
	all, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(all[1]); got != 3 {
		t.Fatalf("ReadFile: got %d checkpoints of project 1, want 3 (1, 3, 5)", got)
	}
}

func TestFileTornAndMalformed(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFileName)
	w, err := Open(path, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 1, "a"), signed(k, 1, 2, "a")}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	good, _ := os.ReadFile(path)

	// a crash in the middle of a write: the torn line is cut off
	torn := append(append([]byte{}, good...), line(signed(k, 1, 3, "a"))[:40]...)
	os.WriteFile(path, torn, 0o600)
	w, err = Open(path, k.Public())
	if err != nil {
		t.Fatalf("torn last line: %v", err)
	}
	if h, _ := w.Head(1); h.Seq != 2 {
		t.Fatalf("after a torn line: head %d, want 2", h.Seq)
	}
	if err := w.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 3, "a")}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if all, err := ReadFile(path); err != nil || len(all[1]) != 3 {
		t.Fatalf("after appending past a torn line: %v %v", all, err)
	}

	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"garbage line", string(good) + "not json\n", "第3行格式不对"},
		{"garbage in the middle", "{}\n" + string(good), "第1行格式不对"},
		{"tampered head", strings.Replace(string(good), signed(k, 1, 2, "a").Head, signed(k, 1, 2, "b").Head, 1), "第2行"},
		{"fork in the file", string(good) + string(line(signed(k, 1, 2, "b"))), "第3行"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name)
			os.WriteFile(p, []byte(tc.data), 0o600)
			if _, err := Open(p, k.Public()); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestFileGroupCommit witnesses from many goroutines at once: every
// checkpoint is in the file once, and the heads are the highest.
func TestFileGroupCommit(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	path := filepath.Join(t.TempDir(), DefaultFileName)
	w, err := Open(path, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	const projects, seqs = 8, 50
	var wg sync.WaitGroup
	for p := int64(1); p <= projects; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := int64(1); s <= seqs; s++ {
				if err := w.Witness(ctx, []*engine.Checkpoint{signed(k, p, s, "a")}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	w.Close()
	all, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for p := int64(1); p <= projects; p++ {
		if got := len(all[p]); got != seqs {
			t.Errorf("project %d: got %d lines, want %d", p, got, seqs)
		}
	}
}

// TestChainSeenCompact: heads kept as bytes read back as the same hex at
// every seq, a seq never witnessed is not seen, and a head that is not 64
// lowercase hex digits is kept as it came.
func TestChainSeenCompact(t *testing.T) {
	k := testKey(t, 7)
	ch := &chainSeen{}
	var cps []*engine.Checkpoint
	for seq := int64(2); seq <= 2000; seq += 2 {
		c := signed(k, 1, seq, "a")
		cps = append(cps, c)
		ch.add(c)
	}
	odd := &engine.Checkpoint{ProjectID: 1, Seq: 2001, Head: strings.ToUpper(cps[0].Head)}
	ch.add(odd)
	for _, c := range append(cps, odd) {
		if h, ok := ch.headAt(c.Seq); !ok || h != c.Head {
			t.Fatalf("seq %d reads %q %v, want %q", c.Seq, h, ok, c.Head)
		}
	}
	if _, ok := ch.headAt(3); ok {
		t.Error("seq 3 was never witnessed")
	}
	if ch.latest.Seq != 2001 || len(ch.seqs) != 1000 || len(ch.odd) != 1 {
		t.Errorf("latest %d, %d packed, %d odd", ch.latest.Seq, len(ch.seqs), len(ch.odd))
	}
}
