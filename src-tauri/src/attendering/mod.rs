//! OS notifications in the shell (issue 13; the policy and the runner are the engine's,
//! `swf_client::attendering`, decision D33).
//!
//! - [`notifier::OsNotifier`]: the desktop's notifier (notify-rust), with "Openen";
//! - [`starten`]: for every engine session the app runs, the engine's runner with that notifier,
//!   and a task that tells the UI whether the desktop shows notifications and how many in-app
//!   messages wait (`attendering-gewijzigd`);
//! - [`openen`]: what "Openen" does, from a notification, the tray or the
//!   `actieverzoek_openen` command (one path): the window comes up (built again when background
//!   mode destroyed it) and the UI is asked to show the target (`openen-gevraagd`; the UI takes
//!   it with `te_openen`, so a window that is still loading gets it too).
pub mod commands;
/// The desktop's notifier, shared with the background process (`swf_achtergrond`, D52).
pub use swf_achtergrond::notifier;

use crate::events;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use swf_client::attendering::{Attendering, AttenderingConfig, Doel, InAppMessages, Notifier};
use swf_client::sync::Engine;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// `attendering-gewijzigd`: whether the desktop shows notifications, and how many in-app
/// messages wait (taken with `attendering_berichten`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct AttenderingGewijzigd {
    /// `false`: this session has no notification service; Instellingen says so and the app
    /// shows its own messages.
    pub beschikbaar: bool,
    pub wachtend: u32,
}

/// `openen-gevraagd`: show [`Doel`] (also waiting for `te_openen`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct OpenenGevraagd {
    pub doel: Option<Doel>,
}

/// The running session's notifications, as far as the commands need them.
struct Lopend {
    beschikbaar: watch::Receiver<bool>,
    messages: InAppMessages,
}

/// Managed state of this module (see [`beheren`]).
#[derive(Default)]
pub struct Attenderingen {
    lopend: Mutex<Option<Arc<Lopend>>>,
    /// What "Openen" asked for and the UI did not take yet.
    te_openen: Mutex<Option<Doel>>,
    /// Instead of the OS notifier (tests).
    notifier: Option<Arc<dyn Notifier>>,
}

impl Attenderingen {
    /// With `notifier` instead of the desktop's (tests).
    pub fn met_notifier(notifier: Arc<dyn Notifier>) -> Attenderingen {
        Attenderingen {
            notifier: Some(notifier),
            ..Attenderingen::default()
        }
    }

    fn lopend(&self) -> Option<Arc<Lopend>> {
        self.lopend
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn status(&self) -> AttenderingGewijzigd {
        match self.lopend() {
            Some(l) => AttenderingGewijzigd {
                beschikbaar: *l.beschikbaar.borrow(),
                // the count, not `pending()`: reading must not wake the watchers
                wachtend: u32::try_from(*l.messages.watch().borrow()).unwrap_or(u32::MAX),
            },
            None => AttenderingGewijzigd {
                beschikbaar: true,
                wachtend: 0,
            },
        }
    }

    /// Take the in-app messages that wait.
    pub fn berichten(&self) -> Vec<swf_client::attendering::OsNotificatie> {
        self.lopend().map(|l| l.messages.take()).unwrap_or_default()
    }

    pub fn te_openen(&self) -> Option<Doel> {
        self.te_openen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// Manage this module's state (call once, in `init`), unless the caller managed its own.
pub fn beheren<R: Runtime>(app: &AppHandle<R>) {
    if app.try_state::<Attenderingen>().is_none() {
        app.manage(Attenderingen::default());
    }
}

/// Start the notifications of one engine session; they end with `stop` (and when the returned
/// runner is dropped).
pub fn starten<R: Runtime>(
    app: &AppHandle<R>,
    engine: &Engine,
    oefenomgeving: bool,
    stop: CancellationToken,
) -> Option<Attendering> {
    let staat = app.try_state::<Attenderingen>()?;
    let notifier: Arc<dyn Notifier> = match &staat.notifier {
        Some(n) => Arc::clone(n),
        None => {
            let a = app.clone();
            Arc::new(notifier::OsNotifier::new(move |doel| {
                openen(&a, Some(doel))
            }))
        }
    };
    let att = Attendering::start(
        engine,
        notifier,
        AttenderingConfig {
            oefenomgeving,
            ..AttenderingConfig::default()
        },
    );
    let lopend = Arc::new(Lopend {
        beschikbaar: att.beschikbaar(),
        messages: att.messages().clone(),
    });
    *staat.lopend.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&lopend));

    crate::tray::volgen(app, engine, stop.clone());

    // availability and waiting messages → attendering-gewijzigd
    let a = app.clone();
    let mut beschikbaar = att.beschikbaar();
    let mut wachtend = att.messages().watch();
    tauri::async_runtime::spawn(async move {
        loop {
            if let Some(s) = a.try_state::<Attenderingen>() {
                events::emit(&a, s.status());
            }
            tokio::select! {
                _ = stop.cancelled() => break,
                r = beschikbaar.changed() => if r.is_err() { break },
                r = wachtend.changed() => if r.is_err() { break },
            }
        }
        // signed out or replaced: this session's messages are not shown to the next one
        if let Some(s) = a.try_state::<Attenderingen>() {
            let mut l = s.lopend.lock().unwrap_or_else(|e| e.into_inner());
            if l.as_ref().is_some_and(|x| Arc::ptr_eq(x, &lopend)) {
                *l = None;
            }
        }
    });
    Some(att)
}

/// "Openen": bring the window up (or build it again) and ask the UI to show `doel`.
pub fn openen<R: Runtime>(app: &AppHandle<R>, doel: Option<Doel>) {
    tracing::info!(?doel, "Openen");
    if let Some(s) = app.try_state::<Attenderingen>() {
        *s.te_openen.lock().unwrap_or_else(|e| e.into_inner()) = doel.clone();
    }
    crate::venster::tonen_of_loggen(app);
    events::emit(app, OpenenGevraagd { doel });
}
