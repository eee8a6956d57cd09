package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCalc feeds arbitrary bytes to the calculation: the answer is either
// an invalid-input *Error with a Chinese message or a result whose
// invariants hold — never a panic.
func FuzzCalc(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/scenarios/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, doc := range []string{validDoc, `{}`, `[]`, `null`, `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"1"}]}`,
		`{"households":[{"id":"1","floor":1,"area":"1","exempt":true}],"costs":[{"amount":"1"}],"operating":{"annual":"1"}}`,
		`{"households":[{"id":"1","floor":2,"area":1e2}],"costs":[{"amount":0.1}],"allocation":{"method":"floor_percent","percents":[{"floors":2,"value":3}]}}`} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseCalcInput(data)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		res, err := Calc(in)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		checkInvariants(t, in, res)
	})
}

func requireInvalid(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != ECodeInvalid || !hasHan(e.Message) {
		t.Fatalf("error %v (%T) is not an invalid-input error with a Chinese message", err, err)
	}
}

// FuzzTally: any bytes give an invalid-input error or a consistent tally.
func FuzzTally(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/tally/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"rule":"civil_code_major","households":[{"id":"1","area":"1","vote":"agree"}]}`))
	f.Add([]byte(`{"rule":{"participation_area":"2/3","participation_owners":"0.5","approval_area":"3/4","approval_owners":"1","approval_strict":true},"households":[{"id":"1","area":"1","owner":"x","vote":""},{"id":"2","area":"3","owner":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := TallyJSON(data)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		if res.Participation.Owners > res.Total.Owners || res.Approval.Owners > res.Participation.Owners ||
			res.Participation.Area > res.Total.Area || res.Approval.Area > res.Participation.Area {
			t.Fatalf("tally counts are not nested: %+v", res)
		}
		if res.Passed && (res.Needed == nil || *res.Needed != 0) {
			t.Fatalf("passed but needed = %v", res.Needed)
		}
	})
}

// FuzzHouseholdsCSV: any bytes give households or an invalid-input error
// with a Chinese message, never a panic.
func FuzzHouseholdsCSV(f *testing.F) {
	f.Add([]byte("room,floor,area,owner,owner_id,phone,hardship,exempt,must_consent\n101,1,68.50,张三,,13800001111,否,0,1\n"))
	f.Add([]byte("\xef\xbb\xbfroom,floor,area,owner,owner_id,phone,hardship,exempt,must_consent\r\n\"1\"\"01\",1,1,,,,,,\n"))
	f.Add([]byte("room,floor\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, err := ParseHouseholdsCSV(data, 6)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		for _, h := range hs {
			if h.Area <= 0 || h.Floor < 1 || h.Floor > 6 || h.Room == "" {
				t.Fatalf("a bad household got through: %+v", h)
			}
		}
	})
}
