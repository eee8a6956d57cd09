package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// SlipSheet is what slips.pdf prints: one cut-apart slip per household
// (four to an A4 page, two in large type) with the household's own
// signing link — the same link issued at publishing, opened from its
// sealed token — as a QR code and as text, what to do by when, and whom
// to ask.
type SlipSheet struct {
	Project  *Project
	Scenario *Scenario // a vote's slips
	Survey   string    // a questionnaire's slips: its title
	Deadline time.Time
	Contact  Contact
	Slips    []Slip // in room order
	Large    bool   // large type for elderly households: two slips a page
	Printed  time.Time
}

// Slip is one household's slip.
type Slip struct {
	Room  string
	Floor int
	Owner string // masked
	Due   Fen    // a vote's slip
	URL   string // the link as issued, printed under the QR code
	QR    string // what the QR code opens (the link, in large type with ?size=large)
}

// UnprintableLinks refuses to print slips when some households' links
// cannot be printed again: issued before tokens were sealed, sealed under
// another seal key, or missing. It names the rooms and says what to do
// (re-issue those links, which voids their old slips); nil when none.
func UnprintableLinks(problems map[string][]string) error {
	if len(problems) == 0 {
		return nil
	}
	var parts []string
	if rooms := problems[SealedNone]; len(rooms) > 0 {
		parts = append(parts, fmt.Sprintf("%s 的链接是在纸条可以重印之前发放的，无法按原链接重印", strings.Join(rooms, "、")))
	}
	if rooms := problems[SealedOtherKey]; len(rooms) > 0 {
		parts = append(parts, fmt.Sprintf("%s 的链接是用另一把封存密钥封存的（封存密钥文件已更换或丢失），无法重印", strings.Join(rooms, "、")))
	}
	if rooms := problems[SealedBroken]; len(rooms) > 0 {
		parts = append(parts, fmt.Sprintf("%s 的链接记录无法核对（可能被改动），不能重印", strings.Join(rooms, "、")))
	}
	if rooms := problems["missing"]; len(rooms) > 0 {
		parts = append(parts, fmt.Sprintf("%s 没有有效的签署链接", strings.Join(rooms, "、")))
	}
	return Errorf(ECodeConflict, "%s。请对这些住户“重新发放链接”后再打印（重新发放后，原来的纸条作废）", strings.Join(parts, "；"))
}

// SealProblem is why a sealed token did not open (SealedNone…), or "" for
// an error that is not the seal's.
func SealProblem(err error) string {
	var se *SealError
	if errors.As(err, &se) {
		return se.Reason
	}
	return ""
}
