package auth

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordHashes(t *testing.T) {
	Cost = bcrypt.MinCost
	h, err := HashPassword("mật khẩu dài")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "mật khẩu") {
		t.Fatal("the hash contains the password")
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"the right password matches", "mật khẩu dài", true},
		{"another password does not", "mat khau dai", false},
		{"an empty password does not", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(h, tt.password); got != tt.want {
				t.Errorf("CheckPassword = %v, want %v", got, tt.want)
			}
		})
	}
	if CheckPassword("not a hash", "x") {
		t.Error("a malformed hash matched")
	}
	h2, _ := HashPassword("mật khẩu dài")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestTokensAreRandomAndStoredHashed(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, hb, _ := NewToken()
	if a == b || bytes.Equal(ha, hb) {
		t.Fatal("two tokens are equal")
	}
	if !strings.HasPrefix(a, "dh_") || len(a) < 40 {
		t.Errorf("token %q is too short or lacks its prefix", a)
	}
	if !bytes.Equal(HashToken(a), ha) {
		t.Error("HashToken does not give the stored hash")
	}
	if bytes.Contains(ha, []byte(a)) {
		t.Error("the stored hash contains the token")
	}
}
