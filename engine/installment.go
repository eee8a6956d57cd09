package engine

import (
	"math/big"
	"time"
)

// Plan is a household's payment plan: a down payment on the start date,
// then monthly installments.
type Plan struct {
	DownPayment   Fen           `json:"down_payment"`
	TotalInterest Fen           `json:"total_interest"`
	TotalPaid     Fen           `json:"total_paid"`
	Installments  []Installment `json:"installments"`
}

// Installment is one monthly payment.
type Installment struct {
	N         int  `json:"n"`
	Date      Date `json:"date"`
	Principal Fen  `json:"principal"`
	Interest  Fen  `json:"interest"`
	Amount    Fen  `json:"amount"`
}

// Date is a calendar day packed as yyyymmdd. It holds no pointer, so a
// schedule of hundreds of installments costs the garbage collector nothing.
type Date int32

// DateOf returns the day of t.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(y*10000 + int(m)*100 + d)
}

// Time returns the day at midnight UTC.
func (d Date) Time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	b := make([]byte, 0, 10)
	return string(d.appendTo(b))
}

func (d Date) appendTo(b []byte) []byte {
	y, m, day := int(d)/10000, int(d)/100%100, int(d)%100
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
	return b
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// scheduler builds plans for one Installments setting; the dates and the
// annuity factor are the same for every household, so they are made once.
type scheduler struct {
	p     *Installments
	dates []Date
	// monthly rate r = rateNum / rateDen exactly (annual_rate / 12)
	rateNum, rateDen int64
	// annuity factor r(1+r)^n / ((1+r)^n − 1) = annNum / annDen
	annNum, annDen, annDen2 *big.Int
}

func newScheduler(p *Installments) *scheduler {
	s := &scheduler{p: p, rateNum: int64(p.AnnualRate), rateDen: 12 * ratioScale}
	s.dates = make([]Date, p.Months)
	for k := 1; k <= p.Months; k++ {
		s.dates[k-1] = DateOf(addMonths(p.Start, k))
	}
	if p.Method == InstallmentAnnuity && p.AnnualRate > 0 {
		// With r = A/b: factor = A·a^n / (b·(a^n − b^n)), a = b + A.
		A := big.NewInt(s.rateNum)
		b := big.NewInt(s.rateDen)
		n := big.NewInt(int64(p.Months))
		an := new(big.Int).Exp(new(big.Int).Add(b, A), n, nil)
		bn := new(big.Int).Exp(b, n, nil)
		s.annNum = new(big.Int).Mul(A, an)
		s.annDen = new(big.Int).Mul(b, an.Sub(an, bn))
		s.annDen2 = new(big.Int).Lsh(s.annDen, 1)
	}
	return s
}

// addMonths moves t by k calendar months; a day past the end of the target
// month becomes its last day (01-31 + 1 month = 02-28 or 02-29).
func addMonths(t time.Time, k int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// plan is the schedule for one household owing due (docs/calculation.md §8).
func (s *scheduler) plan(due Fen) *Plan {
	pl := &Plan{Installments: []Installment{}}
	if due <= 0 {
		return pl
	}
	pl.DownPayment = mulRatio(due, s.p.DownPaymentRate)
	financed := due - pl.DownPayment
	if s.p.Method == InstallmentAnnuity && s.annNum != nil {
		pl.Installments = s.annuity(financed)
	} else {
		pl.Installments = s.equalPrincipal(financed)
	}
	for _, in := range pl.Installments {
		pl.TotalInterest += in.Interest
	}
	pl.TotalPaid = due + pl.TotalInterest
	return pl
}

// interest is round_half_up(balance × r) in fen.
func (s *scheduler) interest(balance Fen) Fen {
	if s.rateNum == 0 || balance <= 0 {
		return 0
	}
	return Fen(roundHalfUpDiv(int64(balance)*s.rateNum, s.rateDen))
}

// equalPrincipal serves `equal` (r = 0) and `equal_principal`: principal
// floor(financed/months), the first remainder months one fen more, and
// interest on the balance before each payment.
func (s *scheduler) equalPrincipal(financed Fen) []Installment {
	months := Fen(s.p.Months)
	base := financed / months
	more := int(financed - base*months)
	out := make([]Installment, s.p.Months)
	balance := financed
	for k := range out {
		principal := base
		if k < more {
			principal++
		}
		interest := s.interest(balance)
		out[k] = Installment{N: k + 1, Date: s.dates[k], Principal: principal, Interest: interest, Amount: principal + interest}
		balance -= principal
	}
	return out
}

// annuity is 等额本息: a fixed payment, rounded to the fen; each month's
// interest on the balance and the rest principal; the last month takes the
// remaining balance. Principal never exceeds the balance, so a tiny
// financed amount over many months cannot drive the balance negative.
func (s *scheduler) annuity(financed Fen) []Installment {
	num := new(big.Int).Mul(big.NewInt(2*int64(financed)), s.annNum)
	num.Add(num, s.annDen)
	payment := Fen(num.Quo(num, s.annDen2).Int64())
	out := make([]Installment, s.p.Months)
	balance := financed
	for k := range out {
		interest := s.interest(balance)
		principal := min(max(payment-interest, 0), balance)
		if k == len(out)-1 {
			principal = balance
		}
		out[k] = Installment{N: k + 1, Date: s.dates[k], Principal: principal, Interest: interest, Amount: principal + interest}
		balance -= principal
	}
	return out
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(data []byte) error {
	t, err := time.Parse(`"`+time.DateOnly+`"`, string(data))
	if err != nil {
		return Invalidf("", "无法读取日期 %s", data)
	}
	*d = DateOf(t)
	return nil
}
