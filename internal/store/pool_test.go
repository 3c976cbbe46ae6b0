package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

func TestErrorsThatSayTheDatabaseCannotServeNowAreUnavailable(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	pqErr := func(code string) error { return fmt.Errorf("store: x: %w", &pq.Error{Code: pq.ErrorCode(code)}) }
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{}}
	tests := []struct {
		name     string
		ctx      context.Context
		err      error
		want     domain.ErrorCode
		canceled bool
	}{
		{"connection refused", context.Background(), fmt.Errorf("store: x: %w", syscall.ECONNREFUSED), domain.EUnavailable, false},
		{"a dial error", context.Background(), refused, domain.EUnavailable, false},
		{"a broken connection", context.Background(), driver.ErrBadConn, domain.EUnavailable, false},
		{"the server gone mid-answer", context.Background(), io.ErrUnexpectedEOF, domain.EUnavailable, false},
		{"admin shutdown", context.Background(), pqErr("57P01"), domain.EUnavailable, false},
		{"starting up or shutting down", context.Background(), pqErr("57P03"), domain.EUnavailable, false},
		{"a connection exception", context.Background(), pqErr("08006"), domain.EUnavailable, false},
		{"too many connections", context.Background(), pqErr("53300"), domain.EUnavailable, false},
		{"lock_timeout", context.Background(), pqErr("55P03"), domain.EUnavailable, false},
		{"statement_timeout", context.Background(), pqErr("57014"), domain.EUnavailable, false},
		{"a deadlock", context.Background(), pqErr("40P01"), domain.EUnavailable, false},
		{"a query the caller cancelled", cancelled, pqErr("57014"), domain.EInternal, true},
		{"a unique violation is a bug, not the database", context.Background(), pqErr("23505"), domain.EInternal, false},
		{"a domain error stays itself", context.Background(), domain.StaleVersion(), domain.EConflict, false},
		{"anything else", context.Background(), errors.New("boom"), domain.EInternal, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := typed(tt.ctx, tt.err)
			if code := domain.ErrorCodeOf(got); code != tt.want {
				t.Errorf("code %s, want %s (%v)", code, tt.want, got)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("%v lost its cause %v", got, tt.err)
			}
			if errors.Is(got, context.Canceled) != tt.canceled {
				t.Errorf("%v: is context.Canceled = %v, want %v", got, !tt.canceled, tt.canceled)
			}
		})
	}
}
