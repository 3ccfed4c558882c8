//! Local-only record of OS notifications (`lokaal.attenderingen`): which dedupe keys were
//! claimed, so nothing is shown twice by a restart, a full resync or a second process.
use super::{ts, Mirror};
use crate::error::Result;
use chrono::Utc;
use std::collections::HashSet;

/// One key to claim (see [`Mirror::claim_attenderingen`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// `<soort>:<object id>:<status>`.
    pub sleutel: String,
    pub soort: String,
    pub object_id: String,
    pub status: String,
    /// Recorded without being shown (old history, or the kind is switched off).
    pub stil: bool,
}

/// Object ids per query (well under SQLite's parameter limit).
const CHUNK: usize = 400;

impl Mirror {
    /// Claim these keys in one transaction; returns the keys that were not claimed before, in
    /// the given order. Only the process that gets a key back may show its notification: two
    /// processes claiming the same key at once get it back in exactly one of them.
    pub async fn claim_attenderingen(&self, claims: &[Claim]) -> Result<Vec<String>> {
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let now = ts(&Utc::now());
        let mut tx = self.begin_write().await?;
        let mut new = Vec::new();
        for c in claims {
            let won: Option<String> = sqlx::query_scalar(
                "INSERT INTO lokaal.attenderingen \
                   (sleutel, soort, object_id, status, stil, vastgelegd_op) \
                 VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (sleutel) DO NOTHING RETURNING sleutel",
            )
            .bind(&c.sleutel)
            .bind(&c.soort)
            .bind(&c.object_id)
            .bind(&c.status)
            .bind(c.stil)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?;
            new.extend(won);
        }
        tx.commit().await?;
        Ok(new)
    }

    /// Forget claimed keys (an object left the status the key names, so coming back to it is
    /// news again). Returns how many were removed.
    pub async fn release_attenderingen(&self, sleutels: &[String]) -> Result<u64> {
        if sleutels.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for s in sleutels {
            n += sqlx::query("DELETE FROM lokaal.attenderingen WHERE sleutel = ?")
                .bind(s)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(n)
    }

    /// The claimed keys of these objects.
    pub async fn attenderingen_for(&self, object_ids: &[String]) -> Result<HashSet<String>> {
        let mut found = HashSet::new();
        for chunk in object_ids.chunks(CHUNK) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql =
                format!("SELECT sleutel FROM lokaal.attenderingen WHERE object_id IN ({marks})");
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            found.extend(q.fetch_all(self.pool()).await?);
        }
        Ok(found)
    }
}
