//! The change feed (extension): each organisation reads exactly the events it is entitled to,
//! in order, with revocations; old cursors get 410; the live SSE stream resumes from
//! `Last-Event-ID` and does not hold up a graceful shutdown.
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use swf_testkit::*;

/// All events of `api`'s organisation after `na`, following `meer`, as (soort, objectId).
async fn read_all(api: &Api, mut na: i64) -> (Vec<Value>, i64) {
    let mut out = Vec::new();
    for _ in 0..100 {
        let r = api
            .get(&format!("/gebeurtenissen?na={na}&limit=3"))
            .await
            .ok();
        out.extend(r["gebeurtenissen"].as_array().unwrap().iter().cloned());
        na = r["volgende"].as_i64().unwrap();
        if !r["meer"].as_bool().unwrap() {
            return (out, na);
        }
    }
    panic!("feed did not end");
}

fn kinds(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["soort"].as_str().unwrap().to_owned(),
                e["objectId"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn has(events: &[Value], soort: &str, object: &str) -> bool {
    kinds(events)
        .iter()
        .any(|(s, o)| s == soort && (object.is_empty() || o == object))
}

async fn head(api: &Api) -> i64 {
    let r = api.get("/gebeurtenissen").await.ok();
    assert!(r["gebeurtenissen"].as_array().unwrap().is_empty());
    r["volgende"].as_i64().unwrap()
}

#[tokio::test]
async fn each_organisation_sees_exactly_what_it_is_entitled_to_including_revocations() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let b = srv.as_org(BUREAU);
    let w = srv.as_org(WATERSCHAP);
    let x = srv.as_org(BUITENSTAANDER);
    let start = head(&g).await;

    let sid = g
        .start(
            "Feed",
            &[
                (VRV, "VOLLEDIGE_TOEGANG"),
                (BUREAU, "BEPERKTE_TOEGANG"),
                (WATERSCHAP, "BEPERKTE_TOEGANG"),
            ],
        )
        .await;
    let rv_id = g.upload_id(&sid, "rv.pdf", b"rv".to_vec(), "RV").await;
    let sv_id = g.upload_id(&sid, "sv.pdf", b"sv".to_vec(), "SV").await;
    let av = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": BUREAU, "documenten": [rv_id]}),
        )
        .await
        .ok();
    let av_id = av["actieverzoekId"].as_str().unwrap().to_owned();
    // RV -> SV: gone for the limited partners, and so is the actieverzoek's view of it
    g.patch(
        &format!("/documenten/{rv_id}"),
        json!({"vertrouwelijkheidsAanduiding": "SV"}),
    )
    .await
    .ok();
    // the waterschap is removed; the bureau is raised to full access
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{WATERSCHAP}"))
            .await
            .status,
        204
    );
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"),
        json!({"privilege": "VOLLEDIGE_TOEGANG"}),
    )
    .await
    .ok();

    let (ge, _) = read_all(&g, start).await;
    let (ve, _) = read_all(&v, start).await;
    let (be, _) = read_all(&b, start).await;
    let (we, _) = read_all(&w, start).await;
    let (xe, _) = read_all(&x, start).await;

    // every event is about this samenwerking and in strictly increasing order
    for evs in [&ge, &ve, &be, &we] {
        let nums: Vec<i64> = evs
            .iter()
            .map(|e| e["volgnummer"].as_i64().unwrap())
            .collect();
        assert!(nums.windows(2).all(|w| w[0] < w[1]), "ordered: {nums:?}");
        assert!(evs.iter().all(|e| e["samenwerkingId"] == sid.as_str()));
    }
    // the initiator's own changes are in its own feed (its other devices must follow)
    assert!(has(&ge, "SAMENWERKING_GEWIJZIGD", ""));
    assert!(has(&ge, "DOCUMENT_GEWIJZIGD", &sv_id));
    assert!(has(&ge, "ACTIEVERZOEK_GEWIJZIGD", &av_id));
    // full access sees the SV document; limited access never hears of it
    assert!(has(&ve, "DOCUMENT_GEWIJZIGD", &sv_id));
    assert!(!kinds(&be).iter().any(|(_, o)| o == &sv_id), "{be:#?}");
    assert!(!kinds(&we).iter().any(|(_, o)| o == &sv_id));
    // RV -> SV is a revocation for the limited partners
    assert!(has(&be, "DOCUMENT_VERWIJDERD", &rv_id));
    assert!(has(&we, "DOCUMENT_VERWIJDERD", &rv_id));
    assert!(!has(&ve, "DOCUMENT_VERWIJDERD", &rv_id));
    // the actieverzoek concerns sender and receiver only; they hear when its document changes
    assert!(has(&be, "ACTIEVERZOEK_GEWIJZIGD", &av_id));
    assert!(!has(&ve, "ACTIEVERZOEK_GEWIJZIGD", &av_id));
    assert!(
        kinds(&be)
            .iter()
            .filter(|(s, o)| s == "ACTIEVERZOEK_GEWIJZIGD" && o == &av_id)
            .count()
            >= 2,
        "created, then its document became SV: {be:#?}"
    );
    // notifications appear in the receiver's feed
    assert!(has(&be, "NOTIFICATIE_NIEUW", ""));
    // removal and privilege change
    assert_eq!(
        kinds(&we).last().map(|k| k.0.as_str()),
        Some("NOTIFICATIE_NIEUW"),
        "the removed partner's last events: its access revoked, then its one notification"
    );
    assert!(has(&we, "TOEGANG_INGETROKKEN", ""));
    assert!(has(&be, "TOEGANG_GEWIJZIGD", ""));
    assert!(has(&ve, "SAMENWERKING_GEWIJZIGD", ""));
    // an outsider's feed stays empty
    assert!(xe.is_empty(), "{xe:#?}");

    // a notification deleted on one device disappears on the others
    let notif = b.notificaties().await;
    let nid = notif[0]["notificatieId"].as_str().unwrap().to_owned();
    let before = head(&b).await;
    assert_eq!(b.delete(&format!("/notificaties/{nid}")).await.status, 204);
    let (after, _) = read_all(&b, before).await;
    assert_eq!(
        kinds(&after),
        vec![("NOTIFICATIE_VERWIJDERD".to_owned(), nid)]
    );

    // deleting the samenwerking reaches every remaining deelnemer
    g.close(&sid).await;
    let before = head(&v).await;
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}")).await.status,
        204
    );
    let (ve2, _) = read_all(&v, before).await;
    assert!(has(&ve2, "SAMENWERKING_VERWIJDERD", ""), "{ve2:#?}");
}

#[tokio::test]
async fn cursors_page_advance_and_expire() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let x = srv.as_org(BUITENSTAANDER);
    let h0 = head(&g).await;
    for i in 0..5 {
        g.start(&format!("S{i}"), &[]).await;
    }
    // paging: 5 events in pages of 2, `meer` until the last
    let r = g
        .get(&format!("/gebeurtenissen?na={h0}&limit=2"))
        .await
        .ok();
    assert_eq!(r["gebeurtenissen"].as_array().unwrap().len(), 2);
    assert_eq!(r["meer"], true);
    let (all, end) = read_all(&g, h0).await;
    assert_eq!(all.len(), 5);
    assert_eq!(end, all[4]["volgnummer"].as_i64().unwrap());
    // an organisation with nothing new still advances to the head, so its cursor stays valid
    let r = x.get(&format!("/gebeurtenissen?na={h0}")).await.ok();
    assert!(r["gebeurtenissen"].as_array().unwrap().is_empty());
    assert_eq!(r["volgende"].as_i64().unwrap(), end);

    // bad cursors and limits: 400 with the parameter named
    for q in [
        "na=-1",
        "na=abc",
        "na=1&limit=0",
        "na=1&limit=1001",
        "na=1&limit=x",
    ] {
        let r = g.get(&format!("/gebeurtenissen?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert!(r.json["invalid-params"][0]["name"].is_string(), "{q}");
    }
    // a cursor from the future (the feed was reset): 410, resync
    let r = g.get(&format!("/gebeurtenissen?na={}", end + 1000)).await;
    assert_eq!(r.status, 410);
    assert_eq!(r.code(), "cursor-verlopen");

    // pruning: events older than the retention go; a cursor before them is expired (410),
    // the head is still fine and the numbering continues
    let out = srv.admin_with(&["jobs"], &[("SWF_FEED_RETENTION_DAYS", "0")]);
    assert!(out.contains("gebeurtenissen_gesnoeid: 5"), "{out}");
    let r = g.get(&format!("/gebeurtenissen?na={h0}")).await;
    assert_eq!(r.status, 410);
    assert_eq!(r.code(), "cursor-verlopen");
    assert!(r.json["detail"].as_str().unwrap().contains("volledig"));
    let r = g.get(&format!("/gebeurtenissen?na={end}")).await.ok();
    assert!(r["gebeurtenissen"].as_array().unwrap().is_empty());
    g.start("Na het snoeien", &[]).await;
    let (new, _) = read_all(&g, end).await;
    assert_eq!(new.len(), 1);
    assert!(new[0]["volgnummer"].as_i64().unwrap() > end);
}

/// Read SSE frames until `n` events arrived (bounded by a timeout).
async fn sse_events<B: AsRef<[u8]>>(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin),
    buf: &mut String,
    n: usize,
) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        while out.len() < n {
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                let mut id = String::new();
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if !data.is_empty() {
                    out.push((id, serde_json::from_str(&data).unwrap()));
                }
            }
            if out.len() >= n {
                break;
            }
            let chunk = stream.next().await.expect("stream open").expect("chunk");
            buf.push_str(&String::from_utf8_lossy(chunk.as_ref()));
        }
    })
    .await
    .expect("events arrive within 10 s");
    out
}

#[tokio::test]
async fn live_stream_delivers_resumes_and_ends_on_shutdown() {
    let mut srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let h0 = head(&v).await;
    let sid = g.start("Live", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;

    // resume after h0: the missed invitation arrives first, then live events
    let resp = v
        .req(reqwest::Method::GET, "/gebeurtenissen/stream")
        .header("Last-Event-ID", h0.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut stream = resp.bytes_stream();
    let mut buf = String::new();
    let first = sse_events(&mut stream, &mut buf, 1).await;
    assert_eq!(first[0].1["soort"], "SAMENWERKING_GEWIJZIGD");
    assert_eq!(
        first[0].0,
        first[0].1["volgnummer"].as_i64().unwrap().to_string()
    );

    let t = std::time::Instant::now();
    let doc = g.upload(&sid, "live.pdf", b"x".to_vec(), "RV").await.ok();
    let live = sse_events(&mut stream, &mut buf, 2).await;
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "pushed, not polled late"
    );
    assert!(live
        .iter()
        .any(|(_, e)| e["soort"] == "DOCUMENT_GEWIJZIGD" && e["objectId"] == doc["documentId"]));

    // an expired position is refused before the stream starts
    srv.admin_with(&["jobs"], &[("SWF_FEED_RETENTION_DAYS", "0")]);
    let r = v
        .send(
            v.req(reqwest::Method::GET, "/gebeurtenissen/stream")
                .header("Last-Event-ID", h0.to_string()),
        )
        .await;
    assert_eq!(r.status, 410);
    assert_eq!(r.code(), "cursor-verlopen");
    let r = v
        .send(
            v.req(reqwest::Method::GET, "/gebeurtenissen/stream")
                .header("Last-Event-ID", "nope"),
        )
        .await;
    assert_eq!(r.status, 400);

    // SIGTERM with a stream open: the stream ends and the service exits promptly
    let mut child = srv.terminate();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ends on shutdown");
    let exited = exit_within(&mut child, Duration::from_secs(5))
        .await
        .is_some();
    assert!(
        exited,
        "the service exits within 5 s with a live stream open"
    );
}

/// Many writes at once (on SQLite they share commits, D66): every acknowledged one is kept,
/// once; the feed has each in commit order without gaps.
#[tokio::test]
async fn writes_at_once_are_each_kept_once_and_reach_the_feed_without_gaps() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g.start("Tegelijk", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    let start = {
        let (_, na) = read_all(&v, 0).await;
        na
    };
    let path = format!("/samenwerkingen/{sid}/actieverzoeken");
    let writes = (0..40).map(|i| {
        let (g, path) = (g.clone(), path.clone());
        tokio::spawn(async move {
            g.post(
                &path,
                json!({"titel": format!("Verzoek {i}"), "omschrijving": "Graag advies", "ontvanger": VRV}),
            )
            .await
            .ok()["actieverzoekId"]
                .as_str()
                .expect("id")
                .to_owned()
        })
    });
    let mut ids = Vec::new();
    for w in writes.collect::<Vec<_>>() {
        ids.push(w.await.expect("write"));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);

    let listed = g
        .get(&format!("/actieverzoeken?samenwerkingId={sid}&aantal=100"))
        .await
        .ok();
    let mut listed: Vec<String> = listed["_embedded"]["actieverzoeken"]
        .as_array()
        .expect("actieverzoeken")
        .iter()
        .map(|a| a["actieverzoekId"].as_str().expect("id").to_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, ids, "every acknowledged actieverzoek is kept");

    let (events, _) = read_all(&v, start).await;
    let mut announced: Vec<String> = events
        .iter()
        .filter(|e| e["soort"] == "ACTIEVERZOEK_GEWIJZIGD")
        .map(|e| e["objectId"].as_str().expect("objectId").to_owned())
        .collect();
    announced.sort();
    assert_eq!(announced, ids, "each actieverzoek in the feed, once");
    let nummers: Vec<i64> = events
        .iter()
        .map(|e| e["volgnummer"].as_i64().expect("volgnummer"))
        .collect();
    assert!(nummers.windows(2).all(|w| w[0] < w[1]), "{nummers:?}");
    srv.assert_feed_gap_free(nummers[0], nummers[nummers.len() - 1])
        .await;
}
