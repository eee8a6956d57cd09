package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/fixtures"
	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/pdf"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/templates"
)

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// runServe starts the service: zero configuration runs on renovote.db.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", envOr(getenv, "RENOVOTE_ADDR", ":8080"), "listen address")
	db := dbFlag(fs, getenv)
	baseURL := fs.String("base-url", getenv("RENOVOTE_BASE_URL"), "base URL in links and QR codes (default: http://localhost and the port of --addr)")
	demo := fs.Bool("demo", false, "load the demo project from fixtures/")
	trustedProxies := fs.String("trusted-proxies", getenv("RENOVOTE_TRUSTED_PROXIES"), "networks of the reverse proxies whose X-Forwarded-For is believed (CIDR,…; default none)")
	var rates [4]float64
	for i, key := range []string{"RENOVOTE_RATE_SIGN", "RENOVOTE_RATE_PUBLIC", "RENOVOTE_RATE_LOGIN", "RENOVOTE_RATE_FEEDBACK"} {
		var err error
		if rates[i], err = envFloat(getenv, key); err != nil {
			return err
		}
	}
	signRate := fs.Float64("rate-sign", rates[0], "signing requests per second per client IP (0: default)")
	publicRate := fs.Float64("rate-public", rates[1], "calc/tally/verify requests per second per client IP (0: default)")
	loginRate := fs.Float64("rate-login", rates[2], "logins per second per client IP (0: default)")
	feedbackRate := fs.Float64("rate-feedback", rates[3], "anonymous feedback from the public page per second per client IP, a limiter of its own (0: default, one a minute after 5)")
	readHeader := fs.Duration("read-header-timeout", 10*time.Second, "how long a client may take to send its request headers")
	clausesFile := fs.String("clauses", getenv("RENOVOTE_CLAUSES"), "agreement clauses template (default: the built-in one)")
	keyFile := keyFlag(fs, getenv)
	sealFile := sealFlag(fs, getenv)
	witnessFile, witnessURLs := witnessFlags(fs, getenv)
	newWitness := fs.Bool("new-witness-file", false, "start a new witness file over a database that already holds checkpoints (the old one is lost: a rollback before now can no longer be found)")
	if err := parseNoArgs(fs, args, stdout); err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = defaultBaseURL(*addr)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	clauses := templates.AgreementClauses
	if *clausesFile != "" {
		data, err := os.ReadFile(*clausesFile)
		if err != nil {
			return &usageError{fmt.Sprintf("无法读取协议条款模板“%s”：%v", *clausesFile, errText(err))}
		}
		clauses = string(data)
	}
	printer, err := pdf.New(templates.Font, clauses)
	if err != nil {
		return err
	}
	s, key, err := openSigned(ctx, *db, *keyFile, logger, stdout)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := checkWitnessFile(ctx, s, witnessPath(*witnessFile, *keyFile), *newWitness, logger); err != nil {
		return err
	}
	witnesses, err := openWitness(witnessPath(*witnessFile, *keyFile), *witnessURLs, key.Public(), logger)
	if err != nil {
		return err
	}
	witnesses.Start(ctx)
	defer witnesses.Close()
	seal, err := loadSealKey(sealPath(*sealFile, *keyFile), stdout)
	if err != nil {
		return err
	}
	a := app.New(app.Config{Store: s, Printer: printer, BaseURL: *baseURL, SigningKey: key, SealKey: seal, Witness: witnesses, Logger: logger,
		Limits: s.SharedLimits()})
	if err := baselineWorkers(ctx, a, logger); err != nil {
		return err
	}
	if err := ensureAdmin(ctx, a, getenv("RENOVOTE_ADMIN_PASSWORD"), stdout); err != nil {
		return err
	}
	if *demo {
		if err := loadDemo(ctx, a, s, stdout); err != nil {
			return fmt.Errorf("加载演示项目失败：%w", err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return &usageError{fmt.Sprintf("无法监听 %s：%v", *addr, err)}
	}
	proxies, err := parseCIDRs(*trustedProxies)
	if err != nil {
		return err
	}
	srv := apphttp.NewServer(apphttp.Config{App: a, Logger: logger, TrustedProxies: proxies,
		SignRate: *signRate, PublicRate: *publicRate, LoginRate: *loginRate, FeedbackRate: *feedbackRate, ReadHeaderTimeout: *readHeader})
	logger.Info("renovote serving", "addr", ln.Addr().String(), "database", s.Dialect(), "base_url", *baseURL, "key", key.ID(),
		"witness_file", witnessPath(*witnessFile, *keyFile), "witnesses", witnessURLs.String())
	fmt.Fprintf(stdout, "renovote 已启动：%s（数据库：%s）\n", *baseURL, s.Dialect())
	err = srv.Serve(ctx, ln)
	logger.Info("renovote stopped")
	return err
}

// envFloat reads a rate from the environment: 0 when unset.
func envFloat(getenv func(string) string, key string) (float64, error) {
	v := getenv(key)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, &usageError{fmt.Sprintf("环境变量 %s 应为非负数，收到“%s”", key, v)}
	}
	return f, nil
}

// ensureAdmin creates the worker admin on an empty database, with
// RENOVOTE_ADMIN_PASSWORD or a random password printed once.
func ensureAdmin(ctx context.Context, a *app.App, password string, stdout io.Writer) error {
	created, generated, err := a.EnsureAdmin(ctx, password)
	switch {
	case err != nil || !created:
		return err
	case generated != "":
		fmt.Fprintf(stdout, "已创建管理员账号 admin，初始密码（只显示这一次，请妥善保存）：%s\n", generated)
	default:
		fmt.Fprintln(stdout, "已创建管理员账号 admin（密码取自 RENOVOTE_ADMIN_PASSWORD）")
	}
	return nil
}

// baselineWorkers has the chains vouch, once, for the rows of a database
// upgraded from before rows had images: the system chain for the workers
// (app.BaselineWorkers), each project chain for its rows
// (app.BaselineProjects).
func baselineWorkers(ctx context.Context, a *app.App, logger *slog.Logger) error {
	wrote, err := a.BaselineWorkers(ctx)
	if wrote {
		logger.Warn("the system chain now vouches for the workers written before they had images (projection_baseline); sessions opened before the upgrade have ended")
	}
	if err != nil {
		return err
	}
	n, err := a.BaselineProjects(ctx)
	if n > 0 {
		logger.Warn("project chains now vouch for the rows written before rows had images (projection_baseline)", "chains", n)
	}
	if err != nil {
		return err
	}
	// projects of before organisations move into 默认社区 (DESIGN §17)
	moved, err := a.AdoptOrgs(ctx)
	if moved > 0 {
		logger.Warn("projects made before organisations moved into 默认社区 (project_org_set)", "projects", moved)
	}
	return err
}

// runUser adds a worker (renovote user add NAME) or sets a worker's
// password (renovote user passwd NAME); the password is read from stdin.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, commandHelp["user"])
			return errHelp
		}
		return &usageError{"用法：renovote user add NAME [--admin] [--display-name 名字] [--org 组织编号 --role worker|lead|supervisor|auditor] [--db DSN] 或 renovote user passwd NAME [--db DSN]，密码从标准输入读取"}
	}
	verb := args[0]
	fs := newFlagSet("user", stderr)
	db := dbFlag(fs, getenv)
	keyFile := keyFlag(fs, getenv)
	witnessFile, _ := witnessFlags(fs, getenv)
	admin := fs.Bool("admin", false, "may see every project (add)")
	display := fs.String("display-name", "", "name shown in the console (add)")
	org := fs.Int64("org", 0, "the organisation (区, 街道 or 社区) the account belongs to (add)")
	role := fs.String("role", "", "worker, lead, supervisor or auditor (add)")
	name, err := parseArgs(fs, args[1:], stdout)
	if err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" || len(name) > 64 {
		return &usageError{"用户名不能为空，最长64个字符"}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	if err := app.CheckPassword(name, password); err != nil { // before opening the database
		return err
	}
	// adding a worker and changing a password are events of the system
	// chain: they need the checkpoint key
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	s, key, err := openSigned(ctx, *db, *keyFile, logger, stdout)
	if err != nil {
		return err
	}
	defer s.Close()
	// what it signs goes to the witness file too, like the server's
	wf, err := openCommandWitness(witnessPath(*witnessFile, *keyFile), key)
	if err != nil {
		return err
	}
	defer wf.Close()
	a := app.New(app.Config{Store: s, SigningKey: key, Logger: logger, Witness: wf})
	if err := baselineWorkers(ctx, a, logger); err != nil {
		return err
	}
	if verb == "add" {
		w := &engine.Worker{Username: name, DisplayName: *display, Admin: *admin, OrgID: *org, Role: *role}
		add := a.AddWorker
		if *org != 0 || *role != "" {
			// an account with a place in the organisations: its role must fit it
			add = func(ctx context.Context, w *engine.Worker, password string) error {
				return a.AddUser(ctx, app.Operator, w, password)
			}
		}
		if err := add(ctx, w, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建工作人员账号 %s（编号 %d）\n", name, w.ID)
		if w.Role != "" {
			fmt.Fprintf(stdout, "角色：%s，所属组织编号 %d\n", engine.RoleNames[w.Role], w.OrgID)
		}
		return nil
	}
	if err := a.ChangePassword(ctx, app.Operator, name, "", password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已修改 %s 的密码；该账号已登录的会话全部退出\n", name)
	return nil
}

// loadDemo creates the demo project 幸福里小区3号楼2单元 from fixtures (once)
// as the worker admin, publishes its scenario A through the same workflow
// as the console, and prints fresh signing links.
func loadDemo(ctx context.Context, a *app.App, s *store.Store, stdout io.Writer) error {
	admin, err := s.WorkerByUsername(ctx, "admin")
	if err != nil {
		return err
	}
	data, err := fixtures.FS.ReadFile("scenarios/demo.json")
	if err != nil {
		return err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	const name = "幸福里小区3号楼2单元"
	ps, err := a.Projects(ctx, admin)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		// links already handed out must keep working: the demo goes only
		// into an empty database
		fmt.Fprintf(stdout, "数据库里已有项目，不再载入演示项目（演示只载入空数据库；已发出的签署链接继续有效）。\n")
		return nil
	}
	p, err := createDemo(ctx, a, admin, name, doc)
	if err != nil {
		return err
	}
	pub, err := publishDemo(ctx, a, admin, p, doc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "演示项目：%s（项目编号 %d），表决截止 %s。各户签署链接：\n", p.Name, p.ID, pub.Ballot.Deadline.Format(time.RFC3339))
	for _, l := range pub.Links {
		fmt.Fprintf(stdout, "  %s  %s\n", l.Room, l.URL)
	}
	return nil
}

// createDemo creates the demo building from the fixture's households.
func createDemo(ctx context.Context, a *app.App, admin *engine.Worker, name string, doc map[string]json.RawMessage) (*engine.Project, error) {
	var hs []map[string]any
	if err := json.Unmarshal(doc["households"], &hs); err != nil {
		return nil, err
	}
	for i, h := range hs {
		h["room"] = h["id"]
		delete(h, "id")
		h["owner_id"] = fmt.Sprintf("demo-owner-%02d", i+1)
		h["phone"] = fmt.Sprintf("1380013%04d", i+1)
		h["must_consent"] = h["floor"] == float64(1)
	}
	// a contact and the agreement's particulars, so that the paper is
	// complete; the account is marked as an example
	project, err := json.Marshal(map[string]any{"name": name, "address": "幸福路88号", "floors": 6, "households": hs,
		"contact": map[string]string{"name": "王专干", "phone": "0571-87654321", "office": "幸福里社区居委会二楼，工作日 9:00–17:00"},
		"terms": map[string]string{"party_a": "幸福里小区3号楼2单元加装电梯业主代表小组", "party_a_rep": "李建国",
			"account_name": "幸福里社区居民委员会（示例账户）", "account_bank": "示例银行幸福路支行", "account_number": "6222 0000 0000 0000 000",
			"compensation_by": "2027-09-30"}})
	if err != nil {
		return nil, err
	}
	return a.CreateProject(ctx, admin, project)
}

// publishDemo saves and publishes scenario A for 30 days.
func publishDemo(ctx context.Context, a *app.App, admin *engine.Worker, p *engine.Project, doc map[string]json.RawMessage) (*app.Published, error) {
	input := map[string]json.RawMessage{}
	for k, v := range doc {
		if k != "households" { // they come from the project
			input[k] = v
		}
	}
	input["name"] = json.RawMessage(`"方案A（系数×面积，30%首付+24期）"`)
	// the vote runs 30 days and the objection window 7 more: the first
	// payment falls on the first of the month after them, when the
	// agreements can have taken effect
	deadline := a.Now().AddDate(0, 0, 30)
	if raw, ok := input["installments"]; ok {
		var plan map[string]any
		if err := json.Unmarshal(raw, &plan); err != nil {
			return nil, err
		}
		y, m, _ := deadline.In(engine.Beijing).AddDate(0, 0, engine.ObjectionDaysDefault+1).Date()
		plan["start"] = time.Date(y, m+1, 1, 0, 0, 0, 0, engine.Beijing).Format(time.DateOnly)
		start, err := json.Marshal(plan)
		if err != nil {
			return nil, err
		}
		input["installments"] = start
	}
	data, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	sc, err := a.SaveScenario(ctx, admin, p.ID, 0, data)
	if err != nil {
		return nil, err
	}
	return a.Publish(ctx, admin, p.ID, sc.ID, json.RawMessage(`"civil_code_major"`), deadline)
}

// parseCIDRs reads "10.0.0.0/8,192.168.1.2" (a bare address is one host).
func parseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			if ip := net.ParseIP(item); ip != nil {
				bits := 32
				if ip.To4() == nil {
					bits = 128
				}
				item += "/" + strconv.Itoa(bits)
			}
		}
		_, n, err := net.ParseCIDR(item)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("--trusted-proxies 中的“%s”不是网段（应如 10.0.0.0/8 或 192.168.1.2）", item)}
		}
		out = append(out, n)
	}
	return out, nil
}

// defaultBaseURL is where a browser on this machine reaches the server:
// localhost at the port of --addr.
func defaultBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	if port == "80" {
		return "http://" + host
	}
	return "http://" + net.JoinHostPort(host, port)
}
