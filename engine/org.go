package engine

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Organisations (DESIGN §17): a tree 区 → 街道 → 社区; each project belongs
// to one 社区. Organisations are rows of the system chain: adding one is an
// event (org_added) that carries its image.

// Kinds of organisation, from the top.
const (
	OrgDistrict  = "区"
	OrgStreet    = "街道"
	OrgCommunity = "社区"
)

// Org is one organisation of the tree.
type Org struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	ParentID  int64     `json:"parent_id,omitempty"` // 0 for a 区
	CreatedAt time.Time `json:"created_at"`
}

// Names of the organisations an upgrade creates for the projects that
// existed before organisations did.
const (
	DefaultDistrict  = "默认区"
	DefaultStreet    = "默认街道"
	DefaultCommunity = "默认社区"
)

// TableOrgs is the projected table of organisations (system chain).
const TableOrgs = "orgs"

// AuditOrgAdded is the event of a new organisation; AuditProjectOrgSet of
// a project moved into a 社区 (at upgrade) and AuditProjectAssigned of a
// worker assigned to a project.
const (
	AuditOrgAdded        = "org_added"
	AuditProjectOrgSet   = "project_org_set"
	AuditProjectAssigned = "project_assigned"
)

// TableAssignments is the projected table of project assignments.
const TableAssignments = "project_assignments"

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableOrgs, Label: "组织（区、街道、社区）"},
		ProjectedTable{Name: TableAssignments, Label: "项目指派"})
}

// Row is the image of an orgs row.
func (o Org) Row() Row {
	return Row{Table: TableOrgs, ID: o.ID, Cols: map[string]string{
		"name": o.Name, "kind": o.Kind, "parent_id": ColInt(o.ParentID), "created_at": ColTime(o.CreatedAt)}}
}

// parentKind is the kind an organisation's parent must be ("" for none).
var parentKind = map[string]string{OrgDistrict: "", OrgStreet: OrgDistrict, OrgCommunity: OrgStreet}

// CheckOrg checks a new organisation against its parent (nil when it
// names none): a 区 has no parent, a 街道's parent is a 区, a 社区's a 街道.
func CheckOrg(o Org, parent *Org) error {
	name := strings.TrimSpace(o.Name)
	if name == "" {
		return Invalidf("name", "组织名称不能为空")
	}
	if utf8.RuneCountInString(name) > 64 {
		return Invalidf("name", "组织名称最长64个字")
	}
	want, ok := parentKind[o.Kind]
	if !ok {
		return Invalidf("kind", "组织类型必须是“区”“街道”或“社区”之一")
	}
	switch {
	case want == "" && o.ParentID != 0:
		return Invalidf("parent_id", "区是最上一级，不能有上级组织")
	case want != "" && o.ParentID == 0:
		return Invalidf("parent_id", "%s必须有上级%s（parent_id）", o.Kind, want)
	case want != "" && parent == nil:
		return Invalidf("parent_id", "上级组织 %d 不存在", o.ParentID)
	case want != "" && parent.Kind != want:
		return Invalidf("parent_id", "%s的上级必须是%s，组织 %d（%s）是%s", o.Kind, want, parent.ID, parent.Name, parent.Kind)
	}
	return nil
}

// OrgAdded is the event of a new organisation.
func OrgAdded(o Org, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditOrgAdded, Actor: actor, At: at,
		Data: AuditData(struct {
			OrgID int64  `json:"org_id"`
			Name  string `json:"name"`
			Kind  string `json:"kind"`
			RowsData
		}{o.ID, o.Name, o.Kind, RowsData{Rows: []Row{o.Row()}}})}
}

// ProjectOrgSet is the event of a project put into a 社区: the image of
// the projects row's org_id column.
func ProjectOrgSet(p *Project, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: p.ID, Kind: AuditProjectOrgSet, Actor: actor, At: at,
		Data: AuditData(struct {
			OrgID int64 `json:"org_id"`
			RowsData
		}{p.OrgID, RowsData{Rows: []Row{p.Row().Only("org_id")}}})}
}

// Assignment puts a worker on a project: they see and run it as its owner
// does.
type Assignment struct {
	ID         int64     `json:"id"`
	ProjectID  int64     `json:"project_id"`
	WorkerID   int64     `json:"worker_id"`
	AssignedAt time.Time `json:"assigned_at"`
}

// Row is the image of a project_assignments row.
func (as Assignment) Row() Row {
	return Row{Table: TableAssignments, ID: as.ID, Cols: map[string]string{
		"project_id": ColInt(as.ProjectID), "worker_id": ColInt(as.WorkerID), "assigned_at": ColTime(as.AssignedAt)}}
}

// ProjectAssigned is the event of a worker assigned to a project.
func ProjectAssigned(as Assignment, username, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: as.ProjectID, Kind: AuditProjectAssigned, Actor: actor, At: at,
		Data: AuditData(struct {
			WorkerID int64  `json:"worker_id"`
			Username string `json:"username"`
			RowsData
		}{as.WorkerID, username, RowsData{Rows: []Row{as.Row()}}})}
}

// Subtree is the set of an organisation's id and every id below it.
func Subtree(orgs []Org, root int64) map[int64]bool {
	children := map[int64][]int64{}
	for _, o := range orgs {
		children[o.ParentID] = append(children[o.ParentID], o.ID)
	}
	out := map[int64]bool{}
	stack := []int64{root}
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[id] {
			continue
		}
		out[id] = true
		stack = append(stack, children[id]...)
	}
	return out
}

// OrgStore keeps organisations and assignments; who may see or add them
// is decided in app.
type OrgStore interface {
	// InsertOrg stores an organisation and fills its ID.
	InsertOrg(ctx context.Context, o *Org) error
	// Orgs lists every organisation by id.
	Orgs(ctx context.Context) ([]Org, error)
	// SetProjectOrg puts a project into a 社区.
	SetProjectOrg(ctx context.Context, projectID, orgID int64, at time.Time) error
	// ProjectsWithoutOrg lists the ids of projects in no 社区 (made before
	// organisations existed).
	ProjectsWithoutOrg(ctx context.Context) ([]int64, error)
	// InsertAssignment stores an assignment and fills its ID; the same
	// worker twice on a project is a conflict.
	InsertAssignment(ctx context.Context, as *Assignment) error
	// Assigned says whether a worker is assigned to a project.
	Assigned(ctx context.Context, projectID, workerID int64) (bool, error)
	// WorkerByID finds a worker by id.
	WorkerByID(ctx context.Context, id int64) (*Worker, error)
	// ProjectsIn lists projects newest first, without households: those
	// owned by or assigned to worker (0: none), or in one of orgs; all
	// when all is set.
	ProjectsIn(ctx context.Context, worker int64, orgs []int64, all bool) ([]*Project, error)
	// Overview is one row per project of the given ids' organisations (all
	// when all is set), with the aggregates the overview shows.
	Overview(ctx context.Context, q OverviewQuery) ([]OverviewFacts, error)
	// OverviewHeads lists the projects q covers with their chains' heads.
	OverviewHeads(ctx context.Context, q OverviewQuery) ([]OverviewHead, error)
}

// Roles of workers (DESIGN §17). An account of before roles has "" and
// acts as a worker.
const (
	RoleWorker     = "worker"     // runs their own and assigned projects
	RoleLead       = "lead"       // 社区 lead: every project of the 社区
	RoleSupervisor = "supervisor" // 街道: sees everything below, changes nothing
	RoleAuditor    = "auditor"    // 区: sees everything below, changes nothing
)

// RoleNames are the roles in Chinese, for messages and the console.
var RoleNames = map[string]string{"": "工作人员", RoleWorker: "工作人员", RoleLead: "社区负责人", RoleSupervisor: "街道督导", RoleAuditor: "区级审计"}

// roleOrgKind is the kind of organisation a role belongs to.
var roleOrgKind = map[string]string{RoleWorker: OrgCommunity, RoleLead: OrgCommunity, RoleSupervisor: OrgStreet, RoleAuditor: OrgDistrict}

// CheckRole checks a new account's role against its organisation (nil
// when it names none): a worker or lead belongs to a 社区, a supervisor
// to a 街道, an auditor to a 区. An admin needs neither.
func CheckRole(role string, admin bool, orgID int64, org *Org) error {
	if admin && role == "" && orgID == 0 {
		return nil
	}
	kind, ok := roleOrgKind[role]
	if !ok {
		return Invalidf("role", "角色必须是 worker（工作人员）、lead（社区负责人）、supervisor（街道督导）或 auditor（区级审计）之一")
	}
	if orgID == 0 {
		return Invalidf("org_id", "%s必须属于一个%s（org_id）", RoleNames[role], kind)
	}
	if org == nil {
		return Invalidf("org_id", "组织 %d 不存在", orgID)
	}
	if org.Kind != kind {
		return Invalidf("org_id", "%s必须属于一个%s，组织 %d（%s）是%s", RoleNames[role], kind, org.ID, org.Name, org.Kind)
	}
	return nil
}

// FindOrg finds an organisation by id (nil when there is none).
func FindOrg(orgs []Org, id int64) *Org {
	for i := range orgs {
		if orgs[i].ID == id {
			return &orgs[i]
		}
	}
	return nil
}
