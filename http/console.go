package http

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// The worker console: server-rendered shells (one template set each) whose
// small scripts use the JSON API with the session cookie and the CSRF
// header. No build step, no CDN.

// consolePage lets logged-in workers through and sends others to /login.
func (s *Server) consolePage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		// after logging in the worker comes back here (a ballot's QR
		// code opens a household's paper form)
		login := "/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		ck, err := c.Cookie(s.sessionCookie())
		if err != nil {
			return c.Redirect(http.StatusSeeOther, login)
		}
		w, err := s.app.Authenticate(c.Request().Context(), ck.Value)
		if err != nil {
			if engine.ErrorCode(err) == engine.ECodeUnauthorized {
				return c.Redirect(http.StatusSeeOther, login)
			}
			return err
		}
		c.Set(ctxWorker, w)
		return next(c)
	}
}

func (s *Server) loginPage(c echo.Context) error {
	return s.pages.render(c, http.StatusOK, "login", nil)
}

func (s *Server) projectsPage(c echo.Context) error {
	// those who oversee land on the overview (?list shows the list)
	if home := app.Home(workerOf(c)); home != "/console" && !c.QueryParams().Has("list") {
		return c.Redirect(http.StatusSeeOther, home)
	}
	return s.pages.render(c, http.StatusOK, "projects", map[string]any{"Worker": workerOf(c)})
}

func (s *Server) overviewPage(c echo.Context) error {
	w := workerOf(c)
	return s.pages.render(c, http.StatusOK, "overview", map[string]any{"Worker": w, "Org": w.OrgID})
}

func (s *Server) projectPage(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		s.pages.message(c, statusOf[engine.ErrorCode(err)], "无法打开项目", errMessage(err))
		return nil
	}
	return s.pages.render(c, http.StatusOK, "project", map[string]any{"Worker": workerOf(c), "Project": p.Project, "ReadOnly": p.ReadOnly})
}

// householdsCSV exports the households as Excel opens them
// (engine.WriteHouseholdsCSV: formulas defused).
func (s *Server) householdsCSV(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := engine.WriteHouseholdsCSV(&buf, p.Households); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "households-" + itoa(p.ID) + ".csv"}))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// words writes an amount in 大写 (for the console's totals).
func (s *Server) words(c echo.Context) error {
	f, err := engine.ParseWordsAmount(c.Param("amount"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"amount": f.String(), "words": engine.Words(f)})
}

// qr draws a QR code of a short text (a signing link) as PNG, for the
// printable slips of links.
func (s *Server) qr(c echo.Context) error {
	text := c.QueryParam("text")
	if text == "" || len(text) > 300 || !strings.HasPrefix(text, s.app.BaseURL()+"/") {
		return engine.Invalidf("text", "只能为本系统的网址（%s/…）生成二维码，不超过300个字符", s.app.BaseURL())
	}
	png, err := qrcode.Encode(text, qrcode.Medium, 256)
	if err != nil {
		return engine.Invalidf("text", "无法生成二维码")
	}
	c.Response().Header().Set("Cache-Control", "private, max-age=3600")
	return c.Blob(http.StatusOK, "image/png", png)
}
