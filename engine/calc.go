package engine

import (
	"math/big"
	"slices"
)

// CalcResult is the output of the calculation contract (docs/calculation.md).
type CalcResult struct {
	Name              string           `json:"name"`
	Floors            int              `json:"floors"`
	TotalCost         Fen              `json:"total_cost"`
	Subsidies         []SubsidyResult  `json:"subsidies"`
	TotalSubsidy      Fen              `json:"total_subsidy"`
	UnusedSubsidy     Fen              `json:"unused_subsidy"`
	TotalCompensation Fen              `json:"total_compensation"`
	Pool              Fen              `json:"pool"`
	ReliefTotal       Fen              `json:"relief_total"`
	FundUsed          Fen              `json:"fund_used"`
	UnusedFund        Fen              `json:"unused_fund"`
	TotalDue          Fen              `json:"total_due"`
	Households        []HouseholdShare `json:"households"`
	FloorTotals       []FloorTotal     `json:"floor_totals"`
}

// SubsidyResult is one subsidy as computed.
type SubsidyResult struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Amount Fen    `json:"amount"`
}

// HouseholdShare is one household's reckoning.
type HouseholdShare struct {
	Room            string `json:"id"`
	Floor           int    `json:"floor"`
	Area            Area   `json:"area"`
	Owner           string `json:"owner"`
	Hardship        bool   `json:"hardship"`
	Exempt          bool   `json:"exempt"`
	Weight          Ratio  `json:"weight"`
	Share           Fen    `json:"share"`
	Relief          Fen    `json:"relief"`
	Extra           Fen    `json:"extra"`
	Compensation    Fen    `json:"compensation"`
	Due             Fen    `json:"due"`
	OperatingAnnual Fen    `json:"operating_annual"`
	Plan            *Plan  `json:"plan,omitempty"`
}

// FloorTotal sums one floor.
type FloorTotal struct {
	Floor      int `json:"floor"`
	Households int `json:"households"`
	Share      Fen `json:"share"`
	Due        Fen `json:"due"`
}

// MarshalJSON writes a weight rounded to 6 decimals without trailing zeros.
func (r Ratio) MarshalJSON() ([]byte, error) {
	return []byte(`"` + r.String() + `"`), nil
}

// CalcJSON parses a calculation input document and computes it.
func CalcJSON(data []byte) (*CalcResult, error) {
	in, err := ParseCalcInput(data)
	if err != nil {
		return nil, err
	}
	return Calc(in)
}

// Calc computes a validated input (docs/calculation.md §1–10). It fails only when
// nobody can pay: a positive pool, relief or running cost with zero weights.
func Calc(in *CalcInput) (*CalcResult, error) {
	res := &CalcResult{Name: in.Name, Floors: in.Floors}

	// 1–2. Costs, subsidies (capped at the cost), compensation, the pool.
	var subsidySum Fen
	for _, c := range in.Costs {
		res.TotalCost += c.Amount
	}
	res.Subsidies = make([]SubsidyResult, len(in.Subsidies))
	for i, s := range in.Subsidies {
		amount := subsidyAmount(s, res.TotalCost, in.Floors)
		res.Subsidies[i] = SubsidyResult{Name: s.Name, Type: s.Type, Amount: amount}
		subsidySum += amount
	}
	res.TotalSubsidy = min(subsidySum, res.TotalCost)
	res.UnusedSubsidy = subsidySum - res.TotalSubsidy
	compensation := make(map[string]Fen, len(in.Compensations))
	for _, c := range in.Compensations {
		compensation[c.Household] += c.Amount
		res.TotalCompensation += c.Amount
	}
	res.Pool = res.TotalCost - res.TotalSubsidy + res.TotalCompensation

	// 3–5. Weights and shares.
	weights, scale := householdWeights(in)
	claimants := make([]claimant, len(in.Households))
	for i, h := range in.Households {
		claimants[i] = claimant{weight: weights[i], floor: h.Floor, id: h.Room}
	}
	payers := countPositive(weights)
	if res.Pool > 0 && payers == 0 {
		return nil, Invalidf("households", "没有任何出资户：所有住户的分摊权重都为0（均为免缴户或系数为0），无法分摊 %s 元", res.Pool)
	}
	shares := allocateLargestRemainder(res.Pool, claimants)

	// 6–7. Relief and what each household owes.
	relief, extra, err := applyRelief(in, res, shares, claimants)
	if err != nil {
		return nil, err
	}

	// 9. Running cost by the same weights.
	var operating []Fen
	if in.Operating != nil {
		if in.Operating.Annual > 0 && payers == 0 {
			return nil, Invalidf("operating.annual", "没有任何出资户：所有住户的分摊权重都为0，无法分摊年运行费用 %s 元", in.Operating.Annual)
		}
		operating = allocateLargestRemainder(in.Operating.Annual, claimants)
	}

	var schedule *scheduler
	if in.Installments != nil {
		schedule = newScheduler(in.Installments)
	}
	res.Households = make([]HouseholdShare, len(in.Households))
	for i, h := range in.Households {
		row := HouseholdShare{
			Room: h.Room, Floor: h.Floor, Area: h.Area, Owner: h.Owner,
			Hardship: h.Hardship, Exempt: h.Exempt,
			Weight:       displayWeight(weights[i], scale),
			Share:        shares[i],
			Relief:       relief[i],
			Extra:        extra[i],
			Compensation: compensation[h.Room],
		}
		row.Due = row.Share - row.Relief + row.Extra
		if operating != nil {
			row.OperatingAnnual = operating[i]
		}
		if schedule != nil {
			row.Plan = schedule.plan(row.Due)
		}
		res.ReliefTotal += row.Relief
		res.TotalDue += row.Due
		res.Households[i] = row
	}
	res.FloorTotals = floorTotals(res.Households)
	return res, nil
}

func subsidyAmount(s Subsidy, totalCost Fen, floors int) Fen {
	switch s.Type {
	case SubsidyFixed:
		return s.Amount
	case SubsidyPercent:
		amount := mulRatio(totalCost, s.Rate)
		if s.Cap != nil {
			amount = min(amount, *s.Cap)
		}
		return amount
	case SubsidyByFloors:
		best, amount := 0, Fen(0)
		for _, row := range s.Table {
			if row.MinFloors <= floors && row.MinFloors > best {
				best, amount = row.MinFloors, row.Amount
			}
		}
		return amount
	}
	return 0
}

var (
	bigOne     = big.NewInt(1)
	scaleRatio = big.NewInt(ratioScale)
	scaleArea  = big.NewInt(100)
	scaleBoth  = big.NewInt(ratioScale * 100)
)

// householdWeights returns every household's exact weight as an integer on
// a common scale: w_i = W[i] / scale. Exempt households weigh 0.
func householdWeights(in *CalcInput) (w []*big.Int, scale *big.Int) {
	hs := in.Households
	w = make([]*big.Int, len(hs))
	a := in.Allocation
	var perFloor map[int]int64 // floor_percent: paying households per floor
	scale = bigOne
	switch a.Method {
	case AllocCoefficientArea:
		scale = scaleBoth
	case AllocCoefficient, AllocHouseholdPercent:
		scale = scaleRatio
	case AllocArea:
		scale = scaleArea
	case AllocFloorPercent:
		perFloor = map[int]int64{}
		for _, h := range hs {
			if !h.Exempt {
				perFloor[h.Floor]++
			}
		}
		lcm := big.NewInt(1)
		for _, n := range perFloor {
			lcm = lcmInt(lcm, n)
		}
		scale = new(big.Int).Mul(scaleRatio, lcm)
	}
	for i, h := range hs {
		if h.Exempt {
			w[i] = new(big.Int)
			continue
		}
		switch a.Method {
		case AllocCoefficientArea:
			c, _ := lookupFloor(a.Coefficients, h.Floor)
			w[i] = new(big.Int).Mul(big.NewInt(int64(c)), big.NewInt(int64(h.Area)))
		case AllocCoefficient:
			c, _ := lookupFloor(a.Coefficients, h.Floor)
			w[i] = big.NewInt(int64(c))
		case AllocArea:
			w[i] = big.NewInt(int64(h.Area))
		case AllocEqual:
			w[i] = big.NewInt(1)
		case AllocHouseholdPercent:
			p, _ := lookupFloor(a.Percents, h.Floor)
			w[i] = big.NewInt(int64(p))
		case AllocFloorPercent:
			p, _ := lookupFloor(a.Percents, h.Floor)
			// p / n_f on the scale ratioScale × lcm
			per := new(big.Int).Quo(scale, big.NewInt(perFloor[h.Floor]*ratioScale))
			w[i] = per.Mul(per, big.NewInt(int64(p)))
		}
	}
	return w, scale
}

func lcmInt(a *big.Int, n int64) *big.Int {
	b := big.NewInt(n)
	g := new(big.Int).GCD(nil, nil, a, b)
	return new(big.Int).Mul(a, new(big.Int).Quo(b, g))
}

func countPositive(ws []*big.Int) int {
	n := 0
	for _, w := range ws {
		if w.Sign() > 0 {
			n++
		}
	}
	return n
}

// displayWeight rounds w/scale half-up to 6 decimals for display.
func displayWeight(w, scale *big.Int) Ratio {
	num := new(big.Int).Mul(w, big.NewInt(2*ratioScale))
	num.Add(num, scale)
	den := new(big.Int).Lsh(scale, 1)
	return Ratio(num.Quo(num, den).Int64())
}

// applyRelief computes relief and the extra borne by others (step 6).
func applyRelief(in *CalcInput, res *CalcResult, shares []Fen, cs []claimant) (relief, extra []Fen, err error) {
	n := len(in.Households)
	relief, extra = make([]Fen, n), make([]Fen, n)
	if in.Hardship == nil {
		return relief, extra, nil
	}
	nominal := make([]Fen, n)
	var sum Fen
	for i, h := range in.Households {
		if h.Hardship && shares[i] > 0 {
			nominal[i] = mulRatio(shares[i], in.Hardship.ReliefRate)
			sum += nominal[i]
		}
	}
	switch in.Hardship.FundedBy {
	case FundedByFund:
		used := min(sum, in.Hardship.Fund)
		if used == sum {
			copy(relief, nominal)
		} else {
			byNominal := make([]claimant, n)
			for i, c := range cs {
				byNominal[i] = claimant{weight: big.NewInt(int64(nominal[i])), floor: c.floor, id: c.id}
			}
			relief = allocateLargestRemainder(used, byNominal)
		}
		res.FundUsed = used
		res.UnusedFund = in.Hardship.Fund - used
	default: // others
		copy(relief, nominal)
		others := make([]claimant, n)
		zero := new(big.Int)
		payers := 0
		for i, c := range cs {
			others[i] = c
			if in.Households[i].Hardship {
				others[i].weight = zero
			} else if c.weight.Sign() > 0 {
				payers++
			}
		}
		if sum > 0 && payers == 0 {
			return nil, nil, Invalidf("hardship.funded_by", "困难户减免 %s 元需要由其他出资户分担，但没有非困难的出资户；请改用专项资金（funded_by: fund）", sum)
		}
		extra = allocateLargestRemainder(sum, others)
	}
	return relief, extra, nil
}

func floorTotals(rows []HouseholdShare) []FloorTotal {
	byFloor := map[int]*FloorTotal{}
	var floors []int
	for _, h := range rows {
		t, ok := byFloor[h.Floor]
		if !ok {
			t = &FloorTotal{Floor: h.Floor}
			byFloor[h.Floor] = t
			floors = append(floors, h.Floor)
		}
		t.Households++
		t.Share += h.Share
		t.Due += h.Due
	}
	slices.Sort(floors)
	out := make([]FloorTotal, len(floors))
	for i, f := range floors {
		out[i] = *byFloor[f]
	}
	return out
}
