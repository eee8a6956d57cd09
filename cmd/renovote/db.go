package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/store"
)

// dbFlag adds --db, defaulting to DATABASE_URL and then renovote.db.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("DATABASE_URL")
	if def == "" {
		def = store.DefaultPath
	}
	return fs.String("db", def, "SQLite file or postgres:// URL")
}

// runMigrate opens the database, which brings its schema up to date.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	db := dbFlag(fs, getenv)
	keyFile := keyFlag(fs, getenv)
	witnessFile, _ := witnessFlags(fs, getenv)
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	s, key, err := openSigned(ctx, *db, *keyFile, logger, stdout)
	if err != nil {
		return err
	}
	defer s.Close()
	wf, err := openCommandWitness(witnessPath(*witnessFile, *keyFile), key)
	if err != nil {
		return err
	}
	defer wf.Close()
	if err := baselineWorkers(ctx, app.New(app.Config{Store: s, SigningKey: key, Logger: logger, Witness: wf}), logger); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "数据库（%s）结构已是最新：版本 %d\n", s.Dialect(), store.SchemaVersion())
	return nil
}

// runAudit verifies a project's audit chain: exit 0 when it holds, 1 with
// the first broken event named when it does not, 3 when the database
// cannot be read (that says nothing about the chain).
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, commandHelp["audit"])
			return errHelp
		}
		return &usageError{"用法：renovote audit verify PROJECT [--db DSN] [--witness-file FILE] [--witness URL]"}
	}
	fs := newFlagSet("audit", stderr)
	db := dbFlag(fs, getenv)
	keyFile := keyFlag(fs, getenv)
	publicFile := fs.String("public-key", "", "check the checkpoints with this public key alone (renovote key show --public)")
	anchor := fs.String("anchor", "", "check that a printed anchor N:PREFIX is still in the chain")
	var accept []int64
	fs.Func("accept-break", "accept the key rotation with the old key lost at this system chain seq (repeatable), after looking into it", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("应为系统日志的条数，收到“%s”", v)
		}
		accept = append(accept, n)
		return nil
	})
	witnessFile, witnessURLs := witnessFlags(fs, getenv)
	arg, err := parseArgs(fs, args[1:], stdout)
	if err != nil {
		return err
	}
	pub, err := publicKey(*publicFile, *keyFile)
	if err != nil {
		return err
	}
	var anchorSeq int64
	var anchorPrefix string
	if *anchor != "" {
		if anchorSeq, anchorPrefix, err = engine.ParseAnchor(*anchor); err != nil {
			return err
		}
	}
	projectID, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || projectID < 0 {
		return &usageError{fmt.Sprintf("项目编号应为整数，收到“%s”", arg)}
	}
	s, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	a := app.New(app.Config{Store: s, PublicKey: pub, AcceptBreaks: accept})
	check, err := a.CheckAudit(ctx, app.Operator, projectID)
	if err != nil {
		return err
	}
	if check.Events > 0 && !check.OK {
		return fmt.Errorf("项目 %d 的审计日志校验失败（共 %d 条事件）：%s", projectID, check.Events, check.Reason)
	}
	// a chain rolled back to an earlier, consistent state passes every
	// check above: what witnesses saw outside the database does not
	events, err := s.AuditEvents(ctx, projectID)
	if err != nil {
		return err
	}
	witnessed, err := checkWitnessed(ctx, events, projectID, witnessPath(*witnessFile, *keyFile), *witnessFile != "", *witnessURLs, pub)
	if err != nil {
		return err
	}
	if check.Events == 0 {
		return fmt.Errorf("项目 %d 没有任何审计事件：项目不存在，或不在这个数据库中", projectID)
	}
	accepted := 0
	for _, b := range check.Breaks { // loud, accepted or not (the failing one is the error line)
		if b.Accepted {
			accepted++
		}
		if !strings.Contains(check.Reason, b.Text()) {
			fmt.Fprintln(stderr, "renovote: 警告：！！"+b.Text()+acceptedText(b))
		}
	}
	fmt.Fprintf(stdout, "项目 %d 的审计日志完整：%d 条事件，哈希链、表决记录与 %d 条签名存证全部相符（公钥指纹 %s）\n", projectID, check.Events, check.Checkpoints, engine.KeyFingerprint(pub))
	if witnessed != "" {
		fmt.Fprintln(stdout, witnessed)
	}
	if accepted > 0 {
		fmt.Fprintf(stdout, "其中 %d 处信任中断（旧密钥丢失后换钥）已由核对者接受，见上面的警告\n", accepted)
	}
	if anchorSeq > 0 {
		if _, err := a.CheckAnchor(ctx, app.Operator, projectID, anchorSeq, anchorPrefix); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "存证 第 %d 条 · %s 仍在链上\n", anchorSeq, anchorPrefix)
	}
	return nil
}

func acceptedText(b engine.TrustBreak) string {
	if b.Accepted {
		return "（核对者已用 --accept-break 接受）"
	}
	return ""
}

// parseNoArgs parses flags and refuses positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(stdout, commandHelp[fs.Name()])
			return errHelp
		}
		return &usageError{fmt.Sprintf("%s：无法识别的参数（%v）", fs.Name(), err)}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("%s 不接受参数“%s”", fs.Name(), fs.Arg(0))}
	}
	return nil
}
