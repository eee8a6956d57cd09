package main

// Reliability of the service as a process: kill -9 under load, the
// database going away, two servers on one PostgreSQL, overload and slow
// clients, and a grep of the logs of the whole run for secrets. Short
// versions run in go test; -reliability.rounds runs longer ones.

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/base64"
	byteorder "encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

var rounds = flag.Int("reliability.rounds", 2, "kill -9 rounds per database in TestCrashRecovery")

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds renovote once per test binary.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "renovote-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "renovote")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

const adminPassword = "reliability-pass"

// server is one renovote serve process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	dsn    string
	dir    string
	logs   *lockedBuffer
	exited chan struct{}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// witnessDirs keeps each test server's witness directory by test and
// address.
var witnessDirs sync.Map

func witnessDir(t *testing.T, addr string) string {
	key := t.Name() + " " + addr
	if d, ok := witnessDirs.Load(key); ok {
		return d.(string)
	}
	d := t.TempDir()
	witnessDirs.Store(key, d)
	return d
}

// startServer runs renovote serve on dsn at addr ("" picks one) and waits
// until it listens.
func startServer(t *testing.T, dsn, addr string, logs *lockedBuffer, extra ...string) *server {
	t.Helper()
	if addr == "" {
		addr = freeAddr(t)
	}
	if logs == nil {
		logs = &lockedBuffer{}
	}
	dir := t.TempDir()
	// the key is shared, the witness file is each server's own (one
	// process holds it) and stays the server's across restarts (a crash
	// and a restart at the same address find it again); a server's first
	// start over a database with checkpoints says it starts a new one
	wfile := filepath.Join(witnessDir(t, addr), "renovote.witness")
	args := append([]string{"serve", "--addr", addr, "--base-url", "http://" + addr, "--db", dsn, "--signing-key", sharedKey(t),
		"--witness-file", wfile}, extra...)
	if _, err := os.Stat(wfile); err != nil {
		args = append(args, "--new-witness-file")
	}
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RENOVOTE_ADMIN_PASSWORD="+adminPassword, "RENOVOTE_RATE_SIGN=100000",
		"RENOVOTE_RATE_LOGIN=1000", "RENOVOTE_RATE_PUBLIC=100000", "DATABASE_URL=")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, addr: addr, dsn: dsn, dir: dir, logs: logs, exited: make(chan struct{})}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "renovote 已启动") {
				once.Do(func() { close(started) })
			}
		}
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() { s.kill() })
	select {
	case <-started:
	case <-s.exited:
		t.Fatalf("serve exited: %s", logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start: %s", logs.String())
	}
	return s
}

func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

// client speaks to servers as the load generator does.
type client struct {
	t     *testing.T
	http  *http.Client
	token string
}

func newClient(t *testing.T) *client {
	return &client{t: t, http: &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// call returns the status (0 when the request failed) and decodes out.
func (c *client) call(addr, method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, "http://"+addr+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.Unmarshal(data, out)
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	return res.StatusCode, nil
}

func (c *client) must(addr, method, path string, body, out any) {
	c.t.Helper()
	if _, err := c.call(addr, method, path, body, out); err != nil {
		c.t.Fatal(err)
	}
}

// setup logs in and publishes a project of n households; it returns the
// project id and one token per household.
func (c *client) setup(addr string, n int) (int64, []string) {
	var login struct{ Token string }
	c.must(addr, "POST", "/api/v1/login", map[string]string{"username": "admin", "password": adminPassword}, &login)
	c.token = login.Token
	target, err := loadProject(c.t.Context(), &loadClient{base: "http://" + addr, token: c.token, http: c.http}, n)
	if err != nil {
		c.t.Fatal(err)
	}
	return target.project, target.links
}

// acked is a decision the server acknowledged (2xx).
type acked struct {
	ID        int64
	Household int
	Vote      string
}

// signer sends decisions with unique keys (and some retried duplicates)
// until stop closes, recording what was acknowledged.
func signer(c *client, addrs []string, tokens []string, seed uint64, stop <-chan struct{}, mu *sync.Mutex, acks map[string]acked, failures *int) {
	r := rand.New(rand.NewPCG(seed, 1))
	votes := []string{"agree", "disagree", "abstain"}
	sig := drawnSignature()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		h := r.IntN(len(tokens))
		key := fmt.Sprintf("rel-%d-%d", seed, i)
		vote := votes[r.IntN(3)]
		for try := 0; try < 1+r.IntN(2); try++ { // a retried tap resends the same key
			addr := addrs[r.IntN(len(addrs))]
			var d struct{ ID int64 }
			status, _ := c.call(addr, "POST", "/api/v1/sign/"+tokens[h], map[string]any{"decision": vote, "signer_name": "测试住户",
				"signature_png": sig, "idempotency_key": key}, &d)
			mu.Lock()
			if status == 200 || status == 201 {
				if prev, ok := acks[key]; ok && prev.ID != d.ID {
					c.t.Errorf("key %s acknowledged as decisions %d and %d", key, prev.ID, d.ID)
				}
				acks[key] = acked{d.ID, h, vote}
			} else if status >= 500 && status != 503 {
				*failures++
			}
			mu.Unlock()
		}
	}
}

type decisionRow struct {
	ID             int64  `json:"id"`
	Decision       string `json:"decision"`
	IdempotencyKey string `json:"idempotency_key"`
	Room           string `json:"room"`
}

// checkRecords verifies that every acknowledged decision is stored exactly
// once as acknowledged, that the tally counts the latest decisions, and
// that the audit chain verifies.
func checkRecords(t *testing.T, c *client, addr string, project int64, acks map[string]acked) int {
	t.Helper()
	var rows []decisionRow
	c.must(addr, "GET", fmt.Sprintf("/api/v1/projects/%d/decisions", project), nil, &rows)
	byKey := map[string][]decisionRow{}
	for _, r := range rows {
		byKey[r.IdempotencyKey] = append(byKey[r.IdempotencyKey], r)
	}
	for key, a := range acks {
		got := byKey[key]
		if len(got) != 1 || got[0].ID != a.ID || got[0].Decision != a.Vote {
			t.Errorf("acknowledged decision %s (#%d, %s) is stored as %+v", key, a.ID, a.Vote, got)
		}
	}
	for key, rs := range byKey {
		if len(rs) != 1 {
			t.Errorf("key %s stored %d times", key, len(rs))
		}
	}
	var audit struct {
		OK          bool
		Events      int
		Checkpoints int
		Reason      string
	}
	c.must(addr, "GET", fmt.Sprintf("/api/v1/projects/%d/audit", project), nil, &audit)
	if !audit.OK || audit.Checkpoints == 0 {
		// OK includes: every event, so every acknowledged decision, is
		// covered by a signed checkpoint
		t.Errorf("the audit chain does not verify (%d checkpoints): %s", audit.Checkpoints, audit.Reason)
	}
	latest := map[string]string{}
	for _, r := range rows { // oldest first: the last one counts
		latest[r.Room] = r.Decision
	}
	agree := 0
	for _, v := range latest {
		if v == "agree" {
			agree++
		}
	}
	var tally struct {
		Participation struct{ Owners int }
		Approval      struct{ Owners int }
	}
	c.must(addr, "GET", fmt.Sprintf("/api/v1/projects/%d/tally", project), nil, &tally)
	if tally.Participation.Owners != len(latest) || tally.Approval.Owners != agree {
		t.Errorf("tally %+v, want %d participating, %d agreeing", tally, len(latest), agree)
	}
	return len(rows)
}

// TestCrashRecovery kills the server with SIGKILL at random moments while
// 16 clients sign, restarts it, and checks that every acknowledged
// decision is there exactly once and the chain verifies.
func TestCrashRecovery(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		logs := &lockedBuffer{}
		srv := startServer(t, dsn, "", logs)
		c := newClient(t)
		project, tokens := c.setup(srv.addr, 60)
		acks := map[string]acked{}
		var mu sync.Mutex
		failures := 0
		r := rand.New(rand.NewPCG(uint64(len(dsn)), 9))
		for round := 0; round < *rounds; round++ {
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					signer(c, []string{srv.addr}, tokens, uint64(round*100+g), stop, &mu, acks, &failures)
				}(g)
			}
			// Let the load get going (slower under -race), then kill at a
			// random moment in the middle of it.
			waitAcks(t, &mu, acks, len(acks)+10, 20*time.Second)
			time.Sleep(time.Duration(r.IntN(400)) * time.Millisecond)
			srv.kill() // kill -9
			close(stop)
			wg.Wait()
			srv = startServer(t, dsn, srv.addr, logs)
			stored := checkRecords(t, c, srv.addr, project, acks)
			t.Logf("round %d: %d acknowledged, %d stored", round+1, len(acks), stored)
		}
		if failures > 0 {
			t.Errorf("%d answers were 5xx other than 503", failures)
		}
		minAcks(t, &mu, acks, 10*(*rounds))
		checkLogsPrivate(t, logs.String(), tokens)
	})
}

// waitAcks waits until n decisions are acknowledged; a load that does
// not get there in time fails the test (nothing was measured).
func waitAcks(t *testing.T, mu *sync.Mutex, acks map[string]acked, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		mu.Lock()
		got := len(acks)
		mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d decisions acknowledged after %v, want %d: the load did not run", got, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// minAcks fails the test when fewer than n decisions were acknowledged in
// all: a scenario that signed next to nothing proves nothing.
func minAcks(t *testing.T, mu *sync.Mutex, acks map[string]acked, n int) {
	t.Helper()
	mu.Lock()
	got := len(acks)
	mu.Unlock()
	if got < n {
		t.Fatalf("only %d decisions acknowledged, want at least %d: the load did not run", got, n)
	}
}

// checkLogsPrivate greps the logs of a whole run for secrets.
func checkLogsPrivate(t *testing.T, logs string, tokens []string) {
	t.Helper()
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Fatalf("a signing token is in the logs")
		}
	}
	for _, secret := range []string{adminPassword, "测试住户", "signature_png", "Bearer "} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
}

// TestDatabaseOutage stops PostgreSQL under load: the service answers 503
// with a Chinese message (never a hang or a 500 storm), /healthz says so,
// and once the database is back the service recovers by itself with
// nothing acknowledged lost.
func TestDatabaseOutage(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	logs := &lockedBuffer{}
	srv := startServer(t, dsn, "", logs)
	c := newClient(t)
	project, tokens := c.setup(srv.addr, 40)
	acks := map[string]acked{}
	var mu sync.Mutex
	failures := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			signer(c, []string{srv.addr}, tokens, uint64(1000+g), stop, &mu, acks, &failures)
		}(g)
	}
	waitAcks(t, &mu, acks, 10, 20*time.Second)
	storetest.StopPostgres(t)
	restarted := false
	defer func() {
		if !restarted {
			storetest.StartPostgres(t)
		}
	}()
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	status, err := c.call(srv.addr, "POST", "/api/v1/sign/"+tokens[0], map[string]any{"decision": "agree", "signer_name": "测试住户",
		"signature_png": drawnSignature(), "idempotency_key": "outage-probe"}, nil)
	if status != 503 || err == nil || !strings.Contains(err.Error(), "数据库") || time.Since(start) > 5*time.Second {
		t.Errorf("during the outage: status %d in %v, %v", status, time.Since(start), err)
	}
	if status, _ := c.call(srv.addr, "GET", "/healthz", nil, nil); status != 503 {
		t.Errorf("healthz during the outage: %d", status)
	}
	storetest.StartPostgres(t)
	restarted = true
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, _ := c.call(srv.addr, "GET", "/healthz", nil, nil); status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the service did not recover after the database came back")
		}
		time.Sleep(200 * time.Millisecond)
	}
	mu.Lock()
	before := len(acks)
	mu.Unlock()
	waitAcks(t, &mu, acks, before+10, 20*time.Second) // signing goes on after the outage
	close(stop)
	wg.Wait()
	if failures > 0 {
		t.Errorf("%d answers were 5xx other than 503", failures)
	}
	minAcks(t, &mu, acks, 20)
	stored := checkRecords(t, c, srv.addr, project, acks)
	t.Logf("outage: %d acknowledged, %d stored", len(acks), stored)
	checkLogsPrivate(t, logs.String(), tokens)
}

// TestTwoServersOnePostgres spreads clients over two server processes on
// one database: one chain, one decision per key, the right tally.
func TestTwoServersOnePostgres(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a := startServer(t, dsn, "", nil)
	b := startServer(t, dsn, "", nil)
	c := newClient(t)
	project, tokens := c.setup(a.addr, 40)
	acks := map[string]acked{}
	var mu sync.Mutex
	failures := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			signer(c, []string{a.addr, b.addr}, tokens, uint64(2000+g), stop, &mu, acks, &failures)
		}(g)
	}
	waitAcks(t, &mu, acks, 150, 30*time.Second)
	close(stop)
	wg.Wait()
	if failures > 0 {
		t.Errorf("%d answers were 5xx", failures)
	}
	minAcks(t, &mu, acks, 150)
	for _, s := range []*server{a, b} {
		stored := checkRecords(t, c, s.addr, project, acks)
		t.Logf("two servers: %d acknowledged, %d stored (checked through %s)", len(acks), stored, s.addr)
	}
}

// TestOverload: past the rate limits the service answers 429 quickly,
// huge bodies are refused before they are read, a client that sends its
// headers too slowly is cut off, and the server stays small.
func TestOverload(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	srv := startServer(t, dsn, "", nil, "--rate-public", "5", "--read-header-timeout", "1s")
	c := newClient(t)
	var limited, slow int
	var wg sync.WaitGroup
	var mu sync.Mutex
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				start := time.Now()
				status, _ := c.call(srv.addr, "POST", "/api/v1/calc", json.RawMessage(`{"households":[{"id":"1","floor":3,"area":"50"}],"costs":[{"amount":"100"}]}`), nil)
				mu.Lock()
				if status == 429 {
					limited++
					if time.Since(start) > 500*time.Millisecond {
						slow++
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if limited < 300 || slow > 0 {
		t.Errorf("%d of 400 requests limited (%d slowly)", limited, slow)
	}
	// a 10 MB body is refused on its declared length
	big := bytes.Repeat([]byte("x"), 10<<20)
	req, _ := http.NewRequest("POST", "http://"+srv.addr+"/api/v1/tally", bytes.NewReader(big))
	if res, err := c.http.Do(req); err != nil || res.StatusCode != 413 {
		t.Errorf("10 MB body: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	// a slow client is cut off
	conn, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = conn.Read(make([]byte, 100))
	if err == nil || time.Since(start) > 4*time.Second {
		t.Errorf("a slow client held the connection for %v (%v)", time.Since(start), err)
	}
	conn.Close()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("reading the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")))
			if err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			if kb > 100<<10 {
				t.Errorf("server peak memory %d kB > 100 MB", kb)
			}
			t.Logf("server peak memory: %d kB", kb)
		}
	}
}

var (
	sharedKeyOnce sync.Once
	sharedKeyPath string
)

// sharedKey is one key file for every server of the test binary: servers
// on one database share their key, as in production.
func sharedKey(t *testing.T) string {
	sharedKeyOnce.Do(func() {
		dir, err := os.MkdirTemp("", "renovote-key-")
		if err != nil {
			t.Fatal(err)
		}
		sharedKeyPath = filepath.Join(dir, "renovote.key")
	})
	return sharedKeyPath
}

// TestImageBombs: paper-decision photos that declare huge pictures in a
// small file are refused from their header, bounded in what decodes at
// once, and the server stays small: three bombs and three of the largest
// accepted photos at once keep its peak memory under 250 MB.
func TestImageBombs(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	srv := startServer(t, dsn, "", nil)
	c := newClient(t)
	project, _ := c.setup(srv.addr, 6)
	var p struct {
		Households []struct{ ID int64 }
	}
	c.must(srv.addr, "GET", fmt.Sprintf("/api/v1/projects/%d", project), nil, &p)
	bomb := base64.StdEncoding.EncodeToString(pngBomb(t, 8000, 8000))
	largest := base64.StdEncoding.EncodeToString(plainPNG(t, 4000, 3000)) // 12 MP at 8 bits: accepted
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range 6 {
		photo := bomb
		if i >= 3 {
			photo = largest
		}
		wg.Go(func() {
			statuses[i], _ = c.call(srv.addr, "POST", fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", project, p.Households[i].ID),
				map[string]string{"decision": "agree", "signer_name": "业主", "witness": "社区工作人员", "photo": photo,
					"idempotency_key": fmt.Sprintf("bomb-%d-key", i)}, nil)
		})
	}
	wg.Wait()
	if statuses[0] != 400 || statuses[1] != 400 || statuses[2] != 400 || statuses[3] != 201 || statuses[4] != 201 || statuses[5] != 201 {
		t.Fatalf("statuses %v: want three 400 (bombs) and three 201", statuses)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("server peak memory with image bombs: %d kB", kb)
			if kb > 250<<10 {
				t.Errorf("server peak memory %d kB > 250 MB", kb)
			}
		}
	}
}

// pngBomb is a PNG header declaring w×h at 16-bit RGBA (8 bytes a pixel)
// followed by a few rows of compressed zeros: a small file that would
// make a naive decoder allocate the whole picture.
func pngBomb(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		var n [4]byte
		byteorder.BigEndian.PutUint32(n[:], uint32(len(data)))
		b.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(kind))
		crc.Write(data)
		b.WriteString(kind)
		b.Write(data)
		byteorder.BigEndian.PutUint32(n[:], crc.Sum32())
		b.Write(n[:])
	}
	ihdr := make([]byte, 13)
	byteorder.BigEndian.PutUint32(ihdr[0:], uint32(w))
	byteorder.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16-bit, RGBA
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	row := make([]byte, 1+w*8)
	for range 64 {
		if _, err := zw.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// plainPNG is a real w×h 8-bit RGBA picture with a little ink.
func plainPNG(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.Black)
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
