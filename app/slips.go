package app

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/renovote/renovote/engine"
)

// sealToken seals a new link's token for printing it again ("" when the
// server has no seal key).
func (a *App) sealToken(token string) string {
	if a.seal == nil {
		return ""
	}
	return a.seal.Seal(token)
}

// SlipsPDF prints the slips of the current ballot's signing links again —
// the same links as issued at publishing or at the last re-issue, opened
// from their sealed tokens — for every household, or for householdID
// alone (0: all); large prints them in large type. Refused once the vote
// is closed or past its deadline, and while any household's link cannot be
// printed again (named, with what to do).
func (a *App) SlipsPDF(ctx context.Context, w *engine.Worker, projectID, householdID int64, large bool) (*Document, error) {
	p, err := a.project(ctx, w, projectID)
	if err != nil {
		return nil, err
	}
	if householdID != 0 {
		if _, err := household(p, householdID); err != nil {
			return nil, err
		}
	}
	b, err := a.store.CurrentBallot(ctx, p.ID)
	if err != nil {
		if engine.ErrorCode(err) == engine.ECodeNotFound {
			return nil, engine.Errorf(engine.ECodeConflict, "方案尚未发布：发布后才有签署链接和纸条")
		}
		return nil, err
	}
	now := a.now()
	if !b.Open(now) {
		return nil, engine.Errorf(engine.ECodeConflict, "表决已截止（%s），纸条不再打印", engine.BeijingMinute(b.Deadline))
	}
	if a.seal == nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "服务器没有配置封存密钥文件，无法按原链接重印纸条")
	}
	pub, err := a.published.get(ctx, a.store, b)
	if err != nil {
		return nil, err
	}
	live, err := a.store.Links(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	byHousehold := make(map[int64]*engine.SigningLink, len(live))
	for _, l := range live {
		byHousehold[l.HouseholdID] = l
	}
	sheet := &engine.SlipSheet{Project: pub.Project, Scenario: pub.Scenario, Deadline: pub.Deadline, Contact: p.Contact, Large: large, Printed: now}
	problems := map[string][]string{}
	for _, h := range pub.Project.Households {
		if householdID != 0 && h.ID != householdID {
			continue
		}
		l := byHousehold[h.ID]
		if l == nil {
			problems["missing"] = append(problems["missing"], h.Room)
			continue
		}
		token, err := a.seal.Open(l.SealedToken, l.TokenHash)
		if err != nil {
			problems[engine.SealProblem(err)] = append(problems[engine.SealProblem(err)], h.Room)
			continue
		}
		_, row, _ := pub.Row(h.ID)
		url := a.linkURL("s", token)
		qr := url
		if large {
			qr += "?size=large"
		}
		sheet.Slips = append(sheet.Slips, engine.Slip{Room: h.Room, Floor: h.Floor, Owner: engine.MaskName(h.OwnerName), Due: row.Due, URL: url, QR: qr})
	}
	for k := range problems {
		slices.Sort(problems[k])
	}
	if err := engine.UnprintableLinks(problems); err != nil {
		return nil, err
	}
	slices.SortFunc(sheet.Slips, func(x, y engine.Slip) int { return strings.Compare(x.Room, y.Room) })
	name, what := "slips.pdf", "slips"
	if householdID != 0 && len(sheet.Slips) == 1 {
		name, what = "slips-"+sheet.Slips[0].Room+".pdf", "slips:"+sheet.Slips[0].Room
	}
	return a.render(ctx, p.ID, actor(w), what, name, func(buf *bytes.Buffer) error { return a.printer.Slips(buf, sheet) })
}
