//! The archive of one samenwerking on the user's own disk: a BagIt 1.0 bag whose `data/` is an
//! MDTO SIP, as `docs/archive-standards.md` (shared reference) describes.
//!
//! ```text
//! SWF_<samenwerkingId>_<OIN>_<YYYYMMDDTHHMMSSZ>/
//! ├── bagit.txt, bag-info.txt, manifest-sha256.txt, manifest-sha512.txt, tagmanifest-sha256.txt
//! ├── pakbon.xml, LEESMIJ.txt
//! └── data/<titel>/                       informatieobject, aggregatieniveau Dossier
//!     ├── <titel>.mdto.xml
//!     ├── overzicht.html (+ .bestand.mdto.xml)        representation of the dossier
//!     ├── samenwerking.json, deelnemers.json, documenten.json, actieverzoeken.json,
//!     │   meldingen.json, historie.json (each + .bestand.mdto.xml)   aanvullendeMetagegevens
//!     └── <document>/                     informatieobject, aggregatieniveau Archiefstuk
//!         ├── <document>.mdto.xml
//!         └── <bestandsnaam> (+ .bestand.mdto.xml)    the original bytes
//! ```
//!
//! Everything comes from the local mirror (what the organisation may see: the service already
//! left out SV documents for limited access); document bytes from the mirror's document cache,
//! each checked against the service's `documentHash` while it is copied. A document that is not
//! cached is downloaded through the engine when one is given and the service is reachable;
//! otherwise the export fails naming exactly the missing documents. The historie (audit log) is
//! not mirrored: it is read from the service when online, and the archive says so when not.
//!
//! The bag is written in a temporary folder next to the target (see [`bag`]) and gets its
//! final name only when complete and verified. With [`ArchiefOpties::zip`] the verified bag
//! is zipped next to the target, the zip verified, and only the zip (`<naam>.zip`, with
//! `<naam>.zip.sha256`) gets a final name. A dropped export future removes what it wrote; a
//! killed process leaves temporary files that [`cleanup_stale`] recognises and removes.
pub mod bag;
mod controle;
mod fout;
mod html;
pub mod mdto;
pub mod naam;
mod zipbestand;

pub use bag::{cleanup_stale, Controle, Ingepakt};
pub(crate) use fout::io as io_fout;
pub use fout::{ArchiefFout, OntbrekendDocument, Resultaat};

use crate::error::ClientError;
use crate::mirror::{Account, Mirror, SamenwerkingDetail};
use crate::sync::Engine;
use bag::BagSchrijver;
use chrono::{DateTime, Utc};
use mdto::{Begrip, Bestand, Betrokkene, Event, Identificatie, Informatieobject, Verwijzing};
use naam::{veilige_naam, NamenInMap};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use swf_domain::{Document, HistorieRegel, NotificatieType, Rol, Vertrouwelijkheid};

const BRON: &str = "Samenwerkruimte";
const BRON_EXPORT: &str = "Samenwerkruimte archiefexport";
const MDTO_VERSIE: &str = "1.0.1";
const SIDECAR_BESTAND: &str = ".bestand.mdto.xml";
const SIDECAR_IO: &str = ".mdto.xml";
/// Limits in bytes per path component, so that a path inside the bag stays well under 255.
const MAX_DOSSIER: usize = 60;
const MAX_MAP: usize = 60;
const MAX_BESTAND: usize = 100;

/// What to archive and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiefOpties {
    pub samenwerking_id: String,
    /// The folder the bag is made in (created when missing).
    pub map: PathBuf,
    /// Who exports (the `Export` event's actor, `Contact-Name`).
    pub gebruiker: Option<String>,
    pub contact_email: Option<String>,
    /// Deliver the bag as `<naam>.zip` (with `<naam>.zip.sha256`) instead of a folder.
    pub zip: bool,
}

/// The step an export is in. Each step counts its own files and bytes from zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Fase {
    /// Documents and generated files into the temporary bag.
    #[default]
    Schrijven,
    /// Every payload file read back against both manifests.
    Controleren,
    /// The verified bag into the zip (only with [`ArchiefOpties::zip`]).
    Inpakken,
    /// Every payload file read back out of the zip against both manifests.
    ZipControleren,
}

/// Progress for the UI: files and bytes done in the current [`Fase`], of its totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Voortgang {
    pub fase: Fase,
    pub bestanden: u64,
    pub bestanden_totaal: u64,
    pub bytes: u64,
    /// While writing: document bytes plus the generated files written so far (these are
    /// small); in the other steps the exact total.
    pub bytes_totaal: u64,
}

/// A finished, verified archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Archief {
    /// The bag folder, or the zip when zipped.
    pub pad: PathBuf,
    pub gemaakt_op: DateTime<Utc>,
    /// Payload files (documents, sidecars, exports).
    pub bestanden: u64,
    pub bytes: u64,
    pub documenten: usize,
    /// The historie could be read from the service and is in the archive.
    pub historie_opgenomen: bool,
    /// When zipped: the zip's SHA-256 and size, and its `.sha256` file.
    pub zip: Option<ZipGegevens>,
}

/// The zip of an archive, for the record of archives made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZipGegevens {
    pub sha256: String,
    pub grootte: u64,
    pub sha256_bestand: PathBuf,
}

/// Check an earlier archive, a folder or a zip, against both payload manifests and the tag
/// manifest (and a zip against its `.sha256` when that is next to it). Blocking.
pub fn verify(pad: &Path) -> Resultaat<Controle> {
    bag::verify(pad)
}

pub(crate) struct Gegevens {
    pub detail: SamenwerkingDetail,
    pub oin: String,
    pub organisatie_naam: String,
    pub gebruiker: Option<String>,
    pub nu: DateTime<Utc>,
    /// Oldest first, or why it is not there.
    pub historie: std::result::Result<Vec<HistorieRegel>, String>,
}

pub(crate) struct DocumentInArchief {
    pub document: Document,
    /// Relative to the dossier folder, `/`-separated.
    pub pad_in_dossier: String,
}

/// One step in an actieverzoek's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StatusStap {
    pub datum_tijd: DateTime<Utc>,
    pub status_oud: Option<String>,
    pub status_nieuw: String,
    pub door: Option<String>,
    pub melding: Option<String>,
    /// Where the step is known from: `actieverzoek`, `melding` or `historie`.
    pub bron: &'static str,
}

fn xsd_tijd(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Parse an audit line `Actieverzoek '<titel>': <OUD> → <NIEUW>`.
fn status_regel(omschrijving: &str) -> Option<(&str, &str, &str)> {
    let rest = omschrijving.strip_prefix("Actieverzoek '")?;
    let i = rest.rfind("': ")?;
    let (titel, overgang) = (&rest[..i], &rest[i + 3..]);
    let (oud, nieuw) = overgang.split_once(" → ")?;
    Some((titel, oud.trim(), nieuw.trim()))
}

/// Each actieverzoek's status history, oldest first: its creation, the status notifications
/// this organisation received, the status lines of the historie (when read), and the current
/// status when none of these reached it.
pub(crate) fn statushistorie(
    detail: &SamenwerkingDetail,
    historie: Option<&[HistorieRegel]>,
) -> Vec<(String, Vec<StatusStap>)> {
    let mut uit = Vec::new();
    for a in &detail.actieverzoeken {
        let v = &a.actieverzoek;
        let id = v.actieverzoek_id.to_string();
        let mut stappen = vec![StatusStap {
            datum_tijd: v.creatie_datum_tijd,
            status_oud: None,
            status_nieuw: "OPEN".into(),
            door: Some(v.zender_naam.clone()),
            melding: None,
            bron: "actieverzoek",
        }];
        for n in &detail.notificaties {
            let n = &n.notificatie;
            let p = &n.properties;
            if n.notificatie_type != NotificatieType::StatusActieverzoekGewijzigd
                || p.get("actieverzoekId").and_then(Value::as_str) != Some(id.as_str())
            {
                continue;
            }
            let (Some(oud), Some(nieuw)) = (
                p.get("actieverzoekStatusOud").and_then(Value::as_str),
                p.get("actieverzoekStatusNieuw").and_then(Value::as_str),
            ) else {
                continue;
            };
            stappen.push(StatusStap {
                datum_tijd: n.event_datum_tijd,
                status_oud: Some(oud.into()),
                status_nieuw: nieuw.into(),
                door: Some(n.event_initiator_naam.clone()),
                melding: p.get("melding").and_then(Value::as_str).map(str::to_owned),
                bron: "melding",
            });
        }
        for r in historie.unwrap_or(&[]) {
            if r.actie != "actieverzoek-status" {
                continue;
            }
            let Some((titel, oud, nieuw)) = status_regel(&r.omschrijving) else {
                continue;
            };
            // the line names the title, not the id: take the newest actieverzoek of that title
            // that existed then
            let van = detail
                .actieverzoeken
                .iter()
                .map(|x| &x.actieverzoek)
                .filter(|x| x.titel == titel && x.creatie_datum_tijd <= r.datum_tijd)
                .max_by_key(|x| x.creatie_datum_tijd);
            if van.map(|x| x.actieverzoek_id) != Some(v.actieverzoek_id) {
                continue;
            }
            stappen.push(StatusStap {
                datum_tijd: r.datum_tijd,
                status_oud: Some(oud.into()),
                status_nieuw: nieuw.into(),
                door: Some(r.organisatie_naam.clone()),
                melding: None,
                bron: "historie",
            });
        }
        stappen.sort_by_key(|s| s.datum_tijd);
        let mut gezien: Vec<StatusStap> = Vec::new();
        for s in stappen {
            match gezien
                .iter_mut()
                .find(|g| g.datum_tijd == s.datum_tijd && g.status_nieuw == s.status_nieuw)
            {
                Some(g) => {
                    if g.melding.is_none() {
                        g.melding = s.melding;
                    }
                }
                None => gezien.push(s),
            }
        }
        if gezien.last().map(|s| s.status_nieuw.as_str()) != Some(v.status.as_str()) {
            gezien.push(StatusStap {
                datum_tijd: v.laatst_aangepast_datum_tijd,
                status_oud: gezien.last().map(|s| s.status_nieuw.clone()),
                status_nieuw: v.status.as_str().into(),
                door: Some(v.laatst_aangepast_door_naam.clone()),
                melding: v.melding.clone(),
                bron: "actieverzoek",
            });
        }
        uit.push((id, gezien));
    }
    uit
}

async fn historie_lezen(
    engine: Option<&Engine>,
    sid: &str,
) -> std::result::Result<Vec<HistorieRegel>, String> {
    let Some(engine) = engine else {
        return Err("het archief is gemaakt zonder verbinding met de service, en de historie staat niet in de lokale kopie".into());
    };
    const SIZE: u64 = 100;
    let remote = engine.remote();
    match crate::sync::all_pages(SIZE, |p| remote.historie(sid, p, SIZE)).await {
        Ok(mut regels) => {
            regels.sort_by_key(|r| r.volgnummer);
            Ok(regels)
        }
        Err(ClientError::Forbidden(_)) => {
            Err("deze organisatie mag de historie niet inzien".into())
        }
        Err(e) => Err(format!("de historie kon niet worden gelezen: {e}")),
    }
}

/// The cached file of every document, downloading what is missing when `engine` is given.
async fn documenten_ophalen(
    mirror: &Mirror,
    engine: Option<&Engine>,
    detail: &SamenwerkingDetail,
) -> Resultaat<Vec<(Document, PathBuf)>> {
    let mut uit = Vec::new();
    let mut ontbreekt = Vec::new();
    for d in &detail.documenten {
        let doc = &d.document;
        let cached = mirror
            .cached_document(doc.document_id)
            .await?
            .filter(|c| c.sha256.eq_ignore_ascii_case(&doc.document_hash));
        if let Some(c) = cached {
            uit.push((doc.clone(), c.path));
            continue;
        }
        let Some(engine) = engine else {
            ontbreekt.push(doc);
            continue;
        };
        match engine.document_bestand(doc.document_id, &|_, _| {}).await {
            Ok(pad) => uit.push((doc.clone(), pad)),
            Err(
                ClientError::Offline(_)
                | ClientError::Interrupted(_)
                | ClientError::Unauthorized
                | ClientError::NotSignedIn
                | ClientError::TooManyRequests(_),
            ) => ontbreekt.push(doc),
            Err(ClientError::Server { status, .. }) if status >= 500 => ontbreekt.push(doc),
            Err(e) => return Err(e.into()),
        }
    }
    if !ontbreekt.is_empty() {
        return Err(ArchiefFout::DocumentenOntbreken(
            ontbreekt
                .into_iter()
                .map(|d| OntbrekendDocument {
                    document_id: d.document_id,
                    bestandsnaam: d.bestands_naam.clone(),
                })
                .collect(),
        ));
    }
    Ok(uit)
}

fn json_bytes<T: Serialize>(v: &T) -> Resultaat<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|e| ArchiefFout::Intern(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

fn stam(bestandsnaam: &str) -> &str {
    match bestandsnaam.rfind('.') {
        Some(i) if i > 0 => &bestandsnaam[..i],
        _ => bestandsnaam,
    }
}

struct Teller<'a> {
    v: Voortgang,
    melden: &'a (dyn Fn(Voortgang) + Send + Sync),
}

impl Teller<'_> {
    fn bestand(&mut self, bytes: u64, gegenereerd: bool) {
        self.v.bestanden += 1;
        if gegenereerd {
            self.v.bytes += bytes;
            self.v.bytes_totaal += bytes;
        }
        (self.melden)(self.v);
    }
}

/// Archive one samenwerking from the mirror into `opties.map`. `engine`, when given, is used
/// to download documents that are not cached and to read the historie; without it the export
/// works offline when every document is cached. `voortgang` is called after every file and
/// every piece of a document.
pub async fn archiveer(
    mirror: &Mirror,
    engine: Option<&Engine>,
    opties: &ArchiefOpties,
    voortgang: &(dyn Fn(Voortgang) + Send + Sync),
) -> Resultaat<Archief> {
    let account: Account = mirror.account().await?.ok_or(ArchiefFout::GeenAccount)?;
    let sid = opties.samenwerking_id.as_str();
    let detail = mirror
        .samenwerking(sid)
        .await?
        .ok_or_else(|| ArchiefFout::OnbekendeSamenwerking(sid.to_owned()))?;
    let documenten = documenten_ophalen(mirror, engine, &detail).await?;
    let historie = historie_lezen(engine, sid).await;
    let nu = Utc::now();
    let g = Gegevens {
        oin: account.oin.as_str().to_owned(),
        organisatie_naam: account.organisatie_naam.clone(),
        gebruiker: opties.gebruiker.clone().or(account.gebruikersnaam.clone()),
        nu,
        historie,
        detail,
    };
    let s = &g.detail.samenwerking;
    let tijd = xsd_tijd(&nu);
    let bag_naam = format!(
        "SWF_{}_{}_{}",
        veilige_naam(sid, 40, "samenwerking"),
        g.oin,
        nu.format("%Y%m%dT%H%M%SZ")
    );

    let mut teller = Teller {
        v: Voortgang {
            bestanden_totaal: 15 + 3 * documenten.len() as u64,
            bytes_totaal: documenten.iter().map(|(d, _)| d.grootte).sum(),
            ..Voortgang::default()
        },
        melden: voortgang,
    };
    (teller.melden)(teller.v);

    let mut bag = BagSchrijver::begin(&opties.map, &bag_naam)?;

    // names: the dossier folder, then everything in it
    let dossier = veilige_naam(&s.titel, MAX_DOSSIER, "samenwerking");
    let dossier_sidecar = format!("{dossier}{SIDECAR_IO}");
    let mut in_dossier = NamenInMap::default();
    in_dossier.reserveer(&dossier_sidecar);
    const VAST: [&str; 7] = [
        "overzicht.html",
        "samenwerking.json",
        "deelnemers.json",
        "documenten.json",
        "actieverzoeken.json",
        "meldingen.json",
        "historie.json",
    ];
    for v in VAST {
        in_dossier.reserveer(v);
        in_dossier.reserveer(&format!("{v}{SIDECAR_BESTAND}"));
    }
    let data = format!("data/{dossier}");

    let archiefvormer = Verwijzing {
        naam: g.organisatie_naam.clone(),
        identificatie: Some(Identificatie {
            kenmerk: g.oin.clone(),
            bron: "OIN".into(),
        }),
    };
    let dossier_ref = Verwijzing {
        naam: s.titel.clone(),
        identificatie: Some(Identificatie {
            kenmerk: sid.to_owned(),
            bron: BRON.into(),
        }),
    };
    let export_event = Event {
        soort: "Export",
        tijd: Some(tijd.clone()),
        actor: Some(Verwijzing {
            naam: g
                .gebruiker
                .clone()
                .unwrap_or_else(|| g.organisatie_naam.clone()),
            identificatie: None,
        }),
        resultaat: Some("Gearchiveerd uit de Samenwerkruimte (BagIt 1.0, MDTO 1.0.1)".into()),
    };
    let betrokkenen: Vec<Betrokkene> = g
        .detail
        .deelnemers
        .iter()
        .filter(|d| d.oin.as_str() != g.oin)
        .map(|d| Betrokkene {
            relatie: Begrip::new(
                if d.rol == Rol::Initiator {
                    "Initiatiefnemer"
                } else {
                    "Ketenpartner"
                },
                Some(d.rol.as_str()),
                "Rollen Samenwerkruimte",
            ),
            actor: Verwijzing {
                naam: d.naam.clone(),
                identificatie: Some(Identificatie {
                    kenmerk: d.oin.as_str().to_owned(),
                    bron: "OIN".into(),
                }),
            },
        })
        .collect();

    // documents: one Archiefstuk folder each
    let mut in_archief = Vec::new();
    let mut onderdelen = Vec::new();
    for (doc, bron_pad) in &documenten {
        let map = in_dossier.uniek(stam(&doc.bestands_naam), MAX_MAP, "document", &[]);
        let mut in_map = NamenInMap::default();
        in_map.reserveer(&format!("{map}{SIDECAR_IO}"));
        let bestand = in_map.uniek(
            &doc.bestands_naam,
            MAX_BESTAND,
            "document",
            &[SIDECAR_BESTAND],
        );
        let rel = format!("{data}/{map}/{bestand}");
        let mut melden = |n: u64| {
            teller.v.bytes += n;
            (teller.melden)(teller.v);
        };
        let geschreven = bag.kopieer(&rel, bron_pad, &mut melden).await?;
        if !geschreven.sha256.eq_ignore_ascii_case(&doc.document_hash) {
            return Err(ArchiefFout::HashKloptNiet {
                document_id: doc.document_id,
                bestandsnaam: doc.bestands_naam.clone(),
                verwacht: doc.document_hash.clone(),
                gevonden: geschreven.sha256,
            });
        }
        teller.bestand(0, false);
        let doc_id = Identificatie {
            kenmerk: doc.document_id.to_string(),
            bron: BRON.into(),
        };
        let bestand_id = Identificatie {
            kenmerk: format!("{}/bestand", doc.document_id),
            bron: BRON.into(),
        };
        let doc_ref = Verwijzing {
            naam: doc.document_omschrijving.clone(),
            identificatie: Some(doc_id.clone()),
        };
        let bestand_ref = Verwijzing {
            naam: doc.bestands_naam.clone(),
            identificatie: Some(bestand_id.clone()),
        };
        let sidecar = mdto::bestand_xml(&Bestand {
            identificatie: bestand_id,
            naam: doc.bestands_naam.clone(),
            omvang: geschreven.grootte,
            formaat: mdto::bestandsformaat(&doc.formaat, &doc.bestands_naam, &geschreven.kop),
            sha256: geschreven.sha256.clone(),
            checksum_datum: tijd.clone(),
            is_representatie_van: doc_ref.clone(),
        });
        let w = bag
            .schrijf(&format!("{rel}{SIDECAR_BESTAND}"), sidecar.as_bytes())
            .await?;
        teller.bestand(w.grootte, true);
        let vertrouwelijk = match doc.vertrouwelijkheids_aanduiding {
            Vertrouwelijkheid::Rv => "RV (regulier vertrouwelijk: geen persoonsgegevens of bedrijfsgevoelige gegevens)",
            Vertrouwelijkheid::Sv => "SV (strikt vertrouwelijk: kan persoonsgegevens en/of bedrijfsgevoelige gegevens bevatten)",
        };
        let mut events = vec![Event {
            soort: "Creatie",
            tijd: Some(xsd_tijd(&doc.creatie_datum_tijd)),
            actor: Some(Verwijzing {
                naam: doc.aangemaakt_door_naam.clone(),
                identificatie: Some(Identificatie {
                    kenmerk: doc.aangemaakt_door.as_str().to_owned(),
                    bron: "OIN".into(),
                }),
            }),
            resultaat: Some("Toegevoegd aan de samenwerking".into()),
        }];
        if doc.laatst_aangepast_datum_tijd != doc.creatie_datum_tijd {
            events.push(Event {
                soort: "Wijziging",
                tijd: Some(xsd_tijd(&doc.laatst_aangepast_datum_tijd)),
                actor: Some(Verwijzing {
                    naam: doc.laatst_aangepast_door_naam.clone(),
                    identificatie: Some(Identificatie {
                        kenmerk: doc.laatst_aangepast_door.as_str().to_owned(),
                        bron: "OIN".into(),
                    }),
                }),
                resultaat: None,
            });
        }
        events.push(export_event.clone());
        let io = mdto::informatieobject_xml(&Informatieobject {
            identificatie: doc_id,
            naam: doc.document_omschrijving.clone(),
            aggregatieniveau: "Archiefstuk",
            omschrijving: Some(format!("Document {} in de samenwerking", doc.bestands_naam)),
            dekking_in_ruimte: None,
            taal: doc.taal.clone(),
            events,
            is_onderdeel_van: Some(dossier_ref.clone()),
            bevat_onderdeel: vec![],
            heeft_representatie: vec![bestand_ref],
            aanvullende_metagegevens: vec![],
            archiefvormer: archiefvormer.clone(),
            betrokkenen: vec![],
            beperking: Some(format!(
                "Vertrouwelijkheid in de Samenwerkruimte: {vertrouwelijk}"
            )),
        });
        let w = bag
            .schrijf(&format!("{data}/{map}/{map}{SIDECAR_IO}"), io.as_bytes())
            .await?;
        teller.bestand(w.grootte, true);
        onderdelen.push(doc_ref);
        in_archief.push(DocumentInArchief {
            document: doc.clone(),
            pad_in_dossier: format!("{map}/{bestand}"),
        });
    }

    // the JSON exports, each with its bestand sidecar
    let status = statushistorie(&g.detail, g.historie.as_ref().ok().map(Vec::as_slice));
    let export = json!({
        "formaat": "Samenwerkruimte archiefexport 1",
        "gemaaktOp": tijd,
        "organisatie": g.organisatie_naam,
        "oin": g.oin,
        "gebruiker": g.gebruiker,
        "mdtoVersie": MDTO_VERSIE,
    });
    let actieverzoeken: Vec<Value> = g
        .detail
        .actieverzoeken
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(&a.actieverzoek).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert(
                    "berichten".into(),
                    serde_json::to_value(&a.berichten).unwrap_or(Value::Null),
                );
                let id = a.actieverzoek.actieverzoek_id.to_string();
                let stappen = status.iter().find(|(i, _)| *i == id).map(|(_, s)| s);
                m.insert(
                    "statusHistorie".into(),
                    serde_json::to_value(stappen).unwrap_or(Value::Null),
                );
            }
            v
        })
        .collect();
    let documenten_json: Vec<Value> = in_archief
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(&d.document).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert(
                    "padInArchief".into(),
                    json!(format!("{data}/{}", d.pad_in_dossier)),
                );
            }
            v
        })
        .collect();
    let historie_json = match &g.historie {
        Ok(r) => json!({ "opgenomen": true, "regels": r }),
        Err(reden) => json!({ "opgenomen": false, "reden": reden, "regels": [] }),
    };
    let exports: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "samenwerking.json",
            "De samenwerking (alle velden van de service)",
            json_bytes(&json!({ "export": export, "samenwerking": s }))?,
        ),
        (
            "deelnemers.json",
            "De deelnemers",
            json_bytes(&g.detail.deelnemers)?,
        ),
        (
            "documenten.json",
            "De documenten met hun plaats in dit archief",
            json_bytes(&documenten_json)?,
        ),
        (
            "actieverzoeken.json",
            "De actieverzoeken met berichten en statushistorie",
            json_bytes(&actieverzoeken)?,
        ),
        (
            "meldingen.json",
            "De meldingen (notificaties) aan deze organisatie",
            json_bytes(&g.detail.notificaties)?,
        ),
        (
            "historie.json",
            "De historie (auditlog)",
            json_bytes(&historie_json)?,
        ),
    ];
    let mut aanvullend = Vec::new();
    for (naam, omschrijving, inhoud) in &exports {
        let rel = format!("{data}/{naam}");
        let w = bag.schrijf(&rel, inhoud).await?;
        teller.bestand(w.grootte, true);
        let id = Identificatie {
            kenmerk: format!("{sid}/{naam}"),
            bron: BRON_EXPORT.into(),
        };
        let x = mdto::bestand_xml(&Bestand {
            identificatie: id.clone(),
            naam: (*naam).to_owned(),
            omvang: w.grootte,
            formaat: mdto::bestandsformaat("application/json", naam, &w.kop),
            sha256: w.sha256.clone(),
            checksum_datum: tijd.clone(),
            is_representatie_van: dossier_ref.clone(),
        });
        let w = bag
            .schrijf(&format!("{rel}{SIDECAR_BESTAND}"), x.as_bytes())
            .await?;
        teller.bestand(w.grootte, true);
        aanvullend.push(Verwijzing {
            naam: format!("{naam}: {omschrijving}"),
            identificatie: Some(id),
        });
    }

    // the readable overview
    let html = html::overzicht(&g, &in_archief, &status);
    let rel = format!("{data}/overzicht.html");
    let w = bag.schrijf(&rel, html.as_bytes()).await?;
    teller.bestand(w.grootte, true);
    let overzicht_id = Identificatie {
        kenmerk: format!("{sid}/overzicht.html"),
        bron: BRON_EXPORT.into(),
    };
    let x = mdto::bestand_xml(&Bestand {
        identificatie: overzicht_id.clone(),
        naam: "overzicht.html".into(),
        omvang: w.grootte,
        formaat: mdto::bestandsformaat("text/html", "overzicht.html", &w.kop),
        sha256: w.sha256.clone(),
        checksum_datum: tijd.clone(),
        is_representatie_van: dossier_ref.clone(),
    });
    let w = bag
        .schrijf(&format!("{rel}{SIDECAR_BESTAND}"), x.as_bytes())
        .await?;
    teller.bestand(w.grootte, true);

    // the dossier
    let mijn_toegang = g
        .detail
        .deelnemers
        .iter()
        .find(|d| d.oin.as_str() == g.oin)
        .map(|d| {
            if d.rol == Rol::Initiator {
                "initiatiefnemer (volledige toegang)".to_owned()
            } else {
                format!("ketenpartner, {}", d.privilege.as_str())
            }
        })
        .unwrap_or_else(|| "onbekend".into());
    let mut events = vec![Event {
        soort: "Creatie",
        tijd: Some(xsd_tijd(&s.creatie_datum_tijd)),
        actor: Some(Verwijzing {
            naam: s.aangemaakt_door_naam.clone(),
            identificatie: Some(Identificatie {
                kenmerk: s.aangemaakt_door.as_str().to_owned(),
                bron: "OIN".into(),
            }),
        }),
        resultaat: Some("Samenwerking gestart".into()),
    }];
    if let Some(t) = &s.sluit_datum_tijd {
        events.push(Event {
            soort: "Bevriezing",
            tijd: Some(xsd_tijd(t)),
            actor: None,
            resultaat: Some("Samenwerking gesloten".into()),
        });
    }
    events.push(export_event.clone());
    let dossier_xml = mdto::informatieobject_xml(&Informatieobject {
        identificatie: Identificatie {
            kenmerk: sid.to_owned(),
            bron: BRON.into(),
        },
        naam: s.titel.clone(),
        aggregatieniveau: "Dossier",
        omschrijving: Some(
            [
                s.beschrijving.clone(),
                s.verzoeknummer.as_ref().map(|v| format!("Verzoeknummer {v}")),
                Some(format!("Status {}", s.status.status.as_str())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(". "),
        ),
        dekking_in_ruimte: s.globale_locatie.clone(),
        taal: Some(s.taal.clone()),
        events,
        is_onderdeel_van: None,
        bevat_onderdeel: onderdelen,
        heeft_representatie: vec![Verwijzing {
            naam: "overzicht.html".into(),
            identificatie: Some(overzicht_id),
        }],
        aanvullende_metagegevens: aanvullend,
        archiefvormer: archiefvormer.clone(),
        betrokkenen,
        beperking: Some(format!(
            "Bevat wat {} als {} in de Samenwerkruimte mocht inzien; strikt vertrouwelijke (SV) documenten alleen bij volledige toegang.",
            g.organisatie_naam, mijn_toegang
        )),
    });
    let w = bag
        .schrijf(&format!("{data}/{dossier_sidecar}"), dossier_xml.as_bytes())
        .await?;
    teller.bestand(w.grootte, true);

    // tag files
    let payload = bag.payload().to_vec();
    let niet_mdto: Vec<_> = payload
        .iter()
        .filter(|p| !p.pad.ends_with(SIDECAR_IO))
        .collect();
    let inhoud_bytes: u64 = niet_mdto.iter().map(|p| p.grootte).sum();
    let pakbon = pakbon(
        &g,
        &bag_naam,
        &opties.contact_email,
        1 + documenten.len(),
        payload.len(),
        niet_mdto.len(),
        inhoud_bytes,
    );
    let leesmij = format!(
        "Archief van de samenwerking '{}' ({sid}), gemaakt op {tijd} door {} (OIN {}).\n\n\
         Dit is een BagIt 1.0-archief (RFC 8493). De map data/ is een MDTO-aanlevering (MDTO-XML {MDTO_VERSIE}):\n\
         één dossier met per document een eigen map, en bij elk bestand een .bestand.mdto.xml.\n\
         overzicht.html in het dossier toont alles leesbaar in een browser.\n\n\
         Controleren: bagit.py --validate <deze map>\n\
         en per metagegevensbestand: xmllint --noout --schema MDTO-XML1.0.1.xsd <bestand>.mdto.xml\n",
        s.titel, g.organisatie_naam, g.oin
    );
    let mut info: Vec<(&str, String)> = vec![
        ("Source-Organization", g.organisatie_naam.clone()),
        ("Archiefvormer-OIN", g.oin.clone()),
        ("External-Identifier", sid.to_owned()),
        ("External-Description", s.titel.clone()),
        ("Samenwerking-Id", sid.to_owned()),
        ("Samenwerking-Titel", s.titel.clone()),
        ("Samenwerking-Status", s.status.status.as_str().to_owned()),
        ("Bagging-Date", nu.format("%Y-%m-%d").to_string()),
        ("Export-Tijd", tijd.clone()),
        ("MDTO-Versie", MDTO_VERSIE.to_owned()),
        (
            "Bag-Software-Agent",
            format!("swf-client {}", env!("CARGO_PKG_VERSION")),
        ),
    ];
    if let Some(u) = &g.gebruiker {
        info.push(("Contact-Name", u.clone()));
    }
    if let Some(m) = &opties.contact_email {
        info.push(("Contact-Email", m.clone()));
    }
    let tags = [
        ("pakbon.xml", pakbon.into_bytes()),
        ("LEESMIJ.txt", leesmij.into_bytes()),
    ];
    let (pad, zip) = if opties.zip {
        let z = bag.voltooi_zip(&info, &tags, nu, voortgang).await?;
        let gegevens = ZipGegevens {
            sha256: z.sha256,
            grootte: z.grootte,
            sha256_bestand: z.sha256_bestand,
        };
        (z.zip, Some(gegevens))
    } else {
        (bag.voltooi(&info, &tags, voortgang).await?, None)
    };
    Ok(Archief {
        pad,
        gemaakt_op: nu,
        bestanden: payload.len() as u64,
        bytes: payload.iter().map(|p| p.grootte).sum(),
        documenten: documenten.len(),
        historie_opgenomen: g.historie.is_ok(),
        zip,
    })
}

#[allow(clippy::too_many_arguments)]
fn pakbon(
    g: &Gegevens,
    kenmerk: &str,
    email: &Option<String>,
    informatieobjecten: usize,
    bestanden: usize,
    zonder_mdto: usize,
    bytes: u64,
) -> String {
    let mut x = mdto::Xml::default();
    x.ruw(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.open(r#"pakbon xmlns="urn:samenwerkruimte:archief:pakbon:1""#);
    x.blad("kenmerk", kenmerk);
    x.blad("naam", &g.detail.samenwerking.titel);
    x.blad("samenwerkingId", &g.detail.samenwerking.samenwerking_id);
    x.blad("doellocatie", "Nader te bepalen door de ontvanger");
    x.blad("aangemaakt", &xsd_tijd(&g.nu));
    x.open("archiefvormer");
    x.blad("naam", &g.organisatie_naam);
    x.blad("oin", &g.oin);
    x.sluit("archiefvormer");
    x.open("contactpersoon");
    x.blad("naam", g.gebruiker.as_deref().unwrap_or(""));
    x.blad("email", email.as_deref().unwrap_or(""));
    x.sluit("contactpersoon");
    x.blad("mdtoVersie", MDTO_VERSIE);
    x.blad("aantalInformatieobjecten", &informatieobjecten.to_string());
    x.blad("aantalBestanden", &bestanden.to_string());
    x.blad("aantalBestandenZonderMdto", &zonder_mdto.to_string());
    x.blad("omvangInhoudBytes", &bytes.to_string());
    x.blad(
        "sipHash",
        "Niet in het archief zelf: de hash van het geheel (bijv. van een zip) staat ernaast; elk bestand staat met SHA-256 en SHA-512 in manifest-sha256.txt en manifest-sha512.txt.",
    );
    x.blad(
        "opmerkingen",
        "Documenten zijn byte voor byte de originelen uit de Samenwerkruimte (niet geconverteerd). overzicht.html is een leesbare weergave van het dossier; de JSON-bestanden bevatten alle gegevens van de service.",
    );
    x.sluit("pakbon");
    x.into_string()
}
