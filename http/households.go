package http

import (
	"bytes"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/renovote/renovote/engine"
)

// The households files workers really have: a CSV saved by Excel on
// Chinese Windows (GBK), or an Excel workbook.

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// householdsTable reads an uploaded CSV (UTF-8 or GBK/GB18030) or xlsx into
// a table; ok is false for a JSON body.
func householdsTable(ct string, data []byte) (*engine.HouseholdTable, bool, error) {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case xlsxType:
		t, err := xlsxTable(data)
		return t, true, err
	case "text/csv", "application/csv":
		t, err := csvTable(data)
		return t, true, err
	}
	return nil, false, nil
}

// csvTable decodes a CSV: UTF-8 (with or without the byte-order mark),
// else GB18030, the superset of GBK that Excel writes on Chinese Windows.
func csvTable(data []byte) (*engine.HouseholdTable, error) {
	if !utf8.Valid(data) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(decoded) {
			return nil, engine.Invalidf("csv", "CSV 文件既不是 UTF-8 也不是 GBK 编码，无法读取：请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”")
		}
		data = decoded
	}
	return engine.ReadHouseholdsCSV(data)
}

// xlsxTable reads the first sheet of a workbook.
func xlsxTable(data []byte) (*engine.HouseholdTable, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, engine.Invalidf("xlsx", "无法读取这个 Excel 文件（应为 .xlsx 格式；旧的 .xls 请先在 Excel 中另存为 .xlsx）")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, engine.Invalidf("xlsx", "Excel 文件里没有工作表")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, engine.Invalidf("xlsx", "无法读取工作表“%s”", sheets[0])
	}
	return engine.HouseholdTableOf(sheets[0], rows), nil
}

// householdsXLSX exports the households as an Excel workbook: the same
// columns as the CSV (Chinese headers) under a title and an as-of row,
// floors and areas as numbers, formulas defused; importable back (the
// import finds the header under the title).
func (s *Server) householdsXLSX(c echo.Context) error {
	p, err := s.project(c)
	if err != nil {
		return err
	}
	yes := map[bool]string{true: "是", false: "否"}
	sh := &sheet{Name: "住户", Title: p.Name + " 住户名单", AsOf: s.app.Now(), Columns: []column{
		{"房号", 10}, {"楼层", 8}, {"面积", 12}, {"业主", 14}, {"业主编号", 14}, {"电话", 16}, {"困难户", 9}, {"免缴", 8}, {"必须同意", 10}}}
	for _, h := range p.Households {
		sh.Rows = append(sh.Rows, []any{engine.CSVCell(h.Room), h.Floor, h.Area, engine.CSVCell(h.OwnerName), engine.CSVCell(h.OwnerID),
			engine.CSVCell(h.Phone), yes[h.Hardship], yes[h.Exempt], yes[h.MustConsent]})
	}
	data, err := sh.workbook()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "households-" + itoa(p.ID) + ".xlsx"}))
	return c.Blob(http.StatusOK, xlsxType, data)
}
