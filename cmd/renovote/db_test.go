package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"golang.org/x/crypto/bcrypt"
)

// TestMain lowers bcrypt's cost for the accounts tests make (see
// app.PasswordCost) and runs the tests beside a PostgreSQL cluster.
func TestMain(m *testing.M) {
	app.PasswordCost = bcrypt.MinCost
	os.Exit(storetest.Main(m))
}

// cliEnv runs the program with DATABASE_URL set.
func cliEnv(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	var stdout, stderr strings.Builder
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	status := report(err, &stderr)
	return cliResult{status, stdout.String(), stderr.String()}
}

func TestMigrateAndAuditVerify(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		res := cliEnv(t, map[string]string{"DATABASE_URL": dsn, "RENOVOTE_SIGNING_KEY": filepath.Join(t.TempDir(), "k")}, "migrate")
		if res.status != 0 || !strings.Contains(res.stdout, "版本") {
			t.Fatalf("migrate: %+v", res)
		}
		ctx := context.Background()
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
		b, err := storetest.Publish(ctx, s, &engine.PublishRequest{ProjectID: p.ID, ScenarioID: sc.ID, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
			Rule: json.RawMessage(`"civil_code_major"`), Deadline: storetest.Epoch.Add(time.Hour), Actor: "worker:1"})
		if err != nil {
			t.Fatal(err)
		}
		d := &engine.Decision{ProjectID: p.ID, BallotID: b.ID, HouseholdID: p.Households[0].ID, ScenarioSHA256: engine.ScenarioSum(canonical),
			Vote: engine.VoteDisagree, SignerName: "张三", Method: engine.DecisionOnline, IdempotencyKey: "k"}
		recordDecision(t, s, d)
		id := strconv.FormatInt(p.ID, 10)
		res = cliEnv(t, nil, "audit", "verify", id, "--db", dsn, "--public-key", testPublicKey(t))
		if res.status != 0 || !strings.Contains(res.stdout, "完整") {
			t.Fatalf("audit verify on an intact chain: %+v", res)
		}
		events, err := s.AuditEvents(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		anchor := fmt.Sprintf("%d:%s", last.Seq, last.Hash[:12])
		if res := cliEnv(t, nil, "audit", "verify", id, "--db", dsn, "--public-key", testPublicKey(t), "--anchor", anchor); res.status != 0 || !strings.Contains(res.stdout, "仍在链上") {
			t.Fatalf("audit verify --anchor %s: %+v", anchor, res)
		}
		wrong := fmt.Sprintf("%d:%s", last.Seq, strings.Repeat("0", 12))
		if res := cliEnv(t, nil, "audit", "verify", id, "--db", dsn, "--public-key", testPublicKey(t), "--anchor", wrong); res.status != 1 || !strings.Contains(res.stderr, "不符") {
			t.Fatalf("audit verify with a wrong anchor: %+v", res)
		}
		if res := cliEnv(t, nil, "audit", "verify", id, "--db", dsn, "--public-key", testPublicKey(t), "--anchor", "999:abcdef0123"); res.status != 1 || !strings.Contains(res.stderr, "不在链上") {
			t.Fatalf("audit verify with an anchor past the chain: %+v", res)
		}
		if res := cliEnv(t, nil, "audit", "verify", id, "--db", dsn, "--public-key", testPublicKey(t), "--anchor", "x"); res.status != 2 {
			t.Fatalf("audit verify with a malformed anchor: %+v", res)
		}
		// tamper as a database administrator would
		if s.Dialect() == store.Postgres {
			_, err = s.DB().Exec(`ALTER TABLE decisions DISABLE TRIGGER USER`)
		} else {
			_, err = s.DB().Exec(`DROP TRIGGER decisions_append_only_update`)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE decisions SET vote = 'agree' WHERE id = ?`), d.ID); err != nil {
			t.Fatal(err)
		}
		res = cliEnv(t, map[string]string{"DATABASE_URL": dsn}, "audit", "verify", id, "--public-key", testPublicKey(t))
		if res.status != 1 || !strings.Contains(res.stderr, "表决记录被改动") || !strings.Contains(res.stderr, "第") {
			t.Fatalf("audit verify after tampering: %+v", res)
		}
		res = cliEnv(t, map[string]string{"DATABASE_URL": dsn}, "audit", "verify", "424242", "--public-key", testPublicKey(t))
		if res.status != 1 || !strings.Contains(res.stderr, "项目不存在") {
			t.Fatalf("audit verify of an unknown project: %+v", res)
		}
	})
}

// TestAuditVerifyUnreachable: a database that cannot be reached is exit
// status 3 and says so; it never reports a broken chain.
func TestAuditVerifyUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // a port nobody answers on once closed
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	res := cliEnv(t, map[string]string{"DATABASE_URL": "postgres://nobody@" + addr + "/x?sslmode=disable&connect_timeout=2"}, "audit", "verify", "1", "--public-key", testPublicKey(t))
	if res.status != 3 || !strings.Contains(res.stderr, "无法连接数据库") || strings.Contains(res.stderr, "校验失败") {
		t.Fatalf("audit verify without a database: %+v, want exit 3", res)
	}
}

func TestDatabaseCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"audit"}, {"audit", "check", "1"}, {"audit", "verify"}, {"audit", "verify", "x"}, {"migrate", "extra"}} {
		if res := cliEnv(t, nil, args...); res.status != 2 || res.stdout != "" {
			t.Errorf("%v: %+v, want status 2", args, res)
		}
	}
	if res := cliEnv(t, nil, "audit", "-h"); res.status != 0 || !strings.Contains(res.stdout, "哈希链") {
		t.Errorf("audit -h: %+v", res)
	}
}

// testPublicKey writes the test stores' public key to a file for
// audit verify --public-key.
func testPublicKey(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "renovote.pub")
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(storetest.Key.Public())+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
