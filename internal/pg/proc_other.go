//go:build unix && !linux

package pg

import (
	"errors"
	"syscall"
)

// serverSysProcAttr returns the process attributes for the postgres server.
// Outside Linux there is no parent death signal: call Cluster.Stop.
func serverSysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Credential: cred}
}

// helperSysProcAttr returns the process attributes for short-lived helpers
// (initdb, pg_ctl).
func helperSysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// leftovers cannot find the processes of a dead postmaster without /proc:
// postgres itself refuses to start while they hold its shared memory.
func leftovers(string) []int { return nil }
