package pdf

import (
	"fmt"
	"io"
	"strconv"

	"github.com/renovote/renovote/engine"
)

// SurveyReport is engine.SurveyReport: what the document holds.
type SurveyReport = engine.SurveyReport

// SurveyReport writes the results.
func (r *Renderer) SurveyReport(w io.Writer, s *SurveyReport) error {
	texts := []string{s.Project.Name, s.Project.Address, s.Title}
	for _, q := range s.Questions {
		texts = append(texts, q.ID, q.Text)
		texts = append(texts, q.Items...)
		texts = append(texts, q.Options...)
	}
	d := r.newDoc(s.Title, s.Printed, texts...)
	d.f.AddPage()
	d.foot = s.Project.Name
	d.title(s.Title)
	if s.Projects > 1 {
		d.para(fmt.Sprintf("全小区 %d 个项目合计　问卷截止 %s（北京时间）", s.Projects, beijingTime(s.Deadline)))
	} else {
		d.para(fmt.Sprintf("%s（%s）　问卷截止 %s（北京时间）", s.Project.Name, s.Project.Address, beijingTime(s.Deadline)))
	}
	d.para(fmt.Sprintf("回收答卷 %d 份，共 %d 户，回收率 %s%%。", s.Answered, s.Households,
		engine.RatioHundredths(int64(s.Answered), int64(s.Households))))
	for i, q := range s.Result.Questions {
		wording := q.ID
		if t := s.Questions[i].Text; t != "" {
			wording = t
		}
		d.heading(fmt.Sprintf("第%d题　%s（作答 %d 户）", i+1, wording, q.Respondents))
		switch q.Kind {
		case engine.KindChooseK:
			items := q.Chosen
			var bars []bar
			for _, it := range items {
				bars = append(bars, bar{it.Item, it.Share.String() + "%", float64(it.Share) / 10000, strconv.Itoa(it.Count) + " 户"})
			}
			d.bars(bars)
			var rows [][]string
			for i, it := range items {
				rows = append(rows, []string{strconv.Itoa(i + 1), it.Item, strconv.Itoa(it.Count), it.Share.String() + "%"})
			}
			d.table([]string{"名次", "改造内容", "选择户数", "占作答户数"}, []float64{16, bodyW - 82, 32, 34}, "CLRR", rows)
		case engine.KindRank:
			items := q.Ranked
			top := 1
			for _, it := range items {
				top = max(top, it.Borda)
			}
			var bars []bar
			for _, it := range items {
				bars = append(bars, bar{it.Item, strconv.Itoa(it.Borda) + " 分", float64(it.Borda) / float64(top), "第一选择 " + strconv.Itoa(it.First) + " 户"})
			}
			d.para("综合得分：每户排第1位的一项得 n－1 分（n 为选项数），第2位得 n－2 分，依次递减，未排的得 0 分；各户得分相加。")
			d.bars(bars)
			var rows [][]string
			for i, it := range items {
				rows = append(rows, []string{strconv.Itoa(i + 1), it.Item, strconv.Itoa(it.Borda), strconv.Itoa(it.First)})
			}
			d.table([]string{"名次", "改造内容", "得分", "排第一的户数"}, []float64{16, bodyW - 82, 32, 34}, "CLRR", rows)
		case engine.KindRating:
			var bars []bar
			for score := 5; score >= 1; score-- {
				n := q.Distribution[strconv.Itoa(score)]
				bars = append(bars, bar{strconv.Itoa(score) + " 分", strconv.Itoa(n) + " 户", float64(engine.RatioHundredths(int64(n), int64(q.Respondents))) / 10000, ""})
			}
			d.para(fmt.Sprintf("平均 %s 分，满意率（4–5分）%s%%。", q.Mean, q.SatisfiedShare))
			d.bars(bars)
		case engine.KindSingle:
			var bars []bar
			for _, o := range q.Options {
				bars = append(bars, bar{o.Option, o.Share.String() + "%", float64(o.Share) / 10000, strconv.Itoa(o.Count) + " 户"})
			}
			d.bars(bars)
		case engine.KindText:
			d.para(fmt.Sprintf("收到意见 %d 条（由社区工作人员整理回复，不在公示中列出）。", *q.Count))
		}
	}
	return d.output(w)
}

type bar struct {
	label, value string
	fraction     float64
	note         string
}

// bars draws a horizontal bar chart: label, bar, value.
func (d *doc) bars(bs []bar) { d.chart(bs, 1, 52, 30, 6.5, 9.5) }

// chart draws bars in cols columns across the body, top to bottom then
// left to right, each column with a label labelW wide, the bar, and a
// value valueW wide; rows are h tall in size pt.
func (d *doc) chart(bs []bar, cols int, labelW, valueW, h, size float64) {
	rows := (len(bs) + cols - 1) / cols
	colW := bodyW / float64(cols)
	d.ensure(min(float64(rows)*h, 60))
	y0 := d.f.GetY()
	d.f.SetFontSize(size)
	for i, b := range bs {
		x, y := margin+float64(i/rows)*colW, y0+float64(i%rows)*h
		if cols == 1 {
			d.ensure(h + 1)
			y = d.f.GetY()
		}
		barW := colW - labelW - valueW - 4
		d.f.SetXY(x, y)
		label := b.label
		for len([]rune(label)) > 1 && d.f.GetStringWidth(label) > labelW-2 {
			label = string([]rune(label)[:len([]rune(label))-2]) + "…"
		}
		d.f.CellFormat(labelW, h, label, "", 0, "L", false, 0, "")
		pad := min(1, h/5)
		d.f.SetFillColor(235, 238, 243)
		d.f.Rect(x+labelW, y+pad, barW, h-2*pad, "F")
		d.f.SetFillColor(11, 92, 173)
		if b.fraction > 0 {
			d.f.Rect(x+labelW, y+pad, barW*min(b.fraction, 1), h-2*pad, "F")
		}
		d.f.SetXY(x+labelW+barW+2, y)
		text := b.value
		if b.note != "" {
			text += "（" + b.note + "）"
		}
		d.f.CellFormat(valueW+2, h, text, "", 1, "L", false, 0, "")
	}
	if cols > 1 {
		d.f.SetY(y0 + float64(rows)*h)
	}
	d.f.SetFontSize(10.5)
	d.f.Ln(1)
}
