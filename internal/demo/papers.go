package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/congressdoc"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// The papers and composition plans of the demo: the pilots sent their
// minutes and the report of their results (made up, as their people are:
// the report is the standard document daihoi fills in, the minutes a short
// page), and the district planned its committee with 52% women, under the
// targets the city set for the round.

// PlannedWomen is the share of women the district planned for its committee.
const PlannedWomen = 52

// Targets are the round's composition targets in the demo: women at least
// 15% of every committee, under 40 about 10% of the grassroots' and the
// district's.
func Targets() []domain.CompositionTargetInput {
	const why = "Hướng dẫn công tác nhân sự cấp ủy nhiệm kỳ 2020–2025"
	var out []domain.CompositionTargetInput
	for _, k := range []string{"cell", "grassroots_committee", "grassroots_cell", "district"} {
		out = append(out, domain.CompositionTargetInput{Kind: k, Measure: string(domain.MeasureWomen), Comparison: string(domain.AtLeast), Percent: 15, Reason: why})
	}
	for _, k := range []string{"grassroots_committee", "grassroots_cell", "district"} {
		out = append(out, domain.CompositionTargetInput{Kind: k, Measure: string(domain.MeasureYouth), Comparison: string(domain.About), Percent: 10, Reason: why})
	}
	return out
}

// seedComposition sets the round's targets and the district's plan.
func seedComposition(ctx context.Context, svc *core.Service, roundID int64) error {
	sys := domain.SystemPrincipal()
	for _, t := range Targets() {
		if _, err := svc.SetCompositionTarget(ctx, sys, roundID, t); err != nil {
			return fmt.Errorf("demo: composition target: %w", err)
		}
	}
	if _, err := svc.SetCompositionPlan(ctx, sys, DistrictCode, roundID, domain.CompositionPlanInput{Measure: string(domain.MeasureWomen),
		Percent: PlannedWomen, Reason: "Phương án nhân sự Ban Chấp hành Đảng bộ quận nhiệm kỳ 2020–2025"}); err != nil {
		return fmt.Errorf("demo: composition plan: %w", err)
	}
	return nil
}

// papersSentAfter is how many days after its congress a unit of the demo
// has sent its papers; papersLateEvery: one congress in so many (in the
// order of the missing list) has sent its minutes but not its report.
const (
	papersSentAfter = 10
	papersLateEvery = 6
)

// seedPapers attaches, to the held congresses of the district other than
// the pilots, the papers the round requires: those held papersSentAfter
// days or more before day sent them (but one in papersLateEvery only its
// minutes), those held since not yet. Every congress reported has its
// papers. The files are one short page of each kind, the same for all.
func seedPapers(ctx context.Context, svc *core.Service, roundID int64) error {
	sys := domain.SystemPrincipal()
	missing, _, err := svc.MissingPapers(ctx, sys, DistrictCode, roundID, core.MaxMissingPapers)
	if err != nil {
		return err
	}
	files := map[domain.PaperKind][]byte{}
	for _, k := range []domain.PaperKind{domain.PaperMinutes, domain.PaperResultsReport} {
		doc := congressdoc.Doc{Superior: "ĐẢNG BỘ QUẬN HAI BÀ TRƯNG", Issuer: "CHI BỘ", DateLine: "Hà Nội", Title: strings.ToUpper(k.Name().VI),
			Blocks: []congressdoc.Block{{Runs: []congressdoc.Run{{Text: "Bản quét mô phỏng của dữ liệu mẫu."}}}}}
		var b bytes.Buffer
		if err := congressdoc.PDF(&b, doc); err != nil {
			return err
		}
		files[k] = b.Bytes()
	}
	pilot := map[string]bool{}
	for _, p := range PilotCodes {
		pilot[p] = true
	}
	for i, m := range missing {
		c, err := svc.Congress(ctx, sys, m.UnitCode, roundID)
		if err != nil {
			return err
		}
		reported := c.Status == domain.StatusResultsReported
		if pilot[m.UnitCode] || (!reported && m.DaysSince < papersSentAfter) {
			continue
		}
		for _, k := range m.Missing {
			if k != domain.PaperMinutes && !reported && i%papersLateEvery == papersLateEvery-1 {
				continue
			}
			f := files[k]
			if f == nil {
				continue
			}
			if _, err := svc.AttachPaper(ctx, sys, m.UnitCode, roundID, domain.PaperUpload{Kind: string(k), FileName: k.Name().VI + ".pdf"},
				bytes.NewReader(f), int64(len(f))); err != nil {
				return fmt.Errorf("demo: papers of %s: %w", m.UnitCode, err)
			}
		}
	}
	return nil
}

// attachPapers attaches the minutes and the report of the results of the
// held congress of code, as PDF.
func attachPapers(ctx context.Context, svc *core.Service, roundID int64, code string) error {
	sys := domain.SystemPrincipal()
	report, u, err := svc.CongressDocument(ctx, sys, code, roundID, congressdoc.ResultsReport)
	if err != nil {
		return err
	}
	minutes := congressdoc.Doc{Superior: report.Issuer, Issuer: "ĐOÀN THƯ KÝ ĐẠI HỘI", DateLine: report.DateLine,
		Title: "BIÊN BẢN ĐẠI HỘI", Subtitle: report.Subtitle, Blocks: []congressdoc.Block{{Runs: []congressdoc.Run{{Text: "Đại hội " + u.Name +
			" đã thảo luận, thông qua Báo cáo chính trị, bầu Ban Chấp hành nhiệm kỳ mới và đại biểu dự Đại hội cấp trên, " +
			"thông qua Nghị quyết Đại hội. (Bản mô phỏng của dữ liệu mẫu.)"}}}}, Sign: []string{"T/M ĐOÀN CHỦ TỊCH", "", "", "", "THƯ KÝ ĐẠI HỘI"}}
	for _, paper := range []struct {
		kind, name string
		doc        congressdoc.Doc
	}{
		{string(domain.PaperMinutes), "Biên bản đại hội.pdf", minutes},
		{string(domain.PaperResultsReport), "Báo cáo kết quả đại hội.pdf", report},
	} {
		var b bytes.Buffer
		if err := congressdoc.PDF(&b, paper.doc); err != nil {
			return err
		}
		if _, err := svc.AttachPaper(ctx, sys, code, roundID, domain.PaperUpload{Kind: paper.kind, FileName: paper.name},
			bytes.NewReader(b.Bytes()), int64(b.Len())); err != nil {
			return fmt.Errorf("demo: %s of %s: %w", paper.kind, code, err)
		}
	}
	return nil
}
