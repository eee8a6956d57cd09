package engine

import (
	"context"
	"time"
)

// Project is one renovation project: one 单元 and its elevator, or one
// renovation item. It belongs to the worker who created it.
type Project struct {
	ID      int64
	OwnerID int64 // the worker who runs it
	// OrgID is the 社区 the project belongs to (0: none yet — a project of
	// before organisations, until the server moves it into 默认社区).
	OrgID      int64
	Name       string
	Address    string
	Floors     int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Households []Household
	// PublicSlug names the project's public pages (/p/{slug}): random, so
	// that published projects cannot be listed by counting ids.
	PublicSlug string
	Contact    Contact
	// Terms are what the agreement names beside the household: the other
	// party and the account the money goes to. They are published with the
	// plan (Snapshot.Terms): a change reaches the agreements only through a
	// new plan.
	Terms Terms
}

// Terms are the agreement's particulars that are not the calculation: 甲方
// (the implementing body or the owners' representative), the account the
// money is paid into, and when compensation is paid.
type Terms struct {
	PartyA         string `json:"party_a"`         // 甲方名称
	PartyARep      string `json:"party_a_rep"`     // 甲方代表人
	AccountName    string `json:"account_name"`    // 收款账户户名
	AccountBank    string `json:"account_bank"`    // 开户银行
	AccountNumber  string `json:"account_number"`  // 账号
	CompensationBy string `json:"compensation_by"` // 补偿款支付截止日 YYYY-MM-DD, or ""
}

// IsZero says no particulars are set: the agreement leaves blanks to fill
// in by hand.
func (t Terms) IsZero() bool { return t == Terms{} }

// Contact is who residents ask about a project: shown on every resident
// page, slip and notice.
type Contact struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	Office string `json:"office"`
}

// Reach says whom to ask and how — "王专干（电话 0571-87654321），社区居委会
// 二楼" — or "" when no one is named. Every page, slip, reminder and
// notice words the contact through it.
func (c Contact) Reach() string {
	if c.Name == "" {
		return ""
	}
	s := c.Name
	if c.Phone != "" {
		s += "（电话 " + c.Phone + "）"
	}
	if c.Office != "" {
		s += "，" + c.Office
	}
	return s
}

// Household is one flat (专有部分) of a project.
type Household struct {
	ID          int64
	ProjectID   int64
	Room        string // 房号, also the id in the calculation
	Floor       int
	Area        Area
	OwnerName   string
	OwnerID     string // the same person owning several flats counts once by headcount
	Phone       string
	Hardship    bool
	Exempt      bool
	MustConsent bool // the works occupy this flat's exclusive part: its owner must agree
}

// ProjectStore keeps projects and their households. It answers queries;
// who may see what is decided by the workflows (app), never here.
type ProjectStore interface {
	// InsertProject stores p with its households, created at at.
	InsertProject(ctx context.Context, p *Project, at time.Time) error
	Project(ctx context.Context, id int64) (*Project, error)
	// ProjectBySlug finds a project by its public slug.
	ProjectBySlug(ctx context.Context, projectID int64, slug string) (*Project, error)
	// SetProjectSlug names a project's public pages.
	SetProjectSlug(ctx context.Context, projectID int64, slug string) error
	// EntryRoute is the project of an entry of before (engine/entry.go).
	EntryRoute(ctx context.Context, kind, key string) (int64, error)
	// Contact is who residents of a project ask.
	Contact(ctx context.Context, projectID int64) (Contact, error)
	// SetContact changes who residents ask (in the unit of work that
	// appends its event).
	SetContact(ctx context.Context, projectID int64, c Contact, at time.Time) error
	// SetTerms changes the agreement's particulars for the next plan.
	SetTerms(ctx context.Context, projectID int64, t Terms, at time.Time) error
	// Projects lists projects newest first, without households: those of
	// one worker, or all when ownerID is 0.
	Projects(ctx context.Context, ownerID int64) ([]*Project, error)
	// ReplaceHouseholds swaps all households of a project (the schema
	// refuses it once a scenario of the project is published).
	ReplaceHouseholds(ctx context.Context, projectID int64, hs []Household, at time.Time) error
	// UpdateHousehold writes one household as corrected in place.
	UpdateHousehold(ctx context.Context, h Household, at time.Time) error
	// HouseholdsUsed counts the published scenarios and the questionnaires
	// of a project (CanReplaceHouseholds decides).
	HouseholdsUsed(ctx context.Context, projectID int64) (published, questionnaires int, err error)
}

// CanSee reports whether w may see and change projects owned by ownerID.
func (w *Worker) CanSee(ownerID int64) bool {
	return w != nil && (w.Admin || w.ID == ownerID)
}
