//! The runner: follows the engine's batches, asks the policy, claims the keys in the local
//! database, and only then delivers what this process won.
//!
//! - Feed batches are news: each is looked at as it arrives.
//! - Full-sync batches are old history: nothing is shown while they come; when the full sync
//!   is done the whole mirror is recorded silently and one summary line is shown.
//! - At start, and whenever the mirror's feed cursor moved without this engine telling (another
//!   process on the same folder, like `swf`, applied the change; checked every
//!   [`AttenderingConfig::controle`]), the whole mirror is looked at: as news, or as old
//!   history when this installation never recorded anything (a mirror filled by an older app,
//!   or a rebuilt local database). A mirror in the middle of a full sync waits for its end.
use super::bron;
use super::notifier::{InAppMessages, Notifier, NotifierFout};
use super::policy::{self, Aanleiding, Invoer, Kandidaat};
use super::OsNotificatie;
use crate::error::Result;
use crate::mirror::{Account, Changed, Claim, Mirror};
use crate::sync::{BatchNotice, BatchSource, Engine, SyncStatus};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct AttenderingConfig {
    /// The engine talks to the built-in practice environment: every notification says so.
    pub oefenomgeving: bool,
    /// How often to check whether another process moved the mirror's feed cursor.
    pub controle: Duration,
}

impl Default for AttenderingConfig {
    fn default() -> Self {
        AttenderingConfig {
            oefenomgeving: false,
            controle: Duration::from_secs(10),
        }
    }
}

/// The running notifier of one engine. Dropping it (or [`Attendering::stop`]) ends it.
pub struct Attendering {
    beschikbaar: watch::Receiver<bool>,
    messages: InAppMessages,
    flush: mpsc::Sender<oneshot::Sender<()>>,
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Attendering {
    /// Start following `engine` (call inside a Tokio runtime). It subscribes before this
    /// returns, so every batch the engine applies afterwards is seen.
    pub fn start(
        engine: &Engine,
        notifier: Arc<dyn Notifier>,
        config: AttenderingConfig,
    ) -> Attendering {
        let batches = engine.subscribe_batches();
        let (beschikbaar_tx, beschikbaar) = watch::channel(true);
        let messages = InAppMessages::default();
        let (flush, flush_rx) = mpsc::channel(8);
        let cancel = CancellationToken::new();
        let loper = Loper {
            mirror: engine.mirror().clone(),
            status: engine.status(),
            notifier,
            config,
            beschikbaar: beschikbaar_tx,
            messages: messages.clone(),
        };
        let task = tokio::spawn(loper.run(batches, flush_rx, cancel.clone()));
        Attendering {
            beschikbaar,
            messages,
            flush,
            cancel,
            task: Some(task),
        }
    }

    /// Whether the desktop shows notifications. Starts `true`; becomes `false` when the
    /// notifier reports that there is no notification service (the app says so once and shows
    /// [`Attendering::messages`] instead), and `true` again when a later one gets through.
    pub fn beschikbaar(&self) -> watch::Receiver<bool> {
        self.beschikbaar.clone()
    }

    /// Notifications the desktop could not show, for the app to show itself.
    pub fn messages(&self) -> &InAppMessages {
        &self.messages
    }

    /// Wait until every batch the engine applied before this call has been handled (and its
    /// notifications delivered). Returns at once when the runner has ended.
    pub async fn bijgewerkt(&self) {
        let (done, wait) = oneshot::channel();
        if self.flush.send(done).await.is_ok() {
            let _ = wait.await;
        }
    }

    /// Stop and wait for the runner to end.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "the notification runner ended abnormally");
            }
        }
    }
}

impl Drop for Attendering {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

struct Loper {
    mirror: Mirror,
    status: watch::Receiver<SyncStatus>,
    notifier: Arc<dyn Notifier>,
    config: AttenderingConfig,
    beschikbaar: watch::Sender<bool>,
    messages: InAppMessages,
}

impl Loper {
    async fn run(
        self,
        mut batches: broadcast::Receiver<BatchNotice>,
        mut flush: mpsc::Receiver<oneshot::Sender<()>>,
        cancel: CancellationToken,
    ) {
        // the feed cursor of the last batch looked at
        let mut gezien = None;
        self.look_at_all(&mut gezien).await;
        let period = self.config.controle.max(Duration::from_millis(10));
        let mut controle = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        controle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return,
                r = batches.recv() => match r {
                    Ok(notice) => self.handle(notice, &mut gezien).await,
                    Err(RecvError::Lagged(n)) => self.after_lag(n, &mut gezien).await,
                    Err(RecvError::Closed) => return,
                },
                Some(done) = flush.recv() => {
                    self.drain(&mut batches, &mut gezien).await;
                    let _ = done.send(());
                }
                _ = controle.tick() => self.check_outside(&mut batches, &mut gezien).await,
            }
        }
    }

    /// Handle every notice already published (all of them, when the caller knows the batches
    /// it waits for were applied).
    async fn drain(
        &self,
        batches: &mut broadcast::Receiver<BatchNotice>,
        gezien: &mut Option<i64>,
    ) {
        loop {
            match batches.try_recv() {
                Ok(notice) => self.handle(notice, gezien).await,
                Err(TryRecvError::Lagged(n)) => self.after_lag(n, gezien).await,
                Err(TryRecvError::Empty | TryRecvError::Closed) => return,
            }
        }
    }

    /// Did another process move the feed cursor? Then look at the whole mirror.
    async fn check_outside(
        &self,
        batches: &mut broadcast::Receiver<BatchNotice>,
        gezien: &mut Option<i64>,
    ) {
        if self.status.borrow().volledige_sync {
            return; // its end looks at everything
        }
        // this engine's own notices first: they were published before its status said the
        // sync was done
        self.drain(batches, gezien).await;
        match self.mirror.sync_state().await {
            Ok(st) if st.cursor != *gezien && st.full_sync.is_none() => {
                tracing::debug!("the mirror was changed outside this engine");
                self.look_at_all(gezien).await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "notifications: reading the sync state failed"),
        }
    }

    /// A failure here is logged and the runner goes on: notifications are never fatal.
    fn quietly(&self, r: Result<()>, what: &str) {
        if let Err(e) = r {
            tracing::warn!(error = %e, "notifications: {what} failed");
        }
    }

    async fn handle(&self, notice: BatchNotice, gezien: &mut Option<i64>) {
        if notice.cursor.is_some() {
            *gezien = notice.cursor;
        }
        match notice.source {
            BatchSource::Feed if notice.changed.is_empty() => {}
            BatchSource::Feed => {
                let r = self.news(&notice.changed).await;
                self.quietly(r, "a change");
            }
            // recorded all at once when the full sync is done
            BatchSource::FullSync => {}
            BatchSource::FullSyncDone => {
                let r = self.sweep(Aanleiding::Geschiedenis).await;
                self.quietly(r, "the end of a full sync");
            }
        }
    }

    async fn after_lag(&self, missed: u64, gezien: &mut Option<i64>) {
        tracing::warn!(
            missed,
            "notifications: batches were missed; looking at the whole mirror"
        );
        if self.status.borrow().volledige_sync {
            return; // its end records everything
        }
        self.look_at_all(gezien).await;
    }

    /// Look at the whole mirror (see the module documentation), remembering its cursor.
    async fn look_at_all(&self, gezien: &mut Option<i64>) {
        let r = self.whole_mirror(gezien).await;
        self.quietly(r, "looking at the whole mirror");
    }

    async fn whole_mirror(&self, gezien: &mut Option<i64>) -> Result<()> {
        let state = self.mirror.sync_state().await?;
        *gezien = state.cursor;
        if state.cursor.is_none() || state.full_sync.is_some() {
            return Ok(()); // a full sync comes, and its end records everything
        }
        let Some(account) = self.mirror.account().await? else {
            return Ok(());
        };
        let basis = basis(&account);
        let gezet = self
            .mirror
            .attenderingen_for(std::slice::from_ref(&basis.object_id))
            .await?
            .contains(&basis.sleutel);
        let aanleiding = if gezet {
            Aanleiding::Nieuws
        } else {
            Aanleiding::Geschiedenis
        };
        self.sweep(aanleiding).await
    }

    async fn news(&self, changed: &Changed) -> Result<()> {
        let Some(account) = self.mirror.account().await? else {
            return Ok(());
        };
        let beeld = bron::spiegelbeeld(&self.mirror, changed, &account.oin).await?;
        self.decide_and_deliver(changed, &beeld, &account.oin, Aanleiding::Nieuws)
            .await
    }

    async fn sweep(&self, aanleiding: Aanleiding) -> Result<()> {
        let Some(account) = self.mirror.account().await? else {
            return Ok(());
        };
        let (changed, beeld) = bron::alles(&self.mirror, &account.oin).await?;
        self.decide_and_deliver(&changed, &beeld, &account.oin, aanleiding)
            .await?;
        // from now on, whatever this account's mirror holds that was not recorded is news
        self.mirror.claim_attenderingen(&[basis(&account)]).await?;
        Ok(())
    }

    async fn decide_and_deliver(
        &self,
        changed: &Changed,
        beeld: &policy::Spiegelbeeld,
        me: &swf_domain::Oin,
        aanleiding: Aanleiding,
    ) -> Result<()> {
        let m = &self.mirror;
        let instellingen = m.attendering_instellingen().await?;
        let taal = m.taal().await?;
        let vastgelegd = m.attenderingen_for(&bron::object_ids(changed)).await?;
        let oefen = self.config.oefenomgeving;
        let besluit = policy::beslis(&Invoer {
            changed,
            spiegel: beeld,
            mijn_oin: me,
            instellingen: &instellingen,
            taal,
            oefenomgeving: oefen,
            aanleiding,
            vastgelegd: &vastgelegd,
        });
        m.release_attenderingen(&besluit.vrijgeven).await?;
        // claim first: only what this process won is shown (another process on the same
        // folder, or an earlier run, may have it already)
        let won: HashSet<String> = m
            .claim_attenderingen(&besluit.claims())
            .await?
            .into_iter()
            .collect();
        let gewonnen: Vec<Kandidaat> = besluit
            .kandidaten
            .into_iter()
            .filter(|k| won.contains(k.sleutel()))
            .collect();
        let tonen = match aanleiding {
            Aanleiding::Nieuws => policy::te_tonen(&gewonnen, taal, oefen),
            Aanleiding::Geschiedenis => policy::samenvatting(&gewonnen, taal, oefen)
                .into_iter()
                .collect(),
        };
        for n in tonen {
            self.deliver(n).await;
        }
        Ok(())
    }

    /// Offer one notification to the desktop, once. When it cannot be shown it waits as an
    /// in-app message; "no notification service" also flips [`Attendering::beschikbaar`].
    async fn deliver(&self, n: OsNotificatie) {
        let notifier = Arc::clone(&self.notifier);
        let shown = n.clone();
        let r = tokio::task::spawn_blocking(move || notifier.toon(&shown)).await;
        match r {
            Ok(Ok(())) => {
                if self
                    .beschikbaar
                    .send_if_modified(|b| !std::mem::replace(b, true))
                {
                    tracing::info!("the desktop shows notifications again");
                }
            }
            Ok(Err(NotifierFout::GeenDienst(e))) => {
                if self
                    .beschikbaar
                    .send_if_modified(|b| std::mem::replace(b, false))
                {
                    tracing::warn!(error = %e, "no notification service on this desktop; notifications are shown in the app");
                }
                self.messages.push(n);
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, sleutel = %n.sleutel, "an OS notification failed; shown in the app, not retried");
                self.messages.push(n);
            }
            Err(e) => {
                tracing::warn!(error = %e, sleutel = %n.sleutel, "the notifier panicked; shown in the app, not retried");
                self.messages.push(n);
            }
        }
    }
}

/// The record that this installation looked at the whole mirror of `account` once (its old
/// history is recorded): from then on, what is not recorded is news.
fn basis(account: &Account) -> Claim {
    let key = crate::session::account_key(&account.service_url, account.oin.as_str());
    Claim {
        sleutel: format!("basis:{key}:GEZET"),
        soort: "basis".into(),
        object_id: key,
        status: "GEZET".into(),
        stil: true,
    }
}
