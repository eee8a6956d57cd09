package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/renovote/renovote/engine"
)

// maxInput bounds a JSON input file (5000 households fit in well under 2 MB).
const maxInput = 16 << 20

func runCalc(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calc", stderr)
	format := fs.String("format", "json", "json | table")
	file, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	if *format != "json" && *format != "table" {
		return &usageError{fmt.Sprintf("--format 只能是 json 或 table，收到“%s”", *format)}
	}
	data, err := readInput(file)
	if err != nil {
		return err
	}
	in, err := engine.ParseCalcInput(data)
	if err != nil {
		return err
	}
	res, err := engine.Calc(in)
	if err != nil {
		return err
	}
	if *format == "table" {
		return writeCalcTable(stdout, in, res)
	}
	return writeJSON(stdout, res)
}

func runTally(args []string, stdout, stderr io.Writer) error {
	return runContract("tally", args, stdout, stderr, func(data []byte) (any, error) { return engine.TallyJSON(data) })
}

func runLedger(args []string, stdout, stderr io.Writer) error {
	return runContract("ledger", args, stdout, stderr, func(data []byte) (any, error) { return engine.LedgerJSON(data) })
}

func runFunding(args []string, stdout, stderr io.Writer) error {
	return runContract("funding", args, stdout, stderr, func(data []byte) (any, error) { return engine.FundingJSON(data) })
}

func runSurvey(args []string, stdout, stderr io.Writer) error {
	return runContract("survey", args, stdout, stderr, func(data []byte) (any, error) { return engine.SurveyJSON(data) })
}

// runContract reads one JSON input (a file or "-"), computes it and prints
// the result JSON.
func runContract(name string, args []string, stdout, stderr io.Writer, compute func([]byte) (any, error)) error {
	fs := newFlagSet(name, stderr)
	file, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	data, err := readInput(file)
	if err != nil {
		return err
	}
	res, err := compute(data)
	if err != nil {
		return err
	}
	return writeJSON(stdout, res)
}

func runWords(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("words", stderr)
	amount, err := parseArgs(fs, args, stdout)
	if err != nil {
		return err
	}
	f, err := engine.ParseWordsAmount(amount)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, engine.Words(f))
	return err
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses flags anywhere on the line and returns the one
// positional argument. -h prints the command's help and returns errHelp.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) (string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				fmt.Fprint(stdout, commandHelp[fs.Name()])
				return "", errHelp
			}
			return "", &usageError{fmt.Sprintf("%s：无法识别的参数（%v）；用法见 renovote %s -h", fs.Name(), err, fs.Name())}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	switch len(positional) {
	case 1:
		return positional[0], nil
	case 0:
		return "", &usageError{fmt.Sprintf("%s 需要一个参数；用法见 renovote %s -h", fs.Name(), fs.Name())}
	}
	return "", &usageError{fmt.Sprintf("%s 只接受一个参数，收到%d个；用法见 renovote %s -h", fs.Name(), len(positional), fs.Name())}
}

// readInput reads a file, or standard input for "-", within maxInput.
func readInput(name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("无法打开文件“%s”：%v", name, errText(err))}
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("读取“%s”失败：%v", name, err)}
	}
	if len(data) > maxInput {
		return nil, &usageError{fmt.Sprintf("输入“%s”超过 %d MB 上限", name, maxInput>>20)}
	}
	return data, nil
}

func errText(err error) string {
	switch {
	case os.IsNotExist(err):
		return "文件不存在"
	case os.IsPermission(err):
		return "没有读取权限"
	}
	return err.Error()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
