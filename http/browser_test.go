package http_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

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
