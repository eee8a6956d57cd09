package engine

import (
	"encoding/json"
	"fmt"
	"time"
)

// A household's row may be corrected one field at a time (PATCH
// …/households/{hid}). Before a plan is published any field may change,
// as the whole list could be replaced. Once published, the facts the plan
// was computed and voted on — room, floor, area, owner, owner grouping,
// hardship, exempt, must-consent — are frozen with it; the contact (the
// phone a worker calls) is not part of what residents decide and may be
// corrected at any time.

// AuditHouseholdChanged is the event of a household corrected in place.
const AuditHouseholdChanged = "household_changed"

// TableHouseholds is the households table, named in row images.
const TableHouseholds = "households"

// ECodeFrozen is a fact published with a plan that a request tried to
// change.
const ECodeFrozen = "frozen"

// contactFields are the household fields that are contact, not fact.
var contactFields = map[string]bool{"phone": true}

// frozenReasons says, field by field, why a published fact cannot change.
var frozenReasons = map[string]string{
	"room":         "房号已随表决方案公布，不能修改；如确有错误，请重新发布方案",
	"floor":        "楼层已随表决方案公布，不能修改；如确有错误，请重新发布方案",
	"area":         "面积已随表决方案公布，不能修改；如确有错误，请重新发布方案",
	"owner":        "业主姓名已随表决方案公布，不能修改；如确有错误，请重新发布方案",
	"owner_id":     "业主归属（同一业主的几套房合计一人）已随表决方案公布，不能修改；如确有错误，请重新发布方案",
	"hardship":     "困难户标记已随表决方案公布（决定减免），不能修改；如确有错误，请重新发布方案",
	"exempt":       "免缴标记已随表决方案公布（决定分摊），不能修改；如确有错误，请重新发布方案",
	"must_consent": "必须同意标记已随表决方案公布（决定表决是否通过），不能修改；如确有错误，请重新发布方案",
}

// householdDoc is a household as the request shows it.
func householdDoc(h Household) map[string]any {
	return map[string]any{"room": h.Room, "floor": h.Floor, "area": h.Area.String(), "owner": h.OwnerName, "owner_id": h.OwnerID,
		"phone": h.Phone, "hardship": h.Hardship, "exempt": h.Exempt, "must_consent": h.MustConsent}
}

// PatchHousehold reads a correction of household h (a JSON object of the
// fields to change, named as in the households list) for a project of
// floors storeys, and returns the household after it with the fields that
// change. After publishing, a changed fact is refused: code frozen (409),
// naming the field and saying why. A field sent with its current value is
// no change.
func PatchHousehold(h Household, data []byte, floors int, published bool) (Household, []FieldChange, error) {
	doc, err := decodeDocument(data)
	if err != nil {
		return h, nil, err
	}
	r := &reader{}
	patch := r.object(doc, "", "住户更正", "room", "floor", "area", "owner", "owner_id", "phone", "hardship", "exempt", "must_consent")
	if r.err != nil {
		return h, nil, r.err
	}
	if len(patch) == 0 {
		return h, nil, Invalidf("", "没有要更正的内容：请给出要修改的字段，如 {\"phone\": \"13800001111\"}")
	}
	current, err := json.Marshal(householdDoc(h))
	if err != nil {
		return h, nil, err
	}
	merged, err := decodeDocument(current)
	if err != nil {
		return h, nil, err
	}
	for k, v := range patch {
		merged.(map[string]any)[k] = v
	}
	next := Household{ID: h.ID, ProjectID: h.ProjectID}
	r.projectHousehold(merged, &next, floors)
	if r.err != nil {
		r.prefix("", fmt.Sprintf("房号“%s”", h.Room))
		return h, nil, r.err
	}
	changes := householdChanges(h, next)
	if published {
		for _, c := range changes {
			if !contactFields[c.Field] {
				return h, nil, &Error{Code: ECodeFrozen, Field: c.Field, Message: frozenReasons[c.Field]}
			}
		}
	}
	return next, changes, nil
}

// householdChanges lists the fields of next that differ from old, room
// first.
func householdChanges(old, next Household) []FieldChange {
	var out []FieldChange
	if old.Room != next.Room {
		out = append(out, FieldChange{Field: "room", From: old.Room, To: next.Room})
	}
	from, to := householdFields(old), householdFields(next)
	for i := range to {
		if from[i][1] != to[i][1] {
			out = append(out, FieldChange{Field: to[i][0].(string), From: from[i][1], To: to[i][1]})
		}
	}
	return out
}

// Row is the image of a household's row.
func (h Household) Row() Row {
	return Row{Table: TableHouseholds, ID: h.ID, Cols: map[string]string{
		"project_id": ColInt(h.ProjectID), "room": h.Room, "floor": ColInt(int64(h.Floor)), "area": h.Area.String(),
		"owner_name": h.OwnerName, "owner_id": h.OwnerID, "phone": h.Phone, "hardship": ColBool(h.Hardship),
		"exempt": ColBool(h.Exempt), "must_consent": ColBool(h.MustConsent)}}
}

// HouseholdChanged is the event of a household corrected in place: its
// room, the fields that changed (a phone masked, as the audit list is
// shown around), and the row's image after the change, which carries the
// full values. The households table is not (yet) projected as a whole:
// the image is the record of what the row became.
func HouseholdChanged(h Household, changes []FieldChange, actor string, at time.Time) *AuditEvent {
	type change struct {
		Field string `json:"field"`
		From  string `json:"from"`
		To    string `json:"to"`
	}
	shown := make([]change, len(changes))
	for i, c := range changes {
		from, to := fmt.Sprint(c.From), fmt.Sprint(c.To)
		if c.Field == "phone" {
			from, to = MaskPhone(from), MaskPhone(to)
		}
		shown[i] = change{c.Field, from, to}
	}
	return &AuditEvent{ProjectID: h.ProjectID, Kind: AuditHouseholdChanged, Actor: actor, At: at,
		Data: AuditData(struct {
			HouseholdID int64    `json:"household_id"`
			Room        string   `json:"room"`
			Changes     []change `json:"changes"`
			RowsData
		}{h.ID, h.Room, shown, RowsData{Rows: []Row{h.Row()}}})}
}
