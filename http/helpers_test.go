package http_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/pdf"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/templates"
	"golang.org/x/crypto/bcrypt"
)

// TestMain lowers bcrypt's cost for the accounts tests make (see
// app.PasswordCost) and runs the tests beside a PostgreSQL cluster.
func TestMain(m *testing.M) {
	app.PasswordCost = bcrypt.MinCost
	os.Exit(storetest.Main(m))
}

// syncBuffer collects log output from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pause records how long slowed logins would have waited, instead of
// waiting.
func (e *env) pause(_ context.Context, d time.Duration) error {
	e.mu.Lock()
	e.paused = append(e.paused, d)
	e.mu.Unlock()
	return nil
}

// env is a running test server on a real database.
type env struct {
	mu     sync.Mutex
	paused []time.Duration
	t      testing.TB
	store  *store.Store
	srv    *httptest.Server
	clock  *storetest.Clock
	logs   *syncBuffer
	tokens map[string]string // username → bearer token
}

func newEnv(t testing.TB, s *store.Store, cfg apphttp.Config) *env {
	return newEnvAt(t, s, cfg, "http://renovote.test")
}

// newEnvAt is newEnv with the base URL that links and QR codes carry.
func newEnvAt(t testing.TB, s *store.Store, cfg apphttp.Config, baseURL string) *env {
	t.Helper()
	return newEnvWith(t, s, cfg, baseURL, nil)
}

// newEnvWith is newEnvAt with the workflows' witness.
func newEnvWith(t testing.TB, s *store.Store, cfg apphttp.Config, baseURL string, w engine.Witness) *env {
	t.Helper()
	return newEnvClock(t, s, cfg, baseURL, w, storetest.NewClock())
}

// twin is a second server over s — another store on e's database, as a
// second process would open it — with e's clock: two servers behind one
// balancer.
func (e *env) twin(s *store.Store, cfg apphttp.Config) *env {
	e.t.Helper()
	return newEnvClock(e.t, s, cfg, "http://renovote.test", nil, e.clock)
}

// newEnvClock is newEnvWith on a given clock.
func newEnvClock(t testing.TB, s *store.Store, cfg apphttp.Config, baseURL string, w engine.Witness, clock *storetest.Clock) *env {
	t.Helper()
	e := &env{t: t, store: s, clock: clock, logs: &syncBuffer{}, tokens: map[string]string{}}
	s.SetClock(e.clock.Now) // one clock for the workflows and the rows they stamp
	cfg.Logger = slog.New(slog.NewJSONHandler(e.logs, nil))
	cfg.App = app.New(app.Config{Store: s, Printer: printer(t), BaseURL: baseURL, Now: e.clock.Now, SigningKey: storetest.Key, SealKey: storetest.SealKey,
		Pause: e.pause, Witness: w, Logger: cfg.Logger, Limits: s.SharedLimits()})
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 1000
	}
	if cfg.PublicRate == 0 {
		cfg.PublicRate = 10000
	}
	if cfg.SignRate == 0 {
		cfg.SignRate = 10000
	}
	e.srv = httptest.NewServer(apphttp.NewServer(cfg).Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) addWorker(name string, admin bool) *engine.Worker {
	return e.addWorkerAt(e.srv.URL, name, admin)
}

// addWorkerAt creates a worker and logs in through the server at url.
func (e *env) addWorkerAt(url, name string, admin bool) *engine.Worker {
	e.t.Helper()
	hash, err := app.HashPassword("password-" + name)
	if err != nil {
		e.t.Fatal(err)
	}
	w := &engine.Worker{Username: name, DisplayName: name, PasswordHash: hash, Admin: admin}
	if err := e.store.CreateWorker(e.t.Context(), w); err != nil {
		e.t.Fatal(err)
	}
	if url != e.srv.URL {
		return w
	}
	e.login(name)
	return w
}

// login opens a new session for worker name (after the clock moved past
// the old one).
func (e *env) login(name string) {
	e.t.Helper()
	res := e.do("POST", "/api/v1/login", "", map[string]string{"username": name, "password": "password-" + name})
	res.want(200)
	e.tokens[name] = res.json()["token"].(string)
}

type response struct {
	t      testing.TB
	status int
	body   []byte
	header http.Header
}

func (r *response) want(status int) *response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

func (r *response) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		r.t.Fatalf("not a JSON object: %s", r.body)
	}
	return m
}

func (r *response) list() []any {
	r.t.Helper()
	var l []any
	if err := json.Unmarshal(r.body, &l); err != nil {
		r.t.Fatalf("not a JSON list: %s", r.body)
	}
	return l
}

// do sends a request as worker (a username, or "" for nobody) with body:
// a string or []byte as is, anything else as JSON.
func (e *env) do(method, path, worker string, body any, header ...string) *response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if worker != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[worker])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return &response{t: e.t, status: res.StatusCode, body: data, header: res.Header}
}

// signature draws a PNG of a scribble, base64 in a data URL.
func signature(t testing.TB, w, h int, ink bool) string {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if ink {
		for x := 10; x < w-10; x++ {
			y := h/2 + (x%40-20)/2
			for d := -2; d <= 2; d++ {
				img.Set(x, y+d, color.NRGBA{0, 0, 0, 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + b64(buf.Bytes())
}

// demoProject is a 6-storey building of 12 households.
func demoProject(name string) map[string]any {
	var hs []map[string]any
	for f := 1; f <= 6; f++ {
		for k := 1; k <= 2; k++ {
			hs = append(hs, map[string]any{"room": itoa(f*100 + k), "floor": f, "area": []string{"68.50", "86.20"}[k-1],
				"owner": "业主" + itoa(f*100+k), "owner_id": "o-" + itoa(f*100+k), "phone": "1381234" + itoa(1000+f*100+k),
				"hardship": f == 5 && k == 1, "must_consent": f == 1})
		}
	}
	return map[string]any{"name": name, "address": "幸福路88号", "floors": 6, "households": hs}
}

var scenarioA = map[string]any{
	"name":          "方案A",
	"costs":         []map[string]any{{"name": "电梯", "amount": "420000"}, {"name": "土建", "amount": "150000"}},
	"subsidies":     []map[string]any{{"name": "市级", "type": "fixed", "amount": "200000"}},
	"compensations": []map[string]any{{"household": "101", "amount": "5000"}},
	"allocation": map[string]any{"method": "coefficient_area", "coefficients": []map[string]any{
		{"floors": "1-2", "value": "0"}, {"floors": "3", "value": "0.7"}, {"floors": "4-6", "value": "1"}}},
	"hardship":     map[string]any{"relief_rate": "0.5"},
	"installments": map[string]any{"down_payment_rate": "0.3", "months": 24, "start": "2027-01-01"},
	"operating":    map[string]any{"annual": "6000"},
}

func itoa(n int) string { return strconv.Itoa(n) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

var (
	printerOnce sync.Once
	testPrinter *pdf.Renderer
)

func printer(t testing.TB) *pdf.Renderer {
	printerOnce.Do(func() {
		var err error
		if testPrinter, err = pdf.New(templates.Font, templates.AgreementClauses); err != nil {
			t.Fatal(err)
		}
	})
	return testPrinter
}
