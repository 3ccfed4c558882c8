//! Concurrent changes: two organisations changing the same actieverzoek at the same moment,
//! a stale `If-Match`, and two metadata changes of one samenwerking at once. Exactly one
//! change wins where they conflict, the loser gets a 409, and no update is lost.
use reqwest::Method;
use serde_json::{json, Value};
use swf_testkit::*;

async fn scalar(srv: &Server, sql: &str, bind: &str) -> i64 {
    srv.sql_i64(sql, &[bind]).await
}

/// The samenwerking's version as stored.
async fn versie(srv: &Server, sid: &str) -> i64 {
    srv.sql_i64("SELECT versie FROM samenwerkingen WHERE id = $1", &[sid])
        .await
}

fn assert_problem(r: &Resp, status: u16, codes: &[&str]) {
    assert_eq!(r.status.as_u16(), status, "{}", r.json);
    assert_eq!(
        r.headers["content-type"], "application/problem+json",
        "{}",
        r.json
    );
    assert!(codes.contains(&r.code()), "code {:?}: {}", r.code(), r.json);
}

async fn new_actieverzoek(gemeente: &Api, sid: &str, titel: &str) -> String {
    let av = gemeente
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": titel, "omschrijving": "Graag advies", "ontvanger": VRV}),
        )
        .await
        .ok();
    assert_eq!(av["status"], "OPEN");
    assert_eq!(av["versie"], 1);
    av["actieverzoekId"].as_str().unwrap().to_owned()
}

/// The status-change notifications about one actieverzoek that an organisation received (not
/// the announcement of the new actieverzoek, which has no old status).
async fn status_notificaties(api: &Api, av_id: &str) -> Vec<Value> {
    let r = api
        .get("/notificaties?notificatieType=STATUS_ACTIEVERZOEK_GEWIJZIGD&size=100")
        .await
        .ok();
    r["_embedded"]["notificaties"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| {
            n["properties"]["actieverzoekId"] == av_id
                && !n["properties"]["actieverzoekStatusOud"].is_null()
        })
        .collect()
}

#[tokio::test]
async fn sender_withdraws_while_receiver_refuses() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Gelijktijdig", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let mut wins = (0, 0);
    for round in 0..20 {
        let titel = format!("Ronde {round}");
        let id = new_actieverzoek(&gemeente, &sid, &titel).await;
        let path = format!("/actieverzoeken/{id}");
        let (a, b) = tokio::join!(
            gemeente.patch(
                &path,
                json!({"status": "INGETROKKEN", "melding": "ingetrokken"})
            ),
            vrv.patch(
                &path,
                json!({"status": "GEWEIGERD", "melding": "geweigerd"})
            ),
        );
        let statuses = (a.status.as_u16(), b.status.as_u16());
        assert!(
            statuses == (200, 409) || statuses == (409, 200),
            "round {round}: exactly one wins, got {statuses:?}: {} / {}",
            a.json,
            b.json
        );
        let (winner, loser, winner_oin, winner_status, loser_api, winner_api) = if a.status == 200 {
            wins.0 += 1;
            (&a, &b, GEMEENTE, "INGETROKKEN", &vrv, &gemeente)
        } else {
            wins.1 += 1;
            (&b, &a, VRV, "GEWEIGERD", &gemeente, &vrv)
        };
        assert_problem(
            loser,
            409,
            &["gelijktijdige-wijziging", "ongeldige-statusovergang"],
        );
        assert_eq!(winner.json["status"], winner_status);
        assert_eq!(winner.json["versie"], 2);
        assert_eq!(winner.headers["etag"], "\"2\"");

        // the final state is the winner's, for both parties
        for api in [&gemeente, &vrv] {
            let now = api.get(&path).await;
            assert_eq!(now.status, 200);
            assert_eq!(now.json["status"], winner_status, "round {round}");
            assert_eq!(now.json["versie"], 2, "round {round}: one change only");
            assert_eq!(now.json["laatstAangepastDoor"], winner_oin);
            assert_eq!(
                now.json["melding"], winner.json["melding"],
                "round {round}: the winner's melding, not the loser's"
            );
            assert_eq!(now.headers["etag"], "\"2\"");
        }
        // exactly one status change was announced (to the loser) and audited
        let ns = status_notificaties(loser_api, &id).await;
        assert_eq!(ns.len(), 1, "round {round}: {ns:#?}");
        assert_eq!(ns[0]["properties"]["actieverzoekStatusOud"], "OPEN");
        assert_eq!(
            ns[0]["properties"]["actieverzoekStatusNieuw"],
            winner_status
        );
        assert!(status_notificaties(winner_api, &id).await.is_empty());
        let audits = scalar(
            &srv,
            "SELECT COUNT(*) FROM audit WHERE actie = 'actieverzoek-status' AND omschrijving LIKE $1",
            &format!("Actieverzoek '{titel}':%"),
        )
        .await;
        assert_eq!(audits, 1, "round {round}: one audited status change");
    }
    eprintln!("wins (gemeente, veiligheidsregio): {wins:?}");
}

#[tokio::test]
async fn stale_if_match_is_refused_and_changes_nothing() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Verouderde ETag", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let id = new_actieverzoek(&gemeente, &sid, "Met ETag").await;
    let path = format!("/actieverzoeken/{id}");
    let first = gemeente.get(&path).await;
    assert_eq!(first.headers["etag"], "\"1\"");

    // the receiver takes it in behandeling with the current ETag
    let r = vrv
        .send(
            vrv.req(Method::PATCH, &path)
                .header("Content-Type", "application/merge-patch+json")
                .header("If-Match", "\"1\"")
                .body(json!({"status": "IN_BEHANDELING"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.headers["etag"], "\"2\"");

    // changes based on the old version are refused and change nothing
    let before = srv.snapshot().await;
    for (api, body) in [
        (&gemeente, json!({"status": "INGETROKKEN"})),
        (&gemeente, json!({"titel": "Nieuwe titel"})),
        (&vrv, json!({"status": "GEREEDGEMELD", "melding": "klaar"})),
        (&vrv, json!({"status": "IN_BEHANDELING"})),
    ] {
        for etag in ["\"1\"", "W/\"1\"", "\"0\"", "\"3\""] {
            let r = api
                .send(
                    api.req(Method::PATCH, &path)
                        .header("Content-Type", "application/merge-patch+json")
                        .header("If-Match", etag)
                        .body(body.to_string()),
                )
                .await;
            assert_problem(&r, 409, &["gelijktijdige-wijziging"]);
        }
    }
    let after = srv.snapshot().await;
    assert_eq!(before.0, after.0, "the database changed");
    assert_eq!(before.1, after.1, "the files changed");
    let now = gemeente.get(&path).await;
    assert_eq!(now.json["status"], "IN_BEHANDELING");
    assert_eq!(now.json["titel"], "Met ETag");
    assert_eq!(now.headers["etag"], "\"2\"");

    // an If-Match that is not an ETag at all is a bad request, and also changes nothing
    let r = gemeente
        .send(
            gemeente
                .req(Method::PATCH, &path)
                .header("Content-Type", "application/merge-patch+json")
                .header("If-Match", "gisteren")
                .body(json!({"status": "INGETROKKEN"}).to_string()),
        )
        .await;
    assert_problem(&r, 400, &["ongeldige-if-match"]);
    let after = srv.snapshot().await;
    assert_eq!(before.0, after.0, "the database changed");

    // with the current ETag the change goes through
    let r = vrv
        .send(
            vrv.req(Method::PATCH, &path)
                .header("Content-Type", "application/merge-patch+json")
                .header("If-Match", "\"2\"")
                .body(json!({"status": "GEREEDGEMELD", "melding": "klaar"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["status"], "GEREEDGEMELD");
    assert_eq!(r.headers["etag"], "\"3\"");

    // two concurrent changes with the same (current) ETag: only one can win
    let (a, b) = tokio::join!(
        gemeente.send(
            gemeente
                .req(Method::PATCH, &path)
                .header("Content-Type", "application/merge-patch+json")
                .header("If-Match", "\"3\"")
                .body(json!({"status": "GEREED"}).to_string()),
        ),
        gemeente.send(
            gemeente
                .req(Method::PATCH, &path)
                .header("Content-Type", "application/merge-patch+json")
                .header("If-Match", "\"3\"")
                .body(json!({"status": "IN_BEHANDELING", "melding": "nog niet"}).to_string()),
        ),
    );
    let statuses = (a.status.as_u16(), b.status.as_u16());
    assert!(
        statuses == (200, 409) || statuses == (409, 200),
        "{statuses:?}: {} / {}",
        a.json,
        b.json
    );
    let (winner, loser) = if a.status == 200 { (&a, &b) } else { (&b, &a) };
    assert_problem(loser, 409, &["gelijktijdige-wijziging"]);
    let now = gemeente.get(&path).await;
    assert_eq!(now.json["status"], winner.json["status"]);
    assert_eq!(now.headers["etag"], "\"4\"");
}

#[tokio::test]
async fn concurrent_metadata_changes_lose_nothing() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let sid = gemeente
        .start("Metadata", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let path = format!("/samenwerkingen/{sid}");
    let mut outcomes = std::collections::BTreeMap::new();

    // different fields at once: each success must be visible afterwards
    for round in 0..15 {
        let before = gemeente.get(&path).await.ok();
        let v0 = versie(&srv, &sid).await;
        let titel = format!("Titel {round}");
        let beschrijving = format!("Beschrijving {round}");
        let (a, b) = tokio::join!(
            gemeente.patch(&path, json!({"titel": titel})),
            gemeente.patch(&path, json!({"beschrijving": beschrijving})),
        );
        for r in [&a, &b] {
            assert!(
                r.status == 200 || r.status == 409,
                "round {round}: {} {}",
                r.status,
                r.json
            );
            if r.status == 409 {
                assert_problem(r, 409, &["gelijktijdige-wijziging"]);
            }
        }
        let ok = [a.status == 200, b.status == 200];
        assert!(
            ok.iter().any(|x| *x),
            "round {round}: at least one change goes through: {} / {}",
            a.json,
            b.json
        );
        *outcomes.entry(ok).or_insert(0) += 1;
        let now = gemeente.get(&path).await.ok();
        let expect_titel = if ok[0] {
            json!(titel)
        } else {
            before["titel"].clone()
        };
        let expect_beschrijving = if ok[1] {
            json!(beschrijving)
        } else {
            before["beschrijving"].clone()
        };
        assert_eq!(
            now["titel"], expect_titel,
            "round {round}: titel lost ({ok:?})"
        );
        assert_eq!(
            now["beschrijving"], expect_beschrijving,
            "round {round}: beschrijving lost ({ok:?})"
        );
        let successes = ok.iter().filter(|x| **x).count() as i64;
        assert_eq!(
            versie(&srv, &sid).await,
            v0 + successes,
            "round {round}: one version per successful change"
        );
    }

    // the same field at once: the final value is the one of a successful change
    for round in 0..10 {
        let before = gemeente.get(&path).await.ok();
        let v0 = versie(&srv, &sid).await;
        let (x, y) = (format!("X {round}"), format!("Y {round}"));
        let (a, b) = tokio::join!(
            gemeente.patch(&path, json!({"titel": x, "contactpersoonNaam": "X"})),
            gemeente.patch(&path, json!({"titel": y, "contactpersoonNaam": "Y"})),
        );
        let mut winners = Vec::new();
        for (r, t, c) in [(&a, &x, "X"), (&b, &y, "Y")] {
            match r.status.as_u16() {
                200 => {
                    assert_eq!(r.json["titel"], t.as_str());
                    winners.push((t.clone(), c));
                }
                409 => assert_problem(r, 409, &["gelijktijdige-wijziging"]),
                s => panic!("round {round}: {s} {}", r.json),
            }
        }
        assert!(!winners.is_empty(), "round {round}: nobody won");
        let now = gemeente.get(&path).await.ok();
        assert!(
            winners
                .iter()
                .any(|(t, c)| now["titel"] == t.as_str() && now["contactpersoonNaam"] == *c),
            "round {round}: final {} / {} is no successful change's (before: {})",
            now["titel"],
            now["contactpersoonNaam"],
            before["titel"]
        );
        assert_eq!(versie(&srv, &sid).await, v0 + winners.len() as i64);
    }
    eprintln!("outcomes [titel ok, beschrijving ok]: {outcomes:?}");

    // the partner saw one SAMENWERKING_GEWIJZIGD notification per successful change
    let vrv = srv.as_org(VRV);
    let changes = vrv
        .get(&format!(
            "/samenwerkingen/{sid}/notificaties?notificatieType=SAMENWERKING_GEWIJZIGD&size=100"
        ))
        .await
        .ok();
    let audited = scalar(
        &srv,
        "SELECT COUNT(*) FROM audit WHERE actie = 'samenwerking-gewijzigd' AND samenwerking_id = $1",
        &sid,
    )
    .await;
    assert_eq!(
        versie(&srv, &sid).await - 1,
        audited,
        "one audit line per version"
    );
    assert_eq!(
        changes["page"]["totalElements"], audited,
        "one notification per audited change"
    );
}

/// Decision D7 (issue 10, item 3): GEREED is the sender's acceptance. The receiver asking for
/// it on an OPEN or IN_BEHANDELING actieverzoek gets 409 naming GEREEDGEMELD, the status it
/// may set, and nothing changes (no new version, no notification).
#[tokio::test]
async fn gereed_asked_by_the_receiver_is_refused_naming_gereedgemeld() {
    let srv = Server::start(&[]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let vrv = srv.as_org(VRV);
    let sid = gemeente
        .start("Verkeerde status", &[(VRV, "VOLLEDIGE_TOEGANG")])
        .await;
    let id = new_actieverzoek(&gemeente, &sid, "Graag advies").await;
    let path = format!("/actieverzoeken/{id}");
    for (round, current) in ["OPEN", "IN_BEHANDELING"].iter().enumerate() {
        if *current == "IN_BEHANDELING" {
            vrv.patch(&path, json!({"status": "IN_BEHANDELING"}))
                .await
                .ok();
        }
        let r = vrv
            .patch(&path, json!({"status": "GEREED", "melding": "klaar"}))
            .await;
        assert_problem(&r, 409, &["gebruik-gereedgemeld"]);
        assert!(
            r.json["detail"]
                .as_str()
                .unwrap_or("")
                .contains("GEREEDGEMELD"),
            "{}",
            r.json
        );
        assert_eq!(r.json["invalid-params"][0]["name"], "status", "{}", r.json);
        let now = vrv.get(&path).await.ok();
        assert_eq!(now["status"], *current);
        assert_eq!(now["versie"], 1 + round as i64);
        assert!(now["melding"].is_null(), "{now}");
    }
    // the status it may set works
    let r = vrv
        .patch(&path, json!({"status": "GEREEDGEMELD"}))
        .await
        .ok();
    assert_eq!(r["status"], "GEREEDGEMELD");
    assert_eq!(status_notificaties(&gemeente, &id).await.len(), 2);
}
