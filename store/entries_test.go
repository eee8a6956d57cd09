package store_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// legacyCode is a verification code as they were made before migration
// 0023: two groups of five, no project.
func legacyCode() string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, 10)
	rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, alphabet[c&31])
	}
	return string(out)
}

// legacySlug is a public slug of before: 24 hex digits.
func legacySlug() string {
	b := make([]byte, 12)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// withProject re-encodes a new-format token with another project's id and
// the same secret part: what someone who changes the id in a link sends.
func withProject(t *testing.T, token string, projectID int64) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	_, n := binary.Uvarint(b[1:])
	out := append([]byte{b[0]}, binary.AppendUvarint(nil, uint64(projectID))...)
	return base64.RawURLEncoding.EncodeToString(append(out, b[1+n:]...))
}

// TestEntriesOfBefore: a database of before migration 0023 holds a
// signing link, a questionnaire link, a decision's and a receipt's code
// and a public slug in the old forms, printed on paper and on phones.
// After the upgrade each still opens, through the project 0023 recorded
// for it (entry_routes, which then refuses writes); entries made since
// carry their project and open keyed by it; an entry whose project was
// changed, or one of the old form that was never issued, opens nothing.
func TestEntriesOfBefore(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		clock := storetest.NewClock()
		cfg := func(s *store.Store) app.Config {
			return app.Config{Store: s, BaseURL: "http://renovote.test", SigningKey: storetest.Key, LinkQuota: 1 << 30, Now: clock.Now}
		}
		old, err := store.OpenWithout(ctx, dsn, 23, 24)
		if err != nil {
			t.Fatal(err)
		}
		old.SetSigningKey(storetest.Key)
		old.SetClock(clock.Now)
		w := newWorker(t, old, "entries", true)
		slug := legacySlug()
		p := &engine.Project{OwnerID: w.ID, Name: "旧入口小区1号楼", Address: "旧路1号", Floors: 6, PublicSlug: slug}
		for i := range 6 {
			p.Households = append(p.Households, engine.Household{Room: fmt.Sprintf("%d01", i+1), Floor: i + 1, Area: engine.Area(7000 + i*100)})
		}
		if err := storetest.CreateProject(ctx, old, p); err != nil {
			t.Fatal(err)
		}
		a := app.New(cfg(old))
		sc, err := a.SaveScenario(ctx, w, p.ID, 0, []byte(`{"costs":[{"amount":"600000"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		pub, err := a.Publish(ctx, w, p.ID, sc.ID, json.RawMessage(`"civil_code_major"`), clock.Now().Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		b := pub.Ballot
		hs := p.Households
		// the link of 101 as it was issued before: 256 random bits
		linkToken, linkHash := engine.NewToken()
		if err := storetest.ReissueLinks(ctx, old, []*engine.SigningLink{{ProjectID: p.ID, BallotID: b.ID, HouseholdID: hs[0].ID, TokenHash: linkHash,
			ExpiresAt: b.Deadline}}); err != nil {
			t.Fatal(err)
		}
		decisionCode := legacyCode()
		d := &engine.Decision{ProjectID: p.ID, BallotID: b.ID, HouseholdID: hs[3].ID, ScenarioSHA256: b.SHA256, Vote: engine.VoteAgree,
			SignerName: "业主", SignaturePNG: []byte("png"), Method: engine.DecisionOnline, IdempotencyKey: "old-1", Code: decisionCode}
		d.Stamp(clock.Now())
		// as the code of before stored it (the statement of now names the
		// keys 0023 makes)
		if err := old.DB().Get(&d.ID, old.DB().Rebind(`INSERT INTO decisions (project_id, ballot_id, household_id, scenario_sha256, vote,
			signer_name, signature_png, method, witness, paper_photo, paper_photo_type, ip, user_agent, idempotency_key, code, created_at, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', '', '', ?, ?, ?, '') RETURNING id`), d.ProjectID, d.BallotID, d.HouseholdID, d.ScenarioSHA256,
			d.Vote, d.SignerName, d.SignaturePNG, d.Method, []byte{}, d.IdempotencyKey, d.Code, d.CreatedAt); err != nil {
			t.Fatal(err)
		}
		if err := old.InTx(ctx, func(ctx context.Context) error {
			return storetest.Extend(ctx, old, p.ID, engine.DecisionRecorded(d, ""))
		}); err != nil {
			t.Fatal(err)
		}
		paymentCode := legacyCode()
		pay := &engine.Payment{ProjectID: p.ID, HouseholdID: hs[4].ID, Kind: engine.PaymentIn, Amount: 100000, Day: "2026-01-02",
			Method: engine.PaymentMethods[0], Code: paymentCode, RecordedBy: w.ID, IdempotencyKey: "old-pay", CreatedAt: clock.Now(),
			ReceiptNo: engine.ReceiptNo(engine.PaymentIn, clock.Now(), 0)}
		if err := old.InTx(ctx, func(ctx context.Context) error {
			if err := old.InsertPayment(ctx, pay); err != nil {
				return err
			}
			return storetest.Extend(ctx, old, p.ID, engine.PaymentRecorded(pay, engine.WorkerActor(w.ID)))
		}); err != nil {
			t.Fatal(err)
		}
		surveyToken, surveyHash := engine.NewToken()
		q := &engine.Questionnaire{ProjectID: p.ID, Title: "满意度", Deadline: clock.Now().Add(48 * time.Hour),
			Questions: json.RawMessage(`[{"id":"q1","kind":"rating","text":"满意吗"}]`)}
		if err := storetest.SendQuestionnaires(ctx, old, []engine.QuestionnaireSend{{Questionnaire: q,
			Links: []engine.SurveyLink{{HouseholdID: hs[0].ID, TokenHash: surveyHash}}}}); err != nil {
			t.Fatal(err)
		}
		old.Close()

		s := storetest.Open(t, dsn)
		s.SetClock(clock.Now)
		a = app.New(cfg(s))
		var routes int
		if err := s.DB().Get(&routes, `SELECT COUNT(*) FROM entry_routes`); err != nil {
			t.Fatal(err)
		}
		// 6 links (5 of them new-format, still routed: issued before), 1
		// revoked, 1 survey link, 1 decision, 1 payment, 1 slug
		if routes != 7+1+1+1+1 {
			t.Errorf("entry_routes: %d rows, want 11", routes)
		}
		for _, stmt := range []string{
			`INSERT INTO entry_routes (kind, key, project_id) VALUES ('slug', 'x', 1)`,
			`UPDATE entry_routes SET project_id = project_id + 1`,
			`DELETE FROM entry_routes`,
		} {
			if _, err := s.DB().Exec(stmt); err == nil {
				t.Errorf("%s: allowed", stmt)
			}
		}

		// the old forms open through the routes
		sg, err := a.OpenSigning(ctx, linkToken)
		if err != nil || sg.Link.HouseholdID != hs[0].ID {
			t.Fatalf("old link: %+v, %v", sg, err)
		}
		an, err := a.OpenAnswering(ctx, surveyToken)
		if err != nil || an.Link.HouseholdID != hs[0].ID || an.Project.ID != p.ID {
			t.Fatalf("old questionnaire link: %+v, %v", an, err)
		}
		v, err := a.Verify(ctx, strings.ToLower(" "+decisionCode+" "))
		if err != nil || v.Decision == nil || !v.Valid || v.Room != hs[3].Room {
			t.Fatalf("old decision code: %+v, %v", v, err)
		}
		v, err = a.Verify(ctx, paymentCode)
		if err != nil || v.Receipt == nil || !v.Valid || v.Room != hs[4].Room {
			t.Fatalf("old receipt code: %+v, %v", v, err)
		}
		sum, err := a.PublicSummary(ctx, slug)
		if err != nil || sum.Slug != slug {
			t.Fatalf("old slug: %+v, %v", sum, err)
		}

		// what is made now carries the project
		p2, err := a.CreateProject(ctx, w, []byte(`{"name":"新入口小区2号楼","floors":6,"households":[{"room":"101","floor":1,"area":"70"},{"room":"601","floor":6,"area":"70"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p2.PublicSlug, fmt.Sprintf("%d-", p2.ID)) {
			t.Errorf("new slug %q does not carry project %d", p2.PublicSlug, p2.ID)
		}
		_, rest, _ := strings.Cut(p2.PublicSlug, "-")
		sc2, err := a.SaveScenario(ctx, w, p2.ID, 0, []byte(`{"costs":[{"amount":"100000"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		pub2, err := a.Publish(ctx, w, p2.ID, sc2.ID, json.RawMessage(`"civil_code_major"`), clock.Now().Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if sum, err := a.PublicSummary(ctx, p2.PublicSlug); err != nil || sum.Slug != p2.PublicSlug {
			t.Fatalf("new slug: %+v, %v", sum, err)
		}
		newToken := strings.TrimPrefix(pub2.Links[1].URL, "http://renovote.test/s/")
		if id, legacy, ok := engine.TokenProject(newToken); !ok || legacy || id != p2.ID {
			t.Fatalf("new token %q carries %d (legacy %v, ok %v)", newToken, id, legacy, ok)
		}
		if sg, err := a.OpenSigning(ctx, newToken); err != nil || sg.Link.ProjectID != p2.ID || sg.Link.HouseholdID != p2.Households[1].ID {
			t.Fatalf("new link: %+v, %v", sg, err)
		}
		d2 := &engine.Decision{ProjectID: p2.ID, BallotID: pub2.Ballot.ID, HouseholdID: p2.Households[1].ID, ScenarioSHA256: pub2.Ballot.SHA256,
			Vote: engine.VoteAgree, SignerName: "业主", SignaturePNG: []byte("png"), Method: engine.DecisionOnline, IdempotencyKey: "new-1"}
		if _, err := a.Record(ctx, d2); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(d2.Code, fmt.Sprintf("%d-", p2.ID)) {
			t.Errorf("new code %q does not carry project %d", d2.Code, p2.ID)
		}
		if v, err := a.Verify(ctx, d2.Code); err != nil || !v.Valid || v.Decision.ID != d2.ID {
			t.Fatalf("new code: %+v, %v", v, err)
		}

		// an entry led to another project, or never issued, opens nothing
		notFound := func(what string, err error) {
			t.Helper()
			if engine.ErrorCode(err) != engine.ECodeNotFound {
				t.Errorf("%s: %v, want not found", what, err)
			}
		}
		_, err = a.OpenSigning(ctx, withProject(t, newToken, p.ID))
		notFound("new token led to the old project", err)
		_, err = a.OpenSigning(ctx, withProject(t, newToken, p2.ID+1000))
		notFound("new token led to no project", err)
		never, _ := engine.NewToken()
		_, err = a.OpenSigning(ctx, never)
		notFound("old-form token never issued", err)
		_, err = a.OpenAnswering(ctx, linkToken)
		notFound("signing token as a questionnaire token", err)
		_, body, _ := strings.Cut(d2.Code, "-")
		_, err = a.Verify(ctx, fmt.Sprintf("%d-%s", p.ID, body))
		notFound("new code led to the old project", err)
		_, err = a.Verify(ctx, body)
		notFound("new code without its project", err)
		if err == nil || !strings.Contains(err.Error(), "项目编号") {
			t.Errorf("a code typed without its project's number: %v (should say the number may be missing)", err)
		}
		_, err = a.Verify(ctx, fmt.Sprintf("%d-%s", p.ID, decisionCode))
		notFound("old code given a project", err)
		_, err = a.PublicSummary(ctx, fmt.Sprintf("%d-%s", p.ID, rest))
		notFound("new slug led to the old project", err)
		_, err = a.PublicSummary(ctx, rest)
		notFound("new slug without its project", err)

		// an administrator who gets round the trigger and points an old
		// link's route at another project only makes it lead nowhere: the
		// link must be found in that project by its whole hash
		if s.Dialect() == store.Postgres {
			s.DB().MustExec(`ALTER TABLE entry_routes DISABLE TRIGGER entry_routes_frozen`)
		} else {
			s.DB().MustExec(`DROP TRIGGER entry_routes_frozen_update`)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE entry_routes SET project_id = ? WHERE kind = 'link' AND key = ?`), p2.ID, linkHash)
		_, err = a.OpenSigning(ctx, linkToken)
		notFound("old link routed to another project", err)
	})
}
