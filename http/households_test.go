package http_test

import (
	"bytes"
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
