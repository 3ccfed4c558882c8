//! What the only public DSO v5 client (Valtimo/GZAC plugin) requires of a compatible service —
//! shared/docs/swf-domain.md, "Interoperability". Each numbered fact is checked here acting the
//! way that client does: no extensions header, unknown gateway headers, merge-patch with all
//! five keys copied from the last GET.
use serde_json::{json, Value};
use swf_testkit::*;

const DSO_TYPES: &[&str] = &[
    "DOCUMENT_TOEGEVOEGD",
    "DOCUMENT_GEWIJZIGD",
    "DOCUMENT_VERWIJDERD",
    "STATUS_ACTIEVERZOEK_GEWIJZIGD",
    "UITNODIGING_KETENPARTNER",
    "VERZOEK_OPHALEN_GESLAAGD",
    "NIEUW_BERICHT",
];

fn is_uuid(v: &Value) -> bool {
    v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

fn has_offset(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
}

#[tokio::test]
async fn a_dso_v5_client_works_unchanged() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE); // our app, with extensions
    let sid = g.start("DSO-client", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    // the case system of the veiligheidsregio: a DSO client behind its own gateway
    let dso = srv.as_org(VRV).dso();
    let gw = |r: reqwest::RequestBuilder| {
        r.header("x-dienst", "vth-gateway")
            .header("Accept", "application/json")
    };

    // 6: empty lists keep `_embedded.<plural>`
    let empty = dso
        .send(gw(dso.req(
            reqwest::Method::GET,
            &format!("/samenwerkingen/{sid}/documenten?pagina=0&aantal=10"),
        )))
        .await
        .ok();
    assert_eq!(empty["_embedded"]["documenten"], json!([]));
    // 4: `taal` is free text on upload
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF advies".to_vec())
            .file_name("Advies – brandweer ’t Hof.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let doc = dso
        .send(gw(dso.req(reqwest::Method::POST, &format!(
            "/samenwerkingen/{sid}/documenten?documentOmschrijving=Advies&vertrouwelijkheidsAanduiding=RV&taal=Nederlands&kenmerkSysteem=GZAC&nummerBinnenSysteem=Z-1"
        )))
        .multipart(form))
        .await
        .ok();
    assert_eq!(doc["taal"], "Nederlands");
    // 7: names always filled, UUIDs, timestamps with an offset
    assert!(doc["aangemaaktDoorNaam"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert!(is_uuid(&doc["documentId"]));
    assert!(has_offset(&doc["creatieDatumTijd"]) && has_offset(&doc["laatstAangepastDatumTijd"]));
    assert_eq!(doc["documentHash"].as_str().unwrap().len(), 64);
    // 10: the file name comes from Content-Disposition with `filename="?([^"]+)"?`
    let dl = dso
        .get(&format!(
            "/documenten/{}/content",
            doc["documentId"].as_str().unwrap()
        ))
        .await;
    let cd = dl.headers["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let start = cd.find("filename=").unwrap() + "filename=".len();
    let rest = cd[start..].trim_start_matches('"');
    let captured: String = rest.chars().take_while(|c| *c != '"').collect();
    assert!(
        captured.ends_with(".pdf") && captured.starts_with("Advies"),
        "{cd}"
    );
    assert!(
        cd.contains("filename*=UTF-8''Advies%20%E2%80%93%20brandweer"),
        "the exact name for clients that read filename*"
    );

    // an advice request to the veiligheidsregio, with the document
    let av = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Advies", "omschrijving": "Graag", "ontvanger": VRV, "productId": null, "documenten": [doc["documentId"]]}),
        )
        .await
        .ok();
    let avid = av["actieverzoekId"].as_str().unwrap().to_owned();
    assert!(is_uuid(&av["actieverzoekId"]));
    // 2: only the relations the client knows
    let got =
        dso.send(gw(
            dso.req(reqwest::Method::GET, &format!("/actieverzoeken/{avid}"))
        ))
        .await
        .ok();
    for rel in got["_links"].as_object().unwrap().keys() {
        assert!(
            [
                "self",
                "berichtVerzenden",
                "behandelen",
                "weigeren",
                "gereedmelden"
            ]
            .contains(&rel.as_str()),
            "{rel}"
        );
    }
    // 8: documenten are full Document objects
    assert_eq!(
        got["documenten"][0]["bestandsNaam"],
        "Advies – brandweer ’t Hof.pdf"
    );
    assert!(got["documenten"][0]["aangemaaktDoorNaam"].is_string());
    // 3: status changes are merge-patch with all five keys copied from the GET
    let five = |status: &str, got: &Value| json!({"status": status, "melding": "Advies volgt", "omschrijving": got["omschrijving"], "productId": got["productId"], "titel": got["titel"]});
    let r = dso
        .patch(
            &format!("/actieverzoeken/{avid}"),
            five("IN_BEHANDELING", &got),
        )
        .await
        .ok();
    assert_eq!(r["status"], "IN_BEHANDELING");
    let r = dso
        .patch(&format!("/actieverzoeken/{avid}"), five("GEREEDGEMELD", &r))
        .await
        .ok();
    assert_eq!(
        (r["status"].as_str(), r["melding"].as_str()),
        (Some("GEREEDGEMELD"), Some("Advies volgt"))
    );
    // a real change of a field it may not edit is refused, and nothing changes
    let mut changed = five("GEREEDGEMELD", &r);
    changed["titel"] = json!("Andere titel");
    assert_eq!(
        dso.patch(&format!("/actieverzoeken/{avid}"), changed)
            .await
            .status,
        403
    );
    assert_eq!(
        dso.get(&format!("/actieverzoeken/{avid}")).await.ok()["titel"],
        "Advies"
    );
    // berichten with `{"bericht": …}`
    let b = dso
        .post(
            &format!("/actieverzoeken/{avid}/berichten"),
            json!({"bericht": "Zie bijlage"}),
        )
        .await;
    assert_eq!(
        b.status, 201,
        "messages are possible until the request is finished"
    );
    assert!(is_uuid(&b.json["berichtId"]));

    // produce every kind of event, DSO and extension, for the veiligheidsregio
    g.patch(
        &format!("/samenwerkingen/{sid}"),
        json!({"beschrijving": "bijgewerkt"}),
    )
    .await
    .ok();
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{VRV}"),
        json!({"privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    g.upload(&sid, "tekening.pdf", b"t".to_vec(), "RV")
        .await
        .ok();
    g.close(&sid).await;
    // 1 and 11: a plain client gets only the seven DSO types, always with the page block
    let plain = dso
        .send(gw(dso.req(reqwest::Method::GET, "/notificaties?page=0")))
        .await
        .ok();
    let types: Vec<&str> = plain["_embedded"]["notificaties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["notificatieType"].as_str().unwrap())
        .collect();
    assert!(!types.is_empty());
    assert!(types.iter().all(|t| DSO_TYPES.contains(t)), "{types:?}");
    for k in ["number", "size", "totalElements", "totalPages"] {
        assert!(plain["page"][k].is_u64(), "page.{k}");
    }
    // … and our own app, asking for extensions, sees the rest too
    let ext = srv.as_org(VRV).notificaties().await;
    assert!(ext
        .iter()
        .any(|n| n["notificatieType"] == "SAMENWERKING_GESLOTEN"));
    assert!(ext
        .iter()
        .any(|n| n["notificatieType"] == "PRIVILEGE_GEWIJZIGD"));
    // 7: every notification names who caused it and for whom it is, with an offset timestamp
    for n in plain["_embedded"]["notificaties"].as_array().unwrap() {
        assert!(is_uuid(&n["notificatieId"]) && has_offset(&n["eventDatumTijd"]));
        assert!(
            n["eventInitiatorNaam"].is_string()
                && n["deelnemerNaam"] == "Veiligheidsregio Oefenland"
        );
        assert_eq!(n["samenwerkVorm"], "SAMENWERKEN_AAN_BEHANDELEN");
    }
    // 9: the polling window with a Java zone id after the offset
    let since = "2020-01-01T00:00:00.000%2B01:00%5BEurope/Amsterdam%5D";
    let window = dso
        .get(&format!(
            "/notificaties?eventDatumTijd%5Bgt%5D={since}&page=0"
        ))
        .await
        .ok();
    assert_eq!(
        window["page"]["totalElements"],
        plain["page"]["totalElements"]
    );
    // 11: the samenwerking resource keeps DSO's shape
    let s = dso.get(&format!("/samenwerkingen/{sid}")).await.ok();
    assert_eq!(
        s["status"],
        json!({"status": "GESLOTEN"}),
        "status is a nested object"
    );
    assert_eq!(
        (s["samenwerkVorm"].as_str(), s["samenwerkDoel"].as_str()),
        (Some("SAMENWERKEN_AAN_BEHANDELEN"), Some("BEHANDELEN"))
    );
    assert!(s["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/behandelen/v5/samenwerkingen/{sid}")));
}
