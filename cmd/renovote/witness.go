package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"github.com/renovote/renovote/store"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/witness"
)

// Every signed checkpoint also goes to witnesses outside the database
// (DESIGN §15): the witness file beside the key, and independent witnesses
// (renovote witness serve) run by someone else.

// urlList is a repeatable --witness URL flag.
type urlList []string

func (l *urlList) String() string { return strings.Join(*l, ",") }

func (l *urlList) Set(v string) error {
	for _, u := range strings.Split(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			*l = append(*l, u)
		}
	}
	return nil
}

// witnessFlags adds --witness-file (RENOVOTE_WITNESS_FILE; default beside
// the key, resolved by witnessPath after parsing) and --witness URL,
// repeatable (RENOVOTE_WITNESS, comma-separated).
func witnessFlags(fs *flag.FlagSet, getenv func(string) string) (file *string, urls *urlList) {
	file = fs.String("witness-file", getenv("RENOVOTE_WITNESS_FILE"), "the witness log (default: renovote.witness beside the signing key)")
	urls = &urlList{}
	urls.Set(getenv("RENOVOTE_WITNESS"))
	fs.Var(urls, "witness", "an independent witness's URL (repeatable)")
	return file, urls
}

// witnessPath is --witness-file, or renovote.witness in the directory of
// the key file.
func witnessPath(flagValue, keyFile string) string {
	if flagValue != "" {
		return flagValue
	}
	return filepath.Join(filepath.Dir(keyFile), witness.DefaultFileName)
}

// openWitness opens the witness file and a client per URL; the caller
// starts and closes the set.
func openWitness(path string, urls []string, pub ed25519.PublicKey, logger *slog.Logger) (*witness.Set, error) {
	f, err := witness.Open(path, pub)
	if err != nil {
		return nil, err
	}
	var clients []*witness.Client
	for _, u := range urls {
		c, err := witness.NewClient(witness.ClientConfig{URL: u, File: f, Public: pub, Logger: logger})
		if err != nil {
			f.Close()
			return nil, err
		}
		clients = append(clients, c)
	}
	return witness.NewSet(f, clients...), nil
}

// checkWitnessed checks a project's chain against the witness file (when
// it exists, or was named) and each witness URL: exit 1 naming the first
// difference.
func checkWitnessed(ctx context.Context, events []*engine.AuditEvent, projectID int64, path string, named bool, urls []string, pub ed25519.PublicKey) (string, error) {
	var seen []string
	if _, err := os.Stat(path); err == nil || named {
		all, err := witness.ReadFile(path)
		if err != nil {
			return "", &usageError{err.Error()}
		}
		if check := engine.CheckWitnessed(events, all[projectID]); !check.OK {
			return "", fmt.Errorf("项目 %d 与见证记录文件“%s”不符：%s", projectID, path, check.Reason)
		}
		seen = append(seen, fmt.Sprintf("见证记录文件 %s（%d 条）", path, len(all[projectID])))
	}
	for _, u := range urls {
		heads, err := witness.FetchHeads(ctx, nil, u, pub)
		if err != nil {
			return "", err
		}
		var mine []*engine.Checkpoint
		for _, h := range heads {
			if h.ProjectID == projectID {
				mine = append(mine, h)
			}
		}
		if check := engine.CheckWitnessed(events, mine); !check.OK {
			return "", fmt.Errorf("项目 %d 与见证方 %s 不符：%s", projectID, u, check.Reason)
		}
		seen = append(seen, "见证方 "+u)
	}
	if len(seen) == 0 {
		return "", nil
	}
	return "见证记录相符：" + strings.Join(seen, "、"), nil
}

// runWitness runs an independent witness (renovote witness serve).
func runWitness(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "serve" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, commandHelp["witness"])
			return errHelp
		}
		return &usageError{"用法：renovote witness serve [--addr :8090] [--db renovote-witness.db] [--key renovote-witness.key]"}
	}
	fs := newFlagSet("witness", stderr)
	addr := fs.String("addr", envOr(getenv, "RENOVOTE_WITNESS_ADDR", ":8090"), "listen address")
	db := fs.String("db", envOr(getenv, "RENOVOTE_WITNESS_DB", "renovote-witness.db"), "the witness's own SQLite file")
	keyFile := fs.String("key", envOr(getenv, "RENOVOTE_WITNESS_KEY", "renovote-witness.key"), "the witness's own key file (created 0600 if missing)")
	if err := parseNoArgs(fs, args[1:], stdout); err != nil {
		return err
	}
	key, created, err := loadOrCreateKey(*keyFile)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(stdout, "已创建见证密钥文件 %s（权限 0600，请备份；公钥指纹 %s）\n", *keyFile, key.ID())
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	w, err := witness.OpenServer(ctx, witness.ServerConfig{Path: *db, Key: key, Logger: logger})
	if err != nil {
		return err
	}
	defer w.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &usageError{fmt.Sprintf("无法监听 %s：%v", *addr, err)}
	}
	srv := &http.Server{Handler: w, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Info("renovote witness serving", "addr", ln.Addr().String(), "db", *db, "key", key.ID())
	fmt.Fprintf(stdout, "见证服务已启动：%s（数据库 %s，见证密钥指纹 %s）\n", ln.Addr().String(), *db, key.ID())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openCommandWitness opens the witness file for a command that signs
// (user, migrate): what it signs is witnessed like the server's. While a
// server holds the file the command cannot: it says to use the console
// or stop the server, rather than sign something no witness saw.
func openCommandWitness(path string, key *engine.SigningKey) (*witness.File, error) {
	f, err := witness.Open(path, key.Public())
	if err != nil {
		return nil, engine.Errorf(engine.ECodeUnavailable, "无法写入见证记录文件（%v）：账号和数据库的变动要记入见证记录。服务运行时请在控制台中操作，或先停止服务再运行本命令", err)
	}
	return f, nil
}

// checkWitnessFile refuses to start over a database that holds signed
// checkpoints when the witness file is missing, as it refuses a missing
// key: a new empty file would let a rollback pass unseen. (An existing
// file may be empty or behind the database after a crash between a
// commit and its fsync: that request was never answered.) With
// --new-witness-file (the file is really lost, or the first start after
// upgrading from a version without one) it starts a new one, loudly.
func checkWitnessFile(ctx context.Context, s *store.Store, path string, startNew bool, logger *slog.Logger) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	cps, err := s.LatestCheckpoints(ctx)
	if err != nil || len(cps) == 0 {
		return err
	}
	if startNew {
		logger.Warn("starting a new witness file over a database that holds checkpoints: a rollback before now can no longer be found", "file", path)
		return nil
	}
	return engine.Errorf(engine.ECodeUnavailable, "见证记录文件“%s”不存在，而数据库中已有签名存证：请从备份恢复该文件后再启动；如确实丢失（或刚从没有见证记录的版本升级），用 --new-witness-file 启动新的见证记录（此前的回滚将无法再被发现）", path)
}
