// Package pdfutf8 makes the PDFs fpdf writes with a UTF-8 font read back
// as the text they show: Fix rewrites fpdf's ToUnicode CMap, Text makes a
// string safe to write. The weekly report and the standard documents of a
// congress use it.
package pdfutf8

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// fpdf (v0.9.0) writes the text of a UTF-8 font as 2-byte codes equal to
// the characters' code points (Identity-H), and gives the font this
// ToUnicode CMap to read them back as text. Its one range <0000> <FFFF> is
// not allowed: ISO 32000-1, 9.10.3, lets a bfrange vary only the last
// byte. Readers that keep to the rule (ledongthuc/pdf, PDFium in Chrome)
// then read every character above U+00FF wrongly ("Quận" comes out
// "Qu\u00adn"), so searching, copying or indexing the PDF's Vietnamese
// fails. Fix replaces it with the same mapping written in 256-code
// ranges.
const fpdfToUnicode = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"

// identityToUnicode is the CMap fpdf means: each code is its code point,
// in ranges of 256 codes (blocks of at most 100 ranges, as the CMap format
// asks), the UTF-16 surrogates left out.
func identityToUnicode() string {
	var ranges []string
	for hi := 0; hi <= 0xFF; hi++ {
		if hi >= 0xD8 && hi <= 0xDF {
			continue
		}
		ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
	}
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(ranges) > 0 {
		n := min(100, len(ranges))
		fmt.Fprintf(&b, "%d beginbfrange\n%s\nendbfrange\n", n, strings.Join(ranges[:n], "\n"))
		ranges = ranges[n:]
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.String()
}

// Fix returns the PDF doc written by fpdf with every ToUnicode
// CMap of fpdfToUnicode replaced by identityToUnicode (compressed), and its
// cross-reference table moved to match. A document without that CMap is
// returned as it is.
func Fix(doc []byte) ([]byte, error) {
	old := []byte(fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", len(fpdfToUnicode), fpdfToUnicode))
	if !bytes.Contains(doc, old) {
		return doc, nil
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write([]byte(identityToUnicode())); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	repl := append([]byte(fmt.Sprintf("<</Length %d/Filter /FlateDecode>>\nstream\n", z.Len())), z.Bytes()...)
	repl = append(repl, "\nendstream"...)

	// The trailer ends "startxref\n<offset of the xref table>\n%%EOF".
	sx := bytes.LastIndex(doc, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, errors.New("fix ToUnicode: no startxref")
	}
	xrefAt, err := strconv.Atoi(string(bytes.Fields(doc[sx+len("\nstartxref\n"):])[0]))
	if err != nil || xrefAt > sx || !bytes.HasPrefix(doc[xrefAt:], []byte("xref\n")) {
		return nil, fmt.Errorf("fix ToUnicode: bad startxref (%v)", err)
	}

	// The objects, with the CMaps replaced; at[i] is where the i-th
	// replacement was in doc.
	var out bytes.Buffer
	var at []int
	body := doc[:xrefAt]
	for pos := 0; ; {
		i := bytes.Index(body[pos:], old)
		if i < 0 {
			out.Write(body[pos:])
			break
		}
		at = append(at, pos+i)
		out.Write(body[pos : pos+i])
		out.Write(repl)
		pos += i + len(old)
	}
	grow := len(repl) - len(old)
	moved := func(off int) int {
		n := 0
		for _, a := range at {
			if a < off {
				n++
			}
		}
		return off + n*grow
	}

	// The xref table: "xref", "0 N", then N entries "oooooooooo ggggg n "
	// (or f for free); each entry in use moves with what came before it.
	newXrefAt := out.Len()
	lines := strings.Split(string(doc[xrefAt:sx]), "\n")
	for i, l := range lines {
		if len(l) == 19 && strings.HasSuffix(l, " n ") {
			off, err := strconv.Atoi(l[:10])
			if err != nil {
				return nil, fmt.Errorf("fix ToUnicode: xref entry %q: %w", l, err)
			}
			lines[i] = fmt.Sprintf("%010d%s", moved(off), l[10:])
		}
	}
	out.WriteString(strings.Join(lines, "\n"))
	fmt.Fprintf(&out, "\nstartxref\n%d\n%%%%EOF\n", newXrefAt)
	return out.Bytes(), nil
}

// Text makes s safe for fpdf: characters beyond the Basic Multilingual
// Plane (which fpdf's UTF-8 fonts cannot hold) become U+FFFD, and control
// characters spaces.
func Text(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c > 0xFFFF:
			return '\uFFFD'
		case c < ' ' && c != '\n':
			return ' '
		}
		return c
	}, s)
}
