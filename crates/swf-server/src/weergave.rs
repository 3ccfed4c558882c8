//! A samenwerking on the wire, in two parts (D80).
//!
//! Most of it — its number, title, description, status, who made and changed it when, the
//! contact person — is the same for every deelnemer: [`gedeeld`] renders that part once, when
//! the samenwerking is written, and the store keeps it in the row (`weergave`, with the `versie`
//! it was rendered at). The rest is the reader's own: its counts, role, privilege and links
//! ([`Eigen`]), and two dates kept as columns; [`item`] adds them to the stored part when the
//! overview is read. An overview page then decodes a few columns per row and copies the text
//! of the stored part, instead of decoding 26 columns and escaping every string again. The
//! database copies the stored part, the status and the two dates onto each membership (D81),
//! so the overview reads the memberships alone.
//!
//! [`samenwerking`] is the whole resource from the columns: what `GET /samenwerkingen/{id}`
//! sends, and what the overview sends for a row whose stored part is missing or older than
//! the row. [`item`] writes exactly the bytes serde writes for it (tested below).
use crate::app::to_dt;
use crate::store::SamenwerkingRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use swf_domain::{
    Link, Links, Oin, Privilege, Rol, SamenwerkDoel, SamenwerkVorm, Samenwerking, StatusObject,
    BASE_PATH,
};

/// The part of a samenwerking that is the reader's own.
#[derive(Debug, Clone, Copy)]
pub struct Eigen {
    pub aantal_actieverzoeken: u64,
    pub aantal_notificaties: u64,
    pub mijn_rol: Rol,
    pub mijn_privilege: Privilege,
    pub links: LinkSet,
}

/// A link of a samenwerking: its relation, and its path around the samenwerking's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rel {
    ActieverzoekOpstellen,
    Actieverzoeken,
    DeelnemerUitnodigen,
    Deelnemers,
    DocumentToevoegen,
    Documenten,
    Historie,
    Notificaties,
    Zelf,
    Sluiten,
    Verwijderen,
    Wijzigen,
}

/// Every link, in the order of its relation's name (the order of [`Links`], a `BTreeMap`):
/// the relation, and the path before and after the id.
const RELS: [(Rel, &str, &str, &str); 12] = [
    (
        Rel::ActieverzoekOpstellen,
        "actieverzoekOpstellen",
        "/samenwerkingen/",
        "/actieverzoeken",
    ),
    (
        Rel::Actieverzoeken,
        "actieverzoeken",
        "/actieverzoeken?samenwerkingId=",
        "",
    ),
    (
        Rel::DeelnemerUitnodigen,
        "deelnemerUitnodigen",
        "/samenwerkingen/",
        "/deelnemers",
    ),
    (
        Rel::Deelnemers,
        "deelnemers",
        "/samenwerkingen/",
        "/deelnemers",
    ),
    (
        Rel::DocumentToevoegen,
        "documentToevoegen",
        "/samenwerkingen/",
        "/documenten",
    ),
    (
        Rel::Documenten,
        "documenten",
        "/samenwerkingen/",
        "/documenten",
    ),
    (Rel::Historie, "historie", "/samenwerkingen/", "/historie"),
    (
        Rel::Notificaties,
        "notificaties",
        "/samenwerkingen/",
        "/notificaties",
    ),
    (Rel::Zelf, "self", "/samenwerkingen/", ""),
    (Rel::Sluiten, "sluiten", "/samenwerkingen/", ""),
    (Rel::Verwijderen, "verwijderen", "/samenwerkingen/", ""),
    (Rel::Wijzigen, "wijzigen", "/samenwerkingen/", ""),
];

/// Which of a samenwerking's links its reader gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkSet(u16);

impl LinkSet {
    pub fn with(mut self, rel: Rel, present: bool) -> LinkSet {
        if present {
            self.0 |= 1 << rel as u16;
        }
        self
    }

    fn has(self, rel: Rel) -> bool {
        self.0 & (1 << rel as u16) != 0
    }

    /// The links of samenwerking `id`.
    pub fn links(self, id: &str) -> Links {
        RELS.iter()
            .filter(|(rel, ..)| self.has(*rel))
            .map(|(_, name, voor, na)| {
                (
                    (*name).to_owned(),
                    Link::new(format!("{BASE_PATH}{voor}{id}{na}")),
                )
            })
            .collect()
    }

    /// The links of samenwerking `id` as the JSON object serde writes for [`Self::links`]; `id`
    /// as a JSON string's contents (escaped).
    fn write(self, out: &mut Vec<u8>, id: &[u8]) {
        out.push(b'{');
        let mut first = true;
        for (rel, name, voor, na) in RELS {
            if !self.has(rel) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            // names and paths are plain ASCII without anything JSON escapes (tested)
            for part in ["\"", name, "\":{\"href\":\"", BASE_PATH, voor] {
                out.extend_from_slice(part.as_bytes());
            }
            out.extend_from_slice(id);
            out.extend_from_slice(na.as_bytes());
            out.extend_from_slice(b"\"}");
        }
        out.push(b'}');
    }
}

/// A stored OIN that is not one: the row is corrupt.
#[derive(Debug, thiserror::Error)]
#[error("samenwerking {id}: ongeldig OIN in kolom {kolom}")]
pub struct OngeldigeRij {
    pub id: String,
    pub kolom: &'static str,
}

/// The whole resource from the row's columns and the reader's own part.
pub fn samenwerking(s: SamenwerkingRow, e: Eigen) -> Result<Samenwerking, OngeldigeRij> {
    let oin = |v: &str, kolom| {
        Oin::parse(v).map_err(|_| OngeldigeRij {
            id: s.id.clone(),
            kolom,
        })
    };
    let aangemaakt_door = oin(&s.aangemaakt_door, "aangemaakt_door")?;
    let laatst_aangepast_door = oin(&s.laatst_aangepast_door, "laatst_aangepast_door")?;
    let id = s.id;
    Ok(Samenwerking {
        links: e.links.links(&id),
        samenwerking_id: id,
        verzoeknummer: s.verzoeknummer,
        olo_verzoeknummer: s.olo_verzoeknummer,
        bron_verzoek: s.bron_verzoek,
        type_verzoek: s.type_verzoek,
        globale_locatie: s.globale_locatie,
        titel: s.titel,
        beschrijving: s.beschrijving,
        taal: s.taal,
        samenwerk_vorm: SamenwerkVorm::SamenwerkenAanBehandelen,
        samenwerk_doel: SamenwerkDoel::Behandelen,
        status: StatusObject { status: s.status },
        aangemaakt_door,
        aangemaakt_door_naam: s.aangemaakt_door_naam,
        creatie_datum_tijd: to_dt(s.creatie),
        eind_datum_tijd: to_dt(s.eind),
        laatst_aangepast_door,
        laatst_aangepast_door_naam: s.laatst_aangepast_door_naam,
        laatst_aangepast_datum_tijd: to_dt(s.laatst_aangepast),
        kenmerk_systeem: s.kenmerk_systeem,
        nummer_binnen_systeem: s.nummer_binnen_systeem,
        contactpersoon_naam: s.contactpersoon_naam,
        contactpersoon_emailadres: s.contactpersoon_emailadres,
        contactpersoon_telefoonnummer: s.contactpersoon_telefoonnummer,
        aantal_actieverzoeken: e.aantal_actieverzoeken,
        aantal_notificaties: e.aantal_notificaties,
        sluit_datum_tijd: s.gesloten.map(to_dt),
        verwijder_datum_tijd: s.verwijder_na.map(to_dt),
        mijn_rol: Some(e.mijn_rol),
        mijn_privilege: Some(e.mijn_privilege),
    })
}

/// Where the reader's own part begins in the serialized resource: its first field. Every
/// field before it is the samenwerking's own, every field from it on is the reader's or is
/// kept as a column. Inside a JSON string a `"` is escaped, so this text (a comma, then an
/// unescaped quote) is found nowhere before the field itself.
const EIGEN_BEGINT: &str = ",\"aantalActieverzoeken\":";

/// The samenwerking's own part as a JSON object (its fields up to the reader's own), or
/// `None` for a row with an invalid OIN (it is rendered from its columns when read, and fails
/// there as it did before).
pub fn gedeeld(s: &SamenwerkingRow) -> Option<String> {
    let leeg = Eigen {
        aantal_actieverzoeken: 0,
        aantal_notificaties: 0,
        mijn_rol: Rol::Initiator,
        mijn_privilege: Privilege::VolledigeToegang,
        links: LinkSet::default(),
    };
    let mut json = serde_json::to_string(&samenwerking(s.clone(), leeg).ok()?).ok()?;
    let einde = json.find(EIGEN_BEGINT)?;
    json.truncate(einde);
    json.push('}');
    Some(json)
}

/// A time as the resource's fields write it.
struct Tijd(DateTime<Utc>);

impl Serialize for Tijd {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        swf_domain::rfc3339::serialize(&self.0, s)
    }
}

/// Append the samenwerking `id` as JSON to `out`: its stored own part `gedeeld` (as
/// [`gedeeld`] rendered it), its closing and deletion dates, and the reader's own part; the
/// same bytes as serde writes for [`samenwerking`] (tested). Only the stored part and the id
/// are text of the samenwerking's; the rest is numbers, times, the enums' wire spellings and
/// the fixed names and paths of the links, so nothing but the id is escaped here.
pub fn item(
    out: &mut Vec<u8>,
    id: &str,
    gedeeld: &str,
    gesloten: Option<i64>,
    verwijder_na: Option<i64>,
    e: &Eigen,
) -> Result<(), serde_json::Error> {
    // the stored object without its closing brace, then the fields that follow
    out.extend_from_slice(gedeeld.strip_suffix('}').unwrap_or(gedeeld).as_bytes());
    let mut getal = itoa::Buffer::new();
    out.extend_from_slice(b",\"aantalActieverzoeken\":");
    out.extend_from_slice(getal.format(e.aantal_actieverzoeken).as_bytes());
    out.extend_from_slice(b",\"aantalNotificaties\":");
    out.extend_from_slice(getal.format(e.aantal_notificaties).as_bytes());
    for (naam, t) in [
        ("sluitDatumTijd", gesloten),
        ("verwijderDatumTijd", verwijder_na),
    ] {
        if let Some(t) = t {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(naam.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, &Tijd(to_dt(t)))?;
        }
    }
    for (naam, waarde) in [
        ("mijnRol", e.mijn_rol.as_str()),
        ("mijnPrivilege", e.mijn_privilege.as_str()),
    ] {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(naam.as_bytes());
        out.extend_from_slice(b"\":\"");
        out.extend_from_slice(waarde.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b",\"_links\":");
    if id.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        e.links.write(out, id.as_bytes());
    } else {
        let escaped = serde_json::to_string(id)?;
        e.links
            .write(out, &escaped.as_bytes()[1..escaped.len() - 1]);
    }
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use swf_domain::SamenwerkingStatus;

    fn rij(n: i64) -> SamenwerkingRow {
        let tekst = |s: &str| Some(s.to_owned());
        SamenwerkingRow {
            id: format!("SAM-{n}"),
            volgnummer: n,
            verzoeknummer: tekst("V-2026-0001"),
            olo_verzoeknummer: None,
            bron_verzoek: tekst("DSO_LV"),
            type_verzoek: None,
            globale_locatie: tekst("Utrecht, Domplein 1"),
            titel: "Dakkapel".into(),
            beschrijving: None,
            taal: "NL".into(),
            status: SamenwerkingStatus::Open,
            aangemaakt_door: "00000001002220647000".into(),
            aangemaakt_door_naam: "Gemeente Utrecht".into(),
            creatie: 1_780_000_000_123_456,
            eind: 1_900_000_000_000_000,
            laatst_aangepast_door: "00000001812579446000".into(),
            laatst_aangepast_door_naam: "VR Utrecht".into(),
            laatst_aangepast: 1_780_000_100_000_000,
            kenmerk_systeem: None,
            nummer_binnen_systeem: None,
            contactpersoon_naam: tekst("Jan"),
            contactpersoon_emailadres: tekst("jan@example.nl"),
            contactpersoon_telefoonnummer: None,
            gesloten: None,
            verwijder_na: None,
            versie: 1,
        }
    }

    fn eigen(n: u64, links: LinkSet) -> Eigen {
        Eigen {
            aantal_actieverzoeken: n,
            aantal_notificaties: n * 7,
            mijn_rol: if n.is_multiple_of(3) {
                Rol::Ketenpartner
            } else {
                Rol::Initiator
            },
            mijn_privilege: if n.is_multiple_of(2) {
                Privilege::BeperkteToegang
            } else {
                Privilege::VolledigeToegang
            },
            links,
        }
    }

    /// Every combination of links.
    fn link_sets() -> impl Iterator<Item = LinkSet> {
        (0..1u16 << RELS.len()).map(LinkSet)
    }

    /// The samenwerking as [`item`] writes it, and as serde writes the resource.
    fn both(s: &SamenwerkingRow, e: Eigen) -> (String, String) {
        let deel = gedeeld(s).expect("a valid row renders");
        let mut out = Vec::new();
        item(&mut out, &s.id, &deel, s.gesloten, s.verwijder_na, &e).unwrap();
        let heel = serde_json::to_vec(&samenwerking(s.clone(), e).unwrap()).unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(heel).unwrap(),
        )
    }

    /// Rows whose text fields hold what JSON must escape, and the very text the split looks
    /// for, each with and without the dates that are kept as columns.
    fn rijen() -> Vec<SamenwerkingRow> {
        let lastig = [
            "gewoon",
            "met \"aanhalingstekens\", komma's en \\ schuine strepen",
            ",\"aantalActieverzoeken\":1,",
            "regel\neen\ttab\u{1}",
            "ünïcödé — 🏠",
            "}",
            "",
        ];
        let mut rijen = Vec::new();
        for (i, t) in lastig.iter().enumerate() {
            let mut s = rij(i as i64 + 1);
            s.titel = (*t).to_owned();
            s.beschrijving = Some(t.repeat(3));
            s.contactpersoon_telefoonnummer = Some((*t).to_owned());
            s.kenmerk_systeem = (i % 2 == 0).then(|| (*t).to_owned());
            if i % 2 == 1 {
                s.status = SamenwerkingStatus::Gesloten;
                s.gesloten = Some(1_790_000_000_000_001);
                s.verwijder_na = (i % 3 != 0).then_some(1_820_000_000_000_000);
            }
            rijen.push(s);
        }
        rijen
    }

    #[test]
    fn the_stored_part_and_the_readers_part_together_are_the_whole_samenwerking() {
        for (i, s) in rijen().into_iter().enumerate() {
            let deel = gedeeld(&s).expect("a valid row renders");
            // the stored part is a JSON object of its own, without the reader's part
            let los: serde_json::Value = serde_json::from_str(&deel).unwrap();
            assert_eq!(los["titel"], serde_json::json!(s.titel));
            assert!(los.get("aantalActieverzoeken").is_none(), "{deel}");
            let links = LinkSet(0x0f0f_u16.rotate_left(i as u32) & 0x0fff);
            let (item, resource) = both(&s, eigen(i as u64, links));
            assert_eq!(item, resource);
        }
    }

    #[test]
    fn every_combination_of_links_is_written_as_serde_writes_it() {
        let mut s = rij(12);
        for e in link_sets().map(|l| eigen(3, l)) {
            let (item, resource) = both(&s, e);
            assert_eq!(item, resource);
        }
        // an id with what JSON escapes (never made by the service, but a row may hold it)
        s.id = "SAM-\"x\\y\u{7}".into();
        let (item, resource) = both(&s, eigen(1, LinkSet(0x0fff)));
        assert_eq!(item, resource);
    }

    #[test]
    fn the_links_are_listed_in_the_order_of_their_names() {
        let names: Vec<&str> = RELS.iter().map(|r| r.1).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for (i, (rel, name, voor, na)) in RELS.iter().enumerate() {
            assert_eq!(*rel as usize, i, "{rel:?} is not at its place");
            // written as they are: nothing in them is escaped in JSON
            for part in [name, voor, na, &BASE_PATH] {
                assert!(
                    part.bytes()
                        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\'),
                    "{part}"
                );
            }
        }
    }

    #[test]
    fn a_row_with_an_invalid_oin_is_not_rendered_ahead() {
        let mut s = rij(1);
        s.aangemaakt_door = "geen oin".into();
        assert!(gedeeld(&s).is_none());
        let e = samenwerking(s, eigen(1, LinkSet::default())).unwrap_err();
        assert_eq!(e.kolom, "aangemaakt_door");
    }
}
