package engine

import "strings"

// MaskName hides a name for public view: 张三 → 张*, 张小三 → 张*三.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return string(r) + "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + "*" + string(r[len(r)-1])
}

// MaskPhone hides the middle of a phone number: 13812345678 → 138****5678.
func MaskPhone(phone string) string {
	var digits []rune
	for _, c := range phone {
		if c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) < 7 {
		return strings.Repeat("*", len(digits))
	}
	return string(digits[:3]) + strings.Repeat("*", len(digits)-7) + string(digits[len(digits)-4:])
}
