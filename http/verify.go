package http

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

type verifyJSON struct {
	Kind           string                 `json:"kind"` // decision | receipt | certificate
	Receipt        *receiptVerifyJSON     `json:"receipt,omitempty"`
	Certificate    *certificateVerifyJSON `json:"certificate,omitempty"`
	Valid          bool                   `json:"valid"`
	Project        string                 `json:"project"`
	Room           string                 `json:"room"`
	Signer         string                 `json:"signer"`
	Decision       string                 `json:"decision"`
	DecisionText   string                 `json:"decision_text"`
	Method         string                 `json:"method"`
	SignedAt       time.Time              `json:"signed_at"`
	SignedAtLocal  string                 `json:"signed_at_beijing"`
	ScenarioSHA256 string                 `json:"scenario_sha256"`
	ChainOK        bool                   `json:"chain_ok"`
	Current        bool                   `json:"current"`
	ReplacedBy     *app.Replacement       `json:"replaced_by"`
	Anchor         engine.Anchor          `json:"anchor"`
	AnchorText     string                 `json:"anchor_text"`
	KeyFingerprint string                 `json:"key_fingerprint"`
	Message        string                 `json:"message"`
	Contact        engine.Contact         `json:"contact"` // whom to ask
}

// verification looks a code up: whether the record exists, what it says
// (masked), the hash it binds to and whether the chain holding it holds.
func (s *Server) verification(c echo.Context) (*verifyJSON, error) {
	v, err := s.app.Verify(c.Request().Context(), c.Param("code"))
	if err != nil {
		return nil, err
	}
	if v.Receipt != nil {
		return receiptVerification(v), nil
	}
	if v.Certificate != nil {
		return certificateVerification(v), nil
	}
	d := v.Decision
	out := &verifyJSON{Kind: "decision", Valid: v.Valid, Project: v.Project, Room: v.Room, Signer: engine.MaskName(d.SignerName), Decision: d.Vote,
		DecisionText: engine.VoteName(d.Vote), Method: d.Method, SignedAt: d.CreatedAt,
		SignedAtLocal: engine.BeijingSecond(d.CreatedAt), ScenarioSHA256: d.ScenarioSHA256, ChainOK: v.Valid,
		Current: v.Current, ReplacedBy: v.ReplacedBy, Anchor: v.Anchor, AnchorText: v.Anchor.Text(), KeyFingerprint: v.Key, Contact: v.Contact}
	switch {
	case !v.Valid:
		out.Message = "注意：这条记录或其所在项目的审计日志校验未通过（" + v.Reason + "），记录可能已被改动，请联系社区核实。"
	case v.ReplacedBy != nil && v.ReplacedBy.Kind == "decision":
		out.Message = "记录存在且未被改动，但这不是该户的最新意见：该户于 " + engine.BeijingMinute(v.ReplacedBy.At) + " 改为“" + engine.VoteName(v.ReplacedBy.Vote) + "”，以最新意见为准。"
	case v.ReplacedBy != nil:
		out.Message = "记录存在且未被改动，但它所表决的方案已于 " + engine.BeijingMinute(v.ReplacedBy.At) + " 被新方案“" + v.ReplacedBy.Plan + "”取代，这份意见不再计入。"
	default:
		out.Message = "记录存在，与系统中的审计日志一致，且是该户目前有效的意见。"
	}
	return out, nil
}

type verifyPage struct {
	*verifyJSON
	Detail bool
	Code   string
}

func (s *Server) verifyAPI(c echo.Context) error {
	v, err := s.verification(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) verifyPage(c echo.Context) error {
	v, err := s.verification(c)
	if err != nil {
		s.pages.message(c, statusOf[engine.ErrorCode(err)], "核验结果", errMessage(err))
		return nil
	}
	// the hashes and the key's fingerprint are for whoever audits the
	// record; a resident who scans the QR sees what it says and whether
	// it holds, and the rest behind ?detail=1
	return s.pages.render(c, http.StatusOK, "verify", verifyPage{v, c.QueryParam("detail") == "1", c.Param("code")})
}

func errMessage(err error) string {
	var e *engine.Error
	if errors.As(err, &e) && e.Code != engine.ECodeInternal {
		return e.Message
	}
	return "内部错误，请稍后重试"
}

type receiptVerifyJSON struct {
	Number   string     `json:"receipt_no"`
	Kind     string     `json:"kind"` // payment | refund | reversal
	Amount   engine.Fen `json:"amount"`
	Words    string     `json:"amount_words"`
	Day      string     `json:"date"`
	Method   string     `json:"method"`
	Reversed bool       `json:"reversed"`
}

// receiptVerification is /verify of a receipt's code.
func receiptVerification(v *app.Verification) *verifyJSON {
	p := v.Receipt.Payment
	out := &verifyJSON{Kind: "receipt", Valid: v.Valid, ChainOK: v.Valid, Project: v.Project, Room: v.Room, Current: v.Current,
		ReplacedBy: v.ReplacedBy, Anchor: v.Anchor, AnchorText: v.Anchor.Text(), KeyFingerprint: v.Key, Contact: v.Contact, SignedAt: p.CreatedAt,
		SignedAtLocal: engine.BeijingSecond(p.CreatedAt),
		Receipt: &receiptVerifyJSON{Number: p.ReceiptNo, Kind: p.Kind, Amount: p.Amount, Words: engine.Words(p.Amount), Day: p.Day,
			Method: p.Method, Reversed: v.Receipt.Reversed}}
	switch {
	case !v.Valid:
		out.Message = "注意：这张凭证或其所在项目的审计日志校验未通过（" + v.Reason + "），记录可能已被改动，请联系社区核实。"
	case v.Receipt.Reversed:
		out.Message = "凭证 " + p.ReceiptNo + " 存在且未被改动，但已于 " + engine.BeijingMinute(v.ReplacedBy.At) + " 冲正作废。"
	default:
		out.Message = "凭证 " + p.ReceiptNo + " 存在，与系统中的审计日志一致：" + p.Day + " " + p.Amount.Grouped() + " 元（" + engine.Words(p.Amount) + "）。"
	}
	return out
}
