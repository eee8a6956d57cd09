package app

import (
	"context"

	"github.com/renovote/renovote/engine"
)

// Entries from outside (links, verification codes, the public slug) carry
// their project (engine/entry.go), so each lookup below is keyed by
// project_id. An entry of before is routed through the project migration
// 0023 recorded for it; one that is neither answers not found.

// tokenProject is the project a link token of kind leads to.
func (a *App) tokenProject(ctx context.Context, kind, token string) (int64, bool, error) {
	id, legacy, ok := engine.TokenProject(token)
	if !ok {
		return 0, false, nil
	}
	if legacy {
		return a.routed(ctx, kind, engine.HashToken(token))
	}
	return id, true, nil
}

// codeProject is the project a normalised verification code of kind
// leads to.
func (a *App) codeProject(ctx context.Context, kind, code string) (int64, bool, error) {
	id, legacy, ok := engine.CodeProject(code)
	if !ok {
		return 0, false, nil
	}
	if legacy {
		return a.routed(ctx, kind, code)
	}
	return id, true, nil
}

// slugProject is the project whose public pages a slug names.
func (a *App) slugProject(ctx context.Context, slug string) (*engine.Project, error) {
	notFound := engine.Errorf(engine.ECodeNotFound, "没有这个公示页面")
	id, legacy, ok := engine.SlugProject(slug)
	if !ok {
		return nil, notFound
	}
	if legacy {
		var found bool
		var err error
		if id, found, err = a.routed(ctx, engine.EntrySlug, slug); err != nil || !found {
			return nil, orNotFound(err, notFound)
		}
	}
	p, err := a.store.ProjectBySlug(ctx, id, slug)
	if err != nil {
		return nil, orNotFound(err, notFound)
	}
	return p, nil
}

// routed looks an entry of before up in entry_routes.
func (a *App) routed(ctx context.Context, kind, key string) (int64, bool, error) {
	id, err := a.store.EntryRoute(ctx, kind, key)
	if engine.ErrorCode(err) == engine.ECodeNotFound {
		return 0, false, nil
	}
	return id, err == nil, err
}

// orNotFound is err, or notFound in place of any not-found error.
func orNotFound(err, notFound error) error {
	if err == nil || engine.ErrorCode(err) == engine.ECodeNotFound {
		return notFound
	}
	return err
}

// byCode finds the record of kind a verification code names, keyed by the
// project the code leads to; not found when it leads nowhere.
func byCode[T any](ctx context.Context, a *App, kind, code string, find func(context.Context, int64, string) (T, error)) (T, error) {
	var none T
	projectID, found, err := a.codeProject(ctx, kind, code)
	if err != nil {
		return none, err
	}
	if !found {
		return none, engine.Errorf(engine.ECodeNotFound, "没有核验码为 %s 的记录", code)
	}
	return find(ctx, projectID, code)
}
