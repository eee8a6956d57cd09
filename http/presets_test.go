package http_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
	"github.com/renovote/renovote/templates"
)

// TestConsoleHoldsNoRules: the console's scripts repeat no amount, rate,
// coefficient or threshold; they ask GET /api/v1/presets.
func TestConsoleHoldsNoRules(t *testing.T) {
	rules := []*regexp.Regexp{
		regexp.MustCompile(`['"]\d{3,}(\.\d+)?['"]`),     // an amount as text: '200000'
		regexp.MustCompile(`['"]0\.\d*[1-9]\d*['"]`),     // a rate as text: '0.4'
		regexp.MustCompile(`\b\d+\s*/\s*\d+\b`),          // a fraction: 2 / 3
		regexp.MustCompile(`\b\d+:\d+(\.\d+)?\s*,\s*\d`), // a range table: '1-2:0, 3:0.7'
		regexp.MustCompile(`chengdu|shanghai|dongpu|ningbo|civil_code_major`),
	}
	scripts, err := fs.Glob(templates.Static, "*.js")
	if err != nil || len(scripts) < 5 {
		t.Fatalf("scripts %v: %v", scripts, err)
	}
	for _, name := range scripts {
		data, err := fs.ReadFile(templates.Static, name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, re := range rules {
				if m := re.FindString(line); m != "" {
					t.Errorf("%s:%d holds a rule of its own (%q): %s", name, i+1, m, strings.TrimSpace(line))
				}
			}
		}
	}
}

// TestPresets: the presets the console offers are the engine's, and each
// subsidy and allocation preset is a valid part of a calculation input.
func TestPresets(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	var p engine.Presets
	if err := json.Unmarshal(e.do("GET", "/api/v1/presets", "a", nil).want(200).body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Subsidies) != 5 || len(p.Allocations) != 5 || len(p.Rules) != 2 {
		t.Fatalf("presets: %d subsidies, %d allocations, %d rules", len(p.Subsidies), len(p.Allocations), len(p.Rules))
	}
	if got := p.Rules[0].Thresholds; got.ParticipationArea.String() != "66.67" || got.ApprovalArea.String() != "75.00" || p.Rules[0].Fractions.ApprovalOwners != "3/4" {
		t.Errorf("civil_code_major thresholds %+v, fractions %+v", got, p.Rules[0].Fractions)
	}
	// every subsidy and allocation preset, and the starter plan, computes
	starter, err := json.Marshal(p.Starter)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(starter, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "compensation")
	doc["households"] = []map[string]any{{"id": "101", "floor": 1, "area": "60"}, {"id": "301", "floor": 3, "area": "70"},
		{"id": "501", "floor": 5, "area": "80"}, {"id": "601", "floor": 6, "area": "90"}, {"id": "701", "floor": 7, "area": "90"}}
	for _, sub := range p.Subsidies {
		for _, alloc := range p.Allocations {
			doc["subsidies"] = []engine.SubsidyInput{sub.SubsidyInput}
			doc["allocation"] = alloc.AllocationInput
			if alloc.Key == "hangzhou" || alloc.Key == "ningbo" {
				doc["floors"] = 6
				doc["households"] = doc["households"].([]map[string]any)[:4]
			}
			res := e.do("POST", "/api/v1/calc", "", doc)
			if res.status != 200 {
				t.Errorf("%s + %s: %d %s", sub.Key, alloc.Key, res.status, res.body)
			}
		}
	}
}

// TestFundingPresets: the presets answer carries the city funding rules
// (苏州, 青岛, 广东), each with its note, and each rule as served passes
// the funding contract's validation.
func TestFundingPresets(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, store.SQLite))
	e := newEnv(t, s, apphttp.Config{})
	e.addWorker("a", false)
	var p struct {
		Funding []struct {
			Key, Name, City, Note, Source string
			Rule                          json.RawMessage
		}
	}
	if err := json.Unmarshal(e.do("GET", "/api/v1/presets", "a", nil).want(200).body, &p); err != nil {
		t.Fatal(err)
	}
	var cities []string
	for _, f := range p.Funding {
		cities = append(cities, f.City)
		if f.Key == "" || f.Name == "" || f.Note == "" || f.Source == "" {
			t.Errorf("%s: a preset names itself, says the rule and its source: %+v", f.City, f)
		}
		doc := `{"rule":` + string(f.Rule) + `,"completed":"2027-09-01","households":[{"id":"601","due":"30000.00",` +
			`"accounts":[{"name":"张三","relation":"owner","balance":"12000.00"}],"maintenance":{"first_deposit":"8000.33","balance":"6500.00"}}]}`
		res, err := engine.FundingJSON([]byte(doc))
		if err != nil {
			t.Errorf("%s: the rule %s does not pass the contract: %v", f.City, f.Rule, err)
			continue
		}
		h := res.Households[0]
		if h.GJJ.Total+h.Maintenance.Amount+h.Cash != h.Due {
			t.Errorf("%s: %+v does not add up", f.City, h)
		}
		if f.Key == "suzhou" && (h.Maintenance.Keep.String() != "2400.10" || h.Maintenance.Amount.String() != "4099.90") {
			t.Errorf("苏州 keeps 30%% of 8000.33 rounded up: got keep %s, drawn %s", h.Maintenance.Keep, h.Maintenance.Amount)
		}
	}
	if got, want := strings.Join(cities, " "), "苏州 青岛 广东"; got != want {
		t.Errorf("funding presets: got %s, want %s", got, want)
	}
}
