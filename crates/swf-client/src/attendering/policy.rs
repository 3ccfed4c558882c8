//! Which OS notifications a change gives — pure, no I/O (decision D33 in docs/decisions.md).
//!
//! The policy looks at the *state* the mirror has after a batch, not at events: "this
//! actieverzoek is OPEN, addressed to me, and `nieuw-actieverzoek:<id>:OPEN` was never recorded"
//! is news. Every key it proposes is recorded (claimed) before anything is shown, also when the
//! kind is switched off or the change is old history, so that state never notifies later.
//!
//! | kind | when (as the mirror has it) | key |
//! |---|---|---|
//! | new actieverzoek | `ontvanger` = me, `zender` ≠ me, status OPEN | `nieuw-actieverzoek:<id>:OPEN` |
//! | answer | `zender` = me, `ontvanger` ≠ me, status GEREEDGEMELD or GEWEIGERD | `antwoord:<id>:<status>` |
//! | invitation | my role KETENPARTNER, made by another, still active | `uitnodiging:<sid>:KETENPARTNER` |
//! | closed | status GESLOTEN, last changed by another | `samenwerking-gesloten:<sid>:GESLOTEN` |
//! | deletion planned | notificatie `VERWIJDERING_GEPLAND` not caused by me | `verwijdering-gepland:<nid>:VERWIJDERING_GEPLAND` |
//!
//! Only the other party can make a state in the first two rows, so changes by my own
//! organisation never match them. A sent actieverzoek back IN_BEHANDELING (sent back) releases
//! its GEREEDGEMELD key: the next gereedmelding is news again; a samenwerking gone from the
//! mirror releases its invitation key: being invited again is news again.
use super::{tekst, AttenderingInstellingen, Doel, OsNotificatie, Soort, Taal, Urgentie};
use crate::mirror::{ChangeKind, Changed, Claim};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use swf_domain::{
    Actieverzoek, ActieverzoekStatus, Notificatie, NotificatieType, Oin, Rol, Samenwerking,
    SamenwerkingStatus,
};

/// More notifications than this from one change are shown as one line.
pub const MAX_LOS: usize = 5;
/// How many titles that one line names.
const GENOEMD: usize = 3;

/// A samenwerking as the mirror has it, with my organisation's role in it.
#[derive(Debug, Clone, PartialEq)]
pub struct SamenwerkingInfo {
    pub samenwerking: Samenwerking,
    pub mijn_rol: Option<Rol>,
}

/// What the mirror says about the changed objects and the samenwerkingen they belong to, by
/// id. A changed object missing here is gone from the mirror.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spiegelbeeld {
    pub samenwerkingen: HashMap<String, SamenwerkingInfo>,
    pub actieverzoeken: HashMap<String, Actieverzoek>,
    pub notificaties: HashMap<String, Notificatie>,
}

/// Why the policy looks at these changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aanleiding {
    /// Changes that arrived through the feed (or were found at start-up, applied by another
    /// process): each is news.
    Nieuws,
    /// Old history: the mirror was filled by a (first or renewed, after 410) full sync, or
    /// this installation never recorded anything yet. Recorded silently; at most one summary.
    Geschiedenis,
}

pub struct Invoer<'a> {
    pub changed: &'a Changed,
    pub spiegel: &'a Spiegelbeeld,
    /// My organisation.
    pub mijn_oin: &'a Oin,
    pub instellingen: &'a AttenderingInstellingen,
    pub taal: Taal,
    /// Connected to the built-in practice environment: every title says so.
    pub oefenomgeving: bool,
    pub aanleiding: Aanleiding,
    /// Keys already recorded for the objects in `changed`.
    pub vastgelegd: &'a HashSet<String>,
}

/// One notification the change may give, not recorded before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kandidaat {
    pub soort: Soort,
    pub object_id: String,
    pub status: String,
    /// The notification as it would be shown; `weergave.sleutel` is the dedupe key.
    pub weergave: OsNotificatie,
    /// The user's switch for this kind is on.
    pub aan: bool,
}

impl Kandidaat {
    pub fn sleutel(&self) -> &str {
        &self.weergave.sleutel
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Besluit {
    pub aanleiding: Aanleiding,
    /// Keys to claim, in a stable order (kind, then object).
    pub kandidaten: Vec<Kandidaat>,
    /// Recorded keys to forget first: the object left the status they name.
    pub vrijgeven: Vec<String>,
}

impl Besluit {
    /// What to record: everything proposed; silent unless it may be shown as news.
    pub fn claims(&self) -> Vec<Claim> {
        self.kandidaten
            .iter()
            .map(|k| Claim {
                sleutel: k.sleutel().to_owned(),
                soort: k.soort.as_str().to_owned(),
                object_id: k.object_id.clone(),
                status: k.status.clone(),
                stil: !k.aan || self.aanleiding == Aanleiding::Geschiedenis,
            })
            .collect()
    }
}

pub fn sleutel(soort: Soort, object_id: &str, status: &str) -> String {
    format!("{}:{object_id}:{status}", soort.as_str())
}

/// Decide which notifications the changes in `inv.changed` may give.
pub fn beslis(inv: &Invoer<'_>) -> Besluit {
    let mut kandidaten = Vec::new();
    let mut vrijgeven = Vec::new();
    let mut voeg_toe =
        |soort: Soort, object_id: &str, status: &str, maak: &dyn Fn() -> Weergave| {
            let key = sleutel(soort, object_id, status);
            if inv.vastgelegd.contains(&key) {
                return;
            }
            let w = maak();
            kandidaten.push(Kandidaat {
                soort,
                object_id: object_id.to_owned(),
                status: status.to_owned(),
                weergave: OsNotificatie {
                    sleutel: key,
                    titel: tekst::titel(inv.taal, inv.oefenomgeving, w.titel),
                    tekst: w.tekst,
                    urgentie: w.urgentie,
                    doel: Some(w.doel),
                },
                aan: soort.aan(inv.instellingen),
            });
        };
    let me = inv.mijn_oin;
    let t = inv.taal;
    let titel_van = |sid: &str| {
        inv.spiegel
            .samenwerkingen
            .get(sid)
            .map(|s| s.samenwerking.titel.as_str())
    };

    for id in inv.changed.ids(ChangeKind::Actieverzoek) {
        let Some(a) = inv.spiegel.actieverzoeken.get(id) else {
            continue;
        };
        let doel = || Doel {
            samenwerking_id: a.samenwerking_id.clone(),
            actieverzoek_id: Some(a.actieverzoek_id),
        };
        let sw = titel_van(&a.samenwerking_id);
        if &a.ontvanger == me && &a.zender != me && a.status == ActieverzoekStatus::Open {
            voeg_toe(Soort::NieuwActieverzoek, id, a.status.as_str(), &|| {
                let (titel, tekst) = tekst::nieuw_actieverzoek(t, a, sw);
                Weergave::new(titel, tekst, Urgentie::Hoog, doel())
            });
        }
        if &a.zender == me && &a.ontvanger != me {
            match a.status {
                ActieverzoekStatus::Gereedgemeld | ActieverzoekStatus::Geweigerd => {
                    voeg_toe(Soort::Antwoord, id, a.status.as_str(), &|| {
                        let (titel, tekst) = tekst::antwoord(t, a, sw);
                        Weergave::new(titel, tekst, Urgentie::Normaal, doel())
                    });
                }
                ActieverzoekStatus::InBehandeling => {
                    let k = sleutel(
                        Soort::Antwoord,
                        id,
                        ActieverzoekStatus::Gereedgemeld.as_str(),
                    );
                    if inv.vastgelegd.contains(&k) {
                        vrijgeven.push(k);
                    }
                }
                _ => {}
            }
        }
    }

    let mut samenwerkingen: Vec<&String> = inv
        .changed
        .ids(ChangeKind::Samenwerking)
        .iter()
        .chain(inv.changed.ids(ChangeKind::Deelnemers))
        .collect();
    samenwerkingen.sort();
    samenwerkingen.dedup();
    for sid in samenwerkingen {
        let Some(info) = inv.spiegel.samenwerkingen.get(sid) else {
            continue;
        };
        let s = &info.samenwerking;
        let doel = || Doel {
            samenwerking_id: sid.clone(),
            actieverzoek_id: None,
        };
        if info.mijn_rol == Some(Rol::Ketenpartner)
            && &s.aangemaakt_door != me
            && s.status.status.is_active()
        {
            voeg_toe(Soort::Uitnodiging, sid, Rol::Ketenpartner.as_str(), &|| {
                let (titel, tekst) = tekst::uitnodiging(t, s);
                Weergave::new(titel, tekst, Urgentie::Normaal, doel())
            });
        }
        if s.status.status == SamenwerkingStatus::Gesloten && &s.laatst_aangepast_door != me {
            voeg_toe(
                Soort::SamenwerkingGesloten,
                sid,
                SamenwerkingStatus::Gesloten.as_str(),
                &|| {
                    let (titel, tekst) = tekst::gesloten(t, s);
                    Weergave::new(titel, tekst, Urgentie::Normaal, doel())
                },
            );
        }
    }

    // gone from the mirror (removed as deelnemer, or deleted): a new invitation is news again
    for sid in inv.changed.ids(ChangeKind::SamenwerkingVerwijderd) {
        let k = sleutel(Soort::Uitnodiging, sid, Rol::Ketenpartner.as_str());
        if !inv.spiegel.samenwerkingen.contains_key(sid) && inv.vastgelegd.contains(&k) {
            vrijgeven.push(k);
        }
    }

    for id in inv.changed.ids(ChangeKind::Notificatie) {
        let Some(n) = inv.spiegel.notificaties.get(id) else {
            continue;
        };
        if n.notificatie_type != NotificatieType::VerwijderingGepland || &n.event_initiator == me {
            continue;
        }
        let info = inv.spiegel.samenwerkingen.get(&n.samenwerking_id);
        let naam = info
            .map(|s| s.samenwerking.titel.clone())
            .or_else(|| text_property(n, "samenwerkingNaam"))
            .unwrap_or_default();
        let op = text_property(n, "verwijderDatum")
            .and_then(|d| DateTime::parse_from_rfc3339(&d).ok())
            .map(|d| d.with_timezone(&Utc))
            .or_else(|| info.and_then(|s| s.samenwerking.verwijder_datum_tijd));
        voeg_toe(
            Soort::VerwijderingGepland,
            id,
            NotificatieType::VerwijderingGepland.as_str(),
            &|| {
                let (titel, tekst) = tekst::verwijdering_gepland(t, &naam, op.as_ref());
                let doel = Doel {
                    samenwerking_id: n.samenwerking_id.clone(),
                    actieverzoek_id: None,
                };
                Weergave::new(titel, tekst, Urgentie::Normaal, doel)
            },
        );
    }

    kandidaten.sort_by(|a, b| (a.soort, &a.object_id).cmp(&(b.soort, &b.object_id)));
    Besluit {
        aanleiding: inv.aanleiding,
        kandidaten,
        vrijgeven,
    }
}

/// What to show of news whose keys this process claimed (`gewonnen`): each switched-on
/// notification on its own, or — more than [`MAX_LOS`] at once — one line with the count.
pub fn te_tonen(gewonnen: &[Kandidaat], taal: Taal, oefenomgeving: bool) -> Vec<OsNotificatie> {
    let aan: Vec<&Kandidaat> = gewonnen.iter().filter(|k| k.aan).collect();
    if aan.len() <= MAX_LOS {
        return aan.into_iter().map(|k| k.weergave.clone()).collect();
    }
    let titels: Vec<&str> = aan.iter().map(|k| k.weergave.titel.as_str()).collect();
    let (titel, tekst) = tekst::gebundeld(taal, &titels, GENOEMD);
    let urgentie = if aan.iter().any(|k| k.weergave.urgentie == Urgentie::Hoog) {
        Urgentie::Hoog
    } else {
        Urgentie::Normaal
    };
    vec![OsNotificatie {
        sleutel: format!("samenvatting:nieuws:{}", aan.len()),
        titel: tekst::titel(taal, oefenomgeving, titel),
        tekst,
        urgentie,
        doel: None,
    }]
}

/// The one line for old history whose keys this process claimed: how many new actieverzoeken
/// wait for my organisation ("3 actieverzoeken wachten op u"); nothing when none do or that
/// kind is switched off.
pub fn samenvatting(
    gewonnen: &[Kandidaat],
    taal: Taal,
    oefenomgeving: bool,
) -> Option<OsNotificatie> {
    let wachtend: Vec<&Kandidaat> = gewonnen
        .iter()
        .filter(|k| k.aan && k.soort == Soort::NieuwActieverzoek)
        .collect();
    let n = wachtend.len();
    if n == 0 {
        return None;
    }
    let (titel, tekst) = tekst::samenvatting(taal, n);
    Some(OsNotificatie {
        sleutel: format!("samenvatting:geschiedenis:{n}"),
        titel: tekst::titel(taal, oefenomgeving, titel),
        tekst,
        urgentie: Urgentie::Normaal,
        // one: open it; several: the overview lists them first
        doel: if n == 1 {
            wachtend[0].weergave.doel.clone()
        } else {
            None
        },
    })
}

struct Weergave {
    titel: String,
    tekst: String,
    urgentie: Urgentie,
    doel: Doel,
}

impl Weergave {
    fn new(titel: String, tekst: String, urgentie: Urgentie, doel: Doel) -> Weergave {
        Weergave {
            titel,
            tekst,
            urgentie,
            doel,
        }
    }
}

fn text_property(n: &Notificatie, key: &str) -> Option<String> {
    n.properties
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
