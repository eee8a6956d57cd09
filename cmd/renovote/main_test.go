package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/golden")

type cliResult struct {
	status         int
	stdout, stderr string
}

// cli runs the program in-process as main would, returning what main
// would print and its exit status.
func cli(t *testing.T, args ...string) cliResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	status := report(err, &stderr)
	return cliResult{status, stdout.String(), stderr.String()}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("..", "..", "fixtures", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/renovote -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (review, then go test ./cmd/renovote -update):\n%s", path, firstDiff(got, string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

func TestCalcGolden(t *testing.T) {
	files, err := filepath.Glob("../../fixtures/scenarios/*.json")
	if err != nil || len(files) < 7 {
		t.Fatalf("scenario fixtures: %v, %d files", err, len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			res := cli(t, "calc", path)
			if res.status != 0 || res.stderr != "" {
				t.Fatalf("status %d, stderr %q", res.status, res.stderr)
			}
			golden(t, name+".calc.json", res.stdout)
			table := cli(t, "calc", "--format", "table", path)
			if table.status != 0 {
				t.Fatalf("table: status %d, stderr %q", table.status, table.stderr)
			}
			golden(t, name+".table.txt", table.stdout)
		})
	}
}

func TestTallyGolden(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/tally/*.json")
	if len(files) < 3 {
		t.Fatalf("tally fixtures: %d files", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			res := cli(t, "tally", path)
			if res.status != 0 || res.stderr != "" {
				t.Fatalf("status %d, stderr %q", res.status, res.stderr)
			}
			golden(t, name+".tally.json", res.stdout)
		})
	}
}

func TestLedgerGolden(t *testing.T) {
	res := cli(t, "ledger", "../../fixtures/ledger/example.json")
	if res.status != 0 || res.stderr != "" {
		t.Fatalf("status %d, stderr %q", res.status, res.stderr)
	}
	golden(t, "example.ledger.json", res.stdout)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"as_of":"2027-01-01","households":[{"id":"1","dues":[],"payments":[{"date":"2027-01-01","amount":"-5"}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := cli(t, "ledger", bad); res.status != 2 || !strings.Contains(res.stderr, "households[0].payments[0].amount") {
		t.Fatalf("ledger of a negative payment: %+v", res)
	}
}

func TestTableShowsEverything(t *testing.T) {
	res := cli(t, "calc", "../../fixtures/scenarios/demo.json", "--format", "table")
	for _, want := range []string{"幸福里小区3号楼2单元", "【每户明细】", "【按楼层汇总】", "人民币叁拾陆万元整", "周淑兰（困难户）", "600,000.00", "首付", "年运行费"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestCLIGoodAndBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badArea := write("bad.json", `{"households":[{"id":"101","floor":1,"area":"-5"}],"costs":[{"amount":"1"}]}`)
	badJSON := write("syntax.json", `{"households":[`)
	badTally := write("tally.json", `{"rule":"civil_code_major","households":[{"id":"1","area":"1","vote":"maybe"}]}`)
	tests := []struct {
		name      string
		args      []string
		status    int
		stdoutHas string
		stderrHas string
	}{
		{"words", []string{"words", "16409.02"}, 0, "人民币壹万陆仟肆佰零玖元零贰分\n", ""},
		{"words zero", []string{"words", "0"}, 0, "人民币零元整\n", ""},
		{"words negative", []string{"words", "-5"}, 2, "", "renovote words -h"},
		{"words not a number", []string{"words", "十块"}, 2, "", "金额"},
		{"words too many decimals", []string{"words", "1.234"}, 2, "", "2位小数"},
		{"words missing amount", []string{"words"}, 2, "", "需要一个参数"},
		{"calc bad area", []string{"calc", badArea}, 2, "", "households[0].area"},
		{"calc syntax error", []string{"calc", badJSON}, 2, "", "JSON 格式错误"},
		{"calc missing file", []string{"calc", filepath.Join(dir, "nope.json")}, 2, "", "文件不存在"},
		{"calc bad format", []string{"calc", "--format", "xml", "../../fixtures/scenarios/demo.json"}, 2, "", "--format"},
		{"calc two files", []string{"calc", badArea, badJSON}, 2, "", "只接受一个参数"},
		{"calc unknown flag", []string{"calc", "--fromat", "table", badArea}, 2, "", "无法识别"},
		{"tally bad vote", []string{"tally", badTally}, 2, "", "households[0].vote"},
		{"tally good", []string{"tally", "../../fixtures/tally/civil-code-major.json"}, 0, `"must_consent_missing"`, ""},
		{"unknown command", []string{"frobnicate"}, 2, "", "未知命令"},
		{"no command", nil, 2, "", "缺少命令"},
		{"help", []string{"help"}, 0, "Usage", ""},
		{"help calc", []string{"help", "calc"}, 0, "--format table", ""},
		{"calc -h", []string{"calc", "-h"}, 0, "计算每户应出资金额", ""},
		{"tally -h", []string{"tally", "-h"}, 0, "民法典", ""},
		{"words --help", []string{"words", "--help"}, 0, "People's Bank", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cli(t, tt.args...)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d (stderr %q)", res.status, tt.status, res.stderr)
			}
			if !strings.Contains(res.stdout, tt.stdoutHas) || !strings.Contains(res.stderr, tt.stderrHas) {
				t.Errorf("stdout %q should contain %q; stderr %q should contain %q", res.stdout, tt.stdoutHas, res.stderr, tt.stderrHas)
			}
			if tt.status == 2 {
				if res.stdout != "" {
					t.Errorf("bad input printed on stdout: %q", res.stdout)
				}
				if strings.Count(strings.TrimRight(res.stderr, "\n"), "\n") != 0 {
					t.Errorf("stderr should be one line: %q", res.stderr)
				}
			}
		})
	}
}

func TestCalcFromStdin(t *testing.T) {
	data, err := os.ReadFile("../../fixtures/scenarios/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	stdin = bytes.NewReader(data)
	defer func() { stdin = os.Stdin }()
	fromStdin := cli(t, "calc", "-")
	fromFile := cli(t, "calc", "../../fixtures/scenarios/demo.json")
	if fromStdin.status != 0 || fromStdin.stdout != fromFile.stdout {
		t.Errorf("calc - differs from calc FILE (status %d, stderr %q)", fromStdin.status, fromStdin.stderr)
	}
}

// TestBinary builds the real command and checks exit statuses and streams
// as a shell sees them.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "renovote")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	runBin := func(stdin string, args ...string) (int, string, string) {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return status, out.String(), errb.String()
	}
	if st, out, _ := runBin("", "words", "1409.50"); st != 0 || out != "人民币壹仟肆佰零玖元伍角\n" {
		t.Errorf("words: %d %q", st, out)
	}
	st, out, errOut := runBin(`{"households":[{"id":"1","floor":1,"area":"0"}],"costs":[{"amount":"1"}]}`, "calc", "-")
	if st != 2 || out != "" || !strings.Contains(errOut, "households[0].area") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("bad calc: status %d, stdout %q, stderr %q", st, out, errOut)
	}
	if st, out, _ := runBin(`{"households":[{"id":"1","floor":3,"area":"50"}],"costs":[{"amount":"100.5"}]}`, "calc", "-"); st != 0 || !strings.Contains(out, `"total_due": "100.50"`) {
		t.Errorf("good calc: status %d, stdout %q", st, out)
	}
}

func TestSurveyGolden(t *testing.T) {
	for _, name := range []string{"priorities", "changzhou-2021"} {
		res := cli(t, "survey", "../../fixtures/survey/"+name+".json")
		if res.status != 0 || res.stderr != "" {
			t.Fatalf("%s: status %d, %q", name, res.status, res.stderr)
		}
		golden(t, name+".survey.json", res.stdout)
	}
	if res := cli(t, "survey", "-h"); res.status != 0 || !strings.Contains(res.stdout, "综合得分") {
		t.Errorf("survey -h: %+v", res)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"questions":[{"id":"s","kind":"rating"}],"answers":[{"household":"1","answers":{"s":9}}]}`), 0o644)
	if res := cli(t, "survey", bad); res.status != 2 || !strings.Contains(res.stderr, "answers[0].answers.s") {
		t.Errorf("bad survey: %+v", res)
	}
}
