//! MDTO-XML 1.0.1 sidecars, written by hand in schema order (`xsd:sequence`), with escaping.
//! Only what the exporter needs: an `informatieobject` (Dossier or Archiefstuk) and a `bestand`.

pub const NAMESPACE: &str = "https://www.nationaalarchief.nl/mdto";
pub const SCHEMA_LOCATIE: &str =
    "https://www.nationaalarchief.nl/mdto https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.1.xsd";

/// Text for XML 1.0 content or attributes: the five special characters escaped, characters
/// XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF) replaced by U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A small indenting writer for element-only content with text leaves.
#[derive(Default)]
pub struct Xml {
    out: String,
    diepte: usize,
}

impl Xml {
    fn inspringen(&mut self) {
        for _ in 0..self.diepte {
            self.out.push('\t');
        }
    }

    pub fn open(&mut self, tag: &str) {
        self.inspringen();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(">\n");
        self.diepte += 1;
    }

    pub fn sluit(&mut self, tag: &str) {
        self.diepte = self.diepte.saturating_sub(1);
        self.inspringen();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    pub fn blad(&mut self, tag: &str, tekst: &str) {
        self.inspringen();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self.out.push_str(&escape(tekst));
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    pub fn ruw(&mut self, regel: &str) {
        self.inspringen();
        self.out.push_str(regel);
        self.out.push('\n');
    }

    pub fn into_string(self) -> String {
        self.out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identificatie {
    pub kenmerk: String,
    pub bron: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verwijzing {
    pub naam: String,
    pub identificatie: Option<Identificatie>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Begrip {
    pub label: String,
    pub code: Option<String>,
    pub lijst: String,
}

impl Begrip {
    pub fn new(label: &str, code: Option<&str>, lijst: &str) -> Begrip {
        Begrip {
            label: label.into(),
            code: code.map(str::to_owned),
            lijst: lijst.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// A value of "Begrippenlijst EventTypeLijst MDTO": Creatie, Ontvangst, Export, ...
    pub soort: &'static str,
    /// `xsd:dateTime`.
    pub tijd: Option<String>,
    pub actor: Option<Verwijzing>,
    pub resultaat: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Betrokkene {
    pub relatie: Begrip,
    pub actor: Verwijzing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Informatieobject {
    pub identificatie: Identificatie,
    pub naam: String,
    /// "Dossier" or "Archiefstuk".
    pub aggregatieniveau: &'static str,
    pub omschrijving: Option<String>,
    pub dekking_in_ruimte: Option<String>,
    /// Only written when it is a valid `xsd:language`.
    pub taal: Option<String>,
    pub events: Vec<Event>,
    pub is_onderdeel_van: Option<Verwijzing>,
    pub bevat_onderdeel: Vec<Verwijzing>,
    pub heeft_representatie: Vec<Verwijzing>,
    pub aanvullende_metagegevens: Vec<Verwijzing>,
    pub archiefvormer: Verwijzing,
    pub betrokkenen: Vec<Betrokkene>,
    /// Written as `beperkingGebruikNadereBeschrijving` under type "Nader te bepalen".
    pub beperking: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bestand {
    pub identificatie: Identificatie,
    pub naam: String,
    pub omvang: u64,
    pub formaat: Begrip,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    /// `xsd:dateTime` the checksum was made.
    pub checksum_datum: String,
    pub is_representatie_van: Verwijzing,
}

fn identificatie(x: &mut Xml, tag: &str, i: &Identificatie) {
    x.open(tag);
    x.blad("identificatieKenmerk", &i.kenmerk);
    x.blad("identificatieBron", &i.bron);
    x.sluit(tag);
}

fn verwijzing(x: &mut Xml, tag: &str, v: &Verwijzing) {
    x.open(tag);
    x.blad("verwijzingNaam", &v.naam);
    if let Some(i) = &v.identificatie {
        identificatie(x, "verwijzingIdentificatie", i);
    }
    x.sluit(tag);
}

fn begrip(x: &mut Xml, tag: &str, b: &Begrip) {
    x.open(tag);
    x.blad("begripLabel", &b.label);
    if let Some(c) = &b.code {
        x.blad("begripCode", c);
    }
    x.open("begripBegrippenlijst");
    x.blad("verwijzingNaam", &b.lijst);
    x.sluit("begripBegrippenlijst");
    x.sluit(tag);
}

/// `xsd:language`: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
pub fn is_taalcode(s: &str) -> bool {
    let mut delen = s.split('-');
    let eerste = delen.next().unwrap_or("");
    (1..=8).contains(&eerste.len())
        && eerste.chars().all(|c| c.is_ascii_alphabetic())
        && delen.all(|d| (1..=8).contains(&d.len()) && d.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn begin(x: &mut Xml) {
    x.ruw(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.ruw(&format!(
        r#"<MDTO xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{SCHEMA_LOCATIE}">"#
    ));
    x.diepte = 1;
}

fn einde(x: &mut Xml) {
    x.diepte = 0;
    x.ruw("</MDTO>");
}

pub fn informatieobject_xml(io: &Informatieobject) -> String {
    let mut x = Xml::default();
    begin(&mut x);
    x.open("informatieobject");
    identificatie(&mut x, "identificatie", &io.identificatie);
    x.blad("naam", &io.naam);
    begrip(
        &mut x,
        "aggregatieniveau",
        &Begrip::new(
            io.aggregatieniveau,
            None,
            "Begrippenlijst Aggregatieniveaus MDTO",
        ),
    );
    if let Some(o) = &io.omschrijving {
        x.blad("omschrijving", o);
    }
    if let Some(r) = &io.dekking_in_ruimte {
        verwijzing(
            &mut x,
            "dekkingInRuimte",
            &Verwijzing {
                naam: r.clone(),
                identificatie: None,
            },
        );
    }
    if let Some(t) = io.taal.as_deref().filter(|t| is_taalcode(t)) {
        x.blad("taal", t);
    }
    for e in &io.events {
        x.open("event");
        begrip(
            &mut x,
            "eventType",
            &Begrip::new(e.soort, None, "Begrippenlijst EventTypeLijst MDTO"),
        );
        if let Some(t) = &e.tijd {
            x.blad("eventTijd", t);
        }
        if let Some(a) = &e.actor {
            verwijzing(&mut x, "eventVerantwoordelijkeActor", a);
        }
        if let Some(r) = &e.resultaat {
            x.blad("eventResultaat", r);
        }
        x.sluit("event");
    }
    begrip(
        &mut x,
        "waardering",
        &Begrip::new(
            "Nader te bepalen",
            Some("N"),
            "Begrippenlijst Waarderingen MDTO",
        ),
    );
    if let Some(v) = &io.is_onderdeel_van {
        verwijzing(&mut x, "isOnderdeelVan", v);
    }
    for v in &io.bevat_onderdeel {
        verwijzing(&mut x, "bevatOnderdeel", v);
    }
    for v in &io.heeft_representatie {
        verwijzing(&mut x, "heeftRepresentatie", v);
    }
    for v in &io.aanvullende_metagegevens {
        verwijzing(&mut x, "aanvullendeMetagegevens", v);
    }
    verwijzing(&mut x, "archiefvormer", &io.archiefvormer);
    for b in &io.betrokkenen {
        x.open("betrokkene");
        begrip(&mut x, "betrokkeneTypeRelatie", &b.relatie);
        verwijzing(&mut x, "betrokkeneActor", &b.actor);
        x.sluit("betrokkene");
    }
    x.open("beperkingGebruik");
    begrip(
        &mut x,
        "beperkingGebruikType",
        &Begrip::new(
            "Nader te bepalen",
            None,
            "Begrippenlijst BeperkingGebruikTypeLijst MDTO",
        ),
    );
    if let Some(b) = &io.beperking {
        x.blad("beperkingGebruikNadereBeschrijving", b);
    }
    x.sluit("beperkingGebruik");
    x.sluit("informatieobject");
    einde(&mut x);
    x.into_string()
}

pub fn bestand_xml(b: &Bestand) -> String {
    let mut x = Xml::default();
    begin(&mut x);
    x.open("bestand");
    identificatie(&mut x, "identificatie", &b.identificatie);
    x.blad("naam", &b.naam);
    x.blad("omvang", &b.omvang.to_string());
    begrip(&mut x, "bestandsformaat", &b.formaat);
    x.open("checksum");
    begrip(
        &mut x,
        "checksumAlgoritme",
        &Begrip::new("SHA-256", None, "Begrippenlijst ChecksumAlgoritme MDTO"),
    );
    x.blad("checksumWaarde", &b.sha256);
    x.blad("checksumDatum", &b.checksum_datum);
    x.sluit("checksum");
    verwijzing(&mut x, "isRepresentatieVan", &b.is_representatie_van);
    x.sluit("bestand");
    einde(&mut x);
    x.into_string()
}

/// The file format as a PRONOM begrip: a PUID only where the bytes or the type leave no doubt
/// (receivers run DROID anyway); otherwise the media type as label without a code.
pub fn bestandsformaat(mime: &str, naam: &str, kop: &[u8]) -> Begrip {
    const PRONOM: &str = "PRONOM-register";
    if kop.starts_with(b"%PDF-1.") && kop.len() >= 8 {
        let puid = match kop[7] {
            b'0' => Some("fmt/14"),
            b'1' => Some("fmt/15"),
            b'2' => Some("fmt/16"),
            b'3' => Some("fmt/17"),
            b'4' => Some("fmt/18"),
            b'5' => Some("fmt/19"),
            b'6' => Some("fmt/20"),
            b'7' => Some("fmt/276"),
            _ => None,
        };
        let label = format!(
            "Acrobat PDF 1.{} - Portable Document Format",
            char::from(kop[7])
        );
        return Begrip::new(&label, puid, PRONOM);
    }
    let ext = naam.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match (mime, ext.as_str()) {
        ("application/json", _) | (_, "json") => {
            Begrip::new("JSON Data Interchange Format", Some("fmt/817"), PRONOM)
        }
        ("text/plain", _) | (_, "txt") => Begrip::new("Plain Text File", Some("x-fmt/111"), PRONOM),
        ("application/xml" | "text/xml", _) | (_, "xml") => {
            Begrip::new("Extensible Markup Language 1.0", Some("fmt/101"), PRONOM)
        }
        ("text/html", _) | (_, "html") => {
            Begrip::new("Hypertext Markup Language 5", Some("fmt/471"), PRONOM)
        }
        _ => Begrip::new(
            &format!(
                "onbekend ({})",
                if mime.trim().is_empty() {
                    "application/octet-stream"
                } else {
                    mime
                }
            ),
            None,
            PRONOM,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_forbidden_characters() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\u{1}y\u{FFFF}"), "x\u{FFFD}y\u{FFFD}");
        assert_eq!(escape("]]>"), "]]&gt;");
    }

    #[test]
    fn language_codes() {
        assert!(is_taalcode("nl"));
        assert!(is_taalcode("nld"));
        assert!(is_taalcode("nl-NL"));
        assert!(!is_taalcode(""));
        assert!(!is_taalcode("nl_NL"));
        assert!(!is_taalcode("Nederlands!"));
    }
}
