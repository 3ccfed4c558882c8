//! Field validation that goes beyond types: lengths, required text, control characters.
//! Returns every problem at once (ADR `/core/error-handling/all-errors`).
use crate::resources::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvalidParam {
    pub name: String,
    pub code: String,
    pub reason: String,
}

impl InvalidParam {
    pub fn new(name: &str, code: &str, reason: impl Into<String>) -> Self {
        InvalidParam {
            name: name.into(),
            code: code.into(),
            reason: reason.into(),
        }
    }
}

pub trait Validate {
    fn validate(&self) -> Vec<InvalidParam>;
}

pub const MAX_TITEL: usize = 200;
pub const MAX_TEKST: usize = 10_000;
pub const MAX_KORT: usize = 200;

fn has_control(s: &str, allow_newlines: bool) -> bool {
    s.chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

/// Check a required single-line text field.
pub fn required_line(out: &mut Vec<InvalidParam>, name: &str, v: &str, max: usize) {
    if v.trim().is_empty() {
        out.push(InvalidParam::new(name, "required", "mag niet leeg zijn"));
    } else {
        optional_line(out, name, Some(v), max);
    }
}

/// Check an optional single-line text field.
pub fn optional_line(out: &mut Vec<InvalidParam>, name: &str, v: Option<&str>, max: usize) {
    if let Some(v) = v {
        if v.chars().count() > max {
            out.push(InvalidParam::new(
                name,
                "max-length",
                format!("hooguit {max} tekens"),
            ));
        }
        if has_control(v, false) {
            out.push(InvalidParam::new(
                name,
                "control-characters",
                "bevat stuurtekens",
            ));
        }
    }
}

/// Check a multi-line text field.
pub fn text(out: &mut Vec<InvalidParam>, name: &str, v: Option<&str>, max: usize, required: bool) {
    match v {
        None if required => out.push(InvalidParam::new(name, "required", "is verplicht")),
        None => {}
        Some(v) => {
            if required && v.trim().is_empty() {
                out.push(InvalidParam::new(name, "required", "mag niet leeg zijn"));
            }
            if v.chars().count() > max {
                out.push(InvalidParam::new(
                    name,
                    "max-length",
                    format!("hooguit {max} tekens"),
                ));
            }
            if has_control(v, true) {
                out.push(InvalidParam::new(
                    name,
                    "control-characters",
                    "bevat stuurtekens",
                ));
            }
        }
    }
}

/// A simple e-mail shape check: one `@`, something on both sides, a dot in the domain.
fn email(out: &mut Vec<InvalidParam>, name: &str, v: Option<&str>) {
    if let Some(v) = v {
        let ok = v.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty()
                && d.contains('.')
                && !d.starts_with('.')
                && !d.ends_with('.')
                && !d.contains('@')
        }) && !v.chars().any(char::is_whitespace);
        if !ok && !v.is_empty() {
            out.push(InvalidParam::new(name, "format", "geen geldig e-mailadres"));
        }
    }
}

impl Validate for SamenwerkingStarten {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        required_line(&mut o, "titel", &self.titel, MAX_TITEL);
        text(
            &mut o,
            "beschrijving",
            self.beschrijving.as_deref(),
            MAX_TEKST,
            false,
        );
        if let Some(v) = &self.verzoeknummer {
            if v.is_empty()
                || v.len() > 40
                || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                o.push(InvalidParam::new(
                    "verzoeknummer",
                    "format",
                    "alleen letters, cijfers en '-', hooguit 40 tekens",
                ));
            }
        }
        for (n, v) in [
            ("bronVerzoek", &self.bron_verzoek),
            ("typeVerzoek", &self.type_verzoek),
            ("globaleLocatie", &self.globale_locatie),
            ("kenmerkSysteem", &self.kenmerk_systeem),
            ("nummerBinnenSysteem", &self.nummer_binnen_systeem),
            ("contactpersoonNaam", &self.contactpersoon_naam),
            ("contactpersoonEmailadres", &self.contactpersoon_emailadres),
            (
                "contactpersoonTelefoonnummer",
                &self.contactpersoon_telefoonnummer,
            ),
            ("taal", &self.taal),
        ] {
            optional_line(&mut o, n, v.as_deref(), MAX_KORT);
        }
        email(
            &mut o,
            "contactpersoonEmailadres",
            self.contactpersoon_emailadres.as_deref(),
        );
        let mut seen = std::collections::HashSet::new();
        for (i, d) in self.deelnemers.iter().enumerate() {
            if !seen.insert(d.oin.clone()) {
                o.push(InvalidParam::new(
                    &format!("deelnemers[{i}].oin"),
                    "duplicate",
                    "deze organisatie staat er al in",
                ));
            }
        }
        o
    }
}

impl Validate for SamenwerkingWijzigen {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        if let Some(t) = &self.titel {
            required_line(&mut o, "titel", t, MAX_TITEL);
        }
        text(
            &mut o,
            "beschrijving",
            self.beschrijving.as_deref(),
            MAX_TEKST,
            false,
        );
        for (n, v) in [
            ("kenmerkSysteem", &self.kenmerk_systeem),
            ("nummerBinnenSysteem", &self.nummer_binnen_systeem),
            ("contactpersoonNaam", &self.contactpersoon_naam),
            ("contactpersoonEmailadres", &self.contactpersoon_emailadres),
            (
                "contactpersoonTelefoonnummer",
                &self.contactpersoon_telefoonnummer,
            ),
        ] {
            optional_line(&mut o, n, v.as_deref(), MAX_KORT);
        }
        email(
            &mut o,
            "contactpersoonEmailadres",
            self.contactpersoon_emailadres.as_deref(),
        );
        if !self.changes_metadata() && self.status.is_none() {
            o.push(InvalidParam::new(
                "",
                "empty-patch",
                "geef ten minste één veld om te wijzigen",
            ));
        }
        o
    }
}

impl Validate for ActieverzoekOpstellen {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        required_line(&mut o, "titel", &self.titel, MAX_TITEL);
        text(
            &mut o,
            "omschrijving",
            Some(&self.omschrijving),
            MAX_TEKST,
            true,
        );
        optional_line(&mut o, "productId", self.product_id.as_deref(), MAX_KORT);
        o
    }
}

impl Validate for ActieverzoekWijzigen {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        if let Some(t) = &self.titel {
            required_line(&mut o, "titel", t, MAX_TITEL);
        }
        text(
            &mut o,
            "omschrijving",
            self.omschrijving.as_deref(),
            MAX_TEKST,
            false,
        );
        text(&mut o, "melding", self.melding.as_deref(), MAX_TEKST, false);
        optional_line(&mut o, "productId", self.product_id.as_deref(), MAX_KORT);
        o
    }
}

impl Validate for BerichtVerzenden {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        text(&mut o, "bericht", Some(&self.bericht), MAX_TEKST, true);
        o
    }
}

impl Validate for DocumentWijzigen {
    fn validate(&self) -> Vec<InvalidParam> {
        let mut o = Vec::new();
        if let Some(d) = &self.document_omschrijving {
            required_line(&mut o, "documentOmschrijving", d, MAX_KORT * 5);
        }
        optional_line(
            &mut o,
            "kenmerkSysteem",
            self.kenmerk_systeem.as_deref(),
            MAX_KORT,
        );
        optional_line(
            &mut o,
            "nummerBinnenSysteem",
            self.nummer_binnen_systeem.as_deref(),
            MAX_KORT,
        );
        optional_line(&mut o, "taal", self.taal.as_deref(), MAX_KORT);
        if *self == DocumentWijzigen::default() {
            o.push(InvalidParam::new(
                "",
                "empty-patch",
                "geef ten minste één veld om te wijzigen",
            ));
        }
        o
    }
}

/// Unicode bidirectional controls (embeddings, overrides, isolates, marks): in a file name they
/// make `factuur\u{202E}fdp.exe` look like `factuurexe.pdf`.
pub fn is_richtingteken(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Validate a file name from an upload: trimmed first, then no path separators, no traversal,
/// no control characters, no bidirectional controls, not empty, at most 255 bytes. Returns the
/// name to store (the trimmed one, which is the one checked).
pub fn bestandsnaam(name: &str) -> Result<String, InvalidParam> {
    let bad = |code: &str, reason: &str| Err(InvalidParam::new("file", code, reason));
    let name = name.trim();
    if name.is_empty() {
        return bad("bestandsnaam", "de bestandsnaam ontbreekt");
    }
    if name.len() > 255 {
        return bad("bestandsnaam", "de bestandsnaam is langer dan 255 bytes");
    }
    if name.chars().any(|c| c.is_control()) {
        return bad("bestandsnaam", "de bestandsnaam bevat stuurtekens");
    }
    if name.chars().any(is_richtingteken) {
        return bad(
            "bestandsnaam-richtingteken",
            "de bestandsnaam bevat tekens die de schrijfrichting omkeren (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C); daarmee kan een naam zich als een ander soort bestand voordoen",
        );
    }
    if name.contains('/')
        || name.contains('\\')
        || name == "."
        || name == ".."
        || name.contains(':')
    {
        return bad(
            "bestandsnaam",
            "de bestandsnaam mag geen map of schijf bevatten ('/', '\\', ':', '..')",
        );
    }
    if name.starts_with('.') {
        return bad(
            "bestandsnaam",
            "de bestandsnaam mag niet met een punt beginnen",
        );
    }
    Ok(name.to_owned())
}

/// A stored file name as shown and offered for download: control and bidirectional characters
/// (only in names stored before they were refused) become `_`, as in the ASCII fallback.
pub fn bestandsnaam_weergave(name: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() || is_richtingteken(c);
    if name.chars().any(bad) {
        std::borrow::Cow::Owned(name.chars().map(|c| if bad(c) { '_' } else { c }).collect())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            bestandsnaam("advies rapport.pdf").as_deref().ok(),
            Some("advies rapport.pdf")
        );
        assert!(bestandsnaam("Brandveiligheidsadvies – ’t Hof.pdf").is_ok());
        for bad in [
            "",
            "  ",
            "../etc/passwd",
            "a/b.pdf",
            "..\\x.pdf",
            "a\nb.pdf",
            "a\u{0}b",
            ".htaccess",
            "C:x.pdf",
            "..",
        ] {
            assert!(bestandsnaam(bad).is_err(), "{bad:?}");
        }
        assert!(bestandsnaam(&"a".repeat(256)).is_err());
    }

    #[test]
    fn file_names_are_trimmed_before_they_are_checked() {
        for bad in [" ..", " .hidden", "\t.htaccess ", " . ", "  ..  "] {
            assert!(bestandsnaam(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            bestandsnaam("  advies.pdf ").as_deref().ok(),
            Some("advies.pdf")
        );
        assert!(bestandsnaam(&format!(" {} ", "a".repeat(255))).is_ok());
    }

    #[test]
    fn bidirectional_controls_are_refused_with_their_own_code() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            let name = format!("factuur{c}fdp.exe");
            let p = bestandsnaam(&name).unwrap_err();
            assert_eq!(p.code, "bestandsnaam-richtingteken", "{:?}", c);
            assert_eq!(bestandsnaam_weergave(&name), "factuur_fdp.exe");
        }
        // ordinary right-to-left text is a name like any other
        assert!(bestandsnaam("تقرير.pdf").is_ok());
        assert_eq!(bestandsnaam_weergave("advies.pdf"), "advies.pdf");
    }

    #[test]
    fn start_reports_all_problems_at_once() {
        let s = SamenwerkingStarten {
            titel: " ".into(),
            verzoeknummer: Some("12 34".into()),
            contactpersoon_emailadres: Some("geen-adres".into()),
            ..Default::default()
        };
        let names: Vec<_> = s.validate().into_iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            vec!["titel", "verzoeknummer", "contactpersoonEmailadres"]
        );
    }

    #[test]
    fn empty_patches_are_refused() {
        assert!(!SamenwerkingWijzigen::default().validate().is_empty());
        assert!(!DocumentWijzigen::default().validate().is_empty());
    }
}
