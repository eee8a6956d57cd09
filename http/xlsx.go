package http

import (
	"bytes"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renovote/renovote/engine"
)

// sheet is one worksheet of an export as a 街道 office files it: a title
// row, an as-of row, the header, then the rows. Amounts (engine.Fen) and
// areas are numbers with two decimals, counts are numbers — Excel sums
// them — and every column has a width.
type sheet struct {
	Name    string
	Title   string
	AsOf    time.Time // printed in Beijing time
	AsOfDay string    // instead of AsOf: a day the figures are computed at
	Note    string    // after the as-of text on its row (the rule the figures follow)
	Columns []column
	Rows    [][]any // string, int, int64, engine.Fen, engine.Area
}

type column struct {
	Header string
	Width  float64
}

// headerRow is the row of the header (1-based): below the title and the
// as-of row.
const headerRow = 3

// workbook writes the sheet into a one-sheet workbook.
func (sh *sheet) workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
		return nil, err
	}
	styles, err := newSheetStyles(f)
	if err != nil {
		return nil, err
	}
	last, _ := excelize.ColumnNumberToName(len(sh.Columns))
	asOf := "截至 " + engine.BeijingMinute(sh.AsOf) + "（北京时间）"
	if sh.AsOfDay != "" {
		asOf = "核算日期 " + chineseDay(sh.AsOfDay)
	}
	if sh.Note != "" {
		asOf += "　" + sh.Note
	}
	for _, c := range []struct {
		cell, text string
		style      int
	}{{"A1", sh.Title, styles.title}, {"A2", asOf, 0}} {
		if err := f.SetCellStr(sh.Name, c.cell, c.text); err != nil {
			return nil, err
		}
		if c.style != 0 {
			if err := f.SetCellStyle(sh.Name, c.cell, c.cell, c.style); err != nil {
				return nil, err
			}
		}
	}
	if err := f.MergeCell(sh.Name, "A1", last+"1"); err != nil {
		return nil, err
	}
	for i, c := range sh.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh.Name, name, name, c.Width); err != nil {
			return nil, err
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, headerRow)
		if err := f.SetCellStr(sh.Name, cell, c.Header); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(sh.Name, cell, cell, styles.header); err != nil {
			return nil, err
		}
	}
	for r, row := range sh.Rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, headerRow+1+r)
			if err := setCell(f, sh.Name, cell, v, styles.decimal); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(sh.Name, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type sheetStyles struct{ title, header, decimal int }

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	var err error
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return s, err
	}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}}); err != nil {
		return s, err
	}
	s.decimal, err = f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	return s, err
}

// setCell writes one value: money and areas as exact decimal numbers
// (their own text, never through a float) in the 0.00 format, counts as
// integers, the rest as text.
func setCell(f *excelize.File, sh, cell string, v any, decimal int) error {
	switch v := v.(type) {
	case engine.Fen:
		return setDecimal(f, sh, cell, v.String(), decimal)
	case engine.Area:
		return setDecimal(f, sh, cell, v.String(), decimal)
	case int:
		return f.SetCellInt(sh, cell, int64(v))
	case int64:
		return f.SetCellInt(sh, cell, v)
	case string:
		return f.SetCellStr(sh, cell, v)
	case nil:
		return nil
	}
	return f.SetCellValue(sh, cell, v)
}

func setDecimal(f *excelize.File, sh, cell, text string, style int) error {
	if err := f.SetCellDefault(sh, cell, text); err != nil {
		return err
	}
	return f.SetCellStyle(sh, cell, cell, style)
}

// chineseDay writes a YYYY-MM-DD day as 2027年4月15日 (as a 街道 office
// writes dates on paper); "" stays "", anything else is left as it is.
func chineseDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2006年1月2日")
}
