package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

const ballotColumns = `id, project_id, scenario_id, sha256, rule, deadline, opened_at, closed_at`

const linkColumns = `id, ballot_id, household_id, token_hash, expires_at, revoked_at, created_at`

type ballotRow struct {
	engine.Ballot
	Rule string
}

func (r *ballotRow) ballot() *engine.Ballot {
	b := r.Ballot
	b.Rule = []byte(r.Rule)
	return &b
}

// Ballot returns a ballot by id.
func (s *Store) Ballot(ctx context.Context, id int64) (*engine.Ballot, error) {
	var r ballotRow
	if err := s.db.GetContext(ctx, &r, s.q(`SELECT `+ballotColumns+` FROM ballots WHERE id = ?`), id); err != nil {
		return nil, s.notFound(err, "表决不存在")
	}
	return r.ballot(), nil
}

// CurrentBallot is the project's latest ballot.
func (s *Store) CurrentBallot(ctx context.Context, projectID int64) (*engine.Ballot, error) {
	var r ballotRow
	if err := s.db.GetContext(ctx, &r, s.q(`SELECT `+ballotColumns+` FROM ballots WHERE project_id = ? ORDER BY id DESC LIMIT 1`), projectID); err != nil {
		return nil, s.notFound(err, "该项目尚未发布方案，还没有表决")
	}
	return r.ballot(), nil
}

// CloseBallot ends a ballot early.
func (s *Store) CloseBallot(ctx context.Context, id int64, at time.Time, actor string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var projectID int64
		if err := tx.GetContext(ctx, &projectID, s.q(`UPDATE ballots SET closed_at = ? WHERE id = ? AND closed_at IS NULL RETURNING project_id`), at, id); err != nil {
			return s.notFound(err, "没有进行中的表决")
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: projectID, Kind: engine.AuditBallotClosed, Actor: actor, At: at,
			Data: engine.AuditData(map[string]any{"ballot_id": id})})
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

// ReissueLink revokes the household's live link on the ballot and stores
// link in its place.
func (s *Store) ReissueLink(ctx context.Context, link *engine.SigningLink, actor string) error {
	now := engine.Now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var projectID int64
		if err := tx.GetContext(ctx, &projectID, s.q(`SELECT project_id FROM ballots WHERE id = ?`), link.BallotID); err != nil {
			return s.notFound(err, "表决不存在")
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE signing_links SET revoked_at = ? WHERE ballot_id = ? AND household_id = ? AND revoked_at IS NULL`),
			now, link.BallotID, link.HouseholdID); err != nil {
			return err
		}
		link.CreatedAt = now
		return s.insertLink(ctx, tx, link, projectID, actor)
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
