package http_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

func pdfText(t *testing.T, body []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		storetest.Unavailable(t, "poppler", "pdftotext not found")
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.ReplaceAll(string(out), " ", "")
}

func TestPrintouts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		e.do("GET", base+"/booklet.pdf", "b", nil).want(404)
		sig := signature(t, 300, 120, true)
		d := e.do("POST", "/api/v1/sign/"+links["401"], "", map[string]any{"decision": "agree", "signer_name": "赵敏",
			"signature_png": sig, "idempotency_key": "print-401-1"}).want(201).json()

		// the resident's own agreement, signed, with its verification code
		res := e.do("GET", "/s/"+links["401"]+"/agreement.pdf", "", nil).want(200)
		if res.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("content type %q", res.header.Get("Content-Type"))
		}
		text := pdfText(t, res.body)
		for _, want := range []string{"加装电梯出资分摊协议书", "401", "赵敏", d["code"].(string), "■同意", "人民币"} {
			if !strings.Contains(text, want) {
				t.Errorf("the resident's agreement lacks %q", want)
			}
		}
		// a worker prints any household's, signed or not
		hs := e.do("GET", base, "a", nil).want(200).json()["households"].([]any)
		hid := int(hs[0].(map[string]any)["id"].(float64))
		text = pdfText(t, e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, hid), "a", nil).want(200).body)
		if !strings.Contains(text, "尚未签署") || !strings.Contains(text, "□同意") {
			t.Errorf("an unsigned agreement should have blank lines")
		}
		e.do("GET", fmt.Sprintf("%s/agreements/%d.pdf", base, 999999), "a", nil).want(404)
		e.do("GET", base+"/agreements/abc.pdf", "a", nil).want(404)
		e.do("GET", base+"/agreements/12.txt", "a", nil).want(404)

		booklet := pdfText(t, e.do("GET", base+"/booklet.pdf", "a", nil).want(200).body)
		for _, want := range []string{"业主大会会议材料", "表决情况", "审计日志校验通过", "赵敏", "101", "602"} {
			if !strings.Contains(booklet, want) {
				t.Errorf("the booklet lacks %q", want)
			}
		}
		signin := pdfText(t, e.do("GET", base+"/signin.pdf", "a", nil).want(200).body)
		if !strings.Contains(signin, "签到表") || !strings.Contains(signin, "业*1") || strings.Contains(signin, "业主401") || strings.Contains(signin, "13812341401") {
			t.Errorf("the sign-in sheet should list every household, names masked:\n%s", signin)
		}
		e.do("GET", base+"/signin.pdf", "b", nil).want(404)
		notice := pdfText(t, e.do("GET", base+"/notice.pdf", "a", nil).want(200).body)
		if !strings.Contains(notice, "公示") || strings.Contains(notice, "赵敏") || strings.Contains(notice, "业主401") || !strings.Contains(notice, "业*1") {
			t.Errorf("the notice should be public and name nobody in full:\n%s", notice)
		}
		if n := pdfText(t, e.do("GET", base+"/notice.pdf?days=15", "a", nil).want(200).body); !strings.Contains(strings.Join(strings.Fields(n), ""), "共15日") {
			t.Errorf("a 15-day notice:\n%s", n)
		}
		for _, bad := range []string{"0", "91", "ten"} {
			e.do("GET", base+"/notice.pdf?days="+bad, "a", nil).want(400)
		}
		publicURL := e.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
		slug := strings.TrimPrefix(publicURL, "http://renovote.test/p/")
		if len(slug) != 24 || !strings.Contains(notice, publicURL) {
			t.Fatalf("public URL %q (the notice's QR should carry it)", publicURL)
		}
		summary := e.do("GET", "/p/"+slug, "", nil, "Accept", "text/html").want(200)
		if !strings.Contains(string(summary.body), "方案公示") || strings.Contains(string(summary.body), "业主401") {
			t.Errorf("public summary: %s", summary.body)
		}
		// public pages cannot be listed by counting ids
		e.do("GET", fmt.Sprintf("/p/%d", pid), "", nil, "Accept", "text/html").want(404)
		e.do("GET", "/p/"+strings.Repeat("0", 24), "", nil, "Accept", "text/html").want(404)
		// printing is recorded in the audit log, and the chain still holds
		if audit := e.do("GET", base+"/audit", "a", nil).want(200).json(); audit["ok"] != true {
			t.Fatalf("audit: %v", audit)
		}
		var printed int
		if err := s.DB().Get(&printed, `SELECT COUNT(*) FROM audit_events WHERE kind = 'pdf_printed'`); err != nil || printed != 6 {
			t.Errorf("%d pdf_printed events, want 6 (%v)", printed, err)
		}
	})
}
