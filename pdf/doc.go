// Package pdf prints renovote's paper: the per-household agreement, the
// meeting booklet and the 公示 notice, in Chinese, over fpdf with one
// embedded CJK font. Lines are broken by our own rules (fpdf's MultiCell
// drops CJK characters at automatic breaks).
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/renovote/renovote/engine"
)

const (
	fontFamily = "wqy"
	pageW      = 210.0
	margin     = 18.0
	bodyW      = pageW - 2*margin
	lineH      = 5.6 // at 10.5 pt
)

// Renderer keeps the font bytes (parsed per document by fpdf) and the
// clause template.
type Renderer struct {
	font    []byte
	parsed  *ttf
	clauses *template.Template
	wording string // the clause template's text: in every cut font
	covers  map[rune]bool

	mu    sync.Mutex
	fonts map[string][]byte // cut fonts by their characters, for documents printed again
	order []string
}

// New checks that the font parses and prints digits and hanzi, and that
// the clause template parses. fpdf reports font errors on stdout and not
// in Err, so the check renders a probe document and measures text.
func New(font []byte, clauses string) (*Renderer, error) {
	t, err := template.New("clauses").Parse(clauses)
	if err != nil {
		return nil, fmt.Errorf("协议条款模板有误：%w", err)
	}
	covers, err := coverage(font)
	if err != nil {
		return nil, fmt.Errorf("PDF 字体无法读取：%w", err)
	}
	parsed, err := parseTTF(font)
	if err != nil {
		return nil, fmt.Errorf("PDF 字体无法读取：%w", err)
	}
	for _, c := range clauses {
		if c >= 0x20 && !covers[c] {
			return nil, fmt.Errorf("协议条款模板中的字符“%c”（U+%04X）字体中没有，无法打印：请改用常用字", c, c)
		}
	}
	r := &Renderer{font: font, parsed: parsed, clauses: t, wording: clauses, covers: covers, fonts: map[string][]byte{}}
	d := r.newDoc("probe", time.Unix(0, 0).UTC(), "0123456789人民币壹贰叁")
	d.f.AddPage()
	if d.f.Err() || d.f.GetStringWidth("0123456789") <= 0 || d.f.GetStringWidth("人民币壹贰叁") <= 0 {
		return nil, fmt.Errorf("PDF 字体无法使用：%v", d.f.Error())
	}
	if err := d.f.Output(io.Discard); err != nil {
		return nil, fmt.Errorf("PDF 字体无法使用：%w", err)
	}
	return r, nil
}

// fontFor returns the font cut to the base characters and those of text.
func (r *Renderer) fontFor(text ...string) []byte {
	set := map[rune]bool{}
	for _, s := range append(text, baseText, r.wording) {
		for _, c := range s {
			set[c] = true
		}
	}
	for c := rune(0x20); c < 0x7f; c++ {
		set[c] = true
	}
	runes := make([]rune, 0, len(set))
	for c := range set {
		runes = append(runes, c)
	}
	slices.Sort(runes)
	key := string(runes)
	r.mu.Lock()
	font, ok := r.fonts[key]
	r.mu.Unlock()
	if ok {
		return font
	}
	font = r.parsed.subset(runes)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.fonts[key]; !ok {
		r.fonts[key] = font
		r.order = append(r.order, key)
		if len(r.order) > 64 {
			delete(r.fonts, r.order[0])
			r.order = r.order[1:]
		}
	}
	return font
}

// doc is one PDF being written.
type doc struct {
	f     *fpdf.Fpdf
	r     *Renderer
	seq   int    // image names
	foot  string // extra footer text
	seam  bool   // each page carries a 骑缝章 space on its right edge
	qrErr error
	codes map[string][][]bool // QR bitmaps made ahead (precode)
}

// newDoc starts an A4 document whose dates are fixed to created, so the
// same record always prints the same bytes. text is every character the
// document's data brings (names, amounts, clauses); the labels of this
// package and ASCII are always in its font.
func (r *Renderer) newDoc(title string, created time.Time, text ...string) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetTitle(title, true)
	f.SetCreator("renovote", true)
	f.SetProducer("renovote", true)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, 20)
	f.AddUTF8FontFromBytes(fontFamily, "", r.fontFor(append(text, title)...))
	f.SetFont(fontFamily, "", 10.5)
	f.AliasNbPages("{nb}")
	d := &doc{f: f, r: r}
	f.SetFooterFunc(func() {
		f.SetY(-14)
		f.SetFont(fontFamily, "", 8.5)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(bodyW/2, 5, d.foot, "", 0, "L", false, 0, "")
		f.CellFormat(bodyW/2, 5, fmt.Sprintf("第 %d 页 共 {nb} 页", f.PageNo()), "", 0, "R", false, 0, "")
		if d.seam {
			d.seamSpace()
		}
		f.SetTextColor(0, 0, 0)
		f.SetFont(fontFamily, "", 10.5)
	})
	return d
}

// seamSpace draws the space for the 骑缝章 on the page's right edge: a
// dashed half circle on the edge, labelled, where the issuer's seal
// straddles the stacked pages so none can be swapped unseen.
func (d *doc) seamSpace() {
	const r, cy = 13.0, 150.0
	f := d.f
	f.SetDrawColor(150, 150, 150)
	f.SetLineWidth(0.2)
	f.SetDashPattern([]float64{1.5, 1.2}, 0)
	f.Arc(pageW, cy, r, r, 0, 90, 270, "D")
	f.SetDashPattern(nil, 0)
	f.SetDrawColor(0, 0, 0)
	f.SetFont(fontFamily, "", 7.5)
	f.SetTextColor(130, 130, 130)
	for i, c := range []string{"骑", "缝", "章"} {
		f.SetXY(pageW-7.5, cy-6+float64(i)*4)
		f.CellFormat(5, 4, c, "", 0, "C", false, 0, "")
	}
}

// output writes the document; fpdf panics on some inputs (a rune above
// U+FFFF), so rendering is recovered into an error.
func (d *doc) output(w io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("生成 PDF 失败：%v", p)
		}
	}()
	if d.qrErr != nil {
		return d.qrErr
	}
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return fmt.Errorf("生成 PDF 失败：%w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// measure measures text in size pt, in mm, as GetStringWidth would after
// SetFontSize(size) — without setting it, which writes to the page each
// time.
func (d *doc) measure(size float64) func(string) float64 {
	unit := size / (72 / 25.4) // the font size in mm, as fpdf holds it
	return func(s string) float64 {
		return float64(d.f.GetStringSymbolWidth(s)) * unit / 1000
	}
}

// text prints a paragraph in width w at x, breaking lines our way.
func (d *doc) text(x, w float64, s string, size, lh float64, align string) {
	d.f.SetFontSize(size)
	for _, line := range wrap(s, w, d.measure(size)) {
		d.f.SetX(x)
		d.f.CellFormat(w, lh, strings.TrimRight(line, " "), "", 1, align, false, 0, "")
	}
}

// address prints a web address on one line of its own in width w at x,
// in a smaller size if it must: a line break inside an address leaves a
// reader typing half of it (a random token of wide letters wraps one
// slip in forty in large type).
func (d *doc) address(x, w float64, s string, size, lh float64) {
	for size > 6 && d.measure(size)(s) > w {
		size -= 0.25
	}
	d.f.SetFontSize(size)
	d.f.SetX(x)
	d.f.CellFormat(w, lh, s, "", 1, "L", false, 0, "")
}

func (d *doc) para(s string) { d.text(margin, bodyW, s, 10.5, lineH, "L") }

func (d *doc) title(s string) {
	d.f.Ln(2)
	d.text(margin, bodyW, s, 17, 9, "C")
	d.f.Ln(2)
}

func (d *doc) heading(s string) {
	d.ensure(18)
	d.f.Ln(2.5)
	d.f.SetFillColor(236, 240, 246)
	d.f.SetFontSize(12)
	d.f.CellFormat(bodyW, 7.5, s, "", 1, "L", true, 0, "")
	d.f.SetFontSize(10.5)
	d.f.Ln(1.5)
}

// ensure starts a new page unless h mm are left.
func (d *doc) ensure(h float64) {
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-22 {
		d.f.AddPage()
	}
}

// table prints rows under headers; cells wrap, rows never split across
// pages, and the header repeats on each page. aligns holds L, C or R.
func (d *doc) table(headers []string, widths []float64, aligns string, rows [][]string) {
	d.tableRows(headers, widths, aligns, rows, 0)
}

// tableRows is table with rows at least minH tall (room to write by hand).
func (d *doc) tableRows(headers []string, widths []float64, aligns string, rows [][]string, minH float64) {
	const size, lh = 9.5, 5.0
	m := d.measure(size)
	cellLines := func(row []string, minH float64) ([][]string, float64) {
		out := make([][]string, len(row))
		n := 1
		for i, c := range row {
			out[i] = wrap(c, widths[i]-2, m)
			n = max(n, len(out[i]))
		}
		return out, max(float64(n)*lh+1.6, minH)
	}
	drawRow := func(row []string, header bool) {
		rowH := minH
		if header {
			rowH = 0
		}
		lines, h := cellLines(row, rowH)
		d.ensure(h)
		d.f.SetFontSize(size) // a new page's footer leaves its own size
		y := d.f.GetY()
		x := margin
		if header {
			d.f.SetFillColor(245, 245, 245)
		}
		for i, cl := range lines {
			style := "D"
			if header {
				style = "FD"
			}
			d.f.Rect(x, y, widths[i], h, style)
			for k, line := range cl {
				d.f.SetXY(x+1, y+0.8+float64(k)*lh)
				d.f.CellFormat(widths[i]-2, lh, strings.TrimRight(line, " "), "", 0, string(aligns[i]), false, 0, "")
			}
			x += widths[i]
		}
		d.f.SetXY(margin, y+h)
	}
	d.f.SetFontSize(size)
	d.f.SetDrawColor(160, 160, 160)
	d.f.SetLineWidth(0.2)
	_, hh := cellLines(headers, 0)
	d.ensure(hh + 12 + minH)
	drawRow(headers, true)
	page := d.f.PageNo()
	for _, row := range rows {
		d.f.SetFontSize(size)
		_, h := cellLines(row, minH)
		d.ensure(h)
		if d.f.PageNo() != page {
			drawRow(headers, true)
			page = d.f.PageNo()
		}
		drawRow(row, false)
	}
	d.f.SetFontSize(10.5)
	d.f.Ln(1.5)
}

// kv prints label/value pairs, values wrapping.
func (d *doc) kv(pairs [][2]string, labelW float64) {
	for _, p := range pairs {
		lines := wrap(p[1], bodyW-labelW, d.measure(10.5))
		d.ensure(float64(len(lines)) * lineH)
		d.f.SetFontSize(10.5)
		y := d.f.GetY()
		d.f.SetTextColor(80, 80, 80)
		d.f.SetXY(margin, y)
		d.f.CellFormat(labelW, lineH, p[0], "", 0, "L", false, 0, "")
		d.f.SetTextColor(0, 0, 0)
		for i, line := range lines {
			d.f.SetXY(margin+labelW, y+float64(i)*lineH)
			d.f.CellFormat(bodyW-labelW, lineH, strings.TrimRight(line, " "), "", 0, "L", false, 0, "")
		}
		d.f.SetXY(margin, y+float64(len(lines))*lineH)
	}
}

// qrBitmap encodes content as a QR code without its quiet zone.
func qrBitmap(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("二维码生成失败：%w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// precode encodes the QR codes of a document with many of them on all
// cores, before the layout (which is sequential) draws them.
func (d *doc) precode(contents []string) {
	d.codes = make(map[string][][]bool, len(contents))
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan string)
	for range min(runtime.GOMAXPROCS(0), len(contents)) {
		wg.Go(func() {
			for c := range next {
				if bm, err := qrBitmap(c); err == nil {
					mu.Lock()
					d.codes[c] = bm
					mu.Unlock()
				}
			}
		})
	}
	for _, c := range contents {
		next <- c
	}
	close(next)
	wg.Wait()
}

// qr draws a QR code of content as vector squares (crisp, small).
func (d *doc) qr(content string, x, y, size float64) {
	bm, ok := d.codes[content]
	if !ok {
		var err error
		if bm, err = qrBitmap(content); err != nil {
			d.qrErr = err
			return
		}
	}
	cell := size / float64(len(bm))
	d.f.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			d.f.Rect(x+float64(start)*cell, y+float64(r)*cell, float64(c-start)*cell+0.01, cell+0.01, "F")
		}
	}
}

// image places a PNG (a signature) at x, y with width w.
func (d *doc) image(png []byte, x, y, w, h float64) {
	d.seq++
	name := fmt.Sprintf("img%d", d.seq)
	opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
	d.f.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	d.f.ImageOptions(name, x, y, w, h, false, opt, 0, "")
}

// money is "12,345.67 元".
func money(f engine.Fen) string { return f.Grouped() + " 元" }

func beijingTime(t time.Time) string { return engine.BeijingMinute(t) }

// anchorText is the chain position paper prints, with the key that signs
// the chain: anyone can check it later (renovote audit verify --anchor).
func anchorText(a engine.Anchor, key string) string {
	if a.Seq == 0 {
		return "（尚无）"
	}
	text := fmt.Sprintf("第 %d 条 · %s", a.Seq, a.Short())
	if key != "" {
		text += "（签名密钥指纹 " + key + "）"
	}
	return text
}

var _ engine.Printer = (*Renderer)(nil)
