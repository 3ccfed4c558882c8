//! SQLite implementation of [`Store`]: WAL, foreign keys, `synchronous=FULL`, one writer
//! connection (writes are serialised in-process, so no SQLITE_BUSY; the writes that queue for it
//! share a commit, `group`, D66) and a pool of readers.
//!
//! The SQL is shared with the PostgreSQL store: one module per aggregate in `store/sql/` —
//! `auth` (organisaties, gebruikers, tokens), `samenwerkingen`, `deelnemers`, `documenten`,
//! `actieverzoeken` (with berichten), `notificaties`, `historie` (audit) and `feed`
//! (gebeurtenissen) — plus `common` (the visibility fragments, the list helpers `count`, `rows`,
//! `page`, the ends of every write `finish`/`finish_guarded`, `apply_effects`) and `store_impl`
//! (the one `impl Store`). Each is compiled once per backend, here with `Db = Sqlite` and
//! `Backend = SqliteStore`; the SQL uses `$1`-style parameters, which both drivers accept. This
//! file keeps what is SQLite's own: opening (pragmas, migrations, the writer and the reader
//! pool), `begin`/`commit` and how a feed event gets its volgnummer (AUTOINCREMENT, one writer).
//!
//! Why the trait impl delegates to free functions (`documenten::list_documenten(self, ..)`) rather
//! than to same-named inherent methods: a trait impl must be one block, and read this way it is
//! the index of where each method's SQL lives; a body that goes missing is a compile error, where
//! a same-named inherent method that went missing would silently make `self.x()` call the trait
//! method again (endless recursion). The free functions take the store as `db`.
// The SQL modules in `store/sql/` are compiled once per backend, on purpose (D48).
#![allow(clippy::duplicate_mod)]
use super::*;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, QueryBuilder, Sqlite, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: std::sync::Arc<super::group::Group<group::SqliteLink>>,
    changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

pub mod allocator;
mod group;

/// The database the shared SQL modules are compiled for.
type Db = Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
/// The store the shared SQL modules are compiled for.
type Backend = SqliteStore;
/// A write transaction as the shared SQL modules see it: the writer connection inside the
/// write's savepoint of a group's transaction.
type Tx = super::group::WriteTx<group::SqliteLink>;

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

/// Every committed change to the collaboration data bumps the write generation (the overview
/// cache's key).
const GENERATION: &str = "UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'generatie'";

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self> {
        let url = format!("sqlite://{}", path.display());
        let opts = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000")
            // every commit empties the other connections' page caches; with the database
            // file mapped they read its pages from the OS cache without a system call each
            // (the mixed load did ~45 preads per write; D63)
            .pragma("mmap_size", "268435456");
        // no ping before each use: the connections are local files, and a ping is a round
        // trip to the connection's worker thread for every query (D63)
        let mut writer = opts.connect().await?;
        // `run_direct`: `run` takes any `Acquire`, and for a borrowed connection that makes
        // this future `Send` for one lifetime only (the desktop app needs it for all)
        MIGRATOR.run_direct(&mut writer).await?;
        // fold the write-ahead log into the database before anyone reads (D68): under steady
        // reads SQLite's own checkpoints cannot restart it, so it grows with every write, and a
        // page whose newest version is in the log is read with a system call each, not from the
        // mapped database file
        let gevuld = samenwerkingen::weergave_aanvullen(&mut writer).await?;
        if gevuld > 0 {
            tracing::info!(
                samenwerkingen = gevuld,
                "overview rendering filled in (D80)"
            );
        }
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut writer)
            .await?;
        let readers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .clamp(2, 8) as u32
            * 2;
        let reader = SqlitePoolOptions::new()
            .max_connections(readers)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(opts.read_only(true))
            .await?;
        let changes = std::sync::Arc::new(tokio::sync::watch::channel(0u64).0);
        Ok(SqliteStore {
            reader,
            writer: super::group::Group::new(group::SqliteLink, writer, changes.clone()),
            changes,
        })
    }

    /// The connections the overview is read on: the readers.
    fn overview_reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// A write transaction of a change to the collaboration data.
    async fn begin(&self) -> Result<Tx> {
        self.writer.begin().await
    }

    /// Commit a write transaction, bumping the write generation in it; once it is durable, wake
    /// the live feed.
    async fn commit(&self, mut tx: Tx) -> Result<()> {
        sqlx::query(GENERATION).execute(&mut *tx).await?;
        self.writer.commit(tx, true, true).await
    }

    /// Write a change's own last statement (if any) and its effects in its transaction, and
    /// commit it. That statement, the notifications, audit lines, feed events, the generation
    /// and the release of the write's savepoint go to the writer in one script: one round trip
    /// instead of one per statement, each of which, on a busy machine, waits for the writer's
    /// thread to get a CPU again while the writer is held (D66).
    async fn commit_effects(
        &self,
        mut tx: Tx,
        own: Option<Statement<'_>>,
        fx: &Effects,
    ) -> Result<()> {
        let announced = announcements(fx);
        let feed = feed_of(fx, &announced);
        let mut q = QueryBuilder::<Sqlite>::new("");
        if let Some(own) = own {
            own(&mut q);
            q.push("; ");
        }
        for chunk in fx.notificaties.chunks(ROWS_PER_INSERT) {
            push_notificaties(&mut q, chunk);
            q.push("; ");
        }
        for a in &fx.audit {
            historie::push_audit(&mut q, a);
            q.push("; ");
        }
        for chunk in feed.chunks(ROWS_PER_INSERT) {
            push_gebeurtenissen(&mut q, chunk);
            q.push("; ");
        }
        q.push(GENERATION).push("; RELEASE w");
        q.build().execute(&mut *tx).await?;
        self.writer.commit(tx, false, true).await
    }

    /// A change that is one statement and its effects, nothing before it: a write like any
    /// other (a savepoint costs SQLite no round trip to a server).
    async fn commit_alone(&self, own: Statement<'_>, fx: &Effects) -> Result<()> {
        let tx = self.begin().await?;
        self.commit_effects(tx, Some(own), fx).await
    }

    /// A write transaction outside the collaboration data (accounts, tokens, counters).
    async fn begin_plain(&self) -> Result<Tx> {
        self.writer.begin().await
    }

    /// Commit a [`Self::begin_plain`] transaction.
    async fn commit_plain(&self, tx: Tx) -> Result<()> {
        self.writer.commit(tx, true, false).await
    }

    /// One statement outside the collaboration data, in a transaction of its own; the rows it
    /// touched.
    async fn write_one<'q>(
        &self,
        q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<u64> {
        let mut tx = self.begin_plain().await?;
        let n = q.execute(&mut *tx).await?.rows_affected();
        self.commit_plain(tx).await?;
        Ok(n)
    }
}

impl SqliteStore {
    /// One process: a token ends through it (which drops it from its cache) or through an
    /// admin command, which the cache's lifetime bounds (D74).
    fn token_epoch_now(&self) -> Option<u64> {
        Some(0)
    }

    /// The writer's and the readers' connections together.
    fn pool_numbers(&self) -> (u32, usize) {
        (
            1 + self.reader.size(),
            usize::from(self.writer.idle()) + self.reader.num_idle(),
        )
    }
}

/// The login throttle: one process, so `crate::auth::LoginThrottle` counts in memory alone.
impl SqliteStore {
    async fn throttle_failures(&self, _naam: &str) -> Result<Option<(i64, i64)>> {
        Ok(None)
    }

    async fn throttle_record(&self, _naam: &str, _now: i64, _window_us: i64) -> Result<()> {
        Ok(())
    }

    async fn throttle_clear(&self, _naam: &str) -> Result<()> {
        Ok(())
    }
}

/// Feed events, in one statement: their volgnummers come from the AUTOINCREMENT column, in the
/// order given; the one writer connection assigns them in commit order (D21).
fn push_gebeurtenissen<'a>(q: &mut QueryBuilder<'a, Sqlite>, events: &[&'a NewGebeurtenis]) {
    q.push(
        "INSERT INTO gebeurtenissen (oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig) ",
    );
    q.push_values(events, |mut row, g| common::push_gebeurtenis(&mut row, g));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value in an enum column that is no wire spelling (a corrupt or hand-edited database)
    /// is a decoding error that names the column and the value: a 500, never a panic.
    #[tokio::test]
    async fn a_corrupt_enum_column_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteStore::open(&dir.path().join("swf.sqlite"))
            .await
            .unwrap();
        let mut tx = db.begin_plain().await.unwrap();
        sqlx::query(
            "INSERT INTO samenwerkingen (id, volgnummer, titel, taal, status, aangemaakt_door, \
             aangemaakt_door_naam, creatie, eind, laatst_aangepast_door, laatst_aangepast_door_naam, \
             laatst_aangepast) VALUES ('SAM-1', 1, 't', 'NL', 'OPEN?', 'x', 'x', 0, 0, 'x', 'x', 0)",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        db.commit_plain(tx).await.unwrap();
        let e = db.get_samenwerking("SAM-1").await.unwrap_err();
        let text = e.to_string();
        assert!(
            matches!(e, StoreError::Db(sqlx::Error::ColumnDecode { .. })),
            "{e:?}"
        );
        assert!(
            text.contains("status") && text.contains("\"OPEN?\" is not a SamenwerkingStatus value"),
            "{text}"
        );
        let answer = crate::error::ApiError::from(e);
        assert_eq!(answer.status, 500);
    }

    /// D80: rows written before the overview's rendering was stored with them (or by an older
    /// instance) get it when the store opens, as the service renders it; a deleted one does not.
    #[tokio::test]
    async fn opening_renders_the_overview_part_of_rows_that_lack_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swf.sqlite");
        let first = SqliteStore::open(&path).await.unwrap();
        let mut tx = first.begin_plain().await.unwrap();
        for (id, status) in [
            ("SAM-1", "OPEN"),
            ("SAM-2", "GESLOTEN"),
            ("SAM-3", "VERWIJDERD"),
        ] {
            sqlx::query(
                "INSERT INTO samenwerkingen (id, volgnummer, titel, taal, status, aangemaakt_door, \
                 aangemaakt_door_naam, creatie, eind, laatst_aangepast_door, laatst_aangepast_door_naam, \
                 laatst_aangepast, versie) VALUES ($1, $2, 'Titel \"x\"', 'NL', $3, '00000001002220647000', \
                 'Gemeente', 1, 2, '00000001002220647000', 'Gemeente', 3, 4)",
            )
            .bind(id)
            .bind(id[4..].parse::<i64>().unwrap())
            .bind(status)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        first.commit_plain(tx).await.unwrap();
        let stored = |db: SqliteStore, id: &'static str| async move {
            sqlx::query_as::<_, (Option<String>, Option<i64>)>(
                "SELECT weergave, weergave_versie FROM samenwerkingen WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&db.reader)
            .await
            .unwrap()
        };
        assert_eq!(stored(first.clone(), "SAM-1").await, (None, None));
        let second = SqliteStore::open(&path).await.unwrap();
        for id in ["SAM-1", "SAM-2"] {
            let row = second.get_samenwerking(id).await.unwrap().unwrap();
            let expected = crate::weergave::gedeeld(&row);
            assert!(expected
                .as_deref()
                .is_some_and(|w| w.contains("Titel \\\"x\\\"")));
            assert_eq!(
                stored(second.clone(), id).await,
                (expected, Some(4)),
                "{id}"
            );
        }
        assert_eq!(stored(second.clone(), "SAM-3").await, (None, None));
    }

    /// D68: a service that opens its database folds the write-ahead log it finds into the
    /// database first (left by a run that stopped hard, or grown under steady reads).
    #[tokio::test]
    async fn opening_folds_the_write_ahead_log_into_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("swf.sqlite");
        let wal = dir.path().join("swf.sqlite-wal");
        let first = SqliteStore::open(&path).await.unwrap();
        for i in 0..50 {
            let mut tx = first.begin_plain().await.unwrap();
            sqlx::query("INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES ($1, 'x', 'gemeente', 0)")
                .bind(format!("W-{i:02}"))
                .execute(&mut *tx)
                .await
                .unwrap();
            first.commit_plain(tx).await.unwrap();
        }
        assert!(
            std::fs::metadata(&wal).unwrap().len() > 0,
            "the writes are in the log"
        );
        // the first store is still open (as after a crash, nobody checkpointed)
        let second = SqliteStore::open(&path).await.unwrap();
        assert_eq!(
            std::fs::metadata(&wal).unwrap().len(),
            0,
            "the log was folded in"
        );
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisaties WHERE oin LIKE 'W-%'")
            .fetch_one(&second.reader)
            .await
            .unwrap();
        assert_eq!(n, 50);
    }
}
