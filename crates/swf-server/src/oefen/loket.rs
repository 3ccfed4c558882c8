//! The seam to the Omgevingsloket (DSO-LV): where a samenwerking started with a verzoeknummer
//! gets its verzoek from.
//!
//! The service asks an [`Omgevingsloket`] twice:
//! 1. when a samenwerking is started with a verzoeknummer ([`Omgevingsloket::zoek`]): an
//!    unknown number is refused there and then, as DSO refuses it, so no samenwerking waits in
//!    INITIALISATIE for a verzoek that will never come;
//! 2. when the background job finishes the retrieval (INITIALISATIE → OPEN,
//!    [`Omgevingsloket::documenten`]): the verzoek's documents are placed in the dossier and
//!    the deelnemers get `VERZOEK_OPHALEN_GESLAAGD`.
//!
//! Two implementations exist:
//! - [`NietGekoppeld`] (a service without a connection, the default): every number is accepted
//!   and the verzoek is "placed" without documents, as the service always did;
//! - [`Gesimuleerd`] (the practice service, `--oefenomgeving`): three demo verzoeken in code
//!   with generated PDF documents.
//!
//! A real connection (STAM: the trigger "verzoek ingediend" and the retrieval of the verzoek
//! with its bijlagen from DSO-LV, over PKIoverheid mutual TLS) implements the same trait: `zoek`
//! asks DSO-LV whether the verzoek exists for the caller's organisation, `documenten` fetches
//! the verzoekbestanden, and an error (DSO-LV unreachable) leaves the samenwerking in
//! INITIALISATIE so the next run of the job tries again. `verzoeken` (the practice picker)
//! returns nothing for it.
use super::pdf::pdf;
use async_trait::async_trait;
use serde::Serialize;
use swf_domain::Vertrouwelijkheid;

/// A verzoek as the Omgevingsloket describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verzoek {
    pub verzoeknummer: String,
    /// `vergunningaanvraag`, `melding` or `conceptverzoek`.
    pub soort: String,
    /// What the initiatiefnemer asks for; a good title for the samenwerking.
    pub omschrijving: String,
    pub aanvrager: String,
    pub locatie: String,
    /// The documents' file names, in the order they are placed in the dossier.
    pub documenten: Vec<String>,
}

/// One document of a verzoek, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerzoekDocument {
    pub bestandsnaam: String,
    pub omschrijving: String,
    pub vertrouwelijkheid: Vertrouwelijkheid,
    pub formaat: String,
    pub inhoud: Vec<u8>,
}

/// What the Omgevingsloket says about a verzoeknummer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opzoeken {
    Gevonden(Verzoek),
    /// The Omgevingsloket does not know this verzoek.
    Onbekend,
    /// No Omgevingsloket is connected: the number is taken as given.
    NietGekoppeld,
}

#[derive(Debug, thiserror::Error)]
#[error("het Omgevingsloket is niet bereikbaar: {0}")]
pub struct LoketFout(pub String);

#[async_trait]
pub trait Omgevingsloket: Send + Sync + 'static {
    /// Look a verzoek up by its verzoeknummer (at the start of a samenwerking).
    async fn zoek(&self, verzoeknummer: &str) -> Result<Opzoeken, LoketFout>;
    /// The verzoek's documents, to place in the dossier (empty when none are known).
    async fn documenten(&self, verzoeknummer: &str) -> Result<Vec<VerzoekDocument>, LoketFout>;
    /// The verzoeken a learner may choose from (practice only; empty otherwise).
    async fn verzoeken(&self) -> Result<Vec<Verzoek>, LoketFout>;
}

/// No Omgevingsloket connected: the behaviour of a service without STAM.
pub struct NietGekoppeld;

#[async_trait]
impl Omgevingsloket for NietGekoppeld {
    async fn zoek(&self, _verzoeknummer: &str) -> Result<Opzoeken, LoketFout> {
        Ok(Opzoeken::NietGekoppeld)
    }
    async fn documenten(&self, _verzoeknummer: &str) -> Result<Vec<VerzoekDocument>, LoketFout> {
        Ok(Vec::new())
    }
    async fn verzoeken(&self) -> Result<Vec<Verzoek>, LoketFout> {
        Ok(Vec::new())
    }
}

/// The simulated Omgevingsloket of the practice service: [`DEMO_VERZOEKEN`].
pub struct Gesimuleerd;

#[async_trait]
impl Omgevingsloket for Gesimuleerd {
    async fn zoek(&self, verzoeknummer: &str) -> Result<Opzoeken, LoketFout> {
        Ok(match demo(verzoeknummer) {
            Some(d) => Opzoeken::Gevonden(d.verzoek()),
            None => Opzoeken::Onbekend,
        })
    }
    async fn documenten(&self, verzoeknummer: &str) -> Result<Vec<VerzoekDocument>, LoketFout> {
        Ok(demo(verzoeknummer)
            .map(DemoVerzoek::documenten)
            .unwrap_or_default())
    }
    async fn verzoeken(&self) -> Result<Vec<Verzoek>, LoketFout> {
        Ok(DEMO_VERZOEKEN.iter().map(DemoVerzoek::verzoek).collect())
    }
}

/// A demo verzoek: its facts and its documents as (file name, description, confidential,
/// lines of text).
pub struct DemoVerzoek {
    pub verzoeknummer: &'static str,
    pub soort: &'static str,
    pub omschrijving: &'static str,
    pub aanvrager: &'static str,
    pub locatie: &'static str,
    pub documenten: &'static [(&'static str, &'static str, bool, &'static [&'static str])],
}

/// The three demo verzoeken: a vergunningaanvraag, a melding and a conceptverzoek. The
/// numbers follow DSO's form (13 digits, date first) in the year 2099, so they cannot be
/// mistaken for real ones.
pub const DEMO_VERZOEKEN: &[DemoVerzoek] = &[
    DemoVerzoek {
        verzoeknummer: "2099010100001",
        soort: "vergunningaanvraag",
        omschrijving: "Dakopbouw en brandveilig gebruik Kerkstraat 1",
        aanvrager: "J. de Vries",
        locatie: "Kerkstraat 1, Oefenburg",
        documenten: &[
            (
                "aanvraagformulier-2099010100001.pdf",
                "Aanvraagformulier omgevingsvergunning",
                true,
                &[
                    "Verzoeknummer: 2099010100001",
                    "Aanvrager: J. de Vries, Kerkstraat 1, Oefenburg",
                    "Telefoon: 06-00000000 (fictief)",
                    "Activiteiten: bouwen (dakopbouw), brandveilig gebruik",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
            (
                "bouwtekening-dakopbouw.pdf",
                "Bouwtekening dakopbouw",
                false,
                &[
                    "Plattegrond en doorsnede dakopbouw, schaal 1:100",
                    "Vluchtroute via trappenhuis, 2 rookmelders per verdieping",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
        ],
    },
    DemoVerzoek {
        verzoeknummer: "2099010100002",
        soort: "melding",
        omschrijving: "Melding lozen van bemalingswater Dijkweg 12",
        aanvrager: "Bouwbedrijf Oefenbouw B.V.",
        locatie: "Dijkweg 12, Oefenburg",
        documenten: &[
            (
                "meldingsformulier-2099010100002.pdf",
                "Meldingsformulier lozen bemalingswater",
                false,
                &[
                    "Verzoeknummer: 2099010100002",
                    "Melder: Bouwbedrijf Oefenbouw B.V.",
                    "Activiteit: lozen van grondwater bij bemaling, 30 m3 per uur, 6 weken",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
            (
                "situatietekening-bemaling.pdf",
                "Situatietekening bemaling en lozingspunt",
                false,
                &[
                    "Lozingspunt: sloot langs de Dijkweg, peilgebied Oefenwaard-Noord",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
        ],
    },
    DemoVerzoek {
        verzoeknummer: "2099010100003",
        soort: "conceptverzoek",
        omschrijving: "Conceptverzoek zonnepark Oefenpolder",
        aanvrager: "Zonnepark Oefenpolder B.V.",
        locatie: "Polderweg ong., Oefenburg",
        documenten: &[
            (
                "conceptverzoek-2099010100003.pdf",
                "Conceptverzoek met schets van het initiatief",
                false,
                &[
                    "Verzoeknummer: 2099010100003",
                    "Initiatief: zonnepark van 12 hectare met trafostation",
                    "Vraag: past dit binnen het omgevingsplan, welke vergunningen zijn nodig?",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
            (
                "bedrijfsgegevens-zonnepark.pdf",
                "Bedrijfsgegevens en financiering (vertrouwelijk)",
                true,
                &[
                    "Investering en financiering: bedrijfsgevoelig",
                    "Contactpersoon: P. Jansen (fictief)",
                    "Dit is een oefendocument van de Oefenomgeving.",
                ],
            ),
        ],
    },
];

/// The demo verzoek with this number.
pub fn demo(verzoeknummer: &str) -> Option<&'static DemoVerzoek> {
    DEMO_VERZOEKEN
        .iter()
        .find(|d| d.verzoeknummer == verzoeknummer.trim())
}

impl DemoVerzoek {
    pub fn verzoek(&self) -> Verzoek {
        Verzoek {
            verzoeknummer: self.verzoeknummer.into(),
            soort: self.soort.into(),
            omschrijving: self.omschrijving.into(),
            aanvrager: self.aanvrager.into(),
            locatie: self.locatie.into(),
            documenten: self.documenten.iter().map(|d| d.0.to_owned()).collect(),
        }
    }

    /// The documents, generated: the same bytes every time.
    pub fn documenten(&self) -> Vec<VerzoekDocument> {
        self.documenten
            .iter()
            .map(
                |(naam, omschrijving, vertrouwelijk, regels)| VerzoekDocument {
                    bestandsnaam: (*naam).into(),
                    omschrijving: (*omschrijving).into(),
                    vertrouwelijkheid: if *vertrouwelijk {
                        Vertrouwelijkheid::Sv
                    } else {
                        Vertrouwelijkheid::Rv
                    },
                    formaat: "application/pdf".into(),
                    inhoud: pdf(omschrijving, regels),
                },
            )
            .collect()
    }
}
