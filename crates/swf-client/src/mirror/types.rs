//! The mirror's public types: what the sync engine writes and what the app reads.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use swf_domain::{
    Actieverzoek, Bericht, Deelnemer, Document, Notificatie, Oin, Rol, Samenwerking,
    SamenwerkingStatus,
};

/// What [`super::Mirror::open`] found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenReport {
    /// mirror.sqlite was unreadable or from a newer app: it was set aside and recreated empty
    /// (a full sync restores it).
    pub mirror_rebuilt: bool,
    /// Why the mirror was rebuilt.
    pub reason: Option<String>,
    /// Where the old mirror.sqlite went.
    pub mirror_moved_to: Option<PathBuf>,
    /// local.sqlite was corrupt: it was set aside (never deleted) and recreated empty. The
    /// account, settings and read marks are in the set-aside file.
    pub local_rebuilt: bool,
    pub local_reason: Option<String>,
    pub local_moved_to: Option<PathBuf>,
    /// Cached document files without a row that the start-up sweep removed.
    pub documents_swept: usize,
}

/// The sync engine's bookkeeping, stored in the cache (it is only valid together with the rows).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// Change-feed position the rows reflect.
    pub cursor: Option<i64>,
    /// Full-sync progress; its shape belongs to the sync engine.
    pub full_sync: Option<serde_json::Value>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Which service + organisation the cached rows belong to.
    pub account_key: Option<String>,
}

/// What a batch does with the stored full-sync progress.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum FullSyncUpdate {
    #[default]
    Keep,
    Set(serde_json::Value),
    Clear,
}

/// One write to the mirror. Upserts are idempotent: applying the same op twice changes nothing
/// (and the second time reports nothing).
#[derive(Debug, Clone, PartialEq)]
pub enum MirrorOp {
    UpsertSamenwerking(Box<Samenwerking>),
    /// The complete list of deelnemers of a samenwerking; the others are removed.
    ReplaceDeelnemers {
        samenwerking_id: String,
        deelnemers: Vec<Deelnemer>,
    },
    UpsertDocument(Box<Document>),
    /// The complete list of documents of a samenwerking that may be seen; the others are
    /// removed with their cached files.
    ReplaceDocumenten {
        samenwerking_id: String,
        documenten: Vec<Document>,
    },
    /// The id as the feed gives it (a UUID; matched in its lowercase hyphenated form).
    DeleteDocument {
        document_id: String,
    },
    /// `berichten: None` keeps the stored berichten; `Some` replaces them.
    UpsertActieverzoek {
        actieverzoek: Box<Actieverzoek>,
        berichten: Option<Vec<Bericht>>,
    },
    /// The complete list of actieverzoeken of a samenwerking; the others are removed with their
    /// berichten. Stored berichten of the listed ones are kept.
    ReplaceActieverzoeken {
        samenwerking_id: String,
        actieverzoeken: Vec<Actieverzoek>,
    },
    UpsertNotificatie(Box<Notificatie>),
    /// The id as the feed gives it (a UUID; matched in its lowercase hyphenated form).
    DeleteNotificatie {
        notificatie_id: String,
    },
    /// The complete list of notificaties of one samenwerking (`Some`) or of all (`None`).
    ReplaceNotificaties {
        samenwerking_id: Option<String>,
        notificaties: Vec<Notificatie>,
    },
    /// Forget a samenwerking and everything of it, including cached files.
    PurgeSamenwerking {
        samenwerking_id: String,
    },
    /// Purge every samenwerking (and orphan rows) not listed.
    RetainSamenwerkingen {
        ids: Vec<String>,
    },
    /// Drop all cached rows, the cursor, the full-sync progress, last-synced-at, the account key
    /// and the cached files. Local-only state (read marks, settings) stays.
    ClearAll,
}

/// Everything one sync step writes: applied in ONE transaction, state after the ops.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    pub ops: Vec<MirrorOp>,
    /// New feed cursor, set when `Some`.
    pub cursor: Option<i64>,
    pub full_sync: FullSyncUpdate,
    /// Set when `Some`.
    pub synced_at: Option<DateTime<Utc>>,
    /// Set when `Some`.
    pub account_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ChangeKind {
    /// The samenwerking or its overview line (counters, partners) changed.
    Samenwerking,
    /// The deelnemers of these samenwerkingen changed (ids are samenwerking ids).
    Deelnemers,
    Document,
    Actieverzoek,
    Notificatie,
    /// These samenwerkingen are gone from the mirror.
    SamenwerkingVerwijderd,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Change {
    pub kind: ChangeKind,
    /// Sorted, without duplicates.
    pub ids: Vec<String>,
}

/// The notice the app gets per batch (one `entities-changed` event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Changed {
    /// One entry per kind that changed, in [`ChangeKind`] order.
    pub changes: Vec<Change>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The ids of one kind (empty when that kind did not change).
    pub fn ids(&self, kind: ChangeKind) -> &[String] {
        self.changes
            .iter()
            .find(|c| c.kind == kind)
            .map(|c| c.ids.as_slice())
            .unwrap_or(&[])
    }
}

/// Collects changes while a batch is applied.
#[derive(Debug, Default)]
pub(crate) struct ChangeSet(BTreeMap<ChangeKind, BTreeSet<String>>);

impl ChangeSet {
    pub(crate) fn add(&mut self, kind: ChangeKind, id: impl Into<String>) {
        self.0.entry(kind).or_default().insert(id.into());
    }

    pub(crate) fn into_changed(self) -> Changed {
        Changed {
            changes: self
                .0
                .into_iter()
                .filter(|(_, ids)| !ids.is_empty())
                .map(|(kind, ids)| Change {
                    kind,
                    ids: ids.into_iter().collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum StatusFilter {
    #[default]
    Alle,
    /// INITIALISATIE or OPEN.
    Open,
    Gesloten,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverviewFilter {
    /// Whose point of view the counters take; `None` = the stored account's OIN.
    pub mijn_oin: Option<Oin>,
    pub status: StatusFilter,
    /// Case-insensitive part of the titel, verzoeknummer, or a partner's name or OIN.
    pub zoek: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl Default for OverviewFilter {
    fn default() -> Self {
        OverviewFilter {
            mijn_oin: None,
            status: StatusFilter::Alle,
            zoek: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// One line of the overview screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverviewItem {
    pub samenwerking_id: String,
    pub titel: String,
    pub verzoeknummer: Option<String>,
    pub status: SamenwerkingStatus,
    pub mijn_rol: Option<Rol>,
    pub laatst_aangepast: DateTime<Utc>,
    /// Latest change of the samenwerking, its actieverzoeken, documents or notificaties.
    pub laatste_activiteit: DateTime<Utc>,
    /// Names of the other deelnemers, sorted.
    pub partners: Vec<String>,
    /// Actieverzoeken to me that are not finished (not GEWEIGERD, GEREED or INGETROKKEN).
    pub open_inkomend: u32,
    /// Actieverzoeken from me that are not finished.
    pub open_uitgaand: u32,
    pub ongelezen_notificaties: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverviewPage {
    pub items: Vec<OverviewItem>,
    /// Matching samenwerkingen in all pages.
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentItem {
    #[serde(flatten)]
    pub document: Document,
    /// The bytes of this version (same hash) are on this machine.
    pub cached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActieverzoekItem {
    #[serde(flatten)]
    pub actieverzoek: Actieverzoek,
    /// Oldest first.
    pub berichten: Vec<Bericht>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotificatieItem {
    #[serde(flatten)]
    pub notificatie: Notificatie,
    pub gelezen: bool,
}

/// Everything the samenwerking screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SamenwerkingDetail {
    pub samenwerking: Samenwerking,
    /// Initiator first, then by name.
    pub deelnemers: Vec<Deelnemer>,
    /// Most recently changed first.
    pub documenten: Vec<DocumentItem>,
    /// Most recently changed first.
    pub actieverzoeken: Vec<ActieverzoekItem>,
    /// Newest first.
    pub notificaties: Vec<NotificatieItem>,
    pub offline_beschikbaar: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificatieFilter {
    pub samenwerking_id: Option<String>,
    pub alleen_ongelezen: bool,
    pub limit: u32,
    pub offset: u32,
}

impl Default for NotificatieFilter {
    fn default() -> Self {
        NotificatieFilter {
            samenwerking_id: None,
            alleen_ongelezen: false,
            limit: 50,
            offset: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NotificatiePage {
    /// Newest first.
    pub items: Vec<NotificatieItem>,
    pub total: u64,
}

/// Rows per table (tests, `swf status`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorStats {
    pub samenwerkingen: u64,
    pub deelnemers: u64,
    pub documenten: u64,
    pub gecachte_documenten: u64,
    pub actieverzoeken: u64,
    pub berichten: u64,
    pub notificaties: u64,
    /// Local-only: read marks.
    pub gelezen: u64,
    /// Local-only: OS notifications given or left out (dedupe keys claimed).
    pub attenderingen: u64,
}

/// The signed-in account of this installation (no secrets: tokens are in the OS keychain).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Account {
    pub service_url: String,
    pub gebruikersnaam: Option<String>,
    /// The user's human name as the service gives it ("Vera Vergunningverlener"), for display;
    /// `None` for a system token or when the service has not told us (yet).
    pub naam: Option<String>,
    pub oin: Oin,
    pub organisatie_naam: String,
    /// Keep the session in the keychain across restarts.
    pub remember: bool,
}

/// A document's bytes on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedDocument {
    pub path: PathBuf,
    /// Lowercase hex SHA-256 of the file.
    pub sha256: String,
    pub size: u64,
}
