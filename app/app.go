// Package app holds renovote's workflows: one file per thing a person
// does — publish a plan, decide, re-issue a link, record a payment, answer
// a complaint, count the vote, print, check the audit log. Each method
// takes the acting worker (or a resident's link) from its caller and:
//
//   - checks who may act;
//   - reads the clock once (a.now) — every row and event of the workflow
//     carries that one time;
//   - opens the unit of work (a.inTx): one transaction, carried in the
//     context, that every store method it calls joins;
//   - locks the project's chain (a.lock, a.lockChain) before it reads what
//     it decides from, and refuses to go on unless the head is the one the
//     server's key last signed and no witness remembers a later one
//     (engine.CheckHead: chain_broken, 503, logged, shown in the console);
//   - decides with engine (receipt numbers, caps, which records count,
//     replays, quotas, what each event says, the row images it carries);
//   - writes rows through the store, which runs SQL and decides nothing;
//   - appends the events (a.extend): engine links them, the store inserts
//     them, the key signs the new head in the same transaction;
//   - once committed, hands the checkpoints to the witnesses before it
//     returns — before the request is answered.
//
// So every row the count, the money, the paper or a credential relies on
// is written in the transaction of the event that describes it, and audit
// verify can rebuild it from the chain. The http handlers and the command
// line call these methods and nothing else orchestrates.
package app

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/renovote/renovote/engine"
)

// Store is everything the workflows keep; store.Store implements it.
type Store interface {
	engine.WorkerStore
	engine.ProjectStore
	engine.ScenarioStore
	engine.BallotStore
	engine.DecisionStore
	engine.AuditStore
	engine.QuestionnaireStore
	engine.PaymentStore
	engine.FundingStore
	engine.CertificateStore
	engine.WorksStore
	engine.LifecycleStore
	engine.OrgStore
	engine.UnitOfWork
	engine.ChainStore
	// ProjectionRows reads a project's projected tables as images.
	ProjectionRows(ctx context.Context, projectID int64) (map[string][]engine.Row, error)
	// ChainStarts lists each project chain's first event.
	ChainStarts(ctx context.Context) ([]engine.ChainStart, error)
	// SetUnissuedLinks points links without an issuing event at seq.
	SetUnissuedLinks(ctx context.Context, projectID, seq int64) error
	Ping(ctx context.Context) error
	// Analyze refreshes the database's statistics of tables after a bulk
	// write (a no-op where there are none to refresh).
	Analyze(ctx context.Context, tables ...string) error
}

// Config wires an App.
type Config struct {
	Store   Store
	Printer engine.Printer // the PDF renderer; nil: nothing is printed and no text is refused as unprintable
	BaseURL string         // in signing links and QR codes
	// Now is the clock; tests move it. Defaults to engine.Now.
	Now func() time.Time
	// PrintSlots bounds the documents rendered at once (CPU and memory);
	// default 4.
	PrintSlots int
	// Limits counts the failed logins and the request limits in the
	// database, for every server on it (store.Store.SharedLimits:
	// PostgreSQL); nil: in this process (SQLite, one server).
	Limits engine.LimitStore
	// Pause is how a slowed login waits (accountGuard); default a timer.
	// Tests replace it to count the waits instead of sitting through them.
	Pause func(ctx context.Context, d time.Duration) error
	// PublicKey checks the signed checkpoints of the audit chains; its
	// private half signs them inside the store and never enters the
	// database.
	PublicKey ed25519.PublicKey
	// SigningKey signs the checkpoints of the chains the workflows extend
	// (kept in memory, never written to the database); PublicKey defaults
	// to its public half.
	SigningKey *engine.SigningKey
	// Witness keeps the signed checkpoints outside the database; nil: none.
	Witness engine.Witness
	// SealKey seals signing-link tokens so that slips can be printed again
	// with the same links (kept in a file beside the signing key, never in
	// the database); nil: links are not sealed and cannot be reprinted.
	SealKey *engine.SealKey
	// LinkQuota is how many events a household's link may add to the chain
	// a day (decisions, feedback, ratings); default engine.LinkEventsPerDay.
	// Stress tests that send dozens of decisions per household raise it.
	LinkQuota int
	// Logger receives what a person must act on (a broken chain, a witness
	// that refused); default slog.Default().
	Logger *slog.Logger
	// AcceptBreaks are the key rotations with the old key lost (system
	// chain seqs) that the operator has looked into and accepts; any other
	// one fails every chain check (engine.CheckAuditTrust).
	AcceptBreaks []int64
}

// App runs the workflows.
type App struct {
	store      Store
	printer    engine.Printer
	baseURL    string
	now        func() time.Time
	published  publishedCache // what each ballot froze (immutable in the database)
	printSlots chan struct{}
	publicKey  ed25519.PublicKey
	trust      engine.Trust
	chains     chainCache   // the last audit check of each chain, by head
	funded     fundingCache // the last funding answer of each project, by head
	logins     accountGuard // failed logins per account
	limits     engine.LimitStore
	leases     leases       // this server's leases of the shared buckets
	pruned     atomic.Int64 // when this server last pruned the shared limits (unix µs of a.now)
	pause      func(ctx context.Context, d time.Duration) error
	key        *engine.SigningKey
	seal       *engine.SealKey
	witness    engine.Witness
	logger     *slog.Logger
	broken     brokenChains
	decisions  decisionBatches // group commit of decisions, per project
	links      provenLinks     // signing links proven by their signed event
	closures   provenClosures  // ballot closures proven by their signed event
	overview   overviewCache   // each project's overview sums at its chain's head
	sessions   sessionCache    // sessions proved against their login events
	// linkQuotaPerDay bounds what a link adds to the chain a day.
	linkQuotaPerDay int
}

// New builds the workflows over a store and a printer.
func New(cfg Config) *App {
	a := &App{store: cfg.Store, printer: cfg.Printer, baseURL: strings.TrimRight(cfg.BaseURL, "/"), now: cfg.Now, publicKey: cfg.PublicKey,
		key: cfg.SigningKey, seal: cfg.SealKey, witness: cfg.Witness, logger: cfg.Logger}
	if a.publicKey == nil && a.key != nil {
		a.publicKey = a.key.Public()
	}
	a.limits = cfg.Limits
	a.logins.failures = &failuresInProcess{}
	if a.limits != nil {
		a.logins.failures = sharedFailures{a}
	}
	a.linkQuotaPerDay = cfg.LinkQuota
	if a.linkQuotaPerDay <= 0 {
		a.linkQuotaPerDay = engine.LinkEventsPerDay
	}
	a.trust = engine.Trust{Public: a.publicKey, AcceptBreaks: cfg.AcceptBreaks}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.now == nil {
		a.now = engine.Now
	}
	a.pause = cfg.Pause
	if a.pause == nil {
		a.pause = func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	slots := cfg.PrintSlots
	if slots <= 0 {
		slots = 4
	}
	a.printSlots = make(chan struct{}, slots)
	return a
}

// Now is the App's clock.
func (a *App) Now() time.Time { return a.now() }

// BaseURL is where the service is reached (links, QR codes, cookies).
func (a *App) BaseURL() string { return a.baseURL }

// KeyFingerprint names the key that signs the audit chains ("" without
// one): printed on paper and on /verify.
func (a *App) KeyFingerprint() string {
	if a.publicKey == nil {
		return ""
	}
	return engine.KeyFingerprint(a.publicKey)
}

// anchor is a project's chain head as paper prints it.
func (a *App) anchor(ctx context.Context, projectID int64) (engine.Anchor, error) {
	h, err := a.store.ChainHead(ctx, projectID)
	return engine.Anchor{Seq: h.Seq, Hash: h.Hash}, err
}

// Ping reports whether the database answers.
func (a *App) Ping(ctx context.Context) error { return a.store.Ping(ctx) }

// Operator is the person at the server's command line (renovote audit
// verify, serve --demo): they hold the database, so they may see every
// project. Never used for requests.
var Operator = &engine.Worker{Username: "operator", DisplayName: "命令行", Admin: true}

// actor names w in the audit log.
func actor(w *engine.Worker) string {
	if w == Operator {
		return engine.ActorOperator
	}
	return engine.WorkerActor(w.ID)
}

// household finds a household of p by id.
func household(p *engine.Project, id int64) (engine.Household, error) {
	for _, h := range p.Households {
		if h.ID == id {
			return h, nil
		}
	}
	return engine.Household{}, engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", id)
}

// printable refuses text the PDF font cannot print, naming the character,
// where it is entered rather than when it is printed.
func (a *App) printable(field, label, text string) error {
	if a.printer == nil {
		return nil
	}
	if c := a.printer.Unprintable(text); c != "" {
		return engine.Invalidf(field, "%s中的字符“%s”无法打印在协议上，请改用常用字（如同音字）", label, c)
	}
	return nil
}

// Printable is the same check for callers that validate their own
// requests (names of signers and witnesses).
func (a *App) Printable(field, label, text string) error { return a.printable(field, label, text) }

func (a *App) printableHouseholds(hs []engine.Household) error {
	for i, h := range hs {
		who := "第" + strconv.Itoa(i+1) + "户（" + h.Room + "）的"
		path := "households[" + strconv.Itoa(i) + "]"
		if err := a.printable(path+".room", who+"房号", h.Room); err != nil {
			return err
		}
		if err := a.printable(path+".owner", who+"业主姓名", h.OwnerName); err != nil {
			return err
		}
	}
	return nil
}

// linkURL is the address of a signing or questionnaire link.
func (a *App) linkURL(kind, token string) string { return a.baseURL + "/" + kind + "/" + token }
