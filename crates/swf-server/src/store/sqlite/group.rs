//! SQLite's side of group commit (`store/group.rs`, D66): one writer connection, opened with
//! `BEGIN IMMEDIATE`; a write releases its savepoint before it joins its group (its last
//! statement can, `SqliteStore::commit_effects`), so at most one savepoint `w` is open.
use crate::store::group::Link;
use async_trait::async_trait;
use sqlx::{Executor, SqliteConnection};

/// SQLite's [`Link`].
pub(super) struct SqliteLink;

#[async_trait]
impl Link for SqliteLink {
    type Conn = SqliteConnection;
    /// Flags set before the round trip; `undo` finds out what a cut-off left (a `BEGIN`
    /// in the task would cost every write a hop through the scheduler holding the writer).
    const BEGIN_IN_TASK: bool = false;
    /// None: SQLite's savepoints cost no round trip to a server, so every write makes one
    /// (`SqliteStore::write_alone` is a write like any other).
    type Stmt = std::convert::Infallible;

    async fn exec(
        &self,
        _conn: &mut SqliteConnection,
        stmt: &std::convert::Infallible,
    ) -> std::result::Result<(), sqlx::Error> {
        match *stmt {}
    }

    async fn open(
        &self,
        conn: &mut SqliteConnection,
        _failed: bool,
    ) -> std::result::Result<(), sqlx::Error> {
        conn.execute("BEGIN IMMEDIATE; SAVEPOINT w").await.map(drop)
    }

    async fn run(
        &self,
        conn: &mut SqliteConnection,
        sql: &str,
    ) -> std::result::Result<(), sqlx::Error> {
        conn.execute(sql).await.map(drop)
    }

    /// Without its savepoint, the write was cut off after releasing it (then it is kept,
    /// unanswered, like a write whose caller left during the commit) — or the shared
    /// transaction is gone: `BEGIN`, which SQLite refuses inside a transaction, tells which.
    async fn undo(
        &self,
        conn: &mut SqliteConnection,
        open: bool,
    ) -> std::result::Result<(), sqlx::Error> {
        let Err(e) = conn.execute("ROLLBACK TO w; RELEASE w").await else {
            return Ok(());
        };
        let in_transaction = match conn.execute("BEGIN").await {
            Ok(_) => false,
            Err(begin) => begin.to_string().contains("within a transaction"),
        };
        if in_transaction && open {
            Ok(())
        } else {
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;
    use super::*;
    use crate::store::group::{Group, WriteTx};
    use crate::store::{Result, StoreError};
    use std::sync::Arc;
    use std::time::Duration;

    async fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteStore::open(&dir.path().join("swf.sqlite"))
            .await
            .unwrap();
        (dir, db)
    }

    /// A store whose writer is held by a first write (which inserted `T-0`), for others to
    /// queue behind.
    async fn held() -> (
        tempfile::TempDir,
        SqliteStore,
        Arc<Group<SqliteLink>>,
        WriteTx<SqliteLink>,
    ) {
        let (dir, db) = store().await;
        let group = db.writer.clone();
        let mut first = group.begin().await.unwrap();
        insert(&mut first, "T-0").await;
        (dir, db, group, first)
    }

    /// Wait (bounded) until `n` tasks wait for the writer.
    async fn until_waiting(group: &Group<SqliteLink>, n: usize) {
        for _ in 0..5000 {
            if group.waiting() == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("{n} waiting writes expected");
    }

    /// A step that must end: a test that would hang fails instead.
    async fn within<T>(step: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), step)
            .await
            .expect("ended within 10 s")
    }

    async fn insert(tx: &mut WriteTx<SqliteLink>, oin: &str) {
        sqlx::query("INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES ($1, 'x', 'gemeente', 0)")
            .bind(oin)
            .execute(&mut **tx)
            .await
            .unwrap();
    }

    /// The organisations the readers see, in order.
    async fn kept(db: &SqliteStore) -> Vec<String> {
        sqlx::query_as::<_, (String,)>(
            "SELECT oin FROM organisaties WHERE oin LIKE 'T-%' ORDER BY oin",
        )
        .fetch_all(&db.reader)
        .await
        .unwrap()
        .into_iter()
        .map(|(o,)| o)
        .collect()
    }

    /// Writes that start at once, each inserting one organisation.
    fn queue(db: &SqliteStore, oins: Vec<String>) -> Vec<tokio::task::JoinHandle<Result<()>>> {
        oins.into_iter()
            .map(|oin| {
                let group = db.writer.clone();
                tokio::spawn(async move {
                    let mut tx = group.begin().await?;
                    insert(&mut tx, &oin).await;
                    group.commit(tx, true, false).await
                })
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_that_queue_share_one_commit_and_are_all_kept() {
        let (_dir, db, group, first) = held().await;
        let before = group.commits();
        let queued = queue(&db, (1..=10).map(|i| format!("T-{i:02}")).collect());
        until_waiting(&group, 10).await;
        // the first write joins the group: the writes behind it are done in its transaction
        let first = tokio::spawn({
            let group = group.clone();
            async move { group.commit(first, true, false).await }
        });
        within(first).await.unwrap().unwrap();
        for w in queued {
            within(w).await.unwrap().unwrap();
        }
        // every acknowledged write is visible, and they took one commit (one fsync)
        assert_eq!(kept(&db).await.len(), 11);
        assert_eq!(group.commits() - before, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_write_in_a_group_is_undone_and_the_others_are_kept() {
        let (_dir, db, group, first) = held().await;
        // the second write fails after its insert (dropped without commit), the third succeeds
        let failing = tokio::spawn({
            let group = group.clone();
            async move {
                let mut tx = group.begin().await.unwrap();
                insert(&mut tx, "T-1").await;
                drop(tx);
            }
        });
        until_waiting(&group, 1).await;
        let later = queue(&db, vec!["T-3".into()]);
        until_waiting(&group, 2).await;
        let first = tokio::spawn({
            let group = group.clone();
            async move { group.commit(first, true, false).await }
        });
        within(failing).await.unwrap();
        within(first).await.unwrap().unwrap();
        for w in later {
            within(w).await.unwrap().unwrap();
        }
        assert_eq!(kept(&db).await, ["T-0", "T-3"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_group_whose_transaction_is_lost_fails_every_member_and_keeps_nothing() {
        let (_dir, db, group, first) = held().await;
        // the next write ends the shared transaction under everyone's feet (what SQLite does
        // itself after e.g. a full disk)
        let breaking = tokio::spawn({
            let group = group.clone();
            async move {
                let mut tx = group.begin().await?;
                sqlx::query("ROLLBACK").execute(&mut *tx).await?;
                group.commit(tx, true, false).await
            }
        });
        until_waiting(&group, 1).await;
        let first = within(group.commit(first, true, false)).await;
        assert!(
            matches!(first, Err(StoreError::GroupCommit(_))),
            "the first write is not acknowledged: {first:?}"
        );
        assert!(within(breaking).await.unwrap().is_err());
        assert!(kept(&db).await.is_empty());
        // and the writer works on
        let mut tx = group.begin().await.unwrap();
        insert(&mut tx, "T-9").await;
        group.commit(tx, true, false).await.unwrap();
        assert_eq!(kept(&db).await, ["T-9"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_group_is_committed_when_the_write_it_waited_for_is_abandoned() {
        let (_dir, db, group, first) = held().await;
        // a request that takes the writer next and is then cancelled mid-write
        let (started, mut cancel) = (
            std::sync::Arc::new(tokio::sync::Notify::new()),
            None::<tokio::task::JoinHandle<()>>,
        );
        let abandoned = tokio::spawn({
            let (group, started) = (group.clone(), started.clone());
            async move {
                let mut tx = group.begin().await.unwrap();
                insert(&mut tx, "T-1").await;
                started.notify_one();
                std::future::pending::<()>().await;
            }
        });
        cancel.replace(abandoned);
        until_waiting(&group, 1).await;
        let first = tokio::spawn({
            let group = group.clone();
            async move { group.commit(first, true, false).await }
        });
        started.notified().await;
        if let Some(request) = cancel.take() {
            request.abort();
        }
        // the first write's commit does not wait for a write that will never come
        within(first).await.unwrap().unwrap();
        assert_eq!(kept(&db).await, ["T-0"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_cut_off_after_releasing_its_savepoint_is_kept_with_its_group() {
        let (_dir, db, group, first) = held().await;
        let cut = tokio::spawn({
            let group = group.clone();
            async move {
                let mut tx = group.begin().await.unwrap();
                insert(&mut tx, "T-1").await;
                // the write's last statement ran, its caller is gone before the commit
                sqlx::query("RELEASE w").execute(&mut *tx).await.unwrap();
                drop(tx);
            }
        });
        until_waiting(&group, 1).await;
        within(group.commit(first, true, false)).await.unwrap();
        within(cut).await.unwrap();
        // settled: the group committed, nothing failed, the writer works on
        within(async {
            while kept(&db).await.len() < 2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        let mut tx = within(group.begin()).await.unwrap();
        insert(&mut tx, "T-2").await;
        within(group.commit(tx, true, false)).await.unwrap();
        assert_eq!(kept(&db).await, ["T-0", "T-1", "T-2"]);
    }
}
