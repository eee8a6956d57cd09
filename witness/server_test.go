package witness

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
)

func newTestServer(t testing.TB) (*Server, *httptest.Server) {
	t.Helper()
	s, err := OpenServer(context.Background(), ServerConfig{Path: filepath.Join(t.TempDir(), "witness.db"), Key: testKey(t, 9),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return epoch }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

func postJSON(t testing.TB, url string, v any) (int, []byte) {
	t.Helper()
	data, _ := json.Marshal(v)
	resp, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func records(cps ...*engine.Checkpoint) map[string]any {
	recs := make([]record, len(cps))
	for i, c := range cps {
		recs[i] = recordOf(c)
	}
	return map[string]any{"checkpoints": recs}
}

func TestServer(t *testing.T) {
	k := testKey(t, 1)
	s, ts := newTestServer(t)
	if status, body := postJSON(t, ts.URL+"/v1/checkpoints", records(signed(k, 1, 1, "a"))); status != 400 || !strings.Contains(string(body), "未在见证方登记") {
		t.Fatalf("before registering: %d %s", status, body)
	}
	if status, body := postJSON(t, ts.URL+"/v1/servers", map[string]string{"public_key": base64.StdEncoding.EncodeToString(k.Public())}); status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	status, body := postJSON(t, ts.URL+"/v1/checkpoints", records(signed(k, 1, 1, "a"), signed(k, 1, 4, "a"), signed(k, 0, 2, "a")))
	if status != 200 {
		t.Fatalf("witness: %d %s", status, body)
	}
	var answer struct{ Accepted []Accepted }
	json.Unmarshal(body, &answer)
	if len(answer.Accepted) != 3 {
		t.Fatalf("accepted: got %s", body)
	}
	// the co-signature is the witness key's signature of the checkpoint
	co := *signed(k, 1, 4, "a")
	co.KeyID, co.Signature = s.key.ID(), answer.Accepted[1].Cosignature
	if !engine.VerifyCheckpoint(s.key.Public(), &co) {
		t.Fatalf("co-signature does not verify: %+v", answer.Accepted[1])
	}
	forged := signed(k, 1, 5, "a")
	forged.Head = signed(k, 1, 5, "b").Head
	for _, tc := range []struct {
		name   string
		cps    []*engine.Checkpoint
		status int
		want   string
	}{
		{"the same again", []*engine.Checkpoint{signed(k, 1, 4, "a")}, 200, "cosignature"},
		{"later", []*engine.Checkpoint{signed(k, 1, 5, "a")}, 200, "cosignature"},
		{"fork", []*engine.Checkpoint{signed(k, 1, 5, "b")}, 409, "分叉"},
		{"regression", []*engine.Checkpoint{signed(k, 1, 3, "a")}, 409, "退回到第3条"},
		{"forged", []*engine.Checkpoint{forged}, 400, "无法用公钥"},
		{"bad record", []*engine.Checkpoint{{ProjectID: 1, Seq: 0}}, 400, "checkpoints[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postJSON(t, ts.URL+"/v1/checkpoints", records(tc.cps...))
			if status != tc.status || !strings.Contains(string(body), tc.want) {
				t.Fatalf("got %d %s, want %d with %q", status, body, tc.status, tc.want)
			}
		})
	}
	resp, err := http.Get(ts.URL + "/v1/alarms")
	if err != nil {
		t.Fatal(err)
	}
	var alarms struct{ Alarms []Alarm }
	json.NewDecoder(resp.Body).Decode(&alarms)
	resp.Body.Close()
	if len(alarms.Alarms) != 2 || alarms.Alarms[0].Kind != "fork" || alarms.Alarms[1].Kind != "regression" {
		t.Fatalf("alarms: got %+v, want a fork and a regression", alarms.Alarms)
	}
	heads, err := FetchHeads(context.Background(), nil, ts.URL, k.Public())
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int64{}
	for _, h := range heads {
		got[h.ProjectID] = h.Seq
	}
	if fmt.Sprint(got) != fmt.Sprint(map[int64]int64{0: 2, 1: 5}) {
		t.Fatalf("heads: got %v, want 0:2 1:5", got)
	}
}

// BenchmarkWitnessAccept posts batches of 1,000 fresh checkpoints to a
// witness server over HTTP; checkpoints/s is the figure for BENCHMARKS.md.
func BenchmarkWitnessAccept(b *testing.B) {
	k := testKey(b, 1)
	_, ts := newTestServer(b)
	postJSON(b, ts.URL+"/v1/servers", map[string]string{"public_key": base64.StdEncoding.EncodeToString(k.Public())})
	const batch = 1000
	seq := int64(0)
	bodies := make([][]byte, 0)
	prepare := func() []byte {
		cps := make([]*engine.Checkpoint, batch)
		for i := range cps {
			seq++
			cps[i] = signed(k, seq%20, seq, "a") // 20 chains
		}
		data, _ := json.Marshal(records(cps...))
		return data
	}
	for range b.N {
		bodies = append(bodies, prepare())
	}
	b.ResetTimer()
	for i := range b.N {
		resp, err := http.Post(ts.URL+"/v1/checkpoints", "application/json", bytes.NewReader(bodies[i]))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "checkpoints/s")
}
