package http

import (
	"net/http"
	"strings"
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
	code := strings.ToUpper(strings.TrimSpace(c.Param("code")))
	if len(code) != 11 || code[5] != '-' {
		return nil, engine.Errorf(engine.ECodeNotFound, "核验码格式不对：应为 11 位，如 7KQ2M-9XD4H")
	}
	ctx := c.Request().Context()
	d, err := s.store.DecisionByCode(ctx, code)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, engine.Errorf(engine.ECodeNotFound, "没有找到核验码为 %s 的表决记录：这份文件可能不是由本系统出具的", code)
		}
		return nil, err
	}
	p, err := s.store.Project(ctx, &engine.Worker{Admin: true}, d.ProjectID)
	if err != nil {
		return nil, err
	}
	check, err := s.store.VerifyAudit(ctx, d.ProjectID)
	if err != nil {
		return nil, err
	}
	v := &verifyJSON{Valid: check.OK, Project: p.Name, Signer: engine.MaskName(d.SignerName), Decision: d.Vote,
		DecisionText: engine.VoteName(d.Vote), Method: d.Method, SignedAt: d.CreatedAt,
		SignedAtLocal: d.CreatedAt.In(beijing).Format("2006年1月2日 15:04:05"), ScenarioSHA256: d.ScenarioSHA256, ChainOK: check.OK}
	for _, h := range p.Households {
		if h.ID == d.HouseholdID {
			v.Room = h.Room
		}
	}
	if check.OK {
		v.Message = "记录存在，且与系统中的审计日志一致。"
	} else {
		v.Message = "注意：这条记录所在项目的审计日志校验未通过（" + check.Reason + "），记录可能已被改动，请联系社区核实。"
	}
	return v, nil
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
	if e, ok := err.(*engine.Error); ok && e.Code != engine.ECodeInternal {
		return e.Message
	}
	return "内部错误，请稍后重试"
}
