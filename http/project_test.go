package http_test

import (
	"fmt"
	"strings"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestDuplicateProjectName: a second project with a name one of the
// worker's projects has asks first (409 duplicate_name naming the other
// project, nothing written); allow_duplicate creates it; another worker's
// project of that name is none of this worker's business.
func TestDuplicateProjectName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		first := e.do("POST", "/api/v1/projects", "a", demoProject("幸福里3号楼2单元")).want(201).json()
		before := counts(t, s)
		again := demoProject(" 幸福里3号楼2单元")
		res := e.do("POST", "/api/v1/projects", "a", again).want(409).json()
		want := fmt.Sprintf("已有同名项目“幸福里3号楼2单元”（编号 %v）；确认要再建一个同名项目吗？", first["id"])
		if res["code"] != "duplicate_name" || res["field"] != "name" || res["message"] != want {
			t.Errorf("a second 幸福里3号楼2单元: got %v, want duplicate_name %q", res, want)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("the refused project was written:\nbefore %s\nafter  %s", before, after)
		}
		again["allow_duplicate"] = "yes"
		if res := e.do("POST", "/api/v1/projects", "a", again).want(400).json(); res["field"] != "allow_duplicate" {
			t.Errorf("allow_duplicate as text: %v", res)
		}
		again["allow_duplicate"] = true
		second := e.do("POST", "/api/v1/projects", "a", again).want(201).json()
		if second["id"] == first["id"] || strings.TrimSpace(second["name"].(string)) != "幸福里3号楼2单元" {
			t.Errorf("confirmed duplicate: %v", second)
		}
		e.do("POST", "/api/v1/projects", "b", demoProject("幸福里3号楼2单元")).want(201)
	})
}
