package http_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestWorksAndFeedback walks a month after the signatures: stages,
// the supervision group, inspections and fixes, feedback from a link and
// anonymous, answered late and early, closed and rated; then checks the
// figures, the public page and the progress 公示.
func TestWorksAndFeedback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		relogin := func() {
			e.tokens["a"] = e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "password-a"}).want(200).json()["token"].(string)
		}
		day := func(d int) string {
			return e.clock.Now().In(time.FixedZone("", 8*3600)).AddDate(0, 0, d).Format(time.DateOnly)
		}

		works := e.do("GET", base+"/stages", "a", nil).want(200).json()
		if st := works["stages"].([]any); len(st) != 7 || st[0].(map[string]any)["name"] != "立项" || works["satisfaction_goal"] != "90.00" {
			t.Fatalf("default works: %v", works)
		}
		stages := []map[string]any{{"name": "立项", "planned": day(-30), "actual": day(-30)}, {"name": "设计", "planned": day(-20), "actual": day(-18)},
			{"name": "审批", "planned": day(-10), "actual": day(-9)}, {"name": "开工", "planned": day(0), "actual": day(0)},
			{"name": "主体完工", "planned": day(40)}, {"name": "验收", "planned": day(50)}, {"name": "交付使用", "planned": day(60), "note": "按计划"}}
		e.do("PUT", base+"/stages", "a", stages).want(200)
		bad := []map[string]any{{"name": "立项", "planned": "2027-02-30"}}
		if res := e.do("PUT", base+"/stages", "a", bad).want(400).json(); res["field"] != "stages[0].planned" {
			t.Errorf("bad planned date: %v", res)
		}
		e.do("PUT", base+"/supervisors", "a", []map[string]any{{"name": "张阿姨", "role": "居民代表", "phone": "13800001111"},
			{"name": "李娜", "role": "社区", "phone": ""}, {"name": "王工", "role": "施工方", "phone": "13900002222"}}).want(200)
		if res := e.do("PUT", base+"/supervisors", "a", []map[string]any{{"name": "赵", "role": "老板"}}).want(400).json(); res["field"] != "supervisors[0].role" {
			t.Errorf("bad role: %v", res)
		}
		e.do("PUT", base+"/satisfaction-goal", "a", map[string]any{"goal": "85%"}).want(200)

		// week 1: an inspection raises two issues; one is fixed
		in := e.do("POST", base+"/inspections", "a", map[string]any{"date": day(1), "inspectors": []string{"张阿姨", "李娜"}, "findings": "围挡完好",
			"issues": []string{"楼道堆放材料", "夜间施工噪音"}}).want(201).json()
		issues := in["issues"].([]any)
		fix := fmt.Sprintf("%s/issues/%v/fixed", base, issues[0].(map[string]any)["id"])
		e.do("POST", fix, "a", map[string]any{"date": day(2), "note": "已清理"}).want(200)
		e.do("POST", fix, "a", map[string]any{"date": day(2), "note": "again"}).want(409)
		e.do("POST", base+"/inspections", "a", map[string]any{"date": day(1), "inspectors": []string{}, "findings": "x"}).want(400)

		// feedback: from a link (answered the same day), too long, anonymous
		f1 := e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "噪音", "text": "晚上十点后还在施工"}).want(201).json()
		long := e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "噪音", "text": strings.Repeat("吵", 501)}).want(400).json()
		if long["field"] != "text" {
			t.Errorf("a 501-character message: %v", long)
		}
		e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "其他", "text": "😀"}).want(400)
		e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "闲聊", "text": "x"}).want(400)
		slug := strings.TrimPrefix(e.do("GET", base, "a", nil).want(200).json()["public_url"].(string), "http://renovote.test/p/")
		// before anyone rates, there is no rate to show (not "0.00%")
		if page := string(e.do("GET", "/p/"+slug, "", nil, "Accept", "text/html").want(200).body); !strings.Contains(page, "回访：<b>暂无评价</b>") {
			t.Errorf("the public page before any rating: %s", page)
		}
		if fb := e.do("GET", base+"/progress", "a", nil).want(200).json()["feedback"].(map[string]any); fb["rated"] != float64(0) {
			t.Errorf("rated before any rating: %v", fb)
		}
		e.do("POST", "/api/v1/public/"+slug+"/feedback", "", map[string]any{"category": "安全", "text": "楼道灯不亮"}).want(201)
		e.do("POST", "/api/v1/public/"+slug+"/feedback", "", map[string]any{"category": "安全", "text": "x", "photo": signature(t, 300, 300, true)}).want(400)
		e.do("POST", "/api/v1/public/"+strings.Repeat("0", 24)+"/feedback", "", map[string]any{"category": "安全", "text": "x"}).want(404)
		f1id := int(f1["id"].(float64))
		e.do("POST", fmt.Sprintf("%s/feedback/%d/answer", base, f1id), "a", map[string]any{"text": "已要求施工方22点后停工"}).want(200)
		// the sender sees the answer on their page; others do not see the message
		view := e.do("GET", "/api/v1/sign/"+links["301"], "", nil).want(200).json()
		if fb := view["feedback"].([]any); len(fb) != 1 || fb[0].(map[string]any)["answer"] != "已要求施工方22点后停工" {
			t.Fatalf("the sender's page: %v", view["feedback"])
		}
		if fb := e.do("GET", "/api/v1/sign/"+links["302"], "", nil).want(200).json()["feedback"].([]any); len(fb) != 0 {
			t.Errorf("another household sees %v", fb)
		}
		rate := fmt.Sprintf("/feedback/%d/rating", f1id)
		e.do("POST", "/api/v1/sign/"+links["301"]+rate, "", map[string]any{"rating": "满意"}).want(409) // not closed yet
		e.do("POST", fmt.Sprintf("%s/feedback/%d/close", base, f1id), "a", nil).want(200)
		e.do("POST", "/api/v1/sign/"+links["302"]+rate, "", map[string]any{"rating": "不满意"}).want(404) // not theirs
		e.do("POST", "/api/v1/sign/"+links["301"]+rate, "", map[string]any{"rating": "很好"}).want(400)
		e.do("POST", "/api/v1/sign/"+links["301"]+rate, "", map[string]any{"rating": "满意"}).want(200)
		e.do("POST", "/api/v1/sign/"+links["301"]+rate, "", map[string]any{"rating": "不满意"}).want(409) // once

		// a second message answered only after five days, closed and rated 不满意
		f2 := e.do("POST", "/api/v1/sign/"+links["502"]+"/feedback", "", map[string]any{"category": "费用", "text": "首付能否延期"}).want(201).json()
		e.clock.Add(5 * 24 * time.Hour)
		relogin()
		e.do("POST", fmt.Sprintf("%s/feedback/%v/answer", base, f2["id"]), "a", map[string]any{"text": "可以申请延期一个月"}).want(200)
		e.do("POST", fmt.Sprintf("%s/feedback/%v/close", base, f2["id"]), "a", nil).want(200)
		e.do("POST", "/api/v1/sign/"+links["502"]+fmt.Sprintf("/feedback/%v/rating", f2["id"]), "", map[string]any{"rating": "不满意"}).want(200)

		// two weeks without an inspection while the works run: the warning
		e.clock.Add(10 * 24 * time.Hour)
		relogin()
		// the handover survey's rating question: one household rates 4 (satisfied), counted apart
		sent := e.do("POST", base+"/questionnaires", "a", map[string]any{"title": "交付满意度", "deadline": e.clock.Now().Add(48 * time.Hour).Format(time.RFC3339),
			"questions": []any{map[string]any{"id": "q1", "kind": "rating", "text": "您对加装电梯工程是否满意"}}}).want(201).json()
		qurl := sent["links"].([]any)[0].(map[string]any)["url"].(string)
		e.do("POST", "/api/v1/q/"+strings.TrimPrefix(qurl, "http://renovote.test/q/"), "", map[string]any{"answers": map[string]any{"q1": 4},
			"idempotency_key": "handover-0001"}).want(201)
		p := e.do("GET", base+"/progress", "a", nil).want(200).json()
		insp, fb := p["inspections"].(map[string]any), p["feedback"].(map[string]any)
		if insp["count"] != float64(1) || insp["last"] != day(-14) || insp["open_issues"] != float64(1) || insp["overdue"] != true {
			t.Errorf("inspection figures: %v", insp)
		}
		if fb["received"] != float64(3) || fb["answered_within_3_days"] != float64(1) || fb["closed"] != float64(2) ||
			fb["ratings"] != float64(2) || fb["rated"] != float64(2) || fb["satisfaction_rate"] != "50.00" || fb["satisfaction_goal"] != "85.00" {
			t.Errorf("feedback figures: %v", fb)
		}
		// the survey's answer is shown apart, never mixed into the 回访 rate
		if sv := fb["survey"].(map[string]any); sv["answers"] != float64(1) || sv["satisfied"] != float64(1) || sv["satisfaction"] != "100.00%" {
			t.Errorf("survey ratings: %v", sv)
		}
		if money := p["money"].(map[string]any); money["budget"] != "570000.00" {
			t.Errorf("money figures: %v", money)
		}
		// the public page and the progress 公示: figures, no names or texts
		page := string(e.do("GET", "/p/"+slug, "", nil, "Accept", "text/html").want(200).body)
		for _, want := range []string{"工程进展", "主体完工", "回访<b>满意率 50%（2 人评价）</b>", "匿名提意见"} {
			if !strings.Contains(page, want) {
				t.Errorf("the public page lacks %q", want)
			}
		}
		for _, never := range []string{"晚上十点后还在施工", "张阿姨", "13800001111"} {
			if strings.Contains(page, never) {
				t.Errorf("the public page shows %q", never)
			}
		}
		text := pdfText(t, e.do("GET", base+"/progress.pdf", "a", nil).want(200).body)
		for _, want := range []string{"工程进展公示", "开工", "检查1次", "回访评价2份，满意率50.00%", "目标85.00%", "满意度问卷评分1份", "不计入上述回访满意率", "张*姨（居民代表）", "存证"} {
			if !strings.Contains(text, want) {
				t.Errorf("the progress 公示 lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "首付能否延期") || strings.Contains(text, "张阿姨") {
			t.Errorf("the progress 公示 shows a name or a message")
		}
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit: %v", a)
		}
		events, err := s.AuditEvents(t.Context(), int64(pid))
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range events {
			kinds[ev.Kind]++
		}
		if kinds["works_saved"] != 3 || kinds["inspection"] != 1 || kinds["issue_fixed"] != 1 || kinds["feedback"] != 3+4+2 {
			t.Errorf("audit events: %v", kinds)
		}
	})
}

// worksRecord is a project with everything the works and the feedback
// record: stages and a group, an inspection with two issues and a photo,
// a fix with a photo, a message from a link with a photo answered, closed
// and rated 不满意, and an anonymous one.
type worksRecord struct {
	pid                      int
	base                     string
	links                    map[string]string
	inspection, issue, photo int
	rated, anonymous         int
}

func (e *env) worksRecord() worksRecord {
	e.t.Helper()
	pid, links := e.published()
	r := worksRecord{pid: pid, base: fmt.Sprintf("/api/v1/projects/%d", pid), links: links}
	e.do("PUT", r.base+"/stages", "a", []map[string]any{{"name": "立项", "planned": "2026-11-01", "actual": "2026-11-02"},
		{"name": "开工", "planned": "2026-12-01", "actual": "2026-12-03"}, {"name": "交付使用", "planned": "2027-03-01"}}).want(200)
	e.do("PUT", r.base+"/supervisors", "a", []map[string]any{{"name": "张阿姨", "role": "居民代表", "phone": "13800001111"}}).want(200)
	in := e.do("POST", r.base+"/inspections", "a", map[string]any{"date": "2026-12-04", "inspectors": []string{"张阿姨"}, "findings": "围挡完好",
		"issues": []string{"楼道堆放材料", "夜间施工噪音"}, "photos": []string{signature(e.t, 400, 300, true)}}).want(201).json()
	r.inspection = int(in["id"].(float64))
	r.issue = int(in["issues"].([]any)[0].(map[string]any)["id"].(float64))
	e.do("POST", fmt.Sprintf("%s/issues/%d/fixed", r.base, r.issue), "a", map[string]any{"date": "2026-12-05", "note": "已清理",
		"photo": signature(e.t, 250, 250, true)}).want(200)
	if err := e.store.DB().Get(&r.photo, e.store.DB().Rebind(`SELECT id FROM inspection_photos WHERE inspection_id = ?`), r.inspection); err != nil {
		e.t.Fatal(err)
	}
	f := e.do("POST", "/api/v1/sign/"+links["301"]+"/feedback", "", map[string]any{"category": "噪音", "text": "晚上十点后还在施工",
		"photo": signature(e.t, 220, 330, true)}).want(201).json()
	r.rated = int(f["id"].(float64))
	e.do("POST", fmt.Sprintf("%s/feedback/%d/answer", r.base, r.rated), "a", map[string]any{"text": "已要求施工方22点后停工"}).want(200)
	e.do("POST", fmt.Sprintf("%s/feedback/%d/close", r.base, r.rated), "a", nil).want(200)
	e.do("POST", fmt.Sprintf("/api/v1/sign/%s/feedback/%d/rating", links["301"], r.rated), "", map[string]any{"rating": "不满意"}).want(200)
	slug := strings.TrimPrefix(e.do("GET", r.base, "a", nil).want(200).json()["public_url"].(string), "http://renovote.test/p/")
	anon := e.do("POST", "/api/v1/public/"+slug+"/feedback", "", map[string]any{"category": "安全", "text": "楼道灯不亮"}).want(201).json()
	r.anonymous = int(anon["id"].(float64))
	return r
}

// TestWorksAttacksNamed: an administrator without the key edits the
// works and the feedback behind the application — a 回访 rating rewritten
// (satisfaction from 0% to 100%), an answer edited, a finding edited, a
// stage's date moved, a site photo or a fix photo swapped, a rating
// inserted as a row, a message deleted — and audit verify names the table,
// the row and the column each time; put back, the check holds again.
func TestWorksAttacksNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		r := e.worksRecord()
		db := s.DB()
		exec := func(query string, args ...any) {
			t.Helper()
			db.MustExec(db.Rebind(query), args...)
		}
		// audit verify as the command line runs it (the HTTP answer says
		// why in words; the check names table, id and column)
		verifier := app.New(app.Config{Store: s, SigningKey: storetest.Key, Now: e.clock.Now})
		audit := func() *engine.AuditCheck {
			t.Helper()
			check, err := verifier.CheckAudit(t.Context(), app.Operator, int64(r.pid))
			if err != nil {
				t.Fatal(err)
			}
			return check
		}
		if a := audit(); !a.OK {
			t.Fatalf("audit before any attack: %v", a)
		}
		satisfaction := func() string {
			return e.do("GET", r.base+"/progress", "a", nil).want(200).json()["feedback"].(map[string]any)["satisfaction"].(string)
		}
		if got := satisfaction(); got != "0.00%" {
			t.Fatalf("satisfaction before the attack: %s", got)
		}
		var stages string
		if err := db.Get(&stages, db.Rebind(`SELECT stages FROM works WHERE project_id = ?`), r.pid); err != nil {
			t.Fatal(err)
		}
		var photo, fixPhoto []byte
		if err := db.Get(&photo, db.Rebind(`SELECT data FROM inspection_photos WHERE id = ?`), r.photo); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&fixPhoto, db.Rebind(`SELECT fixed_photo FROM inspection_issues WHERE id = ?`), r.issue); err != nil {
			t.Fatal(err)
		}
		other := []byte("\xff\xd8\xff another photo")
		for _, c := range []struct {
			name          string
			attack, undo  func()
			table, column string
			id            int
			after         func()
		}{
			{"a 回访 rating rewritten", func() { exec(`UPDATE feedback SET rating = '满意' WHERE id = ?`, r.rated) },
				func() { exec(`UPDATE feedback SET rating = '不满意' WHERE id = ?`, r.rated) }, "feedback", "rating", r.rated,
				func() {
					if got := satisfaction(); got != "100.00%" {
						t.Errorf("the rewritten rating does not move the rate (%s): the attack is not what the issue says", got)
					}
				}},
			{"an answer edited", func() { exec(`UPDATE feedback SET answer = '已处理完毕' WHERE id = ?`, r.rated) },
				func() { exec(`UPDATE feedback SET answer = '已要求施工方22点后停工' WHERE id = ?`, r.rated) }, "feedback", "answer", r.rated, nil},
			{"a message closed behind the worker's back", func() { exec(`UPDATE feedback SET closed_at = ? WHERE id = ?`, e.clock.Now(), r.anonymous) },
				func() { exec(`UPDATE feedback SET closed_at = NULL WHERE id = ?`, r.anonymous) }, "feedback", "closed_at", r.anonymous, nil},
			{"an inspection's findings edited", func() { exec(`UPDATE inspections SET findings = '一切正常' WHERE id = ?`, r.inspection) },
				func() { exec(`UPDATE inspections SET findings = '围挡完好' WHERE id = ?`, r.inspection) }, "inspections", "findings", r.inspection, nil},
			{"a stage's date moved", func() {
				exec(`UPDATE works SET stages = ? WHERE project_id = ?`, strings.Replace(stages, "2026-12-03", "2026-12-01", 1), r.pid)
			}, func() { exec(`UPDATE works SET stages = ? WHERE project_id = ?`, stages, r.pid) }, "works", "stages[1].actual", r.pid, nil},
			{"a site photo swapped", func() { exec(`UPDATE inspection_photos SET data = ? WHERE id = ?`, other, r.photo) },
				func() { exec(`UPDATE inspection_photos SET data = ? WHERE id = ?`, photo, r.photo) }, "inspection_photos", "data", r.photo, nil},
			{"a fix photo swapped", func() { exec(`UPDATE inspection_issues SET fixed_photo = ? WHERE id = ?`, other, r.issue) },
				func() { exec(`UPDATE inspection_issues SET fixed_photo = ? WHERE id = ?`, fixPhoto, r.issue) }, "inspection_issues", "fixed_photo", r.issue, nil},
			{"an issue marked fixed", func() { exec(`UPDATE inspection_issues SET fixed_day = '2026-12-06' WHERE id = ?`, r.issue+1) },
				func() { exec(`UPDATE inspection_issues SET fixed_day = NULL WHERE id = ?`, r.issue+1) }, "inspection_issues", "fixed_day", r.issue + 1, nil},
			{"a rating inserted as a row", func() {
				exec(`INSERT INTO feedback (id, project_id, category, text, created_at, closed_at, rating) VALUES (?, ?, '其他', '好', ?, ?, '满意')`,
					r.anonymous+100, r.pid, e.clock.Now(), e.clock.Now())
			}, func() { exec(`DELETE FROM feedback WHERE id = ?`, r.anonymous+100) }, "feedback", "", r.anonymous + 100, nil},
			{"a message deleted", func() { exec(`DELETE FROM feedback WHERE id = ?`, r.anonymous) }, nil, "feedback", "", r.anonymous, nil},
		} {
			c.attack()
			a := audit()
			if d := a.Diff; a.OK || d == nil || d.Table != c.table || d.ID != int64(c.id) || d.Column != c.column {
				t.Errorf("%s: audit %+v (%s), want %s #%d %q", c.name, a.Diff, a.Reason, c.table, c.id, c.column)
			} else if !strings.Contains(a.Reason, c.table) {
				t.Errorf("%s: the reason does not name the table: %s", c.name, a.Reason)
			}
			// the HTTP answer says it too
			if h := e.do("GET", r.base+"/audit", "a", nil).want(200).json(); h["ok"] != false || !strings.Contains(h["reason"].(string), c.table) {
				t.Errorf("%s: the audit endpoint says %v", c.name, h)
			}
			if c.after != nil {
				c.after()
			}
			if c.undo == nil {
				continue
			}
			c.undo()
			if a := audit(); !a.OK {
				t.Fatalf("after undoing %s: %s", c.name, a.Reason)
			}
		}
	})
}

// TestAnonymousFeedbackSparesLogin: anonymous feedback from the public
// page has a limiter of its own. Eight messages from one address (the
// community office's, say) are cut off after a few, and the workers of
// that address still log in — with the login limiter at its default.
func TestAnonymousFeedbackSparesLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{LoginRate: 0.2}) // the default: 10 at once, then one every 5 s
		e.addWorker("a", false)
		pid, _ := e.published()
		slug := strings.TrimPrefix(e.do("GET", fmt.Sprintf("/api/v1/projects/%d", pid), "a", nil).want(200).json()["public_url"].(string), "http://renovote.test/p/")
		var sent, refused int
		for i := range 8 {
			res := e.do("POST", "/api/v1/public/"+slug+"/feedback", "", map[string]any{"category": "安全", "text": fmt.Sprintf("楼道灯不亮 %d", i)})
			switch res.status {
			case 201:
				sent++
			case 429:
				refused++
				if msg := res.json()["message"].(string); !strings.Contains(msg, "匿名意见") {
					t.Errorf("the refusal says %q", msg)
				}
			default:
				t.Fatalf("anonymous feedback %d: %d %s", i, res.status, res.body)
			}
		}
		if sent != 5 || refused != 3 {
			t.Errorf("%d sent, %d refused; want 5 and 3", sent, refused)
		}
		for range 3 {
			e.do("POST", "/api/v1/login", "", map[string]string{"username": "a", "password": "password-a"}).want(200)
		}
	})
}

// TestLinkQuota: a household's link adds at most engine.LinkEventsPerDay
// events a day — its decision, its messages and its ratings together —
// then answers 429 in Chinese until the next Beijing day; other
// households and the public page are not held back.
func TestLinkQuota(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		send := func(room string) *response {
			return e.do("POST", "/api/v1/sign/"+links[room]+"/feedback", "", map[string]any{"category": "其他", "text": "请问何时开工"})
		}
		e.sign(links["301"], "agree", "key-quota-301")
		var first int
		for i := 1; i < engine.LinkEventsPerDay; i++ {
			f := send("301").want(201).json()
			if i == 1 {
				first = int(f["id"].(float64))
			}
		}
		res := send("301").want(429).json()
		if msg := res["message"].(string); !strings.Contains(msg, fmt.Sprintf("每天最多 %d 次", engine.LinkEventsPerDay)) || !strings.Contains(msg, "明天") {
			t.Errorf("the refusal says %q", msg)
		}
		send("302").want(201)
		// the rating through the link is refused too, until the next day
		e.do("POST", fmt.Sprintf("%s/feedback/%d/close", base, first), "a", nil).want(200)
		rate := fmt.Sprintf("/api/v1/sign/%s/feedback/%d/rating", links["301"], first)
		e.do("POST", rate, "", map[string]any{"rating": "满意"}).want(429)
		var n int
		if err := s.DB().Get(&n, s.DB().Rebind(`SELECT COUNT(*) FROM audit_events WHERE project_id = ? AND actor = ?`), pid,
			engine.HouseholdActor(int64(e.householdID(pid, "301")))); err != nil || n != engine.LinkEventsPerDay {
			t.Errorf("%d events of the household, want %d (%v)", n, engine.LinkEventsPerDay, err)
		}
		// midnight in Beijing: a new day
		now := e.clock.Now()
		e.clock.Add(engine.BeijingDayStart(now).Add(24 * time.Hour).Sub(now))
		e.do("POST", rate, "", map[string]any{"rating": "满意"}).want(200)
		send("301").want(201)
	})
}

// TestLinkQuotaDecisions: a link's changes of mind share the daily quota;
// a retry of a decision already made still replays once it is reached.
func TestLinkQuotaDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		_, links := e.published()
		body := func(i int) map[string]any {
			return map[string]any{"decision": []string{"agree", "disagree"}[i%2], "signer_name": "业主",
				"signature_png": signature(e.t, 300, 120, true), "idempotency_key": fmt.Sprintf("quota-key-%02d", i)}
		}
		var last map[string]any
		for i := range engine.LinkEventsPerDay {
			last = body(i)
			e.do("POST", "/api/v1/sign/"+links["401"], "", last).want(201)
		}
		res := e.do("POST", "/api/v1/sign/"+links["401"], "", body(99)).want(429).json()
		if !strings.Contains(res["message"].(string), "明天") {
			t.Errorf("the refusal says %v", res)
		}
		e.do("POST", "/api/v1/sign/"+links["401"], "", last).want(200)     // the retry of the last one replays
		e.do("POST", "/api/v1/sign/"+links["402"], "", body(50)).want(201) // another household's link has its own
	})
}
