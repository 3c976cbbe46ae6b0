package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// PaperKind is what a paper of a congress is: its minutes, its resolution,
// the minutes of the vote count, the report of its results to the level
// above, or another document.
type PaperKind string

// The kinds of papers.
const (
	PaperMinutes       PaperKind = "minutes"
	PaperResolution    PaperKind = "resolution"
	PaperVoteMinutes   PaperKind = "vote_minutes"
	PaperResultsReport PaperKind = "results_report"
	PaperOther         PaperKind = "other"
)

// PaperKinds lists the kinds of papers with their names.
var PaperKinds = []struct {
	Kind PaperKind
	Name Text
}{
	{PaperMinutes, Text{"Biên bản đại hội", "Minutes of the congress"}},
	{PaperResolution, Text{"Nghị quyết đại hội", "Resolution of the congress"}},
	{PaperVoteMinutes, Text{"Biên bản kiểm phiếu", "Vote-count minutes"}},
	{PaperResultsReport, Text{"Báo cáo kết quả đại hội", "Report of the results"}},
	{PaperOther, Text{"Văn bản khác", "Other paper"}},
}

// Valid reports whether k is a known kind.
func (k PaperKind) Valid() bool {
	for _, x := range PaperKinds {
		if x.Kind == k {
			return true
		}
	}
	return false
}

// Name returns the kind's names in both languages.
func (k PaperKind) Name() Text {
	for _, x := range PaperKinds {
		if x.Kind == k {
			return x.Name
		}
	}
	return Text{string(k), string(k)}
}

// Single reports whether a congress holds at most one live paper of kind k
// (a new file replaces it as a new version); "other" papers are many.
func (k PaperKind) Single() bool { return k != PaperOther }

// DefaultRequiredPapers are the papers a congress must have sent before its
// results are reported, for a unit kind the round sets nothing for. The
// SQL function required_papers (migration 00020) holds the same default.
var DefaultRequiredPapers = []PaperKind{PaperMinutes, PaperResultsReport}

// The types of files a paper may be, read from the content.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// PaperTypeExt is the file name extension of each type a paper may be.
var PaperTypeExt = map[string]string{TypePDF: ".pdf", TypeJPEG: ".jpg", TypePNG: ".png", TypeDOCX: ".docx"}

// DefaultPaperMaxSize bounds the file of one paper (setting papers.max_size).
const DefaultPaperMaxSize = 20 << 20

// PaperText and PaperVersionText name papers and their versions in messages.
var (
	PaperText        = Text{VI: "văn bản", EN: "paper"}
	PaperVersionText = Text{VI: "phiên bản văn bản", EN: "version of paper"}
)

// PaperVersion is one file of a paper: a replaced file stays as an earlier
// version.
type PaperVersion struct {
	ID          int64     `json:"-" db:"id"`
	Version     int       `json:"version" db:"version"`
	FileName    string    `json:"file_name" db:"file_name"`
	ContentType string    `json:"content_type" db:"content_type"`
	Size        int64     `json:"size" db:"size"`
	SHA256      string    `json:"sha256" db:"sha256"`
	UploadedBy  string    `json:"uploaded_by" db:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at" db:"uploaded_at"`
	// Chunks is how many pieces the file is stored in.
	Chunks int `json:"-" db:"chunks"`
}

// Paper is one paper of a congress with its versions, newest first. A
// deleted paper keeps its versions and says who deleted it, when and why.
type Paper struct {
	ID           int64          `json:"id" db:"id"`
	RoundID      int64          `json:"round_id" db:"round_id"`
	UnitCode     string         `json:"unit_code" db:"unit_code"`
	Kind         PaperKind      `json:"kind" db:"kind"`
	KindName     Text           `json:"kind_name" db:"-"`
	CreatedAt    time.Time      `json:"created_at" db:"created_at"`
	DeletedAt    *time.Time     `json:"deleted_at" db:"deleted_at"`
	DeletedBy    string         `json:"deleted_by,omitempty" db:"deleted_by"`
	DeleteReason string         `json:"delete_reason,omitempty" db:"delete_reason"`
	Versions     []PaperVersion `json:"versions" db:"-"`
}

// Current is the newest version of the paper.
func (p Paper) Current() PaperVersion {
	if len(p.Versions) == 0 {
		return PaperVersion{}
	}
	return p.Versions[0]
}

// Papers are the papers of one congress, and the kinds still missing
// before its results may be reported.
type Papers struct {
	RoundID  int64       `json:"round_id"`
	UnitCode string      `json:"unit_code"`
	Papers   []Paper     `json:"papers"`
	Required []PaperKind `json:"required"`
	Missing  []PaperKind `json:"missing"`
}

// PaperUpload is a file attached to a congress: its kind, the paper it
// replaces (0: the live paper of a single kind, or a new one), the name
// it came with (kept for display; the type is read from the content).
type PaperUpload struct {
	Kind     string
	PaperID  int64
	FileName string
}

// MaxPaperNameLength bounds the name of a paper's file.
const MaxPaperNameLength = 200

// CleanPaperName returns name as shown and stored: without any folder, its
// broken characters refused, cut to MaxPaperNameLength, and ending in the
// extension of its type (a .pdf holding a PNG becomes .png).
func CleanPaperName(name, contentType string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name, _ = CleanText(strings.ToValidUTF8(name, ""), OneLine)
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, name)
	ext := PaperTypeExt[contentType]
	base := name
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	base = strings.Trim(base, ". ")
	if base == "" {
		base = "van-ban"
	}
	if utf8.RuneCountInString(base) > MaxPaperNameLength {
		base = string([]rune(base)[:MaxPaperNameLength])
	}
	return base + ext
}

// Validate checks the kind of an upload.
func (in PaperUpload) Validate(v *Validation) {
	if !PaperKind(in.Kind).Valid() {
		v.Add("kind", fmt.Sprintf("Loại văn bản %q không tồn tại", ShowText(in.Kind, 40)), fmt.Sprintf("unknown kind of paper %q", ShowText(in.Kind, 40)))
	}
	if in.PaperID < 0 {
		v.Add("paper_id", "Mã văn bản không hợp lệ", "invalid paper id")
	}
}

// PaperSnapshot is what the audit log keeps of a paper's change.
type PaperSnapshot struct {
	PaperID  int64     `json:"paper_id"`
	Kind     PaperKind `json:"kind"`
	Version  int       `json:"version,omitempty"`
	FileName string    `json:"file_name,omitempty"`
	Size     int64     `json:"size,omitempty"`
	SHA256   string    `json:"sha256,omitempty"`
	Deleted  bool      `json:"deleted,omitempty"`
}

// CheckPaperAttach refuses a paper for a congress not held yet.
func CheckPaperAttach(c Congress) error {
	if !c.Status.Held() {
		return Invalid("status", "Chỉ đính kèm văn bản khi đại hội đã được tổ chức", "papers are attached once the congress is held")
	}
	return nil
}

// CheckPaperDelete refuses to delete a paper already deleted, or the paper
// of a required kind of a congress whose results are reported (its status
// rests on it: step the status back first).
func CheckPaperDelete(p Paper, c Congress, required []PaperKind) error {
	if p.DeletedAt != nil {
		return Conflict("Văn bản đã bị xóa", "the paper is already deleted")
	}
	if c.Status == StatusResultsReported {
		for _, k := range required {
			if k == p.Kind {
				return Invalid("paper", fmt.Sprintf("Không thể xóa %q khi đại hội đã báo cáo kết quả; hãy lùi trạng thái trước", strings.ToLower(k.Name().VI)),
					fmt.Sprintf("the %s cannot be deleted while the results are reported; step the status back first", strings.ToLower(k.Name().EN)))
			}
		}
	}
	return nil
}

// MissingPapersText names the papers missing before results are reported.
func MissingPapersText(missing []PaperKind) Text {
	vi, en := make([]string, len(missing)), make([]string, len(missing))
	for i, k := range missing {
		vi[i], en[i] = strings.ToLower(k.Name().VI), strings.ToLower(k.Name().EN)
	}
	return Text{strings.Join(vi, ", "), strings.Join(en, ", ")}
}

// CongressMissingPapers is a held congress that has not sent every
// required paper: the days since it was held and the kinds missing.
type CongressMissingPapers struct {
	UnitCode string `json:"unit_code" db:"unit_code"`
	UnitName string `json:"unit_name" db:"unit_name"`
	UnitKind string `json:"unit_kind" db:"unit_kind"`
	// KindName names UnitKind (set by whoever knows the kinds' names).
	KindName  *Text       `json:"kind_name,omitempty" db:"-"`
	HeldDate  Day         `json:"held_date" db:"held_date"`
	DaysSince int         `json:"days_since" db:"days_since"`
	Missing   []PaperKind `json:"missing" db:"-"`
	// Place is where the unit sits below the unit listing it.
	Place Place `json:"place" db:"place"`
}

// RequiredPapersRule says which papers the congresses of a unit kind must
// send before their results are reported, in a round.
type RequiredPapersRule struct {
	Kind   string      `json:"unit_kind" db:"unit_kind"`
	Papers []PaperKind `json:"papers" db:"-"`
	// Default: the round sets nothing for the kind (DefaultRequiredPapers).
	Default bool `json:"default" db:"-"`
}

// RequiredPapersInput sets the papers required of a unit kind, with a reason.
type RequiredPapersInput struct {
	Kind   string   `json:"unit_kind" input:"required"`
	Papers []string `json:"papers" input:"required"`
	Reason string   `json:"reason" input:"required"`
}

// Validate checks the unit kind, each paper kind (other is not a
// requirement) and the reason, and returns the kinds without repeats.
func (in RequiredPapersInput) Validate(rules KindRules, v *Validation) []PaperKind {
	if !rules.Known(strings.TrimSpace(in.Kind)) {
		v.Add("unit_kind", fmt.Sprintf("Loại đơn vị %q không tồn tại", ShowText(in.Kind, 40)), fmt.Sprintf("unknown unit kind %q", ShowText(in.Kind, 40)))
	}
	var out []PaperKind
	seen := map[PaperKind]bool{}
	for i, s := range in.Papers {
		k := PaperKind(strings.TrimSpace(s))
		switch {
		case !k.Valid() || k == PaperOther:
			v.Add(fmt.Sprintf("papers[%d]", i), fmt.Sprintf("Loại văn bản %q không dùng được", ShowText(s, 40)), fmt.Sprintf("%q cannot be required", ShowText(s, 40)))
		case !seen[k]:
			seen[k] = true
			out = append(out, k)
		}
	}
	CheckReason(v, "reason", in.Reason, true)
	return out
}
