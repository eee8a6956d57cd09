package engine

import (
	"strings"
	"testing"
)

// base is a valid document; each bad case replaces one part of it.
const validDoc = `{"name":"测试","floors":6,
 "households":[{"id":"101","floor":1,"area":"68.50","owner":"张三"},{"id":"301","floor":3,"area":"80","hardship":true},{"id":"601","floor":6,"area":"90"}],
 "costs":[{"name":"电梯","amount":"420000"}],
 "subsidies":[{"name":"市级","type":"fixed","amount":"200000"},{"type":"percent","rate":"0.4","cap":"280000"},{"type":"by_floors","table":[{"min_floors":4,"amount":"160000"}]}],
 "compensations":[{"household":"101","amount":"5000"}],
 "allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.7"},{"floors":"4-6","value":"1"}]},
 "hardship":{"relief_rate":"1","funded_by":"others","fund":"0"},
 "installments":{"down_payment_rate":"0.3","months":12,"annual_rate":"0","method":"equal","start":"2027-01-01"},
 "operating":{"annual":"6000"}}`

func TestValidDocument(t *testing.T) {
	mustCalc(t, validDoc)
}

func TestCalcRejectsBadInput(t *testing.T) {
	hs := func(h string) string {
		return `{"households":[` + h + `],"costs":[{"amount":"100"}]}`
	}
	with := func(key, value string) string {
		return `{"floors":6,"households":[{"id":"101","floor":1,"area":"68.50"},{"id":"601","floor":6,"area":"90"}],"costs":[{"amount":"100"}],"` + key + `":` + value + `}`
	}
	tests := []struct {
		name  string
		doc   string
		field string
	}{
		{"JSON syntax error", `{"households": [`, ""},
		{"trailing garbage", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"1"}]} x`, ""},
		{"empty input", ``, ""},
		{"not an object", `[1,2]`, ""},
		{"invalid UTF-8", "{\"name\":\"\xff\"}", ""},
		{"unknown top-level field", `{"household":[],"costs":[]}`, "household"},
		{"households missing", `{"costs":[{"amount":"1"}]}`, "households"},
		{"households null", `{"households":null,"costs":[{"amount":"1"}]}`, "households"},
		{"households empty", `{"households":[],"costs":[{"amount":"1"}]}`, "households"},
		{"unknown household field", hs(`{"id":"1","floor":1,"area":"1","aera":"2"}`), "households[0].aera"},
		{"negative area", hs(`{"id":"1","floor":1,"area":"1"},{"id":"2","floor":1,"area":"1"},{"id":"3","floor":1,"area":"1"},{"id":"4","floor":1,"area":"-5"}`), "households[3].area"},
		{"zero area", hs(`{"id":"1","floor":1,"area":"0"}`), "households[0].area"},
		{"area too large", hs(`{"id":"1","floor":1,"area":"10000.01"}`), "households[0].area"},
		{"area with 3 decimals", hs(`{"id":"1","floor":1,"area":"68.505"}`), "households[0].area"},
		{"area null", hs(`{"id":"1","floor":1,"area":null}`), "households[0].area"},
		{"area missing", hs(`{"id":"1","floor":1}`), "households[0].area"},
		{"area as text that is not a number", hs(`{"id":"1","floor":1,"area":"68,5"}`), "households[0].area"},
		{"area with spaces", hs(`{"id":"1","floor":1,"area":" 68.5"}`), "households[0].area"},
		{"area as a boolean", hs(`{"id":"1","floor":1,"area":true}`), "households[0].area"},
		{"huge exponent", hs(`{"id":"1","floor":1,"area":1e999999}`), "households[0].area"},
		{"duplicate id", hs(`{"id":"1","floor":1,"area":"1"},{"id":"1","floor":2,"area":"1"}`), "households[1].id"},
		{"empty id", hs(`{"id":"","floor":1,"area":"1"}`), "households[0].id"},
		{"blank id", hs(`{"id":"  ","floor":1,"area":"1"}`), "households[0].id"},
		{"id too long", hs(`{"id":"` + strings.Repeat("x", 33) + `","floor":1,"area":"1"}`), "households[0].id"},
		{"id as a number", hs(`{"id":101,"floor":1,"area":"1"}`), "households[0].id"},
		{"floor zero", hs(`{"id":"1","floor":0,"area":"1"}`), "households[0].floor"},
		{"floor not an integer", hs(`{"id":"1","floor":1.5,"area":"1"}`), "households[0].floor"},
		{"floor above floors", `{"floors":5,"households":[{"id":"1","floor":6,"area":"1"}],"costs":[{"amount":"1"}]}`, "households[0].floor"},
		{"floors zero", `{"floors":0,"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"1"}]}`, "floors"},
		{"hardship not a boolean", hs(`{"id":"1","floor":1,"area":"1","hardship":"yes"}`), "households[0].hardship"},
		{"costs missing", `{"households":[{"id":"1","floor":1,"area":"1"}]}`, "costs"},
		{"costs empty", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[]}`, "costs"},
		{"negative cost", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"-1"}]}`, "costs[0].amount"},
		{"cost with 3 decimals", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"1.001"}]}`, "costs[0].amount"},
		{"cost amount null", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":null}]}`, "costs[0].amount"},
		{"total cost too large", `{"households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"999999999"},{"amount":"2"}]}`, "costs[1]"},
		{"unknown subsidy type", with("subsidies", `[{"type":"gift","amount":"1"}]`), "subsidies[0].type"},
		{"subsidy type missing", with("subsidies", `[{"amount":"1"}]`), "subsidies[0].type"},
		{"fixed subsidy without amount", with("subsidies", `[{"type":"fixed"}]`), "subsidies[0].amount"},
		{"fixed subsidy with a rate", with("subsidies", `[{"type":"fixed","amount":"1","rate":"0.1"}]`), "subsidies[0].rate"},
		{"percent above 1", with("subsidies", `[{"type":"percent","rate":"1.5"}]`), "subsidies[0].rate"},
		{"percent with 7 decimals", with("subsidies", `[{"type":"percent","rate":"0.1234567"}]`), "subsidies[0].rate"},
		{"negative cap", with("subsidies", `[{"type":"percent","rate":"0.4","cap":"-1"}]`), "subsidies[0].cap"},
		{"by_floors without table", with("subsidies", `[{"type":"by_floors"}]`), "subsidies[0].table"},
		{"by_floors duplicate row", with("subsidies", `[{"type":"by_floors","table":[{"min_floors":4,"amount":"1"},{"min_floors":4,"amount":"2"}]}]`), "subsidies[0].table[1].min_floors"},
		{"compensation for an unknown household", with("compensations", `[{"household":"999","amount":"1"}]`), "compensations[0].household"},
		{"negative compensation", with("compensations", `[{"household":"101","amount":"-1"}]`), "compensations[0].amount"},
		{"compensation without a room", with("compensations", `[{"household":"101","amount":"1"},{"household":"","amount":"2"}]`), "compensations[1].household"},
		{"compensation with the room missing", with("compensations", `[{"amount":"2"}]`), "compensations[0].household"},
		{"unknown method", with("allocation", `{"method":"by_luck"}`), "allocation.method"},
		{"coefficients missing a floor", with("allocation", `{"method":"coefficient_area","coefficients":[{"floors":"1-5","value":"1"}]}`), "allocation.coefficients"},
		{"coefficients missing entirely", with("allocation", `{"method":"coefficient"}`), "allocation.coefficients"},
		{"overlapping ranges", with("allocation", `{"method":"coefficient_area","coefficients":[{"floors":"1-3","value":"0"},{"floors":"3-6","value":"1"}]}`), "allocation.coefficients[1].floors"},
		{"reversed range", with("allocation", `{"method":"coefficient_area","coefficients":[{"floors":"6-1","value":"1"}]}`), "allocation.coefficients[0].floors"},
		{"garbage range", with("allocation", `{"method":"coefficient_area","coefficients":[{"floors":"三楼","value":"1"}]}`), "allocation.coefficients[0].floors"},
		{"negative coefficient", with("allocation", `{"method":"coefficient_area","coefficients":[{"floors":"1-6","value":"-1"}]}`), "allocation.coefficients[0].value"},
		{"percents missing a floor", with("allocation", `{"method":"floor_percent","percents":[{"floors":"6","value":"40"}]}`), "allocation.percents"},
		{"unknown allocation field", with("allocation", `{"method":"area","weights":[]}`), "allocation.weights"},
		{"nobody to pay", `{"households":[{"id":"1","floor":1,"area":"1","exempt":true}],"costs":[{"amount":"1"}]}`, "households"},
		{"relief rate above 1", with("hardship", `{"relief_rate":"1.1"}`), "hardship.relief_rate"},
		{"relief rate missing", with("hardship", `{"funded_by":"fund"}`), "hardship.relief_rate"},
		{"unknown funding", with("hardship", `{"relief_rate":"1","funded_by":"bank"}`), "hardship.funded_by"},
		{"down payment of 100%", with("installments", `{"down_payment_rate":"1","months":12,"start":"2027-01-01"}`), "installments.down_payment_rate"},
		{"months zero", with("installments", `{"months":0,"start":"2027-01-01"}`), "installments.months"},
		{"months above 360", with("installments", `{"months":361,"start":"2027-01-01"}`), "installments.months"},
		{"months missing", with("installments", `{"start":"2027-01-01"}`), "installments.months"},
		{"annual rate of 1", with("installments", `{"months":12,"annual_rate":"1","method":"annuity","start":"2027-01-01"}`), "installments.annual_rate"},
		{"equal with interest", with("installments", `{"months":12,"annual_rate":"0.05","method":"equal","start":"2027-01-01"}`), "installments.annual_rate"},
		{"unknown installment method", with("installments", `{"months":12,"method":"balloon","start":"2027-01-01"}`), "installments.method"},
		{"bad date", with("installments", `{"months":12,"start":"2027-02-30"}`), "installments.start"},
		{"date in another format", with("installments", `{"months":12,"start":"2027/01/01"}`), "installments.start"},
		{"start missing", with("installments", `{"months":12}`), "installments.start"},
		{"operating without annual", with("operating", `{}`), "operating.annual"},
		{"operating negative", with("operating", `{"annual":"-6000"}`), "operating.annual"},
		{"name with a control character", `{"name":"a\u0007b","households":[{"id":"1","floor":1,"area":"1"}],"costs":[{"amount":"1"}]}`, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := CalcJSON([]byte(tt.doc))
			if res != nil {
				t.Fatalf("bad input produced a result")
			}
			var e *Error
			if !asError(err, &e) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if e.Code != ECodeInvalid || e.Field != tt.field {
				t.Errorf("code, field = %q, %q, want invalid, %q (message %s)", e.Code, e.Field, tt.field, e.Message)
			}
			if !hasHan(e.Message) {
				t.Errorf("message %q is not in Chinese", e.Message)
			}
		})
	}
}

// A scenario refuses two compensation rows for one room and a row
// without a room, naming the row; the calculation contract adds two rows
// for one room up (TestCompensationIsAddedToThePool).
func TestCompensationRowsSayWhich(t *testing.T) {
	p := &Project{Floors: 6, Households: []Household{{Room: "101", Floor: 1, Area: 6000}, {Room: "601", Floor: 6, Area: 6000}}}
	for _, tt := range []struct{ rows, field, want string }{
		{`[{"household":"101","amount":"1"},{"household":"101","amount":"2"}]`, "compensations[1].household", "第2项补偿与第1项补偿是同一户（101）：同一户的补偿请合并为一项，或改选另一户"},
		{`[{"household":"101","amount":"1"},{"household":"601","amount":"1"},{"household":"101","amount":"2"}]`, "compensations[2].household", "第3项补偿与第1项补偿是同一户（101）：同一户的补偿请合并为一项，或改选另一户"},
		{`[{"household":"101","amount":"1"},{"household":"  ","amount":"2"}]`, "compensations[1].household", "第2项补偿没有填写房号：请选择领取补偿的住户"},
		{`[{"household":"101","amount":"1"},{"household":"601","amount":"2"}]`, "", ""},
	} {
		in, _, err := ComputeScenario(p, []byte(`{"costs":[{"amount":"100"}],"compensations":`+tt.rows+`}`))
		if err == nil {
			err = CheckCompensationRows(in)
		}
		var got, field string
		if e := (*Error)(nil); asError(err, &e) {
			got, field = e.Message, e.Field
		} else if err != nil {
			t.Fatalf("%s: %v", tt.rows, err)
		}
		if got != tt.want || field != tt.field {
			t.Errorf("%s: got %s %q, want %s %q", tt.rows, field, got, tt.field, tt.want)
		}
	}
}

func TestErrorMessagesSayWhere(t *testing.T) {
	_, err := CalcJSON([]byte(`{"households":[{"id":"1","floor":1,"area":"1"},{"id":"2","floor":1,"area":"1"},{"id":"3","floor":1,"area":"1"},{"id":"A-4","floor":1,"area":"-5"}],"costs":[{"amount":"1"}]}`))
	if got := err.Error(); !strings.Contains(got, "households[3].area") || !strings.Contains(got, "第4户") || !strings.Contains(got, "A-4") {
		t.Errorf("message %q should name the field, the row and the id", got)
	}
	_, err = CalcJSON([]byte("{\n  \"households\": [\n    {\"id\": \"1\",}\n]}"))
	if got := err.Error(); !strings.Contains(got, "第3行") {
		t.Errorf("syntax error %q should name the line", got)
	}
}

func TestNumbersAsJSONNumbersOrStrings(t *testing.T) {
	a := mustCalc(t, `{"households":[{"id":"1","floor":"1","area":68.5}],"costs":[{"amount":100.10}],"installments":{"months":"2","start":"2027-01-01"}}`)
	b := mustCalc(t, `{"households":[{"id":"1","floor":1,"area":"68.50"}],"costs":[{"amount":"100.1"}],"installments":{"months":2,"start":"2027-01-01"}}`)
	if a.TotalDue != b.TotalDue || a.Households[0].Area != b.Households[0].Area || a.TotalDue != 10010 {
		t.Errorf("numbers and strings disagree: %s/%s vs %s/%s", a.TotalDue, a.Households[0].Area, b.TotalDue, b.Households[0].Area)
	}
	// Trailing zeros are not extra decimals; a byte-order mark is accepted.
	mustCalc(t, "\ufeff"+`{"households":[{"id":"1","floor":1,"area":"68.500"}],"costs":[{"amount":"100.000"}]}`)
	// Optional fields may be null.
	mustCalc(t, `{"name":null,"floors":null,"households":[{"id":"1","floor":1,"area":"1","owner":null}],"costs":[{"amount":"1"}],"subsidies":null,"hardship":null}`)
}
