package gen_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }
