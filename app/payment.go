package app

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
)

// Money is a payment, refund or project income/expense as a worker enters
// it; the caller has read the amount, the day and the photo.
type Money struct {
	Amount         engine.Fen
	Day            engine.Date // zero: today (Beijing)
	Method         string      // payment
	Note           string      // payment: what for; refund, reversal: why
	Source, Payee  string      // fund income, fund expense
	What           string      // fund
	Photo          []byte
	PhotoType      string
	IdempotencyKey string
	Overpay        bool // payment: more than the household still owes is meant
}

// day is the day the money moved: as given, else today.
func (m Money) day(now time.Time) engine.Date {
	if m.Day == 0 {
		return engine.DateOf(now.In(engine.Beijing))
	}
	return m.Day
}

// moneyProject loads a project that has a published plan (payments follow
// the plan), one of its households and what the plan says it owes in all.
func (a *App) moneyProject(ctx context.Context, w *engine.Worker, projectID, householdID int64) (*engine.Project, engine.Household, engine.Fen, error) {
	p, err := a.project(ctx, w, projectID, ActMoney)
	if err != nil {
		return nil, engine.Household{}, 0, err
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, engine.Household{}, 0, engine.Errorf(engine.ECodeConflict, "方案尚未发布：发布并表决之后才能登记缴款")
		}
		return nil, engine.Household{}, 0, err
	}
	h, err := household(p, householdID)
	if err != nil {
		return nil, engine.Household{}, 0, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, engine.Household{}, 0, err
	}
	_, row, _ := pub.Row(h.ID)
	var due engine.Fen
	for _, d := range engine.DuesOf(row, pub.Input.Installments, engine.DateOf(pub.Deadline.In(engine.Beijing))) {
		due += d.Amount
	}
	return p, h, due, nil
}

// moneyTime is the workflow's one reading of the clock, as the database
// keeps it (UTC, microseconds): the record's image is made from it.
func (a *App) moneyTime() time.Time { return a.now().UTC().Truncate(time.Microsecond) }

// recordPayment writes a household record in the unit of work: a reused
// key replays the first record (or is refused when the content differs),
// check applies the kind's rule to the household's records, the engine
// numbers the receipt, and the event with the row's image extends the
// chain.
func (a *App) recordPayment(ctx context.Context, w *engine.Worker, pay *engine.Payment, check func(records []*engine.Payment) error) (bool, error) {
	replay := false
	err := a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, pay.ProjectID); err != nil {
			return err
		}
		first, err := a.store.PaymentByKey(ctx, pay.ProjectID, pay.IdempotencyKey)
		if err != nil {
			return err
		}
		if first != nil {
			if err := engine.SamePayment(first, pay); err != nil {
				return err
			}
			*pay, replay = *first, true
			return nil
		}
		records, err := a.store.HouseholdPayments(ctx, pay.ProjectID, pay.HouseholdID)
		if err != nil {
			return err
		}
		if err := check(records); err != nil {
			return err
		}
		n, err := a.store.CountPayments(ctx, pay.ProjectID, pay.Kind)
		if err != nil {
			return err
		}
		pay.ReceiptNo = engine.ReceiptNo(pay.Kind, pay.CreatedAt, n)
		if err := a.store.InsertPayment(ctx, pay); err != nil {
			return err
		}
		e := engine.PaymentRecorded(pay, actor(w))
		if err := a.extend(ctx, pay.ProjectID, e); err != nil {
			return err
		}
		pay.Anchor = engine.Anchor{Seq: e.Seq, Hash: e.Hash}
		return nil
	})
	return replay, err
}

// RecordPayment records money a household paid; it gets a sequential
// receipt number and a verification code. More than the household still
// owes is refused unless m.Overpay says it is meant.
func (a *App) RecordPayment(ctx context.Context, w *engine.Worker, projectID, householdID int64, m Money) (*engine.Payment, bool, error) {
	p, h, due, err := a.moneyProject(ctx, w, projectID, householdID)
	if err != nil {
		return nil, false, err
	}
	if !slices.Contains(engine.PaymentMethods, m.Method) {
		return nil, false, engine.Invalidf("method", "缴款方式应为 %s 之一", strings.Join(engine.PaymentMethods, "、"))
	}
	now := a.moneyTime()
	day := m.day(now)
	if err := engine.CheckMoneyDay(now, day, "date"); err != nil {
		return nil, false, err
	}
	if err := a.printable("note", "备注", m.Note); err != nil {
		return nil, false, err
	}
	pay := &engine.Payment{ProjectID: p.ID, HouseholdID: h.ID, Kind: engine.PaymentIn, Amount: m.Amount, Day: day.String(), Method: m.Method,
		Note: strings.TrimSpace(m.Note), Photo: m.Photo, PhotoType: m.PhotoType, Code: engine.NewVerificationCode(p.ID), RecordedBy: w.ID,
		IdempotencyKey: m.IdempotencyKey, CreatedAt: now}
	replay, err := a.recordPayment(ctx, w, pay, func(records []*engine.Payment) error {
		return engine.CheckOverpay(due, records, pay.Amount, m.Overpay)
	})
	return pay, replay, err
}

// RecordRefund gives money back to a household; never more than it paid.
func (a *App) RecordRefund(ctx context.Context, w *engine.Worker, projectID, householdID int64, m Money) (*engine.Payment, bool, error) {
	p, h, _, err := a.moneyProject(ctx, w, projectID, householdID)
	if err != nil {
		return nil, false, err
	}
	now := a.moneyTime()
	day := m.day(now)
	if err := engine.CheckMoneyDay(now, day, "date"); err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(m.Note) == "" {
		return nil, false, engine.Invalidf("reason", "请写明退款原因")
	}
	if err := a.printable("reason", "退款原因", m.Note); err != nil {
		return nil, false, err
	}
	pay := &engine.Payment{ProjectID: p.ID, HouseholdID: h.ID, Kind: engine.PaymentRefund, Amount: m.Amount, Day: day.String(),
		Note: strings.TrimSpace(m.Note), Code: engine.NewVerificationCode(p.ID), RecordedBy: w.ID, IdempotencyKey: m.IdempotencyKey, CreatedAt: now}
	replay, err := a.recordPayment(ctx, w, pay, func(records []*engine.Payment) error {
		return engine.CheckRefund(records, pay.Amount)
	})
	return pay, replay, err
}

// ReversePayment cancels a wrong payment or refund with a reversal entry
// that points at it; the wrong record stays, marked reversed.
func (a *App) ReversePayment(ctx context.Context, w *engine.Worker, projectID, paymentID int64, reason, key string) (*engine.Payment, bool, error) {
	p, err := a.project(ctx, w, projectID, ActMoney)
	if err != nil {
		return nil, false, err
	}
	target, err := a.store.PaymentByID(ctx, p.ID, paymentID)
	if err != nil {
		return nil, false, err
	}
	if err := a.checkReason(reason); err != nil {
		return nil, false, err
	}
	now := a.moneyTime()
	pay := &engine.Payment{ProjectID: p.ID, HouseholdID: target.HouseholdID, Kind: engine.PaymentReversal, Amount: target.Amount,
		Day: engine.DateOf(now.In(engine.Beijing)).String(), Note: strings.TrimSpace(reason), Reverses: target.ID, Code: engine.NewVerificationCode(p.ID),
		RecordedBy: w.ID, IdempotencyKey: key, CreatedAt: now}
	replay, err := a.recordPayment(ctx, w, pay, func(records []*engine.Payment) error {
		return engine.CheckReversal(records, target)
	})
	return pay, replay, err
}

// recordFund writes a project income, expense or reversal in the unit of
// work, as recordPayment does for households.
func (a *App) recordFund(ctx context.Context, w *engine.Worker, f *engine.Fund) (bool, error) {
	replay := false
	err := a.inTx(ctx, func(ctx context.Context) error {
		if err := a.lockChain(ctx, f.ProjectID); err != nil {
			return err
		}
		first, err := a.store.FundByKey(ctx, f.ProjectID, f.IdempotencyKey)
		if err != nil {
			return err
		}
		if first != nil {
			if err := engine.SameFund(first, f); err != nil {
				return err
			}
			*f, replay = *first, true
			return nil
		}
		if f.Kind == engine.FundReversal {
			target, err := a.store.FundByID(ctx, f.ProjectID, f.Reverses)
			if err != nil {
				return err
			}
			funds, err := a.store.Funds(ctx, f.ProjectID)
			if err != nil {
				return err
			}
			if err := engine.CheckFundReversal(funds, target); err != nil {
				return err
			}
			f.Amount = target.Amount
		}
		if err := a.store.InsertFund(ctx, f); err != nil {
			return err
		}
		return a.extend(ctx, f.ProjectID, engine.FundRecorded(f, actor(w)))
	})
	return replay, err
}

// RecordFund records a project income (a subsidy received, a donation) or
// expense (the contractor, an inspection).
func (a *App) RecordFund(ctx context.Context, w *engine.Worker, projectID int64, kind string, m Money) (*engine.Fund, bool, error) {
	p, err := a.project(ctx, w, projectID, ActMoney)
	if err != nil {
		return nil, false, err
	}
	now := a.moneyTime()
	day := m.day(now)
	f := &engine.Fund{ProjectID: p.ID, Kind: kind, Amount: m.Amount, Day: day.String(), What: strings.TrimSpace(m.What),
		Photo: m.Photo, PhotoType: m.PhotoType, RecordedBy: w.ID, IdempotencyKey: m.IdempotencyKey, CreatedAt: now}
	switch kind {
	case engine.FundIncome:
		if !slices.Contains(engine.FundSources, m.Source) {
			return nil, false, engine.Invalidf("source", "收入来源应为 %s 之一", strings.Join(engine.FundSources, "、"))
		}
		f.Source = m.Source
	case engine.FundExpense:
		if strings.TrimSpace(m.Payee) == "" {
			return nil, false, engine.Invalidf("payee", "请写明付给谁（收款单位）")
		}
		f.Payee = strings.TrimSpace(m.Payee)
	default:
		return nil, false, engine.Invalidf("kind", "收支类型应为 income（收入）或 expense（支出）")
	}
	if f.What == "" {
		return nil, false, engine.Invalidf("what", "请写明款项用途")
	}
	if err := engine.CheckMoneyDay(now, day, "date"); err != nil {
		return nil, false, err
	}
	for _, t := range []struct{ field, label, text string }{{"payee", "收款单位", f.Payee}, {"what", "款项用途", f.What}} {
		if err := a.printable(t.field, t.label, t.text); err != nil {
			return nil, false, err
		}
	}
	replay, err := a.recordFund(ctx, w, f)
	return f, replay, err
}

// ReverseFund cancels a wrong income or expense.
func (a *App) ReverseFund(ctx context.Context, w *engine.Worker, projectID, fundID int64, reason, key string) (*engine.Fund, bool, error) {
	p, err := a.project(ctx, w, projectID, ActMoney)
	if err != nil {
		return nil, false, err
	}
	if err := a.checkReason(reason); err != nil {
		return nil, false, err
	}
	now := a.moneyTime()
	f := &engine.Fund{ProjectID: p.ID, Kind: engine.FundReversal, What: strings.TrimSpace(reason), Reverses: fundID,
		Day: engine.DateOf(now.In(engine.Beijing)).String(), RecordedBy: w.ID, IdempotencyKey: key, CreatedAt: now}
	replay, err := a.recordFund(ctx, w, f)
	return f, replay, err
}

// LedgerRow is one household's standing with who it is.
type LedgerRow struct {
	engine.HouseholdLedger
	HouseholdID int64
	Room        string
	Floor       int
	Owner       string
	Phone       string
}

// ProjectLedger is a project's ledger at a day.
type ProjectLedger struct {
	AsOf   engine.Date
	Rows   []LedgerRow // by room
	Totals engine.LedgerTotals
}

// Ledger computes what each household has paid against its published plan
// at asOf (docs/payments.md).
func (a *App) Ledger(ctx context.Context, w *engine.Worker, projectID int64, asOf engine.Date) (*ProjectLedger, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.ledger(ctx, p.ID, asOf)
}

func (a *App) ledger(ctx context.Context, projectID int64, asOf engine.Date) (*ProjectLedger, error) {
	b, err := a.store.CurrentBallot(ctx, projectID)
	if err != nil {
		return nil, err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	records, err := a.store.Payments(ctx, projectID)
	if err != nil {
		return nil, err
	}
	live, err := a.store.Project(ctx, projectID)
	if err != nil {
		return nil, err
	}
	phones := currentPhones(live) // a phone corrected after publishing is the one to call
	in := LedgerInputOf(pub, records, asOf)
	res := engine.Ledger(in)
	out := &ProjectLedger{AsOf: asOf, Totals: res.Totals}
	for i, h := range pub.Project.Households {
		out.Rows = append(out.Rows, LedgerRow{HouseholdLedger: res.Households[i], HouseholdID: h.ID, Room: h.Room, Floor: h.Floor,
			Owner: h.OwnerName, Phone: phones[h.ID]})
	}
	slices.SortFunc(out.Rows, func(x, y LedgerRow) int { return strings.Compare(x.Room, y.Room) })
	return out, nil
}

// collection is what households owe and have paid at now, for the
// notices; nil before a plan is published.
func (a *App) collection(ctx context.Context, projectID int64, now time.Time) (*engine.Collection, error) {
	l, err := a.ledger(ctx, projectID, engine.DateOf(now.In(engine.Beijing)))
	switch {
	case engine.ErrorCode(err) == engine.ECodeNotFound:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return engine.CollectionOf(&engine.LedgerResult{AsOf: l.AsOf, Households: ledgerHouseholds(l), Totals: l.Totals}), nil
}

func ledgerHouseholds(l *ProjectLedger) []engine.HouseholdLedger {
	out := make([]engine.HouseholdLedger, len(l.Rows))
	for i, r := range l.Rows {
		out[i] = r.HouseholdLedger
	}
	return out
}

// LedgerInputOf builds the payments contract's input: each household of
// the published plan with its dues, and its payments and refunds (reversed
// records and reversals left out).
func LedgerInputOf(pub *PublishedBallot, records []*engine.Payment, asOf engine.Date) *engine.LedgerInput {
	byHousehold := map[int64][]*engine.Payment{}
	for _, r := range engine.Counting(records) {
		byHousehold[r.HouseholdID] = append(byHousehold[r.HouseholdID], r)
	}
	deadline := engine.DateOf(pub.Deadline.In(engine.Beijing))
	in := &engine.LedgerInput{AsOf: asOf, Households: make([]engine.LedgerHousehold, len(pub.Project.Households))}
	for i, h := range pub.Project.Households {
		_, row, _ := pub.Row(h.ID)
		lh := engine.LedgerHousehold{ID: h.Room, Dues: engine.DuesOf(row, pub.Input.Installments, deadline)}
		for _, r := range byHousehold[h.ID] {
			day, err := time.Parse(time.DateOnly, r.Day)
			if err != nil {
				continue // the store only holds days it was given as YYYY-MM-DD
			}
			m := engine.Movement{Date: engine.DateOf(day), Amount: r.Amount, Ref: r.ReceiptNo}
			if r.Kind == engine.PaymentIn {
				lh.Payments = append(lh.Payments, m)
			} else {
				lh.Refunds = append(lh.Refunds, m)
			}
		}
		in.Households[i] = lh
	}
	return in
}

// Statement builds the 收支公示 of a project: what came in (households'
// payments net of refunds, by day; subsidies and donations), what went
// out, and the balance. Reversed records and reversals are left out.
func (a *App) Statement(ctx context.Context, w *engine.Worker, projectID int64) (*engine.Statement, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.statement(ctx, p)
}

func (a *App) statement(ctx context.Context, p *engine.Project) (*engine.Statement, error) {
	payments, err := a.store.Payments(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	funds, err := a.store.Funds(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	st := &engine.Statement{Project: p, BySource: map[string]engine.Fen{}, Printed: a.now()}
	if b, err := a.store.CurrentBallot(ctx, p.ID); err == nil {
		if pub, err := a.published.get(ctx, a.store, b); err == nil {
			st.Budget = pub.Result.TotalCost
		}
	}
	byDay := map[string]engine.Fen{}
	for _, r := range engine.Counting(payments) {
		switch r.Kind {
		case engine.PaymentIn:
			byDay[r.Day] += r.Amount
		case engine.PaymentRefund:
			byDay[r.Day] -= r.Amount
		}
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, d := range days {
		if byDay[d] != 0 {
			st.Incomes = append(st.Incomes, engine.StatementLine{Day: d, Source: "居民出资", What: "各户缴款（扣除退款）", Amount: byDay[d]})
		}
	}
	for _, f := range engine.Counting(funds) {
		switch f.Kind {
		case engine.FundIncome:
			st.Incomes = append(st.Incomes, engine.StatementLine{Day: f.Day, Source: f.Source, What: f.What, Amount: f.Amount})
		case engine.FundExpense:
			st.Expenses = append(st.Expenses, engine.StatementLine{Day: f.Day, Source: f.Payee, What: f.What, Amount: f.Amount})
		}
	}
	slices.SortStableFunc(st.Incomes, func(x, y engine.StatementLine) int { return strings.Compare(x.Day, y.Day) })
	slices.SortStableFunc(st.Expenses, func(x, y engine.StatementLine) int { return strings.Compare(x.Day, y.Day) })
	for _, l := range st.Incomes {
		st.In += l.Amount
		st.BySource[l.Source] += l.Amount
	}
	for _, l := range st.Expenses {
		st.Out += l.Amount
	}
	st.Balance = st.In - st.Out
	return st, nil
}

// ReceiptPDF prints the 收据 (or refund or reversal slip) of a record.
func (a *App) ReceiptPDF(ctx context.Context, w *engine.Worker, projectID, paymentID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, err
	}
	return a.receiptPDF(ctx, p, paymentID, actor(w))
}

func (a *App) receiptPDF(ctx context.Context, p *engine.Project, paymentID int64, by string) (*Document, error) {
	pay, err := a.store.PaymentByID(ctx, p.ID, paymentID)
	if err != nil {
		return nil, err
	}
	h, err := household(p, pay.HouseholdID)
	if err != nil {
		return nil, err
	}
	own, err := a.ownAnchors(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	rc := &engine.Receipt{Project: p, Household: h, Payment: pay, VerifyURL: a.baseURL + "/verify/" + pay.Code, Anchor: own[ownKey("payment", pay.ID)],
		KeyFingerprint: a.KeyFingerprint(), Printed: pay.CreatedAt, Recorder: a.workerName(ctx, pay.RecordedBy),
		Payee: orElse(p.Terms.AccountName, p.Terms.PartyA)}
	if pay.Reverses != 0 {
		if rc.Reversed, err = a.store.PaymentByID(ctx, p.ID, pay.Reverses); err != nil {
			return nil, err
		}
	}
	if err := a.receiptStanding(ctx, rc); err != nil {
		return nil, err
	}
	return a.render(ctx, p.ID, by, "receipt:"+pay.ReceiptNo, "receipt-"+pay.ReceiptNo+".pdf", func(buf *bytes.Buffer) error {
		return a.printer.Receipt(buf, rc)
	})
}

// receiptStanding fills in what the receipt's payment pays of the
// household's schedule (the plan put to the vote) and what is owed after
// it, from the household's records up to the receipt's own.
func (a *App) receiptStanding(ctx context.Context, rc *engine.Receipt) error {
	b, err := a.store.CurrentBallot(ctx, rc.Project.ID)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil
		}
		return err
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return err
	}
	records, err := a.store.HouseholdPayments(ctx, rc.Project.ID, rc.Household.ID)
	if err != nil {
		return err
	}
	_, row, _ := pub.Row(rc.Household.ID)
	rc.Dues = engine.DuesOf(row, pub.Input.Installments, engine.DateOf(pub.Deadline.In(engine.Beijing)))
	rc.Covers, rc.Owed = engine.ReceiptStanding(rc.Dues, records, rc.Payment)
	return nil
}

func orElse(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// workerName is how a receipt names who received the money: the
// worker's real name, or "" (a line to sign by hand).
func (a *App) workerName(ctx context.Context, id int64) string {
	ws, err := a.store.Workers(ctx)
	if err != nil {
		return ""
	}
	for _, w := range ws {
		if w.ID == id {
			return w.RealName()
		}
	}
	return ""
}

// StatementPDF prints the 收支公示 for the notice board.
func (a *App) StatementPDF(ctx context.Context, w *engine.Worker, projectID int64) (*Document, error) {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return nil, err
	}
	st, err := a.statement(ctx, p)
	if err != nil {
		return nil, err
	}
	st.PublicURL = a.PublicURL(p)
	if st.Anchor, err = a.anchor(ctx, p.ID); err != nil {
		return nil, err
	}
	st.KeyFingerprint = a.KeyFingerprint()
	if st.Collection, err = a.collection(ctx, p.ID, st.Printed); err != nil {
		return nil, err
	}
	return a.render(ctx, p.ID, actor(w), "statement", "statement.pdf", func(buf *bytes.Buffer) error { return a.printer.Statement(buf, st) })
}

// HouseholdMoney is what a household's own page shows: its standing and
// its receipts.
type HouseholdMoney struct {
	Ledger   engine.HouseholdLedger
	Receipts []*engine.Payment // oldest first; reversed ones marked by a later reversal
}

// householdMoney is the money view of the household a link opens (nil
// before any plan or record).
func (a *App) householdMoney(ctx context.Context, projectID, householdID int64) (*HouseholdMoney, error) {
	records, err := a.store.Payments(ctx, projectID)
	if err != nil {
		return nil, err
	}
	l, err := a.ledger(ctx, projectID, engine.DateOf(a.now().In(engine.Beijing)))
	if err != nil {
		return nil, err
	}
	out := &HouseholdMoney{}
	for _, row := range l.Rows {
		if row.HouseholdID == householdID {
			out.Ledger = row.HouseholdLedger
		}
	}
	for _, r := range records {
		if r.HouseholdID == householdID {
			out.Receipts = append(out.Receipts, r)
		}
	}
	return out, nil
}

// ResidentReceiptPDF is a receipt of the household whose link token is.
func (a *App) ResidentReceiptPDF(ctx context.Context, token string, paymentID int64) (*Document, error) {
	sg, err := a.OpenSigning(ctx, token)
	if err != nil {
		return nil, err
	}
	pay, err := a.store.PaymentByID(ctx, sg.Project.ID, paymentID)
	if err != nil || pay.HouseholdID != sg.Household.ID {
		return nil, engine.Errorf(engine.ECodeNotFound, "没有这张收据")
	}
	p, err := a.store.Project(ctx, sg.Project.ID)
	if err != nil {
		return nil, err
	}
	return a.receiptPDF(ctx, p, paymentID, engine.HouseholdActor(sg.Household.ID))
}

// Payments lists a project's money records.
func (a *App) Payments(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Payment, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Payments(ctx, p.ID)
}

// Funds lists a project's income and spending.
func (a *App) Funds(ctx context.Context, w *engine.Worker, projectID int64) ([]*engine.Fund, error) {
	p, err := a.project(ctx, w, projectID, ActRead)
	if err != nil {
		return nil, err
	}
	return a.store.Funds(ctx, p.ID)
}

// checkReason is the rule for why a record is reversed: said, printable.
func (a *App) checkReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return engine.Invalidf("reason", "请写明冲正原因")
	}
	return a.printable("reason", "冲正原因", reason)
}
