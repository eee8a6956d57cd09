package http

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

const (
	ctxWorker  = "renovote.worker"
	csrfHeader = "X-CSRF-Token"
)

// Cookie names: over https they carry the __Host- prefix, which browsers
// accept only from this host, over https, for the whole site — a
// neighbouring subdomain cannot plant them.
func (s *Server) sessionCookie() string { return s.cookieName("renovote_session") }
func (s *Server) csrfCookie() string    { return s.cookieName("renovote_csrf") }

func (s *Server) cookieName(name string) string {
	if s.https {
		return "__Host-" + name
	}
	return name
}

// csrfToken is bound to the session: an HMAC of a fixed label keyed by the
// session token (which the browser holds only in an HttpOnly cookie). A
// token pair chosen by an attacker does not match anyone's session.
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("renovote csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (r *loginRequest) Validate() error {
	switch {
	case strings.TrimSpace(r.Username) == "":
		return engine.Invalidf("username", "请填写用户名")
	case r.Password == "":
		return engine.Invalidf("password", "请填写密码")
	case len(r.Username) > 64 || len(r.Password) > 200:
		return engine.Invalidf("username", "用户名或密码太长")
	case strings.ContainsFunc(r.Username, isControl):
		// no worker has one; PostgreSQL refuses a NUL in text
		return engine.Invalidf("username", "用户名含有控制字符，请删除")
	}
	return nil
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	CSRFToken string    `json:"csrf_token"`
}

// login checks a worker's password and opens a session: a bearer token in
// the answer and the same as an HttpOnly cookie, with a CSRF token for
// cookie-authenticated form posts.
func (s *Server) login(c echo.Context) error {
	if err := s.sameOriginJSON(c); err != nil {
		return err
	}
	var req loginRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	token, sess, err := s.app.Login(c.Request().Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	csrf := csrfToken(token)
	// Max-Age, not Expires: the cookie lives as long as the session
	// whatever the phone's or laptop's clock says
	maxAge := int(sess.ExpiresAt.Sub(s.app.Now()).Seconds())
	c.SetCookie(&http.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: s.https, SameSite: http.SameSiteLaxMode})
	c.SetCookie(&http.Cookie{Name: s.csrfCookie(), Value: csrf, Path: "/", MaxAge: maxAge, Secure: s.https, SameSite: http.SameSiteStrictMode})
	return c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: sess.ExpiresAt, CSRFToken: csrf})
}

// sameOriginJSON refuses a login that a form on another site could send:
// it must be JSON, and come from this site when the browser says where
// it comes from.
func (s *Server) sameOriginJSON(c echo.Context) error {
	ct := c.Request().Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return engine.Errorf(engine.ECodeInvalid, "登录请求应为 JSON（Content-Type: application/json）")
	}
	if origin := c.Request().Header.Get("Origin"); origin != "" && origin != s.origin() {
		return engine.Errorf(engine.ECodeForbidden, "登录请求只能来自本系统的页面（%s）", s.origin())
	}
	return nil
}

// origin is scheme://host[:port] of the base URL.
func (s *Server) origin() string {
	u, err := url.Parse(s.app.BaseURL())
	if err != nil {
		return s.app.BaseURL()
	}
	return u.Scheme + "://" + u.Host
}

type passwordRequest struct {
	Current  string `json:"current"`
	Password string `json:"password"`
}

func (r *passwordRequest) Validate() error {
	switch {
	case r.Current == "":
		return engine.Invalidf("current", "请填写当前密码")
	case r.Password == "":
		return engine.Invalidf("password", "请填写新密码")
	case len(r.Current) > 200 || len(r.Password) > 200:
		return engine.Invalidf("password", "密码太长")
	}
	return nil
}

// changePassword sets the worker's own password (after the current one);
// every session of theirs ends, this one too.
func (s *Server) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	w := workerOf(c)
	if err := s.app.ChangePassword(c.Request().Context(), w, w.Username, req.Current, req.Password); err != nil {
		return err
	}
	for _, name := range []string{s.sessionCookie(), s.csrfCookie()} {
		c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Secure: s.https})
	}
	return c.NoContent(http.StatusNoContent)
}

// logout ends the session it was called with.
func (s *Server) logout(c echo.Context) error {
	token, _ := s.sessionToken(c)
	if err := s.app.Logout(c.Request().Context(), token); err != nil {
		return err
	}
	for _, name := range []string{s.sessionCookie(), s.csrfCookie()} {
		c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Secure: s.https})
	}
	return c.NoContent(http.StatusNoContent)
}

// sessionToken finds the login: a bearer token, else the session cookie.
func (s *Server) sessionToken(c echo.Context) (token string, fromCookie bool) {
	if h := c.Request().Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), false
	}
	if ck, err := c.Cookie(s.sessionCookie()); err == nil {
		return ck.Value, true
	}
	return "", false
}

// requireWorker lets only logged-in workers through. Requests that change
// something on the strength of the cookie must echo the CSRF cookie in a
// header (double submit); bearer tokens are not sent by browsers on their
// own, so they need none.
func (s *Server) requireWorker(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, fromCookie := s.sessionToken(c)
		w, err := s.app.Authenticate(c.Request().Context(), token)
		if err != nil {
			return err
		}
		if fromCookie && !safeMethod(c.Request().Method) {
			header := c.Request().Header.Get(csrfHeader)
			if header == "" || subtle.ConstantTimeCompare([]byte(csrfToken(token)), []byte(header)) != 1 {
				return engine.Errorf(engine.ECodeForbidden, "请求缺少有效的防伪令牌（CSRF），请刷新页面后重试")
			}
		}
		c.Set(ctxWorker, w)
		return next(c)
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func workerOf(c echo.Context) *engine.Worker {
	w, _ := c.Get(ctxWorker).(*engine.Worker)
	return w
}

// isControl is a character no name may hold (engine's reader refuses the
// same in every text field).
func isControl(c rune) bool { return c < 0x20 || c == 0x7f }
