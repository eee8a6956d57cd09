package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/renovote/renovote/engine"
)

// SetFundingRule writes a project's funding rule (one per project).
func (s *Store) SetFundingRule(ctx context.Context, p *engine.ProjectFundingRule) error {
	_, err := s.conn(ctx).ExecContext(ctx, s.q(`INSERT INTO funding_rules (project_id, preset, rule, completed, set_by, set_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET preset = excluded.preset, rule = excluded.rule,
		completed = excluded.completed, set_by = excluded.set_by, set_at = excluded.set_at`),
		p.ProjectID, p.Preset, p.RuleText(), p.CompletedText(), p.SetBy, p.SetAt)
	return s.mapError(err)
}

type fundingRuleRow struct {
	ProjectID int64     `db:"project_id"`
	Preset    string    `db:"preset"`
	Rule      string    `db:"rule"`
	Completed string    `db:"completed"`
	SetBy     string    `db:"set_by"`
	SetAt     time.Time `db:"set_at"`
}

// FundingRule is a project's funding rule; nil when none is set.
func (s *Store) FundingRule(ctx context.Context, projectID int64) (*engine.ProjectFundingRule, error) {
	var row fundingRuleRow
	err := s.conn(ctx).GetContext(ctx, &row, s.q(`SELECT project_id, preset, rule, completed, set_by, set_at FROM funding_rules WHERE project_id = ?`), projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return row.rule()
}

// rule reads a stored rule back; a rule the engine cannot read is named
// (the audit names who changed it).
func (row *fundingRuleRow) rule() (*engine.ProjectFundingRule, error) {
	p := &engine.ProjectFundingRule{ProjectID: row.ProjectID, Preset: row.Preset, SetBy: row.SetBy, SetAt: row.SetAt.UTC()}
	rule, err := engine.ParseFundingRule([]byte(row.Rule))
	if err != nil {
		return nil, fmt.Errorf("store: funding rule of project %d: %w", row.ProjectID, err)
	}
	p.Rule = rule
	if row.Completed != "" {
		d, err := engine.ParseDay(row.Completed, "completed", "竣工验收日期")
		if err != nil {
			return nil, fmt.Errorf("store: completion date of project %d: %w", row.ProjectID, err)
		}
		p.Completed = &d
	}
	return p, nil
}

// SetHouseholdFunding writes a household's funding figures (one row per
// household).
func (s *Store) SetHouseholdFunding(ctx context.Context, f *engine.HouseholdFundingFigures) error {
	_, err := s.conn(ctx).ExecContext(ctx, s.q(`INSERT INTO household_funding (household_id, project_id, figures, entered_by, consent, entered_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (`+s.rowKey("household_id")+`) DO UPDATE SET figures = excluded.figures,
		entered_by = excluded.entered_by, consent = excluded.consent, entered_at = excluded.entered_at`),
		f.HouseholdID, f.ProjectID, f.FiguresText(), f.EnteredBy, f.Consent, f.EnteredAt)
	return s.mapError(err)
}

type householdFundingRow struct {
	HouseholdID int64     `db:"household_id"`
	ProjectID   int64     `db:"project_id"`
	Figures     string    `db:"figures"`
	EnteredBy   string    `db:"entered_by"`
	Consent     bool      `db:"consent"`
	EnteredAt   time.Time `db:"entered_at"`
}

func (row *householdFundingRow) figures() *engine.HouseholdFundingFigures {
	f := &engine.HouseholdFundingFigures{ProjectID: row.ProjectID, HouseholdID: row.HouseholdID, EnteredBy: row.EnteredBy,
		Consent: row.Consent, EnteredAt: row.EnteredAt.UTC()}
	// figures the engine cannot read count as none; the audit names the row
	_ = engine.ParseFiguresText(row.Figures, f)
	return f
}

// HouseholdFundings are a project's funding figures by household id.
func (s *Store) HouseholdFundings(ctx context.Context, projectID int64) (map[int64]*engine.HouseholdFundingFigures, error) {
	rows, err := s.householdFundingRows(ctx, s.conn(ctx), projectID)
	if err != nil {
		return nil, s.mapError(err)
	}
	out := make(map[int64]*engine.HouseholdFundingFigures, len(rows))
	for i := range rows {
		out[rows[i].HouseholdID] = rows[i].figures()
	}
	return out, nil
}

func (s *Store) householdFundingRows(ctx context.Context, q querier, projectID int64) ([]householdFundingRow, error) {
	var rows []householdFundingRow
	err := q.SelectContext(ctx, &rows, s.q(`SELECT household_id, project_id, figures, entered_by, consent, entered_at
		FROM household_funding WHERE project_id = ? ORDER BY household_id`), projectID)
	return rows, err
}

func init() { readProjection((*Store).fundingRows) }

// fundingRows reads the images of a project's funding rule and figures;
// the figures by the SHA-256 of the stored text as it is (an edit of a
// single digit changes it).
func (s *Store) fundingRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	out := map[string][]engine.Row{engine.TableFundingRules: nil, engine.TableHouseholdFunding: nil}
	var rules []fundingRuleRow
	if err := q.SelectContext(ctx, &rules, s.q(`SELECT project_id, preset, rule, completed, set_by, set_at FROM funding_rules WHERE project_id = ?`), projectID); err != nil {
		return nil, err
	}
	for _, r := range rules {
		out[engine.TableFundingRules] = append(out[engine.TableFundingRules], engine.FundingRuleImage(r.ProjectID, r.Preset, r.Rule, r.Completed, r.SetBy, r.SetAt.UTC()))
	}
	rows, err := s.householdFundingRows(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[engine.TableHouseholdFunding] = append(out[engine.TableHouseholdFunding], engine.HouseholdFundingImage(r.HouseholdID, r.ProjectID, r.Figures, r.EnteredBy, r.Consent, r.EnteredAt.UTC()))
	}
	return out, nil
}

const certificateColumns = `id, project_id, household_id, code, digest, due, gjj, maintenance, cash, issued_by, issued_at`

// InsertCertificate inserts an issued certificate, filling its ID.
func (s *Store) InsertCertificate(ctx context.Context, c *engine.Certificate) error {
	err := s.conn(ctx).GetContext(ctx, &c.ID, s.q(`INSERT INTO share_certificates (project_id, household_id, code, digest, due, gjj, maintenance, cash,
		issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.ProjectID, c.HouseholdID, c.Code, c.Digest, c.Due, c.GJJ, c.Maintenance, c.Cash, c.IssuedBy, c.IssuedAt)
	return s.mapError(err)
}

// LatestCertificate is a household's newest certificate; nil if none.
func (s *Store) LatestCertificate(ctx context.Context, projectID, householdID int64) (*engine.Certificate, error) {
	var c engine.Certificate
	err := s.conn(ctx).GetContext(ctx, &c, s.q(`SELECT `+certificateColumns+` FROM share_certificates WHERE project_id = ? AND household_id = ?
		ORDER BY id DESC LIMIT 1`), projectID, householdID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	c.IssuedAt = c.IssuedAt.UTC()
	return &c, nil
}

// CertificateByCode finds a project's certificate by its verification code.
func (s *Store) CertificateByCode(ctx context.Context, projectID int64, code string) (*engine.Certificate, error) {
	var c engine.Certificate
	err := s.conn(ctx).GetContext(ctx, &c, s.q(`SELECT `+certificateColumns+` FROM share_certificates WHERE project_id = ? AND code = ?`), projectID, code)
	if err != nil {
		return nil, s.notFound(err, "核验码 %s 不存在", code)
	}
	c.IssuedAt = c.IssuedAt.UTC()
	return &c, nil
}

func init() { readProjection((*Store).certificateRows) }

// certificateRows reads the images of a project's issued certificates.
func (s *Store) certificateRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	var cs []engine.Certificate
	if err := q.SelectContext(ctx, &cs, s.q(`SELECT `+certificateColumns+` FROM share_certificates WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, err
	}
	out := map[string][]engine.Row{engine.TableCertificates: make([]engine.Row, 0, len(cs))}
	for i := range cs {
		cs[i].IssuedAt = cs[i].IssuedAt.UTC()
		out[engine.TableCertificates] = append(out[engine.TableCertificates], cs[i].Row())
	}
	return out, nil
}

// ProjectReach is a project's id, owner and 社区, without its households (the
// funding answer reads the households from the published snapshot).
func (s *Store) ProjectReach(ctx context.Context, id int64) (*engine.Project, error) {
	var row struct {
		ID    int64 `db:"id"`
		Owner int64 `db:"owner_id"`
		Org   int64 `db:"org_id"`
	}
	err := s.conn(ctx).GetContext(ctx, &row, s.q(`SELECT id, owner_id, COALESCE(org_id, 0) AS org_id FROM projects WHERE id = ?`), id)
	if err != nil {
		return nil, s.notFound(err, "项目 %d 不存在", id)
	}
	return &engine.Project{ID: row.ID, OwnerID: row.Owner, OrgID: row.Org}, nil
}
