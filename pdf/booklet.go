package pdf

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/renovote/renovote/engine"
)

// Booklet is engine.Booklet: what the document holds.
type Booklet = engine.Booklet

// Notice is engine.Notice: what the document holds.
type Notice = engine.Notice

// Booklet writes the meeting booklet.
func (r *Renderer) Booklet(w io.Writer, b *Booklet) error {
	if len(b.Agreements) == 0 {
		return engine.Errorf(engine.ECodeInvalid, "项目没有住户，无法生成会议材料")
	}
	sort.SliceStable(b.Agreements, func(i, j int) bool { return roomLess(b.Agreements[i].Household.Room, b.Agreements[j].Household.Room) })
	first := b.Agreements[0]
	var texts []string
	for _, a := range b.Agreements {
		texts = append(texts, agreementTexts(a)...)
	}
	texts = append(texts, b.Tally.MustConsentMissing...)
	texts = append(texts, b.StateText)
	if b.Audit != nil {
		texts = append(texts, b.Audit.Reason)
		if e := b.Audit.BrokenAt; e != nil {
			texts = append(texts, e.Kind, e.Hash)
		}
	}
	d := r.newDoc(first.Project.Name+" 本单元业主会议材料", b.Printed, texts...)
	d.foot = "方案指纹 " + short(first.Scenario.SHA256)
	d.f.AddPage()
	d.title(first.Project.Name + " 加装电梯 本单元业主会议材料")
	d.kv([][2]string{
		{"项目", first.Project.Name + "（" + first.Project.Address + "）"},
		{"方案", first.Scenario.Name},
		{"方案指纹", "SHA-256 " + first.Scenario.SHA256},
		{"存证", anchorText(b.Anchor, b.KeyFingerprint)},
		{"表决规则", first.RuleText},
		{"表决截止", beijingTime(first.Deadline) + "（北京时间）"},
		{"打印时间", beijingTime(b.Printed) + "（北京时间）"},
	}, 24)
	d.summary(first.Input, first.Result)
	d.floorTable(first.Result)
	d.tally(b.Tally, b.StateText, b.Rule, first.Project)
	d.households(b.Agreements)
	for _, a := range b.Agreements {
		if err := d.agreement(a); err != nil {
			return err
		}
	}
	d.auditPage(b)
	return d.output(w)
}

// households is the list the meeting reads before the agreements: each
// household's floor, area, amount due and decision so far, and who signed
// — flagged when it is not the owner on record (the 委托书 is to be checked).
func (d *doc) households(as []*Agreement) {
	d.heading("各户出资与表决一览")
	methods := map[string]string{"online": "手机", "paper": "纸质"}
	rows := make([][]string, 0, len(as))
	for _, a := range as {
		h, row := a.Household, agreementRow(a)
		vote, method, signer := "未表决", "", ""
		if dec := a.Decision; dec != nil {
			vote, method, signer = engine.VoteName(dec.Vote), methods[dec.Method], signerText(h, dec)
		}
		rows = append(rows, []string{h.Room, strconv.Itoa(h.Floor), h.Area.String(), engine.MaskName(h.OwnerName), row.Due.Grouped(), vote, method, signer})
	}
	d.table([]string{"房号", "楼层", "面积（㎡）", "业主", "应出资（元）", "表决", "方式", "签署人"}, []float64{16, 12, 20, 20, 28, 16, 14, bodyW - 126}, "LRRLRCCL", rows)
	d.para("签署人与登记业主不同的（标“▲”），请核对授权委托书或共有人证明。")
}

// signerText is who signed a decision: 本人, or the signer's masked name
// flagged with ▲ when it is not the owner on record.
func signerText(h engine.Household, dec *engine.Decision) string {
	name := strings.TrimSpace(dec.SignerName)
	if name == "" || name == strings.TrimSpace(h.OwnerName) {
		return "本人"
	}
	return "▲ " + engine.MaskName(name) + "（非登记业主）"
}

// roomLess orders rooms as people do: 101 < 102 < 201 < 1001.
// byRoom is a project's households in room order; a project without any
// cannot print what (an error naming it).
func byRoom(p *engine.Project, what string) ([]engine.Household, error) {
	if len(p.Households) == 0 {
		return nil, engine.Errorf(engine.ECodeInvalid, "项目没有住户，无法生成%s", what)
	}
	hs := append([]engine.Household(nil), p.Households...)
	sort.SliceStable(hs, func(i, j int) bool { return roomLess(hs[i].Room, hs[j].Room) })
	return hs, nil
}

func roomLess(a, b string) bool {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	if ea == nil && eb == nil {
		return na < nb
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (d *doc) summary(in *engine.CalcInput, res *engine.CalcResult) {
	d.heading("方案概要")
	d.table([]string{"项目", "金额（元）", "大写"}, []float64{62, 34, bodyW - 96}, "LRL", [][]string{
		{"总造价", res.TotalCost.Grouped(), engine.Words(res.TotalCost)},
		{"财政补贴", res.TotalSubsidy.Grouped(), engine.Words(res.TotalSubsidy)},
		{"低楼层补偿", res.TotalCompensation.Grouped(), engine.Words(res.TotalCompensation)},
		{"分摊总额", res.Pool.Grouped(), engine.Words(res.Pool)},
		{"困难户减免", res.ReliefTotal.Grouped(), engine.Words(res.ReliefTotal)},
		{"各户应出资合计", res.TotalDue.Grouped(), engine.Words(res.TotalDue)},
	})
	d.para("分摊规则：" + allocationText(in.Allocation))
}

func (d *doc) floorTable(res *engine.CalcResult) {
	d.heading("各楼层出资")
	perHousehold := map[int][]engine.Fen{}
	for _, h := range res.Households {
		perHousehold[h.Floor] = append(perHousehold[h.Floor], h.Due)
	}
	var rows [][]string
	for _, f := range res.FloorTotals {
		dues := perHousehold[f.Floor]
		lo, hi := dues[0], dues[0]
		for _, x := range dues {
			lo, hi = min(lo, x), max(hi, x)
		}
		each := lo.Grouped()
		if hi != lo {
			each += " – " + hi.Grouped()
		}
		rows = append(rows, []string{strconv.Itoa(f.Floor), strconv.Itoa(f.Households), each, f.Due.Grouped()})
	}
	d.table([]string{"楼层", "户数", "每户应出资（元）", "合计（元）"}, []float64{20, 20, 70, bodyW - 110}, "CCRR", rows)
}

// tally prints the count against each threshold of the rule.
// The conclusion words where the vote stands (state, engine.StateText):
// while open a count is a snapshot, never "表决已通过".
func (d *doc) tally(t *engine.TallyResult, state string, rule engine.Rule, p *engine.Project) {
	d.heading("表决情况")
	d.tallyTable(t, rule)
	switch {
	case state != "":
		d.para("结论：" + state + "。")
	case t.Passed:
		d.para("结论：已达到通过条件。")
	case t.Needed == nil:
		d.para("结论：尚未达到通过条件；即使其余未表决业主全部同意也无法达到门槛。")
	case *t.Needed == 0:
		d.para("结论：面积和人数门槛已达到，但仍有必须同意的住户未同意。")
	default:
		d.para(fmt.Sprintf("结论：尚未达到通过条件；还需 %d 户未表决业主同意（按面积从大到小计）。", *t.Needed))
	}
	if len(t.MustConsentMissing) > 0 {
		d.para("必须本人同意而尚未同意的住户（施工占用其专有部分）：" + strings.Join(t.MustConsentMissing, "、"))
	}
	d.ensure(lineH + 14) // the sentence and the lines on one page
	d.para("以上统计经计票人、监票人核对无误。")
	d.signLines([][2]string{{"计票人", ""}, {"监票人", ""}, {"日期", "____年__月__日"}})
}

func (d *doc) auditPage(b *Booklet) {
	d.f.AddPage()
	d.seam = false
	d.foot = "方案指纹 " + short(b.Agreements[0].Scenario.SHA256)
	d.heading("审计与核验")
	if b.Audit != nil && b.Audit.OK {
		d.para(fmt.Sprintf("审计日志校验通过：共 %d 条事件，哈希链完整，每条表决记录与日志一致。", b.Audit.Events))
	} else if b.Audit != nil {
		d.para(fmt.Sprintf("审计日志校验未通过（共 %d 条事件）：%s", b.Audit.Events, b.Audit.Reason))
		if e := b.Audit.BrokenAt; e != nil {
			d.para(fmt.Sprintf("第一条出问题的事件：第 %d 条（%s，%s），哈希 %s", e.Seq, e.Kind, beijingTime(e.At), e.Hash))
		}
	}
	counts := map[string]int{}
	for _, dec := range b.Decisions {
		counts[dec.Method+"/"+dec.Vote]++
	}
	var rows [][]string
	for _, m := range []struct{ key, name string }{{engine.DecisionOnline, "手机签署"}, {engine.DecisionPaper, "纸质签署"}} {
		rows = append(rows, []string{m.name,
			strconv.Itoa(counts[m.key+"/agree"]), strconv.Itoa(counts[m.key+"/disagree"]), strconv.Itoa(counts[m.key+"/abstain"])})
	}
	d.table([]string{"方式", "同意", "不同意", "弃权"}, []float64{50, 30, 30, 30}, "LRRR", rows)
	d.para(fmt.Sprintf("共 %d 户住户，已表决 %d 户。每份协议上的核验码可在线核验。", len(b.Agreements), len(b.Decisions)))
}

// tallyTable prints the count against each threshold of the rule and the
// totals.
func (d *doc) tallyTable(t *engine.TallyResult, rule engine.Rule) {
	met := func(ok bool) string {
		if ok {
			return "达到"
		}
		return "未达到"
	}
	pct := func(a, b int64) string {
		if b == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f%%", float64(a)*100/float64(b)) // display only; the decision is exact
	}
	part, appr := t.Participation, t.Approval
	cmp := "≥"
	if rule.ApprovalStrict {
		cmp = ">"
	}
	d.table([]string{"指标", "实际", "占比", "门槛", "结果"}, []float64{46, 40, 26, 38, bodyW - 150}, "LRRCC", [][]string{
		{"参与表决的专有面积", part.Area.String() + " ㎡", pct(int64(part.Area), int64(t.Total.Area)), "≥ " + engine.FractionText(rule.ParticipationArea) + " 总面积", met(part.AreaMet)},
		{"参与表决的业主人数", strconv.Itoa(part.Owners) + " 人", pct(int64(part.Owners), int64(t.Total.Owners)), "≥ " + engine.FractionText(rule.ParticipationOwners) + " 总人数", met(part.OwnersMet)},
		{"同意的专有面积", appr.Area.String() + " ㎡", pct(int64(appr.Area), int64(part.Area)), cmp + " " + engine.FractionText(rule.ApprovalArea) + " 参与面积", met(appr.AreaMet)},
		{"同意的业主人数", strconv.Itoa(appr.Owners) + " 人", pct(int64(appr.Owners), int64(part.Owners)), cmp + " " + engine.FractionText(rule.ApprovalOwners) + " 参与人数", met(appr.OwnersMet)},
	})
	d.para(fmt.Sprintf("总专有面积 %s ㎡，业主 %d 人（一人多套按一人计）。", t.Total.Area, t.Total.Owners))

}
