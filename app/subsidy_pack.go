package app

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/renovote/renovote/engine"
)

// SubsidyPack makes the subsidy application file (DESIGN §18) and hands
// each file to add as soon as it is made, so the caller can stream it: the
// allocation table (the plan's 公示), the final result, the 公示 of the
// count with its dates and objections, every agreement (one per household,
// by room), the fund statement, the funding table (made by sheet, when a
// funding rule is set) and the 清单 of what is in it and what the city
// also asks for. Nothing is handed to add before the vote is known to be
// final: a pack without the final result answers 409 saying why. The
// pack's file name (the project's name in it) is handed to name before
// the first file.
func (a *App) SubsidyPack(ctx context.Context, w *engine.Worker, projectID int64, name func(string),
	sheet func(*ProjectFunding) ([]byte, error), add func(name string, data []byte) error) error {
	p, err := a.project(ctx, w, projectID, ActExport)
	if err != nil {
		return err
	}
	final, err := a.ResultPDF(ctx, w, p.ID, true)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return engine.Errorf(engine.ECodeConflict, "方案尚未发布表决：表决结果确认后才能生成补贴申请材料")
		}
		return err
	}
	name(p.Name + "-加装电梯补贴申请材料.zip")
	var items []engine.PackItem
	put := func(name, file string, data []byte) error {
		items = append(items, engine.PackItem{Name: name, File: file, Included: true})
		return add(file, data)
	}
	// the 方案公示 as posted for the vote (dated at publishing), not one
	// dated the day the pack is made, after the vote closed
	notice, err := a.noticePDF(ctx, w, p.ID, 0, true)
	if err != nil {
		return err
	}
	if err := put("加装电梯出资分摊表（方案公示）", "01-分摊方案公示.pdf", notice.Data); err != nil {
		return err
	}
	if err := put("表决结果公告（最终结果）", "02-表决结果公告.pdf", final.Data); err != nil {
		return err
	}
	result, err := a.ResultPDF(ctx, w, p.ID, false)
	if err != nil {
		return err
	}
	if err := put("表决结果公示（公示期及异议处理）", "03-表决结果公示.pdf", result.Data); err != nil {
		return err
	}
	n, err := a.packAgreements(ctx, p, add)
	if err != nil {
		return err
	}
	items = append(items, engine.PackItem{Name: "各户出资协议（" + strconv.Itoa(n) + " 份，按房号）", File: "04-协议/", Included: true})
	statement, err := a.StatementPDF(ctx, w, p.ID)
	if err != nil {
		return err
	}
	if err := put("资金收支公示", "05-资金收支公示.pdf", statement.Data); err != nil {
		return err
	}
	pf, err := a.funding(ctx, p.ID)
	switch {
	case engine.ErrorCode(err) == engine.ECodeConflict:
		items = append(items, engine.PackItem{Name: "资金来源表（公积金、维修资金）", Note: "尚未设置资金来源规则，请在控制台“资金来源”中设置后重新生成"})
	case err != nil:
		return err
	default:
		data, err := sheet(pf)
		if err != nil {
			return err
		}
		if err := put("资金来源表（公积金、维修资金）", "06-资金来源表.xlsx", data); err != nil {
			return err
		}
	}
	now := a.now()
	// a BOM and CRLF: the office's Notepad and WPS open it as UTF-8 text
	list := "\ufeff" + strings.ReplaceAll(engine.PackChecklist(p, items, now), "\n", "\r\n")
	if err := add("00-材料清单.txt", []byte(list)); err != nil {
		return err
	}
	return a.printedBy(ctx, p.ID, actor(w), "subsidy-pack")
}

// packAgreements hands every household's agreement (as signed) to add,
// by room, and says how many.
func (a *App) packAgreements(ctx context.Context, p *engine.Project, add func(string, []byte) error) (int, error) {
	pr, err := a.loadPrinting(ctx, p)
	if err != nil {
		return 0, err
	}
	hs := slices.Clone(pr.pub.Project.Households)
	slices.SortStableFunc(hs, func(x, y engine.Household) int { return strings.Compare(x.Room, y.Room) })
	for _, h := range hs {
		ag := a.agreementOf(pr, h)
		data, err := a.draw(ctx, func(buf *bytes.Buffer) error { return a.printer.Agreement(buf, ag) })
		if err != nil {
			return 0, err
		}
		if err := add("04-协议/协议-"+h.Room+".pdf", data); err != nil {
			return 0, err
		}
	}
	return len(hs), nil
}

// draw renders in a print slot without recording a printing (the pack
// records itself once).
func (a *App) draw(ctx context.Context, fn func(*bytes.Buffer) error) ([]byte, error) {
	if a.printer == nil {
		return nil, engine.Errorf(engine.ECodeInternal, "no printer configured")
	}
	select {
	case a.printSlots <- struct{}{}:
		defer func() { <-a.printSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
