package http

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// moneyRequest is a payment, refund or project income/expense as sent.
type moneyRequest struct {
	Amount         json.RawMessage `json:"amount"`
	Date           string          `json:"date"`
	Method         string          `json:"method"`
	Note           string          `json:"note"`
	Reason         string          `json:"reason"`
	Kind           string          `json:"kind"`
	Source         string          `json:"source"`
	Payee          string          `json:"payee"`
	What           string          `json:"what"`
	Photo          string          `json:"photo"`
	IdempotencyKey string          `json:"idempotency_key"`
	Overpay        bool            `json:"overpay"` // a payment above what is still owed is meant
	money          app.Money
}

func (r *moneyRequest) Validate() error {
	// amounts are JSON strings of plain decimals only (engine.ParseAmountJSON)
	amount, err := engine.ParseAmountJSON(r.Amount, "amount", "金额")
	if err != nil {
		return err
	}
	var day engine.Date // none: the workflow takes today, by its clock
	if strings.TrimSpace(r.Date) != "" {
		if day, err = engine.ParseDay(strings.TrimSpace(r.Date), "date", "日期"); err != nil {
			return err
		}
	}
	if err := validateKey(r.IdempotencyKey); err != nil {
		return err
	}
	for _, t := range []struct{ field, text string }{{"note", r.Note}, {"reason", r.Reason}, {"what", r.What}, {"payee", r.Payee}} {
		if len([]rune(t.text)) > 200 {
			return engine.Invalidf(t.field, "最多200个字")
		}
	}
	r.money = app.Money{Amount: amount, Day: day, Method: strings.TrimSpace(r.Method), Note: r.Note, Source: r.Source, Payee: r.Payee,
		What: r.What, IdempotencyKey: r.IdempotencyKey, Overpay: r.Overpay}
	if r.Reason != "" {
		r.money.Note = r.Reason
	}
	if r.Photo != "" {
		photo, typ, err := cleanPhoto(r.Photo)
		if err != nil {
			return err
		}
		r.money.Photo, r.money.PhotoType = photo, typ
	}
	return nil
}

type paymentJSON struct {
	ID         int64         `json:"id"`
	Household  int64         `json:"household"`
	Kind       string        `json:"kind"`
	Amount     engine.Fen    `json:"amount"`
	Date       string        `json:"date"`
	Method     string        `json:"method"`
	Note       string        `json:"note"`
	ReceiptNo  string        `json:"receipt_no"`
	Code       string        `json:"code"`
	Reverses   int64         `json:"reverses,omitempty"`
	RecordedAt time.Time     `json:"recorded_at"`
	Anchor     engine.Anchor `json:"anchor"`
	AnchorText string        `json:"anchor_text,omitempty"`
	HasPhoto   bool          `json:"has_photo"`
}

func toPaymentJSON(p *engine.Payment) paymentJSON {
	return paymentJSON{ID: p.ID, Household: p.HouseholdID, Kind: p.Kind, Amount: p.Amount, Date: p.Day, Method: p.Method, Note: p.Note,
		ReceiptNo: p.ReceiptNo, Code: p.Code, Reverses: p.Reverses, RecordedAt: p.CreatedAt, Anchor: p.Anchor, AnchorText: p.Anchor.Text(),
		HasPhoto: p.PhotoType != ""}
}

func writeMoney(c echo.Context, v any, replay bool) error {
	if replay {
		return c.JSON(http.StatusOK, v)
	}
	return c.JSON(http.StatusCreated, v)
}

// recordPayment records money a household paid: 201 with its receipt
// number and verification code (200 when the idempotency key replays).
func (s *Server) recordPayment(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	var req moneyRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	p, replay, err := s.app.RecordPayment(c.Request().Context(), workerOf(c), id, hid, req.money)
	if err != nil {
		return err
	}
	return writeMoney(c, toPaymentJSON(p), replay)
}

// recordRefund gives money back to a household (409 beyond what it paid).
func (s *Server) recordRefund(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	var req moneyRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	p, replay, err := s.app.RecordRefund(c.Request().Context(), workerOf(c), id, hid, req.money)
	if err != nil {
		return err
	}
	return writeMoney(c, toPaymentJSON(p), replay)
}

type reversalRequest struct {
	Reason         string `json:"reason"`
	IdempotencyKey string `json:"idempotency_key"`
}

func (r *reversalRequest) Validate() error {
	if strings.TrimSpace(r.Reason) == "" || len([]rune(r.Reason)) > 200 {
		return engine.Invalidf("reason", "请写明冲正原因（最多200字）")
	}
	return validateKey(r.IdempotencyKey)
}

// reversePayment cancels a wrong payment or refund by a reversal entry.
func (s *Server) reversePayment(c echo.Context) error {
	id, pid, err := pathIDs(c, "id", "pid")
	if err != nil {
		return err
	}
	var req reversalRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	p, replay, err := s.app.ReversePayment(c.Request().Context(), workerOf(c), id, pid, req.Reason, req.IdempotencyKey)
	if err != nil {
		return err
	}
	return writeMoney(c, toPaymentJSON(p), replay)
}

func (s *Server) listPayments(c echo.Context) error {
	return projectList(c, s.app.Payments, toPaymentJSON)
}

type fundJSON struct {
	ID       int64      `json:"id"`
	Kind     string     `json:"kind"`
	Source   string     `json:"source,omitempty"`
	Payee    string     `json:"payee,omitempty"`
	What     string     `json:"what"`
	Amount   engine.Fen `json:"amount"`
	Date     string     `json:"date"`
	Reverses int64      `json:"reverses,omitempty"`
	HasPhoto bool       `json:"has_photo"`
}

func toFundJSON(f *engine.Fund) fundJSON {
	return fundJSON{f.ID, f.Kind, f.Source, f.Payee, f.What, f.Amount, f.Day, f.Reverses, f.PhotoType != ""}
}

// recordFund records a project income or expense.
func (s *Server) recordFund(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req moneyRequest
	if err := bind(c, maxPaperBody, &req); err != nil {
		return err
	}
	f, replay, err := s.app.RecordFund(c.Request().Context(), workerOf(c), id, req.Kind, req.money)
	if err != nil {
		return err
	}
	return writeMoney(c, toFundJSON(f), replay)
}

func (s *Server) reverseFund(c echo.Context) error {
	id, fid, err := pathIDs(c, "id", "fid")
	if err != nil {
		return err
	}
	var req reversalRequest
	if err := bind(c, maxJSONBody, &req); err != nil {
		return err
	}
	f, replay, err := s.app.ReverseFund(c.Request().Context(), workerOf(c), id, fid, req.Reason, req.IdempotencyKey)
	if err != nil {
		return err
	}
	return writeMoney(c, toFundJSON(f), replay)
}

func (s *Server) listFunds(c echo.Context) error {
	return projectList(c, s.app.Funds, toFundJSON)
}

// asOf reads ?as_of=YYYY-MM-DD, today (Beijing, by the app's clock) when
// absent.
func (s *Server) asOf(c echo.Context) (engine.Date, error) {
	if q := strings.TrimSpace(c.QueryParam("as_of")); q != "" {
		return engine.ParseDay(q, "as_of", "核算日期")
	}
	return engine.DateOf(s.app.Now().In(engine.Beijing)), nil
}

type ledgerRowJSON struct {
	engine.HouseholdLedger
	Household int64  `json:"household"`
	Room      string `json:"room"`
	Floor     int    `json:"floor"`
	Owner     string `json:"owner"`
}

type ledgerJSON struct {
	AsOf       engine.Date         `json:"as_of"`
	Households []ledgerRowJSON     `json:"households"`
	Totals     engine.LedgerTotals `json:"totals"`
}

// ledger is the payments contract's answer for the project, by room.
func (s *Server) ledger(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	day, err := s.asOf(c)
	if err != nil {
		return err
	}
	l, err := s.app.Ledger(c.Request().Context(), workerOf(c), id, day)
	if err != nil {
		return err
	}
	out := ledgerJSON{AsOf: l.AsOf, Totals: l.Totals, Households: make([]ledgerRowJSON, len(l.Rows))}
	for i, r := range l.Rows {
		out.Households[i] = ledgerRowJSON{r.HouseholdLedger, r.HouseholdID, r.Room, r.Floor, r.Owner}
	}
	return c.JSON(http.StatusOK, out)
}

// arrearsXLSX is the list to chase: households with money overdue (room,
// owner, phone, overdue, since, days), as an Excel workbook with amounts
// and days as numbers.
func (s *Server) arrearsXLSX(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	day, err := s.asOf(c)
	if err != nil {
		return err
	}
	l, err := s.app.Ledger(c.Request().Context(), workerOf(c), id, day)
	if err != nil {
		return err
	}
	p, err := s.app.Project(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	sh := &sheet{Name: "欠缴名单", Title: p.Name + " 欠缴名单", AsOfDay: l.AsOf.String(), Columns: []column{
		{"房号", 10}, {"业主", 14}, {"电话", 16}, {"逾期金额（元）", 16}, {"逾期起始日", 14}, {"逾期天数", 10}, {"未缴合计（元）", 16}, {"下一笔应缴日", 14}}}
	for _, r := range l.Rows {
		if r.Status != engine.LedgerOverdue {
			continue
		}
		next := ""
		if r.NextDue != nil {
			next = r.NextDue.Date.String()
		}
		since := ""
		if r.OverdueSince != nil {
			since = r.OverdueSince.String()
		}
		// amounts are numbers written from their exact decimal text: never
		// through a float
		sh.Rows = append(sh.Rows, []any{engine.CSVCell(r.Room), engine.CSVCell(r.Owner), engine.CSVCell(r.Phone), r.Overdue,
			since, r.DaysOverdue, r.Outstanding, next})
	}
	data, err := sh.workbook()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="arrears-`+itoa(id)+`.xlsx"`)
	return c.Blob(http.StatusOK, xlsxType, data)
}

func (s *Server) receiptPDF(c echo.Context) error {
	id, pid, err := pathIDs(c, "id", "pid")
	if err != nil {
		return err
	}
	doc, err := s.app.ReceiptPDF(c.Request().Context(), workerOf(c), id, pid)
	return sendPDF(c, doc, err)
}

func (s *Server) statementPDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := s.app.StatementPDF(c.Request().Context(), workerOf(c), id)
	return sendPDF(c, doc, err)
}

// residentReceiptPDF is one of the household's own receipts.
func (s *Server) residentReceiptPDF(c echo.Context) error {
	file := c.Param("file")
	pid, err := pathIDString(strings.TrimSuffix(file, ".pdf"))
	if err != nil || !strings.HasSuffix(file, ".pdf") {
		return engine.Errorf(engine.ECodeNotFound, "没有这张收据")
	}
	doc, err := s.app.ResidentReceiptPDF(c.Request().Context(), c.Param("token"), pid)
	return sendPDF(c, doc, err)
}
