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
	p, err := a.project(ctx, w, projectID, ActVote)
	if err != nil {
		return nil, err
	}
	if householdID != 0 {
		if _, err := household(p, householdID); err != nil {
			return nil, err
		}
	}
	b, err := a.currentBallot(ctx, p.ID)
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
	live, err := a.store.Links(ctx, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	byHousehold := make(map[int64]*engine.SigningLink, len(live))
	for _, l := range live {
		byHousehold[l.HouseholdID] = l
	}
	sheet := &engine.SlipSheet{Project: pub.Project, Scenario: pub.Scenario, Deadline: pub.Deadline, Contact: p.Contact, Large: large, Printed: now}
	links := make(map[int64]sealedLink, len(live))
	for _, l := range live {
		links[l.HouseholdID] = sealedLink{l.SealedToken, l.TokenHash}
	}
	err = a.fillSlips(sheet, pub.Project.Households, householdID, links, "s", func(h engine.Household) engine.Fen {
		_, row, _ := pub.Row(h.ID)
		return row.Due
	})
	if err != nil {
		return nil, err
	}
	return a.renderSlips(ctx, w, p.ID, householdID, sheet, "slips")
}

// sealedLink is what a stored link keeps of its token.
type sealedLink struct{ sealed, hash string }

// fillSlips puts on the sheet a slip for each household (or householdID
// alone) with its link of kind ("s" signing, "q" survey) opened from its
// sealed token; refused, naming the rooms, when any does not open.
func (a *App) fillSlips(sheet *engine.SlipSheet, hs []engine.Household, householdID int64, links map[int64]sealedLink, kind string, due func(engine.Household) engine.Fen) error {
	problems := map[string][]string{}
	for _, h := range hs {
		if householdID != 0 && h.ID != householdID {
			continue
		}
		l, ok := links[h.ID]
		if !ok {
			problems["missing"] = append(problems["missing"], h.Room)
			continue
		}
		token, err := a.seal.Open(l.sealed, l.hash)
		if err != nil {
			problems[engine.SealProblem(err)] = append(problems[engine.SealProblem(err)], h.Room)
			continue
		}
		url := a.linkURL(kind, token)
		qr := url
		if sheet.Large {
			qr += "?size=large"
		}
		sheet.Slips = append(sheet.Slips, engine.Slip{Room: h.Room, Floor: h.Floor, Owner: engine.MaskName(h.OwnerName), Due: due(h), URL: url, QR: qr})
	}
	for k := range problems {
		slices.Sort(problems[k])
	}
	if err := engine.UnprintableLinks(problems); err != nil {
		return err
	}
	slices.SortFunc(sheet.Slips, func(x, y engine.Slip) int { return strings.Compare(x.Room, y.Room) })
	return nil
}

// renderSlips prints a sheet, named for its one household when it has one.
func (a *App) renderSlips(ctx context.Context, w *engine.Worker, projectID, householdID int64, sheet *engine.SlipSheet, what string) (*Document, error) {
	name := what + ".pdf"
	if householdID != 0 && len(sheet.Slips) == 1 {
		name, what = what+"-"+sheet.Slips[0].Room+".pdf", what+":"+sheet.Slips[0].Room
	}
	return a.render(ctx, projectID, actor(w), what, name, func(buf *bytes.Buffer) error { return a.printer.Slips(buf, sheet) })
}

// SurveySlipsPDF prints a questionnaire's links again on slips, as
// SlipsPDF does for signing links: while the questionnaire is open.
func (a *App) SurveySlipsPDF(ctx context.Context, w *engine.Worker, projectID, questionnaireID, householdID int64, large bool) (*Document, error) {
	p, q, err := a.questionnaire(ctx, w, projectID, questionnaireID, ActVote)
	if err != nil {
		return nil, err
	}
	if householdID != 0 {
		if _, err := household(p, householdID); err != nil {
			return nil, err
		}
	}
	now := a.now()
	if !q.Open(now) {
		return nil, engine.Errorf(engine.ECodeConflict, "问卷已截止（%s），纸条不再打印", engine.BeijingMinute(q.Deadline))
	}
	if a.seal == nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "服务器没有配置封存密钥文件，无法按原链接重印纸条")
	}
	live, err := a.store.SurveyLinks(ctx, p.ID, q.ID)
	if err != nil {
		return nil, err
	}
	links := make(map[int64]sealedLink, len(live))
	for _, l := range live {
		links[l.HouseholdID] = sealedLink{l.SealedToken, l.TokenHash}
	}
	sheet := &engine.SlipSheet{Project: p, Survey: q.Title, Deadline: q.Deadline, Contact: p.Contact, Large: large, Printed: now}
	if err := a.fillSlips(sheet, p.Households, householdID, links, "q", func(engine.Household) engine.Fen { return 0 }); err != nil {
		return nil, err
	}
	return a.renderSlips(ctx, w, p.ID, householdID, sheet, "survey-slips")
}
