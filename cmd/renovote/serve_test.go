package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/witness"
	"golang.org/x/crypto/bcrypt"
)

// TestLoadGenerator runs renovote load against an in-process server on
// both databases: it must finish with the server's count matching.
func TestLoadGenerator(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		hash, _ := app.HashPassword("load-password")
		if err := s.CreateWorker(context.Background(), &engine.Worker{Username: "admin", PasswordHash: hash, Admin: true}); err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := app.New(app.Config{Store: s, BaseURL: "http://" + ln.Addr().String(), SigningKey: storetest.Key})
		srv := apphttp.NewServer(apphttp.Config{App: a, Logger: slog.New(slog.DiscardHandler), SignRate: 100000})
		go srv.Serve(ctx, ln)
		res := cliEnv(t, map[string]string{"RENOVOTE_ADMIN_PASSWORD": "load-password"}, "load", "--url", "http://"+ln.Addr().String(),
			"--households", "40", "--clients", "8", "--decisions", "2")
		if res.status != 0 || !strings.Contains(res.stdout, "丢失 0，重复 0") || !strings.Contains(res.stdout, "p99") {
			t.Fatalf("load: %+v", res)
		}
	})
}

// TestLoadSeedsProjects: renovote load --seed-projects takes each project
// through its whole life over the API on both databases — every household
// signed, paid and on a chain that verifies — and --get times a page.
func TestLoadSeedsProjects(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		hash, _ := app.HashPassword("load-password")
		if err := s.CreateWorker(context.Background(), &engine.Worker{Username: "admin", PasswordHash: hash, Admin: true}); err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := app.New(app.Config{Store: s, BaseURL: "http://" + ln.Addr().String(), SigningKey: storetest.Key})
		srv := apphttp.NewServer(apphttp.Config{App: a, Logger: slog.New(slog.DiscardHandler), SignRate: 100000})
		go srv.Serve(ctx, ln)
		url := "http://" + ln.Addr().String()
		env := map[string]string{"RENOVOTE_ADMIN_PASSWORD": "load-password"}
		res := cliEnv(t, env, "load", "--url", url, "--seed-projects", "3", "--households-per", "24", "--clients", "2")
		if res.status != 0 || !strings.Contains(res.stdout, "建成 3 个项目 × 24 户（72 户）") {
			t.Fatalf("seed: %+v", res)
		}
		var counts []struct {
			ProjectID int64 `db:"project_id"`
			Events    int   `db:"events"`
		}
		if err := s.DB().Select(&counts, `SELECT project_id, count(*) AS events FROM audit_events WHERE project_id > 0 GROUP BY project_id ORDER BY project_id`); err != nil {
			t.Fatal(err)
		}
		if len(counts) != 3 {
			t.Fatalf("events per project: %+v, want 3 projects", counts)
		}
		t.Logf("events per project: %+v", counts)
		for _, c := range counts {
			if c.Events < 75 {
				t.Errorf("project %d has %d events, want at least 75 (the 150,000 of 2,000 projects)", c.ProjectID, c.Events)
			}
			check, err := a.CheckAudit(ctx, app.Operator, c.ProjectID)
			if err != nil || !check.OK {
				t.Errorf("project %d: audit %+v %v", c.ProjectID, check, err)
			}
		}
		for _, q := range []struct{ table, want string }{
			{"decisions", "72"}, {"payments", "72"}, {"feedback", "9"}, {"inspections", "6"},
		} {
			var n int
			if err := s.DB().Get(&n, "SELECT count(*) FROM "+q.table); err != nil || fmt.Sprint(n) != q.want {
				t.Errorf("%s: %d rows (%v), want %s", q.table, n, err, q.want)
			}
		}
		res = cliEnv(t, env, "load", "--url", url, "--get", "/api/v1/projects", "--n", "5")
		if res.status != 0 || !regexp.MustCompile(`GET /api/v1/projects ×5：首次 [0-9.]+ ms，p50 [0-9.]+ ms，p95 [0-9.]+ ms`).MatchString(res.stdout) {
			t.Fatalf("get: %+v", res)
		}
	})
}

// TestServeProcess builds the binary, starts `renovote serve --demo` on a
// fresh SQLite file, signs through a printed link, and stops it with
// SIGTERM: it must finish the request in flight and exit cleanly.
func TestServeProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "renovote")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--base-url", "http://"+addr)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RENOVOTE_ADMIN_PASSWORD=", "DATABASE_URL=")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var password string
	links := map[string]string{}
	linkRE := regexp.MustCompile(`^\s+(\d+)\s+(http://\S+/s/\S+)$`)
	deadline := time.After(30 * time.Second)
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited early: %s", stderr.String())
			}
			if i := strings.Index(line, "初始密码"); i >= 0 {
				password = line[strings.LastIndex(line, "：")+len("："):]
			}
			if m := linkRE.FindStringSubmatch(line); m != nil {
				links[m[1]] = m[2]
			}
			if strings.HasPrefix(line, "renovote 已启动") {
				break wait
			}
		case <-deadline:
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
	if len(password) < 12 || len(links) != 12 {
		t.Fatalf("admin password %q, %d links", password, len(links))
	}
	get := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if code, body := get("http://" + addr + "/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("healthz: %d %s", code, body)
	}
	if code, body := get(links["301"]); code != 200 || !strings.Contains(body, "幸福里小区3号楼2单元") {
		t.Fatalf("signing page: %d", code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v: %s", err, stderr.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(stderr.String(), "renovote stopped") {
		t.Errorf("no shutdown log: %s", stderr.String())
	}
	// The signing key was created 0600 beside it and is nowhere in the
	// database; the chain it signed verifies with the public key alone.
	keyPath := filepath.Join(dir, "renovote.key")
	info, err := os.Stat(keyPath)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", info, err)
	}
	keyText, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(keyText)))
	if err != nil || len(seed) != 32 {
		t.Fatalf("key file holds %q", keyText)
	}
	for _, name := range []string{store.DefaultPath, store.DefaultPath + "-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, seed) || bytes.Contains(data, bytes.TrimSpace(keyText)) {
			t.Fatalf("the signing key is in %s", name)
		}
	}
	pub := cliEnv(t, nil, "key", "show", "--public", "--signing-key", keyPath)
	pubPath := filepath.Join(t.TempDir(), "renovote.pub")
	if pub.status != 0 || os.WriteFile(pubPath, []byte(pub.stdout), 0o644) != nil {
		t.Fatalf("key show --public: %+v", pub)
	}
	res := cliEnv(t, nil, "audit", "verify", "1", "--db", filepath.Join(dir, store.DefaultPath), "--public-key", pubPath)
	if res.status != 0 || !strings.Contains(res.stdout, "签名存证全部相符") {
		t.Fatalf("audit verify with the public key alone: %+v", res)
	}
	other := filepath.Join(t.TempDir(), "other.key")
	if res := cliEnv(t, nil, "audit", "verify", "1", "--db", filepath.Join(dir, store.DefaultPath), "--signing-key", other); res.status != 2 {
		t.Fatalf("audit verify without any key must refuse: %+v", res)
	}
	cliEnv(t, nil, "key", "show", "--signing-key", other) // a different key
	if res := cliEnv(t, nil, "audit", "verify", "1", "--db", filepath.Join(dir, store.DefaultPath), "--signing-key", other); res.status != 1 || !strings.Contains(res.stderr, "无法用公钥") {
		t.Fatalf("audit verify with another key must fail: %+v", res)
	}
	// A second start on the same database loads no demo and re-issues no
	// link: the printed ones keep working. Without --base-url the links
	// use the port of --addr.
	again := exec.Command(bin, "serve", "--demo", "--addr", addr)
	again.Dir = dir
	again.Env = append(os.Environ(), "RENOVOTE_ADMIN_PASSWORD=", "DATABASE_URL=", "RENOVOTE_BASE_URL=")
	out2, _ := again.StdoutPipe()
	if err := again.Start(); err != nil {
		t.Fatal(err)
	}
	sc2 := bufio.NewScanner(out2)
	var said []string
	for sc2.Scan() {
		said = append(said, sc2.Text())
		if strings.HasPrefix(sc2.Text(), "renovote 已启动") {
			break
		}
	}
	if text := strings.Join(said, "\n"); !strings.Contains(text, "不再载入演示项目") || !strings.Contains(text, "已启动：http://"+addr) {
		t.Errorf("second start said %q", text)
	}
	if code, _ := get(links["301"]); code != 200 {
		t.Errorf("a printed link after a second start: %d", code)
	}
	if err := again.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := again.Wait(); err != nil {
		t.Fatalf("second serve: %v", err)
	}
	// The database was closed cleanly and holds the demo.
	s := storetest.Open(t, filepath.Join(dir, store.DefaultPath))
	if ws, err := s.Workers(context.Background()); err != nil || len(ws) != 1 || ws[0].Username != "admin" {
		t.Fatalf("workers after restart: %v, %v", ws, err)
	}
}

func TestUserAdd(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	// adding a worker is an event of the system chain: it needs the key
	env := map[string]string{"DATABASE_URL": dsn, "RENOVOTE_SIGNING_KEY": filepath.Join(t.TempDir(), "k")}
	stdin = strings.NewReader("a-long-password\n")
	defer func() { stdin = os.Stdin }()
	res := cliEnv(t, env, "user", "add", "liu", "--display-name", "刘芳")
	if res.status != 0 || !strings.Contains(res.stdout, "liu") {
		t.Fatalf("user add: %+v", res)
	}
	// accounts with a place in the organisations (DESIGN §17): the first
	// start made 默认区 (1) → 默认街道 (2) → 默认社区 (3)
	stdin = strings.NewReader("a-long-password\n")
	if res := cliEnv(t, env, "user", "add", "zhou", "--org", "2", "--role", "supervisor"); res.status != 0 || !strings.Contains(res.stdout, "街道督导") {
		t.Fatalf("user add --role supervisor: %+v", res)
	}
	stdin = strings.NewReader("a-long-password\n")
	if res := cliEnv(t, env, "user", "add", "qian", "--org", "3", "--role", "supervisor"); res.status == 0 || !strings.Contains(res.stderr, "街道") {
		t.Fatalf("a supervisor of a 社区: %+v", res)
	}
	stdin = strings.NewReader("a-long-password\n")
	if res := cliEnv(t, env, "user", "add", "qian", "--org", "3", "--role", "boss"); res.status == 0 || !strings.Contains(res.stderr, "角色") {
		t.Fatalf("an unknown role: %+v", res)
	}
	stdin = strings.NewReader("short\n")
	if res := cliEnv(t, env, "user", "add", "wang"); res.status != 2 || !strings.Contains(res.stderr, "10个字符") {
		t.Fatalf("a short password: %+v", res)
	}
	stdin = strings.NewReader("another-password\n")
	if res := cliEnv(t, env, "user", "add", "liu"); res.status != 1 || !strings.Contains(res.stderr, "已存在") {
		t.Fatalf("a taken name: %+v", res)
	}
	stdin = strings.NewReader("liu2-password-2027\n")
	if res := cliEnv(t, env, "user", "add", "liu2"); res.status != 2 || !strings.Contains(res.stderr, "用户名") {
		t.Fatalf("a password with the username: %+v", res)
	}
	// a new password from the command line
	stdin = strings.NewReader("qwertyuiop\n")
	if res := cliEnv(t, env, "user", "passwd", "liu"); res.status != 2 || !strings.Contains(res.stderr, "常见") {
		t.Fatalf("a common password: %+v", res)
	}
	stdin = strings.NewReader("Xin-de-mi-ma-2027\n")
	if res := cliEnv(t, env, "user", "passwd", "liu"); res.status != 0 || !strings.Contains(res.stdout, "已修改") {
		t.Fatalf("user passwd: %+v", res)
	}
	stdin = strings.NewReader("Xin-de-mi-ma-2027\n")
	if res := cliEnv(t, env, "user", "passwd", "nobody"); res.status != 1 {
		t.Fatalf("user passwd of nobody: %+v", res)
	}
	s := storetest.Open(t, dsn)
	w, err := s.WorkerByUsername(context.Background(), "liu")
	if err != nil || w.DisplayName != "刘芳" || bcrypt.CompareHashAndPassword([]byte(w.PasswordHash), []byte("Xin-de-mi-ma-2027")) != nil {
		t.Fatalf("stored worker: %+v, %v", w, err)
	}
	// renovote audit verify 0: the system chain and its workers and
	// sessions, against the witness file the commands wrote to (what they
	// signed can no more be rolled back unseen than the server's)
	if res := cliEnv(t, env, "audit", "verify", "0"); res.status != 0 || !strings.Contains(res.stdout, "完整") || !strings.Contains(res.stdout, "见证记录相符") {
		t.Fatalf("audit verify 0: %+v", res)
	}
	held, err := witness.ReadFile(filepath.Join(filepath.Dir(env["RENOVOTE_SIGNING_KEY"]), witness.DefaultFileName))
	if cps := held[0]; err != nil || len(cps) < 2 || cps[len(cps)-1].Seq < 2 {
		t.Fatalf("the witness file after user add and passwd: %v, %v", cps, err)
	}
	// while something holds the witness file (a running server), the
	// command refuses rather than sign what no witness saw
	busy, err := witness.Open(filepath.Join(filepath.Dir(env["RENOVOTE_SIGNING_KEY"]), witness.DefaultFileName), storetest.Key.Public())
	if err == nil {
		stdin = strings.NewReader("Xin-de-mi-ma-2028\n")
		if res := cliEnv(t, env, "user", "passwd", "liu"); res.status == 0 || !strings.Contains(res.stderr, "控制台") {
			t.Errorf("user passwd while the witness file is held: %+v", res)
		}
		busy.Close()
	}
	_, hash := engine.NewToken()
	s.DB().MustExec(`INSERT INTO sessions (token_hash, worker_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, hash, w.ID, storetest.Epoch, storetest.Epoch.Add(time.Hour))
	if res := cliEnv(t, env, "audit", "verify", "0"); res.status != 1 || !strings.Contains(res.stderr, "（sessions） #1 没有对应的审计事件") {
		t.Fatalf("audit verify 0 with a session inserted: %+v", res)
	}
	s.DB().MustExec(`DELETE FROM sessions`)
	s.DB().MustExec(`UPDATE workers SET admin = 1 WHERE id = ?`, w.ID)
	if res := cliEnv(t, env, "audit", "verify", "0"); res.status != 1 || !strings.Contains(res.stderr, "的 admin 与第") {
		t.Fatalf("audit verify 0 with a worker made admin: %+v", res)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	for addr, want := range map[string]string{":8080": "http://localhost:8080", ":9000": "http://localhost:9000", "127.0.0.1:7000": "http://127.0.0.1:7000",
		"0.0.0.0:8181": "http://localhost:8181", ":80": "http://localhost", "nonsense": "http://localhost:8080"} {
		if got := defaultBaseURL(addr); got != want {
			t.Errorf("defaultBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
