package http_test

import (
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The exports' tests read cells back with excelize (the same check as
// numberCell in xlsx_test.go, which tests the sheet builder from inside).

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
