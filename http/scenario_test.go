package http_test

import (
	"fmt"
	"strings"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// withScenario is scenarioA with the given fields changed.
func withScenario(change map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range scenarioA {
		out[k] = v
	}
	for k, v := range change {
		out[k] = v
	}
	return out
}

// TestCompensationRowsRefused: two compensation rows for one room, or a
// row without a room, answer 400 naming the row, on a new scenario and on
// a change to a draft; nothing is written.
func TestCompensationRowsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("补偿重复")).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v/scenarios", p["id"])
		draft := e.do("POST", base, "a", scenarioA).want(201).json()
		before := counts(t, s)
		for _, tt := range []struct {
			rows        []map[string]any
			field, want string
		}{
			{[]map[string]any{{"household": "101", "amount": "5000"}, {"household": "101", "amount": "1000"}}, "compensations[1].household",
				"第2项补偿与第1项补偿是同一户（101）：同一户的补偿请合并为一项，或改选另一户"},
			{[]map[string]any{{"household": "101", "amount": "5000"}, {"household": "", "amount": "1000"}}, "compensations[1].household",
				"第2项补偿没有填写房号：请选择领取补偿的住户"},
			{[]map[string]any{{"household": "101", "amount": "5000"}, {"amount": "1000"}}, "compensations[1].household", ""},
		} {
			for _, req := range []struct{ method, path string }{{"POST", base}, {"PUT", fmt.Sprintf("%s/%v", base, draft["id"])}} {
				res := e.do(req.method, req.path, "a", withScenario(map[string]any{"compensations": tt.rows})).want(400).json()
				if res["field"] != tt.field || (tt.want != "" && res["message"] != tt.want) || !hasHan(res["message"].(string)) {
					t.Errorf("%s %v: got %v, want %s %q", req.method, tt.rows, res, tt.field, tt.want)
				}
			}
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a refused scenario was written:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestCompareMany: 2–4 scenarios side by side, each with its summary in
// plain Chinese, households, floors and totals due under each as
// fen-exact strings; bad id lists 400 naming ids; another project's
// scenario 404; the old ?a=&b= answers as before.
func TestCompareMany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("比较")).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
		var ids []string
		for _, change := range []map[string]any{nil, {"name": "方案B（按面积）", "allocation": map[string]any{"method": "area"}},
			{"name": "方案C（全免）", "hardship": map[string]any{"relief_rate": "1"}, "installments": nil}} {
			doc := withScenario(change)
			if _, ok := change["installments"]; ok {
				delete(doc, "installments")
			}
			sc := e.do("POST", base+"/scenarios", "a", doc).want(201).json()
			ids = append(ids, fmt.Sprint(sc["id"]))
		}
		cmp := e.do("GET", base+"/compare?ids="+strings.Join(ids, ","), "a", nil).want(200).json()
		scs := cmp["scenarios"].([]any)
		if len(scs) != 3 || fmt.Sprint(scs[1].(map[string]any)["id"]) != ids[1] || scs[1].(map[string]any)["name"] != "方案B（按面积）" {
			t.Fatalf("scenarios: %v", scs)
		}
		summaries := [3]string{}
		for i, sv := range scs {
			var lines []string
			for _, l := range sv.(map[string]any)["summary"].([]any) {
				lines = append(lines, l.(string))
			}
			summaries[i] = strings.Join(lines, "\n")
		}
		for i, want := range [][]string{
			{"总造价 570,000.00 元", "市级 每台 200,000.00 元", "困难家庭减免一半（50%）", "首付 30%，其余分 24 个月付清"},
			{"按各户面积分摊", "困难家庭减免一半（50%）"},
			{"困难家庭全免（100%）", "一次付清"},
		} {
			for _, w := range want {
				if !strings.Contains(summaries[i], w) {
					t.Errorf("scenario %d's summary lacks %q:\n%s", i+1, w, summaries[i])
				}
			}
			if strings.Contains(summaries[i], "0.5") || strings.Contains(summaries[i], "最大余数") {
				t.Errorf("scenario %d's summary has jargon:\n%s", i+1, summaries[i])
			}
		}
		hs := cmp["households"].([]any)
		if len(hs) != 12 {
			t.Fatalf("households: %v", hs)
		}
		first := hs[0].(map[string]any)
		if first["room"] != "101" || fmt.Sprint(first["due"]) != "[0.00 28777.07 0.00]" {
			t.Errorf("101 compared: %v", first)
		}
		total := cmp["total"].(map[string]any)["due"].([]any)
		if len(total) != 3 || total[0] != "375000.00" || len(cmp["floors"].([]any)) != 6 {
			t.Errorf("total %v floors %v", total, cmp["floors"])
		}
		// the old two-way answer still works
		old := e.do("GET", fmt.Sprintf("%s/compare?a=%s&b=%s", base, ids[0], ids[1]), "a", nil).want(200).json()
		if old["a"] == nil || old["total"].(map[string]any)["diff"] == nil {
			t.Errorf("?a=&b=: %v", old)
		}
		other := e.do("POST", "/api/v1/projects", "a", demoProject("别的项目")).want(201).json()
		otherSc := e.do("POST", fmt.Sprintf("/api/v1/projects/%v/scenarios", other["id"]), "a", scenarioA).want(201).json()
		for _, tt := range []struct {
			ids    string
			status int
		}{
			{ids[0], 400}, {ids[0] + "," + ids[0], 400}, {strings.Join(append(ids, "98", "99"), ","), 400}, {ids[0] + ",x", 400}, {ids[0] + ",-3", 400},
			{ids[0] + "," + fmt.Sprint(otherSc["id"]), 404}, {ids[0] + ",999999", 404},
		} {
			res := e.do("GET", base+"/compare?ids="+tt.ids, "a", nil).want(tt.status).json()
			if (tt.status == 400 && res["field"] != "ids") || !hasHan(res["message"].(string)) {
				t.Errorf("ids=%s: %v", tt.ids, res)
			}
		}
	})
}
