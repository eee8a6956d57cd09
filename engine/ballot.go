package engine

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// Ballot is the consent vote on one published scenario.
type Ballot struct {
	ID         int64
	ProjectID  int64
	ScenarioID int64
	SHA256     string          // the scenario every decision binds to
	Rule       json.RawMessage // tally rule: "civil_code_major" or a custom object
	Deadline   time.Time
	OpenedAt   time.Time
	ClosedAt   *time.Time
	// CloseReason is why it closed early: BallotClosed, or BallotSuperseded
	// when a new plan was published (SupersededBy is that ballot).
	CloseReason  string
	SupersededBy int64
}

// Reasons a ballot closed before its deadline.
const (
	BallotClosed     = "closed"
	BallotSuperseded = "superseded"
)

// Superseded reports whether a newer plan replaced this ballot.
func (b *Ballot) Superseded() bool { return b.CloseReason == BallotSuperseded }

// Open reports whether decisions may still be recorded at now.
func (b *Ballot) Open(now time.Time) bool {
	return b.ClosedAt == nil && now.Before(b.Deadline)
}

// SigningLink lets one household act on one ballot. Only the hash of its
// token is stored; the link dies at its expiry or when revoked.
type SigningLink struct {
	ID          int64
	ProjectID   int64 // of the ballot (not in the row's image)
	BallotID    int64
	HouseholdID int64
	TokenHash   string
	ExpiresAt   time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
	// IssuedSeq is the seq of the event that issued the link on its
	// project's chain (0: issued before links carried it).
	IssuedSeq int64
	// SealedToken is the token sealed under the seal key (SealKey.Seal),
	// for printing the same link again; "" for links issued before.
	SealedToken string
}

// BallotStore keeps ballots and signing links. It runs SQL in the
// workflow's unit of work and decides nothing.
type BallotStore interface {
	Ballot(ctx context.Context, projectID, id int64) (*Ballot, error)
	// CurrentBallot is the project's latest ballot.
	CurrentBallot(ctx context.Context, projectID int64) (*Ballot, error)
	InsertBallot(ctx context.Context, b *Ballot) error
	// UnclosedBallots are a project's ballots without a closure.
	UnclosedBallots(ctx context.Context, projectID int64) ([]*Ballot, error)
	// InsertClosure stores how a ballot closed.
	InsertClosure(ctx context.Context, b *Ballot) error
	// LinkByTokenHash finds a live (unrevoked) link.
	LinkByTokenHash(ctx context.Context, projectID int64, tokenHash string) (*SigningLink, error)
	Links(ctx context.Context, projectID, ballotID int64) ([]*SigningLink, error)
	InsertLinks(ctx context.Context, links []*SigningLink) error
	RevokeLinks(ctx context.Context, links []*SigningLink) error
	// SetLinksIssued stores the seq of each link's link_issued event.
	SetLinksIssued(ctx context.Context, links []*SigningLink) error
	// EventProof is the events from seq to the first checkpoint at or
	// after it, and that checkpoint: what ProveEvent checks.
	EventProof(ctx context.Context, projectID, seq int64) ([]*AuditEvent, *Checkpoint, error)
	// LinkIssuedEvents are a project's link_issued events.
	LinkIssuedEvents(ctx context.Context, projectID int64) ([]*AuditEvent, error)
	// CountPageView counts an opening of a link's page (outside the chain).
	CountPageView(ctx context.Context, projectID, linkID int64, at time.Time) error
	// LinkViews is how the live links of a ballot were opened.
	LinkViews(ctx context.Context, projectID, ballotID int64) ([]LinkViews, error)
}

// LinkViews is how often one household's live link was opened, and when
// last: what a worker checks before knocking on a door.
type LinkViews struct {
	HouseholdID int64
	IssuedAt    time.Time
	Views       int64
	LastAt      *time.Time
}

// BallotTally is the live count of a ballot: the tally contract's answer
// over the households as published, plus what a worker needs beside it.
type BallotTally struct {
	*TallyResult
	Undecided  []string   `json:"undecided"` // rooms without a decision, sorted
	Thresholds Thresholds `json:"thresholds"`
	RuleText   string     `json:"rule_text"`
}

// TallyBallot counts the latest decisions of a ballot by its rule (民法典
// 第278条, docs/tally.md): households with the same owner_id are one owner;
// a household without a decision has not voted.
func TallyBallot(households []Household, rule Rule, latest []*Decision) (*BallotTally, error) {
	if len(households) == 0 {
		return nil, Invalidf("households", "项目没有住户")
	}
	votes := make(map[int64]string, len(latest))
	for _, d := range latest {
		votes[d.HouseholdID] = d.Vote
	}
	in := &TallyInput{Rule: rule, Households: make([]TallyHousehold, len(households))}
	undecided := []string{}
	for i, h := range households {
		owner := ""
		if h.OwnerID != "" {
			owner = "owner:" + h.OwnerID
		}
		in.Households[i] = TallyHousehold{Room: h.Room, Area: h.Area, Owner: owner, Vote: votes[h.ID], MustConsent: h.MustConsent}
		if votes[h.ID] == VoteNone {
			undecided = append(undecided, h.Room)
		}
	}
	sort.Strings(undecided)
	res, err := Tally(in)
	if err != nil {
		return nil, err
	}
	return &BallotTally{TallyResult: res, Undecided: undecided, Thresholds: rule.Thresholds(), RuleText: rule.Describe()}, nil
}

// Accepts refuses a decision that does not fit the ballot: of another
// project or plan, a household not in the project, or past the deadline.
// The store applies it inside the transaction that records the decision.
func (b *Ballot) Accepts(d *Decision, householdInProject bool) error {
	switch {
	case b == nil:
		return Errorf(ECodeNotFound, "表决不存在")
	case b.ProjectID != d.ProjectID:
		return Errorf(ECodeInvalid, "表决不属于该项目")
	case !householdInProject:
		return Errorf(ECodeInvalid, "住户不属于该项目")
	case d.ScenarioSHA256 != b.SHA256:
		return Errorf(ECodeConflict, "提交所依据的方案（%.12s…）与本次表决发布的方案（%.12s…）不一致，请刷新页面后重新确认", d.ScenarioSHA256, b.SHA256)
	case !b.Open(d.CreatedAt):
		return Errorf(ECodeConflict, "表决已于 %s 截止，不能再提交或更改意见", BeijingMinute(b.Deadline))
	}
	return nil
}
