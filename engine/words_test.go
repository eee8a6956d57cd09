package engine

import (
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct {
		amount string
		want   string
	}{
		// The examples published with the PBOC rules.
		{"1409.50", "人民币壹仟肆佰零玖元伍角"},
		{"6007.14", "人民币陆仟零柒元壹角肆分"},
		{"16409.02", "人民币壹万陆仟肆佰零玖元零贰分"},
		{"325.04", "人民币叁佰贰拾伍元零肆分"},
		// Where a 零 is optional the rules allow either form; we keep one.
		{"1680.32", "人民币壹仟陆佰捌拾元叁角贰分"},
		{"107000.53", "人民币壹拾万零柒仟元伍角叁分"},
		{"0", "人民币零元整"},
		{"0.00", "人民币零元整"},
		{"0.05", "人民币伍分"},
		{"0.5", "人民币伍角"},
		{"0.15", "人民币壹角伍分"},
		{"10", "人民币壹拾元整"},
		{"10.10", "人民币壹拾元壹角"},
		{"11", "人民币壹拾壹元整"},
		{"100", "人民币壹佰元整"},
		{"1010", "人民币壹仟零壹拾元整"},
		{"100000", "人民币壹拾万元整"},
		{"1001000", "人民币壹佰万零壹仟元整"},
		{"100007000", "人民币壹亿零柒仟元整"},
		{"100000000", "人民币壹亿元整"},
		{"1000000001", "人民币壹拾亿零壹元整"},
		{"360000", "人民币叁拾陆万元整"},
		{"999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			f, err := ParseWordsAmount(tt.amount)
			if err != nil {
				t.Fatalf("ParseWordsAmount(%q): %v", tt.amount, err)
			}
			if got := Words(f); got != tt.want {
				t.Errorf("Words(%s) = %s, want %s", tt.amount, got, tt.want)
			}
		})
	}
}

func TestParseWordsAmountRejects(t *testing.T) {
	for _, bad := range []string{"", "-1", "1.005", "abc", "1,000", " 1", "1e20", "1000000000000", "¥5"} {
		t.Run(bad, func(t *testing.T) {
			_, err := ParseWordsAmount(bad)
			if ErrorCode(err) != ECodeInvalid {
				t.Fatalf("ParseWordsAmount(%q) error = %v, want an invalid error", bad, err)
			}
			if !hasHan(err.Error()) {
				t.Errorf("message %q is not in Chinese", err.Error())
			}
		})
	}
}

// readCapital parses 大写 back to fen: an independent reading used to check
// that Words says exactly the amount.
func readCapital(t *testing.T, s string) Fen {
	t.Helper()
	rest, ok := strings.CutPrefix(s, "人民币")
	if !ok {
		t.Fatalf("%q does not start with 人民币", s)
	}
	digit := map[rune]int64{'零': 0, '壹': 1, '贰': 2, '叁': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9}
	small := map[rune]int64{'拾': 10, '佰': 100, '仟': 1000}
	var total, section, yuan int64
	var pending int64 = -1
	var fen int64
	for _, r := range rest {
		switch {
		case r == '零':
		case digit[r] > 0:
			pending = digit[r]
		case small[r] > 0:
			section += pending * small[r]
			pending = -1
		case r == '万' || r == '亿':
			if pending >= 0 {
				section += pending
				pending = -1
			}
			mult := int64(10000)
			if r == '亿' {
				mult = 100000000
				total = (total + section) * mult
			} else {
				total += section * mult
			}
			section = 0
		case r == '元':
			if pending >= 0 {
				section += pending
				pending = -1
			}
			yuan = total + section
		case r == '角':
			fen += pending * 10
			pending = -1
		case r == '分':
			fen += pending
			pending = -1
		case r == '整':
		default:
			t.Fatalf("unexpected rune %q in %q", r, s)
		}
	}
	return Fen(yuan*100 + fen)
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"1409.50", "6007.14", "16409.02", "325.04", "1680.32", "107000.53",
		"0", "0.05", "10", "100007000", "-3", "1e3", "99999999999.99", "0.1", "7.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		amount, err := ParseWordsAmount(s)
		if err != nil {
			if ErrorCode(err) != ECodeInvalid {
				t.Fatalf("ParseWordsAmount(%q): %v is not an invalid-input error", s, err)
			}
			return
		}
		w := Words(amount)
		if got := readCapital(t, w); got != amount {
			t.Fatalf("Words(%s) = %s, which reads back as %s", amount, w, got)
		}
		if strings.Contains(w, "零零") || strings.HasSuffix(w, "零") || strings.Contains(w, "分整") || strings.Contains(w, "角整") {
			t.Fatalf("Words(%s) = %s breaks the PBOC rules", amount, w)
		}
		if strings.HasSuffix(w, "元") {
			t.Fatalf("Words(%s) = %s: an amount ending at 元 must end with 整", amount, w)
		}
	})
}

func TestWordsRoundTrip(t *testing.T) {
	// Every amount with a tricky digit pattern reads back exactly.
	for _, yuan := range []int64{1, 9, 10, 19, 20, 101, 110, 1001, 1100, 10001, 10010, 10100, 11000, 100001,
		1000010, 10000100, 100001000, 1000000000, 1010101010, 200000000000, 999999999999} {
		for _, cents := range []int64{0, 1, 10, 11, 99} {
			f := Fen(yuan*100 + cents)
			if got := readCapital(t, Words(f)); got != f {
				t.Errorf("Words(%s) = %s reads back as %s", f, Words(f), got)
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
