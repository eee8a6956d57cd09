package http

// NumberCell lets the exports' tests (package http_test) read cells back
// with the same check as the sheet builder's own tests.
var NumberCell = numberCell
