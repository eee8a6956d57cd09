package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// fpdf parses the whole font for every document and scans it again to
// subset it on output: with a GBK font that is most of the time an
// agreement takes. So each document gets a font of its own, cut here to
// the characters it prints (usually a few hundred glyphs): fpdf then has
// almost nothing to parse. The metrics are the font's own, so lines break
// exactly as with the whole font.

// ttf is a parsed TrueType font (glyf outlines).
type ttf struct {
	tables      map[string][]byte
	numGlyphs   int
	numHMetrics int
	locaLong    bool
	cmap        map[rune]uint16
}

func parseTTF(data []byte) (*ttf, error) {
	if len(data) < 12 {
		return nil, errors.New("font too short")
	}
	f := &ttf{tables: map[string][]byte{}}
	n := int(binary.BigEndian.Uint16(data[4:]))
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off+length > len(data) {
			return nil, fmt.Errorf("table %q out of range", rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+length]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "OS/2", "name", "post"} {
		if f.tables[t] == nil {
			return nil, fmt.Errorf("font lacks table %q", t)
		}
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(f.tables["maxp"][4:]))
	f.numHMetrics = int(binary.BigEndian.Uint16(f.tables["hhea"][34:]))
	f.locaLong = binary.BigEndian.Uint16(f.tables["head"][50:]) == 1
	cov, err := cmapGlyphs(data)
	if err != nil {
		return nil, err
	}
	f.cmap = cov
	return f, nil
}

// glyph returns the outline data of glyph g.
func (f *ttf) glyph(g int) []byte {
	loca := f.tables["loca"]
	var start, end int
	if f.locaLong {
		start, end = int(binary.BigEndian.Uint32(loca[4*g:])), int(binary.BigEndian.Uint32(loca[4*g+4:]))
	} else {
		start, end = 2*int(binary.BigEndian.Uint16(loca[2*g:])), 2*int(binary.BigEndian.Uint16(loca[2*g+2:]))
	}
	glyf := f.tables["glyf"]
	if start >= end || end > len(glyf) {
		return nil
	}
	return glyf[start:end]
}

// Flags of composite glyph components.
const (
	argWords      = 0x0001
	haveScale     = 0x0008
	moreComps     = 0x0020
	haveXYScale   = 0x0040
	haveTwoByTwo  = 0x0080
	compHeaderLen = 10
)

// components walks a composite glyph, calling fn with the offset of each
// component's glyph index.
func components(g []byte, fn func(indexAt int)) {
	if len(g) < compHeaderLen || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return
	}
	p := compHeaderLen
	for p+4 <= len(g) {
		flags := binary.BigEndian.Uint16(g[p:])
		fn(p + 2)
		p += 4
		if flags&argWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComps == 0 {
			return
		}
	}
}

// subset writes a TrueType font with only the glyphs of runes (and the
// components they are built from), mapped by a fresh cmap.
func (f *ttf) subset(runes []rune) []byte {
	keep := map[int]bool{0: true}
	var todo []int
	for _, r := range runes {
		if g, ok := f.cmap[r]; ok && !keep[int(g)] {
			keep[int(g)] = true
			todo = append(todo, int(g))
		}
	}
	for len(todo) > 0 {
		g := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		data := f.glyph(g)
		components(data, func(at int) {
			c := int(binary.BigEndian.Uint16(data[at:]))
			if c < f.numGlyphs && !keep[c] {
				keep[c] = true
				todo = append(todo, c)
			}
		})
	}
	old := make([]int, 0, len(keep))
	for g := range keep {
		old = append(old, g)
	}
	sort.Ints(old)
	newID := make(map[int]uint16, len(old))
	for i, g := range old {
		newID[g] = uint16(i)
	}

	var glyf, loca, hmtx []byte
	hm := f.tables["hmtx"]
	for _, g := range old {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		data := slices.Clone(f.glyph(g))
		components(data, func(at int) {
			binary.BigEndian.PutUint16(data[at:], newID[int(binary.BigEndian.Uint16(data[at:]))])
		})
		glyf = append(glyf, data...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		var adv, lsb uint16
		if g < f.numHMetrics {
			adv, lsb = binary.BigEndian.Uint16(hm[4*g:]), binary.BigEndian.Uint16(hm[4*g+2:])
		} else {
			adv = binary.BigEndian.Uint16(hm[4*(f.numHMetrics-1):])
			lsb = binary.BigEndian.Uint16(hm[4*f.numHMetrics+2*(g-f.numHMetrics):])
		}
		hmtx = binary.BigEndian.AppendUint16(hmtx, adv)
		hmtx = binary.BigEndian.AppendUint16(hmtx, lsb)
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))

	head := slices.Clone(f.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(f.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(old)))
	maxp := slices.Clone(f.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(old)))
	post := slices.Clone(f.tables["post"][:32])
	binary.BigEndian.PutUint32(post, 0x00030000) // no glyph names

	mapped := map[rune]uint16{}
	for _, r := range runes {
		if g, ok := f.cmap[r]; ok && r <= 0xFFFF {
			mapped[r] = newID[int(g)]
		}
	}
	return assemble(map[string][]byte{
		"OS/2": f.tables["OS/2"], "cmap": cmapFormat4(mapped), "glyf": glyf, "head": head, "hhea": hhea,
		"hmtx": hmtx, "loca": loca, "maxp": maxp, "name": f.tables["name"], "post": post,
	})
}

// cmapFormat4 maps BMP runes to glyphs, a segment per run of consecutive
// runes with consecutive glyphs.
func cmapFormat4(m map[rune]uint16) []byte {
	runes := make([]rune, 0, len(m))
	for r := range m {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, r := range runes {
		g := m[r]
		if n := len(segs); n > 0 && uint16(r) == segs[n-1].end+1 && g-uint16(r) == segs[n-1].delta {
			segs[n-1].end++
			continue
		}
		segs = append(segs, seg{uint16(r), uint16(r), g - uint16(r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	sub := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(sub[0:], 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*n))
	pow, log := 1, 0
	for pow*2 <= n {
		pow, log = pow*2, log+1
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(2*pow))
	binary.BigEndian.PutUint16(sub[10:], uint16(log))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*n-2*pow))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], s.end)
		binary.BigEndian.PutUint16(sub[16+2*n+2*i:], s.start)
		binary.BigEndian.PutUint16(sub[16+4*n+2*i:], s.delta)
		// idRangeOffset 0
	}
	out := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12} // version 0, one table: (3, 1) at 12
	return append(out, sub...)
}

// assemble writes the table directory and the tables.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	pow, log := 1, 0
	for pow*2 <= n {
		pow, log = pow*2, log+1
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(log))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	for i, t := range tags {
		data := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		binary.BigEndian.PutUint32(rec[4:], checksum(data))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
