package http

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

type verifyJSON struct {
	Valid          bool      `json:"valid"`
	Project        string    `json:"project"`
	Room           string    `json:"room"`
	Signer         string    `json:"signer"`
	Decision       string    `json:"decision"`
	DecisionText   string    `json:"decision_text"`
	Method         string    `json:"method"`
	SignedAt       time.Time `json:"signed_at"`
	SignedAtLocal  string    `json:"signed_at_beijing"`
	ScenarioSHA256 string    `json:"scenario_sha256"`
	ChainOK        bool      `json:"chain_ok"`
	Message        string    `json:"message"`
}

// verification looks a code up: whether the record exists, what it says
// (masked), the hash it binds to and whether the chain holding it holds.
func (s *Server) verification(c echo.Context) (*verifyJSON, error) {
	v, err := s.app.Verify(c.Request().Context(), c.Param("code"))
	if err != nil {
		return nil, err
	}
	d, check := v.Decision, v.Chain
	out := &verifyJSON{Valid: check.OK, Project: v.Project, Room: v.Room, Signer: engine.MaskName(d.SignerName), Decision: d.Vote,
		DecisionText: engine.VoteName(d.Vote), Method: d.Method, SignedAt: d.CreatedAt,
		SignedAtLocal: engine.BeijingSecond(d.CreatedAt), ScenarioSHA256: d.ScenarioSHA256, ChainOK: check.OK}
	if check.OK {
		out.Message = "记录存在，且与系统中的审计日志一致。"
	} else {
		out.Message = "注意：这条记录所在项目的审计日志校验未通过（" + check.Reason + "），记录可能已被改动，请联系社区核实。"
	}
	return out, nil
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
	return s.pages.render(c, http.StatusOK, "verify", v)
}

func errMessage(err error) string {
	var e *engine.Error
	if errors.As(err, &e) && e.Code != engine.ECodeInternal {
		return e.Message
	}
	return "内部错误，请稍后重试"
}
