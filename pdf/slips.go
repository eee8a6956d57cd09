package pdf

import (
	"io"
	"sort"
	"strconv"

	"github.com/renovote/renovote/engine"
)

// Slip texts, in one place: every character printed must be in the
// document's cut font.
const (
	slipDo      = "请用手机扫右边的二维码（或在浏览器中输入下面的网址），查看本户的出资明细，选择同意、不同意或弃权，并签名。"
	slipSurvey  = "请用手机扫右边的二维码（或在浏览器中输入下面的网址）填写问卷。"
	slipPrivate = "本纸条只给本户使用，请勿转给他人；遗失请找工作人员重新发放。"
	slipNoOne   = "有疑问请找社区工作人员"
	slipCut     = "沿虚线剪开"
)

// Slips writes the households' signing links on cut-apart slips: four
// to an A4 page (two in large type), in room order. Each names the room
// and the owner (masked), what the household pays, what to do and by
// when, the link as a QR code and as text, and whom to ask. Like all
// resident paper it carries no hash or key fingerprint.
func (r *Renderer) Slips(w io.Writer, s *engine.SlipSheet) error {
	p := s.Project
	slips := append([]engine.Slip(nil), s.Slips...)
	sort.SliceStable(slips, func(i, j int) bool { return roomLess(slips[i].Room, slips[j].Room) })
	texts := []string{p.Name, s.Survey, s.Contact.Reach(), slipDo, slipSurvey, "问卷：", slipPrivate, slipNoOne, slipCut, beijingTime(s.Deadline),
		"加装电梯 签署意见 房号 室 层 业主 本户应出资 元 本户不需出资，也请表明意见 截止 北京时间 有疑问请找： 第 页 共 纸条 打印"}
	for _, sl := range slips {
		texts = append(texts, sl.Room, sl.Owner, sl.URL, money(sl.Due))
	}
	name := " 签署纸条"
	if s.Survey != "" {
		name = " 问卷纸条"
	}
	d := r.newDoc(p.Name+name, s.Printed, texts...)
	qrs := make([]string, len(slips))
	for i, sl := range slips {
		qrs[i] = sl.QR
	}
	d.precode(qrs)
	d.foot = p.Name + name + "　" + chineseDate(s.Printed) + " 打印"
	d.f.SetAutoPageBreak(false, 0)
	perPage := 4
	if s.Large {
		perPage = 2
	}
	const top, bottom = 10.0, 287.0 - 8
	h := (bottom - top) / float64(perPage)
	for i, sl := range slips {
		k := i % perPage
		if k == 0 {
			d.f.AddPage()
		}
		y := top + float64(k)*h
		if k > 0 {
			d.cutLine(y)
		}
		d.slip(s, sl, y+3, h-6)
	}
	return d.output(w)
}

// cutLine draws the dashed line to cut along at y.
func (d *doc) cutLine(y float64) {
	d.f.SetDashPattern([]float64{2, 1.5}, 0)
	d.f.SetDrawColor(150, 150, 150)
	d.f.Line(8, y, pageW-8, y)
	d.f.SetDashPattern(nil, 0)
	d.f.SetDrawColor(0, 0, 0)
	d.f.SetFontSize(7)
	d.f.SetTextColor(120, 120, 120)
	d.f.SetXY(pageW-8-20, y-3.5)
	d.f.CellFormat(20, 3, slipCut, "", 0, "R", false, 0, "")
	d.f.SetTextColor(0, 0, 0)
}

// slip lays out one slip from y in height h.
func (d *doc) slip(s *engine.SlipSheet, sl engine.Slip, y, h float64) {
	scale := 1.0
	if s.Large {
		scale = 1.55
	}
	d.f.SetY(y)
	title, do := s.Project.Name+" 加装电梯 签署意见", slipDo
	if s.Survey != "" {
		title, do = s.Project.Name+" 问卷："+s.Survey, slipSurvey
	}
	d.text(margin, bodyW, title, 13*scale, 6.5*scale, "L")
	top := d.f.GetY() + 1
	qrSize := min(h-(top-y)-12*scale, 42*scale)
	textW := bodyW - qrSize - 6
	d.f.SetY(top)
	d.text(margin, textW, "房号 "+sl.Room+" 室　"+strconv.Itoa(sl.Floor)+" 层　业主 "+sl.Owner, 11*scale, 6*scale, "L")
	if s.Survey == "" {
		due := "本户应出资 " + money(sl.Due)
		if sl.Due == 0 {
			due = "本户不需出资，也请表明意见"
		}
		d.text(margin, textW, due, 11*scale, 6*scale, "L")
	}
	d.text(margin, textW, do, 9.5*scale, 5*scale, "L")
	d.text(margin, textW, "截止 "+beijingTime(s.Deadline)+"（北京时间）", 10.5*scale, 6*scale, "L")
	ask := slipNoOne
	if reach := s.Contact.Reach(); reach != "" {
		ask = "有疑问请找：" + reach
	}
	d.text(margin, textW, ask, 9.5*scale, 5*scale, "L")
	d.qr(sl.QR, margin+bodyW-qrSize, top, qrSize)
	below := max(d.f.GetY()+1.5, top+qrSize+2)
	d.f.SetY(below)
	d.address(margin, bodyW, sl.URL, 9*scale, 4.5*scale)
	d.text(margin, bodyW, slipPrivate, 8*scale, 4.2*scale, "L")
}
