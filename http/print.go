package http

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// sendPDF sends a rendered document inline.
func sendPDF(c echo.Context, doc *app.Document, err error) error {
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": doc.Name}))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", doc.Data)
}

// agreementPDF is one household's agreement, for its worker.
func (s *Server) agreementPDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	file := c.Param("file")
	hid, err := pathIDString(strings.TrimSuffix(file, ".pdf"))
	if err != nil || !strings.HasSuffix(file, ".pdf") {
		return engine.Errorf(engine.ECodeNotFound, "协议文件“%s”不存在", clip(file, 30))
	}
	doc, err := s.app.AgreementPDF(c.Request().Context(), workerOf(c), id, hid)
	return sendPDF(c, doc, err)
}

// residentAgreementPDF is the agreement of the household whose link it is.
func (s *Server) residentAgreementPDF(c echo.Context) error {
	doc, err := s.app.ResidentAgreementPDF(c.Request().Context(), c.Param("token"))
	return sendPDF(c, doc, err)
}

// projectPDF sends a document of project :id that takes nothing else.
func (s *Server) projectPDF(c echo.Context, print func(context.Context, *engine.Worker, int64) (*app.Document, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	doc, err := print(c.Request().Context(), workerOf(c), id)
	return sendPDF(c, doc, err)
}

// bookletPDF is the meeting booklet.
func (s *Server) bookletPDF(c echo.Context) error { return s.projectPDF(c, s.app.BookletPDF) }

// signInPDF is the 签到表.
func (s *Server) signInPDF(c echo.Context) error { return s.projectPDF(c, s.app.SignInPDF) }

// ballotsPDF is the 表决票, one per household.
func (s *Server) ballotsPDF(c echo.Context) error { return s.projectPDF(c, s.app.BallotsPDF) }

// slipsPDF prints the signing links again on slips: every household, or
// ?household=ID alone; ?size=large in large type.
func (s *Server) slipsPDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	household, large, err := slipsQuery(c)
	if err != nil {
		return err
	}
	doc, err := s.app.SlipsPDF(c.Request().Context(), workerOf(c), id, household, large)
	return sendPDF(c, doc, err)
}

// surveySlipsPDF prints a questionnaire's links again on slips.
func (s *Server) surveySlipsPDF(c echo.Context) error {
	id, qid, err := pathIDs(c, "id", "qid")
	if err != nil {
		return err
	}
	household, large, err := slipsQuery(c)
	if err != nil {
		return err
	}
	doc, err := s.app.SurveySlipsPDF(c.Request().Context(), workerOf(c), id, qid, household, large)
	return sendPDF(c, doc, err)
}

// slipsQuery reads ?household= and ?size= of a slips request.
func slipsQuery(c echo.Context) (household int64, large bool, err error) {
	if q := c.QueryParam("household"); q != "" {
		if household, err = strconv.ParseInt(q, 10, 64); err != nil || household <= 0 {
			return 0, false, engine.Invalidf("household", "住户编号应为正整数，收到“%s”", q)
		}
	}
	switch size := c.QueryParam("size"); size {
	case "", "normal":
	case "large":
		large = true
	default:
		return 0, false, engine.Invalidf("size", "字号应为 large（大字）或不写，收到“%s”", size)
	}
	return household, large, nil
}

// cardPDF is the 明白卡 of ?scenario= (default: the plan put to the vote,
// or the latest draft).
func (s *Server) cardPDF(c echo.Context) error {
	var scenario int64
	if q := c.QueryParam("scenario"); q != "" {
		var err error
		if scenario, err = strconv.ParseInt(q, 10, 64); err != nil || scenario <= 0 {
			return engine.Invalidf("scenario", "方案编号应为正整数，收到“%s”", q)
		}
	}
	return s.projectPDF(c, func(ctx context.Context, w *engine.Worker, id int64) (*app.Document, error) {
		return s.app.CardPDF(ctx, w, id, scenario)
	})
}

// noticePDF is the 公示 for the bulletin board.
func (s *Server) noticePDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	days := 0
	if q := c.QueryParam("days"); q != "" {
		if days, err = strconv.Atoi(q); err != nil || days == 0 {
			return engine.Invalidf("days", "公示天数应为 1 到 90 之间的整数，收到“%s”", q)
		}
	}
	doc, err := s.app.NoticePDF(c.Request().Context(), workerOf(c), id, days)
	return sendPDF(c, doc, err)
}

func pathIDString(s string) (int64, error) {
	var id int64
	for _, c := range s {
		if c < '0' || c > '9' || id > 1e15 {
			return 0, engine.Errorf(engine.ECodeNotFound, "编号无效")
		}
		id = id*10 + int64(c-'0')
	}
	if id == 0 {
		return 0, engine.Errorf(engine.ECodeNotFound, "编号无效")
	}
	return id, nil
}

// summaryPage is the project's public summary behind the 公示's QR code:
// the plan, the per-floor amounts and the tally, with no names or phones.
func (s *Server) summaryPage(c echo.Context) error {
	sum, err := s.app.PublicSummary(c.Request().Context(), c.Param("slug"))
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		s.pages.message(c, http.StatusNotFound, "没有公示", "这个项目不存在，或还没有发布方案。")
		return nil
	}
	if err != nil {
		return err
	}
	return s.pages.render(c, http.StatusOK, "summary", sum)
}
