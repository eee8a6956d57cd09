package engine

import "time"

// ObjectionAnswerWorkdays is how soon the 社区 answers an objection to a
// 公示 in writing, counted in working days from its receipt.
const ObjectionAnswerWorkdays = 5

// NoticePeriod is the 公示期 of a notice posted at posted for days whole
// days: it starts the day after posting (民法典 第二百零一条: a period
// counted in days starts the next day) and ends on its last whole day,
// both as dates in Beijing.
func NoticePeriod(posted time.Time, days int) (from, to time.Time) {
	p := posted.In(Beijing)
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, Beijing)
	from = day.AddDate(0, 0, 1)
	return from, from.AddDate(0, 0, days-1)
}
