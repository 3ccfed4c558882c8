//! Group commit: the writes of one service instance that queue for its writer connection share
//! one transaction and one commit (D66 for SQLite, D73 for PostgreSQL).
//!
//! A write holds the writer while it runs, so the writes that arrive meanwhile queue. Each
//! commit is a round trip and (durably) an fsync made while the writer is held; on PostgreSQL
//! also while the write lock every instance waits for is held (D48). Here:
//!
//! - [`Group::begin`] takes the writer (in arrival order), opens the shared transaction if none
//!   is open (SQLite `BEGIN IMMEDIATE`; PostgreSQL `BEGIN` and the write lock) and a savepoint
//!   `w` for this write — one round trip. A cancelled request may cut it off halfway: SQLite
//!   finds out afterwards what was done; on PostgreSQL it runs in a task of its own (a `BEGIN`
//!   whose answer nobody read would leave the write lock held with nobody knowing, D70).
//! - The write runs its statements on the connection ([`WriteTx`] derefs to it). A write that
//!   fails or is dropped unfinished is undone to its savepoint; the writes before it in the
//!   transaction stay. (On PostgreSQL a failed statement aborts the transaction; rolling back to
//!   the savepoint is what makes it usable again.)
//! - [`Group::commit`] ends the write. When other writes are waiting for the writer (and the
//!   group is not full) this write joins the group and waits for its commit; otherwise it
//!   commits the transaction and tells every member.
//!
//! A write is acknowledged only after the transaction that holds it is durable, as before; a
//! group fails as a whole (every member gets the error, nothing of it is kept). Feed events keep
//! their volgnummers gap-free and in commit order (D21): they are assigned in the order of the
//! writes, and a write undone to its savepoint takes its step of the counter back with it.
//!
//! Nothing here may leave a group waiting forever, or keep half a write: a write or a waiter
//! that is dropped (its request cancelled) starts [`Group::settle`], which undoes what it left
//! and commits the group when no one else will. The commit of a group and the answers to its
//! members run in a task of their own, so a cancelled request cannot stop it between the two.
//! What is each engine's own is a [`Link`]: how the transaction opens, how a write is undone,
//! and whether opening runs in a task of its own. Whether a write releases its savepoint before
//! it joins its group is the store's choice ([`Group::commit`]).
use super::{Result, StoreError};
use async_trait::async_trait;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::{oneshot, watch, Mutex, OwnedMutexGuard};

/// At most this many writes share one commit: the first of them waits for all the others. (On
/// PostgreSQL each write's savepoint is a subtransaction; a transaction keeps up to 64 of them
/// in shared memory before every snapshot in the database gets slower.)
pub(super) const MAX_GROUP: usize = 32;

type Outcome = std::result::Result<(), Arc<sqlx::Error>>;

/// What a database engine does its own way in a group.
#[async_trait]
pub trait Link: Send + Sync + 'static {
    /// The writer connection.
    type Conn: Send + 'static;
    /// Whether opening the transaction or a savepoint runs in a task of its own, so that a
    /// cancelled request cannot cut it off halfway ([`WriteTx::start`]).
    const BEGIN_IN_TASK: bool;
    /// Open the shared transaction and a first savepoint `w`, in one round trip. `failed`: the
    /// last group on `conn` failed (the connection may be gone: PostgreSQL connects anew).
    async fn open(
        &self,
        conn: &mut Self::Conn,
        failed: bool,
    ) -> std::result::Result<(), sqlx::Error>;
    /// Run statements without parameters.
    async fn run(&self, conn: &mut Self::Conn, sql: &str) -> std::result::Result<(), sqlx::Error>;
    /// Undo a write that was dropped unfinished, to its savepoint (which may have been released
    /// already, if the write's last statement released it). `Err`: the shared transaction is
    /// gone (`open`: it should be open) — the group fails.
    async fn undo(&self, conn: &mut Self::Conn, open: bool)
        -> std::result::Result<(), sqlx::Error>;
    /// A write that is one statement, kept to be sent again ([`Group::write_alone`]).
    type Stmt: Send + Sync + 'static;
    /// Send such a statement.
    async fn exec(
        &self,
        conn: &mut Self::Conn,
        stmt: &Self::Stmt,
    ) -> std::result::Result<(), sqlx::Error>;
    /// Where the group's own tasks (open, one-statement writes, commit, settle) run: `None`,
    /// on the caller's runtime; PostgreSQL: a thread of their own (D86).
    fn runtime(&self) -> Option<&tokio::runtime::Handle> {
        None
    }
}

/// The writer connection and the state of its shared transaction.
pub(super) struct Writer<L: Link> {
    conn: L::Conn,
    /// The shared transaction is open (begun, no `COMMIT` yet).
    open: bool,
    /// A write's savepoint `w` is open: its write still runs, or was dropped unfinished (then
    /// the next to take the writer undoes it).
    savepoint: bool,
    /// The last group failed: the connection may be gone.
    failed: bool,
    /// The newest savepoint `w` comes after every write in the transaction but those in `log`:
    /// a write that is one statement may go without a savepoint of its own.
    fresh: bool,
    /// The one-statement writes since the newest savepoint, in order: after one of them fails,
    /// the transaction goes back to that savepoint and these are sent again.
    log: Vec<L::Stmt>,
    /// The writes done in the open transaction, waiting for its commit.
    members: Vec<oneshot::Sender<Outcome>>,
    /// A write in the open transaction asks for the live feed to be woken after the commit.
    wake: bool,
}

/// The one writer of an instance, shared by every clone of the store.
pub(super) struct Group<L: Link> {
    link: L,
    writer: Arc<Mutex<Writer<L>>>,
    /// Tasks waiting to take the writer: while there are any, a finished write joins the group
    /// instead of committing.
    waiting: AtomicUsize,
    changes: Arc<watch::Sender<u64>>,
    commits: AtomicUsize,
}

impl<L: Link> Group<L> {
    pub(super) fn new(link: L, conn: L::Conn, changes: Arc<watch::Sender<u64>>) -> Arc<Self> {
        Arc::new(Group {
            link,
            writer: Arc::new(Mutex::new(Writer {
                conn,
                open: false,
                savepoint: false,
                failed: false,
                fresh: false,
                log: Vec::new(),
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

    /// How many writes wait for the writer (for tests).
    #[cfg(test)]
    pub(super) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// How many transactions were committed (each one fsync), for tests and measurements.
    #[cfg(test)]
    pub(super) fn commits(&self) -> usize {
        self.commits.load(Ordering::Relaxed)
    }

    /// Start a write: the writer (in arrival order) with a savepoint for it.
    pub(super) async fn begin(self: &Arc<Self>) -> Result<WriteTx<L>> {
        let guard = self.lock(true).await;
        // from here a cancelled caller drops the WriteTx (in the task or when the task hands
        // it over), which settles whatever it left
        let tx = WriteTx {
            guard,
            group: self.clone(),
            done: false,
        };
        if L::BEGIN_IN_TASK {
            self.spawn(tx.start()).await.map_err(lost)?
        } else {
            tx.start().await
        }
    }

    /// Finish a write and return once the transaction that holds it is committed. `release`:
    /// release the write's savepoint first (SQLite, unless its last statement did; PostgreSQL
    /// keeps them nested until the commit, a round trip less). `wake`: wake the live feed
    /// after the commit.
    pub(super) async fn commit(
        self: &Arc<Self>,
        mut tx: WriteTx<L>,
        release: bool,
        wake: bool,
    ) -> Result<()> {
        if release {
            // an error drops tx unfinished: the next to take the writer undoes the write (or,
            // when the transaction itself is gone, fails the group)
            self.link.run(&mut tx.guard.conn, "RELEASE w").await?;
        }
        tx.guard.savepoint = false;
        tx.guard.wake |= wake;
        tx.done = true;
        if let Some(receiver) = self.join(&mut tx.guard) {
            // hands the writer to the next waiting write, which commits or passes it on
            drop(tx);
            return committed(receiver).await;
        }
        // the commit and the members' answers in a task of its own: a cancelled caller must
        // not stop it between the two
        let group = self.clone();
        self.spawn(async move { group.commit_group(&mut tx.guard).await })
            .await
            .map_err(lost)?
    }

    /// A write that is one statement with nothing before it in its transaction (PostgreSQL's
    /// new actieverzoek, D75), committed with its group. It makes no savepoint of its own: a
    /// savepoint is a round trip made holding the write lock. If its statement fails, the
    /// transaction goes back to the newest savepoint and the one-statement writes since then
    /// are sent again (they were kept for it); a savepoint is made only when a write with
    /// statements of its own (a savepoint first) came since. The whole step runs in a task of
    /// its own: a cancelled request cannot cut it off halfway.
    pub(super) async fn write_alone(self: &Arc<Self>, stmt: L::Stmt, wake: bool) -> Result<()> {
        let group = self.clone();
        let joined = self
            .spawn(async move {
                // the wait for the writer in the task too: it is not handed from task to task
                // through the scheduler while held
                let mut guard = group.lock(true).await;
                let w = &mut *guard;
                group.tidy(w).await;
                // a new savepoint (with the transaction, or after a write that made its own)
                let new_savepoint = !w.open || !w.fresh;
                let ready = if !w.open {
                    group.link.open(&mut w.conn, w.failed).await
                } else if !w.fresh {
                    group.link.run(&mut w.conn, "SAVEPOINT w").await
                } else {
                    Ok(())
                };
                if let Err(e) = ready {
                    return Err(StoreError::GroupCommit(group.fail_group(w, e).await));
                }
                if new_savepoint {
                    (w.open, w.failed, w.fresh) = (true, false, true);
                    w.log.clear();
                }
                if let Err(e) = group.link.exec(&mut w.conn, &stmt).await {
                    group.replay(w).await;
                    // the writes that joined the group because this one was waiting are
                    // answered by its commit: when no one else waits, this write makes it
                    if w.open && group.waiting.load(Ordering::SeqCst) == 0 {
                        let _ = group.commit_group(w).await;
                    }
                    return Err(StoreError::Db(e));
                }
                w.log.push(stmt);
                w.wake |= wake;
                match group.join(w) {
                    // hands the writer to the next waiting write
                    Some(receiver) => Ok(Some(receiver)),
                    None => group.commit_group(w).await.map(|()| None),
                }
            })
            .await
            .map_err(lost)??;
        match joined {
            Some(receiver) => committed(receiver).await,
            None => Ok(()),
        }
    }

    /// After a one-statement write failed (the transaction is aborted on PostgreSQL): back to
    /// the newest savepoint, and the one-statement writes since then once more. They were done
    /// in this same state, in this order, so they do the same again; if one does not, or the
    /// transaction is gone, the group fails.
    async fn replay(&self, w: &mut Writer<L>) {
        let mut again = self.link.run(&mut w.conn, "ROLLBACK TO w").await;
        for stmt in &w.log {
            if again.is_err() {
                break;
            }
            again = self.link.exec(&mut w.conn, stmt).await;
        }
        if let Err(e) = again {
            self.fail_group(w, e).await;
        }
    }

    /// Join the open group if other writes wait for the writer (and it is not full): the
    /// answer will come from its commit (drop the writer after this).
    fn join(&self, w: &mut Writer<L>) -> Option<oneshot::Receiver<Outcome>> {
        if self.waiting.load(Ordering::SeqCst) > 0 && w.members.len() + 1 < MAX_GROUP {
            let (sender, receiver) = oneshot::channel();
            w.members.push(sender);
            Some(receiver)
        } else {
            None
        }
    }

    /// Take the writer. `respawn`: if this wait is dropped before it gets the writer (a
    /// cancelled request), start [`Group::settle`]: a write that joined the group because this
    /// one was waiting would otherwise wait for a commit no one makes.
    async fn lock(self: &Arc<Self>, respawn: bool) -> OwnedMutexGuard<Writer<L>> {
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

    /// Undo a write that was dropped unfinished; if that fails, the shared transaction is gone
    /// (SQLite rolls a whole transaction back after some errors, e.g. a full disk; a PostgreSQL
    /// connection can be lost): then the group fails.
    async fn tidy(&self, w: &mut Writer<L>) {
        if !w.savepoint {
            return;
        }
        w.savepoint = false;
        if let Err(e) = self.link.undo(&mut w.conn, w.open).await {
            self.fail_group(w, e).await;
        }
    }

    /// Commit the shared transaction (one fsync) and tell its members.
    async fn commit_group(&self, w: &mut Writer<L>) -> Result<()> {
        match self.link.run(&mut w.conn, "COMMIT").await {
            Ok(()) => {
                w.open = false;
                w.log.clear();
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
    async fn fail_group(&self, w: &mut Writer<L>, e: sqlx::Error) -> Arc<sqlx::Error> {
        if w.members.is_empty() {
            tracing::debug!(error = %e, "write transaction without members rolled back");
        } else {
            tracing::error!(error = %e, members = w.members.len(), "write group failed, rolled back");
        }
        if let Err(rollback) = self.link.run(&mut w.conn, "ROLLBACK").await {
            // no transaction left to roll back (or no connection) is the usual reason
            tracing::debug!(error = %rollback, "rollback after a failed group");
        }
        w.open = false;
        w.wake = false;
        w.failed = true;
        w.log.clear();
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
        // dropped outside any runtime (the process ends): no one is left to settle for
        let runtime = self.link.runtime().cloned();
        if let Some(runtime) = runtime.or_else(|| tokio::runtime::Handle::try_current().ok()) {
            runtime.spawn(self.clone().settle());
        }
    }

    /// A task of the group's own, on the link's runtime if it has one.
    fn spawn<F>(&self, f: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self.link.runtime() {
            Some(runtime) => runtime.spawn(f),
            None => tokio::spawn(f),
        }
    }
}

/// A task whose wait for the writer ended (or was dropped).
struct Waiter<L: Link> {
    group: Arc<Group<L>>,
    respawn: bool,
}

impl<L: Link> Drop for Waiter<L> {
    fn drop(&mut self) {
        self.group.waiting.fetch_sub(1, Ordering::SeqCst);
        if self.respawn {
            self.group.spawn_settle();
        }
    }
}

/// A write in progress: the writer connection, inside the write's savepoint. Dropped without
/// [`Group::commit`], the write is undone.
pub struct WriteTx<L: Link> {
    guard: OwnedMutexGuard<Writer<L>>,
    group: Arc<Group<L>>,
    done: bool,
}

impl<L: Link> WriteTx<L> {
    /// Undo what an unfinished write left, then open the shared transaction or this write's
    /// savepoint. Cut off halfway (a cancelled request), the next to take the writer must find
    /// out what was done: either the flags are set before the round trip and the engine's
    /// `undo` tells the cases apart (SQLite), or this runs in a task of its own, is never cut
    /// off, and sets them once it is answered (PostgreSQL: `ROLLBACK TO` a savepoint that was
    /// never made aborts the group's transaction, and the savepoints it keeps nest).
    async fn start(mut self) -> Result<Self> {
        let group = self.group.clone();
        let w = &mut *self.guard;
        group.tidy(w).await;
        let was_open = w.open;
        if !L::BEGIN_IN_TASK {
            (w.open, w.savepoint) = (true, true);
        }
        let started = if was_open {
            group.link.run(&mut w.conn, "SAVEPOINT w").await
        } else {
            group.link.open(&mut w.conn, w.failed).await
        };
        match started {
            Ok(()) => {
                // this write's savepoint comes before its statements: a one-statement write
                // after it needs one of its own
                (w.open, w.savepoint, w.failed, w.fresh) = (true, true, false, false);
                Ok(self)
            }
            Err(e) => {
                // the state of the shared transaction is unknown: end it
                w.savepoint = false;
                let e = group.fail_group(w, e).await;
                // nothing left to settle
                self.done = true;
                Err(StoreError::GroupCommit(e))
            }
        }
    }
}

impl<L: Link> Deref for WriteTx<L> {
    type Target = L::Conn;
    fn deref(&self) -> &L::Conn {
        &self.guard.conn
    }
}

impl<L: Link> DerefMut for WriteTx<L> {
    fn deref_mut(&mut self) -> &mut L::Conn {
        &mut self.guard.conn
    }
}

impl<L: Link> Drop for WriteTx<L> {
    fn drop(&mut self) {
        if !self.done {
            // `savepoint` is still set: whoever takes the writer next undoes this write first
            self.group.spawn_settle();
        }
    }
}

/// The answer of the group a write joined.
async fn committed(receiver: oneshot::Receiver<Outcome>) -> Result<()> {
    match receiver.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(StoreError::GroupCommit(e)),
        Err(e) => Err(lost(e)),
    }
}

fn lost(e: impl std::fmt::Display) -> StoreError {
    StoreError::GroupCommit(Arc::new(sqlx::Error::Protocol(format!(
        "the write was lost by its task: {e}"
    ))))
}
