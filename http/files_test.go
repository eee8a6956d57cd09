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

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// TestFilesWorkersHave: a CSV Excel saved on Chinese Windows (GBK, Chinese
// headers in another order) and a workbook exported by the service both
// import; bad files name the row and the column.
func TestFilesWorkersHave(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, apphttp.Config{})
		e.addWorker("a", false)
		p := e.do("POST", "/api/v1/projects", "a", map[string]any{"name": "文件", "floors": 6}).want(201).json()
		path := fmt.Sprintf("/api/v1/projects/%v/households", p["id"])
		utf := "房号,业主,楼层,面积（㎡）,电话,困难户,必须同意\r\n101,张三,1,68.50,13800001111,否,是\r\n302,李四,3,86.2,,是,否\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf)
		if err != nil {
			t.Fatal(err)
		}
		res := e.do("PUT", path, "a", gbk, "Content-Type", "text/csv").want(200).json()
		hs := res["households"].([]any)
		if len(hs) != 2 || hs[0].(map[string]any)["owner"] != "张三" || hs[1].(map[string]any)["hardship"] != true || hs[0].(map[string]any)["must_consent"] != true {
			t.Fatalf("GBK CSV imported as %v", hs)
		}
		// the service's own workbook imports back unchanged
		book := e.do("GET", path+".xlsx", "a", nil).want(200)
		if ct := book.header.Get("Content-Type"); ct != xlsx {
			t.Fatalf("Content-Type %q", ct)
		}
		// under a title and an as-of row, floors and areas as numbers
		if f, err := excelize.OpenReader(bytes.NewReader(book.body)); err != nil {
			t.Fatal(err)
		} else {
			if rows, _ := f.GetRows("住户"); len(rows) != 5 || !strings.Contains(rows[0][0], "住户名单") || rows[2][0] != "房号" {
				t.Fatalf("the workbook's rows: %v", rows)
			}
			numberCell(t, f, "住户", "C5", "86.20")
			numberCell(t, f, "住户", "B5", "3")
		}
		e.do("PUT", path, "a", string(book.body), "Content-Type", xlsx).want(200)
		again := e.do("GET", fmt.Sprintf("/api/v1/projects/%v", p["id"]), "a", nil).want(200).json()["households"].([]any)
		if len(again) != 2 || again[1].(map[string]any)["area"] != "86.20" || again[0].(map[string]any)["phone"] != "13800001111" {
			t.Fatalf("the workbook round trip gave %v", again)
		}
		// a workbook with mistakes: each names sheet, row and column
		f := excelize.NewFile()
		rows := [][]any{{"房号", "楼层", "面积"}, {"101", "1", "60"}, {"102", "九", "60"}, {"103", "1", "-5"}, {"101", "2", "60"}}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		msg := e.do("PUT", path, "a", buf.String(), "Content-Type", xlsx).want(400).json()["message"].(string)
		for _, want := range []string{"工作表“Sheet1”第3行第B列", "工作表“Sheet1”第4行第C列", "第5行第A列", "未导入任何住户"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		// unknown header, not a workbook, neither UTF-8 nor GBK
		if m := e.do("PUT", path, "a", "房号,楼层,面积,车位\n101,1,60,A1\n", "Content-Type", "text/csv").want(400).json()["message"].(string); !strings.Contains(m, "第1行第4列") || !strings.Contains(m, "车位") {
			t.Errorf("an unknown column: %s", m)
		}
		e.do("PUT", path, "a", "PK\x03\x04 not really", "Content-Type", xlsx).want(400)
		e.do("PUT", path, "a", string([]byte{0xff, 0xff, 0xff, 0x81}), "Content-Type", "text/csv").want(400)
		if hs := e.do("GET", fmt.Sprintf("/api/v1/projects/%v", p["id"]), "a", nil).want(200).json()["households"].([]any); len(hs) != 2 {
			t.Errorf("bad files changed the households: %v", hs)
		}
	})
}
