//! The record of archives made (`lokaal.archieven`, migration 0005): written after an archive
//! got its final name, never removed with the samenwerking.
use super::{parse_ts, ts, Mirror};
use crate::error::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One archive this installation made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ArchiefRegel {
    pub id: i64,
    pub samenwerking_id: String,
    /// The samenwerking's title when it was archived.
    pub titel: String,
    pub gemaakt_op: DateTime<Utc>,
    /// The bag folder, or the `.zip`.
    pub pad: String,
    pub zip: bool,
    /// Bytes on disk: the zip, or all files of the bag folder.
    pub grootte: u64,
    /// SHA-256 (hex) of the zip; for a folder, of its `tagmanifest-sha256.txt`.
    pub sha256: String,
    /// The samenwerking's last change that the archive holds.
    pub laatste_wijziging: DateTime<Utc>,
    /// Made by the automatic archive setting.
    pub automatisch: bool,
}

/// What [`Mirror::record_archief`] stores (the id is given by the table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NieuwArchiefRegel {
    pub samenwerking_id: String,
    pub titel: String,
    pub gemaakt_op: DateTime<Utc>,
    pub pad: String,
    pub zip: bool,
    pub grootte: u64,
    pub sha256: String,
    pub laatste_wijziging: DateTime<Utc>,
    pub automatisch: bool,
}

type Rij = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    bool,
);

const KOLOMMEN: &str = "id, samenwerking_id, titel, gemaakt_op, pad, soort, grootte, sha256, \
                        laatste_wijziging, automatisch";

fn regel(r: Rij) -> Result<ArchiefRegel> {
    Ok(ArchiefRegel {
        id: r.0,
        samenwerking_id: r.1,
        titel: r.2,
        gemaakt_op: parse_ts(&r.3)?,
        pad: r.4,
        zip: r.5 == "zip",
        grootte: u64::try_from(r.6).unwrap_or(0),
        sha256: r.7,
        laatste_wijziging: parse_ts(&r.8)?,
        automatisch: r.9,
    })
}

impl Mirror {
    /// Record an archive made; returns the stored record.
    pub async fn record_archief(&self, n: &NieuwArchiefRegel) -> Result<ArchiefRegel> {
        let grootte = i64::try_from(n.grootte).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO lokaal.archieven (samenwerking_id, titel, gemaakt_op, pad, soort, \
               grootte, sha256, laatste_wijziging, automatisch) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&n.samenwerking_id)
        .bind(&n.titel)
        .bind(ts(&n.gemaakt_op))
        .bind(&n.pad)
        .bind(if n.zip { "zip" } else { "map" })
        .bind(grootte)
        .bind(&n.sha256)
        .bind(ts(&n.laatste_wijziging))
        .bind(n.automatisch)
        .fetch_one(self.pool())
        .await?;
        Ok(ArchiefRegel {
            id,
            samenwerking_id: n.samenwerking_id.clone(),
            titel: n.titel.clone(),
            // as stored (microseconds), so it equals what a later read gives
            gemaakt_op: parse_ts(&ts(&n.gemaakt_op))?,
            pad: n.pad.clone(),
            zip: n.zip,
            grootte: n.grootte,
            sha256: n.sha256.clone(),
            laatste_wijziging: parse_ts(&ts(&n.laatste_wijziging))?,
            automatisch: n.automatisch,
        })
    }

    /// The archives made of one samenwerking (`Some`) or of all (`None`), newest first.
    pub async fn archieven(&self, samenwerking_id: Option<&str>) -> Result<Vec<ArchiefRegel>> {
        let rijen: Vec<Rij> = match samenwerking_id {
            Some(sid) => {
                sqlx::query_as(&format!(
                    "SELECT {KOLOMMEN} FROM lokaal.archieven WHERE samenwerking_id = ? \
                     ORDER BY gemaakt_op DESC, id DESC"
                ))
                .bind(sid)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query_as(&format!(
                    "SELECT {KOLOMMEN} FROM lokaal.archieven ORDER BY gemaakt_op DESC, id DESC"
                ))
                .fetch_all(self.pool())
                .await?
            }
        };
        rijen.into_iter().map(regel).collect()
    }

    /// Every samenwerking in the mirror (ids).
    pub async fn overview_ids(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM samenwerkingen ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// The samenwerkingen of these notificaties (ids as in [`super::Changed`]).
    pub async fn samenwerkingen_van_notificaties(&self, ids: &[String]) -> Result<Vec<String>> {
        let mut uit = Vec::new();
        for id in ids {
            let sid: Option<String> =
                sqlx::query_scalar("SELECT samenwerking_id FROM notificaties WHERE id = ?")
                    .bind(id)
                    .fetch_optional(self.pool())
                    .await?;
            if let Some(s) = sid {
                if !uit.contains(&s) {
                    uit.push(s);
                }
            }
        }
        Ok(uit)
    }
}
