package engine

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Every row is a projection of the chain (DESIGN §15): a row that the
// count, the money, the paper or a credential relies on is written in the
// transaction of the event that describes it, and the event carries the
// row's image — its columns as canonical text, blobs by their SHA-256. The
// audit check folds the images of a chain's events (the last image of a
// row wins) and compares the result with the tables, naming the first
// difference by table, id and column.

// Row is a row's image: what the chain says a row holds.
type Row struct {
	Table string            `json:"table"`
	ID    int64             `json:"id"`
	Cols  map[string]string `json:"cols"`
}

// RowsData is the part of an event's data the projection reads: embed it
// in an event's data struct, or add "rows" to a data map.
type RowsData struct {
	Rows []Row `json:"rows,omitempty"`
}

// ProjectedTable is a table the chain projects.
type ProjectedTable struct {
	Name  string
	Label string // Chinese, for the audit's reason
	// Issued: every row must have its image, but an image may outlive its
	// row (a session ends, is deleted); otherwise the table must equal the
	// projection both ways.
	Issued bool
}

// ProjectedTables are the tables the audit rebuilds from the chains, in
// the order it compares them.
var ProjectedTables = []ProjectedTable{}

// AuditBaseline is the event that upgrading a database writes to every
// chain that existed before its rows had images: the images of all its
// rows at that moment, vouched for by whoever ran the upgrade with the key.
const AuditBaseline = "projection_baseline"

// BaselineData is what a baseline event records.
type BaselineData struct {
	Tables []string `json:"tables"`
	RowsData
}

// Col helpers: the canonical text of column values in row images.
func ColInt(n int64) string      { return strconv.FormatInt(n, 10) }
func ColBool(b bool) string      { return strconv.FormatBool(b) }
func ColTime(t time.Time) string { return FormatTime(t) }
func ColBlob(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
func ColTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}

// RowDiff is the first difference between the tables and their projection.
type RowDiff struct {
	Table  string `json:"table"`
	ID     int64  `json:"id"`
	Column string `json:"column,omitempty"` // "" when the whole row is missing or extra
	Want   string `json:"want,omitempty"`   // what the chain says
	Got    string `json:"got,omitempty"`    // what the table holds
	Seq    int64  `json:"seq,omitempty"`    // the event of the last image
}

// projected is a row's last image and the event that wrote it.
type projected struct {
	row Row
	seq int64
}

// foldRows folds the images of a chain's events: table → id → last image.
// It also returns the tables checked in this chain: all of them for a
// chain whose rows had images from its start, else those its baselines
// name.
func foldRows(events []*AuditEvent) (map[string]map[int64]projected, map[string]bool, error) {
	out := map[string]map[int64]projected{}
	var baselined map[string]bool
	for _, e := range events {
		var data BaselineData
		if err := json.Unmarshal(e.Data, &data); err != nil {
			return nil, nil, fmt.Errorf("第%d条事件的内容无法读取", e.Seq)
		}
		if e.Kind == AuditBaseline {
			if baselined == nil {
				baselined = map[string]bool{}
			}
			for _, t := range data.Tables {
				baselined[t] = true
			}
		}
		for _, r := range data.Rows {
			if out[r.Table] == nil {
				out[r.Table] = map[int64]projected{}
			}
			out[r.Table][r.ID] = projected{row: merge(out[r.Table][r.ID].row, r), seq: e.Seq}
		}
	}
	checked := map[string]bool{}
	for _, t := range ProjectedTables {
		checked[t.Name] = baselined == nil || baselined[t.Name]
	}
	return out, checked, nil
}

// CheckProjection compares the stored rows (table → images read from the
// database) with the projection of the chain and returns the first
// difference, or nil.
func CheckProjection(events []*AuditEvent, stored map[string][]Row) (*RowDiff, error) {
	proj, checked, err := foldRows(events)
	if err != nil {
		return nil, err
	}
	for _, t := range ProjectedTables {
		if !checked[t.Name] {
			continue
		}
		rows := slices.Clone(stored[t.Name])
		slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.ID, b.ID) })
		want := proj[t.Name]
		for _, r := range rows {
			p, ok := want[r.ID]
			if !ok {
				return &RowDiff{Table: t.Name, ID: r.ID}, nil
			}
			if d := compareRow(p, r); d != nil {
				return d, nil
			}
		}
		if t.Issued {
			continue
		}
		have := make(map[int64]bool, len(rows))
		for _, r := range rows {
			have[r.ID] = true
		}
		ids := make([]int64, 0, len(want))
		for id := range want {
			if !have[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			slices.Sort(ids)
			return &RowDiff{Table: t.Name, ID: ids[0], Seq: want[ids[0]].seq, Want: "（应有此行）"}, nil
		}
	}
	return nil, nil
}

// merge lays an image over the row's image so far: an update's image
// carries only the columns it changed, so that a column someone changed
// in the database before a legitimate update is not vouched for by it.
func merge(prev, r Row) Row {
	if prev.Cols == nil {
		return r
	}
	cols := make(map[string]string, len(prev.Cols)+len(r.Cols))
	for c, v := range prev.Cols {
		cols[c] = v
	}
	for c, v := range r.Cols {
		cols[c] = v
	}
	return Row{Table: r.Table, ID: r.ID, Cols: cols}
}

// Only is the image of some columns of a row: what an update changed.
func (r Row) Only(cols ...string) Row {
	out := Row{Table: r.Table, ID: r.ID, Cols: make(map[string]string, len(cols))}
	for _, c := range cols {
		out.Cols[c] = r.Cols[c]
	}
	return out
}

// Changed is the image of the columns that differ between a row as read
// and as written (a column gone is written as "").
func Changed(before, after Row) Row {
	out := Row{Table: after.Table, ID: after.ID, Cols: map[string]string{}}
	for c, v := range after.Cols {
		if old, ok := before.Cols[c]; !ok || old != v {
			out.Cols[c] = v
		}
	}
	for c, v := range before.Cols {
		if _, ok := after.Cols[c]; !ok && v != "" {
			out.Cols[c] = ""
		}
	}
	return out
}

// compareRow compares a row's image with the row as stored; a column that
// one side lacks reads as "".
func compareRow(p projected, r Row) *RowDiff {
	cols := make([]string, 0, len(p.row.Cols)+len(r.Cols))
	for c := range p.row.Cols {
		cols = append(cols, c)
	}
	for c := range r.Cols {
		if _, ok := p.row.Cols[c]; !ok {
			cols = append(cols, c)
		}
	}
	slices.Sort(cols)
	for _, c := range cols {
		want, got := p.row.Cols[c], r.Cols[c]
		if want != got {
			return &RowDiff{Table: r.Table, ID: r.ID, Column: c, Want: want, Got: got, Seq: p.seq}
		}
	}
	return nil
}

// Reason words a difference for people.
func (d *RowDiff) Reason() string {
	label := d.Table
	for _, t := range ProjectedTables {
		if t.Name == d.Table {
			label = t.Label + "（" + t.Name + "）"
		}
	}
	switch {
	case d.Want == "（应有此行）":
		return fmt.Sprintf("%s #%d 在第%d条事件中登记过，但数据库中已不存在（记录被删除）", label, d.ID, d.Seq)
	case d.Column == "":
		return fmt.Sprintf("%s #%d 没有对应的审计事件（绕过系统直接写入了数据库）", label, d.ID)
	default:
		return fmt.Sprintf("%s #%d 的 %s 与第%d条事件登记的不符：登记为“%s”，数据库中为“%s”（记录被改动）", label, d.ID, d.Column, d.Seq, short(d.Want), short(d.Got))
	}
}

func short(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// ChainStart is what deciding a chain's baseline needs: its first event
// and whether it already holds a baseline.
type ChainStart struct {
	ProjectID int64
	First     *AuditEvent
	Baselined bool
}

// NeedsBaseline says whether a project chain was started before rows had
// images (its first event carries none) and has no baseline yet.
func NeedsBaseline(st ChainStart) bool {
	if st.ProjectID == 0 || st.Baselined || st.First == nil {
		return false
	}
	var data RowsData
	return json.Unmarshal(st.First.Data, &data) == nil && len(data.Rows) == 0
}

// ProjectBaseline is the baseline event of a project chain: the images of
// every projected row of the project, table by table.
func ProjectBaseline(projectID int64, rows map[string][]Row, at time.Time) *AuditEvent {
	var data BaselineData
	for _, t := range ProjectedTables {
		data.Tables = append(data.Tables, t.Name)
		rs := slices.Clone(rows[t.Name])
		slices.SortFunc(rs, func(a, b Row) int { return cmp.Compare(a.ID, b.ID) })
		data.Rows = append(data.Rows, rs...)
	}
	return &AuditEvent{ProjectID: projectID, Kind: AuditBaseline, Actor: ActorOperator, At: at, Data: AuditData(data)}
}
