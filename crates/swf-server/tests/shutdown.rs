//! Graceful shutdown: on SIGTERM the service stops accepting work, finishes the requests in
//! flight — a download keeps streaming to its end — and exits cleanly.
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::time::Duration;
use swf_testkit::*;

#[tokio::test]
async fn sigterm_finishes_a_download_in_flight_then_exits_cleanly() {
    let mut srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Afsluiten", &[]).await;
    let content: Vec<u8> = (0..24 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let doc = g
        .upload(&sid, "groot.pdf", content.clone(), "RV")
        .await
        .ok();
    let did = doc["documentId"].as_str().unwrap();

    let resp = g
        .req(reqwest::Method::GET, &format!("/documenten/{did}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let mut hasher = Sha256::new();
    let mut received = 0usize;
    // read a little, then ask the server to stop
    while received < 1024 * 1024 {
        let chunk = stream.next().await.unwrap().unwrap();
        received += chunk.len();
        hasher.update(&chunk);
    }
    let mut child = srv.terminate();
    // the download still completes, byte for byte
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("the download is not cut off by the shutdown");
        received += chunk.len();
        hasher.update(&chunk);
    }
    assert_eq!(received, content.len());
    assert_eq!(
        hex::encode(hasher.finalize()),
        doc["documentHash"].as_str().unwrap()
    );
    // and the process exits by itself, successfully
    let status = exit_within(&mut child, Duration::from_secs(5)).await;
    let status = status.expect("the server exits within 5 s after SIGTERM");
    assert!(status.success(), "{status:?}");
    // new requests are refused: nothing listens any more
    assert!(reqwest::Client::new()
        .get(format!("{}{BASE}/health", srv.url))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn a_second_service_on_the_same_data_folder_refuses_to_start() {
    if on_postgres() {
        // on PostgreSQL instances may share the folder: instances.rs tests that instead
        eprintln!("SQLite only: the data folder's lock");
        return;
    }
    let srv = Server::start(&[]).await;
    let out = std::process::Command::new(bin())
        .arg("--data")
        .arg(srv.data())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("er draait al een swf-server"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // the first one is unaffected, and admin commands still work next to it
    srv.wait_healthy().await;
    assert!(srv.token(GEMEENTE).starts_with("swf_"));
}

/// The start-up path in-process (`swf_server::serve`, as the practice environment uses it): the
/// handle knows the port it got, a second service on the folder and a taken port are refused
/// with their own errors, and `shutdown` returns only when the folder is free again.
#[tokio::test]
async fn serve_in_process_reports_its_address_and_shutdown_frees_the_folder() {
    use swf_server::config::Config;
    use swf_server::StartError;
    let dir = tempfile::tempdir().unwrap();
    let config = |listen: &str, data: &std::path::Path| Config {
        listen: listen.parse().unwrap(),
        data_dir: data.to_path_buf(),
        job_interval_secs: 100_000,
        ..Config::default()
    };
    let service = swf_server::serve(config("127.0.0.1:0", dir.path()))
        .await
        .unwrap();
    let addr = service.local_addr().unwrap();
    assert_ne!(addr.port(), 0);
    let health = format!("http://{addr}{BASE}/health");
    assert_eq!(reqwest::get(&health).await.unwrap().status(), 200);

    let second = swf_server::serve(config("127.0.0.1:0", dir.path())).await;
    assert!(
        matches!(second.as_ref().err(), Some(StartError::Locked(_))),
        "{:?}",
        second.err()
    );
    let other = tempfile::tempdir().unwrap();
    let taken = swf_server::serve(config(&addr.to_string(), other.path())).await;
    assert!(
        matches!(taken.as_ref().err(), Some(StartError::Bind(a, _)) if *a == addr.into()),
        "{:?}",
        taken.err()
    );

    service.shutdown().await.unwrap();
    assert!(reqwest::get(&health).await.is_err(), "no longer listening");
    let again = swf_server::serve(config("127.0.0.1:0", dir.path()))
        .await
        .unwrap();
    again.shutdown().await.unwrap();
}

/// One HTTP/1.1 exchange per request on one Unix-socket connection, kept alive between them:
/// the answers' status lines and headers, lower-cased.
#[cfg(unix)]
async fn over_unix_socket(path: &std::path::Path, paths: &[&str]) -> Vec<String> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let mut conn = BufReader::new(tokio::net::UnixStream::connect(path).await.unwrap());
    let mut answers = Vec::new();
    for p in paths {
        let req = format!("GET {p} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        conn.get_mut().write_all(req.as_bytes()).await.unwrap();
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            conn.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            let line = line.to_ascii_lowercase();
            if let Some(v) = line.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        conn.read_exact(&mut body).await.unwrap();
        answers.push(head);
    }
    answers
}

/// `--listen unix:PATH` (D84), as nginx on the same host reaches the service: requests are
/// answered over the socket with the same headers, only the service's group may connect, a
/// socket a running service answers on and a path that is not a socket are refused, a socket
/// left by a killed service is taken over, and the socket is gone once the service stopped.
#[cfg(unix)]
#[tokio::test]
async fn serve_on_a_unix_socket_for_a_proxy_on_the_same_host() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use swf_server::config::{Config, Listen};
    use swf_server::StartError;
    let run = tempfile::tempdir().unwrap();
    let socket = run.path().join("swf.sock");
    let at = format!("unix:{}", socket.display());
    let config = |listen: &str, data: &std::path::Path| Config {
        listen: listen.parse().unwrap(),
        data_dir: data.to_path_buf(),
        job_interval_secs: 100_000,
        ..Config::default()
    };
    let data = tempfile::tempdir().unwrap();
    let service = swf_server::serve(config(&at, data.path())).await.unwrap();
    assert_eq!(service.listening(), &Listen::Unix(socket.clone()));
    assert_eq!(service.local_addr(), None);
    let meta = std::fs::symlink_metadata(&socket).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);

    let health = format!("{BASE}/health");
    let answers = over_unix_socket(&socket, &[&health, "/bestaat-niet", &health]).await;
    assert!(answers[0].starts_with("http/1.1 200"), "{}", answers[0]);
    assert!(answers[1].starts_with("http/1.1 404"), "{}", answers[1]);
    assert!(answers[1].contains("content-type: application/problem+json"));
    assert!(answers[2].starts_with("http/1.1 200"), "{}", answers[2]);
    for a in &answers {
        assert!(a.contains("api-version: "), "{a}");
        assert!(a.contains("x-content-type-options: nosniff"), "{a}");
    }

    // a second service on the socket of a running one: refused, and the first one keeps it
    let other = tempfile::tempdir().unwrap();
    let taken = swf_server::serve(config(&at, other.path())).await;
    assert!(
        matches!(taken.as_ref().err(), Some(StartError::Bind(Listen::Unix(p), e))
            if *p == socket && e.kind() == std::io::ErrorKind::AddrInUse),
        "{:?}",
        taken.err()
    );
    assert!(over_unix_socket(&socket, &[&health]).await[0].starts_with("http/1.1 200"));

    service.shutdown().await.unwrap();
    assert!(!socket.exists(), "the socket file is removed at shutdown");

    // what a killed service leaves: a socket file nobody answers on
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    let again = swf_server::serve(config(&at, data.path())).await.unwrap();
    assert!(over_unix_socket(&socket, &[&health]).await[0].starts_with("http/1.1 200"));
    again.shutdown().await.unwrap();

    // not a socket: left alone
    std::fs::write(&socket, "van iemand anders").unwrap();
    let file = swf_server::serve(config(&at, data.path())).await;
    assert!(
        matches!(file.as_ref().err(), Some(StartError::Bind(..))),
        "{:?}",
        file.err()
    );
    assert_eq!(
        std::fs::read_to_string(&socket).unwrap(),
        "van iemand anders"
    );
}

/// `worker_threads` (D85): an instance that shares its host with others, the proxy or the
/// database gets its share of the CPUs, not one thread per CPU (`/metrics` says how many it
/// has); a value that is not a number stops the start with the setting's name.
#[tokio::test]
async fn the_service_runs_as_many_request_threads_as_configured() {
    for n in [1usize, 3] {
        let v = n.to_string();
        let srv = Server::start(&[("SWF_WORKER_THREADS", &v)]).await;
        let metrics = srv
            .http
            .get(format!("{}/metrics", srv.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains(&format!("\nswf_runtime_workers {n}\n")),
            "SWF_WORKER_THREADS={n}: {metrics}"
        );
        let g = srv.as_org(GEMEENTE);
        g.start("Met minder draden", &[]).await;
    }
    let out = std::process::Command::new(bin())
        .env("SWF_WORKER_THREADS", "twee")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SWF_WORKER_THREADS"), "{err}");
}
