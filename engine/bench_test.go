package engine

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// BenchmarkCalc36 is the 36-household building with every option: three
// subsidy shapes, compensation, relief from a fund, 36-month 等额本息 plans
// and a running cost. Target: ≤ 200 µs per scenario on one core.
func BenchmarkCalc36(b *testing.B) {
	data, err := os.ReadFile("../fixtures/scenarios/estate-36-all-options.json")
	if err != nil {
		b.Fatal(err)
	}
	benchCalc(b, data)
}

// BenchmarkCalc5000 is a 5,000-household estate split by area with hardship
// relief and 24-month plans. Target: ≤ 50 ms per scenario.
func BenchmarkCalc5000(b *testing.B) {
	benchCalc(b, estate(5000))
}

func benchCalc(b *testing.B, data []byte) {
	b.Run("parse+calc", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := CalcJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("calc", func(b *testing.B) {
		in, err := ParseCalcInput(data)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Calc(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// estate builds an n-household input: 9-storey buildings, areas 55–125 m²,
// one household in 17 in hardship, relief shared by the others.
func estate(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"name":"5000户小区","floors":9,"households":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%d-%d","floor":%d,"area":"%d.%02d","hardship":%t}`,
			i/36+1, i%36+1, i%9+1, 55+i%71, (i*37)%100, i%17 == 0)
	}
	b.WriteString(`],"costs":[{"name":"电梯","amount":"98000000.00"},{"name":"土建","amount":"31234567.89"}],
		"subsidies":[{"type":"percent","rate":"0.4","cap":"40000000"}],
		"allocation":{"method":"area"},
		"hardship":{"relief_rate":"0.5","funded_by":"others"},
		"installments":{"down_payment_rate":"0.3","months":24,"annual_rate":"0","method":"equal","start":"2027-01-31"},
		"operating":{"annual":"880000"}}`)
	return []byte(b.String())
}

func TestEstateScenarioIsValid(t *testing.T) {
	in, err := ParseCalcInput(estate(5000))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Calc(in)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, in, res)
}

// BenchmarkExplain5000 is the explanation on one household's page in a
// 5,000-household estate: it re-derives every weight to print the sum the
// share is divided by.
func BenchmarkExplain5000(b *testing.B) {
	in, err := ParseCalcInput(estate(5000))
	if err != nil {
		b.Fatal(err)
	}
	res, err := Calc(in)
	if err != nil {
		b.Fatal(err)
	}
	room := in.Households[len(in.Households)-1].Room
	b.ReportAllocs()
	for b.Loop() {
		if x := Explain(in, res, room); len(x.Lines) < 2 {
			b.Fatal(x)
		}
	}
}
