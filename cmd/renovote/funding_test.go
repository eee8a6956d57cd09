package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFundingCommand: the worked example of docs/funding.md gives the
// golden answer, from a file and from standard input.
func TestFundingCommand(t *testing.T) {
	const example = "../../fixtures/funding/example.json"
	res := cli(t, "funding", example)
	if res.status != 0 || res.stderr != "" {
		t.Fatalf("status %d, stderr %q", res.status, res.stderr)
	}
	golden(t, "example.funding.json", res.stdout)
	for _, want := range []string{`"apply_by": "2028-08-31"`, `"keep": "2400.10"`, `"cash": "17900.60"`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	stdin = bytes.NewReader(data)
	defer func() { stdin = os.Stdin }()
	if piped := cli(t, "funding", "-"); piped.status != 0 || piped.stdout != res.stdout {
		t.Errorf("from standard input: status %d, stderr %q, same output %v", piped.status, piped.stderr, piped.stdout == res.stdout)
	}
	if help := cli(t, "help", "funding"); help.status != 0 || !strings.Contains(help.stdout, "公积金") {
		t.Errorf("help funding: %+v", help)
	}
}

// TestFundingCommandRefuses: a bad file exits 2 with one Chinese line
// naming the field, and prints nothing on stdout.
func TestFundingCommandRefuses(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, doc, field, says string }{
		{"relation", `{"rule":{"gjj_relations":["owner","uncle"]},"households":[{"id":"1","due":"1"}]}`, "rule.gjj_relations[1]", "uncle"},
		{"balance", `{"households":[{"id":"1","due":"1","accounts":[{"name":"甲","relation":"owner","balance":"1"},
			{"name":"乙","relation":"spouse","balance":"2"},{"name":"丙","relation":"child","balance":"-3"}]}]}`, "households[0].accounts[2].balance", "余额"},
		{"duplicate", `{"households":[{"id":"601","due":"1"},{"id":"601","due":"1"}]}`, "households[1].id", "重复"},
		{"unknown", `{"households":[{"id":"601","due":"1","subsidy":"5"}]}`, "households[0].subsidy", "未知字段"},
		{"keep rate", `{"rule":{"maintenance_keep_rate":"0.30001"},"households":[{"id":"1","due":"1"}]}`, "rule.maintenance_keep_rate", "4位小数"},
		{"window", `{"rule":{"window_days":4000},"households":[{"id":"1","due":"1"}]}`, "rule.window_days", "3650"},
		{"order", `{"rule":{"order":["gjj","gjj"]},"households":[{"id":"1","due":"1"}]}`, "rule.order[1]", "重复"},
		{"due", `{"households":[{"id":"1","due":"1.005"}]}`, "households[0].due", "2位小数"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			res := cli(t, "funding", path)
			if res.status != 2 || res.stdout != "" || strings.Count(res.stderr, "\n") != 1 ||
				!strings.Contains(res.stderr, tt.field) || !strings.Contains(res.stderr, tt.says) {
				t.Errorf("got status %d, stdout %q, stderr %q; want 2 and one line naming %s and saying %s", res.status, res.stdout, res.stderr, tt.field, tt.says)
			}
		})
	}
	if res := cli(t, "funding", filepath.Join(dir, "missing.json")); res.status != 2 {
		t.Errorf("a missing file: %+v", res)
	}
	if res := cli(t, "funding"); res.status != 2 {
		t.Errorf("no file: %+v", res)
	}
}
