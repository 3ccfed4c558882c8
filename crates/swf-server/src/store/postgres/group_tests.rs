//! Group commit on PostgreSQL (D73), on the test cluster (`SWF_TEST_DATABASE_URL`; skipped
//! without it, run by the test command's PostgreSQL phase). What is PostgreSQL's own: a failed
//! statement aborts the whole transaction, so a failed write must be rolled back to its
//! savepoint for the group to go on; the writer is a connection of its own, which can be lost.
use super::*;
use std::time::Duration;
use swf_testkit::pg::TestDatabase;

async fn store() -> Option<(TestDatabase, PgStore)> {
    let db = TestDatabase::create_if_configured()?;
    let store = PgStore::open(&db.url, 4).await.expect("open the store");
    Some((db, store))
}

/// A store whose writer is held by a first write (which inserted `oin`), for others to queue
/// behind.
async fn held(oin: &str) -> Option<(TestDatabase, PgStore, PgTx)> {
    let (db, store) = store().await?;
    let mut first = store.begin().await.expect("begin");
    insert(&mut first, oin).await.expect("insert");
    Some((db, store, first))
}

/// A step that must end: a test that would hang fails instead.
async fn within<T>(step: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), step)
        .await
        .expect("ended within 10 s")
}

async fn insert(tx: &mut PgTx, oin: &str) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES ($1, 'x', 'gemeente', 0)",
    )
    .bind(oin)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The organisations the readers see, in order.
async fn kept(db: &PgStore) -> Vec<String> {
    sqlx::query_scalar("SELECT oin FROM organisaties WHERE oin LIKE 'T-%' ORDER BY oin")
        .fetch_all(&db.reader)
        .await
        .expect("read")
}

/// Wait (bounded) until `n` writes wait for the writer.
async fn until_waiting(db: &PgStore, n: usize) {
    within(async {
        while db.group.waiting() != n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
}

/// A write that inserts `oin` and commits, started now.
fn write(db: &PgStore, oin: &str) -> tokio::task::JoinHandle<Result<()>> {
    let (db, oin) = (db.clone(), oin.to_owned());
    tokio::spawn(async move {
        let mut tx = db.begin().await?;
        insert(&mut tx, &oin).await?;
        db.commit(tx).await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_that_queue_share_one_transaction_and_are_all_kept() {
    let Some((_db, store, first)) = held("T-00").await else {
        return;
    };
    let before = store.group.commits();
    let queued: Vec<_> = (1..=10)
        .map(|i| write(&store, &format!("T-{i:02}")))
        .collect();
    until_waiting(&store, 10).await;
    within(store.commit(first)).await.expect("first write");
    for w in queued {
        within(w).await.expect("task").expect("queued write");
    }
    assert_eq!(kept(&store).await.len(), 11);
    assert_eq!(
        store.group.commits() - before,
        1,
        "one commit for the group"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_in_a_group_is_undone_and_the_others_are_kept() {
    let Some((_db, store, first)) = held("T-0").await else {
        return;
    };
    // the second write's statement fails (the key exists): PostgreSQL aborts the transaction
    let failing = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tx = store.begin().await.expect("begin");
            insert(&mut tx, "T-0").await.expect_err("a duplicate key");
            // the use case returns its error: the write is dropped unfinished
        })
    };
    until_waiting(&store, 1).await;
    let later = write(&store, "T-3");
    until_waiting(&store, 2).await;
    within(store.commit(first)).await.expect("first write");
    within(failing).await.expect("task");
    within(later)
        .await
        .expect("task")
        .expect("the write after the failed one");
    assert_eq!(kept(&store).await, ["T-0", "T-3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_whose_connection_is_lost_fails_and_the_next_write_connects_anew() {
    let Some((db, store, mut first)) = held("T-0").await else {
        return;
    };
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *first)
        .await
        .expect("pid");
    // the writer's session ends under it (a database restart, a network cut)
    let mut admin = <PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .expect("connect");
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .execute(&mut admin)
        .await
        .expect("terminate");
    let first = within(store.commit(first)).await;
    assert!(
        first.is_err(),
        "a write whose commit failed is not acknowledged"
    );
    assert!(kept(&store).await.is_empty());
    // the next write gets a new connection and is kept
    within(write(&store, "T-1"))
        .await
        .expect("task")
        .expect("a write after the lost connection");
    assert_eq!(kept(&store).await, ["T-1"]);
}

/// A one-statement write (D75) that inserts `oin`, started now.
fn write_alone(db: &PgStore, oin: &str) -> tokio::task::JoinHandle<Result<()>> {
    let (db, oin) = (db.clone(), oin.to_owned());
    tokio::spawn(async move {
        let own = |q: &mut QueryBuilder<'_, Postgres>| {
            q.push("INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES (")
                .push_bind(oin.clone())
                .push(", 'x', 'gemeente', 0)");
        };
        db.commit_alone(&own, &Effects::default()).await
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_one_statement_write_is_undone_and_the_writes_before_it_are_kept() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut first = store.begin().await.expect("begin");
    insert(&mut first, "T-0").await.expect("insert");
    // one-statement writes queue behind it: the second one's key exists, so its statement
    // fails and aborts the transaction, with the first one's row in it
    let mut queued = Vec::new();
    for (i, oin) in ["T-1", "T-0", "T-3"].into_iter().enumerate() {
        queued.push(write_alone(&store, oin));
        until_waiting(&store, i + 1).await;
    }
    let before = store.group.commits();
    within(store.commit(first)).await.expect("first write");
    let answers: Vec<bool> = {
        let mut out = Vec::new();
        for w in queued {
            out.push(within(w).await.expect("task").is_ok());
        }
        out
    };
    assert_eq!(answers, [true, false, true], "only the duplicate fails");
    // every write that was acknowledged is there, in one commit
    assert_eq!(kept(&store).await, ["T-0", "T-1", "T-3"]);
    assert_eq!(store.group.commits() - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_one_statement_write_last_in_its_group_still_commits_the_group() {
    let Some((db, store, first)) = held("T-0").await else {
        return;
    };
    // the second write joins the group because the third waits; the third fails and no one
    // waits after it: its group must still be committed, or the second is never answered
    let second = write_alone(&store, "T-1");
    until_waiting(&store, 1).await;
    let third = write_alone(&store, "T-0");
    until_waiting(&store, 2).await;
    within(store.commit(first)).await.expect("first write");
    within(second).await.expect("task").expect("second write");
    assert!(
        within(third).await.expect("task").is_err(),
        "the duplicate fails"
    );
    assert_eq!(kept(&store).await, ["T-0", "T-1"]);
    // and the write lock is not held: another store's write goes through at once
    let other = PgStore::open(&db.url, 2).await.expect("open");
    let mut tx = within(other.begin()).await.expect("begin");
    insert(&mut tx, "T-2").await.expect("insert");
    within(other.commit(tx)).await.expect("commit");
}

/// D86: a one-statement write goes from the write lock to its commit on the writers' thread,
/// so it commits while the request thread is busy (here: kept busy without yielding).
#[tokio::test(flavor = "current_thread")]
async fn a_write_commits_while_the_request_thread_is_busy() {
    use sqlx::Arguments;
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut args = sqlx::postgres::PgArguments::default();
    args.add("T-bezig").expect("bind");
    let stmt = (
        "INSERT INTO organisaties (oin, naam, soort, aangemaakt) VALUES ($1, 'x', 'gemeente', 0)"
            .to_owned(),
        args,
    );
    let before = store.group.commits();
    let group = store.group.clone();
    let write = tokio::spawn(async move { group.write_alone(stmt, false).await });
    // the write's task starts and hands its step to the writers' thread
    tokio::task::yield_now().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while store.group.commits() == before && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        store.group.commits(),
        before + 1,
        "committed while the request thread did not yield"
    );
    within(write).await.expect("joined").expect("written");
    assert_eq!(kept(&store).await, ["T-bezig"]);
}
