package pdf

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/renovote/renovote/engine"
	"github.com/renovote/renovote/fixtures"
	"github.com/renovote/renovote/templates"
)

func renderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := New(templates.Font, templates.AgreementClauses)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// demo builds the demo building with its published scenario A.
func demo(t testing.TB) (*engine.Project, *engine.Scenario, *engine.CalcInput, *engine.CalcResult) {
	t.Helper()
	data, err := fixtures.FS.ReadFile("scenarios/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	json.Unmarshal(data, &doc)
	var hs []struct {
		ID       string `json:"id"`
		Floor    int    `json:"floor"`
		Area     engine.Area
		Owner    string `json:"owner"`
		Hardship bool   `json:"hardship"`
	}
	json.Unmarshal(doc["households"], &hs)
	p := &engine.Project{ID: 7, Name: "幸福里小区3号楼2单元", Address: "幸福路88号", Floors: 6}
	for i, h := range hs {
		p.Households = append(p.Households, engine.Household{ID: int64(100 + i), Room: h.ID, Floor: h.Floor, Area: h.Area,
			OwnerName: h.Owner, Phone: "1380013" + strings.Repeat("0", 3) + string(rune('0'+i%10)), Hardship: h.Hardship, MustConsent: h.Floor == 1})
	}
	delete(doc, "households")
	input, _ := json.Marshal(doc)
	in, res, err := engine.ComputeScenario(p, input)
	if err != nil {
		t.Fatal(err)
	}
	published := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	sc := &engine.Scenario{ID: 3, ProjectID: p.ID, Name: "方案A（系数×面积，30%首付+24期）", Status: engine.ScenarioPublished,
		SHA256: "b9cbd83d37daeed28f908b78d4160cd94108596efadfa67d1c37b653c213ae64", CreatedAt: published, PublishedAt: &published}
	return p, sc, in, res
}

func demoAgreement(t testing.TB, room string, decided bool) *Agreement {
	p, sc, in, res := demo(t)
	a := &Agreement{Project: p, Scenario: sc, Input: in, Result: res, Deadline: time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC),
		Anchor: testAnchor, KeyFingerprint: testKey, SummaryURL: "https://renovote.example/p/q7Xv2KdM9sLw"}
	major, _ := engine.CivilCodeRule(engine.RuleCivilCodeMajor)
	a.RuleText = major.Describe()
	for _, h := range p.Households {
		if h.Room == room {
			a.Household = h
		}
	}
	if decided {
		// a project whose worker filled in the particulars; the unsigned
		// copy shows the blanks of one that did not
		p.Terms = engine.Terms{PartyA: "幸福里社区3号楼2单元加装电梯业主代表小组", PartyARep: "李建国", AccountName: "幸福里社区居民委员会",
			AccountBank: "中国工商银行杭州幸福路支行", AccountNumber: "1202 0210 0900 1234 567", CompensationBy: "2027-09-30"}
		a.Decision = &engine.Decision{ID: 42, Vote: engine.VoteAgree, SignerName: a.Household.OwnerName, SignaturePNG: scribble(t),
			Method: engine.DecisionOnline, Code: "20461-7KQ2M-9XD4H", CreatedAt: time.Date(2026, 12, 3, 6, 30, 0, 0, time.UTC)}
		a.VerifyURL = "https://renovote.example/verify/20461-7KQ2M-9XD4H"
	}
	return a
}

func scribble(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 300, 120))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for x := 10; x < 290; x++ {
		y := 60 + (x%40-20)/2
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.Gray{0})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func scenarioInput(t testing.TB) []byte {
	data, err := fixtures.FS.ReadFile("scenarios/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	json.Unmarshal(data, &doc)
	delete(doc, "households")
	delete(doc, "compensations")
	delete(doc, "floors")
	out, _ := json.Marshal(doc)
	return out
}

// testAnchor and testKey are what the service passes: a chain head and the
// fingerprint of the checkpoint key.
var (
	testAnchor = engine.Anchor{Seq: 57, Hash: "3f9a1c2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef"}
	testKey    = "9c1e-77ab-0f3d-52c8-a4e1-6b09-d2f7-3a85"
)
