//! Operations (issue 16 item 4): `swf-server migrate`, `/ready` (database and document storage)
//! and the Prometheus metrics at `/metrics`. On both backends.
use futures_util::StreamExt;
use std::time::Duration;
use swf_testkit::*;

#[tokio::test]
async fn migrate_ready_and_metrics() {
    let srv = Server::start(&[("SWF_JOB_INTERVAL_SECS", "1")]).await;
    // the schema is current already: migrate says so and changes nothing
    let before = srv.db_dump().await;
    assert_eq!(srv.admin(&["migrate"]), "database bijgewerkt");
    assert_eq!(srv.db_dump().await, before);

    let ready = srv
        .http
        .get(format!("{}{BASE}/ready", srv.url))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);

    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let resp = v
        .req(reqwest::Method::GET, "/gebeurtenissen/stream")
        .send()
        .await
        .expect("stream");
    assert_eq!(resp.status(), 200);
    let mut stream = resp.bytes_stream();
    let sid = g.start("Gemeten", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    assert_eq!(g.get(&format!("/samenwerkingen/{sid}")).await.status, 200);
    assert_eq!(g.get("/samenwerkingen/SAM-0").await.status, 404);
    // the invitation reaches VRV's stream
    let mut seen = String::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while !seen.contains("id:") {
            let chunk = stream.next().await.expect("open").expect("chunk");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .expect("an event");
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let text = srv
        .http
        .get(format!("{}/metrics", srv.url))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let route = format!("{BASE}/samenwerkingen/{{id}}");
    for expected in [
        format!("swf_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"2xx\"}} 1"),
        format!("swf_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"4xx\"}} 1"),
        format!("swf_http_request_duration_seconds_count{{method=\"POST\",route=\"{BASE}/samenwerkingen\"}} 1"),
        "swf_feed_streams 1".to_owned(),
        "swf_job_runs_total{outcome=\"failed\"} 0".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected} in:\n{text}");
    }
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in:\n{text}"))
    };
    assert!(value("swf_feed_head_volgnummer") >= 1.0);
    // the invitation (and its notification) went out on the stream
    assert!(value("swf_feed_delivery_lag_seconds_count") >= 1.0);
    assert!(value("swf_db_pool_connections") >= 1.0);
    assert!(value("swf_job_runs_total{outcome=\"ok\"}") >= 1.0);
    // ids never become series of their own
    assert!(!text.contains(&sid), "{text}");

    // the document storage gone: not ready (the database still is)
    drop(stream);
    let tmp = srv.data().join("tmp");
    std::fs::remove_dir_all(&tmp).expect("remove tmp");
    std::fs::write(&tmp, b"geen map").expect("a file in its place");
    let r = srv
        .http
        .get(format!("{}{BASE}/ready", srv.url))
        .send()
        .await
        .expect("ready");
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.expect("problem");
    assert_eq!(body["code"], "niet-beschikbaar");
    let health = srv
        .http
        .get(format!("{}{BASE}/health", srv.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200, "live: the database answers");
}
