package engine

import "time"

// What the chain says of a decision: the event carries the digest (as
// always) and the decision's image; a paper decision also names the
// worker's session that entered it.

// TableDecisions is the decisions table as the chain projects it.
const TableDecisions = "decisions"

func init() {
	ProjectedTables = append(ProjectedTables, ProjectedTable{Name: TableDecisions, Label: "表决记录"})
}

// Row is the image of a decision (signature and photo by SHA-256; the
// address and browser it came from are kept in the digest only).
func (d *Decision) Row() Row {
	return Row{Table: TableDecisions, ID: d.ID, Cols: map[string]string{
		"ballot_id": ColInt(d.BallotID), "household_id": ColInt(d.HouseholdID), "scenario_sha256": d.ScenarioSHA256,
		"vote": d.Vote, "signer_name": d.SignerName, "signature_png": ColBlob(d.SignaturePNG), "method": d.Method,
		"witness": d.Witness, "reason": d.Reason, "paper_photo": ColBlob(d.PaperPhoto), "paper_photo_type": d.PaperPhotoType,
		"recorded_by": ColInt(d.RecordedBy), "idempotency_key": d.IdempotencyKey, "code": d.Code,
		"created_at": ColTime(d.CreatedAt)}}
}

// DecisionRecorded is the event of a new decision: by the household
// through its link, or by the worker (and their session) on paper.
func DecisionRecorded(d *Decision, session string) *AuditEvent {
	actor := HouseholdActor(d.HouseholdID)
	if d.Method == DecisionPaper {
		actor = WorkerActor(d.RecordedBy)
	}
	return &AuditEvent{ProjectID: d.ProjectID, Kind: AuditDecision, Actor: actor, At: d.CreatedAt,
		Data: AuditData(DecisionEventData{DecisionID: d.ID, HouseholdID: d.HouseholdID, Vote: d.Vote, Method: d.Method,
			Digest: d.Digest(), Session: session, RowsData: RowsData{Rows: []Row{d.Row()}}})}
}

// Replay decides what a decision sent with an idempotency key already
// used means: the same request again (the household's retry) answers the
// first record; other content is a conflict that names the first record.
func (first *Decision) Replay(again *Decision) error {
	if first.HouseholdID != again.HouseholdID { // never show one household another's record
		return Errorf(ECodeConflict, "该提交编号（idempotency_key）已被其他住户使用，请重新提交")
	}
	same := first.HouseholdID == again.HouseholdID && first.Vote == again.Vote && first.SignerName == again.SignerName &&
		first.Method == again.Method && first.Witness == again.Witness && bytesSum(first.SignaturePNG) == bytesSum(again.SignaturePNG) &&
		bytesSum(first.PaperPhoto) == bytesSum(again.PaperPhoto)
	if same {
		return nil
	}
	return Errorf(ECodeConflict, "提交编号（idempotency_key）已用于 %s 登记的另一份意见（核验码 %s，%s）：内容不同，请刷新页面后重新提交",
		BeijingMinute(first.CreatedAt), first.Code, VoteName(first.Vote))
}

// Stamp gives a new decision its time and verification code.
func (d *Decision) Stamp(now time.Time) {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
	d.CreatedAt = d.CreatedAt.UTC().Truncate(time.Microsecond)
	if d.Code == "" {
		d.Code = NewVerificationCode(d.ProjectID)
	}
}
