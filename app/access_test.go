package app_test

import (
	"testing"

	"github.com/renovote/renovote/app"
	"github.com/renovote/renovote/engine"
)

// TestAccessRules spells the rule table out (DESIGN §17): who reaches how
// far and may do what there. The API walk of it is http TestAccessTable.
func TestAccessRules(t *testing.T) {
	all := "read write export verify money vote assign"
	for _, c := range []struct {
		role  string
		reach app.Reach
		may   string
	}{
		{"admin", app.ReachAll, all},
		{engine.RoleLead, app.ReachSubtree, all},
		{engine.RoleWorker, app.ReachOwn, "read write export verify money vote"},
		{"", app.ReachOwn, "read write export verify money vote"},
		{engine.RoleSupervisor, app.ReachSubtree, "read export verify"},
		{engine.RoleAuditor, app.ReachSubtree, "read export verify"},
	} {
		rule, ok := app.AccessRules[c.role]
		if !ok {
			t.Fatalf("no line for role %q", c.role)
		}
		got := ""
		for _, act := range app.Actions {
			if rule.Allowed[act] {
				if got != "" {
					got += " "
				}
				got += string(act)
			}
		}
		if rule.Reach != c.reach || got != c.may {
			t.Errorf("%q: reach %d may %q, want reach %d may %q", c.role, rule.Reach, got, c.reach, c.may)
		}
	}
	if len(app.AccessRules) != 6 {
		t.Errorf("the table has %d lines, want 6", len(app.AccessRules))
	}
}
