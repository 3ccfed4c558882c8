//! Overviews: filters, sorting and paging as a DSO client and our app use them.
use serde_json::{json, Value};
use swf_testkit::*;

fn titles(v: &Value, plural: &str) -> Vec<String> {
    v["_embedded"][plural]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["titel"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn samenwerkingen_filters_sorting_and_paging() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    for i in 0..23 {
        let partners: &[(&str, &str)] = if i % 2 == 0 {
            &[(VRV, "BEPERKTE_TOEGANG")]
        } else {
            &[]
        };
        g.start(&format!("Aanvraag {i:02}"), partners).await;
    }
    let with_nr = g
        .post(
            "/samenwerkingen",
            json!({"titel": "Zonnepark Noord", "verzoeknummer": "2026000777"}),
        )
        .await
        .ok();
    let closed = g.start("Loods gesloten", &[]).await;
    g.close(&closed).await;
    // the adviser starts one of its own
    v.start("Eigen advies VRV", &[(GEMEENTE, "VOLLEDIGE_TOEGANG")])
        .await;

    // paging: 26 for the gemeente, 20 per page by default, newest first
    let p0 = g.get("/samenwerkingen").await.ok();
    assert_eq!(
        p0["page"],
        json!({"number": 0, "size": 20, "totalElements": 26, "totalPages": 2})
    );
    assert_eq!(titles(&p0, "samenwerkingen")[0], "Eigen advies VRV");
    let next = p0["_links"]["next"]["href"].as_str().unwrap();
    assert!(p0["_links"].get("prev").is_none());
    let p1 = g.get(next).await.ok();
    assert_eq!(titles(&p1, "samenwerkingen").len(), 6);
    assert_eq!(titles(&p1, "samenwerkingen").last().unwrap(), "Aanvraag 00");
    assert!(p1["_links"]["prev"]["href"]
        .as_str()
        .unwrap()
        .contains("pagina=0"));
    let small = g.get("/samenwerkingen?aantal=5&pagina=5").await.ok();
    assert_eq!(titles(&small, "samenwerkingen").len(), 1);
    let beyond = g.get("/samenwerkingen?pagina=9").await.ok();
    assert_eq!(
        beyond["_embedded"]["samenwerkingen"],
        json!([]),
        "an empty page still has the list"
    );
    assert_eq!(
        beyond["page"]["totalElements"], 26,
        "a page past the end still tells the total"
    );
    assert_eq!(small["page"]["totalElements"], 26);
    let none = srv.as_org(BUITENSTAANDER).get("/samenwerkingen").await.ok();
    assert_eq!(
        none["page"],
        json!({"number": 0, "size": 20, "totalElements": 0, "totalPages": 0})
    );

    // filters
    let gesloten = g.get("/samenwerkingen?status=GESLOTEN").await.ok();
    assert_eq!(titles(&gesloten, "samenwerkingen"), vec!["Loods gesloten"]);
    let init = g.get("/samenwerkingen?status=INITIALISATIE").await.ok();
    assert_eq!(titles(&init, "samenwerkingen"), vec!["Zonnepark Noord"]);
    assert_eq!(with_nr["status"]["status"], "INITIALISATIE");
    let zon = g.get("/samenwerkingen?titel=zONNE").await.ok();
    assert_eq!(
        titles(&zon, "samenwerkingen"),
        vec!["Zonnepark Noord"],
        "title search ignores case"
    );
    let nr = g.get("/samenwerkingen?verzoeknummer=2026000777").await.ok();
    assert_eq!(nr["page"]["totalElements"], 1);
    let as_partner = v.get("/samenwerkingen?rol=KETENPARTNER").await.ok();
    assert_eq!(
        as_partner["page"]["totalElements"], 12,
        "the adviser is partner in the 12 even ones"
    );
    let as_initiator = v.get("/samenwerkingen?rol=INITIATOR").await.ok();
    assert_eq!(
        titles(&as_initiator, "samenwerkingen"),
        vec!["Eigen advies VRV"]
    );
    for s in as_partner["_embedded"]["samenwerkingen"]
        .as_array()
        .unwrap()
    {
        assert_eq!(s["mijnRol"], "KETENPARTNER");
        assert_eq!(s["mijnPrivilege"], "BEPERKTE_TOEGANG");
    }
    // sorting
    let by_title = g.get("/samenwerkingen?_sort=titel&aantal=3").await.ok();
    assert_eq!(
        titles(&by_title, "samenwerkingen"),
        vec!["Aanvraag 00", "Aanvraag 01", "Aanvraag 02"]
    );
    let by_title_desc = g.get("/samenwerkingen?_sort=-titel&aantal=1").await.ok();
    assert_eq!(
        titles(&by_title_desc, "samenwerkingen"),
        vec!["Zonnepark Noord"]
    );
    let bad = g.get("/samenwerkingen?_sort=geheim&status=WEG").await;
    assert_eq!(bad.status, 400);
    let names: Vec<&str> = bad.json["invalid-params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["status", "_sort"], "all problems at once");
}

#[tokio::test]
async fn documents_actieverzoeken_and_notifications_filters() {
    let srv = Server::start(&[]).await;
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let sid = g.start("Filters", &[(VRV, "VOLLEDIGE_TOEGANG")]).await;
    g.upload(&sid, "b-gemeente.pdf", b"1".to_vec(), "RV")
        .await
        .ok();
    v.upload(&sid, "a-vrv.pdf", b"2".to_vec(), "RV").await.ok();
    let docs = |q: &str| {
        let g = g.clone();
        let path = format!("/samenwerkingen/{sid}/documenten{q}");
        async move {
            let r = g.get(&path).await.ok();
            r["_embedded"]["documenten"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["bestandsNaam"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        docs(&format!("?aangemaaktDoor={VRV}")).await,
        vec!["a-vrv.pdf"]
    );
    assert_eq!(
        docs(&format!("?aangemaaktDoor[not]={VRV}")).await,
        vec!["b-gemeente.pdf"]
    );
    assert_eq!(
        docs("?aangemaaktDoorNaam=Gemeente%20Oefenstad").await,
        vec!["b-gemeente.pdf"]
    );
    assert_eq!(
        docs("?_sort=bestandsNaam").await,
        vec!["a-vrv.pdf", "b-gemeente.pdf"]
    );
    assert_eq!(
        docs("?_sort=-bestandsNaam").await,
        vec!["b-gemeente.pdf", "a-vrv.pdf"]
    );

    // actieverzoeken both ways; DSO's `organisatie` filters on the receiver
    let to_vrv = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "Aan VRV", "omschrijving": "x", "ontvanger": VRV}),
        )
        .await
        .ok();
    v.post(
        &format!("/samenwerkingen/{sid}/actieverzoeken"),
        json!({"titel": "Aan gemeente", "omschrijving": "x", "ontvanger": GEMEENTE}),
    )
    .await
    .ok();
    v.patch(
        &format!(
            "/actieverzoeken/{}",
            to_vrv["actieverzoekId"].as_str().unwrap()
        ),
        json!({"status": "IN_BEHANDELING"}),
    )
    .await
    .ok();
    let incoming = v
        .get(&format!("/actieverzoeken?organisatie={VRV}"))
        .await
        .ok();
    assert_eq!(titles(&incoming, "actieverzoeken"), vec!["Aan VRV"]);
    let outgoing = v.get(&format!("/actieverzoeken?zender={VRV}")).await.ok();
    assert_eq!(titles(&outgoing, "actieverzoeken"), vec!["Aan gemeente"]);
    let open = g
        .get(&format!("/actieverzoeken?samenwerkingId={sid}&status=OPEN"))
        .await
        .ok();
    assert_eq!(titles(&open, "actieverzoeken"), vec!["Aan gemeente"]);
    let not_open = g
        .get(&format!(
            "/actieverzoeken?samenwerkingId={sid}&status[not]=OPEN"
        ))
        .await
        .ok();
    assert_eq!(titles(&not_open, "actieverzoeken"), vec!["Aan VRV"]);
    assert_eq!(
        g.get("/actieverzoeken?samenwerkingId=SAM-1").await.status,
        404,
        "an unknown samenwerking is not an empty list"
    );

    // notifications: the time window of a polling DSO client, and paging with `page`/`size`
    let all = v.get("/notificaties?size=100").await.ok();
    let items = all["_embedded"]["notificaties"].as_array().unwrap().clone();
    assert!(items.len() >= 3);
    let newest = items[0]["eventDatumTijd"].as_str().unwrap();
    let oldest = items.last().unwrap()["eventDatumTijd"].as_str().unwrap();
    let enc = |t: &str| t.replace(':', "%3A").replace('+', "%2B");
    let window = v
        .get(&format!(
            "/notificaties?eventDatumTijd[gt]={}&eventDatumTijd[lte]={}",
            enc(oldest),
            enc(newest)
        ))
        .await
        .ok();
    assert_eq!(
        window["page"]["totalElements"].as_u64().unwrap() as usize,
        items.len() - 1,
        "gt excludes the oldest, lte includes the newest"
    );
    let paged = v.get("/notificaties?size=1&page=1").await.ok();
    assert_eq!(paged["page"]["number"], 1);
    assert_eq!(
        paged["_embedded"]["notificaties"][0]["notificatieId"],
        items[1]["notificatieId"]
    );
    assert!(paged["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .contains("page=2"));
    let typed = v
        .get("/notificaties?notificatieType=DOCUMENT_TOEGEVOEGD")
        .await
        .ok();
    assert!(typed["_embedded"]["notificaties"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["notificatieType"] == "DOCUMENT_TOEGEVOEGD"));
    let per_sam = v
        .get(&format!("/samenwerkingen/{sid}/notificaties"))
        .await
        .ok();
    assert_eq!(
        per_sam["page"]["totalElements"],
        all["page"]["totalElements"]
    );
}
