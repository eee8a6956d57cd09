package http_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestOverviewBrowser: a 街道 supervisor logs in and lands on the overview
// of the 街道 (stage counts, money bars, a row per building), opens a
// building from it read-only, and a write tried anyway is refused where
// it was tried, in Chinese.
func TestOverviewBrowser(t *testing.T) {
	e, baseURL := listeningEnv(t)
	w := orgWorldOn(t, e)
	ctx, consoleErrors := browser(t)
	do(t, ctx, "1366 px", chromedp.EmulateViewport(1366, 900))
	do(t, ctx, "login", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "sup"), chromedp.SendKeys(chromedp.CSS("#password"), memberPassword),
		chromedp.Click(chromedp.CSS("#login")))
	row := fmt.Sprintf(`#ov-table tbody tr[data-project="%d"]`, w.pid)
	do(t, ctx, "the overview", chromedp.WaitVisible(chromedp.CSS(row)))
	if path := eval[string](t, ctx, `location.pathname`); path != "/console/overview" {
		t.Errorf("the supervisor landed on %s", path)
	}
	waitText(t, ctx, "#ov-title", "北山街道")
	waitText(t, ctx, row+" .stage", "表决中")
	if n := eval[int](t, ctx, `document.querySelectorAll('#ov-stages svg rect').length`); n != 5 {
		t.Errorf("stage chart: %d bars, want one per stage (5)", n)
	}
	// the stages in the order a building goes through them, money as
	// money, and what holds the building up said in plain words
	if got := eval[string](t, ctx, `Array.from(document.querySelectorAll('#ov-stages svg text.label')).map(x => x.textContent).join(' ')`); got != "筹备 表决中 结果公示 施工 交付" {
		t.Errorf("stage chart labels in the order %q", got)
	}
	waitFor(t, ctx, `/^应缴 \d{1,3}(,\d{3})+\.\d{2}已收 0\.00$/.test(document.querySelector('`+row+` td.money').textContent)`,
		`document.querySelector('`+row+` td.money').textContent`, "the money grouped by thousands")
	waitFor(t, ctx, `/\d{1,3},\d{3}\.\d{2}/.test(document.getElementById('ov-money').textContent)`, `document.getElementById('ov-money').textContent`, "the money bars in yuan")
	waitText(t, ctx, row+" td.attention", "同意未过线")
	waitText(t, ctx, "#ov-totals", "需要关注 1 栋")
	viewShot(t, ctx, screenshots(t), "overview")
	if href := eval[string](t, ctx, `document.getElementById('ov-xlsx').getAttribute('href')`); !strings.HasSuffix(href, "/overview.xlsx") {
		t.Errorf("the statistics return's link: %q", href)
	}
	// the filter narrows the table
	do(t, ctx, "filter 筹备", chromedp.SetValue(chromedp.CSS("#ov-stage"), "筹备"), chromedp.Click(chromedp.CSS("#ov-apply")))
	waitText(t, ctx, "#ov-table tbody", "没有符合条件的楼栋")
	do(t, ctx, "all stages", chromedp.SetValue(chromedp.CSS("#ov-stage"), ""), chromedp.Click(chromedp.CSS("#ov-apply")), chromedp.WaitVisible(chromedp.CSS(row)))

	do(t, ctx, "open the building", chromedp.Click(chromedp.CSS(row+" a")), chromedp.WaitVisible(chromedp.CSS("#readonly")))
	waitText(t, ctx, "#readonly", "只读")
	// the page's own script, not the driver's node handles: right after the
	// navigation from the overview the driver's handles of the new page were
	// sometimes stale ("Could not find node with given id")
	waitFor(t, ctx, `document.readyState === 'complete' && !!document.querySelector('#contact summary')`, `document.readyState`, "the project page loaded")
	do(t, ctx, "open the contact", chromedp.Evaluate[chromedp.Void](`document.querySelector('#contact summary').click()`))
	waitFor(t, ctx, `document.getElementById('contact').open && document.getElementById('ct-save').getBoundingClientRect().height > 0`, `document.getElementById('contact').open`, "the contact form open")
	setValue(t, ctx, "#ct-name", "赵督导")
	do(t, ctx, "try to change the contact", chromedp.Evaluate[chromedp.Void](`document.getElementById('ct-save').click()`))
	waitFor(t, ctx, `Array.from(document.querySelectorAll('[role=alert]')).some(m => !m.hidden && m.textContent.includes('只能查看、导出和核验'))`,
		`Array.from(document.querySelectorAll('[role=alert]')).map(m => m.textContent).join(' | ')`, "the refusal shown")
	// the 只读 stays in sight in the bar at the top, however far one scrolls
	do(t, ctx, "scroll down", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
	waitFor(t, ctx, `(function(){var b=document.getElementById('ro-badge'); if(!b) return false; var r=b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.height > 0 && b.textContent.includes('只读');})()`,
		`(document.getElementById('ro-badge') || {}).outerHTML || 'no badge'`, "the 只读 badge in view")
	var unexpected []string
	for _, m := range consoleErrors() {
		if !strings.Contains(m, "status of 403") { // the write tried on purpose
			unexpected = append(unexpected, m)
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("JavaScript console errors: %v", unexpected)
	}
}

// TestOrgsConsoleBrowser: an admin adds a 社区 and an account in the
// console; an account whose role does not fit its organisation is
// refused with the server's words, beside the form.
func TestOrgsConsoleBrowser(t *testing.T) {
	e, baseURL := listeningEnv(t)
	orgWorldOn(t, e)
	ctx, _ := browser(t)
	do(t, ctx, "1366 px", chromedp.EmulateViewport(1366, 900))
	do(t, ctx, "login", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "root"), chromedp.SendKeys(chromedp.CSS("#password"), "幸福里3号楼加梯-xxx"),
		chromedp.Click(chromedp.CSS("#login")), chromedp.WaitVisible(chromedp.CSS("#admin-orgs")))
	waitText(t, ctx, "#org-tree", "北山街道（街道")
	street := eval[string](t, ctx, `Array.from(document.querySelectorAll('#og-parent option')).find(o => o.textContent.includes('北山街道')).value`)
	do(t, ctx, "a new 社区", chromedp.SendKeys(chromedp.CSS("#og-name"), "黄龙社区"), chromedp.SetValue(chromedp.CSS("#og-kind"), "社区"),
		chromedp.SetValue(chromedp.CSS("#og-parent"), street), chromedp.Click(chromedp.CSS("#og-create")))
	waitText(t, ctx, "#og-msg", "已添加社区：黄龙社区")
	waitText(t, ctx, "#org-tree", "黄龙社区（社区")
	community := eval[string](t, ctx, `Array.from(document.querySelectorAll('#us-org option')).find(o => o.textContent.includes('黄龙社区')).value`)
	do(t, ctx, "a supervisor of a 社区", chromedp.SendKeys(chromedp.CSS("#us-name"), "zhao"), chromedp.SendKeys(chromedp.CSS("#us-password"), memberPassword),
		chromedp.SetValue(chromedp.CSS("#us-org"), community), chromedp.SetValue(chromedp.CSS("#us-role"), "supervisor"), chromedp.Click(chromedp.CSS("#us-create")))
	waitText(t, ctx, "#us-msg", "街道督导必须属于一个街道")
	do(t, ctx, "a worker of the 社区", chromedp.SetValue(chromedp.CSS("#us-role"), "worker"), chromedp.SendKeys(chromedp.CSS("#us-password"), memberPassword),
		chromedp.Click(chromedp.CSS("#us-create")))
	waitText(t, ctx, "#us-msg", "已添加账号 zhao（工作人员）")
	// the accounts, with role and organisation, the new one among them
	waitText(t, ctx, "#us-list", "zhao工作人员黄龙社区（社区）")
	waitText(t, ctx, "#us-list", "sup街道督导北山街道（街道）")
}

// TestOverviewDistrictBrowser: a 区 auditor's overview names each
// building's 街道 and 社区, and narrows to one 街道 or one 社区 of it.
func TestOverviewDistrictBrowser(t *testing.T) {
	e, baseURL := listeningEnv(t)
	w := orgWorldOn(t, e)
	ctx, consoleErrors := browser(t)
	do(t, ctx, "1366 px", chromedp.EmulateViewport(1366, 900))
	do(t, ctx, "login", chromedp.Navigate(baseURL+"/console"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "aud"), chromedp.SendKeys(chromedp.CSS("#password"), memberPassword),
		chromedp.Click(chromedp.CSS("#login")))
	row := fmt.Sprintf(`#ov-table tbody tr[data-project="%d"]`, w.pid)
	do(t, ctx, "the overview", chromedp.WaitVisible(chromedp.CSS(row)))
	waitText(t, ctx, "#ov-title", "西湖区")
	waitText(t, ctx, row+" td:nth-child(2)", "北山街道 · 宝石社区")
	waitText(t, ctx, "#ov-table thead", "街道 · 社区")
	options := eval[string](t, ctx, `Array.from(document.querySelectorAll('#ov-org option')).map(o => o.textContent).join('|')`)
	for _, want := range []string{"全部街道和社区", "北山街道（全部社区）", "北山街道 · 宝石社区", "北山街道 · 保俶社区", "灵隐街道（全部社区）", "灵隐街道 · 玉泉社区"} {
		if !strings.Contains(options, want) {
			t.Errorf("the filter offers %q, not %q", options, want)
		}
	}
	pick := func(name string) {
		t.Helper()
		v := eval[string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll('#ov-org option')).find(o => o.textContent === %q).value`, name))
		do(t, ctx, "filter "+name, chromedp.SetValue(chromedp.CSS("#ov-org"), v), chromedp.Click(chromedp.CSS("#ov-apply")))
	}
	pick("灵隐街道（全部社区）")
	waitText(t, ctx, "#ov-table tbody", "没有符合条件的楼栋")
	pick("北山街道（全部社区）")
	do(t, ctx, "the building again", chromedp.WaitVisible(chromedp.CSS(row)))
	pick("北山街道 · 保俶社区")
	waitText(t, ctx, "#ov-table tbody", "没有符合条件的楼栋")
	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("JavaScript console errors: %v", errs)
	}
}
