//! Local-only state (schema `lokaal` = local.sqlite) and the document file cache.
use super::apply::{refresh_touched, uuid_strings, Apply};
use super::types::*;
use super::{decode_error, ts, Mirror};
use crate::error::{ClientError, Result};
use chrono::Utc;
use swf_domain::Oin;
use uuid::Uuid;

impl Mirror {
    pub async fn account(&self) -> Result<Option<Account>> {
        #[allow(clippy::type_complexity)]
        let row: Option<(String, Option<String>, Option<String>, String, String, bool)> =
            sqlx::query_as(
                "SELECT service_url, gebruikersnaam, naam, oin, organisatie_naam, remember \
                 FROM lokaal.account WHERE id = 1",
            )
            .fetch_optional(self.pool())
            .await?;
        row.map(
            |(service_url, gebruikersnaam, naam, oin, organisatie_naam, remember)| {
                Ok(Account {
                    service_url,
                    gebruikersnaam,
                    naam,
                    oin: Oin::parse(&oin).map_err(|e| decode_error(format!("oin {oin:?}: {e}")))?,
                    organisatie_naam,
                    remember,
                })
            },
        )
        .transpose()
    }

    pub async fn set_account(&self, account: &Account) -> Result<()> {
        sqlx::query(
            "INSERT INTO lokaal.account (id, service_url, gebruikersnaam, naam, oin, organisatie_naam, remember) \
             VALUES (1, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET service_url = excluded.service_url, \
               gebruikersnaam = excluded.gebruikersnaam, naam = excluded.naam, oin = excluded.oin, \
               organisatie_naam = excluded.organisatie_naam, remember = excluded.remember",
        )
        .bind(&account.service_url)
        .bind(&account.gebruikersnaam)
        .bind(&account.naam)
        .bind(account.oin.as_str())
        .bind(&account.organisatie_naam)
        .bind(account.remember)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub async fn clear_account(&self) -> Result<()> {
        sqlx::query("DELETE FROM lokaal.account")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT waarde FROM lokaal.instellingen WHERE sleutel = ?")
                .bind(key)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO lokaal.instellingen (sleutel, waarde) VALUES (?, ?) \
             ON CONFLICT (sleutel) DO UPDATE SET waarde = excluded.waarde",
        )
        .bind(key)
        .bind(value)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Mark notificaties as read (kept when the cache is cleared or rebuilt) and update the
    /// unread counters. Returns what changed for the app.
    pub async fn mark_gelezen(&self, ids: &[Uuid]) -> Result<Changed> {
        let now = ts(&Utc::now());
        let mut tx = self.begin_write().await?;
        let mut cx = Apply::default();
        for id in uuid_strings(ids) {
            let done = sqlx::query(
                "INSERT INTO lokaal.gelezen (notificatie_id, gelezen_op) VALUES (?, ?) \
                 ON CONFLICT (notificatie_id) DO NOTHING",
            )
            .bind(&id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                continue;
            }
            let sid: Option<String> =
                sqlx::query_scalar("SELECT samenwerking_id FROM notificaties WHERE id = ?")
                    .bind(&id)
                    .fetch_optional(&mut *tx)
                    .await?;
            cx.changes.add(ChangeKind::Notificatie, id);
            cx.touched.extend(sid);
        }
        refresh_touched(&mut tx, &mut cx).await?;
        tx.commit().await?;
        Ok(cx.changes.into_changed())
    }

    /// Keep (or stop keeping) a samenwerking's documents on this machine. Returns what changed
    /// for the app: the samenwerking, when its setting actually changed.
    pub async fn set_offline_beschikbaar(
        &self,
        samenwerking_id: &str,
        on: bool,
    ) -> Result<Changed> {
        let done = if on {
            sqlx::query(
                "INSERT INTO lokaal.offline_beschikbaar (samenwerking_id, sinds) VALUES (?, ?) \
                 ON CONFLICT (samenwerking_id) DO NOTHING",
            )
            .bind(samenwerking_id)
            .bind(ts(&Utc::now()))
            .execute(self.pool())
            .await?
        } else {
            sqlx::query("DELETE FROM lokaal.offline_beschikbaar WHERE samenwerking_id = ?")
                .bind(samenwerking_id)
                .execute(self.pool())
                .await?
        };
        let mut changes = ChangeSet::default();
        if done.rows_affected() > 0 {
            changes.add(ChangeKind::Samenwerking, samenwerking_id);
        }
        Ok(changes.into_changed())
    }

    /// Samenwerkingen marked "offline beschikbaar", sorted.
    pub async fn offline_beschikbaar(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT samenwerking_id FROM lokaal.offline_beschikbaar ORDER BY samenwerking_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Record that `document_cache_path(id)` now holds the checked bytes of the document.
    /// `NotFound` when the document is not (or no longer) in the mirror.
    pub async fn record_cached_document(&self, id: Uuid, sha256: &str, size: u64) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO gecachte_documenten (document_id, sha256, grootte, opgeslagen_op) \
             SELECT id, ?2, ?3, ?4 FROM documenten WHERE id = ?1 \
             ON CONFLICT (document_id) DO UPDATE SET sha256 = excluded.sha256, \
               grootte = excluded.grootte, opgeslagen_op = excluded.opgeslagen_op",
        )
        .bind(id.to_string())
        .bind(sha256.to_ascii_lowercase())
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(ts(&Utc::now()))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(ClientError::NotFound(format!(
                "document {id} in de lokale kopie"
            )));
        }
        Ok(())
    }

    /// The cached bytes of a document, if they are on disk. A row whose file is gone is
    /// dropped.
    pub async fn cached_document(&self, id: Uuid) -> Result<Option<CachedDocument>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT sha256, grootte FROM gecachte_documenten WHERE document_id = ?")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        let Some((sha256, size)) = row else {
            return Ok(None);
        };
        let path = self.document_cache_path(id);
        if !path.is_file() {
            sqlx::query("DELETE FROM gecachte_documenten WHERE document_id = ?")
                .bind(id.to_string())
                .execute(self.pool())
                .await?;
            return Ok(None);
        }
        Ok(Some(CachedDocument {
            path,
            sha256,
            size: u64::try_from(size).unwrap_or(0),
        }))
    }
}
