//! Corruption, newer-app files and the sweep: local state is never lost.
use super::*;

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
