package engine

import (
	"strings"
	"testing"
	"time"
)

// TestNoticePeriod: the 公示期 starts the day after posting in Beijing
// (民法典 第二百零一条), late at night and across a month end.
func TestNoticePeriod(t *testing.T) {
	for _, c := range []struct {
		posted   time.Time
		days     int
		from, to string
	}{
		{time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), 10, "2026-12-01", "2026-12-10"}, // 01:00 on 30 Nov in Beijing
		{time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), 7, "2026-12-01", "2026-12-07"},
		{time.Date(2026, 12, 31, 2, 0, 0, 0, time.UTC), 1, "2027-01-01", "2027-01-01"},
	} {
		from, to := NoticePeriod(c.posted, c.days)
		if got := from.Format(time.DateOnly) + " " + to.Format(time.DateOnly); got != c.from+" "+c.to {
			t.Errorf("NoticePeriod(%v, %d) = %s, want %s %s", c.posted, c.days, got, c.from, c.to)
		}
	}
}

// TestParseDeadlineDateAlone: a date alone is 17:00 of that day in
// Beijing, a round time on paper; a time given is kept.
func TestParseDeadlineDateAlone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2027-03-01", "2027年3月1日 17:00"},
		{" 2027-03-01 ", "2027年3月1日 17:00"},
		{"2027-03-01 18:30", "2027年3月1日 18:30"},
		{"2027-03-01T09:00:00Z", "2027年3月1日 17:00"},
	} {
		d, err := ParseDeadline(c.in, "deadline")
		if err != nil {
			t.Fatal(err)
		}
		if got := BeijingMinute(d); got != c.want {
			t.Errorf("ParseDeadline(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestHouseholdTableUnderATitle: the service's own export has a title and
// an as-of row above the header; the import finds the header and numbers
// rows as the sheet does.
func TestHouseholdTableUnderATitle(t *testing.T) {
	rows := [][]string{{"幸福里 住户名单"}, {"截至 2027年4月15日 17:00（北京时间）"}, {"房号", "楼层", "面积", "业主"}, {"101", "1", "68.50", "张三"}, {"201", "2", "-1", "李四"}}
	tab := HouseholdTableOf("住户", rows)
	if tab.Above != 2 || tab.Rows[0][0] != "房号" {
		t.Fatalf("header found at %d: %v", tab.Above, tab.Rows[0])
	}
	_, err := ParseHouseholdTable(tab, 6)
	if err == nil || !strings.Contains(err.Error(), "第5行") {
		t.Errorf("the bad area is on the sheet's row 5: %v", err)
	}
	tab.Rows[len(tab.Rows)-1][2] = "86.20"
	if hs, err := ParseHouseholdTable(tab, 6); err != nil || len(hs) != 2 {
		t.Errorf("imported %v, %v", hs, err)
	}
	if plain := HouseholdTableOf("住户", rows[2:]); plain.Above != 0 {
		t.Errorf("a sheet with its header first: above = %d", plain.Above)
	}
}
