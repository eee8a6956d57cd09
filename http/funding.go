package http

import (
	"archive/zip"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// The funding pack (DESIGN §18). Balances are personal data: every answer
// masks them (engine.MaskAmount); only the certificate prints them.

type fundingRuleJSON struct {
	Preset    string             `json:"preset"`
	Rule      engine.FundingRule `json:"rule"`
	Completed *engine.Date       `json:"completed"`
	SetAt     string             `json:"set_at"`
}

func toFundingRuleJSON(r *engine.ProjectFundingRule) fundingRuleJSON {
	return fundingRuleJSON{Preset: r.Preset, Rule: r.Rule, Completed: r.Completed, SetAt: engine.FormatTime(r.SetAt)}
}

type fundingAccountJSON struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Balance  string `json:"balance"` // masked
}

type fundingMaintenanceJSON struct {
	FirstDeposit string `json:"first_deposit"` // masked
	Balance      string `json:"balance"`       // masked
}

// fundingFiguresJSON is what was entered for a household, masked.
type fundingFiguresJSON struct {
	HouseholdID int64                   `json:"household_id"`
	Accounts    []fundingAccountJSON    `json:"accounts"`
	Maintenance *fundingMaintenanceJSON `json:"maintenance"`
	EnteredBy   string                  `json:"entered_by"` // worker | household
	Consent     bool                    `json:"consent"`
	EnteredAt   string                  `json:"entered_at"`
}

func toFiguresJSON(f *engine.HouseholdFundingFigures) *fundingFiguresJSON {
	if f == nil {
		return nil
	}
	out := &fundingFiguresJSON{HouseholdID: f.HouseholdID, Accounts: make([]fundingAccountJSON, len(f.Accounts)), EnteredBy: "worker",
		Consent: f.Consent, EnteredAt: engine.FormatTime(f.EnteredAt)}
	if engine.IsHouseholdActor(f.EnteredBy) {
		out.EnteredBy = "household"
	}
	for i, a := range f.Accounts {
		out.Accounts[i] = fundingAccountJSON{a.Name, a.Relation, engine.MaskAmount(a.Balance)}
	}
	if m := f.Maintenance; m != nil {
		out.Maintenance = &fundingMaintenanceJSON{engine.MaskAmount(m.FirstDeposit), engine.MaskAmount(m.Balance)}
	}
	return out
}

type fundingMaintenanceDrawJSON struct {
	Amount       engine.Fen `json:"amount"`
	Keep         engine.Fen `json:"keep"`
	BalanceAfter string     `json:"balance_after"` // masked: it tells the balance
}

// fundingHouseholdJSON is one household of GET …/funding: the contract's
// row (id is the room) with the household's id, floor, owner and what
// was entered.
type fundingHouseholdJSON struct {
	HouseholdID int64                      `json:"household_id"`
	ID          string                     `json:"id"`
	Floor       int                        `json:"floor"`
	Owner       string                     `json:"owner"`
	Due         engine.Fen                 `json:"due"`
	GJJ         engine.GJJDraw             `json:"gjj"`
	Maintenance fundingMaintenanceDrawJSON `json:"maintenance"`
	Cash        engine.Fen                 `json:"cash"`
	Figures     *fundingFiguresJSON        `json:"figures"`
}

type fundingJSON struct {
	Rule       fundingRuleJSON        `json:"rule"`
	ApplyBy    *engine.Date           `json:"apply_by"`
	Households []fundingHouseholdJSON `json:"households"`
	Totals     engine.FundingTotals   `json:"totals"`
}

func toFundingHouseholdJSON(r *app.FundingRow) fundingHouseholdJSON {
	f := r.Funding
	return fundingHouseholdJSON{HouseholdID: r.Household.ID, ID: f.ID, Floor: r.Household.Floor, Owner: r.Household.OwnerName,
		Due: f.Due, GJJ: f.GJJ, Cash: f.Cash, Figures: toFiguresJSON(r.Figures),
		Maintenance: fundingMaintenanceDrawJSON{Amount: f.Maintenance.Amount, Keep: f.Maintenance.Keep, BalanceAfter: engine.MaskAmount(f.Maintenance.BalanceAfter)}}
}

func toFundingJSON(pf *app.ProjectFunding) fundingJSON {
	out := fundingJSON{Rule: toFundingRuleJSON(pf.Rule), ApplyBy: pf.Result.ApplyBy, Totals: pf.Result.Totals,
		Households: make([]fundingHouseholdJSON, len(pf.Rows))}
	for i := range pf.Rows {
		out.Households[i] = toFundingHouseholdJSON(&pf.Rows[i])
	}
	return out
}

// putFundingRule: PUT /api/v1/projects/{id}/funding-rule {preset | rule, completed}.
func (s *Server) putFundingRule(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	r, err := s.app.SetFundingRule(c.Request().Context(), workerOf(c), id, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFundingRuleJSON(r))
}

// getFundingRule: GET /api/v1/projects/{id}/funding-rule — the rule in
// force, or {"rule": null} before one is chosen (not an error: the console
// asks before it asks for the table).
func (s *Server) getFundingRule(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	r, err := s.app.FundingRule(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	if r == nil {
		return c.JSON(http.StatusOK, map[string]any{"rule": nil})
	}
	return c.JSON(http.StatusOK, toFundingRuleJSON(r))
}

// putHouseholdFunding: PUT /api/v1/projects/{id}/households/{hid}/funding.
func (s *Server) putHouseholdFunding(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	f, err := s.app.SetHouseholdFunding(c.Request().Context(), workerOf(c), id, hid, data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFiguresJSON(f))
}

// putResidentFunding: PUT /api/v1/sign/{token}/funding, the household's
// own figures with its consent.
func (s *Server) putResidentFunding(c echo.Context) error {
	data, err := readBody(c, maxJSONBody)
	if err != nil {
		return err
	}
	f, err := s.app.SetHouseholdFundingViaLink(c.Request().Context(), c.Param("token"), data)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFiguresJSON(f))
}

// residentFundingJSON is what a household's link shows of its funding.
type residentFundingJSON struct {
	Rule      *fundingRuleJSON      `json:"rule"` // null: the worker has set none yet
	ApplyBy   *engine.Date          `json:"apply_by"`
	Household *fundingHouseholdJSON `json:"household"`
}

// getResidentFunding: GET /api/v1/sign/{token}/funding.
func (s *Server) getResidentFunding(c echo.Context) error {
	row, rule, applyBy, err := s.app.HouseholdFundingView(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	out := residentFundingJSON{ApplyBy: applyBy}
	if rule != nil {
		r := toFundingRuleJSON(rule)
		out.Rule = &r
	}
	if row != nil {
		h := toFundingHouseholdJSON(row)
		out.Household = &h
	}
	return c.JSON(http.StatusOK, out)
}

// getFunding: GET /api/v1/projects/{id}/funding.
func (s *Server) getFunding(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pf, err := s.app.Funding(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFundingJSON(pf))
}

// fundingSheet is the funding table as a worksheet: amounts as numbers.
func fundingSheet(pf *app.ProjectFunding, asOf string) *sheet {
	sh := &sheet{Name: "资金来源", Title: pf.Plan.Project.Name + " 加装电梯出资资金来源表", AsOfDay: asOf, Columns: []column{
		{"房号", 10}, {"楼层", 8}, {"业主", 14}, {"应出资（扣除补贴，元）", 22}, {"可提取公积金（元）", 18}, {"公积金提取人及金额（元）", 30},
		{"可使用维修资金（元）", 20}, {"维修资金须留存（元）", 20}, {"现金支付（元）", 16}, {"信息来源", 12}}}
	rule := "本项目自定规则"
	for _, preset := range engine.FundingPresets() {
		if pf.Rule != nil && preset.Key == pf.Rule.Preset {
			rule = preset.Name
		}
	}
	sh.Note = "提取规则：" + rule
	if by := pf.Result.ApplyBy; by != nil {
		sh.Note += "　申请截止：" + chineseDay(by.String())
	}
	for i := range pf.Rows {
		r := &pf.Rows[i]
		f := r.Funding
		var who []string
		for _, a := range f.GJJ.Accounts {
			if a.Amount > 0 {
				who = append(who, a.Name+" "+a.Amount.String())
			}
		}
		source := "未填写"
		if r.Figures != nil {
			source = map[bool]string{true: "住户填写", false: "工作人员录入"}[engine.IsHouseholdActor(r.Figures.EnteredBy)]
		}
		sh.Rows = append(sh.Rows, []any{engine.CSVCell(r.Household.Room), r.Household.Floor, engine.CSVCell(r.Household.OwnerName), f.Due,
			f.GJJ.Total, engine.CSVCell(strings.Join(who, "；")), f.Maintenance.Amount, f.Maintenance.Keep, f.Cash, source})
	}
	t := pf.Result.Totals
	sh.Rows = append(sh.Rows, []any{"合计", "", "", t.Due, t.GJJ, "", t.Maintenance, "", t.Cash, ""})
	return sh
}

// fundingXLSX: GET /api/v1/projects/{id}/funding.xlsx.
func (s *Server) fundingXLSX(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pf, err := s.app.Funding(c.Request().Context(), workerOf(c), id)
	if err != nil {
		return err
	}
	data, err := fundingSheet(pf, engine.DateOf(s.app.Now().In(engine.Beijing)).String()).workbook()
	if err != nil {
		return err
	}
	name := pf.Plan.Project.Name + "-资金来源表.xlsx"
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Blob(http.StatusOK, xlsxType, data)
}

// shareCertificatePDF: GET …/households/{hid}/share-certificate.pdf.
func (s *Server) shareCertificatePDF(c echo.Context) error {
	id, hid, err := pathIDs(c, "id", "hid")
	if err != nil {
		return err
	}
	doc, err := s.app.ShareCertificatePDF(c.Request().Context(), workerOf(c), id, hid)
	return sendPDF(c, doc, err)
}

type certificateVerifyJSON struct {
	Due         engine.Fen `json:"due"`
	GJJ         engine.Fen `json:"gjj"`
	Maintenance engine.Fen `json:"maintenance"`
	Cash        engine.Fen `json:"cash"`
	IssuedOn    string     `json:"issued_on"`
}

// certificateVerification is /verify of a 费用分摊证明's code: the totals
// it states (no balances), whether it holds and whether it is current.
func certificateVerification(v *app.Verification) *verifyJSON {
	rc := v.Certificate
	out := &verifyJSON{Kind: "certificate", Valid: v.Valid, ChainOK: v.Valid, Project: v.Project, Room: v.Room, Current: v.Current,
		ReplacedBy: v.ReplacedBy, Anchor: v.Anchor, AnchorText: v.Anchor.Text(), KeyFingerprint: v.Key, Contact: v.Contact, SignedAt: rc.IssuedAt,
		SignedAtLocal: engine.BeijingSecond(rc.IssuedAt),
		Certificate: &certificateVerifyJSON{Due: rc.Due, GJJ: rc.GJJ, Maintenance: rc.Maintenance, Cash: rc.Cash,
			IssuedOn: engine.DateOf(rc.IssuedAt.In(engine.Beijing)).String()}}
	switch {
	case !v.Valid:
		out.Message = "注意：这份证明或其所在项目的审计日志校验未通过（" + v.Reason + "），记录可能已被改动，请联系社区核实。"
	case v.ReplacedBy != nil:
		out.Message = "证明确由本系统出具且未被改动，但该户已于 " + engine.BeijingMinute(v.ReplacedBy.At) + " 出具了更新的证明，以新证明为准。"
	case !v.Current:
		out.Message = "证明确由本系统出具且未被改动，但该户的缴款或账户信息此后有变化，请向社区索取更新的证明。"
	default:
		out.Message = "证明确由本系统出具，与审计日志一致，且是该户目前有效的证明。"
	}
	return out
}

// subsidyPack: GET /api/v1/projects/{id}/subsidy-pack.zip, streamed: each
// file goes into the zip as it is made. Before the first file nothing is
// written, so a vote that is not final answers 409 with the reason.
func (s *Server) subsidyPack(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var zw *zip.Writer
	filename := "subsidy-pack-" + itoa(id) + ".zip"
	named := func(n string) { filename = n }
	asOf := engine.DateOf(s.app.Now().In(engine.Beijing)).String()
	sheet := func(pf *app.ProjectFunding) ([]byte, error) { return fundingSheet(pf, asOf).workbook() }
	add := func(name string, data []byte) error {
		if zw == nil {
			h := c.Response().Header()
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
			h.Set("Content-Type", "application/zip")
			h.Set("Cache-Control", "no-store")
			c.Response().WriteHeader(http.StatusOK)
			zw = zip.NewWriter(c.Response())
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.app.Now().In(engine.Beijing)}) // Explorer shows local time
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	err = s.app.SubsidyPack(c.Request().Context(), workerOf(c), id, named, sheet, add)
	if zw == nil {
		return err
	}
	if err != nil { // the zip is cut short: the client sees a broken archive
		s.log.Error("subsidy pack interrupted", "project", id, "err", err)
		return nil
	}
	return zw.Close()
}
