package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reads and updates are sent to a real `daihoi serve` process, so that the
// load client (this process) and the server do not share a heap, a
// scheduler or a garbage collector. The server's memory is sampled from
// /proc while it runs.

// BuildServer compiles cmd/daihoi into dir and returns the binary's path.
func BuildServer(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = "/usr/local/go/bin/go"
	}
	bin := filepath.Join(dir, "daihoi")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/daihoi/daihoi/cmd/daihoi")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("bench: go build cmd/daihoi: %w: %s", err, out.String())
	}
	return bin, nil
}

// server is a running `daihoi serve` on a loopback port.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
	log  bytes.Buffer

	stopSampling chan struct{}
	sampled      sync.WaitGroup
	mu           sync.Mutex
	maxRSS       int64 // kB
	hwm          int64 // kB, VmHWM read just before the stop
}

// startServer starts bin serving the database at url with its clock at
// start (clock.start, clock.allow_shifted) and no scheduled jobs (the
// bench runs the late flags itself), plus env (KEY=value settings), and
// waits until /healthz answers.
func startServer(ctx context.Context, bin, url string, start time.Time, env []string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{base: "http://" + addr, done: make(chan error, 1), stopSampling: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Dir = filepath.Dir(bin) // no configs/daihoi.yaml there: the defaults and the environment
	s.cmd.Env = append(os.Environ(),
		"DAIHOI_DATABASE_URL="+url, "DAIHOI_ADDR="+addr, "DAIHOI_BASE_URL="+s.base,
		"DAIHOI_JOBS_ENABLED=false", "DAIHOI_DEMO_SEED_IF_EMPTY=false", "DAIHOI_LOG_LEVEL=warn",
		"DAIHOI_METRICS_ADDR=", "DAIHOI_DATABASE_MIGRATE_ON_START=false",
		"DAIHOI_CLOCK_START="+start.Format("2006-01-02T15:04"), "DAIHOI_CLOCK_ALLOW_SHIFTED=true")
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.log, &s.log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start daihoi serve: %w", err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(s.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case werr := <-s.done:
			return nil, fmt.Errorf("bench: daihoi serve exited: %v: %s", werr, s.log.String())
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("bench: daihoi serve did not answer /healthz: %s", s.log.String())
		}
	}
	s.sampled.Add(1)
	go s.sample()
	return s, nil
}

// sample reads the server's resident set size every 100 ms.
func (s *server) sample() {
	defer s.sampled.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if rss, _, err := procMemory(s.cmd.Process.Pid); err == nil {
			s.mu.Lock()
			s.maxRSS = max(s.maxRSS, rss)
			s.mu.Unlock()
		}
		select {
		case <-s.stopSampling:
			return
		case <-t.C:
		}
	}
}

// procMemory reads VmRSS and VmHWM (kB) of process pid.
func procMemory(pid int) (rss, hwm int64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		v, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if name == "VmRSS" {
			rss = v
		} else {
			hwm = v
		}
	}
	return rss, hwm, sc.Err()
}

// stop reads the server's peak memory, then interrupts it and waits for
// its end (killing it after 20 s).
func (s *server) stop() {
	if _, hwm, err := procMemory(s.cmd.Process.Pid); err == nil {
		s.mu.Lock()
		s.hwm = hwm
		s.mu.Unlock()
	}
	select {
	case <-s.stopSampling:
	default:
		close(s.stopSampling)
	}
	s.sampled.Wait()
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// memory returns the largest VmRSS sampled and the VmHWM read at the stop, in kB.
func (s *server) memory() (maxRSS, hwm int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxRSS, s.hwm
}
