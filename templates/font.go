package templates

import _ "embed"

// Font is WenQuanYi Micro Hei (face 0 of Debian's wqy-microhei.ttc as a
// TrueType file; Apache-2.0, see fonts/README.txt): ASCII, ¥/￥, full-width
// punctuation and all GBK hanzi, for the PDFs.
//
//go:embed fonts/wqy-microhei.ttf
var Font []byte

// AgreementClauses is the text template of the agreement's clauses (Go
// text/template). The service can read another file in its place
// (--clauses), so wording changes need no new build.
//
//go:embed pdf/agreement-clauses.txt
var AgreementClauses string
