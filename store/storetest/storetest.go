// Package storetest gives tests real databases (README.md, "Run and test"): a SQLite file
// in a temporary directory always, and PostgreSQL from
// RENOVOTE_TEST_DATABASE_URL or else from a throwaway cluster started once
// per test binary from the server binaries (initdb, pg_ctl) on a Unix
// socket — as the postgres user when running as root, since PostgreSQL
// refuses root. Without PostgreSQL the postgres subtests are skipped with a
// message, unless RENOVOTE_TEST_REQUIRE contains "postgres".
package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
)

// Required reports whether RENOVOTE_TEST_REQUIRE names component, in which
// case a missing component fails the test instead of skipping it.
func Required(component string) bool {
	for _, c := range strings.Split(os.Getenv("RENOVOTE_TEST_REQUIRE"), ",") {
		if strings.TrimSpace(c) == component {
			return true
		}
	}
	return false
}

// Unavailable skips t, or fails it when component is required.
func Unavailable(t testing.TB, component, why string) {
	t.Helper()
	if Required(component) {
		t.Fatalf("%s is required (RENOVOTE_TEST_REQUIRE) but unavailable: %s", component, why)
	}
	t.Skipf("%s unavailable, skipped: %s", component, why)
}

// Main runs the tests and then stops the PostgreSQL cluster if one was
// started. Use it from TestMain: os.Exit(storetest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	cluster.stop()
	return code
}

// Each runs fn against a fresh store on every dialect, as subtests named
// "sqlite" and "postgres". The two run in parallel (each has its own
// database): fn must not share what it changes with the other dialect's
// run, and the test must not rely on them having ended when Each returns.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, DSN(t, dialect)))
		})
	}
}

// EachDSN runs fn with the DSN of a fresh, empty database on every
// dialect, in parallel like Each.
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, DSN(t, dialect))
		})
	}
}

// Open opens a store on dsn and closes it when the test ends.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	s.SetSigningKey(Key)
	s.SetClock(NewClock().Now)
	t.Cleanup(func() { s.Close() })
	return s
}

// Key is the checkpoint signing key of test stores (a fixed seed: tests
// are not about keeping it secret).
var Key = func() *engine.SigningKey {
	seed := sha256.Sum256([]byte("renovote test signing key"))
	k, err := engine.NewSigningKey(seed[:])
	if err != nil {
		panic(err)
	}
	return k
}()

// SealKey is the tests' seal key for signing-link tokens (fixed, like Key).
var SealKey = func() *engine.SealKey {
	secret := sha256.Sum256([]byte("renovote test seal key"))
	k, err := engine.NewSealKey(secret[:])
	if err != nil {
		panic(err)
	}
	return k
}()

// DSN returns the DSN of a new empty database of the dialect, removed when
// the test ends.
func DSN(t testing.TB, dialect string) string {
	t.Helper()
	if dialect == store.SQLite {
		return filepath.Join(t.TempDir(), "renovote.db")
	}
	return postgresDatabase(t)
}

var dbCounter atomic.Int64

func postgresDatabase(t testing.TB) string {
	t.Helper()
	base, err := cluster.url()
	if err != nil {
		Unavailable(t, "postgres", err.Error())
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("renovote_test_%d_%d", os.Getpid(), dbCounter.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return u.String()
}

// pgCluster is the one PostgreSQL server of this test binary.
type pgCluster struct {
	once    sync.Once
	base    string // admin URL (database "postgres")
	err     error
	dir     string
	pgCtl   string
	asOwner []string // command prefix to run as the cluster's owner
}

var cluster pgCluster

func (c *pgCluster) url() (string, error) {
	c.once.Do(func() {
		if u := os.Getenv("RENOVOTE_TEST_DATABASE_URL"); u != "" {
			c.base = u
			return
		}
		c.base, c.err = c.start()
	})
	return c.base, c.err
}

// serverBinaries finds initdb and pg_ctl: Debian keeps them in
// /usr/lib/postgresql/N/bin, off the PATH; the newest version wins.
func serverBinaries() (initdb, pgCtl string, err error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "pg_ctl")) {
			return filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl"), nil
		}
	}
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return initdb, pgCtl, nil
	}
	return "", "", fmt.Errorf("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH; install postgresql or set RENOVOTE_TEST_DATABASE_URL")
}

func versionOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func (c *pgCluster) start() (string, error) {
	initdb, pgCtl, err := serverBinaries()
	if err != nil {
		return "", err
	}
	c.pgCtl = pgCtl
	dir, err := os.MkdirTemp("", "renovote-pg-")
	if err != nil {
		return "", err
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", fmt.Errorf("running as root and there is no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", err
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return "", fmt.Errorf("running as root needs runuser to start PostgreSQL as postgres: %v", err)
		}
		c.asOwner = []string{runuser, "-u", "postgres", "--"}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run(initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		return "", fmt.Errorf("initdb: %v: %s", err, out)
	}
	if err := c.startServer(); err != nil {
		return "", err
	}
	base := fmt.Sprintf("postgres://postgres@/postgres?host=%s&port=5432&sslmode=disable", url.QueryEscape(dir))
	db, err := sql.Open("postgres", base)
	if err != nil {
		return "", err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err = db.Ping(); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return base, err
}

// startServer starts postgres on a Unix socket in the cluster's directory
// (no TCP), without fsync: a test cluster trades durability for speed.
func (c *pgCluster) startServer() error {
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", c.dir)
	if out, err := c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("pg_ctl start: %v: %s\n%s", err, out, log)
	}
	return nil
}

func (c *pgCluster) run(name string, args ...string) ([]byte, error) {
	argv := append(append([]string{}, c.asOwner...), name)
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.dir
	return cmd.CombinedOutput()
}

// stop ends the cluster this binary started, if any, and removes its files.
func (c *pgCluster) stop() {
	if c.dir == "" {
		return
	}
	c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

// StopPostgres stops this binary's throwaway cluster (for outage tests);
// StartPostgres starts it again on the same socket. Tests that use them
// must not run in parallel with other PostgreSQL tests of the binary.
func StopPostgres(t testing.TB) {
	t.Helper()
	if cluster.dir == "" {
		Unavailable(t, "postgres", "no throwaway cluster of this test binary to stop (RENOVOTE_TEST_DATABASE_URL is external)")
	}
	if out, err := cluster.run(cluster.pgCtl, "-D", filepath.Join(cluster.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v: %s", err, out)
	}
}

// StartPostgres starts the cluster StopPostgres stopped.
func StartPostgres(t testing.TB) {
	t.Helper()
	if err := cluster.startServer(); err != nil {
		t.Fatal(err)
	}
}
