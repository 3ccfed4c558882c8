//! The engine against a real `swf-server` on 127.0.0.1 with a real mirror file: first sync,
//! every kind of incremental change, revocation purges, offline reads and writes, restart
//! from the cursor, an expired cursor, a corrupt mirror, and live following.
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;
use swf_client::mirror::{ChangeKind, Mirror, NotificatieFilter, OverviewFilter};
use swf_client::remote::RemoteConfig;
use swf_client::session::{self, Session};
use swf_client::sync::{SyncConfig, Verbinding};
use swf_client::ClientError;
use swf_domain::SamenwerkingStarten;
use swf_testkit::*;

fn quick() -> RemoteConfig {
    let mut c = RemoteConfig::new("");
    c.retry_attempts = 1;
    c.connect_timeout = Duration::from_secs(2);
    c.breaker_cooldown = Duration::from_millis(200);
    c.breaker_max_cooldown = Duration::from_millis(400);
    c
}

fn config(url: &str) -> RemoteConfig {
    let mut c = quick();
    c.service_url = url.to_owned();
    c
}

fn sync_config() -> SyncConfig {
    SyncConfig {
        poll_interval: Duration::from_millis(300),
        stream_retry_min: Duration::from_millis(200),
        stream_retry_max: Duration::from_millis(500),
        ..SyncConfig::default()
    }
}

async fn open(dir: &Path) -> Mirror {
    Mirror::open(dir).await.expect("mirror opens").0
}

/// A session for `oin` with a system token (no keychain involved).
async fn session_for(srv: &Server, mirror: &Mirror, oin: &str) -> Session {
    session::with_token(mirror, config(&srv.url), sync_config(), &srv.token(oin))
        .await
        .expect("session")
}

/// Everything of an organisation as the service shows it, in a comparable shape.
type View = BTreeMap<
    String,
    (
        String,
        String,
        BTreeSet<String>,
        BTreeSet<String>,
        BTreeSet<String>,
    ),
>;

async fn list(raw: &Raw, path: &str, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 0..100 {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (st, v) = raw
            .send(
                Method::GET,
                &format!("{path}{sep}pagina={page}&aantal=100&page={page}&size=100"),
                None,
            )
            .await;
        assert_eq!(st, 200, "{path}: {v}");
        let items = v["_embedded"][key].as_array().cloned().unwrap_or_default();
        let n = items.len();
        out.extend(items);
        if n < 100 {
            break;
        }
    }
    out
}

async fn server_view(raw: &Raw) -> (View, BTreeSet<String>) {
    let mut view = View::new();
    for s in list(raw, "/samenwerkingen", "samenwerkingen").await {
        let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
        let deelnemers: BTreeSet<String> = list(
            raw,
            &format!("/samenwerkingen/{sid}/deelnemers"),
            "deelnemers",
        )
        .await
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["oin"].as_str().unwrap(),
                d["privilege"].as_str().unwrap()
            )
        })
        .collect();
        let docs: BTreeSet<String> = list(
            raw,
            &format!("/samenwerkingen/{sid}/documenten"),
            "documenten",
        )
        .await
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["documentId"].as_str().unwrap(),
                d["vertrouwelijkheidsAanduiding"].as_str().unwrap()
            )
        })
        .collect();
        let avs: BTreeSet<String> = list(
            raw,
            &format!("/actieverzoeken?samenwerkingId={sid}"),
            "actieverzoeken",
        )
        .await
        .iter()
        .map(|a| {
            format!(
                "{}:{}:{}:{}",
                a["actieverzoekId"].as_str().unwrap(),
                a["status"].as_str().unwrap(),
                a["aantalBerichten"],
                a["documenten"].as_array().map(|d| d.len()).unwrap_or(0)
            )
        })
        .collect();
        view.insert(
            sid,
            (
                s["titel"].as_str().unwrap().to_owned(),
                s["status"]["status"].as_str().unwrap().to_owned(),
                deelnemers,
                docs,
                avs,
            ),
        );
    }
    let notifs = list(raw, "/notificaties", "notificaties")
        .await
        .iter()
        .map(|n| n["notificatieId"].as_str().unwrap().to_owned())
        .collect();
    (view, notifs)
}

async fn mirror_view(m: &Mirror) -> (View, BTreeSet<String>) {
    let mut view = View::new();
    let page = m
        .overview(&OverviewFilter {
            limit: 10_000,
            ..OverviewFilter::default()
        })
        .await
        .unwrap();
    for item in page.items {
        let d = m
            .samenwerking(&item.samenwerking_id)
            .await
            .unwrap()
            .unwrap();
        view.insert(
            item.samenwerking_id.clone(),
            (
                d.samenwerking.titel.clone(),
                d.samenwerking.status.status.to_string(),
                d.deelnemers
                    .iter()
                    .map(|x| format!("{}:{}", x.oin, x.privilege))
                    .collect(),
                d.documenten
                    .iter()
                    .map(|x| {
                        format!(
                            "{}:{}",
                            x.document.document_id, x.document.vertrouwelijkheids_aanduiding
                        )
                    })
                    .collect(),
                d.actieverzoeken
                    .iter()
                    .map(|a| {
                        format!(
                            "{}:{}:{}:{}",
                            a.actieverzoek.actieverzoek_id,
                            a.actieverzoek.status,
                            a.berichten.len(),
                            a.actieverzoek.documenten.len()
                        )
                    })
                    .collect(),
            ),
        );
    }
    let notifs = m
        .notificaties(&NotificatieFilter {
            limit: 10_000,
            ..NotificatieFilter::default()
        })
        .await
        .unwrap()
        .items
        .iter()
        .map(|n| n.notificatie.notificatie_id.to_string())
        .collect();
    (view, notifs)
}

#[track_caller]
fn assert_same(server: &(View, BTreeSet<String>), mirror: &(View, BTreeSet<String>)) {
    assert_eq!(
        server.0, mirror.0,
        "samenwerkingen differ (left: service, right: mirror)"
    );
    assert_eq!(
        server.1, mirror.1,
        "notificaties differ (left: service, right: mirror)"
    );
}

/// The service's head for `raw`'s organisation.
async fn head(raw: &Raw) -> i64 {
    raw.send(Method::GET, "/gebeurtenissen", None).await.1["volgende"]
        .as_i64()
        .unwrap()
}

/// A samenwerking by GEMEENTE with VRV (full) and BUREAU (limited), an RV and an SV document,
/// and an actieverzoek to each partner (one with a bericht). Returns (sid, rv doc, sv doc).
async fn seed(g: &Raw, titel: &str) -> (String, String, String) {
    let (st, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": titel, "deelnemers": [
                {"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"},
                {"oin": BUREAU, "privilege": "BEPERKTE_TOEGANG"}]})),
        )
        .await;
    assert_eq!(st, 201, "{s}");
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let rv = g
        .upload(&sid, "advies.pdf", b"RV inhoud".to_vec(), "RV")
        .await;
    let sv = g
        .upload(&sid, "geheim.pdf", b"SV inhoud".to_vec(), "SV")
        .await;
    let rv = rv["documentId"].as_str().unwrap().to_owned();
    let sv = sv["documentId"].as_str().unwrap().to_owned();
    for (aan, docs) in [(VRV, json!([rv, sv])), (BUREAU, json!([rv]))] {
        let (st, a) = g
            .send(
                Method::POST,
                &format!("/samenwerkingen/{sid}/actieverzoeken"),
                Some(json!({"titel": format!("Advies {aan}"), "omschrijving": "Graag uw advies", "ontvanger": aan, "documenten": docs})),
            )
            .await;
        assert_eq!(st, 201, "{a}");
        if aan == VRV {
            let id = a["actieverzoekId"].as_str().unwrap();
            let (st, _) = g
                .send(
                    Method::POST,
                    &format!("/actieverzoeken/{id}/berichten"),
                    Some(json!({"bericht": "Spoed graag"})),
                )
                .await;
            assert_eq!(st, 201);
        }
    }
    (sid, rv, sv)
}

#[tokio::test]
async fn first_sync_mirrors_exactly_what_each_organisation_may_see() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    for i in 0..3 {
        seed(&g, &format!("Bouwplan {i}")).await;
    }
    // an unrelated samenwerking the partners are not in
    g.send(
        Method::POST,
        "/samenwerkingen",
        Some(json!({"titel": "Alleen gemeente"})),
    )
    .await;

    for oin in [GEMEENTE, VRV, BUREAU, WATERSCHAP] {
        let dir = tempfile::tempdir().unwrap();
        let m = open(dir.path()).await;
        let s = session_for(&srv, &m, oin).await;
        let report = s.engine.sync_once().await.expect("first sync");
        assert!(report.volledig);
        let raw = Raw::new(&srv, oin);
        let server = server_view(&raw).await;
        let mirror = mirror_view(&m).await;
        assert_same(&server, &mirror);
        assert_eq!(m.sync_state().await.unwrap().cursor, Some(head(&raw).await));
        assert!(m.sync_state().await.unwrap().full_sync.is_none());
        match oin {
            GEMEENTE => assert_eq!(mirror.0.len(), 4),
            VRV => assert_eq!(mirror.0.len(), 3),
            BUREAU => {
                assert_eq!(mirror.0.len(), 3);
                // limited access: no SV documents anywhere, not even inside actieverzoeken
                for (_, _, _, docs, _) in mirror.0.values() {
                    assert!(docs.iter().all(|d| d.ends_with(":RV")), "{docs:?}");
                }
            }
            _ => assert!(mirror.0.is_empty()),
        }
        // a second sync has nothing to do
        let again = s.engine.sync_once().await.unwrap();
        assert!(!again.volledig);
        assert_eq!(again.gebeurtenissen, 0);
    }
}

#[tokio::test]
async fn every_kind_of_change_reaches_the_mirror_in_one_sync() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let v = Raw::new(&srv, VRV);
    let (sid, rv, sv) = seed(&g, "Incrementeel").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    let mut changes = s.engine.subscribe();

    // each step: a change by someone, one sync, the mirror equals the service
    let av_to_vrv = {
        let (_, l) = v
            .send(
                Method::GET,
                &format!("/actieverzoeken?samenwerkingId={sid}&ontvanger={VRV}"),
                None,
            )
            .await;
        l["_embedded"]["actieverzoeken"][0]["actieverzoekId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let second = {
        let (_, s2) = g
            .send(Method::POST, "/samenwerkingen", Some(json!({"titel": "Tweede", "deelnemers": [{"oin": WATERSCHAP, "privilege": "BEPERKTE_TOEGANG"}]})))
            .await;
        s2["samenwerkingId"].as_str().unwrap().to_owned()
    };
    macro_rules! step {
        ($what:expr, $change:expr) => {{
            $change;
            let r = s.engine.sync_once().await.expect($what);
            assert!(!r.volledig, "{}: incremental", $what);
            assert_same(&server_view(&v).await, &mirror_view(&m).await);
            let c = changes
                .try_recv()
                .expect(concat!("a change notice after: ", $what));
            assert!(!c.is_empty());
            while changes.try_recv().is_ok() {}
        }};
    }
    step!("invited to a new samenwerking", {
        g.send(
            Method::POST,
            &format!("/samenwerkingen/{second}/deelnemers"),
            Some(json!({"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"})),
        )
        .await;
    });
    step!("metadata changed", {
        g.send(
            Method::PATCH,
            &format!("/samenwerkingen/{sid}"),
            Some(json!({"titel": "Incrementeel (gewijzigd)"})),
        )
        .await;
    });
    step!("document added", {
        g.upload(&sid, "nieuw.pdf", b"nieuw".to_vec(), "RV").await;
    });
    step!("document description changed", {
        g.send(
            Method::PATCH,
            &format!("/documenten/{rv}"),
            Some(json!({"documentOmschrijving": "Herzien advies"})),
        )
        .await;
    });
    step!("actieverzoek taken in treatment", {
        v.send(
            Method::PATCH,
            &format!("/actieverzoeken/{av_to_vrv}"),
            Some(json!({"status": "IN_BEHANDELING"})),
        )
        .await;
    });
    step!("bericht", {
        v.send(
            Method::POST,
            &format!("/actieverzoeken/{av_to_vrv}/berichten"),
            Some(json!({"bericht": "Komt eraan"})),
        )
        .await;
    });
    step!("actieverzoek marked ready", {
        v.send(
            Method::PATCH,
            &format!("/actieverzoeken/{av_to_vrv}"),
            Some(json!({"status": "GEREEDGEMELD", "melding": "Zie bijlage"})),
        )
        .await;
    });
    step!("new actieverzoek", {
        g.send(
            Method::POST,
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            Some(json!({"titel": "Nog een", "omschrijving": "x", "ontvanger": VRV})),
        )
        .await;
    });
    step!(
        "notificatie deleted on another device of the same organisation",
        {
            let (_, l) = v.send(Method::GET, "/notificaties?size=1", None).await;
            let nid = l["_embedded"]["notificaties"][0]["notificatieId"]
                .as_str()
                .unwrap()
                .to_owned();
            assert_eq!(
                v.send(Method::DELETE, &format!("/notificaties/{nid}"), None)
                    .await
                    .0,
                204
            );
        }
    );
    step!("document deleted", {
        assert_eq!(
            g.send(Method::DELETE, &format!("/documenten/{sv}"), None)
                .await
                .0,
            204
        );
    });
    step!("another partner's privilege changed", {
        g.send(
            Method::PATCH,
            &format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"),
            Some(json!({"privilege": "VOLLEDIGE_TOEGANG"})),
        )
        .await;
    });
    step!("samenwerking closed", {
        g.send(
            Method::PATCH,
            &format!("/samenwerkingen/{second}"),
            Some(json!({"status": {"status": "GESLOTEN"}})),
        )
        .await;
    });
    step!("samenwerking deleted", {
        assert_eq!(
            g.send(Method::DELETE, &format!("/samenwerkingen/{second}"), None)
                .await
                .0,
            204
        );
    });
    assert!(m.samenwerking(&second).await.unwrap().is_none());
    step!("removed as partner", {
        assert_eq!(
            g.send(
                Method::DELETE,
                &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
                None
            )
            .await
            .0,
            204
        );
    });
    assert!(
        m.samenwerking(&sid).await.unwrap().is_none(),
        "purged after removal"
    );
    let stats = m.stats().await.unwrap();
    assert_eq!(
        (stats.samenwerkingen, stats.documenten, stats.actieverzoeken),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn a_downgrade_removes_sv_documents_from_mirror_and_cache_in_one_sync() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, rv, sv) = seed(&g, "Afwaarderen").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    // both documents downloaded and cached (verified against their hash)
    let sv_id = uuid::Uuid::parse_str(&sv).unwrap();
    let rv_id = uuid::Uuid::parse_str(&rv).unwrap();
    let sv_path = s.engine.document_bestand(sv_id, &|_, _| {}).await.unwrap();
    let rv_path = s.engine.document_bestand(rv_id, &|_, _| {}).await.unwrap();
    assert_eq!(std::fs::read(&sv_path).unwrap(), b"SV inhoud");
    assert_eq!(std::fs::read(&rv_path).unwrap(), b"RV inhoud");

    g.send(
        Method::PATCH,
        &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
        Some(json!({"privilege": "BEPERKTE_TOEGANG"})),
    )
    .await;
    s.engine.sync_once().await.unwrap();

    assert!(
        m.document(sv_id).await.unwrap().is_none(),
        "SV document gone from the mirror"
    );
    assert!(!sv_path.exists(), "and its cached bytes are deleted");
    assert!(m.cached_document(sv_id).await.unwrap().is_none());
    assert!(rv_path.exists(), "RV stays cached");
    let d = m.samenwerking(&sid).await.unwrap().unwrap();
    for a in &d.actieverzoeken {
        assert!(
            a.actieverzoek
                .documenten
                .iter()
                .all(|x| x.document_id != sv_id),
            "not inside actieverzoeken either"
        );
    }
    // no notificatie about the SV document remains visible
    let page = m
        .notificaties(&NotificatieFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(page.items.iter().all(|n| n
        .notificatie
        .properties
        .get("documentId")
        .and_then(|x| x.as_str())
        != Some(sv.as_str())));
    assert_same(
        &server_view(&Raw::new(&srv, VRV)).await,
        &mirror_view(&m).await,
    );

    // RV -> SV while limited: also purged at once
    g.send(
        Method::PATCH,
        &format!("/documenten/{rv}"),
        Some(json!({"vertrouwelijkheidsAanduiding": "SV"})),
    )
    .await;
    s.engine.sync_once().await.unwrap();
    assert!(m.document(rv_id).await.unwrap().is_none());
    assert!(!rv_path.exists());
}

#[tokio::test]
async fn offline_every_read_works_and_writes_fail_changing_nothing() {
    let mut srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, rv, _) = seed(&g, "Offline").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    let rv_id = uuid::Uuid::parse_str(&rv).unwrap();
    s.engine.document_bestand(rv_id, &|_, _| {}).await.unwrap();
    let before = mirror_view(&m).await;
    let state_before = m.sync_state().await.unwrap();

    srv.stop();

    // reads
    assert_eq!(mirror_view(&m).await, before);
    assert!(m.samenwerking(&sid).await.unwrap().is_some());
    let cached = s
        .engine
        .document_bestand(rv_id, &|_, _| {})
        .await
        .expect("cached document opens offline");
    assert_eq!(std::fs::read(cached).unwrap(), b"RV inhoud");
    // writes: Offline, and nothing changed
    let e = s
        .engine
        .remote()
        .start_samenwerking(&SamenwerkingStarten {
            titel: "Kan niet".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Offline(_)), "{e:?}");
    assert_eq!(e.code(), swf_client::ErrorCode::Offline);
    let e = s.engine.sync_once().await.unwrap_err();
    assert!(matches!(e, ClientError::Offline(_)), "{e:?}");
    assert_eq!(s.engine.status().borrow().verbinding, Verbinding::Offline);
    assert_eq!(mirror_view(&m).await, before);
    assert_eq!(m.sync_state().await.unwrap(), state_before);

    // back online: catches up with what happened meanwhile
    srv.start_again().await;
    g.upload(&sid, "na-storing.pdf", b"later".to_vec(), "RV")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await; // breaker cool-down
    s.engine.sync_once().await.expect("online again");
    assert_eq!(s.engine.status().borrow().verbinding, Verbinding::Online);
    assert_same(
        &server_view(&Raw::new(&srv, VRV)).await,
        &mirror_view(&m).await,
    );
}

#[tokio::test]
async fn restart_resumes_from_the_cursor_without_duplicates_or_gaps() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, _, _) = seed(&g, "Herstart").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let m = open(dir.path()).await;
        let s = session_for(&srv, &m, VRV).await;
        s.engine.sync_once().await.unwrap();
        m.close().await;
    }
    let v = Raw::new(&srv, VRV);
    let h0 = head(&v).await;
    for i in 0..5 {
        g.upload(
            &sid,
            &format!("na-herstart-{i}.pdf"),
            vec![i as u8; 10],
            "RV",
        )
        .await;
    }
    let (_, feed) = v
        .send(
            Method::GET,
            &format!("/gebeurtenissen?na={h0}&limit=1000"),
            None,
        )
        .await;
    let expected = feed["gebeurtenissen"].as_array().unwrap().len() as u64;

    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    let r = s.engine.sync_once().await.unwrap();
    assert!(!r.volledig, "resumed from the cursor, not a full sync");
    assert_eq!(r.gebeurtenissen, expected, "each event exactly once");
    assert_eq!(m.sync_state().await.unwrap().cursor, Some(head(&v).await));
    assert_same(&server_view(&v).await, &mirror_view(&m).await);
    let again = s.engine.sync_once().await.unwrap();
    assert_eq!(again.gebeurtenissen, 0);
}

#[tokio::test]
async fn an_expired_cursor_triggers_a_full_resync() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, _, _) = seed(&g, "Verlopen").await;
    let (other, _, _) = seed(&g, "Wordt verwijderd").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    // while this client is away: changes, a deletion, and the feed is pruned past its cursor
    g.upload(&sid, "terwijl-weg.pdf", b"x".to_vec(), "RV").await;
    g.send(
        Method::PATCH,
        &format!("/samenwerkingen/{other}"),
        Some(json!({"status": {"status": "GESLOTEN"}})),
    )
    .await;
    assert_eq!(
        g.send(Method::DELETE, &format!("/samenwerkingen/{other}"), None)
            .await
            .0,
        204
    );
    let out = srv.run_jobs(&[("SWF_FEED_RETENTION_DAYS", "0")]);
    assert!(!out.contains("gebeurtenissen_gesnoeid: 0"), "{out}");

    let r = s.engine.sync_once().await.expect("resync");
    assert!(r.volledig, "410 → full resync");
    assert!(
        m.samenwerking(&other).await.unwrap().is_none(),
        "the deleted one is gone"
    );
    assert_same(
        &server_view(&Raw::new(&srv, VRV)).await,
        &mirror_view(&m).await,
    );
}

#[tokio::test]
async fn a_corrupt_mirror_is_set_aside_and_rebuilt() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    seed(&g, "Corrupt").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let m = open(dir.path()).await;
        let s = session_for(&srv, &m, VRV).await;
        s.engine.sync_once().await.unwrap();
        m.close().await;
    }
    // garbage over the mirror file (a disk error, a bad copy)
    let file = dir.path().join("mirror.sqlite");
    let _ = std::fs::remove_file(dir.path().join("mirror.sqlite-wal"));
    let _ = std::fs::remove_file(dir.path().join("mirror.sqlite-shm"));
    std::fs::write(&file, vec![0x5a; 64 * 1024]).unwrap();

    let (m, report) = Mirror::open(dir.path()).await.expect("opens anyway");
    assert!(report.mirror_rebuilt, "{report:?}");
    assert!(
        report.mirror_moved_to.as_ref().is_some_and(|p| p.exists()),
        "the broken file is kept aside"
    );
    // the local-only state survived: the account is still known
    assert_eq!(
        m.account().await.unwrap().map(|a| a.oin.to_string()),
        Some(VRV.to_owned())
    );
    let s = session_for(&srv, &m, VRV).await;
    let r = s.engine.sync_once().await.unwrap();
    assert!(r.volledig);
    assert_same(
        &server_view(&Raw::new(&srv, VRV)).await,
        &mirror_view(&m).await,
    );
}

/// Not a test on its own: the child process of the kill test below. It makes a first sync
/// in its own process, as `swf sync` does (the engine's defaults, a system token).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "helper: run by kill_during_first_sync_leaves_a_consistent_mirror_that_completes_on_restart"]
async fn kind_synchroniseert() {
    let (Some(dir), Ok(url), Ok(token)) = (
        std::env::var_os("SWF_SYNC_KIND_MIRROR"),
        std::env::var("SWF_SYNC_KIND_URL"),
        std::env::var("SWF_SYNC_KIND_TOKEN"),
    ) else {
        return;
    };
    let mirror = open(Path::new(&dir)).await;
    let s = session::with_token(
        &mirror,
        RemoteConfig::new(&url),
        SyncConfig::default(),
        &token,
    )
    .await
    .expect("session");
    s.engine.sync_once().await.expect("first sync");
    mirror.close().await;
}

#[tokio::test]
async fn kill_during_first_sync_leaves_a_consistent_mirror_that_completes_on_restart() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    for i in 0..60 {
        let (st, _) = g
            .send(Method::POST, "/samenwerkingen", Some(json!({"titel": format!("Groot {i}"), "deelnemers": [{"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"}]})))
            .await;
        assert_eq!(st, 201);
    }
    let dir = tempfile::tempdir().unwrap();
    let token = srv.token(VRV);
    // a first sync in its own process (as `swf sync` makes it), killed as soon as the first
    // batches are on disk
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kind_synchroniseert",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env("SWF_SYNC_KIND_MIRROR", dir.path())
        .env("SWF_SYNC_KIND_URL", &srv.url)
        .env("SWF_SYNC_KIND_TOKEN", &token)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mirror_file = dir.path().join("mirror.sqlite");
    let mut killed_midway = false;
    for _ in 0..2000 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if mirror_file.exists() {
            let m = open(dir.path()).await;
            let st = m.sync_state().await.unwrap();
            let n = m.stats().await.unwrap().samenwerkingen;
            m.close().await;
            if st.full_sync.is_some() && n > 0 {
                child.kill().unwrap();
                killed_midway = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let _ = child.wait();

    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(!report.mirror_rebuilt, "still a sound database: {report:?}");
    let ok: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(
            &sqlx::SqlitePool::connect(&format!("sqlite://{}", mirror_file.display()))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(ok.0, "ok");
    if killed_midway {
        let st = m.sync_state().await.unwrap();
        assert!(
            st.full_sync.is_some(),
            "the interrupted sync left its progress"
        );
        assert!(
            st.cursor.is_none(),
            "no cursor until the first sync is complete"
        );
    }
    let s = session_for(&srv, &m, VRV).await;
    let r = s.engine.sync_once().await.unwrap();
    assert!(r.volledig || !killed_midway);
    assert_same(
        &server_view(&Raw::new(&srv, VRV)).await,
        &mirror_view(&m).await,
    );
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 60);
    assert!(
        killed_midway,
        "the test should interrupt the sync midway (it finished first)"
    );
}

#[tokio::test]
async fn following_applies_pushed_changes_quickly_and_rides_out_an_outage() {
    let mut srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, _, _) = seed(&g, "Live").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    let mut changes = s.engine.subscribe();
    let (follower, cancel) = follow(&s.engine);
    // wait until live
    let mut status = s.engine.status();
    tokio::time::timeout(Duration::from_secs(10), async {
        while !status.borrow_and_update().live {
            status.changed().await.unwrap();
        }
    })
    .await
    .expect("goes live");

    let t = std::time::Instant::now();
    let doc = g.upload(&sid, "live.pdf", b"live".to_vec(), "RV").await;
    let did = doc["documentId"].as_str().unwrap().to_owned();
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let c = changes.recv().await.unwrap();
            if c.ids(ChangeKind::Document).contains(&did) {
                break;
            }
        }
    })
    .await
    .expect("the pushed change arrives");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "pushed, not polled: {:?}",
        t.elapsed()
    );
    assert!(m
        .document(uuid::Uuid::parse_str(&did).unwrap())
        .await
        .unwrap()
        .is_some());

    // outage: the service goes away and comes back; a change made meanwhile still arrives
    srv.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    srv.start_again().await;
    let doc2 = g
        .upload(&sid, "na-storing.pdf", b"terug".to_vec(), "RV")
        .await;
    let did2 = doc2["documentId"].as_str().unwrap().to_owned();
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if m.document(uuid::Uuid::parse_str(&did2).unwrap())
                .await
                .unwrap()
                .is_some()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("recovers after the outage");
    cancel.cancel();
    let r = tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("stops on cancel");
    assert!(r.unwrap().is_ok());
}

#[tokio::test]
async fn offline_beschikbaar_samenwerkingen_keep_all_their_documents_locally() {
    let srv = Server::start_with_users(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (sid, _, _) = seed(&g, "Mee op locatie").await;
    let (other, _, _) = seed(&g, "Niet offline").await;
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = session_for(&srv, &m, VRV).await;
    s.engine.sync_once().await.unwrap();
    m.set_offline_beschikbaar(&sid, true).await.unwrap();
    assert_eq!(s.engine.cache_offline_documenten().await.unwrap(), 2);
    let d = m.samenwerking(&sid).await.unwrap().unwrap();
    assert!(d.offline_beschikbaar);
    assert!(
        d.documenten.iter().all(|x| x.cached),
        "all documents of it are local"
    );
    for x in &d.documenten {
        let c = m
            .cached_document(x.document.document_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            c.sha256, x.document.document_hash,
            "verified against documentHash"
        );
    }
    let o = m.samenwerking(&other).await.unwrap().unwrap();
    assert!(
        o.documenten.iter().all(|x| !x.cached),
        "others are downloaded only on demand"
    );
    // a new document arrives while following: it is cached without asking
    let (follower, cancel) = follow(&s.engine);
    let doc = g
        .upload(&sid, "nieuw.pdf", b"nieuw stuk".to_vec(), "RV")
        .await;
    let id = uuid::Uuid::parse_str(doc["documentId"].as_str().unwrap()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), async {
        while m.cached_document(id).await.unwrap().is_none() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("new document cached for offline use");
    cancel.cancel();
    let _ = follower.await;
    // nothing more to fetch
    assert_eq!(s.engine.cache_offline_documenten().await.unwrap(), 0);
}
