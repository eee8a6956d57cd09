package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/renovote/renovote/engine"
)

// TestPhoneJourney walks the resident pages as an elderly resident would
// meet them: a 360×740 phone, links ending in ?size=large. On each page
// nothing is wider than the screen and no text is squeezed into a narrow
// column (testdata/layout_check.js), whom to ask is named with a tel:
// link, and no hash, key fingerprint or method name shows. The signing
// page is decided 同意 and 不同意 with a reason, its confirm step showing
// the plan, the amount and the drawn signature; the survey refuses a
// fourth pick of three aloud; the public page lists each complaint and
// the satisfaction with its count; a superseded link names whom to ask.
func TestPhoneJourney(t *testing.T) {
	check, err := os.ReadFile(filepath.Join("testdata", "layout_check.js"))
	if err != nil {
		t.Fatal(err)
	}
	e, baseURL := listeningEnv(t)
	e.addWorker("a", false)
	p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
	pid := int(p["id"].(float64))
	base := fmt.Sprintf("/api/v1/projects/%d", pid)
	e.do("PUT", base+"/contact", "a", map[string]any{"name": "王专干", "phone": "0571-87654321", "office": "幸福里社区居委会二楼，工作日9:00-17:00"}).want(200)
	sc := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
	pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"]), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()
	links := map[string]string{}
	for _, l := range pub["links"].([]any) {
		m := l.(map[string]any)
		links[m["room"].(string)] = m["url"].(string)[len(baseURL+"/s/"):]
	}
	dues := map[string]string{}
	for _, room := range []string{"301", "302"} {
		dues[room] = e.do("GET", "/api/v1/sign/"+links[room], "", nil).want(200).json()["result"].(map[string]any)["due"].(string)
	}

	dir := os.Getenv("RENOVOTE_SCREENSHOTS")
	ctx, consoleErrors := browser(t)
	do(t, ctx, "a 360×740 phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	// page opens a resident page and checks what every one must hold
	page := func(name, path, ready string, large bool) {
		t.Helper()
		do(t, ctx, "open "+name, chromedp.Navigate(baseURL+path), chromedp.WaitReady(chromedp.CSS(ready)))
		if large {
			if fs := eval[float64](t, ctx, `parseFloat(getComputedStyle(document.body).fontSize)`); fs < 24 {
				t.Errorf("%s: the body's type is %.1f px in large text, want 24 px or more", name, fs)
			}
		}
		if tel := eval[string](t, ctx, `(function(){var a=document.querySelector('#ask a[href^="tel:"]');return a?a.getAttribute('href')+' '+a.closest('#ask').textContent:''})()`); !strings.HasPrefix(tel, "tel:057187654321 ") ||
			!strings.Contains(tel, "如有疑问，请联系 王专干（电话 0571-87654321），幸福里社区居委会二楼") {
			t.Errorf("%s: whom to ask is not named with a tel: link: %q", name, tel)
		}
		noJargon(t, name, eval[string](t, ctx, `document.body.textContent`))
	}
	// fits runs the layout checker on the page as it stands and keeps a
	// screenshot
	fits := func(name string) {
		t.Helper()
		for _, p := range eval[[]string](t, ctx, string(check)) {
			t.Errorf("%s: %s", name, p)
		}
		phoneShot(t, ctx, dir, name)
	}

	// 301 agrees, in large text; the installments open
	page("sign 301", "/s/"+links["301"]+"?size=large", "#signform", true)
	do(t, ctx, "open the installments", chromedp.Evaluate[chromedp.Void](`document.querySelector('#due details').open = true`))
	fits("sign-large")
	do(t, ctx, "agree", chromedp.Click(chromedp.CSS(`input[name=decision][value=agree]`)), chromedp.SendKeys(chromedp.CSS("#signer"), "业主301"))
	if eval[bool](t, ctx, `!document.getElementById('reason-box').hidden`) {
		t.Errorf("a reason is asked with 同意")
	}
	drawSignature(t, ctx)
	do(t, ctx, "to the confirm step", chromedp.Click(chromedp.CSS("#submit")))
	waitFor(t, ctx, `!document.getElementById('confirm').hidden`, `document.getElementById('error').textContent`, "the confirm step")
	confirmShows(t, ctx, "301", "方案A", dues["301"], "同意", "")
	fits("sign-confirm-large")
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-yes")))
	waitFor(t, ctx, `!document.getElementById('done').hidden && document.getElementById('done-qr').complete && document.getElementById('done-qr').naturalWidth > 0`,
		`document.getElementById('error').textContent`, "the verification code and its QR")
	code := eval[string](t, ctx, `document.getElementById('done-code').textContent`)
	if _, legacy, ok := engine.CodeProject(code); !ok || legacy {
		t.Errorf("the verification code shown: %q", code)
	}
	noJargon(t, "signed", eval[string](t, ctx, `document.body.textContent`))
	fits("sign-done-large")
	// the code of a building numbered 20461 fits as well, broken only
	// after a hyphen if at all
	do(t, ctx, "a long code", chromedp.Evaluate[chromedp.Void](`document.getElementById('done-code').textContent = '20461-7KQ2M-9XD4H'`))
	fits("sign-done-long-code")
	if lines := eval[float64](t, ctx, `(function(){var e=document.getElementById('done-code'); return Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight || '1'))})()`); lines > 2 {
		t.Errorf("the long code takes %v lines", lines)
	}
	do(t, ctx, "the code back", chromedp.Evaluate[chromedp.Void](`document.getElementById('done-code').textContent = `+strconv.Quote(code)))
	// the QR leads to the verification, in plain words
	page("verify", "/verify/"+code+"?size=large", ".facts", true)
	if text := eval[string](t, ctx, `document.querySelector('main').textContent`); !strings.Contains(text, "同意") || !strings.Contains(text, "301") {
		t.Errorf("the verification page: %q", text)
	}
	fits("verify-large")

	// 302 disagrees and says why
	page("sign 302", "/s/"+links["302"]+"?size=large", "#signform", true)
	do(t, ctx, "disagree", chromedp.Click(chromedp.CSS(`input[name=decision][value=disagree]`)))
	waitFor(t, ctx, `!document.getElementById('reason-box').hidden`, `document.getElementById('reason-box').outerHTML`, "the reason box with 不同意")
	do(t, ctx, "the reason", chromedp.SendKeys(chromedp.CSS("#reason"), "一楼的补偿太少"), chromedp.SendKeys(chromedp.CSS("#signer"), "业主302"))
	drawSignature(t, ctx)
	do(t, ctx, "to the confirm step", chromedp.Click(chromedp.CSS("#submit")))
	waitFor(t, ctx, `!document.getElementById('confirm').hidden`, `document.getElementById('error').textContent`, "the confirm step")
	confirmShows(t, ctx, "302", "方案A", dues["302"], "不同意", "一楼的补偿太少")
	fits("sign-confirm-disagree-large")
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-yes")))
	waitText(t, ctx, "#done-decision", "不同意")
	reasons := map[string]string{}
	for _, d := range e.do("GET", base+"/decisions", "a", nil).want(200).list() {
		m := d.(map[string]any)
		reasons[m["room"].(string)], _ = m["reason"].(string)
	}
	if reasons["302"] != "一楼的补偿太少" || reasons["301"] != "" {
		t.Errorf("the reasons the worker sees: %v", reasons)
	}

	// the same page at normal size on the same phone
	page("sign 401 normal", "/s/"+links["401"]+"?size=normal", "#signform", false)
	do(t, ctx, "open the installments", chromedp.Evaluate[chromedp.Void](`document.querySelector('#due details').open = true`))
	fits("sign-normal")

	// the survey: a fourth pick of three is refused aloud, beside it
	q := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "改造内容优先级调查", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
		"questions": []any{map[string]any{"id": "q1", "kind": "choose_k", "text": "您认为最重要的三项改造是？", "k": 3,
			"items": []string{"增设电梯", "楼体修缮", "补建停车位和充电设施", "规范物业管理"}}}}).want(201).json()
	qurl := q["links"].([]any)[0].(map[string]any)["url"].(string)
	page("survey", qurl[len(baseURL):]+"?size=large", "#surveyform", true)
	if hint := eval[string](t, ctx, `document.querySelector('.question').textContent`); !strings.Contains(hint, "最多选 3 项") {
		t.Errorf("the question does not say how many: %q", hint)
	}
	for i := 1; i <= 4; i++ {
		do(t, ctx, fmt.Sprintf("pick %d", i), chromedp.Click(chromedp.CSS(fmt.Sprintf(`.question label.choice:nth-of-type(%d) input`, i))))
	}
	refusal := eval[map[string]any](t, ctx, `(function(){var m=document.querySelector('.pick-refused');var r=m.getBoundingClientRect();
		return {text: m.hidden ? '' : m.textContent, role: m.getAttribute('role'), picked: document.querySelectorAll('.question input:checked').length,
			fourth: document.querySelectorAll('.question input')[3].checked, inView: r.top >= -1 && r.bottom <= innerHeight + 1, top: r.top, bottom: r.bottom, h: innerHeight, sy: scrollY};})()`)
	if refusal["picked"] != 3.0 || refusal["fourth"] != false || !strings.Contains(refusal["text"].(string), "最多选 3 项") || refusal["role"] != "alert" || refusal["inView"] != true {
		t.Errorf("the fourth pick: %v", refusal)
	}
	fits("survey-refused-large")
	do(t, ctx, "unpick one", chromedp.Click(chromedp.CSS(`.question label.choice:nth-of-type(1) input`)))
	if eval[bool](t, ctx, `!document.querySelector('.pick-refused').hidden`) {
		t.Errorf("the refusal stays after a pick was undone")
	}
	page("survey normal", qurl[len(baseURL):]+"?size=normal", "#surveyform", false)
	fits("survey-normal")

	// complaints: one answered, closed and rated, one still open
	f1 := e.do("POST", "/api/v1/sign/"+links["401"]+"/feedback", "", map[string]any{"category": "噪音", "text": "晚上十点后还在施工，吵得睡不着"}).want(201).json()
	e.do("POST", "/api/v1/sign/"+links["402"]+"/feedback", "", map[string]any{"category": "安全", "text": "脚手架下没有围挡"}).want(201)
	e.clock.Add(26 * time.Hour)
	e.login("a")
	e.do("POST", fmt.Sprintf("%s/feedback/%v/answer", base, f1["id"]), "a", map[string]any{"text": "已要求施工方晚上停工"}).want(200)
	e.do("POST", fmt.Sprintf("%s/feedback/%v/close", base, f1["id"]), "a", nil).want(200)
	e.do("POST", fmt.Sprintf("/api/v1/sign/%s/feedback/%v/rating", links["401"], f1["id"]), "", map[string]any{"rating": "基本满意"}).want(200)
	// money spent, listed on the public page
	e.do("POST", base+"/funds", "a", map[string]any{"kind": "expense", "payee": "某某电梯设备安装工程有限公司", "amount": "126000",
		"date": e.clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), "what": "电梯设备预付款（合同第一期）", "idempotency_key": "phone-fund-1"}).want(201)
	public := e.do("GET", base, "a", nil).want(200).json()["public_url"].(string)
	page("public", public[len(baseURL):]+"?size=large", "#complaints", true)
	rows := eval[[]string](t, ctx, `Array.prototype.map.call(document.querySelectorAll('#complaint-list tbody tr'), function (r) { return r.textContent; })`)
	if len(rows) != 2 || !strings.Contains(rows[0], "安全") || !strings.Contains(rows[0], "处理中") || !strings.Contains(rows[0], "尚未答复") ||
		!strings.Contains(rows[1], "噪音") || !strings.Contains(rows[1], "已办结") || !strings.Contains(rows[1], "1 天答复") {
		t.Errorf("the public complaint list: %q", rows)
	}
	text := eval[string](t, ctx, `document.body.textContent`)
	for _, private := range []string{"晚上十点后还在施工", "脚手架下没有围挡", "已要求施工方", "401", "402"} {
		if strings.Contains(text, private) {
			t.Errorf("the public page shows %q", private)
		}
	}
	if sat := eval[string](t, ctx, `document.getElementById('satisfaction').textContent`); !strings.Contains(sat, "满意率 100%（1 人评价）") {
		t.Errorf("satisfaction: %q", sat)
	}
	fits("public-large")
	page("public normal", public[len(baseURL):]+"?size=normal", "#complaints", false)
	fits("public-normal")

	// a new plan: the old link names whom to ask
	b := map[string]any{}
	for k, v := range scenarioA {
		b[k] = v
	}
	b["name"], b["allocation"] = "方案B（按面积）", map[string]any{"method": "area"}
	sb := e.do("POST", base+"/scenarios", "a", b).want(201).json()
	e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sb["id"]), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201)
	page("superseded", "/s/"+links["301"]+"?size=large", ".message", true)
	fits("superseded-large")

	// the count posted: 301 objects with a photo and reads the answer
	objecting := objectingHousehold(t, e, base)
	photo := filepath.Join(t.TempDir(), "ballot.png")
	if err := os.WriteFile(photo, pngBytes(t, 400, 300), 0o644); err != nil {
		t.Fatal(err)
	}
	page("objection", "/s/"+objecting+"?size=large", "#ob-form", true)
	do(t, ctx, "object", chromedp.SendKeys(chromedp.CSS("#ob-name"), "赵六"), chromedp.SendKeys(chromedp.CSS("#ob-reason"), "我家的纸质票是同意"),
		chromedp.SetUploadFiles(chromedp.CSS("#ob-photo"), []string{photo}), chromedp.Click(chromedp.CSS("#ob-form button[type=submit]")))
	waitText(t, ctx, "#ob-msg", "已收到您的异议")
	objs := e.do("GET", base+"/result", "a", nil).want(200).json()["objections"].([]any)
	if len(objs) != 1 || objs[0].(map[string]any)["photo_type"] != "image/jpeg" {
		t.Fatalf("the objection with its photo: %v", objs)
	}
	oid := objs[0].(map[string]any)["id"]
	e.do("GET", fmt.Sprintf("%s/photos/objection/%v", base, oid), "a", nil).want(200)
	e.do("POST", fmt.Sprintf("%s/objections/%v/answer", base, oid), "a", map[string]any{"outcome": "维持", "reason": "经核对纸质票，统计无误"}).want(200)
	page("objection answered", "/s/"+objecting+"?size=large", "#ob-list", true)
	waitText(t, ctx, "#ob-list", "社区答复：维持，经核对纸质票，统计无误")
	waitText(t, ctx, "#ob-list", "我家的纸质票是同意（附照片）")
	fits("objection-answered-large")

	if errs := consoleErrors(); len(errs) > 0 {
		var unexpected []string
		for _, m := range errs {
			if !strings.Contains(m, "status of 410") { // the superseded page answers 410
				unexpected = append(unexpected, m)
			}
		}
		if len(unexpected) > 0 {
			t.Errorf("JavaScript console errors: %v", unexpected)
		}
	}
}

// confirmShows checks the confirm step: the plan, the amount, the vote,
// the reason given and the drawn signature, all before anything is sent.
func confirmShows(t *testing.T, ctx context.Context, room, plan, due, vote, reason string) {
	t.Helper()
	got := eval[map[string]any](t, ctx, `(function(){var s=document.getElementById('confirm-sig');return {
		text: document.getElementById('confirm').textContent, sig: s.hidden ? '' : s.getAttribute('src').slice(0, 22), drawn: s.naturalWidth};})()`)
	text := got["text"].(string)
	for _, want := range []string{plan, groupedYuan(due), vote, "业主" + room} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: the confirm step lacks %q: %q", room, want, text)
		}
	}
	if reason != "" && !strings.Contains(text, reason) {
		t.Errorf("%s: the confirm step lacks the reason %q", room, reason)
	}
	if got["sig"] != "data:image/png;base64," || got["drawn"].(float64) == 0 {
		t.Errorf("%s: the confirm step does not show the drawn signature: %v", room, got)
	}
}

// groupedYuan writes an API amount ("12345.60") as the pages do
// ("12,345.60 元").
func groupedYuan(amount string) string {
	whole, frac, _ := strings.Cut(amount, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac + " 元"
}

// noJargon: no hash, key fingerprint or method name reaches a resident.
func noJargon(t *testing.T, name, text string) {
	t.Helper()
	for _, word := range []string{"SHA-256", "SHA256", "指纹", "最大余数法", "存证", "sha256"} {
		if strings.Contains(text, word) {
			t.Errorf("%s: the page says %q", name, word)
		}
	}
	run := 0
	for _, c := range text {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' {
			run++
			if run >= 16 {
				t.Errorf("%s: the page shows a hex string of 16 or more characters", name)
				return
			}
			continue
		}
		run = 0
	}
}

// phoneShot keeps a PNG of the whole page in dir (RENOVOTE_SCREENSHOTS).
func phoneShot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "phone-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// objectingHousehold has every household of the current plan decide
// through its link, closes the vote and moves to the objection window;
// it answers one household's token.
func objectingHousehold(t *testing.T, e *env, base string) string {
	t.Helper()
	var token string
	for i, h := range e.do("POST", base+"/links", "a", map[string]any{}).want(201).json()["links"].([]any) {
		url := h.(map[string]any)["url"].(string)
		token = url[strings.LastIndex(url, "/")+1:]
		e.sign(token, "agree", fmt.Sprintf("phone-objection-%d", i))
	}
	e.do("POST", base+"/close", "a", map[string]any{"objection_days": 3}).want(200)
	e.clock.Add(24 * time.Hour)
	e.login("a")
	return token
}

// pngBytes is a photo-sized PNG of a scribble.
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(signature(t, w, h, true), "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
