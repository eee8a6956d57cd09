package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/renovote/renovote/engine"
)

const projectColumns = `id, owner_id, COALESCE(org_id, 0) AS org_id, name, address, floors, created_at, updated_at, COALESCE(public_slug, '') AS public_slug,
	contact_name AS "contact.name", contact_phone AS "contact.phone", contact_office AS "contact.office",
	party_a AS "terms.party_a", party_a_rep AS "terms.party_a_rep", account_name AS "terms.account_name",
	account_bank AS "terms.account_bank", account_number AS "terms.account_number", compensation_by AS "terms.compensation_by"`

const householdColumns = `id, project_id, room, floor, area, owner_name, owner_id, phone, hardship, exempt, must_consent`

// InsertProject stores a project with its households, created at at. A
// project without a public slug gets one carrying its new id
// (engine.NewSlug); call it in a transaction.
func (s *Store) InsertProject(ctx context.Context, p *engine.Project, at time.Time) error {
	p.CreatedAt, p.UpdatedAt = at, at
	err := s.conn(ctx).GetContext(ctx, &p.ID, s.q(`INSERT INTO projects (owner_id, org_id, name, address, floors, created_at, updated_at, public_slug,
		contact_name, contact_phone, contact_office, party_a, party_a_rep, account_name, account_bank, account_number, compensation_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		p.OwnerID, nullID(p.OrgID), p.Name, p.Address, p.Floors, p.CreatedAt, p.UpdatedAt, nullSlug(p.PublicSlug), p.Contact.Name, p.Contact.Phone, p.Contact.Office,
		p.Terms.PartyA, p.Terms.PartyARep, p.Terms.AccountName, p.Terms.AccountBank, p.Terms.AccountNumber, p.Terms.CompensationBy)
	if err != nil {
		return s.mapError(err)
	}
	if p.PublicSlug == "" {
		slug := engine.NewSlug(p.ID)
		if err := s.SetProjectSlug(ctx, p.ID, slug); err != nil {
			return err
		}
		p.PublicSlug = slug
	}
	return s.mapError(s.insertHouseholds(ctx, s.conn(ctx), p.ID, p.Households))
}

func nullSlug(slug string) any {
	if slug == "" {
		return nil
	}
	return slug
}

func (s *Store) insertHouseholds(ctx context.Context, tx querier, projectID int64, hs []engine.Household) error {
	query := s.q(`INSERT INTO households (project_id, room, floor, area, owner_name, owner_id, phone, hardship, exempt, must_consent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	for i := range hs {
		h := &hs[i]
		h.ProjectID = projectID
		if err := tx.GetContext(ctx, &h.ID, query, projectID, h.Room, h.Floor, h.Area, h.OwnerName, h.OwnerID,
			h.Phone, h.Hardship, h.Exempt, h.MustConsent); err != nil {
			return err
		}
	}
	return nil
}

// UpdateHousehold writes a household's row as corrected in place. After
// publishing the schema refuses anything but its phone (conflict).
func (s *Store) UpdateHousehold(ctx context.Context, h engine.Household, at time.Time) error {
	q := s.conn(ctx)
	res, err := q.ExecContext(ctx, s.q(`UPDATE households SET room = ?, floor = ?, area = ?, owner_name = ?, owner_id = ?, phone = ?,
		hardship = ?, exempt = ?, must_consent = ? WHERE id = ? AND project_id = ?`), h.Room, h.Floor, h.Area, h.OwnerName, h.OwnerID, h.Phone,
		h.Hardship, h.Exempt, h.MustConsent, h.ID, h.ProjectID)
	if err := s.updated(res, err, "住户 %d 不存在", h.ID); err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, s.q(`UPDATE projects SET updated_at = ? WHERE id = ?`), at, h.ProjectID)
	return s.mapError(err)
}

// Project returns a project with its households.
func (s *Store) Project(ctx context.Context, id int64) (*engine.Project, error) {
	var p engine.Project
	if err := s.conn(ctx).GetContext(ctx, &p, s.q(`SELECT `+projectColumns+` FROM projects WHERE id = ?`), id); err != nil {
		return nil, s.notFound(err, "项目 %d 不存在", id)
	}
	if err := s.conn(ctx).SelectContext(ctx, &p.Households, s.q(`SELECT `+householdColumns+` FROM households WHERE project_id = ? ORDER BY id`), id); err != nil {
		return nil, s.mapError(err)
	}
	return &p, nil
}

// ProjectBySlug returns the project whose public pages are /p/{slug}.
func (s *Store) ProjectBySlug(ctx context.Context, projectID int64, slug string) (*engine.Project, error) {
	var id int64
	if err := s.conn(ctx).GetContext(ctx, &id, s.q(`SELECT id FROM projects WHERE id = ? AND public_slug = ?`), projectID, slug); err != nil {
		return nil, s.notFound(err, "没有这个公示页面")
	}
	return s.Project(ctx, id)
}

// SetProjectSlug names a project's public pages (once its id is known).
func (s *Store) SetProjectSlug(ctx context.Context, projectID int64, slug string) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE projects SET public_slug = ? WHERE id = ? AND public_slug IS NULL`), slug, projectID)
	if err != nil {
		return s.mapError(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return engine.Errorf(engine.ECodeConflict, "项目 %d 已有公示页面地址", projectID)
	}
	return nil
}

// EntryRoute is the project of an entry issued before entries carried
// their project (engine/entry.go): a token's hash, a code or a slug, by
// kind, as migration 0023 recorded it.
func (s *Store) EntryRoute(ctx context.Context, kind, key string) (int64, error) {
	var id int64
	if err := s.conn(ctx).GetContext(ctx, &id, s.q(`SELECT project_id FROM entry_routes WHERE kind = ? AND key = ?`), kind, key); err != nil {
		return 0, s.notFound(err, "没有这个入口")
	}
	return id, nil
}

// Projects lists the projects of one worker (all when ownerID is 0),
// newest first, without households.
func (s *Store) Projects(ctx context.Context, ownerID int64) ([]*engine.Project, error) {
	var ps []*engine.Project
	var err error
	if ownerID == 0 {
		err = s.conn(ctx).SelectContext(ctx, &ps, `SELECT `+projectColumns+` FROM projects ORDER BY id DESC`)
	} else {
		err = s.conn(ctx).SelectContext(ctx, &ps, s.q(`SELECT `+projectColumns+` FROM projects WHERE owner_id = ? ORDER BY id DESC`), ownerID)
	}
	return ps, s.mapError(err)
}

// ReplaceHouseholds swaps the households of a project. Once a scenario is
// published the schema refuses it (conflict).
func (s *Store) ReplaceHouseholds(ctx context.Context, projectID int64, hs []engine.Household, at time.Time) error {
	q := s.conn(ctx)
	res, err := q.ExecContext(ctx, s.q(`UPDATE projects SET updated_at = ? WHERE id = ?`), at, projectID)
	if err := s.updated(res, err, "项目 %d 不存在", projectID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, s.q(`DELETE FROM households WHERE project_id = ?`), projectID); err != nil {
		return s.mapError(err)
	}
	return s.mapError(s.insertHouseholds(ctx, q, projectID, hs))
}

// HouseholdsUsed counts what has used a project's households: its
// published scenarios and its questionnaires (engine.CanReplaceHouseholds
// decides).
func (s *Store) HouseholdsUsed(ctx context.Context, projectID int64) (published, questionnaires int, err error) {
	var n struct{ Published, Questionnaires int }
	err = s.conn(ctx).GetContext(ctx, &n, s.q(`SELECT (SELECT COUNT(*) FROM scenarios WHERE project_id = ? AND status = 'published') AS published,
		(SELECT COUNT(*) FROM questionnaires WHERE project_id = ?) AS questionnaires`), projectID, projectID)
	return n.Published, n.Questionnaires, s.mapError(err)
}

// Contact is who residents of a project ask.
func (s *Store) Contact(ctx context.Context, projectID int64) (engine.Contact, error) {
	var c engine.Contact
	err := s.conn(ctx).GetContext(ctx, &c, s.q(`SELECT contact_name AS name, contact_phone AS phone, contact_office AS office FROM projects WHERE id = ?`), projectID)
	if err != nil {
		return c, s.notFound(err, "项目 %d 不存在", projectID)
	}
	return c, nil
}

// SetContact changes who residents ask about a project.
func (s *Store) SetContact(ctx context.Context, projectID int64, c engine.Contact, at time.Time) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE projects SET contact_name = ?, contact_phone = ?, contact_office = ?, updated_at = ? WHERE id = ?`),
		c.Name, c.Phone, c.Office, at, projectID)
	return s.updated(res, err, "项目 %d 不存在", projectID)
}

// SetTerms changes the agreement's particulars of a project.
func (s *Store) SetTerms(ctx context.Context, projectID int64, t engine.Terms, at time.Time) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE projects SET party_a = ?, party_a_rep = ?, account_name = ?, account_bank = ?,
		account_number = ?, compensation_by = ?, updated_at = ? WHERE id = ?`),
		t.PartyA, t.PartyARep, t.AccountName, t.AccountBank, t.AccountNumber, t.CompensationBy, at, projectID)
	return s.updated(res, err, "项目 %d 不存在", projectID)
}

func init() { readProjection((*Store).projectPartRows) }

// projectPartRows reads the images of a project's own columns, its
// contact and its terms.
func (s *Store) projectPartRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	var p engine.Project
	err := q.GetContext(ctx, &p, s.q(`SELECT `+projectColumns+` FROM projects WHERE id = ?`), projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return map[string][]engine.Row{engine.TableProjects: {p.Row()}, engine.TableContact: {p.Contact.Row(projectID)},
		engine.TableTerms: {p.Terms.Row(projectID)}}, nil
}
