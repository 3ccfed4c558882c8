//! The sync engine: first sync (paged, bounded parallelism, resumable), then follow the
//! service's live change stream, falling back to polling the feed when the stream drops.
//! Every batch is planned by [`super::plan`], fetched, and written to the mirror in one
//! transaction together with the new cursor; then one [`Changed`] notice goes to subscribers.
use super::planner::{plan, Step};
use crate::error::{ClientError, Result};
use crate::mirror::{Batch, Changed, FullSyncUpdate, Mirror, MirrorOp};
use crate::remote::{
    ActieverzoekenQuery, Lijst, NotificatiesQuery, RemoteApi, SamenwerkingenQuery,
};
use chrono::{DateTime, Utc};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use swf_domain::{Actieverzoek, Gebeurtenis, Notificatie};
use tokio::sync::{broadcast, watch, Mutex};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Tuning of the engine. The defaults suit the desktop app.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Requests in flight at once during a full sync and when applying a batch.
    pub parallelism: usize,
    /// Page size for lists (the service allows at most 100).
    pub page_size: u64,
    /// Events read per feed page when catching up.
    pub feed_page: u32,
    /// How often the feed is polled while the live stream is unavailable.
    pub poll_interval: Duration,
    /// Live events arriving within this window are applied as one batch.
    pub debounce: Duration,
    /// First wait before reconnecting the live stream after it failed; doubles up to
    /// `stream_retry_max`.
    pub stream_retry_min: Duration,
    pub stream_retry_max: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            parallelism: 8,
            page_size: 100,
            feed_page: 500,
            poll_interval: Duration::from_secs(15),
            debounce: Duration::from_millis(5),
            stream_retry_min: Duration::from_secs(1),
            stream_retry_max: Duration::from_secs(60),
        }
    }
}

/// Connection state for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Verbinding {
    Online,
    Offline,
    Syncing,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub verbinding: Verbinding,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Following the live stream (pushed changes) rather than polling.
    pub live: bool,
    /// A first (or renewed) full sync is under way.
    pub volledige_sync: bool,
    /// The last problem, in words, if any.
    pub melding: Option<String>,
}

/// What one [`Engine::sync_once`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// A full sync ran (first sync, resumed, or after an expired cursor).
    pub volledig: bool,
    /// Samenwerkingen read in full.
    pub samenwerkingen: u64,
    /// Feed events applied.
    pub gebeurtenissen: u64,
    /// Batches written to the mirror.
    pub batches: u64,
    pub cursor: Option<i64>,
}

/// Where a batch came from: listeners that treat news and old history differently (OS
/// notifications) need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchSource {
    /// Feed events (catch-up, polling or the live stream): news.
    Feed,
    /// A batch of a full sync (first sync, resumed, or after an expired cursor): old history.
    FullSync,
    /// The last batch of a full sync: the mirror is complete again. Sent even when the batch
    /// itself changed nothing.
    FullSyncDone,
}

/// One applied batch with where it came from (see [`Engine::subscribe_batches`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchNotice {
    pub changed: Changed,
    pub source: BatchSource,
    /// The feed cursor the batch committed, if it moved it.
    pub cursor: Option<i64>,
}

/// Progress of a full sync, stored in the mirror with each batch so a killed sync resumes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FullSync {
    /// Feed head taken before reading anything: events after it are replayed afterwards.
    head: i64,
    fase: Fase,
    /// Samenwerkingen listed so far, in list order.
    ids: Vec<String>,
    /// Next list page (fase `Lijst`).
    pagina: u64,
    /// `totalElements` of the first list page: a change while paging restarts the listing.
    totaal: Option<u64>,
    /// Next index into `ids` (fase `Details`).
    volgende: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Fase {
    #[default]
    Lijst,
    Details,
    Notificaties,
}

/// The engine. Cheap to clone; all clones share one sync lock, status and subscribers.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    remote: RemoteApi,
    mirror: Mirror,
    config: SyncConfig,
    status: watch::Sender<SyncStatus>,
    changed: broadcast::Sender<Changed>,
    batches: broadcast::Sender<BatchNotice>,
    /// One sync at a time (first sync, catch-up, live batches).
    lock: Mutex<()>,
}

impl Engine {
    pub fn new(remote: RemoteApi, mirror: Mirror, config: SyncConfig) -> Engine {
        let (status, _) = watch::channel(SyncStatus {
            verbinding: Verbinding::Offline,
            last_synced_at: None,
            live: false,
            volledige_sync: false,
            melding: None,
        });
        let (changed, _) = broadcast::channel(256);
        let (batches, _) = broadcast::channel(256);
        Engine {
            inner: Arc::new(Inner {
                remote,
                mirror,
                config,
                status,
                changed,
                batches,
                lock: Mutex::new(()),
            }),
        }
    }

    pub fn remote(&self) -> &RemoteApi {
        &self.inner.remote
    }

    pub fn mirror(&self) -> &Mirror {
        &self.inner.mirror
    }

    /// One notice per applied batch.
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.inner.changed.subscribe()
    }

    /// One notice per applied batch that changed something or moved the feed cursor (also
    /// the end of every full sync), saying where the batch came from.
    pub fn subscribe_batches(&self) -> broadcast::Receiver<BatchNotice> {
        self.inner.batches.subscribe()
    }

    pub fn status(&self) -> watch::Receiver<SyncStatus> {
        self.inner.status.subscribe()
    }

    fn set_status(&self, f: impl FnOnce(&mut SyncStatus)) {
        self.inner.status.send_modify(f);
    }

    /// Tell the subscribers of [`Engine::subscribe`] about a local change made by a use case
    /// (`werk`: read marks, offline beschikbaar), so it reaches the screens the way a synced
    /// batch does. Local changes are not batches: the notification policy does not see them.
    pub(crate) fn publish(&self, c: Changed) {
        if !c.is_empty() {
            let _ = self.inner.changed.send(c);
        }
    }

    /// A synced batch: to the screens ([`Engine::subscribe`]) and, with its source and cursor,
    /// to [`Engine::subscribe_batches`] (the notification policy).
    fn publish_batch(&self, c: Changed, source: BatchSource, cursor: Option<i64>) {
        // no subscribers is fine
        if !c.is_empty() {
            let _ = self.inner.changed.send(c.clone());
        }
        if !c.is_empty() || cursor.is_some() || source == BatchSource::FullSyncDone {
            let _ = self.inner.batches.send(BatchNotice {
                changed: c,
                source,
                cursor,
            });
        }
    }

    async fn apply(
        &self,
        batch: Batch,
        source: BatchSource,
        report: &mut SyncReport,
    ) -> Result<()> {
        let synced = batch.synced_at;
        let cursor = batch.cursor;
        let c = self.inner.mirror.apply(&batch).await?;
        report.batches += 1;
        if let Some(cur) = batch.cursor {
            report.cursor = Some(cur);
        }
        if let Some(t) = synced {
            self.set_status(|s| s.last_synced_at = Some(t));
        }
        self.publish_batch(c, source, cursor);
        Ok(())
    }

    /// Bring the mirror up to date once: a full sync when there is no cursor yet (or one was
    /// interrupted, or the cursor expired), then read the feed to its head. Reads keep working
    /// from the mirror whatever happens here; on failure nothing half-written stays behind.
    pub async fn sync_once(&self) -> Result<SyncReport> {
        let _guard = self.inner.lock.lock().await;
        self.set_status(|s| s.verbinding = Verbinding::Syncing);
        let r = self.sync_locked().await;
        self.after(&r);
        r
    }

    fn after<T>(&self, r: &Result<T>) {
        match r {
            Ok(_) => self.set_status(|s| {
                s.verbinding = Verbinding::Online;
                s.volledige_sync = false;
                s.melding = None;
            }),
            Err(e) => {
                let offline = matches!(e, ClientError::Offline(_));
                let msg = e.to_string();
                self.set_status(|s| {
                    s.verbinding = if offline {
                        Verbinding::Offline
                    } else {
                        Verbinding::Online
                    };
                    s.live = false;
                    s.melding = Some(msg);
                })
            }
        }
    }

    async fn sync_locked(&self) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        let state = self.inner.mirror.sync_state().await?;
        self.set_status(|s| s.last_synced_at = state.last_synced_at);
        let mut progress = match (&state.full_sync, state.cursor) {
            (Some(p), _) => serde_json::from_value::<FullSync>(p.clone()).ok(),
            (None, Some(_)) => None,
            (None, None) => Some(self.start_full().await?),
        };
        if state.full_sync.is_some() && progress.is_none() {
            // progress from an incompatible build: start over (rows stay until replaced)
            progress = Some(self.start_full().await?);
        }
        loop {
            if let Some(p) = progress.take() {
                self.full_sync(p, &mut report).await?;
            }
            match self.catch_up(&mut report).await {
                Ok(()) => return Ok(report),
                Err(ClientError::CursorExpired) => {
                    // offline longer than the feed keeps: read everything again
                    tracing::info!("feed cursor expired; full resync");
                    progress = Some(self.start_full().await?);
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn start_full(&self) -> Result<FullSync> {
        let head = self.inner.remote.gebeurtenissen(None, 1).await?.volgende;
        Ok(FullSync {
            head,
            ..FullSync::default()
        })
    }

    async fn full_sync(&self, mut p: FullSync, report: &mut SyncReport) -> Result<()> {
        report.volledig = true;
        self.set_status(|s| s.volledige_sync = true);
        let size = self.inner.config.page_size;
        let query = SamenwerkingenQuery {
            sort: Some("creatieDatumTijd".into()),
            ..Default::default()
        };
        // 1. list the samenwerkingen, page by page
        let mut restarts = 0;
        let mut seen: HashSet<String> = p.ids.iter().cloned().collect();
        while p.fase == Fase::Lijst {
            let page = self
                .inner
                .remote
                .samenwerkingen(p.pagina, size, &query)
                .await?;
            let total = page.page.total_elements;
            if p.totaal.is_some_and(|t| t != total) && restarts < 5 {
                // the list changed under us: positions shifted, so page again from the start
                restarts += 1;
                p.pagina = 0;
                p.ids.clear();
                seen.clear();
                p.totaal = None;
                continue;
            }
            p.totaal = Some(total);
            let n = page.items.len() as u64;
            let mut ops = Vec::with_capacity(page.items.len());
            for s in page.items {
                if seen.insert(s.samenwerking_id.clone()) {
                    p.ids.push(s.samenwerking_id.clone());
                }
                ops.push(MirrorOp::UpsertSamenwerking(Box::new(s)));
            }
            p.pagina += 1;
            if n < size || p.pagina * size >= total {
                p.fase = Fase::Details;
            }
            self.apply(
                Batch {
                    ops,
                    full_sync: FullSyncUpdate::Set(to_value(&p)?),
                    ..Batch::default()
                },
                BatchSource::FullSync,
                report,
            )
            .await?;
        }
        // 2. everything of each samenwerking, a chunk at a time, requests in parallel
        let par = self.inner.config.parallelism.max(1);
        let chunk = par * 2;
        while p.fase == Fase::Details {
            let end = (p.volgende + chunk).min(p.ids.len());
            let ids: Vec<String> = p.ids[p.volgende..end].to_vec();
            let results: Vec<Vec<MirrorOp>> = stream::iter(ids.iter().cloned())
                .map(|sid| async move { self.read_full(&sid, false).await })
                .buffered(par)
                .try_collect()
                .await?;
            report.samenwerkingen += ids.len() as u64;
            p.volgende = end;
            if p.volgende >= p.ids.len() {
                p.fase = Fase::Notificaties;
            }
            self.apply(
                Batch {
                    ops: results.into_iter().flatten().collect(),
                    full_sync: FullSyncUpdate::Set(to_value(&p)?),
                    ..Batch::default()
                },
                BatchSource::FullSync,
                report,
            )
            .await?;
        }
        // 3. the inbox, then drop what is no longer there and set the cursor
        let notificaties = self.all_notificaties(None).await?;
        self.apply(
            Batch {
                // retain first: it also drops the notificaties of what it purges, and the
                // inbox keeps notificaties of samenwerkingen that are gone (e.g. "deleted")
                ops: vec![
                    MirrorOp::RetainSamenwerkingen { ids: p.ids.clone() },
                    MirrorOp::ReplaceNotificaties {
                        samenwerking_id: None,
                        notificaties,
                    },
                ],
                cursor: Some(p.head),
                full_sync: FullSyncUpdate::Clear,
                synced_at: Some(Utc::now()),
                ..Batch::default()
            },
            BatchSource::FullSyncDone,
            report,
        )
        .await
    }

    /// Read a samenwerking with everything in it. `with_meta`: also the samenwerking itself
    /// (a full sync has it from the list already) and its notificaties. A samenwerking the
    /// organisation may no longer see becomes a purge.
    async fn read_full(&self, sid: &str, with_meta: bool) -> Result<Vec<MirrorOp>> {
        match self.try_read_full(sid, with_meta).await {
            Err(ClientError::NotFound(_)) | Err(ClientError::Forbidden(_)) => {
                Ok(vec![MirrorOp::PurgeSamenwerking {
                    samenwerking_id: sid.to_owned(),
                }])
            }
            other => other,
        }
    }

    async fn try_read_full(&self, sid: &str, with_meta: bool) -> Result<Vec<MirrorOp>> {
        let remote = &self.inner.remote;
        let size = self.inner.config.page_size;
        let mut ops = Vec::new();
        if with_meta {
            ops.push(MirrorOp::UpsertSamenwerking(Box::new(
                remote.samenwerking(sid).await?,
            )));
        }
        let (deelnemers, documenten, actieverzoeken) = tokio::try_join!(
            remote.deelnemers(sid),
            all_pages(size, |pagina| remote.documenten(sid, pagina, size)),
            self.all_actieverzoeken(sid),
        )?;
        ops.push(MirrorOp::ReplaceDeelnemers {
            samenwerking_id: sid.to_owned(),
            deelnemers,
        });
        ops.push(MirrorOp::ReplaceDocumenten {
            samenwerking_id: sid.to_owned(),
            documenten,
        });
        let mut with_berichten = Vec::new();
        for a in &actieverzoeken {
            with_berichten.push(self.upsert_actieverzoek(a.clone()).await?);
        }
        ops.push(MirrorOp::ReplaceActieverzoeken {
            samenwerking_id: sid.to_owned(),
            actieverzoeken,
        });
        ops.extend(with_berichten);
        if with_meta {
            ops.push(MirrorOp::ReplaceNotificaties {
                samenwerking_id: Some(sid.to_owned()),
                notificaties: self.all_notificaties(Some(sid)).await?,
            });
        }
        Ok(ops)
    }

    async fn all_actieverzoeken(&self, sid: &str) -> Result<Vec<Actieverzoek>> {
        let size = self.inner.config.page_size;
        let query = ActieverzoekenQuery {
            samenwerking_id: Some(sid.to_owned()),
            ..Default::default()
        };
        let remote = &self.inner.remote;
        all_pages(size, |pagina| remote.actieverzoeken(pagina, size, &query)).await
    }

    async fn all_notificaties(&self, sid: Option<&str>) -> Result<Vec<Notificatie>> {
        let size = self.inner.config.page_size;
        let query = NotificatiesQuery {
            samenwerking_id: sid.map(str::to_owned),
            ..Default::default()
        };
        let remote = &self.inner.remote;
        all_pages(size, |pagina| remote.notificaties(pagina, size, &query)).await
    }

    /// The actieverzoek with its berichten (read only when it has any).
    async fn upsert_actieverzoek(&self, a: Actieverzoek) -> Result<MirrorOp> {
        let size = self.inner.config.page_size;
        let remote = &self.inner.remote;
        let id = a.actieverzoek_id;
        let berichten = if a.aantal_berichten > 0 {
            all_pages(size, |pagina| remote.berichten(id, pagina, size)).await?
        } else {
            Vec::new()
        };
        Ok(MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(a),
            berichten: Some(berichten),
        })
    }

    /// Read the feed from the cursor to its head, one batch per page.
    async fn catch_up(&self, report: &mut SyncReport) -> Result<()> {
        loop {
            let cursor = self.inner.mirror.sync_state().await?.cursor;
            let page = self
                .inner
                .remote
                .gebeurtenissen(cursor, self.inner.config.feed_page)
                .await?;
            let meer = page.meer;
            self.apply_events(&page.gebeurtenissen, page.volgende, report)
                .await?;
            if !meer {
                return Ok(());
            }
        }
    }

    /// Plan, fetch and write one batch of events, moving the cursor to `cursor`.
    async fn apply_events(
        &self,
        events: &[Gebeurtenis],
        cursor: i64,
        report: &mut SyncReport,
    ) -> Result<()> {
        let known = self.known_samenwerkingen(events).await?;
        let steps = plan(events, &|sid| known.contains(sid));
        let par = self.inner.config.parallelism.max(1);
        let results: Vec<Vec<MirrorOp>> = stream::iter(steps)
            .map(|step| async move { self.execute(step).await })
            .buffered(par)
            .try_collect()
            .await?;
        report.gebeurtenissen += events.len() as u64;
        self.apply(
            Batch {
                ops: results.into_iter().flatten().collect(),
                cursor: Some(cursor),
                synced_at: Some(Utc::now()),
                ..Batch::default()
            },
            BatchSource::Feed,
            report,
        )
        .await
    }

    async fn known_samenwerkingen(&self, events: &[Gebeurtenis]) -> Result<HashSet<String>> {
        let ids: HashSet<&str> = events.iter().map(|e| e.samenwerking_id.as_str()).collect();
        let mut known = HashSet::new();
        for id in ids {
            let found: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM samenwerkingen WHERE id = ?")
                .bind(id)
                .fetch_optional(self.inner.mirror.pool())
                .await?;
            if found.is_some() {
                known.insert(id.to_owned());
            }
        }
        Ok(known)
    }

    /// One planned step as mirror operations. What the service no longer shows us becomes a
    /// delete (it may be gone, or we may no longer see it).
    async fn execute(&self, step: Step) -> Result<Vec<MirrorOp>> {
        let remote = &self.inner.remote;
        let gone =
            |e: &ClientError| matches!(e, ClientError::NotFound(_) | ClientError::Forbidden(_));
        Ok(match step {
            Step::Purge { samenwerking_id } => {
                vec![MirrorOp::PurgeSamenwerking { samenwerking_id }]
            }
            Step::Full { samenwerking_id } => self.read_full(&samenwerking_id, true).await?,
            Step::Samenwerking { samenwerking_id } => {
                match tokio::try_join!(
                    remote.samenwerking(&samenwerking_id),
                    remote.deelnemers(&samenwerking_id)
                ) {
                    Ok((s, deelnemers)) => vec![
                        MirrorOp::UpsertSamenwerking(Box::new(s)),
                        MirrorOp::ReplaceDeelnemers {
                            samenwerking_id,
                            deelnemers,
                        },
                    ],
                    Err(e) if gone(&e) => vec![MirrorOp::PurgeSamenwerking { samenwerking_id }],
                    Err(e) => return Err(e),
                }
            }
            Step::FetchDocument { document_id, .. } => {
                let id = parse_uuid(&document_id)?;
                match remote.document(id).await {
                    Ok(d) => vec![MirrorOp::UpsertDocument(Box::new(d))],
                    Err(e) if gone(&e) => vec![MirrorOp::DeleteDocument { document_id }],
                    Err(e) => return Err(e),
                }
            }
            Step::DeleteDocument { document_id } => vec![MirrorOp::DeleteDocument { document_id }],
            Step::FetchActieverzoek {
                samenwerking_id,
                actieverzoek_id,
            } => {
                let id = parse_uuid(&actieverzoek_id)?;
                match remote.actieverzoek(id).await {
                    Ok(a) => vec![self.upsert_actieverzoek(a).await?],
                    // only with the samenwerking do actieverzoeken disappear: re-read it
                    Err(e) if gone(&e) => self.read_full(&samenwerking_id, true).await?,
                    Err(e) => return Err(e),
                }
            }
            Step::FetchNotificatie { notificatie_id } => {
                let id = parse_uuid(&notificatie_id)?;
                match remote.notificatie(id).await {
                    Ok(n) => vec![MirrorOp::UpsertNotificatie(Box::new(n))],
                    Err(e) if gone(&e) => vec![MirrorOp::DeleteNotificatie { notificatie_id }],
                    Err(e) => return Err(e),
                }
            }
            Step::DeleteNotificatie { notificatie_id } => {
                vec![MirrorOp::DeleteNotificatie { notificatie_id }]
            }
        })
    }

    /// Follow the service until `cancel`: catch up, then apply live events as they are pushed;
    /// when the stream drops, poll the feed every `poll_interval` and retry the stream with
    /// back-off. Offline periods are ridden out; only an authentication failure ends it.
    pub async fn follow(&self, cancel: CancellationToken) -> Result<()> {
        let cfg = self.inner.config.clone();
        let mut stream_retry = cfg.stream_retry_min;
        let mut next_stream = Instant::now();
        let mut offline_wait = Duration::from_millis(500);
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            match self.sync_once().await {
                Ok(_) => {
                    offline_wait = Duration::from_millis(500);
                    self.cache_offline_quietly().await;
                }
                Err(ClientError::Unauthorized) => return Err(ClientError::Unauthorized),
                Err(e) => {
                    tracing::info!(error = %e, "sync failed; retrying");
                    tokio::select! {
                        _ = cancel.cancelled() => return Ok(()),
                        _ = tokio::time::sleep(offline_wait) => {}
                    }
                    offline_wait = (offline_wait * 2).min(cfg.poll_interval);
                    continue;
                }
            }
            if Instant::now() >= next_stream {
                let started = Instant::now();
                match self.run_stream(&cancel).await {
                    Ok(()) => return Ok(()), // cancelled
                    Err(ClientError::Unauthorized) => return Err(ClientError::Unauthorized),
                    Err(e) => {
                        tracing::info!(error = %e, "live stream ended");
                        self.set_status(|s| s.live = false);
                        if started.elapsed() > Duration::from_secs(30) {
                            stream_retry = cfg.stream_retry_min;
                        } else {
                            stream_retry = (stream_retry * 2).min(cfg.stream_retry_max);
                        }
                        next_stream = Instant::now() + stream_retry;
                        continue; // catch up by polling right away
                    }
                }
            }
            let wait = cfg
                .poll_interval
                .min(next_stream.saturating_duration_since(Instant::now()))
                .max(Duration::from_millis(50));
            tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Apply pushed events until the stream ends (Err) or `cancel` (Ok).
    async fn run_stream(&self, cancel: &CancellationToken) -> Result<()> {
        let cursor = self.inner.mirror.sync_state().await?.cursor;
        let connect = self.inner.remote.connect_stream(cursor);
        let events = tokio::select! {
            _ = cancel.cancelled() => return Ok(()),
            r = connect => r?,
        };
        let mut events = Box::pin(events);
        self.set_status(|s| {
            s.live = true;
            s.verbinding = Verbinding::Online;
        });
        let debounce = self.inner.config.debounce;
        loop {
            let ev = tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                ev = events.next() => ev,
            };
            let ev = match ev {
                Some(Ok(ev)) => ev,
                Some(Err(ClientError::CursorExpired)) => {
                    // let the next sync_once do the full resync
                    return Err(ClientError::CursorExpired);
                }
                Some(Err(e)) => return Err(e),
                None => {
                    return Err(ClientError::Offline(
                        "de live-verbinding is gesloten".into(),
                    ))
                }
            };
            // gather what arrives right behind it into the same batch
            let mut batch = vec![ev];
            let deadline = tokio::time::Instant::now() + debounce;
            while batch.len() < 500 {
                match tokio::time::timeout_at(deadline, events.next()).await {
                    Ok(Some(Ok(ev))) => batch.push(ev),
                    Ok(Some(Err(e))) => {
                        self.apply_live(&batch).await?;
                        return Err(e);
                    }
                    Ok(None) => {
                        self.apply_live(&batch).await?;
                        return Err(ClientError::Offline(
                            "de live-verbinding is gesloten".into(),
                        ));
                    }
                    Err(_) => break,
                }
            }
            self.apply_live(&batch).await?;
            self.cache_offline_quietly().await;
        }
    }

    /// Keep "available offline" samenwerkingen complete; a failure is only logged (the next
    /// round tries again).
    async fn cache_offline_quietly(&self) {
        match self.cache_offline_documenten().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(documents = n, "cached for offline use"),
            Err(e) => tracing::info!(error = %e, "caching documents for offline use failed"),
        }
    }

    async fn apply_live(&self, batch: &[Gebeurtenis]) -> Result<()> {
        let Some(last) = batch.last().map(|e| e.volgnummer) else {
            return Ok(());
        };
        let _guard = self.inner.lock.lock().await;
        // a poll may have got there first: apply only what is beyond the stored cursor
        let cursor = self.inner.mirror.sync_state().await?.cursor.unwrap_or(0);
        let fresh: Vec<Gebeurtenis> = batch
            .iter()
            .filter(|e| e.volgnummer > cursor)
            .cloned()
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let mut report = SyncReport::default();
        let r = self.apply_events(&fresh, last, &mut report).await;
        self.after(&r);
        r
    }

    /// The document's bytes on this machine, downloading them first when needed (verified
    /// against `documentHash`). Offline, a cached copy is still returned.
    pub async fn document_bestand(
        &self,
        document_id: Uuid,
        progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
    ) -> Result<PathBuf> {
        let mirror = &self.inner.mirror;
        let doc = mirror
            .document(document_id)
            .await?
            .ok_or_else(|| ClientError::NotFound("het document staat niet in de spiegel".into()))?;
        let hash = doc.document.document_hash.clone();
        if let Some(c) = mirror.cached_document(document_id).await? {
            if c.sha256 == hash && c.path.exists() {
                return Ok(c.path);
            }
        }
        let dest = mirror.document_cache_path(document_id);
        let dir = dest
            .parent()
            .ok_or_else(|| ClientError::Config("geen map voor documenten".into()))?;
        tokio::fs::create_dir_all(dir).await?;
        // verified bytes go to a staging name first (a sweep leaves recent dot-files alone),
        // then the row is recorded, then the file takes its final name: a sweep by another
        // process can never see a final file without its row
        let staging = dir.join(format!(".{document_id}.staging"));
        // a dropped connection keeps the partial file: try again a few times, resuming
        let mut attempt = 0;
        let got = loop {
            attempt += 1;
            match self
                .inner
                .remote
                .download_document(document_id, &staging, Some(&hash), progress)
                .await
            {
                Err(ClientError::Offline(e)) if attempt < 3 && self.inner.remote.is_reachable() => {
                    tracing::info!(document = %document_id, error = %e, "download interrupted; resuming");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                other => break other?,
            }
        };
        let done = async {
            mirror
                .record_cached_document(document_id, &got.sha256, got.bytes)
                .await?;
            tokio::fs::rename(&staging, &dest).await?;
            Ok::<_, ClientError>(())
        }
        .await;
        if done.is_err() {
            let _ = tokio::fs::remove_file(&staging).await;
        }
        done?;
        Ok(dest)
    }

    /// Download every not yet cached document of the samenwerkingen marked "offline
    /// beschikbaar". Returns how many were downloaded.
    pub async fn cache_offline_documenten(&self) -> Result<usize> {
        let mirror = &self.inner.mirror;
        let mut n = 0;
        for sid in mirror.offline_beschikbaar().await? {
            let Some(detail) = mirror.samenwerking(&sid).await? else {
                continue;
            };
            for d in detail.documenten.iter().filter(|d| !d.cached) {
                self.document_bestand(d.document.document_id, &|_, _| {})
                    .await?;
                n += 1;
            }
        }
        Ok(n)
    }
}

/// Every item of a paged list: `fetch(pagina)` from page 0 until a short or the last page.
pub(crate) async fn all_pages<T, F, Fut>(size: u64, mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Lijst<T>>>,
{
    let mut all = Vec::new();
    for pagina in 0.. {
        let page = fetch(pagina).await?;
        let n = page.items.len() as u64;
        all.extend(page.items);
        if n < size || (pagina + 1) * size >= page.page.total_elements {
            break;
        }
    }
    Ok(all)
}

fn to_value(p: &FullSync) -> Result<serde_json::Value> {
    serde_json::to_value(p).map_err(|e| ClientError::Protocol(e.to_string()))
}

fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| ClientError::Protocol(format!("ongeldig id in de feed: {s}")))
}
