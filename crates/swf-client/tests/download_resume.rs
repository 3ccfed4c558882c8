//! A download cut off by a dropped connection resumes where it stopped (Range + If-Range)
//! instead of starting over, and still ends byte-identical and verified.
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use swf_client::remote::{RemoteApi, RemoteConfig};
use swf_client::ClientError;
use swf_testkit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_download_resumes_where_it_stopped() {
    let mut srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Groot bestand"})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let content: Vec<u8> = (0..48 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    let doc = g
        .upload(&sid, "tekeningen.zip", content.clone(), "RV")
        .await;
    let id = uuid::Uuid::parse_str(doc["documentId"].as_str().unwrap()).unwrap();
    let hash = doc["documentHash"].as_str().unwrap().to_owned();

    let mut c = RemoteConfig::new(&srv.url);
    c.retry_attempts = 1;
    c.breaker_cooldown = Duration::from_millis(100);
    let api = RemoteApi::new(c).unwrap();
    api.set_token(Some(srv.token(GEMEENTE)));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("tekeningen.zip");

    // first attempt: slowed down a little, and the service dies halfway
    let seen = Arc::new(AtomicU64::new(0));
    let task = tokio::spawn({
        let api = api.clone();
        let dest = dest.clone();
        let hash = hash.clone();
        let seen = seen.clone();
        async move {
            api.download_document(id, &dest, Some(&hash), &move |done, _| {
                seen.store(done, Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(300));
            })
            .await
        }
    });
    while seen.load(Ordering::SeqCst) < 8 * 1024 * 1024 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    srv.stop();
    let first = task.await.unwrap();
    assert!(matches!(first, Err(ClientError::Offline(_))), "{first:?}");
    assert!(!dest.exists(), "nothing unverified at the destination");
    let partial: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(
        partial >= 8 * 1024 * 1024,
        "the partial download is kept ({partial} bytes)"
    );

    // second attempt after the service is back: starts at the partial size
    srv.start_again().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let first_progress = Arc::new(AtomicU64::new(u64::MAX));
    let fp = first_progress.clone();
    let got = api
        .download_document(id, &dest, Some(&hash), &move |done, _| {
            let _ = fp.compare_exchange(u64::MAX, done, Ordering::SeqCst, Ordering::SeqCst);
        })
        .await
        .expect("resumed download");
    assert_eq!(
        first_progress.load(Ordering::SeqCst),
        partial,
        "resumed, not restarted"
    );
    assert_eq!(got.bytes, content.len() as u64);
    assert_eq!(got.sha256, hash);
    assert_eq!(std::fs::read(&dest).unwrap(), content);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "no partial files left: {leftovers:?}");
}

#[tokio::test]
async fn a_partial_file_of_a_changed_document_is_not_glued_onto_the_new_one() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Gewijzigd"})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let doc = g
        .upload(
            &sid,
            "a.txt",
            b"de echte inhoud van het document".to_vec(),
            "RV",
        )
        .await;
    let id = uuid::Uuid::parse_str(doc["documentId"].as_str().unwrap()).unwrap();
    let hash = doc["documentHash"].as_str().unwrap().to_owned();
    let api = RemoteApi::new(RemoteConfig::new(&srv.url)).unwrap();
    api.set_token(Some(srv.token(GEMEENTE)));
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("a.txt");
    // a stale partial from an older version: If-Range makes the service send it all again
    std::fs::write(
        dir.path().join(format!(".a.txt.{}.part", id.simple())),
        b"oude versie, veel te lang voor het nieuwe document",
    )
    .unwrap();
    let got = api
        .download_document(id, &dest, Some(&hash), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(got.sha256, hash);
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        b"de echte inhoud van het document"
    );
}
