package engine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// tallyDoc builds a tally input: votes of owners with equal areas unless
// given as "vote:area".
func tallyDoc(rule string, votes ...string) string {
	var hs []string
	for i, v := range votes {
		area := "10"
		if vote, a, ok := strings.Cut(v, ":"); ok {
			v, area = vote, a
		}
		hs = append(hs, fmt.Sprintf(`{"id":"h%02d","area":"%s","vote":"%s"}`, i, area, v))
	}
	return `{"rule":` + rule + `,"households":[` + strings.Join(hs, ",") + `]}`
}

func repeat(v string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestTallyThresholds(t *testing.T) {
	major, ordinary := `"civil_code_major"`, `"civil_code_ordinary"`
	tests := []struct {
		name          string
		doc           string
		partArea      bool
		partOwners    bool
		approvalArea  bool
		approvalOwner bool
		passed        bool
		needed        string
	}{
		{"major: exactly 2/3 take part and exactly 3/4 of them agree passes (以上 includes the boundary)",
			tallyDoc(major, concat(repeat("agree", 6), repeat("disagree", 2), repeat("", 4))...),
			true, true, true, true, true, "0"},
		{"major: just under 2/3 take part",
			tallyDoc(major, concat(repeat("agree", 7), repeat("", 4))...),
			false, false, true, true, false, "1"},
		{"major: under 3/4 agree",
			tallyDoc(major, concat(repeat("agree", 5), repeat("disagree", 2), repeat("abstain", 1), repeat("", 4))...),
			true, true, false, false, false, "4"}, // 5/8 → 9/12 agree
		{"ordinary: exactly half is not 过半数",
			tallyDoc(ordinary, concat(repeat("agree", 4), repeat("disagree", 4), repeat("", 4))...),
			true, true, false, false, false, "1"},
		{"ordinary: more than half passes",
			tallyDoc(ordinary, concat(repeat("agree", 5), repeat("disagree", 4), repeat("", 3))...),
			true, true, true, true, true, "0"},
		{"abstain takes part but does not agree",
			tallyDoc(major, concat(repeat("agree", 3), repeat("abstain", 6), repeat("", 0))...),
			true, true, false, false, false, "null"},
		{"area and headcount are separate: big flats agree, most owners do not",
			tallyDoc(major, "agree:300", "agree:300", "disagree:10", "disagree:10", "disagree:10"),
			true, true, true, false, false, "null"},
		{"custom fractions and decimals",
			tallyDoc(`{"participation_area":"1/2","participation_owners":"0.5","approval_area":"3/5","approval_owners":"0.6"}`, "agree", "agree", "agree", "disagree", "disagree", "", "", "", "", ""),
			true, true, true, true, true, "0"},
		{"custom strict approval",
			tallyDoc(`{"participation_area":"1/2","participation_owners":"1/2","approval_area":"3/5","approval_owners":"3/5","approval_strict":true}`, "agree", "agree", "agree", "disagree", "disagree", "", "", "", "", ""),
			true, true, false, false, false, "1"},
		{"nobody voted yet",
			tallyDoc(major, repeat("", 12)...),
			false, false, true, true, false, "8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := TallyJSON([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := [5]bool{res.Participation.AreaMet, res.Participation.OwnersMet, res.Approval.AreaMet, res.Approval.OwnersMet, res.Passed}
			want := [5]bool{tt.partArea, tt.partOwners, tt.approvalArea, tt.approvalOwner, tt.passed}
			if got != want {
				t.Errorf("met (part area, part owners, approval area, approval owners, passed) = %v, want %v", got, want)
			}
			if g := neededText(res.Needed); g != tt.needed {
				t.Errorf("needed = %s, want %s", g, tt.needed)
			}
		})
	}
}

func neededText(n *int) string {
	if n == nil {
		return "null"
	}
	return fmt.Sprint(*n)
}

func TestTallyOwnersCountOnce(t *testing.T) {
	// 王伟 owns 201 and 202: one owner by headcount, both areas count.
	res, err := TallyJSON([]byte(`{"rule":"civil_code_major","households":[
		{"id":"101","area":"50.25","owner":"p1","vote":"agree"},
		{"id":"201","area":"60.10","owner":"p2","vote":"agree"},
		{"id":"202","area":"70.00","owner":"p2","vote":"agree"},
		{"id":"301","area":"80","vote":"disagree"},
		{"id":"302","area":"80","vote":""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Owners != 4 || res.Total.Area.String() != "340.35" {
		t.Errorf("total = %+v, want 4 owners, 340.35", res.Total)
	}
	if res.Participation.Owners != 3 || res.Participation.Area.String() != "260.35" {
		t.Errorf("participation = %+v", res.Participation)
	}
	if res.Approval.Owners != 2 || res.Approval.Area.String() != "180.35" {
		t.Errorf("approval = %+v", res.Approval)
	}
	if res.Approval.OwnersMet || res.Approval.AreaMet { // 2/3 < 3/4; 180.35/260.35 < 3/4
		t.Errorf("approval should not be met: %+v", res.Approval)
	}
}

func TestTallyRejectsSplitOwnerVotes(t *testing.T) {
	_, err := TallyJSON([]byte(`{"rule":"civil_code_major","households":[
		{"id":"201","area":"60","owner":"p2","vote":"agree"},{"id":"202","area":"70","owner":"p2","vote":"disagree"}]}`))
	var e *Error
	if !asError(err, &e) || e.Field != "households[1].vote" || !hasHan(e.Message) {
		t.Fatalf("err = %v, want an invalid error on households[1].vote", err)
	}
}

func TestTallyMustConsent(t *testing.T) {
	res, err := TallyJSON([]byte(`{"rule":"civil_code_major","households":[
		{"id":"b","area":"10","vote":"agree","must_consent":true},
		{"id":"a2","area":"10","vote":"","must_consent":true},
		{"id":"a10","area":"10","vote":"disagree","must_consent":true},
		{"id":"c","area":"10","vote":"agree"},{"id":"d","area":"10","vote":"agree"},{"id":"e","area":"10","vote":"agree"},
		{"id":"f","area":"10","vote":"agree"},{"id":"g","area":"10","vote":"agree"},{"id":"h","area":"10","vote":"agree"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.MustConsentMissing, ","); got != "a10,a2" {
		t.Errorf("must_consent_missing = %s, want a10,a2 (byte order)", got)
	}
	if res.Passed || neededText(res.Needed) != "0" {
		t.Errorf("thresholds pass but a must-consent owner is missing: passed=%v needed=%s", res.Passed, neededText(res.Needed))
	}
}

func TestTallyNeededTakesLargestAreaFirst(t *testing.T) {
	// 4 agree of 10 owners; the undecided have areas 5, 50, 50, 20, 5, 5.
	// Largest first: two owners of 50 bring participation to 6/10 (< 2/3),
	// then 20 → 7/10: area and headcount both pass.
	doc := tallyDoc(`"civil_code_major"`, "agree", "agree", "agree", "agree", ":5", ":50", ":50", ":20", ":5", ":5")
	res, err := TallyJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if neededText(res.Needed) != "3" {
		t.Errorf("needed = %s, want 3", neededText(res.Needed))
	}
}

func TestTallyNeededTieTakesSmallestIDFirst(t *testing.T) {
	// Two undecided owners of equal area; only one is needed on headcount,
	// and area passes only with one of them: the tie goes to the smaller id.
	res, err := TallyJSON([]byte(`{"rule":{"participation_area":"0","participation_owners":"0","approval_area":"1/2","approval_owners":"0"},
		"households":[{"id":"x","area":"10","vote":"disagree"},{"id":"b","area":"10","owner":"o1","vote":""},{"id":"a","area":"5","owner":"o2","vote":""},{"id":"c","area":"5","owner":"o2","vote":""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if neededText(res.Needed) != "1" {
		t.Errorf("needed = %s, want 1", neededText(res.Needed))
	}
}

func TestTallyRejectsBadInput(t *testing.T) {
	tests := []struct{ name, doc, field string }{
		{"unknown rule", `{"rule":"majority","households":[{"id":"1","area":"1"}]}`, "rule"},
		{"rule missing", `{"households":[{"id":"1","area":"1"}]}`, "rule"},
		{"fraction above 1", `{"rule":{"participation_area":"4/3","participation_owners":"2/3","approval_area":"3/4","approval_owners":"3/4"},"households":[{"id":"1","area":"1"}]}`, "rule.participation_area"},
		{"fraction with zero denominator", `{"rule":{"participation_area":"1/0","participation_owners":"2/3","approval_area":"3/4","approval_owners":"3/4"},"households":[{"id":"1","area":"1"}]}`, "rule.participation_area"},
		{"threshold missing", `{"rule":{"participation_area":"2/3","participation_owners":"2/3","approval_area":"3/4"},"households":[{"id":"1","area":"1"}]}`, "rule.approval_owners"},
		{"unknown rule field", `{"rule":{"participation":"2/3"},"households":[{"id":"1","area":"1"}]}`, "rule.participation"},
		{"unknown vote", `{"rule":"civil_code_major","households":[{"id":"1","area":"1","vote":"yes"}]}`, "households[0].vote"},
		{"zero area", `{"rule":"civil_code_major","households":[{"id":"1","area":"0"}]}`, "households[0].area"},
		{"duplicate id", `{"rule":"civil_code_major","households":[{"id":"1","area":"1"},{"id":"1","area":"2"}]}`, "households[1].id"},
		{"no households", `{"rule":"civil_code_major","households":[]}`, "households"},
		{"must_consent not boolean", `{"rule":"civil_code_major","households":[{"id":"1","area":"1","must_consent":1}]}`, "households[0].must_consent"},
		{"syntax", `{"rule":`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TallyJSON([]byte(tt.doc))
			var e *Error
			if !asError(err, &e) || e.Code != ECodeInvalid || e.Field != tt.field || !hasHan(e.Message) {
				t.Fatalf("err = %#v, want invalid on %q with a Chinese message", err, tt.field)
			}
		})
	}
}

func TestTallyOutputShape(t *testing.T) {
	res, err := TallyJSON([]byte(tallyDoc(`"civil_code_major"`, "agree:68.5", "")))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(res)
	want := `{"passed":false,"total":{"area":"78.50","owners":2},"participation":{"area":"68.50","owners":1,"area_met":true,"owners_met":false},"approval":{"area":"68.50","owners":1,"area_met":true,"owners_met":true},"must_consent_missing":[],"needed":1}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
	res, _ = TallyJSON([]byte(tallyDoc(`"civil_code_major"`, "disagree", "disagree")))
	data, _ = json.Marshal(res)
	if !strings.Contains(string(data), `"needed":null`) {
		t.Errorf("needed should be null when nobody is left to ask: %s", data)
	}
}

func TestRuleDescribe(t *testing.T) {
	major, _ := CivilCodeRule(RuleCivilCodeMajor)
	ordinary, _ := CivilCodeRule(RuleCivilCodeOrdinary)
	custom, err := ParseRule([]byte(`{"participation_area":"0.6","participation_owners":"2/3","approval_area":"0.8","approval_owners":"3/4","approval_strict":true}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		rule Rule
		want []string
	}{
		{major, []string{"第二百七十八条", "重大事项", "三分之二以上", "四分之三以上同意"}},
		{ordinary, []string{"一般事项", "过半数"}},
		{custom, []string{"约定", "60%以上", "三分之二以上", "五分之四（不含本数）以上", "四分之三（不含本数）以上"}},
	} {
		got := tt.rule.Describe()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q lacks %q", got, w)
			}
		}
	}
}
