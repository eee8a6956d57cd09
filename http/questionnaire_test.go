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

func TestQuestionnaireFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
		if presets := e.do("GET", "/api/v1/survey/presets", "a", nil).want(200).list(); len(presets) < 3 {
			t.Fatalf("presets: %v", presets)
		}
		// the standard questions' wordings come from the server, one per kind
		kinds := map[string]string{}
		for _, q := range e.do("GET", "/api/v1/survey/questions", "a", nil).want(200).list() {
			m := q.(map[string]any)
			kinds[m["kind"].(string)] = m["text"].(string)
		}
		if len(kinds) != 4 || kinds["choose_k"] != "您认为最需要改造的是哪几项？" || kinds["rating"] == "" || kinds["rank"] == "" || kinds["text"] == "" {
			t.Errorf("standard questions: %v", kinds)
		}
		e.do("GET", "/api/v1/survey/questions", "", nil).want(401)
		body := map[string]any{"title": "改造内容优先级调查", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{
				map[string]any{"id": "q1", "kind": "choose_k", "text": "您认为最重要的三项改造是？", "k": 3, "items": []string{"增设电梯", "楼体修缮", "补建停车位和充电设施", "规范物业管理"}},
				map[string]any{"id": "q2", "kind": "rank", "items": []string{"外墙保温", "加装电梯", "停车位规划"}},
				map[string]any{"id": "q3", "kind": "rating"},
				map[string]any{"id": "q4", "kind": "text"},
			}}
		e.do("POST", base+"/questionnaires", "b", body).want(404)
		bad := map[string]any{"title": "x", "deadline": "2099-01-01", "questions": []any{map[string]any{"id": "q1", "kind": "essay"}}}
		if r := e.do("POST", base+"/questionnaires", "a", bad).want(400).json(); r["field"] != "questions[0].kind" {
			t.Errorf("bad question: %v", r)
		}
		created := e.do("POST", base+"/questionnaires", "a", body).want(201).json()
		qid := created["questionnaire"].(map[string]any)["id"]
		links := map[string]string{}
		for _, l := range created["links"].([]any) {
			m := l.(map[string]any)
			links[m["room"].(string)] = strings.TrimPrefix(m["url"].(string), "http://renovote.test/q/")
		}
		if len(links) != 12 {
			t.Fatalf("%d links", len(links))
		}
		page := e.do("GET", "/q/"+links["101"], "", nil, "Accept", "text/html").want(200)
		for _, want := range []string{"改造内容优先级调查", "最多选 3 项", "增设电梯", "/static/survey.js", "您认为最重要的三项改造是？"} {
			if !strings.Contains(string(page.body), want) {
				t.Errorf("the questionnaire page lacks %q", want)
			}
		}
		answer := func(room, key string, answers map[string]any) *response {
			return e.do("POST", "/api/v1/q/"+links[room], "", map[string]any{"answers": answers, "idempotency_key": key})
		}
		answer("101", "ans-101-1", map[string]any{"q1": []string{"楼体修缮"}, "q3": 2}).want(201)
		answer("101", "ans-101-1", map[string]any{"q1": []string{"楼体修缮"}, "q3": 2}).want(200) // replay
		if r := answer("101", "ans-101-1", map[string]any{"q1": []string{"楼体修缮"}, "q3": 5}).want(409).json(); !strings.Contains(r["message"].(string), "另一份答卷") {
			t.Errorf("a key reused with other answers: %v", r) // names the first answer, changes nothing
		}
		answer("101", "ans-101-2", map[string]any{"q1": []string{"楼体修缮", "规范物业管理"}, "q3": 3}).want(201) // changed, kept
		answer("601", "ans-601-1", map[string]any{"q1": []string{"增设电梯"}, "q2": []string{"加装电梯", "外墙保温"}, "q3": 5, "q4": "希望尽快施工"}).want(201)
		answer("602", "ans-602-1", map[string]any{"q1": []string{"增设电梯", "补建停车位和充电设施"}, "q3": 4}).want(201)
		if r := answer("602", "ans-602-2", map[string]any{"q1": []string{"增设电梯", "楼体修缮", "补建停车位和充电设施", "规范物业管理"}}).want(400).json(); r["field"] != "answers.q1" {
			t.Errorf("more than k: %v", r)
		}
		answer("602", "ans-602-3", map[string]any{"q9": 1}).want(400)
		e.do("POST", "/api/v1/q/"+strings.Repeat("B", 43), "", map[string]any{"answers": map[string]any{"q3": 1}, "idempotency_key": "ans-x-000001"}).want(404)

		res := e.do("GET", fmt.Sprintf("%s/questionnaires/%v/results", base, qid), "a", nil).want(200).json()
		if res["answered"].(float64) != 3 || res["households"].(float64) != 12 || res["response_rate"] != "25.00" {
			t.Fatalf("results: %v", res)
		}
		q1 := res["result"].(map[string]any)["questions"].([]any)[0].(map[string]any)
		first := q1["items"].([]any)[0].(map[string]any)
		if first["item"] != "增设电梯" || first["count"].(float64) != 2 || first["share"] != "66.67" {
			t.Errorf("q1: %v", q1)
		}
		if floors := res["by_floor"].([]any); len(floors) != 2 || floors[0].(map[string]any)["floor"].(float64) != 1 {
			t.Errorf("by floor: %v", floors)
		}
		if texts := res["texts"].([]any); len(texts) != 1 || texts[0].(map[string]any)["text"] != "希望尽快施工" {
			t.Errorf("texts: %v", texts)
		}
		report := pdfText(t, e.do("GET", fmt.Sprintf("%s/questionnaires/%v/results.pdf", base, qid), "a", nil).want(200).body)
		for _, want := range []string{"改造内容优先级调查", "回收率25.00%", "增设电梯", "66.67%", "满意率", "您认为最重要的三项改造是？"} {
			if !strings.Contains(report, want) {
				t.Errorf("the results PDF lacks %q", want)
			}
		}
		if strings.Contains(report, "希望尽快施工") {
			t.Error("free texts belong to workers, not the notice board")
		}
		e.do("POST", fmt.Sprintf("%s/questionnaires/%v/close", base, qid), "a", nil).want(200)
		if r := answer("101", "ans-101-3", map[string]any{"q3": 5}).want(409).json(); !strings.Contains(r["message"].(string), "结束") {
			t.Errorf("closed: %v", r)
		}
		e.do("PUT", base+"/households", "a", map[string]any{"households": []any{}}).want(409)
	})
}

// TestQuestionnaireForAWholeEstate sends one questionnaire to two projects
// (a 小区): each household answers through its own link; the results add
// up over the estate.
func TestQuestionnaireForAWholeEstate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p1 := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里1号楼")).want(201).json()["id"]
		p2 := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里2号楼")).want(201).json()["id"]
		body := map[string]any{"title": "小区改造满意度", "deadline": e.clock.Now().Add(24 * time.Hour).Format(time.RFC3339),
			"projects": []any{p1, p2}, "questions": []any{map[string]any{"id": "q1", "kind": "rating", "text": "您对小区改造的满意程度"}}}
		e.do("POST", "/api/v1/questionnaires", "b", body).want(404)
		e.do("POST", "/api/v1/questionnaires", "a", map[string]any{"title": "x", "deadline": "2099-01-01", "projects": []any{},
			"questions": []any{map[string]any{"id": "q1", "kind": "rating"}}}).want(400)
		res := e.do("POST", "/api/v1/questionnaires", "a", body).want(201).json()
		sent := res["questionnaires"].([]any)
		if len(sent) != 2 || res["group"] == "" {
			t.Fatalf("sent %v", res)
		}
		answer := func(i int, room string, score int) {
			for _, l := range sent[i].(map[string]any)["links"].([]any) {
				m := l.(map[string]any)
				if m["room"] == room {
					token := strings.TrimPrefix(m["url"].(string), "http://renovote.test/q/")
					e.do("POST", "/api/v1/q/"+token, "", map[string]any{"answers": map[string]any{"q1": score}, "idempotency_key": "estate-" + room + "-" + itoa(i)}).want(201)
				}
			}
		}
		answer(0, "301", 5)
		answer(1, "302", 3)
		answer(1, "401", 4)
		q1 := sent[0].(map[string]any)["questionnaire"].(map[string]any)
		r := e.do("GET", fmt.Sprintf("/api/v1/projects/%v/questionnaires/%v/results", p1, q1["id"]), "a", nil).want(200).json()
		group := r["group"].(map[string]any)
		if r["answered"].(float64) != 1 || group["answered"].(float64) != 3 || group["households"].(float64) != 24 || group["projects"].(float64) != 2 {
			t.Fatalf("results %v", r)
		}
		rating := group["result"].(map[string]any)["questions"].([]any)[0].(map[string]any)
		if rating["mean"] != "4.00" || rating["satisfied_share"] != "66.67" {
			t.Errorf("estate rating %v", rating)
		}
		report := pdfText(t, e.do("GET", fmt.Sprintf("/api/v1/projects/%v/questionnaires/%v/results.pdf", p1, q1["id"]), "a", nil).want(200).body)
		if !strings.Contains(report, "全小区2个项目合计") || !strings.Contains(report, "回收答卷3份，共24户") {
			t.Errorf("the estate report:\n%s", report)
		}
	})
}
