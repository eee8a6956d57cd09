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

// Works returns a project's stages, supervision group and goal; the
// default stages when nothing was saved yet.
func (s *Store) Works(ctx context.Context, projectID int64) (*engine.Works, error) {
	var row struct {
		Stages, Supervisors string
		SatisfactionGoal    int64
		UpdatedAt           time.Time
	}
	w := &engine.Works{ProjectID: projectID, SatisfactionGoal: 9000, Supervisors: []engine.Supervisor{}}
	err := s.db.GetContext(ctx, &row, s.q(`SELECT stages, supervisors, satisfaction_goal, updated_at FROM works WHERE project_id = ?`), projectID)
	if errors.Is(err, sql.ErrNoRows) {
		for _, name := range engine.DefaultStages {
			w.Stages = append(w.Stages, engine.Stage{Name: name})
		}
		return w, nil
	}
	if err != nil {
		return nil, s.mapError(err)
	}
	if err := json.Unmarshal([]byte(row.Stages), &w.Stages); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(row.Supervisors), &w.Supervisors); err != nil {
		return nil, err
	}
	w.SatisfactionGoal, w.UpdatedAt = engine.Percent(row.SatisfactionGoal), row.UpdatedAt
	return w, nil
}

// SaveWorks stores a project's stages, group and goal, with its event.
func (s *Store) SaveWorks(ctx context.Context, w *engine.Works, actor string) error {
	stages, err := json.Marshal(w.Stages)
	if err != nil {
		return err
	}
	group, err := json.Marshal(w.Supervisors)
	if err != nil {
		return err
	}
	w.UpdatedAt = s.now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO works (project_id, stages, supervisors, satisfaction_goal, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (project_id) DO UPDATE SET stages = excluded.stages, supervisors = excluded.supervisors,
			satisfaction_goal = excluded.satisfaction_goal, updated_at = excluded.updated_at`),
			w.ProjectID, string(stages), string(group), int64(w.SatisfactionGoal), w.UpdatedAt); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: w.ProjectID, Kind: engine.AuditWorks, Actor: actor, At: w.UpdatedAt,
			Data: engine.AuditData(map[string]any{"stages": json.RawMessage(stages), "supervisors": len(w.Supervisors), "satisfaction_goal": w.SatisfactionGoal.String()})})
	})
}

// RecordInspection stores an inspection with its issues and photos.
func (s *Store) RecordInspection(ctx context.Context, in *engine.Inspection, actor string) error {
	inspectors, err := json.Marshal(in.Inspectors)
	if err != nil {
		return err
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = s.now()
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &in.ID, s.q(`INSERT INTO inspections (project_id, day, inspectors, findings, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), in.ProjectID, in.Day, string(inspectors), in.Findings, in.RecordedBy, in.CreatedAt); err != nil {
			return err
		}
		for _, is := range in.Issues {
			is.ProjectID, is.InspectionID = in.ProjectID, in.ID
			if err := tx.GetContext(ctx, &is.ID, s.q(`INSERT INTO inspection_issues (project_id, inspection_id, text) VALUES (?, ?, ?) RETURNING id`),
				in.ProjectID, in.ID, is.Text); err != nil {
				return err
			}
		}
		for _, photo := range in.Photos {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inspection_photos (inspection_id, data, type) VALUES (?, ?, 'image/jpeg')`), in.ID, photo); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: in.ProjectID, Kind: engine.AuditInspection, Actor: actor, At: in.CreatedAt,
			Data: engine.AuditData(map[string]any{"inspection_id": in.ID, "day": in.Day, "issues": len(in.Issues), "photos": len(in.Photos)})})
	})
}

// Inspections lists a project's inspections, newest first, with issues.
func (s *Store) Inspections(ctx context.Context, projectID int64) ([]*engine.Inspection, error) {
	var rows []struct {
		ID, ProjectID, RecordedBy int64
		Day, Inspectors, Findings string
		CreatedAt                 time.Time
		PhotoCount                int
	}
	if err := s.db.SelectContext(ctx, &rows, s.q(`SELECT id, project_id, recorded_by, day, inspectors, findings, created_at,
		(SELECT COUNT(*) FROM inspection_photos p WHERE p.inspection_id = i.id) AS photo_count FROM inspections i
		WHERE project_id = ? ORDER BY day DESC, id DESC`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	var issues []*engine.InspectionIssue
	if err := s.db.SelectContext(ctx, &issues, s.q(`SELECT id, project_id, inspection_id, text, COALESCE(fixed_day, '') AS fixed_day, fixed_note, fixed_at,
		fixed_photo IS NOT NULL AS has_fix_photo FROM inspection_issues WHERE project_id = ? ORDER BY id`), projectID); err != nil {
		return nil, s.mapError(err)
	}
	byInspection := map[int64][]*engine.InspectionIssue{}
	for _, is := range issues {
		byInspection[is.InspectionID] = append(byInspection[is.InspectionID], is)
	}
	out := make([]*engine.Inspection, len(rows))
	for i, r := range rows {
		in := &engine.Inspection{ID: r.ID, ProjectID: r.ProjectID, Day: r.Day, Findings: r.Findings, RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt,
			Issues: byInspection[r.ID], PhotoCount: r.PhotoCount}
		if err := json.Unmarshal([]byte(r.Inspectors), &in.Inspectors); err != nil {
			return nil, err
		}
		out[i] = in
	}
	return out, nil
}

// FixIssue marks an inspection issue fixed, once.
func (s *Store) FixIssue(ctx context.Context, is *engine.InspectionIssue, actor string) error {
	now := s.now()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE inspection_issues SET fixed_day = ?, fixed_note = ?, fixed_photo = ?, fixed_at = ?
			WHERE project_id = ? AND id = ? AND fixed_day IS NULL`), is.FixedDay, is.FixedNote, is.FixedPhoto, now, is.ProjectID, is.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeConflict, "问题 %d 不存在或已整改", is.ID))
		}
		is.FixedAt = &now
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: is.ProjectID, Kind: engine.AuditIssueFixed, Actor: actor, At: now,
			Data: engine.AuditData(map[string]any{"issue_id": is.ID, "day": is.FixedDay})})
	})
}

const feedbackColumns = `id, project_id, COALESCE(household_id, 0) AS household_id, category, text, photo_type, created_at, answer, answered_at,
	COALESCE(answered_by, 0) AS answered_by, closed_at, rating, rated_at`

// RecordFeedback stores a resident's message with its event.
func (s *Store) RecordFeedback(ctx context.Context, f *engine.Feedback, actor string) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = s.now()
	}
	f.CreatedAt = f.CreatedAt.UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &f.ID, s.q(`INSERT INTO feedback (project_id, household_id, category, text, photo, photo_type, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), f.ProjectID, nullID(f.HouseholdID), f.Category, f.Text, f.Photo, f.PhotoType, f.CreatedAt); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: f.ProjectID, Kind: engine.AuditFeedback, Actor: actor, At: f.CreatedAt,
			Data: engine.AuditData(map[string]any{"feedback_id": f.ID, "step": "received", "category": f.Category})})
	})
}

// Feedback lists a project's feedback, oldest first, without photos.
func (s *Store) Feedback(ctx context.Context, projectID int64) ([]*engine.Feedback, error) {
	var fs []*engine.Feedback
	err := s.db.SelectContext(ctx, &fs, s.q(`SELECT `+feedbackColumns+` FROM feedback WHERE project_id = ? ORDER BY id`), projectID)
	return fs, s.mapError(err)
}

// FeedbackByID is one message of a project.
func (s *Store) FeedbackByID(ctx context.Context, projectID, id int64) (*engine.Feedback, error) {
	var f engine.Feedback
	if err := s.db.GetContext(ctx, &f, s.q(`SELECT `+feedbackColumns+` FROM feedback WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "意见 %d 不存在", id)
	}
	return &f, nil
}

// UpdateFeedback stores an answer, a closing or a rating, with its event,
// at the time the caller gives (engine.Now when zero).
func (s *Store) UpdateFeedback(ctx context.Context, f *engine.Feedback, kind, actor string, at time.Time) error {
	now := at.UTC().Truncate(time.Microsecond)
	if at.IsZero() {
		now = s.now()
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var res sql.Result
		var err error
		switch kind {
		case "answered":
			f.AnsweredAt = &now
			res, err = tx.ExecContext(ctx, s.q(`UPDATE feedback SET answer = ?, answered_at = ?, answered_by = ? WHERE project_id = ? AND id = ? AND closed_at IS NULL`),
				f.Answer, now, f.AnsweredBy, f.ProjectID, f.ID)
		case "closed":
			f.ClosedAt = &now
			res, err = tx.ExecContext(ctx, s.q(`UPDATE feedback SET closed_at = ? WHERE project_id = ? AND id = ? AND closed_at IS NULL`), now, f.ProjectID, f.ID)
		case "rated":
			f.RatedAt = &now
			res, err = tx.ExecContext(ctx, s.q(`UPDATE feedback SET rating = ?, rated_at = ? WHERE project_id = ? AND id = ? AND closed_at IS NOT NULL AND rating = ''`),
				f.Rating, now, f.ProjectID, f.ID)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, engine.Errorf(engine.ECodeConflict, "这条意见现在不能这样处理（已关闭、未关闭或已评价）"))
		}
		return s.appendAudit(ctx, tx, &engine.AuditEvent{ProjectID: f.ProjectID, Kind: engine.AuditFeedback, Actor: actor, At: now,
			Data: engine.AuditData(map[string]any{"feedback_id": f.ID, "step": kind, "rating": f.Rating})})
	})
}

// photoQueries select (data, type) of one photo of a project's record by
// kind, with the project and the record's id as parameters (and, for an
// inspection, which photo from 0).
var photoQueries = map[string]string{
	"decision": `SELECT paper_photo, paper_photo_type FROM decisions WHERE project_id = ? AND id = ? AND paper_photo IS NOT NULL`,
	"payment":  `SELECT photo, photo_type FROM payments WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
	"fund":     `SELECT photo, photo_type FROM funds WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
	"inspection": `SELECT p.data, p.type FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id
		WHERE i.project_id = ? AND i.id = ? ORDER BY p.id LIMIT 1 OFFSET ?`,
	"fix":      `SELECT fixed_photo, '' FROM inspection_issues WHERE project_id = ? AND id = ? AND fixed_photo IS NOT NULL`,
	"feedback": `SELECT photo, photo_type FROM feedback WHERE project_id = ? AND id = ? AND photo IS NOT NULL`,
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
