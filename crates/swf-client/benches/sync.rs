//! Benchmark of the sync engine against a real `swf-server` (release) on 127.0.0.1:
//!   1. first sync of N samenwerkingen (3 partners, 10 documents, 5 actieverzoeken each),
//!      next to writing the same rows straight into a fresh mirror (no network);
//!   2. a change on the service → the follower's mirror updated: p50/p95 over 200 changes.
//!
//! Run: `cargo bench -p swf-client --bench sync` (or `bash bench/client.sh`).
//! Knobs: BENCH_SYNC_COUNT (default 1000), BENCH_SYNC_REPEATS (3), BENCH_EVENTS (200).
use futures_util::{stream, StreamExt};
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};
use swf_client::mirror::{Batch, ChangeKind, Mirror, MirrorOp, OverviewFilter};
use swf_client::remote::RemoteConfig;
use swf_client::session;
use swf_client::sync::SyncConfig;
use swf_testkit::{follow, Server, BASE, BUREAU, GEMEENTE, VRV, WATERSCHAP};

/// The partners of every seeded samenwerking.
const PARTNERS: [&str; 3] = [VRV, BUREAU, WATERSCHAP];

fn env_num(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

async fn seed(http: &reqwest::Client, url: &str, token: &str, n: usize) {
    let partners: Vec<Value> = PARTNERS
        .iter()
        .map(|oin| json!({"oin": oin, "privilege": "VOLLEDIGE_TOEGANG"}))
        .collect();
    stream::iter(0..n)
        .for_each_concurrent(16, |i| {
            let partners = partners.clone();
            async move {
                let r: Value = http
                    .post(format!("{url}{BASE}/samenwerkingen"))
                    .bearer_auth(token)
                    .json(&json!({"titel": format!("Bouwplan {i:05}"), "verzoeknummer": format!("OLO{i:07}"), "deelnemers": partners}))
                    .send()
                    .await
                    .expect("start")
                    .json()
                    .await
                    .expect("json");
                let sid = r["samenwerkingId"].as_str().expect("sid").to_owned();
                let mut docs = Vec::new();
                for d in 0..10 {
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(vec![b'a' + d as u8; 1024])
                            .file_name(format!("stuk-{d}.pdf")),
                    );
                    let r: Value = http
                        .post(format!("{url}{BASE}/samenwerkingen/{sid}/documenten"))
                        .query(&[("vertrouwelijkheidsAanduiding", "RV"), ("documentOmschrijving", "Stuk")])
                        .bearer_auth(token)
                        .multipart(form)
                        .send()
                        .await
                        .expect("upload")
                        .json()
                        .await
                        .expect("json");
                    docs.push(r["documentId"].as_str().expect("doc").to_owned());
                }
                for a in 0..5 {
                    let aan = PARTNERS[a % 3];
                    let r = http
                        .post(format!("{url}{BASE}/samenwerkingen/{sid}/actieverzoeken"))
                        .bearer_auth(token)
                        .json(&json!({"titel": format!("Advies {a}"), "omschrijving": "Graag advies", "ontvanger": aan, "documenten": [docs[a]]}))
                        .send()
                        .await
                        .expect("av");
                    assert!(r.status().is_success());
                }
            }
        })
        .await;
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn quick(url: &str) -> RemoteConfig {
    RemoteConfig::new(url)
}

#[tokio::main]
async fn main() {
    let n = env_num("BENCH_SYNC_COUNT", 1000);
    let repeats = env_num("BENCH_SYNC_REPEATS", 3);
    let events = env_num("BENCH_EVENTS", 200);
    // the release swf-server of this source (built first if it is stale), five organisations
    let srv = Server::start(&[]).await;
    let token = srv.token(GEMEENTE);
    let work = tempfile::tempdir().expect("tmp");
    let http = reqwest::Client::new();
    eprintln!("[bench] seeding {n} samenwerkingen (3 partners, 10 documents, 5 actieverzoeken each) over HTTP…");
    let t = Instant::now();
    seed(&http, &srv.url, &token, n).await;
    eprintln!("[bench] seeded in {:.1} s", t.elapsed().as_secs_f64());

    // 1. first sync, fresh mirror each time
    let mut sync_secs = Vec::new();
    let mut last_dir = None;
    for r in 0..repeats {
        let dir = work.path().join(format!("mirror-{r}"));
        let (m, _) = Mirror::open(&dir).await.expect("mirror");
        let s = session::with_token(&m, quick(&srv.url), SyncConfig::default(), &token)
            .await
            .expect("session");
        let t = Instant::now();
        let rep = s.engine.sync_once().await.expect("sync");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(rep.samenwerkingen as usize, n);
        eprintln!(
            "[bench] first sync #{}: {secs:.2} s ({} batches)",
            r + 1,
            rep.batches
        );
        sync_secs.push(secs);
        m.close().await;
        last_dir = Some(dir);
    }
    sync_secs.sort_by(|a, b| a.total_cmp(b));

    // reference: the same rows straight into a fresh mirror, same batch size, no network
    let (src, _) = Mirror::open(last_dir.as_deref().expect("dir"))
        .await
        .expect("mirror");
    let all = src
        .overview(&OverviewFilter {
            limit: u32::MAX,
            ..OverviewFilter::default()
        })
        .await
        .expect("overview");
    let mut batches = Vec::new();
    let mut ops = Vec::new();
    for (i, item) in all.items.iter().enumerate() {
        let d = src
            .samenwerking(&item.samenwerking_id)
            .await
            .expect("detail")
            .expect("row");
        let sid = d.samenwerking.samenwerking_id.clone();
        ops.push(MirrorOp::UpsertSamenwerking(Box::new(d.samenwerking)));
        ops.push(MirrorOp::ReplaceDeelnemers {
            samenwerking_id: sid.clone(),
            deelnemers: d.deelnemers,
        });
        ops.push(MirrorOp::ReplaceDocumenten {
            samenwerking_id: sid.clone(),
            documenten: d.documenten.into_iter().map(|x| x.document).collect(),
        });
        let avs: Vec<_> = d
            .actieverzoeken
            .into_iter()
            .map(|x| x.actieverzoek)
            .collect();
        for a in &avs {
            ops.push(MirrorOp::UpsertActieverzoek {
                actieverzoek: Box::new(a.clone()),
                berichten: Some(vec![]),
            });
        }
        ops.push(MirrorOp::ReplaceActieverzoeken {
            samenwerking_id: sid,
            actieverzoeken: avs,
        });
        if (i + 1) % 16 == 0 {
            batches.push(std::mem::take(&mut ops));
        }
    }
    batches.push(ops);
    let (dst, _) = Mirror::open(&work.path().join("reference"))
        .await
        .expect("mirror");
    let t = Instant::now();
    for ops in batches {
        dst.apply(&Batch {
            ops,
            ..Batch::default()
        })
        .await
        .expect("apply");
    }
    let reference = t.elapsed().as_secs_f64();
    assert_eq!(dst.stats().await.expect("stats").samenwerkingen as usize, n);

    // 2. change on the service → follower's mirror updated
    let dir = work.path().join("follower");
    let (m, _) = Mirror::open(&dir).await.expect("mirror");
    let s = session::with_token(&m, quick(&srv.url), SyncConfig::default(), &token)
        .await
        .expect("session");
    s.engine.sync_once().await.expect("sync");
    let mut changes = s.engine.subscribe();
    let (follower, cancel) = follow(&s.engine);
    let mut st = s.engine.status();
    while !st.borrow_and_update().live {
        if tokio::time::timeout(Duration::from_secs(10), st.changed())
            .await
            .is_err()
        {
            panic!("follower did not go live");
        }
    }
    let sid = all.items[0].samenwerking_id.clone();
    let mut lat = Vec::new();
    for i in 0..events {
        let t = Instant::now();
        let r = http
            .patch(format!("{}{BASE}/samenwerkingen/{sid}", srv.url))
            .bearer_auth(&token)
            .header("content-type", "application/merge-patch+json")
            .body(json!({"beschrijving": format!("wijziging {i}")}).to_string())
            .send()
            .await
            .expect("patch");
        assert!(r.status().is_success());
        loop {
            match tokio::time::timeout(Duration::from_secs(10), changes.recv()).await {
                Ok(Ok(c)) if c.ids(ChangeKind::Samenwerking).contains(&sid) => break,
                Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                other => panic!("no change notice: {other:?}"),
            }
        }
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    cancel.cancel();
    let _ = follower.await;
    lat.sort_by(|a, b| a.total_cmp(b));

    let median = pct(&sync_secs, 0.5);
    println!();
    println!(
        "== swf-client sync benchmark (release, 127.0.0.1, {} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!("first sync, {n} samenwerkingen x (4 deelnemers, 10 documenten, 5 actieverzoeken):");
    println!(
        "  runs: {}",
        sync_secs
            .iter()
            .map(|s| format!("{s:.2} s"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  median {median:.2} s   (target < 10 s: {})",
        if median < 10.0 { "OK" } else { "MISSED" }
    );
    println!("  same rows straight into a fresh mirror (no network): {reference:.2} s  → sync = {:.1}x that", median / reference);
    println!("change on the service → mirror updated and notice published, {events} changes:");
    println!(
        "  p50 {:.1} ms   p95 {:.1} ms   max {:.1} ms   (target p95 < 500 ms: {})",
        pct(&lat, 0.5),
        pct(&lat, 0.95),
        pct(&lat, 1.0),
        if pct(&lat, 0.95) < 500.0 {
            "OK"
        } else {
            "MISSED"
        }
    );
    let _ = std::io::stdout().flush();
}
