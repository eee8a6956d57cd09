package http

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/engine"
)

const (
	ctxWorker     = "renovote.worker"
	sessionCookie = "renovote_session"
	csrfCookie    = "renovote_csrf"
	csrfHeader    = "X-CSRF-Token"
)

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
	var req loginRequest
	if err := bind(c, 4<<10, &req); err != nil {
		return err
	}
	token, sess, err := s.app.Login(c.Request().Context(), req.Username, req.Password)
	if err != nil {
		return err
	}
	csrf, _ := engine.NewToken()
	secure := strings.HasPrefix(s.app.BaseURL(), "https://")
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", Expires: sess.ExpiresAt, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: csrf, Path: "/", Expires: sess.ExpiresAt, Secure: secure, SameSite: http.SameSiteStrictMode})
	return c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: sess.ExpiresAt, CSRFToken: csrf})
}

// logout ends the session it was called with.
func (s *Server) logout(c echo.Context) error {
	token, _ := sessionToken(c)
	if err := s.app.Logout(c.Request().Context(), token); err != nil {
		return err
	}
	for _, name := range []string{sessionCookie, csrfCookie} {
		c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1})
	}
	return c.NoContent(http.StatusNoContent)
}

// sessionToken finds the login: a bearer token, else the session cookie.
func sessionToken(c echo.Context) (token string, fromCookie bool) {
	if h := c.Request().Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), false
	}
	if ck, err := c.Cookie(sessionCookie); err == nil {
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
		token, fromCookie := sessionToken(c)
		w, err := s.app.Authenticate(c.Request().Context(), token)
		if err != nil {
			return err
		}
		if fromCookie && !safeMethod(c.Request().Method) {
			ck, err := c.Cookie(csrfCookie)
			header := c.Request().Header.Get(csrfHeader)
			if err != nil || header == "" || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(header)) != 1 {
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
