package engine

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestHouseholdTableUnderATitle: the service's own export has a title and
// an as-of row above the header; the import finds the header and numbers
// rows as the sheet does.
func TestHouseholdTableUnderATitle(t *testing.T) {
	rows := [][]string{{"幸福里 住户名单"}, {"截至 2027年4月15日 17:00（北京时间）"}, {"房号", "楼层", "面积", "业主"}, {"101", "1", "68.50", "张三"}, {"201", "2", "-1", "李四"}}
	tab := HouseholdTableOf("住户", rows)
	if tab.Above != 2 || tab.Rows[0][0] != "房号" {
		t.Fatalf("header found at %d: %v", tab.Above, tab.Rows[0])
	}
	_, err := ParseHouseholdTable(tab, 6)
	if err == nil || !strings.Contains(err.Error(), "第5行") {
		t.Errorf("the bad area is on the sheet's row 5: %v", err)
	}
	tab.Rows[len(tab.Rows)-1][2] = "86.20"
	if hs, err := ParseHouseholdTable(tab, 6); err != nil || len(hs) != 2 {
		t.Errorf("imported %v, %v", hs, err)
	}
	if plain := HouseholdTableOf("住户", rows[2:]); plain.Above != 0 {
		t.Errorf("a sheet with its header first: above = %d", plain.Above)
	}
}

func TestCheckProjectName(t *testing.T) {
	mine := []*Project{{ID: 7, Name: "幸福里3号楼2单元"}, {ID: 9, Name: "幸福里3号楼1单元"}}
	for _, tt := range []struct {
		name  string
		allow bool
		want  string
	}{
		{"幸福里3号楼2单元", false, "已有同名项目“幸福里3号楼2单元”（编号 7）；确认要再建一个同名项目吗？"},
		{" 幸福里3号楼2单元 ", false, "已有同名项目“幸福里3号楼2单元”（编号 7）；确认要再建一个同名项目吗？"},
		{"幸福里3号楼2单元", true, ""},
		{"幸福里3号楼3单元", false, ""},
	} {
		got := ""
		if err := CheckProjectName(tt.name, mine, tt.allow); err != nil {
			e := err.(*Error)
			if e.Code != ECodeDuplicateName || e.Field != "name" {
				t.Errorf("%q: %+v", tt.name, e)
			}
			got = e.Message
		}
		if got != tt.want {
			t.Errorf("%q allow %v: got %q, want %q", tt.name, tt.allow, got, tt.want)
		}
	}
	if _, err := ParseProjectInput([]byte(`{"name":"x","floors":6,"allow_duplicate":"yes"}`)); ErrorCode(err) != ECodeInvalid {
		t.Errorf("allow_duplicate as text: %v", err)
	}
}

func TestDiffHouseholds(t *testing.T) {
	old := []Household{{ID: 1, Room: "101", Floor: 1, Area: 6850, OwnerName: "张三", Phone: "13800000001"},
		{ID: 2, Room: "102", Floor: 1, Area: 8620}, {ID: 3, Room: "201", Floor: 2, Area: 6850, Hardship: true}}
	next := []Household{{Room: "201", Floor: 2, Area: 6900, Hardship: false, OwnerName: "李四"}, {Room: "101", Floor: 1, Area: 6850, OwnerName: "张三", Phone: "13800000001"},
		{Room: "301", Floor: 3, Area: 7000}}
	d := DiffHouseholds(old, next)
	got, _ := json.Marshal(map[string]any{"added": rooms(d.Added), "changed": d.Changed, "removed": rooms(d.Removed)})
	want := `{"added":["301"],"changed":[{"room":"201","fields":[{"field":"area","from":"68.50","to":"69.00"},{"field":"owner","from":"","to":"李四"},` +
		`{"field":"hardship","from":true,"to":false}]}],"removed":["102"]}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if d := DiffHouseholds(old, old); len(d.Added)+len(d.Changed)+len(d.Removed) != 0 || d.Added == nil || d.Changed == nil || d.Removed == nil {
		t.Errorf("the same list: %+v (lists must be empty, never null)", d)
	}
}

func rooms(hs []Household) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Room)
	}
	return out
}
