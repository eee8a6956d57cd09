package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renovote/renovote/engine"
)

// The works and the feedback: statements only. What may change and what
// each event says is decided in engine and app; the time is the
// workflow's, passed in.

// Works returns a project's stages, supervision group and goal; the
// default stages when nothing was saved yet.
func (s *Store) Works(ctx context.Context, projectID int64) (*engine.Works, error) {
	var row worksRow
	err := s.conn(ctx).GetContext(ctx, &row, s.q(`SELECT project_id, stages, supervisors, satisfaction_goal, updated_at FROM works WHERE project_id = ?`), projectID)
	if errors.Is(err, sql.ErrNoRows) {
		w := &engine.Works{ProjectID: projectID, SatisfactionGoal: 9000, Supervisors: []engine.Supervisor{}}
		for _, name := range engine.DefaultStages {
			w.Stages = append(w.Stages, engine.Stage{Name: name})
		}
		return w, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	return row.works()
}

type worksRow struct {
	ProjectID           int64 `db:"project_id"`
	Stages, Supervisors string
	SatisfactionGoal    int64     `db:"satisfaction_goal"`
	UpdatedAt           time.Time `db:"updated_at"`
}

func (r worksRow) works() (*engine.Works, error) {
	w := &engine.Works{ProjectID: r.ProjectID, SatisfactionGoal: engine.Percent(r.SatisfactionGoal), UpdatedAt: r.UpdatedAt, Supervisors: []engine.Supervisor{}}
	if err := json.Unmarshal([]byte(r.Stages), &w.Stages); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(r.Supervisors), &w.Supervisors); err != nil {
		return nil, err
	}
	return w, nil
}

// SaveWorks writes a project's stages, group and goal.
func (s *Store) SaveWorks(ctx context.Context, w *engine.Works) error {
	stages, err := json.Marshal(w.Stages)
	if err != nil {
		return err
	}
	group, err := json.Marshal(w.Supervisors)
	if err != nil {
		return err
	}
	_, err = s.conn(ctx).ExecContext(ctx, s.q(`INSERT INTO works (project_id, stages, supervisors, satisfaction_goal, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET stages = excluded.stages, supervisors = excluded.supervisors,
		satisfaction_goal = excluded.satisfaction_goal, updated_at = excluded.updated_at`),
		w.ProjectID, string(stages), string(group), int64(w.SatisfactionGoal), w.UpdatedAt)
	return s.mapError(err)
}

// InsertInspection inserts an inspection with its issues and photos,
// filling their IDs.
func (s *Store) InsertInspection(ctx context.Context, in *engine.Inspection) error {
	inspectors, err := json.Marshal(in.Inspectors)
	if err != nil {
		return err
	}
	q := s.conn(ctx)
	if err := q.GetContext(ctx, &in.ID, s.q(`INSERT INTO inspections (project_id, day, inspectors, findings, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), in.ProjectID, in.Day, string(inspectors), in.Findings, in.RecordedBy, in.CreatedAt); err != nil {
		return s.mapError(err)
	}
	for _, is := range in.Issues {
		is.ProjectID, is.InspectionID = in.ProjectID, in.ID
		if err := q.GetContext(ctx, &is.ID, s.q(`INSERT INTO inspection_issues (project_id, inspection_id, text) VALUES (?, ?, ?) RETURNING id`),
			in.ProjectID, in.ID, is.Text); err != nil {
			return s.mapError(err)
		}
	}
	in.PhotoIDs = make([]int64, len(in.Photos))
	for i, photo := range in.Photos {
		if err := q.GetContext(ctx, &in.PhotoIDs[i], s.q(`INSERT INTO inspection_photos (project_id, inspection_id, data, type) VALUES (?, ?, ?, ?) RETURNING id`),
			in.ProjectID, in.ID, photo, engine.InspectionPhotoType); err != nil {
			return s.mapError(err)
		}
	}
	return nil
}

type inspectionRow struct {
	ID         int64
	ProjectID  int64 `db:"project_id"`
	RecordedBy int64 `db:"recorded_by"`
	Day        string
	Inspectors string
	Findings   string
	CreatedAt  time.Time `db:"created_at"`
	PhotoCount int       `db:"photo_count"`
}

func (r inspectionRow) inspection() (*engine.Inspection, error) {
	in := &engine.Inspection{ID: r.ID, ProjectID: r.ProjectID, Day: r.Day, Findings: r.Findings, RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt,
		PhotoCount: r.PhotoCount}
	return in, json.Unmarshal([]byte(r.Inspectors), &in.Inspectors)
}

const issueColumns = `id, project_id, inspection_id, text, COALESCE(fixed_day, '') AS fixed_day, fixed_note, fixed_at`

// Inspections lists a project's inspections, newest first, with issues.
func (s *Store) Inspections(ctx context.Context, projectID int64) ([]*engine.Inspection, error) {
	var rows []inspectionRow
	q := s.conn(ctx)
	if err := q.SelectContext(ctx, &rows, s.q(`SELECT id, project_id, recorded_by, day, inspectors, findings, created_at,
		(SELECT COUNT(*) FROM inspection_photos p WHERE p.project_id = i.project_id AND p.inspection_id = i.id) AS photo_count FROM inspections i
		WHERE project_id = ? ORDER BY day DESC, id DESC`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	var issues []*engine.InspectionIssue
	if err := q.SelectContext(ctx, &issues, s.q(`SELECT `+issueColumns+`, fixed_photo IS NOT NULL AS has_fix_photo
		FROM inspection_issues WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	byInspection := map[int64][]*engine.InspectionIssue{}
	for _, is := range issues {
		byInspection[is.InspectionID] = append(byInspection[is.InspectionID], is)
	}
	out := make([]*engine.Inspection, len(rows))
	for i, r := range rows {
		in, err := r.inspection()
		if err != nil {
			return nil, err
		}
		in.Issues = byInspection[r.ID]
		out[i] = in
	}
	return out, nil
}

// Issue is one issue of a project, with its fix photo.
func (s *Store) Issue(ctx context.Context, projectID, id int64) (*engine.InspectionIssue, error) {
	var is engine.InspectionIssue
	if err := s.conn(ctx).GetContext(ctx, &is, s.q(`SELECT `+issueColumns+`, fixed_photo FROM inspection_issues WHERE project_id = ? AND id = ?`),
		projectID, id); err != nil {
		return nil, s.notFound(err, "问题 %d 不存在", id)
	}
	is.HasFixPhoto = len(is.FixedPhoto) > 0
	return &is, nil
}

// SaveIssueFix writes an issue's fix columns.
func (s *Store) SaveIssueFix(ctx context.Context, is *engine.InspectionIssue) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE inspection_issues SET fixed_day = ?, fixed_note = ?, fixed_photo = ?, fixed_at = ?
		WHERE project_id = ? AND id = ?`), is.FixedDay, is.FixedNote, is.FixedPhoto, is.FixedAt, is.ProjectID, is.ID)
	return s.updated(res, err, "问题 %d 不存在", is.ID)
}

const feedbackColumns = `id, project_id, COALESCE(household_id, 0) AS household_id, category, text, photo_type, created_at, answer, answered_at,
	COALESCE(answered_by, 0) AS answered_by, closed_at, rating, rated_at`

// InsertFeedback inserts a resident's message, filling its ID.
func (s *Store) InsertFeedback(ctx context.Context, f *engine.Feedback) error {
	err := s.conn(ctx).GetContext(ctx, &f.ID, s.q(`INSERT INTO feedback (project_id, household_id, category, text, photo, photo_type, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), f.ProjectID, nullID(f.HouseholdID), f.Category, f.Text, f.Photo, f.PhotoType, f.CreatedAt)
	return s.mapError(err)
}

// Feedback lists a project's feedback, oldest first, without photos.
func (s *Store) Feedback(ctx context.Context, projectID int64) ([]*engine.Feedback, error) {
	var fs []*engine.Feedback
	err := s.conn(ctx).SelectContext(ctx, &fs, s.q(`SELECT `+feedbackColumns+` FROM feedback WHERE project_id = ? ORDER BY id`), projectID)
	return fs, s.mapError(err)
}

// FeedbackByID is one message of a project, with its photo.
func (s *Store) FeedbackByID(ctx context.Context, projectID, id int64) (*engine.Feedback, error) {
	var f engine.Feedback
	if err := s.conn(ctx).GetContext(ctx, &f, s.q(`SELECT `+feedbackColumns+`, photo FROM feedback WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "意见 %d 不存在", id)
	}
	return &f, nil
}

// SaveFeedbackHandling writes a message's answer, closing and rating.
func (s *Store) SaveFeedbackHandling(ctx context.Context, f *engine.Feedback) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE feedback SET answer = ?, answered_at = ?, answered_by = ?, closed_at = ?, rating = ?, rated_at = ?
		WHERE project_id = ? AND id = ?`), f.Answer, f.AnsweredAt, nullID(f.AnsweredBy), f.ClosedAt, f.Rating, f.RatedAt, f.ProjectID, f.ID)
	return s.updated(res, err, "意见 %d 不存在", f.ID)
}

// ActorEventsSince counts the events of a project's chain by actor at or
// after since.
func (s *Store) ActorEventsSince(ctx context.Context, projectID int64, actor string, since time.Time) (int, error) {
	var n int
	err := s.conn(ctx).GetContext(ctx, &n, s.q(`SELECT COUNT(*) FROM audit_events WHERE project_id = ? AND actor = ? AND at >= ?`),
		projectID, actor, since.UTC())
	return n, s.mapError(err)
}

func init() { readProjection((*Store).worksRows) }

// worksRows reads the images of a project's works, inspections, issues,
// site photos and feedback, through the engine types and their Row, so
// that they are formatted as the events format them whatever the dialect.
// Photos are read one at a time and kept only as their SHA-256.
func (s *Store) worksRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	out := map[string][]engine.Row{}
	var works []worksRow
	if err := q.SelectContext(ctx, &works, s.q(`SELECT project_id, stages, supervisors, satisfaction_goal, updated_at FROM works WHERE project_id = ?`), projectID); err != nil {
		return nil, err
	}
	for _, r := range works {
		w, err := r.works()
		if err != nil {
			return nil, err
		}
		out[engine.TableWorks] = append(out[engine.TableWorks], w.Row())
	}
	var inspections []inspectionRow
	if err := q.SelectContext(ctx, &inspections, s.q(`SELECT id, project_id, recorded_by, day, inspectors, findings, created_at, 0 AS photo_count
		FROM inspections WHERE project_id = ?`), projectID); err != nil {
		return nil, err
	}
	for _, r := range inspections {
		in, err := r.inspection()
		if err != nil {
			return nil, err
		}
		out[engine.TableInspections] = append(out[engine.TableInspections], in.Row())
	}
	err := eachRow(ctx, q, s.q(`SELECT `+issueColumns+`, fixed_photo FROM inspection_issues WHERE project_id = ?`), []any{projectID},
		func(rows *sqlx.Rows) error {
			var is engine.InspectionIssue
			if err := rows.StructScan(&is); err != nil {
				return err
			}
			out[engine.TableInspectionIssues] = append(out[engine.TableInspectionIssues], is.Row())
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, s.q(`SELECT id, inspection_id, data, type FROM inspection_photos WHERE project_id = ?`), []any{projectID}, func(rows *sqlx.Rows) error {
		var p engine.InspectionPhoto
		if err := rows.Scan(&p.ID, &p.InspectionID, &p.Data, &p.Type); err != nil {
			return err
		}
		out[engine.TableInspectionPhotos] = append(out[engine.TableInspectionPhotos], p.Row())
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, s.q(`SELECT `+feedbackColumns+`, photo FROM feedback WHERE project_id = ?`), []any{projectID}, func(rows *sqlx.Rows) error {
		var f engine.Feedback
		if err := rows.StructScan(&f); err != nil {
			return err
		}
		out[engine.TableFeedback] = append(out[engine.TableFeedback], f.Row())
		return nil
	})
	return out, err
}

// eachRow runs a query and hands each row to fn, one at a time.
func eachRow(ctx context.Context, q querier, query string, args []any, fn func(*sqlx.Rows) error) error {
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// photoQueries select (data, type) of one photo of a project's record by
// kind, with the project and the record's id as parameters (and, for an
// inspection, which photo from 0).
var photoQueries = map[string]string{
	"decision":   `SELECT paper_photo, paper_photo_type FROM decisions WHERE project_id = ? AND id = ? AND paper_photo IS NOT NULL`,
	"payment":    `SELECT photo, photo_type FROM payments WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
	"fund":       `SELECT photo, photo_type FROM funds WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
	"inspection": `SELECT data, type FROM inspection_photos WHERE project_id = ? AND inspection_id = ? ORDER BY id LIMIT 1 OFFSET ?`,
	"fix":        `SELECT fixed_photo, '' FROM inspection_issues WHERE project_id = ? AND id = ? AND fixed_photo IS NOT NULL`,
	"feedback":   `SELECT photo, photo_type FROM feedback WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
	"objection":  `SELECT photo, photo_type FROM objections WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
}

// Photo is one photo kept with a record of a project; the type is ""
// where the table keeps none (the bytes say what they are).
func (s *Store) Photo(ctx context.Context, projectID int64, kind string, id int64, n int) ([]byte, string, error) {
	query, ok := photoQueries[kind]
	if !ok || n < 1 {
		return nil, "", engine.Errorf(engine.ECodeNotFound, "没有这张照片")
	}
	args := []any{projectID, id}
	if kind == "inspection" {
		args = append(args, n-1)
	} else if n != 1 {
		return nil, "", engine.Errorf(engine.ECodeNotFound, "没有这张照片")
	}
	var row struct {
		Data []byte
		Type string
	}
	if err := s.db.QueryRowxContext(ctx, s.q(query), args...).Scan(&row.Data, &row.Type); err != nil {
		return nil, "", s.notFound(err, "没有这张照片")
	}
	return row.Data, row.Type, nil
}
