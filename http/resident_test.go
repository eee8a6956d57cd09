package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestDisagreeWithReason: a 不同意 may say why (optional, at most 200
// characters, only with 不同意); the reason is kept with the decision, in
// its event's row image (the audit still holds), and shown to the worker.
func TestDisagreeWithReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		vote := func(room, decision, reason, key string) *response {
			return e.do("POST", "/api/v1/sign/"+links[room], "", map[string]any{"decision": decision, "signer_name": "业主" + room,
				"signature_png": signature(t, 300, 120, true), "idempotency_key": key, "reason": reason})
		}
		for _, c := range []struct{ name, decision, reason string }{
			{"a reason with 同意", "agree", "我同意但有意见"},
			{"201 characters", "disagree", strings.Repeat("贵", 201)},
		} {
			t.Run(c.name, func(t *testing.T) {
				if r := vote("301", c.decision, c.reason, "reason-bad-key").want(400).json(); r["field"] != "reason" {
					t.Errorf("got %v, want the field reason named", r)
				}
			})
		}
		got := vote("301", "disagree", "  一楼的补偿太少  ", "reason-301").want(201).json()
		if got["reason"] != "一楼的补偿太少" {
			t.Errorf("the answer's reason: got %q, want %q", got["reason"], "一楼的补偿太少")
		}
		vote("302", "disagree", "", "reason-302").want(201)
		var seen int
		for _, d := range e.do("GET", base+"/decisions", "a", nil).want(200).list() {
			m := d.(map[string]any)
			switch m["room"] {
			case "301":
				seen++
				if m["reason"] != "一楼的补偿太少" {
					t.Errorf("the worker sees 301's reason as %q", m["reason"])
				}
			case "302":
				seen++
				if _, ok := m["reason"]; ok {
					t.Errorf("302 gave no reason but the list has %q", m["reason"])
				}
			}
		}
		if seen != 2 {
			t.Errorf("the worker's list has %d of the two decisions", seen)
		}
		if page := string(e.do("GET", "/s/"+links["301"], "", nil, "Accept", "text/html").want(200).body); !strings.Contains(page, "理由：一楼的补偿太少") {
			t.Errorf("the household's page does not repeat its reason")
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after a reason: %v", a)
		}
		// a reason written into the database behind the application is found
		asDBA(t, s, "decisions")
		db := s.DB()
		db.MustExec(db.Rebind(`UPDATE decisions SET reason = ? WHERE idempotency_key = ?`), "改过的理由", "reason-301")
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] == true {
			t.Errorf("a rewritten reason passed the audit: %v", a)
		}
	})
}

// TestObjectionPhotoAndAnswer: an objection through a household's link
// may carry a photo, which the worker opens from the objection list; the
// household sees its objection and the answer on its page.
func TestObjectionPhotoAndAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		i := 0
		for _, token := range links {
			e.sign(token, "agree", fmt.Sprintf("obj-photo-%d", i))
			i++
		}
		e.do("POST", base+"/close", "a", map[string]any{"objection_days": 3}).want(200)
		e.clock.Add(24 * time.Hour)
		e.login("a")
		object := func(body map[string]any) *response {
			return e.do("POST", "/api/v1/sign/"+links["402"]+"/objections", "", body)
		}
		if r := object(map[string]any{"name": "赵六", "reason": "票数有误", "photo": "data:image/png;base64,AAAA"}).want(400).json(); r["field"] != "photo" {
			t.Errorf("a broken photo: got %v, want the field photo named", r)
		}
		if r := object(map[string]any{"name": "赵六", "reason": "票数有误", "photo": signature(t, 40, 40, true)}).want(400).json(); r["field"] != "photo" {
			t.Errorf("a photo too small: got %v, want the field photo named", r)
		}
		with := object(map[string]any{"name": "赵六", "reason": "我家的纸质票是同意", "photo": signature(t, 400, 300, true)}).want(201).json()
		without := object(map[string]any{"name": "赵六", "reason": "还有一点"}).want(201).json()
		if with["photo_type"] != "image/jpeg" || without["photo_type"] != "" {
			t.Errorf("photo types: got %q and %q, want image/jpeg and none", with["photo_type"], without["photo_type"])
		}
		if _, ok := with["photo"]; ok {
			t.Errorf("the photo's bytes are in the answer")
		}
		res := e.do("GET", fmt.Sprintf("%s/result", base), "a", nil).want(200).json()
		var listed bool
		for _, o := range res["objections"].([]any) {
			if m := o.(map[string]any); m["id"] == with["id"] && m["photo_type"] == "image/jpeg" {
				listed = true
			}
		}
		if !listed {
			t.Errorf("the worker's objection list does not say the objection has a photo: %v", res["objections"])
		}
		photo := e.do("GET", fmt.Sprintf("%s/photos/objection/%v", base, with["id"]), "a", nil).want(200)
		if ct := photo.header.Get("Content-Type"); ct != "image/jpeg" || len(photo.body) < 100 {
			t.Errorf("the objection's photo: %s, %d bytes", ct, len(photo.body))
		}
		e.do("GET", fmt.Sprintf("%s/photos/objection/%v", base, without["id"]), "a", nil).want(404)
		e.do("POST", fmt.Sprintf("%s/objections/%v/answer", base, with["id"]), "a", map[string]any{"outcome": "维持", "reason": "经核对纸质票，统计无误"}).want(200)
		v := e.do("GET", "/api/v1/sign/"+links["402"], "", nil).want(200).json()
		objs := v["objections"].([]any)
		if len(objs) != 2 {
			t.Fatalf("the household sees %d objections, want 2", len(objs))
		}
		first := objs[0].(map[string]any)
		if first["outcome"] != "维持" || first["answer"] != "经核对纸质票，统计无误" || first["has_photo"] != true {
			t.Errorf("the household's first objection: %v", first)
		}
		if other := e.do("GET", "/api/v1/sign/"+links["401"], "", nil).want(200).json()["objections"].([]any); len(other) != 0 {
			t.Errorf("401 sees 402's objections: %v", other)
		}
		page := string(e.do("GET", "/s/"+links["402"], "", nil, "Accept", "text/html").want(200).body)
		for _, want := range []string{"您提出的异议", "我家的纸质票是同意（附照片）", "社区答复：维持", "经核对纸质票，统计无误", "等待社区答复"} {
			if !strings.Contains(page, want) {
				t.Errorf("the household's page lacks %q", want)
			}
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after an objection with a photo: %v", a)
		}
		asDBA(t, s, "objections")
		db := s.DB()
		db.MustExec(db.Rebind(`UPDATE objections SET photo = NULL, photo_type = '' WHERE id = ?`), with["id"])
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] == true {
			t.Errorf("a photo removed behind the application passed the audit")
		}
	})
}
