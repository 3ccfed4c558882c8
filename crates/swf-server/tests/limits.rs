//! Limits against exhausting the service (issue 9, items 2–5 and 7), through the real binary on
//! 127.0.0.1: memory under a burst of parallel sign-ins, the login throttle under a parallel
//! burst, live streams that end when their token stops working, slow and idle connections and
//! trickling uploads that are cut off, a shutdown with a deadline, and the admin commands for
//! tokens and users. Every loop is bounded; measured figures are printed (`--nocapture`).
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use swf_testkit::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: u64 = 1024 * 1024;

/// A `VmRSS`/`VmHWM`-style line of /proc/<pid>/status, in bytes.
fn proc_status(pid: u32, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Open file descriptors of a process.
fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

fn pid(srv: &Server) -> u32 {
    srv.child.as_ref().expect("server runs").id()
}

fn sign_in_url(srv: &Server) -> String {
    format!("{}{BASE}/auth/token", srv.url)
}

async fn sign_in(http: &reqwest::Client, srv: &Server, user: &str, pw: &str) -> (u16, Resp) {
    let r = srv.sign_in_with(http, user, pw).await;
    (r.status.as_u16(), r)
}

/// Files under tmp/ (on PostgreSQL uploads go to the instance's own `tmp/<id>/`, D50).
fn tmp_files(srv: &Server) -> usize {
    let tmp = srv.data().join("tmp").display().to_string();
    srv.files()
        .iter()
        .filter(|(p, _)| p.starts_with(&tmp))
        .count()
}

/// Uploads being received: temp files, or with documents in an object store its unfinished
/// multipart uploads.
async fn uploads_in_progress(srv: &Server) -> usize {
    match &srv.s3 {
        Some(bucket) => bucket.unfinished_uploads().await,
        None => tmp_files(srv),
    }
}

// ------------------------------------------------------------------ item 2: sign-in exhaustion

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_stays_bounded_under_250_parallel_sign_ins() {
    // the most slots the default gives (2 x cores, at most 4), whatever this machine has
    let srv = Server::start(&[("SWF_PASSWORD_CHECKS", "4")]).await;
    srv.add_user("vera", "vera", GEMEENTE, "geheim-wachtwoord\n");
    let pid = pid(&srv);
    let rss_start = proc_status(pid, "VmRSS");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut burst: FuturesUnordered<_> = (0..250)
        .map(|i| {
            let http = http.clone();
            let url = sign_in_url(&srv);
            async move {
                let r = http
                    .post(url)
                    .json(&json!({"gebruikersnaam": format!("onbekend{i}"), "wachtwoord": "fout-wachtwoord"}))
                    .send()
                    .await
                    .expect("every sign-in gets an answer");
                let status = r.status().as_u16();
                let retry = r.headers().get("retry-after").is_some();
                let ct = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                let body: serde_json::Value = r.json().await.unwrap_or_default();
                (status, retry, ct, body["code"].as_str().unwrap_or("").to_owned())
            }
        })
        .collect();
    let mut peak_rss = 0;
    let mut answers = Vec::new();
    // sample the memory while the burst runs (bounded: one sample per answer)
    while let Some(a) = burst.next().await {
        peak_rss = peak_rss.max(proc_status(pid, "VmRSS"));
        answers.push(a);
    }
    let hwm = proc_status(pid, "VmHWM");
    let busy = answers.iter().filter(|a| a.0 == 503).count();
    let wrong = answers.iter().filter(|a| a.0 == 401).count();
    eprintln!(
        "250 parallel sign-ins: {:?}; RSS at start {} MiB, peak sampled {} MiB, VmHWM {} MiB; 401: {wrong}, 503: {busy}",
        started.elapsed(),
        rss_start / MIB,
        peak_rss / MIB,
        hwm / MIB
    );
    assert!(
        hwm < 200 * MIB,
        "the service's memory peaked at {} MiB",
        hwm / MIB
    );
    for (status, retry, ct, code) in &answers {
        match status {
            401 => assert_eq!(code, "onjuiste-inlog"),
            503 => {
                assert!(retry, "a 503 says when to retry");
                assert_eq!(code, "aanmelden-bezet");
                assert!(ct.starts_with("application/problem+json"), "{ct}");
            }
            s => panic!("unexpected answer {s} {code}"),
        }
    }
    assert!(wrong > 0, "some passwords were checked");
    // and the service still signs in a real user afterwards
    let (s, r) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    assert_eq!(s, 201, "{}", r.json);
}

#[tokio::test]
async fn sign_in_bodies_and_fields_are_bounded() {
    let srv = Server::start(&[]).await;
    srv.add_user("vera", "vera", GEMEENTE, "geheim-wachtwoord\n");
    let http = srv.http.clone();
    // a body over 8 KiB: 413, before anything is parsed or hashed
    let big = json!({"gebruikersnaam": "vera", "wachtwoord": "x".repeat(20 * 1024)});
    let api = srv.with_token("");
    let r = api.send(http.post(sign_in_url(&srv)).json(&big)).await;
    assert_eq!(r.status, 413, "{}", r.json);
    assert_eq!(r.code(), "verzoek-te-groot");
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    // the same without a Content-Length (chunked): still 413
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(serde_json::to_vec(&big).unwrap())];
    let r = api
        .send(
            http.post(sign_in_url(&srv))
                .header("content-type", "application/json")
                .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                    chunks,
                ))),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.json);
    // a user name of 900 KiB never reaches the throttle's memory: the body is too large
    let (s, _) = sign_in(&http, &srv, &"n".repeat(900 * 1024), "x").await;
    assert_eq!(s, 413);
    // fields over their length: 400 naming the field
    let (s, r) = sign_in(&http, &srv, &"n".repeat(300), "wachtwoord").await;
    assert_eq!(s, 400, "{}", r.json);
    assert_eq!(r.json["invalid-params"][0]["name"], "gebruikersnaam");
    let (s, r) = sign_in(&http, &srv, "vera", &"w".repeat(2000)).await;
    assert_eq!(s, 400, "{}", r.json);
    assert_eq!(r.json["invalid-params"][0]["name"], "wachtwoord");
    // none of that counted as a failed attempt
    let (s, _) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    assert_eq!(s, 201);
}

// ------------------------------------------------------------------ item 3: throttle under a burst

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_throttle_holds_under_a_parallel_burst() {
    let srv = Server::start(&[]).await;
    srv.add_user("vera", "vera", GEMEENTE, "geheim-wachtwoord\n");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut burst: FuturesUnordered<_> = (0..30)
        .map(|i| {
            let http = http.clone();
            let srv = &srv;
            async move { sign_in(&http, srv, "vera", &format!("fout-{i}")).await.0 }
        })
        .collect();
    // wait for the quick refusals (or for everything, bounded by the client timeout): by then
    // every wrong attempt has reached the service
    let mut statuses = Vec::new();
    while let Some(s) = burst.next().await {
        statuses.push(s);
        if statuses.iter().filter(|s| **s == 429).count() >= 25 {
            break;
        }
    }
    // the right password while the burst is still being checked
    let (right, r) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    while let Some(s) = burst.next().await {
        statuses.push(s);
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    eprintln!("30 parallel wrong passwords: {checked} checked (401), {throttled} throttled (429); right password in the burst: {right}");
    assert_eq!(statuses.len(), 30);
    assert!(
        checked <= 5,
        "{checked} wrong passwords were checked, at most 5 may be"
    );
    assert_eq!(checked + throttled, 30, "{statuses:?}");
    assert_eq!(right, 429, "the right password after the limit: {}", r.json);
    assert!(r.headers.get("retry-after").is_some());
}

// ------------------------------------------------------------------ item 4: streams end

async fn open_stream(srv: &Server, token: &str) -> reqwest::Response {
    let r = reqwest::Client::new()
        .get(format!("{}{BASE}/gebeurtenissen/stream", srv.url))
        .bearer_auth(token)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r
}

/// Read until the stream ends; `Some(time taken)` when it ended within `limit`.
async fn ends_within(mut r: reqwest::Response, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    for _ in 0..1000 {
        let left = limit.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, r.chunk()).await {
            Ok(Ok(Some(_))) => continue,
            Ok(Ok(None)) | Ok(Err(_)) => return Some(start.elapsed()),
            Err(_) => return None,
        }
    }
    None
}

fn token_id(srv: &Server, omschrijving: &str) -> String {
    let list = srv.admin(&["token", "list", "--gebruikers"]);
    let line = list
        .lines()
        .find(|l| l.ends_with(omschrijving) || l.contains(&format!("  {omschrijving}")))
        .unwrap_or_else(|| panic!("no token '{omschrijving}' in:\n{list}"));
    line.split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn a_stream_ends_when_its_token_is_revoked_or_expires() {
    // a short header timeout too: it must not cut a response that is still streaming
    let srv = Server::start(&[
        ("SWF_STREAM_RECHECK_SECS", "1"),
        ("SWF_HEADER_READ_TIMEOUT_SECS", "1"),
    ])
    .await;
    srv.add_user("vera", "vera", GEMEENTE, "geheim-wachtwoord\n");
    let http = srv.http.clone();

    // sign-out on this service: the stream ends at once
    let (_, r) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    let token = r.json["accessToken"].as_str().unwrap().to_owned();
    let stream = open_stream(&srv, &token).await;
    assert_eq!(
        srv.with_token(&token).delete("/auth/token").await.status,
        204
    );
    let took = ends_within(stream, Duration::from_secs(3)).await;
    eprintln!("stream after sign-out ended after {took:?}");
    assert!(took.is_some(), "the stream goes on after sign-out");
    assert_eq!(
        srv.with_token(&token).get("/gebeurtenissen").await.status,
        401
    );

    // revoked with the admin CLI (another process): within the re-check interval
    let system = srv.token_named(GEMEENTE, "zaaksysteem-a");
    let stream = open_stream(&srv, &system).await;
    let id = token_id(&srv, "zaaksysteem-a");
    srv.admin(&["token", "revoke", "--id", &id]);
    let took = ends_within(stream, Duration::from_secs(5)).await;
    eprintln!("stream after admin revocation ended after {took:?}");
    assert!(took.is_some(), "the stream goes on after revocation");
    assert_eq!(
        srv.with_token(&system).get("/gebeurtenissen").await.status,
        401
    );

    // expired (set to now with the admin CLI)
    let system = srv.token_named(GEMEENTE, "zaaksysteem-b");
    let stream = open_stream(&srv, &system).await;
    let id = token_id(&srv, "zaaksysteem-b");
    srv.admin(&["token", "expire", "--id", &id, "--dagen", "0"]);
    let took = ends_within(stream, Duration::from_secs(5)).await;
    eprintln!("stream after expiry ended after {took:?}");
    assert!(took.is_some(), "the stream goes on after expiry");
    assert_eq!(
        srv.with_token(&system).get("/gebeurtenissen").await.status,
        401
    );

    // an open stream of a valid token is left alone
    let system = srv.token(GEMEENTE);
    let stream = open_stream(&srv, &system).await;
    assert!(ends_within(stream, Duration::from_secs(3)).await.is_none());
}

// ------------------------------------------------------------------ item 5: timeouts and limits

/// Trickle a request's headers (or send nothing when `idle`) until the server closes the
/// connection; the time that took, or None when it was still open after `limit`.
async fn trickle_headers(base: String, idle: bool, limit: Duration) -> Option<Duration> {
    let addr = base.trim_start_matches("http://").to_owned();
    let start = Instant::now();
    let mut s = TcpStream::connect(&addr).await.ok()?;
    if !idle {
        let _ = s
            .write_all(format!("GET {BASE}/health HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
            .await;
    }
    let mut buf = [0u8; 1024];
    for i in 0..(limit.as_millis() / 250 + 1) {
        if !idle
            && s.write_all(format!("X-{i}: a\r\n").as_bytes())
                .await
                .is_err()
        {
            return Some(start.elapsed());
        }
        match tokio::time::timeout(Duration::from_millis(250), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            // an answer (e.g. 408) is followed by the close
            Ok(Ok(_)) => continue,
            Err(_) => {}
        }
        if start.elapsed() > limit {
            return None;
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_idle_connections_are_cut_off_and_descriptors_stay_bounded() {
    let srv = Server::start(&[
        ("SWF_HEADER_READ_TIMEOUT_SECS", "2"),
        ("SWF_MAX_CONNECTIONS", "40"),
    ])
    .await;
    let pid = pid(&srv);
    let fds_before = fd_count(pid);
    let limit = Duration::from_secs(20);
    // 100 slowloris connections and 100 that say nothing at all
    let attack: Vec<_> = (0..200)
        .map(|i| tokio::spawn(trickle_headers(srv.url.clone(), i % 2 == 1, limit)))
        .collect();
    let mut max_fds = 0;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        max_fds = max_fds.max(fd_count(pid));
    }
    // a normal request still gets through within a few header timeouts
    let t = Instant::now();
    let health = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap()
        .get(format!("{}{BASE}/health", srv.url))
        .send()
        .await;
    let health_took = t.elapsed();
    max_fds = max_fds.max(fd_count(pid));
    let mut closed = Vec::new();
    for a in attack {
        closed.push(a.await.unwrap());
    }
    let held = closed.iter().filter(|c| c.is_none()).count();
    let slowest = closed.iter().flatten().max().copied();
    eprintln!(
        "200 slow/idle connections: {held} still open after {limit:?}; slowest closed after {slowest:?}; descriptors {fds_before} before, at most {max_fds} during; /health answered in {health_took:?} ({:?})",
        health.as_ref().map(|r| r.status())
    );
    assert_eq!(held, 0, "slow or idle connections are held open");
    assert!(
        max_fds <= fds_before + 40 + 10,
        "descriptors grew from {fds_before} to {max_fds}"
    );
    assert!(health.is_ok_and(|r| r.status().is_success()));
    // after the attack the service is as it was
    srv.wait_healthy().await;
}

/// Start an upload over a raw connection and send its first part; the caller trickles the rest.
async fn start_upload(srv: &Server, api: &Api, sid: &str) -> TcpStream {
    let addr = srv.url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = "--grens\r\nContent-Disposition: form-data; name=\"file\"; filename=\"traag.pdf\"\r\nContent-Type: application/pdf\r\n\r\n";
    let req = format!(
        "POST {BASE}/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding=RV&documentOmschrijving=Traag HTTP/1.1\r\n\
         Host: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary=grens\r\n\
         Content-Length: 100000\r\n\r\n{head}",
        api.token
    );
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(&[b'%'; 100]).await.unwrap();
    s
}

/// Send one byte every 200 ms until the server answers or closes; its answer (status line)
/// and when, or None after `limit`.
async fn trickle_body(s: &mut TcpStream, limit: Duration) -> Option<(String, Duration)> {
    let start = Instant::now();
    let mut buf = vec![0u8; 4096];
    for _ in 0..(limit.as_millis() / 200 + 1) {
        if s.write_all(b"x").await.is_err() {
            return Some(("(reset)".into(), start.elapsed()));
        }
        match tokio::time::timeout(Duration::from_millis(200), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(("(closed)".into(), start.elapsed())),
            Ok(Ok(n)) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                return Some((
                    text.lines().next().unwrap_or("").to_owned(),
                    start.elapsed(),
                ));
            }
            Err(_) => {}
        }
        if start.elapsed() > limit {
            return None;
        }
    }
    None
}

#[tokio::test]
async fn a_trickling_upload_is_cut_off_and_leaves_nothing_behind() {
    let srv = Server::start(&[
        ("SWF_BODY_MIN_BYTES_PER_SEC", "200"),
        ("SWF_BODY_RATE_WINDOW_SECS", "2"),
    ])
    .await;
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Traag", &[]).await;
    let before = srv.snapshot().await;
    let mut uploads = Vec::new();
    for _ in 0..5 {
        uploads.push(start_upload(&srv, &g, &sid).await);
    }
    let mut answers = Vec::new();
    let mut saw_temp = 0;
    for s in &mut uploads {
        saw_temp = saw_temp.max(uploads_in_progress(&srv).await);
        answers.push(trickle_body(s, Duration::from_secs(12)).await);
    }
    eprintln!("5 uploads trickling 5 bytes/s: {answers:?}; temp files seen {saw_temp}");
    for a in &answers {
        let (status, took) = a.as_ref().expect("the trickling upload is cut off");
        assert!(status.contains("408"), "{status}");
        assert!(*took < Duration::from_secs(8), "{took:?}");
    }
    // nothing left: no temp file, no document
    let mut after = srv.snapshot().await;
    for _ in 0..50 {
        if after.1.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = srv.snapshot().await;
    }
    assert_eq!(after.1, before.1, "files left behind");
    assert_eq!(after.0, before.0);
    assert_eq!(uploads_in_progress(&srv).await, 0, "uploads left behind");
    // a normal upload still works
    let d = g.upload(&sid, "snel.pdf", vec![1; 300_000], "RV").await;
    assert_eq!(d.status, 201, "{}", d.json);
}

#[tokio::test]
async fn shutdown_ends_within_its_deadline_with_a_trickling_upload() {
    let mut srv = Server::start(&[("SWF_SHUTDOWN_DEADLINE_SECS", "2")]).await;
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Traag stoppen", &[]).await;
    let mut s = start_upload(&srv, &g, &sid).await;
    // the upload is being written to a temp file
    for _ in 0..50 {
        if uploads_in_progress(&srv).await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        uploads_in_progress(&srv).await,
        1,
        "the upload reached its temp file"
    );
    let t = Instant::now();
    let mut child = srv.terminate();
    let trickle = tokio::spawn(async move { trickle_body(&mut s, Duration::from_secs(15)).await });
    let status = exit_within(&mut child, Duration::from_secs(15)).await;
    let took = t.elapsed();
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let answer = trickle.await.unwrap();
    eprintln!(
        "SIGTERM with a trickling upload: exited {status:?} after {took:?}; upload got {answer:?}"
    );
    let status = status.expect("the service exits within its shutdown deadline");
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(6), "{took:?}");
    assert_eq!(
        uploads_in_progress(&srv).await,
        0,
        "the cut-off upload left its temp file"
    );
}

// ------------------------------------------------------------------ item 7: operations

#[tokio::test]
async fn admin_commands_list_revoke_and_expire_tokens_and_manage_users() {
    let srv = Server::start(&[]).await;
    srv.add_user("vera", "vera", GEMEENTE, "geheim-wachtwoord\n");
    let http = srv.http.clone();
    let a = srv.token_named(GEMEENTE, "systeem-a");
    let b = srv.admin(&[
        "token",
        "create",
        "--oin",
        VRV,
        "--omschrijving",
        "systeem-b",
        "--dagen",
        "30",
    ]);
    let list = srv.admin(&["token", "list"]);
    assert!(
        list.contains("systeem-a") && list.contains("systeem-b"),
        "{list}"
    );
    assert!(
        !list.contains(&a) && !list.contains(&b),
        "tokens are never shown"
    );
    assert!(list.contains(GEMEENTE) && list.contains(VRV));
    // revoke one: it stops working, the other does not
    let id_a = token_id(&srv, "systeem-a");
    srv.admin(&["token", "revoke", "--id", &id_a]);
    assert_eq!(
        srv.with_token(&a).get("/organisaties/mijn").await.status,
        401
    );
    assert_eq!(
        srv.with_token(&b).get("/organisaties/mijn").await.status,
        200
    );
    assert!(!srv.admin(&["token", "list"]).contains("systeem-a"));
    // expire the other now; then never
    let id_b = token_id(&srv, "systeem-b");
    srv.admin(&["token", "expire", "--id", &id_b, "--dagen", "0"]);
    tokio::time::sleep(Duration::from_millis(5200)).await; // the token cache lives 5 s
    assert_eq!(
        srv.with_token(&b).get("/organisaties/mijn").await.status,
        401
    );
    srv.admin(&["token", "expire", "--id", &id_b, "--nooit"]);
    assert_eq!(
        srv.with_token(&b).get("/organisaties/mijn").await.status,
        200
    );
    // an unknown id is an error, not a silent no-op
    let out = std::process::Command::new(bin())
        .arg("--data")
        .arg(srv.data())
        .args(["token", "revoke", "--id", "ffffffffffff"])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // disable a user: its token stops working and signing in is refused
    let (_, r) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    let token = r.json["accessToken"].as_str().unwrap().to_owned();
    srv.admin(&["user", "disable", "--gebruikersnaam", "vera"]);
    assert_eq!(
        srv.with_token(&token)
            .get("/organisaties/mijn")
            .await
            .status,
        401
    );
    let (s, _) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    assert_eq!(s, 401);
    srv.admin(&["user", "enable", "--gebruikersnaam", "vera"]);
    let (s, r) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    assert_eq!(s, 201, "{}", r.json);
    let token = r.json["accessToken"].as_str().unwrap().to_owned();

    // reset the password: the old one and the old tokens stop working
    srv.admin_input(
        &["user", "reset-password", "--gebruikersnaam", "vera"],
        "nieuw-wachtwoord\n",
    );
    assert_eq!(
        srv.with_token(&token)
            .get("/organisaties/mijn")
            .await
            .status,
        401
    );
    let (s, _) = sign_in(&http, &srv, "vera", "geheim-wachtwoord").await;
    assert_eq!(s, 401);
    let (s, _) = sign_in(&http, &srv, "vera", "nieuw-wachtwoord").await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn plain_http_on_a_public_address_is_refused_without_the_proxy_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(bin())
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "0.0.0.0:0"])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // bounded: a service that does start is stopped after 5 s and the test fails
    let status = exit_within(&mut child, Duration::from_secs(5)).await;
    if status.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        status.is_some_and(|s| !s.success()),
        "it served plain HTTP on 0.0.0.0: {err}"
    );
    assert!(
        err.contains("TLS") && err.contains("--behind-proxy"),
        "{err}"
    );
    // nothing was started: no port line
    assert!(!String::from_utf8_lossy(&out.stdout).contains("luistert op"));
}
