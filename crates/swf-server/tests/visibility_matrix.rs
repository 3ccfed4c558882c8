//! The visibility matrix (decision D4), generated from the rule table of `swf-domain`: one
//! samenwerking in which every kind of history line, every notification type and every feed
//! event kind occurs, then for every observer — the initiator, a full partner that is a party,
//! a full partner that is not, a partner with limited access, a partner downgraded afterwards
//! and a removed partner — everything that observer can fetch is read, over real HTTP, and
//!
//! - the history lines it gets are exactly those `historie_zichtbaar` admits, kind by kind;
//! - no token it may not see (an SV document's name, id, hash, description, kenmerk; an
//!   actieverzoek's title, description, product, melding, bericht or id) occurs anywhere in the
//!   raw bodies, and every token occurs for someone who may see it (so the harvest reaches it).
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use swf_domain::{
    historie_zichtbaar, ActorKind, GebeurtenisSoort, NotificatieType, Onderwerp, Party,
    SamenwerkingStatus, Vertrouwelijkheid,
};
use swf_testkit::*;

/// A partner that is downgraded to limited access halfway (not one of the harness's five).
const PROVINCIE: &str = "00000001234567890000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    /// SV from the start; linked to both actieverzoeken.
    S1,
    /// RV at first, made SV later.
    R1,
    /// SV, deleted.
    S2,
    /// RV throughout.
    R2,
}

impl Doc {
    /// Its confidentiality when the observers read (for S2: the last it had).
    fn nu(self) -> Vertrouwelijkheid {
        match self {
            Doc::R2 => Vertrouwelijkheid::Rv,
            _ => Vertrouwelijkheid::Sv,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Av {
    /// Gemeente → VRV.
    A,
    /// Gemeente → Provincie (full access when it was sent, limited later).
    C,
}

impl Av {
    fn party(self, oin: &str) -> Party {
        let (zender, ontvanger) = match self {
            Av::A => (GEMEENTE, VRV),
            Av::C => (GEMEENTE, PROVINCIE),
        };
        if oin == zender {
            Party::Zender
        } else if oin == ontvanger {
            Party::Ontvanger
        } else {
            Party::Other
        }
    }
}

/// What a token or history line is about.
#[derive(Debug, Clone, Copy)]
struct Subject {
    doc: Option<Doc>,
    av: Option<Av>,
}

const NONE: Subject = Subject {
    doc: None,
    av: None,
};
fn doc(d: Doc) -> Subject {
    Subject {
        doc: Some(d),
        av: None,
    }
}
fn av(a: Av) -> Subject {
    Subject {
        doc: None,
        av: Some(a),
    }
}
fn both(d: Doc, a: Av) -> Subject {
    Subject {
        doc: Some(d),
        av: Some(a),
    }
}

/// The observers with how they relate to the samenwerking when they read.
const OBSERVERS: &[(&str, ActorKind)] = &[
    (GEMEENTE, ActorKind::Initiator),
    (VRV, ActorKind::PartnerVolledig),
    (BUITENSTAANDER, ActorKind::PartnerVolledig),
    (BUREAU, ActorKind::PartnerBeperkt),
    (PROVINCIE, ActorKind::PartnerBeperkt),
    (WATERSCHAP, ActorKind::RemovedPartner),
];

/// The rule: may the observer see something about `s`? Straight from the rule table.
fn may_see(oin: &str, actor: ActorKind, s: Subject) -> bool {
    historie_zichtbaar(
        actor,
        SamenwerkingStatus::Gesloten,
        Onderwerp {
            document: s.doc.map(Doc::nu),
            actieverzoek: s.av.map(|a| a.party(oin)),
        },
    )
}

async fn upload(
    api: &Api,
    sid: &str,
    naam: &str,
    inhoud: &[u8],
    v: &str,
    omschrijving: &str,
    kenmerk: &str,
) -> Value {
    let part = reqwest::multipart::Part::bytes(inhoud.to_vec())
        .file_name(naam.to_owned())
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let path = format!(
        "/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding={v}&documentOmschrijving={omschrijving}&kenmerkSysteem={kenmerk}"
    );
    api.send(api.req(Method::POST, &path).multipart(form))
        .await
        .ok()
}

fn id_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_owned()
}

fn take(r: &Resp, raw: &mut String) {
    raw.push_str(&String::from_utf8_lossy(&r.bytes));
    raw.push('\n');
}

fn is_uuid(t: &str) -> bool {
    uuid::Uuid::parse_str(t).is_ok()
}

/// Everything `api` can fetch, as raw bodies (the feed also through its SSE replay).
async fn harvest(api: &Api, sid: &str) -> (String, Vec<String>, Vec<String>) {
    let mut raw = String::new();
    for path in [
        "/samenwerkingen".to_string(),
        format!("/samenwerkingen/{sid}"),
        format!("/samenwerkingen/{sid}/documenten?aantal=100"),
        format!("/samenwerkingen/{sid}/deelnemers"),
        format!("/samenwerkingen/{sid}/notificaties?size=100"),
        format!("/actieverzoeken?samenwerkingId={sid}&size=100"),
        "/actieverzoeken?size=100".to_string(),
    ] {
        let r = api.get(&path).await;
        take(&r, &mut raw);
    }
    // history: the kinds of line, and the text
    let h = api
        .get(&format!("/samenwerkingen/{sid}/historie?aantal=100"))
        .await;
    take(&h, &mut raw);
    let historie: Vec<String> = h.json["_embedded"]["historie"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["actie"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    // every document and actieverzoek it lists, one by one, with content and berichten
    let docs = api
        .get(&format!("/samenwerkingen/{sid}/documenten?aantal=100"))
        .await;
    for d in docs.json["_embedded"]["documenten"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let id = id_of(&d, "documentId");
        let r = api.get(&format!("/documenten/{id}")).await;
        take(&r, &mut raw);
        let c = api.get(&format!("/documenten/{id}/content")).await;
        raw.push_str(&format!("{:?}\n", c.headers));
    }
    let avs = api.get("/actieverzoeken?size=100").await;
    for a in avs.json["_embedded"]["actieverzoeken"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let id = id_of(&a, "actieverzoekId");
        for p in [
            format!("/actieverzoeken/{id}"),
            format!("/actieverzoeken/{id}/berichten?size=100"),
        ] {
            let r = api.get(&p).await;
            take(&r, &mut raw);
        }
    }
    // notifications: the inbox (with and without extensions) and each one
    let mut types = Vec::new();
    for a in [api.clone(), api.dso()] {
        let r = a.get("/notificaties?size=100").await;
        take(&r, &mut raw);
    }
    for n in api.notificaties().await {
        types.push(n["notificatieType"].as_str().unwrap().to_owned());
        let id = id_of(&n, "notificatieId");
        let r = api.get(&format!("/notificaties/{id}")).await;
        take(&r, &mut raw);
    }
    // the feed from the beginning, page by page
    let mut na = 0;
    let mut count = 0;
    for _ in 0..100 {
        let r = api.get(&format!("/gebeurtenissen?na={na}&limit=7")).await;
        take(&r, &mut raw);
        let Some(evs) = r.json["gebeurtenissen"].as_array() else {
            break;
        };
        count += evs.len();
        for e in evs {
            types.push(format!("feed:{}", e["soort"].as_str().unwrap()));
        }
        na = r.json["volgende"].as_i64().unwrap();
        if !r.json["meer"].as_bool().unwrap() {
            break;
        }
    }
    // and its SSE replay from the beginning (bounded)
    let resp = api
        .req(Method::GET, "/gebeurtenissen/stream")
        .header("Last-Event-ID", "0")
        .send()
        .await
        .expect("stream");
    let mut stream = resp.bytes_stream();
    let mut sse = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while sse.lines().filter(|l| l.starts_with("event:")).count() < count {
            match stream.next().await {
                Some(Ok(chunk)) => sse.push_str(&String::from_utf8_lossy(&chunk)),
                _ => break,
            }
        }
    })
    .await;
    raw.push_str(&sse);
    (raw, historie, types)
}

#[tokio::test]
async fn nobody_sees_more_of_a_subject_than_the_subject_itself() {
    let srv = Server::start(&[
        ("SWF_VERZOEK_OPHALEN_SECS", "0"),
        ("SWF_RETENTION_DAYS", "20"),
    ])
    .await;
    srv.admin(&[
        "org",
        "add",
        "--oin",
        PROVINCIE,
        "--naam",
        "Provincie Oefenland",
        "--soort",
        "PROVINCIE",
    ]);
    let g = srv.as_org(GEMEENTE);
    let v = srv.as_org(VRV);
    let p = srv.as_org(PROVINCIE);

    // the history lines written, in order, with what each is about
    let mut lines: Vec<(&str, Subject)> = vec![("samenwerking-gestart", NONE)];
    let partners = [
        (VRV, "VOLLEDIGE_TOEGANG"),
        (BUITENSTAANDER, "VOLLEDIGE_TOEGANG"),
        (BUREAU, "BEPERKTE_TOEGANG"),
        (WATERSCHAP, "VOLLEDIGE_TOEGANG"),
        (PROVINCIE, "VOLLEDIGE_TOEGANG"),
    ];
    let deelnemers: Vec<Value> = partners
        .iter()
        .map(|(o, pr)| json!({"oin": o, "privilege": pr}))
        .collect();
    let sid = id_of(
        &g.post(
            "/samenwerkingen",
            json!({"titel": "Zichtbaarheid", "verzoeknummer": "2026000077", "deelnemers": deelnemers}),
        )
        .await
        .ok(),
        "samenwerkingId",
    );
    lines.extend(partners.iter().map(|_| ("deelnemer-uitgenodigd", NONE)));
    // VERZOEK_OPHALEN_GESLAAGD: the verzoek is placed, INITIALISATIE → OPEN
    srv.admin(&["jobs"]);
    assert_eq!(
        g.get(&format!("/samenwerkingen/{sid}")).await.ok()["status"]["status"],
        "OPEN"
    );

    // the tokens, each with its subject
    let mut tokens: Vec<(String, Subject)> = Vec::new();
    let mut docs = BTreeMap::new();
    for (d, naam, v_, inhoud) in [
        (Doc::S1, "q7s1naam.pdf", "SV", &b"q7 inhoud s1"[..]),
        (Doc::R1, "q7r1naam.pdf", "RV", &b"q7 inhoud r1"[..]),
        (Doc::S2, "q7s2naam.pdf", "SV", &b"q7 inhoud s2"[..]),
        (Doc::R2, "q7r2naam.pdf", "RV", &b"q7 inhoud r2"[..]),
    ] {
        let tag = format!("{d:?}").to_lowercase();
        let r = upload(
            &g,
            &sid,
            naam,
            inhoud,
            v_,
            &format!("q7{tag}omschrijving"),
            &format!("q7{tag}kenmerk"),
        )
        .await;
        lines.push(("document-toegevoegd", doc(d)));
        let id = id_of(&r, "documentId");
        if d != Doc::R2 {
            tokens.push((naam.to_owned(), doc(d)));
            tokens.push((format!("q7{tag}omschrijving"), doc(d)));
            tokens.push((format!("q7{tag}kenmerk"), doc(d)));
            tokens.push((id_of(&r, "documentHash"), doc(d)));
            // R1's id stays known to limited partners: they are told it is gone
            if d != Doc::R1 {
                tokens.push((id.clone(), doc(d)));
            }
        }
        docs.insert(tag, id);
    }
    let (s1, r1, s2, r2) = (&docs["s1"], &docs["r1"], &docs["s2"], &docs["r2"]);
    // a change that keeps S1 SV, before it is linked (so the lines written when linking are
    // not corrected afterwards by a change of the document)
    g.patch(
        &format!("/documenten/{s1}"),
        json!({"documentOmschrijving": "q7s1omschrijving nieuw"}),
    )
    .await
    .ok();
    lines.push(("document-gewijzigd", doc(Doc::S1)));

    // actieverzoek A to VRV, every field a token; edited while OPEN
    let a = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "q7atitel1", "omschrijving": "q7aomschrijving1", "ontvanger": VRV,
                   "productId": "q7aproduct1", "documenten": [r2]}),
        )
        .await
        .ok();
    let a_id = id_of(&a, "actieverzoekId");
    lines.push(("actieverzoek-verstuurd", av(Av::A)));
    g.patch(
        &format!("/actieverzoeken/{a_id}"),
        json!({"titel": "q7atitel2", "omschrijving": "q7aomschrijving2", "productId": "q7aproduct2"}),
    )
    .await
    .ok();
    lines.push(("actieverzoek-gewijzigd", av(Av::A)));
    // the attach path that used to leak the SV name
    g.post(
        &format!("/actieverzoeken/{a_id}/documenten"),
        json!({"documentId": s1}),
    )
    .await
    .ok();
    lines.push(("document-gekoppeld", both(Doc::S1, Av::A)));
    v.patch(
        &format!("/actieverzoeken/{a_id}"),
        json!({"status": "IN_BEHANDELING"}),
    )
    .await
    .ok();
    lines.push(("actieverzoek-status", av(Av::A)));
    let b = v
        .post(
            &format!("/actieverzoeken/{a_id}/berichten"),
            json!({"bericht": "q7abericht"}),
        )
        .await
        .ok();
    lines.push(("bericht-verstuurd", av(Av::A)));
    v.patch(
        &format!("/actieverzoeken/{a_id}"),
        json!({"status": "GEREEDGEMELD", "melding": "q7amelding"}),
    )
    .await
    .ok();
    lines.push(("actieverzoek-status", av(Av::A)));
    let avs = g
        .delete(&format!("/actieverzoeken/{a_id}/documenten/{r2}"))
        .await;
    assert_eq!(avs.status, 200, "{}", avs.json);
    lines.push(("document-ontkoppeld", both(Doc::R2, Av::A)));
    // (the first omschrijving and productId are overwritten: nobody can see them any more)
    for t in [
        "q7atitel1",
        "q7atitel2",
        "q7aomschrijving2",
        "q7aproduct2",
        "q7abericht",
        "q7amelding",
    ] {
        tokens.push((t.to_owned(), av(Av::A)));
    }
    tokens.push((a_id.clone(), av(Av::A)));
    tokens.push((id_of(&b, "berichtId"), av(Av::A)));

    // actieverzoek C to the Provincie while it has full access, with the SV document
    let c = g
        .post(
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            json!({"titel": "q7ctitel", "omschrijving": "q7comschrijving", "ontvanger": PROVINCIE}),
        )
        .await
        .ok();
    let c_id = id_of(&c, "actieverzoekId");
    lines.push(("actieverzoek-verstuurd", av(Av::C)));
    g.post(
        &format!("/actieverzoeken/{c_id}/documenten"),
        json!({"documentId": s1}),
    )
    .await
    .ok();
    lines.push(("document-gekoppeld", both(Doc::S1, Av::C)));
    let cb = p
        .post(
            &format!("/actieverzoeken/{c_id}/berichten"),
            json!({"bericht": "q7cbericht"}),
        )
        .await
        .ok();
    lines.push(("bericht-verstuurd", av(Av::C)));
    for t in ["q7ctitel", "q7comschrijving", "q7cbericht"] {
        tokens.push((t.to_owned(), av(Av::C)));
    }
    tokens.push((c_id.clone(), av(Av::C)));
    tokens.push((id_of(&cb, "berichtId"), av(Av::C)));

    // documents change: RV becomes SV, SV is deleted
    g.patch(
        &format!("/documenten/{r1}"),
        json!({"vertrouwelijkheidsAanduiding": "SV"}),
    )
    .await
    .ok();
    lines.push(("document-gewijzigd", doc(Doc::R1)));
    assert_eq!(g.delete(&format!("/documenten/{s2}")).await.status, 204);
    lines.push(("document-verwijderd", doc(Doc::S2)));

    // the Provincie is downgraded, the Waterschap removed
    g.patch(
        &format!("/samenwerkingen/{sid}/deelnemers/{PROVINCIE}"),
        json!({"privilege": "BEPERKTE_TOEGANG"}),
    )
    .await
    .ok();
    lines.push(("privilege-gewijzigd", NONE));
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{sid}/deelnemers/{WATERSCHAP}"))
            .await
            .status,
        204
    );
    lines.push(("deelnemer-verwijderd", NONE));

    // the samenwerking changes, closes, and its deletion is announced
    g.patch(
        &format!("/samenwerkingen/{sid}"),
        json!({"beschrijving": "Nieuwe beschrijving"}),
    )
    .await
    .ok();
    lines.push(("samenwerking-gewijzigd", NONE));
    g.close(&sid).await;
    lines.push(("samenwerking-gesloten", NONE));
    assert!(srv.admin(&["jobs"]).contains("aangekondigd: 1"));

    // SAMENWERKING_VERWIJDERD comes from a second samenwerking, deleted
    let weg = g
        .start(
            "Tweede",
            &partners
                .iter()
                .map(|(o, _)| (*o, "BEPERKTE_TOEGANG"))
                .collect::<Vec<_>>(),
        )
        .await;
    g.close(&weg).await;
    assert_eq!(
        g.delete(&format!("/samenwerkingen/{weg}")).await.status,
        204
    );

    // ---- every observer, against the rule table
    let mut seen_types: Vec<String> = Vec::new();
    let mut seen_tokens = vec![false; tokens.len()];
    let mut failures = Vec::new();
    for (oin, actor) in OBSERVERS {
        let api = srv.as_org(oin);
        // the overview's counts (kept per deelnemer by the database, D63) after the whole
        // scenario equal what the lists show
        failures.extend(api.overview_count_mismatches().await);
        let (raw, historie, types) = harvest(&api, &sid).await;
        seen_types.extend(types);

        // history: exactly the lines the rule admits, kind by kind
        let mut expected: Vec<&str> = lines
            .iter()
            .filter(|(_, s)| may_see(oin, *actor, *s))
            .map(|(k, _)| *k)
            .collect();
        let mut actual: Vec<&str> = historie.iter().map(String::as_str).collect();
        expected.sort();
        actual.sort();
        if expected != actual {
            failures.push(format!(
                "{oin} ({actor:?}) history:\n  expected {expected:?}\n  got      {actual:?}"
            ));
        }

        // tokens: never one it may not see
        for (i, (t, s)) in tokens.iter().enumerate() {
            let present = raw.contains(t.as_str());
            let allowed = may_see(oin, *actor, *s);
            if present && !allowed {
                failures.push(format!("{oin} ({actor:?}) sees {t:?} about {s:?}"));
            }
            seen_tokens[i] |= present;
        }
        // and what it may not see answers 404 when asked for directly
        for (t, s) in &tokens {
            if !is_uuid(t) || may_see(oin, *actor, *s) {
                continue;
            }
            for path in [
                format!("/documenten/{t}"),
                format!("/actieverzoeken/{t}"),
                format!("/actieverzoeken/{t}/berichten"),
            ] {
                let st = api.get(&path).await.status;
                if st != 404 {
                    failures.push(format!("{oin} ({actor:?}) GET {path}: {st}"));
                }
            }
        }
    }
    // the harvest reaches every token (of the deleted document only its name, in history
    // lines, and its id, in feed events, are left)
    for (i, (t, s)) in tokens.iter().enumerate() {
        let gone = s.doc == Some(Doc::S2) && !is_uuid(t) && !t.starts_with("q7s2naam");
        if !seen_tokens[i] && !gone {
            failures.push(format!("nobody sees {t:?} ({s:?}): the harvest misses it"));
        }
    }
    // the scenario covers every notification type and every feed event kind
    for t in NotificatieType::ALL {
        if !seen_types.iter().any(|x| x == t.as_str()) {
            failures.push(format!("notification type {} not covered", t.as_str()));
        }
    }
    for k in GebeurtenisSoort::ALL {
        if !seen_types
            .iter()
            .any(|x| *x == format!("feed:{}", k.as_str()))
        {
            failures.push(format!("feed kind {} not covered", k.as_str()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rows written before migration 0005, as the previous build wrote them (the SV document's
/// link line with flag 0, no actieverzoek references, feed events without document references),
/// are backfilled so that the same rule holds for them.
#[tokio::test]
async fn migration_0005_backfills_rows_written_before_it() {
    if on_postgres() {
        // a PostgreSQL database starts at the current schema: nothing written before 0005
        eprintln!("SQLite only: the backfill of migration 0005");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // the schema as it was before 0005, applied by sqlx like the service does
    let old = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0005" {
            std::fs::copy(e.path(), old.path().join(&name)).unwrap();
        }
    }
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("swf.db").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::migrate::Migrator::new(old.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let (sid, doc, av) = (
        "SAM-10001",
        "3f1c2b1e-0000-4000-8000-00000000d0c1",
        "3f1c2b1e-0000-4000-8000-0000000000a1",
    );
    let mut sql = vec![
        format!("INSERT INTO organisaties VALUES ('{GEMEENTE}', 'Gemeente', 'GEMEENTE', 0), ('{VRV}', 'VRV', 'VEILIGHEIDSREGIO', 0), ('{BUREAU}', 'Bureau', 'ADVIESBUREAU', 0)"),
        format!("INSERT INTO samenwerkingen (id, volgnummer, titel, taal, status, aangemaakt_door, aangemaakt_door_naam, creatie, eind, laatst_aangepast_door, laatst_aangepast_door_naam, laatst_aangepast) VALUES ('{sid}', 10001, 'Oud', 'NL', 'OPEN', '{GEMEENTE}', 'Gemeente', 1, 2, '{GEMEENTE}', 'Gemeente', 1)"),
        // VRV had full access when it was sent the actieverzoek; it has limited access now
        format!("INSERT INTO deelnemers VALUES ('{sid}', '{GEMEENTE}', 'INITIATOR', 'VOLLEDIGE_TOEGANG', 1, NULL, 10001), ('{sid}', '{VRV}', 'KETENPARTNER', 'BEPERKTE_TOEGANG', 1, NULL, 10001), ('{sid}', '{BUREAU}', 'KETENPARTNER', 'BEPERKTE_TOEGANG', 1, NULL, 10001)"),
        format!("INSERT INTO documenten VALUES ('{doc}', '{sid}', 'zzgeheim.pdf', NULL, NULL, '{GEMEENTE}', 'Gemeente', 1, '{GEMEENTE}', 'Gemeente', 1, 'x', 'SV', NULL, 'application/pdf', 'h', 1)"),
        format!("INSERT INTO actieverzoeken (id, samenwerking_id, titel, omschrijving, status, zender, zender_naam, ontvanger, ontvanger_naam, creatie, laatst_aangepast, laatst_aangepast_door, laatst_aangepast_door_naam) VALUES ('{av}', '{sid}', 'zzadvies', 'o', 'OPEN', '{GEMEENTE}', 'Gemeente', '{VRV}', 'VRV', 1, 1, '{GEMEENTE}', 'Gemeente')"),
        format!("INSERT INTO actieverzoek_documenten VALUES ('{av}', '{doc}')"),
        // the Bureau's notifications: one about the SV document (written with flag 0, as the
        // attach path used to), one about its samenwerking
        format!("INSERT INTO notificaties VALUES ('3f1c2b1e-0000-7000-8000-0000000000e1', '{BUREAU}', 'Bureau', '{sid}', 'DOCUMENT_TOEGEVOEGD', 't', 't', '{GEMEENTE}', 'Gemeente', 1, '{{}}', '{doc}', 0, 0), ('3f1c2b1e-0000-7000-8000-0000000000e2', '{BUREAU}', 'Bureau', '{sid}', 'UITNODIGING_KETENPARTNER', 't', 't', '{GEMEENTE}', 'Gemeente', 2, '{{}}', NULL, 0, 0)"),
    ];
    let mut audit = Vec::new();
    for (oin, actie, oms, d, flag) in [
        (
            GEMEENTE,
            "samenwerking-gestart",
            "Samenwerking 'Oud' gestart",
            "NULL",
            0,
        ),
        (
            GEMEENTE,
            "document-toegevoegd",
            "Document 'zzgeheim.pdf' (SV) toegevoegd",
            doc,
            1,
        ),
        (
            GEMEENTE,
            "actieverzoek-verstuurd",
            "Actieverzoek 'zzadvies' verstuurd aan VRV",
            "NULL",
            0,
        ),
        // the leak: written with flag 0 by the attach path
        (
            GEMEENTE,
            "document-gekoppeld",
            "Document 'zzgeheim.pdf' gekoppeld aan 'zzadvies'",
            doc,
            0,
        ),
        (
            VRV,
            "bericht-verstuurd",
            "Bericht over 'zzadvies'",
            "NULL",
            0,
        ),
        // its title changed since: cannot be matched, so its author's only
        (
            GEMEENTE,
            "actieverzoek-gewijzigd",
            "Actieverzoek 'zzanders' gewijzigd",
            "NULL",
            0,
        ),
    ] {
        audit.push((oin, actie, oms, (d != "NULL").then_some(d), flag));
    }
    // feed: VRV saw the SV document while it had full access; the Bureau was told one is gone
    // (written now: older ones would be pruned at start-up)
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    sql.push(format!("INSERT INTO gebeurtenissen (oin, soort, samenwerking_id, object_id, tijd) VALUES ('{VRV}', 'DOCUMENT_GEWIJZIGD', '{sid}', '{doc}', {now}), ('{BUREAU}', 'DOCUMENT_VERWIJDERD', '{sid}', '{doc}', {now})"));
    for s in sql {
        sqlx::query(&s).execute(&pool).await.unwrap();
    }
    for (oin, actie, oms, d, flag) in audit {
        sqlx::query(
            "INSERT INTO audit (tijd, oin, organisatie_naam, samenwerking_id, actie, omschrijving, \
             document_id, alleen_volledig) VALUES (1, ?, 'x', ?, ?, ?, ?, ?)",
        )
        .bind(oin)
        .bind(sid)
        .bind(actie)
        .bind(oms)
        .bind(d)
        .bind(flag)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let srv = Server::start_on(dir, &[]).await;
    let lines = |api: Api| async move {
        let r = api
            .get(&format!("/samenwerkingen/{sid}/historie?aantal=100"))
            .await
            .ok();
        let mut v: Vec<String> = r["_embedded"]["historie"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["actie"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        (v, r.to_string())
    };
    let (g, text) = lines(srv.as_org(GEMEENTE)).await;
    assert_eq!(
        g.len(),
        6,
        "the initiator, a party with full access, sees all: {text}"
    );
    let (v, text) = lines(srv.as_org(VRV)).await;
    assert_eq!(
        v,
        [
            "actieverzoek-verstuurd",
            "bericht-verstuurd",
            "samenwerking-gestart"
        ],
        "the downgraded party: its actieverzoek, not the SV document: {text}"
    );
    assert!(!text.contains("zzgeheim"), "{text}");
    let (b, text) = lines(srv.as_org(BUREAU)).await;
    assert_eq!(b, ["samenwerking-gestart"], "{text}");
    let feed = |api: Api| async move {
        api.get("/gebeurtenissen?na=0").await.ok()["gebeurtenissen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["soort"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(
        feed(srv.as_org(VRV)).await.is_empty(),
        "no SV id for the downgraded partner"
    );
    assert_eq!(
        feed(srv.as_org(BUREAU)).await,
        ["DOCUMENT_VERWIJDERD"],
        "the notice that a document is gone stays"
    );
    // migration 0008 counted what was there: the overview's counts equal the lists (D63)
    let bureau = srv.as_org(BUREAU);
    let overview = bureau.get("/samenwerkingen").await.ok();
    assert_eq!(
        overview["_embedded"]["samenwerkingen"][0]["aantalNotificaties"], 1,
        "the limited Bureau sees one of its two notifications: {overview}"
    );
    for oin in [GEMEENTE, VRV, BUREAU] {
        let wrong = srv.as_org(oin).overview_count_mismatches().await;
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // migrations 0010 and 0011 and the start-up rendering (D80, D81): each membership
        // carries the samenwerking's rendered part, and the overview's row is the resource
        let api = srv.as_org(oin);
        let overview = api.get("/samenwerkingen").await.ok();
        let one = api.get(&format!("/samenwerkingen/{sid}")).await.ok();
        assert_eq!(overview["_embedded"]["samenwerkingen"][0], one, "{oin}");
    }
    let without = srv
        .sql_i64(
            "SELECT COUNT(*) FROM deelnemers WHERE samenwerking_weergave IS NULL \
             OR samenwerking_status IS NULL",
            &[],
        )
        .await;
    assert_eq!(without, 0, "every membership has its copy");
}
