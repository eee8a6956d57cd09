package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// published sets up worker a's demo project with scenario A published and
// returns the project id and the links (room → token).
func (e *env) published() (int, map[string]string) {
	e.t.Helper()
	doc := demoProject("幸福里3号楼2单元")
	doc["allow_duplicate"] = true // a test may publish the demo building twice
	p := e.do("POST", "/api/v1/projects", "a", doc).want(201).json()
	pid := int(p["id"].(float64))
	sc := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", pid), "a", scenarioA).want(201).json()
	sid := int(sc["id"].(float64))
	pub := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios/%d/publish", pid, sid), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()
	links := map[string]string{}
	for _, l := range pub["links"].([]any) {
		m := l.(map[string]any)
		url := m["url"].(string)
		if !strings.HasPrefix(url, "http://renovote.test/s/") {
			e.t.Fatalf("link %s", url)
		}
		links[m["room"].(string)] = strings.TrimPrefix(url, "http://renovote.test/s/")
	}
	return pid, links
}

func TestScenarioToSignatureFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		pid := int(p["id"].(float64))
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		if hs := p["households"].([]any); len(hs) != 12 || hs[0].(map[string]any)["area"] != "68.50" {
			t.Fatalf("households: %v", hs)
		}
		// two scenarios and their comparison
		a := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		b := map[string]any{}
		for k, v := range scenarioA {
			b[k] = v
		}
		b["name"], b["allocation"] = "方案B（按面积）", map[string]any{"method": "area"}
		bb := e.do("POST", base+"/scenarios", "a", b).want(201).json()
		if a["status"] != "draft" || a["result"].(map[string]any)["pool"] != "375000.00" {
			t.Fatalf("scenario a: %v", a)
		}
		cmp := e.do("GET", fmt.Sprintf("%s/compare?a=%v&b=%v", base, a["id"], bb["id"]), "a", nil).want(200).json()
		if len(cmp["households"].([]any)) != 12 || len(cmp["floors"].([]any)) != 6 || cmp["total"].(map[string]any)["diff"] != "0.00" {
			t.Fatalf("compare: %v", cmp)
		}
		first := cmp["floors"].([]any)[0].(map[string]any)
		if first["a"] != "0.00" || first["b"] == "0.00" || !strings.HasPrefix(first["b"].(string), first["diff"].(string)) {
			t.Errorf("floor 1 compare: %v", first)
		}
		if list := e.do("GET", base+"/scenarios", "a", nil).want(200).list(); len(list) != 2 {
			t.Errorf("%d scenarios listed", len(list))
		}
		if got := e.do("GET", fmt.Sprintf("%s/scenarios/%v", base, a["id"]), "a", nil).want(200).json(); got["name"] != "方案A" || got["input"] == nil {
			t.Errorf("scenario: %v", got)
		}
		calc := e.do("POST", "/api/v1/calc", "", `{"households":[{"id":"1","floor":3,"area":"50"}],"costs":[{"amount":"100.5"}]}`).want(200).json()
		if calc["total_due"] != "100.50" {
			t.Errorf("calc: %v", calc)
		}
		tally := e.do("POST", "/api/v1/tally", "", `{"rule":"civil_code_major","households":[{"id":"1","area":"1","vote":"agree"}]}`).want(200).json()
		if tally["passed"] != true {
			t.Errorf("tally: %v", tally)
		}
		e.do("GET", fmt.Sprintf("%s/scenarios/%v", base, a["id"]), "b", nil).want(404)

		// publish
		deadline := e.clock.Now().Add(72 * time.Hour)
		pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, a["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": deadline.Format(time.RFC3339)}).want(201).json()
		links := pub["links"].([]any)
		if len(links) != 12 || len(pub["ballot"].(map[string]any)["sha256"].(string)) != 64 {
			t.Fatalf("publish: %v", pub)
		}
		e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, a["id"]), "a",
			map[string]any{"rule": "civil_code_major", "deadline": deadline.Format(time.RFC3339)}).want(409)
		e.do("PUT", base+"/households", "a", map[string]any{"households": []any{}}).want(409)
		edit := e.do("PUT", fmt.Sprintf("%s/scenarios/%v", base, a["id"]), "a", scenarioA).want(409).json()
		if !strings.Contains(edit["message"].(string), "新建") {
			t.Errorf("editing a published scenario should say what to do: %v", edit)
		}
		b["name"] = "方案B′"
		if up := e.do("PUT", fmt.Sprintf("%s/scenarios/%v", base, bb["id"]), "a", b).want(200).json(); up["name"] != "方案B′" {
			t.Errorf("draft update: %v", up)
		}
		token := func(room string) string {
			for _, l := range links {
				m := l.(map[string]any)
				if m["room"] == room {
					return strings.TrimPrefix(m["url"].(string), "http://renovote.test/s/")
				}
			}
			t.Fatalf("no link for %s", room)
			return ""
		}

		// a resident opens the link and signs
		view := e.do("GET", "/api/v1/sign/"+token("601"), "", nil).want(200).json()
		if view["household"].(map[string]any)["owner"] != "业*1" || view["household"].(map[string]any)["phone"] != "138****1601" || view["decision"] != nil || view["open"] != true {
			t.Fatalf("sign view: %v", view)
		}
		page := e.do("GET", "/s/"+token("601"), "", nil, "Accept", "text/html")
		page.want(200)
		for _, want := range []string{"幸福里3号楼2单元", "您家需要出资", "人民币", "签名框", "/static/sign.js", "四分之三以上"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("sign page lacks %q", want)
			}
		}
		sig := signature(t, 400, 160, true)
		body := map[string]any{"decision": "disagree", "signer_name": "业主601", "signature_png": sig, "idempotency_key": "key-601-a"}
		d1 := e.do("POST", "/api/v1/sign/"+token("601"), "", body).want(201).json()
		code := d1["code"].(string)
		if id, legacy, ok := engine.CodeProject(code); !ok || legacy || id != int64(pid) || d1["decision"] != "disagree" || d1["scenario_sha256"] != pub["ballot"].(map[string]any)["sha256"] {
			t.Fatalf("decision: %v", d1)
		}
		// a retried tap replays, a change of mind is a new decision
		if again := e.do("POST", "/api/v1/sign/"+token("601"), "", body).want(200).json(); again["id"] != d1["id"] {
			t.Fatalf("replay gave %v", again)
		}
		// another household's token cannot reuse this household's submission
		cross := e.do("POST", "/api/v1/sign/"+token("602"), "", body).want(409).json()
		if !strings.Contains(cross["message"].(string), "其他住户") {
			t.Errorf("cross-household replay: %v", cross)
		}
		body["decision"], body["idempotency_key"] = "agree", "key-601-b"
		e.do("POST", "/api/v1/sign/"+token("601"), "", body).want(201)
		for _, room := range []string{"301", "302", "401", "402", "501", "502"} {
			e.do("POST", "/api/v1/sign/"+token(room), "", map[string]any{"decision": "agree", "signer_name": "业主" + room,
				"signature_png": sig, "idempotency_key": "key-" + room + "-1"}).want(201)
		}
		// a lost printout: a new link for 502, the old one stops working
		hid502 := int(p["households"].([]any)[9].(map[string]any)["id"].(float64))
		e.do("POST", fmt.Sprintf("%s/households/%d/link", base, hid502), "b", nil).want(404)
		fresh := e.do("POST", fmt.Sprintf("%s/households/%d/link", base, hid502), "a", nil).want(201).json()
		e.do("GET", "/api/v1/sign/"+token("502"), "", nil).want(404)
		e.do("GET", "/api/v1/sign/"+strings.TrimPrefix(fresh["url"].(string), "http://renovote.test/s/"), "", nil).want(200)
		// paper decision recorded by the worker
		hid := int(p["households"].([]any)[11].(map[string]any)["id"].(float64))
		photo := signature(t, 300, 400, true)
		e.do("POST", fmt.Sprintf("%s/households/%d/decisions", base, hid), "a", map[string]any{"decision": "agree", "signer_name": "孙立新",
			"witness": "社区李娜", "photo": photo, "idempotency_key": "paper-602"}).want(201)
		e.do("POST", fmt.Sprintf("%s/households/%d/decisions", base, hid), "b", map[string]any{"decision": "agree", "signer_name": "孙立新",
			"witness": "社区李娜", "photo": photo, "idempotency_key": "paper-602-b"}).want(404)

		tally = e.do("GET", base+"/tally", "a", nil).want(200).json()
		part := tally["participation"].(map[string]any)
		if part["owners"].(float64) != 8 || tally["approval"].(map[string]any)["owners"].(float64) != 8 {
			t.Fatalf("tally: %v", tally)
		}
		if und := tally["undecided"].([]any); len(und) != 4 || und[0] != "101" {
			t.Errorf("undecided: %v", und)
		}
		if mc := tally["must_consent_missing"].([]any); len(mc) != 2 || tally["passed"] != false || tally["needed"].(float64) != 0 {
			t.Errorf("must consent / passed / needed: %v", tally)
		}
		decisions := e.do("GET", base+"/decisions", "a", nil).want(200).list()
		if len(decisions) != 9 {
			t.Errorf("%d decisions, want 9", len(decisions))
		}

		// public verification
		v := e.do("GET", "/api/v1/verify/"+code, "", nil).want(200).json()
		if v["valid"] != true || v["room"] != "601" || v["signer"] != "业*1" || v["decision"] != "disagree" || v["chain_ok"] != true {
			t.Fatalf("verify: %v", v)
		}
		vp := e.do("GET", "/verify/"+code, "", nil, "Accept", "text/html").want(200)
		if !strings.Contains(string(vp.body), "北京时间") || !strings.Contains(string(vp.body), "业*1") {
			t.Errorf("verify page: %s", vp.body)
		}
		e.do("GET", "/api/v1/verify/ZZZZZ-ZZZZZ", "", nil).want(404)
		audit := e.do("GET", base+"/audit", "a", nil).want(200).json()
		if audit["ok"] != true || audit["events"].(float64) < 20 {
			t.Fatalf("audit: %v", audit)
		}

		// after the deadline
		e.clock.Add(73 * time.Hour)
		late := e.do("POST", "/api/v1/sign/"+token("101"), "", map[string]any{"decision": "agree", "signer_name": "业主101",
			"signature_png": sig, "idempotency_key": "key-101-late"}).want(409).json()
		if !strings.Contains(late["message"].(string), "截止") {
			t.Errorf("late: %v", late)
		}
		if view := e.do("GET", "/api/v1/sign/"+token("601"), "", nil).want(200).json(); view["open"] != false || view["decision"].(map[string]any)["decision"] != "agree" {
			t.Errorf("view after the deadline: %v", view)
		}
	})
}
