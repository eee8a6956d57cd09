package app_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/pdf"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/templates"
	"golang.org/x/crypto/bcrypt"
)

// TestMain lowers bcrypt's cost for the accounts tests make (see
// app.PasswordCost) and runs the tests beside a PostgreSQL cluster.
func TestMain(m *testing.M) {
	app.PasswordCost = bcrypt.MinCost
	os.Exit(storetest.Main(m))
}

var ctx = context.Background()

// world is a project of worker a with a published ballot and a
// questionnaire, worker b, and an admin.
type world struct {
	app        *app.App
	clock      *storetest.Clock
	a, b, root *engine.Worker
	project    *engine.Project
	scenario   *engine.Scenario
	links      []app.Link
	q          *engine.Questionnaire
}

func newWorld(t *testing.T, s *store.Store) *world {
	t.Helper()
	printer, err := pdf.New(templates.Font, templates.AgreementClauses)
	if err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock()
	s.SetClock(clock.Now)
	w := &world{clock: clock, app: app.New(app.Config{Store: s, Printer: printer, BaseURL: "http://renovote.test", SigningKey: storetest.Key, Now: clock.Now})}
	for _, x := range []struct {
		dst   **engine.Worker
		name  string
		admin bool
	}{{&w.a, "a", false}, {&w.b, "b", false}, {&w.root, "root", true}} {
		*x.dst = &engine.Worker{Username: x.name, Admin: x.admin}
		if err := w.app.AddWorker(ctx, *x.dst, "Fu4-sheng-lou-jia-ti"); err != nil {
			t.Fatal(err)
		}
	}
	w.project, err = w.app.CreateProject(ctx, w.a, []byte(`{"name":"幸福里3号楼","address":"幸福路88号","floors":6,"households":[
		{"room":"101","floor":1,"area":"68.50","owner_id":"o1"},{"room":"301","floor":3,"area":"70"},
		{"room":"501","floor":5,"area":"80"},{"room":"601","floor":6,"area":"90"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w.scenario, err = w.app.SaveScenario(ctx, w.a, w.project.ID, 0, []byte(`{"name":"方案A","costs":[{"name":"电梯","amount":"420000"}],
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3-6","value":"1"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := w.app.Publish(ctx, w.a, w.project.ID, w.scenario.ID, json.RawMessage(`"civil_code_major"`), w.clock.Now().Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w.links = pub.Links
	sent, err := w.app.SendQuestionnaire(ctx, w.a, w.project.ID, app.QuestionnaireInput{Title: "满意度", Questions: json.RawMessage(`[{"id":"q1","kind":"rating"}]`),
		Deadline: w.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	w.q = sent.Questionnaire
	return w
}

// TestAuthorization: every workflow a worker calls refuses a project that
// is not theirs — as if it did not exist (404), nothing written — and lets
// an admin through.
func TestAuthorization(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		pid, hid, sid, qid := w.project.ID, w.project.Households[1].ID, w.scenario.ID, w.q.ID
		paper := app.Vote{Vote: engine.VoteAgree, SignerName: "张三", Witness: "李四", Photo: []byte{0xff, 0xd8}, PhotoType: "image/jpeg", IdempotencyKey: "paper-key-0001"}
		calls := map[string]func(*engine.Worker) error{
			"Project": func(x *engine.Worker) error { _, err := w.app.Project(ctx, x, pid); return err },
			"ReplaceHouseholds": func(x *engine.Worker) error {
				_, err := w.app.ReplaceHouseholds(ctx, x, pid, []byte(`[]`), app.HouseholdsJSON)
				return err
			},
			"SaveScenario": func(x *engine.Worker) error {
				_, err := w.app.SaveScenario(ctx, x, pid, 0, []byte(`{"costs":[{"amount":"1"}]}`))
				return err
			},
			"Scenarios": func(x *engine.Worker) error { _, err := w.app.Scenarios(ctx, x, pid); return err },
			"Scenario":  func(x *engine.Worker) error { _, err := w.app.Scenario(ctx, x, pid, sid); return err },
			"Compare":   func(x *engine.Worker) error { _, err := w.app.Compare(ctx, x, pid, sid, sid); return err },
			"Publish": func(x *engine.Worker) error {
				_, err := w.app.Publish(ctx, x, pid, sid, json.RawMessage(`"civil_code_major"`), w.clock.Now().Add(time.Hour))
				return err
			},
			"Tally":               func(x *engine.Worker) error { _, err := w.app.Tally(ctx, x, pid); return err },
			"Decisions":           func(x *engine.Worker) error { _, err := w.app.Decisions(ctx, x, pid); return err },
			"RecordPaperDecision": func(x *engine.Worker) error { _, err := w.app.RecordPaperDecision(ctx, x, pid, hid, paper); return err },
			"ReissueLink":         func(x *engine.Worker) error { _, err := w.app.ReissueLink(ctx, x, pid, hid); return err },
			"CheckAudit":          func(x *engine.Worker) error { _, err := w.app.CheckAudit(ctx, x, pid); return err },
			"AgreementPDF":        func(x *engine.Worker) error { _, err := w.app.AgreementPDF(ctx, x, pid, hid); return err },
			"BookletPDF":          func(x *engine.Worker) error { _, err := w.app.BookletPDF(ctx, x, pid); return err },
			"NoticePDF":           func(x *engine.Worker) error { _, err := w.app.NoticePDF(ctx, x, pid, 0); return err },
			"SendQuestionnaire": func(x *engine.Worker) error {
				_, err := w.app.SendQuestionnaire(ctx, x, pid, app.QuestionnaireInput{Title: "x", Questions: json.RawMessage(`[{"id":"q","kind":"text"}]`), Deadline: w.clock.Now().Add(time.Hour)})
				return err
			},
			"SendGroupQuestionnaire": func(x *engine.Worker) error {
				_, err := w.app.SendGroupQuestionnaire(ctx, x, []int64{pid}, app.QuestionnaireInput{Title: "x", Questions: json.RawMessage(`[{"id":"q","kind":"text"}]`), Deadline: w.clock.Now().Add(time.Hour)})
				return err
			},
			"Questionnaires":       func(x *engine.Worker) error { _, err := w.app.Questionnaires(ctx, x, pid); return err },
			"QuestionnaireResults": func(x *engine.Worker) error { _, err := w.app.QuestionnaireResults(ctx, x, pid, qid); return err },
			"SurveyPDF":            func(x *engine.Worker) error { _, err := w.app.SurveyPDF(ctx, x, pid, qid); return err },
			"CloseQuestionnaire":   func(x *engine.Worker) error { _, err := w.app.CloseQuestionnaire(ctx, x, pid, qid); return err },
			"RecordPayment": func(x *engine.Worker) error {
				_, _, err := w.app.RecordPayment(ctx, x, pid, hid, app.Money{Amount: 100, Day: engine.DateOf(w.clock.Now()), Method: "现金", IdempotencyKey: "auth-pay-01"})
				return err
			},
			"RecordRefund": func(x *engine.Worker) error {
				_, _, err := w.app.RecordRefund(ctx, x, pid, hid, app.Money{Amount: 100, Day: engine.DateOf(w.clock.Now()), Note: "x", IdempotencyKey: "auth-ref-01"})
				return err
			},
			"ReversePayment": func(x *engine.Worker) error {
				_, _, err := w.app.ReversePayment(ctx, x, pid, 1, "x", "auth-rev-01")
				return err
			},
			"RecordFund": func(x *engine.Worker) error {
				_, _, err := w.app.RecordFund(ctx, x, pid, engine.FundIncome, app.Money{Amount: 100, Day: engine.DateOf(w.clock.Now()), Source: "其他", What: "x", IdempotencyKey: "auth-fund-01"})
				return err
			},
			"Ledger": func(x *engine.Worker) error {
				_, err := w.app.Ledger(ctx, x, pid, engine.DateOf(w.clock.Now()))
				return err
			},
			"Statement":    func(x *engine.Worker) error { _, err := w.app.Statement(ctx, x, pid); return err },
			"StatementPDF": func(x *engine.Worker) error { _, err := w.app.StatementPDF(ctx, x, pid); return err },
			"Payments":     func(x *engine.Worker) error { _, err := w.app.Payments(ctx, x, pid); return err },
			"Funds":        func(x *engine.Worker) error { _, err := w.app.Funds(ctx, x, pid); return err },
		}
		before, err := s.AuditEvents(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		for name, call := range calls {
			if got := engine.ErrorCode(call(w.b)); got != engine.ECodeNotFound {
				t.Errorf("%s by another worker: %q, want not_found", name, got)
			}
			if got := engine.ErrorCode(call(nil)); got != engine.ECodeUnauthorized {
				t.Errorf("%s without a worker: %q, want unauthorized", name, got)
			}
		}
		after, err := s.AuditEvents(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) {
			t.Fatalf("refused calls wrote %d audit events", len(after)-len(before))
		}
		if ps, err := w.app.Projects(ctx, w.b); err != nil || len(ps) != 0 {
			t.Errorf("worker b lists %d projects (%v), want none", len(ps), err)
		}
		for _, name := range []string{"Project", "Tally", "Decisions", "CheckAudit", "BookletPDF", "QuestionnaireResults", "Ledger", "Statement"} {
			if err := calls[name](w.root); err != nil {
				t.Errorf("%s by the admin: %v", name, err)
			}
		}
	})
}

// TestUnavailableIsNotTampering: a database that cannot be read makes the
// audit check and /verify fail as unavailable (503, exit 3), never report
// a broken chain.
func TestUnavailableIsNotTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		if check, err := w.app.CheckAudit(ctx, app.Operator, w.project.ID); err != nil || !check.OK {
			t.Fatalf("before: %+v, %v", check, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		check, err := w.app.CheckAudit(ctx, app.Operator, w.project.ID)
		if engine.ErrorCode(err) != engine.ECodeUnavailable || check != nil {
			t.Fatalf("audit of a closed database: %+v, %v (want unavailable)", check, err)
		}
		if _, err := w.app.Verify(ctx, "ABCDE-FGHJK"); engine.ErrorCode(err) != engine.ECodeUnavailable {
			t.Fatalf("verify on a closed database: %v (want unavailable)", err)
		}
	})
}
