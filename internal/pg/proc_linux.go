//go:build linux

package pg

import "syscall"

// serverSysProcAttr returns the process attributes for the postgres server:
// its own process group (so a terminal's Ctrl-C reaches only us and we shut
// it down cleanly), the given credential (nil = same user as us) and a parent
// death signal of SIGINT (fast shutdown) so the server dies with us. Go sets
// the death signal after switching credentials, so the kernel does not clear
// it.
func serverSysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Setpgid:    true,
		Credential: cred,
		Pdeathsig:  syscall.SIGINT,
	}
}

// helperSysProcAttr returns the process attributes for short-lived helpers
// (initdb, pg_ctl).
func helperSysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Credential: cred,
		Pdeathsig:  syscall.SIGKILL,
	}
}
