package http_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	apphttp "github.com/renovote/renovote/http"
	"github.com/renovote/renovote/store"
	"github.com/renovote/renovote/store/storetest"
)

// titledWorkbook is an Excel workbook as a 街道 office keeps its list: a
// title row, a blank row, then the header and the households.
func titledWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	all := append([][]any{{"幸福里3号楼2单元 住户名单（2026年12月）"}, {}}, rows...)
	for i, r := range all {
		if len(r) == 0 {
			continue // a row left blank, as Excel leaves it
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell("Sheet1", "A1", "F1"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gbkCSV is text as Excel saves a CSV on Chinese Windows.
func gbkCSV(t *testing.T, text string) string {
	t.Helper()
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	return gbk
}

// TestImportUnderATitle: a GBK CSV and an excelize workbook with a title
// row and a blank row above the header import; the preview of each says
// what would be added, changed and removed and writes nothing; a mistake
// is numbered as the file numbers its rows.
func TestImportUnderATitle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		p := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "标题行", "floors": 6}).want(201).json()
		path := fmt.Sprintf("/api/v1/projects/%v/households", p["id"])
		csv := gbkCSV(t, "幸福里3号楼2单元 住户名单,,,,\r\n\r\n,,,,\r\n房号,楼层,面积,业主,电话\r\n101,1,68.50,张三,13800001111\r\n201,2,86.20,李四,\r\n")
		// the preview of a first import: all added, nothing written
		before := counts(t, s)
		pv := e.do("PUT", path+"?preview=1", "a", csv, "Content-Type", "text/csv").want(200).json()
		if a := pv["added"].([]any); len(a) != 2 || a[0].(map[string]any)["room"] != "101" || a[0].(map[string]any)["owner"] != "张三" ||
			len(pv["changed"].([]any)) != 0 || len(pv["removed"].([]any)) != 0 {
			t.Fatalf("preview of the GBK CSV: %v", pv)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a preview wrote something:\nbefore %s\nafter  %s", before, after)
		}
		hs := e.do("PUT", path, "a", csv, "Content-Type", "text/csv").want(200).json()["households"].([]any)
		if len(hs) != 2 || hs[1].(map[string]any)["area"] != "86.20" || hs[0].(map[string]any)["phone"] != "13800001111" {
			t.Fatalf("GBK CSV under a title imported as %v", hs)
		}
		// a workbook under a title: 101 unchanged, 201 changed, 301 new
		book := titledWorkbook(t, [][]any{{"房号", "楼层", "面积", "业主", "电话", "困难户"}, {"101", 1, "68.50", "张三", "13800001111", "否"},
			{"201", 2, 87.1, "李四", "13900002222", "是"}, {"301", 3, "70", "王五", "", "否"}})
		before = counts(t, s)
		pv = e.do("PUT", path+"?preview=1", "a", book, "Content-Type", xlsx).want(200).json()
		got := fmt.Sprint(pv["changed"])
		if want := "[map[fields:[map[field:area from:86.20 to:87.10] map[field:phone from: to:13900002222] map[field:hardship from:false to:true]] room:201]]"; got != want {
			t.Errorf("changed: got %s, want %s", got, want)
		}
		if a := pv["added"].([]any); len(a) != 1 || a[0].(map[string]any)["room"] != "301" || len(pv["removed"].([]any)) != 0 {
			t.Errorf("preview of the workbook: %v", pv)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a preview wrote something:\nbefore %s\nafter  %s", before, after)
		}
		// JSON previews too; a room left out is removed
		pv = e.do("PUT", path+"?preview=1", "a", []map[string]any{{"room": "101", "floor": 1, "area": "68.50", "owner": "张三", "phone": "13800001111"}}).want(200).json()
		if r := pv["removed"].([]any); len(r) != 1 || r[0].(map[string]any)["room"] != "201" || len(pv["added"].([]any)) != 0 || len(pv["changed"].([]any)) != 0 {
			t.Errorf("JSON preview: %v", pv)
		}
		hs = e.do("PUT", path, "a", book, "Content-Type", xlsx).want(200).json()["households"].([]any)
		if len(hs) != 3 || hs[1].(map[string]any)["area"] != "87.10" || hs[1].(map[string]any)["hardship"] != true {
			t.Fatalf("the workbook under a title imported as %v", hs)
		}
		// mistakes are numbered as the file numbers its rows (title, blank, header = rows 1–3 / lines 1–4)
		before = counts(t, s)
		for _, tt := range []struct {
			body any
			ct   string
			want string
		}{
			{titledWorkbook(t, [][]any{{"房号", "楼层", "面积"}, {"101", 1, "60"}, {"102", "九", "60"}}), xlsx, "工作表“Sheet1”第5行第B列"},
			{gbkCSV(t, "住户名单\r\n\r\n房号,楼层,面积\r\n101,1,60\r\n102,1,-5\r\n"), "text/csv", "第5行第3列"},
			{gbkCSV(t, "住户名单\r\n\r\n房号,楼层,车位\r\n101,1,A\r\n"), "text/csv", "第3行第3列"},
		} {
			for _, q := range []string{"?preview=1", ""} {
				msg := e.do("PUT", path+q, "a", tt.body, "Content-Type", tt.ct).want(400).json()["message"].(string)
				if !strings.Contains(msg, tt.want) {
					t.Errorf("%s: message %q lacks %q", q, msg, tt.want)
				}
			}
		}
		// another worker's project: no preview either
		e.do("PUT", path+"?preview=1", "b", book, "Content-Type", xlsx).want(404)
		if after := counts(t, s); after != before {
			t.Fatalf("refused imports wrote something:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// TestPreviewAfterPublishing: once a plan is published the preview is
// refused as the import would be (409), and writes nothing.
func TestPreviewAfterPublishing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		pid, _ := e.published()
		before := counts(t, s)
		res := e.do("PUT", fmt.Sprintf("/api/v1/projects/%d/households?preview=1", pid), "a", demoProject("x")["households"]).want(409).json()
		if !hasHan(res["message"].(string)) {
			t.Errorf("409 without a Chinese reason: %v", res)
		}
		if after := counts(t, s); after != before {
			t.Fatalf("a refused preview wrote something:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// lastEvent is the kind and data of a project's newest audit event.
func lastEvent(t *testing.T, s *store.Store, pid any) (string, map[string]any) {
	t.Helper()
	var ev struct{ Kind, Data string }
	if err := s.DB().Get(&ev, s.DB().Rebind(`SELECT kind, data FROM audit_events WHERE project_id = ? ORDER BY seq DESC LIMIT 1`), pid); err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal([]byte(ev.Data), &data); err != nil {
		t.Fatal(err)
	}
	return ev.Kind, data
}

// TestPatchHousehold: before publishing a household's row is corrected in
// place (any field); after it only the phone, as an event with the row's
// image, and the lists a worker calls from show the new phone; a published
// fact answers 409 frozen naming the field; bad bodies 400; refusals write
// nothing; the audit stays whole.
func TestPatchHousehold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		e.addWorker("b", false)
		// before publishing: a fact changes in place, the id stays
		draft := e.do("POST", "/api/v1/projects", "a", demoProject("未发布")).want(201).json()
		h101 := draft["households"].([]any)[0].(map[string]any)
		path := fmt.Sprintf("/api/v1/projects/%v/households/%v", draft["id"], h101["id"])
		got := e.do("PATCH", path, "a", map[string]any{"area": "70.05", "owner_id": "o-102"}).want(200).json()
		if got["id"] != h101["id"] || got["area"] != "70.05" || got["owner_id"] != "o-102" || got["room"] != "101" {
			t.Errorf("before publishing: %v", got)
		}
		if kind, data := lastEvent(t, s, draft["id"]); kind != "household_changed" || fmt.Sprint(data["changes"]) != "[map[field:area from:68.50 to:70.05] map[field:owner_id from:o-101 to:o-102]]" {
			t.Errorf("event %s %v", kind, data)
		}

		pid, links := e.published()
		base := fmt.Sprintf("/api/v1/projects/%d", pid)
		hid := e.householdID(pid, "601")
		path = fmt.Sprintf("%s/households/%d", base, hid)
		before := counts(t, s)
		for _, tt := range []struct {
			body   any
			status int
			code   string
			field  string
			want   string
		}{
			{map[string]any{"area": "90.00"}, 409, "frozen", "area", "面积已随表决方案公布，不能修改；如确有错误，请重新发布方案"},
			{map[string]any{"phone": "13900009999", "floor": 5}, 409, "frozen", "floor", "楼层已随表决方案公布，不能修改；如确有错误，请重新发布方案"},
			{map[string]any{"owner_id": "o-602"}, 409, "frozen", "owner_id", ""},
			{map[string]any{"room": "601A"}, 409, "frozen", "room", ""},
			{map[string]any{"exempt": true}, 409, "frozen", "exempt", ""},
			{map[string]any{"hardship": true}, 409, "frozen", "hardship", ""},
			{map[string]any{"must_consent": true}, 409, "frozen", "must_consent", ""},
			{map[string]any{"owner": "换个名"}, 409, "frozen", "owner", ""},
			{map[string]any{"phone": "138-abc"}, 400, "invalid", "phone", ""},
			{map[string]any{"phone": 13800001111}, 400, "invalid", "phone", ""},
			{map[string]any{"mobile": "13800001111"}, 400, "invalid", "mobile", ""},
			{map[string]any{}, 400, "invalid", "", ""},
			{"[1]", 400, "invalid", "", ""},
		} {
			res := e.do("PATCH", path, "a", tt.body).want(tt.status).json()
			if res["code"] != tt.code || res["field"] != tt.field || !hasHan(res["message"].(string)) || (tt.want != "" && res["message"] != tt.want) {
				t.Errorf("%v: got %v, want %s %s %q", tt.body, res, tt.code, tt.field, tt.want)
			}
		}
		e.do("PATCH", path, "b", map[string]any{"phone": "13900009999"}).want(404)
		e.do("PATCH", fmt.Sprintf("%s/households/%d", base, 999999), "a", map[string]any{"phone": "13900009999"}).want(404)
		if after := counts(t, s); after != before {
			t.Fatalf("a refused correction wrote something:\nbefore %s\nafter  %s", before, after)
		}
		// the phone is corrected; a fact sent unchanged is no change
		got = e.do("PATCH", path, "a", map[string]any{"phone": "13900009999", "area": "68.50", "floor": 6}).want(200).json()
		if got["phone"] != "13900009999" || got["phone_masked"] != "139****9999" || got["area"] != "68.50" {
			t.Errorf("corrected: %v", got)
		}
		kind, data := lastEvent(t, s, pid)
		rows := data["rows"].([]any)
		image := rows[0].(map[string]any)
		if kind != "household_changed" || data["room"] != "601" || fmt.Sprint(data["changes"]) != "[map[field:phone from:138****1601 to:139****9999]]" ||
			image["table"] != "households" || image["cols"].(map[string]any)["phone"] != "13900009999" || image["cols"].(map[string]any)["area"] != "68.50" {
			t.Errorf("the event: %s %v", kind, data)
		}
		// the same phone again: nothing to record
		before = counts(t, s)
		e.do("PATCH", path, "a", map[string]any{"phone": "13900009999"}).want(200)
		if after := counts(t, s); after != before {
			t.Errorf("an unchanged phone wrote something:\nbefore %s\nafter  %s", before, after)
		}
		// the project, the undecided list and the ledger show the new phone
		found := false
		for _, hv := range e.do("GET", base, "a", nil).want(200).json()["households"].([]any) {
			if h := hv.(map[string]any); h["room"] == "601" {
				found = h["phone"] == "13900009999"
			}
		}
		if !found {
			t.Errorf("the project still shows the old phone of 601")
		}
		for _, list := range []string{"/undecided", "/ledger"} {
			l := e.do("GET", base+list, "a", nil).want(200).json()
			ok := false
			for _, hv := range l["households"].([]any) {
				if h := hv.(map[string]any); h["room"] == "601" {
					ok = h["phone"] == "13900009999" || h["phone"] == nil // the ledger answer carries no phone
				}
			}
			if !ok {
				t.Errorf("%s: 601 is not listed with its new phone: %v", list, l["households"])
			}
		}
		// what residents signed is unchanged, and the audit is whole
		e.do("GET", "/api/v1/sign/"+links["601"], "", nil).want(200)
		if a := e.do("GET", base+"/audit", "a", nil).want(200).json(); a["ok"] != true {
			t.Errorf("audit after a correction: %v", a)
		}
	})
}
