package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayers keeps the arrows one way (README, "Where things are"):
// http → app → engine, store → engine, pdf → engine, witness → engine; engine imports
// nothing of ours; http never touches the store or the PDF renderer.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/renovote/renovote/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/renovote/renovote/"
	allowed := map[string][]string{
		"engine":          {},
		"app":             {"engine"},
		"store":           {"engine"},
		"pdf":             {"engine"},
		"witness":         {"engine"},
		"http":            {"app", "engine", "templates"},
		"templates":       {},
		"fixtures":        {},
		"store/storetest": {"store", "engine"},
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		may, ruled := allowed[pkg]
		if !ruled {
			continue // cmd/renovote wires everything
		}
		seen++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			if dep := strings.TrimPrefix(imp, mod); !slices.Contains(may, dep) {
				t.Errorf("%s imports %s; it may import only %v", pkg, dep, may)
			}
		}
	}
	if seen != len(allowed) {
		t.Fatalf("found %d of the %d ruled packages in %s", seen, len(allowed), out)
	}
}
