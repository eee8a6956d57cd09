package http_test

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// orgWorld is a 区 with two 街道 and three 社区, and an account of each
// role, every one with its event on the system chain.
type orgWorld struct {
	e                         *env
	a                         *app.App
	district, street, street2 int64
	c1, c2, c3                int64
	pid                       int
	hid                       int64
	links                     map[string]string // room → signing token
}

const memberPassword = "加装电梯-Plum-4471"

// member adds an account through the workflow and logs it in.
func (w *orgWorld) member(name, role string, org int64) {
	w.e.t.Helper()
	acc := &engine.Worker{Username: name, DisplayName: "工作人员" + name, Role: role, OrgID: org}
	if err := w.a.AddUser(w.e.t.Context(), app.Operator, acc, memberPassword); err != nil {
		w.e.t.Fatal(err)
	}
	res := w.e.do("POST", "/api/v1/login", "", map[string]string{"username": name, "password": memberPassword}).want(200)
	w.e.tokens[name] = res.json()["token"].(string)
}

func (w *orgWorld) org(name, kind string, parent int64) int64 {
	w.e.t.Helper()
	res := w.e.do("POST", "/api/v1/orgs", "root", map[string]any{"name": name, "kind": kind, "parent_id": parent}).want(201).json()
	return int64(res["id"].(float64))
}

// newOrgWorld: worker a of 宝石社区 runs the published demo building; helper
// is a worker of the same 社区 (assigned later), peer one who is not.
func newOrgWorld(t *testing.T, s *store.Store) *orgWorld {
	return orgWorldOn(t, newEnv(t, s, apphttp.Config{}))
}

func orgWorldOn(t *testing.T, e *env) *orgWorld {
	s := e.store
	w := &orgWorld{e: e, a: app.New(app.Config{Store: s, Now: e.clock.Now, SigningKey: storetest.Key})}
	e.chainedWorker(w.a, "root", true)
	w.district = w.org("西湖区", "区", 0)
	w.street = w.org("北山街道", "街道", w.district)
	w.c1 = w.org("宝石社区", "社区", w.street)
	w.c2 = w.org("保俶社区", "社区", w.street)
	w.street2 = w.org("灵隐街道", "街道", w.district)
	w.c3 = w.org("玉泉社区", "社区", w.street2)
	w.member("a", engine.RoleWorker, w.c1)
	w.member("helper", engine.RoleWorker, w.c1)
	w.member("peer", engine.RoleWorker, w.c1)
	w.member("lead", engine.RoleLead, w.c1)
	w.member("otherlead", engine.RoleLead, w.c2)
	w.member("sup", engine.RoleSupervisor, w.street)
	w.member("sup2", engine.RoleSupervisor, w.street2)
	w.member("aud", engine.RoleAuditor, w.district)
	doc := demoProject("幸福里3号楼2单元")
	w.pid = int(e.do("POST", "/api/v1/projects", "a", doc).want(201).json()["id"].(float64))
	sc := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", w.pid), "a", scenarioA).want(201).json()
	pub := e.do("POST", fmt.Sprintf("/api/v1/projects/%d/scenarios/%d/publish", w.pid, int(sc["id"].(float64))), "a",
		map[string]any{"rule": "civil_code_major", "deadline": e.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)}).want(201).json()
	w.links = map[string]string{}
	for _, l := range pub["links"].([]any) {
		m := l.(map[string]any)
		url := m["url"].(string)
		w.links[m["room"].(string)] = url[strings.LastIndex(url, "/")+1:]
	}
	p := e.do("GET", fmt.Sprintf("/api/v1/projects/%d", w.pid), "a", nil).want(200).json()
	if got := int64(p["org_id"].(float64)); got != w.c1 {
		t.Fatalf("a's project is in org %d, want a's 社区 %d", got, w.c1)
	}
	w.hid = int64(p["households"].([]any)[0].(map[string]any)["id"].(float64))
	return w
}

// TestAccessTable walks the rule table (app.AccessRules) through the API:
// every role against one workflow of each kind on one building. Out of
// reach is 404 (the building is not even shown to exist), a write of a
// read-only role 403 in Chinese, and nothing is written by a refusal.
func TestAccessTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOrgWorld(t, s)
		e := w.e
		base := fmt.Sprintf("/api/v1/projects/%d", w.pid)

		// assigning: a lead of the 社区 or an admin; not the worker, not a supervisor
		e.do("POST", base+"/assign", "a", map[string]any{"user": "helper"}).want(403)
		e.do("POST", base+"/assign", "sup", map[string]any{"user": "helper"}).want(403)
		e.do("POST", base+"/assign", "otherlead", map[string]any{"user": "helper"}).want(404)
		if res := e.do("POST", base+"/assign", "lead", map[string]any{"user": "sup"}).want(400).json(); res["field"] != "user" {
			t.Errorf("assigning a supervisor: %v", res)
		}
		if res := e.do("POST", base+"/assign", "lead", map[string]any{"user": "nobody"}).want(400).json(); res["field"] != "user" {
			t.Errorf("assigning nobody: %v", res)
		}
		e.do("POST", base+"/assign", "lead", map[string]any{"user": "helper"}).want(201)
		e.do("POST", base+"/assign", "root", map[string]any{"user": "helper"}).want(409)

		n := 0
		actions := []struct {
			act    app.Action
			method string
			path   string
			body   func() any
		}{
			{app.ActRead, "GET", base, nil},
			{app.ActRead, "GET", base + "/tally", nil},
			{app.ActWrite, "PUT", base + "/contact", func() any {
				return map[string]any{"name": "王专干", "phone": "0571-87654321", "office": "社区居委会"}
			}},
			{app.ActWrite, "POST", base + "/inspections", func() any {
				return map[string]any{"date": e.clock.Now().In(engine.Beijing).Format("2006-01-02"), "inspectors": []string{"李监理"}, "findings": "正常"}
			}},
			{app.ActExport, "GET", base + "/notice.pdf", nil},
			{app.ActExport, "GET", base + "/households.xlsx", nil},
			{app.ActVerify, "GET", base + "/audit", nil},
			{app.ActMoney, "POST", base + "/funds", func() any {
				n++
				return map[string]any{"kind": "income", "source": "政府补贴", "what": "补贴", "amount": "100", "idempotency_key": fmt.Sprintf("access-fund-%02d", n)}
			}},
			{app.ActVote, "POST", fmt.Sprintf("%s/households/%d/link", base, w.hid), nil},
			// the funding pack (issue 25): the rule and a household's
			// figures are the 社区's to enter, the table anyone's to read; a
			// certificate is issued, as a record, by the 社区
			{app.ActWrite, "PUT", base + "/funding-rule", func() any { return map[string]any{"preset": "suzhou"} }},
			{app.ActWrite, "PUT", fmt.Sprintf("%s/households/%d/funding", base, w.hid), func() any {
				return map[string]any{"accounts": []any{map[string]any{"name": "张三", "relation": "owner", "balance": "1000.00"}}}
			}},
			{app.ActRead, "GET", base + "/funding", nil},
			{app.ActWrite, "GET", fmt.Sprintf("%s/households/%d/share-certificate.pdf", base, w.hid), nil},
		}
		roles := []struct {
			user  string
			reach bool                // sees the building at all
			may   map[app.Action]bool // nil: every action
		}{
			{"root", true, nil},
			{"a", true, nil},
			{"helper", true, nil},
			{"lead", true, nil},
			{"peer", false, nil},
			{"otherlead", false, nil},
			{"sup", true, map[app.Action]bool{app.ActRead: true, app.ActExport: true, app.ActVerify: true}},
			{"aud", true, map[app.Action]bool{app.ActRead: true, app.ActExport: true, app.ActVerify: true}},
			{"sup2", false, nil},
		}
		for _, r := range roles {
			for _, act := range actions {
				var body any
				if act.body != nil {
					body = act.body()
				}
				before := counts(t, s)
				res := e.do(act.method, act.path, r.user, body)
				allowed := r.reach && (r.may == nil || r.may[act.act])
				switch {
				case !r.reach:
					if res.status != 404 {
						t.Errorf("%s %s %s: got %d %s, want 404 (out of reach)", r.user, act.method, act.path, res.status, res.body)
					}
				case !allowed:
					if res.status != 403 || !strings.Contains(res.json()["message"].(string), "只能查看、导出和核验") {
						t.Errorf("%s %s %s: got %d %s, want 403 in Chinese", r.user, act.method, act.path, res.status, res.body)
					}
				default:
					if res.status/100 != 2 {
						t.Errorf("%s %s %s: got %d %s, want it allowed", r.user, act.method, act.path, res.status, res.body)
					}
				}
				if !allowed {
					if after := counts(t, s); after != before {
						t.Errorf("%s %s %s was refused but wrote:\nbefore %s\nafter  %s", r.user, act.method, act.path, before, after)
					}
				}
			}
		}

		// the list is the reach
		for _, c := range []struct {
			user string
			sees bool
		}{{"a", true}, {"helper", true}, {"peer", false}, {"lead", true}, {"otherlead", false}, {"sup", true}, {"aud", true}, {"sup2", false}, {"root", true}} {
			found := false
			for _, p := range e.do("GET", "/api/v1/projects", c.user, nil).want(200).list() {
				found = found || int(p.(map[string]any)["id"].(float64)) == w.pid
			}
			if found != c.sees {
				t.Errorf("%s lists the building: %v, want %v", c.user, found, c.sees)
			}
		}
		if p := e.do("GET", base, "sup", nil).want(200).json(); p["read_only"] != true {
			t.Errorf("the supervisor's project is not read-only: %v", p["read_only"])
		}
		// a supervisor creates nothing either
		e.do("POST", "/api/v1/projects", "sup", demoProject("北山街道自建楼")).want(403)
	})
}

// TestOrgsAndUsers: organisations form 区 → 街道 → 社区 (admin only; bad
// input names its field), each sees the tree below them, and accounts get
// a role that fits their organisation.
func TestOrgsAndUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOrgWorld(t, s)
		e := w.e
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "", "kind": "区"}, "name"},
			{map[string]any{"name": "滨江区", "kind": "市"}, "kind"},
			{map[string]any{"name": "滨江区", "kind": "区", "parent_id": w.district}, "parent_id"},
			{map[string]any{"name": "长河街道", "kind": "街道"}, "parent_id"},
			{map[string]any{"name": "长河街道", "kind": "街道", "parent_id": w.street}, "parent_id"},
			{map[string]any{"name": "江南社区", "kind": "社区", "parent_id": w.district}, "parent_id"},
			{map[string]any{"name": "江南社区", "kind": "社区", "parent_id": 9999}, "parent_id"},
			{map[string]any{"name": "江南社区", "kind": "社区", "parent_id": -1}, "parent_id"},
			{map[string]any{"name": "江南社区", "kind": "社区", "parent_id": "3"}, "parent_id"},
		} {
			before := counts(t, s)
			res := e.do("POST", "/api/v1/orgs", "root", c.body).want(400).json()
			if res["field"] != c.field || !strings.ContainsFunc(res["message"].(string), func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%v: got %v, want 400 naming %s in Chinese", c.body, res, c.field)
			}
			if after := counts(t, s); after != before {
				t.Errorf("%v was refused but wrote", c.body)
			}
		}
		e.do("POST", "/api/v1/orgs", "lead", map[string]any{"name": "滨江区", "kind": "区"}).want(403)

		// the tree each sees
		names := func(user string) string {
			var out []string
			var walk func([]any)
			walk = func(ns []any) {
				for _, n := range ns {
					m := n.(map[string]any)
					out = append(out, m["name"].(string))
					walk(m["children"].([]any))
				}
			}
			walk(e.do("GET", "/api/v1/orgs", user, nil).want(200).json()["orgs"].([]any))
			return strings.Join(out, " ")
		}
		for user, want := range map[string]string{
			"root": "西湖区 北山街道 宝石社区 保俶社区 灵隐街道 玉泉社区",
			"aud":  "西湖区 北山街道 宝石社区 保俶社区 灵隐街道 玉泉社区",
			"sup":  "北山街道 宝石社区 保俶社区",
			"lead": "宝石社区",
		} {
			if got := names(user); got != want {
				t.Errorf("%s sees %q, want %q", user, got, want)
			}
		}

		// accounts in the console (admin only), the role fitting the organisation
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"username": "zhao", "password": memberPassword, "org_id": w.c1, "role": "boss"}, "role"},
			{map[string]any{"username": "zhao", "password": memberPassword, "org_id": w.c1, "role": "supervisor"}, "org_id"},
			{map[string]any{"username": "zhao", "password": memberPassword, "org_id": w.street, "role": "lead"}, "org_id"},
			{map[string]any{"username": "zhao", "password": memberPassword, "role": "worker"}, "org_id"},
			{map[string]any{"username": "zhao", "password": "123", "org_id": w.street, "role": "supervisor"}, "password"},
		} {
			if res := e.do("POST", "/api/v1/users", "root", c.body).want(400).json(); res["field"] != c.field {
				t.Errorf("%v: got %v, want 400 naming %s", c.body, res, c.field)
			}
		}
		e.do("POST", "/api/v1/users", "lead", map[string]any{"username": "zhao", "password": memberPassword, "org_id": w.street, "role": "supervisor"}).want(403)
		u := e.do("POST", "/api/v1/users", "root", map[string]any{"username": "zhao", "display_name": "赵督导", "password": memberPassword,
			"org_id": w.street, "role": "supervisor"}).want(201).json()
		if u["role"] != "supervisor" || u["role_name"] != "街道督导" {
			t.Errorf("new account: %v", u)
		}
		e.do("POST", "/api/v1/login", "", map[string]string{"username": "zhao", "password": memberPassword}).want(200)
		// every change is an event: the system chain and its projection (orgs, workers) hold
		if check := systemCheck(t, w.a); !check.OK {
			t.Fatalf("audit verify 0: %+v %+v", check, check.Diff)
		}
	})
}

// TestOrgRowsAreProjections: an organisation moved to another parent, a
// project moved to another 社区 or an assignment inserted by hand are each
// named by audit verify (table, id, column).
func TestOrgRowsAreProjections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOrgWorld(t, s)
		e := w.e
		e.do("POST", fmt.Sprintf("/api/v1/projects/%d/assign", w.pid), "lead", map[string]any{"user": "helper"}).want(201)
		project := func() *engine.AuditCheck {
			check, err := w.a.CheckAudit(t.Context(), app.Operator, int64(w.pid))
			if err != nil {
				t.Fatal(err)
			}
			return check
		}
		if c := project(); !c.OK {
			t.Fatalf("before the attacks: %+v", c.Diff)
		}
		if c := systemCheck(t, w.a); !c.OK {
			t.Fatalf("before the attacks: %+v", c.Diff)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE orgs SET parent_id = ? WHERE id = ?`), w.street2, w.c1)
		wantDiff(t, systemCheck(t, w.a), engine.TableOrgs, w.c1, "parent_id")
		s.DB().MustExec(s.DB().Rebind(`UPDATE orgs SET parent_id = ? WHERE id = ?`), w.street, w.c1)

		s.DB().MustExec(s.DB().Rebind(`UPDATE projects SET org_id = ? WHERE id = ?`), w.c3, w.pid)
		if c := project(); c.OK || c.Diff == nil || c.Diff.Table != engine.TableProjects || c.Diff.Column != "org_id" {
			t.Fatalf("project moved to 玉泉社区 by hand: %+v", c.Diff)
		}
		s.DB().MustExec(s.DB().Rebind(`UPDATE projects SET org_id = ? WHERE id = ?`), w.c1, w.pid)

		var peer int64
		if err := s.DB().Get(&peer, s.DB().Rebind(`SELECT id FROM workers WHERE username = ?`), "peer"); err != nil {
			t.Fatal(err)
		}
		s.DB().MustExec(s.DB().Rebind(`INSERT INTO project_assignments (project_id, worker_id, assigned_at) VALUES (?, ?, ?)`), w.pid, peer, e.clock.Now())
		var id int64
		if err := s.DB().Get(&id, s.DB().Rebind(`SELECT id FROM project_assignments WHERE worker_id = ?`), peer); err != nil {
			t.Fatal(err)
		}
		if c := project(); c.OK || c.Diff == nil || c.Diff.Table != engine.TableAssignments || c.Diff.ID != id || c.Diff.Column != "" {
			t.Fatalf("an assignment inserted by hand: %+v", c.Diff)
		}
	})
}

// TestOverview: a 街道 supervisor sees each building below the 街道 with
// its stage, consent, money and follow-up; filters narrow it; the xlsx is
// the statistics return; those whose reach does not cover the org get 404;
// a 费用分摊证明 there is issued in the 社区's name.
func TestOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newOrgWorld(t, s)
		e := w.e
		base := fmt.Sprintf("/api/v1/projects/%d", w.pid)
		// a second building, not yet published, in 保俶社区; a third in 玉泉社区
		w.member("b", engine.RoleWorker, w.c2)
		e.do("POST", "/api/v1/projects", "b", demoProject("保俶路1号楼1单元")).want(201)
		w.member("c", engine.RoleWorker, w.c3)
		e.do("POST", "/api/v1/projects", "c", demoProject("玉泉路2号楼")).want(201)
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "what": "补贴", "amount": "200000", "idempotency_key": "overview-fund-1"}).want(201)
		// two households decide; one changes its mind: the latest counts
		sig := signature(t, 400, 160, true)
		for i, d := range []struct{ room, vote string }{{"601", "disagree"}, {"502", "agree"}, {"601", "agree"}} {
			e.do("POST", "/api/v1/sign/"+w.links[d.room], "", map[string]any{"decision": d.vote, "signer_name": "业主", "signature_png": sig,
				"idempotency_key": fmt.Sprintf("overview-sign-%02d", i)}).want(201)
		}

		ov := e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.street), "sup", nil).want(200).json()
		rows := ov["rows"].([]any)
		if len(rows) != 2 {
			t.Fatalf("北山街道 has %d buildings, want 2: %v", len(rows), rows)
		}
		var first map[string]any
		for _, r := range rows {
			if m := r.(map[string]any); int(m["project_id"].(float64)) == w.pid {
				first = m
			}
		}
		if first == nil || first["stage"] != engine.StageVoting || first["org"] != "宝石社区" || first["street"] != "北山街道" ||
			first["households"].(float64) == 0 || first["consent"] == nil || first["subsidy"] != "200000.00" || first["due"] == "0.00" || first["published"] == "" {
			t.Errorf("the published building: %v", first)
		}
		if c, _ := first["consent"].(map[string]any); c == nil || c["area_approval"] != "100.00" || c["owners_approval"] != "100.00" ||
			c["owners_participation"] == "0.00" || c["need_approval"] != "75.00" {
			t.Errorf("consent after 2 agree (601 changed its mind): %v", first["consent"])
		}
		totals := ov["totals"].(map[string]any)
		if totals["projects"].(float64) != 2 || totals["stages"].(map[string]any)[engine.StagePreparing].(float64) != 1 {
			t.Errorf("totals: %v", totals)
		}
		for q, want := range map[string]int{
			"?stage=" + engine.StageVoting:            1,
			"?stage=" + engine.StageDelivered:         0,
			fmt.Sprintf("?org=%d", w.c2):              1,
			"?q=" + strings.ReplaceAll("保俶路", "", ""): 1,
		} {
			if got := len(e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview%s", w.street, q), "sup", nil).want(200).json()["rows"].([]any)); got != want {
				t.Errorf("filter %s: %d rows, want %d", q, got, want)
			}
		}
		if res := e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview?stage=完工", w.street), "sup", nil).want(400).json(); res["field"] != "stage" {
			t.Errorf("a stage that is none: %v", res)
		}
		if res := e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview?org=%d", w.street, w.c3), "sup", nil).want(400).json(); res["field"] != "org" {
			t.Errorf("a 社区 of another 街道: %v", res)
		}
		// the 区 auditor sees all three; the other 街道's supervisor, a worker: not this 街道
		if got := len(e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.district), "aud", nil).want(200).json()["rows"].([]any)); got != 3 {
			t.Errorf("西湖区: %d buildings, want 3", got)
		}
		e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.street), "sup2", nil).want(404)
		e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.street), "a", nil).want(404)
		e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.district), "sup", nil).want(404)

		// each building's sums are kept until its chain moves: a second
		// subsidy and a 不同意 from 402 show in the next answer, on this
		// server (cached sums) as on a fresh one (none)
		e.do("POST", base+"/funds", "a", map[string]any{"kind": "income", "source": "政府补贴", "what": "补贴", "amount": "50000", "idempotency_key": "overview-fund-2"}).want(201)
		e.do("POST", "/api/v1/sign/"+w.links["402"], "", map[string]any{"decision": "disagree", "signer_name": "业主", "signature_png": sig,
			"idempotency_key": "overview-sign-03"}).want(201)
		fresh := newEnv(t, s, apphttp.Config{})
		fresh.tokens["sup"] = e.tokens["sup"]
		for _, srv := range []*env{e, fresh} {
			for _, r := range srv.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview", w.street), "sup", nil).want(200).json()["rows"].([]any) {
				m := r.(map[string]any)
				if int(m["project_id"].(float64)) != w.pid {
					continue
				}
				if c, _ := m["consent"].(map[string]any); m["subsidy"] != "250000.00" || c == nil || c["owners_approval"] == "100.00" {
					t.Errorf("after a second subsidy and a 不同意: %v", m)
				}
			}
		}

		res := e.do("GET", fmt.Sprintf("/api/v1/orgs/%d/overview.xlsx", w.street), "sup", nil).want(200)
		if dir := os.Getenv("RENOVOTE_SCREENSHOTS"); dir != "" { // to look at
			os.WriteFile(filepath.Join(dir, "overview-"+string(s.Dialect())+".xlsx"), res.body, 0o644)
		}
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		title, _ := f.GetCellValue(sheet, "A1")
		header, _ := f.GetRows(sheet)
		if !strings.HasPrefix(title, "北山街道") || len(header) != 3+2+1 || header[2][1] != "街道" || header[2][6] != "加装电梯阶段" {
			t.Fatalf("xlsx: title %q rows %v", title, header)
		}
		var subsidy string
		for _, row := range header[3:5] {
			if len(row) > 7 && row[4] == "幸福里3号楼2单元" {
				subsidy = row[7]
			}
		}
		if subsidy != "250000.00" {
			t.Errorf("the subsidy cell: %q in %v", subsidy, header)
		}
		typ, err := f.GetCellType(sheet, "H4")
		if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("amounts are numbers: H4 type %v %v", typ, err)
		}
		// a statistics return: planned and received apart, dates as 年月日,
		// a 合计 row, a Chinese file name
		if h := header[2]; len(h) < 16 || h[8] != "居民应出资（元）" || h[9] != "居民出资到位（元）" || h[11] != "到位资金合计（元）" || h[12] != "方案公示日期" {
			t.Errorf("xlsx header %v", h)
		}
		for _, row := range header[3:5] {
			if len(row) > 12 && row[12] != "" && !regexp.MustCompile(`^\d{4}年\d{1,2}月\d{1,2}日$`).MatchString(row[12]) {
				t.Errorf("the 公示 date %q is not 年月日", row[12])
			}
		}
		if last := header[len(header)-1]; last[0] != "合计" {
			t.Errorf("the last row %v, want 合计", last)
		}
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=utf-8''") || !strings.Contains(cd, url.PathEscape("加装电梯统计表")) {
			t.Errorf("Content-Disposition %q", cd)
		}

		// the 费用分摊证明 of a project in 宝石社区 without a 甲方 names the
		// 社区's 居民委员会 as its issuer
		e.do("PUT", base+"/funding-rule", "a", map[string]any{"preset": "suzhou"}).want(200)
		cert := e.do("GET", fmt.Sprintf("%s/households/%d/share-certificate.pdf", base, householdIDs(e, w.pid)["601"]), "a", nil).want(200)
		if text := strings.Join(strings.Fields(pdfText(t, cert.body)), ""); !strings.Contains(text, "出具单位：宝石社区居民委员会") {
			t.Errorf("the certificate's issuer:\n%s", text)
		}
	})
}
