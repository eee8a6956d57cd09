package http

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renovote/renovote/engine"
)

// numberCell fails unless cell holds a number (not text) whose exact value
// is want; decimals must show in the 0.00 format.
func numberCell(t *testing.T, f *excelize.File, sheet, cell, want string) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s is of type %v (%q), want a number", sheet, cell, typ, raw)
	}
	if _, err := strconv.ParseFloat(raw, 64); err != nil || raw != want {
		t.Errorf("%s!%s = %q, want the number %s", sheet, cell, raw, want)
	}
	if got, _ := f.GetCellValue(sheet, cell); got != want {
		t.Errorf("%s!%s shows %q, want %q", sheet, cell, got, want)
	}
}

// TestXlsxSheet: a title row over the columns, an as-of row in Beijing
// time, the header in row 3, money and areas as exact numbers in the 0.00
// format, counts as numbers, text as text, and every column's width.
func TestXlsxSheet(t *testing.T) {
	sh := &sheet{Name: "欠缴名单", Title: "幸福里 欠缴名单", AsOf: time.Date(2027, 4, 15, 9, 0, 0, 0, time.UTC),
		Columns: []column{{"房号", 10}, {"金额（元）", 16}, {"面积", 12}, {"天数", 8}, {"备注", 20}},
		Rows:    [][]any{{"601", engine.Fen(1548117), engine.Area(6850), 12, "=1+1"}, {"602", engine.Fen(10), engine.Area(9380), int64(0), ""}}}
	data, err := sh.workbook()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("欠缴名单")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "幸福里 欠缴名单" || rows[1][0] != "截至 2027年4月15日 17:00（北京时间）" || rows[2][0] != "房号" || rows[2][1] != "金额（元）" {
		t.Fatalf("title, as-of and header rows: %q", rows[:3])
	}
	if m, _ := f.GetMergeCells("欠缴名单"); len(m) != 1 || m[0].GetStartAxis() != "A1" || m[0].GetEndAxis() != "E1" {
		t.Errorf("the title is not merged across the columns: %v", m)
	}
	numberCell(t, f, "欠缴名单", "B4", "15481.17")
	numberCell(t, f, "欠缴名单", "C4", "68.50")
	numberCell(t, f, "欠缴名单", "D4", "12")
	numberCell(t, f, "欠缴名单", "B5", "0.10")
	numberCell(t, f, "欠缴名单", "D5", "0")
	for _, cell := range []string{"B4", "C4"} {
		id, _ := f.GetCellStyle("欠缴名单", cell)
		if st, err := f.GetStyle(id); err != nil || st.NumFmt != 2 {
			t.Errorf("%s has number format %v, want 2 (0.00)", cell, st)
		}
	}
	if typ, _ := f.GetCellType("欠缴名单", "A4"); typ == excelize.CellTypeNumber {
		t.Errorf("a room is text, not a number")
	}
	if formula, _ := f.GetCellFormula("欠缴名单", "E4"); formula != "" {
		t.Errorf("text became a formula: %q", formula)
	}
	for i, c := range sh.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if w, _ := f.GetColWidth("欠缴名单", name); w != c.Width {
			t.Errorf("column %s is %v wide, want %v", name, w, c.Width)
		}
	}
	day := &sheet{Name: "x", Title: "t", AsOfDay: "2027-04-15", Columns: []column{{"a", 5}}}
	data, _ = day.workbook()
	f, _ = excelize.OpenReader(bytes.NewReader(data))
	if v, _ := f.GetCellValue("x", "A2"); v != "核算日期 2027年4月15日" {
		t.Errorf("as-of day row %q", v)
	}
}
