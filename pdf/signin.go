package pdf

import (
	"io"
	"strconv"

	"github.com/renovote/renovote/engine"
)

// SignIn writes the 签到表 of a residents' meeting: one row per household
// in room order — room, floor, masked owner — with room to sign by hand
// and to write the time; meeting date and place are filled in by hand.
func (r *Renderer) SignIn(w io.Writer, s *engine.SignInSheet) error {
	p := s.Project
	hs, err := byRoom(p, "签到表")
	if err != nil {
		return err
	}
	texts := []string{p.Name, p.Address}
	rows := make([][]string, len(hs))
	for i, h := range hs {
		owner := engine.MaskName(h.OwnerName)
		texts = append(texts, h.Room, owner)
		rows[i] = []string{strconv.Itoa(i + 1), h.Room, strconv.Itoa(h.Floor), owner, "", ""}
	}
	d := r.newDoc(p.Name+" 业主大会签到表", s.Printed, texts...)
	d.foot = p.Name + " 签到表"
	d.f.AddPage()
	d.title(p.Name + " 加装电梯 业主大会签到表")
	d.kv([][2]string{
		{"地址", p.Address},
		{"会议时间", "______年____月____日  ____时____分"},
		{"会议地点", "________________________________"},
	}, 24)
	d.para("请业主本人（或持委托书的代理人）在本户一行签名；代签的请注明“代”及与业主的关系。")
	d.tableRows([]string{"序号", "房号", "楼层", "业主", "签名", "签到时间"}, []float64{14, 24, 14, 26, bodyW - 112, 34}, "CCCCLC", rows, 12)
	d.para("共 " + strconv.Itoa(len(hs)) + " 户。工作人员签字：________________    核对人签字：________________")
	return d.output(w)
}
