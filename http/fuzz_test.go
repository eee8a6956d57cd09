package http_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// fuzzEnv is one server with a published project, shared by a fuzz run.
type fuzzEnv struct {
	e     *env
	pid   int
	token string
}

var (
	fuzzOnce sync.Once
	fuzzE    *fuzzEnv
)

func fuzzServer(f *testing.F) *fuzzEnv {
	fuzzOnce.Do(func() {
		s := storetest.Open(f, storetest.DSN(f, store.SQLite))
		e := newEnv(f, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, links := e.published()
		fuzzE = &fuzzEnv{e: e, pid: pid, token: links["301"]}
	})
	return fuzzE
}

// FuzzAPIBodies posts arbitrary bodies to the endpoints that take them:
// never a 500, and a refused body changes nothing.
func FuzzAPIBodies(f *testing.F) {
	seeds := []string{`{}`, `[]`, `null`, `{"name":"x","floors":6}`, "{\"name\":\"\xff\xfe\",\"floors\":6}",
		`{"name":"Robert'); DROP TABLE projects;--","floors":6}`, `{"name":"<script>alert(1)</script>","floors":6}`,
		strings.Repeat("[", 5000), `{"floors":1e999999999}`, `{"decision":"agree","signer_name":"张三","idempotency_key":"../../etc/passwd"}`,
		`{"households":[{"room":"101","floor":1,"area":"68.50"}]}`, `{"costs":[{"amount":"1"}]}`, `{"rule":"civil_code_major","deadline":"2099-01-01"}`}
	for _, s := range seeds {
		for ep := 0; ep < 5; ep++ {
			f.Add(uint8(ep), []byte(s))
		}
	}
	env := fuzzServer(f)
	f.Fuzz(func(t *testing.T, ep uint8, body []byte) {
		e := env.e
		e.t = t
		paths := []struct{ method, path string }{
			{"POST", "/api/v1/projects"},
			{"PUT", fmt.Sprintf("/api/v1/projects/%d/households", env.pid)},
			{"POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", env.pid)},
			{"POST", "/api/v1/sign/" + env.token},
			{"POST", "/api/v1/calc"},
		}
		p := paths[int(ep)%len(paths)]
		before := counts(t, e.store)
		res := e.do(p.method, p.path, "a", body)
		if res.status >= 500 {
			t.Fatalf("%s %s answered %d to %q: %s", p.method, p.path, res.status, body, res.body)
		}
		if res.status >= 400 && counts(t, e.store) != before {
			t.Fatalf("a refused body (%d) changed the database: %q", res.status, body)
		}
	})
}
