package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Invalidf("", "输入为空：需要一个 JSON 对象")
	}
	v, offset, problem := parseJSON(data)
	line, col := lineCol(data, offset)
	switch problem {
	case jsonOK:
		return v, nil
	case jsonTooDeep:
		return nil, Invalidf("", "JSON 嵌套层数过多（最多%d层），在第%d行第%d列", maxJSONDepth, line, col)
	case jsonTrailing:
		return nil, Invalidf("", "JSON 格式错误：第%d行第%d列之后还有多余的内容", line, col)
	case jsonDuplicate:
		key, _ := v.(string)
		return nil, Invalidf(key, "JSON 中的键“%s”在同一个对象里出现了两次（第%d行第%d列）：请只写一次", key, line, col)
	}
	if offset >= len(data) {
		return nil, Invalidf("", "JSON 格式错误：内容在第%d行第%d列意外结束（缺少括号或引号？）", line, col)
	}
	return nil, Invalidf("", "JSON 格式错误：第%d行第%d列附近有语法错误（括号、引号或逗号不匹配）", line, col)
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

// prefix places an error raised inside one item of a list: its field path
// is made absolute and its message starts with the item's name. Items are
// read with relative paths and bare labels, so nothing is formatted unless
// something is wrong.
func (r *reader) prefix(path, name string) {
	if r.err != nil {
		r.err.Field = fieldPath(path, r.err.Field)
		r.err.Message = name + r.err.Message
	}
}

func fieldPath(parent, key string) string {
	switch {
	case parent == "":
		return key
	case key == "":
		return parent
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
		r.fail(fieldPath(path, key), "%s缺失：请填写字段“%s”", label, key)
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

// numberText returns the literal text of a JSON number or of a string
// holding one.
func (r *reader) numberText(v any, path, label string) (string, bool) {
	if !r.ok() {
		return "", false
	}
	switch x := v.(type) {
	case json.Number:
		return string(x), true
	case string:
		return x, true
	}
	r.fail(path, "%s应为数字（如 \"68.50\"），收到%s", label, describe(v))
	return "", false
}

// scaled parses a decimal from its literal text, with at most places
// significant decimals (trailing zeros do not count), within [min, max]
// (bounds open when minOpen/maxOpen), and returns it times 10^places.
// min and max are on that scale too.
func (r *reader) scaled(v any, path, label string, places int32, min, max int64, minOpen, maxOpen bool) int64 {
	text, ok := r.numberText(v, path, label)
	if !ok {
		return 0
	}
	val, status := parseFixed(text, places)
	if status == fixedSlow {
		val, status = parseFixedSlow(text, places, min, max)
	}
	switch status {
	case fixedInvalid:
		r.fail(path, "%s不是有效的数字：%s", label, quote(text))
		return 0
	case fixedTooPrecise:
		if places == 0 {
			r.fail(path, "%s必须是整数，收到 %s", label, text)
		} else {
			r.fail(path, "%s最多保留%d位小数，收到 %s", label, places, text)
		}
		return 0
	}
	if status == fixedOutOfRange || val < min || val > max || (minOpen && val == min) || (maxOpen && val == max) {
		r.fail(path, "%s应%s，收到 %s", label, rangeText(min, max, places, minOpen, maxOpen), text)
		return 0
	}
	return val
}

func rangeText(min, max int64, places int32, minOpen, maxOpen bool) string {
	lo := "不小于" + decimal.New(min, -places).String()
	if minOpen {
		lo = "大于" + decimal.New(min, -places).String()
	}
	hi := "不超过" + decimal.New(max, -places).String()
	if maxOpen {
		hi = "小于" + decimal.New(max, -places).String()
	}
	return lo + "且" + hi
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

// uniqueList reads a list whose items carry a key that must be unique
// (households by id or room, questions by id, answers by household): read
// fills one item from its value, name names item i in messages, and dup
// says what is wrong when item i repeats the key of item j (both counted
// from 1). It returns nil once anything is wrong.
func uniqueList[T any](r *reader, list []any, path, keyField string, read func(v any, item *T), key func(*T) string,
	name func(i int, item *T) string, dup func(i, j int, key string) string) []T {
	out := make([]T, len(list))
	seen := make(map[string]int, len(list))
	for i, v := range list {
		item := &out[i]
		read(v, item)
		if !r.ok() {
			r.prefix(indexPath(path, i), name(i, item))
			return nil
		}
		k := key(item)
		if j, repeated := seen[k]; repeated {
			r.fail(fieldPath(indexPath(path, i), keyField), "%s", dup(i+1, j+1, k))
			return nil
		}
		seen[k] = i
	}
	return out
}

// CheckJSON reads a JSON document only to refuse what encoding/json lets
// through silently — a key repeated in one object (where the last would
// win), invalid UTF-8, nesting deeper than the contracts allow — with a
// message that names the key. Request bodies decoded with encoding/json
// pass through it first.
func CheckJSON(data []byte) error {
	_, err := decodeDocument(data)
	return err
}
