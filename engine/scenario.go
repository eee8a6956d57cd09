package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Scenario statuses.
const (
	ScenarioDraft     = "draft"
	ScenarioPublished = "published"
)

// Scenario is one cost-sharing proposal for a project: an input of the
// calculation contract and its result. Publishing freezes it: its canonical
// JSON and SHA-256 are stored and never change.
type Scenario struct {
	ID          int64
	ProjectID   int64
	Name        string
	Status      string
	Input       json.RawMessage // the contract input without households
	Result      json.RawMessage // the calculation output
	Canonical   []byte          // set when published: what residents sign
	SHA256      string          // hex SHA-256 of Canonical
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt *time.Time
}

// Published reports whether s is frozen.
func (s *Scenario) Published() bool { return s.Status == ScenarioPublished }

// ScenarioSum returns the hex SHA-256 of a canonical document.
func ScenarioSum(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// ScenarioStore keeps scenarios. A published scenario can neither change
// nor be deleted: the database refuses it (conflict).
type ScenarioStore interface {
	CreateScenario(ctx context.Context, s *Scenario) error
	Scenario(ctx context.Context, projectID, id int64) (*Scenario, error)
	Scenarios(ctx context.Context, projectID int64) ([]*Scenario, error)
	UpdateScenario(ctx context.Context, s *Scenario) error
	// Publish freezes the scenario, opens a ballot and issues the signing
	// links, in one transaction, with their audit events.
	Publish(ctx context.Context, req *PublishRequest) (*Ballot, error)
}

// PublishRequest says what publishing writes.
type PublishRequest struct {
	ProjectID  int64
	ScenarioID int64
	Canonical  []byte
	SHA256     string
	Rule       json.RawMessage // the tally rule: a preset name or a custom object
	Deadline   time.Time
	Links      []SigningLink // token hashes, one per household
	Actor      string        // who publishes, for the audit log
	At         time.Time
}
