//! Events from the shell to the UI (typed with tauri-specta):
//!
//! - `mirror-gewijzigd` ([`MirrorGewijzigd`]): after every mirror batch; the UI re-reads.
//! - `sync-status` ([`SyncStatusGewijzigd`]): the connection or sync state changed.
//! - `overdracht-voortgang` ([`OverdrachtVoortgang`]): upload/download progress, at most every
//!   100 ms, and a last one with `klaar: true`.
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use swf_client::mirror::Changed;
use swf_client::sync::SyncStatus;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// `mirror-gewijzigd`: what changed in the local copy (the payload is `Changed`).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct MirrorGewijzigd(pub Changed);

/// `sync-status`: the payload is `SyncStatus`.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SyncStatusGewijzigd(pub SyncStatus);

impl Event for SyncStatusGewijzigd {
    const NAME: &'static str = "sync-status";
}

/// `overdracht-voortgang`: progress of one upload or download, named by the `overdrachtId` the
/// UI passed to the command.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, tauri_specta::Event,
)]
#[serde(rename_all = "camelCase")]
pub struct OverdrachtVoortgang {
    pub overdracht_id: String,
    pub bytes: u64,
    /// `null` when the size is not known (the bar is indeterminate).
    pub totaal: Option<u64>,
    pub klaar: bool,
}

/// Emit, logging instead of failing: a lost progress or change notice must not fail a command.
pub fn emit<E, R>(app: &AppHandle<R>, event: E)
where
    E: Event + Serialize + Clone,
    R: Runtime,
{
    if let Err(e) = event.emit(app) {
        tracing::warn!(event = E::NAME, error = %e, "could not send an event to the UI");
    }
}

/// Least time between two progress events of one transfer.
pub const VOORTGANG_INTERVAL: Duration = Duration::from_millis(100);

/// Turns the engine's progress callback into throttled `overdracht-voortgang` events.
pub struct Overdracht<R: Runtime> {
    app: AppHandle<R>,
    id: String,
    stand: Mutex<Stand>,
}

#[derive(Default)]
struct Stand {
    verstuurd: Option<Instant>,
    bytes: u64,
    totaal: Option<u64>,
}

impl<R: Runtime> Overdracht<R> {
    pub fn new(app: AppHandle<R>, overdracht_id: String) -> Self {
        Overdracht {
            app,
            id: overdracht_id,
            stand: Mutex::new(Stand::default()),
        }
    }

    /// The engine's callback: bytes so far and the total when known.
    pub fn melden(&self, bytes: u64, totaal: Option<u64>) {
        let mut s = self.stand.lock().unwrap_or_else(|p| p.into_inner());
        s.bytes = bytes;
        s.totaal = totaal;
        let nu = Instant::now();
        if s.verstuurd
            .is_some_and(|t| nu.duration_since(t) < VOORTGANG_INTERVAL)
        {
            return;
        }
        s.verstuurd = Some(nu);
        self.stuur(&s, false);
    }

    /// The last event (also after a failure, so the UI can remove the bar).
    pub fn klaar(&self) {
        let s = self.stand.lock().unwrap_or_else(|p| p.into_inner());
        self.stuur(&s, true);
    }

    fn stuur(&self, s: &Stand, klaar: bool) {
        emit(
            &self.app,
            OverdrachtVoortgang {
                overdracht_id: self.id.clone(),
                bytes: s.bytes,
                totaal: s.totaal,
                klaar,
            },
        );
    }
}
