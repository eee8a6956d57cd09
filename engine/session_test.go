package engine

import (
	"strings"
	"testing"
	"time"
)

func TestCheckSessionEvent(t *testing.T) {
	key := testKey(t, "session")
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	w := Worker{ID: 1, Username: "lina", DisplayName: "李娜", PasswordHash: "$2a$10$x", CreatedAt: at}
	sess := Session{ID: 7, TokenHash: HashToken("token"), WorkerID: 1, CreatedAt: at, ExpiresAt: at.Add(12 * time.Hour)}
	login := WorkerLogin(sess, w, at)
	LinkEvents(ChainHead{Hash: GenesisHash}, []*AuditEvent{login})
	cp := &Checkpoint{Seq: login.Seq, Head: login.Hash, At: at}
	key.Sign(cp)
	sess.IssuedSeq = login.Seq
	admin := w
	admin.Admin = true
	other := sess
	other.TokenHash = HashToken("forged")
	longer := sess
	longer.ExpiresAt = sess.ExpiresAt.Add(time.Hour)
	unissued := sess
	unissued.IssuedSeq = 0
	forgedCp := *cp
	forgedCp.Signature = strings.Repeat("0", len(cp.Signature))
	for _, c := range []struct {
		name   string
		sess   Session
		worker Worker
		cp     *Checkpoint
		want   string // "" passes
	}{
		{"the login's session", sess, w, cp, ""},
		{"no login event", unissued, w, cp, "没有登录事件"},
		{"another session's login", other, w, cp, "另一个会话"},
		{"expiry moved", longer, w, cp, "有效期"},
		{"worker made admin after login", sess, admin, cp, "被改动"},
		{"unsigned", sess, w, nil, "签名存证"},
		{"signature forged", sess, w, &forgedCp, "无法验证"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSessionEvent(c.sess, c.worker, []*AuditEvent{login}, c.cp, key.Public())
			if got := errText(err); c.want == "" && err != nil || c.want != "" && !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestCheckWorkerImage(t *testing.T) {
	at := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	w := Worker{ID: 1, Username: "lina", PasswordHash: "$2a$10$x", CreatedAt: at}
	added := WorkerAdded(w, ActorOperator, at)
	changed := w
	changed.PasswordHash = "$2a$10$y"
	pw := PasswordChanged(changed, nil, true, ActorOperator, at)
	admin := changed
	admin.Admin = true
	stranger := Worker{ID: 2, Username: "x", CreatedAt: at}
	for _, c := range []struct {
		name   string
		w      Worker
		events []*AuditEvent
		want   string
	}{
		{"as added", w, []*AuditEvent{added}, ""},
		{"after its password change", changed, []*AuditEvent{added, pw}, ""},
		{"old password hash put back", w, []*AuditEvent{added, pw}, "password_hash"},
		{"admin set by hand", admin, []*AuditEvent{added, pw}, "admin"},
		{"row without image", stranger, []*AuditEvent{added}, "没有登记"},
		{"chain without worker images", admin, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := errText(CheckWorkerImage(c.w, c.events)); c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	old := &AuditEvent{Kind: AuditPasswordChanged, Data: []byte(`{"worker_id":1}`)} // before images
	if NeedsWorkersBaseline(1, []*AuditEvent{pw}) || !NeedsWorkersBaseline(1, []*AuditEvent{old}) || NeedsWorkersBaseline(0, nil) {
		t.Fatal("NeedsWorkersBaseline")
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
