//! Sending an actieverzoek: the answer to the POST is the actieverzoek as a GET shows it (the
//! service answers from what it wrote instead of reading it back), each named document is
//! linked once, and the receiver is told once.
use serde_json::json;
use swf_testkit::*;

#[tokio::test]
async fn the_answer_to_sending_is_what_a_get_shows() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let vr = srv.as_org(VRV);
    let sid = g.start("Advies loods", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    let eerste = g
        .upload_id(&sid, "tekening.pdf", b"tekening".to_vec(), "RV")
        .await;
    let tweede = g
        .upload_id(&sid, "aanvraag.pdf", b"%PDF-1.7 bsn".to_vec(), "SV")
        .await;

    for api in [g.clone(), g.dso()] {
        let before = vr.notificaties().await.len();
        // named out of upload order, and one twice
        let sent = api
            .post(
                &format!("/samenwerkingen/{sid}/actieverzoeken"),
                json!({"titel": "  Advies brandveiligheid ", "omschrijving": "Graag uw advies",
                       "ontvanger": VRV, "documenten": [tweede, eerste, tweede], "productId": "PDC-1"}),
            )
            .await;
        assert_eq!(sent.status, 201, "{}", sent.json);
        let id = sent.json["actieverzoekId"].as_str().unwrap().to_owned();
        let read = api.get(&format!("/actieverzoeken/{id}")).await.ok();
        assert_eq!(sent.json, read, "the POST answer differs from the GET");
        assert_eq!(read["titel"], "Advies brandveiligheid");
        assert_eq!(read["status"], "OPEN");
        assert_eq!(read["aantalBerichten"], 0);
        let docs: Vec<&str> = read["documenten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["documentId"].as_str().unwrap())
            .collect();
        assert_eq!(
            docs,
            [eerste.as_str(), tweede.as_str()],
            "in upload order, once each"
        );
        // the receiver sees the same documents on its side, and is told once
        let theirs = vr.get(&format!("/actieverzoeken/{id}")).await.ok();
        assert_eq!(theirs["documenten"].as_array().unwrap().len(), 2);
        let told: Vec<_> = vr
            .notificaties()
            .await
            .into_iter()
            .filter(|n| n["properties"]["actieverzoekId"] == id.as_str())
            .collect();
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(vr.notificaties().await.len(), before + 1);
    }
}

#[tokio::test]
async fn sending_to_someone_outside_the_samenwerking_changes_nothing() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let sid = g.start("Advies", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    let r = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Vraag", "omschrijving": "x", "ontvanger": BUREAU}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.json);
    assert_eq!(r.code(), "ongeldige-invoer", "{}", r.json);
    let list = g
        .get(&format!("/actieverzoeken?samenwerkingId={sid}"))
        .await
        .ok();
    assert_eq!(list["page"]["totalElements"], 0, "{list}");
}
