//! PostgreSQL's side of group commit (`store/group.rs`, D73): the instance's writer is a
//! connection of its own; the group's transaction opens with `BEGIN` and the write lock every
//! instance's writes take (D48), and the first write's savepoint, in one round trip. A write
//! keeps its savepoint until the group commits (`RELEASE` would be one round trip more each,
//! made holding the lock): savepoints of one name nest, and `ROLLBACK TO w` goes back to the
//! newest, the unfinished write's own.
use super::WRITE_LOCK;
use crate::store::group::Link;
use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions};
use sqlx::{ConnectOptions, Executor, PgConnection};

/// PostgreSQL's [`Link`]: how to connect the writer anew.
pub struct PgLink {
    opts: PgConnectOptions,
    /// The writers' thread (D86).
    runtime: tokio::runtime::Handle,
    /// `BEGIN`, the write lock and the savepoint: a simple query (no parameters, the lock's
    /// number written out).
    open: String,
}

impl PgLink {
    pub(super) fn new(opts: PgConnectOptions, runtime: tokio::runtime::Handle) -> Self {
        PgLink {
            opts,
            runtime,
            open: format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}); SAVEPOINT w"),
        }
    }
}

#[async_trait]
impl Link for PgLink {
    type Conn = PgConnection;
    const BEGIN_IN_TASK: bool = true;
    /// A statement with its bound values, to be sent again if a later one fails (D75).
    type Stmt = (String, PgArguments);

    async fn exec(
        &self,
        conn: &mut PgConnection,
        (sql, args): &(String, PgArguments),
    ) -> Result<(), sqlx::Error> {
        sqlx::query_with(sql.as_str(), args.clone())
            .execute(conn)
            .await
            .map(drop)
    }

    /// After a failed group, or when the first statement fails on a connection that may have
    /// been lost while idle (a restarted database), connect anew: nothing was done yet, and the
    /// old connection's session ends with whatever it held.
    async fn open(&self, conn: &mut PgConnection, failed: bool) -> Result<(), sqlx::Error> {
        if !failed && conn.execute(self.open.as_str()).await.is_ok() {
            return Ok(());
        }
        *conn = self.opts.connect().await?;
        conn.execute(self.open.as_str()).await.map(drop)
    }

    async fn run(&self, conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
        conn.execute(sql).await.map(drop)
    }

    /// Roll back to the write's savepoint, which also ends the aborted state a failed statement
    /// leaves the transaction in. That fails only when the transaction (or the connection) is
    /// gone.
    async fn undo(&self, conn: &mut PgConnection, _open: bool) -> Result<(), sqlx::Error> {
        conn.execute("ROLLBACK TO w; RELEASE w").await.map(drop)
    }

    fn runtime(&self) -> Option<&tokio::runtime::Handle> {
        Some(&self.runtime)
    }
}

/// The thread on which the writers' own tasks run, and whose runtime owns their connections'
/// sockets (D86): one per process, started by the first PostgreSQL store. A write holds the
/// write lock every instance's writes wait for (D48) across its round trips; on the request
/// threads its task would, after each round trip, wait its turn behind the reads.
pub(super) fn writer_runtime() -> std::io::Result<tokio::runtime::Handle> {
    static RUNTIME: std::sync::Mutex<Option<tokio::runtime::Handle>> = std::sync::Mutex::new(None);
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(h) = &*slot {
        return Ok(h.clone());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let handle = rt.handle().clone();
    std::thread::Builder::new()
        .name("swf-pg-writer".into())
        .spawn(move || rt.block_on(std::future::pending::<()>()))?;
    *slot = Some(handle.clone());
    Ok(handle)
}
