package engine

import (
	"fmt"
	"strings"
	"time"
)

// The subsidy application file (DESIGN §18): what the system puts in the
// pack, and the documents the city asks for that only others can issue.

// PackItem is one document of the application file.
type PackItem struct {
	Name     string // as the 街道 office calls it
	File     string // in the zip; "" for a document the system cannot make
	Included bool
	Note     string // why it is missing, or who issues it
}

// OutsideDocuments are what a subsidy application usually also needs and
// no one but the planning office, the builder, the 住建 and the 市场监管
// departments can issue (city forms differ: the checklist says to check).
func OutsideDocuments() []PackItem {
	return []PackItem{
		{Name: "实施主体确认书（业主推选的代表或委托书）", Note: "按当地格式，由本单元业主签字"},
		{Name: "方案公示、结果公示的张贴现场照片（可见张贴日期）", Note: "社区拍摄留存；本系统生成的公示文件不能证明已张贴"},
		{Name: "纸质表决票原件（有纸质表决的）", Note: "社区存档的原件或复印件"},
		{Name: "建设工程规划许可证（或规划审批意见）", Note: "自然资源和规划部门出具"},
		{Name: "设计方案及施工图审查意见", Note: "设计单位、审图机构出具"},
		{Name: "建筑工程施工许可证（或开工备案）", Note: "住房和城乡建设部门出具"},
		{Name: "特种设备安装改造修理告知书", Note: "电梯安装单位向市场监管部门办理"},
		{Name: "竣工验收报告（竣工验收备案）", Note: "建设、施工、监理单位共同出具"},
		{Name: "电梯监督检验报告", Note: "特种设备检验机构出具"},
		{Name: "特种设备使用登记证", Note: "市场监管部门核发"},
		{Name: "电梯维护保养合同", Note: "使用管理单位与维保单位签订"},
		{Name: "施工合同、工程结算书及发票", Note: "施工单位提供"},
		{Name: "申请人身份证明、不动产权证书复印件", Note: "各户提供"},
		{Name: "补贴申请表（按当地格式）", Note: "向街道或区住建部门领取"},
	}
}

// PackChecklist is the 清单 of the application file: what is in it, what
// is missing and why, and what must be added from outside.
func PackChecklist(project *Project, items []PackItem, printed time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s 加装电梯 财政补贴申请材料清单\n", project.Name)
	fmt.Fprintf(&b, "地址：%s\n生成时间：%s（北京时间）\n\n", project.Address, BeijingMinute(printed))
	b.WriteString("一、本压缩包内的材料（由本系统生成）\n")
	n := 0
	for _, it := range items {
		n++
		mark, where := "✔ 已包含", "文件："+it.File
		if !it.Included {
			mark, where = "✘ 未包含", it.Note
		}
		fmt.Fprintf(&b, "%d. %s　%s　%s\n", n, it.Name, mark, where)
	}
	b.WriteString("以上 PDF 打印后，请在“发布单位”处填写单位全称并加盖公章；协议以各户签署的为准。\n")
	b.WriteString("\n二、需另行准备的材料（本系统不能出具，请按当地要求补齐）\n")
	for i, it := range OutsideDocuments() {
		fmt.Fprintf(&b, "%d. □ %s（%s）\n", i+1, it.Name, it.Note)
	}
	b.WriteString("\n各地要求不同，以街道或区住房和城乡建设部门公布的材料清单为准。\n")
	return b.String()
}
