package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// ballotSelect reads ballots with how they closed (a row of its own: the
// ballot row never changes).
const ballotSelect = `SELECT b.id, b.project_id, b.scenario_id, b.sha256, b.rule, b.deadline, b.opened_at,
	c.closed_at AS closed_at, COALESCE(c.reason, '') AS close_reason, COALESCE(c.superseded_by, 0) AS superseded_by
	FROM ballots b LEFT JOIN ballot_closures c ON c.ballot_id = b.id `

const linkColumns = `id, ballot_id, household_id, token_hash, expires_at, revoked_at, created_at`

type ballotRow struct {
	engine.Ballot
	Rule string
}

// supersede closes the project's open ballots in favour of ballot by,
// inside tx, with an audit event each.
func (s *Store) supersede(ctx context.Context, tx *sqlx.Tx, projectID, by int64, at time.Time, actor string) error {
	var open []int64
	if err := tx.SelectContext(ctx, &open, s.q(`SELECT id FROM ballots b WHERE project_id = ? AND id <> ? AND deadline > ?
		AND NOT EXISTS (SELECT 1 FROM ballot_closures c WHERE c.ballot_id = b.id) ORDER BY id`), projectID, by, at); err != nil {
		return err
	}
	for _, id := range open {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO ballot_closures (ballot_id, closed_at, reason, superseded_by) VALUES (?, ?, ?, ?)`),
			id, at, engine.BallotSuperseded, by); err != nil {
			return err
		}
		if err := s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditBallotClosed, Actor: actor, At: at,
			Data: engine.AuditData(map[string]any{"ballot_id": id, "reason": engine.BallotSuperseded, "superseded_by": by})}); err != nil {
			return err
		}
	}
	return nil
}

func (r *ballotRow) ballot() *engine.Ballot {
	b := r.Ballot
	b.Rule = []byte(r.Rule)
	return &b
}

// Ballot returns a ballot by id.
func (s *Store) Ballot(ctx context.Context, id int64) (*engine.Ballot, error) {
	var r ballotRow
	if err := s.conn(ctx).GetContext(ctx, &r, s.q(ballotSelect+`WHERE b.id = ?`), id); err != nil {
		return nil, s.notFound(err, "表决不存在")
	}
	return r.ballot(), nil
}

// CurrentBallot is the project's latest ballot.
func (s *Store) CurrentBallot(ctx context.Context, projectID int64) (*engine.Ballot, error) {
	var r ballotRow
	if err := s.db.GetContext(ctx, &r, s.q(ballotSelect+`WHERE b.project_id = ? ORDER BY b.id DESC LIMIT 1`), projectID); err != nil {
		return nil, s.notFound(err, "该项目尚未发布方案，还没有表决")
	}
	return r.ballot(), nil
}

// CloseBallot ends a ballot early.
func (s *Store) CloseBallot(ctx context.Context, id int64, at time.Time, actor string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var projectID int64
		if err := tx.GetContext(ctx, &projectID, s.q(`SELECT project_id FROM ballots b WHERE id = ?
			AND NOT EXISTS (SELECT 1 FROM ballot_closures c WHERE c.ballot_id = b.id)`), id); err != nil {
			return s.notFound(err, "没有进行中的表决")
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO ballot_closures (ballot_id, closed_at, reason) VALUES (?, ?, ?)`), id, at, engine.BallotClosed); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditBallotClosed, Actor: actor, At: at,
			Data: engine.AuditData(map[string]any{"ballot_id": id, "reason": engine.BallotClosed})})
	})
}

// LinkByTokenHash finds a live link by its token's hash.
func (s *Store) LinkByTokenHash(ctx context.Context, tokenHash string) (*engine.SigningLink, error) {
	var l engine.SigningLink
	if err := s.db.GetContext(ctx, &l, s.q(`SELECT `+linkColumns+` FROM signing_links WHERE token_hash = ? AND revoked_at IS NULL`), tokenHash); err != nil {
		return nil, s.notFound(err, "签署链接不存在或已失效")
	}
	return &l, nil
}

// Links lists the live links of a ballot.
func (s *Store) Links(ctx context.Context, ballotID int64) ([]*engine.SigningLink, error) {
	var ls []*engine.SigningLink
	err := s.db.SelectContext(ctx, &ls, s.q(`SELECT `+linkColumns+` FROM signing_links WHERE ballot_id = ? AND revoked_at IS NULL ORDER BY household_id`), ballotID)
	return ls, s.mapError(err)
}

// ReissueLinks revokes the live links of the households of links on their
// ballot and stores links in their place, all or none.
func (s *Store) ReissueLinks(ctx context.Context, links []*engine.SigningLink, actor string) error {
	now := s.now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, link := range links {
			var projectID int64
			if err := tx.GetContext(ctx, &projectID, s.q(`SELECT project_id FROM ballots WHERE id = ?`), link.BallotID); err != nil {
				return s.notFound(err, "表决不存在")
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE signing_links SET revoked_at = ? WHERE ballot_id = ? AND household_id = ? AND revoked_at IS NULL`),
				now, link.BallotID, link.HouseholdID); err != nil {
				return err
			}
			link.CreatedAt = now
			if err := s.insertLink(ctx, tx, link, projectID, actor); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertLink(ctx context.Context, tx *sqlx.Tx, l *engine.SigningLink, projectID int64, actor string) error {
	if err := tx.GetContext(ctx, &l.ID, s.q(`INSERT INTO signing_links (ballot_id, household_id, token_hash, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), l.BallotID, l.HouseholdID, l.TokenHash, l.ExpiresAt, l.CreatedAt); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditLinkIssued, Actor: actor, At: l.CreatedAt,
		Data: engine.AuditData(map[string]any{"ballot_id": l.BallotID, "household_id": l.HouseholdID, "link_id": l.ID})})
}

// CountPageView counts one opening of a link's page, per link and day in
// Beijing: outside the audit chain, so a link holder cannot grow it.
func (s *Store) CountPageView(ctx context.Context, linkID int64, at time.Time) error {
	at = at.UTC().Truncate(time.Microsecond)
	day := at.In(engine.Beijing).Format("2006-01-02")
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO page_views (link_id, day, views, first_at, last_at) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT (link_id, day) DO UPDATE SET views = page_views.views + 1, last_at = excluded.last_at`), linkID, day, at, at)
		return err
	})
}

// LinkViews is how the live links of a ballot were opened, all days
// together. The days are summed here, not in SQL: an aggregate of a
// timestamp loses its type in SQLite.
func (s *Store) LinkViews(ctx context.Context, ballotID int64) ([]engine.LinkViews, error) {
	links, err := s.Links(ctx, ballotID)
	if err != nil {
		return nil, err
	}
	var days []struct {
		LinkID int64 `db:"link_id"`
		Views  int64
		LastAt time.Time `db:"last_at"`
	}
	if err := s.db.SelectContext(ctx, &days, s.q(`SELECT v.link_id, v.views, v.last_at FROM page_views v
		JOIN signing_links l ON l.id = v.link_id WHERE l.ballot_id = ? AND l.revoked_at IS NULL`), ballotID); err != nil {
		return nil, s.mapError(err)
	}
	out := make([]engine.LinkViews, len(links))
	at := make(map[int64]int, len(links))
	for i, l := range links {
		out[i] = engine.LinkViews{HouseholdID: l.HouseholdID, IssuedAt: l.CreatedAt}
		at[l.ID] = i
	}
	for _, d := range days {
		i, live := at[d.LinkID]
		if !live { // revoked between the two reads
			continue
		}
		v := &out[i]
		v.Views += d.Views
		if v.LastAt == nil || d.LastAt.After(*v.LastAt) {
			last := d.LastAt
			v.LastAt = &last
		}
	}
	return out, nil
}
