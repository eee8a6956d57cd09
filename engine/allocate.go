package engine

import (
	"math/big"
	"sort"
)

// claimant is one party of a largest-remainder split: its exact weight as
// an integer on a common scale, and the floor and id that break ties.
type claimant struct {
	weight *big.Int
	floor  int
	id     string
}

// allocateLargestRemainder splits total fen over the claimants in
// proportion to their weights, exactly (docs/calculation.md §4): each gets
// floor(q_i) of q_i = total × w_i / Σw, and the leftover fen go one each in
// the order larger fractional part, larger weight, higher floor, smaller id.
// The parts always add up to total; a zero weight never gets a fen. Σw must
// be positive when total is.
func allocateLargestRemainder(total Fen, cs []claimant) []Fen {
	parts := make([]Fen, len(cs))
	if total == 0 || len(cs) == 0 {
		return parts
	}
	sum := new(big.Int)
	for _, c := range cs {
		sum.Add(sum, c.weight)
	}
	if sum.Sign() == 0 {
		panic("engine: allocation of a positive amount over zero weight")
	}
	p := big.NewInt(int64(total))
	rems := make([]*big.Int, len(cs))
	order := make([]int, 0, len(cs))
	var given Fen
	num, q := new(big.Int), new(big.Int)
	for i, c := range cs {
		if c.weight.Sign() == 0 {
			continue
		}
		num.Mul(p, c.weight)
		rem := new(big.Int)
		q.QuoRem(num, sum, rem)
		parts[i] = Fen(q.Int64())
		given += parts[i]
		rems[i] = rem
		if rem.Sign() > 0 {
			order = append(order, i)
		}
	}
	left := int(total - given)
	if left == 0 {
		return parts
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if c := rems[i].Cmp(rems[j]); c != 0 {
			return c > 0
		}
		if c := cs[i].weight.Cmp(cs[j].weight); c != 0 {
			return c > 0
		}
		if cs[i].floor != cs[j].floor {
			return cs[i].floor > cs[j].floor
		}
		return cs[i].id < cs[j].id
	})
	// Σ fractional parts = left and each is < 1, so more than left
	// claimants have a positive remainder.
	for _, i := range order[:left] {
		parts[i]++
	}
	return parts
}
