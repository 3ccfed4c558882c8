//! What the app's screens read.
use super::apply::recompute_all;
use super::types::*;
use super::{decode_error, from_json, parse_ts, Mirror};
use crate::error::Result;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;
use swf_domain::{Bericht, Rol, SamenwerkingStatus};
use uuid::Uuid;

const OVERVIEW_COLS: &str = "s.id, s.titel, s.verzoeknummer, s.status, s.mijn_rol, \
    s.laatst_aangepast, s.laatste_activiteit, s.partner_namen, s.open_inkomend, s.open_uitgaand, \
    s.ongelezen";

type OverviewRow = (
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    i64,
    i64,
);

impl Mirror {
    pub async fn sync_state(&self) -> Result<SyncState> {
        let (cursor, full_sync, last, account_key): (
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT cursor, full_sync, last_synced_at, account_key FROM sync_state WHERE id = 1",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(SyncState {
            cursor,
            full_sync: full_sync.as_deref().map(from_json).transpose()?,
            last_synced_at: last.as_deref().map(parse_ts).transpose()?,
            account_key,
        })
    }

    /// One page of the overview: "asked of me" (open inkomend) first, then unread, then most
    /// recent activity. When the point of view (`mijn_oin`, else the account's OIN) differs from
    /// the one the counters were computed for, they are recomputed first (once).
    pub async fn overview(&self, filter: &OverviewFilter) -> Result<OverviewPage> {
        self.ensure_point_of_view(filter).await?;
        let zoek = filter
            .zoek
            .as_deref()
            .map(str::trim)
            .filter(|z| !z.is_empty())
            .map(str::to_lowercase);
        let where_clause = |qb: &mut QueryBuilder<'_, Sqlite>| {
            qb.push(" WHERE 1 = 1");
            match filter.status {
                StatusFilter::Alle => {}
                StatusFilter::Open => {
                    qb.push(" AND actief = 1");
                }
                StatusFilter::Gesloten => {
                    qb.push(" AND actief = 0");
                }
            }
            if let Some(z) = &zoek {
                qb.push(" AND instr(zoektekst, ")
                    .push_bind(z.clone())
                    .push(") > 0");
            }
        };

        let mut tx = self.pool().begin().await?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM samenwerkingen");
        where_clause(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;

        // The page's ids from a covering index walk, then those rows by primary key.
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {OVERVIEW_COLS} FROM (SELECT id AS pid, prioriteit AS pp, \
             laatste_activiteit AS pa FROM samenwerkingen"
        ));
        where_clause(&mut q);
        q.push(" ORDER BY prioriteit DESC, laatste_activiteit DESC, id LIMIT ")
            .push_bind(i64::from(filter.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(filter.offset))
            .push(") JOIN samenwerkingen s ON s.id = pid ORDER BY pp DESC, pa DESC, pid");
        let rows: Vec<OverviewRow> = q.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;

        let items = rows
            .into_iter()
            .map(overview_item)
            .collect::<Result<Vec<_>>>()?;
        Ok(OverviewPage {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn ensure_point_of_view(&self, filter: &OverviewFilter) -> Result<()> {
        let (stored, account): (Option<String>, Option<String>) = sqlx::query_as(
            "SELECT counters_oin, (SELECT oin FROM lokaal.account WHERE id = 1) FROM sync_state WHERE id = 1",
        )
        .fetch_one(self.pool())
        .await?;
        let wanted = filter
            .mijn_oin
            .as_ref()
            .map(|o| o.as_str().to_owned())
            .or(account);
        let Some(wanted) = wanted else {
            return Ok(()); // nobody to take the point of view of: keep what is there
        };
        if stored.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // Re-check inside the write lock: another caller may have done it meanwhile.
        let stored: Option<String> =
            sqlx::query_scalar("SELECT counters_oin FROM sync_state WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        if stored.as_deref() != Some(wanted.as_str()) {
            tracing::info!(oin = %wanted, "recomputing overview counters for another OIN");
            recompute_all(&mut tx, Some(&wanted)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Everything of one samenwerking, or `None` when it is not in the mirror.
    pub async fn samenwerking(&self, id: &str) -> Result<Option<SamenwerkingDetail>> {
        let mut tx = self.pool().begin().await?;
        let conn: &mut SqliteConnection = &mut tx;
        let Some(data): Option<String> =
            sqlx::query_scalar("SELECT data FROM samenwerkingen WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        else {
            return Ok(None);
        };
        let samenwerking = from_json(&data)?;
        let deelnemers = sqlx::query_scalar::<_, String>(
            "SELECT data FROM deelnemers WHERE samenwerking_id = ? ORDER BY rol, naam, oin",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|d| from_json(d))
        .collect::<Result<Vec<_>>>()?;
        let documenten = sqlx::query_as::<_, (String, bool)>(
            "SELECT d.data, c.sha256 IS NOT NULL AND c.sha256 = d.document_hash \
             FROM documenten d LEFT JOIN gecachte_documenten c ON c.document_id = d.id \
             WHERE d.samenwerking_id = ? ORDER BY d.laatst_aangepast DESC, d.id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(data, cached)| {
            Ok(DocumentItem {
                document: from_json(&data)?,
                cached,
            })
        })
        .collect::<Result<Vec<_>>>()?;

        let mut berichten: HashMap<String, Vec<Bericht>> = HashMap::new();
        for (aid, data) in sqlx::query_as::<_, (String, String)>(
            "SELECT actieverzoek_id, data FROM berichten WHERE samenwerking_id = ? ORDER BY creatie, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        {
            berichten.entry(aid).or_default().push(from_json(&data)?);
        }
        let actieverzoeken = sqlx::query_as::<_, (String, String)>(
            "SELECT id, data FROM actieverzoeken WHERE samenwerking_id = ? \
             ORDER BY laatst_aangepast DESC, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(aid, data)| {
            Ok(ActieverzoekItem {
                actieverzoek: from_json(&data)?,
                berichten: berichten.remove(&aid).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;

        let notificaties = sqlx::query_as::<_, (String, bool)>(
            "SELECT n.data, EXISTS (SELECT 1 FROM lokaal.gelezen g WHERE g.notificatie_id = n.id) \
             FROM notificaties n WHERE n.samenwerking_id = ? ORDER BY n.datum DESC, n.id DESC",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(notificatie_item)
        .collect::<Result<Vec<_>>>()?;
        let offline_beschikbaar: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM lokaal.offline_beschikbaar WHERE samenwerking_id = ?)",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        tx.commit().await?;
        Ok(Some(SamenwerkingDetail {
            samenwerking,
            deelnemers,
            documenten,
            actieverzoeken,
            notificaties,
            offline_beschikbaar,
        }))
    }

    pub async fn document(&self, id: Uuid) -> Result<Option<DocumentItem>> {
        let row: Option<(String, bool)> = sqlx::query_as(
            "SELECT d.data, c.sha256 IS NOT NULL AND c.sha256 = d.document_hash \
             FROM documenten d LEFT JOIN gecachte_documenten c ON c.document_id = d.id WHERE d.id = ?",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(data, cached)| {
            Ok(DocumentItem {
                document: from_json(&data)?,
                cached,
            })
        })
        .transpose()
    }

    /// One actieverzoek with its berichten (oldest first).
    pub async fn actieverzoek(&self, id: Uuid) -> Result<Option<ActieverzoekItem>> {
        let id = id.to_string();
        let mut tx = self.pool().begin().await?;
        let Some(data): Option<String> =
            sqlx::query_scalar("SELECT data FROM actieverzoeken WHERE id = ?")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(None);
        };
        let berichten = sqlx::query_scalar::<_, String>(
            "SELECT data FROM berichten WHERE actieverzoek_id = ? ORDER BY creatie, id",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|d| from_json(d))
        .collect::<Result<Vec<_>>>()?;
        tx.commit().await?;
        Ok(Some(ActieverzoekItem {
            actieverzoek: from_json(&data)?,
            berichten,
        }))
    }

    /// Notificaties across samenwerkingen (or of one), newest first.
    pub async fn notificaties(&self, filter: &NotificatieFilter) -> Result<NotificatiePage> {
        let where_clause = |qb: &mut QueryBuilder<'_, Sqlite>| {
            qb.push(" FROM notificaties n WHERE 1 = 1");
            if let Some(sid) = &filter.samenwerking_id {
                qb.push(" AND n.samenwerking_id = ").push_bind(sid.clone());
            }
            if filter.alleen_ongelezen {
                qb.push(
                    " AND NOT EXISTS (SELECT 1 FROM lokaal.gelezen g WHERE g.notificatie_id = n.id)",
                );
            }
        };
        let mut tx = self.pool().begin().await?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*)");
        where_clause(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT n.data, EXISTS (SELECT 1 FROM lokaal.gelezen g WHERE g.notificatie_id = n.id)",
        );
        where_clause(&mut q);
        q.push(" ORDER BY n.datum DESC, n.id DESC LIMIT ")
            .push_bind(i64::from(filter.limit))
            .push(" OFFSET ")
            .push_bind(i64::from(filter.offset));
        let rows: Vec<(String, bool)> = q.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok(NotificatiePage {
            items: rows
                .into_iter()
                .map(notificatie_item)
                .collect::<Result<Vec<_>>>()?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Rows per table.
    pub async fn stats(&self) -> Result<MirrorStats> {
        let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM samenwerkingen), (SELECT COUNT(*) FROM deelnemers), \
               (SELECT COUNT(*) FROM documenten), (SELECT COUNT(*) FROM gecachte_documenten), \
               (SELECT COUNT(*) FROM actieverzoeken), (SELECT COUNT(*) FROM berichten), \
               (SELECT COUNT(*) FROM notificaties), (SELECT COUNT(*) FROM lokaal.gelezen), \
               (SELECT COUNT(*) FROM lokaal.attenderingen)",
        )
        .fetch_one(self.pool())
        .await?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(MirrorStats {
            samenwerkingen: n(row.0),
            deelnemers: n(row.1),
            documenten: n(row.2),
            gecachte_documenten: n(row.3),
            actieverzoeken: n(row.4),
            berichten: n(row.5),
            notificaties: n(row.6),
            gelezen: n(row.7),
            attenderingen: n(row.8),
        })
    }
}

fn notificatie_item((data, gelezen): (String, bool)) -> Result<NotificatieItem> {
    Ok(NotificatieItem {
        notificatie: from_json(&data)?,
        gelezen,
    })
}

fn overview_item(r: OverviewRow) -> Result<OverviewItem> {
    let count = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(OverviewItem {
        status: SamenwerkingStatus::from_wire(&r.3)
            .ok_or_else(|| decode_error(format!("status {:?}", r.3)))?,
        mijn_rol: r
            .4
            .as_deref()
            .map(|s| Rol::from_wire(s).ok_or_else(|| decode_error(format!("rol {s:?}"))))
            .transpose()?,
        laatst_aangepast: parse_ts(&r.5)?,
        laatste_activiteit: parse_ts(&r.6)?,
        partners: from_json(&r.7)?,
        open_inkomend: count(r.8),
        open_uitgaand: count(r.9),
        ongelezen_notificaties: count(r.10),
        samenwerking_id: r.0,
        titel: r.1,
        verzoeknummer: r.2,
    })
}
