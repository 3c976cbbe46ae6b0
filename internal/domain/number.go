package domain

import "strconv"

// Number writes the whole number n for a reader of lang: from five digits
// on, its digits grouped by threes with the language's separator
// ("90.781" in Vietnamese, "90,781" in English). Four-digit numbers stay
// whole, as style guides write them, so that a year (2020) or a short
// count (1234) reads as it always has.
func Number(n int, lang string) string {
	s := strconv.Itoa(n)
	if n > -10000 && n < 10000 {
		return s
	}
	sep := byte('.')
	if Lang(lang) == "en" {
		sep = ','
	}
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}
