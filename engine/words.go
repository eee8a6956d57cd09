package engine

import (
	"strings"

	"github.com/shopspring/decimal"
)

// MaxWordsAmount is the largest amount Words can write: 9999,9999,9999.99 元.
const MaxWordsAmount Fen = 99_999_999_999_999

var (
	capitalDigits = []string{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"}
	capitalUnits  = []string{"", "拾", "佰", "仟"}
	groupUnits    = []string{"", "万", "亿"}
)

// Words writes an amount in 大写 as the People's Bank of China rules for
// bills require (《支付结算办法》附件《正确填写票据和结算凭证的基本规定》):
// "人民币" first; 壹拾 for a leading ten; one 零 for a run of zeros inside the
// integer part (so 壹亿零柒仟元整, 壹拾万零柒仟元); 零 between 元 and 分 when
// 角 is zero (壹万陆仟肆佰零玖元零贰分); 整 after 元, nothing after 角 or 分.
// Where the rules leave a 零 optional — a zero 元 before a non-zero 角 — we
// write none (壹仟陆佰捌拾元叁角贰分). f must be in 0..MaxWordsAmount.
func Words(f Fen) string {
	var b strings.Builder
	b.WriteString("人民币")
	yuan, jiao, fen := int64(f)/100, int64(f)/10%10, int64(f)%10
	if yuan > 0 {
		writeIntegerWords(&b, yuan)
		b.WriteString("元")
	}
	switch {
	case yuan == 0 && jiao == 0 && fen == 0:
		b.WriteString("零元整")
	case jiao == 0 && fen == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteString(capitalDigits[fen] + "分")
	default:
		b.WriteString(capitalDigits[jiao] + "角")
		if fen > 0 {
			b.WriteString(capitalDigits[fen] + "分")
		}
	}
	return b.String()
}

// writeIntegerWords writes n > 0 in groups of four digits (亿, 万, units).
func writeIntegerWords(b *strings.Builder, n int64) {
	digits := []byte(decimal.NewFromInt(n).String())
	zeroPending := false
	groupHasDigit := false
	for i, c := range digits {
		pos := len(digits) - 1 - i // 0 is the 元 digit
		d := int(c - '0')
		if d == 0 {
			zeroPending = true
		} else {
			if zeroPending { // digits start non-zero, so a zero here is inside the number
				b.WriteString("零")
			}
			zeroPending = false
			groupHasDigit = true
			b.WriteString(capitalDigits[d] + capitalUnits[pos%4])
		}
		if pos%4 == 0 {
			if groupHasDigit {
				b.WriteString(groupUnits[pos/4])
			}
			groupHasDigit = false
		}
	}
}

// ParseWordsAmount reads an amount for Words: a decimal ≥ 0 with at most two
// decimals, not above MaxWordsAmount.
func ParseWordsAmount(text string) (Fen, error) {
	r := &reader{}
	f := Fen(r.scaled(text, "amount", "金额", 2, 0, int64(MaxWordsAmount), false, false))
	if r.err != nil {
		return 0, r.err
	}
	return f, nil
}
