package engine

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// Votes.
const (
	VoteAgree    = "agree"
	VoteDisagree = "disagree"
	VoteAbstain  = "abstain"
	VoteNone     = ""
)

// Consent rule presets (民法典 第278条).
const (
	RuleCivilCodeMajor    = "civil_code_major"
	RuleCivilCodeOrdinary = "civil_code_ordinary"
)

// MaxTallyHouseholds bounds a tally input.
const MaxTallyHouseholds = 20000

// Rule holds the consent thresholds as exact fractions.
type Rule struct {
	Name                string // preset name, "" for a custom rule
	ParticipationArea   *big.Rat
	ParticipationOwners *big.Rat
	ApprovalArea        *big.Rat
	ApprovalOwners      *big.Rat
	ApprovalStrict      bool // ">" instead of "≥"
}

// CivilCodeRule returns a preset of 民法典 第278条: participation of at least
// 2/3 of the exclusive area and of the owners; then agreement of at least
// 3/4 of the participating area and owners for 改建 (major), or more than
// half of each for ordinary matters ("过半数" is strict).
func CivilCodeRule(name string) (Rule, bool) {
	twoThirds := big.NewRat(2, 3)
	switch name {
	case RuleCivilCodeMajor:
		return Rule{Name: name, ParticipationArea: twoThirds, ParticipationOwners: twoThirds,
			ApprovalArea: big.NewRat(3, 4), ApprovalOwners: big.NewRat(3, 4)}, true
	case RuleCivilCodeOrdinary:
		return Rule{Name: name, ParticipationArea: twoThirds, ParticipationOwners: twoThirds,
			ApprovalArea: big.NewRat(1, 2), ApprovalOwners: big.NewRat(1, 2), ApprovalStrict: true}, true
	}
	return Rule{}, false
}

// TallyInput is a validated tally input.
type TallyInput struct {
	Rule       Rule
	Households []TallyHousehold
}

// TallyHousehold is one household's vote. Households with the same Owner
// are one owner; an empty Owner makes the household its own owner.
type TallyHousehold struct {
	Room        string
	Area        Area
	Owner       string
	Vote        string
	MustConsent bool
}

// TallyResult is the output of the tally contract (docs/tally.md).
type TallyResult struct {
	Passed             bool         `json:"passed"`
	Total              TallyTotal   `json:"total"`
	Participation      TallyMeasure `json:"participation"`
	Approval           TallyMeasure `json:"approval"`
	MustConsentMissing []string     `json:"must_consent_missing"`
	Needed             *int         `json:"needed"`
}

// TallyTotal is the whole 单元.
type TallyTotal struct {
	Area   Area `json:"area"`
	Owners int  `json:"owners"`
}

// TallyMeasure is one threshold pair and whether each is met.
type TallyMeasure struct {
	Area      Area `json:"area"`
	Owners    int  `json:"owners"`
	AreaMet   bool `json:"area_met"`
	OwnersMet bool `json:"owners_met"`
}

// ParseTallyInput reads and validates a tally input document.
func ParseTallyInput(data []byte) (*TallyInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "输入", "rule", "households")
	in := &TallyInput{}
	if rv, ok := r.required(m, "", "rule", "表决规则"); ok {
		in.Rule = r.rule(rv)
	}
	if hv, ok := r.required(m, "", "households", "住户列表"); ok {
		in.Households = r.tallyHouseholds(hv)
	}
	if r.err != nil {
		return nil, r.err
	}
	return in, nil
}

func (r *reader) rule(v any) Rule {
	if name, isStr := v.(string); isStr {
		rule, ok := CivilCodeRule(name)
		if !ok {
			r.fail("rule", "表决规则“%s”无效，应为 civil_code_major（改建等重大事项，3/4）、civil_code_ordinary（一般事项，过半数）或自定义对象", name)
		}
		return rule
	}
	m := r.object(v, "rule", "自定义表决规则", "participation_area", "participation_owners", "approval_area", "approval_owners", "approval_strict")
	var rule Rule
	fields := []struct {
		key, label string
		dst        **big.Rat
	}{
		{"participation_area", "参与表决的专有面积比例", &rule.ParticipationArea},
		{"participation_owners", "参与表决的人数比例", &rule.ParticipationOwners},
		{"approval_area", "同意的面积比例", &rule.ApprovalArea},
		{"approval_owners", "同意的人数比例", &rule.ApprovalOwners},
	}
	for _, f := range fields {
		if fv, ok := r.required(m, "rule", f.key, f.label); ok {
			*f.dst = r.fraction(fv, fieldPath("rule", f.key), f.label)
		}
	}
	if present(m, "approval_strict") {
		rule.ApprovalStrict = r.boolean(m["approval_strict"], "rule.approval_strict", "严格大于 approval_strict")
	}
	return rule
}

// fraction parses "2/3" or a decimal in [0, 1].
func (r *reader) fraction(v any, path, label string) *big.Rat {
	if !r.ok() {
		return nil
	}
	if s, isStr := v.(string); isStr && strings.Contains(s, "/") {
		a, b, _ := strings.Cut(s, "/")
		num, ok1 := new(big.Int).SetString(a, 10)
		den, ok2 := new(big.Int).SetString(b, 10)
		if !ok1 || !ok2 || len(a) > 9 || len(b) > 9 || den.Sign() <= 0 || num.Sign() < 0 || num.Cmp(den) > 0 {
			r.fail(path, "%s“%s”无效，应为 0 到 1 之间的分数（如 \"2/3\"）、小数（如 \"0.75\"）或百分数（如 \"75%%\"）", label, s)
			return nil
		}
		return new(big.Rat).SetFrac(num, den)
	}
	return big.NewRat(int64(r.rate(v, path, label, 0, ratioOne, false)), ratioScale)
}

func (r *reader) tallyHouseholds(v any) []TallyHousehold {
	list := r.array(v, "households", "住户列表", 1, MaxTallyHouseholds)
	return uniqueList(r, list, "households", "id", r.tallyHousehold, func(h *TallyHousehold) string { return h.Room },
		func(i int, h *TallyHousehold) string { return householdName(i, h.Room) }, duplicateID)
}

func (r *reader) tallyHousehold(v any, h *TallyHousehold) {
	hm := r.object(v, "", "", "id", "area", "owner", "vote", "must_consent")
	h.Room = r.id(hm)
	if av, ok := r.required(hm, "", "area", "的专有面积"); ok {
		h.Area = Area(r.scaled(av, "area", "的专有面积（平方米）", 2, 0, maxAreaScaled, true, false))
	}
	if present(hm, "owner") {
		h.Owner = r.str(hm["owner"], "owner", "的业主", 64)
	}
	if present(hm, "vote") {
		h.Vote = r.str(hm["vote"], "vote", "的表决意见", 16)
		switch h.Vote {
		case VoteAgree, VoteDisagree, VoteAbstain, VoteNone:
		default:
			r.fail("vote", "的表决意见“%s”无效，应为 agree（同意）、disagree（不同意）、abstain（弃权）或空（未表决）", h.Vote)
		}
	}
	if present(hm, "must_consent") {
		h.MustConsent = r.boolean(hm["must_consent"], "must_consent", "的必须同意标记")
	}
}

// TallyJSON parses a tally input document and counts it.
func TallyJSON(data []byte) (*TallyResult, error) {
	in, err := ParseTallyInput(data)
	if err != nil {
		return nil, err
	}
	return Tally(in)
}

// owner is one person by headcount (民法典 第278条: one exclusive unit is one
// owner; one person owning several units counts once).
type owner struct {
	area  int64
	vote  string
	minID string
	first int // index of the owner's first household, for messages
}

// Tally counts the votes against the rule (docs/tally.md). It fails when one
// owner's households carry different votes.
func Tally(in *TallyInput) (*TallyResult, error) {
	owners, err := groupOwners(in.Households)
	if err != nil {
		return nil, err
	}
	var c count
	var undecided []*owner
	for _, o := range owners {
		c.totalArea += o.area
		c.totalOwners++
		if o.vote == VoteNone {
			undecided = append(undecided, o)
			continue
		}
		c.partArea += o.area
		c.partOwners++
		if o.vote == VoteAgree {
			c.agreeArea += o.area
			c.agreeOwners++
		}
	}
	res := &TallyResult{
		Total:              TallyTotal{Area: Area(c.totalArea), Owners: c.totalOwners},
		MustConsentMissing: []string{},
	}
	pa, po, aa, ao := c.met(in.Rule)
	res.Participation = TallyMeasure{Area: Area(c.partArea), Owners: c.partOwners, AreaMet: pa, OwnersMet: po}
	res.Approval = TallyMeasure{Area: Area(c.agreeArea), Owners: c.agreeOwners, AreaMet: aa, OwnersMet: ao}
	for _, h := range in.Households {
		if h.MustConsent && h.Vote != VoteAgree {
			res.MustConsentMissing = append(res.MustConsentMissing, h.Room)
		}
	}
	sort.Strings(res.MustConsentMissing)
	thresholds := pa && po && aa && ao
	res.Passed = thresholds && len(res.MustConsentMissing) == 0
	res.Needed = c.needed(in.Rule, thresholds, undecided)
	return res, nil
}

func groupOwners(hs []TallyHousehold) ([]*owner, error) {
	byKey := make(map[string]*owner, len(hs))
	owners := make([]*owner, 0, len(hs))
	for i, h := range hs {
		key := "id:" + h.Room
		if h.Owner != "" {
			key = "owner:" + h.Owner
		}
		o, ok := byKey[key]
		if !ok {
			o = &owner{vote: h.Vote, minID: h.Room, first: i}
			byKey[key] = o
			owners = append(owners, o)
		} else if o.vote != h.Vote {
			return nil, Invalidf(fieldPath(indexPath("households", i), "vote"),
				"第%d户（%s）与第%d户属于同一业主“%s”，但表决意见不同（%s / %s）；同一业主只能有一个意见",
				i+1, h.Room, o.first+1, h.Owner, VoteName(h.Vote), VoteName(o.vote))
		}
		o.area += int64(h.Area)
		if h.Room < o.minID {
			o.minID = h.Room
		}
	}
	return owners, nil
}

// VoteName is the Chinese word for a vote ("" is 未表决).
func VoteName(v string) string {
	switch v {
	case VoteAgree:
		return "同意"
	case VoteDisagree:
		return "不同意"
	case VoteAbstain:
		return "弃权"
	}
	return "未表决"
}

type count struct {
	totalArea, partArea, agreeArea       int64
	totalOwners, partOwners, agreeOwners int
}

// atLeast reports x ≥ f × of (or x > f × of when strict), exactly.
func atLeast(x, of int64, f *big.Rat, strict bool) bool {
	lhs := new(big.Int).Mul(big.NewInt(x), f.Denom())
	rhs := new(big.Int).Mul(big.NewInt(of), f.Num())
	c := lhs.Cmp(rhs)
	if strict {
		return c > 0
	}
	return c >= 0
}

func (c count) met(rule Rule) (partArea, partOwners, agreeArea, agreeOwners bool) {
	partArea = atLeast(c.partArea, c.totalArea, rule.ParticipationArea, false)
	partOwners = atLeast(int64(c.partOwners), int64(c.totalOwners), rule.ParticipationOwners, false)
	agreeArea = atLeast(c.agreeArea, c.partArea, rule.ApprovalArea, rule.ApprovalStrict)
	agreeOwners = atLeast(int64(c.agreeOwners), int64(c.partOwners), rule.ApprovalOwners, rule.ApprovalStrict)
	return
}

// needed is the smallest number of undecided owners whose agreement makes
// the thresholds pass, taking them largest area first (ties: smallest
// household id first); 0 if they pass already, nil if all of them would not.
func (c count) needed(rule Rule, already bool, undecided []*owner) *int {
	k := 0
	if already {
		return &k
	}
	sort.SliceStable(undecided, func(i, j int) bool {
		if undecided[i].area != undecided[j].area {
			return undecided[i].area > undecided[j].area
		}
		return undecided[i].minID < undecided[j].minID
	})
	for _, o := range undecided {
		k++
		c.partArea += o.area
		c.agreeArea += o.area
		c.partOwners++
		c.agreeOwners++
		if a, b, d, e := c.met(rule); a && b && d && e {
			return &k
		}
	}
	return nil
}

// Describe says the rule in plain Chinese, for residents and printouts.
func (r Rule) Describe() string {
	if r.ParticipationArea == nil {
		return ""
	}
	cmp := "以上"
	if r.ApprovalStrict {
		cmp = "（不含本数）以上"
	}
	text := fmt.Sprintf("参与表决的专有面积达到总面积的%s以上、人数达到总人数的%s以上，并经参与表决者中专有面积%s%s、人数%s%s同意",
		FractionText(r.ParticipationArea), FractionText(r.ParticipationOwners),
		FractionText(r.ApprovalArea), cmp, FractionText(r.ApprovalOwners), cmp)
	switch r.Name {
	case RuleCivilCodeMajor:
		return "按《民法典》第二百七十八条（改建、重建建筑物等重大事项）：" + text
	case RuleCivilCodeOrdinary:
		return "按《民法典》第二百七十八条（一般事项）：参与表决的专有面积和人数均达到三分之二以上，并经参与表决者中专有面积和人数均过半数同意"
	}
	return "按约定的表决规则：" + text
}

// FractionText writes 2/3 as 三分之二 and other values as percentages.
func FractionText(f *big.Rat) string {
	names := map[string]string{"1/2": "二分之一", "2/3": "三分之二", "3/4": "四分之三", "1/3": "三分之一", "4/5": "五分之四", "1/1": "全部", "0/1": "零"}
	if n, ok := names[f.String()]; ok {
		return n
	}
	pct := new(big.Rat).Mul(f, big.NewRat(100, 1))
	return strings.TrimRight(strings.TrimRight(pct.FloatString(4), "0"), ".") + "%"
}

// Thresholds are a rule's four fractions as percentages (rounded half up
// to two decimals: for display; the tally compares the exact fractions).
type Thresholds struct {
	ParticipationArea   Percent `json:"participation_area"`
	ParticipationOwners Percent `json:"participation_owners"`
	ApprovalArea        Percent `json:"approval_area"`
	ApprovalOwners      Percent `json:"approval_owners"`
	ApprovalStrict      bool    `json:"approval_strict"`
}

// Thresholds spells the rule out for display.
func (r Rule) Thresholds() Thresholds {
	return Thresholds{ratPercent(r.ParticipationArea), ratPercent(r.ParticipationOwners),
		ratPercent(r.ApprovalArea), ratPercent(r.ApprovalOwners), r.ApprovalStrict}
}

// ratPercent is round_half_up(f × 100, 2) in hundredths.
func ratPercent(f *big.Rat) Percent {
	if f == nil {
		return 0
	}
	x := new(big.Rat).Mul(f, big.NewRat(10000, 1))
	q, m := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return Percent(q.Int64())
}

// ParseRule reads a tally rule: a preset name or a custom object.
func ParseRule(data []byte) (Rule, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return Rule{}, err
	}
	r := &reader{}
	rule := r.rule(doc)
	if r.err != nil {
		return Rule{}, r.err
	}
	return rule, nil
}
