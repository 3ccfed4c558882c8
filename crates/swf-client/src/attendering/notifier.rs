//! How a notification reaches the user: the [`Notifier`] the shell provides (the OS one), and
//! the in-app messages shown instead when the desktop has no notification service.
use super::OsNotificatie;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Shows one notification on the desktop. Called off the async worker threads (it may block
/// on D-Bus); each notification is offered once, never retried.
pub trait Notifier: Send + Sync {
    fn toon(&self, n: &OsNotificatie) -> Result<(), NotifierFout>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifierFout {
    /// This session has no notification service (no daemon on the session bus, no
    /// permission): the app says so once and shows its own messages instead.
    #[error("deze sessie heeft geen dienst voor systeemmeldingen: {0}")]
    GeenDienst(String),
    /// The service is there but this notification failed.
    #[error("de systeemmelding kon niet worden getoond: {0}")]
    Mislukt(String),
}

/// At most this many in-app messages wait; older ones are dropped first.
const MAX_WACHTEND: usize = 100;

/// Notifications the desktop could not show, for the app to show itself. Cheap to clone; all
/// clones share one queue.
#[derive(Clone)]
pub struct InAppMessages {
    queue: Arc<Mutex<VecDeque<OsNotificatie>>>,
    count: Arc<watch::Sender<usize>>,
}

impl Default for InAppMessages {
    fn default() -> Self {
        InAppMessages {
            queue: Arc::default(),
            count: Arc::new(watch::channel(0).0),
        }
    }
}

impl std::fmt::Debug for InAppMessages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InAppMessages")
            .field("waiting", &*self.count.borrow())
            .finish()
    }
}

impl InAppMessages {
    fn with_queue<T>(&self, f: impl FnOnce(&mut VecDeque<OsNotificatie>) -> T) -> T {
        // a panic elsewhere while holding the lock leaves a queue that is still valid
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let out = f(&mut q);
        let n = q.len();
        drop(q);
        // only a change wakes the watchers: reading (`pending`) must not look like news
        self.count
            .send_if_modified(|c| std::mem::replace(c, n) != n);
        out
    }

    pub(super) fn push(&self, n: OsNotificatie) {
        self.with_queue(|q| {
            if q.len() >= MAX_WACHTEND {
                q.pop_front();
            }
            q.push_back(n);
        });
    }

    /// Take every waiting message, oldest first (each is handed out once).
    pub fn take(&self) -> Vec<OsNotificatie> {
        self.with_queue(|q| q.drain(..).collect())
    }

    /// The waiting messages without taking them.
    pub fn pending(&self) -> Vec<OsNotificatie> {
        self.with_queue(|q| q.iter().cloned().collect())
    }

    /// How many messages wait; changes when one arrives or they are taken, so a UI can
    /// `changed().await` and then [`InAppMessages::take`].
    pub fn watch(&self) -> watch::Receiver<usize> {
        self.count.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendering::Urgentie;

    fn n(i: usize) -> OsNotificatie {
        OsNotificatie {
            sleutel: format!("k{i}"),
            titel: format!("t{i}"),
            tekst: String::new(),
            urgentie: Urgentie::Normaal,
            doel: None,
        }
    }

    #[test]
    fn messages_wait_until_taken_and_the_oldest_go_first_when_full() {
        let m = InAppMessages::default();
        let w = m.watch();
        m.push(n(1));
        m.push(n(2));
        assert_eq!(*w.borrow(), 2);
        let mut w2 = m.watch();
        w2.borrow_and_update();
        assert_eq!(m.pending().len(), 2);
        assert!(!w2.has_changed().unwrap_or(true), "reading is not a change");
        assert_eq!(
            m.take()
                .iter()
                .map(|x| x.sleutel.as_str())
                .collect::<Vec<_>>(),
            ["k1", "k2"]
        );
        assert!(m.take().is_empty());
        assert_eq!(*w.borrow(), 0);
        for i in 0..MAX_WACHTEND + 3 {
            m.push(n(i));
        }
        let all = m.take();
        assert_eq!(all.len(), MAX_WACHTEND);
        assert_eq!(all[0].sleutel, "k3");
    }
}
