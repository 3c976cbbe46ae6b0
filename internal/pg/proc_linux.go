//go:build linux

package pg

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

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

// processAlive reports whether a process with this pid runs. A zombie (a
// process that has exited and waits for its parent to collect it, as a
// postmaster killed with its parent does until init reaps it) does not.
func processAlive(pid int) bool {
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// pid (comm) state ...: comm may hold spaces and parentheses.
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && i+2 < len(b) {
			state := b[i+2]
			return state != 'Z' && state != 'X'
		}
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// leftovers returns the pids of the postgres processes still running in
// dataDir (their working directory): the backends and auxiliary processes
// of a postmaster that died without them, which keep its shared memory.
func leftovers(dataDir string) []int {
	want, err := filepath.EvalSymlinks(dataDir)
	if err != nil {
		want = dataDir
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		dir := "/proc/" + e.Name()
		cwd, err := os.Readlink(dir + "/cwd")
		if err != nil || filepath.Clean(cwd) != filepath.Clean(want) {
			continue
		}
		if comm, err := os.ReadFile(dir + "/comm"); err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		if processAlive(pid) {
			out = append(out, pid)
		}
	}
	return out
}
