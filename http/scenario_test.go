package http_test

import (
	"fmt"
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
