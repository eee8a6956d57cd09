package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/witness"
)

// witnessServer runs an independent witness in-process, with its own key.
func witnessServer(t *testing.T) *httptest.Server {
	t.Helper()
	key, _, err := loadOrCreateKey(filepath.Join(t.TempDir(), "witness.key"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := witness.OpenServer(context.Background(), witness.ServerConfig{Path: filepath.Join(t.TempDir(), "witness.db"), Key: key,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: storetest.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(w)
	t.Cleanup(func() { ts.Close(); w.Close() })
	return ts
}

func post(t *testing.T, url string, v any) (int, string) {
	t.Helper()
	data, _ := json.Marshal(v)
	resp, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// wire is a checkpoint as the witness API takes it.
func wire(cps ...*engine.Checkpoint) map[string]any {
	var out []map[string]any
	for _, c := range cps {
		out = append(out, map[string]any{"project": c.ProjectID, "seq": c.Seq, "head": c.Head, "at": engine.FormatTime(c.At), "key_id": c.KeyID, "signature": c.Signature})
	}
	return map[string]any{"checkpoints": out}
}

// testCheckpoint is a checkpoint signed by the test stores' key.
func testCheckpoint(project, seq int64, head string) *engine.Checkpoint {
	c := &engine.Checkpoint{ProjectID: project, Seq: seq, Head: head, At: storetest.Epoch}
	storetest.Key.Sign(c)
	return c
}

func TestWitnessServerRefusesForkAndRegression(t *testing.T) {
	ts := witnessServer(t)
	if status, body := post(t, ts.URL+"/v1/servers", map[string]string{"public_key": base64.StdEncoding.EncodeToString(storetest.Key.Public())}); status != 200 {
		t.Fatalf("register: %d %s", status, body)
	}
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	if status, body := post(t, ts.URL+"/v1/checkpoints", wire(testCheckpoint(1, 3, a), testCheckpoint(1, 5, a))); status != 200 || !strings.Contains(body, "cosignature") {
		t.Fatalf("witness: %d %s", status, body)
	}
	for _, tc := range []struct {
		name string
		cp   *engine.Checkpoint
		want string
	}{
		{"fork", testCheckpoint(1, 5, b), "分叉"},
		{"regression", testCheckpoint(1, 4, a), "回滚"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := post(t, ts.URL+"/v1/checkpoints", wire(tc.cp)); status != 409 || !strings.Contains(body, tc.want) || !strings.Contains(body, "chain_broken") {
				t.Fatalf("got %d %s, want 409 chain_broken with %q", status, body, tc.want)
			}
		})
	}
	resp, err := http.Get(ts.URL + "/v1/alarms")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"kind":"fork"`) || !strings.Contains(string(body), `"kind":"regression"`) {
		t.Fatalf("alarms: %s", body)
	}
}

// TestWitnessAuditVerify rolls a database back to a copy taken before the
// last decision: every other check passes, the witnesses do not.
func TestWitnessAuditVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "live.db")
	s := storetest.Open(t, dsn)
	w := &engine.Worker{Username: "w", PasswordHash: "x"}
	if err := s.CreateWorker(ctx, w); err != nil {
		t.Fatal(err)
	}
	p := &engine.Project{OwnerID: w.ID, Name: "测试", Floors: 6, Households: []engine.Household{{Room: "301", Floor: 3, Area: 7000}}}
	if err := storetest.CreateProject(ctx, s, p); err != nil {
		t.Fatal(err)
	}
	sc := &engine.Scenario{ProjectID: p.ID, Name: "A", Input: json.RawMessage(`{}`), Result: json.RawMessage(`{}`)}
	if err := storetest.SaveScenario(ctx, s, sc); err != nil {
		t.Fatal(err)
	}
	canonical := []byte(`{"a":1}`)
	ballot, err := storetest.Publish(ctx, s, &engine.PublishRequest{ProjectID: p.ID, ScenarioID: sc.ID, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
		Rule: json.RawMessage(`"civil_code_major"`), Deadline: storetest.Epoch.Add(time.Hour), Actor: "worker:1"})
	if err != nil {
		t.Fatal(err)
	}
	rolledBack := filepath.Join(dir, "rolled-back.db")
	if _, err := s.DB().Exec(`VACUUM INTO '` + rolledBack + `'`); err != nil {
		t.Fatal(err)
	}
	d := &engine.Decision{ProjectID: p.ID, BallotID: ballot.ID, HouseholdID: p.Households[0].ID, ScenarioSHA256: engine.ScenarioSum(canonical),
		Vote: engine.VoteDisagree, SignerName: "张三", Method: engine.DecisionOnline, IdempotencyKey: "k"}
	recordDecision(t, s, d)
	// every checkpoint signed went to the witness file and to a witness
	_, cps, err := s.AuditTail(ctx, p.ID, 0)
	if err != nil || len(cps) == 0 {
		t.Fatalf("checkpoints: %v %v", cps, err)
	}
	file := filepath.Join(dir, witness.DefaultFileName)
	wf, err := witness.Open(file, storetest.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := wf.Witness(ctx, cps); err != nil {
		t.Fatal(err)
	}
	wf.Close()
	ts := witnessServer(t)
	post(t, ts.URL+"/v1/servers", map[string]string{"public_key": base64.StdEncoding.EncodeToString(storetest.Key.Public())})
	if status, body := post(t, ts.URL+"/v1/checkpoints", wire(cps...)); status != 200 {
		t.Fatalf("witness: %d %s", status, body)
	}

	id := strconv.FormatInt(p.ID, 10)
	pub := testPublicKey(t)
	last := cps[len(cps)-1].Seq
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		want   string
	}{
		{"live, witness file", []string{"--db", dsn, "--witness-file", file}, 0, "见证记录相符"},
		{"live, witness file beside the key", []string{"--db", dsn, "--signing-key", filepath.Join(dir, "renovote.key")}, 0, "见证记录文件"},
		{"live, witness URL", []string{"--db", dsn, "--witness", ts.URL}, 0, "见证方 " + ts.URL},
		{"rolled back, no witness", []string{"--db", rolledBack}, 0, "完整"},
		{"rolled back, witness file", []string{"--db", rolledBack, "--witness-file", file}, 1, "见证记录到第" + strconv.FormatInt(last, 10) + "条"},
		{"rolled back, witness URL", []string{"--db", rolledBack, "--witness", ts.URL}, 1, "与见证方 " + ts.URL + " 不符"},
		{"missing witness file", []string{"--db", dsn, "--witness-file", filepath.Join(dir, "none")}, 2, "无法读取见证记录文件"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"audit", "verify", id, "--public-key", pub}, tc.args...)
			res := cliEnv(t, nil, args...)
			if res.status != tc.status || !strings.Contains(res.stdout+res.stderr, tc.want) {
				t.Fatalf("got %+v, want status %d with %q", res, tc.status, tc.want)
			}
		})
	}

	// a head rewritten after the witness saw it
	forked := filepath.Join(dir, "forked.witness")
	wf, err = witness.Open(forked, storetest.Key.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := wf.Witness(ctx, []*engine.Checkpoint{testCheckpoint(p.ID, last, strings.Repeat("c", 64))}); err != nil {
		t.Fatal(err)
	}
	wf.Close()
	if res := cliEnv(t, nil, "audit", "verify", id, "--public-key", pub, "--db", dsn, "--witness-file", forked); res.status != 1 || !strings.Contains(res.stderr, "哈希与见证记录的不符") {
		t.Fatalf("a rewritten head: %+v", res)
	}
}

// TestWitnessOutboxSurvivesDowntime: serve's witness set keeps what it
// witnessed while the witness is unreachable, across a restart, and
// delivers it when the witness is back.
func TestWitnessOutboxSurvivesDowntime(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// a witness address that refuses connections: a listener closed
	down := httptest.NewServer(http.NotFoundHandler())
	url := down.URL
	down.Close()
	path := witnessPath("", filepath.Join(dir, "renovote.key"))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	set, err := openWitness(path, []string{url}, storetest.Key.Public(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	set.Start(ctx)
	cps := []*engine.Checkpoint{testCheckpoint(1, 1, strings.Repeat("a", 64)), testCheckpoint(1, 2, strings.Repeat("b", 64)), testCheckpoint(0, 1, strings.Repeat("a", 64))}
	if err := set.Witness(ctx, cps); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the lag shows the witness down", func() bool { l := set.Lag()[0]; return l.Pending == 3 && strings.Contains(l.LastError, "无法连接") })
	set.Close()

	// the witness comes up at that address; the service restarts
	ts := witnessServerAt(t, strings.TrimPrefix(url, "http://"))
	set, err = openWitness(path, []string{ts.URL}, storetest.Key.Public(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if l := set.Lag()[0]; l.Pending != 3 {
		t.Fatalf("after the restart: %+v, want 3 pending", l)
	}
	set.Start(ctx)
	waitFor(t, "delivered", func() bool { l := set.Lag()[0]; return l.Pending == 0 && l.LastError == "" })
	heads, err := witness.FetchHeads(ctx, nil, ts.URL, storetest.Key.Public())
	if err != nil || len(heads) != 2 {
		t.Fatalf("heads at the witness: %v %v", heads, err)
	}
}

// witnessServerAt runs a witness on a given address (the one a test
// pretended was down).
func witnessServerAt(t *testing.T, addr string) *httptest.Server {
	t.Helper()
	key, _, _ := loadOrCreateKey(filepath.Join(t.TempDir(), "witness.key"))
	w, err := witness.OpenServer(context.Background(), witness.ServerConfig{Path: filepath.Join(t.TempDir(), "witness.db"), Key: key,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: storetest.NewClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port of the stopped witness was taken meanwhile: %v", err)
	}
	ts := &httptest.Server{Listener: ln, Config: &http.Server{Handler: w}}
	ts.Start()
	t.Cleanup(func() { ts.Close(); w.Close() })
	return ts
}

// waitFor polls cond (a deadline against a hang, not a measure of speed).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("never: %s", what)
}

func TestWitnessCommandUsage(t *testing.T) {
	if res := cliEnv(t, nil, "witness"); res.status != 2 {
		t.Errorf("witness: %+v", res)
	}
	if res := cliEnv(t, nil, "witness", "-h"); res.status != 0 || !strings.Contains(res.stdout, "分叉") {
		t.Errorf("witness -h: %+v", res)
	}
	if res := cliEnv(t, nil, "help"); !strings.Contains(res.stdout, "witness serve") {
		t.Errorf("help lacks witness serve: %+v", res)
	}
}

// TestServeRefusesMissingWitnessFile: over a database that holds signed
// checkpoints, serve does not quietly start a new, empty witness file
// (which would let a rollback before it pass unseen): it refuses, exit 3,
// naming the file, until --new-witness-file says the old one is lost.
func TestServeRefusesMissingWitnessFile(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		k := newKeyed(t, dsn)
		res := serveUntilStarted(t, dsn, k.keyFile)
		if res.status != 3 || !strings.Contains(res.stderr, "renovote.witness") || !strings.Contains(res.stderr, "--new-witness-file") {
			t.Fatalf("serve without its witness file: %+v", res)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stdout := &startWatch{started: cancel}
		var stderr strings.Builder
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--signing-key", k.keyFile, "--new-witness-file"},
			func(k string) string { return map[string]string{"RENOVOTE_ADMIN_PASSWORD": "a-long-test-password"}[k] }, stdout, &stderr)
		if report(err, &stderr) != 0 || !strings.Contains(stdout.String(), "已启动") || !strings.Contains(stderr.String(), "new witness file") {
			t.Fatalf("serve --new-witness-file: %v %s %s", err, stdout.String(), stderr.String())
		}
	})
}
