package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Question kinds of the questionnaire contract (docs/questionnaire.md).
const (
	KindChooseK = "choose_k" // pick up to k items (最重要的三项)
	KindRank    = "rank"     // order the items (Borda count)
	KindRating  = "rating"   // 1..5 (满意度)
	KindSingle  = "single"   // one of several options
	KindText    = "text"     // free suggestions, for workers only
)

// Question is one question of a questionnaire.
type Question struct {
	ID      string
	Kind    string
	Text    string   // the wording residents read (optional)
	K       int      // choose_k
	Items   []string // choose_k, rank
	Options []string // single
}

// SurveyAnswer is one household's answers, by question id: []string for
// choose_k and rank, int for rating, string for single and text.
type SurveyAnswer struct {
	Household string
	Floor     int
	Answers   map[string]any
}

// SurveyInput is a validated questionnaire with its answers.
type SurveyInput struct {
	Questions []Question
	Answers   []SurveyAnswer
}

// SurveyResult is the output of the questionnaire contract.
type SurveyResult struct {
	Households int              `json:"households"`
	Questions  []QuestionResult `json:"questions"`
}

// QuestionResult is one question's tally; which fields are set depends on
// the kind.
type QuestionResult struct {
	ID             string         `json:"id"`
	Kind           string         `json:"kind"`
	Respondents    int            `json:"respondents"`
	Chosen         []ItemCount    // choose_k, ranked by count ("items" in JSON)
	Ranked         []ItemBorda    // rank, ranked by Borda points ("items" in JSON)
	Options        []OptionCount  // single
	Distribution   map[string]int // rating
	Mean           *Percent       // rating
	SatisfiedShare *Percent       // rating
	Count          *int           // text
}

// MarshalJSON writes the contract's shape: choose_k and rank items both
// under "items".
func (q QuestionResult) MarshalJSON() ([]byte, error) {
	var items json.RawMessage
	var err error
	switch {
	case q.Chosen != nil:
		items, err = json.Marshal(q.Chosen)
	case q.Ranked != nil:
		items, err = json.Marshal(q.Ranked)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(struct {
		ID             string          `json:"id"`
		Kind           string          `json:"kind"`
		Respondents    int             `json:"respondents"`
		Items          json.RawMessage `json:"items,omitempty"`
		Options        []OptionCount   `json:"options,omitempty"`
		Distribution   map[string]int  `json:"distribution,omitempty"`
		Mean           *Percent        `json:"mean,omitempty"`
		SatisfiedShare *Percent        `json:"satisfied_share,omitempty"`
		Count          *int            `json:"count,omitempty"`
	}{q.ID, q.Kind, q.Respondents, items, q.Options, q.Distribution, q.Mean, q.SatisfiedShare, q.Count})
}

// ItemCount is a choose_k item.
type ItemCount struct {
	Item  string  `json:"item"`
	Count int     `json:"count"`
	Share Percent `json:"share"`
}

// ItemBorda is a rank item.
type ItemBorda struct {
	Item  string `json:"item"`
	Borda int    `json:"borda"`
	First int    `json:"first"`
}

// OptionCount is a single-choice option.
type OptionCount struct {
	Option string  `json:"option"`
	Count  int     `json:"count"`
	Share  Percent `json:"share"`
}

// Percent is a value in hundredths, written with two decimals ("66.41").
type Percent int64

// MarshalJSON writes "66.41".
func (p Percent) MarshalJSON() ([]byte, error) { return []byte(`"` + fixed2(int64(p)) + `"`), nil }

// String is "66.41".
func (p Percent) String() string { return fixed2(int64(p)) }

// RatioHundredths is num / den as a percent, rounded half-up to two
// decimals; 0 when den is 0.
func RatioHundredths(num, den int64) Percent { return ratioHundredths(num, den) }

// ratioHundredths is round_half_up(num / den × 100, 2) in hundredths;
// 0 when den is 0.
func ratioHundredths(num, den int64) Percent {
	if den == 0 {
		return 0
	}
	return Percent(roundHalfUpDiv(num*10000, den))
}

const (
	maxQuestions = 100
	maxItems     = 100
	maxAnswers   = 20000
)

// ParseSurveyInput reads and validates a questionnaire with its answers.
func ParseSurveyInput(data []byte) (*SurveyInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "输入", "questions", "answers")
	in := &SurveyInput{}
	if v, ok := r.required(m, "", "questions", "问题列表"); ok {
		in.Questions = r.questions(v)
	}
	if present(m, "answers") {
		in.Answers = r.surveyAnswers(m["answers"], in.Questions)
	}
	if r.err != nil {
		return nil, r.err
	}
	return in, nil
}

func (r *reader) questions(v any) []Question {
	list := r.array(v, "questions", "问题列表", 1, maxQuestions)
	return uniqueList(r, list, "questions", "id", r.question, func(q *Question) string { return q.ID },
		func(i int, _ *Question) string { return fmt.Sprintf("第%d题", i+1) },
		func(i, j int, id string) string {
			return fmt.Sprintf("第%d题的编号“%s”与第%d题重复", i, id, j)
		})
}

func (r *reader) question(v any, q *Question) {
	m := r.object(v, "", "", "id", "kind", "k", "items", "options", "text")
	if idv, ok := r.required(m, "", "id", "的编号"); ok {
		q.ID = r.str(idv, "id", "的编号", MaxIDRunes)
		if r.ok() && q.ID == "" {
			r.fail("id", "的编号不能为空")
		}
	}
	if present(m, "text") {
		q.Text = r.str(m["text"], "text", "的题目文字", 200)
	}
	if kv, ok := r.required(m, "", "kind", "的题型"); ok {
		q.Kind = r.str(kv, "kind", "的题型", 16)
	}
	if !r.ok() {
		return
	}
	switch q.Kind {
	case KindChooseK, KindRank:
		if iv, ok := r.required(m, "", "items", "的选项 items"); ok {
			q.Items = r.labels(iv, "items", "的选项", 1)
		}
		if q.Kind == KindChooseK {
			if kv, ok := r.required(m, "", "k", "最多可选几项 k"); ok {
				q.K = r.integer(kv, "k", "最多可选几项 k", 1, max(1, len(q.Items)))
			}
		} else if present(m, "k") {
			r.fail("k", "排序题不需要 k")
		}
		if present(m, "options") {
			r.fail("options", "%s题用 items，不用 options", kindName(q.Kind))
		}
	case KindSingle:
		if ov, ok := r.required(m, "", "options", "的选项 options"); ok {
			q.Options = r.labels(ov, "options", "的选项", 2)
		}
		if present(m, "items") || present(m, "k") {
			r.fail("items", "单选题用 options，不用 items 或 k")
		}
	case KindRating, KindText:
		if present(m, "items") || present(m, "options") || present(m, "k") {
			r.fail("items", "%s题没有选项", kindName(q.Kind))
		}
	default:
		r.fail("kind", "的题型“%s”无效，应为 choose_k（多选）、rank（排序）、rating（评分）、single（单选）或 text（意见）", q.Kind)
	}
}

func kindName(kind string) string {
	return map[string]string{KindChooseK: "多选", KindRank: "排序", KindRating: "评分", KindSingle: "单选", KindText: "意见"}[kind]
}

// labels reads a list of distinct, non-empty item or option texts.
func (r *reader) labels(v any, path, label string, min int) []string {
	list := r.array(v, path, label, min, maxItems)
	out := make([]string, 0, len(list))
	seen := map[string]bool{}
	for i, lv := range list {
		s := r.str(lv, indexPath(path, i), label, 100)
		if r.ok() && s == "" {
			r.fail(indexPath(path, i), "%s不能为空", label)
		}
		if r.ok() && seen[s] {
			r.fail(indexPath(path, i), "%s“%s”重复", label, s)
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

func (r *reader) surveyAnswers(v any, qs []Question) []SurveyAnswer {
	list := r.array(v, "answers", "答卷列表", 0, maxAnswers)
	byID := map[string]*Question{}
	for i := range qs {
		byID[qs[i].ID] = &qs[i]
	}
	return uniqueList(r, list, "answers", "household", func(v any, a *SurveyAnswer) { r.surveyAnswer(v, a, byID) },
		func(a *SurveyAnswer) string { return a.Household },
		func(i int, a *SurveyAnswer) string {
			if a.Household != "" {
				return fmt.Sprintf("第%d份答卷（%s）", i+1, a.Household)
			}
			return fmt.Sprintf("第%d份答卷", i+1)
		},
		func(i, j int, household string) string {
			return fmt.Sprintf("第%d份答卷的住户“%s”与第%d份重复：每户只有一份答卷", i, household, j)
		})
}

func (r *reader) surveyAnswer(v any, a *SurveyAnswer, byID map[string]*Question) {
	m := r.object(v, "", "", "household", "floor", "answers")
	if hv, ok := r.required(m, "", "household", "的住户编号"); ok {
		a.Household = r.str(hv, "household", "的住户编号", MaxIDRunes)
		if r.ok() && a.Household == "" {
			r.fail("household", "的住户编号不能为空")
		}
	}
	if present(m, "floor") {
		a.Floor = r.integer(m["floor"], "floor", "的楼层", 1, MaxFloors)
	}
	a.Answers = map[string]any{}
	if !present(m, "answers") {
		return
	}
	am, isObj := m["answers"].(map[string]any)
	if !isObj {
		r.fail("answers", "的回答应为 JSON 对象（{\"问题编号\": 回答}），收到%s", describe(m["answers"]))
		return
	}
	keys := make([]string, 0, len(am))
	for k := range am {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, qid := range keys {
		path := fieldPath("answers", qid)
		q, ok := byID[qid]
		if !r.ok() {
			return
		}
		if !ok {
			r.fail(path, "回答了不存在的问题“%s”", qid)
			return
		}
		val := am[qid]
		if val == nil {
			continue // null: not answered
		}
		switch q.Kind {
		case KindChooseK, KindRank:
			picked := r.array(val, path, "对“"+qid+"”的回答", 0, len(q.Items))
			items := make([]string, 0, len(picked))
			seen := map[string]bool{}
			for i, pv := range picked {
				s := r.str(pv, indexPath(path, i), "选项", 100)
				switch {
				case !r.ok():
				case !contains(q.Items, s):
					r.fail(indexPath(path, i), "对“%s”的回答中有不存在的选项“%s”", qid, s)
				case seen[s]:
					r.fail(indexPath(path, i), "对“%s”的回答中选项“%s”重复", qid, s)
				}
				seen[s] = true
				items = append(items, s)
			}
			if r.ok() && q.Kind == KindChooseK && len(items) > q.K {
				r.fail(path, "对“%s”最多选 %d 项，选了 %d 项", qid, q.K, len(items))
			}
			a.Answers[qid] = items
		case KindRating:
			a.Answers[qid] = r.integer(val, path, "对“"+qid+"”的评分", 1, 5)
		case KindSingle:
			s := r.str(val, path, "对“"+qid+"”的回答", 100)
			if r.ok() && !contains(q.Options, s) {
				r.fail(path, "对“%s”的回答“%s”不是选项之一", qid, s)
			}
			a.Answers[qid] = s
		case KindText:
			a.Answers[qid] = r.str(val, path, "对“"+qid+"”的意见", 2000)
		}
	}
}

// SurveyJSON parses a questionnaire document and tallies it.
func SurveyJSON(data []byte) (*SurveyResult, error) {
	in, err := ParseSurveyInput(data)
	if err != nil {
		return nil, err
	}
	return Survey(in), nil
}

// Survey tallies the answers of a validated questionnaire (docs/questionnaire.md).
func Survey(in *SurveyInput) *SurveyResult {
	res := &SurveyResult{Households: len(in.Answers), Questions: make([]QuestionResult, len(in.Questions))}
	for i, q := range in.Questions {
		res.Questions[i] = tallyQuestion(q, in.Answers)
	}
	return res
}

func tallyQuestion(q Question, answers []SurveyAnswer) QuestionResult {
	out := QuestionResult{ID: q.ID, Kind: q.Kind}
	var given []any
	for _, a := range answers {
		if v, ok := a.Answers[q.ID]; ok {
			given = append(given, v)
		}
	}
	n := len(given)
	out.Respondents = n
	switch q.Kind {
	case KindChooseK:
		counts := map[string]int{}
		for _, v := range given {
			for _, it := range v.([]string) {
				counts[it]++
			}
		}
		items := make([]ItemCount, len(q.Items))
		for i, it := range q.Items {
			items[i] = ItemCount{Item: it, Count: counts[it], Share: ratioHundredths(int64(counts[it]), int64(n))}
		}
		sort.SliceStable(items, func(a, b int) bool { return items[a].Count > items[b].Count })
		out.Chosen = items
	case KindRank:
		borda, first := map[string]int{}, map[string]int{}
		nItems := len(q.Items)
		for _, v := range given {
			for p, it := range v.([]string) {
				borda[it] += nItems - (p + 1)
				if p == 0 {
					first[it]++
				}
			}
		}
		items := make([]ItemBorda, len(q.Items))
		for i, it := range q.Items {
			items[i] = ItemBorda{Item: it, Borda: borda[it], First: first[it]}
		}
		sort.SliceStable(items, func(a, b int) bool {
			if items[a].Borda != items[b].Borda {
				return items[a].Borda > items[b].Borda
			}
			return items[a].First > items[b].First
		})
		out.Ranked = items
	case KindRating:
		out.Distribution = map[string]int{"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
		sum, satisfied := 0, 0
		for _, v := range given {
			x := v.(int)
			out.Distribution[strconv.Itoa(x)]++
			sum += x
			if x >= 4 {
				satisfied++
			}
		}
		mean := ratioHundredths(int64(sum), int64(n)*100)
		share := ratioHundredths(int64(satisfied), int64(n))
		out.Mean, out.SatisfiedShare = &mean, &share
	case KindSingle:
		counts := map[string]int{}
		for _, v := range given {
			counts[v.(string)]++
		}
		out.Options = make([]OptionCount, len(q.Options))
		for i, o := range q.Options {
			out.Options[i] = OptionCount{Option: o, Count: counts[o], Share: ratioHundredths(int64(counts[o]), int64(n))}
		}
	case KindText:
		out.Count = &n
	}
	return out
}
