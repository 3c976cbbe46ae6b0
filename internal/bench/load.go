package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// LoadFigure is one path read by Conns open keep-alive connections, each
// sending its next request as soon as the previous one is answered (a
// closed loop, as wrk does), for a fixed time.
type LoadFigure struct {
	Label, Path string
	Conns       int
	Latency
	PerSecond float64
}

// load reads path from base with conns connections for d, after each
// connection has read it twice to warm up; a status other than 200 or 304
// ends it with an error.
func load(ctx context.Context, base, token, path string, conns int, d time.Duration) (LoadFigure, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	get := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotModified {
			err = fmt.Errorf("bench: GET %s: status %d", path, res.StatusCode)
		}
		return err
	}
	var (
		wg    sync.WaitGroup
		ready sync.WaitGroup
		begin = make(chan struct{})
		lats  = make([][]time.Duration, conns)
		errs  = make([]error, conns)
	)
	for k := range conns {
		wg.Add(1)
		ready.Add(1)
		go func() {
			defer wg.Done()
			for range 2 {
				if err := get(); err != nil {
					errs[k] = err
					ready.Done()
					return
				}
			}
			ready.Done()
			<-begin
			end := time.Now().Add(d)
			for time.Now().Before(end) {
				t := time.Now()
				if err := get(); err != nil {
					errs[k] = err
					return
				}
				lats[k] = append(lats[k], time.Since(t))
			}
		}()
	}
	ready.Wait()
	start := time.Now()
	close(begin)
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for k := range conns {
		if errs[k] != nil {
			return LoadFigure{}, errs[k]
		}
		all = append(all, lats[k]...)
	}
	return LoadFigure{Path: path, Conns: conns, Latency: latency(all), PerSecond: float64(len(all)) / elapsed.Seconds()}, nil
}

// The status updates are sent by a lean client, as pgbench's are: it
// runs on the server's machine, so the CPU it takes is taken from the
// server and PostgreSQL. fasthttp reuses its requests, responses and
// buffers; sending the updates with it instead of net/http's client raised
// the update rate by about a tenth, in alternation on the same server.
// The reads at 50 connections (load) keep net/http's client, which copies
// the bodies (63 kB for a district's children) to io.Discard without
// holding them.

// loadTimeout bounds a request of the lean client, which takes no context.
const loadTimeout = time.Minute

// newLoadClient is a lean client keeping up to conns open connections.
func newLoadClient(conns int) *fasthttp.Client {
	return &fasthttp.Client{MaxConnsPerHost: conns, ReadTimeout: loadTimeout, WriteTimeout: loadTimeout}
}

// doWithin sends req and reads res, giving up when ctx ends or after
// loadTimeout.
func doWithin(ctx context.Context, hc *fasthttp.Client, req *fasthttp.Request, res *fasthttp.Response) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	deadline := time.Now().Add(loadTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return hc.DoDeadline(req, res, deadline)
}

// PgBench says where to run pgbench's TPC-B-like test, the database floor of
// the updates: its binaries' directory and a database of its own on the same
// cluster as daihoi's.
type PgBench struct {
	BinDir, URL string
	// Scale is pgbench -i -s; Clients and Duration those of the run.
	Scale, Clients int
	Duration       time.Duration
}

var (
	tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	txLine  = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

// initPgBench creates and fills pgbench's tables.
func initPgBench(ctx context.Context, p PgBench) error {
	bin := filepath.Join(p.BinDir, "pgbench")
	if out, err := exec.CommandContext(ctx, bin, "-i", "-q", "-s", strconv.Itoa(max(1, p.Scale)), p.URL).CombinedOutput(); err != nil {
		return fmt.Errorf("bench: pgbench -i: %w: %s", err, out)
	}
	return nil
}

// pgBenchWarmUp is how long pgbench runs, untimed, before its timed run:
// its tables were filled minutes before and the measures since have taken
// their place in PostgreSQL's buffers.
const pgBenchWarmUp = 2 * time.Second

// runPgBench runs pgbench's default TPC-B-like script on the tables of
// initPgBench, for pgBenchWarmUp and then for p.Duration, returning the
// transactions per second of the second run and the machine's CPU use
// while it ran.
func runPgBench(ctx context.Context, p PgBench) (float64, CPUUse, error) {
	if _, _, err := pgBenchFor(ctx, p, pgBenchWarmUp); err != nil {
		return 0, CPUUse{}, err
	}
	from := readCPU()
	tps, n, err := pgBenchFor(ctx, p, p.Duration)
	if err != nil {
		return 0, CPUUse{}, err
	}
	return tps, cpuUse(from, readCPU(), n), nil
}

// pgBenchFor runs pgbench's default script for d (whole seconds, at least
// one) and returns its transactions per second and how many it made.
func pgBenchFor(ctx context.Context, p PgBench, d time.Duration) (tps float64, n int, err error) {
	bin := filepath.Join(p.BinDir, "pgbench")
	secs := max(1, int(d.Round(time.Second)/time.Second))
	clients := max(1, p.Clients)
	out, err := exec.CommandContext(ctx, bin, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(2, clients)),
		"-T", strconv.Itoa(secs), p.URL).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("bench: pgbench: %w: %s", err, out)
	}
	m, c := tpsLine.FindSubmatch(out), txLine.FindSubmatch(out)
	if m == nil || c == nil {
		return 0, 0, fmt.Errorf("bench: pgbench printed no tps or count: %s", out)
	}
	if tps, err = strconv.ParseFloat(string(m[1]), 64); err != nil {
		return 0, 0, err
	}
	n, err = strconv.Atoi(string(c[1]))
	return tps, n, err
}
