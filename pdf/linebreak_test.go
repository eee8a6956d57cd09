package pdf

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// measure is a stand-in for the font: CJK and full-width 1.0, others 0.55.
func measure(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 1
		} else {
			w += 0.55
		}
	}
	return w
}

func TestBreakLinesExamples(t *testing.T) {
	tests := []struct {
		text  string
		width float64
		want  []string
	}{
		{"加装电梯出资分摊协议书", 5, []string{"加装电梯出", "资分摊协议", "书"}},
		{"总造价570000.00元。", 6, []string{"总造价", "570000.00", "元。"}},
		{"甲方乙方丙方，丁方", 4, []string{"甲方乙方", "丙方，丁", "方"}},
		{"每户出资：（见下表）", 5, []string{"每户出资：", "（见下表）"}},
		{"每户出资：（见下）表", 4, []string{"每户出", "资：（见", "下）表"}},
		{"总价SHA256SHA256SHA256元", 4, []string{"总价", "SHA256S", "HA256SH", "A256元"}},
		{"应缴人民币￥1000", 5, []string{"应缴人民币", "￥1000"}},
		{"应缴人民￥1000元", 5, []string{"应缴人民", "￥1000元"}},
		{"hello world 你好", 4, []string{"hello ", "world ", "你好"}},
		{"补贴（造价10%，封顶5万）", 11, []string{"补贴（造价10%，封顶", "5万）"}},
		{"由甲方于 ______年____月____日 前支付", 12, []string{"由甲方于 ", "______年____月____日 ", "前支付"}},
		{"签名________________", 9, []string{"签名", "________________"}},
	}
	for _, tt := range tests {
		got := breakLines(tt.text, tt.width, measure)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("breakLines(%q, %v) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// TestBreakLinesProperties: over random Chinese/Latin paragraphs, the lines
// join back to the text, none is wider than the box (but for a single
// character wider than it), none starts with closing punctuation.
func TestBreakLinesProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pool := []string{"电", "梯", "加", "装", "出", "资", "分", "摊", "协", "议", "层", "户", "，", "。", "；", "：", "、", "（", "）",
		"《", "》", "“", "”", "！", "？", "￥", " ", "570000.00", "68.50", "renovote", "SHA-256", "A4", "3号楼", "2027-01-01", "%", "30%", "PDF"}
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for j := 0; j < 1+r.IntN(60); j++ {
			b.WriteString(pool[r.IntN(len(pool))])
		}
		text := b.String()
		width := 3 + r.Float64()*30
		lines := breakLines(text, width, measure)
		if strings.Join(lines, "") != text {
			t.Fatalf("lines %q do not join back to %q", lines, text)
		}
		for k, l := range lines {
			trimmed := strings.TrimRight(l, " ")
			if measure(trimmed) > width && utf8.RuneCountInString(trimmed) > 1 {
				t.Fatalf("line %q of %q is %.2f wide, box %.2f", l, text, measure(trimmed), width)
			}
			// Punctuation may only be cut from its neighbour when a run of
			// units is wider than the whole box and had to be split.
			if k > 0 && width > 8 && startsClosing(strings.TrimLeft(l, " ")) {
				t.Fatalf("line %q starts with closing punctuation (text %q, width %.2f, lines %q)", l, text, width, lines)
			}
			if k < len(lines)-1 && width > 8 && endsOpening(strings.TrimRight(l, " ")) {
				t.Fatalf("line %q ends with opening punctuation (text %q, width %.2f, lines %q)", l, text, width, lines)
			}
		}
	}
}
