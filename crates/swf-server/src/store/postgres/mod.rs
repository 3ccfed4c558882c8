//! PostgreSQL implementation of [`Store`], for several service instances on one database.
//!
//! The SQL is the SQLite store's: the modules in `store/sql/` are compiled here once more, with
//! `Db = Postgres` and `Backend = PgStore` (see the SQLite module for the list). This file keeps
//! what is PostgreSQL's own (D48–D50):
//! - **one writer at a time, across instances**: every write transaction starts by taking a
//!   transaction-level advisory lock ([`WRITE_LOCK`]), so the read-then-write steps inside one
//!   use case see what SQLite's single writer connection guarantees; an instance's writes that
//!   queue meanwhile share its transaction, each in a savepoint (group commit, D73, `link`);
//! - **feed volgnummers** from the `gebeurtenis` counter row, incremented in the writing
//!   transaction (gap-free, in commit order; a sequence is neither);
//! - **wake-ups across instances**: each commit sends `NOTIFY swf_wijzigingen`; every instance
//!   LISTENs and ticks its [`Store::changes`]. The feed table stays the truth: a lost notification
//!   (a dropped listener connection) only delays a stream until its next check of the database.
// The SQL modules in `store/sql/` are compiled once per backend, on purpose (D48).
#![allow(clippy::duplicate_mod)]
use super::group::{Group, WriteTx};
use super::*;
use async_trait::async_trait;
use link::PgLink;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{ConnectOptions, PgConnection, PgPool, Postgres, QueryBuilder, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::watch::Sender;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock every write transaction holds until it ends ("swf" + 1).
pub const WRITE_LOCK: i64 = 0x0073_7766_0001;
/// The channel of the commit notifications.
pub const CHANNEL: &str = "swf_wijzigingen";
/// The channel on which the database says a token may have ended (triggers, D74).
pub const TOKENS_CHANNEL: &str = "swf_tokens";
/// The write generation's bump, as the last part of a write's last statement's WITH list.
const GENERATION_NOTIFY_CTE: &str =
    "g AS (UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'generatie')";
/// Bound values per statement: PostgreSQL takes at most 65 535; a change's own statement
/// binds far fewer than the margin left.
const MAX_BINDS: usize = 60_000;

#[derive(Clone)]
pub struct PgStore {
    /// The shared pool: reads, and writes outside the collaboration data.
    reader: PgPool,
    /// Connections that keep one plan per statement, for the overview (D69).
    overview: PgPool,
    /// The instance's writer connection, whose writes share commits (D73).
    group: Arc<Group<PgLink>>,
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// [`Store::token_epoch`]: 0 while not listening.
    tokens: Arc<AtomicU64>,
}

#[cfg(test)]
mod group_tests;
mod link;

/// The database the shared SQL modules are compiled for.
type Db = Postgres;
type DbRow = sqlx::postgres::PgRow;
/// The store the shared SQL modules are compiled for.
type Backend = PgStore;
/// A write transaction as the shared SQL modules see it.
type Tx = PgTx;

/// A write transaction: a change to the collaboration data in its savepoint of the instance's
/// group (holding the write lock), or a write outside it on a pooled connection.
pub enum PgTx {
    Locked(WriteTx<PgLink>),
    Plain(Transaction<'static, Postgres>),
}

impl std::ops::Deref for PgTx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            PgTx::Locked(w) => w,
            PgTx::Plain(t) => t,
        }
    }
}

impl std::ops::DerefMut for PgTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            PgTx::Locked(w) => w,
            PgTx::Plain(t) => t,
        }
    }
}

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
            .connect_with(opts.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let gevuld = samenwerkingen::weergave_aanvullen(&mut *pool.acquire().await?).await?;
        if gevuld > 0 {
            tracing::info!(
                samenwerkingen = gevuld,
                "overview rendering filled in (D80)"
            );
        }
        // the overview's own connections (D69): each plans the overview's statement once and
        // keeps that plan. On the shared pool PostgreSQL plans it anew on every execution: the
        // plan made without the parameters' values is the same one, but its estimated cost
        // counts `LIMIT $n` as a tenth of the rows, so it never wins, and planning cost more
        // than running it. Only for statements whose generic plan is known good: on a list
        // whose best plan depends on that estimate (the notifications) it picks a sort of
        // every row.
        let overview = PgPoolOptions::new()
            .max_connections((max_connections / 4).max(2))
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            // Memoize off: its cache of samenwerkingen by key never hits on a page (each
            // membership is of another samenwerking), and setting it up cost more than the
            // lookups it saves (D77)
            .connect_lazy_with(opts.clone().options([
                ("plan_cache_mode", "force_generic_plan"),
                ("enable_memoize", "off"),
            ]));
        let (changes, _) = tokio::sync::watch::channel(0u64);
        let changes = Arc::new(changes);
        let tokens = Arc::new(AtomicU64::new(0));
        let listener = PgListener::connect_with(&pool).await?;
        tokio::spawn(listen(
            listener,
            Arc::downgrade(&changes),
            Arc::downgrade(&tokens),
        ));
        // the writer's socket belongs to the writers' thread (D86)
        let runtime = link::writer_runtime().map_err(sqlx::Error::Io)?;
        let connect = opts.clone();
        let writer = runtime
            .spawn(async move { connect.connect().await })
            .await
            .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))??;
        Ok(PgStore {
            overview,
            reader: pool,
            group: Group::new(PgLink::new(opts, runtime), writer, changes.clone()),
            changes,
            tokens,
        })
    }

    /// The connections the overview is read on (D69).
    fn overview_reader(&self) -> &PgPool {
        &self.overview
    }

    /// The connection pool (for `/ready` and the metrics).
    pub fn pool(&self) -> &PgPool {
        &self.reader
    }

    /// A write transaction of a change to the collaboration data: the instance's writer (its
    /// writes wait for each other in memory, D70), in the group's transaction, which holds the
    /// write lock until it ends, and a savepoint of this write's own (D73).
    async fn begin(&self) -> Result<Tx> {
        Ok(PgTx::Locked(self.group.begin().await?))
    }

    /// Commit a write transaction, bumping the write generation and notifying the other
    /// instances in it (a notification is delivered only if the transaction commits); then
    /// wake this instance's live feed.
    async fn commit(&self, tx: Tx) -> Result<()> {
        self.commit_effects(tx, None, &Effects::default()).await
    }

    /// Write a change's own last statement (if any) and its effects in its transaction, and
    /// commit it. All of it is one statement (D70) — every round trip here is made holding the
    /// write lock that every instance's writes wait for — unless it binds more values than a
    /// statement takes: then as few statements as hold them.
    async fn commit_effects(&self, tx: Tx, own: Option<Statement<'_>>, fx: &Effects) -> Result<()> {
        let statements = statements(own, fx)?;
        self.commit_statements(tx, statements).await
    }

    /// Send a change's statements in its transaction and commit it.
    async fn commit_statements(
        &self,
        mut tx: Tx,
        statements: Vec<(String, PgArguments)>,
    ) -> Result<()> {
        for (sql, args) in statements {
            sqlx::query_with(&sql, args).execute(&mut *tx).await?;
        }
        match tx {
            // the savepoint stays until the group commits (a round trip less); the live feed
            // is woken after the commit
            PgTx::Locked(w) => self.group.commit(w, false, true).await,
            PgTx::Plain(t) => {
                t.commit().await?;
                self.changes.send_modify(|n| *n = n.wrapping_add(1));
                Ok(())
            }
        }
    }

    /// A change that is one statement and its effects, nothing before it (D75): when that is
    /// one statement, it joins the instance's group without a savepoint of its own.
    async fn commit_alone(&self, own: Statement<'_>, fx: &Effects) -> Result<()> {
        let mut statements = statements(Some(own), fx)?;
        if statements.len() == 1 {
            if let Some(one) = statements.pop() {
                return self.group.write_alone(one, true).await;
            }
        }
        // more values than one statement takes: a write with a savepoint, as any other
        let tx = self.begin().await?;
        self.commit_statements(tx, statements).await
    }

    /// A write transaction outside the collaboration data (accounts, tokens, counters): no
    /// write lock, no feed.
    async fn begin_plain(&self) -> Result<Tx> {
        Ok(PgTx::Plain(self.reader.begin().await?))
    }

    /// Commit a [`Self::begin_plain`] transaction.
    async fn commit_plain(&self, tx: Tx) -> Result<()> {
        match tx {
            PgTx::Locked(w) => self.group.commit(w, false, false).await,
            PgTx::Plain(t) => Ok(t.commit().await?),
        }
    }

    /// One statement outside the collaboration data; the rows it touched.
    async fn write_one<'q>(
        &self,
        q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> Result<u64> {
        Ok(q.execute(&self.reader).await?.rows_affected())
    }
}

/// Tick `changes` for every commit notification, until the store is gone. After a lost
/// connection (notifications may have been missed) it ticks once more when listening again.
/// `tokens` ([`Store::token_epoch`]) takes a new value for every token notification and is 0
/// from a lost connection until a notification shows it is listening again.
async fn listen(mut listener: PgListener, changes: Weak<Sender<u64>>, tokens: Weak<AtomicU64>) {
    if let Err(e) = listener.listen_all([CHANNEL, TOKENS_CHANNEL]).await {
        tracing::warn!(error = %e, "LISTEN failed; streams fall back to checking every second");
        return;
    }
    let mut epoch = 1;
    if let Some(t) = tokens.upgrade() {
        t.store(epoch, Ordering::SeqCst);
    }
    loop {
        let got = tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await;
        let (Some(tx), Some(t)) = (changes.upgrade(), tokens.upgrade()) else {
            return;
        };
        match got {
            // quiet: only look whether the store is still there
            Err(_) => continue,
            Ok(Ok(Some(n))) => {
                // listening (again), or a token may have ended: what was cached is not used
                if n.channel() == TOKENS_CHANNEL || t.load(Ordering::SeqCst) == 0 {
                    epoch += 1;
                    t.store(epoch, Ordering::SeqCst);
                }
                if n.channel() == TOKENS_CHANNEL {
                    continue;
                }
            }
            // the connection was lost and is re-established by the next call
            Ok(Ok(None)) => t.store(0, Ordering::SeqCst),
            Ok(Err(e)) => {
                t.store(0, Ordering::SeqCst);
                tracing::warn!(error = %e, "listening for commits of other instances");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        tx.send_modify(|n| *n = n.wrapping_add(1));
    }
}

impl PgStore {
    fn token_epoch_now(&self) -> Option<u64> {
        Some(self.tokens.load(Ordering::SeqCst)).filter(|e| *e != 0)
    }

    /// The connections in use and idle: the writer, the shared pool and the overview's.
    fn pool_numbers(&self) -> (u32, usize) {
        (
            1 + self.reader.size() + self.overview.size(),
            usize::from(self.group.idle()) + self.reader.num_idle() + self.overview.num_idle(),
        )
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
        .execute(&self.reader)
        .await?;
        Ok(())
    }

    async fn throttle_clear(&self, naam: &str) -> Result<()> {
        sqlx::query("DELETE FROM aanmeldpogingen WHERE naam = $1")
            .bind(naam)
            .execute(&self.reader)
            .await?;
        Ok(())
    }
}

/// A change's own last statement (if any) and its effects as statements with their bound
/// values: one `WITH` statement, or as few as hold its values (each with one part of feed
/// events at most); the last bumps the generation and notifies the other instances.
fn statements(own: Option<Statement<'_>>, fx: &Effects) -> Result<Vec<(String, PgArguments)>> {
    let announced = announcements(fx);
    let feed = feed_of(fx, &announced);
    let parts: Vec<Part<'_>> = own
        .map(Part::Own)
        .into_iter()
        .chain(
            fx.notificaties
                .chunks(ROWS_PER_INSERT)
                .map(Part::Notificaties),
        )
        .chain(fx.audit.iter().map(Part::Audit))
        .chain(feed.chunks(ROWS_PER_INSERT).map(Part::Feed))
        .collect();
    let packed = pack(&parts, MAX_BINDS);
    let last = packed.len() - 1;
    let mut out = Vec::with_capacity(packed.len());
    for (i, parts) in packed.iter().enumerate() {
        let mut q = QueryBuilder::<Postgres>::new("WITH ");
        for (n, part) in parts.iter().enumerate() {
            part.push(&mut q, n);
            q.push(", ");
        }
        if i == last {
            q.push(GENERATION_NOTIFY_CTE)
                .push(format_args!(" SELECT pg_notify('{CHANNEL}', '')"));
        } else {
            q.push("e AS (SELECT 1) SELECT 1");
        }
        let mut query = q.build();
        let args = sqlx::Execute::take_arguments(&mut query)
            .map_err(sqlx::Error::Encode)?
            .unwrap_or_default();
        out.push((sqlx::Execute::sql(&query).to_owned(), args));
    }
    Ok(out)
}

/// A piece of a change's last statement: its own statement, or some of its effects.
#[derive(Clone, Copy)]
enum Part<'a> {
    Own(Statement<'a>),
    Notificaties(&'a [NotificatieRow]),
    Audit(&'a NewAudit),
    Feed(&'a [&'a NewGebeurtenis]),
}

impl<'a> Part<'a> {
    /// The values it binds (a change's own statement binds a few dozen at most).
    fn binds(&self) -> usize {
        match self {
            Part::Own(_) => 200,
            Part::Notificaties(rows) => rows.len() * 14,
            Part::Audit(_) => 10,
            Part::Feed(events) => events.len() * 8 + 2,
        }
    }

    /// Add it to a WITH list as its `n`th part.
    fn push(&self, q: &mut QueryBuilder<'a, Postgres>, n: usize) {
        match *self {
            Part::Feed(events) => return push_gebeurtenissen(q, events),
            _ => q.push(format_args!("w{n} AS (")),
        };
        match *self {
            Part::Own(own) => own(q),
            Part::Notificaties(rows) => push_notificaties(q, rows),
            Part::Audit(a) => historie::push_audit(q, a),
            Part::Feed(_) => {}
        }
        q.push(")");
    }
}

/// The parts in order, as statements: as many parts a statement as bind at most `max_binds`
/// values together, and at most one part of feed events (its counter row is updated once a
/// statement). Always one statement at least (the last one bumps the generation).
fn pack<'p, 'a>(parts: &'p [Part<'a>], max_binds: usize) -> Vec<&'p [Part<'a>]> {
    let mut out = Vec::new();
    let (mut start, mut binds, mut feed) = (0, 0, false);
    for (i, part) in parts.iter().enumerate() {
        let is_feed = matches!(part, Part::Feed(_));
        if i > start && (binds + part.binds() > max_binds || (feed && is_feed)) {
            out.push(&parts[start..i]);
            (start, binds, feed) = (i, 0, false);
        }
        binds += part.binds();
        feed |= is_feed;
    }
    out.push(&parts[start..]);
    out
}

/// Feed events, as two parts of a WITH list:
/// they take the next values of the `gebeurtenis` counter, in the order given, whose row this
/// transaction then holds locked until it ends, so volgnummers are gap-free and in commit
/// order (D21, D48). One counter update per statement: PostgreSQL does not update a row twice
/// in one.
fn push_gebeurtenissen<'a>(q: &mut QueryBuilder<'a, Postgres>, events: &[&'a NewGebeurtenis]) {
    let k = events.len() as i64;
    q.push("n AS (UPDATE volgnummers SET waarde = waarde + ")
        .push_bind(k)
        .push(" WHERE naam = 'gebeurtenis' RETURNING waarde), f AS (\
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
        ") AS v (nr, oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig))",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(statements: &[&[Part<'_>]]) -> Vec<String> {
        statements
            .iter()
            .map(|s| {
                s.iter()
                    .map(|p| match p {
                        Part::Own(_) => 'o',
                        Part::Notificaties(_) => 'n',
                        Part::Audit(_) => 'a',
                        Part::Feed(_) => 'f',
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_change_is_one_statement_until_its_values_or_feed_counters_need_more() {
        let own: Statement<'_> = &|_q| {};
        let no_events: &[&NewGebeurtenis] = &[];
        let (o, f) = (Part::Own(own), Part::Feed(no_events));
        // nothing but the generation: one statement still
        assert_eq!(kinds(&pack(&[], 1000)), vec![""]);
        // everything fits: one
        assert_eq!(kinds(&pack(&[o, o, f], 1000)), vec!["oof"]);
        // the bound values decide where a statement ends (200 each here)
        assert_eq!(kinds(&pack(&[o, o, o, o, o], 450)), vec!["oo", "oo", "o"]);
        // a part larger than a statement takes still goes, on its own
        assert_eq!(kinds(&pack(&[o, o], 100)), vec!["o", "o"]);
        // the feed counter is updated once a statement
        assert_eq!(kinds(&pack(&[o, f, f, f], 1000)), vec!["of", "f", "f"]);
    }
}
