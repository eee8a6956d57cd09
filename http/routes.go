package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/templates"
)

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/favicon.ico", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServer(http.FS(templates.Static)))))

	api := e.Group("/api/v1")
	api.POST("/login", s.login, rateLimit(s.loginLimiter, "登录尝试太频繁，请稍等一分钟后再试"))
	api.POST("/logout", s.logout, s.requireWorker)
	api.POST("/password", s.changePassword, s.requireWorker)
	public := rateLimit(s.publicLimiter, "请求太频繁，请稍后再试")
	api.POST("/calc", s.calc, public)
	api.POST("/tally", s.tally, public)
	api.GET("/verify/:code", s.verifyAPI, public)
	sign := rateLimit(s.signLimiter, "提交太频繁，请稍后再试")
	api.GET("/sign/:token", s.signView, sign)
	api.POST("/sign/:token", s.signPost, sign)

	// Worker routes take the login check as route middleware: a group
	// middleware would also catch unknown paths and answer 401, not 404.
	auth := s.requireWorker
	api.POST("/projects", s.createProject, auth)
	api.GET("/projects", s.listProjects, auth)
	api.GET("/projects/:id", s.getProject, auth)
	api.PUT("/projects/:id/households", s.replaceHouseholds, auth)
	api.PATCH("/projects/:id/households/:hid", s.patchHousehold, auth)
	api.PUT("/projects/:id/contact", s.setContact, auth)
	api.PUT("/projects/:id/terms", s.setTerms, auth)
	api.POST("/projects/:id/scenarios", s.createScenario, auth)
	api.GET("/projects/:id/scenarios", s.listScenarios, auth)
	api.GET("/projects/:id/scenarios/:sid", s.getScenario, auth)
	api.PUT("/projects/:id/scenarios/:sid", s.updateScenario, auth)
	api.GET("/projects/:id/compare", s.compare, auth)
	api.POST("/projects/:id/scenarios/:sid/publish", s.publish, auth)
	api.GET("/projects/:id/tally", s.projectTally, auth)
	api.POST("/projects/:id/close", s.closeBallot, auth)
	api.GET("/projects/:id/result", s.result, auth)
	api.POST("/projects/:id/objections", s.objectInPerson, auth)
	api.POST("/projects/:id/objections/:oid/answer", s.answerObjection, auth)
	api.POST("/projects/:id/finalize", s.finalize, auth)
	api.GET("/projects/:id/result.pdf", s.resultPDF, auth)
	api.GET("/projects/:id/final.pdf", s.finalPDF, auth)
	api.GET("/projects/:id/decisions", s.listDecisions, auth)
	api.GET("/projects/:id/undecided", s.undecidedList, auth)
	api.GET("/projects/:id/undecided.xlsx", s.undecidedXLSX, auth)
	api.GET("/projects/:id/audit", s.auditCheck, auth)
	api.GET("/projects/:id/chain", s.chainStatus, auth)
	api.POST("/projects/:id/households/:hid/decisions", s.paperDecision, auth)
	api.POST("/projects/:id/households/:hid/link", s.reissueLink, auth)
	api.POST("/projects/:id/links", s.reissueAllLinks, auth)
	api.GET("/projects/:id/agreements/:file", s.agreementPDF, auth)
	api.POST("/projects/:id/assign", s.assignProject, auth)
	api.POST("/orgs", s.createOrg, auth)
	api.GET("/orgs", s.listOrgs, auth)
	api.GET("/orgs/:id/overview", s.overview, auth)
	api.GET("/orgs/:id/overview.xlsx", s.overviewXLSX, auth)
	api.POST("/users", s.createUser, auth)
	api.GET("/users", s.listUsers, auth)
	api.GET("/me", s.me, auth)
	api.GET("/presets", s.presets, auth)
	api.GET("/survey/presets", s.surveyPresets, auth)
	api.GET("/survey/questions", s.surveyQuestions, auth)
	api.POST("/projects/:id/questionnaires", s.createQuestionnaire, auth)
	api.POST("/questionnaires", s.createGroupQuestionnaire, auth)
	api.GET("/projects/:id/questionnaires", s.listQuestionnaires, auth)
	api.GET("/projects/:id/questionnaires/:qid/results", s.questionnaireResults, auth)
	api.GET("/projects/:id/questionnaires/:qid/results.pdf", s.questionnaireResultsPDF, auth)
	api.POST("/projects/:id/questionnaires/:qid/close", s.closeQuestionnaire, auth)
	api.GET("/q/:token", s.answerGet, sign)
	api.POST("/q/:token", s.answerPost, sign)
	api.GET("/projects/:id/booklet.pdf", s.bookletPDF, auth)
	api.GET("/projects/:id/notice.pdf", s.noticePDF, auth)
	api.GET("/projects/:id/signin.pdf", s.signInPDF, auth)
	api.GET("/projects/:id/ballots.pdf", s.ballotsPDF, auth)
	api.GET("/projects/:id/card.pdf", s.cardPDF, auth)
	api.GET("/projects/:id/slips.pdf", s.slipsPDF, auth)
	api.GET("/projects/:id/questionnaires/:qid/slips.pdf", s.surveySlipsPDF, auth)
	api.GET("/projects/:id/photos/:kind/:rid", s.photo, auth)

	api.GET("/projects/:id/households.csv", s.householdsCSV, auth)
	api.GET("/projects/:id/households.xlsx", s.householdsXLSX, auth)
	api.POST("/projects/:id/households/:hid/payments", s.recordPayment, auth)
	api.POST("/projects/:id/households/:hid/refunds", s.recordRefund, auth)
	api.GET("/projects/:id/payments", s.listPayments, auth)
	api.POST("/projects/:id/payments/:pid/reversal", s.reversePayment, auth)
	api.GET("/projects/:id/payments/:pid/receipt.pdf", s.receiptPDF, auth)
	api.POST("/projects/:id/funds", s.recordFund, auth)
	api.GET("/projects/:id/funds", s.listFunds, auth)
	api.POST("/projects/:id/funds/:fid/reversal", s.reverseFund, auth)
	api.GET("/projects/:id/ledger", s.ledger, auth)
	api.GET("/projects/:id/arrears.xlsx", s.arrearsXLSX, auth)
	api.GET("/projects/:id/statement.pdf", s.statementPDF, auth)
	api.PUT("/projects/:id/funding-rule", s.putFundingRule, auth)
	api.GET("/projects/:id/funding-rule", s.getFundingRule, auth)
	api.PUT("/projects/:id/households/:hid/funding", s.putHouseholdFunding, auth)
	api.GET("/projects/:id/funding", s.getFunding, auth)
	api.GET("/projects/:id/funding.xlsx", s.fundingXLSX, auth)
	api.GET("/projects/:id/households/:hid/share-certificate.pdf", s.shareCertificatePDF, auth)
	api.GET("/projects/:id/subsidy-pack.zip", s.subsidyPack, auth)
	api.GET("/projects/:id/works", s.getWorks, auth)
	api.GET("/projects/:id/stages", s.getWorks, auth)
	api.PUT("/projects/:id/stages", s.putStages, auth)
	api.PUT("/projects/:id/supervisors", s.putSupervisors, auth)
	api.PUT("/projects/:id/satisfaction-goal", s.putGoal, auth)
	api.POST("/projects/:id/inspections", s.recordInspection, auth)
	api.GET("/projects/:id/inspections", s.listInspections, auth)
	api.POST("/projects/:id/issues/:iid/fixed", s.fixIssue, auth)
	api.GET("/projects/:id/feedback", s.listFeedback, auth)
	api.POST("/projects/:id/feedback/:fid/answer", s.answerFeedback, auth)
	api.POST("/projects/:id/feedback/:fid/close", s.closeFeedback, auth)
	api.GET("/projects/:id/progress", s.progress, auth)
	api.GET("/projects/:id/progress.pdf", s.progressPDF, auth)
	api.POST("/sign/:token/feedback", s.sendFeedback, sign)
	api.GET("/sign/:token/funding", s.getResidentFunding, sign)
	api.PUT("/sign/:token/funding", s.putResidentFunding, sign)
	api.POST("/sign/:token/objections", s.objectViaLink, sign)
	api.POST("/sign/:token/feedback/:fid/rating", s.rateFeedback, sign)
	api.POST("/public/:slug/feedback", s.sendPublicFeedback, rateLimit(s.feedbackLimiter, "匿名意见提交太频繁，请过一分钟再试"))
	api.GET("/words/:amount", s.words, public)
	e.GET("/qr", s.qr, public)
	e.GET("/login", s.loginPage)
	e.GET("/", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/console") })
	e.GET("/console", s.projectsPage, s.consolePage)
	e.GET("/console/projects/:id", s.projectPage, s.consolePage)
	e.GET("/console/overview", s.overviewPage, s.consolePage)

	e.GET("/s/:token", s.signPage, sign)
	e.GET("/s/:token/agreement.pdf", s.residentAgreementPDF, sign)
	e.GET("/s/:token/receipts/:file", s.residentReceiptPDF, sign)
	e.GET("/p/:slug", s.summaryPage, public)
	e.GET("/q/:token", s.answerPage, sign)
	e.GET("/verify/:code", s.verifyPage, public)
}

// healthz reports liveness and whether the database answers.
func (s *Server) healthz(c echo.Context) error {
	if err := s.app.Ping(c.Request().Context()); err != nil {
		s.log.Warn("health check: database unreachable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable", "message": "数据库无法连接"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
}

// calc serves the calculation contract.
func (s *Server) calc(c echo.Context) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	res, err := engine.CalcJSON(data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// tally serves the tally contract.
func (s *Server) tally(c echo.Context) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	res, err := engine.TallyJSON(data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// presets lists the city subsidies, allocation schemes and consent rules
// the console offers; the console holds no numbers of its own.
func (s *Server) presets(c echo.Context) error {
	return c.JSON(http.StatusOK, s.app.Presets())
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// projectList answers GET /api/v1/projects/{id}/…: the list get returns
// for the worker, each item as conv writes it.
func projectList[T, J any](c echo.Context, get func(context.Context, *engine.Worker, int64) ([]T, error), conv func(T) J) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := get(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	out := make([]J, len(items))
	for i, x := range items {
		out[i] = conv(x)
	}
	return c.JSON(http.StatusOK, out)
}
