//! The five exercises of the practice case (DSO oefencasus "Samenwerkfunctionaliteit",
//! section 6) as a checklist whose steps are ticked by what the learner actually did: derived
//! from what the two roles' mirrors hold and from the few local actions a mirror cannot show
//! (looking at the deelnemers, opening a document, archiving, deleting). Never by a "klaar"
//! button. [`voortgang`] is a pure function; the screen texts (Dutch and English) belong to the
//! UI, keyed by [`Stap::id`].
use crate::mirror::SamenwerkingDetail;
use serde::{Deserialize, Serialize};
use swf_domain::{ActieverzoekStatus, NotificatieType, Privilege, Rol, SamenwerkingStatus};
use uuid::Uuid;

/// The two roles of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum OefenRol {
    /// Starts the samenwerking and asks advice (exercises 1, 3, 5).
    Vergunningverlener,
    /// Is invited and gives advice (exercises 2 and 4).
    Adviseur,
}

/// What the exercises need to know of one samenwerking as one role's mirror holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SamenwerkingFeiten {
    pub id: String,
    pub titel: String,
    pub verzoeknummer: Option<String>,
    pub status: Option<SamenwerkingStatus>,
    /// Active ketenpartners: OIN and privilege.
    pub partners: Vec<(String, Privilege)>,
    /// Actieverzoeken: sender OIN, receiver OIN, status.
    pub actieverzoeken: Vec<(String, String, ActieverzoekStatus)>,
    /// Documents: id, the OIN that added it, and whether it came with the verzoek (placed by
    /// the Omgevingsloket, in the initiator's name).
    pub documenten: Vec<(Uuid, String, bool)>,
    /// Notificaties of this samenwerking: type and whether they were read here.
    pub notificaties: Vec<(NotificatieType, bool)>,
}

impl From<&SamenwerkingDetail> for SamenwerkingFeiten {
    fn from(d: &SamenwerkingDetail) -> Self {
        SamenwerkingFeiten {
            id: d.samenwerking.samenwerking_id.clone(),
            titel: d.samenwerking.titel.clone(),
            verzoeknummer: d.samenwerking.verzoeknummer.clone(),
            status: Some(d.samenwerking.status.status),
            partners: d
                .deelnemers
                .iter()
                .filter(|p| p.rol == Rol::Ketenpartner)
                .map(|p| (p.oin.as_str().to_owned(), p.privilege))
                .collect(),
            actieverzoeken: d
                .actieverzoeken
                .iter()
                .map(|a| {
                    let a = &a.actieverzoek;
                    (
                        a.zender.as_str().to_owned(),
                        a.ontvanger.as_str().to_owned(),
                        a.status,
                    )
                })
                .collect(),
            documenten: d
                .documenten
                .iter()
                .map(|x| {
                    (
                        x.document.document_id,
                        x.document.aangemaakt_door.as_str().to_owned(),
                        x.document.kenmerk_systeem.as_deref() == Some(UIT_VERZOEK),
                    )
                })
                .collect(),
            notificaties: d
                .notificaties
                .iter()
                .map(|n| (n.notificatie.notificatie_type, n.gelezen))
                .collect(),
        }
    }
}

/// An action the learner took that the mirror does not show, recorded locally by the app
/// when it happens (the screen opened, the export written, the delete confirmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "soort",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Handeling {
    /// The samenwerking screen was opened, showing this status.
    SamenwerkingBekeken {
        samenwerking_id: String,
        status: SamenwerkingStatus,
    },
    /// The list of deelnemers was looked at.
    DeelnemersBekeken { samenwerking_id: String },
    /// An actieverzoek was opened (with its documents).
    ActieverzoekBekeken { samenwerking_id: String },
    /// A document was opened or saved.
    DocumentGeopend {
        samenwerking_id: String,
        document_id: Uuid,
    },
    /// The samenwerking was archived (exported) on this machine.
    Gearchiveerd { samenwerking_id: String },
    /// The samenwerking was deleted at the service.
    Verwijderd { samenwerking_id: String },
}

impl Handeling {
    fn samenwerking_id(&self) -> &str {
        match self {
            Handeling::SamenwerkingBekeken {
                samenwerking_id, ..
            }
            | Handeling::DeelnemersBekeken { samenwerking_id }
            | Handeling::ActieverzoekBekeken { samenwerking_id }
            | Handeling::DocumentGeopend {
                samenwerking_id, ..
            }
            | Handeling::Gearchiveerd { samenwerking_id }
            | Handeling::Verwijderd { samenwerking_id } => samenwerking_id,
        }
    }
}

/// An action with the organisation (OIN) that took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Gedaan {
    pub oin: String,
    pub handeling: Handeling,
}

/// Everything the checklist is derived from.
#[derive(Debug, Clone, Copy)]
pub struct Stand<'a> {
    /// The organisation the learner plays the vergunningverlener with.
    pub vergunningverlener: &'a str,
    /// The samenwerking of the exercises as the vergunningverlener's mirror holds it (`None`:
    /// not started yet, or deleted).
    pub bij_vergunningverlener: Option<&'a SamenwerkingFeiten>,
    /// The same samenwerking as the adviser's mirror holds it.
    pub bij_adviseur: Option<&'a SamenwerkingFeiten>,
    /// The samenwerking's id, also once it is deleted (the app remembers which one).
    pub samenwerking_id: Option<&'a str>,
    /// The adviser's organisation (the first ketenpartner invited), once known.
    pub adviseur: Option<&'a str>,
    pub gedaan: &'a [Gedaan],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Stap {
    /// Stable key of the step, e.g. `1.verzoeknummer`: the UI's texts are keyed by it.
    pub id: &'static str,
    pub rol: OefenRol,
    /// The case calls it optional; it does not hold the exercise up.
    pub optioneel: bool,
    pub gedaan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Oefening {
    pub nummer: u8,
    pub rol: OefenRol,
    pub stappen: Vec<Stap>,
    /// Every step that is not optional is done: the reflection questions are next.
    pub klaar: bool,
}

fn stap(id: &'static str, rol: OefenRol, gedaan: bool) -> Stap {
    Stap {
        id,
        rol,
        optioneel: false,
        gedaan,
    }
}

fn optioneel(id: &'static str, rol: OefenRol, gedaan: bool) -> Stap {
    Stap {
        optioneel: true,
        ..stap(id, rol, gedaan)
    }
}

fn oefening(nummer: u8, rol: OefenRol, stappen: Vec<Stap>) -> Oefening {
    let klaar = stappen.iter().all(|s| s.optioneel || s.gedaan);
    Oefening {
        nummer,
        rol,
        stappen,
        klaar,
    }
}

/// The checklist of the five exercises for `stand`.
pub fn voortgang(stand: &Stand<'_>) -> Vec<Oefening> {
    use OefenRol::{Adviseur as A, Vergunningverlener as V};
    let vv = stand.vergunningverlener;
    let ad = stand.adviseur.unwrap_or("");
    let sid = stand.samenwerking_id.unwrap_or("");
    let v = stand.bij_vergunningverlener;
    let a = stand.bij_adviseur;
    let deed = |oin: &str, f: &dyn Fn(&Handeling) -> bool| {
        !oin.is_empty()
            && !sid.is_empty()
            && stand
                .gedaan
                .iter()
                .any(|g| g.oin == oin && g.handeling.samenwerking_id() == sid && f(&g.handeling))
    };
    let verwijderd = deed(vv, &|h| matches!(h, Handeling::Verwijderd { .. })) && v.is_none();
    // once deleted, what was done before stays done: the steps that need the mirror count as
    // done when the later steps are
    let v_has = |f: &dyn Fn(&SamenwerkingFeiten) -> bool| verwijderd || v.is_some_and(f);
    let a_has = |f: &dyn Fn(&SamenwerkingFeiten) -> bool| verwijderd || a.is_some_and(f);

    let gestart = v_has(&|s| !s.titel.trim().is_empty());
    let met_verzoek = v_has(&|s| s.verzoeknummer.is_some());
    let partner = v_has(&|s| s.partners.iter().any(|(o, _)| o == ad));
    let gevraagd = v_has(&|s| {
        s.actieverzoeken
            .iter()
            .any(|(z, o, st)| z == vv && o == ad && *st != ActieverzoekStatus::Ingetrokken)
    });
    // a document the initiator added itself, not one of the verzoek's. The optional steps
    // are read from the mirror only: after a delete nothing shows whether they were done (the
    // app keeps what it saw: [`Logboek::afvinken`])
    let eigen_document = v.is_some_and(|s| {
        s.documenten
            .iter()
            .any(|(_, door, verzoek)| door == vv && !verzoek)
    });
    let ingetrokken = v.is_some_and(|s| {
        s.actieverzoeken
            .iter()
            .any(|(z, _, st)| z == vv && *st == ActieverzoekStatus::Ingetrokken)
    }) && gevraagd;

    let ad_gelezen = a_has(&|s| s.notificaties.iter().any(|(_, g)| *g));
    let ad_deelnemers = deed(ad, &|h| matches!(h, Handeling::DeelnemersBekeken { .. }));
    let ad_verzoek = deed(ad, &|h| matches!(h, Handeling::ActieverzoekBekeken { .. }));
    let advies: Vec<Uuid> = a
        .or(v)
        .map(|s| {
            s.documenten
                .iter()
                .filter(|(_, d, _)| d == ad)
                .map(|(id, _, _)| *id)
                .collect()
        })
        .unwrap_or_default();
    let advies_toegevoegd = !advies.is_empty() || (verwijderd && !ad.is_empty());
    let gereed = a_has(&|s| {
        s.actieverzoeken.iter().any(|(z, o, st)| {
            z == vv
                && o == ad
                && matches!(
                    st,
                    ActieverzoekStatus::Gereedgemeld | ActieverzoekStatus::Gereed
                )
        })
    });

    let vv_gelezen = v_has(&|s| {
        s.notificaties.iter().any(|(t, g)| {
            *g && matches!(
                t,
                NotificatieType::DocumentToegevoegd | NotificatieType::StatusActieverzoekGewijzigd
            )
        })
    });
    let advies_bekeken = deed(
        vv,
        &|h| matches!(h, Handeling::DocumentGeopend { document_id, .. } if advies.contains(document_id)),
    ) || (verwijderd
        && deed(vv, &|h| matches!(h, Handeling::DocumentGeopend { .. })));
    let gesloten = v_has(&|s| s.status == Some(SamenwerkingStatus::Gesloten));

    let ad_gesloten_gezien = deed(ad, &|h| {
        matches!(
            h,
            Handeling::SamenwerkingBekeken {
                status: SamenwerkingStatus::Gesloten,
                ..
            }
        )
    });
    let ad_gearchiveerd = deed(ad, &|h| matches!(h, Handeling::Gearchiveerd { .. }));
    let vv_gearchiveerd = deed(vv, &|h| matches!(h, Handeling::Gearchiveerd { .. }));

    vec![
        oefening(
            1,
            V,
            vec![
                stap("1.naam", V, gestart),
                stap("1.verzoeknummer", V, met_verzoek),
                stap("1.adviseur", V, partner),
                stap("1.toegang", V, partner),
                stap("1.actieverzoek", V, gevraagd),
                optioneel("1.document", V, eigen_document),
                optioneel("1.intrekken", V, ingetrokken),
            ],
        ),
        oefening(
            2,
            A,
            vec![
                stap("2.notificaties", A, ad_gelezen),
                stap("2.deelnemers", A, ad_deelnemers),
                stap("2.adviesverzoek", A, ad_verzoek),
                stap("2.adviesrapport", A, advies_toegevoegd),
                stap("2.gereed", A, gereed),
            ],
        ),
        oefening(
            3,
            V,
            vec![
                stap("3.notificaties", V, vv_gelezen),
                stap("3.advies", V, advies_bekeken),
                stap("3.sluiten", V, gesloten),
            ],
        ),
        oefening(
            4,
            A,
            vec![
                stap("4.gesloten", A, ad_gesloten_gezien),
                stap("4.archiveren", A, ad_gearchiveerd),
            ],
        ),
        oefening(
            5,
            V,
            vec![
                stap("5.archiveren", V, vv_gearchiveerd),
                stap("5.verwijderen", V, verwijderd),
            ],
        ),
    ]
}

/// A demo verzoek of a practice service's simulated Omgevingsloket (`GET
/// /oefenomgeving/verzoeken`), offered in a picker when a samenwerking starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OefenVerzoek {
    pub verzoeknummer: String,
    /// `vergunningaanvraag`, `melding` or `conceptverzoek`.
    pub soort: String,
    /// What the initiatiefnemer asks for: a good title for the samenwerking.
    pub omschrijving: String,
    pub aanvrager: String,
    pub locatie: String,
    /// The file names of the verzoek's documents.
    #[serde(default)]
    pub documenten: Vec<String>,
}

/// The app's local record of one run of the exercises: which samenwerking is the exercises',
/// which organisations play the two roles, the actions a mirror cannot show, and the learner's
/// reflection notes per exercise. Kept by the app in the practice folder; [`Logboek::stand`]
/// gives what [`voortgang`] needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Logboek {
    pub samenwerking_id: Option<String>,
    /// The organisation that started the exercises' samenwerking.
    pub vergunningverlener: Option<String>,
    /// The first ketenpartner invited, once known (kept: after a delete no mirror shows it).
    pub adviseur: Option<String>,
    pub gedaan: Vec<Gedaan>,
    /// The learner's notes after each exercise, by its number.
    pub notities: std::collections::BTreeMap<u8, String>,
    /// Optional steps seen done once (they stay done after the samenwerking is deleted).
    pub afgevinkt: std::collections::BTreeSet<String>,
}

/// More actions than this are not kept (the checklist needs a handful).
pub const MAX_GEDAAN: usize = 1000;

impl Logboek {
    /// A samenwerking was started by `oin`: the first one of a run becomes the exercises'.
    /// Returns whether it did.
    pub fn gestart(&mut self, oin: &str, samenwerking_id: &str) -> bool {
        if self.samenwerking_id.is_some() {
            return false;
        }
        self.samenwerking_id = Some(samenwerking_id.to_owned());
        self.vergunningverlener = Some(oin.to_owned());
        true
    }

    /// Record an action; the same action twice is kept once. Returns whether it was new.
    pub fn vastleggen(&mut self, g: Gedaan) -> bool {
        if self.gedaan.contains(&g) || self.gedaan.len() >= MAX_GEDAAN {
            return false;
        }
        self.gedaan.push(g);
        true
    }

    /// The adviser as the vergunningverlener's mirror shows it (the first ketenpartner), kept
    /// once known. Returns whether it changed.
    pub fn adviseur_bijwerken(
        &mut self,
        bij_vergunningverlener: Option<&SamenwerkingFeiten>,
    ) -> bool {
        if self.adviseur.is_some() {
            return false;
        }
        let Some(oin) = bij_vergunningverlener.and_then(|s| s.partners.first()) else {
            return false;
        };
        self.adviseur = Some(oin.0.clone());
        true
    }

    /// Keep the optional steps that are done now, and show those seen done before as done:
    /// the mirror no longer tells once the samenwerking is deleted. Returns whether the log
    /// changed. The other steps are as [`voortgang`] derives them.
    pub fn afvinken(&mut self, oefeningen: &mut [Oefening]) -> bool {
        let mut nieuw = false;
        for s in oefeningen.iter_mut().flat_map(|o| o.stappen.iter_mut()) {
            if !s.optioneel {
                continue;
            }
            if s.gedaan {
                nieuw |= self.afgevinkt.insert(s.id.to_owned());
            } else if self.afgevinkt.contains(s.id) {
                s.gedaan = true;
            }
        }
        nieuw
    }

    /// What [`voortgang`] derives the checklist from.
    pub fn stand<'a>(
        &'a self,
        bij_vergunningverlener: Option<&'a SamenwerkingFeiten>,
        bij_adviseur: Option<&'a SamenwerkingFeiten>,
    ) -> Stand<'a> {
        Stand {
            vergunningverlener: self.vergunningverlener.as_deref().unwrap_or(""),
            bij_vergunningverlener,
            bij_adviseur,
            samenwerking_id: self.samenwerking_id.as_deref(),
            adviseur: self.adviseur.as_deref(),
            gedaan: &self.gedaan,
        }
    }
}

/// The `kenmerkSysteem` of the documents the Omgevingsloket placed with the verzoek.
pub const UIT_VERZOEK: &str = "DSO_LV";

#[cfg(test)]
#[path = "oefeningen_tests.rs"]
mod tests;
