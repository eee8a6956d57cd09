// Command renovote is the one binary of renovote: the cost-sharing
// calculator, the consent tally and 大写金额 on the command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/renovote/renovote/engine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}

// usageError is bad command-line use: exit status 2, like bad input.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// stdin is where "-" reads from; tests replace it.
var stdin io.Reader = os.Stdin

// errHelp means help was asked for and printed: exit status 0.
var errHelp = errors.New("help printed")

// report prints err as one line on stderr and returns the exit status:
// 0 for none, 2 for bad input or usage, 3 when the database is
// unavailable, 1 for anything else.
func report(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	line := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(stderr, "renovote: 错误："+line)
	var ue *usageError
	var ee *engine.Error
	switch {
	case errors.As(err, &ue) || (errors.As(err, &ee) && ee.Code == engine.ECodeInvalid):
		return 2
	case engine.ErrorCode(err) == engine.ECodeUnavailable:
		return 3
	}
	return 1
}

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &usageError{"缺少命令（missing command）；用法见 renovote help"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help", "-help":
		if len(rest) > 0 {
			if text, ok := commandHelp[rest[0]]; ok {
				fmt.Fprint(stdout, text)
				return nil
			}
		}
		fmt.Fprint(stdout, usageText)
		return nil
	case "calc":
		return runCalc(rest, stdout, stderr)
	case "tally":
		return runTally(rest, stdout, stderr)
	case "survey":
		return runSurvey(rest, stdout, stderr)
	case "ledger":
		return runLedger(rest, stdout, stderr)
	case "funding":
		return runFunding(rest, stdout, stderr)
	case "words":
		return runWords(rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, rest, getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, getenv, stdout, stderr)
	case "key":
		return runKey(ctx, rest, getenv, stdout, stderr)
	case "witness":
		return runWitness(ctx, rest, getenv, stdout, stderr)
	}
	return &usageError{fmt.Sprintf("未知命令“%s”（unknown command）；可用命令：serve、user、load、calc、tally、survey、ledger、funding、words、migrate、audit、key、witness、help", cmd)}
}
