//! The local SQLite mirror: everything the app shows comes from here, so an adviser without
//! network still sees every samenwerking, actieverzoek and document it had.
//!
//! Files in the data folder `<dir>`:
//! - `mirror.sqlite`: server-mirrored rows plus the sync state (cursor, full-sync progress, last
//!   synced at, account key). A cache: when it cannot be opened, fails `PRAGMA quick_check` or
//!   was migrated by a newer app, it is moved aside to `mirror.sqlite.kapot-<unix-ts>` and
//!   recreated empty; a full sync fills it again.
//! - `local.sqlite`: local-only state (account, settings, read marks, OS notifications given,
//!   "available offline", the archives made). Precious: when corrupt it is moved aside (never deleted) and the
//!   [`OpenReport`] says so. Its migrations only add (0003 dropped the never-used `jobs`
//!   table); unknown newer ones are ignored.
//! - `documenten/<document-id>`: cached document bytes, one file per document.
//!
//! One pool of connections to `mirror.sqlite` with `local.sqlite` attached as schema `lokaal`, so
//! unread counts can join read marks, and a read-mark change updates the counters in one
//! transaction. Writes use `BEGIN IMMEDIATE` (no lock upgrade, so `busy_timeout` applies).
mod apply;
mod archieven;
mod attendering;
mod local;
mod read;
mod types;

pub use archieven::{ArchiefRegel, NieuwArchiefRegel};
pub use attendering::Claim;
pub use types::*;

use crate::error::{ClientError, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, Transaction};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

static CACHE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/cache");
/// Additive-only: a newer app's extra migrations are ignored so this build can still open it.
static LOCAL_MIGRATOR: Migrator = Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations/local")
};

const MIRROR_FILE: &str = "mirror.sqlite";
const LOCAL_FILE: &str = "local.sqlite";
const DOCUMENTS_DIR: &str = "documenten";
const OPEN_LOCK: &str = "open.lock";
const MAX_CONNECTIONS: u32 = 8;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The local mirror. Cheap to clone (one shared pool).
#[derive(Clone)]
pub struct Mirror {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    dir: PathBuf,
    documents_dir: PathBuf,
}

impl std::fmt::Debug for Mirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

/// Result of checking one database file.
enum Checked {
    Ok,
    /// Unusable; the reason in words.
    Broken(String),
}

impl Mirror {
    /// Open (or create) the mirror in `dir`, setting aside a broken cache or local database.
    pub async fn open(dir: &Path) -> Result<(Mirror, OpenReport)> {
        std::fs::create_dir_all(dir)?;
        let documents_dir = dir.join(DOCUMENTS_DIR);
        std::fs::create_dir_all(&documents_dir)?;
        let cache_path = dir.join(MIRROR_FILE);
        let local_path = dir.join(LOCAL_FILE);
        let mut report = OpenReport::default();
        // Checks, migrations and setting aside run under an exclusive lock: two processes
        // opening the same folder at once (the app and `swf`) would otherwise both migrate.
        let _opening = lock_for_open(&dir.join(OPEN_LOCK)).await?;

        // local.sqlite first: the cache connections attach it.
        if let Checked::Broken(reason) = prepare(&local_path, &LOCAL_MIGRATOR, false).await? {
            let moved = move_aside(&local_path)?;
            tracing::error!(
                reason = %reason,
                moved_to = %moved.display(),
                "local.sqlite is unusable: set aside, starting with empty local state"
            );
            report.local_rebuilt = true;
            report.local_reason = Some(reason);
            report.local_moved_to = Some(moved);
            if let Checked::Broken(again) = prepare(&local_path, &LOCAL_MIGRATOR, false).await? {
                return Err(ClientError::Config(format!(
                    "kan {} niet opnieuw aanmaken: {again}",
                    local_path.display()
                )));
            }
        }

        if let Checked::Broken(reason) = prepare(&cache_path, &CACHE_MIGRATOR, true).await? {
            let moved = move_aside(&cache_path)?;
            tracing::warn!(
                reason = %reason,
                moved_to = %moved.display(),
                "mirror.sqlite is unusable: set aside and recreated empty; a full sync restores it"
            );
            report.mirror_rebuilt = true;
            report.reason = Some(reason);
            report.mirror_moved_to = Some(moved);
            if let Checked::Broken(again) = prepare(&cache_path, &CACHE_MIGRATOR, true).await? {
                return Err(ClientError::Config(format!(
                    "kan {} niet opnieuw aanmaken: {again}",
                    cache_path.display()
                )));
            }
        }

        let local_str = local_path
            .to_str()
            .ok_or_else(|| {
                ClientError::Config(format!(
                    "de map {} heeft een naam die geen UTF-8 is",
                    dir.display()
                ))
            })?
            .to_owned();
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .after_connect(move |conn, _meta| {
                let local = local_str.clone();
                Box::pin(async move {
                    sqlx::query("ATTACH DATABASE ? AS lokaal")
                        .bind(local)
                        .execute(&mut *conn)
                        .await?;
                    sqlx::query("PRAGMA lokaal.synchronous = NORMAL")
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
            .connect_with(connect_options(&cache_path))
            .await?;

        let mirror = Mirror {
            inner: Arc::new(Inner {
                pool,
                dir: dir.to_path_buf(),
                documents_dir,
            }),
        };
        report.documents_swept = mirror.sweep_documents().await?;
        Ok((mirror, report))
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Checkpoint both WAL files into the databases, then close all connections. Clones become
    /// unusable. (Without the explicit checkpoint, connections closing at the same moment may
    /// each leave the WAL for the next start.)
    pub async fn close(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.inner.pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint at close failed");
        }
        self.inner.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.inner.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.inner.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Where the bytes of a document are (or will be) cached. Write to a temporary name in the
    /// same folder and rename, then call [`Mirror::record_cached_document`].
    pub fn document_cache_path(&self, id: Uuid) -> PathBuf {
        self.inner.documents_dir.join(id.to_string())
    }

    /// Remove files in `documenten/` that have no cached-document row (left by a crash, a
    /// purge whose file removal failed, or a rebuilt mirror). Run at start-up by `open`; do not
    /// run it while downloads are in flight. Returns how many were removed.
    pub async fn sweep_documents(&self) -> Result<usize> {
        let known: HashSet<String> =
            sqlx::query_scalar::<_, String>("SELECT document_id FROM gecachte_documenten")
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .collect();
        let mut removed = 0;
        for entry in std::fs::read_dir(&self.inner.documents_dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let keep = name.to_str().is_some_and(|n| known.contains(n));
            if keep || !entry.file_type()?.is_file() {
                continue;
            }
            // a download (of this or another process) may be writing a temp file: leave
            // recent ones alone
            let temp = name.to_str().is_some_and(|n| n.starts_with('.'));
            let recent = temp
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age < Duration::from_secs(600));
            if recent {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        if removed > 0 {
            tracing::info!(removed, "removed cached document files without a row");
        }
        Ok(removed)
    }

    /// Remove cached files after a commit; a failure is logged (the next sweep retries).
    pub(crate) fn remove_document_files(&self, ids: &[String]) {
        for id in ids {
            let path = self.inner.documents_dir.join(id);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "could not remove cached document")
                }
            }
        }
    }
}

/// An exclusive advisory lock on `path`, released when the file is dropped (or the process
/// dies). Waits up to 30 s for another process to finish opening.
async fn lock_for_open(path: &Path) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(ClientError::Config(format!(
                    "een ander programma houdt {} bezet",
                    path.display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
    }
}

fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
}

/// SQLITE_CORRUPT or SQLITE_NOTADB (primary codes): the file is damaged, not merely busy or
/// unreadable for lack of rights.
fn is_corrupt(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 11 | 26)),
        _ => false,
    }
}

/// Open one database file on a single connection, check it and run its migrations.
/// `Ok(Broken)` = damaged or incompatible (the caller sets it aside); `Err` = a problem moving the
/// file would not solve (locked, no rights, disk full).
async fn prepare(path: &Path, migrator: &Migrator, newer_is_broken: bool) -> Result<Checked> {
    let mut conn = match SqliteConnection::connect_with(&connect_options(path)).await {
        Ok(c) => c,
        Err(e) if is_corrupt(&e) => return Ok(Checked::Broken(format!("openen mislukt: {e}"))),
        Err(e) => return Err(e.into()),
    };
    let checked = match check(&mut conn, migrator, newer_is_broken).await {
        Err(ClientError::Db(e)) if is_corrupt(&e) => Ok(Checked::Broken(e.to_string())),
        other => other,
    };
    // Close before a caller renames the file (Windows cannot rename open files).
    let closed = conn.close().await;
    let checked = checked?;
    if matches!(checked, Checked::Ok) {
        closed?;
    }
    Ok(checked)
}

async fn check(
    conn: &mut SqliteConnection,
    migrator: &Migrator,
    newer_is_broken: bool,
) -> Result<Checked> {
    let quick: Vec<String> = match sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => rows,
        Err(e) if is_corrupt(&e) => return Ok(Checked::Broken(format!("quick_check: {e}"))),
        Err(e) => return Err(e.into()),
    };
    if quick.first().map(String::as_str) != Some("ok") {
        return Ok(Checked::Broken(format!(
            "quick_check: {}",
            quick.into_iter().take(3).collect::<Vec<_>>().join("; ")
        )));
    }
    if newer_is_broken {
        let has_table: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&mut *conn)
        .await?;
        if has_table {
            let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
                .fetch_all(&mut *conn)
                .await?;
            if let Some(v) = applied.iter().find(|v| !migrator.version_exists(**v)) {
                return Ok(Checked::Broken(format!(
                    "gemaakt door een nieuwere versie van de app (migratie {v})"
                )));
            }
        }
    }
    match migrator.run(&mut *conn).await {
        Ok(()) => Ok(Checked::Ok),
        Err(MigrateError::Execute(e)) | Err(MigrateError::ExecuteMigration(e, _))
            if is_corrupt(&e) =>
        {
            Ok(Checked::Broken(format!("migreren: {e}")))
        }
        // A changed or half-applied migration: fine to drop for the cache, never for local state.
        Err(
            e @ (MigrateError::VersionMissing(_)
            | MigrateError::VersionMismatch(_)
            | MigrateError::Dirty(_)),
        ) if newer_is_broken => Ok(Checked::Broken(format!("migreren: {e}"))),
        Err(e) => Err(e.into()),
    }
}

/// Move `path` and its `-wal`/`-shm` to `<path>.kapot-<unix-ts>[-n]`; returns the new main path.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let ts = Utc::now().timestamp();
    let base = path.as_os_str().to_owned();
    let mut n = 0u32;
    let target = loop {
        let mut t = base.clone();
        t.push(format!(".kapot-{ts}"));
        if n > 0 {
            t.push(format!("-{n}"));
        }
        let t = PathBuf::from(t);
        if !t.exists() {
            break t;
        }
        n += 1;
    };
    for suffix in ["", "-wal", "-shm"] {
        let mut from = base.clone();
        from.push(suffix);
        let mut to = target.as_os_str().to_owned();
        to.push(suffix);
        match std::fs::rename(&from, &to) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(target)
}

/// Timestamps are stored as fixed-width UTC text so text order is time order.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| decode_error(format!("tijdstip {s:?}: {e}")))
}

/// A stored value this build cannot read back.
pub(crate) fn decode_error(msg: impl Into<String>) -> ClientError {
    ClientError::Db(sqlx::Error::Decode(msg.into().into()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(data: &str) -> Result<T> {
    serde_json::from_str(data).map_err(|e| ClientError::Db(sqlx::Error::Decode(Box::new(e))))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| ClientError::Db(sqlx::Error::Encode(Box::new(e))))
}
