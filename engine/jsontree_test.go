package engine

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONParser checks the parser against encoding/json: the same
// documents are accepted and give the same tree.
func FuzzJSONParser(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `null`, `true`, `-0.5e+3`, `"a\u00e9\ud83d\ude00"`, `"\ud800x"`, `"\ud800\u0041"`,
		`{"a":[1,2,{"b":null}],"c":"\n\t\\\/\""}`, `[1,]`, `{"a":1,}`, `01`, `1.`, `-`, `"\x01"`, `{"a" 1}`, `[1 2]`,
		`{"a":1}{"b":2}`, ` {"dup":1,"dup":2} `, validDoc, strings.Repeat("[", 70) + strings.Repeat("]", 70)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		got, _, problem := parseJSON(data)
		wantOK := json.Valid(data)
		if problem == jsonTooDeep || problem == jsonDuplicate {
			return // we refuse deep nesting and repeated keys on purpose
		}
		if (problem == jsonOK) != wantOK {
			t.Fatalf("parseJSON(%q): ok=%v, encoding/json valid=%v", data, problem == jsonOK, wantOK)
		}
		if !wantOK {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parseJSON(%q) = %#v, want %#v", data, got, want)
		}
	})
}

func TestJSONDepthIsBounded(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	_, err := CalcJSON([]byte(deep))
	if err == nil || !strings.Contains(err.Error(), "嵌套层数过多") {
		t.Fatalf("err = %v", err)
	}
}
