package engine

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Fen is an amount of money in fen (分), the smallest unit of 人民币.
type Fen int64

// MaxAmount bounds every amount of money in input: 1,000,000,000.00 元.
const MaxAmount Fen = 100_000_000_000

// String formats f in 元 with exactly two decimals ("1234.50").
func (f Fen) String() string { return fixed2(int64(f)) }

// Grouped formats f with thousands separators for people: 570,000.00.
func (f Fen) Grouped() string {
	s := fixed2(int64(f))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteString(frac)
	return b.String()
}

// MarshalJSON writes f as a string with two decimals, as the contracts say.
func (f Fen) MarshalJSON() ([]byte, error) {
	return []byte(`"` + f.String() + `"`), nil
}

// Decimal returns f in 元.
func (f Fen) Decimal() decimal.Decimal { return decimal.New(int64(f), -2) }

// Area is an area in hundredths of a square metre.
type Area int64

// String formats a with two decimals ("68.50").
func (a Area) String() string { return fixed2(int64(a)) }

// MarshalJSON writes a as a string with two decimals.
func (a Area) MarshalJSON() ([]byte, error) {
	return []byte(`"` + a.String() + `"`), nil
}

// Ratio is a rate or coefficient in millionths (6 decimals): 0.7 is 700000.
type Ratio int64

const ratioScale = 1_000_000

// String formats r without trailing zeros ("0.7", "1").
func (r Ratio) String() string { return decimal.New(int64(r), -6).String() }

func fixed2(v int64) string {
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
		v = -v
	}
	b.WriteString(strconv.FormatInt(v/100, 10))
	b.WriteByte('.')
	c := v % 100
	b.WriteByte(byte('0' + c/10))
	b.WriteByte(byte('0' + c%10))
	return b.String()
}

// roundHalfUpDiv returns round_half_up(num / den) for num ≥ 0, den > 0
// (四舍五入: halves away from zero).
func roundHalfUpDiv(num, den int64) int64 {
	return (2*num + den) / (2 * den)
}

// mulRatio returns round_half_up(f × r): an amount times a rate, to the fen.
func mulRatio(f Fen, r Ratio) Fen {
	return Fen(roundHalfUpDiv(int64(f)*int64(r), ratioScale))
}

// UnmarshalJSON reads an amount written by MarshalJSON (or a plain number).
func (f *Fen) UnmarshalJSON(data []byte) error {
	v, err := unmarshalFixed(data, 2)
	*f = Fen(v)
	return err
}

// UnmarshalJSON reads an area written by MarshalJSON.
func (a *Area) UnmarshalJSON(data []byte) error {
	v, err := unmarshalFixed(data, 2)
	*a = Area(v)
	return err
}

// UnmarshalJSON reads a ratio written by MarshalJSON.
func (r *Ratio) UnmarshalJSON(data []byte) error {
	v, err := unmarshalFixed(data, 6)
	*r = Ratio(v)
	return err
}

// UnmarshalJSON reads a percent written by MarshalJSON.
func (p *Percent) UnmarshalJSON(data []byte) error {
	v, err := unmarshalFixed(data, 2)
	*p = Percent(v)
	return err
}

func unmarshalFixed(data []byte, places int32) (int64, error) {
	text := strings.Trim(string(data), `"`)
	v, status := parseFixed(text, places)
	if status != fixedOK {
		return 0, Invalidf("", "无法读取数值 %q", text)
	}
	return v, nil
}
