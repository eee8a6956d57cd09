package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

var ctx = context.Background()

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := engine.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// fixture is a worker's project with a published scenario, a ballot and
// one signing link per household.
type fixture struct {
	worker  *engine.Worker
	project *engine.Project
	sc      *engine.Scenario
	ballot  *engine.Ballot
	tokens  map[int64]string // household id → token
}

func newWorker(t *testing.T, s *store.Store, name string, admin bool) *engine.Worker {
	t.Helper()
	w := &engine.Worker{Username: name, DisplayName: "社区工作者" + name, PasswordHash: "$2a$10$hash-of-" + name, Admin: admin,
		CreatedAt: storetest.Epoch}
	if err := s.CreateWorker(ctx, w); err != nil {
		t.Fatal(err)
	}
	return w
}

func newProject(t *testing.T, s *store.Store, w *engine.Worker, households int) *engine.Project {
	t.Helper()
	p := &engine.Project{OwnerID: w.ID, Name: "幸福里小区3号楼2单元", Address: "幸福路88号", Floors: 6}
	for i := 0; i < households; i++ {
		p.Households = append(p.Households, engine.Household{
			Room: fmt.Sprintf("%d%02d", i/2+1, i%2+1), Floor: i/2%6 + 1, Area: engine.Area(6850 + i*131),
			OwnerName: "业主" + fmt.Sprint(i), OwnerID: fmt.Sprintf("owner-%d", i), Phone: "13812345678",
			Hardship: i == 3, Exempt: i < 2, MustConsent: i == 0,
		})
	}
	if err := storetest.CreateProject(ctx, s, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func newFixture(t *testing.T, s *store.Store, households int) *fixture {
	t.Helper()
	f := &fixture{worker: newWorker(t, s, "wang", false), tokens: map[int64]string{}}
	f.project = newProject(t, s, f.worker, households)
	f.sc = &engine.Scenario{ProjectID: f.project.ID, Name: "方案A", Input: json.RawMessage(`{"costs":[{"amount":"570000.00"}]}`),
		Result: json.RawMessage(`{"total_cost":"570000.00","pool":"999999999.99"}`)}
	if err := storetest.SaveScenario(ctx, s, f.sc); err != nil {
		t.Fatal(err)
	}
	canonical := []byte(`{"name":"方案A","total_cost":"570000.00"}`)
	req := &engine.PublishRequest{ProjectID: f.project.ID, ScenarioID: f.sc.ID, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
		Rule: json.RawMessage(`"civil_code_major"`), Deadline: storetest.Epoch.Add(72 * time.Hour), Actor: "worker:1"}
	for _, h := range f.project.Households {
		token, hash := engine.NewEntryToken(f.project.ID)
		f.tokens[h.ID] = token
		req.Links = append(req.Links, engine.SigningLink{HouseholdID: h.ID, TokenHash: hash})
	}
	var err error
	if f.ballot, err = storetest.Publish(ctx, s, req); err != nil {
		t.Fatal(err)
	}
	f.sc.SHA256 = req.SHA256
	return f
}

func (f *fixture) decision(h engine.Household, vote, key string) *engine.Decision {
	return &engine.Decision{ProjectID: f.project.ID, BallotID: f.ballot.ID, HouseholdID: h.ID, ScenarioSHA256: f.sc.SHA256,
		Vote: vote, SignerName: h.OwnerName, SignaturePNG: []byte("\x89PNG\r\n\x1a\nfake-" + key), Method: engine.DecisionOnline,
		IP: "192.0.2.1", UserAgent: "Mozilla/5.0 (iPhone)", IdempotencyKey: key}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	names := func(dialect string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sq, pg := names(store.SQLite), names(store.Postgres)
	if strings.Join(sq, ",") != strings.Join(pg, ",") || len(sq) == 0 {
		t.Fatalf("migration files differ: sqlite %v, postgres %v", sq, pg)
	}
}

func TestMigrations(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		count := func(s *store.Store) (n int) {
			if err := s.DB().Get(&n, `SELECT COUNT(*) FROM schema_migrations`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// one row per migration file: numbers are handed out to parallel
		// work, so a branch may hold 0022 before 0020 lands
		files, err := os.ReadDir(filepath.Join("migrations", store.SQLite))
		if err != nil {
			t.Fatal(err)
		}
		first := count(s)
		if first != len(files) {
			t.Fatalf("%d migrations applied, want %d", first, len(files))
		}
		s.Close()
		s = storetest.Open(t, dsn) // applying again is a no-op
		if n := count(s); n != first {
			t.Fatalf("reopening applied migrations again: %d rows, want %d", n, first)
		}
		if _, err := s.DB().Exec(s.DB().Rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`), 9999, "9999_future.sql", "x"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err = store.Open(ctx, dsn)
		if err == nil || !strings.Contains(err.Error(), "比本程序支持的") {
			t.Fatalf("opening a newer schema: err = %v, want a refusal", err)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorker(t, s, "李娜", false)
		got, err := s.WorkerByUsername(ctx, "李娜")
		if err != nil || got.ID != w.ID || got.DisplayName != w.DisplayName || got.PasswordHash != w.PasswordHash || got.Admin || !got.CreatedAt.Equal(w.CreatedAt) {
			t.Fatalf("worker = %+v, %v; want %+v", got, err, w)
		}
		_, err = s.WorkerByUsername(ctx, "nobody")
		wantCode(t, err, engine.ECodeNotFound)
		wantCode(t, s.CreateWorker(ctx, &engine.Worker{Username: "李娜", PasswordHash: "x"}), engine.ECodeConflict)

		token, hash := engine.NewToken()
		now := storetest.Epoch
		if err := s.CreateSession(ctx, &engine.Session{TokenHash: hash, WorkerID: w.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if sess, sw, err := s.LiveSession(ctx, engine.HashToken(token), now); err != nil || sw.ID != w.ID || sess.TokenHash != hash || sess.EndedAt != nil {
			t.Fatalf("session worker = %v, %v, %v", sess, sw, err)
		}
		_, _, err = s.LiveSession(ctx, hash, now.Add(2*time.Hour))
		wantCode(t, err, engine.ECodeUnauthorized)
		if ended, err := s.EndSession(ctx, hash, now); err != nil || ended == nil || ended.EndedAt == nil || !ended.EndedAt.Equal(now) {
			t.Fatalf("ended = %+v, %v", ended, err)
		}
		if ended, err := s.EndSession(ctx, hash, now); err != nil || ended != nil {
			t.Fatalf("ended again = %+v, %v", ended, err)
		}
		_, _, err = s.LiveSession(ctx, hash, now)
		wantCode(t, err, engine.ECodeUnauthorized)

		p := &engine.Project{OwnerID: w.ID, Name: "老旧小区改造·幸福里「3号楼」", Address: "上海市徐汇区 𠮷 路", Floors: 7,
			Households: []engine.Household{
				{Room: "101", Floor: 1, Area: 6850, OwnerName: "张三", OwnerID: "id-1", Phone: "13800001111", Exempt: true},
				{Room: "702", Floor: 7, Area: 1000000, OwnerName: "O'Brien \"王\"", OwnerID: "", Phone: "", Hardship: true, MustConsent: true},
			}}
		if err := storetest.CreateProject(ctx, s, p); err != nil {
			t.Fatal(err)
		}
		gp, err := s.Project(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if gp.Name != p.Name || gp.Address != p.Address || gp.Floors != 7 || !gp.CreatedAt.Equal(p.CreatedAt) || len(gp.Households) != 2 {
			t.Fatalf("project = %+v", gp)
		}
		for i := range p.Households {
			if gp.Households[i] != p.Households[i] {
				t.Errorf("household %d = %+v, want %+v", i, gp.Households[i], p.Households[i])
			}
		}

		sc := &engine.Scenario{ProjectID: p.ID, Name: "方案A（系数）", Input: json.RawMessage(`{"costs":[{"amount":"1000000000.00"}],"name":"中文"}`),
			Result: json.RawMessage(`{"total_cost":"1000000000.00","x":"0.10"}`)}
		if err := storetest.SaveScenario(ctx, s, sc); err != nil {
			t.Fatal(err)
		}
		gs, err := s.Scenario(ctx, p.ID, sc.ID)
		if err != nil || !bytes.Equal(gs.Input, sc.Input) || !bytes.Equal(gs.Result, sc.Result) || gs.Status != engine.ScenarioDraft || gs.Published() {
			t.Fatalf("scenario = %+v, %v", gs, err)
		}
		sc.Name, sc.Result = "方案A′", json.RawMessage(`{"total_cost":"0.01"}`)
		if err := storetest.SaveScenario(ctx, s, sc); err != nil {
			t.Fatal(err)
		}
		if gs, _ = s.Scenario(ctx, p.ID, sc.ID); gs.Name != "方案A′" || string(gs.Result) != `{"total_cost":"0.01"}` {
			t.Fatalf("updated scenario = %+v", gs)
		}
		_, err = s.Scenario(ctx, p.ID, 9999)
		wantCode(t, err, engine.ECodeNotFound)

		canonical := []byte(`{"name":"方案A′"}`)
		deadline := time.Date(2027, 3, 1, 16, 0, 0, 123456789, time.UTC)
		token2, hash2 := engine.NewEntryToken(p.ID)
		b, err := storetest.Publish(ctx, s, &engine.PublishRequest{ProjectID: p.ID, ScenarioID: sc.ID, Canonical: canonical, SHA256: engine.ScenarioSum(canonical),
			Rule: json.RawMessage(`{"participation_area":"2/3"}`), Deadline: deadline, Actor: "worker:1",
			Links: []engine.SigningLink{{HouseholdID: p.Households[1].ID, TokenHash: hash2}}})
		if err != nil {
			t.Fatal(err)
		}
		gb, err := s.CurrentBallot(ctx, p.ID)
		if err != nil || gb.ID != b.ID || gb.SHA256 != engine.ScenarioSum(canonical) || string(gb.Rule) != `{"participation_area":"2/3"}` ||
			!gb.Deadline.Equal(deadline.Truncate(time.Microsecond)) || gb.ClosedAt != nil {
			t.Fatalf("ballot = %+v, %v", gb, err)
		}
		gs, _ = s.Scenario(ctx, p.ID, sc.ID)
		if !gs.Published() || !bytes.Equal(gs.Canonical, canonical) || gs.SHA256 != engine.ScenarioSum(canonical) || gs.PublishedAt == nil {
			t.Fatalf("published scenario = %+v", gs)
		}
		link, err := s.LinkByTokenHash(ctx, p.ID, engine.HashToken(token2))
		if err != nil || link.HouseholdID != p.Households[1].ID || !link.ExpiresAt.Equal(gb.Deadline) || link.RevokedAt != nil {
			t.Fatalf("link = %+v, %v", link, err)
		}

		png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}
		d := &engine.Decision{ProjectID: p.ID, BallotID: b.ID, HouseholdID: p.Households[1].ID, ScenarioSHA256: gb.SHA256,
			Vote: engine.VoteAgree, SignerName: "王 <b>", SignaturePNG: png, Method: engine.DecisionPaper, Witness: "李娜（社区）",
			PaperPhoto: []byte{0xff, 0xd8, 0xff}, PaperPhotoType: "image/jpeg", RecordedBy: w.ID, IP: "2001:db8::1", UserAgent: "UA",
			IdempotencyKey: "k-1", CreatedAt: time.Date(2027, 2, 1, 8, 0, 0, 999999999, time.UTC)}
		if replay, err := recordDecision(s, d); err != nil || replay || d.Code == "" {
			t.Fatalf("record: replay %v, err %v, code %q", replay, err, d.Code)
		}
		gd, err := s.DecisionByCode(ctx, d.ProjectID, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if gd.Digest() != d.Digest() || !bytes.Equal(gd.SignaturePNG, png) || gd.RecordedBy != w.ID || gd.Witness != d.Witness {
			t.Fatalf("decision = %+v, want %+v", gd, d)
		}
		_, err = s.DecisionByCode(ctx, d.ProjectID, "NOPE")
		wantCode(t, err, engine.ECodeNotFound)

		events, err := s.AuditEvents(ctx, p.ID)
		if err != nil || len(events) < 5 {
			t.Fatalf("%d audit events, %v", len(events), err)
		}
		check, err := verifyAudit(ctx, s, p.ID)
		if err != nil || !check.OK || check.Events != len(events) {
			t.Fatalf("audit = %+v, %v", check, err)
		}
	})
}

func TestPublishedScenarioIsFrozen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, 4)
		f.sc.Name = "偷偷改名"
		wantCode(t, storetest.SaveScenario(ctx, s, f.sc), engine.ECodeConflict)
		db := s.DB()
		for _, stmt := range []string{
			`UPDATE scenarios SET canonical = ? WHERE id = ?`,
			`UPDATE scenarios SET status = 'draft' WHERE id = ? OR id = ?`,
			`DELETE FROM scenarios WHERE id = ? OR id = ?`,
		} {
			args := []any{[]byte("forged"), f.sc.ID}
			if !strings.Contains(stmt, "canonical") {
				args = []any{f.sc.ID, f.sc.ID}
			}
			if _, err := db.Exec(db.Rebind(stmt), args...); err == nil {
				t.Errorf("%s: the database allowed it", stmt)
			}
		}
		err := storetest.ReplaceHouseholds(ctx, s, f.project.ID, nil)
		wantCode(t, err, engine.ECodeConflict)
		if !strings.Contains(err.Error(), "已发布") {
			t.Errorf("message %q should say the scenario is published", err)
		}
		if _, err := db.Exec(db.Rebind(`DELETE FROM households WHERE project_id = ?`), f.project.ID); err == nil {
			t.Error("the database allowed deleting households of a published project")
		}
		gs, _ := s.Scenario(ctx, f.project.ID, f.sc.ID)
		if gs.Name != "方案A" || gs.SHA256 != f.sc.SHA256 {
			t.Errorf("published scenario changed: %+v", gs)
		}
		// a draft can still change, and households of another project too
		other := newProject(t, s, f.worker, 2)
		if err := storetest.ReplaceHouseholds(ctx, s, other.ID, []engine.Household{{Room: "301", Floor: 3, Area: 7000}}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSigningLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, 4)
		h := f.project.Households[2]
		old := f.tokens[h.ID]
		// a second live link for the same household and ballot is refused
		_, hash := engine.NewEntryToken(f.project.ID)
		db := s.DB()
		_, err := db.Exec(db.Rebind(`INSERT INTO signing_links (project_id, ballot_id, household_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			f.project.ID, f.ballot.ID, h.ID, hash, storetest.Epoch, storetest.Epoch)
		if err == nil {
			t.Fatal("the database allowed two live links for one household")
		}
		// reissuing revokes the old link
		token, hash := engine.NewEntryToken(f.project.ID)
		if err := storetest.ReissueLinks(ctx, s, []*engine.SigningLink{{ProjectID: f.ballot.ProjectID, BallotID: f.ballot.ID, HouseholdID: h.ID, TokenHash: hash, ExpiresAt: f.ballot.Deadline}}); err != nil {
			t.Fatal(err)
		}
		_, err = s.LinkByTokenHash(ctx, f.project.ID, engine.HashToken(old))
		wantCode(t, err, engine.ECodeNotFound)
		if l, err := s.LinkByTokenHash(ctx, f.project.ID, engine.HashToken(token)); err != nil || l.HouseholdID != h.ID {
			t.Fatalf("new link = %+v, %v", l, err)
		}
		links, err := s.Links(ctx, f.project.ID, f.ballot.ID)
		if err != nil || len(links) != 4 {
			t.Fatalf("%d live links, %v", len(links), err)
		}
		// tokens are stored only hashed
		var n int
		if err := db.Get(&n, db.Rebind(`SELECT COUNT(*) FROM signing_links WHERE token_hash = ?`), token); err != nil || n != 0 {
			t.Fatalf("a token is stored in clear: %d, %v", n, err)
		}
	})
}

// verifyAudit checks a project's chain as the service does.
func verifyAudit(ctx context.Context, s *store.Store, projectID int64) (*engine.AuditCheck, error) {
	r, err := s.AuditRecords(ctx, projectID)
	if err != nil {
		return nil, err
	}
	return engine.CheckAudit(r, storetest.Key.Public()), nil
}
