package engine

import "testing"

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
