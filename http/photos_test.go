package http_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestPhotosForTheirWorker: every photo kept with a record — the signed
// paper form, a payment's and a fund record's slip, site photos, a fix, a
// resident's picture — opens for the project's worker (and is recorded in
// the audit log), for no one else, and the lists say which records have
// one.
func TestPhotosForTheirWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := map[string]int{}
		for _, h := range e.do("GET", base, "a", nil).want(200).json()["households"].([]any) {
			m := h.(map[string]any)
			hid[m["room"].(string)] = int(m["id"].(float64))
		}
		photo := func(w, h int) string { return signature(t, w, h, true) }
		dec := e.do("POST", fmt.Sprintf("%s/households/%d/decisions", base, hid["602"]), "a", map[string]any{"decision": "agree", "signer_name": "孙立新",
			"witness": "社区李娜", "photo": photo(300, 400), "idempotency_key": "photo-602"}).want(201).json()
		online := e.do("POST", "/api/v1/sign/"+links["401"], "", map[string]any{"decision": "agree", "signer_name": "赵敏",
			"signature_png": photo(300, 120), "idempotency_key": "photo-401"}).want(201).json()
		pay := e.do("POST", fmt.Sprintf("%s/households/%d/payments", base, hid["601"]), "a", map[string]any{"amount": "1000", "method": "转账",
			"photo": photo(320, 200), "idempotency_key": "photo-pay-1"}).want(201).json()
		fund := e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "what": "市级补贴", "amount": "200000",
			"photo": photo(200, 280), "idempotency_key": "photo-fund-1"}).want(201).json()
		in := e.do("POST", base+"/inspections", "a", map[string]any{"date": "2026-12-01", "inspectors": []string{"张阿姨"}, "findings": "围挡完好",
			"issues": []string{"楼道堆放材料"}, "photos": []string{photo(400, 300), photo(300, 400)}}).want(201).json()
		issue := in["issues"].([]any)[0].(map[string]any)
		e.do("POST", fmt.Sprintf("%s/issues/%v/fixed", base, issue["id"]), "a", map[string]any{"date": "2026-12-02", "note": "已清理", "photo": photo(250, 250)}).want(200)
		fb := e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "安全", "text": "楼道灯不亮", "photo": photo(220, 330)}).want(201).json()

		// the lists say which have one
		for _, x := range e.do("GET", base+"/decisions", "a", nil).want(200).list() {
			d := x.(map[string]any)
			if want := d["room"] == "602"; d["has_photo"] != want {
				t.Errorf("decision of %v: has_photo %v", d["room"], d["has_photo"])
			}
		}
		ins := e.do("GET", base+"/inspections", "a", nil).want(200).list()[0].(map[string]any)
		if ins["photos"] != float64(2) || ins["issues"].([]any)[0].(map[string]any)["has_fix_photo"] != true {
			t.Errorf("the inspection list: %v", ins)
		}

		get := func(path, worker string, status int) *response {
			return e.do("GET", base+"/photos/"+path, worker, nil).want(status)
		}
		for _, c := range []struct {
			path string
			w, h int
		}{
			{fmt.Sprintf("decision/%v", dec["id"]), 300, 400},
			{fmt.Sprintf("payment/%v", pay["id"]), 320, 200},
			{fmt.Sprintf("fund/%v", fund["id"]), 200, 280},
			{fmt.Sprintf("inspection/%v", in["id"]), 400, 300},
			{fmt.Sprintf("inspection/%v?n=2", in["id"]), 300, 400},
			{fmt.Sprintf("fix/%v", issue["id"]), 250, 250},
			{fmt.Sprintf("feedback/%v", fb["id"]), 220, 330},
		} {
			res := get(c.path, "a", 200)
			typ := res.header.Get("Content-Type")
			cfg, format, err := image.DecodeConfig(bytes.NewReader(res.body))
			if err != nil || typ != "image/"+format || cfg.Width != c.w || cfg.Height != c.h {
				t.Errorf("%s: %s %s %dx%d (%v), want %dx%d", c.path, typ, format, cfg.Width, cfg.Height, err, c.w, c.h)
			}
			if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("%s: Cache-Control %q", c.path, cc)
			}
			get(c.path, "b", 404) // another worker's project
		}
		for _, bad := range []struct {
			path   string
			status int
		}{
			{fmt.Sprintf("decision/%v", online["id"]), 404}, // signed on the phone: no photo
			{fmt.Sprintf("inspection/%v?n=3", in["id"]), 404},
			{fmt.Sprintf("inspection/%v?n=0", in["id"]), 400},
			{fmt.Sprintf("payment/%v?n=2", pay["id"]), 404},
			{fmt.Sprintf("signature/%v", online["id"]), 404},
			{"payment/abc", 404},
			{"payment/999999", 404},
		} {
			get(bad.path, "a", bad.status)
		}
		var viewed int
		if err := s.DB().Get(&viewed, `SELECT COUNT(*) FROM audit_events WHERE kind = 'photo_viewed'`); err != nil || viewed != 7 {
			t.Errorf("%d photo_viewed events, want 7 (%v)", viewed, err)
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after viewing photos: %v", a)
		}
	})
}
