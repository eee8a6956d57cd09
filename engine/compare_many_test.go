package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

// summaryOf computes a scenario document and summarizes it.
func summaryOf(t *testing.T, doc string) []string {
	t.Helper()
	in, err := ParseCalcInput([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Calc(in)
	if err != nil {
		t.Fatal(err)
	}
	return SummarizeScenario(in, res)
}

const summaryHouseholds = `"households":[{"id":"101","floor":1,"area":"68.50"},{"id":"102","floor":1,"area":"86.20","exempt":true},
	{"id":"301","floor":3,"area":"68.50"},{"id":"501","floor":5,"area":"68.50","hardship":true},{"id":"601","floor":6,"area":"86.20"}]`

func TestSummarizeScenario(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  string
		want []string
	}{
		{"成都 fixed subsidy, coefficients, half relief, 30% down over 24 months",
			`{"floors":6,` + summaryHouseholds + `,"costs":[{"name":"电梯","amount":"420000"},{"name":"土建","amount":"150000"}],
			"subsidies":[{"name":"市级补贴","type":"fixed","amount":"200000"}],"compensations":[{"household":"101","amount":"5000"}],
			"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1-2","value":"0"},{"floors":"3","value":"0.7"},{"floors":"4-6","value":"1"}]},
			"hardship":{"relief_rate":"0.5"},"installments":{"down_payment_rate":"0.3","months":24,"start":"2027-01-01"},"operating":{"annual":"6000"}}`,
			[]string{"总造价 570,000.00 元", "市级补贴 每台 200,000.00 元", "给不使用电梯的低层住户补偿 1 户，共 5,000.00 元，计入居民分摊",
				"居民共同分摊 375,000.00 元", "按楼层和面积分摊：1–2层不出资，3层每平方米按 0.7 份，4–6层每平方米按 1 份", "1 户免缴",
				"困难家庭减免一半（50%）（1 户，共 ", "3 户出资，每户 ", "首付 30%，其余分 24 个月付清，不计利息；2027年1月1日起付",
				"每年运行费用（维保、电费、年检）6,000.00 元，按同样比例分摊"}},
		{"上海 capped percent, by area, no relief, interest, one payment none",
			`{"floors":6,` + summaryHouseholds + `,"costs":[{"amount":"800000"}],
			"subsidies":[{"name":"区级补贴","type":"percent","rate":"0.4","cap":"280000"},{"name":"按层数补贴","type":"by_floors","table":[{"min_floors":4,"amount":"160000"}]}],
			"allocation":{"method":"area"},"installments":{"down_payment_rate":"0","months":12,"annual_rate":"0.0435","method":"annuity","start":"2027-03-01"}}`,
			[]string{"总造价 800,000.00 元", "区级补贴 按造价的 40%，最多 280,000.00 元，计 280,000.00 元", "按层数补贴 按 6 层楼计 160,000.00 元",
				"补贴合计 440,000.00 元", "居民共同分摊 360,000.00 元", "按各户面积分摊（没有约定时的法定办法）", "1 户免缴", "困难家庭不减免",
				"4 户出资，每户 ", "不付首付，全部分 12 个月付清，年利率 4.35%，每月还款额相同；2027年3月1日起付", "未计每年运行费用"}},
		{"杭州 floor percents, full relief from a fund, equal principal, no subsidy",
			`{"floors":6,` + summaryHouseholds + `,"costs":[{"amount":"300000"}],
			"allocation":{"method":"floor_percent","percents":[{"floors":"1-2","value":"0"},{"floors":"3","value":"10"},{"floors":"5","value":"30"},{"floors":"6","value":"60"}]},
			"hardship":{"relief_rate":"1","funded_by":"fund","fund":"100000"},
			"installments":{"down_payment_rate":"0.2","months":6,"annual_rate":"0.05","method":"equal_principal","start":"2027-01-01"}}`,
			[]string{"总造价 300,000.00 元", "没有政府补贴", "居民共同分摊 300,000.00 元", "按楼层比例分摊，同层各户平分：1–2层不出资，3层共 10%，5层共 30%，6层共 60%",
				"1 户免缴", "困难家庭全免（100%）（1 户，共 90,000.00 元），由减免基金 100,000.00 元支付，用去 90,000.00 元", "2 户出资，每户 30,000.00 至 180,000.00 元；3 户不出资",
				"首付 20%，其余分 6 个月付清，年利率 5%，每月还本金相同、利息逐月减少；2027年1月1日起付", "未计每年运行费用"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := summaryOf(t, tt.doc)
			t.Log(strings.Join(got, " / "))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("line %d: got %q, want %q", i+1, got[i], tt.want[i])
				}
				for _, jargon := range []string{"0.5", "最大余数", "coefficient", "annuity", "等额本息", "系数"} {
					if strings.Contains(got[i], jargon) {
						t.Errorf("line %d %q says %q", i+1, got[i], jargon)
					}
				}
			}
		})
	}
}

func TestCompareScenarios(t *testing.T) {
	calc := func(doc string) *CalcResult {
		in, err := ParseCalcInput([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Calc(in)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a := calc(`{"households":[{"id":"101","floor":1,"area":"60"},{"id":"601","floor":6,"area":"60"}],"costs":[{"amount":"100"}]}`)
	b := calc(`{"households":[{"id":"101","floor":1,"area":"60"},{"id":"601","floor":6,"area":"60"},{"id":"602","floor":6,"area":"30"}],"costs":[{"amount":"90"}],
		"allocation":{"method":"coefficient_area","coefficients":[{"floors":"1","value":"0"},{"floors":"6","value":"1"}]}}`)
	got, _ := json.Marshal(CompareScenarios([]ComparedScenario{{Ref: ScenarioRef{ID: 3, Name: "A"}, Result: a}, {Ref: ScenarioRef{ID: 5, Name: "B"}, Result: b}}))
	want := `"households":[{"room":"101","floor":1,"due":["50.00","0.00"]},{"room":"601","floor":6,"due":["50.00","60.00"]},{"room":"602","floor":6,"due":[null,"30.00"]}],` +
		`"floors":[{"floor":1,"due":["50.00","0.00"]},{"floor":6,"due":["50.00","90.00"]}],"total":{"due":["100.00","90.00"]}}`
	if !strings.HasSuffix(string(got), want) || !strings.HasPrefix(string(got), `{"scenarios":[{"id":3,"name":"A","summary":["总造价 100.00 元"`) {
		t.Errorf("got  %s\nwant …%s", got, want)
	}
	for _, tt := range []struct {
		ids  []int64
		want string
	}{{[]int64{3}, "请选择 2 到 4 个方案进行比较（现有 1 个）"}, {[]int64{3, 5, 8, 9, 10}, "请选择 2 到 4 个方案进行比较（现有 5 个）"},
		{[]int64{3, 5, 3}, "方案 3 选了两次：请选择不同的方案"}, {[]int64{3, 5, 8, 9}, ""}} {
		got := ""
		if err := CheckCompareIDs(tt.ids); err != nil {
			got = err.(*Error).Message
		}
		if got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.ids, got, tt.want)
		}
	}
}
