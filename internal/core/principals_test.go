package core

import (
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// A caller loaded before a change that forgot the cache is not kept after
// it: it may predate the change (a token revoked, a session ended).
func TestACallerLoadedBeforeAForgetIsNotCached(t *testing.T) {
	c := principalCache{ttl: time.Minute}
	k := principalKey{userID: 1}
	gen := c.generation() // a request starts loading the caller
	c.forget()            // a change commits meanwhile
	c.put(k, domain.Principal{User: domain.User{ID: 1}}, gen)
	if _, ok := c.get(k); ok {
		t.Error("the caller loaded before the change was cached")
	}
	c.put(k, domain.Principal{User: domain.User{ID: 1}}, c.generation())
	if _, ok := c.get(k); !ok {
		t.Error("a caller loaded after the change was not cached")
	}
}
