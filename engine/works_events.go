package engine

import (
	"encoding/json"
	"fmt"
	"time"
)

// What the chain says of the works and the feedback (DESIGN §15): each
// event carries the images of the rows it wrote — the stages and the
// group, an inspection with its issues and photos (by SHA-256), a fix, a
// message with its answer, closing and 回访 rating — so that audit verify
// names a rating rewritten, an answer edited, a message deleted, a finding
// edited, a stage's date moved or a photo swapped.

// Projected tables of the works.
const (
	TableWorks            = "works"
	TableInspections      = "inspections"
	TableInspectionIssues = "inspection_issues"
	TableInspectionPhotos = "inspection_photos"
	TableFeedback         = "feedback"
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableWorks, Label: "工程阶段、监督小组与满意率目标"},
		ProjectedTable{Name: TableInspections, Label: "监督检查记录"},
		ProjectedTable{Name: TableInspectionIssues, Label: "检查发现的问题及整改"},
		ProjectedTable{Name: TableInspectionPhotos, Label: "检查照片"},
		ProjectedTable{Name: TableFeedback, Label: "居民意见、答复与回访评价"})
}

// Row is the image of a project's works row (its id is the project's):
// each stage's and each member's fields by position, so that a moved date
// is named by its stage.
func (w *Works) Row() Row {
	cols := map[string]string{
		"stages": ColInt(int64(len(w.Stages))), "supervisors": ColInt(int64(len(w.Supervisors))),
		"satisfaction_goal": w.SatisfactionGoal.String(), "updated_at": ColTime(w.UpdatedAt)}
	for i, s := range w.Stages {
		p := fmt.Sprintf("stages[%d].", i)
		cols[p+"name"], cols[p+"planned"], cols[p+"actual"], cols[p+"note"] = s.Name, s.Planned, s.Actual, s.Note
	}
	for i, m := range w.Supervisors {
		p := fmt.Sprintf("supervisors[%d].", i)
		cols[p+"name"], cols[p+"role"], cols[p+"phone"] = m.Name, m.Role, m.Phone
	}
	return Row{Table: TableWorks, ID: w.ProjectID, Cols: cols}
}

// Row is the image of an inspection's row (its issues and photos are rows
// of their own).
func (in *Inspection) Row() Row {
	inspectors, _ := json.Marshal(in.Inspectors)
	return Row{Table: TableInspections, ID: in.ID, Cols: map[string]string{
		"day": in.Day, "inspectors": string(inspectors), "findings": in.Findings,
		"recorded_by": ColInt(in.RecordedBy), "created_at": ColTime(in.CreatedAt)}}
}

// Row is the image of an issue with its fix (the photo by its SHA-256).
func (is *InspectionIssue) Row() Row {
	return Row{Table: TableInspectionIssues, ID: is.ID, Cols: map[string]string{
		"inspection_id": ColInt(is.InspectionID), "text": is.Text, "fixed_day": is.FixedDay, "fixed_note": is.FixedNote,
		"fixed_photo": ColBlob(is.FixedPhoto), "fixed_at": ColTimePtr(is.FixedAt)}}
}

// InspectionPhoto is one site photo of an inspection.
type InspectionPhoto struct {
	ID           int64
	InspectionID int64
	Data         []byte
	Type         string
}

// InspectionPhotoType is the type of every site photo (re-encoded JPEG).
const InspectionPhotoType = "image/jpeg"

// Row is the image of a site photo: its SHA-256.
func (p InspectionPhoto) Row() Row {
	return Row{Table: TableInspectionPhotos, ID: p.ID, Cols: map[string]string{
		"inspection_id": ColInt(p.InspectionID), "data": ColBlob(p.Data), "type": p.Type}}
}

// Row is the image of a message with its handling: the answer, who gave
// it and when, the closing and the 回访 rating.
func (f *Feedback) Row() Row {
	return Row{Table: TableFeedback, ID: f.ID, Cols: map[string]string{
		"household_id": ColInt(f.HouseholdID), "category": f.Category, "text": f.Text,
		"photo": ColBlob(f.Photo), "photo_type": f.PhotoType, "created_at": ColTime(f.CreatedAt),
		"answer": f.Answer, "answered_at": ColTimePtr(f.AnsweredAt), "answered_by": ColInt(f.AnsweredBy),
		"closed_at": ColTimePtr(f.ClosedAt), "rating": f.Rating, "rated_at": ColTimePtr(f.RatedAt)}}
}

// WorksSaved is the event of new stages, group or goal: the image of the
// columns that changed from before (the row as read).
func WorksSaved(before Row, w *Works, actor string) *AuditEvent {
	return &AuditEvent{ProjectID: w.ProjectID, Kind: AuditWorks, Actor: actor, At: w.UpdatedAt,
		Data: AuditData(struct {
			Stages           []Stage `json:"stages"`
			Supervisors      int     `json:"supervisors"`
			SatisfactionGoal string  `json:"satisfaction_goal"`
			RowsData
		}{w.Stages, len(w.Supervisors), w.SatisfactionGoal.String(), RowsData{Rows: []Row{Changed(before, w.Row())}}})}
}

// InspectionRecorded is the event of an inspection, with the images of
// its issues and photos.
func InspectionRecorded(in *Inspection, actor string) *AuditEvent {
	rows := []Row{in.Row()}
	for _, is := range in.Issues {
		rows = append(rows, is.Row())
	}
	for i, data := range in.Photos {
		rows = append(rows, InspectionPhoto{ID: in.PhotoIDs[i], InspectionID: in.ID, Data: data, Type: InspectionPhotoType}.Row())
	}
	return &AuditEvent{ProjectID: in.ProjectID, Kind: AuditInspection, Actor: actor, At: in.CreatedAt,
		Data: AuditData(struct {
			InspectionID int64  `json:"inspection_id"`
			Day          string `json:"day"`
			Issues       int    `json:"issues"`
			Photos       int    `json:"photos"`
			RowsData
		}{in.ID, in.Day, len(in.Issues), len(in.Photos), RowsData{Rows: rows}})}
}

// IssueFixed is the event of an issue's fix.
func IssueFixed(is *InspectionIssue, actor string) *AuditEvent {
	return &AuditEvent{ProjectID: is.ProjectID, Kind: AuditIssueFixed, Actor: actor, At: *is.FixedAt,
		Data: AuditData(struct {
			IssueID int64  `json:"issue_id"`
			Day     string `json:"day"`
			RowsData
		}{is.ID, is.FixedDay, RowsData{Rows: []Row{is.Row().Only("fixed_day", "fixed_note", "fixed_photo", "fixed_at")}}})}
}

// Steps of a message's handling, as its events name them.
const (
	FeedbackReceived = "received"
	FeedbackAnswered = "answered"
	FeedbackClosed   = "closed"
	FeedbackRated    = "rated"
)

// feedbackStepCols are the columns each step writes: the message whole
// when received, then only what the step changes.
var feedbackStepCols = map[string][]string{
	FeedbackAnswered: {"answer", "answered_at", "answered_by"},
	FeedbackClosed:   {"closed_at"},
	FeedbackRated:    {"rating", "rated_at"},
}

// FeedbackStep is the event of a step of a message's handling at at, with
// the image of what the step wrote.
func FeedbackStep(f *Feedback, step, actor string, at time.Time) *AuditEvent {
	img := f.Row()
	if cols, ok := feedbackStepCols[step]; ok {
		img = img.Only(cols...)
	}
	return &AuditEvent{ProjectID: f.ProjectID, Kind: AuditFeedback, Actor: actor, At: at,
		Data: AuditData(struct {
			FeedbackID int64  `json:"feedback_id"`
			Step       string `json:"step"`
			Category   string `json:"category,omitempty"`
			Rating     string `json:"rating,omitempty"`
			RowsData
		}{f.ID, step, f.Category, f.Rating, RowsData{Rows: []Row{img}}})}
}
