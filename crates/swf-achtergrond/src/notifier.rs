//! The desktop's [`Notifier`]: notify-rust over the session bus (org.freedesktop.Notifications).
//!
//! - title and body come from the engine, already in the user's language;
//! - a new actieverzoek (urgency high) is `critical`, an answer `normal`, the rest `low`;
//! - where the notification service announces the `actions` capability, the notification
//!   carries "Openen" (also the default action, a click on it), which calls `open` with the
//!   notification's target; a thread waits for that answer until the notification is closed,
//!   at most [`MAX_WACHTERS`] at a time (beyond that the notification has no action);
//! - no session bus, or nobody owning org.freedesktop.Notifications, is
//!   [`NotifierFout::GeenDienst`]; anything else [`NotifierFout::Mislukt`]. The engine's runner
//!   logs it, shows an in-app message instead, and never tries the same notification again.
//!
//! On Windows and macOS (where the app stays in the background itself, D52) notify-rust has no
//! capabilities query and no notification id: notifications there carry no "Openen" action, and
//! on macOS no urgency (notify-rust offers it only with a preview feature).
#[cfg(not(target_os = "macos"))]
use notify_rust::Urgency;
use notify_rust::{Notification, Timeout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use swf_client::attendering::{Doel, Notifier, NotifierFout, OsNotificatie, Urgentie};

/// The app name the notification service shows (and dunst logs as `appname`).
pub const APP_NAAM: &str = "Samenwerkruimte";
/// The id of the "Openen" action.
pub const ACTIE_OPENEN: &str = "openen";
/// At most this many notifications wait for a click on "Openen" at once.
pub const MAX_WACHTERS: usize = 32;

type Openen = Arc<dyn Fn(Doel) + Send + Sync>;

pub struct OsNotifier {
    // called from the thread that waits for "Openen", which exists only on the D-Bus desktops
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    open: Openen,
    /// Whether the service supports actions, once it has answered.
    acties: Mutex<Option<bool>>,
    wachters: Arc<AtomicUsize>,
}

impl OsNotifier {
    /// `open` runs (on a waiting thread) when the user clicks "Openen".
    pub fn new(open: impl Fn(Doel) + Send + Sync + 'static) -> OsNotifier {
        OsNotifier {
            open: Arc::new(open),
            acties: Mutex::new(None),
            wachters: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place for one more thread waiting for "Openen", if under [`MAX_WACHTERS`].
    fn reserveer(&self) -> bool {
        self.wachters
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MAX_WACHTERS).then_some(n + 1)
            })
            .is_ok()
    }

    fn acties(&self) -> bool {
        let mut a = self.acties.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = *a {
            return v;
        }
        match capabilities() {
            Ok(caps) => {
                let v = caps.iter().any(|c| c == "actions");
                tracing::info!(capabilities = ?caps, "the notification service answered");
                *a = Some(v);
                v
            }
            // not remembered: the service may come later
            Err(_) => false,
        }
    }
}

/// What the notification service can do, as it announces it (the D-Bus desktops).
#[cfg(all(unix, not(target_os = "macos")))]
fn capabilities() -> Result<Vec<String>, notify_rust::error::Error> {
    notify_rust::get_capabilities()
}

/// Elsewhere nothing is asked: no actions.
#[cfg(not(all(unix, not(target_os = "macos"))))]
fn capabilities() -> Result<Vec<String>, ()> {
    Err(())
}

/// Whether a notify-rust error means "there is no notification service here" (no session bus,
/// or no daemon owning the name), as opposed to one notification failing.
pub fn geen_dienst(fout: &str) -> bool {
    let f = fout.to_ascii_lowercase();
    [
        "serviceunknown",
        "namehasnoowner",
        "not provided by any .service",
        "no such file",
        "notfound",
        "not found",
        "connection refused",
        "address",
        "handshake",
    ]
    .iter()
    .any(|s| f.contains(s))
}

#[cfg(not(target_os = "macos"))]
pub fn urgency(u: Urgentie) -> Urgency {
    match u {
        Urgentie::Hoog => Urgency::Critical,
        Urgentie::Normaal => Urgency::Normal,
        Urgentie::Laag => Urgency::Low,
    }
}

impl Notifier for OsNotifier {
    fn toon(&self, n: &OsNotificatie) -> Result<(), NotifierFout> {
        let mut melding = Notification::new();
        melding
            .appname(APP_NAAM)
            .summary(&n.titel)
            .body(&n.tekst)
            .icon("samenwerkruimte")
            .timeout(Timeout::Default);
        #[cfg(not(target_os = "macos"))]
        melding.urgency(urgency(n.urgentie));
        let doel = n.doel.clone();
        let wachten = doel.is_some() && self.acties() && self.reserveer();
        if wachten {
            melding
                .action("default", "Openen")
                .action(ACTIE_OPENEN, "Openen");
        }
        let handle = match melding.show() {
            Ok(h) => h,
            Err(e) => {
                if wachten {
                    self.wachters.fetch_sub(1, Ordering::SeqCst);
                }
                let tekst = e.to_string();
                return Err(if geen_dienst(&tekst) {
                    NotifierFout::GeenDienst(tekst)
                } else {
                    NotifierFout::Mislukt(tekst)
                });
            }
        };
        #[cfg(all(unix, not(target_os = "macos")))]
        tracing::debug!(id = handle.id(), sleutel = %n.sleutel, "notification shown");
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        tracing::debug!(sleutel = %n.sleutel, "notification shown");
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let _ = (handle, doel, wachten); // no actions there (capabilities() is empty)
        #[cfg(all(unix, not(target_os = "macos")))]
        if let (true, Some(doel)) = (wachten, doel) {
            let open = Arc::clone(&self.open);
            let wachters = Arc::clone(&self.wachters);
            let gestart = std::thread::Builder::new()
                .name("melding-openen".into())
                .spawn(move || {
                    handle.wait_for_action(|actie| {
                        if actie == ACTIE_OPENEN || actie == "default" {
                            open(doel);
                        }
                    });
                    wachters.fetch_sub(1, Ordering::SeqCst);
                });
            if let Err(e) = gestart {
                self.wachters.fetch_sub(1, Ordering::SeqCst);
                tracing::warn!(error = %e, "no thread to wait for Openen");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_bus_or_daemon_is_no_service_anything_else_a_failure() {
        assert!(geen_dienst(
            "Zbus(MethodError(OwnedErrorName(\"org.freedesktop.DBus.Error.ServiceUnknown\"), \
             Some(\"The name org.freedesktop.Notifications was not provided by any .service files\")))"
        ));
        assert!(geen_dienst(
            "Zbus(InputOutput(Os { code: 2, kind: NotFound, message: \"No such file or directory\" }))"
        ));
        assert!(geen_dienst("org.freedesktop.DBus.Error.NameHasNoOwner"));
        assert!(!geen_dienst(
            "Zbus(MethodError(\"org.freedesktop.DBus.Error.NoReply\"))"
        ));
    }

    #[test]
    #[cfg(not(target_os = "macos"))]
    fn action_requests_are_urgent() {
        assert_eq!(urgency(Urgentie::Hoog), Urgency::Critical);
        assert_eq!(urgency(Urgentie::Normaal), Urgency::Normal);
        assert_eq!(urgency(Urgentie::Laag), Urgency::Low);
    }
}
