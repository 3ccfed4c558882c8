//! A partner with limited access never sees a strictly confidential (SV) document: not in
//! lists, not by id, not its content, not in notifications, history or actieverzoeken — also
//! after its access is lowered or a document is made SV later.
use serde_json::json;
use swf_testkit::*;

/// Every place a limited partner could learn about documents, as one text to search.
async fn everything_visible_to(api: &Api, sid: &str) -> String {
    let mut all = String::new();
    for path in [
        format!("/samenwerkingen/{sid}"),
        format!("/samenwerkingen/{sid}/documenten?aantal=100"),
        format!("/samenwerkingen/{sid}/notificaties?size=100"),
        format!("/samenwerkingen/{sid}/historie?aantal=100"),
        format!("/actieverzoeken?samenwerkingId={sid}"),
        "/notificaties?size=100".to_string(),
        "/samenwerkingen".to_string(),
    ] {
        let r = api.get(&path).await;
        assert!(r.status.is_success(), "{path}: {}", r.status);
        all.push_str(&r.json.to_string());
    }
    for n in api.notificaties().await {
        let id = n["notificatieId"].as_str().unwrap();
        all.push_str(
            &api.get(&format!("/notificaties/{id}"))
                .await
                .json
                .to_string(),
        );
    }
    all
}

#[tokio::test]
async fn limited_access_never_sees_sv_documents() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let full = srv.as_org(VRV);
    let limited = srv.as_org(BUREAU);
    let sid = g
        .start(
            "Vertrouwelijk",
            &[(VRV, "VOLLEDIGE_TOEGANG"), (BUREAU, "BEPERKTE_TOEGANG")],
        )
        .await;

    let sv_id = g
        .upload_id(
            &sid,
            "persoonsgegevens-geheim.pdf",
            b"BSN 123".to_vec(),
            "SV",
        )
        .await;
    let rv_id = g
        .upload_id(&sid, "tekening.pdf", b"tekening".to_vec(), "RV")
        .await;
    // an actieverzoek to the full partner with the SV document attached, and one to the limited partner
    g.post(
        &format!("/samenwerkingen/{sid}/actieverzoeken"),
        json!({"titel": "Vraag", "omschrijving": "x", "ontvanger": VRV, "documenten": [sv_id]}),
    )
    .await
    .ok();
    let refused = g
        .post(&format!("/samenwerkingen/{sid}/actieverzoeken"), json!({"titel": "Vraag", "omschrijving": "x", "ontvanger": BUREAU, "documenten": [sv_id]}))
        .await;
    assert_eq!(
        refused.status, 400,
        "an SV document cannot be sent to a limited partner"
    );
    assert_eq!(
        refused.json["invalid-params"][0]["code"],
        "strikt-vertrouwelijk"
    );
    g.patch(
        &format!("/documenten/{sv_id}"),
        json!({"documentOmschrijving": "gewijzigd"}),
    )
    .await
    .ok();

    // the full partner sees it everywhere it should
    assert_eq!(
        full.get(&format!("/documenten/{sv_id}/content"))
            .await
            .bytes,
        b"BSN 123"
    );
    assert!(everything_visible_to(&full, &sid).await.contains(&sv_id));

    // the limited partner: not in any list, not by id, no content, no notification, no history line
    let seen = everything_visible_to(&limited, &sid).await;
    assert!(!seen.contains(&sv_id), "SV document id leaked");
    assert!(
        !seen.contains("persoonsgegevens-geheim"),
        "SV file name leaked"
    );
    assert!(seen.contains(&rv_id), "the RV document is visible");
    for path in [
        format!("/documenten/{sv_id}"),
        format!("/documenten/{sv_id}/content"),
    ] {
        let r = limited.get(&path).await;
        assert_eq!(
            r.status, 404,
            "{path}: an SV document does not exist for limited access"
        );
        assert_eq!(r.code(), "niet-gevonden");
    }
    // nor can it change or delete it, and the refusal is the same 404
    assert_eq!(
        limited
            .patch(
                &format!("/documenten/{sv_id}"),
                json!({"documentOmschrijving": "x"})
            )
            .await
            .status,
        404
    );
    assert_eq!(
        limited.delete(&format!("/documenten/{sv_id}")).await.status,
        404
    );
    // nor upload one (it would lose sight of it at once)
    assert_eq!(
        limited
            .upload(&sid, "eigen.pdf", b"x".to_vec(), "SV")
            .await
            .status,
        403
    );

    // making an RV document SV hides it at once; the limited partner is only told it is gone
    g.patch(
        &format!("/documenten/{rv_id}"),
        json!({"vertrouwelijkheidsAanduiding": "SV"}),
    )
    .await
    .ok();
    assert_eq!(
        limited.get(&format!("/documenten/{rv_id}")).await.status,
        404
    );
    let seen = everything_visible_to(&limited, &sid).await;
    assert!(
        !seen.contains("tekening.pdf"),
        "the name of a now-SV document must not show any more"
    );
    let gone = limited
        .notificaties()
        .await
        .into_iter()
        .filter(|n| n["notificatieType"] == "DOCUMENT_VERWIJDERD")
        .count();
    assert_eq!(gone, 1, "told once that a document is no longer available");

    // lowering the full partner's access hides SV documents and their notifications from it too
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
        json!({"privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    let seen = everything_visible_to(&full, &sid).await;
    assert!(
        !seen.contains(&sv_id) && !seen.contains("persoonsgegevens-geheim"),
        "downgraded partner still sees SV"
    );
    assert_eq!(
        full.get(&format!("/documenten/{sv_id}/content"))
            .await
            .status,
        404
    );
    let av = full
        .get(&format!("/actieverzoeken?samenwerkingId={sid}"))
        .await
        .ok();
    assert_eq!(
        av["_embedded"]["actieverzoeken"][0]["documenten"],
        json!([]),
        "attached SV documents disappear from the actieverzoek"
    );

    // raising it again brings them back
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
        json!({"privilege": "VOLLEDIGE_TOEGANG"}),
    )
    .await
    .ok();
    assert_eq!(
        full.get(&format!("/documenten/{sv_id}/content"))
            .await
            .bytes,
        b"BSN 123"
    );
}

#[tokio::test]
async fn a_removed_partner_sees_nothing_but_the_removal() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let w = srv.as_org(WATERSCHAP);
    let sid = g
        .start("Verwijderen", &[(WATERSCHAP, "VOLLEDIGE_TOEGANG")])
        .await;
    let did = w
        .upload_id(&sid, "eigen.pdf", b"eigen".to_vec(), "RV")
        .await;
    let av = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Vraag", "omschrijving": "x", "ontvanger": WATERSCHAP}),
        )
        .await
        .ok();
    let avid = av["actieverzoekId"].as_str().unwrap().to_owned();
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{WATERSCHAP}"))
            .await
            .status,
        204
    );

    for path in [
        format!("/samenwerkingen/{sid}"),
        format!("/samenwerkingen/{sid}/documenten"),
        format!("/samenwerkingen/{sid}/deelnemers"),
        format!("/documenten/{did}"),
        format!("/documenten/{did}/content"),
        format!("/actieverzoeken/{avid}"),
    ] {
        assert_eq!(w.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        w.get("/samenwerkingen").await.ok()["page"]["totalElements"],
        0
    );
    assert_eq!(
        w.get("/actieverzoeken").await.ok()["page"]["totalElements"],
        0
    );
    let ns = w.notificaties().await;
    let types: Vec<&str> = ns
        .iter()
        .map(|n| n["notificatieType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["DEELNEMER_VERWIJDERD"],
        "only the removal notice stays"
    );
    // a DSO client does not get the extension type at all
    assert!(w.dso().notificaties().await.is_empty());
    // the initiator can invite it again; then it sees the samenwerking again
    g.post(
        &format!("/samenwerkingen/{sid}/deelnemers"),
        json!({"oin": WATERSCHAP, "privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    assert_eq!(w.get(&format!("/samenwerkingen/{sid}")).await.status, 200);
}

#[tokio::test]
async fn a_downgraded_partner_cannot_detach_an_sv_document_it_no_longer_sees() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g.start("Ontkoppelen", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    let sv_id = g
        .upload_id(&sid, "geheim.pdf", b"geheim".to_vec(), "SV")
        .await;
    let av = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": VRV,
                   "documenten": [sv_id]}),
        )
        .await
        .ok();
    let av_id = av["actieverzoekId"].as_str().unwrap().to_owned();
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
        json!({"privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    let before = srv.snapshot().await;
    let r = v
        .delete(&format!("/actieverzoeken/{av_id}/documenten/{sv_id}"))
        .await;
    assert_eq!(r.status, 404, "{}", r.json);
    assert_eq!(r.json["status"], 404);
    let after = srv.snapshot().await;
    assert_eq!(before.0, after.0, "the database did not change");
    // the link is still there for who may see it
    let a = g.get(&format!("/actieverzoeken/{av_id}")).await.ok();
    assert_eq!(a["documenten"][0]["documentId"], sv_id.as_str());
    // and the initiator can still detach it
    let r = g
        .delete(&format!("/actieverzoeken/{av_id}/documenten/{sv_id}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
}
