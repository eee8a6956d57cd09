package http

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/pdf"
)

// printing is what every printout of a project's current ballot needs.
type printing struct {
	project *engine.Project
	ballot  *engine.Ballot
	pub     *publishedBallot
	input   *engine.CalcInput
	rule    engine.Rule
	latest  map[int64]*engine.Decision // by household
}

func (s *Server) loadPrinting(ctx context.Context, p *engine.Project) (*printing, error) {
	b, err := s.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	pub, err := s.published.get(ctx, s.store, b)
	if err != nil {
		return nil, err
	}
	rule, err := engine.ParseRule(b.Rule)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.LatestDecisions(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	pr := &printing{project: pub.project, ballot: b, pub: pub, input: pub.input, rule: rule, latest: map[int64]*engine.Decision{}}
	for _, d := range ds {
		pr.latest[d.HouseholdID] = d
	}
	return pr, nil
}

func (s *Server) agreementOf(pr *printing, h engine.Household) *pdf.Agreement {
	a := &pdf.Agreement{Project: pr.project, Household: h, Scenario: pr.pub.scenario, Input: pr.input, Result: &pr.pub.result,
		RuleText: pr.rule.Describe(), Deadline: pr.ballot.Deadline, Decision: pr.latest[h.ID]}
	if a.Decision != nil {
		a.VerifyURL = s.baseURL + "/verify/" + a.Decision.Code
	}
	return a
}

func (pr *printing) tally() (*engine.TallyResult, error) {
	var latest []*engine.Decision
	for _, d := range pr.latest {
		latest = append(latest, d)
	}
	res, _, err := tallyProject(pr.project, pr.ballot, latest)
	return res, err
}

// sendPDF renders into memory (bounded by the print slots), records the
// printing in the audit log and sends the file.
func (s *Server) sendPDF(c echo.Context, projectID int64, name, what string, render func(*bytes.Buffer) error) error {
	ctx := c.Request().Context()
	select {
	case s.printSlots <- struct{}{}:
		defer func() { <-s.printSlots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if err := s.store.AppendAudit(ctx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditPDFPrinted, Actor: actorOf(c), At: s.now(),
		Data: engine.AuditData(map[string]any{"document": what})}); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

func actorOf(c echo.Context) string {
	if w := workerOf(c); w != nil {
		return "worker:" + itoa(w.ID)
	}
	return "resident"
}

// agreementPDF is one household's agreement, for its worker.
func (s *Server) agreementPDF(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	file := c.Param("file")
	hid, err := pathIDString(strings.TrimSuffix(file, ".pdf"))
	if err != nil || !strings.HasSuffix(file, ".pdf") {
		return engine.Errorf(engine.ECodeNotFound, "协议文件“%s”不存在", clip(file, 30))
	}
	pr, err := s.loadPrinting(c.Request().Context(), p)
	if err != nil {
		return err
	}
	i, ok := pr.pub.households[hid]
	if !ok {
		return engine.Errorf(engine.ECodeNotFound, "住户 %d 不在这个项目中", hid)
	}
	h := pr.project.Households[i]
	return s.sendPDF(c, p.ID, "agreement-"+h.Room+".pdf", "agreement:"+h.Room, func(buf *bytes.Buffer) error {
		return s.printer.Agreement(buf, s.agreementOf(pr, h))
	})
}

// residentAgreementPDF is the agreement of the household whose link it is.
func (s *Server) residentAgreementPDF(c echo.Context) error {
	sg, err := s.openSigning(c)
	if err != nil {
		return err
	}
	pr, err := s.loadPrinting(c.Request().Context(), sg.project)
	if err != nil {
		return err
	}
	if pr.ballot.ID != sg.ballot.ID {
		return engine.Errorf(engine.ECodeNotFound, "该链接对应的表决已被新的方案取代")
	}
	return s.sendPDF(c, sg.project.ID, "agreement-"+sg.household.Room+".pdf", "agreement:"+sg.household.Room, func(buf *bytes.Buffer) error {
		return s.printer.Agreement(buf, s.agreementOf(pr, sg.household))
	})
}

// projectPrinting loads the :id project's printing and its tally.
func (s *Server) projectPrinting(c echo.Context) (*engine.Project, *printing, *engine.TallyResult, error) {
	p, err := s.project(c)
	if err != nil {
		return nil, nil, nil, err
	}
	pr, err := s.loadPrinting(c.Request().Context(), p)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := pr.tally()
	return p, pr, t, err
}

// bookletPDF is the meeting booklet.
func (s *Server) bookletPDF(c echo.Context) error {
	p, pr, t, err := s.projectPrinting(c)
	if err != nil {
		return err
	}
	audit, err := s.store.VerifyAudit(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	b := &pdf.Booklet{Tally: t, Rule: pr.rule, Audit: audit, Printed: s.now()}
	for _, h := range pr.project.Households {
		b.Agreements = append(b.Agreements, s.agreementOf(pr, h))
	}
	for _, d := range pr.latest {
		b.Decisions = append(b.Decisions, d)
	}
	return s.sendPDF(c, p.ID, "booklet.pdf", "booklet", func(buf *bytes.Buffer) error { return s.printer.Booklet(buf, b) })
}

// noticePDF is the 公示 for the bulletin board.
func (s *Server) noticePDF(c echo.Context) error {
	p, pr, t, err := s.projectPrinting(c)
	if err != nil {
		return err
	}
	n := &pdf.Notice{Project: pr.project, Scenario: pr.pub.scenario, Input: pr.input, Result: &pr.pub.result, Tally: t, Rule: pr.rule,
		RuleText: pr.rule.Describe(), Published: pr.ballot.OpenedAt, Deadline: pr.ballot.Deadline,
		SummaryURL: s.baseURL + "/p/" + itoa(p.ID), Office: "社区居委会（" + pr.project.Address + "）"}
	return s.sendPDF(c, p.ID, "notice.pdf", "notice", func(buf *bytes.Buffer) error { return s.printer.Notice(buf, n) })
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
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.store.Project(ctx, &engine.Worker{Admin: true}, id)
	if err == nil {
		var pr *printing
		if pr, err = s.loadPrinting(ctx, p); err == nil {
			var t *engine.TallyResult
			if t, err = pr.tally(); err == nil {
				return s.pages.render(c, http.StatusOK, "summary", map[string]any{"Project": pr.project, "Scenario": pr.pub.scenario,
					"Ballot": pr.ballot, "Result": &pr.pub.result, "Tally": t, "RuleText": pr.rule.Describe()})
			}
		}
	}
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		s.pages.message(c, http.StatusNotFound, "没有公示", "这个项目不存在，或还没有发布方案。")
		return nil
	}
	return err
}
