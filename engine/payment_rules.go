package engine

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The rules of the money records (DESIGN §12, §13, §15): what a receipt
// number is, which records count, how much may be refunded or reversed,
// when a payment is more than the household owes, when a reused
// idempotency key replays, and what each record's event says. The store
// runs SQL; every decision about money is here.

// Projected tables of the money records.
const (
	TablePayments = "payments" // households' payments, refunds and reversals
	TableFunds    = "funds"    // the project's other income and its spending
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TablePayments, Label: "收支记录（住户缴款、退款与冲正）"},
		ProjectedTable{Name: TableFunds, Label: "项目收支记录（补贴、捐助与支出）"})
}

// Row is the image of a household money record: every column, the amount
// in fen, the photo by its SHA-256.
func (p *Payment) Row() Row {
	return Row{Table: TablePayments, ID: p.ID, Cols: map[string]string{
		"project_id": ColInt(p.ProjectID), "household_id": ColInt(p.HouseholdID), "kind": p.Kind,
		"amount": ColInt(int64(p.Amount)), "day": p.Day, "method": p.Method, "note": p.Note,
		"photo": ColBlob(p.Photo), "photo_type": p.PhotoType, "receipt_no": p.ReceiptNo, "code": p.Code,
		"reverses": ColInt(p.Reverses), "recorded_by": ColInt(p.RecordedBy), "idempotency_key": p.IdempotencyKey,
		"created_at": ColTime(p.CreatedAt)}}
}

// Row is the image of a project income, expense or reversal.
func (f *Fund) Row() Row {
	return Row{Table: TableFunds, ID: f.ID, Cols: map[string]string{
		"project_id": ColInt(f.ProjectID), "kind": f.Kind, "source": f.Source, "payee": f.Payee, "what": f.What,
		"amount": ColInt(int64(f.Amount)), "day": f.Day, "photo": ColBlob(f.Photo), "photo_type": f.PhotoType,
		"reverses": ColInt(f.Reverses), "recorded_by": ColInt(f.RecordedBy), "idempotency_key": f.IdempotencyKey,
		"created_at": ColTime(f.CreatedAt)}}
}

// PaymentRecorded is the event of a household money record: what the
// chain says of it, with its digest (read by /verify) and its image.
func PaymentRecorded(p *Payment, actor string) *AuditEvent {
	return &AuditEvent{ProjectID: p.ProjectID, Kind: AuditPayment, Actor: actor, At: p.CreatedAt,
		Data: AuditData(struct {
			PaymentID   int64  `json:"payment_id"`
			HouseholdID int64  `json:"household_id"`
			Kind        string `json:"kind"`
			Amount      string `json:"amount"`
			ReceiptNo   string `json:"receipt_no"`
			Reverses    int64  `json:"reverses,omitempty"`
			Digest      string `json:"digest"`
			RowsData
		}{p.ID, p.HouseholdID, p.Kind, p.Amount.String(), p.ReceiptNo, p.Reverses, p.Digest(), RowsData{Rows: []Row{p.Row()}}})}
}

// FundRecorded is the event of a project income, expense or reversal.
func FundRecorded(f *Fund, actor string) *AuditEvent {
	return &AuditEvent{ProjectID: f.ProjectID, Kind: AuditFund, Actor: actor, At: f.CreatedAt,
		Data: AuditData(struct {
			FundID   int64  `json:"fund_id"`
			Kind     string `json:"kind"`
			Amount   string `json:"amount"`
			Reverses int64  `json:"reverses,omitempty"`
			Digest   string `json:"digest"`
			RowsData
		}{f.ID, f.Kind, f.Amount.String(), f.Reverses, f.Digest(), RowsData{Rows: []Row{f.Row()}}})}
}

// MoneyRecord is a payment or a fund record as the counting rule sees it.
type MoneyRecord interface {
	recordID() int64
	// reversed is the record a reversal cancels (ok false for others).
	reversed() (id int64, ok bool)
}

func (p *Payment) recordID() int64            { return p.ID }
func (p *Payment) reversed() (int64, bool)    { return p.Reverses, p.Kind == PaymentReversal }
func (f *Fund) recordID() int64               { return f.ID }
func (f *Fund) reversed() (id int64, ok bool) { return f.Reverses, f.Kind == FundReversal }

// Counting is THE rule for which money records count — in the ledger, in
// the caps and checks, in the fund statement: a reversal never counts,
// and neither does a record a reversal cancelled. Order is kept.
func Counting[R MoneyRecord](records []R) []R {
	cancelled := map[int64]bool{}
	for _, r := range records {
		if id, ok := r.reversed(); ok {
			cancelled[id] = true
		}
	}
	out := make([]R, 0, len(records))
	for _, r := range records {
		if _, isReversal := r.reversed(); !isReversal && !cancelled[r.recordID()] {
			out = append(out, r)
		}
	}
	return out
}

// ReversalOf is the record that cancels the record id, if any.
func ReversalOf[R MoneyRecord](records []R, id int64) (R, bool) {
	for _, r := range records {
		if target, ok := r.reversed(); ok && target == id {
			return r, true
		}
	}
	var none R
	return none, false
}

// Paid is what a household's records say it has paid: the payments that
// count minus the refunds that count, whatever their day.
func Paid(records []*Payment) Fen {
	var paid Fen
	for _, r := range Counting(records) {
		switch r.Kind {
		case PaymentIn:
			paid += r.Amount
		case PaymentRefund:
			paid -= r.Amount
		}
	}
	return paid
}

var receiptPrefix = map[string]string{PaymentIn: "SK", PaymentRefund: "TK", PaymentReversal: "CZ"}

// ReceiptNo numbers a household record: SK (收款), TK (退款) or CZ (冲正),
// the year it was recorded (Beijing), and its place among the project's
// records of its kind (before is how many there were).
func ReceiptNo(kind string, at time.Time, before int) string {
	return fmt.Sprintf("%s-%d-%04d", receiptPrefix[kind], at.In(Beijing).Year(), before+1)
}

// CheckRefund: a refund never exceeds what counts as paid.
func CheckRefund(records []*Payment, amount Fen) error {
	if paid := Paid(records); amount > paid {
		return &Error{Code: ECodeConflict, Field: "amount", Message: fmt.Sprintf("退款 %s 元超过了该户已缴的 %s 元", amount.Grouped(), paid.Grouped())}
	}
	return nil
}

// CheckOverpay: a payment above what the household still owes (its plan's
// total due minus what counts as paid) is usually a typing error; it is
// taken only when the worker says it is meant (overpay).
func CheckOverpay(totalDue Fen, records []*Payment, amount Fen, overpay bool) error {
	owed := max(0, totalDue-Paid(records))
	if amount <= owed || overpay {
		return nil
	}
	return &Error{Code: ECodeConflict, Field: "amount", Message: fmt.Sprintf("该户按方案应缴 %s 元，尚欠 %s 元；本次缴款 %s 元多出 %s 元。请核对金额；如确为多缴，确认后再提交（overpay: true）",
		totalDue.Grouped(), owed.Grouped(), amount.Grouped(), (amount - owed).Grouped())}
}

// CheckReversal decides whether a household record may be reversed,
// given the household's records: a reversal is never reversed, a record
// is reversed at most once, and a reversal must not make what counts as
// paid negative (reverse the later refund first).
func CheckReversal(records []*Payment, target *Payment) error {
	if err := checkReversible(records, target, target.ReceiptNo); err != nil {
		return err
	}
	if target.Kind == PaymentIn && target.Amount > Paid(records) {
		return Errorf(ECodeConflict, "冲正这笔缴款会使该户已缴金额为负：请先冲正其后的退款")
	}
	return nil
}

// CheckFundReversal decides whether a project income or expense may be
// reversed: never a reversal, at most once.
func CheckFundReversal(funds []*Fund, target *Fund) error {
	return checkReversible(funds, target, fmt.Sprintf("#%d（%s 元）", target.ID, target.Amount.Grouped()))
}

func checkReversible[R MoneyRecord](records []R, target R, name string) error {
	if _, isReversal := target.reversed(); isReversal {
		return Errorf(ECodeConflict, "冲正记录本身不能再冲正")
	}
	if _, done := ReversalOf(records, target.recordID()); done {
		return Errorf(ECodeConflict, "记录 %s 已经冲正过了", name)
	}
	return nil
}

// SamePayment decides what a reused idempotency key means: the same
// content is a retry and replays the first record; other content is
// another record under a used key, refused naming the first. A reversal's
// day and amount are the server's, not the request's.
func SamePayment(first, again *Payment) error {
	var diff []string
	add := func(differs bool, what string) {
		if differs {
			diff = append(diff, what)
		}
	}
	add(first.Kind != again.Kind, "类型（缴款、退款或冲正）")
	add(first.HouseholdID != again.HouseholdID, "住户")
	add(first.Reverses != again.Reverses, "所冲正的记录")
	if again.Kind != PaymentReversal {
		add(first.Amount != again.Amount, "金额")
		add(first.Day != again.Day, "日期")
	}
	add(first.Method != again.Method, "缴款方式")
	add(first.Note != again.Note, "备注或原因")
	add(ColBlob(first.Photo) != ColBlob(again.Photo) || first.PhotoType != again.PhotoType, "凭证照片")
	if len(diff) == 0 {
		return nil
	}
	return reusedKey(fmt.Sprintf("%s（%s 元）", first.ReceiptNo, first.Amount.Grouped()), diff)
}

// SameFund is SamePayment for the project's income and spending.
func SameFund(first, again *Fund) error {
	var diff []string
	add := func(differs bool, what string) {
		if differs {
			diff = append(diff, what)
		}
	}
	add(first.Kind != again.Kind, "类型（收入、支出或冲正）")
	add(first.Reverses != again.Reverses, "所冲正的记录")
	if again.Kind != FundReversal {
		add(first.Amount != again.Amount, "金额")
		add(first.Day != again.Day, "日期")
	}
	add(first.Source != again.Source, "收入来源")
	add(first.Payee != again.Payee, "收款单位")
	add(first.What != again.What, "用途或原因")
	add(ColBlob(first.Photo) != ColBlob(again.Photo) || first.PhotoType != again.PhotoType, "凭证照片")
	if len(diff) == 0 {
		return nil
	}
	return reusedKey(fmt.Sprintf("收支记录 #%d（%s %s 元）", first.ID, first.Day, first.Amount.Grouped()), diff)
}

func reusedKey(first string, diff []string) error {
	return &Error{Code: ECodeConflict, Field: "idempotency_key", Message: fmt.Sprintf(
		"该提交编号（idempotency_key）已用于 %s，这次提交的%s与它不同。如是另一笔，请用新的提交编号；如是重试，请按原内容提交",
		first, strings.Join(diff, "、"))}
}

// plainAmount is the only shape of an amount a worker posts: digits, no
// leading zero (but 0.50), at most two decimals. No sign, no exponent, no
// spaces, no separators: what is typed is what is recorded.
var plainAmount = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$`)

// ParseAmountJSON reads an amount of money from a request: a JSON string
// of a plain decimal ("1500", "1500.50", "0.50"), > 0 and at most
// MaxAmount. A JSON number, an exponent, spaces, a sign, "5.", ".5" or
// "05" are refused naming the field.
func ParseAmountJSON(raw json.RawMessage, field, label string) (Fen, error) {
	text := strings.TrimSpace(string(raw))
	if text == "" || text == "null" {
		return 0, Invalidf(field, "请填写%s", label)
	}
	if !strings.HasPrefix(text, `"`) {
		return 0, Invalidf(field, "%s应写成带引号的文字，如 \"1500.00\"，不能是数字或其他类型", label)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, Invalidf(field, "%s无法读取", label)
	}
	if !plainAmount.MatchString(s) {
		return 0, Invalidf(field, "%s“%s”的写法不对：只能写数字和小数点，最多两位小数，如 1500 或 1500.50（不能有空格、正负号、千位分隔符、科学计数法、开头多余的0，小数点前后都要有数字）",
			label, short(s))
	}
	return ParseAmount(s, field, label)
}

// moneyDiff words a broken money digest by the row and column that
// differ when the projection can name them (records written since rows
// had images); the digest's own reason otherwise.
func moneyDiff(events []*AuditEvent, rows map[string][]Row, broken *AuditCheck) *AuditCheck {
	if c := checkProjection(events, rows); c != nil && c.Diff != nil && (c.Diff.Table == TablePayments || c.Diff.Table == TableFunds) {
		return c
	}
	return broken
}

// CheckMoneyDay is the rule for the day money moved, as a worker enters it: not after today in Beijing — a
// payment dated next month would show in a 收支公示 "截至" today — and not
// more than ten years back.
func CheckMoneyDay(now time.Time, d Date, field string) error {
	today := DateOf(now.In(Beijing))
	if d > today {
		return Invalidf(field, "日期不能晚于今天（%s）", BeijingDate(now))
	}
	if d.Time().Before(today.Time().AddDate(-10, 0, 0)) {
		return Invalidf(field, "日期 %s 早于十年之前，请核对", d)
	}
	return nil
}

// CheckInspectionDay is the rule for an inspection's day: within a year
// ahead (a planned visit may be entered early) and ten years back.
func CheckInspectionDay(now time.Time, d Date, field string) error {
	now = now.In(Beijing)
	if d.Time().After(now.AddDate(1, 0, 0)) {
		return Invalidf(field, "日期 %s 晚于一年之后，请核对", d)
	}
	if d.Time().Before(now.AddDate(-10, 0, 0)) {
		return Invalidf(field, "日期 %s 早于十年之前，请核对", d)
	}
	return nil
}
