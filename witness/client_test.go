package witness

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

// eventually polls cond until it holds (a deadline against a hang, not a
// measure of speed).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

// TestClientOutbox: what is witnessed while the remote witness is down is
// kept, survives a restart of the service, and is delivered when the
// witness comes back; a refusal stays in the outbox and says why.
func TestClientOutbox(t *testing.T) {
	ctx := context.Background()
	k := testKey(t, 1)
	_, ts := newTestServer(t)
	var down atomic.Bool
	down.Store(true)
	proxy := func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		ts.Config.Handler.ServeHTTP(w, r)
	}
	front := newHTTPTestServer(t, http.HandlerFunc(proxy))
	path := filepath.Join(t.TempDir(), DefaultFileName)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() *Set {
		f, err := Open(path, k.Public())
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewClient(ClientConfig{URL: front.URL, File: f, Public: k.Public(), Logger: quiet, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
			Now: func() time.Time { return epoch }})
		if err != nil {
			t.Fatal(err)
		}
		s := NewSet(f, c)
		s.Start(ctx)
		return s
	}
	set := start()
	if err := set.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 1, "a"), signed(k, 1, 2, "a")}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the lag shows the witness down", func() bool {
		l := set.Lag()[0]
		return l.Pending == 2 && strings.Contains(l.LastError, "503") && l.LastOK.IsZero()
	})
	set.Close() // the service restarts while the witness is still down
	set = start()
	defer func() { set.Close() }()
	if l := set.Lag()[0]; l.Pending != 2 {
		t.Fatalf("after a restart: %+v, want 2 pending", l)
	}
	down.Store(false)
	eventually(t, "delivered once the witness is back", func() bool { l := set.Lag()[0]; return l.Pending == 0 && l.LastError == "" && l.LastOK.Equal(epoch) })
	heads, err := FetchHeads(ctx, nil, ts.URL, k.Public())
	if err != nil || len(heads) != 1 || heads[0].Seq != 2 {
		t.Fatalf("heads at the witness: %v %v, want project 1 at 2", heads, err)
	}

	// the witness holds another head at seq 3 (the database was rewritten
	// and the witness file replaced): a refusal, kept in the outbox
	if status, body := postJSON(t, ts.URL+"/v1/checkpoints", records(signed(k, 1, 3, "b"))); status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if err := set.Witness(ctx, []*engine.Checkpoint{signed(k, 1, 3, "a")}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refusal shown", func() bool { l := set.Lag()[0]; return l.Pending == 1 && strings.Contains(l.LastError, "分叉") })
}

func newHTTPTestServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}
