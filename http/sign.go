package http

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

type decisionJSON struct {
	ID             int64     `json:"id"`
	Decision       string    `json:"decision"`
	Code           string    `json:"code"`
	SignedAt       time.Time `json:"signed_at"`
	ScenarioSHA256 string    `json:"scenario_sha256"`
	Method         string    `json:"method"`
	Signer         string    `json:"signer"`
	Reason         string    `json:"reason,omitempty"` // why, with a 不同意
}

func toDecisionJSON(d *engine.Decision) *decisionJSON {
	if d == nil {
		return nil
	}
	return &decisionJSON{ID: d.ID, Decision: d.Vote, Code: d.Code, SignedAt: d.CreatedAt, ScenarioSHA256: d.ScenarioSHA256,
		Method: d.Method, Signer: engine.MaskName(d.SignerName), Reason: d.Reason}
}

type signViewJSON struct {
	Project struct {
		Name    string         `json:"name"`
		Address string         `json:"address"`
		Contact engine.Contact `json:"contact"`
		// Terms are the agreement's particulars as published: 甲方 and
		// the account the money goes to.
		Terms engine.Terms `json:"terms"`
	} `json:"project"`
	Household struct {
		Room  string      `json:"room"`
		Floor int         `json:"floor"`
		Area  engine.Area `json:"area"`
		Owner string      `json:"owner"`
		Phone string      `json:"phone"`
	} `json:"household"`
	Scenario struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
	} `json:"scenario"`
	Result      engine.HouseholdShare `json:"result"`
	FloorTotals []engine.FloorTotal   `json:"floor_totals"`
	Decision    *decisionJSON         `json:"decision"`
	Deadline    time.Time             `json:"deadline"`
	Open        bool                  `json:"open"`
	State       string                `json:"state"`
	Window      *engine.Window        `json:"window"`
	StateNote   string                `json:"state_note"`
	Objecting   bool                  `json:"objecting"` // objections are heard now
	Rule        string                `json:"rule_text"`
	Money       *householdMoneyJSON   `json:"money"`
	Feedback    []feedbackJSON        `json:"feedback"`
	Categories  []string              `json:"feedback_categories"`
	Ratings     []string              `json:"feedback_ratings"`
	Explain     engine.Explanation    `json:"explain"`
	// FirstPayment is the down payment of an installment plan and its
	// date; Monthly the first monthly amount after it. Both are empty
	// without a plan.
	FirstPayment *paymentDueJSON `json:"first_payment"`
	Monthly      *paymentDueJSON `json:"monthly"`
	// Objections are the household's own objections with the answers.
	Objections []residentObjectionJSON `json:"objections"`
}

// residentObjectionJSON is an objection as the household that raised it
// sees it: what it said and the worker's answer (维持 / 更正 with why).
type residentObjectionJSON struct {
	ID         int64      `json:"id"`
	Reason     string     `json:"reason"`
	HasPhoto   bool       `json:"has_photo"`
	CreatedAt  time.Time  `json:"created_at"`
	Outcome    string     `json:"outcome"` // "" until answered
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at"`
}

type paymentDueJSON struct {
	Date   engine.Date `json:"date"`
	Amount engine.Fen  `json:"amount"`
}

// householdMoneyJSON is what the household has paid, what is next, and
// its receipts (each a link under its own signing link).
type householdMoneyJSON struct {
	engine.HouseholdLedger
	Receipts []receiptLinkJSON `json:"receipts"`
}

type receiptLinkJSON struct {
	ReceiptNo string     `json:"receipt_no"`
	Kind      string     `json:"kind"`
	Amount    engine.Fen `json:"amount"`
	Date      string     `json:"date"`
	Method    string     `json:"method"`
	URL       string     `json:"url"`
}

// toSignView is what the household sees: names and phones masked.
func toSignView(sv *app.SigningView, token string) *signViewJSON {
	v := &signViewJSON{Result: sv.Row, FloorTotals: sv.Result.FloorTotals, Decision: toDecisionJSON(sv.Decision),
		Deadline: sv.Ballot.Deadline, Open: sv.Open, Rule: sv.RuleText, State: sv.State, Window: sv.Window, StateNote: sv.Note, Objecting: sv.Objecting}
	v.Project.Name, v.Project.Address, v.Project.Contact, v.Project.Terms = sv.Project.Name, sv.Project.Address, sv.Contact, sv.Project.Terms
	h := sv.Household
	v.Household.Room, v.Household.Floor, v.Household.Area = h.Room, h.Floor, h.Area
	v.Household.Owner, v.Household.Phone = engine.MaskName(h.OwnerName), engine.MaskPhone(h.Phone)
	v.Result.Owner = engine.MaskName(v.Result.Owner)
	v.Scenario.Name, v.Scenario.SHA256 = sv.Scenario.Name, sv.Scenario.SHA256
	v.Explain = sv.Explain
	if p := sv.Row.Plan; p != nil && len(p.Installments) > 0 && sv.Input != nil && sv.Input.Installments != nil {
		v.FirstPayment = &paymentDueJSON{engine.DateOf(sv.Input.Installments.Start), p.DownPayment}
		v.Monthly = &paymentDueJSON{p.Installments[0].Date, p.Installments[0].Amount}
	}
	v.Objections = []residentObjectionJSON{}
	for _, o := range sv.Objections {
		v.Objections = append(v.Objections, residentObjectionJSON{o.ID, o.Reason, o.PhotoType != "", o.CreatedAt, o.Outcome, o.Answer, o.AnsweredAt})
	}
	v.Feedback, v.Categories, v.Ratings = []feedbackJSON{}, engine.FeedbackCategories, engine.FeedbackRatings
	for _, f := range sv.Feedback {
		v.Feedback = append(v.Feedback, toFeedbackJSON(f, sv.Household.Room))
	}
	if m := sv.Money; m != nil {
		v.Money = &householdMoneyJSON{HouseholdLedger: m.Ledger, Receipts: []receiptLinkJSON{}}
		for _, p := range m.Receipts {
			v.Money.Receipts = append(v.Money.Receipts, receiptLinkJSON{p.ReceiptNo, p.Kind, p.Amount, p.Day, p.Method,
				"/s/" + token + "/receipts/" + itoa(p.ID) + ".pdf"})
		}
	}
	return v
}

// signView is what the household pays and signs, as JSON.
func (s *Server) signView(c echo.Context) error {
	sv, err := s.app.ViewSigning(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSignView(sv, c.Param("token")))
}

type signRequest struct {
	Decision       string `json:"decision"`
	SignerName     string `json:"signer_name"`
	SignaturePNG   string `json:"signature_png"`
	IdempotencyKey string `json:"idempotency_key"`
	// Reason is why, with a 不同意 (optional; engine.DecisionReason).
	Reason    string `json:"reason"`
	signature []byte
}

func (r *signRequest) Validate() error {
	if err := validateVote(r.Decision); err != nil {
		return err
	}
	if err := validateSigner(r.SignerName, "signer_name"); err != nil {
		return err
	}
	if err := validateKey(r.IdempotencyKey); err != nil {
		return err
	}
	if !utf8.ValidString(r.Reason) || len(r.Reason) > 4<<10 {
		return engine.Invalidf("reason", "不同意的理由过长：最多%d个字", engine.MaxDecisionReason)
	}
	if r.SignaturePNG == "" {
		if r.Decision != engine.VoteAbstain {
			return engine.Invalidf("signature_png", "请在签名框内手写签名后再提交")
		}
		return nil
	}
	sig, err := cleanSignature(r.SignaturePNG)
	if err != nil {
		return err
	}
	r.signature = sig
	return nil
}

func validateVote(v string) error {
	switch v {
	case engine.VoteAgree, engine.VoteDisagree, engine.VoteAbstain:
		return nil
	case "":
		return engine.Invalidf("decision", "请选择 同意、不同意 或 弃权")
	}
	return engine.Invalidf("decision", "表决意见“%s”无效，应为 agree（同意）、disagree（不同意）或 abstain（弃权）", clip(v, 20))
}

func validateSigner(name, field string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return engine.Invalidf(field, "请填写签名人姓名")
	}
	if utf8.RuneCountInString(name) > 32 {
		return engine.Invalidf(field, "签名人姓名太长：最多32个字")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || c > 0xFFFF || c == utf8.RuneError {
			return engine.Invalidf(field, "签名人姓名中的字符“%c”无法打印在协议上，请改用常用字", c)
		}
	}
	return nil
}

func validateKey(k string) error {
	if len(k) < 8 || len(k) > 64 {
		return engine.Invalidf("idempotency_key", "缺少或无效的提交编号（idempotency_key，8到64个字符）")
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return engine.Invalidf("idempotency_key", "提交编号只能包含字母、数字、- 和 _")
		}
	}
	return nil
}

// signPost records the household's decision. The same idempotency key
// replays the same answer (200), never a second decision.
func (s *Server) signPost(c echo.Context) error {
	var req signRequest
	if err := bind(c, maxSignBody, &req); err != nil {
		return err
	}
	rec, err := s.app.Sign(c.Request().Context(), c.Param("token"), app.Vote{Vote: req.Decision, SignerName: req.SignerName,
		Signature: req.signature, IdempotencyKey: req.IdempotencyKey, Reason: req.Reason, IP: c.RealIP(), UserAgent: clip(c.Request().UserAgent(), 300)})
	if err != nil {
		return err
	}
	return writeRecorded(c, rec)
}
