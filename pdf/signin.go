package pdf

import (
	"io"
	"strconv"

	"github.com/renovote/renovote/engine"
)

// SignIn writes the 签到表 of the unit's owners' meeting (本单元业主会议,
// not the 业主大会 of a whole estate): one row per household in room order —
// room, area, masked owner — with room for the owner or the 委托代理人 to
// sign and the time; meeting date and place are filled in by hand, and the
// 计票人 and 监票人 sign under the list.
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
		rows[i] = []string{strconv.Itoa(i + 1), h.Room, h.Area.String(), owner, "", "", ""}
	}
	d := r.newDoc(p.Name+" 本单元业主会议签到表", s.Printed, texts...)
	d.foot = p.Name + " 签到表"
	d.f.AddPage()
	d.title(p.Name + " 加装电梯 本单元业主会议签到表")
	d.kv([][2]string{
		{"地址", p.Address},
		{"会议时间", "______年____月____日  ____时____分"},
		{"会议地点", "________________________________"},
	}, 24)
	d.para("请业主本人在“业主签名”栏签名；委托他人到会的，由委托代理人在“委托代理人签名”栏签名，注明与业主的关系，并交业主签名的授权委托书。")
	d.tableRows([]string{"序号", "房号", "面积（㎡）", "业主", "业主签名", "委托代理人签名", "签到时间"}, []float64{12, 18, 22, 22, 36, bodyW - 134, 24}, "CCRCLLC", rows, 12)
	d.para("共 " + strconv.Itoa(len(hs)) + " 户。到会 ______ 户，其中委托代理 ______ 户。")
	d.signLines([][2]string{{"计票人", ""}, {"监票人", ""}, {"工作人员", ""}})
	return d.output(w)
}
