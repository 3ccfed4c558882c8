//! Small, valid PDF documents for the simulated Omgevingsloket: one A4 page of text in
//! Helvetica, with a correct cross-reference table, so any PDF reader opens them. The output
//! depends only on the input (no dates, no random ids), so seeding twice gives the same bytes.

/// A one-page PDF with `titel` in bold and `regels` below it.
pub fn pdf(titel: &str, regels: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT\n/F2 16 Tf\n56 780 Td\n");
    content.push_str(&format!("({}) Tj\n", escape(titel)));
    content.push_str("/F1 11 Tf\n0 -28 Td\n14 TL\n");
    for r in regels {
        content.push_str(&format!("({}) Tj T*\n", escape(r)));
    }
    content.push_str("ET\n");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{}endstream",
            content.len(),
            content
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_owned(),
    ];
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A PDF string literal body: backslash and parentheses escaped, and only printable ASCII
/// (other characters become '?', so the content stream's length stays the byte length).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header, the trailer, and every xref offset points at its object.
    #[test]
    fn a_valid_pdf_with_exact_offsets() {
        let b = pdf(
            "Aanvraag (omgevingsvergunning)",
            &["Locatie: Kerkstraat 1", "a\\b"],
        );
        assert!(b.starts_with(b"%PDF-1.4\n"));
        assert!(b.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&b).into_owned();
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(b[startxref..].starts_with(b"xref\n0 7\n"));
        let table = String::from_utf8_lossy(&b[startxref..]).into_owned();
        for (i, line) in table.lines().skip(3).take(6).enumerate() {
            let off: usize = line[..10].parse().unwrap_or(usize::MAX);
            let want = format!("{} 0 obj", i + 1);
            assert!(b[off..].starts_with(want.as_bytes()), "object {}", i + 1);
        }
        assert!(text.contains("(Aanvraag \\(omgevingsvergunning\\)) Tj"));
        assert_eq!(pdf("x", &["y"]), pdf("x", &["y"]), "deterministic");
    }
}
