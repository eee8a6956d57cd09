package engine

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"
)

// Workers and their sessions are projections of the system chain
// (project 0, DESIGN §15): adding a worker and changing a password carry
// the image of the workers row (the bcrypt hash only by its SHA-256), a
// login carries the image of its sessions row — the token's hash, the
// worker, the expiry — and a logout or a password change the images of
// the sessions it ends. A session row points to its login event
// (issued_seq); the server proves that event against a signed checkpoint
// before it lets the session act (CheckSessionEvent).

// Projected tables of the system chain.
const (
	TableWorkers  = "workers"
	TableSessions = "sessions"
)

// Event kinds of the system chain besides worker_login and
// password_changed (audit.go).
const (
	AuditWorkerAdded  = "worker_added"
	AuditWorkerLogout = "worker_logout"
)

// SystemChain is the chain of logins and user changes.
const SystemChain int64 = 0

func init() {
	ProjectedTables = append(ProjectedTables,
		ProjectedTable{Name: TableWorkers, Label: "工作人员账号"},
		// a session's row may be deleted once it has ended; its image stays
		ProjectedTable{Name: TableSessions, Label: "登录会话", Issued: true})
}

// Row is the image of a workers row: the password hash by its SHA-256,
// never the hash itself.
func (w Worker) Row() Row {
	r := Row{Table: TableWorkers, ID: w.ID, Cols: map[string]string{
		"username": w.Username, "display_name": w.DisplayName, "password_hash": ColBlob([]byte(w.PasswordHash)),
		"admin": ColBool(w.Admin), "created_at": ColTime(w.CreatedAt)}}
	// the organisation and the role only when set, so that the images of
	// accounts made before organisations still match their rows
	if w.OrgID != 0 {
		r.Cols["org_id"] = ColInt(w.OrgID)
	}
	if w.Role != "" {
		r.Cols["role"] = w.Role
	}
	return r
}

// Row is the image of a sessions row (issued_seq, a pointer to the event
// that carries this image, is not in it).
func (s Session) Row() Row {
	return Row{Table: TableSessions, ID: s.ID, Cols: map[string]string{
		"token_hash": s.TokenHash, "worker_id": ColInt(s.WorkerID), "created_at": ColTime(s.CreatedAt),
		"expires_at": ColTime(s.ExpiresAt), "ended_at": ColTimePtr(s.EndedAt)}}
}

// WorkerAdded is the event of a new worker (renovote user add, the first
// admin).
func WorkerAdded(w Worker, actor string, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditWorkerAdded, Actor: actor, At: at,
		Data: AuditData(struct {
			WorkerID int64  `json:"worker_id"`
			Username string `json:"username"`
			Admin    bool   `json:"admin"`
			RowsData
		}{w.ID, w.Username, w.Admin, RowsData{Rows: []Row{w.Row()}}})}
}

// LoginData is what a worker_login event records: the session's token
// hash, worker and expiry (CheckSessionEvent compares them with the row),
// the digest of the worker's image at login, and the session's image.
type LoginData struct {
	WorkerID  int64  `json:"worker_id"`
	TokenHash string `json:"token_hash"`
	ExpiresAt string `json:"expires_at"`
	Worker    string `json:"worker"` // WorkerDigest at login
	RowsData
}

// WorkerDigest is the SHA-256 of a worker's image: a login records it, and
// the session acts only while the row still has it.
func WorkerDigest(w Worker) string {
	data, err := json.Marshal(w.Row())
	if err != nil {
		panic("engine: worker image: " + err.Error())
	}
	return ColBlob(data)
}

// WorkerLogin is the event of a login: it issues the session.
func WorkerLogin(s Session, w Worker, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditWorkerLogin, Actor: WorkerActor(s.WorkerID), At: at,
		Data: AuditData(LoginData{WorkerID: s.WorkerID, TokenHash: s.TokenHash, ExpiresAt: ColTime(s.ExpiresAt),
			Worker: WorkerDigest(w), RowsData: RowsData{Rows: []Row{s.Row()}}})}
}

// WorkerLogout is the event of a logout: the ended session's image.
func WorkerLogout(s Session, at time.Time) *AuditEvent {
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditWorkerLogout, Actor: WorkerActor(s.WorkerID), At: at,
		Data: AuditData(struct {
			WorkerID int64 `json:"worker_id"`
			RowsData
		}{s.WorkerID, RowsData{Rows: []Row{s.Row().Only("ended_at")}}})}
}

// PasswordChanged is the event of a new password: the worker's image and
// the images of the sessions it ended.
func PasswordChanged(w Worker, ended []Session, imaged bool, actor string, at time.Time) *AuditEvent {
	img := w.Row()
	if imaged {
		img = img.Only("password_hash") // only what changed: nothing else of the row is vouched for anew
	}
	rows := []Row{img}
	for _, s := range ended {
		rows = append(rows, s.Row().Only("ended_at"))
	}
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditPasswordChanged, Actor: actor, At: at,
		Data: AuditData(struct {
			WorkerID int64 `json:"worker_id"`
			Ended    int   `json:"sessions_ended"`
			RowsData
		}{w.ID, len(ended), RowsData{Rows: rows}})}
}

// NeedsWorkersBaseline says whether the system chain must vouch for the
// workers rows written before they had images (an upgraded database): it
// does when workers exist and none of the chain's events (those of
// WorkerImageKinds) carries a worker's image.
func NeedsWorkersBaseline(workers int, events []*AuditEvent) bool {
	if workers == 0 {
		return false
	}
	for _, e := range events {
		var data RowsData
		if json.Unmarshal(e.Data, &data) != nil {
			continue
		}
		for _, r := range data.Rows {
			if r.Table == TableWorkers {
				return false
			}
		}
	}
	return true
}

// WorkersBaseline is the baseline event of the system chain: the images
// of every worker at the upgrade (sessions were ended by it).
func WorkersBaseline(ws []*Worker, at time.Time) *AuditEvent {
	data := BaselineData{Tables: []string{TableWorkers, TableSessions}}
	for _, w := range ws {
		data.Rows = append(data.Rows, w.Row())
	}
	return &AuditEvent{ProjectID: SystemChain, Kind: AuditBaseline, Actor: ActorOperator, At: at, Data: AuditData(data)}
}

// CheckSessionEvent decides whether a session may act: the event it
// points to (events[0], followed by the events up to the checkpoint cp)
// must lie on the system chain the key signed, be its worker_login, and
// carry this session's token hash, worker and expiry; and the worker's
// row must still be what it was at login. The error says why, for the
// log only (no personal data): the person is told to log in again.
func CheckSessionEvent(s Session, w Worker, events []*AuditEvent, cp *Checkpoint, pub ed25519.PublicKey) error {
	if s.IssuedSeq <= 0 {
		return fmt.Errorf("会话没有登录事件")
	}
	if len(events) == 0 || events[0].Seq != s.IssuedSeq || events[0].ProjectID != SystemChain {
		return fmt.Errorf("会话指向的第 %d 条系统事件不存在", s.IssuedSeq)
	}
	if err := ProveEvent(events, cp, pub); err != nil {
		return err
	}
	e := events[0]
	var data LoginData
	if e.Kind != AuditWorkerLogin || json.Unmarshal(e.Data, &data) != nil {
		return fmt.Errorf("第 %d 条系统事件不是登录事件", e.Seq)
	}
	switch {
	case data.TokenHash != s.TokenHash:
		return fmt.Errorf("第 %d 条登录事件登记的是另一个会话", e.Seq)
	case data.WorkerID != s.WorkerID || data.WorkerID != w.ID:
		return fmt.Errorf("第 %d 条登录事件登记的是另一名工作人员", e.Seq)
	case data.ExpiresAt != ColTime(s.ExpiresAt):
		return fmt.Errorf("会话的有效期与第 %d 条登录事件登记的不符", e.Seq)
	case data.Worker != WorkerDigest(w):
		return fmt.Errorf("工作人员账号在第 %d 条登录事件之后被改动", e.Seq)
	}
	return nil
}

// WorkerImageKinds are the system chain's events that carry workers'
// images.
var WorkerImageKinds = []string{AuditWorkerAdded, AuditPasswordChanged, AuditBaseline}

// HasWorkerImage says whether events carry an image of worker id.
func HasWorkerImage(id int64, events []*AuditEvent) bool {
	for _, e := range events {
		var data RowsData
		if json.Unmarshal(e.Data, &data) != nil {
			continue
		}
		for _, r := range data.Rows {
			if r.Table == TableWorkers && r.ID == id {
				return true
			}
		}
	}
	return false
}

// CheckWorkerImage decides whether a worker's row may be trusted for a
// login or a change: it must equal the last image the system chain gives
// it (events: those of WorkerImageKinds). A chain that carries no worker
// images at all (a database whose workers were all written before they
// had images and not yet baselined) vouches for nothing and refuses
// nothing. The error is for the log and the person alike: it names no
// personal data.
func CheckWorkerImage(w Worker, events []*AuditEvent) error {
	var last *Row
	imaged := false
	for _, e := range events {
		var data RowsData
		if json.Unmarshal(e.Data, &data) != nil {
			return Errorf(ECodeInternal, "第 %d 条系统事件的内容无法读取", e.Seq)
		}
		for i, r := range data.Rows {
			if r.Table != TableWorkers {
				continue
			}
			imaged = true
			if r.ID == w.ID {
				merged := data.Rows[i]
				if last != nil {
					merged = merge(*last, merged)
				}
				last = &merged
			}
		}
	}
	if !imaged {
		return nil
	}
	if last == nil {
		return Errorf(ECodeUnauthorized, "账号 #%d 没有登记在系统日志中，不能使用；请联系管理员运行 renovote audit verify 0 查明原因", w.ID)
	}
	if d := compareRow(projected{row: *last}, w.Row()); d != nil {
		return Errorf(ECodeUnauthorized, "账号 #%d 的 %s 与系统日志登记的不符，不能使用；请联系管理员运行 renovote audit verify 0 查明原因", w.ID, d.Column)
	}
	return nil
}
