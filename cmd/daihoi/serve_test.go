package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles daihoi into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "daihoi")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeDemoOnTheEmbeddedDatabase is `make run` end to end: the binary
// starts its own PostgreSQL, seeds the demo, serves the board's view of the
// district, and on SIGTERM shuts down and stops the PostgreSQL it started.
func TestServeDemoOnTheEmbeddedDatabase(t *testing.T) {
	bin := buildBinary(t)
	dataDir := filepath.Join(t.TempDir(), "postgres")
	addr := freeAddr(t)
	cmd, exited, stdout, stderr := startDaihoi(t, bin, []string{"serve", "--demo"}, "DATABASE_URL=", "DAIHOI_DATABASE_URL=", "DAIHOI_ADDR="+addr,
		"DAIHOI_EMBEDDED_DATA_DIR="+dataDir, "DAIHOI_AUTH_BCRYPT_COST=4", "DAIHOI_LOG_LEVEL=warn")
	base := "http://" + addr
	waitReady(t, base, exited, stderr)

	if !strings.Contains(stdout.String(), "bantochuc") || !strings.Contains(stdout.String(), "http://") {
		t.Errorf("the welcome does not print the URL and the demo logins:\n%s", stdout.String())
	}
	token := login(t, base, "bantochuc", "demo")
	req, _ := http.NewRequest("GET", base+"/api/v1/units/HN.HBT/children", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Units []struct {
			Code, Name, Kind string
		} `json:"units"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	wards := 0
	for _, u := range body.Units {
		if strings.HasPrefix(u.Name, "Đảng bộ phường ") {
			wards++
		}
	}
	if wards != 20 || len(body.Units) < 50 {
		t.Errorf("children of HN.HBT: %d units of which %d wards; want the 20 wards and the other grassroots units", len(body.Units), wards)
	}

	pidFile := filepath.Join(dataDir, "postmaster.pid")
	pgPID := readPID(t, pidFile)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("daihoi exited with %v after SIGTERM\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daihoi did not exit within 30s of SIGTERM")
	}
	if syscall.Kill(pgPID, 0) == nil {
		t.Errorf("the embedded PostgreSQL (pid %d) still runs after daihoi exited", pgPID)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err != nil {
		t.Errorf("the embedded data directory was not kept: %v", err)
	}
}

// startDaihoi starts bin with args in the repository root (where
// configs/daihoi.yaml is), env added to the environment. It returns the
// command, a channel of its exit and its output; a process still running
// when the test ends is killed.
func startDaihoi(t *testing.T, bin string, args []string, env ...string) (*exec.Cmd, chan error, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	return cmd, exited, &stdout, &stderr
}

func waitReady(t *testing.T, base string, exited chan error, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("daihoi exited early: %v\n%s", err, stderr.String())
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("daihoi not ready within 3 minutes\n%s", stderr.String())
}

func login(t *testing.T, base, user, password string) string {
	t.Helper()
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)
	resp, err := http.Post(base+"/api/v1/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Token string `json:"token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Token == "" {
		t.Fatalf("login %s: %d %s", user, resp.StatusCode, raw)
	}
	return out.Token
}

func readPID(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("embedded PostgreSQL pid file: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	var pid int
	if _, err := fmt.Sscan(sc.Text(), &pid); err != nil {
		t.Fatalf("pid file %s: %v", path, err)
	}
	return pid
}
