package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/encoding/simplifiedchinese"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// chromium finds Debian's browser, or skips (fails when
// RENOVOTE_TEST_REQUIRE names browser).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	storetest.Unavailable(t, "browser", "no chromium (apt-get install chromium)")
	return ""
}

// browser starts headless Chromium with a fresh profile and collects the
// page's console errors and uncaught exceptions.
//
// The journeys run in the plain pass of the README's test command; under
// -race they are skipped: they add minutes to the race pass and no server
// path the API tests do not already race (CI runs both passes).
func browser(t *testing.T) (context.Context, func() []string) {
	if raceDetector {
		t.Skip("browser journeys run in the plain pass (go test ./...), not under -race")
	}
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000)}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(tctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var mu sync.Mutex
	var errs []string
	go func() {
		for m, err := range chromedp.Console(tctx) {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	return tctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), errs...) }
}

func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitText waits until the element's text contains want: the page
// itself reports when it is done, in a polling function of the browser.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`((document.querySelector(%q) || {}).textContent || "").includes(%q)`, sel, want),
		fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel), fmt.Sprintf("%s to show %q", sel, want))
}

// waitFor waits (up to 20 s) until the JavaScript condition holds; on a
// timeout it reports what show evaluates to.
func waitFor(t *testing.T, ctx context.Context, cond, show, what string) {
	t.Helper()
	js := fmt.Sprintf(`new Promise(function (ok) {
		var end = Date.now() + 20000;
		(function poll() { if (%s) ok(true); else if (Date.now() > end) ok(false); else setTimeout(poll, 50); })();
	})`, cond)
	if !eval[bool](t, ctx, js) {
		t.Fatalf("waited in vain for %s (it shows %q)", what, eval[string](t, ctx, show))
	}
}

// drawSignature drags the mouse over the signature pad.
func drawSignature(t *testing.T, ctx context.Context) {
	t.Helper()
	rect := eval[map[string]float64](t, ctx, `(function(){var p=document.getElementById('pad');p.scrollIntoView({block:'center'});var r=p.getBoundingClientRect();return {x:r.x,y:r.y,w:r.width,h:r.height};})()`)
	x0, y0 := rect["x"]+20, rect["y"]+rect["h"]/2
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, chromedp.ButtonLeft)}
	for i := 1; i <= 30; i++ {
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0+float64(i)*8, y0+float64(i%5)*10-20, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x0+240, y0, chromedp.ButtonLeft))
	do(t, ctx, "draw the signature", steps...)
}

// TestConsoleJourney walks a worker's whole project in a real browser:
// log in, create the project from CSV, model two scenarios, compare,
// publish, sign from a household's link with a drawn signature, watch the
// dashboard move, download the booklet; then send a questionnaire, answer
// it from a link and see the results move.
// confirmYes answers every confirm() with yes and keeps the questions in
// window.confirms.
const confirmYes = `window.confirms = []; window.confirm = function (m) { window.confirms.push(m); return true; }`

func TestConsoleJourney(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseURL := "http://" + ln.Addr().String()
	e := newEnvAt(t, s, apphttp.Config{}, baseURL)
	e.srv.Close()
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e.addWorkerAt(srv.URL, "li", false)

	ctx, consoleErrors := browser(t)
	shots := os.Getenv("RENOVOTE_SCREENSHOTS") // keep them to look at; else a temp dir
	if shots == "" {
		shots = t.TempDir()
	}
	t.Logf("screenshots in %s", shots)

	// a wrong password is said so, on the login page
	do(t, ctx, "wrong password", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "li"), chromedp.SendKeys(chromedp.CSS("#password"), "wrong-password"),
		chromedp.Click(chromedp.CSS("#login")))
	waitText(t, ctx, "#error", "用户名或密码不正确")
	shot(t, ctx, shots, "0-login-refused")
	// Chromium logs every 4xx answer as a console error; the ones this
	// journey provokes on purpose are allowed, by status and count
	expected := map[string]int{"401 (Unauthorized)": 1}
	// log in
	do(t, ctx, "login", chromedp.Evaluate[chromedp.Void](`document.getElementById("password").value = ""`), chromedp.SendKeys(chromedp.CSS("#password"), "password-li"),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#newproject")))
	shot(t, ctx, shots, "1-projects")

	// a new project, its households from CSV
	do(t, ctx, "new project", chromedp.SendKeys(chromedp.CSS("#np-name"), "幸福里小区3号楼2单元"), chromedp.SendKeys(chromedp.CSS("#np-address"), "幸福路88号"),
		chromedp.Click(chromedp.CSS("#np-create")), chromedp.WaitVisible(chromedp.CSS("#hh-save")))
	waitFor(t, ctx, `!document.getElementById('guide').hidden && document.getElementById('guide').textContent.includes('录入住户')`,
		`document.getElementById('guide').hidden`, "guidance in an empty project")
	var csv strings.Builder
	// as Excel saves it on Chinese Windows: GBK, Chinese headers
	csv.WriteString("房号,楼层,面积,业主,业主编号,电话,困难户,免缴,必须同意\r\n")
	for f := 1; f <= 6; f++ {
		for k := 1; k <= 2; k++ {
			fmt.Fprintf(&csv, "%d0%d,%d,%s,业主%d0%d,o-%d0%d,1380013%d00%d,%s,否,%s\r\n", f, k, f, []string{"68.50", "86.20"}[k-1], f, k, f, k, f, k,
				map[bool]string{true: "是", false: "否"}[f == 5 && k == 1], map[bool]string{true: "是", false: "否"}[f == 1])
		}
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv.String())
	if err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(t.TempDir(), "households.csv")
	if err := os.WriteFile(csvPath, []byte(gbk), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "import CSV", chromedp.SetUploadFiles(chromedp.CSS("#hh-csv"), []string{csvPath}))
	waitText(t, ctx, "#flash", "已导入 12 户")
	if !eval[bool](t, ctx, `document.getElementById('guide').hidden`) {
		t.Errorf("the guidance stays once households are in")
	}
	// deleting a row asks first; "no" keeps it
	if n := eval[string](t, ctx, `(function(){window.confirms = []; window.confirm = function (m) { window.confirms.push(m); return false; };
		document.querySelector('#hh tbody tr button').click(); return document.querySelectorAll('#hh tbody tr').length + '|' + window.confirms.join('');})()`); n != "12|删除 101？点“保存住户”后才真正删除。" {
		t.Errorf("deleting a row without confirming: %s", n)
	}

	// whom residents ask: on every slip and resident page
	do(t, ctx, "contact", chromedp.Click(chromedp.CSS("#contact summary")), chromedp.SendKeys(chromedp.CSS("#ct-name"), "王专干"),
		chromedp.SendKeys(chromedp.CSS("#ct-phone"), "0571-87654321"), chromedp.SendKeys(chromedp.CSS("#ct-office"), "社区居委会二楼，工作日9:00-17:00"),
		chromedp.Click(chromedp.CSS("#ct-save")))
	waitText(t, ctx, "#flash", "联系人已保存")
	waitText(t, ctx, "#ct-show", "王专干")
	// the agreement's other party and the payee account: a wrong account
	// number is named beside its field, then saved
	do(t, ctx, "terms", chromedp.Click(chromedp.CSS("#terms summary")), chromedp.SendKeys(chromedp.CSS("#tm-party_a"), "3号楼2单元加装电梯业主小组"),
		chromedp.SendKeys(chromedp.CSS("#tm-account_name"), "幸福里社区居民委员会"), chromedp.SendKeys(chromedp.CSS("#tm-account_bank"), "工商银行幸福路支行"),
		chromedp.SendKeys(chromedp.CSS("#tm-account_number"), "1202 O210"), chromedp.Click(chromedp.CSS("#tm-save")))
	expected["400 (Bad Request)"]++
	waitText(t, ctx, "label:has(#tm-account_number) + .field-error", "收款账号")
	do(t, ctx, "terms fixed", chromedp.Evaluate[chromedp.Void](`document.getElementById('tm-account_number').value = ''`),
		chromedp.SendKeys(chromedp.CSS("#tm-account_number"), "1202 0210 0900 1234 567"), chromedp.Click(chromedp.CSS("#tm-save")))
	waitText(t, ctx, "#flash", "协议要素已保存")
	waitText(t, ctx, "#tm-show", "3号楼2单元加装电梯业主小组")
	shot(t, ctx, shots, "1b-terms")

	// two scenarios, modelled live
	waitText(t, ctx, "#m-result", "每户明细")
	waitText(t, ctx, "#m-words", "人民币")
	// a rate typed as "30%" is 0.3; a wrong value is named beside its
	// field and the last result stays on screen, dimmed
	typeDown := func(v string) {
		t.Helper()
		do(t, ctx, "down payment "+v, chromedp.Evaluate[chromedp.Void](`(function(){var i=document.getElementById('m-down'); i.value='`+v+`';
			i.dispatchEvent(new Event('input', {bubbles: true}));})()`))
	}
	typeDown("30%")
	waitFor(t, ctx, `!document.querySelector('.field-error') && document.getElementById('m-result').textContent.includes('首付')`,
		`(document.querySelector('.field-error') || {}).textContent`, "30% accepted as a rate")
	typeDown("三成")
	expected["400 (Bad Request)"]++
	waitText(t, ctx, "#m-down + .field-error, label:has(#m-down) + .field-error", "首付比例")
	if !eval[bool](t, ctx, `document.getElementById('m-result').classList.contains('stale') && document.getElementById('m-result').textContent.includes('每户明细')`) {
		t.Errorf("the result vanished or is not marked stale on a bad input")
	}
	typeDown("0.3")
	waitFor(t, ctx, `!document.querySelector('.field-error') && !document.getElementById('m-result').classList.contains('stale')`,
		`(document.querySelector('.field-error') || {}).textContent`, "the error cleared")
	do(t, ctx, "compensation for 101", chromedp.Click(chromedp.CSS("#m-comp-add")))
	waitText(t, ctx, "#m-result", "补偿 5,000.00 元")
	do(t, ctx, "save scenario A", chromedp.Click(chromedp.CSS("#m-save")))
	waitText(t, ctx, "#flash", "已保存方案“方案A”")
	do(t, ctx, "model scenario B", chromedp.SetValue(chromedp.CSS("#m-name"), "方案B"), chromedp.SetValue(chromedp.CSS("#m-alloc-preset"), "c283"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('m-alloc-preset').dispatchEvent(new Event('change', {bubbles:true}))`))
	waitFor(t, ctx, `document.getElementById('m-method').value === 'area' && document.getElementById('m-ranges').value === ''`,
		`document.getElementById('m-method').value`, "the 民法典283 preset in the form")
	do(t, ctx, "save scenario B", chromedp.Click(chromedp.CSS("#m-save")))
	waitText(t, ctx, "#flash", "已保存方案“方案B”")
	shot(t, ctx, shots, "2-model")

	// open the saved A again: everything comes back, and it can be changed or copied
	do(t, ctx, "open A", chromedp.Evaluate[chromedp.Void](`(function(){var s=document.getElementById('m-saved');
		s.value=Array.from(s.options).find(o=>o.text==='方案A').value;})()`), chromedp.Click(chromedp.CSS("#m-open")))
	waitText(t, ctx, "#flash", "已打开“方案A”")
	if got := eval[string](t, ctx, `document.getElementById('m-name').value + '|' + document.querySelectorAll('#m-comps tbody tr').length + '|' + document.getElementById('m-update').hidden`); got != "方案A|1|false" {
		t.Errorf("opened A as name|compensations|update hidden = %s", got)
	}
	do(t, ctx, "copy A", chromedp.Click(chromedp.CSS("#m-copy")))
	waitText(t, ctx, "#flash", "已复制“方案A”")
	if got := eval[string](t, ctx, `document.getElementById('m-name').value + '|' + document.getElementById('m-update').hidden`); got != "方案A（副本）|true" {
		t.Errorf("copied A as name|update hidden = %s", got)
	}

	// compare: the inputs side by side, then the amounts
	do(t, ctx, "compare", chromedp.Click(chromedp.CSS("#c-go")), chromedp.WaitVisible(chromedp.CSS("#c-result svg")))
	waitText(t, ctx, "#c-result", "差额")
	waitText(t, ctx, "#c-result table.inputs", "分摊方式")
	if n := eval[int](t, ctx, `document.querySelectorAll('#c-result table.inputs .changed').length`); n == 0 {
		t.Errorf("the input comparison marks no difference between A and B")
	}

	// publish scenario A, after a confirmation that says what freezes
	do(t, ctx, "publish", chromedp.Evaluate[chromedp.Void](`document.getElementById('p-scenario').selectedIndex = 0`),
		chromedp.Evaluate[chromedp.Void](confirmYes),
		chromedp.Click(chromedp.CSS("#p-go")), chromedp.WaitVisible(chromedp.CSS("#p-links .slip a.link")))
	waitText(t, ctx, "#d-summary", "还需")
	shot(t, ctx, shots, "3-published")
	if c := eval[string](t, ctx, `window.confirms.join('|')`); !strings.Contains(c, "冻结") {
		t.Errorf("publishing asked no confirmation that households freeze: %q", c)
	}
	slip301 := `Array.from(document.querySelectorAll('#p-links .slip')).find(s => s.querySelector('.room').textContent === '301 室')`
	link := eval[string](t, ctx, slip301+`.querySelector('a').href`)
	for _, want := range []string{"幸福里小区3号楼2单元", "查看本户出资金额并表决", "前完成", "王专干（电话 0571-87654321）"} {
		if text := eval[string](t, ctx, slip301+`.textContent`); !strings.Contains(text, want) {
			t.Errorf("the slip of 301 lacks %q: %s", want, text)
		}
	}

	// the household signs on its phone, 360 px wide
	do(t, ctx, "open the signing link", chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#pad")))
	waitText(t, ctx, "footer", "请联系 王专干（电话 0571-87654321），社区居委会二楼")
	// why the amount is what it is, and when the first payment falls due
	waitText(t, ctx, "#why", "分摊规则：1–2层不出资；3层系数 0.7；4层系数 0.8；5层系数 0.9；6层系数 1（再乘以各户面积）")
	waitText(t, ctx, "#why", "您家的分摊 = 分摊总额 375,000.00 × 本层系数 0.7 × 您家面积 68.50 ㎡")
	waitText(t, ctx, "#due", "2027-01-01 首付")
	waitText(t, ctx, "#due", "之后每月约")
	phoneFits := func(mode string) {
		t.Helper()
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s: the page is %d px wide on a 360 px phone", mode, w)
		}
		if broken := eval[string](t, ctx, `Array.from(document.querySelectorAll('.amount, .nowrap')).filter(e => e.offsetParent && e.getClientRects().length > 1).map(e => e.textContent).join('|')`); broken != "" {
			t.Errorf("%s: amounts, dates or names broken across lines: %s", mode, broken)
		}
	}
	phoneFits("standard text")
	shot(t, ctx, shots, "4a-phone")
	// large text: at least 1.6 times, the button says how to go back; 朗读 is offered
	do(t, ctx, "large text", chromedp.Click(chromedp.CSS("#bigtext")))
	if r := eval[float64](t, ctx, `parseFloat(getComputedStyle(document.body).fontSize) / parseFloat(getComputedStyle(document.documentElement).fontSize)`); r < 1.6 {
		t.Errorf("large text is %.2f×, want ≥ 1.6×", r)
	}
	waitText(t, ctx, "#bigtext", "标准字")
	phoneFits("large text")
	shot(t, ctx, shots, "4b-phone-large")
	do(t, ctx, "standard text", chromedp.Click(chromedp.CSS("#bigtext")))
	if eval[bool](t, ctx, `document.getElementById('readaloud').hidden`) {
		t.Errorf("no 朗读 button")
	}
	// a missing signature is said; signing clears the message; a
	// confirmation step comes before anything is recorded
	do(t, ctx, "choose", chromedp.Click(chromedp.CSS(`input[value="agree"]`)), chromedp.SendKeys(chromedp.CSS("#signer"), "业主301"),
		chromedp.Click(chromedp.CSS("#submit")))
	waitText(t, ctx, "#error", "请在签名框内手写签名")
	drawSignature(t, ctx)
	if !eval[bool](t, ctx, `document.getElementById('error').hidden`) {
		t.Errorf("the signature message stays after signing")
	}
	do(t, ctx, "submit", chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#confirm")))
	waitText(t, ctx, "#confirm", "您的意见是 同意，签名人 业主301")
	if !eval[bool](t, ctx, `document.getElementById('done').hidden`) {
		t.Errorf("recorded before the confirmation")
	}
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-yes")), chromedp.WaitVisible(chromedp.CSS("#done")))
	code := eval[string](t, ctx, `document.getElementById('done-code').textContent`)
	shot(t, ctx, shots, "4-signed")
	// after a reload the form is folded away under what was recorded
	do(t, ctx, "reload", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#decide .current")))
	if eval[bool](t, ctx, `document.getElementById('change').open || document.getElementById('pad').checkVisibility()`) {
		t.Errorf("after a reload the full form is open under the recorded decision")
	}
	do(t, ctx, "back to desktop", chromedp.EmulateReset())
	// … and sends a complaint through the 改造意见箱 on the same page
	do(t, ctx, "send feedback", chromedp.SetValue(chromedp.CSS("#fb-category"), "噪音"),
		chromedp.SendKeys(chromedp.CSS("#fb-text"), "晚上十点后还在施工"), chromedp.Click(chromedp.CSS("#fb-send")))
	waitText(t, ctx, "#fb-msg", "已收到")

	// back in the console the dashboard shows it
	do(t, ctx, "dashboard", chromedp.Navigate(strings.Replace(link, link[strings.Index(link, "/s/"):], "/console", 1)),
		chromedp.WaitVisible(chromedp.CSS("#projects a")), chromedp.Click(chromedp.CSS("#projects a")), chromedp.WaitVisible(chromedp.CSS("#d-table table")))
	waitText(t, ctx, "#d-table", code)
	waitText(t, ctx, "#d-bars", "1人 / 12人")
	// who has not decided yet: names, masked phones, the link never
	// opened, a reminder for the WeChat group and a workbook to call down
	waitText(t, ctx, "#d-follow-count", "共 11 户")
	waitText(t, ctx, "#d-undecided", "业主302")
	waitText(t, ctx, "#d-undecided", "138****2002")
	waitText(t, ctx, "#d-undecided", "从未打开")
	if r := eval[string](t, ctx, `document.getElementById('d-reminder').value`); !strings.Contains(r, "还有 11 户尚未表决") || strings.Contains(r, "业主") {
		t.Errorf("reminder: %s", r)
	}
	do(t, ctx, "only undecided", chromedp.Click(chromedp.CSS("#d-only-undecided")))
	waitFor(t, ctx, `!document.getElementById('d-table').textContent.includes('`+code+`') && document.querySelectorAll('#d-table tbody tr').length === 11`,
		`document.querySelectorAll('#d-table tbody tr').length`, "the dashboard filtered to the undecided")
	undecided := eval[string](t, ctx, `fetch(document.getElementById('d-xlsx').href).then(r => r.status + ' ' + r.headers.get('Content-Type'))`)
	if undecided != "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("undecided.xlsx download: %s", undecided)
	}
	shot(t, ctx, shots, "5-dashboard")
	// the paper form starts afresh for another household
	do(t, ctx, "paper form", chromedp.SendKeys(chromedp.CSS("#d-signer"), "上一户的签名人"),
		chromedp.Evaluate[chromedp.Void](`(function(){var s=document.getElementById('d-household'); s.selectedIndex = 3; s.dispatchEvent(new Event('change'));})()`))
	if v := eval[string](t, ctx, `document.getElementById('d-signer').value`); v != "" {
		t.Errorf("the paper form kept the previous household's signer: %q", v)
	}
	// money: a payment in three fields (and the photo of the transfer
	// slip), its receipt, the ledger, the list of payments with the photo
	slip := filepath.Join(t.TempDir(), "slip.png")
	slipPNG, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(signature(t, 320, 200, true), "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(slip, slipPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "record a payment", chromedp.Evaluate[chromedp.Void](`(function(){var s=document.getElementById('mo-household');
		s.value=Array.from(s.options).find(o=>o.text.startsWith('301')).value;})()`),
		chromedp.SendKeys(chromedp.CSS("#mo-amount"), "1000"), chromedp.SetUploadFiles(chromedp.CSS("#mo-photo"), []string{slip}),
		chromedp.Click(chromedp.CSS("#mo-save")))
	waitText(t, ctx, "#mo-msg", "收据号 SK-")
	waitText(t, ctx, "#mo-ledger", "1,000.00")
	waitText(t, ctx, "#mo-payments", "SK-")
	if got := eval[string](t, ctx, `fetch(document.querySelector('#mo-payments a.photo-link').href).then(r => r.status + ' ' + r.headers.get('Content-Type'))`); !strings.HasPrefix(got, "200 image/") {
		t.Errorf("the payment's photo opens as %q", got)
	}
	receipt := eval[string](t, ctx, `fetch(document.querySelector('#mo-msg a').href).then(r => r.status + ' ' + r.headers.get('Content-Type'))`)
	if receipt != "200 application/pdf" {
		t.Fatalf("receipt download: %s", receipt)
	}
	shot(t, ctx, shots, "5b-money")
	// nobody has rated anything yet: no rate to show
	waitText(t, ctx, "#wk-figures", "满意率 暂无评价")

	// the worker answers the complaint in the console …
	waitText(t, ctx, "#wk-feedback", "晚上十点后还在施工")
	do(t, ctx, "answer feedback", chromedp.SendKeys(chromedp.CSS("#wk-feedback .fb-answer"), "已要求施工方22点后停工"),
		chromedp.Click(chromedp.CSS("#wk-feedback .fb-answer-send")))
	waitText(t, ctx, "#wk-msg", "已答复")
	waitText(t, ctx, "#wk-feedback", "已答复：已要求施工方22点后停工")
	// … and the household sees the answer on its phone
	do(t, ctx, "back to the phone page", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#fb-list")))
	waitText(t, ctx, "#fb-list", "社区答复：已要求施工方22点后停工")
	shot(t, ctx, shots, "5c-feedback-answered")
	do(t, ctx, "back to the console", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#projects a")),
		chromedp.Click(chromedp.CSS("#projects a")), chromedp.WaitVisible(chromedp.CSS("#d-table table")))
	booklet := eval[string](t, ctx, `fetch(document.getElementById('pr-booklet').href).then(r => r.status + ' ' + r.headers.get('Content-Type'))`)
	if booklet != "200 application/pdf" {
		t.Fatalf("booklet download: %s", booklet)
	}

	// a questionnaire from the presets, answered from a link; no
	// satisfaction question before any works have happened
	waitFor(t, ctx, `document.getElementById('s-rating').disabled && !document.getElementById('s-rating').checked`,
		`document.getElementById('s-rating').disabled`, "satisfaction not offered before works")
	do(t, ctx, "questionnaire", chromedp.WaitVisible(chromedp.CSS(".s-item")),
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('.s-item')).slice(8, 12).forEach(i => i.checked = true)`),
		chromedp.Click(chromedp.CSS("#s-create")), chromedp.WaitVisible(chromedp.CSS("#s-links a.qlink")))
	waitText(t, ctx, "#s-rate", "回收 0 / 12")
	qlink := eval[string](t, ctx, `document.querySelector('#s-links a.qlink').href`)
	do(t, ctx, "answer", chromedp.Navigate(qlink), chromedp.WaitVisible(chromedp.CSS("#surveyform")))
	waitText(t, ctx, "header", "社区问卷")
	waitText(t, ctx, "footer", "王专干")
	do(t, ctx, "submit answers", chromedp.Click(chromedp.CSS(`.question[data-id="q1"] input`)),
		chromedp.Click(chromedp.CSS("#submit")), chromedp.WaitVisible(chromedp.CSS("#done")))
	shot(t, ctx, shots, "6-answered")
	do(t, ctx, "results", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#projects a")),
		chromedp.Click(chromedp.CSS("#projects a")), chromedp.WaitVisible(chromedp.CSS("#s-results svg")))
	waitText(t, ctx, "#s-rate", "回收 1 / 12")
	// chart labels end before their bars begin
	if overlap := eval[string](t, ctx, `Array.from(document.querySelectorAll('#s-results svg')).flatMap(svg => {
		var x0 = Math.min(...Array.from(svg.querySelectorAll('rect.bar')).map(r => r.getBBox().x));
		return Array.from(svg.querySelectorAll('text.label')).filter(l => l.getBBox().x + l.getBBox().width > x0).map(l => l.textContent);
	}).join('|')`); overlap != "" {
		t.Errorf("chart labels run into the bars: %s", overlap)
	}
	shot(t, ctx, shots, "7-results")

	// 表决票: the QR code on a household's ballot opens its paper form, by
	// way of the login when the worker is logged out
	b64 := eval[string](t, ctx, `fetch(document.getElementById('pr-ballots').href).then(r => r.arrayBuffer()).then(b => {
		var s = ''; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`)
	ballots, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	codes := pdfQRCodes(t, ballots, 1)
	if len(codes) != 2 || !strings.HasPrefix(codes[0], baseURL+"/console/projects/") {
		t.Fatalf("the first page of ballots has QR codes %v", codes)
	}
	hid := codes[0][strings.Index(codes[0], "paper=")+6 : strings.Index(codes[0], "#")]
	do(t, ctx, "log out", chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#username")))
	do(t, ctx, "scan a ballot", chromedp.Navigate(codes[0]), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "li"), chromedp.SendKeys(chromedp.CSS("#password"), "password-li"),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#paper")))
	waitText(t, ctx, "#flash", "的纸质表决票")
	if v := eval[string](t, ctx, `document.getElementById('d-household').value + ' ' + (document.activeElement || {}).id`); v != hid+" d-vote" {
		t.Errorf("the scanned ballot's form: household and focus %q, want %q", v, hid+" d-vote")
	}
	shot(t, ctx, shots, "7b-ballot-scanned")

	// reprint every slip: a warning first, then new slips; the old link is dead
	do(t, ctx, "reprint all slips", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#projects a")),
		chromedp.Click(chromedp.CSS("#projects a")), chromedp.WaitVisible(chromedp.CSS("#d-table table")),
		chromedp.Evaluate[chromedp.Void](confirmYes), chromedp.Click(chromedp.CSS("#p-reprint")))
	waitText(t, ctx, "#p-links", "旧领取条已失效")
	if c := eval[string](t, ctx, `window.confirms.join('|')`); !strings.Contains(c, "失效") {
		t.Errorf("reprinting asked no confirmation: %q", c)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#p-links .slip').length`); n != 12 {
		t.Errorf("%d new slips, want 12", n)
	}
	var unexpected []string
	for _, m := range consoleErrors() {
		ok := false
		for status, n := range expected {
			if strings.Contains(m, "responded with a status of "+status) && n > 0 {
				expected[status], ok = n-1, true
				break
			}
		}
		if !ok {
			unexpected = append(unexpected, m)
		}
	}
	if len(unexpected) > 0 {
		t.Fatalf("JavaScript console errors: %v", unexpected)
	}
	// (Chromium logs the 404 of the dead link as an error, so this is last)
	do(t, ctx, "old link", chromedp.Navigate(link))
	waitText(t, ctx, "main", "链接无效")
}

// TestConsoleLifecycle: on the project page the worker sees the state as
// the server words it, closes the vote once everyone decided, enters an
// objection raised in person, answers it, and is told why the result
// cannot be finalized inside the window.
func TestConsoleLifecycle(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseURL := "http://" + ln.Addr().String() // the server checks where requests come from
	e := newEnvAt(t, s, apphttp.Config{}, baseURL)
	e.srv.Close()
	srv := httptest.NewUnstartedServer(e.srv.Config.Handler)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv
	e.addWorker("a", false)
	p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
	pid := int(p["id"].(float64))
	sc := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), "a", scenarioA).want(201).json()
	pub := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", pid, sc["id"]), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()
	for i, l := range pub["links"].([]any) {
		url := l.(map[string]any)["url"].(string)
		e.sign(url[strings.LastIndex(url, "/")+1:], "agree", fmt.Sprintf("console-lifecycle-%d", i))
	}
	ctx, consoleErrors := browser(t)
	do(t, ctx, "login", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "a"), chromedp.SendKeys(chromedp.CSS("#password"), "password-a"),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#newproject")))
	do(t, ctx, "project page", chromedp.Navigate(fmt.Sprintf("%s/console/projects/%d", baseURL, pid)), chromedp.Evaluate[chromedp.Void](confirmYes))
	waitText(t, ctx, "#r-state", "目前已达到通过条件（截止前仍可更改，以截止时统计为准）")
	waitText(t, ctx, "#d-summary", "目前已达到通过条件")
	do(t, ctx, "close", chromedp.Evaluate[chromedp.Void](`document.getElementById('r-days').value = '3'`), chromedp.Click(chromedp.CSS("#r-close-go")))
	waitText(t, ctx, "#r-state", "初步统计结果：达到通过条件。异议期为2026年11月3日至2026年11月5日")
	do(t, ctx, "object in person", chromedp.SendKeys(chromedp.CSS("#r-name"), "钱七"), chromedp.SendKeys(chromedp.CSS("#r-reason"), "我家的票统计错了"),
		chromedp.Click(chromedp.CSS("#r-object-go")))
	waitText(t, ctx, "#r-objections", "我家的票统计错了")
	do(t, ctx, "answer", chromedp.SendKeys(chromedp.CSS("#r-objections input"), "经核对无误"), chromedp.Click(chromedp.CSS("#r-objections button")))
	waitText(t, ctx, "#r-objections", "维持：经核对无误")
	do(t, ctx, "finalize too early", chromedp.Click(chromedp.CSS("#r-finalize")))
	waitText(t, ctx, "#error", "须到")
	if href := eval[string](t, ctx, `document.getElementById('r-result-pdf').hidden ? '' : document.getElementById('r-result-pdf').getAttribute('href')`); !strings.HasSuffix(href, "/result.pdf") {
		t.Errorf("no link to the 公示: %q", href)
	}
	var unexpected []string
	for _, m := range consoleErrors() {
		if !strings.Contains(m, "responded with a status of 409") {
			unexpected = append(unexpected, m)
		}
	}
	if len(unexpected) > 0 {
		t.Fatalf("JavaScript console errors: %v", unexpected)
	}
}
