package engine

import "time"

// The rules and events of creating a project and replacing its
// households. The households themselves are not projected row by row: what
// the count and the paper rely on is the snapshot frozen at publishing
// (its SHA-256 is in the published event and checked by the audit), and
// the schema refuses to change households once a plan is published.

// CanReplaceHouseholds refuses to swap a project's households once a plan
// is published or a questionnaire was sent to them.
func CanReplaceHouseholds(published, questionnaires int) error {
	if published > 0 {
		return Errorf(ECodeConflict, "方案已发布，住户不能再修改；如需修改，请新建项目或方案后重新发布")
	}
	if questionnaires > 0 {
		return Errorf(ECodeConflict, "已向住户发出问卷，住户名单不能再修改；如需修改，请新建项目")
	}
	return nil
}

// ProjectCreated is the event that begins a project's chain: its name,
// how many households, and the images of its contact and terms.
func ProjectCreated(p *Project, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: p.ID, Kind: AuditProjectCreated, Actor: WorkerActor(p.OwnerID), At: at,
		Data: AuditData(struct {
			Name       string `json:"name"`
			Households int    `json:"households"`
			RowsData
		}{p.Name, len(p.Households), RowsData{Rows: []Row{p.Row(), p.Contact.Row(p.ID), p.Terms.Row(p.ID)}}})}
}

// HouseholdsReplaced is the event of a new household list.
func HouseholdsReplaced(projectID int64, hs []Household, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditHouseholdsReplaced, Actor: actor, At: at,
		Data: AuditData(map[string]any{"households": len(hs)})}
}
