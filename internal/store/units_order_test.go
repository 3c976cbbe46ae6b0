package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestChildrenAreListedInVietnameseOrder(t *testing.T) {
	ctx := context.Background()
	st := store.New(testdb.New(t))
	sys := domain.SystemPrincipal()
	root, err := st.CreateUnit(ctx, sys, domain.UnitInput{Code: "HN", Name: "Hà Nội", Kind: "city"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ward, err := st.CreateUnit(ctx, sys, domain.UnitInput{Code: "HN.W", Name: "Đảng bộ phường", Kind: "grassroots_committee", ParentCode: "HN"}, &root)
	if err != nil {
		t.Fatal(err)
	}
	// Inserted out of order; Vietnamese order puts D before Đ and A before Â.
	names := []string{"Chi bộ Đống Mác", "Chi bộ Dịch Vọng", "Chi bộ Ân Thi", "Chi bộ Bạch Mai", "Chi bộ Anh Dũng"}
	for i, n := range names {
		in := domain.UnitInput{Code: fmt.Sprintf("HN.W.C%d", i), Name: n, Kind: "cell", ParentCode: "HN.W", Category: "residential"}
		if _, err := st.CreateUnit(ctx, sys, in, &ward); err != nil {
			t.Fatal(err)
		}
	}
	children, err := st.Children(ctx, ward.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Chi bộ Anh Dũng", "Chi bộ Ân Thi", "Chi bộ Bạch Mai", "Chi bộ Dịch Vọng", "Chi bộ Đống Mác"}
	got := make([]string, len(children))
	for i, c := range children {
		got[i] = c.Name
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("children in order %v, want %v", got, want)
	}
}
