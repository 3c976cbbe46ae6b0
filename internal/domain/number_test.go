package domain

import (
	"math"
	"strconv"
	"testing"
)

func TestNumberGroupsTheDigitsOfLargeNumbersForTheReader(t *testing.T) {
	for _, tc := range []struct {
		n      int
		vi, en string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{2020, "2020", "2020"},
		{9999, "9999", "9999"},
		{10000, "10.000", "10,000"},
		{90781, "90.781", "90,781"},
		{355505, "355.505", "355,505"},
		{1234567, "1.234.567", "1,234,567"},
		{-4321, "-4321", "-4321"},
		{-12345, "-12.345", "-12,345"},
		{math.MinInt64, "-9.223.372.036.854.775.808", "-9,223,372,036,854,775,808"},
	} {
		t.Run(strconv.Itoa(tc.n), func(t *testing.T) {
			if got := Number(tc.n, "vi"); got != tc.vi {
				t.Errorf("vi: %q, want %q", got, tc.vi)
			}
			if got := Number(tc.n, "en"); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
		})
	}
}
