package engine

import "slices"

// Comparison sets what each household and floor pays under two scenarios
// side by side (a → b), for residents negotiating a plan.
type Comparison struct {
	A          ScenarioRef  `json:"a"`
	B          ScenarioRef  `json:"b"`
	Households []CompareRow `json:"households"`
	Floors     []CompareRow `json:"floors"`
	Total      CompareRow   `json:"total"`
}

// ScenarioRef names a scenario.
type ScenarioRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// CompareRow is one household, floor or the total: due under a and b and
// b − a.
type CompareRow struct {
	Room  string `json:"room,omitempty"`
	Floor int    `json:"floor"`
	A     Fen    `json:"a"`
	B     Fen    `json:"b"`
	Diff  Fen    `json:"diff"`
}

// Compare compares the results of two scenarios: households in b's order,
// then those only in a; floors ascending.
func Compare(a, b ScenarioRef, ra, rb *CalcResult) *Comparison {
	out := &Comparison{A: a, B: b, Households: []CompareRow{}, Floors: []CompareRow{}}
	dueA := make(map[string]Fen, len(ra.Households))
	for _, h := range ra.Households {
		dueA[h.Room] = h.Due
	}
	inB := make(map[string]bool, len(rb.Households))
	for _, h := range rb.Households {
		inB[h.Room] = true
		out.Households = append(out.Households, CompareRow{Room: h.Room, Floor: h.Floor, A: dueA[h.Room], B: h.Due, Diff: h.Due - dueA[h.Room]})
	}
	for _, h := range ra.Households {
		if !inB[h.Room] {
			out.Households = append(out.Households, CompareRow{Room: h.Room, Floor: h.Floor, A: h.Due, Diff: -h.Due})
		}
	}
	floors := map[int]*CompareRow{}
	row := func(floor int) *CompareRow {
		r, ok := floors[floor]
		if !ok {
			r = &CompareRow{Floor: floor}
			floors[floor] = r
		}
		return r
	}
	for _, f := range ra.FloorTotals {
		row(f.Floor).A += f.Due
	}
	for _, f := range rb.FloorTotals {
		row(f.Floor).B += f.Due
	}
	order := make([]int, 0, len(floors))
	for f := range floors {
		order = append(order, f)
	}
	slices.Sort(order)
	for _, f := range order {
		r := floors[f]
		r.Diff = r.B - r.A
		out.Floors = append(out.Floors, *r)
	}
	out.Total = CompareRow{A: ra.TotalDue, B: rb.TotalDue, Diff: rb.TotalDue - ra.TotalDue}
	return out
}
