package engine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func mustSurvey(t *testing.T, doc string) *SurveyResult {
	t.Helper()
	res, err := SurveyJSON([]byte(doc))
	if err != nil {
		t.Fatalf("SurveyJSON: %v", err)
	}
	return res
}

func TestSurveyKinds(t *testing.T) {
	res := mustSurvey(t, `{"questions":[
		{"id":"k","kind":"choose_k","k":2,"items":["甲","乙","丙"]},
		{"id":"r","kind":"rank","items":["甲","乙","丙"]},
		{"id":"s","kind":"rating"},
		{"id":"o","kind":"single","options":["支持","反对"]},
		{"id":"t","kind":"text"}],
	 "answers":[
		{"household":"1","floor":1,"answers":{"k":["乙","丙"],"r":["丙","甲","乙"],"s":5,"o":"反对","t":"好"}},
		{"household":"2","floor":2,"answers":{"k":["丙"],"r":["甲"],"s":3}},
		{"household":"3","floor":3,"answers":{"k":[],"s":4,"t":""}},
		{"household":"4","floor":4,"answers":{}}]}`)
	data, _ := json.Marshal(res)
	want := `{"households":4,"questions":[` +
		`{"id":"k","kind":"choose_k","respondents":3,"items":[{"item":"丙","count":2,"share":"66.67"},{"item":"乙","count":1,"share":"33.33"},{"item":"甲","count":0,"share":"0.00"}]},` +
		`{"id":"r","kind":"rank","respondents":2,"items":[{"item":"甲","borda":3,"first":1},{"item":"丙","borda":2,"first":1},{"item":"乙","borda":0,"first":0}]},` +
		`{"id":"s","kind":"rating","respondents":3,"distribution":{"1":0,"2":0,"3":1,"4":1,"5":1},"mean":"4.00","satisfied_share":"66.67"},` +
		`{"id":"o","kind":"single","respondents":1,"options":[{"option":"支持","count":0,"share":"0.00"},{"option":"反对","count":1,"share":"100.00"}]},` +
		`{"id":"t","kind":"text","respondents":2,"count":2}]}`
	if string(data) != want {
		t.Errorf("got  %s\nwant %s", data, want)
	}
}

func TestSurveyTies(t *testing.T) {
	// choose_k ties keep item order; rank ties go to first preferences, then item order
	res := mustSurvey(t, `{"questions":[{"id":"k","kind":"choose_k","k":3,"items":["A","B","C"]},{"id":"r","kind":"rank","items":["A","B","C","D"]}],
		"answers":[{"household":"1","answers":{"k":["C","B"],"r":["B","C","A","D"]}},{"household":"2","answers":{"k":["B","C"],"r":["C","A","B","D"]}}]}`)
	var got []string
	for _, it := range res.Questions[0].Chosen {
		got = append(got, it.Item)
	}
	if strings.Join(got, "") != "BCA" {
		t.Errorf("choose_k order %v, want B C A (ties by item order)", got)
	}
	got = nil
	for _, it := range res.Questions[1].Ranked {
		got = append(got, fmt.Sprintf("%s%d/%d", it.Item, it.Borda, it.First))
	}
	// B: 3+1=4, C: 2+3=5, A: 1+2=3, D: 0
	if strings.Join(got, " ") != "C5/1 B4/1 A3/0 D0/0" {
		t.Errorf("rank order %v", got)
	}
	res = mustSurvey(t, `{"questions":[{"id":"r","kind":"rank","items":["A","B"]}],"answers":[{"household":"1","answers":{"r":["B","A"]}},{"household":"2","answers":{"r":["A","B"]}}]}`)
	if items := res.Questions[0].Ranked; items[0].Item != "A" {
		t.Errorf("a full tie keeps item order: %+v", items)
	}
	res = mustSurvey(t, `{"questions":[{"id":"s","kind":"rating"},{"id":"o","kind":"single","options":["x","y"]}],"answers":[]}`)
	if res.Questions[0].Mean.String() != "0.00" || res.Questions[0].SatisfiedShare.String() != "0.00" || res.Questions[1].Options[0].Share.String() != "0.00" {
		t.Errorf("nobody answered: %+v", res.Questions)
	}
}

// TestBordaTotals: when everyone ranks every item, the points add up to
// respondents × n(n−1)/2.
func TestBordaTotals(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for trial := 0; trial < 200; trial++ {
		n := 2 + r.IntN(6)
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("item%d", i)
		}
		in := &SurveyInput{Questions: []Question{{ID: "r", Kind: KindRank, Items: items}}}
		resp := 1 + r.IntN(50)
		for h := 0; h < resp; h++ {
			perm := r.Perm(n)
			order := make([]string, n)
			for i, p := range perm {
				order[i] = items[p]
			}
			in.Answers = append(in.Answers, SurveyAnswer{Household: fmt.Sprint(h), Answers: map[string]any{"r": order}})
		}
		total, first := 0, 0
		for _, it := range Survey(in).Questions[0].Ranked {
			total += it.Borda
			first += it.First
		}
		if total != resp*n*(n-1)/2 || first != resp {
			t.Fatalf("%d respondents, %d items: Borda total %d, first %d", resp, n, total, first)
		}
	}
}

// TestChangzhouShares reproduces the published shares of the 常州 2021
// survey from a generated answer set of 911 households with those
// proportions (the published shares add up to 329.63 %, so residents could
// pick more than three: k = 4).
func TestChangzhouShares(t *testing.T) {
	data, err := os.ReadFile("../fixtures/survey/changzhou-2021.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := SurveyJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"增设电梯": "66.41", "楼体修缮": "54.99", "补建停车位和充电设施": "51.92", "规范物业管理": "45.66",
		"清理违建": "39.85", "养老/社区服务设施": "38.09", "抗震加固": "32.71"}
	items := res.Questions[0].Chosen
	if res.Questions[0].Respondents != 911 || items[0].Item != "增设电梯" {
		t.Fatalf("result %+v", res.Questions[0])
	}
	for _, it := range items {
		if it.Share.String() != want[it.Item] {
			t.Errorf("%s: %s%%, want %s%%", it.Item, it.Share, want[it.Item])
		}
	}
}

func TestSurveyRejects(t *testing.T) {
	q := `"questions":[{"id":"k","kind":"choose_k","k":2,"items":["甲","乙","丙"]},{"id":"r","kind":"rank","items":["甲","乙"]},{"id":"s","kind":"rating"},{"id":"o","kind":"single","options":["支持","反对"]}]`
	ans := func(a string) string { return `{` + q + `,"answers":[{"household":"1","answers":` + a + `}]}` }
	tests := []struct{ name, doc, field string }{
		{"unknown question", ans(`{"x":1}`), "answers[0].answers.x"},
		{"unknown item", ans(`{"k":["丁"]}`), "answers[0].answers.k[0]"},
		{"repeated item", ans(`{"r":["甲","甲"]}`), "answers[0].answers.r[1]"},
		{"more than k", ans(`{"k":["甲","乙","丙"]}`), "answers[0].answers.k"},
		{"rating 6", ans(`{"s":6}`), "answers[0].answers.s"},
		{"rating 0", ans(`{"s":0}`), "answers[0].answers.s"},
		{"rating 4.5", ans(`{"s":4.5}`), "answers[0].answers.s"},
		{"option not offered", ans(`{"o":"也许"}`), "answers[0].answers.o"},
		{"duplicate household", `{` + q + `,"answers":[{"household":"1","answers":{}},{"household":"1","answers":{}}]}`, "answers[1].household"},
		{"unknown kind", `{"questions":[{"id":"x","kind":"essay"}]}`, "questions[0].kind"},
		{"k above items", `{"questions":[{"id":"x","kind":"choose_k","k":4,"items":["a","b"]}]}`, "questions[0].k"},
		{"duplicate question", `{"questions":[{"id":"x","kind":"text"},{"id":"x","kind":"rating"}]}`, "questions[1].id"},
		{"duplicate item", `{"questions":[{"id":"x","kind":"rank","items":["a","a"]}]}`, "questions[0].items[1]"},
		{"no questions", `{"questions":[]}`, "questions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SurveyJSON([]byte(tt.doc))
			var e *Error
			if !asError(err, &e) || e.Code != ECodeInvalid || e.Field != tt.field || !hasHan(e.Message) {
				t.Fatalf("err = %#v, want invalid on %q with a Chinese message", err, tt.field)
			}
		})
	}
}

// FuzzSurvey: any bytes give a tally or an invalid-input error.
func FuzzSurvey(f *testing.F) {
	data, _ := os.ReadFile("../fixtures/survey/priorities.json")
	f.Add(data)
	f.Add([]byte(`{"questions":[{"id":"s","kind":"rating"}],"answers":[{"household":"1","answers":{"s":3}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := SurveyJSON(data)
		if err != nil {
			requireInvalid(t, err)
			return
		}
		for _, q := range res.Questions {
			if q.Respondents > res.Households {
				t.Fatalf("%d respondents of %d households", q.Respondents, res.Households)
			}
		}
	})
}
