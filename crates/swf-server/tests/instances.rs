//! Several service instances on one PostgreSQL database (D48–D50): a stream on one instance
//! gets what is written through another, in order and exactly once; the retention job of two
//! instances deletes each samenwerking once; kill -9 of one instance loses no acknowledged
//! write and the other keeps serving. PostgreSQL only (`SWF_TEST_DATABASE_URL`): on SQLite one
//! data folder has one service (its lock), so these tests say so and return.
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use swf_testkit::*;

/// The second instance on `a`'s database, or `None` on SQLite.
async fn second(a: &Server, env: &[(&str, &str)]) -> Option<Server> {
    if !on_postgres() {
        eprintln!("PostgreSQL only: several instances share a database");
        return None;
    }
    Some(a.second_instance(env).await)
}

/// Every event of `api`'s organisation after `na`, following the pages.
async fn read_all(api: &Api, mut na: i64) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let r = api
            .get(&format!("/gebeurtenissen?na={na}&limit=100"))
            .await
            .ok();
        let page = r["gebeurtenissen"].as_array().expect("events").clone();
        na = r["volgende"].as_i64().expect("volgende");
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

async fn head(api: &Api) -> i64 {
    api.get("/gebeurtenissen").await.ok()["volgende"]
        .as_i64()
        .expect("volgende")
}

/// Read SSE frames from `stream` until `quiet` passes without one (or `limit` in all); the
/// volgnummers (`id:`) in the order received.
async fn sse_ids<B: AsRef<[u8]>>(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin),
    buf: &mut String,
    want: usize,
    quiet: Duration,
) -> Vec<i64> {
    let mut ids = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        // once everything expected is in, wait `quiet` more: a duplicate would come now
        let wait = if ids.len() >= want {
            quiet
        } else {
            deadline.saturating_duration_since(tokio::time::Instant::now())
        };
        match tokio::time::timeout(wait, stream.next()).await {
            Ok(Some(Ok(chunk))) => {
                buf.push_str(&String::from_utf8_lossy(chunk.as_ref()));
                while let Some(end) = buf.find("\n\n") {
                    let frame: String = buf.drain(..end + 2).collect();
                    for line in frame.lines() {
                        if let Some(v) = line.strip_prefix("id:") {
                            ids.push(v.trim().parse().expect("numeric id"));
                        }
                    }
                }
            }
            Ok(_) => panic!("the stream ended"),
            Err(_) => return ids,
        }
    }
}

#[tokio::test]
async fn a_stream_on_one_instance_gets_writes_through_both_in_order_exactly_once() {
    let a = Server::start(&[]).await;
    let Some(b) = second(&a, &[]).await else {
        return;
    };
    let (ga, gb) = (a.as_org(GEMEENTE), b.as_org(GEMEENTE));
    let vb = b.as_org(VRV);
    let h0 = head(&vb).await;
    let resp = vb
        .req(reqwest::Method::GET, "/gebeurtenissen/stream")
        .header("Last-Event-ID", h0.to_string())
        .send()
        .await
        .expect("stream");
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();

    // written through A while VRV listens on B: the first event arrives well within the
    // database check of a stream (1 s), so B was woken by A's commit
    let sid = ga
        .start("Twee instanties", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let t = std::time::Instant::now();
    let first = sse_ids(&mut stream, &mut buf, 1, Duration::ZERO).await;
    assert!(!first.is_empty());
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    // then both instances write at the same time
    let uploads = |api: Api, who: &'static str| {
        let sid = sid.clone();
        tokio::spawn(async move {
            for i in 0..8 {
                api.upload_id(&sid, &format!("{who}-{i}.pdf"), vec![b'x'; 100], "RV")
                    .await;
            }
        })
    };
    let (x, y) = (uploads(ga.clone(), "a"), uploads(gb.clone(), "b"));
    x.await.expect("writes through A");
    y.await.expect("writes through B");
    let expected: Vec<i64> = read_all(&a.as_org(VRV), h0)
        .await
        .iter()
        .map(|e| e["volgnummer"].as_i64().expect("volgnummer"))
        .collect();
    assert!(expected.len() >= 17, "the invitation and sixteen documents");
    let mut got = first;
    let rest = expected.len().saturating_sub(got.len());
    got.extend(sse_ids(&mut stream, &mut buf, rest, Duration::from_millis(2500)).await);
    assert_eq!(got, expected, "in order, each once, nothing missing");
    assert!(got.windows(2).all(|w| w[0] < w[1]));
    // gap-free: every volgnummer between the first and the last belongs to some organisation
    a.assert_feed_gap_free(got[0], got[got.len() - 1]).await;
}

#[tokio::test]
async fn instances_sharing_the_data_folder_serve_each_others_documents() {
    let a = Server::start(&[]).await;
    if !on_postgres() {
        eprintln!("PostgreSQL only: several instances share a database");
        return;
    }
    let b = a.second_instance_sharing_folder(&[]).await;
    let ga = a.as_org(GEMEENTE);
    let sid = ga
        .start("Gedeelde map", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let doc = ga
        .upload_id(&sid, "plan.pdf", b"%PDF gedeeld".to_vec(), "RV")
        .await;
    let r = b
        .as_org(VRV)
        .get(&format!("/documenten/{doc}/content"))
        .await;
    assert_eq!(r.status, 200);
    // a third instance starting on the folder leaves the others' documents alone
    let c = a.second_instance_sharing_folder(&[]).await;
    let r = c
        .as_org(GEMEENTE)
        .get(&format!("/documenten/{doc}/content"))
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn the_retention_job_of_two_instances_deletes_each_samenwerking_once() {
    let env = [("SWF_RETENTION_DAYS", "0"), ("SWF_JOB_INTERVAL_SECS", "1")];
    let a = Server::start(&env).await;
    let Some(b) = second(&a, &env).await else {
        return;
    };
    let g = a.as_org(GEMEENTE);
    let h0 = head(&g).await;
    let mut closed = Vec::new();
    for i in 0..6 {
        let sid = g
            .start(&format!("Gesloten {i}"), &[(VRV, "VOLLEDIGE_TOEGANG")])
            .await;
        g.upload(&sid, "advies.pdf", vec![b'x'; 1000], "RV")
            .await
            .ok();
        g.close(&sid).await;
        closed.push(sid);
    }
    // both instances' jobs run every second: wait until all are gone
    for _ in 0..100 {
        let mut left = 0;
        for sid in &closed {
            if b.as_org(GEMEENTE)
                .get(&format!("/samenwerkingen/{sid}"))
                .await
                .status
                != 404
            {
                left += 1;
            }
        }
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let events = read_all(&g, h0).await;
    for sid in &closed {
        let deletions = events
            .iter()
            .filter(|e| e["soort"] == "SAMENWERKING_VERWIJDERD" && e["samenwerkingId"] == *sid)
            .count();
        assert_eq!(deletions, 1, "{sid} deleted once: {events:?}");
        let lines = a
            .sql_i64(
                "SELECT COUNT(*) FROM audit WHERE samenwerking_id = $1 AND actie = 'samenwerking-verwijderd'",
                &[sid],
            )
            .await;
        assert!(lines <= 1, "{sid}: {lines} deletion lines");
    }
}

#[tokio::test]
async fn kill_9_of_one_instance_loses_no_acknowledged_write_and_the_other_keeps_serving() {
    let mut a = Server::start(&[]).await;
    let Some(b) = second(&a, &[]).await else {
        return;
    };
    let ga = a.as_org(GEMEENTE);
    let gb = b.as_org(GEMEENTE);
    // write through A as fast as it answers; remember what it acknowledged
    let writer = tokio::spawn(async move {
        let mut acknowledged = Vec::new();
        for i in 0..10_000 {
            let r = ga
                .req(reqwest::Method::POST, "/samenwerkingen")
                .json(&json!({"titel": format!("Schrijven {i}"), "deelnemers": []}))
                .send()
                .await;
            let Ok(r) = r else { break };
            if r.status() != 201 {
                break;
            }
            let Ok(body) = r.json::<Value>().await else {
                break;
            };
            acknowledged.push(body["samenwerkingId"].as_str().expect("id").to_owned());
        }
        acknowledged
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    a.kill9();
    let acknowledged = writer.await.expect("writer");
    assert!(acknowledged.len() > 3, "{} writes", acknowledged.len());
    // every acknowledged write is there, read through B
    let listed: BTreeSet<String> = {
        let mut ids = BTreeSet::new();
        for page in 0.. {
            let r = gb
                .get(&format!("/samenwerkingen?pagina={page}&aantal=100"))
                .await
                .ok();
            let items = r["_embedded"]["samenwerkingen"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if items.is_empty() {
                break;
            }
            ids.extend(
                items
                    .iter()
                    .map(|s| s["samenwerkingId"].as_str().expect("id").to_owned()),
            );
        }
        ids
    };
    for sid in &acknowledged {
        assert!(
            listed.contains(sid),
            "{sid} acknowledged by A, missing on B"
        );
    }
    // B keeps serving, writes included
    let sid = gb.start("Na de crash", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    assert_eq!(gb.get(&format!("/samenwerkingen/{sid}")).await.status, 200);
    // and A comes back on the same database
    a.restart().await;
    assert_eq!(
        a.as_org(GEMEENTE)
            .get(&format!("/samenwerkingen/{sid}"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn failed_sign_ins_are_counted_across_instances() {
    let a = Server::start(&[]).await;
    let Some(b) = second(&a, &[]).await else {
        return;
    };
    a.add_user("vera", "Vera", GEMEENTE, "geheim-wachtwoord");
    // five wrong passwords, spread over both instances
    for i in 0..5 {
        let srv = if i % 2 == 0 { &a } else { &b };
        let r = srv.sign_in("vera", "fout").await;
        assert_eq!((r.status.as_u16(), r.code()), (401, "onjuiste-inlog"));
    }
    // now even the right password waits, on either instance
    for srv in [&a, &b] {
        let r = srv.sign_in("Vera", "geheim-wachtwoord").await;
        assert_eq!((r.status.as_u16(), r.code()), (429, "te-veel-pogingen"));
        let wait: u64 = r.headers["retry-after"]
            .to_str()
            .expect("retry-after")
            .parse()
            .expect("seconds");
        assert!(wait > 0 && wait <= 900, "{wait}");
    }
    // another user is not affected
    a.add_user("adriaan", "Adriaan", VRV, "ander-wachtwoord");
    assert_eq!(b.sign_in("adriaan", "ander-wachtwoord").await.status, 201);
}

/// Whether the write lock is free: taken and given back at once from `c` (D48).
async fn write_lock_free(c: &mut sqlx::PgConnection) -> bool {
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(swf_server::store::postgres::WRITE_LOCK)
        .fetch_one(&mut *c)
        .await
        .expect("try the write lock");
    if got {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(swf_server::store::postgres::WRITE_LOCK)
            .execute(&mut *c)
            .await
            .expect("give the write lock back");
    }
    got
}

#[tokio::test]
async fn a_write_cut_off_while_it_waits_for_the_write_lock_leaves_no_lock_behind() {
    use sqlx::Connection;
    use swf_server::store::Store;
    let Some(db) = pg::TestDatabase::create_if_configured() else {
        eprintln!("PostgreSQL only: the write lock is PostgreSQL's (D48)");
        return;
    };
    let store = swf_server::store::postgres::PgStore::open(&db.url, 4)
        .await
        .expect("open the store");
    let mut holder = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    // another instance's write holds the lock
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(swf_server::store::postgres::WRITE_LOCK)
        .execute(&mut holder)
        .await
        .expect("take the write lock");
    // a write that waits for it is cut off (its request dropped, its service stopping)
    let cut = tokio::time::timeout(
        Duration::from_millis(300),
        store.prune_gebeurtenissen(i64::MAX),
    )
    .await;
    assert!(cut.is_err(), "the write should have waited for the lock");
    // the other write ends: the database now gives the lock to the one that was cut off
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(swf_server::store::postgres::WRITE_LOCK)
        .execute(&mut holder)
        .await
        .expect("give the write lock back");
    // and it must give it back: no connection of the store keeps it
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !write_lock_free(&mut holder).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the write lock is still held 10 s after the write that was cut off got it"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // writes go on
    tokio::time::timeout(
        Duration::from_secs(10),
        store.prune_gebeurtenissen(i64::MAX),
    )
    .await
    .expect("a write after the one cut off")
    .expect("it succeeds");
    // (the test database is dropped WITH (FORCE): the store's connections need not close first)
}

/// Poll (bounded) until `api`'s token is refused; how long that took.
async fn refused_within(api: &Api, limit: Duration) -> Duration {
    let start = std::time::Instant::now();
    loop {
        let status = api.get("/organisaties/mijn").await.status;
        if status == 401 {
            return start.elapsed();
        }
        assert_eq!(status, 200, "a token still in use works");
        assert!(
            start.elapsed() < limit,
            "the token still worked after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// D74: each instance caches the tokens it looked up (5 s), and a token that ends through
/// another instance or an admin command stops on every instance as soon as the database's
/// notification arrives — well within the cache's lifetime.
#[tokio::test]
async fn a_token_ended_through_one_instance_stops_on_the_other_at_once() {
    let a = Server::start(&[]).await;
    let Some(b) = second(&a, &[]).await else {
        return;
    };
    a.add_user("vera", "Vera", GEMEENTE, "geheim-wachtwoord");
    a.add_user("adriaan", "Adriaan", VRV, "ander-wachtwoord");
    let token = |r: Resp| r.json["accessToken"].as_str().expect("token").to_owned();
    // signed in through A, used on B (so B has it cached), signed out through A
    let vera = token(a.sign_in("vera", "geheim-wachtwoord").await);
    let on_b = b.with_token(&vera);
    assert_eq!(on_b.get("/organisaties/mijn").await.status, 200);
    assert_eq!(a.with_token(&vera).delete("/auth/token").await.status, 204);
    let took = refused_within(&on_b, Duration::from_secs(2)).await;
    eprintln!("signed out through A: refused on B after {took:?}");
    // a user disabled with the admin command (no instance involved): refused on both
    let adriaan = token(b.sign_in("adriaan", "ander-wachtwoord").await);
    for srv in [&a, &b] {
        assert_eq!(
            srv.with_token(&adriaan)
                .get("/organisaties/mijn")
                .await
                .status,
            200
        );
    }
    a.admin(&["user", "disable", "--gebruikersnaam", "adriaan"]);
    for srv in [&a, &b] {
        refused_within(&srv.with_token(&adriaan), Duration::from_secs(2)).await;
    }
    // a token that keeps working stays cached and works on both
    let system = a.token_named(GEMEENTE, "systeem");
    for srv in [&a, &b, &a, &b] {
        assert_eq!(
            srv.with_token(&system)
                .get("/organisaties/mijn")
                .await
                .status,
            200
        );
    }
}
