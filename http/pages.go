package http

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/templates"
)

// pages holds one template set per page (layout + page): parsing all pages
// into one set would let the last {{define "main"}} win.
type pages struct {
	sets map[string]*template.Template
}

var pageFuncs = template.FuncMap{
	"money": engine.Fen.Grouped,
	"words": engine.Words,
	"vote":  engine.VoteName,
	"beijing": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return engine.BeijingMinute(v)
		case *time.Time:
			if v != nil {
				return engine.BeijingMinute(*v)
			}
		}
		return ""
	},
	"inc":                func(i int) int { return i + 1 },
	"feedbackCategories": func() []string { return engine.FeedbackCategories },
	"diff": func(a, b engine.Fen) string {
		switch d := b - a; {
		case d > 0:
			return "多 " + d.Grouped() + " 元"
		case d < 0:
			return "少 " + (-d).Grouped() + " 元"
		}
		return "不变"
	},
	"stars":   func() []int { return []int{1, 2, 3, 4, 5} },
	"contact": contactLine,
	"tel":     telURL,
	"parts":   keepParts,
}

// keepParts keeps each space-separated part of s on one line while the
// whole may wrap between parts (a date and its time, a bank account in
// groups of four): in large text on a phone the whole is wider than the
// screen.
func keepParts(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Fields(s) {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(`<span class="nowrap">` + template.HTMLEscapeString(part) + `</span>`)
	}
	return template.HTML(b.String())
}

// telURL is the tap-to-call link of a phone number as people write it
// ("0571-87654321", "138 0000 0000"): the digits (and a leading +) only.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, c := range phone {
		if c >= '0' && c <= '9' || c == '+' && i == 0 {
			b.WriteRune(c)
		}
	}
	return template.URL("tel:" + b.String())
}

func mustLoadPages() *pages {
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range []string{"sign", "verify", "message", "summary", "survey", "superseded"} {
		p.sets[name] = template.Must(template.New("layout").Funcs(pageFuncs).ParseFS(templates.Pages, "pages/layout.html", "pages/"+name+".html"))
	}
	for _, name := range []string{"login", "projects", "project", "overview"} { // the worker console
		p.sets[name] = template.Must(template.New("layout").Funcs(pageFuncs).ParseFS(templates.Pages, "pages/console_layout.html", "pages/"+name+".html"))
	}
	return p
}

// render writes a page; it renders into a buffer first so that a template
// error becomes a clean error page, not half a page.
func (p *pages) render(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := p.sets[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// message is a friendly page for errors and notices.
func (p *pages) message(c echo.Context, status int, title, message string) {
	if err := p.render(c, status, "message", map[string]string{"Title": title, "Message": message}); err != nil {
		c.String(http.StatusInternalServerError, "内部错误，请稍后重试")
	}
}

type signPage struct {
	*signViewJSON
	Token string
	// VerifyBase is where a verification code is checked (…/verify/),
	// for the QR code shown after signing.
	VerifyBase string
}

// signPage is the phone-first page a household opens from its link.
func (s *Server) signPage(c echo.Context) error {
	sv, err := s.app.OpenSigningPage(c.Request().Context(), c.Param("token"))
	var gone *app.SupersededError
	if errors.As(err, &gone) {
		return s.pages.render(c, http.StatusGone, "superseded", gone)
	}
	if err != nil {
		if code := engine.ErrorCode(err); code == engine.ECodeNotFound || code == engine.ECodeInvalid {
			s.pages.message(c, statusOf[code], "链接无效", errMessage(err))
			return nil
		}
		return err
	}
	return s.pages.render(c, http.StatusOK, "sign", signPage{toSignView(sv, c.Param("token")), c.Param("token"), s.app.BaseURL() + "/verify/"})
}

// contactLine is the footer of a resident page (and the last line of a
// slip): whom to ask, or the community office when the worker has not
// named anyone yet.
func contactLine(c engine.Contact) string {
	if r := c.Reach(); r != "" {
		return "如有疑问，请联系 " + r + "。"
	}
	return "如有疑问，请联系社区工作人员。"
}
