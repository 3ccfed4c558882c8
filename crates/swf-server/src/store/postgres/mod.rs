//! PostgreSQL implementation of [`Store`], for several service instances on one database.
//!
//! The SQL is the SQLite store's: the modules in `store/sql/` are compiled here once more, with
//! `Db = Postgres` and `Backend = PgStore` (see the SQLite module for the list). This file keeps
//! what is PostgreSQL's own (D48–D50):
//! - **one writer at a time, across instances**: every write transaction starts by taking a
//!   transaction-level advisory lock ([`WRITE_LOCK`]), so the read-then-write steps inside one
//!   use case see what SQLite's single writer connection guarantees;
//! - **feed volgnummers** from the `gebeurtenis` counter row, incremented in the writing
//!   transaction (gap-free, in commit order; a sequence is neither);
//! - **wake-ups across instances**: each commit sends `NOTIFY swf_wijzigingen`; every instance
//!   LISTENs and ticks its [`Store::changes`]. The feed table stays the truth: a lost notification
//!   (a dropped listener connection) only delays a stream until its next check of the database.
// The SQL modules in `store/sql/` are compiled once per backend, on purpose (D48).
#![allow(clippy::duplicate_mod)]
use super::*;
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{PgPool, Postgres, QueryBuilder, Transaction};
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock every write transaction holds until it ends ("swf" + 1).
pub const WRITE_LOCK: i64 = 0x0073_7766_0001;
/// The channel of the commit notifications.
pub const CHANNEL: &str = "swf_wijzigingen";

#[derive(Clone)]
pub struct PgStore {
    reader: PgPool,
    writer: PgPool,
    changes: Arc<tokio::sync::watch::Sender<u64>>,
}

/// The database the shared SQL modules are compiled for.
type Db = Postgres;
type DbRow = sqlx::postgres::PgRow;
/// The store the shared SQL modules are compiled for.
type Backend = PgStore;
/// A write transaction as the shared SQL modules see it.
type Tx = Transaction<'static, Postgres>;

#[path = "../sql/macros.rs"]
#[macro_use]
mod macros;
#[path = "../sql/actieverzoeken.rs"]
mod actieverzoeken;
#[path = "../sql/auth.rs"]
mod auth;
#[path = "../sql/common.rs"]
mod common;
#[path = "../sql/deelnemers.rs"]
mod deelnemers;
#[path = "../sql/documenten.rs"]
mod documenten;
#[path = "../sql/feed.rs"]
mod feed;
#[path = "../sql/historie.rs"]
mod historie;
#[path = "../sql/notificaties.rs"]
mod notificaties;
#[path = "../sql/samenwerkingen.rs"]
mod samenwerkingen;
#[path = "../sql/store_impl.rs"]
mod store_impl;
use common::*;

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl PgStore {
    /// Connect (at most `max_connections`), apply the migrations (sqlx holds an advisory lock
    /// while it does, so instances starting together migrate once) and start listening for
    /// the commits of other instances.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url)?.application_name("swf-server");
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(2))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // no ping before each use: one round trip less per statement (sqlx still checks
            // every connection when it comes back to the pool, so a broken one is dropped
            // there; D63)
            .test_before_acquire(false)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        let (changes, _) = tokio::sync::watch::channel(0u64);
        let changes = Arc::new(changes);
        let listener = PgListener::connect_with(&pool).await?;
        tokio::spawn(listen(listener, Arc::downgrade(&changes)));
        Ok(PgStore {
            reader: pool.clone(),
            writer: pool,
            changes,
        })
    }

    /// The connection pool (for `/ready` and the metrics).
    pub fn pool(&self) -> &PgPool {
        &self.writer
    }

    /// A write transaction: waits for the write lock, which it holds until it ends.
    async fn begin(&self) -> Result<Tx> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Commit a write transaction, bumping the write generation and notifying the other
    /// instances in it (a notification is delivered only if the transaction commits); then
    /// wake this instance's live feed.
    async fn commit(&self, mut tx: Tx) -> Result<()> {
        sqlx::query("UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'generatie'")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }

    /// Write a change's own last statement (if any) and its effects in its transaction, and
    /// commit it.
    async fn commit_effects(
        &self,
        mut tx: Tx,
        own: Option<Statement<'_>>,
        fx: &Effects,
    ) -> Result<()> {
        if let Some(own) = own {
            let mut q = QueryBuilder::<Postgres>::new("");
            own(&mut q);
            q.build().execute(&mut *tx).await?;
        }
        apply_effects(&mut tx, fx).await?;
        self.commit(tx).await
    }

    /// A write transaction outside the collaboration data (accounts, tokens, counters): no
    /// write lock, no feed.
    async fn begin_plain(&self) -> Result<Tx> {
        Ok(self.writer.begin().await?)
    }

    /// Commit a [`Self::begin_plain`] transaction.
    async fn commit_plain(&self, tx: Tx) -> Result<()> {
        Ok(tx.commit().await?)
    }

    /// One statement outside the collaboration data; the rows it touched.
    async fn write_one<'q>(
        &self,
        q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<u64> {
        Ok(q.execute(&self.writer).await?.rows_affected())
    }
}

/// Tick `changes` for every commit notification, until the store is gone. After a lost
/// connection (notifications may have been missed) it ticks once more when listening again.
async fn listen(mut listener: PgListener, changes: Weak<tokio::sync::watch::Sender<u64>>) {
    if let Err(e) = listener.listen(CHANNEL).await {
        tracing::warn!(error = %e, "LISTEN failed; streams fall back to checking every second");
        return;
    }
    loop {
        let got = tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await;
        let Some(tx) = changes.upgrade() else {
            return;
        };
        match got {
            // quiet: only look whether the store is still there
            Err(_) => continue,
            Ok(Ok(Some(_))) => {}
            // the connection was lost and is re-established by the next call
            Ok(Ok(None)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "listening for commits of other instances");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        tx.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl PgStore {
    /// The one pool (readers and writers share it).
    fn pool_numbers(&self) -> (u32, usize) {
        (self.writer.size(), self.writer.num_idle())
    }
}

/// The login throttle across instances: one row per user name with recent failures (no write
/// lock needed: each statement is one atomic upsert or delete).
impl PgStore {
    async fn throttle_failures(&self, naam: &str) -> Result<Option<(i64, i64)>> {
        Ok(
            sqlx::query_as("SELECT mislukt, sinds FROM aanmeldpogingen WHERE naam = $1")
                .bind(naam)
                .fetch_optional(&self.reader)
                .await?,
        )
    }

    async fn throttle_record(&self, naam: &str, now: i64, window_us: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO aanmeldpogingen (naam, mislukt, sinds) VALUES ($1, 1, $2) \
             ON CONFLICT (naam) DO UPDATE SET \
             mislukt = CASE WHEN aanmeldpogingen.sinds < $2 - $3 THEN 1 ELSE aanmeldpogingen.mislukt + 1 END, \
             sinds = CASE WHEN aanmeldpogingen.sinds < $2 - $3 THEN $2 ELSE aanmeldpogingen.sinds END",
        )
        .bind(naam)
        .bind(now)
        .bind(window_us)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn throttle_clear(&self, naam: &str) -> Result<()> {
        sqlx::query("DELETE FROM aanmeldpogingen WHERE naam = $1")
            .bind(naam)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

/// Write a change's notifications, audit lines and feed events in its transaction, a
/// statement at a time (the extended protocol takes one statement per query). Rows of a kind
/// go in one multi-row INSERT (D64).
async fn apply_effects(tx: &mut Tx, fx: &Effects) -> Result<()> {
    for chunk in fx.notificaties.chunks(ROWS_PER_INSERT) {
        let mut q = QueryBuilder::<Db>::new("");
        push_notificaties(&mut q, chunk);
        q.build().execute(&mut **tx).await?;
    }
    for a in &fx.audit {
        historie::insert_audit_in(tx, a).await?;
    }
    let announced = announcements(fx);
    let feed = feed_of(fx, &announced);
    for chunk in feed.chunks(ROWS_PER_INSERT) {
        insert_gebeurtenissen(tx, chunk).await?;
    }
    Ok(())
}

/// Feed events, in one statement: they take the next values of the `gebeurtenis` counter, in
/// the order given, whose row this transaction then holds locked until it ends, so volgnummers
/// are gap-free and in commit order (D21, D48).
async fn insert_gebeurtenissen(tx: &mut Tx, events: &[&NewGebeurtenis]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let k = events.len() as i64;
    let mut q =
        QueryBuilder::<Postgres>::new("WITH n AS (UPDATE volgnummers SET waarde = waarde + ");
    q.push_bind(k)
        .push(" WHERE naam = 'gebeurtenis' RETURNING waarde) \
         INSERT INTO gebeurtenissen (volgnummer, oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig) \
         SELECT n.waarde - ")
        .push_bind(k)
        .push(
            " + v.nr, v.oin, v.soort, v.samenwerking_id, v.object_id, v.tijd, v.document_id, v.alleen_volledig \
             FROM n CROSS JOIN (",
        );
    q.push_values(events.iter().zip(1i64..), |mut row, (g, nr)| {
        row.push_bind(nr);
        common::push_gebeurtenis(&mut row, g);
    });
    q.push(
        ") AS v (nr, oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig)",
    );
    q.build().execute(&mut **tx).await?;
    Ok(())
}
