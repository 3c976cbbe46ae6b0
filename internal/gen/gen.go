// Package gen builds a synthetic party tree shaped like the national one — a
// nation at the root, the 63 provinces and cities, about 700 districts, about
// 52,000 grassroots organizations and 300,000 cells — and a congress round in
// progress over it, for load tests and benchmarks (daihoi gen, make bench).
//
// Everything is deterministic: the same Options give the same units, codes,
// names and round state on every machine.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// RootCode is the code of the national root of a generated tree.
const RootCode = "VN"

// Options sizes a generated tree and seeds its randomness.
type Options struct {
	// Provinces is the number of provinces and centrally-run cities (kind city).
	Provinces int
	// Districts is the number of districts (kind district), spread over the provinces.
	Districts int
	// Grassroots is the number of grassroots organizations: Đảng bộ cơ sở
	// (grassroots_committee) and Chi bộ cơ sở (grassroots_cell).
	Grassroots int
	// Cells is the number of cells under the grassroots committees (kind cell).
	Cells int
	// Seed makes a different tree of the same size.
	Seed uint64
}

// DefaultOptions is the national tree: 63 provinces, 700 districts, 52,000
// grassroots organizations and 300,000 cells.
func DefaultOptions() Options {
	return Options{Provinces: 63, Districts: 700, Grassroots: 52_000, Cells: 300_000, Seed: 1}
}

// Validate reports sizes that cannot make a tree.
func (o Options) Validate() error {
	var bad []string
	if o.Provinces < 1 {
		bad = append(bad, "provinces must be at least 1")
	}
	if o.Districts < o.Provinces {
		bad = append(bad, "districts must be at least the number of provinces")
	}
	if o.Grassroots < o.Districts {
		bad = append(bad, "grassroots must be at least the number of districts")
	}
	if o.Cells < 0 || o.Cells > 2_000_000 || o.Grassroots > 500_000 {
		bad = append(bad, "cells must be between 0 and 2,000,000, grassroots at most 500,000")
	}
	if len(bad) > 0 {
		return fmt.Errorf("gen: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Tree returns the units of the synthetic tree as import rows, parents
// before their children, numbered as in a unit file (the first unit on row 2).
func Tree(o Options) ([]domain.ImportRow, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	g := &builder{rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)), index: map[string]int{}}
	g.build(o)
	g.sumMembers()
	return g.rows, nil
}

// Counts returns how many rows of each kind there are.
func Counts(rows []domain.ImportRow) map[string]int {
	out := map[string]int{}
	for _, r := range rows {
		out[r.Kind]++
	}
	return out
}

type builder struct {
	rng   *rand.Rand
	rows  []domain.ImportRow
	index map[string]int
}

// org is a grassroots organization before its cells are known.
type org struct {
	code, name, parent string
	// committee: a Đảng bộ cơ sở with cells; else a Chi bộ cơ sở.
	committee bool
	// ward is a ward or commune: mostly residential cells.
	ward     bool
	rural    bool
	place    string
	category string
	weight   float64
}

func (g *builder) build(o Options) {
	g.add(domain.UnitInput{Code: RootCode, Name: "Đảng Cộng sản Việt Nam", Kind: "nation"})

	provs := make([]province, o.Provinces)
	weights := make([]float64, o.Provinces)
	for i := range provs {
		if i < len(provinces) {
			provs[i] = provinces[i]
		} else {
			provs[i] = province{code: fmt.Sprintf("P%03d", i+1), name: fmt.Sprintf("Tỉnh số %d", i+1), weight: 1}
		}
		weights[i] = provs[i].weight * (0.9 + 0.2*g.rng.Float64())
	}
	districtsOf := apportion(o.Districts, weights, 1)

	// A few grassroots organizations sit directly under a province (its
	// agencies and corporations); the rest under the districts.
	direct := 0
	if o.Grassroots >= 20*o.Districts {
		direct = int(math.Round(float64(o.Grassroots) * 0.03))
	}
	directOf := apportion(direct, weights, 0)

	var districtWeights []float64
	for p := range provs {
		for range districtsOf[p] {
			districtWeights = append(districtWeights, 0.5+g.rng.Float64())
		}
	}
	grassrootsOf := apportion(o.Grassroots-direct, districtWeights, 1)

	var orgs []org
	d := 0
	for p, pv := range provs {
		pcode := RootCode + "." + pv.code
		kind := "tỉnh"
		if pv.city {
			kind = "thành phố"
		}
		g.add(domain.UnitInput{Code: pcode, Name: "Đảng bộ " + kind + " " + pv.name, Kind: "city", ParentCode: RootCode})
		for k := range directOf[p] {
			orgs = append(orgs, g.newOrg(fmt.Sprintf("%s.K%03d", pcode, k+1), pcode, kind+" "+pv.name, false))
		}
		for n := range districtsOf[p] {
			dcode := fmt.Sprintf("%s.D%02d", pcode, n+1)
			dkind, rural := g.districtKind(pv, n)
			place := dkind + " " + g.placeName()
			g.add(domain.UnitInput{Code: dcode, Name: "Đảng bộ " + place, Kind: "district", ParentCode: pcode})
			count := grassrootsOf[d]
			d++
			wards := int(math.Round(float64(count) * (0.35 + 0.1*g.rng.Float64())))
			for k := range count {
				code := fmt.Sprintf("%s.G%03d", dcode, k+1)
				if k < wards {
					orgs = append(orgs, g.newWard(code, dcode, rural))
				} else {
					orgs = append(orgs, g.newOrg(code, dcode, place, true))
				}
			}
		}
	}
	g.addOrgs(orgs, o.Cells)
}

// districtKind names the n-th district of a province: the urban districts
// and the provincial capital first, then rural districts.
func (g *builder) districtKind(pv province, n int) (kind string, rural bool) {
	switch {
	case pv.city && n < 12:
		return "quận", false
	case !pv.city && n == 0:
		return "thành phố", false
	case n%7 == 3:
		return "thị xã", false
	}
	return "huyện", true
}

func (g *builder) placeName() string {
	a := syllables[g.rng.IntN(len(syllables))]
	b := syllables[g.rng.IntN(len(syllables))]
	for b == a {
		b = syllables[g.rng.IntN(len(syllables))]
	}
	return a + " " + b
}

// newWard is a ward (urban) or commune (rural) party committee.
func (g *builder) newWard(code, parent string, rural bool) org {
	kind := "phường"
	if rural {
		kind = "xã"
	}
	place := kind + " " + g.placeName()
	return org{code: code, parent: parent, name: "Đảng bộ " + place, committee: true, ward: true, rural: rural,
		place: place, category: domain.CategoryResidential, weight: 2 * (0.6 + 0.8*g.rng.Float64())}
}

// newOrg is an agency, school, hospital, enterprise, armed forces unit or
// other organization; about half are Chi bộ cơ sở (no cells below).
func (g *builder) newOrg(code, parent, place string, mayBeCell bool) org {
	k := orgKinds[g.rng.IntN(len(orgKinds))]
	name := k.names[g.rng.IntN(len(k.names))]
	if k.prefix != "" {
		name = k.prefix + " " + name
	}
	switch k.category {
	case domain.CategoryEnterprise, domain.CategorySchool:
		name += " " + g.placeName()
	default:
		name += " " + place
	}
	committee := !mayBeCell || g.rng.Float64() < 0.55
	o := org{code: code, parent: parent, committee: committee, category: k.category, place: place}
	w := 0.4 + 1.2*g.rng.Float64()
	if g.rng.Float64() < 0.05 { // large enterprises, universities, hospitals
		w *= 5
	}
	o.weight = w
	if committee {
		o.name = "Đảng bộ " + name
	} else {
		o.name = "Chi bộ " + name
	}
	return o
}

// addOrgs adds the grassroots organizations and spreads cells over the
// committees: at least two each, wards and large organizations more.
func (g *builder) addOrgs(orgs []org, cells int) {
	var weights []float64
	for _, o := range orgs {
		if o.committee {
			weights = append(weights, o.weight)
		}
	}
	least := 0
	if len(weights) > 0 {
		least = min(2, cells/len(weights))
	}
	cellsOf := apportion(cells, weights, least)
	i := 0
	for _, o := range orgs {
		if !o.committee {
			g.cell("grassroots_cell", o.code, o.name, o.parent, o.category)
			continue
		}
		g.add(domain.UnitInput{Code: o.code, Name: o.name, Kind: "grassroots_committee", ParentCode: o.parent})
		n := cellsOf[i]
		i++
		if o.ward {
			g.wardCells(o, n)
			continue
		}
		direct := n
		if n >= 12 {
			direct = 2 + g.rng.IntN(2)
		}
		g.orgCells(o.code, o, 0, direct)
		rest, subs := n-direct, 0
		for rest > 0 {
			size := 4 + g.rng.IntN(5)
			if size > rest || rest-size < 3 {
				size = rest
			}
			subs++
			scode := fmt.Sprintf("%s.S%d", o.code, subs)
			g.add(domain.UnitInput{Code: scode, Name: fmt.Sprintf("Đảng bộ bộ phận số %d – %s", subs, strings.TrimPrefix(o.name, "Đảng bộ ")),
				Kind: "subcommittee", ParentCode: o.code})
			g.orgCells(scode, o, direct+(n-direct-rest), size)
			rest -= size
		}
	}
}

// wardCells adds the cells of a ward or commune: residential groups or
// villages, then its office, its militia and a school or enterprise cell.
func (g *builder) wardCells(o org, n int) {
	others := []struct{ name, category string }{
		{"Chi bộ Cơ quan " + strings.TrimPrefix(o.name, "Đảng bộ "), domain.CategoryAgency},
		{"Chi bộ Quân sự " + strings.TrimPrefix(o.name, "Đảng bộ "), domain.CategoryArmedForces},
		{"Chi bộ Trường Mầm non " + strings.TrimPrefix(o.place, "phường "), domain.CategorySchool},
	}
	extra := min(len(others), n/4)
	for k := range n - extra {
		name := fmt.Sprintf("Chi bộ Tổ dân phố số %d", k+1)
		if o.rural {
			name = fmt.Sprintf("Chi bộ thôn %d", k+1)
		}
		g.cell("cell", cellCode(o.code, k+1, n), name, o.code, domain.CategoryResidential)
	}
	for k := range extra {
		g.cell("cell", cellCode(o.code, n-extra+k+1, n), others[k].name, o.code, others[k].category)
	}
}

// orgCells adds count cells of organization o under parent, numbered from 1
// and named after the offset-th name onwards, so that names do not repeat
// between the sub-committees of one organization.
func (g *builder) orgCells(parent string, o org, offset, count int) {
	for k := range count {
		n := offset + k
		name := fmt.Sprintf("Chi bộ %s %d", cellNames[n%len(cellNames)], n/len(cellNames)+1)
		g.cell("cell", cellCode(parent, k+1, count), name, parent, o.category)
	}
}

func cellCode(parent string, n, of int) string {
	if of > 99 {
		return fmt.Sprintf("%s.C%03d", parent, n)
	}
	return fmt.Sprintf("%s.C%02d", parent, n)
}

// cell adds a cell-like unit with a made-up number of members: 8–35 in a
// residential cell (many retired members), 5–25 elsewhere; about 5.7 million
// in the national tree, as in 2020.
func (g *builder) cell(kind, code, name, parent, category string) {
	members := 5 + g.rng.IntN(21)
	if category == domain.CategoryResidential {
		members = 8 + g.rng.IntN(28)
	}
	g.add(domain.UnitInput{Code: code, Name: name, Kind: kind, ParentCode: parent, Category: category, Members: members})
}

func (g *builder) add(in domain.UnitInput) {
	g.index[in.Code] = len(g.rows)
	g.rows = append(g.rows, domain.ImportRow{Row: len(g.rows) + 2, UnitInput: in})
}

// sumMembers gives every unit above the cells the total of the cells below it.
func (g *builder) sumMembers() {
	for i := len(g.rows) - 1; i >= 0; i-- {
		r := g.rows[i]
		if p, ok := g.index[r.ParentCode]; ok && r.ParentCode != "" {
			g.rows[p].Members += r.Members
		}
	}
}

// apportion splits total into len(weights) parts of at least min each,
// proportional to the weights beyond the minimum (largest remainders).
func apportion(total int, weights []float64, least int) []int {
	n := len(weights)
	out := make([]int, n)
	if n == 0 {
		return out
	}
	rest := total - least*n
	if rest < 0 {
		least, rest = 0, total
	}
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	type frac struct {
		i int
		f float64
	}
	fracs := make([]frac, n)
	given := 0
	for i, w := range weights {
		share := float64(rest) * w / sum
		out[i] = least + int(share)
		given += int(share)
		fracs[i] = frac{i, share - math.Floor(share)}
	}
	sort.SliceStable(fracs, func(a, b int) bool { return fracs[a].f > fracs[b].f })
	for k := 0; given < rest; k++ {
		out[fracs[k%n].i]++
		given++
	}
	return out
}
