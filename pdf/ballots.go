package pdf

import (
	"io"
	"strconv"
	"strings"

	"github.com/renovote/renovote/engine"
)

// Ballots writes the 表决票 of a published plan: two to an A4 page, cut
// apart along the dashed line, one per household in room order. Each
// names the household (owner masked), the plan by its short code and the
// household's amount, says why a must-consent household's consent is
// needed and what it receives, has boxes large enough to tick by hand,
// lines for the signature and date, and a QR code that opens the
// console's form to record this household's paper decision. Resident
// paper carries no hashes or key fingerprints: the short code and the QR
// are the proof.
func (r *Renderer) Ballots(w io.Writer, b *engine.PaperBallots) error {
	p := b.Project
	hs, err := byRoom(p, "表决票")
	if err != nil {
		return err
	}
	shares := make(map[string]engine.HouseholdShare, len(b.Result.Households))
	for _, row := range b.Result.Households {
		shares[row.Room] = row
	}
	texts := []string{p.Name, p.Address, b.Scenario.Name, b.RuleText}
	for _, h := range hs {
		texts = append(texts, h.Room, engine.MaskName(h.OwnerName))
	}
	d := r.newDoc(p.Name+" 表决票", b.Printed, texts...)
	urls := make([]string, len(hs))
	for i, h := range hs {
		urls[i] = b.FormURL(h.ID)
	}
	d.precode(urls)
	d.foot = p.Name + " 表决票　方案核验码 " + short(b.Scenario.SHA256)
	const half = 297.0 / 2
	for i, h := range hs {
		top := margin - 4
		if i%2 == 0 {
			d.f.AddPage()
		} else {
			top = half + 6
			d.f.SetDashPattern([]float64{2, 1.5}, 0)
			d.f.SetDrawColor(150, 150, 150)
			d.f.Line(8, half, pageW-8, half)
			d.f.SetDashPattern(nil, 0)
			d.f.SetFontSize(7.5)
			d.f.SetXY(margin, half-4)
			d.f.CellFormat(bodyW, 4, "沿虚线剪开", "", 0, "C", false, 0, "")
		}
		d.ballot(b, h, shares[h.Room], top)
	}
	return d.output(w)
}

// ballot lays out one 表决票 from y = top (it fits in half a page).
func (d *doc) ballot(b *engine.PaperBallots, h engine.Household, share engine.HouseholdShare, top float64) {
	due := share.Due
	const qrSize = 30.0
	textW := bodyW - qrSize - 6
	d.f.SetY(top)
	d.text(margin, textW, b.Project.Name+" 加装电梯表决票", 15, 8, "L")
	d.text(margin, textW, "房号 "+h.Room+" 室　　"+strconv.Itoa(h.Floor)+" 层　　专有面积 "+h.Area.String()+" ㎡　　业主 "+engine.MaskName(h.OwnerName), 11, 6.5, "L")
	d.text(margin, textW, "方案："+b.Scenario.Name+"　　本户应出资 "+money(due), 10.5, 6, "L")
	d.qr(b.FormURL(h.ID), margin+bodyW-qrSize, top+1, qrSize)
	d.f.SetFontSize(7.5)
	d.f.SetXY(margin+bodyW-qrSize-4, top+qrSize+1.5)
	d.f.CellFormat(qrSize+4, 4, "工作人员扫码录入", "", 0, "C", false, 0, "")
	d.f.SetY(max(d.f.GetY(), top+qrSize+6))
	if h.MustConsent {
		d.text(margin, bodyW, mustConsentText(share), 9.5, 5, "L")
	}
	d.text(margin, bodyW, "表决事项：是否同意按上述方案加装电梯，并按方案分摊费用。表决"+strings.TrimSuffix(b.RuleText, "。")+"。截止 "+beijingTime(b.Deadline)+"（北京时间）。方案核验码 "+short(b.Scenario.SHA256)+"，可扫码或在项目公示页核对。", 9.5, 5, "L")
	d.f.Ln(3)
	d.voteBoxes(margin+6, d.f.GetY(), "", 10, 18)
	d.f.SetY(d.f.GetY() + 16)
	d.text(margin, bodyW, "请在选定的方框内打“√”，只选一项；选两项以上或涂改的，由工作人员与业主当面核实。", 9.5, 5, "L")
	d.f.Ln(2)
	d.signLines([][2]string{{"业主（或代理人）签名", ""}, {"日期", "______年____月____日"}})
	// a paper decision is entered by a worker who witnessed it (DESIGN §16)
	d.signLines([][2]string{{"见证人（工作人员）", ""}, {"录入日期", "______年____月____日"}})
}

// mustConsentText tells a household whose exclusive part the works occupy
// why its own consent is needed (民法典 第二百七十二条: an owner's rights
// over the exclusive part) and what it receives.
func mustConsentText(s engine.HouseholdShare) string {
	text := "本户须本人同意：加装电梯施工需占用本户专有部分，依《民法典》第二百七十二条，须经本户同意方可实施，其他业主的表决不能代替。"
	if s.Compensation > 0 {
		text += "本户获得补偿 " + money(s.Compensation) + "（" + engine.Words(s.Compensation) + "），按协议支付"
	} else {
		text += "本方案未给本户补偿"
	}
	if s.Due == 0 {
		text += "，本户不需出资"
	}
	return text + "。"
}
