package engine

import "time"

// What the chain says of a project's own columns: who residents ask (the
// contact) and the agreement's particulars (the terms). Each event carries
// the image of the columns it set.

// Projected parts of the projects table.
const (
	TableProjects = "projects"
	TableContact  = "project_contact"
	TableTerms    = "project_terms"
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableProjects, Label: "项目（负责的工作人员、名称、地址）"},
		ProjectedTable{Name: TableContact, Label: "项目联系人"},
		ProjectedTable{Name: TableTerms, Label: "协议要素（甲方与收款账户）"})
}

// Row is the image of a project's own columns: whose it is (the worker
// who may act on it), what and where.
func (p *Project) Row() Row {
	r := Row{Table: TableProjects, ID: p.ID, Cols: map[string]string{
		"owner_id": ColInt(p.OwnerID), "name": p.Name, "address": p.Address, "floors": ColInt(int64(p.Floors)),
		"public_slug": p.PublicSlug, "created_at": ColTime(p.CreatedAt)}}
	if p.OrgID != 0 { // only when set: the images of older projects still match
		r.Cols["org_id"] = ColInt(p.OrgID)
	}
	return r
}

// Row is the image of a project's contact columns.
func (c Contact) Row(projectID int64) Row {
	return Row{Table: TableContact, ID: projectID, Cols: map[string]string{
		"contact_name": c.Name, "contact_phone": c.Phone, "contact_office": c.Office}}
}

// Row is the image of a project's terms columns.
func (t Terms) Row(projectID int64) Row {
	return Row{Table: TableTerms, ID: projectID, Cols: map[string]string{
		"party_a": t.PartyA, "party_a_rep": t.PartyARep, "account_name": t.AccountName, "account_bank": t.AccountBank,
		"account_number": t.AccountNumber, "compensation_by": t.CompensationBy}}
}

// ContactChanged is the event of a new contact: the name (the phone only
// in the image, which the public never sees).
func ContactChanged(projectID int64, c Contact, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditContactChanged, Actor: actor, At: at,
		Data: AuditData(struct {
			Name string `json:"name"`
			RowsData
		}{c.Name, RowsData{Rows: []Row{c.Row(projectID)}}})}
}

// TermsChanged is the event of new particulars.
func TermsChanged(projectID int64, t Terms, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: projectID, Kind: AuditTermsChanged, Actor: actor, At: at,
		Data: AuditData(struct {
			Terms
			RowsData
		}{t, RowsData{Rows: []Row{t.Row(projectID)}}})}
}
