package core

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/paperfile"
	"github.com/daihoi/daihoi/internal/store"
)

// The papers of a congress: its secretary (or anyone who may update the
// unit: a secretary or board user above) attaches them once it is held;
// anyone who may read the unit reads and downloads them.

// PaperMaxSize is the largest file a paper may be (Options.PaperMaxSize,
// else domain.DefaultPaperMaxSize).
func (s *Service) PaperMaxSize() int64 {
	if s.opts.PaperMaxSize > 0 {
		return s.opts.PaperMaxSize
	}
	return domain.DefaultPaperMaxSize
}

// SizeText writes n bytes in megabytes as people read them: "20 MB", "2,5 MB" in Vietnamese.
func SizeText(n int64, lang string) string {
	s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if domain.Lang(lang) == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " MB"
}

// TooLargeError is the refusal of a file above the largest a paper may be.
func TooLargeError(limit int64) error {
	return domain.Invalid("file", "Tệp lớn quá "+SizeText(limit, "vi"), "the file is larger than "+SizeText(limit, "en"))
}

// Papers returns the papers of the congress of the unit with code in round
// (0: current), deleted ones included, with the kinds required and missing.
func (s *Service) Papers(ctx context.Context, p domain.Principal, code string, roundID int64) (domain.Papers, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.Papers{}, err
	}
	return s.store.Papers(ctx, id, u.ID)
}

// AttachPaper attaches the file content (size bytes, named name by the
// client) to the congress of the unit with code: p needs ActUpdate on the
// unit and the congress must be held. The type is read from the content
// (paperfile.Sniff), the name made to match it, the SHA-256 kept; a file of
// a single kind already attached (or of in.PaperID) becomes its new version.
func (s *Service) AttachPaper(ctx context.Context, p domain.Principal, code string, roundID int64, in domain.PaperUpload, content io.ReaderAt, size int64) (domain.Paper, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActUpdate, code, roundID)
	if err != nil {
		return domain.Paper{}, err
	}
	in.Kind = strings.TrimSpace(in.Kind)
	var v domain.Validation
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return domain.Paper{}, err
	}
	if size > s.PaperMaxSize() {
		return domain.Paper{}, TooLargeError(s.PaperMaxSize())
	}
	ct, err := paperfile.Sniff(content, size)
	if err != nil {
		return domain.Paper{}, err
	}
	sum, err := paperfile.Digest(content, size)
	if err != nil {
		return domain.Paper{}, err
	}
	f := store.PaperFile{Content: content, Size: size, ContentType: ct, SHA256: sum, FileName: domain.CleanPaperName(in.FileName, ct)}
	return s.store.AttachPaper(ctx, p, id, u.Code, in, f, domain.TodayDay(s.clock), domain.CheckPaperAttach)
}

// DeletePaper deletes the paper with id of the congress of the unit with
// code, with a reason: p needs ActUpdate on the unit. The paper and its
// versions stay, marked deleted; a paper the reported results rest on
// cannot be deleted.
func (s *Service) DeletePaper(ctx context.Context, p domain.Principal, code string, roundID, paperID int64, reason string) (domain.Paper, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActUpdate, code, roundID)
	if err != nil {
		return domain.Paper{}, err
	}
	var v domain.Validation
	reason = domain.CheckReason(&v, "reason", reason, true)
	if err := v.Err(); err != nil {
		return domain.Paper{}, err
	}
	return s.store.DeletePaper(ctx, p, id, u.Code, paperID, reason, domain.TodayDay(s.clock), func(c domain.Congress, pp domain.Paper, required []domain.PaperKind) error {
		return domain.CheckPaperDelete(pp, c, required)
	})
}

// PaperDownload is one version of a paper to send: what it is, and Write,
// which streams its content.
type PaperDownload struct {
	Paper   domain.Paper
	Version domain.PaperVersion
	Write   func(w io.Writer) error
}

// PaperFile returns version n (0: the newest) of the paper with id of the
// congress of the unit with code, for anyone who may read the unit.
func (s *Service) PaperFile(ctx context.Context, p domain.Principal, code string, roundID, paperID int64, n int) (PaperDownload, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return PaperDownload{}, err
	}
	pp, v, err := s.store.PaperVersionFile(ctx, id, u.ID, paperID, n)
	if err != nil {
		return PaperDownload{}, err
	}
	return PaperDownload{Paper: pp, Version: v, Write: func(w io.Writer) error {
		return s.store.WritePaperContent(ctx, v.ID, v.Chunks, w)
	}}, nil
}

// MaxMissingPapers bounds the congresses MissingPapers lists.
const MaxMissingPapers = 500

// MissingPapers lists the held congresses below the unit with code in round
// (0: current) that have not sent every required paper, the longest held
// first, with the days since they were held, at most limit of them; and
// how many there are.
func (s *Service) MissingPapers(ctx context.Context, p domain.Principal, code string, roundID int64, limit int) ([]domain.CongressMissingPapers, int, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > MaxMissingPapers {
		limit = MaxMissingPapers
	}
	return s.store.MissingPapers(ctx, id, u.Path, domain.TodayDay(s.clock), limit)
}

// RequiredPapers lists the papers each unit kind must send in round (0:
// current); any signed-in user may read them.
func (s *Service) RequiredPapers(ctx context.Context, p domain.Principal, roundID int64) ([]domain.RequiredPapersRule, error) {
	if !p.CanAnywhere(domain.ActRead) {
		return nil, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return nil, err
	}
	return s.store.RequiredPapersRules(ctx, id)
}

// SetRequiredPapers sets the papers the congresses of a unit kind must send
// in round (0: current) before their results are reported, with a reason:
// a rule of the whole round, set by the system or an admin of every root.
func (s *Service) SetRequiredPapers(ctx context.Context, p domain.Principal, roundID int64, in domain.RequiredPapersInput) (domain.RequiredPapersRule, error) {
	ok, err := s.mayManageWholeTree(ctx, p)
	if err != nil {
		return domain.RequiredPapersRule{}, err
	}
	if !ok {
		return domain.RequiredPapersRule{}, domain.Forbidden()
	}
	id, err := s.roundID(ctx, roundID)
	if err != nil {
		return domain.RequiredPapersRule{}, err
	}
	var v domain.Validation
	kinds := in.Validate(s.rules, &v)
	if err := v.Err(); err != nil {
		return domain.RequiredPapersRule{}, err
	}
	reason, _ := domain.CleanText(in.Reason, domain.MultiLine)
	if kinds == nil {
		kinds = []domain.PaperKind{}
	}
	return s.store.SetRequiredPapers(ctx, p, id, strings.TrimSpace(in.Kind), kinds, reason)
}

// FileSizeText is the size of a file as lists of papers show it: kilobytes
// below one megabyte, else SizeText.
func FileSizeText(n int64, lang string) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return SizeText(n, lang)
}
