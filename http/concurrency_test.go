package http_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// TestConcurrentSigning: 200 concurrent sign requests for 50 households,
// with duplicated idempotency keys and changed decisions → exactly the
// expected decisions, the tally right, the chain intact.
func TestConcurrentSigning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		var hs []map[string]any
		for i := 0; i < 50; i++ {
			hs = append(hs, map[string]any{"room": fmt.Sprintf("%d%02d", i/4+1, i%4+1), "floor": i/4%6 + 1, "area": "70.00"})
		}
		p := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "并发", "floors": 6, "households": hs}).want(201).json()
		base := fmt.Sprintf("/api/v1/projects/%v", p["id"])
		sc := e.do("POST", base+"/scenarios", "a", map[string]any{"costs": []any{map[string]any{"amount": "500000"}}}).want(201).json()
		pub := e.do("POST", fmt.Sprintf("%s/scenarios/%v/publish", base, sc["id"]), "a",
			map[string]any{"rule": "civil_code_ordinary", "deadline": e.clock.Now().Add(time.Hour).Format(time.RFC3339)}).want(201).json()
		var tokens []string
		for _, l := range pub["links"].([]any) {
			tokens = append(tokens, strings.TrimPrefix(l.(map[string]any)["url"].(string), "http://renovote.test/s/"))
		}
		sig := signature(t, 300, 120, true)
		// Each household sends a first decision, some change their mind; every
		// request is sent twice (a retried tap) → 4 requests per household.
		type req struct {
			token, key, vote string
			household        int
		}
		var reqs []req
		final := map[int]string{}
		r := rand.New(rand.NewPCG(3, 4))
		votes := []string{"agree", "disagree", "abstain"}
		for h := range tokens {
			v1, v2 := votes[r.IntN(3)], votes[r.IntN(3)]
			k1, k2 := fmt.Sprintf("hh-%02d-first", h), fmt.Sprintf("hh-%02d-second", h)
			reqs = append(reqs, req{tokens[h], k1, v1, h}, req{tokens[h], k1, v1, h}, req{tokens[h], k2, v2, h}, req{tokens[h], k2, v2, h})
			final[h] = v2
		}
		r.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
		// Keep each household's second decision after its first: send the
		// firsts, then the seconds, each batch fully concurrent.
		for _, phase := range []string{"first", "second"} {
			var wg sync.WaitGroup
			errs := make(chan string, len(reqs))
			for _, q := range reqs {
				if !strings.HasSuffix(q.key, phase) {
					continue
				}
				wg.Add(1)
				go func(q req) {
					defer wg.Done()
					res := e.do("POST", "/api/v1/sign/"+q.token, "", map[string]any{"decision": q.vote, "signer_name": "业主",
						"signature_png": sig, "idempotency_key": q.key})
					if res.status != 201 && res.status != 200 {
						errs <- fmt.Sprintf("%s: %d %s", q.key, res.status, res.body)
					}
				}(q)
			}
			wg.Wait()
			close(errs)
			for msg := range errs {
				t.Error(msg)
			}
		}
		decisions := e.do("GET", base+"/decisions", "a", nil).want(200).list()
		if len(decisions) != 100 {
			t.Fatalf("%d decisions stored, want exactly 100 (two per household)", len(decisions))
		}
		tally := e.do("GET", base+"/tally", "a", nil).want(200).json()
		agree := 0
		for _, v := range final {
			if v == "agree" {
				agree++
			}
		}
		if got := int(tally["approval"].(map[string]any)["owners"].(float64)); got != agree {
			t.Errorf("tally counts %d agreeing owners, want %d", got, agree)
		}
		if got := int(tally["participation"].(map[string]any)["owners"].(float64)); got != 50 {
			t.Errorf("participation %d, want 50", got)
		}
		if audit := e.do("GET", base+"/audit", "a", nil).want(200).json(); audit["ok"] != true {
			t.Fatalf("audit: %v", audit)
		}
	})
}
