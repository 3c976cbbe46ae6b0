package report

import (
	"strings"
	"unicode/utf8"
)

// wrapWords splits s into lines no wider than width, breaking only between
// words (at spaces and after line breaks of s), as measure gives a
// string's width. A word wider than width on its own is cut by letters,
// the only case a word is split: the tables fit their columns to their
// widest word first (fitColumns), so that it does not happen there.
func wrapWords(s string, width float64, measure func(string) float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := ""
		for _, w := range words {
			if line != "" && measure(line+" "+w) <= width {
				line += " " + w
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			line = w
			for measure(line) > width && utf8.RuneCountInString(line) > 1 {
				cut := cutToWidth(line, width, measure)
				out = append(out, line[:cut])
				line = line[cut:]
			}
		}
		out = append(out, line)
	}
	return out
}

// cutToWidth is the byte length of the longest start of s (at least one
// letter) no wider than width.
func cutToWidth(s string, width float64, measure func(string) float64) int {
	_, first := utf8.DecodeRuneInString(s)
	cut := first
	for i := range s {
		if i > 0 && measure(s[:i]) <= width {
			cut = i
		}
	}
	return cut
}

// widestWord is the width of the widest word of s.
func widestWord(s string, measure func(string) float64) float64 {
	w := 0.0
	for _, f := range strings.Fields(s) {
		w = max(w, measure(f))
	}
	return w
}

// fitColumns shares total between columns in proportion to their weights,
// but gives each at least its least width (its widest word): the columns
// with room to spare give it up, in proportion to their weights. It
// reports false when the least widths alone exceed total.
func fitColumns(weights, least []float64, total float64) ([]float64, bool) {
	n := len(weights)
	out := make([]float64, n)
	fixed := make([]bool, n)
	sumLeast := 0.0
	for _, l := range least {
		sumLeast += l
	}
	if sumLeast > total {
		return nil, false
	}
	// Fix the columns whose share falls short of their least width, then
	// share what is left among the others, until none falls short.
	for {
		left, weight := total, 0.0
		for i := range n {
			if fixed[i] {
				left -= least[i]
			} else {
				weight += weights[i]
			}
		}
		changed := false
		for i := range n {
			if fixed[i] {
				out[i] = least[i]
				continue
			}
			out[i] = left * weights[i] / weight
			if out[i] < least[i] {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			return out, true
		}
	}
}
