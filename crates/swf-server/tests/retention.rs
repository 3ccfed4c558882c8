//! Background jobs: verzoek retrieval, announcements 30 and 7 days before deletion, automatic
//! deletion of closed samenwerkingen after the retention period — safe with several instances.
use serde_json::json;
use std::time::Duration;
use swf_testkit::*;

fn count(ns: &[serde_json::Value], t: &str) -> usize {
    ns.iter().filter(|n| n["notificatieType"] == t).count()
}

#[tokio::test]
async fn running_server_moves_initialisatie_to_open() {
    let srv = Server::start(&[
        ("SWF_VERZOEK_OPHALEN_SECS", "0"),
        ("SWF_JOB_INTERVAL_SECS", "1"),
    ])
    .await;
    let g = srv.as_org(GEMEENTE);
    let s = g
        .post(
            "/samenwerkingen",
            json!({"titel": "Met verzoek", "verzoeknummer": "2026000042"}),
        )
        .await
        .ok();
    assert_eq!(s["status"]["status"], "INITIALISATIE");
    let sid = s["samenwerkingId"].as_str().unwrap();
    let mut status = String::new();
    for _ in 0..50 {
        status = g.get(&format!("/samenwerkingen/{sid}")).await.ok()["status"]["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if status == "OPEN" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "OPEN");
    let ns = g.dso().notificaties().await;
    assert_eq!(
        count(&ns, "VERZOEK_OPHALEN_GESLAAGD"),
        1,
        "a DSO notification type"
    );
}

#[tokio::test]
async fn announcement_thirty_days_ahead_once() {
    let srv = Server::start(&[("SWF_RETENTION_DAYS", "20")]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g.start("Bijna weg", &[(VRV, "BEPERKTE_TOEGANG")]).await;
    g.close(&sid).await;
    assert!(srv.admin(&["jobs"]).contains("aangekondigd: 1"));
    assert!(
        srv.admin(&["jobs"]).contains("aangekondigd: 0"),
        "announced once, not on every run"
    );
    for api in [&g, &v] {
        let ns = api.notificaties().await;
        assert_eq!(count(&ns, "VERWIJDERING_GEPLAND"), 1);
        let n = ns
            .iter()
            .find(|n| n["notificatieType"] == "VERWIJDERING_GEPLAND")
            .unwrap();
        assert!(n["properties"]["verwijderDatum"].is_string());
    }
    assert_eq!(
        g.get(&format!("/samenwerkingen/{sid}")).await.status,
        200,
        "not deleted yet"
    );
}

#[tokio::test]
async fn closed_samenwerking_is_deleted_after_retention_by_exactly_one_instance() {
    let srv = Server::start(&[("SWF_RETENTION_DAYS", "0")]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let open = g.start("Blijft open", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    let mut closed = Vec::new();
    for i in 0..5 {
        let sid = g
            .start(&format!("Gesloten {i}"), &[(VRV, "VOLLEDIGE_TOEGANG")])
            .await;
        g.upload(&sid, "advies.pdf", vec![b'x'; 10_000], "RV")
            .await
            .ok();
        g.close(&sid).await;
        closed.push(sid);
    }
    // the overview is rendered (and cached) before another process deletes
    assert_eq!(
        g.get("/samenwerkingen").await.ok()["page"]["totalElements"],
        6
    );
    // two instances run the job at the same moment on the same data
    let data = srv.data();
    let env = srv.env.clone();
    let run = |d: std::path::PathBuf, e: Vec<(String, String)>| {
        std::thread::spawn(move || admin_env(&d, &["jobs"], None, &e))
    };
    let (a, b) = (run(data.clone(), env.clone()), run(data, env));
    let (a, b) = (a.join().unwrap(), b.join().unwrap());
    let deleted = |s: &str| {
        s.split("verwijderd: ")
            .nth(1)
            .and_then(|x| x.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap()
    };
    assert_eq!(deleted(&a) + deleted(&b), 5, "each deleted once: {a} / {b}");
    for sid in &closed {
        assert_eq!(g.get(&format!("/samenwerkingen/{sid}")).await.status, 404);
    }
    assert_eq!(
        g.get(&format!("/samenwerkingen/{open}")).await.status,
        200,
        "open ones stay"
    );
    let list = g.get("/samenwerkingen").await.ok();
    assert_eq!(
        list["page"]["totalElements"], 1,
        "the overview reflects what another process deleted"
    );
    let ns = v.notificaties().await;
    assert_eq!(
        count(&ns, "SAMENWERKING_VERWIJDERD"),
        5,
        "one deletion notice per samenwerking, not two"
    );
    assert_eq!(
        count(&ns, "VERWIJDERING_GEPLAND"),
        0,
        "announcements went with the samenwerking"
    );
    let blobs = srv
        .files()
        .into_iter()
        .filter(|(p, _)| p.contains("/blobs/"))
        .count();
    assert_eq!(blobs, 0, "every document byte removed");
}
