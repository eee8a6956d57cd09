package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"time"
)

// What the chain says of a vote: the scenarios (drafts and the frozen
// plan), the ballots, how each closed, and the signing links with their
// token's hash and whether they were revoked. Each event carries the
// images of the rows it wrote (DESIGN §15).

// Projected tables of the vote.
const (
	TableScenarios      = "scenarios"
	TableBallots        = "ballots"
	TableBallotClosures = "ballot_closures"
	TableSigningLinks   = "signing_links"
)

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableScenarios, Label: "方案"},
		ProjectedTable{Name: TableBallots, Label: "表决"},
		ProjectedTable{Name: TableBallotClosures, Label: "表决的结束"},
		ProjectedTable{Name: TableSigningLinks, Label: "签署链接"})
}

// Row is the image of a scenario row: its documents by their SHA-256.
func (s *Scenario) Row() Row {
	return Row{Table: TableScenarios, ID: s.ID, Cols: map[string]string{
		"project_id": ColInt(s.ProjectID), "name": s.Name, "status": s.Status,
		"input": ColBlob(s.Input), "result": ColBlob(s.Result), "canonical": ColBlob(s.Canonical), "sha256": s.SHA256,
		"created_at": ColTime(s.CreatedAt), "updated_at": ColTime(s.UpdatedAt), "published_at": ColTimePtr(s.PublishedAt)}}
}

// Row is the image of a ballot row (the rule, the deadline and the plan
// it binds to); how it closed is a row of its own (ClosureRow).
func (b *Ballot) Row() Row {
	return Row{Table: TableBallots, ID: b.ID, Cols: map[string]string{
		"project_id": ColInt(b.ProjectID), "scenario_id": ColInt(b.ScenarioID), "sha256": b.SHA256, "rule": string(b.Rule),
		"deadline": ColTime(b.Deadline), "opened_at": ColTime(b.OpenedAt)}}
}

// ClosureRow is the image of the ballot_closures row of a closed ballot
// (keyed by the ballot's id).
func (b *Ballot) ClosureRow() Row {
	by := ""
	if b.SupersededBy != 0 {
		by = ColInt(b.SupersededBy)
	}
	return Row{Table: TableBallotClosures, ID: b.ID, Cols: map[string]string{
		"closed_at": ColTimePtr(b.ClosedAt), "reason": b.CloseReason, "superseded_by": by}}
}

// Row is the image of a signing link: the token's hash is what lets a
// household act, revoked_at is when it stopped.
func (l *SigningLink) Row() Row {
	return Row{Table: TableSigningLinks, ID: l.ID, Cols: map[string]string{
		"ballot_id": ColInt(l.BallotID), "household_id": ColInt(l.HouseholdID), "token_hash": l.TokenHash,
		"expires_at": ColTime(l.ExpiresAt), "revoked_at": ColTimePtr(l.RevokedAt), "created_at": ColTime(l.CreatedAt)}}
}

// ScenarioSaved is the event of a draft created or changed.
func ScenarioSaved(s *Scenario, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: s.ProjectID, Kind: AuditScenarioSaved, Actor: actor, At: at,
		Data: AuditData(struct {
			ScenarioID int64  `json:"scenario_id"`
			Name       string `json:"name"`
			RowsData
		}{s.ID, s.Name, RowsData{Rows: []Row{s.Row()}}})}
}

// Published is the event of a plan frozen and its ballot opened.
func Published(s *Scenario, b *Ballot, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: b.ProjectID, Kind: AuditPublished, Actor: actor, At: at,
		Data: AuditData(struct {
			ScenarioID int64  `json:"scenario_id"`
			BallotID   int64  `json:"ballot_id"`
			SHA256     string `json:"sha256"`
			Rule       string `json:"rule"`
			Deadline   string `json:"deadline"`
			RowsData
		}{s.ID, b.ID, b.SHA256, string(b.Rule), FormatTime(b.Deadline), RowsData{Rows: []Row{s.Row(), b.Row()}}})}
}

// BallotClosedEvent is the event of a ballot closed early (by a worker, or
// superseded by a new plan): b carries its closure.
func BallotClosedEvent(b *Ballot, actor string, at time.Time) *AuditEvent {
	data := map[string]any{"ballot_id": b.ID, "reason": b.CloseReason, "rows": []Row{b.ClosureRow()}}
	if b.SupersededBy != 0 {
		data["superseded_by"] = b.SupersededBy
	}
	return &AuditEvent{ProjectID: b.ProjectID, Kind: AuditBallotClosed, Actor: actor, At: at, Data: AuditData(data)}
}

// LinkIssuedData is what a link_issued event says: the link, its token's
// SHA-256 (in the image), and the image of the link it replaced (revoked)
// when it was re-issued.
type LinkIssuedData struct {
	BallotID    int64 `json:"ballot_id"`
	HouseholdID int64 `json:"household_id"`
	LinkID      int64 `json:"link_id"`
	Replaces    int64 `json:"replaces,omitempty"`
	RowsData
}

// LinkIssued is the event of a signing link issued; revoked is the link it
// replaces (RevokedAt set), or nil.
func LinkIssued(projectID int64, l *SigningLink, revoked *SigningLink, actor string, at time.Time) *AuditEvent {
	d := LinkIssuedData{BallotID: l.BallotID, HouseholdID: l.HouseholdID, LinkID: l.ID}
	if revoked != nil {
		d.Replaces = revoked.ID
		d.Rows = append(d.Rows, revoked.Row().Only("revoked_at"))
	}
	d.Rows = append(d.Rows, l.Row())
	return &AuditEvent{ProjectID: projectID, Kind: AuditLinkIssued, Actor: actor, At: at, Data: AuditData(d)}
}

// CheckLinkIssued says whether event e issued link l: it carries the
// image of l with the same token hash, ballot and household. An event of
// another project, or a link row whose token was put there by hand, fails.
// Links issued before the images existed (legacy: a link_issued event
// with the link's id and no image) are matched by id, ballot and household.
func CheckLinkIssued(e *AuditEvent, projectID int64, l *SigningLink) error {
	if e == nil || e.ProjectID != projectID {
		return fmt.Errorf("签署链接 #%d 的登记事件不属于项目 %d", l.ID, projectID)
	}
	var d LinkIssuedData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return fmt.Errorf("第%d条事件的内容无法读取", e.Seq)
	}
	for _, r := range d.Rows {
		if r.Table == TableSigningLinks && r.ID == l.ID {
			if r.Cols["token_hash"] != l.TokenHash || r.Cols["ballot_id"] != ColInt(l.BallotID) || r.Cols["household_id"] != ColInt(l.HouseholdID) {
				return fmt.Errorf("签署链接 #%d 与第%d条事件登记的不符", l.ID, e.Seq)
			}
			return nil
		}
	}
	if e.Kind == AuditLinkIssued && len(d.Rows) == 0 && d.LinkID == l.ID && d.BallotID == l.BallotID && d.HouseholdID == l.HouseholdID {
		return nil // legacy: issued before events carried the hash
	}
	return fmt.Errorf("第%d条事件没有登记签署链接 #%d", e.Seq, l.ID)
}

// LinkProof is what a link was issued as: its token's hash, id, ballot
// and household.
type LinkProof struct {
	TokenHash             string
	ID, Ballot, Household int64
}

// LinkKey is a stored link as its proof must read.
func LinkKey(l *SigningLink) LinkProof {
	return LinkProof{TokenHash: l.TokenHash, ID: l.ID, Ballot: l.BallotID, Household: l.HouseholdID}
}

// LinksIssuedIn lists the links whose images the events carry (events the
// caller has proven on the signed chain).
func LinksIssuedIn(events []*AuditEvent) []LinkProof {
	var out []LinkProof
	for _, e := range events {
		var d RowsData
		if json.Unmarshal(e.Data, &d) != nil {
			continue
		}
		for _, r := range d.Rows {
			if r.Table != TableSigningLinks {
				continue
			}
			ballot, err1 := strconv.ParseInt(r.Cols["ballot_id"], 10, 64)
			household, err2 := strconv.ParseInt(r.Cols["household_id"], 10, 64)
			if err1 == nil && err2 == nil && r.Cols["token_hash"] != "" {
				out = append(out, LinkProof{TokenHash: r.Cols["token_hash"], ID: r.ID, Ballot: ballot, Household: household})
			}
		}
	}
	return out
}

// LegacyLinkEvent picks, among a project's link_issued events, the one
// that issued link l before events carried the token's hash, or nil.
func LegacyLinkEvent(events []*AuditEvent, l *SigningLink) *AuditEvent {
	for _, e := range events {
		var d LinkIssuedData
		if e.Kind != AuditLinkIssued || json.Unmarshal(e.Data, &d) != nil || len(d.Rows) > 0 {
			continue
		}
		if d.LinkID == l.ID {
			return e
		}
	}
	return nil
}

// CanClose refuses to close a ballot that is already closed or past
// its deadline.
func (b *Ballot) CanClose(now time.Time) error {
	if !b.Open(now) {
		return Errorf(ECodeConflict, "没有进行中的表决：表决已结束或已截止")
	}
	return nil
}

// Close marks b closed at at, for reason, superseded by ballot by (0 when
// a worker closed it).
func (b *Ballot) Close(at time.Time, reason string, by int64) {
	at = at.UTC().Truncate(time.Microsecond)
	b.ClosedAt, b.CloseReason, b.SupersededBy = &at, reason, by
}

// OpenToSupersede is the ballots that publishing a new plan at now must
// close: those not closed and not past their deadline.
func OpenToSupersede(ballots []*Ballot, now time.Time) []*Ballot {
	var out []*Ballot
	for _, b := range ballots {
		if b.Open(now) {
			out = append(out, b)
		}
	}
	return out
}

// ClosureEvent is the ballot_closed event among events that closed ballot
// b, or nil when none did.
func ClosureEvent(events []*AuditEvent, b *Ballot) *AuditEvent {
	for _, e := range events {
		if e.Kind != AuditBallotClosed || e.ProjectID != b.ProjectID {
			continue
		}
		var d struct {
			BallotID int64 `json:"ballot_id"`
		}
		if json.Unmarshal(e.Data, &d) == nil && d.BallotID == b.ID {
			return e
		}
	}
	return nil
}

// CheckClosure says whether event e records exactly how ballot b closed:
// its ballot_closures image (or, for closures recorded before events
// carried images, its reason and successor).
func CheckClosure(e *AuditEvent, b *Ballot) error {
	if e == nil {
		return fmt.Errorf("第%d号表决的结束没有登记事件", b.ID)
	}
	var d struct {
		BallotID     int64  `json:"ballot_id"`
		Reason       string `json:"reason"`
		SupersededBy int64  `json:"superseded_by"`
		RowsData
	}
	if err := json.Unmarshal(e.Data, &d); err != nil || d.BallotID != b.ID {
		return fmt.Errorf("第%d条事件没有登记第%d号表决的结束", e.Seq, b.ID)
	}
	want := b.ClosureRow()
	for _, r := range d.Rows {
		if r.Table == TableBallotClosures && r.ID == b.ID {
			if !maps.Equal(r.Cols, want.Cols) {
				return fmt.Errorf("第%d号表决的结束记录与第%d条事件登记的不符", b.ID, e.Seq)
			}
			return nil
		}
	}
	if len(d.Rows) == 0 && d.Reason == b.CloseReason && d.SupersededBy == b.SupersededBy {
		return nil // recorded before events carried row images
	}
	return fmt.Errorf("第%d号表决的结束记录与第%d条事件登记的不符", b.ID, e.Seq)
}
