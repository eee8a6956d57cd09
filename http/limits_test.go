package http_test

import (
	"fmt"
	"net"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// twoServers are two servers over one database, each with a store of its
// own (as two processes behind a balancer), on one clock.
func twoServers(t *testing.T, dialect string, cfg apphttp.Config) [2]*env {
	dsn := storetest.DSN(t, dialect)
	e := newEnv(t, storetest.Open(t, dsn), cfg)
	return [2]*env{e, e.twin(storetest.Open(t, dsn), cfg)}
}

// TestLoginGuardsSharedByServers: on PostgreSQL, wrong passwords for one
// account alternated between two servers are refused from the 11th in
// all, with the one server's message, and the account opens again after
// the window on either. On SQLite each server counts its own (one server
// per database file): the same run is still answered 401 at the 11th,
// which shows the test tells the two apart.
func TestLoginGuardsSharedByServers(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	for _, c := range []struct {
		dialect  string
		eleventh int
	}{{store.Postgres, 429}, {store.SQLite, 401}} {
		t.Run(c.dialect, func(t *testing.T) {
			servers := twoServers(t, c.dialect, apphttp.Config{TrustedProxies: []*net.IPNet{loopback}})
			servers[0].addWorker("li", false)
			var statuses []int
			var refusal string
			for i := range 12 {
				res := servers[i%2].do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "wrong-password"},
					"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
				statuses = append(statuses, res.status)
				if res.status == 429 && refusal == "" {
					refusal = res.json()["message"].(string)
				}
			}
			if statuses[0] != 401 || statuses[9] != 401 || statuses[10] != c.eleventh {
				t.Fatalf("12 wrong passwords over two servers: %v (want 401 ×10, then %d)", statuses, c.eleventh)
			}
			paused := 0
			for _, e := range servers {
				e.mu.Lock()
				paused += len(e.paused)
				e.mu.Unlock()
			}
			if c.dialect == store.SQLite {
				return
			}
			if paused != 7 { // the 4th to the 10th attempt in all
				t.Errorf("%d attempts slowed over both servers, want 7", paused)
			}
			// the clock stood still: the whole window from the first failure, counted as one server counts it
			if want := "这个账号的密码错误次数太多，请 16 分钟后再试，或联系管理员"; refusal != want {
				t.Errorf("the refusal says %q, want %q", refusal, want)
			}
			// the right password is refused on both, for a while …
			for _, e := range servers {
				e.do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}).want(429)
			}
			// … and then accepted again: no permanent lockout
			servers[0].clock.Add(16 * time.Minute)
			servers[1].do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}).want(200)
			// the login cleared the count for both servers
			for i := range 3 {
				servers[i%2].do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "wrong-password"}).want(401)
			}
			servers[0].do("POST", "/api/v1/login", "", map[string]string{"username": "li", "password": "password-li"}).want(200)
		})
	}
}

// TestRateLimitsSharedByServers: on PostgreSQL one client's signing
// requests and anonymous feedback alternated between two servers meet one
// limit, not two: 30 signing requests at once in all (the burst of
// --rate-sign 1) and 5 messages (--rate-feedback's default), with the
// one server's messages; another client has its own. On SQLite each server
// has its own.
func TestRateLimitsSharedByServers(t *testing.T) {
	for _, c := range []struct {
		dialect        string
		sign, feedback int // allowed in all
	}{{store.Postgres, 30, 5}, {store.SQLite, 60, 10}} {
		t.Run(c.dialect, func(t *testing.T) {
			_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
			servers := twoServers(t, c.dialect, apphttp.Config{SignRate: 1, TrustedProxies: []*net.IPNet{loopback}})
			client := []string{"X-Forwarded-For", "198.51.100.1"}
			count := func(n int, path string, body any, message string, header ...string) (allowed int) {
				t.Helper()
				for i := range n {
					res := servers[i%2].do(map[bool]string{true: "POST", false: "GET"}[body != nil], path, "", body, header...)
					switch {
					case res.status == 429:
						if msg := res.json()["message"].(string); msg != message {
							t.Errorf("%s refused with %q, want %q", path, msg, message)
						}
					case res.status == 404:
						allowed++
					default:
						t.Fatalf("%s: %d %s", path, res.status, res.body)
					}
				}
				return allowed
			}
			if got := count(80, "/api/v1/sign/no-such-token", nil, "提交太频繁，请稍后再试", client...); got != c.sign {
				t.Errorf("%d signing requests of one client passed over two servers, want %d", got, c.sign)
			}
			feedback := map[string]any{"category": "安全", "text": "楼道灯不亮"}
			if got := count(16, "/api/v1/public/no-such-page/feedback", feedback, "匿名意见提交太频繁，请过一分钟再试", client...); got != c.feedback {
				t.Errorf("%d messages of one client passed over two servers, want %d", got, c.feedback)
			}
			if c.dialect == store.SQLite {
				return
			}
			// a minute later, one more message; the next waits again
			servers[0].clock.Add(61 * time.Second)
			if got := count(2, "/api/v1/public/no-such-page/feedback", feedback, "匿名意见提交太频繁，请过一分钟再试", client...); got != 1 {
				t.Errorf("a minute later %d messages passed, want 1", got)
			}
			// the limits are per client: another address is apart
			if got := count(2, "/api/v1/public/no-such-page/feedback", feedback, "", "X-Forwarded-For", "198.51.100.2"); got != 2 {
				t.Errorf("another client: %d of 2 messages passed", got)
			}
		})
	}
}

// TestRateLimitLeaseBound: each server takes its signing tokens from the
// shared bucket two at a time (engine.LeaseSize of the burst 30), so
// while a server holds the rest of a lease the bucket refills behind it.
// The slack this gives is the bound engine.TokenLease documents — burst +
// rate·T + N·(lease−1) — and no more: two servers that each hold one
// token when the bucket is full again allow 32 requests at once, not 60.
func TestRateLimitLeaseBound(t *testing.T) {
	_, loopback, _ := net.ParseCIDR("127.0.0.1/32")
	servers := twoServers(t, store.Postgres, apphttp.Config{SignRate: 10, TrustedProxies: []*net.IPNet{loopback}})
	client := []string{"X-Forwarded-For", "198.51.100.3"}
	sign := func(e *env) bool {
		t.Helper()
		switch res := e.do("GET", "/api/v1/sign/no-such-token", "", nil, client...); res.status {
		case 404:
			return true
		case 429:
			return false
		default:
			t.Fatalf("%d %s", res.status, res.body)
			return false
		}
	}
	for _, e := range servers { // each takes a lease of 2, spends 1
		if !sign(e) {
			t.Fatal("the first request was refused")
		}
	}
	servers[0].clock.Add(500 * time.Millisecond) // 5 tokens grow: the bucket is full (30) again
	allowed := 0
	for i := range 80 {
		if sign(servers[i%2]) {
			allowed++
		}
	}
	const burst, lease, n = 30, 2, 2
	if want := burst + n*(lease-1); allowed != want {
		t.Errorf("%d requests allowed at once over two servers, want %d (burst %d + %d servers × %d held)", allowed, want, burst, n, lease-1)
	}
}
