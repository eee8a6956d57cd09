package http_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// keepPDFPages renders a PDF's pages to PNG in RENOVOTE_SCREENSHOTS (to
// look at), when set.
func keepPDFPages(t *testing.T, body []byte, name string) {
	t.Helper()
	dir := os.Getenv("RENOVOTE_SCREENSHOTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "80", "-png", path, filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
}

// TestSlipsReprintTheIssuedLinks: slips.pdf prints the links issued at
// publishing again (text and QR), never stored in clear; a re-issued link
// prints its new URL; one household alone, or in large type; refused
// (409) for links issued before sealing (named, with what to do), once the
// deadline passed, and for bad parameters (400).
func TestSlipsReprintTheIssuedLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.do("PUT", base+"/contact", "a", map[string]any{"name": "王专干", "phone": "0571-87654321", "office": "社区居委会二楼"}).want(200)
		url := func(room string) string { return "http://renovote.test/s/" + links[room] }

		// the database holds no token in clear
		var sealed []string
		if err := s.DB().Select(&sealed, `SELECT sealed_token FROM signing_links`); err != nil {
			t.Fatal(err)
		}
		for _, sv := range sealed {
			for room, token := range links {
				if strings.Contains(sv, token) {
					t.Fatalf("the sealed token of a link holds %s's token in clear: %s", room, sv)
				}
			}
			if !strings.HasPrefix(sv, "s1.") {
				t.Errorf("a link was not sealed: %q", sv)
			}
		}

		res := e.do("GET", base+"/slips.pdf", "a", nil).want(200)
		if ct := res.header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("Content-Type %q", ct)
		}
		keepPDFPages(t, res.body, "slips-"+string(s.Dialect()))
		text := pdfText(t, res.body)
		for _, want := range []string{"房号101室", "房号602室", "业主业*", "截止", "北京时间", "有疑问请找：王专干（电话0571-87654321），社区居委会二楼",
			"本户不需出资", "沿虚线剪开", url("101"), url("602")} {
			if !strings.Contains(text, want) {
				t.Errorf("the slips lack %q:\n%s", want, text)
			}
		}
		for _, bad := range []string{"SHA", "指纹", "最大余数", "核验码"} {
			if strings.Contains(text, bad) {
				t.Errorf("the slips say %q", bad)
			}
		}
		if strings.Count(text, "签署意见") != 12 || strings.Count(text, "第1页共3页") != 1 {
			t.Errorf("12 slips on 3 pages, got:\n%s", text)
		}
		// the QR codes open the same links
		want := []string{url("101"), url("102"), url("201"), url("202")}
		slices.Sort(want) // pdfQRCodes sorts what it reads
		if got := pdfQRCodes(t, res.body, 1); !slices.Equal(got, want) {
			t.Errorf("page 1's QR codes %v, want %v", got, want)
		}

		// a lost slip: re-issue 502, then its slip carries the new link
		hid502 := e.householdID(pid, "502")
		fresh := e.do("POST", fmt.Sprintf("%s/households/%d/link", base, hid502), "a", nil).want(201).json()
		one := e.do("GET", fmt.Sprintf("%s/slips.pdf?household=%d", base, hid502), "a", nil).want(200)
		oneText := pdfText(t, one.body)
		if !strings.Contains(oneText, fresh["url"].(string)) || strings.Contains(oneText, url("502")) || strings.Count(oneText, "签署意见") != 1 {
			t.Errorf("502's slip after re-issue:\n%s", oneText)
		}
		if got := pdfQRCodes(t, one.body, 1); !slices.Equal(got, []string{fresh["url"].(string)}) {
			t.Errorf("502's QR %v, want %s", got, fresh["url"])
		}
		// large type: two to a page, the QR opens the large page
		large := e.do("GET", base+"/slips.pdf?size=large", "a", nil).want(200)
		keepPDFPages(t, large.body, "slips-large-"+string(s.Dialect()))
		if lt := pdfText(t, large.body); strings.Count(lt, "第1页共6页") != 1 || !strings.Contains(lt, url("101")) {
			t.Errorf("large slips:\n%s", lt)
		}
		want = []string{url("101") + "?size=large", url("102") + "?size=large"}
		slices.Sort(want)
		if got := pdfQRCodes(t, large.body, 1); !slices.Equal(got, want) {
			t.Errorf("large page 1's QR codes %v", got)
		}
		// the printout is on the chain
		if kind, data := lastEvent(t, s, pid); kind != "pdf_printed" || !strings.HasPrefix(fmt.Sprint(data["document"]), "slips") {
			t.Errorf("the last event %s %v", kind, data)
		}

		before := counts(t, s)
		for _, tt := range []struct {
			query  string
			worker string
			status int
			field  string
		}{
			{"?household=x", "a", 400, "household"}, {"?household=-1", "a", 400, "household"}, {"?size=huge", "a", 400, "size"},
			{"?household=999999", "a", 404, ""}, {"", "b", 404, ""}, {"", "", 401, ""},
		} {
			res := e.do("GET", base+"/slips.pdf"+tt.query, tt.worker, nil).want(tt.status).json()
			if res["field"] != tt.field || !hasHan(res["message"].(string)) {
				t.Errorf("%s as %q: %v", tt.query, tt.worker, res)
			}
		}
		// a link issued before sealing (as an old database holds it) is named
		asDBA(t, s, "signing_links")
		s.DB().MustExec(s.DB().Rebind(`UPDATE signing_links SET sealed_token = '' WHERE household_id = ?`), e.householdID(pid, "301"))
		res409 := e.do("GET", base+"/slips.pdf", "a", nil).want(409).json()
		if msg := res409["message"].(string); !strings.Contains(msg, "301") || !strings.Contains(msg, "重新发放链接") || strings.Contains(msg, "302") {
			t.Errorf("a link issued before sealing: %v", res409)
		}
		// a sealed token moved to another household's row does not open
		var from string
		s.DB().Get(&from, s.DB().Rebind(`SELECT sealed_token FROM signing_links WHERE household_id = ? AND revoked_at IS NULL`), e.householdID(pid, "401"))
		s.DB().MustExec(s.DB().Rebind(`UPDATE signing_links SET sealed_token = ? WHERE household_id = ?`), from, e.householdID(pid, "402"))
		if msg := e.do("GET", fmt.Sprintf("%s/slips.pdf?household=%d", base, e.householdID(pid, "402")), "a", nil).want(409).json()["message"].(string); !strings.Contains(msg, "402") || !strings.Contains(msg, "无法核对") {
			t.Errorf("a swapped sealed token: %s", msg)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("refused slips wrote something:\nbefore %s\nafter  %s", before, after)
		}
		e.do("GET", fmt.Sprintf("%s/slips.pdf?household=%d", base, e.householdID(pid, "401")), "a", nil).want(200) // 401's own still prints
		// after the deadline: no more slips
		e.clock.Add(73 * time.Hour)
		e.login("a")
		if msg := e.do("GET", base+"/slips.pdf", "a", nil).want(409).json()["message"].(string); !strings.Contains(msg, "表决已截止") {
			t.Errorf("after the deadline: %s", msg)
		}
	})
}

// TestSurveySlips: a questionnaire's links print again on slips (text and
// QR), without amounts; one household alone; refused once it closed.
func TestSurveySlips(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("问卷纸条")).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
		sent := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "增设项目意向", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{map[string]any{"id": "q1", "kind": "rating", "text": "您是否支持加装电梯"}}}).want(201).json()
		qid := sent["questionnaire"].(map[string]any)["id"]
		urls := map[string]string{}
		for _, lv := range sent["links"].([]any) {
			l := lv.(map[string]any)
			urls[l["room"].(string)] = l["url"].(string)
		}
		path := fmt.Sprintf("%s/questionnaires/%v/slips.pdf", base, qid)
		res := e.do("GET", path, "a", nil).want(200)
		keepPDFPages(t, res.body, "survey-slips-"+string(s.Dialect()))
		text := pdfText(t, res.body)
		for _, want := range []string{"问卷：增设项目意向", "填写问卷", "房号101室", urls["101"], urls["602"]} {
			if !strings.Contains(text, want) {
				t.Errorf("the survey slips lack %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "出资") || strings.Count(text, "问卷：增设项目意向") != 12 {
			t.Errorf("survey slips:\n%s", text)
		}
		want := []string{urls["101"], urls["102"], urls["201"], urls["202"]}
		slices.Sort(want)
		if got := pdfQRCodes(t, res.body, 1); !slices.Equal(got, want) {
			t.Errorf("page 1's QR codes %v, want %v", got, want)
		}
		hid := p["households"].([]any)[11].(map[string]any)
		one := pdfText(t, e.do("GET", fmt.Sprintf("%s?household=%v", path, hid["id"]), "a", nil).want(200).body)
		if strings.Count(one, "问卷：") != 1 || !strings.Contains(one, urls[hid["room"].(string)]) {
			t.Errorf("one household's survey slip:\n%s", one)
		}
		e.do("GET", fmt.Sprintf("%s/questionnaires/%d/slips.pdf", base, 999999), "a", nil).want(404)
		e.do("POST", fmt.Sprintf("%s/questionnaires/%v/close", base, qid), "a", nil).want(200)
		if msg := e.do("GET", path, "a", nil).want(409).json()["message"].(string); !strings.Contains(msg, "问卷已截止") {
			t.Errorf("a closed questionnaire: %s", msg)
		}
	})
}
