// Package http is renovote's web service: the JSON API under /api/v1, the
// residents' signing pages and public verification, over Echo. It wraps
// Echo so that cmd never imports it; callers alias the package
// (apphttp "github.com/renovote/renovote/http").
package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// Config wires a Server.
type Config struct {
	App    *app.App // the workflows every handler calls
	Logger *slog.Logger
	// TrustedProxies are the networks of the reverse proxies in front of
	// the service: a request from one of them has its client IP taken from
	// X-Forwarded-For (the nearest address not in these networks). Default
	// none: the peer's address is the client's.
	TrustedProxies []*net.IPNet
	// ReadHeaderTimeout bounds how long a client may take to send its
	// headers (a slow client holds a connection no longer); default 10 s.
	ReadHeaderTimeout time.Duration
	// Rates of the limiters, per client IP and second; zero means the
	// defaults. Counted in the database for every server on it when the
	// App's limits are shared (PostgreSQL), else in this process.
	LoginRate, PublicRate, SignRate float64
	// FeedbackRate bounds anonymous feedback from the public page, per
	// client IP and second, with a limiter of its own (never the login
	// quota: messages sent from a community office must not lock its
	// workers out); zero means one a minute after a burst of five.
	FeedbackRate float64
}

// Server is the HTTP service.
type Server struct {
	echo  *echo.Echo
	app   *app.App
	log   *slog.Logger
	pages *pages
	https bool // the base URL is https: secure cookies with __Host- names, HSTS

	loginLimiter, publicLimiter, signLimiter rateLimiter
	feedbackLimiter                          rateLimiter // anonymous feedback only
	readHeaderTimeout                        time.Duration
}

// Body limits.
const (
	maxJSONBody  = 1 << 20      // projects, scenarios, calc
	maxCSVBody   = 2 << 20      // household import
	maxSignBody  = 512 << 10    // a decision with a signature PNG (≤ 200 KB, base64)
	maxPaperBody = 3 << 20      // a paper decision with a photo (≤ 2 MB, base64)
	maxAnyBody   = maxPaperBody // the outer bound for every request
)

// NewServer builds the service.
func NewServer(cfg Config) *Server {
	s := &Server{app: cfg.App, log: cfg.Logger, https: strings.HasPrefix(cfg.App.BaseURL(), "https://")}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.loginLimiter = s.newRateLimiter("login", orDefault(cfg.LoginRate, 0.2), 10) // 10 at once, then one every 5 s
	s.publicLimiter = s.newRateLimiter("public", orDefault(cfg.PublicRate, 20), 40)
	s.signLimiter = s.newRateLimiter("sign", orDefault(cfg.SignRate, 10), 30)
	s.feedbackLimiter = s.newRateLimiter("feedback", orDefault(cfg.FeedbackRate, 1.0/60), 5) // 5 at once, then one a minute
	s.pages = mustLoadPages()
	s.readHeaderTimeout = cfg.ReadHeaderTimeout
	if s.readHeaderTimeout == 0 {
		s.readHeaderTimeout = 10 * time.Second
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	if len(cfg.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: requestID}))
	e.Use(s.logRequests())
	e.Use(s.recoverPanics)
	e.Use(s.securityHeaders)
	e.Use(limitBody(maxAnyBody))
	s.echo = e
	s.routes()
	return s
}

func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// Handler is the service as an http.Handler (for tests and servers).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve runs the service on ln until ctx ends, then shuts down gracefully:
// in-flight requests finish (up to 20 s).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: s.readHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && e != nil {
		return e
	}
	return err
}

// requestID is 16 random hex digits.
func requestID() string {
	_, hash := engine.NewToken()
	return hash[:16]
}

// logRequests writes one structured line per request. It logs the route
// pattern, never the URI: signing paths carry tokens. No personal data.
func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogLatency: true, LogMethod: true, LogRoutePath: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
			}
			if w, ok := c.Get(ctxWorker).(*engine.Worker); ok {
				attrs = append(attrs, slog.Int64("worker", w.ID))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// recoverPanics turns a panic into a logged internal error: nothing the
// user sees leaks, and the server goes on.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic", "id", c.Response().Header().Get(echo.HeaderXRequestID), "panic", r)
				err = engine.Errorf(engine.ECodeInternal, "内部错误，请稍后重试")
			}
		}()
		return next(c)
	}
}

// securityHeaders: no framing, no sniffing, a strict CSP (our own scripts
// and styles only; data: images for QR codes and signatures); API answers
// are never cached (names, phones, links); over https, HSTS.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.https {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// limitBody bounds every request body.
func limitBody(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return tooLarge(n)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}

func tooLarge(n int64) *engine.Error {
	return engine.Errorf(engine.ECodeTooLarge, "请求内容太大：最多 %d KB", n>>10)
}

// rateLimiter says whether a client may make one more request.
type rateLimiter interface {
	allow(ctx context.Context, client string) (bool, error)
}

// newRateLimiter is a token bucket per client IP named bucket: in the
// database when the App's limits are shared (several servers on one
// PostgreSQL count together), else in this process.
func (s *Server) newRateLimiter(bucket string, perSecond float64, burst int) rateLimiter {
	burst = max(burst, int(perSecond)) // a high rate allows as large a burst
	if s.app.SharedLimits() {
		return sharedLimiter{app: s.app, bucket: bucket, rate: perSecond, burst: burst}
	}
	return newLimiter(perSecond, burst)
}

// sharedLimiter is a token bucket per client IP kept in the database.
type sharedLimiter struct {
	app    *app.App
	bucket string
	rate   float64
	burst  int
}

func (l sharedLimiter) allow(ctx context.Context, client string) (bool, error) {
	return l.app.TakeToken(ctx, l.bucket, client, l.rate, l.burst)
}

// limiter is an in-process token bucket per client IP: one server's own
// count (SQLite).
type limiter struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	clients map[string]*rate.Limiter
	swept   time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, clients: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(_ context.Context, key string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > time.Minute || len(l.clients) > 100_000 {
		// forget full buckets so the map stays small under many clients
		for k, b := range l.clients {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	b, ok := l.clients[key]
	if !ok {
		b = rate.NewLimiter(l.rate, l.burst)
		l.clients[key] = b
	}
	return b.AllowN(now, 1), nil
}

// rateLimit answers 429 with a Chinese message past the limit.
func rateLimit(l rateLimiter, message string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, err := l.allow(c.Request().Context(), c.RealIP())
			if err != nil {
				return err
			}
			if !ok {
				c.Response().Header().Set("Retry-After", "10")
				return engine.Errorf(engine.ECodeRateLimited, "%s", message)
			}
			return next(c)
		}
	}
}
