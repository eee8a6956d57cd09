package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// seedProjects fills a running server with n projects of per households
// each, every one taken through what a building goes through — households,
// a scenario published with its signing links, every household signing,
// the vote closed, the works' stages, a government subsidy, a payment by
// every household, residents' feedback answered, site inspections with an
// issue fixed — over the API, so every event, chain and projection is the
// server's own. clients projects are seeded at once. It prints how long it
// took and how many requests it made (count the events in the database:
// SELECT count(*) FROM audit_events).
func seedProjects(ctx context.Context, c *loadClient, n, per, clients int, stdout io.Writer) error {
	run := time.Now().Format("150405")
	next := make(chan int)
	var requests atomic.Int64
	var done atomic.Int64
	var once sync.Once
	var failure error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range min(clients, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				made, err := seedProject(ctx, c, fmt.Sprintf("规模测试 %s 第%d栋", run, i+1), per)
				requests.Add(int64(made))
				if err != nil {
					once.Do(func() { failure = fmt.Errorf("第 %d 个项目：%w", i+1, err); cancel() })
					return
				}
				if d := done.Add(1); d%200 == 0 {
					fmt.Fprintf(stdout, "  已建 %d 个项目，%.0f s\n", d, time.Since(start).Seconds())
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if failure != nil {
		return failure
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "建成 %d 个项目 × %d 户（%d 户），%d 个请求，%d 个并发客户端，用时 %.1f s（%.0f 请求/s）\n",
		n, per, n*per, requests.Load(), clients, elapsed.Seconds(), float64(requests.Load())/elapsed.Seconds())
	return nil
}

// seedProject takes one building through its life; it returns the number
// of requests it made.
func seedProject(ctx context.Context, c *loadClient, name string, per int) (int, error) {
	made := 0
	call := func(method, path string, body, out any) error {
		made++
		_, err := c.call(ctx, method, path, body, out)
		return err
	}
	beijing := time.FixedZone("CST", 8*3600)
	today := time.Now().In(beijing)
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }

	var hs []map[string]any
	for i := range per {
		floor := i/4 + 1
		hs = append(hs, map[string]any{"room": fmt.Sprintf("%d-%d%02d", i/24+1, floor, i%4+1), "floor": (floor-1)%6 + 1,
			"area": fmt.Sprintf("%d.%02d", 60+i%30, (i*37)%100), "owner": fmt.Sprintf("住户%d", i+1)})
	}
	var p struct {
		ID         int64
		Households []struct{ ID int64 }
	}
	if err := call("POST", "/api/v1/projects", map[string]any{"name": name, "address": "示例路" + name, "floors": 6, "households": hs}, &p); err != nil {
		return made, err
	}
	project := fmt.Sprintf("/api/v1/projects/%d", p.ID)
	var sc struct{ ID int64 }
	if err := call("POST", project+"/scenarios", map[string]any{"name": "按面积分摊", "costs": []any{map[string]any{"amount": "600000"}},
		"allocation": map[string]any{"method": "area"}}, &sc); err != nil {
		return made, err
	}
	var pub struct {
		Links []struct{ URL string }
	}
	if err := call("POST", fmt.Sprintf("%s/scenarios/%d/publish", project, sc.ID), map[string]any{
		"rule": "civil_code_ordinary", "deadline": time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)}, &pub); err != nil {
		return made, err
	}
	tokens := make([]string, len(pub.Links))
	for i, l := range pub.Links {
		tokens[i] = l.URL[strings.LastIndex(l.URL, "/")+1:]
	}
	signature := drawnSignature()
	for i, token := range tokens {
		vote := map[string]any{"decision": "agree", "signer_name": fmt.Sprintf("住户%d", i+1), "signature_png": signature,
			"idempotency_key": fmt.Sprintf("seed-vote-%d", i)}
		switch i % 12 {
		case 5:
			vote["decision"], vote["reason"] = "disagree", "一楼采光受影响"
		case 11:
			vote["decision"] = "abstain"
		}
		if err := call("POST", "/api/v1/sign/"+token, vote, nil); err != nil {
			return made, err
		}
	}
	if err := call("POST", project+"/close", map[string]any{}, nil); err != nil {
		return made, err
	}
	var stages []map[string]any
	for i, s := range []string{"立项", "设计", "审批", "开工", "主体完工", "验收", "交付使用"} {
		st := map[string]any{"name": s, "planned": day(i * 20)}
		if i < 4 {
			st["actual"] = day(0)
		}
		stages = append(stages, st)
	}
	if err := call("PUT", project+"/stages", stages, nil); err != nil {
		return made, err
	}
	if err := call("POST", project+"/funds", map[string]any{"kind": "income", "source": "政府补贴", "what": "加装电梯财政补贴",
		"amount": "200000.00", "idempotency_key": "seed-fund"}, nil); err != nil {
		return made, err
	}
	for i, h := range p.Households {
		if err := call("POST", fmt.Sprintf("%s/households/%d/payments", project, h.ID), map[string]any{"amount": "3000.00",
			"method": []string{"转账", "微信", "现金"}[i%3], "idempotency_key": fmt.Sprintf("seed-pay-%d", i)}, nil); err != nil {
			return made, err
		}
	}
	for i, token := range tokens[:min(3, len(tokens))] {
		var f struct{ ID int64 }
		if err := call("POST", "/api/v1/sign/"+token+"/feedback", map[string]any{"category": []string{"噪音", "施工", "安全"}[i],
			"text": "晚上九点后还在施工，影响休息"}, &f); err != nil {
			return made, err
		}
		if i < 2 {
			if err := call("POST", fmt.Sprintf("%s/feedback/%d/answer", project, f.ID), map[string]any{"text": "已要求施工方晚上八点后停工"}, nil); err != nil {
				return made, err
			}
		}
	}
	for i := range 2 {
		var in struct {
			Issues []struct{ ID int64 }
		}
		if err := call("POST", project+"/inspections", map[string]any{"date": day(0), "inspectors": []string{"社区 王工", "监理 李工"},
			"findings": fmt.Sprintf("第%d次巡查：井道施工正常", i+1), "issues": []string{"井道口围挡不全"}[:1-i]}, &in); err != nil {
			return made, err
		}
		for _, is := range in.Issues {
			if err := call("POST", fmt.Sprintf("%s/issues/%d/fixed", project, is.ID), map[string]any{"date": day(0), "note": "已补齐围挡"}, nil); err != nil {
				return made, err
			}
		}
	}
	return made, nil
}

// timeGet asks for path n times, one after another, and prints the
// latencies: the figure a person waiting for a page sees.
func timeGet(ctx context.Context, c *loadClient, path string, n int, stdout io.Writer) error {
	var latencies []time.Duration
	for range n {
		t0 := time.Now()
		if _, err := c.call(ctx, "GET", path, nil, nil); err != nil {
			return err
		}
		latencies = append(latencies, time.Since(t0))
	}
	first := latencies[0]
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))] }
	fmt.Fprintf(stdout, "GET %s ×%d：首次 %.1f ms，p50 %.1f ms，p95 %.1f ms，最大 %.1f ms\n",
		path, n, ms(first), ms(pct(0.50)), ms(pct(0.95)), ms(latencies[len(latencies)-1]))
	return nil
}
