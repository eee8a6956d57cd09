package engine

import "testing"

func TestMaskAmount(t *testing.T) {
	for _, c := range []struct {
		in   Fen
		want string
	}{{1200000, "1****.00"}, {50, "*.50"}, {0, "*.00"}, {999, "*.99"}, {1000, "1*.00"}, {800033, "8***.33"}} {
		if got := MaskAmount(c.in); got != c.want {
			t.Errorf("MaskAmount(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseFundingSetting(t *testing.T) {
	for _, c := range []struct {
		doc, field, preset, completed string
	}{
		{`{"preset":"suzhou","completed":"2027-09-01"}`, "", "suzhou", "2027-09-01"},
		{`{"preset":"qingdao","completed":null}`, "", "qingdao", ""},
		{`{"rule":{"order":["maintenance"]}}`, "", "", ""},
		{`{"preset":"x"}`, "preset", "", ""},
		{`{"preset":"suzhou","rule":{}}`, "rule", "", ""},
		{`{}`, "preset", "", ""},
		{`{"preset":1}`, "preset", "", ""},
		{`{"preset":"suzhou","completed":"2027-02-30"}`, "completed", "", ""},
		{`{"rule":{"window_days":4000}}`, "rule.window_days", "", ""},
		{`{"preset":"suzhou","x":1}`, "x", "", ""},
	} {
		t.Run(c.doc, func(t *testing.T) {
			got, err := ParseFundingSetting([]byte(c.doc))
			if c.field != "" {
				if errorField(err) != c.field {
					t.Fatalf("field %q (%v), want %q", errorField(err), err, c.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			completed := ""
			if got.Completed != nil {
				completed = got.Completed.String()
			}
			if got.Preset != c.preset || completed != c.completed {
				t.Errorf("got %+v, want preset %q completed %q", got, c.preset, c.completed)
			}
		})
	}
}

func TestParseFundingFigures(t *testing.T) {
	for _, c := range []struct {
		doc         string
		byHousehold bool
		field       string
	}{
		{`{"accounts":[{"name":"张三","relation":"owner","balance":"1.00"}],"maintenance":{"first_deposit":"1.00","balance":"2.00"}}`, false, ""},
		{`{"accounts":[],"consent":true}`, true, ""},
		{`{"accounts":[]}`, true, "consent"},
		{`{"accounts":[],"consent":false}`, true, "consent"},
		{`{"accounts":[],"consent":"yes"}`, true, "consent"},
		{`{"accounts":[{"name":" ","relation":"owner","balance":"1.00"}]}`, false, "accounts[0].name"},
		{`{"accounts":[{"name":"张三","relation":"owner","balance":"-1.00"}]}`, false, "accounts[0].balance"},
		{`{"maintenance":{"first_deposit":"1.00"}}`, false, "maintenance.balance"},
		{`{"account":[]}`, false, "account"},
	} {
		t.Run(c.doc, func(t *testing.T) {
			_, err := ParseFundingFigures([]byte(c.doc), c.byHousehold)
			if errorField(err) != c.field || (c.field == "") != (err == nil) {
				t.Fatalf("field %q (%v), want %q", errorField(err), err, c.field)
			}
		})
	}
}

func errorField(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Field
	}
	return ""
}

// TestFiguresTextRoundTrip: what FiguresText writes ParseFiguresText reads
// back the same, by the fast path or through encoding/json.
func TestFiguresTextRoundTrip(t *testing.T) {
	for _, f := range []HouseholdFundingFigures{
		{Accounts: []FundingAccount{}},
		{Accounts: []FundingAccount{{Name: "张三", Relation: RelationOwner, Balance: 1234567}, {Name: "李四", Relation: RelationSpouse, Balance: 0}},
			Maintenance: &MaintenanceAccount{FirstDeposit: 800033, Balance: 650000}},
		{Accounts: []FundingAccount{{Name: `王"五\`, Relation: RelationChild, Balance: 5}}},
		{Accounts: []FundingAccount{{Name: "<赵>&", Relation: RelationParent, Balance: 99}}, Maintenance: &MaintenanceAccount{}},
	} {
		text := f.FiguresText()
		var got HouseholdFundingFigures
		if err := ParseFiguresText(text, &got); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got.FiguresText() != text {
			t.Errorf("read back %s, want %s", got.FiguresText(), text)
		}
	}
	var got HouseholdFundingFigures
	if err := ParseFiguresText(`{"accounts":[{"name":"x","relation":"owner","balance":"1.00"}],"maintenance":null, "x":1}`, &got); err != nil || len(got.Accounts) != 1 {
		t.Errorf("a text of another shape: %+v %v", got, err)
	}
}

// TestSubsidyShares: the subsidy split by the plan's weights adds up to
// the subsidy, gives nothing to a household that pays nothing, and share +
// subsidy part is what the household pays of the cost before the subsidy.
func TestSubsidyShares(t *testing.T) {
	in, err := ParseCalcInput([]byte(`{"floors":6,"households":[{"id":"101","floor":1,"area":"60"},{"id":"301","floor":3,"area":"70.5"},
		{"id":"601","floor":6,"area":"90"},{"id":"602","floor":6,"area":"88.8"}],
		"costs":[{"amount":"500000"}],"subsidies":[{"type":"fixed","amount":"200000.01"}],
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.7"},{"floors":"4-6","value":"1.0"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Calc(in)
	if err != nil {
		t.Fatal(err)
	}
	parts := SubsidyShares(in, res)
	var sum, gross Fen
	for _, h := range res.Households {
		sum += parts[h.Room]
		gross += h.Share + parts[h.Room]
	}
	if sum != res.TotalSubsidy || parts["101"] != 0 || gross != res.TotalCost {
		t.Errorf("parts %v: sum %s (subsidy %s), gross %s (cost %s)", parts, sum, res.TotalSubsidy, gross, res.TotalCost)
	}
}
