//! Group commit for the one SQLite writer connection (D66).
//!
//! With `synchronous=FULL` every commit waits for an fsync of the WAL, and the one writer holds
//! its connection meanwhile: under load the writes queue behind each other's fsyncs. Here the
//! writes that arrive while the writer is busy share one transaction and one fsync:
//!
//! - [`Group::begin`] takes the writer (in arrival order), opens the shared transaction if none
//!   is open (`BEGIN IMMEDIATE`) and a savepoint for this write.
//! - The write runs its statements on the connection ([`WriteTx`] derefs to it). A write that
//!   fails or is dropped unfinished is undone to its savepoint; the writes before it in the
//!   transaction stay.
//! - [`Group::commit`] releases the savepoint. When other writes are waiting for the writer (and
//!   the group is not full) this write joins the group and waits for its commit; otherwise it
//!   commits the transaction (one fsync for the whole group) and tells every member.
//!
//! A write is acknowledged only after the transaction that holds it is durable, as before; a
//! group fails as a whole (every member gets the error, nothing of it is kept). Feed events keep
//! their volgnummers gap-free and in commit order (D21): they are assigned in the order of the
//! writes, and a write undone to its savepoint takes its AUTOINCREMENT step back with it.
//!
//! Nothing here may leave a group waiting forever, or keep half a write: a write or a waiter
//! that is dropped (its request cancelled) starts [`Group::settle`], which undoes what it left
//! and commits the group when no one else will. A write cut off mid-statement may have made or
//! released its savepoint or not; [`Group::tidy`] finds out which. The commit of a group and the
//! answers to its members run in a task of their own, so a cancelled request cannot stop it
//! between the two. A write costs the writer one round trip for its savepoint, one per
//! statement, and one for its effects with the release of its savepoint
//! (`SqliteStore::commit_effects`); the group one more for its commit.
use super::{Result, StoreError};
use sqlx::{Executor, SqliteConnection};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{oneshot, watch, Mutex, OwnedMutexGuard};

/// At most this many writes share one commit: the first of them waits for all the others.
pub(super) const MAX_GROUP: usize = 32;

type Outcome = std::result::Result<(), Arc<sqlx::Error>>;

/// The writer connection and the state of its shared transaction.
pub(super) struct Writer {
    conn: SqliteConnection,
    /// The shared transaction is open (`BEGIN IMMEDIATE` done, no `COMMIT` yet).
    open: bool,
    /// A write's savepoint `w` is open: its write still runs, or was dropped unfinished (then
    /// the next to take the writer undoes it).
    savepoint: bool,
    /// The writes done in the open transaction, waiting for its commit.
    members: Vec<oneshot::Sender<Outcome>>,
    /// A write in the open transaction asks for the live feed to be woken after the commit.
    wake: bool,
}

/// The one writer, shared by every clone of the store.
pub(super) struct Group {
    writer: Arc<Mutex<Writer>>,
    /// Tasks waiting to take the writer: while there are any, a finished write joins the group
    /// instead of committing.
    waiting: AtomicUsize,
    changes: Arc<watch::Sender<u64>>,
    commits: AtomicUsize,
}

impl Group {
    pub(super) fn new(conn: SqliteConnection, changes: Arc<watch::Sender<u64>>) -> Arc<Self> {
        Arc::new(Group {
            writer: Arc::new(Mutex::new(Writer {
                conn,
                open: false,
                savepoint: false,
                members: Vec::new(),
                wake: false,
            })),
            waiting: AtomicUsize::new(0),
            changes,
            commits: AtomicUsize::new(0),
        })
    }

    /// Whether no write holds the writer now (for the pool metrics).
    pub(super) fn idle(&self) -> bool {
        self.writer.try_lock().is_ok()
    }

    /// How many transactions were committed (each one fsync), for tests and measurements.
    #[cfg(test)]
    pub(super) fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }

    /// Start a write: the writer (in arrival order) with a savepoint for it.
    pub(super) async fn begin(self: &Arc<Self>) -> Result<WriteTx> {
        let guard = self.lock(true).await;
        // from here a cancelled caller drops the WriteTx, which settles whatever it left
        let mut tx = WriteTx {
            guard,
            group: self.clone(),
            done: false,
        };
        tx.group.tidy(&mut tx.guard).await;
        // marked before it is sent: cut off halfway, the next to take the writer finds out
        tx.guard.savepoint = true;
        if tx.guard.open {
            tx.guard.conn.execute("SAVEPOINT w").await?;
        } else {
            tx.guard.open = true;
            tx.guard
                .conn
                .execute("BEGIN IMMEDIATE; SAVEPOINT w")
                .await?;
        }
        Ok(tx)
    }

    /// Finish a write and return once the transaction that holds it is committed. `released`:
    /// the write's last statement released its savepoint already (the write is kept). `wake`:
    /// wake the live feed after the commit.
    pub(super) async fn commit(
        self: &Arc<Self>,
        mut tx: WriteTx,
        released: bool,
        wake: bool,
    ) -> Result<()> {
        if !released {
            // an error drops tx unfinished: the next to take the writer undoes the write (or,
            // when the transaction itself is gone, fails the group)
            tx.guard.conn.execute("RELEASE w").await?;
        }
        tx.guard.savepoint = false;
        tx.guard.wake |= wake;
        tx.done = true;
        if self.waiting.load(Ordering::SeqCst) > 0 && tx.guard.members.len() + 1 < MAX_GROUP {
            let (sender, receiver) = oneshot::channel();
            tx.guard.members.push(sender);
            // hands the writer to the next waiting write, which commits or passes it on
            drop(tx);
            return match receiver.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(StoreError::GroupCommit(e)),
                Err(e) => Err(lost(e)),
            };
        }
        // the commit and the members' answers in a task of its own: a cancelled caller must
        // not stop it between the two
        let group = self.clone();
        tokio::spawn(async move { group.commit_group(&mut tx.guard).await })
            .await
            .map_err(lost)?
    }

    /// Take the writer. `respawn`: if this wait is dropped before it gets the writer (a
    /// cancelled request), start [`Group::settle`]: a write that joined the group because this
    /// one was waiting would otherwise wait for a commit no one makes.
    async fn lock(self: &Arc<Self>, respawn: bool) -> OwnedMutexGuard<Writer> {
        let mut waiter = Waiter {
            group: self.clone(),
            respawn,
        };
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let guard = self.writer.clone().lock_owned().await;
        waiter.respawn = false;
        drop(waiter);
        guard
    }

    /// Undo a write that was dropped unfinished. Without its savepoint, the write was cut off
    /// before making it or after releasing it (then it is kept, unanswered, like a write whose
    /// caller left during the commit) — or the shared transaction is gone (SQLite rolls a whole
    /// transaction back after some errors, e.g. a full disk): then the group fails.
    async fn tidy(&self, w: &mut Writer) {
        if !w.savepoint {
            return;
        }
        let Err(e) = w.conn.execute("ROLLBACK TO w; RELEASE w").await else {
            w.savepoint = false;
            return;
        };
        w.savepoint = false;
        // BEGIN is refused inside a transaction: the shared one is still open
        let in_transaction = match w.conn.execute("BEGIN").await {
            Ok(_) => false,
            Err(begin) => begin.to_string().contains("within a transaction"),
        };
        if !in_transaction || !w.open {
            self.fail_group(w, e).await;
        }
    }

    /// Commit the shared transaction (one fsync) and tell its members.
    async fn commit_group(&self, w: &mut Writer) -> Result<()> {
        match w.conn.execute("COMMIT").await {
            Ok(_) => {
                w.open = false;
                self.commits.fetch_add(1, Ordering::Relaxed);
                for member in w.members.drain(..) {
                    // a member whose caller is gone has nothing to tell
                    let _ = member.send(Ok(()));
                }
                if std::mem::take(&mut w.wake) {
                    self.changes.send_modify(|n| *n = n.wrapping_add(1));
                }
                Ok(())
            }
            Err(e) => Err(StoreError::GroupCommit(self.fail_group(w, e).await)),
        }
    }

    /// Roll the shared transaction back and give every member the error.
    async fn fail_group(&self, w: &mut Writer, e: sqlx::Error) -> Arc<sqlx::Error> {
        if w.members.is_empty() {
            tracing::debug!(error = %e, "SQLite write transaction without members rolled back");
        } else {
            tracing::error!(error = %e, members = w.members.len(), "SQLite write group failed, rolled back");
        }
        if let Err(rollback) = w.conn.execute("ROLLBACK").await {
            // no transaction left to roll back is the usual reason
            tracing::debug!(error = %rollback, "rollback after a failed group");
        }
        w.open = false;
        w.wake = false;
        let e = Arc::new(e);
        for member in w.members.drain(..) {
            let _ = member.send(Err(e.clone()));
        }
        e
    }

    /// After a write or a waiter was dropped: undo what it left, and commit the group unless a
    /// waiting write will.
    async fn settle(self: Arc<Self>) {
        let mut guard = self.lock(false).await;
        self.tidy(&mut guard).await;
        if guard.open && self.waiting.load(Ordering::SeqCst) == 0 {
            // the error went to the members; no one else is waiting for it
            let _ = self.commit_group(&mut guard).await;
        }
    }

    fn spawn_settle(self: &Arc<Self>) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.clone().settle());
        }
    }
}

/// A task whose wait for the writer ended (or was dropped).
struct Waiter {
    group: Arc<Group>,
    respawn: bool,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.group.waiting.fetch_sub(1, Ordering::SeqCst);
        if self.respawn {
            self.group.spawn_settle();
        }
    }
}

/// A write in progress: the writer connection, inside the write's savepoint. Dropped without
/// [`Group::commit`], the write is undone.
pub struct WriteTx {
    guard: OwnedMutexGuard<Writer>,
    group: Arc<Group>,
    done: bool,
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.guard.conn
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.guard.conn
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if !self.done {
            // `savepoint` is still set: whoever takes the writer next undoes this write first
            self.group.spawn_settle();
        }
    }
}

fn lost(e: impl std::fmt::Display) -> StoreError {
    StoreError::GroupCommit(Arc::new(sqlx::Error::Protocol(format!(
        "the write was lost by its task: {e}"
    ))))
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;
    use super::*;
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
    async fn held() -> (tempfile::TempDir, SqliteStore, Arc<Group>, WriteTx) {
        let (dir, db) = store().await;
        let group = db.writer.clone();
        let mut first = group.begin().await.unwrap();
        insert(&mut first, "T-0").await;
        (dir, db, group, first)
    }

    /// Wait (bounded) until `n` tasks wait for the writer.
    async fn until_waiting(group: &Group, n: usize) {
        for _ in 0..5000 {
            if group.waiting.load(Ordering::SeqCst) == n {
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

    async fn insert(tx: &mut WriteTx, oin: &str) {
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
                    group.commit(tx, false, false).await
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
            async move { group.commit(first, false, false).await }
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
            async move { group.commit(first, false, false).await }
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
                group.commit(tx, false, false).await
            }
        });
        until_waiting(&group, 1).await;
        let first = within(group.commit(first, false, false)).await;
        assert!(
            matches!(first, Err(StoreError::GroupCommit(_))),
            "the first write is not acknowledged: {first:?}"
        );
        assert!(within(breaking).await.unwrap().is_err());
        assert!(kept(&db).await.is_empty());
        // and the writer works on
        let mut tx = group.begin().await.unwrap();
        insert(&mut tx, "T-9").await;
        group.commit(tx, false, false).await.unwrap();
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
            async move { group.commit(first, false, false).await }
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
        within(group.commit(first, false, false)).await.unwrap();
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
        within(group.commit(tx, false, false)).await.unwrap();
        assert_eq!(kept(&db).await, ["T-0", "T-1", "T-2"]);
    }
}
