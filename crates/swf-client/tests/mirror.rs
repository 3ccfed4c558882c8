//! The local mirror on real SQLite files in temp folders: every op, idempotency, purges with
//! their cached files, the overview, read marks and local state across ClearAll and a rebuilt
//! cache, corruption and newer-app handling, and the cursor committing together with the rows.
use std::path::Path;

use serde_json::json;
use swf_client::mirror::*;
use swf_client::ErrorCode;
use swf_domain::{Actieverzoek, Bericht, Deelnemer, Document, Notificatie, Oin, Samenwerking};
use uuid::Uuid;

const IK: &str = "00000001002220647000"; // Gemeente Oefenstad: the signed-in organisation
const VRV: &str = "00000001812579446000";
const BUREAU: &str = "00000003123456780000";
const WATERSCHAP: &str = "00000001999999999000";

fn naam(oin: &str) -> &'static str {
    match oin {
        IK => "Gemeente Oefenstad",
        VRV => "Veiligheidsregio Oefenland",
        BUREAU => "Adviesbureau Bouwfysica",
        WATERSCHAP => "Wetterskip Fryslân",
        _ => "Onbekend",
    }
}

/// 2026-11-01T10:00Z plus `min` minutes.
fn t(min: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z").unwrap();
    (base + chrono::Duration::minutes(min))
        .with_timezone(&chrono::Utc)
        .to_rfc3339()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn samenwerking(sid: &str, titel: &str, vn: Option<&str>, status: &str, min: i64) -> Samenwerking {
    serde_json::from_value(json!({
        "samenwerkingId": sid, "verzoeknummer": vn, "titel": titel, "taal": "NL",
        "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "samenwerkDoel": "BEHANDELEN",
        "status": {"status": status},
        "aangemaaktDoor": IK, "aangemaaktDoorNaam": naam(IK), "creatieDatumTijd": t(0),
        "eindDatumTijd": t(60 * 24 * 365), "laatstAangepastDoor": IK,
        "laatstAangepastDoorNaam": naam(IK), "laatstAangepastDatumTijd": t(min),
        "aantalActieverzoeken": 0, "aantalNotificaties": 0, "mijnRol": "INITIATOR", "_links": {}
    }))
    .unwrap()
}

fn deelnemer(sid: &str, oin: &str, rol: &str) -> Deelnemer {
    serde_json::from_value(json!({
        "oin": oin, "naam": naam(oin), "rol": rol, "privilege": "VOLLEDIGE_TOEGANG",
        "samenwerkingId": sid, "toegevoegdDatumTijd": t(0), "_links": {}
    }))
    .unwrap()
}

/// Me as initiator plus the partners as ketenpartners.
fn deelnemers(sid: &str, partners: &[&str]) -> MirrorOp {
    let mut list = vec![deelnemer(sid, IK, "INITIATOR")];
    list.extend(partners.iter().map(|p| deelnemer(sid, p, "KETENPARTNER")));
    MirrorOp::ReplaceDeelnemers {
        samenwerking_id: sid.into(),
        deelnemers: list,
    }
}

fn document(n: u128, sid: &str, hash: &str, min: i64) -> Document {
    serde_json::from_value(json!({
        "documentId": id(n), "bestandsNaam": format!("doc-{n}.pdf"), "samenwerkingId": sid,
        "aangemaaktDoor": IK, "aangemaaktDoorNaam": naam(IK), "creatieDatumTijd": t(0),
        "laatstAangepastDoor": IK, "laatstAangepastDoorNaam": naam(IK),
        "laatstAangepastDatumTijd": t(min), "documentOmschrijving": "tekening",
        "vertrouwelijkheidsAanduiding": "RV", "formaat": "application/pdf",
        "documentHash": hash, "grootte": 4, "_links": {}
    }))
    .unwrap()
}

fn actieverzoek(
    n: u128,
    sid: &str,
    zender: &str,
    ontvanger: &str,
    status: &str,
    min: i64,
) -> Actieverzoek {
    serde_json::from_value(json!({
        "actieverzoekId": id(n), "samenwerkingId": sid, "titel": format!("verzoek {n}"),
        "omschrijving": "graag advies", "status": status, "zender": zender,
        "zenderNaam": naam(zender), "ontvanger": ontvanger, "ontvangerNaam": naam(ontvanger),
        "creatieDatumTijd": t(0), "laatstAangepastDatumTijd": t(min),
        "laatstAangepastDoor": zender, "laatstAangepastDoorNaam": naam(zender),
        "aantalBerichten": 0, "documenten": [], "versie": 1, "_links": {}
    }))
    .unwrap()
}

fn bericht(n: u128, a: &Actieverzoek, inhoud: &str, min: i64) -> Bericht {
    serde_json::from_value(json!({
        "berichtId": id(n), "actieverzoekId": a.actieverzoek_id, "samenwerkingId": a.samenwerking_id,
        "creatieDatumTijd": t(min), "inhoud": inhoud, "zender": a.zender, "zenderNaam": a.zender_naam,
        "ontvanger": a.ontvanger, "ontvangerNaam": a.ontvanger_naam, "_links": {}
    }))
    .unwrap()
}

fn notificatie(n: u128, sid: &str, min: i64) -> Notificatie {
    serde_json::from_value(json!({
        "notificatieId": id(n), "notificatieType": "NIEUW_BERICHT", "samenwerkingId": sid,
        "samenwerkVorm": "SAMENWERKEN_AAN_BEHANDELEN", "notificatieTitel": "Nieuw bericht",
        "notificatieTekst": "er is een bericht", "eventInitiator": VRV,
        "eventInitiatorNaam": naam(VRV), "deelnemer": IK, "deelnemerNaam": naam(IK),
        "eventDatumTijd": t(min), "properties": {}, "_links": {}
    }))
    .unwrap()
}

fn batch(ops: Vec<MirrorOp>) -> Batch {
    Batch {
        ops,
        ..Default::default()
    }
}

fn account() -> Account {
    Account {
        service_url: "https://swf.example.nl/".into(),
        gebruikersnaam: Some("vergunningverlener".into()),
        naam: Some("Vera Vergunningverlener".into()),
        oin: Oin::parse(IK).unwrap(),
        organisatie_naam: naam(IK).into(),
        remember: true,
    }
}

async fn open(dir: &Path) -> Mirror {
    let (m, report) = Mirror::open(dir).await.unwrap();
    assert!(
        !report.mirror_rebuilt && !report.local_rebuilt,
        "{report:?}"
    );
    m
}

fn ids<T: ToString>(v: &[T]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

fn mijn_filter() -> OverviewFilter {
    OverviewFilter {
        mijn_oin: Some(Oin::parse(IK).unwrap()),
        ..Default::default()
    }
}

/// Raw connection to one of the files, to damage or inspect it as a test.
async fn raw(path: &Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    sqlx::SqliteConnection::connect_with(&sqlx::sqlite::SqliteConnectOptions::new().filename(path))
        .await
        .unwrap()
}

#[tokio::test]
async fn fresh_mirror_is_empty_and_clone_shares_it() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    assert_eq!(m.stats().await.unwrap(), MirrorStats::default());
    assert_eq!(m.sync_state().await.unwrap(), SyncState::default());
    assert!(dir.path().join("mirror.sqlite").exists());
    assert!(dir.path().join("local.sqlite").exists());
    assert!(dir.path().join("documenten").is_dir());
    let c = m.clone();
    c.apply(&batch(vec![MirrorOp::UpsertSamenwerking(Box::new(
        samenwerking("s1", "Een", None, "OPEN", 1),
    ))]))
    .await
    .unwrap();
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 1);
}

#[tokio::test]
async fn upsert_samenwerking_is_idempotent_and_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let s = samenwerking("s1", "Aanbouw", Some("OLO-1"), "OPEN", 5);
    let op = batch(vec![MirrorOp::UpsertSamenwerking(Box::new(s.clone()))]);
    let first = m.apply(&op).await.unwrap();
    assert_eq!(first.ids(ChangeKind::Samenwerking), ["s1"]);
    let second = m.apply(&op).await.unwrap();
    assert!(second.is_empty(), "replay changed something: {second:?}");
    assert_eq!(m.samenwerking("s1").await.unwrap().unwrap().samenwerking, s);

    let mut s2 = s.clone();
    s2.titel = "Aanbouw achterzijde".into();
    let third = m
        .apply(&batch(vec![MirrorOp::UpsertSamenwerking(Box::new(
            s2.clone(),
        ))]))
        .await
        .unwrap();
    assert_eq!(third.ids(ChangeKind::Samenwerking), ["s1"]);
    let detail = m.samenwerking("s1").await.unwrap().unwrap();
    assert_eq!(detail.samenwerking.titel, "Aanbouw achterzijde");
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 1);
    assert!(m.samenwerking("nope").await.unwrap().is_none());
}

#[tokio::test]
async fn changed_serialises_for_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let changed = m
        .apply(&batch(vec![
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s2", "B", None, "OPEN", 1))),
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 1))),
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 1))),
        ]))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&changed).unwrap(),
        json!({"changes": [{"kind": "samenwerking", "ids": ["s1", "s2"]}]})
    );
}

#[tokio::test]
async fn replace_deelnemers_removes_the_missing_and_feeds_partner_names() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.set_account(&account()).await.unwrap();
    let c = m
        .apply(&batch(vec![
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 1))),
            deelnemers("s1", &[VRV, BUREAU]),
        ]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Deelnemers), ["s1"]);
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(
        page.items[0].partners,
        ["Adviesbureau Bouwfysica", "Veiligheidsregio Oefenland"]
    );
    // the same list again: nothing
    assert!(m
        .apply(&batch(vec![deelnemers("s1", &[VRV, BUREAU])]))
        .await
        .unwrap()
        .is_empty());
    // BUREAU left
    let c = m
        .apply(&batch(vec![deelnemers("s1", &[VRV])]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Deelnemers), ["s1"]);
    assert_eq!(
        c.ids(ChangeKind::Samenwerking),
        ["s1"],
        "overview line changed"
    );
    let detail = m.samenwerking("s1").await.unwrap().unwrap();
    let oins: Vec<&str> = detail.deelnemers.iter().map(|d| d.oin.as_str()).collect();
    assert_eq!(oins, [IK, VRV], "initiator first");
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(page.items[0].partners, ["Veiligheidsregio Oefenland"]);
    assert_eq!(m.stats().await.unwrap().deelnemers, 2);

    // a deelnemer of another samenwerking in the list is a bug of the caller
    let err = m
        .apply(&batch(vec![MirrorOp::ReplaceDeelnemers {
            samenwerking_id: "s1".into(),
            deelnemers: vec![deelnemer("s2", VRV, "KETENPARTNER")],
        }]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal);
    assert_eq!(m.stats().await.unwrap().deelnemers, 2);
}

#[tokio::test]
async fn documents_upsert_replace_delete_with_their_cached_files() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let (d1, d2, d3) = (
        document(1, "s1", "aa", 1),
        document(2, "s1", "bb", 2),
        document(3, "s1", "cc", 3),
    );
    let c = m
        .apply(&batch(vec![
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 0))),
            MirrorOp::UpsertDocument(Box::new(d1.clone())),
            MirrorOp::UpsertDocument(Box::new(d2.clone())),
            MirrorOp::UpsertDocument(Box::new(d3.clone())),
        ]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Document), ids(&[id(1), id(2), id(3)]));
    assert!(m
        .apply(&batch(vec![MirrorOp::UpsertDocument(Box::new(d1.clone()))]))
        .await
        .unwrap()
        .is_empty());

    // cache the bytes of all three
    for (n, hash) in [(1, "aa"), (2, "bb"), (3, "cc")] {
        std::fs::write(m.document_cache_path(id(n)), b"data").unwrap();
        m.record_cached_document(id(n), hash, 4).await.unwrap();
    }
    let cached = m.cached_document(id(1)).await.unwrap().unwrap();
    assert_eq!((cached.sha256.as_str(), cached.size), ("aa", 4));
    assert_eq!(
        cached.path,
        dir.path().join("documenten").join(id(1).to_string())
    );
    assert!(m.document(id(1)).await.unwrap().unwrap().cached);
    let detail = m.samenwerking("s1").await.unwrap().unwrap();
    let order: Vec<Uuid> = detail
        .documenten
        .iter()
        .map(|d| d.document.document_id)
        .collect();
    assert_eq!(order, [id(3), id(2), id(1)], "most recently changed first");
    assert!(detail.documenten.iter().all(|d| d.cached));

    // a document not in the mirror cannot be recorded
    let err = m.record_cached_document(id(99), "ff", 1).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    // new bytes (other hash): the cached file is stale and goes
    let mut d3b = d3.clone();
    d3b.document_hash = "cd".into();
    m.apply(&batch(vec![MirrorOp::UpsertDocument(Box::new(d3b))]))
        .await
        .unwrap();
    assert!(!m.document(id(3)).await.unwrap().unwrap().cached);
    assert!(!m.document_cache_path(id(3)).exists());

    // replace with [d1]: d2 goes, with its file
    let c = m
        .apply(&batch(vec![MirrorOp::ReplaceDocumenten {
            samenwerking_id: "s1".into(),
            documenten: vec![d1.clone()],
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Document), ids(&[id(2), id(3)]));
    assert!(m.document(id(2)).await.unwrap().is_none());
    assert!(!m.document_cache_path(id(2)).exists());
    assert!(m.document_cache_path(id(1)).exists());
    assert_eq!(m.stats().await.unwrap().documenten, 1);

    // delete d1 with its file; deleting again reports nothing
    let c = m
        .apply(&batch(vec![MirrorOp::DeleteDocument {
            document_id: id(1).to_string().to_uppercase(),
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Document), ids(&[id(1)]));
    assert!(!m.document_cache_path(id(1)).exists());
    assert!(m.cached_document(id(1)).await.unwrap().is_none());
    assert!(m
        .apply(&batch(vec![MirrorOp::DeleteDocument {
            document_id: id(1).to_string()
        }]))
        .await
        .unwrap()
        .is_empty());
    let s = m.stats().await.unwrap();
    assert_eq!((s.documenten, s.gecachte_documenten), (0, 0));
}

#[tokio::test]
async fn cached_row_without_its_file_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.apply(&batch(vec![MirrorOp::UpsertDocument(Box::new(document(
        1, "s1", "aa", 1,
    )))]))
    .await
    .unwrap();
    m.record_cached_document(id(1), "AA", 4).await.unwrap();
    assert!(m.cached_document(id(1)).await.unwrap().is_none(), "no file");
    assert_eq!(m.stats().await.unwrap().gecachte_documenten, 0);
}

#[tokio::test]
async fn actieverzoeken_with_berichten() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let a1 = actieverzoek(1, "s1", VRV, IK, "OPEN", 1);
    let a2 = actieverzoek(2, "s1", IK, VRV, "OPEN", 2);
    let b1 = bericht(11, &a1, "eerste", 1);
    let b2 = bericht(12, &a1, "tweede", 2);
    let op = MirrorOp::UpsertActieverzoek {
        actieverzoek: Box::new(a1.clone()),
        berichten: Some(vec![b2.clone(), b1.clone()]),
    };
    let c = m
        .apply(&batch(vec![
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 0))),
            op.clone(),
            MirrorOp::UpsertActieverzoek {
                actieverzoek: Box::new(a2.clone()),
                berichten: None,
            },
        ]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Actieverzoek), ids(&[id(1), id(2)]));
    assert!(
        m.apply(&batch(vec![op])).await.unwrap().is_empty(),
        "idempotent"
    );
    let item = m.actieverzoek(id(1)).await.unwrap().unwrap();
    assert_eq!(item.actieverzoek, a1);
    assert_eq!(item.berichten, [b1.clone(), b2.clone()], "oldest first");

    // a status change without berichten keeps them
    let mut a1b = a1.clone();
    a1b.status = swf_domain::ActieverzoekStatus::InBehandeling;
    a1b.versie = 2;
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(a1b.clone()),
            berichten: None,
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Actieverzoek), ids(&[id(1)]));
    let item = m.actieverzoek(id(1)).await.unwrap().unwrap();
    assert_eq!(item.actieverzoek.versie, 2);
    assert_eq!(item.berichten.len(), 2);

    // Some(list) replaces the berichten
    let b3 = bericht(13, &a1, "derde", 3);
    m.apply(&batch(vec![MirrorOp::UpsertActieverzoek {
        actieverzoek: Box::new(a1b.clone()),
        berichten: Some(vec![b1.clone(), b3.clone()]),
    }]))
    .await
    .unwrap();
    assert_eq!(
        m.actieverzoek(id(1)).await.unwrap().unwrap().berichten,
        [b1, b3]
    );

    // a bericht of another actieverzoek is refused, nothing written
    let err = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(a2.clone()),
            berichten: Some(vec![bericht(14, &a1, "verdwaald", 4)]),
        }]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal);

    // ReplaceActieverzoeken [a2]: a1 goes with its berichten; a2's stored berichten stay
    let b4 = bericht(15, &a2, "bij a2", 4);
    m.apply(&batch(vec![MirrorOp::UpsertActieverzoek {
        actieverzoek: Box::new(a2.clone()),
        berichten: Some(vec![b4.clone()]),
    }]))
    .await
    .unwrap();
    let c = m
        .apply(&batch(vec![MirrorOp::ReplaceActieverzoeken {
            samenwerking_id: "s1".into(),
            actieverzoeken: vec![a2.clone()],
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Actieverzoek), ids(&[id(1)]));
    assert!(m.actieverzoek(id(1)).await.unwrap().is_none());
    assert_eq!(
        m.actieverzoek(id(2)).await.unwrap().unwrap().berichten,
        [b4]
    );
    let s = m.stats().await.unwrap();
    assert_eq!((s.actieverzoeken, s.berichten), (1, 1));
    let detail = m.samenwerking("s1").await.unwrap().unwrap();
    assert_eq!(detail.actieverzoeken.len(), 1);
    assert_eq!(detail.actieverzoeken[0].berichten.len(), 1);
}

#[tokio::test]
async fn notificaties_upsert_delete_replace() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let c = m
        .apply(&batch(vec![
            MirrorOp::UpsertNotificatie(Box::new(notificatie(1, "s1", 1))),
            MirrorOp::UpsertNotificatie(Box::new(notificatie(2, "s1", 2))),
            MirrorOp::UpsertNotificatie(Box::new(notificatie(3, "s2", 3))),
            MirrorOp::UpsertNotificatie(Box::new(notificatie(4, "s2", 4))),
        ]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Notificatie).len(), 4);
    assert!(m
        .apply(&batch(vec![MirrorOp::UpsertNotificatie(Box::new(
            notificatie(1, "s1", 1)
        ))]))
        .await
        .unwrap()
        .is_empty());

    let c = m
        .apply(&batch(vec![MirrorOp::DeleteNotificatie {
            notificatie_id: id(1).to_string(),
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Notificatie), ids(&[id(1)]));
    assert_eq!(m.stats().await.unwrap().notificaties, 3);

    // replace of s2 with [4, 5]: 3 goes, s1's stay
    let c = m
        .apply(&batch(vec![MirrorOp::ReplaceNotificaties {
            samenwerking_id: Some("s2".into()),
            notificaties: vec![notificatie(4, "s2", 4), notificatie(5, "s2", 5)],
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Notificatie), ids(&[id(3), id(5)]));
    let all = m.notificaties(&NotificatieFilter::default()).await.unwrap();
    let got: Vec<Uuid> = all
        .items
        .iter()
        .map(|n| n.notificatie.notificatie_id)
        .collect();
    assert_eq!(
        got,
        [id(5), id(4), id(2)],
        "newest first, across samenwerkingen"
    );

    // replace of all with [2]
    m.apply(&batch(vec![MirrorOp::ReplaceNotificaties {
        samenwerking_id: None,
        notificaties: vec![notificatie(2, "s1", 2)],
    }]))
    .await
    .unwrap();
    let all = m.notificaties(&NotificatieFilter::default()).await.unwrap();
    assert_eq!(all.total, 1);
    assert_eq!(all.items[0].notificatie.notificatie_id, id(2));
}

#[tokio::test]
async fn notificaties_filter_and_read_marks() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.set_account(&account()).await.unwrap();
    let mut ops = vec![
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 0))),
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s2", "B", None, "OPEN", 0))),
    ];
    for n in 1..=6 {
        let sid = if n % 2 == 0 { "s2" } else { "s1" };
        ops.push(MirrorOp::UpsertNotificatie(Box::new(notificatie(
            n, sid, n as i64,
        ))));
    }
    m.apply(&batch(ops)).await.unwrap();

    let c = m.mark_gelezen(&[id(6), id(4)]).await.unwrap();
    assert_eq!(c.ids(ChangeKind::Notificatie), ids(&[id(4), id(6)]));
    assert_eq!(c.ids(ChangeKind::Samenwerking), ["s2"]);
    assert!(
        m.mark_gelezen(&[id(6)]).await.unwrap().is_empty(),
        "already read"
    );

    let unread = m
        .notificaties(&NotificatieFilter {
            alleen_ongelezen: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let got: Vec<Uuid> = unread
        .items
        .iter()
        .map(|n| n.notificatie.notificatie_id)
        .collect();
    assert_eq!(got, [id(5), id(3), id(2), id(1)]);
    assert_eq!(unread.total, 4);

    let s2 = m
        .notificaties(&NotificatieFilter {
            samenwerking_id: Some("s2".into()),
            limit: 2,
            offset: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(s2.total, 3);
    let got: Vec<(Uuid, bool)> = s2
        .items
        .iter()
        .map(|n| (n.notificatie.notificatie_id, n.gelezen))
        .collect();
    assert_eq!(got, [(id(4), true), (id(2), false)]);

    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    let unread: Vec<(String, u32)> = page
        .items
        .iter()
        .map(|i| (i.samenwerking_id.clone(), i.ongelezen_notificaties))
        .collect();
    assert_eq!(unread, [("s2".to_string(), 1), ("s1".to_string(), 3)]);
    let detail = m.samenwerking("s2").await.unwrap().unwrap();
    let gelezen: Vec<bool> = detail.notificaties.iter().map(|n| n.gelezen).collect();
    assert_eq!(gelezen, [true, true, false]);
}

#[tokio::test]
async fn purge_removes_rows_and_files_of_that_samenwerking_only() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let seed = |sid: &'static str, base: u128| {
        let a = actieverzoek(base + 1, sid, VRV, IK, "OPEN", 1);
        vec![
            MirrorOp::UpsertSamenwerking(Box::new(samenwerking(sid, sid, None, "OPEN", 0))),
            deelnemers(sid, &[VRV]),
            MirrorOp::UpsertDocument(Box::new(document(base + 2, sid, "aa", 1))),
            MirrorOp::UpsertActieverzoek {
                berichten: Some(vec![bericht(base + 3, &a, "hoi", 1)]),
                actieverzoek: Box::new(a),
            },
            MirrorOp::UpsertNotificatie(Box::new(notificatie(base + 4, sid, 1))),
        ]
    };
    let mut ops = seed("s1", 100);
    ops.extend(seed("s2", 200));
    m.apply(&batch(ops)).await.unwrap();
    for n in [102, 202] {
        std::fs::write(m.document_cache_path(id(n)), b"data").unwrap();
        m.record_cached_document(id(n), "aa", 4).await.unwrap();
    }
    m.set_offline_beschikbaar("s1", true).await.unwrap();
    m.mark_gelezen(&[id(104)]).await.unwrap();

    let c = m
        .apply(&batch(vec![MirrorOp::PurgeSamenwerking {
            samenwerking_id: "s1".into(),
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::SamenwerkingVerwijderd), ["s1"]);
    assert!(m.samenwerking("s1").await.unwrap().is_none());
    assert!(m.actieverzoek(id(101)).await.unwrap().is_none());
    assert!(m.document(id(102)).await.unwrap().is_none());
    assert!(!m.document_cache_path(id(102)).exists());
    assert!(m.document_cache_path(id(202)).exists());
    let s = m.stats().await.unwrap();
    assert_eq!(
        (
            s.samenwerkingen,
            s.deelnemers,
            s.documenten,
            s.gecachte_documenten
        ),
        (1, 2, 1, 1)
    );
    assert_eq!((s.actieverzoeken, s.berichten, s.notificaties), (1, 1, 1));
    assert_eq!(s.gelezen, 1, "read marks are local state");
    assert!(m
        .apply(&batch(vec![MirrorOp::PurgeSamenwerking {
            samenwerking_id: "s1".into()
        }]))
        .await
        .unwrap()
        .is_empty());

    // a tombstone (status VERWIJDERD) is a purge too
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertSamenwerking(Box::new(
            samenwerking("s2", "s2", None, "VERWIJDERD", 9),
        ))]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::SamenwerkingVerwijderd), ["s2"]);
    assert!(!m.document_cache_path(id(202)).exists());
    let s = m.stats().await.unwrap();
    assert_eq!(
        (
            s.samenwerkingen,
            s.documenten,
            s.actieverzoeken,
            s.berichten,
            s.notificaties
        ),
        (0, 0, 0, 0, 0)
    );
}

#[tokio::test]
async fn retain_purges_the_unlisted_and_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.apply(&batch(vec![
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s1", "A", None, "OPEN", 0))),
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s2", "B", None, "OPEN", 0))),
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s3", "C", None, "OPEN", 0))),
        MirrorOp::UpsertDocument(Box::new(document(2, "s2", "aa", 1))),
        // an orphan: its samenwerking never arrived
        MirrorOp::UpsertNotificatie(Box::new(notificatie(9, "s9", 1))),
    ]))
    .await
    .unwrap();
    std::fs::write(m.document_cache_path(id(2)), b"data").unwrap();
    m.record_cached_document(id(2), "aa", 4).await.unwrap();
    let c = m
        .apply(&batch(vec![MirrorOp::RetainSamenwerkingen {
            ids: vec!["s1".into(), "s3".into()],
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::SamenwerkingVerwijderd), ["s2", "s9"]);
    assert!(!m.document_cache_path(id(2)).exists());
    let s = m.stats().await.unwrap();
    assert_eq!((s.samenwerkingen, s.documenten, s.notificaties), (2, 0, 0));
}

#[tokio::test]
async fn orphan_children_count_once_their_samenwerking_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.set_account(&account()).await.unwrap();
    m.apply(&batch(vec![MirrorOp::UpsertActieverzoek {
        actieverzoek: Box::new(actieverzoek(1, "s1", VRV, IK, "OPEN", 1)),
        berichten: None,
    }]))
    .await
    .unwrap();
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertSamenwerking(Box::new(
            samenwerking("s1", "A", None, "OPEN", 0),
        ))]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Samenwerking), ["s1"]);
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(page.items[0].open_inkomend, 1);
}

/// Five samenwerkingen, each in a different situation, for the overview tests.
async fn seed_overview(m: &Mirror) {
    let ops = vec![
        // a: old, but an actieverzoek to me is open: first
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "a",
            "Aanbouw Dorpsstraat 1",
            Some("OLO-123456"),
            "OPEN",
            10,
        ))),
        deelnemers("a", &[VRV]),
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "IN_BEHANDELING", 11)),
            berichten: None,
        },
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(2, "a", VRV, IK, "GEREED", 12)),
            berichten: None,
        },
        // b: an unread notificatie: second
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "b",
            "Brandveiligheid school",
            None,
            "INITIALISATIE",
            20,
        ))),
        deelnemers("b", &[BUREAU]),
        MirrorOp::UpsertNotificatie(Box::new(notificatie(3, "b", 21))),
        // c: most recent activity (a document), nothing asked
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "c",
            "Dijkversterking",
            None,
            "OPEN",
            30,
        ))),
        deelnemers("c", &[WATERSCHAP, VRV]),
        MirrorOp::UpsertDocument(Box::new(document(4, "c", "aa", 90))),
        // d: I asked something (outgoing), older than c
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "d",
            "Sloop loods",
            Some("OLO-777"),
            "OPEN",
            40,
        ))),
        deelnemers("d", &[BUREAU]),
        MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(5, "d", IK, BUREAU, "OPEN", 41)),
            berichten: None,
        },
        // e: closed
        MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "e",
            "Gesloten dossier",
            None,
            "GESLOTEN",
            5,
        ))),
        deelnemers("e", &[VRV]),
    ];
    m.apply(&batch(ops)).await.unwrap();
}

fn line(items: &[OverviewItem]) -> Vec<&str> {
    items.iter().map(|i| i.samenwerking_id.as_str()).collect()
}

#[tokio::test]
async fn overview_counts_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await;
    let page = m.overview(&mijn_filter()).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(line(&page.items), ["a", "b", "c", "d", "e"]);
    let a = &page.items[0];
    assert_eq!(
        (a.open_inkomend, a.open_uitgaand, a.ongelezen_notificaties),
        (1, 0, 0)
    );
    assert_eq!(a.verzoeknummer.as_deref(), Some("OLO-123456"));
    assert_eq!(a.mijn_rol, Some(swf_domain::Rol::Initiator));
    assert_eq!(a.laatste_activiteit.to_rfc3339(), t(12));
    assert_eq!(a.laatst_aangepast.to_rfc3339(), t(10));
    assert_eq!(page.items[1].ongelezen_notificaties, 1);
    assert_eq!(
        page.items[2].partners,
        ["Veiligheidsregio Oefenland", "Wetterskip Fryslân"]
    );
    assert_eq!(page.items[2].laatste_activiteit.to_rfc3339(), t(90));
    let d = &page.items[3];
    assert_eq!((d.open_inkomend, d.open_uitgaand), (0, 1));

    // paging
    let p = m
        .overview(&OverviewFilter {
            limit: 2,
            offset: 2,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!((line(&p.items), p.total), (vec!["c", "d"], 5));

    // status filter
    let open = m
        .overview(&OverviewFilter {
            status: StatusFilter::Open,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!(
        (line(&open.items), open.total),
        (vec!["a", "b", "c", "d"], 4)
    );
    let closed = m
        .overview(&OverviewFilter {
            status: StatusFilter::Gesloten,
            ..mijn_filter()
        })
        .await
        .unwrap();
    assert_eq!(line(&closed.items), ["e"]);

    // reading b's notificatie moves it down; a's request done moves a down
    m.mark_gelezen(&[id(3)]).await.unwrap();
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "GEREEDGEMELD", 12)),
            berichten: None,
        }]))
        .await
        .unwrap();
    assert!(
        c.ids(ChangeKind::Samenwerking).is_empty(),
        "GEREEDGEMELD is still active"
    );
    let c = m
        .apply(&batch(vec![MirrorOp::UpsertActieverzoek {
            actieverzoek: Box::new(actieverzoek(1, "a", VRV, IK, "GEREED", 14)),
            berichten: None,
        }]))
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Samenwerking), ["a"]);
    let page = m.overview(&mijn_filter()).await.unwrap();
    assert_eq!(line(&page.items), ["c", "d", "b", "a", "e"]);
}

#[tokio::test]
async fn overview_search_by_titel_verzoeknummer_and_partner() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await;
    let zoek = |z: &str| OverviewFilter {
        zoek: Some(z.into()),
        ..mijn_filter()
    };
    for (z, want) in [
        ("dorpsSTRAAT", vec!["a"]),
        ("olo-12", vec!["a"]),
        ("OLO", vec!["a", "d"]),
        ("veiligheidsregio", vec!["a", "c", "e"]),
        ("FRYSLÂN", vec!["c"]), // non-ASCII case folding
        (BUREAU, vec!["b", "d"]),
        ("  sloop ", vec!["d"]),
        ("Gemeente Oefenstad", vec![]), // me, not a partner
        ("100%_", vec![]),
        ("", vec!["a", "b", "c", "d", "e"]),
    ] {
        let page = m.overview(&zoek(z)).await.unwrap();
        assert_eq!(line(&page.items), want, "zoek {z:?}");
        assert_eq!(page.total, want.len() as u64);
    }
    let open_vrv = m
        .overview(&OverviewFilter {
            status: StatusFilter::Open,
            ..zoek("veiligheidsregio")
        })
        .await
        .unwrap();
    assert_eq!(line(&open_vrv.items), ["a", "c"]);
}

#[tokio::test]
async fn overview_takes_the_point_of_view_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await; // no account yet: counters without a point of view
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert!(page.items.iter().all(|i| i.open_inkomend == 0));
    // the account appears: its OIN is used
    m.set_account(&account()).await.unwrap();
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(line(&page.items)[0], "a");
    assert_eq!(page.items[0].open_inkomend, 1);
    // as VRV: a's requests are outgoing, and VRV is not its own partner
    let vrv = m
        .overview(&OverviewFilter {
            mijn_oin: Some(Oin::parse(VRV).unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    let a = vrv.items.iter().find(|i| i.samenwerking_id == "a").unwrap();
    assert_eq!((a.open_inkomend, a.open_uitgaand), (0, 1));
    assert_eq!(a.partners, ["Gemeente Oefenstad"]);
}

#[tokio::test]
async fn sync_state_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-02T08:30:00.123456Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    m.apply(&Batch {
        ops: vec![],
        cursor: Some(41),
        full_sync: FullSyncUpdate::Set(json!({"fase": "documenten", "klaar": ["s1"]})),
        synced_at: Some(at),
        account_key: Some("https://swf.example.nl/|00000001002220647000".into()),
    })
    .await
    .unwrap();
    let keep = Batch {
        cursor: Some(42),
        ..Default::default()
    };
    m.apply(&keep).await.unwrap();
    let s = m.sync_state().await.unwrap();
    assert_eq!(s.cursor, Some(42));
    assert_eq!(
        s.full_sync,
        Some(json!({"fase": "documenten", "klaar": ["s1"]}))
    );
    assert_eq!(s.last_synced_at, Some(at));
    assert_eq!(
        s.account_key.as_deref(),
        Some("https://swf.example.nl/|00000001002220647000")
    );
    m.apply(&Batch {
        full_sync: FullSyncUpdate::Clear,
        ..Default::default()
    })
    .await
    .unwrap();
    assert_eq!(m.sync_state().await.unwrap().full_sync, None);
    // survives a reopen
    m.close().await;
    let m = open(dir.path()).await;
    assert_eq!(m.sync_state().await.unwrap().cursor, Some(42));
}

#[tokio::test]
async fn failing_op_leaves_neither_rows_nor_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.apply(&Batch {
        ops: vec![MirrorOp::UpsertSamenwerking(Box::new(samenwerking(
            "s1", "A", None, "OPEN", 0,
        )))],
        cursor: Some(10),
        ..Default::default()
    })
    .await
    .unwrap();
    m.close().await;
    // a constraint that refuses one notificatie
    {
        use sqlx::Connection;
        let mut c = raw(&dir.path().join("mirror.sqlite")).await;
        sqlx::query(&format!(
            "CREATE TRIGGER weiger BEFORE INSERT ON notificaties WHEN NEW.id = '{}' \
             BEGIN SELECT RAISE(ABORT, 'geweigerd door de test'); END",
            id(66)
        ))
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let m = open(dir.path()).await;
    std::fs::write(m.document_cache_path(id(5)), b"data").unwrap();
    let before = m.stats().await.unwrap();
    let err = m
        .apply(&Batch {
            ops: vec![
                MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s2", "B", None, "OPEN", 0))),
                MirrorOp::PurgeSamenwerking {
                    samenwerking_id: "s1".into(),
                },
                MirrorOp::UpsertDocument(Box::new(document(5, "s2", "aa", 1))),
                MirrorOp::UpsertNotificatie(Box::new(notificatie(66, "s2", 1))),
            ],
            cursor: Some(11),
            full_sync: FullSyncUpdate::Set(json!({"x": 1})),
            synced_at: Some(chrono::Utc::now()),
            account_key: Some("ander".into()),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("geweigerd door de test"), "{err}");
    assert_eq!(m.stats().await.unwrap(), before);
    assert!(m.samenwerking("s1").await.unwrap().is_some());
    assert!(m.samenwerking("s2").await.unwrap().is_none());
    let s = m.sync_state().await.unwrap();
    assert_eq!(
        (s.cursor, s.full_sync, s.account_key),
        (Some(10), None, None)
    );
    assert_eq!(s.last_synced_at, None);

    // a caller's inconsistency fails the same way
    let err = m
        .apply(&Batch {
            ops: vec![
                MirrorOp::UpsertSamenwerking(Box::new(samenwerking("s2", "B", None, "OPEN", 0))),
                MirrorOp::ReplaceDocumenten {
                    samenwerking_id: "s2".into(),
                    documenten: vec![document(5, "s1", "aa", 1)],
                },
            ],
            cursor: Some(12),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal);
    assert_eq!(m.sync_state().await.unwrap().cursor, Some(10));
    assert_eq!(m.stats().await.unwrap(), before);
}

#[tokio::test]
async fn clear_all_drops_cache_but_keeps_local_state() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.set_account(&account()).await.unwrap();
    m.set_setting("thema", "donker").await.unwrap();
    seed_overview(&m).await;
    std::fs::write(m.document_cache_path(id(4)), b"data").unwrap();
    m.record_cached_document(id(4), "aa", 4).await.unwrap();
    m.mark_gelezen(&[id(3)]).await.unwrap();
    m.apply(&Batch {
        cursor: Some(7),
        full_sync: FullSyncUpdate::Set(json!({"p": 1})),
        synced_at: Some(chrono::Utc::now()),
        account_key: Some("k".into()),
        ..Default::default()
    })
    .await
    .unwrap();

    let c = m.apply(&batch(vec![MirrorOp::ClearAll])).await.unwrap();
    assert_eq!(
        c.ids(ChangeKind::SamenwerkingVerwijderd),
        ["a", "b", "c", "d", "e"]
    );
    let s = m.stats().await.unwrap();
    assert_eq!(MirrorStats { gelezen: 0, ..s }, MirrorStats::default());
    assert_eq!(s.gelezen, 1);
    assert_eq!(m.sync_state().await.unwrap(), SyncState::default());
    assert!(!m.document_cache_path(id(4)).exists());
    assert_eq!(m.account().await.unwrap(), Some(account()));
    assert_eq!(m.setting("thema").await.unwrap().as_deref(), Some("donker"));

    // the resync brings the notificatie back: it is still read
    seed_overview(&m).await;
    let b = m.samenwerking("b").await.unwrap().unwrap();
    assert!(b.notificaties[0].gelezen);
    let page = m.overview(&OverviewFilter::default()).await.unwrap();
    assert_eq!(line(&page.items), ["a", "c", "d", "b", "e"]);
}

#[tokio::test]
async fn clear_all_then_ops_in_one_batch() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    seed_overview(&m).await;
    let c = m
        .apply(&Batch {
            ops: vec![
                MirrorOp::ClearAll,
                MirrorOp::UpsertSamenwerking(Box::new(samenwerking("n", "Nieuw", None, "OPEN", 0))),
            ],
            cursor: Some(1),
            account_key: Some("nieuw account".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(c.ids(ChangeKind::Samenwerking), ["n"]);
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 1);
    let s = m.sync_state().await.unwrap();
    assert_eq!(
        (s.cursor, s.account_key.as_deref()),
        (Some(1), Some("nieuw account"))
    );
}

#[tokio::test]
async fn local_state_account_settings_offline() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    assert_eq!(m.account().await.unwrap(), None);
    m.set_account(&account()).await.unwrap();
    let mut other = account();
    other.remember = false;
    other.gebruikersnaam = None;
    other.naam = None;
    m.set_account(&other).await.unwrap();
    assert_eq!(m.account().await.unwrap(), Some(other));
    m.clear_account().await.unwrap();
    assert_eq!(m.account().await.unwrap(), None);

    assert_eq!(m.setting("taal").await.unwrap(), None);
    m.set_setting("taal", "nl").await.unwrap();
    m.set_setting("taal", "fy").await.unwrap();
    assert_eq!(m.setting("taal").await.unwrap().as_deref(), Some("fy"));

    m.set_offline_beschikbaar("s2", true).await.unwrap();
    m.set_offline_beschikbaar("s1", true).await.unwrap();
    m.set_offline_beschikbaar("s1", true).await.unwrap();
    assert_eq!(m.offline_beschikbaar().await.unwrap(), ["s1", "s2"]);
    m.set_offline_beschikbaar("s2", false).await.unwrap();
    assert_eq!(m.offline_beschikbaar().await.unwrap(), ["s1"]);
    m.apply(&batch(vec![MirrorOp::UpsertSamenwerking(Box::new(
        samenwerking("s1", "A", None, "OPEN", 0),
    ))]))
    .await
    .unwrap();
    assert!(
        m.samenwerking("s1")
            .await
            .unwrap()
            .unwrap()
            .offline_beschikbaar
    );
}

fn claim(n: u128) -> Claim {
    Claim {
        sleutel: format!("nieuw-actieverzoek:{}:OPEN", id(n)),
        soort: "nieuw-actieverzoek".into(),
        object_id: id(n).to_string(),
        status: "OPEN".into(),
        stil: n.is_multiple_of(2),
    }
}

fn claims(ns: &[u128]) -> Vec<Claim> {
    ns.iter().map(|n| claim(*n)).collect()
}

fn keys(ns: &[u128]) -> Vec<String> {
    ns.iter().map(|n| claim(*n).sleutel).collect()
}

#[tokio::test]
async fn claim_attenderingen_returns_each_key_once_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    assert_eq!(
        m.claim_attenderingen(&claims(&[1, 2])).await.unwrap(),
        keys(&[1, 2])
    );
    assert_eq!(
        m.claim_attenderingen(&claims(&[2, 3])).await.unwrap(),
        keys(&[3])
    );
    m.apply(&batch(vec![MirrorOp::ClearAll])).await.unwrap();
    m.close().await;
    let m = open(dir.path()).await;
    assert!(m
        .claim_attenderingen(&claims(&[1, 2, 3]))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        m.claim_attenderingen(&claims(&[4])).await.unwrap(),
        keys(&[4])
    );
    assert_eq!(m.stats().await.unwrap().attenderingen, 4);
    let found = m
        .attenderingen_for(&[id(1).to_string(), id(4).to_string(), id(9).to_string()])
        .await
        .unwrap();
    assert_eq!(
        found,
        keys(&[1, 4])
            .into_iter()
            .collect::<std::collections::HashSet<_>>()
    );
    // a released key can be claimed again
    assert_eq!(m.release_attenderingen(&keys(&[1, 9])).await.unwrap(), 1);
    assert_eq!(
        m.claim_attenderingen(&claims(&[1, 2])).await.unwrap(),
        keys(&[1])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_claiming_the_same_keys_each_win_a_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(dir.path()).await;
    let b = open(dir.path()).await;
    let all: Vec<u128> = (1..=200).collect();
    let mut reversed = all.clone();
    reversed.reverse();
    let (ca, cb) = (claims(&all), claims(&reversed));
    let ta = tokio::spawn(async move { a.claim_attenderingen(&ca).await });
    let tb = tokio::spawn(async move { b.claim_attenderingen(&cb).await });
    let (wa, wb) = (ta.await.unwrap().unwrap(), tb.await.unwrap().unwrap());
    assert_eq!(wa.len() + wb.len(), all.len(), "every key won exactly once");
    let mut won: Vec<String> = wa.into_iter().chain(wb).collect();
    won.sort();
    won.dedup();
    assert_eq!(won.len(), all.len());
}

#[tokio::test]
async fn notification_settings_default_on_and_survive_reopen() {
    use swf_client::instellingen::{AttenderingInstellingen, Taal};
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    assert_eq!(
        m.attendering_instellingen().await.unwrap(),
        AttenderingInstellingen::default()
    );
    assert_eq!(m.taal().await.unwrap(), Taal::Nl);
    let uit = AttenderingInstellingen {
        samenwerking_gesloten: false,
        ..AttenderingInstellingen::default()
    };
    m.set_attendering_instellingen(&uit).await.unwrap();
    m.set_taal(Taal::En).await.unwrap();
    m.close().await;
    let m = open(dir.path()).await;
    assert_eq!(m.attendering_instellingen().await.unwrap(), uit);
    assert_eq!(m.setting("taal").await.unwrap().as_deref(), Some("en"));
    // written by an older app (fewer switches), or damaged: the rest is on
    m.set_setting("attendering", r#"{"antwoord":false}"#)
        .await
        .unwrap();
    let oud = m.attendering_instellingen().await.unwrap();
    assert!(!oud.antwoord && oud.nieuw_actieverzoek && oud.verwijdering_gepland);
    m.set_setting("attendering", "kapot").await.unwrap();
    assert_eq!(
        m.attendering_instellingen().await.unwrap(),
        AttenderingInstellingen::default()
    );
}

/// Fill both files, set local state, close.
async fn fill(dir: &Path) {
    let m = open(dir).await;
    m.set_account(&account()).await.unwrap();
    m.set_setting("thema", "donker").await.unwrap();
    seed_overview(&m).await;
    m.mark_gelezen(&[id(3)]).await.unwrap();
    m.claim_attenderingen(&claims(&[1])).await.unwrap();
    m.apply(&Batch {
        cursor: Some(5),
        ..Default::default()
    })
    .await
    .unwrap();
    std::fs::write(m.document_cache_path(id(4)), b"data").unwrap();
    m.record_cached_document(id(4), "aa", 4).await.unwrap();
    m.close().await;
}

async fn assert_local_state_kept(m: &Mirror) {
    assert_eq!(m.account().await.unwrap(), Some(account()));
    assert_eq!(m.setting("thema").await.unwrap().as_deref(), Some("donker"));
    assert!(m
        .claim_attenderingen(&claims(&[1]))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(m.stats().await.unwrap().gelezen, 1);
}

#[tokio::test]
async fn corrupt_mirror_is_set_aside_and_rebuilt_keeping_local_state() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path()).await;
    let garbage = b"dit is geen SQLite-bestand ".repeat(400);
    std::fs::write(dir.path().join("mirror.sqlite"), &garbage).unwrap();

    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(report.mirror_rebuilt, "{report:?}");
    assert!(report.reason.is_some());
    assert!(!report.local_rebuilt);
    let moved = report.mirror_moved_to.clone().unwrap();
    assert!(moved
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("mirror.sqlite.kapot-"));
    assert_eq!(
        std::fs::read(&moved).unwrap(),
        garbage,
        "set aside, not deleted"
    );
    assert_eq!(report.documents_swept, 1, "the cached file lost its row");
    assert!(!m.document_cache_path(id(4)).exists());

    let s = m.stats().await.unwrap();
    assert_eq!((s.samenwerkingen, s.notificaties), (0, 0));
    assert_eq!(m.sync_state().await.unwrap(), SyncState::default());
    assert_local_state_kept(&m).await;

    // the resync brings b's notificatie back, still read
    seed_overview(&m).await;
    assert!(m.samenwerking("b").await.unwrap().unwrap().notificaties[0].gelezen);
    m.close().await;
    // and the next start is normal
    let (_m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(!report.mirror_rebuilt);
}

#[tokio::test]
async fn quick_check_failure_sets_the_mirror_aside() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path()).await;
    // Keep the header and the schema, damage the last page (table or index data): the file
    // opens, only the check finds it.
    let path = dir.path().join("mirror.sqlite");
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    assert!(len > 8 * 4096, "{len}");
    for b in &mut bytes[len - 4096..] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(report.mirror_rebuilt, "{report:?}");
    assert!(
        report.reason.as_deref().unwrap().contains("quick_check"),
        "{report:?}"
    );
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 0);
    assert_local_state_kept(&m).await;
}

#[tokio::test]
async fn mirror_from_a_newer_app_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path()).await;
    {
        use sqlx::Connection;
        let mut c = raw(&dir.path().join("mirror.sqlite")).await;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990101000000, 'van een nieuwere app', 1, x'00', 0)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(report.mirror_rebuilt, "{report:?}");
    assert!(
        report.reason.as_deref().unwrap().contains("nieuwere"),
        "{report:?}"
    );
    assert!(report.mirror_moved_to.unwrap().exists());
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 0);
    assert_local_state_kept(&m).await;
}

#[tokio::test]
async fn local_state_from_a_newer_app_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path()).await;
    {
        use sqlx::Connection;
        let mut c = raw(&dir.path().join("local.sqlite")).await;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990101000000, 'additief, van een nieuwere app', 1, x'00', 0)",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }
    let m = open(dir.path()).await;
    assert_local_state_kept(&m).await;
    assert_eq!(m.stats().await.unwrap().samenwerkingen, 5);
}

/// Local state written before migration 0003 (which drops the unused `jobs` table) still opens
/// as it was, without the table, and keeps what it held.
#[tokio::test]
async fn local_state_from_before_the_jobs_table_went_migrates() {
    use sqlx::migrate::Migrator;
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.sqlite");
    let all = sqlx::migrate!("./migrations/local");
    let latest = all.migrations.iter().map(|m| m.version).max().unwrap();
    let before = Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < 3)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..all
    };
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let mut c = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        before.run(&mut c).await.unwrap();
        sqlx::query(
            "INSERT INTO jobs (soort, payload, aangemaakt, bijgewerkt) VALUES ('upload', '{}', 'nu', 'nu')",
        )
        .execute(&mut c)
        .await
        .unwrap();
        sqlx::query("INSERT INTO offline_beschikbaar (samenwerking_id, sinds) VALUES ('s1', 'nu')")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    let m = open(dir.path()).await;
    m.close().await;
    let mut c = raw(&path).await;
    let jobs: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'jobs%'")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(jobs, 0, "the table and its index are gone");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offline_beschikbaar")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(kept, 1, "local state stays");
    let newest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(newest, latest, "every later migration ran too");
}

#[tokio::test]
async fn corrupt_local_state_is_set_aside_and_reported_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path()).await;
    let garbage = b"kapot ".repeat(1000);
    std::fs::write(dir.path().join("local.sqlite"), &garbage).unwrap();
    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert!(report.local_rebuilt, "{report:?}");
    assert!(!report.mirror_rebuilt);
    assert!(report.local_reason.is_some());
    let moved = report.local_moved_to.unwrap();
    assert_eq!(std::fs::read(&moved).unwrap(), garbage);
    assert_eq!(m.account().await.unwrap(), None);
    assert_eq!(
        m.stats().await.unwrap().samenwerkingen,
        5,
        "the cache is fine"
    );
}

#[tokio::test]
async fn sweep_removes_files_without_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let m = open(dir.path()).await;
    m.apply(&batch(vec![MirrorOp::UpsertDocument(Box::new(document(
        1, "s1", "aa", 1,
    )))]))
    .await
    .unwrap();
    std::fs::write(m.document_cache_path(id(1)), b"data").unwrap();
    m.record_cached_document(id(1), "aa", 4).await.unwrap();
    std::fs::write(m.document_cache_path(id(2)), b"wees").unwrap();
    std::fs::write(dir.path().join("documenten").join("half.part"), b"x").unwrap();
    m.close().await;
    let (m, report) = Mirror::open(dir.path()).await.unwrap();
    assert_eq!(report.documents_swept, 2);
    assert!(m.document_cache_path(id(1)).exists());
    assert!(!m.document_cache_path(id(2)).exists());
    assert_eq!(m.sweep_documents().await.unwrap(), 0);
}

/// The user's name is kept with the account across a reopen; an older app (which does not know
/// the column) signing in as someone else over the stored account does not leave the previous
/// person's name behind.
#[tokio::test]
async fn the_accounts_name_survives_a_reopen_but_not_another_user() {
    let dir = tempfile::tempdir().unwrap();
    {
        let m = open(dir.path()).await;
        m.set_account(&account()).await.unwrap();
    }
    let m = open(dir.path()).await;
    let a = m.account().await.unwrap().unwrap();
    assert_eq!(a.naam.as_deref(), Some("Vera Vergunningverlener"));
    // the same person signing in again with an older app keeps the name
    let mut c = raw(&dir.path().join("local.sqlite")).await;
    sqlx::query(
        "INSERT INTO account (id, service_url, gebruikersnaam, oin, organisatie_naam, remember) \
         VALUES (1, ?, 'vergunningverlener', ?, 'x', 1) ON CONFLICT (id) DO UPDATE SET \
         service_url = excluded.service_url, gebruikersnaam = excluded.gebruikersnaam, \
         oin = excluded.oin, organisatie_naam = excluded.organisatie_naam",
    )
    .bind(&a.service_url)
    .bind(IK)
    .execute(&mut c)
    .await
    .unwrap();
    assert_eq!(m.account().await.unwrap().unwrap().naam, a.naam);
    // someone else: the name goes
    sqlx::query("UPDATE account SET gebruikersnaam = 'adviseur' WHERE id = 1")
        .execute(&mut c)
        .await
        .unwrap();
    let b = m.account().await.unwrap().unwrap();
    assert_eq!(
        (b.gebruikersnaam.as_deref(), b.naam),
        (Some("adviseur"), None)
    );
}
