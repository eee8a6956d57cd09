package http_test

import (
	"encoding/base64"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/bad-inputs.md from the bad requests the tests send")

// moreBadRequests adds the kinds of bad input found since: logins,
// passwords, questionnaires, answers, paper decisions, images, conflicts,
// links, verification codes, and the calculation contract's corners.
func moreBadRequests(t testing.TB, w *badWorld) []badRequest {
	pid, token := w.pid, w.token
	base := fmt.Sprintf("/api/v1/projects/%d", pid)
	sig := signature(t, 400, 160, true)
	calc := func(extra string) string {
		return `{"households":[{"id":"301","floor":3,"area":"70"},{"id":"601","floor":6,"area":"90"}],"costs":[{"amount":"100000"}]` + extra + `}`
	}
	q := func(extra string) string {
		return `{"title":"问卷","deadline":"2099-01-01","questions":[` + extra + `]}`
	}
	paper := func(extra string) string {
		return `{"decision":"agree","signer_name":"张三","witness":"李四","idempotency_key":"paper-more-01"` + extra + `}`
	}
	bomb := base64.StdEncoding.EncodeToString(pngHeader(8000, 8000, 16))
	pay := base + fmt.Sprintf("/households/%d/payments", w.hid)
	money := func(amount string) string {
		return `{"amount":` + amount + `,"method":"现金","idempotency_key":"bad-amount-01"}`
	}
	return []badRequest{
		{name: "login: not JSON", method: "POST", path: "/api/v1/login", body: `{"username":"a","password":"password-a"}`, status: 400, header: []string{"Content-Type", "text/plain"}},
		{name: "login: a form post", method: "POST", path: "/api/v1/login", body: `username=a&password=x`, status: 400, header: []string{"Content-Type", "application/x-www-form-urlencoded"}},
		{name: "login: from another site", method: "POST", path: "/api/v1/login", body: `{"username":"a","password":"password-a"}`, status: 403, header: []string{"Origin", "https://evil.example"}},
		{name: "login: no username", method: "POST", path: "/api/v1/login", body: `{"password":"x"}`, status: 400, field: "username"},
		{name: "login: no password", method: "POST", path: "/api/v1/login", body: `{"username":"a"}`, status: 400, field: "password"},
		{name: "login: unknown field", method: "POST", path: "/api/v1/login", body: `{"username":"a","password":"x","remember":true}`, status: 400, field: "remember"},
		{name: "login: username 100 characters", method: "POST", path: "/api/v1/login", body: `{"username":"` + strings.Repeat("a", 100) + `","password":"x"}`, status: 400, field: "username"},
		{name: "login: a NUL in the username", method: "POST", path: "/api/v1/login", body: `{"username":"a\u0000","password":"x"}`, status: 400, field: "username"},
		{name: "login: wrong password", method: "POST", path: "/api/v1/login", body: `{"username":"a","password":"wrong-password"}`, status: 401},
		{name: "password: wrong current", method: "POST", path: "/api/v1/password", body: `{"current":"wrong","password":"Xin-mi-ma-2027!"}`, status: 400, field: "current"},
		{name: "password: too short", method: "POST", path: "/api/v1/password", body: `{"current":"password-a","password":"short"}`, status: 400, field: "password"},
		{name: "password: common", method: "POST", path: "/api/v1/password", body: `{"current":"password-a","password":"qwertyuiop"}`, status: 400, field: "password"},
		{name: "password: digits in a row", method: "POST", path: "/api/v1/password", body: `{"current":"password-a","password":"12345678901"}`, status: 400, field: "password"},
		{name: "password: empty", method: "POST", path: "/api/v1/password", body: `{"current":"","password":""}`, status: 400, field: "current"},
		{name: "project: floors 1000", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":1000}`, status: 400, field: "floors"},
		{name: "project: floors as text", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":"six"}`, status: 400, field: "floors"},
		{name: "project: name 101 characters", method: "POST", path: "/api/v1/projects", body: `{"name":"` + strings.Repeat("楼", 101) + `","floors":6}`, status: 400, field: "name"},
		{name: "project: name with a control character", method: "POST", path: "/api/v1/projects", body: `{"name":"幸福\u0007里","floors":6}`, status: 400, field: "name"},
		{name: "project: room with quotes", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"households":[{"room":"a\";b","floor":1,"area":"60"}]}`, status: 400, field: "households[0].room"},
		{name: "project: empty room", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"households":[{"room":" ","floor":1,"area":"60"}]}`, status: 400, field: "households[0].room"},
		{name: "project: area zero", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":"0"}]}`, status: 400, field: "households[0].area"},
		{name: "project: area as a float that is not exact", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"households":[{"room":"101","floor":1,"area":68.123}]}`, status: 400, field: "households[0].area"},
		{name: "project: repeated key", method: "POST", path: "/api/v1/projects", body: `{"name":"a","name":"b","floors":6}`, status: 400, field: "name"},
		{name: "project: invalid UTF-8", method: "POST", path: "/api/v1/projects", body: "{\"name\":\"\xff\xfe\",\"floors\":6}", status: 400},
		{name: "project: contact phone with letters", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"contact":{"name":"王","phone":"call me"}}`, status: 400, field: "contact.phone"},
		{name: "contact: office without a name", method: "PUT", path: base + "/contact", body: `{"office":"居委会二楼"}`, status: 400, field: "name"},
		{name: "contact: name 31 characters", method: "PUT", path: base + "/contact", body: `{"name":"` + strings.Repeat("王", 31) + `"}`, status: 400, field: "name"},
		{name: "contact: unknown key", method: "PUT", path: base + "/contact", body: `{"name":"王","wechat":"w"}`, status: 400, field: "wechat"},
		{name: "terms: account number with letters", method: "PUT", path: base + "/terms", body: `{"account_name":"居委会","account_bank":"工行","account_number":"6222 abc"}`, status: 400, field: "account_number"},
		{name: "terms: account without its bank", method: "PUT", path: base + "/terms", body: `{"account_name":"居委会","account_number":"1202021009001234567"}`, status: 400, field: "account_bank"},
		{name: "terms: compensation date not a date", method: "PUT", path: base + "/terms", body: `{"compensation_by":"明年"}`, status: 400, field: "compensation_by"},
		{name: "project: terms with an unknown key", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"terms":{"payee":"y"}}`, status: 400, field: "terms.payee"},
		{name: "card: scenario as words", method: "GET", path: base + "/card.pdf?scenario=abc", status: 400, field: "scenario"},
		{name: "photo: the 0th of an inspection", method: "GET", path: base + "/photos/inspection/1?n=0", status: 400, field: "n"},
		{name: "photo: an unknown kind", method: "GET", path: base + "/photos/signature/1", status: 404},
		{name: "notice: 0 days", method: "GET", path: base + "/notice.pdf?days=0", status: 400, field: "days"},
		{name: "notice: 91 days", method: "GET", path: base + "/notice.pdf?days=91", status: 400, field: "days"},
		{name: "notice: days as words", method: "GET", path: base + "/notice.pdf?days=ten", status: 400, field: "days"},
		{name: "undecided of another worker", method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/undecided.xlsx", w.otherPID), status: 404},
		{name: "project of another worker", method: "GET", path: "/api/v1/projects/" + fmt.Sprint(w.otherPID), status: 404},
		{name: "households after publishing", method: "PUT", path: base + "/households", body: `{"households":[]}`, status: 409},
		{name: "households CSV with a bad header", method: "PUT", path: base + "/households", body: "房号,楼层\n101,1\n", status: 400, field: "csv", header: []string{"Content-Type", "text/csv"}},
		{name: "households CSV, neither UTF-8 nor GBK", method: "PUT", path: fmt.Sprintf("/api/v1/projects/%d/households", w.did), body: "room,floor,area\n101,1,\xff\xff\xff\x81\n", status: 400, field: "csv", header: []string{"Content-Type", "text/csv"}},
		{name: "households xlsx that is not a workbook", method: "PUT", path: fmt.Sprintf("/api/v1/projects/%d/households", w.did), body: "PK\x03\x04 not a workbook", status: 400, field: "xlsx", header: []string{"Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
		{name: "households CSV with an unknown column", method: "PUT", path: fmt.Sprintf("/api/v1/projects/%d/households", w.did), body: "房号,楼层,面积,车位\n101,1,60,A1\n", status: 400, field: "csv", header: []string{"Content-Type", "text/csv"}},
		{name: "scenario: update a published one", method: "PUT", path: fmt.Sprintf("%s/scenarios/%d", base, w.publishedSID), body: `{"costs":[{"amount":"1"}]}`, status: 409},
		{name: "scenario: unknown", method: "GET", path: base + "/scenarios/999999", status: 404},
		{name: "scenario: percent subsidy rate above 1", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"subsidies":[{"type":"percent","rate":"1.5"}]}`, status: 400, field: "subsidies[0].rate"},
		{name: "scenario: unknown subsidy type", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"subsidies":[{"type":"gift","amount":"1"}]}`, status: 400, field: "subsidies[0].type"},
		{name: "scenario: months 0", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"installments":{"down_payment_rate":"0.3","months":0,"annual_rate":"0","method":"equal","start":"2027-01-01"}}`, status: 400, field: "installments.months"},
		{name: "scenario: start 2027-02-30", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"installments":{"down_payment_rate":"0.3","months":12,"annual_rate":"0","method":"equal","start":"2027-02-30"}}`, status: 400, field: "installments.start"},
		{name: "scenario: equal with interest", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"installments":{"down_payment_rate":"0.3","months":12,"annual_rate":"0.05","method":"equal","start":"2027-01-01"}}`, status: 400, field: "installments.annual_rate"},
		{name: "scenario: relief rate 2", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"hardship":{"relief_rate":"2","funded_by":"others"}}`, status: 400, field: "hardship.relief_rate"},
		{name: "scenario: overlapping floor ranges", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"allocation":{"method":"coefficient","coefficients":[{"floors":"1-4","value":"1"},{"floors":"3-6","value":"1"}]}}`, status: 400, field: "allocation.coefficients[1].floors"},
		{name: "scenario: compensation to an unknown room", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"compensations":[{"household":"999","amount":"5000"}]}`, status: 400, field: "compensations[0].household"},
		{name: "scenario: cost total above 1,000,000,000", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"999999999"},{"amount":"999999999"}]}`, status: 400, field: "costs[1]"},
		{name: "scenario: repeated key", method: "POST", path: base + "/scenarios", body: `{"costs":[{"amount":"1"}],"costs":[{"amount":"2"}]}`, status: 400, field: "costs"},
		{name: "publish: already published", method: "POST", path: fmt.Sprintf("%s/scenarios/%d/publish", base, w.publishedSID), body: `{"rule":"civil_code_major","deadline":"2099-01-01"}`, status: 409},
		{name: "publish: deadline in the past", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", w.did, w.dsc["id"]), body: `{"rule":"civil_code_major","deadline":"2001-01-01"}`, status: 400, field: "deadline"},
		{name: "publish: deadline unreadable", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", w.did, w.dsc["id"]), body: `{"rule":"civil_code_major","deadline":"next week"}`, status: 400, field: "deadline"},
		{name: "publish: rule fraction above 1", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", w.did, w.dsc["id"]), body: `{"rule":{"participation_area":"3/2","participation_owners":"2/3","approval_area":"3/4","approval_owners":"3/4"},"deadline":"2099-01-01"}`, status: 400, field: "rule.participation_area"},
		{name: "publish: no rule", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios/%v/publish", w.did, w.dsc["id"]), body: `{"deadline":"2099-01-01"}`, status: 400, field: "rule"},
		{name: "compare: unknown scenario", method: "GET", path: base + "/compare?a=1&b=999999", status: 404},
		{name: "compare: ids not numbers", method: "GET", path: base + "/compare?a=x&b=y", status: 400, field: "a"},
		{name: "tally before publishing", method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/tally", w.did), status: 404},
		{name: "paper: photo is a bomb (8000×8000, 16-bit)", method: "POST", path: fmt.Sprintf("%s/households/%d/decisions", base, w.hid), body: paper(`,"photo":"` + bomb + `"`), status: 400, field: "photo"},
		{name: "paper: photo not an image", method: "POST", path: fmt.Sprintf("%s/households/%d/decisions", base, w.hid), body: paper(`,"photo":"` + b64([]byte("%PDF-1.4 not a photo")) + `"`), status: 400, field: "photo"},
		{name: "paper: photo too small (50×50)", method: "POST", path: fmt.Sprintf("%s/households/%d/decisions", base, w.hid), body: paper(`,"photo":"` + signature(t, 50, 50, true) + `"`), status: 400, field: "photo"},
		{name: "paper: witness outside the font", method: "POST", path: fmt.Sprintf("%s/households/%d/decisions", base, w.hid), body: `{"decision":"agree","signer_name":"张三","witness":"𠮷","photo":"` + sig + `","idempotency_key":"paper-more-02"}`, status: 400, field: "witness"},
		{name: "paper: decision of a draft project", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/households/%d/decisions", w.did, w.draftHID), body: paper(`,"photo":"` + sig + `"`), status: 404},
		{name: "link: household of another project", method: "POST", path: fmt.Sprintf("%s/households/%d/link", base, w.draftHID), status: 404},
		{name: "sign: signature a bomb", method: "POST", path: "/api/v1/sign/" + token, body: `{"decision":"agree","signer_name":"张三","signature_png":"` + base64.StdEncoding.EncodeToString(pngHeader(2000, 1000, 16)) + `","idempotency_key":"key-more-01"}`, status: 400, field: "signature_png"},
		{name: "sign: idempotency key with spaces", method: "POST", path: "/api/v1/sign/" + token, body: `{"decision":"abstain","signer_name":"张三","idempotency_key":"key with spaces"}`, status: 400, field: "idempotency_key"},
		{name: "sign: signer 33 characters", method: "POST", path: "/api/v1/sign/" + token, body: `{"decision":"abstain","signer_name":"` + strings.Repeat("张", 33) + `","idempotency_key":"key-more-02"}`, status: 400, field: "signer_name"},
		{name: "sign: repeated key", method: "POST", path: "/api/v1/sign/" + token, body: `{"decision":"agree","decision":"disagree","signer_name":"张三","idempotency_key":"key-more-03"}`, status: 400, field: "decision"},
		{name: "sign: trailing data", method: "POST", path: "/api/v1/sign/" + token, body: `{"decision":"abstain","signer_name":"张三","idempotency_key":"key-more-04"} {}`, status: 400},
		{name: "sign: body is a list", method: "POST", path: "/api/v1/sign/" + token, body: `[1,2,3]`, status: 400},
		{name: "verify: malformed code", method: "GET", path: "/api/v1/verify/not-a-code", status: 404},
		{name: "verify: unknown code", method: "GET", path: "/api/v1/verify/AAAAA-AAAAA", status: 404},
		{name: "questionnaire: no questions", method: "POST", path: base + "/questionnaires", body: `{"title":"x","deadline":"2099-01-01","questions":[]}`, status: 400, field: "questions"},
		{name: "questionnaire: unknown kind", method: "POST", path: base + "/questionnaires", body: q(`{"id":"q1","kind":"essay"}`), status: 400, field: "questions[0].kind"},
		{name: "questionnaire: k above the items", method: "POST", path: base + "/questionnaires", body: q(`{"id":"q1","kind":"choose_k","k":5,"items":["a","b"]}`), status: 400, field: "questions[0].k"},
		{name: "questionnaire: repeated item", method: "POST", path: base + "/questionnaires", body: q(`{"id":"q1","kind":"rank","items":["电梯","电梯"]}`), status: 400, field: "questions[0].items[1]"},
		{name: "questionnaire: repeated question id", method: "POST", path: base + "/questionnaires", body: q(`{"id":"q1","kind":"rating"},{"id":"q1","kind":"text"}`), status: 400, field: "questions[1].id"},
		{name: "questionnaire: title with an emoji", method: "POST", path: base + "/questionnaires", body: `{"title":"满意度😀","deadline":"2099-01-01","questions":[{"id":"q1","kind":"rating"}]}`, status: 400, field: "title"},
		{name: "questionnaire: deadline in the past", method: "POST", path: base + "/questionnaires", body: `{"title":"x","deadline":"2001-01-01","questions":[{"id":"q1","kind":"rating"}]}`, status: 400, field: "deadline"},
		{name: "questionnaire for a 小区: no projects", method: "POST", path: "/api/v1/questionnaires", body: `{"title":"x","deadline":"2099-01-01","projects":[],"questions":[{"id":"q1","kind":"rating"}]}`, status: 400, field: "projects"},
		{name: "questionnaire for a 小区: a project twice", method: "POST", path: "/api/v1/questionnaires", body: fmt.Sprintf(`{"title":"x","deadline":"2099-01-01","projects":[%d,%d],"questions":[{"id":"q1","kind":"rating"}]}`, pid, pid), status: 400, field: "projects[1]"},
		{name: "questionnaire: unknown", method: "GET", path: base + "/questionnaires/999999/results", status: 404},
		{name: "answer: unknown token", method: "POST", path: "/api/v1/q/" + strings.Repeat("B", 43), body: `{"answers":{"q1":5},"idempotency_key":"answer-more-1"}`, status: 404},
		{name: "calc: percent rate without a cap above the cost", method: "POST", path: "/api/v1/calc", body: calc(`,"subsidies":[{"type":"percent","rate":"-0.1"}]`), status: 400, field: "subsidies[0].rate"},
		{name: "calc: household floor above floors", method: "POST", path: "/api/v1/calc", body: `{"floors":5,"households":[{"id":"601","floor":6,"area":"70"}],"costs":[{"amount":"1"}]}`, status: 400, field: "households[0].floor"},
		{name: "calc: 33-character id", method: "POST", path: "/api/v1/calc", body: `{"households":[{"id":"` + strings.Repeat("1", 33) + `","floor":1,"area":"70"}],"costs":[{"amount":"1"}]}`, status: 400, field: "households[0].id"},
		{name: "calc: nobody can pay", method: "POST", path: "/api/v1/calc", body: `{"households":[{"id":"101","floor":1,"area":"70","exempt":true}],"costs":[{"amount":"100"}]}`, status: 400, field: "households"},
		{name: "calc: amount with a thousands separator", method: "POST", path: "/api/v1/calc", body: `{"households":[{"id":"101","floor":1,"area":"70"}],"costs":[{"amount":"100,000"}]}`, status: 400, field: "costs[0].amount"},
		{name: "calc: amount NaN", method: "POST", path: "/api/v1/calc", body: `{"households":[{"id":"101","floor":1,"area":"70"}],"costs":[{"amount":"NaN"}]}`, status: 400, field: "costs[0].amount"},
		{name: "calc: number with leading zeros", method: "POST", path: "/api/v1/calc", body: `{"households":[{"id":"101","floor":1,"area":"70"}],"costs":[{"amount":0100}]}`, status: 400},
		{name: "calc: no households", method: "POST", path: "/api/v1/calc", body: `{"households":[],"costs":[{"amount":"1"}]}`, status: 400, field: "households"},
		{name: "calc: empty body", method: "POST", path: "/api/v1/calc", body: ``, status: 400},
		{name: "calc: a JSON string", method: "POST", path: "/api/v1/calc", body: `"calc"`, status: 400},
		{name: "tally: one owner, two votes", method: "POST", path: "/api/v1/tally", body: `{"rule":"civil_code_major","households":[{"id":"1","area":"1","owner":"o","vote":"agree"},{"id":"2","area":"1","owner":"o","vote":"disagree"}]}`, status: 400, field: "households[1].vote"},
		{name: "tally: unknown rule", method: "POST", path: "/api/v1/tally", body: `{"rule":"majority","households":[{"id":"1","area":"1"}]}`, status: 400, field: "rule"},
		{name: "words: negative", method: "GET", path: "/api/v1/words/-5", status: 400, field: "amount"},
		{name: "words: three decimals", method: "GET", path: "/api/v1/words/1.005", status: 400, field: "amount"},
		{name: "payment: amount as a JSON number", method: "POST", path: pay, body: money(`1.5`), status: 400, field: "amount"},
		{name: "payment: amount with an exponent", method: "POST", path: pay, body: money(`"1e3"`), status: 400, field: "amount"},
		{name: "payment: amount with a leading space", method: "POST", path: pay, body: money(`" 5.00"`), status: 400, field: "amount"},
		{name: "payment: amount ending in a point", method: "POST", path: pay, body: money(`"5."`), status: 400, field: "amount"},
		{name: "payment: amount starting with a point", method: "POST", path: pay, body: money(`".5"`), status: 400, field: "amount"},
		{name: "payment: amount with a plus sign", method: "POST", path: pay, body: money(`"+5"`), status: 400, field: "amount"},
		{name: "payment: amount with a leading zero", method: "POST", path: pay, body: money(`"05"`), status: 400, field: "amount"},
		{name: "payment: more than the household owes", method: "POST", path: pay, body: money(`"999999999"`), status: 409, field: "amount"},
		{name: "refund: amount as a JSON number", method: "POST", path: base + fmt.Sprintf("/households/%d/refunds", w.hid), body: `{"amount":100,"reason":"多缴","idempotency_key":"bad-refund-1"}`, status: 400, field: "amount"},
		{name: "fund: amount with an exponent", method: "POST", path: base + "/funds", body: `{"kind":"income","source":"其他","what":"捐助","amount":"2E5","idempotency_key":"bad-fund-01"}`, status: 400, field: "amount"},
		{name: "qr: another site's URL", method: "GET", path: "/qr?text=https%3A%2F%2Fevil.example%2F", status: 400, field: "text"},
		{name: "qr: no text", method: "GET", path: "/qr", status: 400, field: "text"},
		{name: "unknown API route", method: "GET", path: "/api/v1/elevators", status: 404},
		{name: "method not allowed", method: "DELETE", path: base, status: 404},
		{name: "path id with a sign", method: "GET", path: "/api/v1/projects/-1", status: 404},
		{name: "path id overflow", method: "GET", path: "/api/v1/projects/99999999999999999999", status: 404},
		// issue 23
		{name: "payment: dated after today", method: "POST", path: pay, body: `{"amount":"1","date":"2099-01-01","method":"现金","idempotency_key":"bad-late-01"}`, status: 400, field: "date"},
		{name: "fund: dated after today", method: "POST", path: base + "/funds", body: `{"kind":"income","source":"其他","what":"捐助","amount":"1","date":"2099-01-01","idempotency_key":"bad-late-02"}`, status: 400, field: "date"},
		{name: "scenario: two compensations for one room", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios", w.did), body: `{"costs":[{"amount":"1"}],"compensations":[{"household":"101","amount":"1"},{"household":"101","amount":"2"}]}`, status: 400, field: "compensations[1].household"},
		{name: "scenario: compensation without a room", method: "POST", path: fmt.Sprintf("/api/v1/projects/%d/scenarios", w.did), body: `{"costs":[{"amount":"1"}],"compensations":[{"household":"","amount":"2"}]}`, status: 400, field: "compensations[0].household"},
		{name: "household: area after publishing", method: "PATCH", path: fmt.Sprintf("%s/households/%d", base, w.hid), body: `{"area":"99.99"}`, status: 409, field: "area"},
		{name: "household: owner grouping after publishing", method: "PATCH", path: fmt.Sprintf("%s/households/%d", base, w.hid), body: `{"owner_id":"someone-else"}`, status: 409, field: "owner_id"},
		{name: "household: phone with letters", method: "PATCH", path: fmt.Sprintf("%s/households/%d", base, w.hid), body: `{"phone":"call me"}`, status: 400, field: "phone"},
		{name: "household: unknown field", method: "PATCH", path: fmt.Sprintf("%s/households/%d", base, w.hid), body: `{"wechat":"x"}`, status: 400, field: "wechat"},
		{name: "household: nothing to change", method: "PATCH", path: fmt.Sprintf("%s/households/%d", base, w.hid), body: `{}`, status: 400},
		{name: "households preview: after publishing", method: "PUT", path: base + "/households?preview=1", body: `[{"room":"101","floor":1,"area":"60"}]`, status: 409},
		{name: "households preview: floor as text", method: "PUT", path: fmt.Sprintf("/api/v1/projects/%d/households?preview=1", w.did), body: `[{"room":"101","floor":"one","area":"60"}]`, status: 400, field: "households[0].floor"},
		{name: "compare: five scenarios", method: "GET", path: base + "/compare?ids=1,2,3,4,5", status: 400, field: "ids"},
		{name: "compare: one scenario twice", method: "GET", path: base + "/compare?ids=1,1", status: 400, field: "ids"},
		{name: "compare: ids=… not numbers", method: "GET", path: base + "/compare?ids=a,b", status: 400, field: "ids"},
		{name: "slips: size unknown", method: "GET", path: base + "/slips.pdf?size=huge", status: 400, field: "size"},
		{name: "slips: household not a number", method: "GET", path: base + "/slips.pdf?household=x", status: 400, field: "household"},
		{name: "slips: household of another project", method: "GET", path: fmt.Sprintf("%s/slips.pdf?household=%d", base, w.draftHID), status: 404},
		{name: "slips: before publishing", method: "GET", path: fmt.Sprintf("/api/v1/projects/%d/slips.pdf", w.did), status: 409},
		{name: "project: org_id as text", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"org_id":"宝石社区"}`, status: 400, field: "org_id"},
		{name: "project: org_id of no organisation", method: "POST", path: "/api/v1/projects", body: `{"name":"x","floors":6,"org_id":999}`, status: 400, field: "org_id"},
		{name: "orgs: parent_id negative", method: "POST", path: "/api/v1/orgs", body: `{"name":"长河街道","kind":"街道","parent_id":-1}`, status: 400, field: "parent_id"},
		{name: "orgs: unknown field", method: "POST", path: "/api/v1/orgs", body: `{"name":"长河街道","type":"街道"}`, status: 400, field: "type"},
		{name: "orgs: a worker adds one", method: "POST", path: "/api/v1/orgs", body: `{"name":"滨江区","kind":"区"}`, status: 403},
		{name: "users: no username", method: "POST", path: "/api/v1/users", body: `{"password":"x","role":"worker"}`, status: 400, field: "username"},
		{name: "users: a worker adds one", method: "POST", path: "/api/v1/users", body: `{"username":"zhao","password":"Plum-Tree-4471","role":"worker","org_id":1}`, status: 403},
		{name: "assign: no user", method: "POST", path: base + "/assign", body: `{"user":" "}`, status: 400, field: "user"},
		{name: "assign: by a worker", method: "POST", path: base + "/assign", body: `{"user":"b"}`, status: 403},
		{name: "overview: stage unknown", method: "GET", path: "/api/v1/orgs/1/overview?stage=完工", status: 400, field: "stage"},
		{name: "overview: org not a number", method: "GET", path: "/api/v1/orgs/1/overview?org=x", status: 400, field: "org"},
		{name: "overview: q 65 characters", method: "GET", path: "/api/v1/orgs/1/overview?q=" + strings.Repeat("a", 65), status: 400, field: "q"},
		{name: "overview: of no organisation", method: "GET", path: "/api/v1/orgs/999/overview", status: 404},
		// issue 25
		{name: "funding rule: unknown city", method: "PUT", path: base + "/funding-rule", body: `{"preset":"beijing"}`, status: 400, field: "preset"},
		{name: "funding rule: a preset and a rule", method: "PUT", path: base + "/funding-rule", body: `{"preset":"suzhou","rule":{}}`, status: 400, field: "rule"},
		{name: "funding rule: completion not a date", method: "PUT", path: base + "/funding-rule", body: `{"preset":"suzhou","completed":"明年"}`, status: 400, field: "completed"},
		{name: "funding rule: keep rate above 1", method: "PUT", path: base + "/funding-rule", body: `{"rule":{"maintenance_keep_rate":"1.5"}}`, status: 400, field: "rule.maintenance_keep_rate"},
		{name: "funding rule: window of 11 years", method: "PUT", path: base + "/funding-rule", body: `{"rule":{"window_days":4015}}`, status: 400, field: "rule.window_days"},
		{name: "household funding: unknown relation", method: "PUT", path: fmt.Sprintf("%s/households/%d/funding", base, w.hid), body: `{"accounts":[{"name":"张三","relation":"uncle","balance":"1.00"}]}`, status: 400, field: "accounts[0].relation"},
		{name: "household funding: balance as a JSON number", method: "PUT", path: fmt.Sprintf("%s/households/%d/funding", base, w.hid), body: `{"accounts":[{"name":"张三","relation":"owner","balance":100}]}`, status: 400, field: "accounts[0].balance"},
		{name: "household funding: balance with a comma", method: "PUT", path: fmt.Sprintf("%s/households/%d/funding", base, w.hid), body: `{"accounts":[{"name":"张三","relation":"owner","balance":"12,000"}]}`, status: 400, field: "accounts[0].balance"},
		{name: "household funding: 维修资金 without its balance", method: "PUT", path: fmt.Sprintf("%s/households/%d/funding", base, w.hid), body: `{"maintenance":{"first_deposit":"8000.00"}}`, status: 400, field: "maintenance.balance"},
		{name: "household funding: name outside the font", method: "PUT", path: fmt.Sprintf("%s/households/%d/funding", base, w.hid), body: `{"accounts":[{"name":"𠮷","relation":"owner","balance":"1.00"}]}`, status: 400, field: "accounts[0].name"},
		{name: "household funding: before publishing", method: "PUT", path: fmt.Sprintf("/api/v1/projects/%d/households/%d/funding", w.did, w.draftHID), body: `{"accounts":[]}`, status: 409},
		{name: "household funding: through the link without consent", method: "PUT", path: "/api/v1/sign/" + token + "/funding", body: `{"accounts":[{"name":"张三","relation":"owner","balance":"1.00"}]}`, status: 400, field: "consent"},
		{name: "funding: no rule set", method: "GET", path: base + "/funding", status: 409},
		{name: "share certificate: no rule set", method: "GET", path: fmt.Sprintf("%s/households/%d/share-certificate.pdf", base, w.hid), status: 409},
		{name: "subsidy pack: the vote is not final", method: "GET", path: base + "/subsidy-pack.zip", status: 409},
	}
}

// pngHeader is a PNG that declares w×h RGBA at the bit depth and holds
// almost nothing: an image bomb's header.
func pngHeader(w, h, depth int) []byte {
	ihdr := []byte{0, 0, 0, 13, 'I', 'H', 'D', 'R', byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w), byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h), byte(depth), 6, 0, 0, 0}
	crc := crc32.ChecksumIEEE(ihdr[4:21])
	out := append([]byte("\x89PNG\r\n\x1a\n"), ihdr...)
	out = append(out, byte(crc>>24), byte(crc>>16), byte(crc>>8), byte(crc))
	return append(out, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82)
}

// writeBadInputsDoc rewrites docs/bad-inputs.md from the table.
func writeBadInputsDoc(t *testing.T, tests []badRequest, got map[string]int, w *badWorld) {
	var b strings.Builder
	b.WriteString("# Bad inputs tried, and what they get\n\n")
	b.WriteString("Every row is sent by `http` `TestBadRequestsChangeNothing` on SQLite and PostgreSQL, as the worker who owns the\n")
	b.WriteString("project (or the household's link): each gets the status shown, a Chinese message, the field named where\n")
	b.WriteString("there is one — never a 5xx — and the database is unchanged afterwards (every table's row count).\n")
	b.WriteString("Regenerate with `go test ./http -run TestBadRequestsChangeNothing -update`.\n\n")
	fmt.Fprintf(&b, "%d kinds of bad input; 0 answers 5xx.\n\n", len(tests))
	b.WriteString("| # | what is sent | request | status | field |\n|---|---|---|---|---|\n")
	for i, tt := range tests {
		path := strings.ReplaceAll(tt.path, w.token, "{token}")
		for _, id := range []string{fmt.Sprint(w.pid), fmt.Sprint(w.did)} {
			path = strings.ReplaceAll(path, "/projects/"+id+"/", "/projects/{id}/")
			path = strings.TrimSuffix(path, "/projects/"+id) + map[bool]string{true: "/projects/{id}", false: ""}[strings.HasSuffix(path, "/projects/"+id)]
		}
		if len(path) > 70 {
			path = path[:67] + "…"
		}
		fmt.Fprintf(&b, "| %d | %s | `%s %s` | %d | %s |\n", i+1, strings.ReplaceAll(tt.name, "|", "\\|"), tt.method, path, got[tt.name], tt.field)
	}
	if err := os.WriteFile("../docs/bad-inputs.md", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
