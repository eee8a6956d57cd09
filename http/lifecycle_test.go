package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestLifecycle walks a vote from open to final (DESIGN §16): the count
// while open is a snapshot; the worker closes early once every household
// has decided; objections come through a link and in person, with real
// names; one is upheld, one corrected (the count follows); finalizing is
// refused in the window and with an objection open; then the final
// result. The state is in every answer; the audit still holds, and an
// edited objection or result record is named by table, id and column.
func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		pid := int(p["id"].(float64))
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hids := map[string]int{}
		for _, h := range p["households"].([]any) {
			m := h.(map[string]any)
			hids[m["room"].(string)] = int(m["id"].(float64))
		}
		sc := e.do("POST", base+"/scenarios", "a", scenarioA).want(201).json()
		publish := fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"])
		deadline := e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)
		// the plan's first payment (2027-01-01) must fall after the final
		// result: a vote closing on 2026-12-30 with 5 days of objections
		// cannot take effect by then
		late := e.clock.Now().AddDate(0, 0, 58).Format(time.RFC3339)
		if r := e.do("POST", publish, "a", map[string]any{"rule": "civil_code_major", "deadline": late, "objection_days": 5}).want(400).json(); r["field"] != "installments.start" || !strings.Contains(r["message"].(string), "2027年1月5日 或以后") {
			t.Errorf("a first payment before the final result: %v", r)
		}
		if r := e.do("POST", publish, "a", map[string]any{"rule": "civil_code_major", "deadline": deadline, "objection_days": 31}).want(400).json(); !strings.Contains(r["message"].(string), "1 到 30 天") {
			t.Errorf("31 days: %v", r)
		}
		pub := e.do("POST", publish, "a", map[string]any{"rule": "civil_code_major", "deadline": deadline, "objection_days": 5}).want(201).json()
		links := map[string]string{}
		for _, l := range pub["links"].([]any) {
			m := l.(map[string]any)
			links[m["room"].(string)] = strings.TrimPrefix(m["url"].(string), "http://renovote.test/s/")
		}
		state := func(want, text string) map[string]any {
			t.Helper()
			tally := e.do("GET", base+"/tally", "a", nil).want(200).json()
			res := e.do("GET", base+"/result", "a", nil).want(200).json()
			if tally["state"] != want || res["state"] != want {
				t.Fatalf("state: tally %v, result %v, want %s", tally["state"], res["state"], want)
			}
			if !strings.Contains(res["state_text"].(string), text) || tally["state_text"] != res["state_text"] {
				t.Errorf("state text %q (tally %q), want it to contain %q", res["state_text"], tally["state_text"], text)
			}
			if strings.Contains(res["state_text"].(string), "表决已通过") {
				t.Errorf("says 表决已通过: %s", res["state_text"])
			}
			if (want == "final") != (res["final"] != nil) || (want == "final") != (tally["final"] != nil) {
				t.Errorf("final result in state %s: %v / %v", want, res["final"], tally["final"])
			}
			return res
		}
		public := p["public_url"].(string)
		publicPage := func(want string) {
			t.Helper()
			page := string(e.do("GET", public[strings.Index(public, "/p/"):], "", nil, "Accept", "text/html").want(200).body)
			if !strings.Contains(page, want) || strings.Contains(page, "表决已通过") {
				t.Errorf("the public page does not say %q (or says 表决已通过)", want)
			}
		}
		listed := func(want string) {
			t.Helper()
			if got := e.do("GET", base+"/tally", "a", nil).want(200).json()["state_label"]; got != want {
				t.Errorf("state label %v, want %s", got, want)
			}
		}
		approval := func() float64 {
			return e.do("GET", base+"/tally", "a", nil).want(200).json()["approval"].(map[string]any)["owners"].(float64)
		}
		e.do("GET", base+"/result.pdf", "a", nil).want(409)
		state("open", "目前尚未达到通过条件：还需 8 户同意；必须同意的 101、102 尚未同意（截止前仍可更改")
		e.do("POST", base+"/close", "a", map[string]any{}).want(409)

		// everyone decides: 201 on paper (entered as 不同意), 202 不同意, the rest agree
		sig := signature(t, 300, 120, true)
		for room, token := range links {
			if room == "201" {
				continue
			}
			vote := "agree"
			if room == "202" {
				vote = "disagree"
			}
			e.do("POST", "/api/v1/sign/"+token, "", map[string]any{"decision": vote, "signer_name": "业主" + room,
				"signature_png": sig, "idempotency_key": "lifecycle-" + room}).want(201)
		}
		refused := e.do("POST", base+"/close", "a", map[string]any{}).want(409).json()
		if !strings.Contains(refused["message"].(string), "还有 1 户尚未表决（201）") {
			t.Errorf("close with 201 undecided: %v", refused)
		}
		paper := e.do("POST", fmt.Sprintf("%s/households/%d/decisions", base, hids["201"]), "a", map[string]any{"decision": "disagree",
			"signer_name": "业主201", "witness": "社区李娜", "photo": signature(t, 300, 400, true), "idempotency_key": "paper-201"}).want(201).json()
		paperID := paper["id"].(float64)
		state("open", "目前已达到通过条件（截止前仍可更改，以截止时统计为准）")
		publicPage("目前已达到通过条件（截止前仍可更改，以截止时统计为准）")
		listed("表决中")
		if got := approval(); got != 10 {
			t.Fatalf("approval %v, want 10", got)
		}
		e.do("POST", "/api/v1/sign/"+links["302"]+"/objections", "", map[string]any{"name": "王五", "reason": "有误"}).want(409)

		// close early; the window runs from the next day (5 days: 11-03 to 11-07)
		e.do("POST", base+"/close", "a", map[string]any{"objection_days": 0, "extra": 1}).want(400)
		e.do("POST", base+"/close", "b", map[string]any{}).want(404)
		e.do("POST", base+"/close", "a", map[string]any{"objection_days": 31}).want(400)
		closed := e.do("POST", base+"/close", "a", map[string]any{"objection_days": 2}).want(200).json()
		w := closed["window"].(map[string]any)
		if closed["state"] != "preliminary" || w["from"] != "2026-11-03" || w["to"] != "2026-11-04" || w["text"] != "2026年11月3日至2026年11月4日" {
			t.Fatalf("closed: %v", closed)
		}
		e.do("POST", base+"/close", "a", map[string]any{}).want(409)
		e.do("POST", "/api/v1/sign/"+links["302"], "", map[string]any{"decision": "disagree", "signer_name": "业主302",
			"signature_png": sig, "idempotency_key": "late-vote-302"}).want(409)
		state("preliminary", "初步统计结果：达到通过条件。异议期为2026年11月3日至2026年11月4日")
		flat := func(body []byte) string { return strings.Join(strings.Fields(pdfText(t, body)), "") }
		posted := flat(e.do("GET", base+"/result.pdf", "a", nil).want(200).body)
		for _, want := range []string{"表决结果公示", "初步统计结果：达到通过条件", "纸质表决单", "公示期（异议期）为2026年11月3日至2026年11月4日，共2日", "逾期未提出异议的，视为无异议"} {
			if !strings.Contains(posted, want) {
				t.Errorf("result.pdf lacks %q:\n%s", want, posted)
			}
		}
		if again := flat(e.do("GET", base+"/result.pdf", "a", nil).want(200).body); again != posted {
			t.Errorf("two prints of the 公示 differ:\n%s\n%s", posted, again)
		}
		e.do("GET", base+"/final.pdf", "a", nil).want(409)

		// objections: through 202's link and in person for 201, with real names
		e.do("POST", "/api/v1/sign/"+links["202"]+"/objections", "", map[string]any{"name": " ", "reason": "统计有误"}).want(400)
		e.do("POST", "/api/v1/sign/"+links["202"]+"/objections", "", map[string]any{"name": "赵六", "reason": ""}).want(400)
		e.do("POST", base+"/objections", "a", map[string]any{"name": "钱七", "reason": "我家同意了"}).want(400)
		e.do("POST", base+"/objections", "b", map[string]any{"household_id": hids["201"], "name": "钱七", "reason": "我家同意了"}).want(404)
		e.clock.Add(24 * time.Hour)
		e.login("a")
		e.login("b")
		state("objections", "异议期为2026年11月3日至2026年11月4日")
		publicPage("初步统计结果：达到通过条件。异议期为2026年11月3日至2026年11月4日")
		if v := e.do("GET", "/api/v1/sign/"+links["202"], "", nil).want(200).json(); v["state"] != "objections" || v["objecting"] != true ||
			!strings.Contains(v["state_note"].(string), "异议期为2026年11月3日至2026年11月4日") {
			t.Errorf("the household's view in the window: %v %v %v", v["state"], v["objecting"], v["state_note"])
		}
		if page := string(e.do("GET", "/s/"+links["202"], "", nil, "Accept", "text/html").want(200).body); !strings.Contains(page, "提交异议") || !strings.Contains(page, "逾期未提出异议的，视为无异议") {
			t.Errorf("the household's page offers no objection")
		}
		listed("结果公示（异议期）")
		o1 := e.do("POST", "/api/v1/sign/"+links["202"]+"/objections", "", map[string]any{"name": "赵六", "reason": "我认为票数统计有误"}).want(201).json()
		o2 := e.do("POST", base+"/objections", "a", map[string]any{"household_id": hids["201"], "name": "钱七",
			"reason": "我家在纸质表决单上写的是同意，系统里是不同意"}).want(201).json()
		if o1["channel"] != "link" || o2["channel"] != "in_person" || o2["household_id"].(float64) != float64(hids["201"]) {
			t.Errorf("objections: %v %v", o1, o2)
		}
		// a link's objections count toward its daily quota
		n := 0
		for ; n < 20; n++ {
			res := e.do("POST", "/api/v1/sign/"+links["602"]+"/objections", "", map[string]any{"name": "孙八", "reason": fmt.Sprintf("第%d条", n)})
			if res.status == 429 {
				break
			}
			res.want(201)
		}
		if n != 10 {
			t.Errorf("a link made %d objections in a day, want the quota of 10", n)
		}
		res := state("objections", "期间可实名提出异议")
		objs := res["objections"].([]any)
		if len(objs) != 12 || objs[0].(map[string]any)["room"] != "202" || objs[0].(map[string]any)["name"] != "赵六" {
			t.Fatalf("objections: %v", objs[:2])
		}
		e.do("POST", base+"/finalize", "a", nil).want(409)

		// answers: 维持, then 更正 of the paper decision (the count follows)
		answer := func(id any, body map[string]any) *response {
			return e.do("POST", fmt.Sprintf("%s/objections/%v/answer", base, id), "a", body)
		}
		answer(o1["id"], map[string]any{"outcome": "驳回", "reason": "x"}).want(400)
		answer(o1["id"], map[string]any{"outcome": "维持", "reason": "经核对，统计无误", "correction": map[string]any{"decision_id": paperID, "vote": "agree"}}).want(400)
		answer(o1["id"], map[string]any{"outcome": "维持", "reason": "经核对，统计无误"}).want(200)
		answer(o1["id"], map[string]any{"outcome": "维持", "reason": "再答"}).want(409)
		answer(o2["id"], map[string]any{"outcome": "更正", "reason": "纸质表决单为同意，录入有误"}).want(400)
		answer(o2["id"], map[string]any{"outcome": "更正", "reason": "x", "correction": map[string]any{"decision_id": paperID, "vote": "disagree"}}).want(400)
		if got := approval(); got != 10 {
			t.Fatalf("approval changed by refused answers: %v", got)
		}
		fixed := answer(o2["id"], map[string]any{"outcome": "更正", "reason": "纸质表决单为同意，录入有误",
			"correction": map[string]any{"decision_id": paperID, "vote": "agree"}}).want(200).json()
		if fixed["corrects_decision"].(float64) != paperID || fixed["corrected_vote"] != "agree" {
			t.Errorf("correction: %v", fixed)
		}
		if got := approval(); got != 11 {
			t.Errorf("approval after the correction %v, want 11", got)
		}
		e.do("POST", base+"/objections/99999/answer", "a", map[string]any{"outcome": "维持", "reason": "x"}).want(404)

		// after the window: no objection; finalize refused while one is open
		e.clock.Add(48 * time.Hour)
		e.login("a")
		e.login("b")
		state("preliminary", "异议期已于2026年11月4日结束，待确认最终结果")
		e.do("POST", "/api/v1/sign/"+links["302"]+"/objections", "", map[string]any{"name": "王五", "reason": "晚了"}).want(409)
		open := e.do("POST", base+"/finalize", "a", nil).want(409).json()
		if !strings.Contains(open["message"].(string), "还有 10 条异议尚未答复") {
			t.Errorf("finalize with open objections: %v", open)
		}
		for _, o := range objs[2:] {
			answer(o.(map[string]any)["id"], map[string]any{"outcome": "维持", "reason": "重复提出，统计无误"}).want(200)
		}
		e.do("POST", base+"/finalize", "b", nil).want(404)
		final := e.do("POST", base+"/finalize", "a", nil).want(200).json()
		if final["state"] != "final" || final["final"].(map[string]any)["passed"] != true {
			t.Fatalf("final: %v", final)
		}
		state("final", "表决结果（最终）：通过")
		publicPage("表决结果（最终）：通过")
		if v := e.do("GET", "/api/v1/sign/"+links["202"], "", nil).want(200).json(); v["state"] != "final" || v["objecting"] != false {
			t.Errorf("the household's view once final: %v %v", v["state"], v["objecting"])
		}
		listed("表决通过（最终结果）")
		announced := flat(e.do("GET", base+"/final.pdf", "a", nil).want(200).body)
		for _, want := range []string{"表决结果公告", "表决结果（最终）：通过", "赵*", "维持：经核对，统计无误", "更正：纸质表决单为同意，录入有误",
			"经异议更正，原录入为不同意", "计票人（签字）", "监票人（签字）", "存证：第"} {
			if !strings.Contains(announced, want) {
				t.Errorf("final.pdf lacks %q:\n%s", want, announced)
			}
		}
		if again := flat(e.do("GET", base+"/final.pdf", "a", nil).want(200).body); again != announced {
			t.Errorf("two prints of the 公告 differ")
		}
		e.do("POST", base+"/finalize", "a", nil).want(409)
		e.do("POST", base+"/objections", "a", map[string]any{"household_id": hids["201"], "name": "钱七", "reason": "再议"}).want(409)
		if got := approval(); got != 11 {
			t.Errorf("final approval %v, want 11", got)
		}

		// the audit holds; an edited objection or result record is named
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Fatalf("audit: %v", a)
		}
		asDBA(t, s, "objections", "ballot_results")
		for _, c := range []struct {
			attack, undo  string
			table, column string
			id            float64
		}{
			{`UPDATE objections SET corrected_vote = 'disagree' WHERE id = ?`, `UPDATE objections SET corrected_vote = 'agree' WHERE id = ?`, "objections", "corrected_vote", o2["id"].(float64)},
			{`UPDATE objections SET reason = '没有异议' WHERE id = ?`, `UPDATE objections SET reason = '我认为票数统计有误' WHERE id = ?`, "objections", "reason", o1["id"].(float64)},
			{`UPDATE ballot_results SET passed = NOT passed WHERE ballot_id = ?`, `UPDATE ballot_results SET passed = NOT passed WHERE ballot_id = ?`, "ballot_results", "passed", pub["ballot"].(map[string]any)["id"].(float64)},
		} {
			s.DB().MustExec(s.DB().Rebind(c.attack), int64(c.id))
			a := e.do("GET", base+"/audit", "a", nil).want(200).json()
			d, _ := a["diff"].(map[string]any)
			if a["ok"] != false || d == nil || d["table"] != c.table || d["id"] != c.id || d["column"] != c.column {
				t.Errorf("%s: audit %v", c.attack, a)
			}
			s.DB().MustExec(s.DB().Rebind(c.undo), int64(c.id))
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after undoing: %v", a)
		}
	})
}

// TestLifecycleDeadline: the deadline closes a ballot by itself (the state
// is computed from the time; no job runs): the window starts the day
// after the deadline, objections are heard, the worker cannot close what
// is closed, and the final result follows the window.
func TestLifecycleDeadline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published() // deadline in 72 hours: 2026-11-05 10:00 Beijing time
		base := "/api/v1/projects/" + itoa(pid)
		for i, room := range []string{"101", "102", "301", "302", "401", "402", "501", "502", "601"} {
			e.sign(links[room], "agree", fmt.Sprintf("deadline-%d-key", i))
		}
		e.sign(links["602"], "disagree", "deadline-602-key")
		e.do("POST", "/api/v1/sign/"+links["602"]+"/objections", "", map[string]any{"name": "孙立新", "reason": "还没截止"}).want(409)
		e.clock.Add(72 * time.Hour)
		e.login("a")
		res := e.do("GET", base+"/result", "a", nil).want(200).json()
		w, _ := res["window"].(map[string]any)
		if res["state"] != "preliminary" || w == nil || w["from"] != "2026-11-06" || w["to"] != "2026-11-12" || res["final"] != nil {
			t.Fatalf("at the deadline: %v", res)
		}
		if got := res["counts"].(map[string]any)["undecided"].([]any); len(got) != 2 {
			t.Errorf("undecided at the deadline: %v", got)
		}
		e.do("POST", base+"/close", "a", map[string]any{}).want(409)
		e.do("POST", base+"/finalize", "a", nil).want(409)
		o := e.do("POST", "/api/v1/sign/"+links["602"]+"/objections", "", map[string]any{"name": "孙立新", "reason": "我家的意见是同意"}).want(201).json()
		e.do("POST", fmt.Sprintf("%s/objections/%v/answer", base, o["id"]), "a", map[string]any{"outcome": "维持", "reason": "签名为本户业主本人，意见为不同意"}).want(200)
		e.clock.Add(8 * 24 * time.Hour)
		e.login("a")
		final := e.do("POST", base+"/finalize", "a", nil).want(200).json()
		if final["state"] != "final" || final["final"] == nil {
			t.Fatalf("final: %v", final)
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit: %v", a)
		}
	})
}
