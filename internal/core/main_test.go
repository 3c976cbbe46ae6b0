package core_test

import (
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

func TestMain(m *testing.M) {
	auth.Cost = bcrypt.MinCost // passwords are hashed in many tests
	testdb.Main(m, store.Migrate)
}
