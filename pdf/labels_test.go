package pdf

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/templates"
)

// TestBaseTextCoversLabels: every character in a string literal of this
// package, in engine's words and rule texts, and in the clause template is
// in baseText (or ASCII), so a cut font never lacks a label's glyph.
func TestBaseTextCoversLabels(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	var texts []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "labels.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					texts = append(texts, s)
				}
			}
			return true
		})
	}
	texts = append(texts, templates.AgreementClauses, engine.Words(1234567890), engine.VoteName("agree"), engine.VoteName("disagree"), engine.VoteName("abstain"))
	for _, name := range []string{engine.RuleCivilCodeMajor, engine.RuleCivilCodeOrdinary} {
		r, _ := engine.CivilCodeRule(name)
		texts = append(texts, r.Describe())
	}
	custom, _ := engine.ParseRule([]byte(`{"participation_area":"0.6","participation_owners":"2/3","approval_area":"0.8","approval_owners":"3/4","approval_strict":true}`))
	texts = append(texts, custom.Describe())
	var missing []rune
	for _, s := range texts {
		for _, c := range s {
			if c >= 0x20 && c < 0x7f || c == '\n' || strings.ContainsRune(baseText, c) || slices.Contains(missing, c) {
				continue
			}
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("add to baseText in labels.go: %q", string(missing))
	}
}

// TestCutFontKeepsMetrics: text measures the same in the cut font as in
// the whole font, so lines break the same; composite glyphs keep their parts.
func TestCutFontKeepsMetrics(t *testing.T) {
	r := renderer(t)
	text := "幸福里小区3号楼2单元 人民币贰万零陆佰肆拾捌元贰角柒分 ￥20,648.27（困难户）鑫龘"
	whole := r.newDoc("x", time.Unix(0, 0))
	whole.f.AddUTF8FontFromBytes("whole", "", r.font)
	whole.f.SetFont("whole", "", 12)
	cut := r.newDoc("x", time.Unix(0, 0), text)
	cut.f.SetFont(fontFamily, "", 12)
	for _, s := range []string{text, "0123456789", "龘", "，。"} {
		if a, b := whole.f.GetStringWidth(s), cut.f.GetStringWidth(s); a != b || a == 0 {
			t.Errorf("%q measures %v in the whole font, %v in the cut one", s, a, b)
		}
	}
	sub, err := parseTTF(r.parsed.subset([]rune(text)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range text {
		if _, ok := sub.cmap[c]; !ok && c != ' ' {
			t.Errorf("the cut font lacks %q", c)
		}
	}
	if sub.numGlyphs > 200 {
		t.Errorf("the cut font has %d glyphs", sub.numGlyphs)
	}
}

// TestFontPrintsEveryLabel: every character a document can print from its
// own labels (baseText, which TestBaseTextCoversLabels keeps complete)
// and every printable ASCII character has a glyph in the embedded font —
// no empty boxes on paper. User text is checked where it is entered
// (Renderer.Unprintable).
func TestFontPrintsEveryLabel(t *testing.T) {
	cov, err := coverage(templates.Font)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, c := range baseText {
		if !cov[c] {
			missing = append(missing, fmt.Sprintf("%q U+%04X", c, c))
		}
	}
	for c := rune(0x20); c < 0x7f; c++ {
		if !cov[c] {
			missing = append(missing, fmt.Sprintf("%q U+%04X", c, c))
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the font has no glyph for %v: use another character", missing)
	}
}

// TestSymbolsPrintOrAreRefused: the symbols workers type — − × ÷ ≤ ≥ ㎡ ¥
// ①–⑩ — either print (in a cost name, the cut font of the agreement has
// them and poppler reads them back) or are named as unprintable, so the
// forms refuse them where they are entered (app.printable).
func TestSymbolsPrintOrAreRefused(t *testing.T) {
	poppler(t)
	r := renderer(t)
	symbols := "−×÷≤≥㎡¥①②③④⑤⑥⑦⑧⑨⑩"
	var printable []rune
	for _, c := range symbols {
		switch u := r.Unprintable(string(c)); u {
		case "":
			printable = append(printable, c)
		case string(c):
		default:
			t.Errorf("Unprintable(%q) = %q", c, u)
		}
	}
	if u := r.Unprintable("总造价 − 补贴"); u != "−" {
		t.Errorf("U+2212 is not in the font, Unprintable says %q", u)
	}
	if len(printable) != len([]rune(symbols))-1 {
		t.Errorf("printable symbols %q", string(printable))
	}
	a := demoAgreement(t, "501", true)
	a.Input.Costs[0].Name = "电梯" + string(printable)
	cut, err := coverage(r.fontFor(agreementTexts(a)...))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range printable {
		if !cut[c] {
			t.Errorf("%q is printable but not in the agreement's font", c)
		}
	}
	path := writePDF(t, "a.pdf", func(b *bytes.Buffer) error { return r.Agreement(b, a) })
	if text := strings.Join(strings.Fields(run(t, "pdftotext", path, "-")), ""); !strings.Contains(text, string(printable)) {
		t.Errorf("the agreement does not read back %q", string(printable))
	}
}
