package engine

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ProjectInput is a validated request to create a project.
type ProjectInput struct {
	Name       string
	Address    string
	Floors     int
	Households []Household
	Contact    Contact
	Terms      Terms
	// AllowDuplicate: the worker confirmed a second project with a name
	// one of theirs already has.
	AllowDuplicate bool
	// OrgID is the 社区 the project belongs to (0: the creator's 社区, or
	// 默认社区).
	OrgID int64
}

// maxHouseholdsPerProject bounds a project (one 单元, or an estate item).
const maxHouseholdsPerProject = MaxHouseholds

// ParseProjectInput reads {name, address, floors, households: [...]};
// households use the fields of docs/api.md and amounts their literal text.
func ParseProjectInput(data []byte) (*ProjectInput, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	m := r.object(doc, "", "项目", "name", "address", "floors", "households", "contact", "terms", "allow_duplicate", "org_id")
	p := &ProjectInput{}
	if v, ok := r.required(m, "", "name", "项目名称"); ok {
		p.Name = r.printable(v, "name", "项目名称", 100)
		if r.ok() && strings.TrimSpace(p.Name) == "" {
			r.fail("name", "项目名称不能为空")
		}
	}
	if present(m, "address") {
		p.Address = r.printable(m["address"], "address", "地址", 200)
	}
	if v, ok := r.required(m, "", "floors", "楼层数"); ok {
		p.Floors = r.integer(v, "floors", "楼层数", 1, MaxFloors)
	}
	if present(m, "households") {
		p.Households = r.projectHouseholds(m["households"], p.Floors)
	}
	if present(m, "contact") {
		p.Contact = r.contact(m["contact"], "contact")
	}
	if present(m, "terms") {
		p.Terms = r.terms(m["terms"], "terms")
	}
	if present(m, "org_id") {
		p.OrgID = int64(r.integer(m["org_id"], "org_id", "所属社区", 1, math.MaxInt32))
	}
	if present(m, "allow_duplicate") {
		p.AllowDuplicate = r.boolean(m["allow_duplicate"], "allow_duplicate", "是否允许同名")
	}
	if r.err != nil {
		return nil, r.err
	}
	return p, nil
}

// CheckProjectName refuses a new project whose name one of the worker's
// projects already has (names compared without the spaces around them),
// unless the worker confirmed it: two projects named alike are easily
// mixed up on the list, the notices and the paper.
func CheckProjectName(name string, mine []*Project, allowDuplicate bool) error {
	if allowDuplicate {
		return nil
	}
	name = strings.TrimSpace(name)
	for _, p := range mine {
		if strings.TrimSpace(p.Name) == name {
			return &Error{Code: ECodeDuplicateName, Field: "name",
				Message: fmt.Sprintf("已有同名项目“%s”（编号 %d）；确认要再建一个同名项目吗？", name, p.ID)}
		}
	}
	return nil
}

// ParseHouseholds reads a JSON list of households for a project of floors
// storeys (PUT …/households with a JSON body).
func ParseHouseholds(data []byte, floors int) ([]Household, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return nil, err
	}
	r := &reader{}
	if m, isObj := doc.(map[string]any); isObj {
		m = r.object(m, "", "请求", "households")
		if v, ok := r.required(m, "", "households", "住户列表"); ok {
			doc = v
		}
	}
	hs := r.projectHouseholds(doc, floors)
	if r.err != nil {
		return nil, r.err
	}
	return hs, nil
}

func (r *reader) projectHouseholds(v any, floors int) []Household {
	list := r.array(v, "households", "住户列表", 0, maxHouseholdsPerProject)
	return uniqueList(r, list, "households", "room", func(v any, h *Household) { r.projectHousehold(v, h, floors) },
		func(h *Household) string { return h.Room }, func(i int, h *Household) string { return householdName(i, h.Room) },
		func(i, j int, room string) string {
			return fmt.Sprintf("第%d户的房号“%s”与第%d户重复，房号必须唯一", i, room, j)
		})
}

func (r *reader) projectHousehold(v any, h *Household, floors int) {
	m := r.object(v, "", "", "id", "room", "floor", "area", "owner", "owner_id", "phone", "hardship", "exempt", "must_consent")
	if rv, ok := r.required(m, "", "room", "的房号"); ok {
		h.Room = r.printable(rv, "room", "的房号", MaxIDRunes)
		switch {
		case !r.ok():
		case strings.TrimSpace(h.Room) == "":
			r.fail("room", "的房号不能为空")
		case strings.ContainsAny(h.Room, "\"'\\;"):
			// rooms name files (agreement-301.pdf) and go into headers
			r.fail("room", "的房号“%s”不能含引号、反斜杠或分号，请只用数字、字母和“-”等", h.Room)
		}
	}
	if fv, ok := r.required(m, "", "floor", "的楼层"); ok {
		h.Floor = r.integer(fv, "floor", "的楼层", 1, floors)
	}
	if av, ok := r.required(m, "", "area", "的面积"); ok {
		h.Area = Area(r.scaled(av, "area", "的面积（平方米）", 2, 0, maxAreaScaled, true, false))
	}
	if present(m, "owner") {
		h.OwnerName = r.printable(m["owner"], "owner", "的业主姓名", 32)
	}
	if present(m, "owner_id") {
		h.OwnerID = r.printable(m["owner_id"], "owner_id", "的业主编号", 64)
	}
	if present(m, "phone") {
		h.Phone = r.phone(m["phone"])
	}
	for _, f := range []struct {
		key, label string
		dst        *bool
	}{{"hardship", "的困难户标记", &h.Hardship}, {"exempt", "的免缴标记", &h.Exempt}, {"must_consent", "的必须同意标记", &h.MustConsent}} {
		if present(m, f.key) {
			*f.dst = r.boolean(m[f.key], f.key, f.label)
		}
	}
}

// printable reads a text that will be printed on agreements: no control
// characters and nothing above U+FFFF (the PDF font cannot print it).
func (r *reader) printable(v any, path, label string, maxRunes int) string {
	s := r.str(v, path, label, maxRunes)
	if !r.ok() {
		return ""
	}
	for _, c := range s {
		if c > 0xFFFF || c == utf8.RuneError {
			r.fail(path, "%s中的字符“%c”无法打印在协议上，请改用常用字（如用同音字或拼音代替）", label, c)
			return ""
		}
	}
	return s
}

func (r *reader) phone(v any) string {
	s := r.str(v, "phone", "的电话", 20)
	if !r.ok() || s == "" {
		return s
	}
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' || c == ' ' || c == '+':
		default:
			r.fail("phone", "的电话“%s”只能包含数字、空格、+ 和 -", s)
			return ""
		}
	}
	if digits < 7 {
		r.fail("phone", "的电话“%s”太短，应至少7位数字", s)
	}
	return s
}

// CSVHeader is the header of the households CSV (docs/api.md).
var CSVHeader = []string{"room", "floor", "area", "owner", "owner_id", "phone", "hardship", "exempt", "must_consent"}

// HouseholdColumns names the columns of a households table: the English
// header of docs/api.md, or the Chinese names people type in Excel.
var HouseholdColumns = map[string][]string{
	"room":         {"room", "房号", "房间号", "户号", "门牌号"},
	"floor":        {"floor", "楼层", "层", "所在楼层"},
	"area":         {"area", "面积", "建筑面积", "专有面积", "面积（㎡）", "面积(㎡)", "面积（平方米）"},
	"owner":        {"owner", "业主", "业主姓名", "姓名", "户主"},
	"owner_id":     {"owner_id", "业主编号", "产权人编号", "证件号后四位"},
	"phone":        {"phone", "电话", "手机", "联系电话", "手机号"},
	"hardship":     {"hardship", "困难户", "困难家庭"},
	"exempt":       {"exempt", "免缴", "免缴户", "不出资"},
	"must_consent": {"must_consent", "必须同意", "须本人同意", "占用专有部分"},
}

var columnLabels = map[string]string{"room": "房号", "floor": "楼层", "area": "面积", "owner": "业主", "owner_id": "业主编号",
	"phone": "电话", "hardship": "困难户", "exempt": "免缴", "must_consent": "必须同意"}

// HouseholdTable is a households table as read from a file: rows of text
// cells, the header first. Sheet names the sheet of a workbook ("" for a
// CSV file), and columns are named by letter there (A, B…), by number in
// a CSV.
type HouseholdTable struct {
	Sheet string
	Rows  [][]string
	// Above counts the rows above the header (a title and an as-of row,
	// as the service's own export has): messages number rows as the file
	// does.
	Above int
	// Lines, when set, is the file's line of each row: a CSV reader skips
	// blank lines, so its rows are not its lines.
	Lines []int
}

// headerSearch is how many rows a title block above the header may take.
const headerSearch = 20

// HouseholdTableOf is a sheet's rows with the header found among the first
// few: the first row with a 房号 column (else the first row). Title rows
// and blank rows above it are skipped.
func HouseholdTableOf(sheet string, rows [][]string) *HouseholdTable {
	return householdTableOf(sheet, rows, nil)
}

func householdTableOf(sheet string, rows [][]string, lines []int) *HouseholdTable {
	for i := 0; i < len(rows) && i < headerSearch; i++ {
		if isHeaderRow(rows[i]) {
			t := &HouseholdTable{Sheet: sheet, Rows: rows[i:], Above: i}
			if lines != nil {
				t.Lines, t.Above = lines[i:], lines[i]-1
			}
			return t
		}
	}
	return &HouseholdTable{Sheet: sheet, Rows: rows, Lines: lines}
}

// isHeaderRow says whether a row has the room column's header (房号, room…).
func isHeaderRow(row []string) bool {
	for _, cell := range row {
		name := strings.ToLower(strings.TrimSpace(cell))
		for _, a := range HouseholdColumns["room"] {
			if name == strings.ToLower(a) {
				return true
			}
		}
	}
	return false
}

// rowNumber is the file's number of row i of the table (the header is 0).
func (t *HouseholdTable) rowNumber(i int) int {
	if i < len(t.Lines) {
		return t.Lines[i]
	}
	return t.Above + i + 1
}

// where names a cell for messages: 第3行第C列 (sheet 住户).
func (t *HouseholdTable) where(row, col int) string {
	if t.Sheet == "" {
		return fmt.Sprintf("第%d行第%d列", row, col+1)
	}
	return fmt.Sprintf("工作表“%s”第%d行第%s列", t.Sheet, row, columnLetter(col))
}

func columnLetter(col int) string {
	s := ""
	for col++; col > 0; col = (col - 1) / 26 {
		s = string(rune('A'+(col-1)%26)) + s
	}
	return s
}

// ParseHouseholdsCSV reads the households CSV as Excel writes it (UTF-8,
// with or without a byte-order mark; callers turn GBK into UTF-8 first).
func ParseHouseholdsCSV(data []byte, floors int) ([]Household, error) {
	t, err := ReadHouseholdsCSV(data)
	if err != nil {
		return nil, err
	}
	return ParseHouseholdTable(t, floors)
}

// ReadHouseholdsCSV reads a UTF-8 CSV (with or without a byte-order mark)
// into a households table, the header found under any title rows.
func ReadHouseholdsCSV(data []byte) (*HouseholdTable, error) {
	if !utf8.Valid(data) {
		return nil, Invalidf("csv", "CSV 文件不是 UTF-8 编码：请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var rows [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, Invalidf("csv", "CSV 第%d行格式错误（引号不配对？），未导入任何住户", line)
		}
		line, _ := cr.FieldPos(0)
		rows, lines = append(rows, rec), append(lines, line)
	}
	return householdTableOf("", rows, lines), nil
}

// ParseHouseholdTable reads a households table: the header (in any order,
// English or Chinese names; room, floor and area required), then one
// household a row. Every problem names its row and column; nothing is
// imported while any remains.
func ParseHouseholdTable(t *HouseholdTable, floors int) ([]Household, error) {
	field := "csv"
	if t.Sheet != "" {
		field = "xlsx"
	}
	if len(t.Rows) == 0 {
		return nil, Invalidf(field, "文件是空的：第1行应为表头，如 %s", strings.Join(CSVHeader, ","))
	}
	cols := map[string]int{}
	for i, name := range t.Rows[0] {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		key := ""
		for k, aliases := range HouseholdColumns {
			for _, a := range aliases {
				if name == strings.ToLower(a) {
					key = k
				}
			}
		}
		if key == "" {
			return nil, Invalidf(field, "%s的表头“%s”无法识别：可用的列有 房号、楼层、面积、业主、业主编号、电话、困难户、免缴、必须同意（或 %s）",
				t.where(t.rowNumber(0), i), name, strings.Join(CSVHeader, ","))
		}
		if prev, dup := cols[key]; dup {
			return nil, Invalidf(field, "%s与%s都是“%s”列", t.where(t.rowNumber(0), i), t.where(t.rowNumber(0), prev), columnLabels[key])
		}
		cols[key] = i
	}
	for _, k := range []string{"room", "floor", "area"} {
		if _, ok := cols[k]; !ok {
			return nil, Invalidf(field, "第%d行表头缺少“%s”列（%s）", t.rowNumber(0), columnLabels[k], k)
		}
	}
	var hs []Household
	var problems []string
	seen := map[string]int{}
	for n, rec := range t.Rows[1:] {
		row := t.rowNumber(n + 1)
		if blankRow(rec) {
			continue
		}
		h, msg := tableHousehold(t, rec, row, cols, floors)
		if msg == "" {
			if prev, dup := seen[h.Room]; dup {
				msg = fmt.Sprintf("%s：房号“%s”与第%d行重复", t.where(row, cols["room"]), h.Room, prev)
			}
		}
		if msg != "" {
			problems = append(problems, msg)
			if len(problems) >= 50 {
				problems = append(problems, "……（更多错误未列出）")
				break
			}
			continue
		}
		seen[h.Room] = row
		hs = append(hs, h)
		if len(hs) > maxHouseholdsPerProject {
			return nil, Invalidf(field, "住户太多：最多 %d 户", maxHouseholdsPerProject)
		}
	}
	if len(problems) > 0 {
		return nil, Invalidf(field, "文件有 %d 处错误，未导入任何住户：%s", len(problems), strings.Join(problems, "；"))
	}
	return hs, nil
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// tableHousehold reads one row; a non-empty message names the cell and
// says what is wrong.
func tableHousehold(t *HouseholdTable, rec []string, row int, cols map[string]int, floors int) (Household, string) {
	cell := func(k string) string {
		if i, ok := cols[k]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	obj := map[string]any{"room": csvText(cell("room")), "floor": strings.TrimSpace(cell("floor")), "area": strings.TrimSpace(cell("area"))}
	for _, key := range []string{"owner", "owner_id", "phone"} {
		if v := csvText(cell(key)); v != "" {
			obj[key] = v
		}
	}
	for _, key := range []string{"hardship", "exempt", "must_consent"} {
		b, ok := csvBool(cell(key))
		if !ok {
			return Household{}, fmt.Sprintf("%s（%s）应为 是/否（或 1/0、true/false），实际为“%s”", t.where(row, cols[key]), columnLabels[key], cell(key))
		}
		obj[key] = b
	}
	r := &reader{}
	var h Household
	r.projectHousehold(obj, &h, floors)
	if r.err != nil {
		col := 0
		for k, i := range cols {
			if r.err.Field == k || strings.HasPrefix(r.err.Field, k+".") {
				col = i
			}
		}
		return Household{}, fmt.Sprintf("%s（%s）：房号“%s”%s", t.where(row, col), columnLabels[r.err.Field], h.Room, r.err.Message)
	}
	return h, ""
}

func csvBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "0", "false", "否", "n", "no", "f":
		return false, true
	case "1", "true", "是", "y", "yes", "t":
		return true, true
	}
	return false, false
}

// formulaStart is what makes a spreadsheet read a cell as a formula
// (=HYPERLINK(…), +cmd|…, @SUM(…)): CSV injection.
const formulaStart = "=+-@\t\r"

// CSVCell makes a text safe to open in a spreadsheet: a cell that starts
// like a formula gets a leading apostrophe, so Excel shows it as text.
// Every CSV and xlsx export writes its text cells through it.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvText reads a text cell of an imported CSV: as text, never a formula,
// and without the apostrophe CSVCell added on export.
func csvText(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

// WriteHouseholdsCSV writes households as Excel opens them: UTF-8 with a
// byte-order mark, CRLF, the header of docs/api.md, 是/否 for flags, and
// every text cell made safe (CSVCell).
func WriteHouseholdsCSV(w io.Writer, hs []Household) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	yes := map[bool]string{true: "是", false: "否"}
	for _, h := range hs {
		if err := cw.Write([]string{CSVCell(h.Room), strconv.Itoa(h.Floor), h.Area.String(), CSVCell(h.OwnerName), CSVCell(h.OwnerID),
			CSVCell(h.Phone), yes[h.Hardship], yes[h.Exempt], yes[h.MustConsent]}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ParseContact reads {name, phone, office}: who residents ask about a
// project (PUT …/contact, or "contact" when a project is created).
func ParseContact(data []byte) (Contact, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return Contact{}, err
	}
	r := &reader{}
	c := r.contact(doc, "")
	if r.err != nil {
		return Contact{}, r.err
	}
	return c, nil
}

func (r *reader) contact(v any, path string) Contact {
	m := r.object(v, path, "联系人", "name", "phone", "office")
	var c Contact
	if present(m, "name") {
		c.Name = strings.TrimSpace(r.printable(m["name"], fieldPath(path, "name"), "联系人姓名", 30))
	}
	if present(m, "phone") {
		c.Phone = r.phone(m["phone"])
		r.prefix(path, "联系人")
	}
	if present(m, "office") {
		c.Office = strings.TrimSpace(r.printable(m["office"], fieldPath(path, "office"), "办公地点和时间", 100))
	}
	if r.ok() && c.Name == "" && (c.Phone != "" || c.Office != "") {
		r.fail(fieldPath(path, "name"), "请填写联系人姓名：居民要知道找谁")
	}
	return c
}

// ParseTerms reads the agreement's particulars {party_a, party_a_rep,
// account_name, account_bank, account_number, compensation_by} (PUT
// …/terms, or "terms" when a project is created). Every field may stay
// empty: the agreement then leaves a blank to fill in by hand.
func ParseTerms(data []byte) (Terms, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return Terms{}, err
	}
	r := &reader{}
	t := r.terms(doc, "")
	if r.err != nil {
		return Terms{}, r.err
	}
	return t, nil
}

func (r *reader) terms(v any, path string) Terms {
	m := r.object(v, path, "协议要素", "party_a", "party_a_rep", "account_name", "account_bank", "account_number", "compensation_by")
	var t Terms
	text := func(key, label string, max int) string {
		if !present(m, key) {
			return ""
		}
		return strings.TrimSpace(r.printable(m[key], fieldPath(path, key), label, max))
	}
	t.PartyA = text("party_a", "甲方名称", 60)
	t.PartyARep = text("party_a_rep", "甲方代表人", 30)
	t.AccountName = text("account_name", "收款账户户名", 60)
	t.AccountBank = text("account_bank", "开户银行", 60)
	t.AccountNumber = text("account_number", "收款账号", 40)
	if t.AccountNumber != "" && r.ok() {
		digits := 0
		for _, c := range t.AccountNumber {
			switch {
			case c >= '0' && c <= '9':
				digits++
			case c == ' ' || c == '-':
			default:
				r.fail(fieldPath(path, "account_number"), "收款账号“%s”只能包含数字、空格和 -", t.AccountNumber)
				return t
			}
		}
		if digits < 8 {
			r.fail(fieldPath(path, "account_number"), "收款账号“%s”太短，应至少8位数字", t.AccountNumber)
		}
	}
	if by := text("compensation_by", "补偿款支付日期", 10); by != "" && r.ok() {
		r.date(by, fieldPath(path, "compensation_by"), "补偿款支付日期")
		t.CompensationBy = by
	}
	if r.ok() && (t.AccountNumber != "") != (t.AccountName != "" && t.AccountBank != "") {
		for _, f := range []struct{ key, label, v string }{{"account_name", "户名", t.AccountName}, {"account_bank", "开户银行", t.AccountBank}, {"account_number", "账号", t.AccountNumber}} {
			if f.v == "" {
				r.fail(fieldPath(path, f.key), "收款账户请把户名、开户银行和账号填全（缺%s）：居民要据此付款", f.label)
				break
			}
		}
	}
	return t
}

// HouseholdsDiff is what a new households list would change (PUT
// …/households?preview=1): households are matched by room.
type HouseholdsDiff struct {
	Added   []Household       // in the new list's order
	Changed []HouseholdChange // in the new list's order
	Removed []Household       // in the old list's order
}

// HouseholdChange is one room whose facts would change.
type HouseholdChange struct {
	Room   string        `json:"room"`
	Fields []FieldChange `json:"fields"`
}

// FieldChange is one field of a household, before and after; values are
// as the API shows them (floor a number, area "68.50", flags true/false).
type FieldChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// householdFields are a household's facts by their API names, in the
// order the console lists them.
func householdFields(h Household) [][2]any {
	return [][2]any{{"floor", h.Floor}, {"area", h.Area}, {"owner", h.OwnerName}, {"owner_id", h.OwnerID}, {"phone", h.Phone},
		{"hardship", h.Hardship}, {"exempt", h.Exempt}, {"must_consent", h.MustConsent}}
}

// DiffHouseholds says what replacing old with next would add, change and
// remove, room by room.
func DiffHouseholds(old, next []Household) HouseholdsDiff {
	d := HouseholdsDiff{Added: []Household{}, Changed: []HouseholdChange{}, Removed: []Household{}}
	before := make(map[string]Household, len(old))
	for _, h := range old {
		before[h.Room] = h
	}
	kept := make(map[string]bool, len(next))
	for _, h := range next {
		kept[h.Room] = true
		o, ok := before[h.Room]
		if !ok {
			d.Added = append(d.Added, h)
			continue
		}
		var fields []FieldChange
		from, to := householdFields(o), householdFields(h)
		for i := range to {
			if from[i][1] != to[i][1] {
				fields = append(fields, FieldChange{Field: to[i][0].(string), From: from[i][1], To: to[i][1]})
			}
		}
		if len(fields) > 0 {
			d.Changed = append(d.Changed, HouseholdChange{Room: h.Room, Fields: fields})
		}
	}
	for _, h := range old {
		if !kept[h.Room] {
			d.Removed = append(d.Removed, h)
		}
	}
	return d
}
