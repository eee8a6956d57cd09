package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// decodeDocument parses a JSON document into a tree of map[string]any, []any,
// string, bool, nil and json.Number, so that number literals keep their text
// and never pass through float64.
func decodeDocument(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, Invalidf("", "输入不是有效的 UTF-8 文本，请以 UTF-8 编码保存文件")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // BOM, as Windows editors write it
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, syntaxError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, int(dec.InputOffset()))
		return nil, Invalidf("", "JSON 格式错误：第%d行第%d列之后还有多余的内容", line, col)
	}
	return v, nil
}

func syntaxError(data []byte, dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) {
		return Invalidf("", "输入为空：需要一个 JSON 对象")
	}
	offset := int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = int(se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		offset = len(data)
	}
	line, col := lineCol(data, offset)
	return Invalidf("", "JSON 格式错误：第%d行第%d列附近有语法错误（括号、引号或逗号不匹配）", line, col)
}

func lineCol(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

// reader walks a decoded document. It keeps the first error; once an error
// is recorded every accessor returns a zero value, so parsing code reads as
// a straight list of fields and checks the error once.
type reader struct {
	err *Error
}

func (r *reader) fail(field, format string, args ...any) {
	if r.err == nil {
		r.err = Invalidf(field, format, args...)
	}
}

func (r *reader) ok() bool { return r.err == nil }

func fieldPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// object returns v as an object, refusing keys outside allowed (typos must
// not pass silently).
func (r *reader) object(v any, path, label string, allowed ...string) map[string]any {
	if !r.ok() {
		return nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		r.fail(path, "%s应为 JSON 对象（{…}），收到%s", label, describe(v))
		return nil
	}
	var unknown []string
	for k := range m {
		if !contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		r.fail(fieldPath(path, unknown[0]), "%s中有未知字段“%s”（可用字段：%s）", label, unknown[0], strings.Join(allowed, ", "))
		return nil
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// present reports whether key is in m with a non-null value.
func present(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v != nil
}

// required fetches m[key], recording an error when it is missing or null.
func (r *reader) required(m map[string]any, path, key, label string) (any, bool) {
	if !r.ok() {
		return nil, false
	}
	v, ok := m[key]
	if !ok {
		r.fail(fieldPath(path, key), "缺少%s", label)
		return nil, false
	}
	if v == nil {
		r.fail(fieldPath(path, key), "%s不能为 null", label)
		return nil, false
	}
	return v, true
}

// array returns v as a list with between min and max elements.
func (r *reader) array(v any, path, label string, min, max int) []any {
	if !r.ok() {
		return nil
	}
	a, isArr := v.([]any)
	if !isArr {
		r.fail(path, "%s应为列表（[…]），收到%s", label, describe(v))
		return nil
	}
	if len(a) < min {
		if min == 1 {
			r.fail(path, "%s不能为空，至少需要1项", label)
		} else {
			r.fail(path, "%s至少需要%d项，现有%d项", label, min, len(a))
		}
		return nil
	}
	if len(a) > max {
		r.fail(path, "%s最多%d项，现有%d项", label, max, len(a))
		return nil
	}
	return a
}

func (r *reader) str(v any, path, label string, maxRunes int) string {
	if !r.ok() {
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		r.fail(path, "%s应为文本，收到%s", label, describe(v))
		return ""
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		r.fail(path, "%s太长：最多%d个字符，现有%d个", label, maxRunes, n)
		return ""
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f {
			r.fail(path, "%s含有控制字符，请删除", label)
			return ""
		}
	}
	return s
}

func (r *reader) boolean(v any, path, label string) bool {
	if !r.ok() {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		r.fail(path, "%s应为 true 或 false，收到%s", label, describe(v))
		return false
	}
	return b
}

// integer accepts a JSON integer or a string of digits in [min, max].
func (r *reader) integer(v any, path, label string, min, max int) int {
	if !r.ok() {
		return 0
	}
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		r.fail(path, "%s应为整数，收到%s", label, describe(v))
		return 0
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		if len(text) > 0 && len(text) <= 20 && integerText.MatchString(text) {
			r.fail(path, "%s超出范围：应在%d到%d之间，收到 %s", label, min, max, text)
		} else {
			r.fail(path, "%s应为整数，收到 %s", label, quote(text))
		}
		return 0
	}
	if n < min || n > max {
		r.fail(path, "%s应在%d到%d之间，收到 %d", label, min, max, n)
		return 0
	}
	return n
}

var integerText = regexp.MustCompile(`^-?[0-9]+$`)

// decimalText is the grammar of a JSON number; strings holding a decimal
// must follow it too (no spaces, no thousands separators).
var decimalText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// decimalValue parses a decimal from a JSON number or string, from its
// literal text, with at most places decimals (trailing zeros do not count).
func (r *reader) decimalValue(v any, path, label string, places int32) (decimal.Decimal, bool) {
	if !r.ok() {
		return decimal.Zero, false
	}
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		r.fail(path, "%s应为数字（如 \"68.50\"），收到%s", label, describe(v))
		return decimal.Zero, false
	}
	if len(text) > 40 || !decimalText.MatchString(text) {
		r.fail(path, "%s不是有效的数字：%s", label, quote(text))
		return decimal.Zero, false
	}
	d, err := decimal.NewFromString(text)
	if err != nil || d.Exponent() < -60 || d.Exponent() > 30 {
		r.fail(path, "%s不是有效的数字：%s", label, quote(text))
		return decimal.Zero, false
	}
	if decimalPlaces(d) > places {
		if places == 0 {
			r.fail(path, "%s必须是整数，收到 %s", label, text)
		} else {
			r.fail(path, "%s最多保留%d位小数，收到 %s", label, places, text)
		}
		return decimal.Zero, false
	}
	return d, true
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

// scaled parses a decimal within [min, max] (inclusive unless open) and
// returns it multiplied by 10^places as an integer.
func (r *reader) scaled(v any, path, label string, places int32, min, max decimal.Decimal, minOpen, maxOpen bool) int64 {
	d, ok := r.decimalValue(v, path, label, places)
	if !ok {
		return 0
	}
	belowMin := d.LessThan(min) || (minOpen && d.Equal(min))
	aboveMax := d.GreaterThan(max) || (maxOpen && d.Equal(max))
	if belowMin || aboveMax {
		r.fail(path, "%s应%s，收到 %s", label, rangeText(min, max, minOpen, maxOpen), quoteNumber(v))
		return 0
	}
	return d.Shift(places).IntPart()
}

func rangeText(min, max decimal.Decimal, minOpen, maxOpen bool) string {
	lo, hi := "≥", "≤"
	if minOpen {
		lo = ">"
	}
	if maxOpen {
		hi = "<"
	}
	return fmt.Sprintf("%s %s 且 %s %s", lo, min.String(), hi, max.String())
}

func quoteNumber(v any) string {
	switch x := v.(type) {
	case json.Number:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return "“" + s + "”"
}

// describe names the JSON type of v in Chinese, for messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return " null"
	case bool:
		return "布尔值 " + strconv.FormatBool(x)
	case json.Number:
		return "数字 " + string(x)
	case string:
		return "文本 " + quote(x)
	case []any:
		return "列表"
	case map[string]any:
		return "对象"
	}
	return "未知类型"
}
