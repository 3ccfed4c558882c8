//! Attendering: telling the user through the operating system that something waits for them
//! (a new actieverzoek, an answer, an invitation, a closed samenwerking, a planned deletion).
//!
//! - [`policy`]: pure — from the sync engine's change notice, what the mirror says about the
//!   changed objects, my OIN, the user's switches and what was already recorded, which
//!   notifications to give. Decision D33 in `docs/decisions.md` has the table.
//! - [`Notifier`]: how a notification reaches the desktop (the shell provides the OS one; tests
//!   a recording one).
//! - [`Attendering`]: the runner — follows the engine's batches, runs the policy, claims the
//!   dedupe keys in the local database, then delivers; when the desktop has no notification
//!   service it says so ([`Attendering::beschikbaar`]) and queues in-app messages instead.
mod bron;
mod notifier;
pub mod policy;
mod runner;
mod tekst;

pub use crate::instellingen::{AttenderingInstellingen, Taal};
pub use notifier::{InAppMessages, Notifier, NotifierFout};
pub use runner::{Attendering, AttenderingConfig};

use serde::Serialize;
use uuid::Uuid;

/// The kinds of OS notification; each can be switched off in Instellingen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Soort {
    /// A new actieverzoek addressed to my organisation.
    NieuwActieverzoek,
    /// GEREEDGEMELD or GEWEIGERD on an actieverzoek my organisation sent.
    Antwoord,
    /// My organisation was invited to a samenwerking.
    Uitnodiging,
    /// A samenwerking my organisation takes part in was closed.
    SamenwerkingGesloten,
    /// The deletion of a samenwerking was announced (`VERWIJDERING_GEPLAND`).
    VerwijderingGepland,
}

impl Soort {
    pub const ALL: [Soort; 5] = [
        Soort::NieuwActieverzoek,
        Soort::Antwoord,
        Soort::Uitnodiging,
        Soort::SamenwerkingGesloten,
        Soort::VerwijderingGepland,
    ];

    /// The first part of a dedupe key.
    pub fn as_str(self) -> &'static str {
        match self {
            Soort::NieuwActieverzoek => "nieuw-actieverzoek",
            Soort::Antwoord => "antwoord",
            Soort::Uitnodiging => "uitnodiging",
            Soort::SamenwerkingGesloten => "samenwerking-gesloten",
            Soort::VerwijderingGepland => "verwijdering-gepland",
        }
    }

    /// Whether the user's switch for this kind is on.
    pub fn aan(self, i: &AttenderingInstellingen) -> bool {
        match self {
            Soort::NieuwActieverzoek => i.nieuw_actieverzoek,
            Soort::Antwoord => i.antwoord,
            Soort::Uitnodiging => i.uitnodiging,
            Soort::SamenwerkingGesloten => i.samenwerking_gesloten,
            Soort::VerwijderingGepland => i.verwijdering_gepland,
        }
    }
}

/// How insistent the desktop should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Urgentie {
    Laag,
    Normaal,
    /// Someone waits for my organisation (a new actieverzoek).
    Hoog,
}

/// What "Openen" opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Doel {
    pub samenwerking_id: String,
    /// The actieverzoek to show within it, if the notification is about one.
    pub actieverzoek_id: Option<Uuid>,
}

/// One notification for the desktop, already in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OsNotificatie {
    /// The dedupe key: `<soort>:<object id>:<status>`; a summary has `samenvatting:…`.
    pub sleutel: String,
    pub titel: String,
    pub tekst: String,
    pub urgentie: Urgentie,
    /// What "Openen" opens; `None` for a summary of several (the overview).
    pub doel: Option<Doel>,
}
