//! File and folder names that are safe on Windows, macOS and Linux and follow the MDTO SIP
//! naming rules: no `< > : " / \ | ? * # & %`, no spaces, no control or bidi characters, no DOS
//! device names, no trailing dots or spaces, a limit in bytes (UTF-8), never empty, never `.`
//! or `..`. Whatever the service sends, the result is one plain path component.
use std::collections::HashSet;

/// Characters replaced by `_`. `%` is included so manifest paths never need percent-encoding.
const VERBODEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*', '#', '&', '%'];

const GERESERVEERD: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³", "CONIN$", "CONOUT$",
];

/// Characters dropped altogether: bidi controls (a name could pose as another file type) and
/// invisible ones.
fn onzichtbaar(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The part of `naam` up to the first dot, compared case-insensitively with the DOS device
/// names (Windows treats `CON.pdf` and `con.tar.gz` as the device too).
fn is_gereserveerd(naam: &str) -> bool {
    let stam = naam.split('.').next().unwrap_or("").trim_end();
    GERESERVEERD.iter().any(|g| g.eq_ignore_ascii_case(stam))
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn knip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A short extension worth keeping when a name must be shortened: `.pdf`, `.docx`, `.tar`.
fn extensie(naam: &str) -> Option<&str> {
    let i = naam.rfind('.')?;
    let ext = &naam[i..];
    (i > 0
        && ext.len() >= 2
        && ext.len() <= 10
        && ext[1..].chars().all(|c| c.is_ascii_alphanumeric()))
    .then_some(ext)
}

fn schoon_einde(s: &mut String) {
    while s.ends_with(['.', ' ', '_', '-']) {
        s.pop();
    }
}

/// One safe path component for `naam`, at most `max_bytes` bytes (at least 16 are needed).
/// The extension is kept when the name is shortened. Never empty: `vervanging` is used when
/// nothing usable is left.
pub fn veilige_naam(naam: &str, max_bytes: usize, vervanging: &str) -> String {
    let max_bytes = max_bytes.max(16);
    let mut s = String::with_capacity(naam.len());
    let mut vorige_streep = false;
    for c in naam.chars() {
        if onzichtbaar(c) {
            continue;
        }
        let c = if c.is_control() || c.is_whitespace() || VERBODEN.contains(&c) {
            '_'
        } else {
            c
        };
        if c == '_' {
            if vorige_streep {
                continue;
            }
            vorige_streep = true;
        } else {
            vorige_streep = false;
        }
        s.push(c);
    }
    // no hidden files, no `..`, nothing a command line takes for an option
    let begin = s.trim_start_matches(['.', '_', '-', ' ']).to_owned();
    let mut s = begin;
    schoon_einde(&mut s);
    if s.is_empty() {
        s = veilige_naam_zonder_terugval(vervanging);
        if s.is_empty() {
            s = "naamloos".into();
        }
    }
    if is_gereserveerd(&s) {
        s.insert(0, '_');
    }
    if s.len() > max_bytes {
        s = inkorten(&s, "", max_bytes);
    }
    s
}

fn veilige_naam_zonder_terugval(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect()
}

/// `naam` shortened to `max` bytes with `achtervoegsel` (e.g. `-2`) before its extension.
fn inkorten(naam: &str, achtervoegsel: &str, max: usize) -> String {
    let ext = extensie(naam).unwrap_or("");
    let stam = &naam[..naam.len() - ext.len()];
    let ruimte = max.saturating_sub(ext.len() + achtervoegsel.len()).max(1);
    let mut kort = knip(stam, ruimte).to_owned();
    schoon_einde(&mut kort);
    if kort.is_empty() {
        kort.push('x');
    }
    if is_gereserveerd(&kort) {
        kort.insert(0, '_');
        kort = knip(&kort, ruimte).to_owned();
    }
    format!("{kort}{achtervoegsel}{ext}")
}

/// The names taken in one folder, compared case-insensitively (NTFS and APFS by default).
#[derive(Debug, Default)]
pub struct NamenInMap {
    bezet: HashSet<String>,
}

impl NamenInMap {
    fn sleutel(naam: &str) -> String {
        naam.to_lowercase()
    }

    pub fn is_vrij(&self, naam: &str) -> bool {
        !self.bezet.contains(&Self::sleutel(naam))
    }

    /// Take `naam` as it is (fixed names such as `overzicht.html`).
    pub fn reserveer(&mut self, naam: &str) {
        self.bezet.insert(Self::sleutel(naam));
    }

    /// A safe name, distinct from every name taken in this folder, for which the names made
    /// with each of `extra` appended are free too (e.g. `.bestand.mdto.xml` for the sidecar);
    /// all of them are taken. `max_bytes` applies to the name without the extras.
    pub fn uniek(
        &mut self,
        naam: &str,
        max_bytes: usize,
        vervanging: &str,
        extra: &[&str],
    ) -> String {
        let basis = veilige_naam(naam, max_bytes, vervanging);
        let mut kandidaat = basis.clone();
        let mut n = 1u32;
        loop {
            let vrij = self.is_vrij(&kandidaat)
                && extra
                    .iter()
                    .all(|e| self.is_vrij(&format!("{kandidaat}{e}")));
            if vrij {
                break;
            }
            n += 1;
            kandidaat = inkorten(&basis, &format!("-{n}"), max_bytes.max(16));
        }
        self.reserveer(&kandidaat);
        for e in extra {
            self.reserveer(&format!("{kandidaat}{e}"));
        }
        kandidaat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> String {
        veilige_naam(s, 80, "document")
    }

    #[test]
    fn plain_names_stay_readable() {
        assert_eq!(v("advies.pdf"), "advies.pdf");
        assert_eq!(v("Advies rapport (def).pdf"), "Advies_rapport_(def).pdf");
        assert_eq!(v("café-één.docx"), "café-één.docx");
    }

    #[test]
    fn no_component_can_leave_its_folder() {
        for hostile in [
            "..",
            ".",
            "../x",
            "..\\..\\x",
            "/etc/passwd",
            "C:\\x",
            "a/../../b",
            "...",
            " . ",
        ] {
            let s = v(hostile);
            assert!(!s.is_empty(), "{hostile:?}");
            assert!(s != "." && s != "..", "{hostile:?} -> {s:?}");
            assert!(!s.contains(['/', '\\', ':']), "{hostile:?} -> {s:?}");
            assert!(!s.starts_with('.'), "{hostile:?} -> {s:?}");
        }
        assert_eq!(v("../x"), "x");
        assert_eq!(v(".."), "document");
    }

    #[test]
    fn forbidden_characters_and_spaces_are_replaced() {
        let s = v("a<b>c:d\"e|f?g*h#i&j%k l\tm\nn");
        assert!(!s.contains(|c: char| VERBODEN.contains(&c) || c.is_whitespace() || c.is_control()));
        assert_eq!(s, "a_b_c_d_e_f_g_h_i_j_k_l_m_n");
    }

    #[test]
    fn dos_device_names_are_defused() {
        for n in [
            "CON",
            "con.pdf",
            "Prn.txt",
            "AUX",
            "nul.tar.gz",
            "COM1.doc",
            "lpt9",
            "COM¹.x",
        ] {
            let s = v(n);
            assert!(s.starts_with('_'), "{n} -> {s}");
            assert!(!is_gereserveerd(&s), "{n} -> {s}");
        }
        assert_eq!(v("CON.pdf"), "_CON.pdf");
        assert_eq!(v("CONTRACT.pdf"), "CONTRACT.pdf");
        assert_eq!(v("COM10.pdf"), "COM10.pdf");
    }

    #[test]
    fn trailing_dots_and_spaces_go() {
        assert_eq!(v("rapport. . "), "rapport");
        assert_eq!(v("rapport.pdf."), "rapport.pdf");
    }

    #[test]
    fn bidi_and_invisible_characters_are_dropped() {
        assert_eq!(v("foto\u{202E}fdp.exe"), "fotofdp.exe");
        assert_eq!(v("a\u{200B}b\u{2066}c\u{FEFF}.txt"), "abc.txt");
        assert!(!v("\u{202E}\u{202D}x").contains(onzichtbaar));
    }

    #[test]
    fn long_names_are_cut_in_bytes_keeping_the_extension() {
        let lang = format!("{}.pdf", "é".repeat(300));
        let s = veilige_naam(&lang, 100, "document");
        assert!(s.len() <= 100, "{}", s.len());
        assert!(s.ends_with(".pdf"));
        assert!(s.is_char_boundary(s.len() - 4));
        let s = veilige_naam(&"a".repeat(300), 50, "document");
        assert_eq!(s.len(), 50);
    }

    #[test]
    fn collisions_are_made_distinct_case_insensitively() {
        let mut m = NamenInMap::default();
        m.reserveer("overzicht.html");
        let a = m.uniek("Rapport.pdf", 80, "document", &[".bestand.mdto.xml"]);
        let b = m.uniek("rapport.pdf", 80, "document", &[".bestand.mdto.xml"]);
        let c = m.uniek("RAPPORT.PDF", 80, "document", &[".bestand.mdto.xml"]);
        let d = m.uniek("Overzicht.HTML", 80, "document", &[]);
        assert_eq!(a, "Rapport.pdf");
        assert_eq!(b, "rapport-2.pdf");
        assert_eq!(c, "RAPPORT-3.PDF");
        assert_eq!(d, "Overzicht-2.HTML");
        let lowered: HashSet<String> = [&a, &b, &c, &d].iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(lowered.len(), 4);
        // a name whose sidecar would collide is moved aside too
        let mut m = NamenInMap::default();
        m.reserveer("x.pdf.bestand.mdto.xml");
        assert_eq!(m.uniek("x.pdf", 80, "d", &[".bestand.mdto.xml"]), "x-2.pdf");
    }

    #[test]
    fn collisions_of_long_names_stay_within_the_limit() {
        let mut m = NamenInMap::default();
        let lang = format!("{}.pdf", "b".repeat(300));
        let a = m.uniek(&lang, 60, "d", &[]);
        let b = m.uniek(&lang.to_uppercase(), 60, "d", &[]);
        assert!(a.len() <= 60 && b.len() <= 60);
        assert_ne!(a.to_lowercase(), b.to_lowercase());
        assert!(b.ends_with("-2.PDF"), "{b}");
    }
}
