//! A crash in the middle of an upload leaves no trace: after SIGKILL and a restart there is no
//! document row for the partial upload, nothing left in `tmp/`, no orphan in `blobs/`, and the
//! documents uploaded before are untouched, byte for byte.
use reqwest::Method;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, Instant};
use swf_testkit::*;
use tokio::sync::mpsc;

const MIB: usize = 1024 * 1024;

/// Deterministic, incompressible-looking bytes.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u8
        })
        .collect()
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Files under `dir` (recursively) with their sizes.
fn files_in(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((
                        p.display().to_string(),
                        e.metadata().map(|m| m.len()).unwrap_or(0),
                    ));
                }
            }
        }
    }
    out.sort();
    out
}

/// Wait until a temporary file of at least `min` bytes exists under `<data>/tmp`.
async fn wait_for_temp(data: &Path, min: u64) -> (String, u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(f) = files_in(&data.join("tmp"))
            .into_iter()
            .find(|(_, n)| *n >= min)
        {
            return f;
        }
        assert!(
            Instant::now() < deadline,
            "no temp file of {min} bytes appeared: {:?}",
            files_in(&data.join("tmp"))
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The request in flight: its status and body, or the transport error.
type UploadTask = tokio::task::JoinHandle<Result<(u16, Value), reqwest::Error>>;

/// An upload whose bytes come from a channel, so the test decides when each MiB is sent and
/// whether the body ever ends. Returns the sender and the request in flight.
fn channel_upload(api: &Api, sid: &str, name: &str) -> (mpsc::Sender<Vec<u8>>, UploadTask) {
    let (tx, rx) = mpsc::channel::<Vec<u8>>(2);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
    });
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream))
        .file_name(name.to_owned())
        .mime_str("application/octet-stream")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let req = api
        .req(
            Method::POST,
            &format!("/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding=RV&documentOmschrijving=Groot"),
        )
        .multipart(form);
    let task = tokio::spawn(async move {
        let r = req.send().await?;
        let status = r.status().as_u16();
        let json = r.json::<Value>().await.unwrap_or(Value::Null);
        Ok((status, json))
    });
    (tx, task)
}

async fn documenten(api: &Api, sid: &str) -> Value {
    api.get(&format!("/samenwerkingen/{sid}/documenten?aantal=100"))
        .await
        .ok()["_embedded"]["documenten"]
        .clone()
}

#[tokio::test]
async fn kill9_mid_upload_leaves_no_trace() {
    let mut srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Crashbestendig", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;

    // an existing document
    let earlier = content(3 * MIB + 12345, 7);
    let doc = gemeente
        .upload(&sid, "bestaand.pdf", earlier.clone(), "RV")
        .await
        .ok();
    let doc_id = doc["documentId"].as_str().unwrap().to_owned();
    let hash = doc["documentHash"].as_str().unwrap().to_owned();
    assert_eq!(
        hash,
        sha256_hex(&earlier),
        "documentHash is the SHA-256 hex"
    );
    let docs_before = documenten(&gemeente, &sid).await;
    assert_eq!(docs_before.as_array().unwrap().len(), 1);
    let blobs_before = files_in(&srv.data().join("blobs"));
    assert_eq!(blobs_before.len(), 1, "{blobs_before:?}");
    assert!(files_in(&srv.data().join("tmp")).is_empty());
    let db_before = srv.db_dump().await;

    // a 200 MiB upload, sent one MiB at a time; SIGKILL once ~20 MiB have arrived on disk
    let (tx, task) = channel_upload(&gemeente, &sid, "groot.bin");
    let planned = 200;
    let mut sent = 0;
    let mut partial = None;
    for i in 0..planned {
        tx.send(content(MIB, 100 + i as u64)).await.unwrap();
        sent += 1;
        if sent >= 20 {
            // the server has streamed at least 16 MiB into a temp file
            partial = Some(wait_for_temp(&srv.data(), 16 * MIB as u64).await);
            break;
        }
    }
    let (partial_path, partial_len) = partial.expect("the upload reached the server");
    assert!(
        partial_path.contains("/tmp/"),
        "the partial upload is a temp file: {partial_path}"
    );
    srv.kill9();
    drop(tx);
    let outcome = tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the client notices the dead server")
        .unwrap();
    assert!(
        outcome.is_err(),
        "the upload cannot have succeeded: {outcome:?}"
    );
    // the crash left the partial temp file behind (the sweep must deal with it)
    assert!(
        files_in(&srv.data().join("tmp"))
            .iter()
            .any(|(p, _)| *p == partial_path),
        "the partial temp file ({partial_len} bytes) is still there before the restart"
    );

    srv.restart().await;
    // the restarted server listens on a new port; the tokens are still valid
    let gemeente = Api {
        base: srv.url.clone(),
        ..gemeente
    };
    let vrv = Api {
        base: srv.url.clone(),
        ..vrv
    };

    // the start-up sweep removed the partial upload; no orphan blob; nothing in the database
    let tmp_after = files_in(&srv.data().join("tmp"));
    assert!(tmp_after.is_empty(), "temp files left: {tmp_after:?}");
    assert_eq!(
        files_in(&srv.data().join("blobs")),
        blobs_before,
        "blobs/ holds exactly the earlier document"
    );
    assert_eq!(
        srv.db_dump().await,
        db_before,
        "no row of the partial upload"
    );
    assert_eq!(
        documenten(&gemeente, &sid).await,
        docs_before,
        "the documents list is unchanged"
    );

    // the earlier document still downloads byte-identically with the same hash
    let dl = gemeente.get(&format!("/documenten/{doc_id}/content")).await;
    assert_eq!(dl.status, 200);
    assert!(dl.bytes == earlier, "the earlier document's bytes changed");
    assert_eq!(sha256_hex(&dl.bytes), hash);
    let meta = gemeente.get(&format!("/documenten/{doc_id}")).await.ok();
    assert_eq!(meta["documentHash"], hash.as_str());
    assert_eq!(meta["grootte"], earlier.len() as u64);
    let seen_by_partner = vrv.get(&format!("/documenten/{doc_id}/content")).await;
    assert!(seen_by_partner.bytes == earlier);

    // and the service works normally again: a new upload succeeds
    let again = content(MIB / 2, 99);
    let d2 = gemeente
        .upload(&sid, "na-herstart.pdf", again.clone(), "RV")
        .await
        .ok();
    assert_eq!(d2["documentHash"], sha256_hex(&again).as_str());
    assert_eq!(
        documenten(&gemeente, &sid).await.as_array().unwrap().len(),
        2
    );
}

/// Operators run admin commands (`token create`, `org add`, ...) against the data folder of a
/// running server. That must not disturb an upload in flight: the start-up sweep of `tmp/` and
/// `blobs/` belongs to the server's start, not to every admin command.
#[tokio::test]
async fn admin_command_during_an_upload_does_not_break_it() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let sid = gemeente.start("Beheer tijdens upload", &[]).await;

    let chunks: Vec<Vec<u8>> = (0..6).map(|i| content(MIB, 500 + i)).collect();
    let whole: Vec<u8> = chunks.concat();
    let (tx, task) = channel_upload(&gemeente, &sid, "tijdens-beheer.bin");
    for c in &chunks[..3] {
        tx.send(c.clone()).await.unwrap();
    }
    wait_for_temp(&srv.data(), 2 * MIB as u64).await;

    // an operator creates a token for another organisation meanwhile
    let token = srv.token(VRV);
    assert!(token.starts_with("swf_"));

    for c in &chunks[3..] {
        tx.send(c.clone()).await.unwrap();
    }
    drop(tx);
    let (status, body) = tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .expect("the upload finishes")
        .unwrap()
        .expect("the upload gets an answer");
    assert_eq!(status, 201, "{body}");
    let id = body["documentId"].as_str().unwrap();
    assert_eq!(body["documentHash"], sha256_hex(&whole).as_str());
    let dl = gemeente.get(&format!("/documenten/{id}/content")).await;
    assert_eq!(dl.status, 200, "{}", dl.json);
    assert!(dl.bytes == whole, "the stored bytes differ from the upload");
}

/// A partner removed while its upload is still streaming: the upload is refused at the end and
/// leaves nothing behind — no row, no blob, no temp file.
#[tokio::test]
async fn partner_removed_during_its_upload_leaves_nothing() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g
        .start("Intrekken tijdens upload", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let (tx, task) = channel_upload(&v, &sid, "advies.pdf");
    tx.send(content(1 << 20, 7)).await.unwrap();
    wait_for_temp(&srv.data(), 1 << 20).await;
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{VRV}"))
            .await
            .status,
        204
    );
    tx.send(content(1 << 20, 8)).await.unwrap();
    drop(tx);
    let (status, body) = task.await.unwrap().unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("niet-toegestaan")),
        "{body}"
    );
    assert_eq!(documenten(&g, &sid).await, serde_json::json!([]));
    assert!(
        files_in(&srv.data().join("tmp")).is_empty(),
        "no temp file left"
    );
    assert!(
        files_in(&srv.data().join("blobs")).is_empty(),
        "no blob left"
    );
    assert!(
        !srv.db_dump().await.contains("advies.pdf"),
        "no trace in the database or audit log"
    );
}
