//! The overview list (`GET /samenwerkingen`) with its page cache on (the default): every change
//! a deelnemer's row shows reaches that deelnemer's next read at once, whoever wrote it, and
//! another organisation's writes leave it unchanged (D58: the count and the generation per
//! organisation kept by the database). Runs on SQLite and on PostgreSQL.
use serde_json::json;
use swf_testkit::*;

/// The caller's overview: total, and per samenwerking (title, actieverzoeken, notifications).
async fn overview(api: &Api) -> (i64, Vec<(String, u64, u64)>) {
    let v = api.get("/samenwerkingen?aantal=20").await.ok();
    let total = v["page"]["totalElements"].as_i64().expect("totalElements");
    let rows = v["_embedded"]["samenwerkingen"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    (
                        s["titel"].as_str().unwrap_or_default().to_owned(),
                        s["aantalActieverzoeken"]
                            .as_u64()
                            .expect("aantalActieverzoeken"),
                        s["aantalNotificaties"]
                            .as_u64()
                            .expect("aantalNotificaties"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (total, rows)
}

/// The row of `titel` in the caller's overview: (actieverzoeken, notifications). Every row of
/// the (cached) overview must equal what the samenwerking's own resource (never cached) says
/// at the same moment, and its counts what the lists of actieverzoeken and notifications of
/// that samenwerking hold for the caller (counted by the lists' own queries; the overview and
/// the resource read counts the database keeps per deelnemer, D63).
async fn row(api: &Api, titel: &str) -> Option<(u64, u64)> {
    let v = api.get("/samenwerkingen?aantal=20").await.ok();
    let items = v["_embedded"]["samenwerkingen"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for s in &items {
        let id = s["samenwerkingId"].as_str().expect("samenwerkingId");
        let one = api.get(&format!("/samenwerkingen/{id}")).await.ok();
        for f in [
            "titel",
            "status",
            "aantalActieverzoeken",
            "aantalNotificaties",
        ] {
            assert_eq!(s[f], one[f], "{f} of {id}: the overview is not current");
        }
    }
    let wrong = api.count_mismatches(&items).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    items.iter().find(|s| s["titel"] == titel).map(|s| {
        (
            s["aantalActieverzoeken"]
                .as_u64()
                .expect("aantalActieverzoeken"),
            s["aantalNotificaties"]
                .as_u64()
                .expect("aantalNotificaties"),
        )
    })
}

#[tokio::test]
async fn the_cached_overview_follows_every_change_it_shows() {
    let srv = Server::start(&[]).await;
    let (g, v, b, w) = (
        srv.as_org(GEMEENTE),
        srv.as_org(VRV),
        srv.as_org(BUREAU),
        srv.as_org(WATERSCHAP),
    );
    let sid = g
        .start(
            "Overzicht",
            &[(VRV, "VOLLEDIGE_TOEGANG"), (BUREAU, "BEPERKTE_TOEGANG")],
        )
        .await;
    // every page rendered (and cached) before each change
    let (tb, _) = overview(&b).await;
    assert_eq!(tb, 1);
    let (_, n_vrv) = row(&v, "Overzicht").await.expect("vrv sees it");
    let (_, n_bureau) = row(&b, "Overzicht").await.expect("bureau sees it");

    // another organisation's samenwerking: nothing in these overviews changes
    let other = w.start("Elders", &[]).await;
    assert_eq!(overview(&w).await.0, 1);
    assert_eq!(overview(&b).await.0, 1);

    // an actieverzoek to the bureau: its count (and the sender's) goes up, not the vrv's
    let av = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": BUREAU}),
        )
        .await
        .ok();
    assert!(av["actieverzoekId"].is_string(), "{av}");
    let (a_bureau, n_bureau2) = row(&b, "Overzicht").await.unwrap();
    assert_eq!(a_bureau, 1);
    assert!(
        n_bureau2 > n_bureau,
        "a notification of the new actieverzoek"
    );
    assert_eq!(row(&g, "Overzicht").await.unwrap().0, 1);
    assert_eq!(row(&v, "Overzicht").await.unwrap().0, 0);

    // a document: the partners are notified; made SV, the limited bureau no longer sees its
    // notification as it was (the document's confidentiality decides, D4)
    let doc = g
        .upload_id(&sid, "a.pdf", b"%PDF-1.4 a".to_vec(), "RV")
        .await;
    let (_, n_bureau3) = row(&b, "Overzicht").await.unwrap();
    let (_, n_vrv2) = row(&v, "Overzicht").await.unwrap();
    assert!(
        n_bureau3 > n_bureau2 && n_vrv2 > n_vrv,
        "notified of the document"
    );
    g.patch(
        &format!("/documenten/{doc}"),
        json!({"vertrouwelijkheidsAanduiding": "SV"}),
    )
    .await
    .ok();
    // (whether the count goes down or a "no longer available" notice replaces it: the row
    // equals the samenwerking's own resource, checked in `row`)
    row(&b, "Overzicht").await.unwrap();
    row(&v, "Overzicht").await.unwrap();
    row(&g, "Overzicht").await.unwrap();

    // the title, changed by the initiator, shows for every deelnemer
    g.patch(
        &format!("/samenwerkingen/{sid}"),
        json!({"titel": "Overzicht (gewijzigd)"}),
    )
    .await
    .ok();
    assert!(row(&v, "Overzicht (gewijzigd)").await.is_some());
    assert!(row(&b, "Overzicht (gewijzigd)").await.is_some());

    // the bureau removed: its overview is empty at once, total included
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"))
            .await
            .status,
        204
    );
    assert_eq!(overview(&b).await, (0, vec![]));
    assert_eq!(overview(&v).await.0, 1);
    // the other samenwerking is still only the waterschap's
    assert_eq!(overview(&w).await.1.len(), 1, "{other}");
    for api in [&g, &v, &b, &w] {
        let wrong = api.overview_count_mismatches().await;
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// Every row of `api`'s overview, each with the samenwerking's own resource read at the same
/// moment, compared whole: the overview writes most of a row from the part of its JSON stored
/// with the samenwerking (D80), the resource from its columns.
async fn assert_rows_are_the_resources(api: &Api, who: &str) -> usize {
    let v = api.get("/samenwerkingen?aantal=50").await.ok();
    let items = v["_embedded"]["samenwerkingen"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for s in &items {
        let id = s["samenwerkingId"].as_str().expect("samenwerkingId");
        let one = api.get(&format!("/samenwerkingen/{id}")).await.ok();
        assert_eq!(
            s, &one,
            "{who}: the overview's row of {id} is not its resource"
        );
    }
    items.len()
}

#[tokio::test]
async fn each_overview_row_is_the_samenwerking_as_its_reader_sees_it() {
    // no page cache: every read renders the page
    let srv = Server::start(&[("SWF_LIST_CACHE", "false")]).await;
    let (g, v) = (srv.as_org(GEMEENTE), srv.as_org(VRV));
    let lastig = g
        .start(
            "Aanbouw \"achter\", met komma's, \\ en ,\"aantalActieverzoeken\":9 — ü 🏠",
            &[(VRV, "BEPERKTE_TOEGANG")],
        )
        .await;
    let gewijzigd = g.start("Dakkapel", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    g.patch(
        &format!("/samenwerkingen/{gewijzigd}"),
        json!({"titel": "Dakkapel voorzijde", "contactpersoonNaam": "Jan \"de\" Vries"}),
    )
    .await
    .ok();
    let gesloten = g.start("Schuur", &[(VRV, "BEPERKTE_TOEGANG")]).await;
    g.close(&gesloten).await;
    g.post(
        &format!("/samenwerkingen/{lastig}/actieverzoeken"),
        json!({"titel": "Advies brandveiligheid", "omschrijving": "graag", "ontvanger": VRV}),
    )
    .await
    .ok();
    // a partner invited after the samenwerking changed: its membership starts with a copy of
    // what the overview shows (D81)
    g.post(
        &format!("/samenwerkingen/{gewijzigd}/deelnemers"),
        json!({"oin": BUREAU, "privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    let bureau = srv.as_org(BUREAU);
    // the initiator and the partners, with and without this service's extensions
    for (who, api, n) in [
        ("gemeente", &g, 3),
        ("gemeente (DSO)", &g.dso(), 3),
        ("VR", &v, 3),
        ("VR (DSO)", &v.dso(), 3),
        ("bureau", &bureau, 1),
    ] {
        assert_eq!(assert_rows_are_the_resources(api, who).await, n, "{who}");
    }
    let rows = g.get("/samenwerkingen?aantal=50").await.ok();
    let titels: Vec<&str> = rows["_embedded"]["samenwerkingen"]
        .as_array()
        .expect("samenwerkingen")
        .iter()
        .map(|s| s["titel"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(titels[1], "Dakkapel voorzijde", "{titels:?}");

    // a row whose stored part is of an older versie (written by an older instance during an
    // upgrade, say): its row is read from its columns, the outdated text is not sent
    let n = srv
        .sql_execute(
            "UPDATE samenwerkingen SET weergave = '{\"titel\":\"verouderd\"}', \
             weergave_versie = versie - 1 WHERE id = $1",
            &[&gewijzigd],
        )
        .await;
    assert_eq!(n, 1);
    for (who, api) in [("gemeente", &g), ("VR (DSO)", &v.dso())] {
        assert_eq!(assert_rows_are_the_resources(api, who).await, 3, "{who}");
    }
    let rows = v.get("/samenwerkingen?aantal=50").await.ok();
    assert!(
        !rows.to_string().contains("verouderd"),
        "the outdated rendering was sent"
    );
    // the next change renders it anew
    g.patch(
        &format!("/samenwerkingen/{gewijzigd}"),
        json!({"titel": "Dakkapel achterzijde"}),
    )
    .await
    .ok();
    let fresh = srv
        .sql_i64(
            "SELECT COUNT(*) FROM samenwerkingen WHERE id = $1 AND weergave_versie = versie \
             AND weergave LIKE '%Dakkapel achterzijde%'",
            &[&gewijzigd],
        )
        .await;
    assert_eq!(fresh, 1, "the change stored its rendering");
    assert_eq!(assert_rows_are_the_resources(&v, "VR").await, 3);
    assert_eq!(assert_rows_are_the_resources(&bureau, "bureau").await, 1);
}
