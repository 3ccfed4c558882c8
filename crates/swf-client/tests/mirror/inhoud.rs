//! Every cache op: samenwerkingen, deelnemers, documents with their cached files, actieverzoeken
//! with berichten, notificaties with read marks, purges and orphans.
use super::*;

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
