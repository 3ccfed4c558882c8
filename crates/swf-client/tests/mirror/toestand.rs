//! Sync state and the cursor, ClearAll, local state and settings, notification claims.
use super::*;

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

pub(crate) fn claim(n: u128) -> Claim {
    Claim {
        sleutel: format!("nieuw-actieverzoek:{}:OPEN", id(n)),
        soort: "nieuw-actieverzoek".into(),
        object_id: id(n).to_string(),
        status: "OPEN".into(),
        stil: n.is_multiple_of(2),
    }
}

pub(crate) fn claims(ns: &[u128]) -> Vec<Claim> {
    ns.iter().map(|n| claim(*n)).collect()
}

pub(crate) fn keys(ns: &[u128]) -> Vec<String> {
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
