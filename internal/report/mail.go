package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
)

// Mail writes the e-mail of report r to the address to, in lang: the
// headline figures and the forecast in the text, a link to the report's
// page, and the report as XLSX attached.
func Mail(r Weekly, to, lang, link string) (mail.Message, error) {
	var x bytes.Buffer
	if err := XLSX(&x, r, lang); err != nil {
		return mail.Message{}, err
	}
	var b strings.Builder
	b.WriteString(r.Title(lang) + "\n\n")
	for _, f := range r.Headline {
		fmt.Fprintf(&b, "- %s: %s\n", f.Name.In(lang), figureLine(f, lang))
	}
	fmt.Fprintf(&b, "\n%s\n", r.Forecast.Verdict().In(lang))
	held := domain.Text{VI: "Số đơn vị tổ chức đại hội trong tuần", EN: "Congresses held during the week"}
	fmt.Fprintf(&b, "%s: %d\n", held.In(lang), r.HeldInWeekCount)
	see := domain.Text{VI: "Xem báo cáo", EN: "See the report"}
	fmt.Fprintf(&b, "\n%s: %s\n", see.In(lang), link)
	return mail.Message{To: to, Subject: r.Title(lang), Text: b.String(),
		Attachments: []mail.Attachment{{Name: FileName(r, FormatXLSX), ContentType: ContentType(FormatXLSX), Data: x.Bytes()}}}, nil
}

// figureLine words a headline figure and its change: "68 / 100 (68,00%), +5".
func figureLine(f Figure, lang string) string {
	if !f.HasTotal() {
		return fmt.Sprintf("%d (%+d)", f.Value, f.Change())
	}
	return fmt.Sprintf("%d / %d (%s), %+d", f.Value, f.Total, f.Share().In(lang), f.Change())
}
