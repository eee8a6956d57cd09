package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// loadClient talks to a running renovote as a worker.
type loadClient struct {
	base  string
	token string
	http  *http.Client
}

func (c *loadClient) call(ctx context.Context, method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 400 {
		return res.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(data, out)
	}
	return res.StatusCode, nil
}

// drawnSignature is a PNG of a scribble, as the signing page sends it.
func drawnSignature() string {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	for x := 10; x < 290; x++ {
		y := 60 + (x%40-20)/2
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{0, 0, 0, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

// runLoad drives concurrent signing against a running server: it creates
// a project of N households, publishes a scenario, sends every household's
// decisions (with retried duplicates and changes of mind) from C clients,
// prints throughput and latency, then checks that the server counted
// exactly what was sent.
func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", stderr)
	url := fs.String("url", envOr(getenv, "RENOVOTE_BASE_URL", "http://127.0.0.1:8080"), "server to load")
	user := fs.String("user", "admin", "worker to log in as")
	password := fs.String("password", getenv("RENOVOTE_ADMIN_PASSWORD"), "its password (default RENOVOTE_ADMIN_PASSWORD)")
	households := fs.Int("households", 500, "households in the test project")
	perHousehold := fs.Int("decisions", 3, "decisions per household (later ones are changes of mind)")
	clients := fs.Int("clients", 32, "concurrent clients")
	duplicates := fs.Float64("duplicates", 0.2, "share of requests retried with the same idempotency key")
	seed := fs.Uint64("seed", 1, "random seed")
	seedN := fs.Int("seed-projects", 0, "instead: fill the server with N projects taken through their whole life")
	perProject := fs.Int("households-per", 24, "households in each seeded project")
	get := fs.String("get", "", "instead: time GET PATH, --n times one after another (p50/p95)")
	n := fs.Int("n", 200, "how many times --get asks")
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	if *households < 1 || *households > 5000 || *clients < 1 || *perHousehold < 1 {
		return &usageError{"--households 应在 1..5000，--clients 和 --decisions 至少为 1"}
	}
	if *seedN < 0 || *perProject < 1 || *perProject > 500 || *n < 1 || (*get != "" && !strings.HasPrefix(*get, "/")) {
		return &usageError{"--seed-projects 不能为负，--households-per 应在 1..500，--n 至少为 1，--get 应以 / 开头"}
	}
	c := &loadClient{base: strings.TrimRight(*url, "/"), http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: *clients * 2, MaxIdleConnsPerHost: *clients * 2},
	}}
	var login struct{ Token string }
	if _, err := c.call(ctx, "POST", "/api/v1/login", map[string]string{"username": *user, "password": *password}, &login); err != nil {
		return fmt.Errorf("登录失败：%w", err)
	}
	c.token = login.Token
	switch {
	case *seedN > 0:
		return seedProjects(ctx, c, *seedN, *perProject, *clients, stdout)
	case *get != "":
		return timeGet(ctx, c, *get, *n, stdout)
	}
	tokens, err := loadProject(ctx, c, *households)
	if err != nil {
		return err
	}
	project := tokens.project

	// Each household's decisions go to one client, in order, so the last
	// one sent is the one that must count.
	r := rand.New(rand.NewPCG(*seed, 7))
	votes := []string{"agree", "disagree", "abstain"}
	type request struct {
		token, key, vote string
	}
	work := make([][]request, *clients)
	final := make([]string, *households)
	sent := 0
	for h := 0; h < *households; h++ {
		for d := 0; d < *perHousehold; d++ {
			q := request{tokens.links[h], fmt.Sprintf("load-%d-%d-%d", *seed, h, d), votes[r.IntN(3)]}
			work[h%*clients] = append(work[h%*clients], q)
			if r.Float64() < *duplicates {
				work[h%*clients] = append(work[h%*clients], q)
			}
			final[h] = q.vote
			sent++
		}
	}
	signature := drawnSignature()
	var mu sync.Mutex
	var latencies []time.Duration
	statuses := map[int]int{}
	var errs []string
	start := time.Now()
	var wg sync.WaitGroup
	for _, queue := range work {
		wg.Add(1)
		go func(queue []request) {
			defer wg.Done()
			for _, q := range queue {
				t0 := time.Now()
				status, err := c.call(ctx, "POST", "/api/v1/sign/"+q.token, map[string]any{"decision": q.vote, "signer_name": "压测住户",
					"signature_png": signature, "idempotency_key": q.key}, nil)
				d := time.Since(t0)
				mu.Lock()
				latencies = append(latencies, d)
				statuses[status]++
				if err != nil && len(errs) < 5 {
					errs = append(errs, err.Error())
				}
				mu.Unlock()
			}
		}(queue)
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))] }
	total := len(latencies)
	failed := total - statuses[201] - statuses[200]
	fmt.Fprintf(stdout, "请求 %d 次（新表决 %d，重复提交 %d），%d 个并发客户端，用时 %.2f s\n", total, statuses[201], statuses[200], *clients, elapsed.Seconds())
	fmt.Fprintf(stdout, "吞吐 %.0f 请求/s（%.0f 新表决/s），延迟 p50 %.1f ms，p99 %.1f ms，最大 %.1f ms，失败 %d\n",
		float64(total)/elapsed.Seconds(), float64(statuses[201])/elapsed.Seconds(), ms(pct(0.50)), ms(pct(0.99)), ms(latencies[total-1]), failed)
	for _, e := range errs {
		fmt.Fprintln(stdout, "  错误：", e)
	}

	// Did the server count exactly what was sent?
	var decisions []json.RawMessage
	if _, err := c.call(ctx, "GET", fmt.Sprintf("/api/v1/projects/%d/decisions", project), nil, &decisions); err != nil {
		return err
	}
	var tally struct {
		Participation struct{ Owners int }
		Approval      struct{ Owners int }
	}
	if _, err := c.call(ctx, "GET", fmt.Sprintf("/api/v1/projects/%d/tally", project), nil, &tally); err != nil {
		return err
	}
	var audit struct{ OK bool }
	if _, err := c.call(ctx, "GET", fmt.Sprintf("/api/v1/projects/%d/audit", project), nil, &audit); err != nil {
		return err
	}
	agree := 0
	for _, v := range final {
		if v == "agree" {
			agree++
		}
	}
	lost, doubled := max(0, sent-len(decisions)), max(0, len(decisions)-sent)
	fmt.Fprintf(stdout, "核对：发送 %d 个不同表决，服务器存有 %d 个（丢失 %d，重复 %d）；参与 %d/%d 户，同意 %d（应为 %d）；审计链 %v\n",
		sent, len(decisions), lost, doubled, tally.Participation.Owners, *households, tally.Approval.Owners, agree, audit.OK)
	if failed > 0 || lost > 0 || doubled > 0 || tally.Approval.Owners != agree || tally.Participation.Owners != *households || !audit.OK {
		return fmt.Errorf("压测核对失败：服务器记录与发送的不一致")
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type loadTarget struct {
	project int64
	links   []string
}

// loadProject creates the project, a scenario, and publishes it.
func loadProject(ctx context.Context, c *loadClient, n int) (*loadTarget, error) {
	var hs []map[string]any
	for i := 0; i < n; i++ {
		hs = append(hs, map[string]any{"room": fmt.Sprintf("%d-%d%02d", i/12+1, i%12/2+1, i%2+1), "floor": i%12/2 + 1,
			"area": fmt.Sprintf("%d.%02d", 60+i%35, i%100)})
	}
	var p struct{ ID int64 }
	name := "压测项目 " + time.Now().Format("15:04:05")
	if _, err := c.call(ctx, "POST", "/api/v1/projects", map[string]any{"name": name, "floors": 6, "households": hs}, &p); err != nil {
		return nil, err
	}
	var sc struct{ ID int64 }
	if _, err := c.call(ctx, "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios", p.ID), map[string]any{
		"name": "压测方案", "costs": []any{map[string]any{"amount": "600000"}},
		"allocation": map[string]any{"method": "area"}}, &sc); err != nil {
		return nil, err
	}
	var pub struct {
		Links []struct{ URL string }
	}
	if _, err := c.call(ctx, "POST", fmt.Sprintf("/api/v1/projects/%d/scenarios/%d/publish", p.ID, sc.ID), map[string]any{
		"rule": "civil_code_ordinary", "deadline": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}, &pub); err != nil {
		return nil, err
	}
	t := &loadTarget{project: p.ID}
	for _, l := range pub.Links {
		t.links = append(t.links, l.URL[strings.LastIndex(l.URL, "/")+1:])
	}
	return t, nil
}
