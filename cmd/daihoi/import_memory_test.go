package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/testdb"
	"github.com/daihoi/daihoi/internal/unitfile/unitfiletest"
)

// TestImportPageKeepsTheServerUnder300MB runs the real server and posts
// to its import page a 512 MB XLSX zip bomb, a CSV of 200,000 rows and a
// file over the body limit, then the most it takes (50,000 rows) and a
// small file: each hostile one is refused with its message, the good ones
// imported, and the server's peak resident memory (VmHWM in /proc) stays
// under 300 MB.
func TestImportPageKeepsTheServerUnder300MB(t *testing.T) {
	url := testdb.URL(t)
	for _, args := range [][]string{
		{"import", "units", writeUnits(t)},
		{"user", "add", "quantri"},
		{"user", "grant", "quantri", "admin", "HN"},
	} {
		if out, errOut, err := runCLI(t, url, "mat-khau-dai\n", args...); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
		}
	}
	bin := buildBinary(t)
	addr := freeAddr(t)
	cmd, exited, _, stderr := startDaihoi(t, bin, []string{"serve"}, "DATABASE_URL="+url, "DAIHOI_DATABASE_URL="+url,
		"DAIHOI_ADDR="+addr, "DAIHOI_JOBS_ENABLED=false", "DAIHOI_AUTH_BCRYPT_COST=4", "DAIHOI_LOG_LEVEL=warn")
	base := "http://" + addr
	waitReady(t, base, exited, stderr)

	c := &webClient{t: t, base: base}
	c.signIn("quantri", "mat-khau-dai")

	var rows strings.Builder
	rows.WriteString("code,name,kind,parent_code,category,members\n")
	for i := range 200_000 {
		fmt.Fprintf(&rows, "X%06d,n,cell,P,,\n", i)
	}
	bomb, err := unitfiletest.Bomb(512<<20, 512<<20)
	if err != nil {
		t.Fatal(err)
	}
	// The most the page takes: 50,000 rows (3.6 MB, under the body limit).
	var most strings.Builder
	most.WriteString("code,name,kind,parent_code,category,members\n")
	for i := range 50_000 {
		fmt.Fprintf(&most, "C%05d,Chi bộ tổ dân phố %d,cell,HN.HBT.BACHMAI,residential,%d\n", i, i, i%90)
	}
	for _, tc := range []struct {
		name, file string
		content    []byte
		status     int
		want       string
	}{
		{"an XLSX zip bomb of 512 MB", "units.xlsx", bomb, http.StatusUnprocessableEntity, "khi giải nén lớn hơn 32 MB"},
		{"a CSV of 200,000 rows", "units.csv", []byte(rows.String()), http.StatusUnprocessableEntity, "hơn 50.000 dòng đơn vị"},
		{"a file over the body limit", "units.csv", bytes.Repeat([]byte("x"), 6<<20), http.StatusRequestEntityTooLarge, "Tệp lớn hơn 4 MB"},
		{"50,000 good rows", "units.csv", []byte(most.String()), http.StatusOK, "50.000 tạo mới"},
		{"a good file", "units.csv", []byte("code,name,kind,parent_code,category,members\nHN.HBT.MK,Đảng bộ phường Minh Khai,grassroots_committee,HN.HBT,,0\n"),
			http.StatusOK, "1 tạo mới"},
	} {
		status, body := c.upload(tc.file, tc.content)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %d saying %q\n%.2000s", tc.name, status, tc.status, tc.want, body)
		}
	}
	hwm := peakRSS(t, cmd.Process.Pid)
	t.Logf("peak resident memory of the server: %d MB", hwm>>20)
	if hwm > 300<<20 {
		t.Errorf("the server's peak resident memory is %d MB, over 300 MB", hwm>>20)
	}
}

// peakRSS reads the peak resident memory of process pid (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", pid)
	}
	var kb int64
	fmt.Sscan(string(m[1]), &kb)
	return kb << 10
}

// webClient is a browser of the real server: it keeps the session cookie.
type webClient struct {
	t    *testing.T
	base string
	http *http.Client
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf opens page and returns its form's CSRF token.
func (c *webClient) csrf(page string) string {
	c.t.Helper()
	res, err := c.http.Get(c.base + page)
	if err != nil {
		c.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		c.t.Fatalf("GET %s: %d, no CSRF token", page, res.StatusCode)
	}
	return string(m[1])
}

func (c *webClient) signIn(username, password string) {
	c.t.Helper()
	jar, _ := cookiejar.New(nil)
	c.http = &http.Client{Jar: jar, Timeout: 2 * time.Minute}
	res, err := c.http.PostForm(c.base+"/login", url.Values{"csrf_token": {c.csrf("/login")}, "username": {username}, "password": {password}})
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path == "/login" {
		c.t.Fatalf("sign in: %d at %s", res.StatusCode, res.Request.URL)
	}
}

// upload posts a file to the import page and returns the status and page.
func (c *webClient) upload(name string, content []byte) (int, string) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf_token", c.csrf("/admin/import"))
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	w.Close()
	res, err := c.http.Post(c.base+"/admin/import", w.FormDataContentType(), &body)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(page)
}
