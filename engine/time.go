package engine

import (
	"strings"
	"time"
)

// Beijing is 北京时间 (UTC+8, no daylight saving). Instants are stored in
// UTC and shown to people in Beijing time; this is the one place that says
// so.
var Beijing = time.FixedZone("北京时间", 8*3600)

// Now is the current time as stored: UTC, truncated to microseconds (what
// PostgreSQL keeps).
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// FormatTime is the one text form of an instant in canonical records:
// UTC, microseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}

// BeijingMinute shows an instant to people: 2027年3月1日 18:00.
func BeijingMinute(t time.Time) string { return t.In(Beijing).Format("2006年1月2日 15:04") }

// BeijingSecond is BeijingMinute with seconds.
func BeijingSecond(t time.Time) string { return t.In(Beijing).Format("2006年1月2日 15:04:05") }

// BeijingDate is the calendar date of an instant in Beijing: 2027年3月1日.
func BeijingDate(t time.Time) string { return t.In(Beijing).Format("2006年1月2日") }

// DeadlineHour is the hour a deadline given as a date alone falls at, in
// Beijing: a round time at the end of an office day, which residents read
// on paper without doubt (never 23:59:59).
const DeadlineHour = 17

// ParseDeadline reads a deadline as people and programs write it: RFC
// 3339, or a Beijing date and time ("2027-03-01 18:00"), or a date alone
// (17:00 of that day in Beijing, DeadlineHour). field names the input in
// the error.
func ParseDeadline(s, field string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Microsecond), nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, Beijing); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, Beijing); err == nil {
		return t.Add(DeadlineHour * time.Hour).UTC(), nil
	}
	shown := []rune(s)
	if len(shown) > 40 {
		shown = append(shown[:40], '…')
	}
	return time.Time{}, Invalidf(field, "截止时间“%s”无法识别，请写成 2027-03-01 18:00（北京时间）", string(shown))
}
