package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fpdf's MultiCell and SplitText drop one CJK character at every automatic
// line break (upstream issue #80), so renovote breaks lines itself: between
// any two CJK characters, never inside a Latin word or a number, and by
// the Chinese rules of 禁则 (kinsoku): no line starts with closing
// punctuation, none ends with opening punctuation or a currency sign.

const (
	noLineStart = "，。；：、）》」』】〉”’！？,.;:!?)]}%…·"
	noLineEnd   = "（《「『【〈“‘￥¥$([{"
)

// tokens splits text into the units a line may break between: one CJK
// character, a run of Latin letters and digits (with the marks that live
// inside numbers and words), a run of spaces, or one other character.
func tokens(text string) []string {
	var out []string
	for len(text) > 0 {
		r, size := utf8.DecodeRuneInString(text)
		n := size
		switch {
		case isWordRune(r):
			for n < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[n:])
				if !isWordRune(r2) && !(strings.ContainsRune(".,:/%-_'", r2) && n+s2 < len(text) && isWordRune(firstRune(text[n+s2:]))) {
					break
				}
				n += s2
			}
		case r == ' ' || r == '_': // a run of spaces, a blank to fill in
			for n < len(text) && text[n] == byte(r) {
				n++
			}
		}
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// isWordRune is a rune of a Latin word or a number.
func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func startsClosing(tok string) bool { return strings.ContainsRune(noLineStart, firstRune(tok)) }

func endsOpening(tok string) bool {
	r, _ := utf8.DecodeLastRuneInString(tok)
	return strings.ContainsRune(noLineEnd, r)
}

// units glues tokens that must stay on one line: closing punctuation to
// the unit before it, opening punctuation to the unit after it. A line
// break between two units then obeys the rules by construction.
func units(text string) []string {
	var out []string
	for _, tok := range tokens(text) {
		n := len(out)
		if n > 1 && startsClosing(tok) && strings.TrimSpace(out[n-1]) == "" { // "字 ，": keep it with 字
			out[n-2] += out[n-1] + tok
			out = out[:n-1]
			continue
		}
		// "5万", "3亿": a multiplier belongs to its number (the number
		// before one is short, so the unit still fits a line)
		if n > 0 && (tok == "万" || tok == "亿") && unicode.IsDigit(lastRune(out[n-1])) {
			out[n-1] += tok
			continue
		}
		// "______年____月____日": a date to fill in is one blank
		if n > 0 && blankDate(out[n-1], tok) {
			out[n-1] += tok
			continue
		}
		if n > 0 && (startsClosing(tok) || endsOpening(strings.TrimRight(out[n-1], " "))) {
			out[n-1] += tok
			continue
		}
		out = append(out, tok)
	}
	return out
}

// blankDate says unit and tok belong to one date to fill in: 年, 月 or 日
// after a blank, or a blank after 年 or 月.
func blankDate(unit, tok string) bool {
	if strings.Trim(tok, "_") == "" {
		return lastRune(unit) == '年' || lastRune(unit) == '月'
	}
	return lastRune(unit) == '_' && (tok == "年" || tok == "月" || tok == "日")
}

// breakLines splits one paragraph (no newlines) into lines whose text,
// without trailing spaces, is at most width wide as measure measures it
// (a single character wider than the box gets a line of its own). Joining
// the lines gives back the paragraph exactly.
func breakLines(text string, width float64, measure func(string) float64) []string {
	var lines []string
	line := ""
	for _, u := range units(text) {
		if strings.TrimSpace(u) == "" || measure(strings.TrimRight(line+u, " ")) <= width {
			// fits, or only spaces: they may hang past the edge
			line += u
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
		}
		if measure(u) <= width {
			line = u
			continue
		}
		parts := splitWide(u, width, measure) // a unit wider than the box
		lines = append(lines, parts[:len(parts)-1]...)
		line = parts[len(parts)-1]
	}
	return append(lines, line)
}

// splitWide cuts a unit wider than the box at character boundaries,
// keeping punctuation with its neighbour where the box allows.
func splitWide(tok string, width float64, measure func(string) float64) []string {
	var out []string
	runes := []rune(tok)
	start := 0
	for i := 1; i <= len(runes); i++ {
		if i < len(runes) && measure(string(runes[start:i+1])) <= width {
			continue
		}
		cut := i
		for cut-1 > start && cut < len(runes) && (startsClosing(strings.TrimLeft(string(runes[cut:]), " ")) ||
			strings.ContainsRune(noLineEnd, runes[cut-1])) {
			cut--
		}
		out = append(out, string(runes[start:cut]))
		start = cut
		i = cut
	}
	if start < len(runes) || len(out) == 0 {
		out = append(out, string(runes[start:]))
	}
	return out
}

// wrap breaks a text with newlines into lines.
func wrap(text string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		out = append(out, breakLines(para, width, measure)...)
	}
	return out
}
