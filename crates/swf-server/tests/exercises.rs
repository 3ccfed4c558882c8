//! The five exercises of the DSO practice case "Samenwerkfunctionaliteit", done in turns by a
//! permit officer (Gemeente Oefenstad) and an adviser (Veiligheidsregio Oefenland), over real
//! HTTP against a real server with a real SQLite file.
use serde_json::{json, Value};
use swf_testkit::*;

fn types(ns: &[Value]) -> Vec<String> {
    ns.iter()
        .map(|n| n["notificatieType"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn five_exercises_in_turns() {
    let srv = Server::start(&[("SWF_VERZOEK_OPHALEN_SECS", "0")]).await;
    let gemeente = srv.as_org(GEMEENTE);
    let adviseur = srv.as_org(VRV);

    // ---- Exercise 1: vergunningverlener starts, invites, asks advice, withdraws, asks again
    let s = gemeente
        .post(
            "/samenwerkingen",
            json!({"titel": "Brandveilig gebruik loods Dorpsstraat 1", "verzoeknummer": "2026060200019",
                   "beschrijving": "Aanvraag omgevingsvergunning", "kenmerkSysteem": "Zaaksysteem",
                   "nummerBinnenSysteem": "Z2026-00000076", "contactpersoonNaam": "Vera"}),
        )
        .await
        .ok();
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    assert!(sid.starts_with("SAM-"));
    assert_eq!(
        s["status"]["status"], "INITIALISATIE",
        "started with a verzoeknummer"
    );
    assert_eq!(s["verzoeknummer"], "2026060200019");
    // the background job places the verzoek in the dossier
    let out = srv.admin(&["jobs"]);
    assert!(out.contains("geopend: 1"), "{out}");
    assert_eq!(
        gemeente.get(&format!("/samenwerkingen/{sid}")).await.ok()["status"]["status"],
        "OPEN"
    );

    // the adviser is not a participant yet: the samenwerking does not exist for it
    assert_eq!(
        adviseur.get(&format!("/samenwerkingen/{sid}")).await.status,
        404
    );
    let found = gemeente.get("/organisaties?zoek=veiligheid").await.ok();
    assert_eq!(
        found["_embedded"]["organisaties"][0]["oin"], VRV,
        "the OIN can be found by name"
    );
    gemeente
        .post(
            &format!("/samenwerkingen/{sid}/deelnemers"),
            json!({"oin": VRV, "privilege": "BEPERKTE_TOEGANG"}),
        )
        .await
        .ok();
    // the permit officer uploads an RV and an SV document; the adviser has limited access
    let rv = gemeente
        .upload(
            &sid,
            "situatietekening.pdf",
            b"%PDF-1.7 tekening".to_vec(),
            "RV",
        )
        .await
        .ok();
    let sv = gemeente
        .upload(
            &sid,
            "aanvraag-met-persoonsgegevens.pdf",
            b"%PDF-1.7 bsn".to_vec(),
            "SV",
        )
        .await
        .ok();
    let rv_id = rv["documentId"].as_str().unwrap().to_owned();
    let sv_id = sv["documentId"].as_str().unwrap().to_owned();
    let first = gemeente
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies brandveiligheid", "omschrijving": "Graag uw advies", "ontvanger": VRV, "documenten": [rv_id]}),
        )
        .await
        .ok();
    let first_id = first["actieverzoekId"].as_str().unwrap().to_owned();
    assert_eq!(first["status"], "OPEN");
    // withdraw it and write a new one
    let w = gemeente
        .patch(
            &format!("/actieverzoeken/{first_id}"),
            json!({"status": "INGETROKKEN", "melding": "verkeerde vraag"}),
        )
        .await
        .ok();
    assert_eq!(w["status"], "INGETROKKEN");
    let av = gemeente
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies brandveiligheid loods", "omschrijving": "Graag advies over vluchtwegen", "ontvanger": VRV, "documenten": [rv_id], "productId": "PDC-123"}),
        )
        .await
        .ok();
    let av_id = av["actieverzoekId"].as_str().unwrap().to_owned();

    // ---- Exercise 2: adviser opens it, sees notifications, participants, the request and documents
    let ns = adviseur.notificaties().await;
    let t = types(&ns);
    assert!(t.contains(&"UITNODIGING_KETENPARTNER".to_string()), "{t:?}");
    assert!(t.contains(&"DOCUMENT_TOEGEVOEGD".to_string()));
    let nieuw = ns
        .iter()
        .find(|n| {
            n["properties"]["actieverzoekId"] == av_id.as_str()
                && n["properties"]["actieverzoekStatusNieuw"] == "OPEN"
        })
        .expect("a notification announces the new actieverzoek");
    assert_eq!(nieuw["properties"]["actieverzoekStatusOud"], Value::Null);
    assert!(
        ns.iter()
            .all(|n| n["properties"]["documentId"] != sv_id.as_str()),
        "no notification about the SV document"
    );
    let deelnemers = adviseur
        .get(&format!("/samenwerkingen/{sid}/deelnemers"))
        .await
        .ok();
    let oins: Vec<&str> = deelnemers["_embedded"]["deelnemers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["oin"].as_str().unwrap())
        .collect();
    assert_eq!(oins, vec![GEMEENTE, VRV]);
    let docs = adviseur
        .get(&format!("/samenwerkingen/{sid}/documenten"))
        .await
        .ok();
    assert_eq!(
        docs["page"]["totalElements"], 1,
        "limited access sees only the RV document"
    );
    let mine = adviseur
        .get(&format!("/actieverzoeken?organisatie={VRV}&status=OPEN"))
        .await
        .ok();
    assert_eq!(
        mine["_embedded"]["actieverzoeken"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let got = adviseur
        .dso()
        .get(&format!("/actieverzoeken/{av_id}"))
        .await
        .ok();
    let rels: Vec<&String> = got["_links"].as_object().unwrap().keys().collect();
    assert_eq!(
        rels,
        vec![
            "behandelen",
            "berichtVerzenden",
            "gereedmelden",
            "self",
            "weigeren"
        ],
        "a DSO client sees only DSO relations"
    );
    assert_eq!(got["documenten"][0]["documentId"], rv_id.as_str());
    let dl = adviseur.get(&format!("/documenten/{rv_id}/content")).await;
    assert_eq!(dl.status, 200);
    assert_eq!(dl.bytes, b"%PDF-1.7 tekening");
    // write the advice, add it, mark the request ready
    adviseur
        .patch(
            &format!("/actieverzoeken/{av_id}"),
            json!({"status": "IN_BEHANDELING"}),
        )
        .await
        .ok();
    adviseur
        .post(
            &format!("/actieverzoeken/{av_id}/berichten"),
            json!({"bericht": "Is er een sprinklerinstallatie?"}),
        )
        .await
        .ok();
    gemeente
        .post(
            &format!("/actieverzoeken/{av_id}/berichten"),
            json!({"bericht": "Nee."}),
        )
        .await
        .ok();
    let advies = adviseur
        .upload(
            &sid,
            "advies-brandveiligheid.pdf",
            b"%PDF-1.7 advies".to_vec(),
            "RV",
        )
        .await
        .ok();
    let advies_id = advies["documentId"].as_str().unwrap().to_owned();
    adviseur
        .post(
            &format!("/actieverzoeken/{av_id}/documenten"),
            json!({"documentId": advies_id}),
        )
        .await
        .ok();
    let klaar = adviseur
        .patch(
            &format!("/actieverzoeken/{av_id}"),
            json!({"status": "GEREEDGEMELD", "melding": "Advies bijgevoegd"}),
        )
        .await
        .ok();
    assert_eq!(klaar["status"], "GEREEDGEMELD");
    assert_eq!(klaar["melding"], "Advies bijgevoegd");
    assert_eq!(klaar["aantalBerichten"], 2);

    // ---- Exercise 3: permit officer sees the notifications, reads the advice, accepts, closes
    let ns = gemeente.notificaties().await;
    assert!(ns
        .iter()
        .any(|n| n["properties"]["actieverzoekStatusNieuw"] == "GEREEDGEMELD"));
    assert!(ns.iter().any(|n| n["notificatieType"] == "NIEUW_BERICHT"));
    assert!(ns
        .iter()
        .any(|n| n["notificatieType"] == "DOCUMENT_TOEGEVOEGD"
            && n["properties"]["documentId"] == advies_id.as_str()));
    let body = gemeente
        .get(&format!("/documenten/{advies_id}/content"))
        .await;
    assert_eq!(body.bytes, b"%PDF-1.7 advies");
    let cd = body.headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.contains("filename=\"advies-brandveiligheid.pdf\""),
        "{cd}"
    );
    gemeente
        .patch(
            &format!("/actieverzoeken/{av_id}"),
            json!({"status": "GEREED"}),
        )
        .await
        .ok();
    let closed = gemeente.close(&sid).await;
    assert_eq!(closed["status"]["status"], "GESLOTEN");
    assert!(
        closed["verwijderDatumTijd"].is_string(),
        "the planned deletion date is shown"
    );

    // ---- Exercise 4: adviser sees it is closed and can only view (and so archive) it
    let ns = adviseur.notificaties().await;
    assert!(types(&ns).contains(&"SAMENWERKING_GESLOTEN".to_string()));
    assert_eq!(
        adviseur
            .dso()
            .notificaties()
            .await
            .iter()
            .filter(|n| n["notificatieType"] == "SAMENWERKING_GESLOTEN")
            .count(),
        0,
        "extension types only on request"
    );
    // the adviser deletes a notification it has read: only its own copy goes
    let gesloten = ns
        .iter()
        .find(|n| n["notificatieType"] == "SAMENWERKING_GESLOTEN")
        .unwrap();
    let nid = gesloten["notificatieId"].as_str().unwrap();
    let before = gemeente.notificaties().await.len();
    assert_eq!(
        adviseur
            .delete(&format!("/notificaties/{nid}"))
            .await
            .status,
        204
    );
    assert_eq!(
        adviseur.get(&format!("/notificaties/{nid}")).await.status,
        404
    );
    assert_eq!(
        adviseur
            .delete(&format!("/notificaties/{nid}"))
            .await
            .status,
        404,
        "deleted once"
    );
    assert_eq!(adviseur.notificaties().await.len(), ns.len() - 1);
    assert_eq!(
        gemeente.notificaties().await.len(),
        before,
        "the other organisation's notifications are untouched"
    );
    assert!(
        srv.db_dump().await.contains("notificatie-verwijderd"),
        "the deletion is in the audit log"
    );
    let view = adviseur.get(&format!("/samenwerkingen/{sid}")).await.ok();
    assert_eq!(view["status"]["status"], "GESLOTEN");
    assert!(
        view["_links"].get("documentToevoegen").is_none(),
        "no uploads on a closed samenwerking"
    );
    assert_eq!(
        adviseur
            .get(&format!("/documenten/{advies_id}/content"))
            .await
            .bytes,
        b"%PDF-1.7 advies",
        "archiving: still downloadable"
    );
    assert_eq!(
        adviseur
            .upload(&sid, "laat.pdf", b"x".to_vec(), "RV")
            .await
            .status,
        409
    );

    // ---- Exercise 5: permit officer deletes it; nobody can see it any more
    let deleted = gemeente.delete(&format!("/samenwerkingen/{sid}")).await;
    assert_eq!(deleted.status, 204);
    for api in [&gemeente, &adviseur] {
        assert_eq!(api.get(&format!("/samenwerkingen/{sid}")).await.status, 404);
        assert_eq!(
            api.get(&format!("/documenten/{rv_id}/content"))
                .await
                .status,
            404
        );
        assert_eq!(
            api.get(&format!("/actieverzoeken/{av_id}")).await.status,
            404
        );
        let list = api.get("/samenwerkingen").await.ok();
        assert_eq!(list["page"]["totalElements"], 0);
    }
    let ns = adviseur.notificaties().await;
    assert_eq!(
        types(&ns),
        vec!["SAMENWERKING_VERWIJDERD"],
        "only the deletion notice remains"
    );
    // every document byte is gone from disk
    let blobs: Vec<_> = srv
        .files()
        .into_iter()
        .filter(|(p, _)| p.contains("/blobs/"))
        .collect();
    assert!(blobs.is_empty(), "{blobs:?}");
    // the tombstone keeps no content
    let dump = srv.db_dump().await;
    // the title survives only in the deletion notice sent to the former participants
    let with_title: Vec<&str> = dump
        .lines()
        .filter(|l| l.contains("Brandveilig gebruik"))
        .collect();
    assert!(
        !with_title.is_empty()
            && with_title
                .iter()
                .all(|l| l.contains("SAMENWERKING_VERWIJDERD")),
        "{with_title:#?}"
    );
    assert!(!dump.contains("Graag advies"), "actieverzoek purged");
}
