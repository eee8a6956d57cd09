package engine

import (
	"context"
	"time"
)

// Project is one renovation project: one 单元 and its elevator, or one
// renovation item. It belongs to the worker who created it.
type Project struct {
	ID         int64
	OwnerID    int64 // the worker who runs it
	Name       string
	Address    string
	Floors     int
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Households []Household
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

// ProjectStore keeps projects and their households. Reads take the viewing
// worker: a worker sees only their own projects, an admin sees all
// (forbidden otherwise).
type ProjectStore interface {
	CreateProject(ctx context.Context, p *Project) error
	Project(ctx context.Context, viewer *Worker, id int64) (*Project, error)
	Projects(ctx context.Context, viewer *Worker) ([]*Project, error)
	// ReplaceHouseholds swaps all households of a project; it is a conflict
	// once a scenario of the project is published.
	ReplaceHouseholds(ctx context.Context, projectID int64, hs []Household) error
}

// CanSee reports whether w may see and change projects owned by ownerID.
func (w *Worker) CanSee(ownerID int64) bool {
	return w != nil && (w.Admin || w.ID == ownerID)
}
