package store

import (
	"context"

	"github.com/renovote/renovote/engine"
)

// The vote's lifecycle: a ballot's result record and the objections to its
// posted count. Statements only: when a window runs, who may object and
// what an answer changes is decided in engine and app.

const ballotResultColumns = `ballot_id, project_id, objection_days, finalized_at, COALESCE(finalized_by, 0) AS finalized_by, passed, updated_at`

// BallotResult is a ballot's result record, or nil when it has none.
func (s *Store) BallotResult(ctx context.Context, projectID, ballotID int64) (*engine.BallotResult, error) {
	var rs []*engine.BallotResult
	if err := s.conn(ctx).SelectContext(ctx, &rs, s.q(`SELECT `+ballotResultColumns+` FROM ballot_results WHERE project_id = ? AND ballot_id = ?`), projectID, ballotID); err != nil {
		return nil, s.mapError(err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return rs[0], nil
}

// SaveBallotResult inserts or replaces a ballot's result record.
func (s *Store) SaveBallotResult(ctx context.Context, r *engine.BallotResult) error {
	_, err := s.conn(ctx).ExecContext(ctx, s.q(`INSERT INTO ballot_results (ballot_id, project_id, objection_days, finalized_at, finalized_by, passed, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+s.rowKey("ballot_id")+`) DO UPDATE SET objection_days = excluded.objection_days, finalized_at = excluded.finalized_at,
			finalized_by = excluded.finalized_by, passed = excluded.passed, updated_at = excluded.updated_at`),
		r.BallotID, r.ProjectID, r.ObjectionDays, r.FinalizedAt, nullID(r.FinalizedBy), r.Passed, r.UpdatedAt)
	return s.mapError(err)
}

const objectionColumns = `id, project_id, ballot_id, household_id, name, reason, channel, COALESCE(recorded_by, 0) AS recorded_by, created_at,
	outcome, answer, answered_at, COALESCE(answered_by, 0) AS answered_by, COALESCE(corrects_decision, 0) AS corrects_decision, corrected_vote,
	photo, photo_type`

// InsertObjection inserts an objection, filling its ID.
func (s *Store) InsertObjection(ctx context.Context, o *engine.Objection) error {
	err := s.conn(ctx).GetContext(ctx, &o.ID, s.q(`INSERT INTO objections (project_id, ballot_id, household_id, name, reason, channel, recorded_by, created_at,
		photo, photo_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		o.ProjectID, o.BallotID, o.HouseholdID, o.Name, o.Reason, o.Channel, nullID(o.RecordedBy), o.CreatedAt, o.Photo, o.PhotoType)
	return s.mapError(err)
}

// Objections lists a ballot's objections, oldest first.
func (s *Store) Objections(ctx context.Context, projectID, ballotID int64) ([]*engine.Objection, error) {
	os := []*engine.Objection{}
	err := s.conn(ctx).SelectContext(ctx, &os, s.q(`SELECT `+objectionColumns+` FROM objections WHERE project_id = ? AND ballot_id = ? ORDER BY id`), projectID, ballotID)
	return os, s.mapError(err)
}

// Objection is one objection of a project.
func (s *Store) Objection(ctx context.Context, projectID, id int64) (*engine.Objection, error) {
	var o engine.Objection
	if err := s.conn(ctx).GetContext(ctx, &o, s.q(`SELECT `+objectionColumns+` FROM objections WHERE project_id = ? AND id = ?`), projectID, id); err != nil {
		return nil, s.notFound(err, "异议 %d 不存在", id)
	}
	return &o, nil
}

// SaveObjectionAnswer writes an objection's answer.
func (s *Store) SaveObjectionAnswer(ctx context.Context, o *engine.Objection) error {
	res, err := s.conn(ctx).ExecContext(ctx, s.q(`UPDATE objections SET outcome = ?, answer = ?, answered_at = ?, answered_by = ?, corrects_decision = ?, corrected_vote = ?
		WHERE project_id = ? AND id = ?`), o.Outcome, o.Answer, o.AnsweredAt, nullID(o.AnsweredBy), nullID(o.CorrectsDecision), o.CorrectedVote, o.ProjectID, o.ID)
	return s.updated(res, err, "异议 %d 不存在", o.ID)
}

func init() { readProjection((*Store).lifecycleRows) }

// lifecycleRows reads the images of a project's result records and
// objections through the engine types and their Row.
func (s *Store) lifecycleRows(ctx context.Context, q querier, projectID int64) (map[string][]engine.Row, error) {
	out := map[string][]engine.Row{}
	var rs []*engine.BallotResult
	if err := q.SelectContext(ctx, &rs, s.q(`SELECT `+ballotResultColumns+` FROM ballot_results WHERE project_id = ?`), projectID); err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[engine.TableBallotResults] = append(out[engine.TableBallotResults], r.Row())
	}
	var os []*engine.Objection
	if err := q.SelectContext(ctx, &os, s.q(`SELECT `+objectionColumns+` FROM objections WHERE project_id = ?`), projectID); err != nil {
		return nil, err
	}
	for _, o := range os {
		out[engine.TableObjections] = append(out[engine.TableObjections], o.Row())
	}
	return out, nil
}
