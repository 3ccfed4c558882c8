//! Document bytes in an S3-compatible object store (D61): a real one that runs here (moto in
//! server mode, started by scripts/test.sh; `SWF_TEST_S3_URL`). Without it these tests say so and
//! pass: the rest of the suite covers the data folder.
use reqwest::Method;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use swf_testkit::*;
use tokio::sync::mpsc;

const MIB: usize = 1024 * 1024;

fn skip() -> bool {
    if !on_s3() {
        eprintln!(
            "skipped: set SWF_TEST_S3_URL (scripts/s3-moto.sh) to run against an object store"
        );
        return true;
    }
    false
}

/// Deterministic, incompressible-looking bytes.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u8
        })
        .collect()
}

fn blob_key(id: &str) -> String {
    format!("blobs/{}/{id}", &id[..2])
}

async fn download(
    api: &Api,
    id: &str,
    range: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = api.req(Method::GET, &format!("/documenten/{id}/content"));
    if let Some(r) = range {
        req = req.header("Range", r);
    }
    let r = req.send().await.expect("download");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn multi_megabyte_document_round_trips_through_the_object_store() {
    if skip() {
        return;
    }
    let srv = Server::start(&[]).await;
    let bucket = srv.s3.clone().expect("bucket");
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g
        .start("Groot bestand", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    // 21 MiB + a bit: three 8 MiB parts, the last one short
    let bytes = content(21 * MIB + 4321, 1);
    let doc = g
        .upload(&sid, "tekening.pdf", bytes.clone(), "RV")
        .await
        .ok();
    let id = doc["documentId"].as_str().unwrap().to_owned();
    assert_eq!(
        doc["documentHash"].as_str().unwrap(),
        hex::encode(Sha256::digest(&bytes)),
        "hashed while streaming"
    );
    // the object is there, at the document's key, whole; nothing in the data folder
    assert_eq!(
        bucket.keys().await,
        vec![(blob_key(&id), bytes.len() as u64)]
    );
    assert_eq!(bucket.unfinished_uploads().await, 0);
    assert!(
        !srv.files().iter().any(|(p, _)| p.contains("/blobs/")),
        "no document bytes in the data folder: {:?}",
        srv.files()
    );
    // a partner downloads it byte for byte, and a range of it
    let (status, headers, got) = download(&v, &id, None).await;
    assert_eq!(status, 200);
    assert_eq!(got.len(), bytes.len());
    assert!(got == bytes, "downloaded bytes differ");
    assert_eq!(
        headers["etag"].to_str().unwrap(),
        format!("\"{}\"", hex::encode(Sha256::digest(&bytes)))
    );
    let (status, headers, part) = download(&v, &id, Some("bytes=9000000-9000099")).await;
    assert_eq!(status, 206);
    assert_eq!(&part[..], &bytes[9_000_000..9_000_100]);
    assert_eq!(
        headers["content-range"].to_str().unwrap(),
        format!("bytes 9000000-9000099/{}", bytes.len())
    );
    // an empty document too
    let empty = g.upload_id(&sid, "leeg.txt", Vec::new(), "RV").await;
    let (status, _, got) = download(&v, &empty, None).await;
    assert_eq!((status, got.len()), (200, 0));
}

/// An upload whose bytes come from a channel; the test decides when the body ends, or that it
/// never does (dropping the sender mid-body aborts the request).
type Chunks = mpsc::Sender<Result<Vec<u8>, std::io::Error>>;
type Status = tokio::task::JoinHandle<Result<u16, reqwest::Error>>;

fn channel_upload(api: &Api, sid: &str) -> (Chunks, Status) {
    let (tx, rx) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream))
        .file_name("afgebroken.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let req = api
        .req(
            Method::POST,
            &format!("/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding=RV&documentOmschrijving=Half"),
        )
        .multipart(reqwest::multipart::Form::new().part("file", part));
    let task = tokio::spawn(async move { Ok(req.send().await?.status().as_u16()) });
    (tx, task)
}

async fn document_count(api: &Api, sid: &str) -> u64 {
    api.get(&format!("/samenwerkingen/{sid}/documenten"))
        .await
        .ok()["page"]["totalElements"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn aborted_or_refused_upload_leaves_nothing_in_the_bucket() {
    if skip() {
        return;
    }
    let srv = Server::start(&[("SWF_MAX_UPLOAD_BYTES", &(12 * MIB).to_string())]).await;
    let bucket = srv.s3.clone().expect("bucket");
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Afgebroken", &[]).await;

    // the client sends 10 MiB (one 8 MiB part reaches the store) and then breaks off the body
    let (tx, task) = channel_upload(&g, &sid);
    for i in 0..10 {
        tx.send(Ok(content(MIB, i))).await.unwrap();
    }
    // wait until the service has started the multipart upload
    let deadline = Instant::now() + Duration::from_secs(30);
    while bucket.unfinished_uploads().await == 0 {
        assert!(
            Instant::now() < deadline && !task.is_finished(),
            "no multipart upload started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tx.send(Err(std::io::Error::other("client gives up")))
        .await
        .unwrap();
    drop(tx);
    let _ = task.await.unwrap();
    // the service aborts the multipart upload: no parts, no object, no row
    let deadline = Instant::now() + Duration::from_secs(30);
    while bucket.unfinished_uploads().await > 0 {
        assert!(
            Instant::now() < deadline,
            "the multipart upload was not aborted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(bucket.keys().await, vec![]);
    assert_eq!(document_count(&g, &sid).await, 0);

    // too large: refused with 413, the same
    let r = g
        .upload(&sid, "te-groot.pdf", content(13 * MIB, 9), "RV")
        .await;
    assert_eq!(r.status, 413, "{:?}", r.json);
    assert_eq!(bucket.unfinished_uploads().await, 0);
    assert_eq!(bucket.keys().await, vec![]);
    assert_eq!(document_count(&g, &sid).await, 0);

    // and an upload after that works
    let id = g.upload_id(&sid, "goed.pdf", content(MIB, 3), "RV").await;
    assert_eq!(bucket.keys().await, vec![(blob_key(&id), MIB as u64)]);
}

#[tokio::test]
async fn deleting_documents_removes_their_objects() {
    if skip() {
        return;
    }
    let srv = Server::start(&[("SWF_RETENTION_DAYS", "0")]).await;
    let bucket = srv.s3.clone().expect("bucket");
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Opruimen", &[]).await;
    let a = g.upload_id(&sid, "a.pdf", content(100_000, 1), "RV").await;
    let b = g.upload_id(&sid, "b.pdf", content(200_000, 2), "RV").await;
    let mut both = vec![(blob_key(&a), 100_000), (blob_key(&b), 200_000)];
    both.sort();
    assert_eq!(bucket.keys().await, both);
    // one deleted through the API
    let r = g.delete(&format!("/documenten/{a}")).await;
    assert_eq!(r.status, 204, "{:?}", r.json);
    assert_eq!(bucket.keys().await, vec![(blob_key(&b), 200_000)]);
    // the other with its samenwerking, by the retention job
    g.close(&sid).await;
    let out = srv.run_jobs(&[]);
    assert!(out.contains("verwijderd: 1"), "{out}");
    assert_eq!(bucket.keys().await, vec![]);
}

#[tokio::test]
async fn two_instances_see_each_others_documents() {
    if skip() {
        return;
    }
    if !on_postgres() {
        eprintln!("skipped: two instances need SWF_TEST_DATABASE_URL as well");
        return;
    }
    let a = Server::start(&[]).await;
    // its own data folder: the documents are shared through the bucket only
    let b = a.second_instance(&[]).await;
    let sid = a
        .as_org(GEMEENTE)
        .start("Twee", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let from_a = content(6 * MIB + 1, 4);
    let id_a = a
        .as_org(GEMEENTE)
        .upload_id(&sid, "a.pdf", from_a.clone(), "RV")
        .await;
    let from_b = content(3 * MIB + 7, 5);
    let id_b = b
        .as_org(VRV)
        .upload_id(&sid, "b.pdf", from_b.clone(), "RV")
        .await;
    let (s, _, got) = download(&b.as_org(VRV), &id_a, None).await;
    assert!(s == 200 && got == from_a, "B serves what A received");
    let (s, _, got) = download(&a.as_org(GEMEENTE), &id_b, None).await;
    assert!(s == 200 && got == from_b, "A serves what B received");
    // B deletes what A stored: gone for both
    assert_eq!(
        b.as_org(GEMEENTE)
            .delete(&format!("/documenten/{id_a}"))
            .await
            .status,
        204
    );
    let keys = a.s3.as_ref().unwrap().keys().await;
    assert_eq!(keys.len(), 1, "{keys:?}");
}

#[tokio::test]
async fn start_up_removes_objects_without_a_document() {
    if skip() {
        return;
    }
    let mut srv = Server::start(&[]).await;
    let bucket = srv.s3.clone().expect("bucket");
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Wees", &[]).await;
    let id = g
        .upload_id(&sid, "blijft.pdf", content(50_000, 8), "RV")
        .await;
    // what a crash between completing an upload and committing its row leaves
    let orphan = "ab/ab5e0d6c-0000-4000-8000-000000000001";
    bucket.put(&format!("blobs/{orphan}"), vec![7; 1000]).await;
    srv.restart().await;
    let mut expected = vec![(blob_key(&id), 50_000)];
    if on_postgres() {
        // several instances may share the bucket: a fresh orphan may be another instance's
        // upload between its completion and its row, so only old ones go (D50/D61)
        expected.push((format!("blobs/{orphan}"), 1000));
        expected.sort();
    }
    assert_eq!(bucket.keys().await, expected);
    let (s, _, got) = download(&srv.as_org(GEMEENTE), &id, None).await;
    assert!(
        s == 200 && got == content(50_000, 8),
        "the document is untouched"
    );
}

/// A TCP relay between the service and the object store that the test can cut.
struct Relay {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(port: u16, upstream: String) -> Relay {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("relay bind");
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            while let Ok((mut down, _)) = listener.accept().await {
                let upstream = upstream.clone();
                conns.spawn(async move {
                    if let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                    }
                });
            }
        });
        Relay { port, task }
    }

    /// Stop listening and cut every connection (the JoinSet drops with the task, aborting the
    /// connections' tasks; they close their sockets when next scheduled).
    async fn cut(self) {
        self.task.abort();
        let _ = self.task.await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn ready_status(srv: &Server) -> (u16, Value) {
    let r = srv
        .http
        .get(format!("{}{BASE}/ready", srv.url))
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

// multi-threaded: the kit starts the server with blocking calls, and the relay must forward the
// server's start-up requests meanwhile
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_fails_while_the_object_store_is_unreachable() {
    if skip() {
        return;
    }
    let bucket = TestBucketAddr::from_env();
    let relay = Relay::start(0, bucket.hostport.clone()).await;
    let port = relay.port;
    let endpoint = format!("http://127.0.0.1:{port}");
    let srv = Server::start(&[("SWF_STORAGE_ENDPOINT", &endpoint)]).await;
    assert_eq!(ready_status(&srv).await.0, 200);

    relay.cut().await;
    let started = Instant::now();
    let (status, body) = ready_status(&srv).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "niet-beschikbaar");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("documentopslag"),
        "{body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answers in time"
    );
    // the database is fine: /health (liveness) stays up
    let h = srv
        .http
        .get(format!("{}{BASE}/health", srv.url))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status().as_u16(), 200);

    // back again
    let relay = Relay::start(port, bucket.hostport.clone()).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready_status(&srv).await.0 != 200 {
        assert!(
            Instant::now() < deadline,
            "not ready again after the store came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    relay.cut().await;
}

/// host:port of the test bucket's server.
struct TestBucketAddr {
    hostport: String,
}

impl TestBucketAddr {
    fn from_env() -> TestBucketAddr {
        let url = swf_testkit::s3::bucket_url().expect("SWF_TEST_S3_URL");
        let rest = url.strip_prefix("http://").expect("http:// URL");
        TestBucketAddr {
            hostport: rest.split('/').next().unwrap().to_owned(),
        }
    }
}
