//go:build unix && !linux

package pg

import "syscall"

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
