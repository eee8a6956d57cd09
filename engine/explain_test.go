package engine

import (
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	doc := `{"name":"A","floors":6,
	"households":[{"id":"101","floor":1,"area":"68.50"},{"id":"201","floor":2,"area":"68.50"},{"id":"301","floor":3,"area":"86.20"},
	 {"id":"401","floor":4,"area":"68.50","hardship":true},{"id":"501","floor":5,"area":"86.20"},{"id":"601","floor":6,"area":"68.50","exempt":true}],
	"costs":[{"name":"电梯","amount":"420000"},{"name":"土建","amount":"150000"}],
	"subsidies":[{"name":"市级","type":"fixed","amount":"200000"}],
	"compensations":[{"household":"101","amount":"5000"}],
	"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.7"},{"floors":"4-6","value":"1"}]},
	"hardship":{"relief_rate":"0.5"}}`
	in, err := ParseCalcInput([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Calc(in)
	if err != nil {
		t.Fatal(err)
	}
	if x := Explain(in, res, "301"); x.Rule != "1–2层不出资；3层系数 0.7；4–6层系数 1（再乘以各户面积）" {
		t.Errorf("rule: %s", x.Rule)
	}
	// Σ(系数×面积) = 0.7×86.20 + 68.50 + 86.20 = 215.04
	x := Explain(in, res, "301")
	all := strings.Join(x.Lines, "\n")
	for _, want := range []string{"总造价 570,000.00 元，减去财政补贴 200,000.00 元，加上给低楼层的补偿 5,000.00 元，由出资户分摊的总额是 375,000.00 元。",
		"本层系数 0.7 × 您家面积 86.20 ㎡ ÷ 全楼出资户（系数×面积）之和 215.04", "≈ " + res.Households[2].Share.Grouped() + " 元", "分担"} {
		if !strings.Contains(all, want) {
			t.Errorf("301 lacks %q:\n%s", want, all)
		}
	}
	if all := strings.Join(Explain(in, res, "401").Lines, "\n"); !strings.Contains(all, "困难户，减免 "+res.Households[3].Relief.Grouped()) {
		t.Errorf("401: %s", all)
	}
	if all := strings.Join(Explain(in, res, "101").Lines, "\n"); !strings.Contains(all, "1层不出资") || !strings.Contains(all, "低楼层补偿 5,000.00 元") {
		t.Errorf("101: %s", all)
	}
	if all := strings.Join(Explain(in, res, "201").Lines, "\n"); !strings.Contains(all, "2层不出资") {
		t.Errorf("201: %s", all)
	}
	if all := strings.Join(Explain(in, res, "601").Lines, "\n"); !strings.Contains(all, "免缴") {
		t.Errorf("601: %s", all)
	}
	// the other methods, one line each
	for method, want := range map[string]string{
		`{"method":"area"}`:  "全楼出资户面积之和 377.9 ㎡",
		`{"method":"equal"}`: "出资户数 5",
		`{"method":"floor_percent","percents":[{"floors":"1-2","value":"0"},{"floors":"3-6","value":"25"}]}`: "本层出资户数 1 ÷ 有出资户的各层比例之和 75%",
	} {
		d := strings.Replace(doc, `{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.7"},{"floors":"4-6","value":"1"}]}`, method, 1)
		in, err := ParseCalcInput([]byte(d))
		if err != nil {
			t.Fatal(method, err)
		}
		res, err := Calc(in)
		if err != nil {
			t.Fatal(method, err)
		}
		if all := strings.Join(Explain(in, res, "301").Lines, "\n"); !strings.Contains(all, want) {
			t.Errorf("%s: lacks %q:\n%s", method, want, all)
		}
	}
}

// TestRatesAsPercentages: "30%" is 0.3 exactly wherever a rate is typed.
func TestRatesAsPercentages(t *testing.T) {
	base := `{"name":"A","floors":3,"households":[{"id":"301","floor":3,"area":"80"}],"costs":[{"name":"c","amount":"100000"}],
	"subsidies":[{"name":"s","type":"percent","rate":"%s"}],"allocation":{"method":"area"},"hardship":{"relief_rate":"%s"},
	"installments":{"down_payment_rate":"%s","months":12,"annual_rate":"%s","method":"annuity","start":"2027-01-01"}}`
	parse := func(a, b, c, d string) *CalcInput {
		doc := base
		for _, v := range []string{a, b, c, d} {
			doc = strings.Replace(doc, "%s", v, 1)
		}
		in, err := ParseCalcInput([]byte(doc))
		if err != nil {
			t.Fatalf("%s %s %s %s: %v", a, b, c, d, err)
		}
		return in
	}
	dec, pct := parse("0.3", "0.5", "0.25", "0.036"), parse("30%", "50 %", "25％", "3.6%")
	if dec.Subsidies[0].Rate != pct.Subsidies[0].Rate || dec.Hardship.ReliefRate != pct.Hardship.ReliefRate ||
		dec.Installments.DownPaymentRate != pct.Installments.DownPaymentRate || dec.Installments.AnnualRate != pct.Installments.AnnualRate {
		t.Errorf("percentages differ from decimals: %+v %+v", pct.Installments, dec.Installments)
	}
	for _, bad := range []string{"130%", "3.00001%", "%", "abc%"} {
		doc := strings.Replace(strings.Replace(strings.Replace(strings.Replace(base, "%s", "0.3", 1), "%s", bad, 1), "%s", "0.3", 1), "%s", "0", 1)
		if _, err := ParseCalcInput([]byte(doc)); err == nil || !strings.Contains(err.Error(), "减免比例") {
			t.Errorf("relief %q: %v", bad, err)
		}
	}
}

func TestRuleThresholdsAsPercentages(t *testing.T) {
	doc := func(v string) string {
		return `{"rule":{"participation_area":"` + v + `","participation_owners":"2/3","approval_area":"0.75","approval_owners":"3/4"},
		"households":[{"id":"1","area":"60","vote":"agree"},{"id":"2","area":"60","vote":"agree"},{"id":"3","area":"60"}]}`
	}
	pct, err := TallyJSON([]byte(doc("66.6667%")))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := TallyJSON([]byte(doc("0.666667")))
	if err != nil {
		t.Fatal(err)
	}
	if pct.Passed != dec.Passed || pct.Participation.AreaMet != dec.Participation.AreaMet {
		t.Errorf("66.6667%% and 0.666667 count differently")
	}
	if _, err := TallyJSON([]byte(doc("120%"))); err == nil {
		t.Errorf("120%% accepted as a threshold")
	}
}
