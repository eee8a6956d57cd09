package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// projectTables are the tables distributed by project (BENCHMARKS.md, "How
// the tables would be distributed on Citus").
var projectTables = []string{
	"projects", "households", "scenarios", "ballots", "ballot_results", "ballot_closures", "decisions", "objections",
	"audit_events", "audit_heads", "checkpoints", "payments", "funds", "works", "inspections", "inspection_issues",
	"inspection_photos", "feedback", "questionnaires", "signing_links", "page_views", "survey_links", "survey_responses",
	"funding_rules", "household_funding", "share_certificates", "project_assignments",
}

// acrossProjects are the functions whose statements read project tables
// across projects on purpose, each with why (BENCHMARKS.md lists them
// too). Anything else that reads, changes or deletes project rows must say
// which project.
var acrossProjects = map[string]string{
	"Projects":           "a worker's own projects (owner_id), or every project for an admin: the list page",
	"ProjectsIn":         "the projects a worker may see: owned, assigned, or in the organisations of their reach",
	"ProjectsWithoutOrg": "once, at upgrade: the projects of before organisations move to the default 社区",
	"QuestionnaireGroup": "a 小区-wide questionnaire sent to several buildings at once (group_key)",
	"RotateKey":          "key rotation: every chain's head, each then re-signed",
	"Overview":           "the overview's sums over the projects of a subtree of organisations",
	"OverviewHeads":      "the overview: each building's chain head, to sum again only those that moved",
	"latestCheckpoints":  "at start-up and key rotation: every chain's latest checkpoint (the key check)",
	"ChainStarts":        "at start-up: every chain's first event (the baseline check)",
	"SignLegacyChains":   "once, after the migration that introduced checkpoints: chains without one",
}

var (
	sqlStart   = regexp.MustCompile(`(?is)^\s*(WITH|SELECT|UPDATE|DELETE|INSERT)\b`)
	tableRef   = regexp.MustCompile(`(?i)\b(FROM|JOIN|UPDATE|INTO)\s+([a-z_]+)`)
	keyedWhere = regexp.MustCompile(`(?i)\b(\w+\.)?project_id\s*(=\s*(\?|\$\d+|\d+\b)|IN\s*\()`)
	projectsBy = regexp.MustCompile(`(?i)\b(\w+\.)?id\s*(=\s*(\?|\$\d+)|IN\s*\()`)
)

// TestEveryProjectStatementIsKeyed reads every SQL statement of the
// store's code (string constants and their concatenations, as passed to
// the database, and statements written piece by piece into a
// strings.Builder) and checks that each one on a project table says which
// project: project_id compared with a value (`= ?`, `= $1`, `IN (`; a join
// on project_id is not enough), `projects … id = ?`, or an INSERT naming
// project_id. Statements of the functions in acrossProjects are
// across projects on purpose. Issue 24 point 4: on a database distributed
// by project, each other statement goes to one shard.
func TestEveryProjectStatementIsKeyed(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]ast.Expr{}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && (g.Tok == token.CONST || g.Tok == token.VAR) {
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							consts[n.Name] = vs.Values[i]
						}
					}
				}
			}
		}
	}
	var text func(e ast.Expr) (string, bool)
	text = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		case *ast.BinaryExpr:
			if e.Op != token.ADD {
				return "", false
			}
			l, ok1 := text(e.X)
			r, ok2 := text(e.Y)
			return l + r, ok1 || ok2
		case *ast.Ident:
			if v, ok := consts[e.Name]; ok {
				return text(v)
			}
			return " ", false
		case *ast.ParenExpr:
			return text(e.X)
		case *ast.CallExpr: // s.rowKey("ballot_id"), strings.Repeat(…): a part we cannot read
			return " ", false
		}
		return "", false
	}
	checked := 0
	var unkeyed []string
	used := map[string]bool{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			// a statement built piece by piece: the string pieces written
			// into a strings.Builder, in order, read as one statement
			var built []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "WriteString" && len(call.Args) == 1 {
						if q, ok := text(call.Args[0]); ok {
							built = append(built, q)
						}
					}
				}
				return true
			})
			if q := strings.Join(built, " "); sqlStart.MatchString(q) {
				checked++
				if !keyed(q) {
					if _, ok := acrossProjects[fn.Name.Name]; ok {
						used[fn.Name.Name] = true
					} else {
						unkeyed = append(unkeyed, fset.Position(fn.Pos()).String()+" "+fn.Name.Name+" (built): "+strings.Join(strings.Fields(q), " "))
					}
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				e, ok := n.(ast.Expr)
				if !ok {
					return true
				}
				switch e.(type) {
				case *ast.BasicLit, *ast.BinaryExpr:
				default:
					return true
				}
				q, ok := text(e)
				if !ok || !sqlStart.MatchString(q) {
					return true
				}
				checked++
				if keyed(q) {
					return false
				}
				if _, ok := acrossProjects[fn.Name.Name]; ok {
					used[fn.Name.Name] = true
					return false
				}
				unkeyed = append(unkeyed, fset.Position(e.Pos()).String()+" "+fn.Name.Name+": "+strings.Join(strings.Fields(q), " "))
				return false
			})
		}
	}
	if checked < 100 {
		t.Fatalf("read %d statements; the reader of the store's code is broken", checked)
	}
	sort.Strings(unkeyed)
	for _, u := range unkeyed {
		t.Errorf("a statement on project data that does not say which project:\n\t%s", u)
	}
	t.Logf("%d statements; across projects on purpose in %v", checked, used)
}

// keyed says whether a statement names its project, or touches no
// project table.
func keyed(q string) bool {
	var tables []string
	for _, m := range tableRef.FindAllStringSubmatch(q, -1) {
		if slices.Contains(projectTables, strings.ToLower(m[2])) {
			tables = append(tables, strings.ToLower(m[2]))
		}
	}
	if len(tables) == 0 {
		return true
	}
	upper := strings.ToUpper(strings.TrimSpace(q))
	if strings.HasPrefix(upper, "INSERT") {
		head, _, _ := strings.Cut(q, ")")
		return strings.Contains(head, "project_id") || tables[0] == "projects"
	}
	if keyedWhere.MatchString(q) {
		return true
	}
	return slices.Contains(tables, "projects") && projectsBy.MatchString(q)
}
