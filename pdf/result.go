package pdf

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/renovote/renovote/engine"
)

// Result writes the paper of a ballot's result (DESIGN §16): the 表决结果
// 公示 of the preliminary count — the count against the rule, each
// household's decision and how it was made, the objection window in whole
// dates from the day after posting and where to object — or, once final,
// the 表决结果公告 with the objections and their answers and lines for the
// 计票人 and 监票人. The 存证 line is the event the paper rests on: the
// same on every copy.
func (r *Renderer) Result(w io.Writer, n *engine.ResultNotice) error {
	p := n.Project
	objection := objectionText(n.Contact)
	kind := "表决结果公示"
	if n.Final() {
		kind = "表决结果公告"
	}
	texts := []string{p.Name, p.Address, n.ScenarioName, n.RuleText, n.StateText, n.Issuer, objection, n.Window.Text}
	for _, l := range n.Lines {
		texts = append(texts, l.Room, l.Owner, l.How, l.Note)
	}
	for _, o := range n.Objections {
		texts = append(texts, o.Room, o.Name, o.Reason, o.Answer)
	}
	texts = append(texts, n.Tally.MustConsentMissing...)
	d := r.newDoc(p.Name+" 加装电梯"+kind, n.Printed, texts...)
	d.foot = p.Name + " " + kind
	d.f.AddPage()
	d.title(p.Name + " 加装电梯" + kind)
	how := fmt.Sprintf("业主表决已于 %s（北京时间）截止", beijingTime(n.Window.Posted))
	if n.ClosedEarly {
		how = fmt.Sprintf("全体住户均已表决，业主表决于 %s（北京时间）结束", beijingTime(n.Window.Posted))
	}
	if n.Final() {
		d.para(fmt.Sprintf("本单元（%s）加装电梯出资方案“%s”的%s；初步统计结果已于 %s 公示，异议期（%s）已届满。根据《中华人民共和国民法典》第二百七十八条，现将表决结果公告如下。",
			p.Address, n.ScenarioName, how, chineseDate(n.Window.Posted), n.Window.Text))
	} else {
		d.para(fmt.Sprintf("本单元（%s）加装电梯出资方案“%s”的%s。根据《中华人民共和国民法典》第二百七十八条，现将初步统计结果公示如下。",
			p.Address, n.ScenarioName, how))
	}
	d.heading("一、统计结果")
	d.tallyTable(n.Tally, n.Rule)
	if len(n.Tally.MustConsentMissing) > 0 {
		d.para("必须本人同意而未同意的住户（施工占用其专有部分）：" + joinRooms(n.Tally.MustConsentMissing))
	}
	if n.Final() {
		d.para(n.StateText + "。")
	} else {
		d.para(engine.CountText(n.Tally) + "。")
	}
	d.heading("二、各户表决情况")
	lines := append([]engine.ResultLine(nil), n.Lines...)
	sort.SliceStable(lines, func(i, j int) bool { return roomLess(lines[i].Room, lines[j].Room) })
	rows := make([][]string, len(lines))
	for i, l := range lines {
		rows[i] = []string{l.Room, l.Owner, engine.VoteName(l.Vote), l.How, l.Note}
	}
	d.table([]string{"房号", "业主", "意见", "表决方式", "备注"}, []float64{20, 24, 20, 60, bodyW - 124}, "LLCLL", rows)
	if n.Final() {
		d.heading("三、异议及答复")
		if len(n.Objections) == 0 {
			d.para("异议期（" + n.Window.Text + "）内未收到异议。")
		} else {
			rows := make([][]string, len(n.Objections))
			for i, o := range n.Objections {
				rows[i] = []string{strconv.Itoa(i + 1), o.Room, o.Name, o.Reason, o.Outcome + "：" + o.Answer}
			}
			d.table([]string{"序号", "房号", "提出人", "异议理由", "答复"}, []float64{12, 18, 20, 60, bodyW - 110}, "CLLLL", rows)
			d.ensure(64) // the summary, the effect, the signatures, the 存证 and the issuer stay on one page
			d.para(fmt.Sprintf("异议期内共收到异议 %d 条，均已答复；答复“更正”的，统计结果已按更正计入。", len(n.Objections)))
		}
		d.ensure(56)
		d.para(n.Effect())
		d.f.SetY(d.f.GetY() + 4)
		d.text(margin, bodyW, "计票人（签字）：________________    监票人（签字）：________________    监票人（签字）：________________", 10.5, 9, "L")
	} else {
		d.heading("三、异议")
		d.para(fmt.Sprintf("公示期（异议期）为 %s，共 %d 日（自公示次日起算，《中华人民共和国民法典》第二百零一条）。对统计结果有异议的，请于异议期内实名提出，写明房号、姓名和理由：可通过本户表决链接提交，也可%s工作人员逐条答复（维持或更正），更正的，统计结果随之更正。逾期未提出异议的，视为无异议。",
			n.Window.Text, n.Window.Days, objection))
	}
	d.ensure(28) // the 存证 and the issuer stay on the page
	d.f.SetY(d.f.GetY() + 2)
	d.text(margin, bodyW, "存证："+anchorText(n.Anchor, n.KeyFingerprint), 9, 4.5, "L")
	d.text(margin, bodyW, "方案指纹（SHA-256）："+n.ScenarioSHA256, 9, 4.5, "L")
	issuer := n.Issuer
	if issuer == "" {
		issuer = "____________________"
	}
	date := n.Window.Posted
	if n.Final() {
		date = *n.FinalizedAt
	}
	d.f.SetY(d.f.GetY() + 2)
	d.text(margin+bodyW/2, bodyW/2, "发布单位："+issuer+"（盖章）", 10.5, 7, "L")
	d.text(margin+bodyW/2, bodyW/2, "发布日期："+chineseDate(date), 10.5, 7, "L")
	return d.output(w)
}

func joinRooms(rooms []string) string {
	s := ""
	for i, r := range rooms {
		if i > 0 {
			s += "、"
		}
		s += r
	}
	return s
}
