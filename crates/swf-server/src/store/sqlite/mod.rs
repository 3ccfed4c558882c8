//! SQLite implementation of [`Store`]: WAL, foreign keys, `synchronous=FULL`, one writer
//! connection (writes are serialised in-process, so no SQLITE_BUSY) and a pool of readers.
//!
//! The SQL is shared with the PostgreSQL store: one module per aggregate in `store/sql/` —
//! `auth` (organisaties, gebruikers, tokens), `samenwerkingen`, `deelnemers`, `documenten`,
//! `actieverzoeken` (with berichten), `notificaties`, `historie` (audit) and `feed`
//! (gebeurtenissen) — plus `common` (the visibility fragments, the list helpers `count`, `rows`,
//! `page`, the ends of every write `finish`/`finish_guarded`, `apply_effects`) and `store_impl`
//! (the one `impl Store`). Each is compiled once per backend, here with `Db = Sqlite` and
//! `Backend = SqliteStore`; the SQL uses `$1`-style parameters, which both drivers accept. This
//! file keeps what is SQLite's own: opening (pragmas, migrations, the writer and reader pools),
//! `begin`/`commit` and how a feed event gets its volgnummer (AUTOINCREMENT, one writer).
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
use sqlx::{QueryBuilder, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

pub mod allocator;

/// The database the shared SQL modules are compiled for.
type Db = Sqlite;
type DbRow = sqlx::sqlite::SqliteRow;
/// The store the shared SQL modules are compiled for.
type Backend = SqliteStore;

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
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(opts.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
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
        let (changes, _) = tokio::sync::watch::channel(0u64);
        Ok(SqliteStore {
            reader,
            writer,
            changes: std::sync::Arc::new(changes),
        })
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin().await?)
    }

    /// Commit a write transaction, bumping the write generation in it; then wake the live feed.
    async fn commit(&self, mut tx: Transaction<'static, Sqlite>) -> Result<()> {
        sqlx::query("UPDATE volgnummers SET waarde = waarde + 1 WHERE naam = 'generatie'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
        Ok(())
    }
}

impl SqliteStore {
    /// The writer's and the readers' connections together.
    fn pool_numbers(&self) -> (u32, usize) {
        (
            self.writer.size() + self.reader.size(),
            self.writer.num_idle() + self.reader.num_idle(),
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
async fn insert_gebeurtenissen(
    tx: &mut Transaction<'static, Sqlite>,
    events: &[&NewGebeurtenis],
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO gebeurtenissen (oin, soort, samenwerking_id, object_id, tijd, document_id, alleen_volledig) ",
    );
    q.push_values(events, |mut row, g| common::push_gebeurtenis(&mut row, g));
    q.build().execute(&mut **tx).await?;
    Ok(())
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
        sqlx::query(
            "INSERT INTO samenwerkingen (id, volgnummer, titel, taal, status, aangemaakt_door, \
             aangemaakt_door_naam, creatie, eind, laatst_aangepast_door, laatst_aangepast_door_naam, \
             laatst_aangepast) VALUES ('SAM-1', 1, 't', 'NL', 'OPEN?', 'x', 'x', 0, 0, 'x', 'x', 0)",
        )
        .execute(&db.writer)
        .await
        .unwrap();
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
}
