package pdf

import (
	"encoding/binary"
	"errors"
)

// coverage reads the characters a TrueType font has glyphs for, from its
// Windows Unicode BMP cmap (format 4), so that names the font cannot print
// are refused where they are entered, not discovered at printing.
func coverage(font []byte) (map[rune]bool, error) {
	glyphs, err := cmapGlyphs(font)
	if err != nil {
		return nil, err
	}
	out := make(map[rune]bool, len(glyphs))
	for r := range glyphs {
		out[r] = true
	}
	return out, nil
}

// cmapGlyphs maps each character of the font to its glyph.
func cmapGlyphs(font []byte) (map[rune]uint16, error) {
	if len(font) < 12 {
		return nil, errors.New("font too short")
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	var cmap []byte
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
			if int(off+length) > len(font) {
				return nil, errors.New("cmap out of range")
			}
			cmap = font[off : off+length]
		}
	}
	if cmap == nil {
		return nil, errors.New("no cmap")
	}
	count := int(binary.BigEndian.Uint16(cmap[2:]))
	for i := 0; i < count; i++ {
		rec := cmap[4+8*i:]
		platform, encoding := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:])
		off := binary.BigEndian.Uint32(rec[4:])
		if platform == 3 && encoding == 1 && binary.BigEndian.Uint16(cmap[off:]) == 4 {
			return format4(cmap[off:])
		}
	}
	return nil, errors.New("no Unicode BMP cmap")
}

func format4(t []byte) (map[rune]uint16, error) {
	segs := int(binary.BigEndian.Uint16(t[6:])) / 2
	ends := t[14:]
	starts := t[16+2*segs:]
	deltas := t[16+4*segs:]
	rangeOffsets := t[16+6*segs:]
	out := map[rune]uint16{}
	for s := 0; s < segs; s++ {
		end, start := binary.BigEndian.Uint16(ends[2*s:]), binary.BigEndian.Uint16(starts[2*s:])
		delta, ro := binary.BigEndian.Uint16(deltas[2*s:]), binary.BigEndian.Uint16(rangeOffsets[2*s:])
		for c := uint32(start); c <= uint32(end) && c != 0xFFFF; c++ {
			glyph := uint16(c) + delta
			if ro != 0 {
				idx := 16 + 6*segs + 2*s + int(ro) + 2*int(uint16(c)-start)
				if idx+2 > len(t) {
					return nil, errors.New("cmap glyph index out of range")
				}
				glyph = binary.BigEndian.Uint16(t[idx:])
				if glyph != 0 {
					glyph += delta
				}
			}
			if glyph != 0 {
				out[rune(c)] = glyph
			}
		}
	}
	return out, nil
}

// Unprintable returns the first character of text the font cannot print
// ("" when it prints all of it). Spaces and line breaks are fine.
func (r *Renderer) Unprintable(text string) string {
	for _, c := range text {
		if c == '\n' || c == '\r' || c == '\t' {
			continue
		}
		if !r.covers[c] {
			return string(c)
		}
	}
	return ""
}
