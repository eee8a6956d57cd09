package engine

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"
)

// This file holds a second, deliberately plain implementation of the
// calculation contract (docs/calculation.md) over big.Rat, written straight from the
// text, and a generator of random valid scenarios. The tests compare the
// engine with it field by field.

type genScenario struct {
	Name          string          `json:"name,omitempty"`
	Floors        int             `json:"floors,omitempty"`
	Households    []genHousehold  `json:"households"`
	Costs         []genCost       `json:"costs"`
	Subsidies     []genSubsidy    `json:"subsidies,omitempty"`
	Compensations []genComp       `json:"compensations,omitempty"`
	Allocation    genAllocation   `json:"allocation"`
	Hardship      *genHardship    `json:"hardship,omitempty"`
	Installments  *genInstallment `json:"installments,omitempty"`
	Operating     *genOperating   `json:"operating,omitempty"`
}

type genHousehold struct {
	ID       string `json:"id"`
	Floor    int    `json:"floor"`
	Area     string `json:"area"`
	Owner    string `json:"owner,omitempty"`
	Hardship bool   `json:"hardship,omitempty"`
	Exempt   bool   `json:"exempt,omitempty"`
}

type genCost struct {
	Name   string `json:"name"`
	Amount string `json:"amount"`
}

type genSubsidy struct {
	Name   string         `json:"name"`
	Type   string         `json:"type"`
	Amount string         `json:"amount,omitempty"`
	Rate   string         `json:"rate,omitempty"`
	Cap    string         `json:"cap,omitempty"`
	Table  []genFloorsRow `json:"table,omitempty"`
}

type genFloorsRow struct {
	MinFloors int    `json:"min_floors"`
	Amount    string `json:"amount"`
}

type genComp struct {
	Household string `json:"household"`
	Amount    string `json:"amount"`
}

type genAllocation struct {
	Method       string     `json:"method"`
	Coefficients []genRange `json:"coefficients,omitempty"`
	Percents     []genRange `json:"percents,omitempty"`
}

type genRange struct {
	Floors string `json:"floors"`
	Value  string `json:"value"`
	from   int
	to     int
}

type genHardship struct {
	ReliefRate string `json:"relief_rate"`
	FundedBy   string `json:"funded_by"`
	Fund       string `json:"fund,omitempty"`
}

type genInstallment struct {
	DownPaymentRate string `json:"down_payment_rate"`
	Months          int    `json:"months"`
	AnnualRate      string `json:"annual_rate"`
	Method          string `json:"method"`
	Start           string `json:"start"`
}

type genOperating struct {
	Annual string `json:"annual"`
}

func (s *genScenario) JSON() []byte {
	data, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return data
}

// money returns a random amount in 元 with up to 2 decimals, small ones
// often, so rounding ties come up.
func genMoney(r *rand.Rand, maxYuan int64) string {
	switch r.IntN(6) {
	case 0:
		return fmt.Sprintf("0.%02d", r.IntN(100))
	case 1:
		return strconv.FormatInt(r.Int64N(maxYuan+1), 10)
	default:
		return fixed2(r.Int64N(maxYuan*100 + 1))
	}
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// genRandomScenario makes a random valid input of the calculation contract.
func genRandomScenario(r *rand.Rand) *genScenario {
	s := &genScenario{Name: "随机方案"}
	floors := 1 + r.IntN(12)
	if r.IntN(3) > 0 {
		s.Floors = floors
	}
	n := 1 + r.IntN(30)
	areas := []string{"68.50", "86.20", "68.50", "90.00", "72.35"}
	usedIDs := map[string]bool{}
	for i := 0; i < n; i++ {
		h := genHousehold{Floor: 1 + r.IntN(floors)}
		for h.ID == "" || usedIDs[h.ID] {
			h.ID = pick(r, fmt.Sprintf("%d%02d", h.Floor, 1+r.IntN(9)), strconv.Itoa(r.IntN(100)), fmt.Sprintf("A%d", r.IntN(50)), fmt.Sprintf("b-%d", r.IntN(50)))
		}
		usedIDs[h.ID] = true
		if r.IntN(3) == 0 {
			h.Area = pick(r, areas...)
		} else {
			h.Area = fixed2(1 + r.Int64N(1_000_000))
		}
		h.Hardship = r.IntN(6) == 0
		h.Exempt = r.IntN(10) == 0
		s.Households = append(s.Households, h)
	}
	if s.Floors == 0 { // the engine defaults floors to the highest household floor
		floors = 0
		for _, h := range s.Households {
			floors = max(floors, h.Floor)
		}
	}
	for i := 0; i < 1+r.IntN(3); i++ {
		s.Costs = append(s.Costs, genCost{Name: "费用", Amount: genMoney(r, 800_000)})
	}
	for i := 0; i < r.IntN(4); i++ {
		switch r.IntN(3) {
		case 0:
			s.Subsidies = append(s.Subsidies, genSubsidy{Type: "fixed", Amount: genMoney(r, 300_000)})
		case 1:
			sub := genSubsidy{Type: "percent", Rate: pick(r, "0.4", "0.333333", "0.5", "0.125", "1", "0", "0.000005")}
			if r.IntN(2) == 0 {
				sub.Cap = genMoney(r, 300_000)
			}
			s.Subsidies = append(s.Subsidies, sub)
		default:
			var rows []genFloorsRow
			for _, m := range r.Perm(10)[:1+r.IntN(4)] {
				rows = append(rows, genFloorsRow{MinFloors: m + 1, Amount: genMoney(r, 250_000)})
			}
			s.Subsidies = append(s.Subsidies, genSubsidy{Type: "by_floors", Table: rows})
		}
	}
	for i := 0; i < r.IntN(4); i++ {
		h := s.Households[r.IntN(n)]
		s.Compensations = append(s.Compensations, genComp{Household: h.ID, Amount: genMoney(r, 10_000)})
	}
	s.Allocation.Method = pick(r, AllocCoefficientArea, AllocCoefficient, AllocArea, AllocEqual, AllocFloorPercent, AllocHouseholdPercent)
	ranges := genRanges(r, floors)
	switch s.Allocation.Method {
	case AllocCoefficientArea, AllocCoefficient:
		s.Allocation.Coefficients = ranges
	case AllocFloorPercent, AllocHouseholdPercent:
		s.Allocation.Percents = ranges
	}
	if r.IntN(2) == 0 {
		h := &genHardship{ReliefRate: pick(r, "1", "0.5", "0.3", "0.333333", "0"), FundedBy: pick(r, "others", "fund")}
		if h.FundedBy == "fund" {
			h.Fund = genMoney(r, 50_000)
		}
		s.Hardship = h
	}
	if r.IntN(2) == 0 {
		p := &genInstallment{
			DownPaymentRate: pick(r, "0", "0.3", "0.25", "0.333333", "0.999999"),
			Months:          pick(r, 1, 2, 12, 24, 36, 1+r.IntN(60)),
			Method:          pick(r, "equal", "annuity", "equal_principal"),
			Start:           pick(r, "2027-01-01", "2027-01-31", "2028-01-30", "2027-08-31", "2026-12-15"),
			AnnualRate:      "0",
		}
		if p.Method != "equal" {
			p.AnnualRate = pick(r, "0", "0.036", "0.049", "0.1", "0.000001")
		}
		s.Installments = p
	}
	if r.IntN(2) == 0 {
		s.Operating = &genOperating{Annual: genMoney(r, 20_000)}
	}
	return s
}

// genRanges splits 1..floors into consecutive ranges with random values.
func genRanges(r *rand.Rand, floors int) []genRange {
	var out []genRange
	for from := 1; from <= floors; {
		to := min(floors, from+r.IntN(3))
		g := genRange{from: from, to: to, Value: pick(r, "0", "0.7", "0.8", "1", "1.1", "0.333333", "10", "20.5", "40")}
		g.Floors = strconv.Itoa(from)
		if to > from {
			g.Floors += "-" + strconv.Itoa(to)
		}
		out = append(out, g)
		from = to + 1
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func rat(s string) *big.Rat {
	x, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad decimal " + s)
	}
	return x
}

// fenOf converts an amount in 元 with ≤ 2 decimals to fen.
func fenOf(s string) int64 {
	x := new(big.Rat).Mul(rat(s), big.NewRat(100, 1))
	if !x.IsInt() {
		panic("not whole fen: " + s)
	}
	return x.Num().Int64()
}

// roundFen is round_half_up(x) for x ≥ 0, x in fen.
func roundFen(x *big.Rat) int64 {
	y := new(big.Rat).Add(x, big.NewRat(1, 2))
	return new(big.Int).Quo(y.Num(), y.Denom()).Int64()
}

func floorRat(x *big.Rat) *big.Int { return new(big.Int).Quo(x.Num(), x.Denom()) }

// refAllocate is step 4 written from the text: floor(q_i), then the leftover
// by larger fractional part, larger weight, higher floor, smaller id.
func refAllocate(p int64, w []*big.Rat, floors []int, ids []string) []int64 {
	out := make([]int64, len(w))
	sum := new(big.Rat)
	for _, x := range w {
		sum.Add(sum, x)
	}
	if p == 0 || sum.Sign() == 0 {
		return out
	}
	frac := make([]*big.Rat, len(w))
	var given int64
	var idx []int
	for i, x := range w {
		q := new(big.Rat).Mul(big.NewRat(p, 1), x)
		q.Quo(q, sum)
		fl := floorRat(q)
		out[i] = fl.Int64()
		given += out[i]
		frac[i] = new(big.Rat).Sub(q, new(big.Rat).SetInt(fl))
		if x.Sign() > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if c := frac[i].Cmp(frac[j]); c != 0 {
			return c > 0
		}
		if c := w[i].Cmp(w[j]); c != 0 {
			return c > 0
		}
		if floors[i] != floors[j] {
			return floors[i] > floors[j]
		}
		return ids[i] < ids[j]
	})
	for _, i := range idx[:p-given] {
		out[i]++
	}
	return out
}

type refHousehold struct {
	weight                                     *big.Rat
	share, relief, extra, comp, due, operating int64
	down, interest, paid                       int64
	installments                               []Installment
}

type refResult struct {
	totalCost, totalSubsidy, unusedSubsidy, totalComp, pool int64
	reliefTotal, fundUsed, unusedFund, totalDue             int64
	subsidies                                               []int64
	households                                              []refHousehold
	err                                                     bool // nobody to pay
}

func refValue(ranges []genRange, floor int) *big.Rat {
	for _, g := range ranges {
		if g.from <= floor && floor <= g.to {
			return rat(g.Value)
		}
	}
	return nil
}

func refCalc(s *genScenario) refResult {
	var res refResult
	floors := s.Floors
	if floors == 0 {
		for _, h := range s.Households {
			floors = max(floors, h.Floor)
		}
	}
	for _, c := range s.Costs {
		res.totalCost += fenOf(c.Amount)
	}
	var subSum int64
	for _, sub := range s.Subsidies {
		var a int64
		switch sub.Type {
		case "fixed":
			a = fenOf(sub.Amount)
		case "percent":
			a = roundFen(new(big.Rat).Mul(big.NewRat(res.totalCost, 1), rat(sub.Rate)))
			if sub.Cap != "" {
				a = min(a, fenOf(sub.Cap))
			}
		case "by_floors":
			best := 0
			for _, row := range sub.Table {
				if row.MinFloors <= floors && row.MinFloors > best {
					best, a = row.MinFloors, fenOf(row.Amount)
				}
			}
		}
		res.subsidies = append(res.subsidies, a)
		subSum += a
	}
	res.totalSubsidy = min(subSum, res.totalCost)
	res.unusedSubsidy = subSum - res.totalSubsidy
	comp := map[string]int64{}
	for _, c := range s.Compensations {
		comp[c.Household] += fenOf(c.Amount)
		res.totalComp += fenOf(c.Amount)
	}
	res.pool = res.totalCost - res.totalSubsidy + res.totalComp

	n := len(s.Households)
	w := make([]*big.Rat, n)
	fl := make([]int, n)
	ids := make([]string, n)
	perFloor := map[int]int64{}
	for _, h := range s.Households {
		if !h.Exempt {
			perFloor[h.Floor]++
		}
	}
	sumW := new(big.Rat)
	for i, h := range s.Households {
		fl[i], ids[i] = h.Floor, h.ID
		w[i] = new(big.Rat)
		if h.Exempt {
			continue
		}
		a := s.Allocation
		switch a.Method {
		case AllocCoefficientArea:
			w[i].Mul(refValue(a.Coefficients, h.Floor), rat(h.Area))
		case AllocCoefficient:
			w[i].Set(refValue(a.Coefficients, h.Floor))
		case AllocArea:
			w[i].Set(rat(h.Area))
		case AllocEqual:
			w[i].SetInt64(1)
		case AllocHouseholdPercent:
			w[i].Set(refValue(a.Percents, h.Floor))
		case AllocFloorPercent:
			w[i].Quo(refValue(a.Percents, h.Floor), big.NewRat(perFloor[h.Floor], 1))
		}
		sumW.Add(sumW, w[i])
	}
	if res.pool > 0 && sumW.Sign() == 0 {
		res.err = true
		return res
	}
	shares := refAllocate(res.pool, w, fl, ids)
	relief := make([]int64, n)
	extra := make([]int64, n)
	if hs := s.Hardship; hs != nil {
		nominal := make([]int64, n)
		var sum int64
		for i, h := range s.Households {
			if h.Hardship && shares[i] > 0 {
				nominal[i] = roundFen(new(big.Rat).Mul(big.NewRat(shares[i], 1), rat(hs.ReliefRate)))
				sum += nominal[i]
			}
		}
		if hs.FundedBy == "fund" {
			fund := fenOf(hs.Fund)
			e := min(sum, fund)
			if e == sum {
				relief = nominal
			} else {
				nw := make([]*big.Rat, n)
				for i := range nw {
					nw[i] = big.NewRat(nominal[i], 1)
				}
				relief = refAllocate(e, nw, fl, ids)
			}
			res.fundUsed, res.unusedFund = e, fund-e
		} else {
			relief = nominal
			ow := make([]*big.Rat, n)
			payers := 0
			for i, h := range s.Households {
				ow[i] = new(big.Rat)
				if !h.Hardship && w[i].Sign() > 0 {
					ow[i].Set(w[i])
					payers++
				}
			}
			if sum > 0 && payers == 0 {
				res.err = true
				return res
			}
			extra = refAllocate(sum, ow, fl, ids)
		}
	}
	var operating []int64
	if s.Operating != nil {
		annual := fenOf(s.Operating.Annual)
		if annual > 0 && sumW.Sign() == 0 {
			res.err = true
			return res
		}
		operating = refAllocate(annual, w, fl, ids)
	}
	for i, h := range s.Households {
		rh := refHousehold{weight: w[i], share: shares[i], relief: relief[i], extra: extra[i], comp: comp[h.ID]}
		rh.due = rh.share - rh.relief + rh.extra
		if operating != nil {
			rh.operating = operating[i]
		}
		if s.Installments != nil && rh.due > 0 {
			refPlan(s.Installments, &rh)
		}
		res.reliefTotal += rh.relief
		res.totalDue += rh.due
		res.households = append(res.households, rh)
	}
	return res
}

func refDate(start string, k int) string {
	t, _ := time.Parse(time.DateOnly, start)
	d := t.AddDate(0, k, 0)
	if d.Day() != t.Day() { // overflowed into the next month: back to the last day
		d = d.AddDate(0, 0, -d.Day())
	}
	return d.Format(time.DateOnly)
}

func refPlan(p *genInstallment, rh *refHousehold) {
	rh.down = roundFen(new(big.Rat).Mul(big.NewRat(rh.due, 1), rat(p.DownPaymentRate)))
	financed := rh.due - rh.down
	r := new(big.Rat).Quo(rat(p.AnnualRate), big.NewRat(12, 1))
	n := p.Months
	interestOn := func(balance int64) int64 {
		return roundFen(new(big.Rat).Mul(big.NewRat(balance, 1), r))
	}
	base := financed / int64(n)
	more := financed - base*int64(n)
	balance := financed
	var payment int64
	if p.Method == "annuity" && r.Sign() > 0 {
		pow := big.NewRat(1, 1)
		onePlus := new(big.Rat).Add(big.NewRat(1, 1), r)
		for i := 0; i < n; i++ {
			pow.Mul(pow, onePlus)
		}
		f := new(big.Rat).Mul(r, pow)
		f.Quo(f, new(big.Rat).Sub(pow, big.NewRat(1, 1)))
		payment = roundFen(f.Mul(f, big.NewRat(financed, 1)))
	}
	for k := 1; k <= n; k++ {
		var principal, interest int64
		if p.Method == "annuity" && r.Sign() > 0 {
			interest = interestOn(balance)
			principal = payment - interest
			// Documented deviation from a literal reading: principal
			// stays within [0, balance] (only tiny amounts reach it).
			principal = max(0, min(principal, balance))
			if k == n {
				principal = balance
			}
		} else {
			principal = base
			if int64(k) <= more {
				principal++
			}
			interest = interestOn(balance)
		}
		balance -= principal
		rh.interest += interest
		rh.installments = append(rh.installments, Installment{N: k, Date: mustDate(refDate(p.Start, k)),
			Principal: Fen(principal), Interest: Fen(interest), Amount: Fen(principal + interest)})
	}
	rh.paid = rh.due + rh.interest
}

func mustDate(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return DateOf(t)
}
