//! Writing batches: all ops and the sync state of a batch in one transaction, then the
//! denormalised overview columns of every touched samenwerking, then (after commit) the removal
//! of cached files of documents that are gone.
use super::types::*;
use super::{to_json, ts, Mirror};
use crate::error::{ClientError, Result};
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use swf_domain::{Actieverzoek, Bericht, Deelnemer, Document, Notificatie, Samenwerking};
use swf_domain::{Rol, SamenwerkingStatus};
use uuid::Uuid;

/// What applying the ops of one transaction collected.
#[derive(Default)]
pub(crate) struct Apply {
    pub(crate) changes: ChangeSet,
    /// Samenwerkingen whose overview columns must be recomputed.
    pub(crate) touched: BTreeSet<String>,
    /// Document ids whose cached file goes after commit.
    pub(crate) files: Vec<String>,
}

impl Mirror {
    /// Apply one batch in ONE transaction: either all ops plus the cursor/progress/state
    /// updates commit, or nothing does. Returns what changed (empty when the batch was a
    /// replay of what is stored).
    pub async fn apply(&self, batch: &Batch) -> Result<Changed> {
        let mut tx = self.begin_write().await?;
        let mut cx = Apply::default();
        for op in &batch.ops {
            apply_op(&mut tx, op, &mut cx).await?;
        }
        refresh_touched(&mut tx, &mut cx).await?;

        if let Some(cursor) = batch.cursor {
            sqlx::query("UPDATE sync_state SET cursor = ? WHERE id = 1")
                .bind(cursor)
                .execute(&mut *tx)
                .await?;
        }
        match &batch.full_sync {
            FullSyncUpdate::Keep => {}
            FullSyncUpdate::Set(v) => {
                sqlx::query("UPDATE sync_state SET full_sync = ? WHERE id = 1")
                    .bind(v.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            FullSyncUpdate::Clear => {
                sqlx::query("UPDATE sync_state SET full_sync = NULL WHERE id = 1")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(t) = &batch.synced_at {
            sqlx::query("UPDATE sync_state SET last_synced_at = ? WHERE id = 1")
                .bind(ts(t))
                .execute(&mut *tx)
                .await?;
        }
        if let Some(key) = &batch.account_key {
            sqlx::query("UPDATE sync_state SET account_key = ? WHERE id = 1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.remove_document_files(&cx.files);
        Ok(cx.changes.into_changed())
    }
}

/// Recompute the overview columns of the touched samenwerkingen for the counters' OIN.
pub(crate) async fn refresh_touched(conn: &mut SqliteConnection, cx: &mut Apply) -> Result<()> {
    if cx.touched.is_empty() {
        return Ok(());
    }
    let oin = counters_oin(conn).await?;
    for sid in std::mem::take(&mut cx.touched) {
        if refresh(conn, &sid, oin.as_deref()).await? {
            cx.changes.add(ChangeKind::Samenwerking, sid);
        }
    }
    Ok(())
}

/// The OIN the counters are computed for: the stored one, else the account's (then stored).
async fn counters_oin(conn: &mut SqliteConnection) -> Result<Option<String>> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT counters_oin FROM sync_state WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    if stored.is_some() {
        return Ok(stored);
    }
    let account: Option<String> = sqlx::query_scalar("SELECT oin FROM lokaal.account WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    if account.is_some() {
        sqlx::query("UPDATE sync_state SET counters_oin = ? WHERE id = 1")
            .bind(&account)
            .execute(&mut *conn)
            .await?;
    }
    Ok(account)
}

/// Recompute all samenwerkingen for another point of view (account switch, other OIN asked).
pub(crate) async fn recompute_all(conn: &mut SqliteConnection, oin: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE sync_state SET counters_oin = ? WHERE id = 1")
        .bind(oin)
        .execute(&mut *conn)
        .await?;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM samenwerkingen")
        .fetch_all(&mut *conn)
        .await?;
    for sid in ids {
        refresh(conn, &sid, oin).await?;
    }
    Ok(())
}

/// Recompute the denormalised columns of one samenwerking. True when any of them changed.
async fn refresh(conn: &mut SqliteConnection, sid: &str, oin: Option<&str>) -> Result<bool> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT titel, verzoeknummer, laatst_aangepast FROM samenwerkingen WHERE id = ?",
    )
    .bind(sid)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((titel, verzoeknummer, laatst_aangepast)) = row else {
        return Ok(false); // children without their samenwerking (yet): nothing to show
    };
    let partners: Vec<(String, String)> = sqlx::query_as(
        "SELECT naam, oin FROM deelnemers WHERE samenwerking_id = ?1 AND oin IS NOT ?2 \
         ORDER BY naam, oin",
    )
    .bind(sid)
    .bind(oin)
    .fetch_all(&mut *conn)
    .await?;
    let (inkomend, uitgaand, ongelezen, activiteit): (i64, i64, i64, Option<String>) =
        sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM actieverzoeken WHERE samenwerking_id = ?1 AND actief = 1 AND ontvanger = ?2), \
               (SELECT COUNT(*) FROM actieverzoeken WHERE samenwerking_id = ?1 AND actief = 1 AND zender = ?2), \
               (SELECT COUNT(*) FROM notificaties n WHERE n.samenwerking_id = ?1 \
                  AND NOT EXISTS (SELECT 1 FROM lokaal.gelezen g WHERE g.notificatie_id = n.id)), \
               (SELECT MAX(t) FROM ( \
                  SELECT MAX(laatst_aangepast) AS t FROM actieverzoeken WHERE samenwerking_id = ?1 \
                  UNION ALL SELECT MAX(laatst_aangepast) FROM documenten WHERE samenwerking_id = ?1 \
                  UNION ALL SELECT MAX(datum) FROM notificaties WHERE samenwerking_id = ?1))",
        )
        .bind(sid)
        .bind(oin)
        .fetch_one(&mut *conn)
        .await?;
    let activiteit = match activiteit {
        Some(a) if a > laatst_aangepast => a,
        _ => laatst_aangepast,
    };
    let mut zoek = Vec::with_capacity(2 + 2 * partners.len());
    zoek.push(titel.to_lowercase());
    if let Some(v) = &verzoeknummer {
        zoek.push(v.to_lowercase());
    }
    for (naam, oin) in &partners {
        zoek.push(naam.to_lowercase());
        zoek.push(oin.clone());
    }
    let zoektekst = zoek.join("\n");
    let namen: Vec<&str> = partners.iter().map(|(n, _)| n.as_str()).collect();
    let partner_namen = to_json(&namen)?;
    let prioriteit = 2 * i64::from(inkomend > 0) + i64::from(ongelezen > 0);
    let done = sqlx::query(
        "UPDATE samenwerkingen SET partner_namen = ?1, zoektekst = ?2, open_inkomend = ?3, \
           open_uitgaand = ?4, ongelezen = ?5, prioriteit = ?6, laatste_activiteit = ?7 \
         WHERE id = ?8 AND (partner_namen IS NOT ?1 OR zoektekst IS NOT ?2 OR open_inkomend IS NOT ?3 \
           OR open_uitgaand IS NOT ?4 OR ongelezen IS NOT ?5 OR prioriteit IS NOT ?6 \
           OR laatste_activiteit IS NOT ?7)",
    )
    .bind(partner_namen)
    .bind(zoektekst)
    .bind(inkomend)
    .bind(uitgaand)
    .bind(ongelezen)
    .bind(prioriteit)
    .bind(activiteit)
    .bind(sid)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

fn mismatch(what: &str, id: impl std::fmt::Display, expected: &str, got: &str) -> ClientError {
    ClientError::Protocol(format!(
        "{what} {id} hoort bij samenwerking {got}, niet bij {expected}"
    ))
}

async fn apply_op(conn: &mut SqliteConnection, op: &MirrorOp, cx: &mut Apply) -> Result<()> {
    match op {
        MirrorOp::UpsertSamenwerking(s) => {
            if s.status.status == SamenwerkingStatus::Verwijderd {
                // A tombstone: forget it, as the service does.
                purge(conn, &s.samenwerking_id, cx).await?;
            } else if upsert_samenwerking(conn, s).await? {
                cx.changes
                    .add(ChangeKind::Samenwerking, s.samenwerking_id.clone());
                cx.touched.insert(s.samenwerking_id.clone());
            }
        }
        MirrorOp::ReplaceDeelnemers {
            samenwerking_id,
            deelnemers,
        } => {
            if replace_deelnemers(conn, samenwerking_id, deelnemers).await? {
                cx.changes
                    .add(ChangeKind::Deelnemers, samenwerking_id.clone());
                cx.touched.insert(samenwerking_id.clone());
            }
        }
        MirrorOp::UpsertDocument(d) => upsert_document(conn, d, cx).await?,
        MirrorOp::ReplaceDocumenten {
            samenwerking_id,
            documenten,
        } => {
            for d in documenten {
                if &d.samenwerking_id != samenwerking_id {
                    return Err(mismatch(
                        "document",
                        d.document_id,
                        samenwerking_id,
                        &d.samenwerking_id,
                    ));
                }
            }
            let keep: HashSet<String> = documenten
                .iter()
                .map(|d| d.document_id.to_string())
                .collect();
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT id FROM documenten WHERE samenwerking_id = ?")
                    .bind(samenwerking_id)
                    .fetch_all(&mut *conn)
                    .await?;
            for id in existing.into_iter().filter(|id| !keep.contains(id)) {
                delete_document(conn, &id, cx).await?;
            }
            for d in documenten {
                upsert_document(conn, d, cx).await?;
            }
        }
        MirrorOp::DeleteDocument { document_id } => {
            delete_document(conn, &normalise_id(document_id), cx).await?;
        }
        MirrorOp::UpsertActieverzoek {
            actieverzoek,
            berichten,
        } => {
            let a = actieverzoek.as_ref();
            let mut changed = upsert_actieverzoek(conn, a).await?;
            if let Some(berichten) = berichten {
                changed |= replace_berichten(conn, a, berichten).await?;
            }
            if changed {
                cx.changes
                    .add(ChangeKind::Actieverzoek, a.actieverzoek_id.to_string());
                cx.touched.insert(a.samenwerking_id.clone());
            }
        }
        MirrorOp::ReplaceActieverzoeken {
            samenwerking_id,
            actieverzoeken,
        } => {
            for a in actieverzoeken {
                if &a.samenwerking_id != samenwerking_id {
                    return Err(mismatch(
                        "actieverzoek",
                        a.actieverzoek_id,
                        samenwerking_id,
                        &a.samenwerking_id,
                    ));
                }
            }
            let keep: HashSet<String> = actieverzoeken
                .iter()
                .map(|a| a.actieverzoek_id.to_string())
                .collect();
            let existing: Vec<String> =
                sqlx::query_scalar("SELECT id FROM actieverzoeken WHERE samenwerking_id = ?")
                    .bind(samenwerking_id)
                    .fetch_all(&mut *conn)
                    .await?;
            for id in existing.into_iter().filter(|id| !keep.contains(id)) {
                // berichten go with it (ON DELETE CASCADE)
                sqlx::query("DELETE FROM actieverzoeken WHERE id = ?")
                    .bind(&id)
                    .execute(&mut *conn)
                    .await?;
                cx.changes.add(ChangeKind::Actieverzoek, id);
                cx.touched.insert(samenwerking_id.clone());
            }
            for a in actieverzoeken {
                if upsert_actieverzoek(conn, a).await? {
                    cx.changes
                        .add(ChangeKind::Actieverzoek, a.actieverzoek_id.to_string());
                    cx.touched.insert(samenwerking_id.clone());
                }
            }
        }
        MirrorOp::UpsertNotificatie(n) => upsert_notificatie(conn, n, cx).await?,
        MirrorOp::DeleteNotificatie { notificatie_id } => {
            delete_notificatie(conn, &normalise_id(notificatie_id), cx).await?;
        }
        MirrorOp::ReplaceNotificaties {
            samenwerking_id,
            notificaties,
        } => {
            if let Some(sid) = samenwerking_id {
                for n in notificaties {
                    if &n.samenwerking_id != sid {
                        return Err(mismatch(
                            "notificatie",
                            n.notificatie_id,
                            sid,
                            &n.samenwerking_id,
                        ));
                    }
                }
            }
            let keep: HashSet<String> = notificaties
                .iter()
                .map(|n| n.notificatie_id.to_string())
                .collect();
            let existing: Vec<String> = match samenwerking_id {
                Some(sid) => {
                    sqlx::query_scalar("SELECT id FROM notificaties WHERE samenwerking_id = ?")
                        .bind(sid)
                        .fetch_all(&mut *conn)
                        .await?
                }
                None => {
                    sqlx::query_scalar("SELECT id FROM notificaties")
                        .fetch_all(&mut *conn)
                        .await?
                }
            };
            for id in existing.into_iter().filter(|id| !keep.contains(id)) {
                delete_notificatie(conn, &id, cx).await?;
            }
            for n in notificaties {
                upsert_notificatie(conn, n, cx).await?;
            }
        }
        MirrorOp::PurgeSamenwerking { samenwerking_id } => {
            purge(conn, samenwerking_id, cx).await?;
        }
        MirrorOp::RetainSamenwerkingen { ids } => {
            let keep: HashSet<&str> = ids.iter().map(String::as_str).collect();
            let present: BTreeSet<String> = sqlx::query_scalar(
                "SELECT id FROM samenwerkingen \
                 UNION SELECT samenwerking_id FROM deelnemers \
                 UNION SELECT samenwerking_id FROM documenten \
                 UNION SELECT samenwerking_id FROM actieverzoeken \
                 UNION SELECT samenwerking_id FROM berichten \
                 UNION SELECT samenwerking_id FROM notificaties",
            )
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
            for sid in present.iter().filter(|s| !keep.contains(s.as_str())) {
                purge(conn, sid, cx).await?;
            }
        }
        MirrorOp::ClearAll => {
            let sids: Vec<String> = sqlx::query_scalar("SELECT id FROM samenwerkingen")
                .fetch_all(&mut *conn)
                .await?;
            for sid in sids {
                cx.changes.add(ChangeKind::SamenwerkingVerwijderd, sid);
            }
            let cached: Vec<String> =
                sqlx::query_scalar("SELECT document_id FROM gecachte_documenten")
                    .fetch_all(&mut *conn)
                    .await?;
            cx.files.extend(cached);
            for table in [
                "gecachte_documenten",
                "berichten",
                "actieverzoeken",
                "documenten",
                "deelnemers",
                "notificaties",
                "samenwerkingen",
            ] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "UPDATE sync_state SET cursor = NULL, full_sync = NULL, last_synced_at = NULL, \
                 account_key = NULL, counters_oin = NULL WHERE id = 1",
            )
            .execute(&mut *conn)
            .await?;
            cx.touched.clear();
        }
    }
    Ok(())
}

/// Remove one samenwerking and everything of it; its cached files go after commit.
async fn purge(conn: &mut SqliteConnection, sid: &str, cx: &mut Apply) -> Result<()> {
    let cached: Vec<String> = sqlx::query_scalar(
        "SELECT c.document_id FROM gecachte_documenten c JOIN documenten d ON d.id = c.document_id \
         WHERE d.samenwerking_id = ?",
    )
    .bind(sid)
    .fetch_all(&mut *conn)
    .await?;
    cx.files.extend(cached);
    let mut removed = 0;
    for sql in [
        "DELETE FROM berichten WHERE samenwerking_id = ?",
        "DELETE FROM actieverzoeken WHERE samenwerking_id = ?",
        "DELETE FROM documenten WHERE samenwerking_id = ?",
        "DELETE FROM deelnemers WHERE samenwerking_id = ?",
        "DELETE FROM notificaties WHERE samenwerking_id = ?",
        "DELETE FROM samenwerkingen WHERE id = ?",
    ] {
        removed += sqlx::query(sql)
            .bind(sid)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    }
    if removed > 0 {
        cx.changes.add(ChangeKind::SamenwerkingVerwijderd, sid);
    }
    cx.touched.remove(sid);
    Ok(())
}

async fn upsert_samenwerking(conn: &mut SqliteConnection, s: &Samenwerking) -> Result<bool> {
    let status = s.status.status;
    let laatst = ts(&s.laatst_aangepast_datum_tijd);
    let done = sqlx::query(
        "INSERT INTO samenwerkingen (id, titel, verzoeknummer, status, actief, mijn_rol, \
           laatst_aangepast, data, laatste_activiteit) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7) \
         ON CONFLICT (id) DO UPDATE SET titel = excluded.titel, verzoeknummer = excluded.verzoeknummer, \
           status = excluded.status, actief = excluded.actief, mijn_rol = excluded.mijn_rol, \
           laatst_aangepast = excluded.laatst_aangepast, data = excluded.data \
         WHERE samenwerkingen.data IS NOT excluded.data",
    )
    .bind(&s.samenwerking_id)
    .bind(&s.titel)
    .bind(&s.verzoeknummer)
    .bind(status.as_str())
    .bind(status.is_active())
    .bind(s.mijn_rol.map(Rol::as_str))
    .bind(laatst)
    .bind(to_json(s)?)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

async fn replace_deelnemers(
    conn: &mut SqliteConnection,
    sid: &str,
    deelnemers: &[Deelnemer],
) -> Result<bool> {
    let mut new: BTreeMap<String, (&Deelnemer, String)> = BTreeMap::new();
    for d in deelnemers {
        if d.samenwerking_id != sid {
            return Err(mismatch("deelnemer", &d.oin, sid, &d.samenwerking_id));
        }
        new.insert(d.oin.as_str().to_owned(), (d, to_json(d)?));
    }
    let existing: BTreeMap<String, String> = sqlx::query_as::<_, (String, String)>(
        "SELECT oin, data FROM deelnemers WHERE samenwerking_id = ?",
    )
    .bind(sid)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut changed = false;
    for oin in existing.keys().filter(|o| !new.contains_key(*o)) {
        sqlx::query("DELETE FROM deelnemers WHERE samenwerking_id = ? AND oin = ?")
            .bind(sid)
            .bind(oin)
            .execute(&mut *conn)
            .await?;
        changed = true;
    }
    for (oin, (d, data)) in &new {
        if existing.get(oin) == Some(data) {
            continue;
        }
        sqlx::query(
            "INSERT INTO deelnemers (samenwerking_id, oin, naam, rol, privilege, data) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (samenwerking_id, oin) DO UPDATE SET naam = excluded.naam, \
               rol = excluded.rol, privilege = excluded.privilege, data = excluded.data",
        )
        .bind(sid)
        .bind(oin)
        .bind(&d.naam)
        .bind(d.rol.as_str())
        .bind(d.privilege.as_str())
        .bind(data)
        .execute(&mut *conn)
        .await?;
        changed = true;
    }
    Ok(changed)
}

async fn upsert_document(conn: &mut SqliteConnection, d: &Document, cx: &mut Apply) -> Result<()> {
    let id = d.document_id.to_string();
    // Other bytes than the cached ones: the cached file is stale.
    let stale =
        sqlx::query("DELETE FROM gecachte_documenten WHERE document_id = ? AND sha256 IS NOT ?")
            .bind(&id)
            .bind(&d.document_hash)
            .execute(&mut *conn)
            .await?;
    if stale.rows_affected() > 0 {
        cx.files.push(id.clone());
    }
    let done = sqlx::query(
        "INSERT INTO documenten (id, samenwerking_id, bestandsnaam, vertrouwelijkheid, document_hash, \
           grootte, laatst_aangepast, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET samenwerking_id = excluded.samenwerking_id, \
           bestandsnaam = excluded.bestandsnaam, vertrouwelijkheid = excluded.vertrouwelijkheid, \
           document_hash = excluded.document_hash, grootte = excluded.grootte, \
           laatst_aangepast = excluded.laatst_aangepast, data = excluded.data \
         WHERE documenten.data IS NOT excluded.data",
    )
    .bind(&id)
    .bind(&d.samenwerking_id)
    .bind(&d.bestands_naam)
    .bind(d.vertrouwelijkheids_aanduiding.as_str())
    .bind(&d.document_hash)
    .bind(i64::try_from(d.grootte).unwrap_or(i64::MAX))
    .bind(ts(&d.laatst_aangepast_datum_tijd))
    .bind(to_json(d)?)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        cx.changes.add(ChangeKind::Document, id);
        cx.touched.insert(d.samenwerking_id.clone());
    }
    Ok(())
}

async fn delete_document(conn: &mut SqliteConnection, id: &str, cx: &mut Apply) -> Result<()> {
    let cached: Option<String> =
        sqlx::query_scalar("SELECT document_id FROM gecachte_documenten WHERE document_id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    cx.files.extend(cached);
    let sid: Option<String> =
        sqlx::query_scalar("DELETE FROM documenten WHERE id = ? RETURNING samenwerking_id")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(sid) = sid {
        cx.changes.add(ChangeKind::Document, id);
        cx.touched.insert(sid);
    }
    Ok(())
}

fn actief(a: &Actieverzoek) -> bool {
    !a.status.is_terminal()
}

async fn upsert_actieverzoek(conn: &mut SqliteConnection, a: &Actieverzoek) -> Result<bool> {
    // Not INSERT OR REPLACE: that deletes the row first and its berichten with it.
    let done = sqlx::query(
        "INSERT INTO actieverzoeken (id, samenwerking_id, titel, status, actief, zender, ontvanger, \
           laatst_aangepast, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET samenwerking_id = excluded.samenwerking_id, \
           titel = excluded.titel, status = excluded.status, actief = excluded.actief, \
           zender = excluded.zender, ontvanger = excluded.ontvanger, \
           laatst_aangepast = excluded.laatst_aangepast, data = excluded.data \
         WHERE actieverzoeken.data IS NOT excluded.data",
    )
    .bind(a.actieverzoek_id.to_string())
    .bind(&a.samenwerking_id)
    .bind(&a.titel)
    .bind(a.status.as_str())
    .bind(actief(a))
    .bind(a.zender.as_str())
    .bind(a.ontvanger.as_str())
    .bind(ts(&a.laatst_aangepast_datum_tijd))
    .bind(to_json(a)?)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

async fn replace_berichten(
    conn: &mut SqliteConnection,
    a: &Actieverzoek,
    berichten: &[Bericht],
) -> Result<bool> {
    let aid = a.actieverzoek_id.to_string();
    for b in berichten {
        if b.actieverzoek_id != a.actieverzoek_id {
            return Err(ClientError::Protocol(format!(
                "bericht {} hoort bij actieverzoek {}, niet bij {aid}",
                b.bericht_id, b.actieverzoek_id
            )));
        }
    }
    let keep: HashSet<String> = berichten.iter().map(|b| b.bericht_id.to_string()).collect();
    let existing: Vec<String> =
        sqlx::query_scalar("SELECT id FROM berichten WHERE actieverzoek_id = ?")
            .bind(&aid)
            .fetch_all(&mut *conn)
            .await?;
    let mut changed = false;
    for id in existing.iter().filter(|id| !keep.contains(*id)) {
        sqlx::query("DELETE FROM berichten WHERE id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        changed = true;
    }
    for b in berichten {
        let done = sqlx::query(
            "INSERT INTO berichten (id, actieverzoek_id, samenwerking_id, creatie, data) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET actieverzoek_id = excluded.actieverzoek_id, \
               samenwerking_id = excluded.samenwerking_id, creatie = excluded.creatie, \
               data = excluded.data \
             WHERE berichten.data IS NOT excluded.data \
               OR berichten.samenwerking_id IS NOT excluded.samenwerking_id",
        )
        .bind(b.bericht_id.to_string())
        .bind(&aid)
        // the actieverzoek's samenwerking, so a purge by samenwerking always finds it
        .bind(&a.samenwerking_id)
        .bind(ts(&b.creatie_datum_tijd))
        .bind(to_json(b)?)
        .execute(&mut *conn)
        .await?;
        changed |= done.rows_affected() > 0;
    }
    Ok(changed)
}

async fn upsert_notificatie(
    conn: &mut SqliteConnection,
    n: &Notificatie,
    cx: &mut Apply,
) -> Result<()> {
    let id = n.notificatie_id.to_string();
    let done = sqlx::query(
        "INSERT INTO notificaties (id, samenwerking_id, type, datum, data) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET samenwerking_id = excluded.samenwerking_id, \
           type = excluded.type, datum = excluded.datum, data = excluded.data \
         WHERE notificaties.data IS NOT excluded.data",
    )
    .bind(&id)
    .bind(&n.samenwerking_id)
    .bind(n.notificatie_type.as_str())
    .bind(ts(&n.event_datum_tijd))
    .bind(to_json(n)?)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        cx.changes.add(ChangeKind::Notificatie, id);
        cx.touched.insert(n.samenwerking_id.clone());
    }
    Ok(())
}

async fn delete_notificatie(conn: &mut SqliteConnection, id: &str, cx: &mut Apply) -> Result<()> {
    let sid: Option<String> =
        sqlx::query_scalar("DELETE FROM notificaties WHERE id = ? RETURNING samenwerking_id")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(sid) = sid {
        cx.changes.add(ChangeKind::Notificatie, id);
        cx.touched.insert(sid);
    }
    Ok(())
}

/// A UUID id as stored (lowercase, hyphenated); anything else as given (it matches nothing).
fn normalise_id(id: &str) -> String {
    Uuid::parse_str(id.trim()).map_or_else(|_| id.to_owned(), |u| u.to_string())
}

/// Ids as stored (lowercase hyphenated UUIDs).
pub(crate) fn uuid_strings(ids: &[Uuid]) -> Vec<String> {
    ids.iter().map(Uuid::to_string).collect()
}
