package engine

import (
	"testing"
	"time"
)

func TestProjectStage(t *testing.T) {
	for _, c := range []struct {
		published          bool
		state              string
		started, completed bool
		want               string
	}{
		{false, "", false, false, StagePreparing},
		{true, StateOpen, false, false, StageVoting},
		{true, StatePreliminary, false, false, StageVoting},
		{true, StateObjections, false, false, StagePosted},
		{true, StateFinal, false, false, StagePosted},
		{true, StateFinal, true, false, StageWorks},
		{true, StateFinal, true, true, StageDelivered},
		{true, StateFinal, false, true, StageDelivered},
		// works recorded while the vote is still open do not skip the vote
		{true, StateOpen, true, false, StageVoting},
	} {
		if got := ProjectStage(c.published, c.state, c.started, c.completed); got != c.want {
			t.Errorf("ProjectStage(%v, %q, %v, %v) = %s, want %s", c.published, c.state, c.started, c.completed, got, c.want)
		}
	}
}

func TestCheckOrg(t *testing.T) {
	district := &Org{ID: 1, Name: "西湖区", Kind: OrgDistrict}
	street := &Org{ID: 2, Name: "北山街道", Kind: OrgStreet, ParentID: 1}
	for _, c := range []struct {
		org    Org
		parent *Org
		field  string // "" valid
	}{
		{Org{Name: "西湖区", Kind: OrgDistrict}, nil, ""},
		{Org{Name: "北山街道", Kind: OrgStreet, ParentID: 1}, district, ""},
		{Org{Name: "宝石社区", Kind: OrgCommunity, ParentID: 2}, street, ""},
		{Org{Name: " ", Kind: OrgDistrict}, nil, "name"},
		{Org{Name: "杭州市", Kind: "市"}, nil, "kind"},
		{Org{Name: "滨江区", Kind: OrgDistrict, ParentID: 1}, district, "parent_id"},
		{Org{Name: "长河街道", Kind: OrgStreet}, nil, "parent_id"},
		{Org{Name: "长河街道", Kind: OrgStreet, ParentID: 2}, street, "parent_id"},
		{Org{Name: "宝石社区", Kind: OrgCommunity, ParentID: 1}, district, "parent_id"},
		{Org{Name: "宝石社区", Kind: OrgCommunity, ParentID: 9}, nil, "parent_id"},
	} {
		err := CheckOrg(c.org, c.parent)
		if got := fieldOf(err); got != c.field {
			t.Errorf("CheckOrg(%+v) = %v, want field %q", c.org, err, c.field)
		}
	}
}

func TestCheckRole(t *testing.T) {
	district := &Org{ID: 1, Name: "西湖区", Kind: OrgDistrict}
	street := &Org{ID: 2, Name: "北山街道", Kind: OrgStreet}
	community := &Org{ID: 3, Name: "宝石社区", Kind: OrgCommunity}
	for _, c := range []struct {
		role  string
		admin bool
		org   *Org
		field string
	}{
		{"", true, nil, ""},
		{RoleWorker, false, community, ""},
		{RoleLead, false, community, ""},
		{RoleSupervisor, false, street, ""},
		{RoleAuditor, false, district, ""},
		{RoleSupervisor, false, community, "org_id"},
		{RoleLead, false, street, "org_id"},
		{RoleAuditor, false, street, "org_id"},
		{RoleWorker, false, nil, "org_id"},
		{"boss", false, community, "role"},
		{"", false, community, "role"},
	} {
		id := int64(0)
		if c.org != nil {
			id = c.org.ID
		}
		if got := fieldOf(CheckRole(c.role, c.admin, id, c.org)); got != c.field {
			t.Errorf("CheckRole(%q, admin %v, %v): field %q, want %q", c.role, c.admin, c.org, got, c.field)
		}
	}
}

func TestSubtree(t *testing.T) {
	orgs := []Org{{ID: 1, Kind: OrgDistrict}, {ID: 2, ParentID: 1}, {ID: 3, ParentID: 2}, {ID: 4, ParentID: 2}, {ID: 5, ParentID: 1}, {ID: 6, ParentID: 5}}
	for root, want := range map[int64][]int64{1: {1, 2, 3, 4, 5, 6}, 2: {2, 3, 4}, 5: {5, 6}, 4: {4}} {
		got := Subtree(orgs, root)
		if len(got) != len(want) {
			t.Errorf("Subtree(%d) = %v, want %v", root, got, want)
		}
		for _, id := range want {
			if !got[id] {
				t.Errorf("Subtree(%d) lacks %d", root, id)
			}
		}
	}
}

func TestOverviewOf(t *testing.T) {
	now := time.Date(2027, 3, 10, 4, 0, 0, 0, time.UTC)
	opened := now.AddDate(0, 0, -20)
	closed := now.AddDate(0, 0, -15)
	final := now.AddDate(0, 0, -5)
	f := OverviewFacts{ProjectID: 7, Name: "幸福里3号楼2单元", Households: 4,
		Ballot: &Ballot{ID: 1, Rule: []byte(`"civil_code_major"`), OpenedAt: opened, Deadline: closed, ClosedAt: &closed},
		Result: &BallotResult{BallotID: 1, ObjectionDays: 7, FinalizedAt: &final, Passed: true},
		// 4 flats of 100 m², 4 owners; 3 took part, all agreed
		AreaAll: 40000, AreaVoted: 30000, AreaAgree: 30000, OwnersAll: 4, OwnersVoted: 3, OwnersAgree: 3,
		Paid: 500000, Refunded: 100000, Due: 1200000,
		Stages:         []Stage{{Name: "开工", Actual: "2027-03-01"}, {Name: "交付使用"}},
		LastInspection: "2027-03-07",
		Feedback: []*Feedback{
			{CreatedAt: now.AddDate(0, 0, -9), AnsweredAt: ptr(now.AddDate(0, 0, -8)), ClosedAt: ptr(now.AddDate(0, 0, -7)), Rating: "满意"},
			{CreatedAt: now.AddDate(0, 0, -9), AnsweredAt: ptr(now.AddDate(0, 0, -4)), ClosedAt: ptr(now.AddDate(0, 0, -3)), Rating: "不满意"},
			{CreatedAt: now.AddDate(0, 0, -1)},
		}}
	r := OverviewOf(f, now)
	if r.Stage != StageWorks || r.BallotState != StateFinal || r.WorksStarted != "2027-03-01" || r.Completed != "" {
		t.Errorf("stage: %+v", r)
	}
	if r.Consent == nil || r.Consent.AreaParticipation != 7500 || r.Consent.AreaApproval != 10000 || !r.Consent.Reached || r.Consent.NeedApproval != 7500 {
		t.Errorf("consent: %+v", r.Consent)
	}
	if r.Collected != 400000 || r.Due != 1200000 {
		t.Errorf("money: collected %s due %s", r.Collected, r.Due)
	}
	if r.Complaints != 3 || r.AnsweredIn3 != 1 || r.Rated != 2 || r.Satisfaction != 5000 {
		t.Errorf("feedback: %+v", r)
	}
	if r.DaysSince == nil || *r.DaysSince != 3 {
		t.Errorf("days since the inspection: %v", r.DaysSince)
	}
	tot := SumOverview([]OverviewRow{r, OverviewOf(OverviewFacts{ProjectID: 8, Households: 6}, now)})
	if tot.Projects != 2 || tot.Households != 10 || tot.Stages[StagePreparing] != 1 || tot.Stages[StageWorks] != 1 || tot.Satisfaction != 5000 || tot.Rated != 2 {
		t.Errorf("totals: %+v", tot)
	}
}

func ptr[T any](v T) *T { return &v }

func fieldOf(err error) string {
	if err == nil {
		return ""
	}
	e, ok := err.(*Error)
	if !ok {
		return "?"
	}
	return e.Field
}
