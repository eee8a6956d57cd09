package http_test

import (
	apphttp "github.com/renovote/renovote/http"
)

// The exports' tests read cells back with excelize, with the same check
// as the sheet builder's own tests (numberCell in xlsx_test.go).
var numberCell = apphttp.NumberCell
