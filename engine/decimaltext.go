package engine

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// Parsing decimal text (money, areas, rates) exactly into fixed-point
// integers: never through float64.

type fixedStatus int

const (
	fixedOK fixedStatus = iota
	fixedInvalid
	fixedTooPrecise
	fixedOutOfRange
	fixedSlow // exponent or many digits: take the decimal path
)

// parseFixed reads the plain forms -?digits(.digits)? exactly into an
// integer scaled by 10^places, without allocating.
func parseFixed(text string, places int32) (int64, fixedStatus) {
	i, neg := 0, false
	if i < len(text) && text[i] == '-' {
		neg, i = true, 1
	}
	intStart := i
	for i < len(text) && text[i] >= '0' && text[i] <= '9' {
		i++
	}
	intDigits := text[intStart:i]
	if len(intDigits) == 0 || (len(intDigits) > 1 && intDigits[0] == '0') {
		return 0, fixedInvalid
	}
	frac := ""
	if i < len(text) && text[i] == '.' {
		i++
		fracStart := i
		for i < len(text) && text[i] >= '0' && text[i] <= '9' {
			i++
		}
		frac = text[fracStart:i]
		if len(frac) == 0 {
			return 0, fixedInvalid
		}
	}
	if i < len(text) {
		if text[i] == 'e' || text[i] == 'E' {
			return 0, fixedSlow
		}
		return 0, fixedInvalid
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if int32(len(frac)) > places {
		return 0, fixedTooPrecise
	}
	for len(intDigits) > 1 && intDigits[0] == '0' {
		intDigits = intDigits[1:]
	}
	if len(intDigits)+int(places) > 18 {
		return 0, fixedSlow
	}
	var v int64
	for _, c := range []byte(intDigits) {
		v = v*10 + int64(c-'0')
	}
	for k := int32(0); k < places; k++ {
		v *= 10
		if int(k) < len(frac) {
			v += int64(frac[k] - '0')
		}
	}
	if neg {
		v = -v
	}
	return v, fixedOK
}

// parseFixedSlow handles exponents and long numbers through decimal.
func parseFixedSlow(text string, places int32, min, max int64) (int64, fixedStatus) {
	if len(text) > 40 || !decimalText.MatchString(text) {
		return 0, fixedInvalid
	}
	d, err := decimal.NewFromString(text)
	if err != nil || d.Exponent() < -60 || d.Exponent() > 30 {
		return 0, fixedOutOfRange
	}
	if decimalPlaces(d) > places {
		return 0, fixedTooPrecise
	}
	v := d.Shift(places)
	if v.LessThan(decimal.NewFromInt(min)) || v.GreaterThan(decimal.NewFromInt(max)) {
		return 0, fixedOutOfRange
	}
	return v.IntPart(), fixedOK
}

// decimalPlaces is the number of significant decimals of d (1.50 has 1).
func decimalPlaces(d decimal.Decimal) int32 {
	if d.IsZero() {
		return 0
	}
	coef := d.Coefficient()
	exp := d.Exponent()
	ten := big.NewInt(10)
	q, m := new(big.Int), new(big.Int)
	for exp < 0 {
		q.QuoRem(coef, ten, m)
		if m.Sign() != 0 {
			break
		}
		coef, q = q, coef
		exp++
	}
	if exp >= 0 {
		return 0
	}
	return -exp
}
