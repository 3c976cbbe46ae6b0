package core_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/testdb"
)

// pdfOf is a small PDF whose bytes carry text, padded to at least size bytes.
func pdfOf(text string, size int) []byte {
	b := []byte("%PDF-1.4\n% " + text + "\n")
	if n := size - len(b) - 6; n > 0 {
		b = append(b, bytes.Repeat([]byte("0"), n)...)
	}
	return append(b, "\n%%EOF"...)
}

func pngOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// holdAsSystem holds the congress of code on day, its plan approved by the
// system (holdCongress approves as the board of HN.HBT).
func (f *fixture) holdAsSystem(code, day string) {
	f.t.Helper()
	f.holdCongressApprovedBy(domain.SystemPrincipal(), code, day)
}

// attach attaches file as kind to the congress of code as p.
func (f *fixture) attach(p domain.Principal, code, kind, name string, file []byte) (domain.Paper, error) {
	f.t.Helper()
	return f.svc.AttachPaper(f.ctx, p, code, 0, domain.PaperUpload{Kind: kind, FileName: name}, bytes.NewReader(file), int64(len(file)))
}

// download reads version n of the paper with id of code as p.
func (f *fixture) download(p domain.Principal, code string, id int64, n int) ([]byte, domain.PaperVersion, error) {
	f.t.Helper()
	d, err := f.svc.PaperFile(f.ctx, p, code, 0, id, n)
	if err != nil {
		return nil, d.Version, err
	}
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		f.t.Fatal(err)
	}
	return b.Bytes(), d.Version, nil
}

func TestAPaperIsTakenForWhatItsContentIs(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	bithu := f.as("bithu")
	t.Run("a .pdf that is really an .exe is refused and writes nothing", func(t *testing.T) {
		before := f.roundDigest()
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 600)...)
		_, err := f.attach(bithu, "HN.HBT.BM.C1", "minutes", "bien-ban.pdf", exe)
		wantField(t, err, "file")
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("a PDF is kept with its SHA-256 and its name", func(t *testing.T) {
		file := pdfOf("Biên bản", 2000)
		p, err := f.attach(bithu, "HN.HBT.BM.C1", "minutes", `C:\scan\Biên bản đại hội.pdf`, file)
		wantCode(t, err, "")
		v := p.Current()
		if p.Kind != domain.PaperMinutes || v.Version != 1 || v.ContentType != domain.TypePDF || v.Size != 2000 ||
			v.SHA256 != sum(file) || v.FileName != "Biên bản đại hội.pdf" || v.UploadedBy != "bithu" {
			t.Errorf("paper %+v, version %+v", p, v)
		}
	})
	t.Run("a PNG named .pdf is a PNG", func(t *testing.T) {
		p, err := f.attach(bithu, "HN.HBT.BM.C1", "other", "anh.pdf", pngOf(t))
		wantCode(t, err, "")
		if v := p.Current(); v.ContentType != domain.TypePNG || v.FileName != "anh.png" {
			t.Errorf("version %+v", v)
		}
	})
	t.Run("an unknown kind is refused", func(t *testing.T) {
		_, err := f.attach(bithu, "HN.HBT.BM.C1", "letter", "x.pdf", pdfOf("x", 100))
		wantField(t, err, "kind")
	})
	t.Run("not before the congress is held", func(t *testing.T) {
		_, err := f.attach(bithu, "HN.HBT.BM.C2", "minutes", "x.pdf", pdfOf("x", 100))
		wantField(t, err, "status")
	})
}

func TestAPaperAboveTheSizeLimitIsRefused(t *testing.T) {
	f := fixtureWithOptions(t, testdb.New(t), domain.FixedClock(fixtureNow), core.Options{PaperMaxSize: 4000})
	f.addTree()
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	bithu := f.as("bithu")
	_, err := f.attach(bithu, "HN.HBT.BM.C1", "minutes", "a.pdf", pdfOf("a", 4001))
	wantField(t, err, "file")
	if m := domain.AsError(err).Fields[0].Message; m.VI != "Tệp lớn quá 0 MB" && !strings.Contains(m.VI, "MB") {
		t.Errorf("message %+v does not name the limit", domain.AsError(err).Fields[0].Message)
	}
	if n := f.count("paper_versions"); n != 0 {
		t.Errorf("%d versions written", n)
	}
	_, err = f.attach(bithu, "HN.HBT.BM.C1", "minutes", "a.pdf", pdfOf("a", 4000))
	wantCode(t, err, "")
}

func TestAReplacedPaperKeepsItsEarlierVersions(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	bithu := f.as("bithu")
	first := pdfOf("bản đầu", 3000)
	// larger than two pieces: stored and read back a piece at a time
	second := pdfOf("bản sửa", 2*(1<<20)+12345)
	p1, err := f.attach(bithu, "HN.HBT.BM.C1", "minutes", "bien-ban.pdf", first)
	wantCode(t, err, "")
	p2, err := f.attach(f.as("bantochuc"), "HN.HBT.BM.C1", "minutes", "bien-ban-sua.pdf", second)
	wantCode(t, err, "")
	if p2.ID != p1.ID || len(p2.Versions) != 2 || p2.Versions[0].Version != 2 || p2.Versions[1].Version != 1 ||
		p2.Versions[0].UploadedBy != "bantochuc" || p2.Versions[1].SHA256 != sum(first) {
		t.Fatalf("after replacing: %+v", p2)
	}
	if n := f.count("paper_chunks"); n != 1+3 {
		t.Errorf("%d pieces stored, want 1 + 3", n)
	}
	for _, tc := range []struct {
		n    int
		want []byte
	}{{0, second}, {2, second}, {1, first}} {
		got, v, err := f.download(f.as("xem"), "HN.HBT.BM.C1", p1.ID, tc.n)
		wantCode(t, err, "")
		if !bytes.Equal(got, tc.want) || sum(got) != v.SHA256 {
			t.Errorf("version %d: %d bytes (sha %s), want %d bytes", tc.n, len(got), v.SHA256, len(tc.want))
		}
	}
	if _, _, err := f.download(f.as("xem"), "HN.HBT.BM.C1", p1.ID, 3); !domain.IsCode(err, domain.ENotFound) {
		t.Errorf("version 3: %v, want not found", err)
	}
	var actions []string
	if err := f.db.Select(&actions, `SELECT action FROM audit_log WHERE entity = 'paper' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, " ") != "paper.attach paper.replace" {
		t.Errorf("audited %v", actions)
	}
	t.Run("the same file again adds no version and writes nothing", func(t *testing.T) {
		before := f.count("paper_versions") + f.count("audit_log")
		again, err := f.attach(bithu, "HN.HBT.BM.C1", "minutes", "bien-ban-sua (1).pdf", second)
		wantCode(t, err, "")
		if again.ID != p1.ID || len(again.Versions) != 2 || f.count("paper_versions")+f.count("audit_log") != before {
			t.Errorf("the same file again: %d versions, rows %d, were %d", len(again.Versions), f.count("paper_versions")+f.count("audit_log"), before)
		}
	})
	t.Run("other papers are many, each with its versions", func(t *testing.T) {
		a, err := f.attach(bithu, "HN.HBT.BM.C1", "other", "a.pdf", pdfOf("a", 100))
		wantCode(t, err, "")
		b, err := f.attach(bithu, "HN.HBT.BM.C1", "other", "b.pdf", pdfOf("b", 100))
		wantCode(t, err, "")
		file := pdfOf("a2", 100)
		a2, err := f.svc.AttachPaper(f.ctx, bithu, "HN.HBT.BM.C1", 0, domain.PaperUpload{Kind: "other", PaperID: a.ID, FileName: "a2.pdf"},
			bytes.NewReader(file), int64(len(file)))
		wantCode(t, err, "")
		if a.ID == b.ID || a2.ID != a.ID || len(a2.Versions) != 2 {
			t.Errorf("a %d, b %d, a2 %+v", a.ID, b.ID, a2)
		}
	})
}

func TestPapersFollowTheScopeOfTheUnit(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	for _, c := range []string{"HN.HBT.BM.C1", "HN.HBT.VT.C1", "HN.DD.X.C1"} {
		f.holdAsSystem(c, "2020-02-20")
	}
	sys := domain.SystemPrincipal()
	ids := map[string]int64{}
	for _, c := range []string{"HN.HBT.BM.C1", "HN.HBT.VT.C1", "HN.DD.X.C1"} {
		p, err := f.attach(sys, c, "minutes", "m.pdf", pdfOf(c, 200))
		wantCode(t, err, "")
		ids[c] = p.ID
	}
	for _, tc := range []struct {
		user, unit       string
		attach, download domain.ErrorCode
	}{
		{"bithu", "HN.HBT.BM.C1", "", ""},
		{"bithu", "HN.HBT.VT.C1", domain.ENotFound, domain.ENotFound},
		{"bantochuc", "HN.HBT.VT.C1", "", ""},
		{"bantochuc", "HN.DD.X.C1", domain.ENotFound, domain.ENotFound},
		{"xem", "HN.HBT.BM.C1", domain.EForbidden, ""},
		{"totacong", "HN.HBT.VT.C1", domain.EForbidden, ""},
	} {
		t.Run(tc.user+" on "+tc.unit, func(t *testing.T) {
			p := f.as(tc.user)
			_, err := f.attach(p, tc.unit, "resolution", "r.pdf", pdfOf("r", 100))
			wantCode(t, err, tc.attach)
			_, _, err = f.download(p, tc.unit, ids[tc.unit], 0)
			wantCode(t, err, tc.download)
			_, err = f.svc.Papers(f.ctx, p, tc.unit, 0)
			wantCode(t, err, tc.download)
		})
	}
	t.Run("a paper is reached only through its own unit", func(t *testing.T) {
		_, _, err := f.download(f.as("bithu"), "HN.HBT.BM.C1", ids["HN.DD.X.C1"], 0)
		wantCode(t, err, domain.ENotFound)
	})
}

func TestResultsReportedNeedTheRequiredPapers(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	cell := "HN.HBT.BM.C1"
	f.holdCongress(cell, "2020-02-20")
	bithu := f.as("bithu")
	if _, err := f.svc.SetResults(f.ctx, bithu, cell, 0, domain.ResultsInput{CommitteeSize: 3, CommitteeWomen: 1}); err != nil {
		t.Fatal(err)
	}
	report := func() error {
		_, err := f.patchCongress(bithu, cell, domain.CongressPatch{Status: strp("results_reported")})
		return err
	}
	t.Run("refused without the minutes and the results report", func(t *testing.T) {
		err := report()
		wantField(t, err, "status")
		if m := domain.AsError(err).Fields[0].Message.VI; !strings.Contains(m, "biên bản đại hội, báo cáo kết quả đại hội") {
			t.Errorf("message %q does not name the missing papers", m)
		}
	})
	minutes, err := f.attach(bithu, cell, "minutes", "m.pdf", pdfOf("m", 100))
	wantCode(t, err, "")
	t.Run("refused with the minutes alone", func(t *testing.T) {
		wantField(t, report(), "status")
	})
	t.Run("a round may require more of a unit kind", func(t *testing.T) {
		_, err := f.svc.SetRequiredPapers(f.ctx, f.as("bantochuc"), 0, domain.RequiredPapersInput{Kind: "cell", Papers: []string{"minutes"}, Reason: "x"})
		wantCode(t, err, domain.EForbidden)
		_, err = f.svc.SetRequiredPapers(f.ctx, f.rootAdmin(), 0, domain.RequiredPapersInput{Kind: "cell",
			Papers: []string{"minutes", "results_report", "vote_minutes"}, Reason: "Hướng dẫn của Thành ủy"})
		wantCode(t, err, "")
	})
	_, err = f.attach(bithu, cell, "results_report", "bc.pdf", pdfOf("bc", 100))
	wantCode(t, err, "")
	ps, err := f.svc.Papers(f.ctx, bithu, cell, 0)
	wantCode(t, err, "")
	if len(ps.Missing) != 1 || ps.Missing[0] != domain.PaperVoteMinutes || len(ps.Required) != 3 {
		t.Errorf("required %v, missing %v", ps.Required, ps.Missing)
	}
	wantField(t, report(), "status")
	_, err = f.attach(bithu, cell, "vote_minutes", "kp.pdf", pdfOf("kp", 100))
	wantCode(t, err, "")
	t.Run("accepted with every required paper", func(t *testing.T) {
		wantCode(t, report(), "")
	})
	t.Run("a paper the reported results rest on cannot be deleted", func(t *testing.T) {
		_, err := f.svc.DeletePaper(f.ctx, bithu, cell, 0, minutes.ID, "nhầm tệp")
		wantField(t, err, "paper")
	})
}

func TestDeletingAPaperIsRecordedAndKeepsItsVersions(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	cell := "HN.HBT.BM.C1"
	f.holdCongress(cell, "2020-02-20")
	bithu := f.as("bithu")
	p, err := f.attach(bithu, cell, "minutes", "m.pdf", pdfOf("m", 100))
	wantCode(t, err, "")
	t.Run("a reason is required", func(t *testing.T) {
		_, err := f.svc.DeletePaper(f.ctx, bithu, cell, 0, p.ID, " ")
		wantField(t, err, "reason")
	})
	t.Run("a viewer may not", func(t *testing.T) {
		_, err := f.svc.DeletePaper(f.ctx, f.as("xem"), cell, 0, p.ID, "x")
		wantCode(t, err, domain.EForbidden)
	})
	d, err := f.svc.DeletePaper(f.ctx, bithu, cell, 0, p.ID, "Nhầm tệp của chi bộ khác")
	wantCode(t, err, "")
	if d.DeletedAt == nil || d.DeletedBy != "bithu" || d.DeleteReason != "Nhầm tệp của chi bộ khác" || len(d.Versions) != 1 {
		t.Errorf("deleted paper %+v", d)
	}
	// Times are the services' clock's (a server run on a chosen date shows
	// that date), not the database's.
	if !d.DeletedAt.Equal(fixtureNow) || !d.Versions[0].UploadedAt.Equal(fixtureNow) || !d.CreatedAt.Equal(fixtureNow) {
		t.Errorf("deleted at %v, uploaded at %v, created at %v; want the clock's %v", d.DeletedAt, d.Versions[0].UploadedAt, d.CreatedAt, fixtureNow)
	}
	var reason string
	if err := f.db.Get(&reason, `SELECT reason FROM audit_log WHERE action = 'paper.delete'`); err != nil || reason != "Nhầm tệp của chi bộ khác" {
		t.Errorf("audit reason %q, %v", reason, err)
	}
	ps, _ := f.svc.Papers(f.ctx, bithu, cell, 0)
	if len(ps.Papers) != 1 || len(ps.Missing) != 2 {
		t.Errorf("papers %+v, missing %v", ps.Papers, ps.Missing)
	}
	if _, _, err := f.download(bithu, cell, p.ID, 1); err != nil {
		t.Errorf("the deleted paper's version: %v", err)
	}
	_, err = f.svc.DeletePaper(f.ctx, bithu, cell, 0, p.ID, "again")
	wantCode(t, err, domain.EConflict)
	t.Run("a new minutes paper is a new paper", func(t *testing.T) {
		n, err := f.attach(bithu, cell, "minutes", "m2.pdf", pdfOf("m2", 100))
		wantCode(t, err, "")
		if n.ID == p.ID || n.Current().Version != 1 {
			t.Errorf("new paper %+v", n)
		}
	})
}

func TestTheBoardSeesTheHeldCongressesMissingPapers(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.holdCongress("HN.HBT.BM.C1", "2020-02-20")
	f.holdCongress("HN.HBT.BM.C2", "2020-03-05")
	f.holdCongress("HN.HBT.VT.C1", "2020-04-01")
	f.holdAsSystem("HN.DD.X.C1", "2020-02-01")
	sys := domain.SystemPrincipal()
	for _, k := range []string{"minutes", "results_report"} {
		if _, err := f.attach(sys, "HN.HBT.BM.C2", k, "x.pdf", pdfOf(k, 100)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.attach(sys, "HN.HBT.VT.C1", "minutes", "x.pdf", pdfOf("m", 100)); err != nil {
		t.Fatal(err)
	}
	// a paper deleted is missing again
	gone, err := f.attach(sys, "HN.HBT.BM.C1", "minutes", "x.pdf", pdfOf("m", 100))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DeletePaper(f.ctx, sys, "HN.HBT.BM.C1", 0, gone.ID, "sent by mistake"); err != nil {
		t.Fatal(err)
	}
	got, total, err := f.svc.MissingPapers(f.ctx, f.as("bantochuc"), "HN.HBT", 0, 0)
	wantCode(t, err, "")
	if total != len(got) {
		t.Errorf("%d missing papers counted, %d listed", total, len(got))
	}
	if first, total1, err := f.svc.MissingPapers(f.ctx, f.as("bantochuc"), "HN.HBT", 0, 1); err != nil || len(first) != 1 || total1 != total {
		t.Errorf("the first of the list: %d rows of %d, want 1 of %d (%v)", len(first), total1, total, err)
	}
	var lines []string
	for _, m := range got {
		lines = append(lines, m.UnitCode+" in "+m.Place.String()+" "+m.HeldDate.String()+" "+itoa(int64(m.DaysSince))+" "+domain.MissingPapersText(m.Missing).EN)
	}
	want := "HN.HBT.BM.C1 in Đảng bộ phường Bạch Mai 2020-02-20 55 minutes of the congress, report of the results\n" +
		"HN.HBT.VT.C1 in Đảng bộ phường Vĩnh Tuy 2020-04-01 14 report of the results"
	if strings.Join(lines, "\n") != want {
		t.Errorf("missing papers:\n%s\nwant\n%s", strings.Join(lines, "\n"), want)
	}
	got, _, err = f.svc.MissingPapers(f.ctx, f.as("bithu"), "HN.HBT.BM", 0, 0)
	wantCode(t, err, "")
	if len(got) != 1 || got[0].UnitCode != "HN.HBT.BM.C1" || len(got[0].Place) != 0 {
		t.Errorf("the ward's, its cells without a place: %+v", got)
	}
}
