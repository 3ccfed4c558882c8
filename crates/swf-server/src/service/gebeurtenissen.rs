//! The change feed (extension, D21): an organisation's events in order, for a page
//! (`GET /gebeurtenissen`) and for the live stream.
//!
//! Every write transaction appends, in the same transaction, one event per organisation that is
//! entitled to learn of it (see [`feed`](super::feed)). Volgnummers come from one AUTOINCREMENT
//! column written by the single writer connection, so they are assigned in commit order: a
//! reader that has seen volgnummer N has seen every event ≤ N of its organisation.
use super::*;
use crate::store::GebeurtenisRow;
use axum::http::StatusCode;

fn gone(detail: String) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "cursor-verlopen",
        "Positie niet meer beschikbaar",
        detail,
    )
}

fn present(r: GebeurtenisRow) -> Option<Gebeurtenis> {
    Some(Gebeurtenis {
        volgnummer: r.volgnummer,
        // a kind this build does not know (written by a newer one) is skipped, not fatal
        soort: GebeurtenisSoort::from_wire(&r.soort)?,
        samenwerking_id: r.samenwerking_id,
        object_id: r.object_id,
        datum_tijd: to_dt(r.tijd),
    })
}

impl<'a> Ctx<'a> {
    /// Check a cursor against the feed's bounds (410 when pruned past or unknown); returns the
    /// head.
    pub async fn feed_head(&self, na: Option<i64>) -> ApiResult<i64> {
        let (floor, head) = self.st.store.feed_bounds().await?;
        if let Some(n) = na {
            if n < floor {
                return Err(gone(format!(
                    "gebeurtenissen tot en met {floor} zijn opgeruimd (bewaartermijn {} dagen); synchroniseer opnieuw volledig",
                    self.st.config.feed_retention_days
                )));
            }
            if n > head {
                return Err(gone(format!(
                    "volgnummer {n} is onbekend (de feed staat op {head}); synchroniseer opnieuw volledig"
                )));
            }
        }
        Ok(head)
    }

    /// One page of the caller's feed after `na`, at most `limit` events. Without `na`: an
    /// empty page whose `volgende` is the head, i.e. "from now on".
    pub async fn gebeurtenissen(&self, na: Option<i64>, limit: i64) -> ApiResult<Gebeurtenissen> {
        // the head is read before the events: every event of the caller up to it is then either
        // in the page or after the page's last one, so advancing an empty page to it skips
        // nothing
        let head = self.feed_head(na).await?;
        Ok(match na {
            None => Gebeurtenissen {
                gebeurtenissen: vec![],
                volgende: head,
                meer: false,
            },
            Some(na) => {
                let rows = self
                    .st
                    .store
                    .list_gebeurtenissen(self.me(), na, limit + 1)
                    .await?;
                let meer = rows.len() as i64 > limit;
                let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
                let last = rows.last().map(|r| r.volgnummer).unwrap_or(na);
                Gebeurtenissen {
                    gebeurtenissen: rows.into_iter().filter_map(present).collect(),
                    volgende: if meer { last } else { last.max(head) },
                    meer,
                }
            }
        })
    }

    /// A reader of the caller's feed for a live stream, which outlives this request.
    pub fn feed_reader(&self) -> FeedReader {
        FeedReader {
            st: self.st.clone(),
            oin: self.me().to_owned(),
        }
    }
}

/// Reads one organisation's feed for as long as a live stream runs.
pub struct FeedReader {
    st: AppState,
    oin: String,
}

impl FeedReader {
    /// Ticks after every committed write of this process.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.st.store.changes()
    }

    /// Events after `cursor` (at most `limit` read) and the next cursor, if anything was read.
    /// A store error is returned as it is: the stream ends, and the client reconnects.
    pub async fn after(
        &self,
        cursor: i64,
        limit: i64,
    ) -> crate::store::Result<(Vec<Gebeurtenis>, Option<i64>)> {
        let rows = self
            .st
            .store
            .list_gebeurtenissen(&self.oin, cursor, limit)
            .await?;
        let last = rows.last().map(|r| r.volgnummer);
        Ok((rows.into_iter().filter_map(present).collect(), last))
    }

    /// [`FeedReader::after`] for a live stream woken at change count `tick`: one database
    /// read for all of this organisation's streams at `cursor` in this round (D60), so an
    /// event for an organisation with thousands of open streams costs one query, not one per
    /// stream, and so does their once-a-second check.
    pub async fn after_shared(
        &self,
        cursor: i64,
        limit: i64,
        tick: u64,
    ) -> crate::store::Result<(Vec<Gebeurtenis>, Option<i64>)> {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        let second = START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs();
        let Some(cell) = self
            .st
            .feed_reads
            .read((tick, second), &self.oin, cursor, limit)
        else {
            return self.after(cursor, limit).await;
        };
        let (events, last) = cell
            .get_or_try_init(|| async {
                let (events, last) = self.after(cursor, limit).await?;
                Ok::<_, crate::store::StoreError>((std::sync::Arc::new(events), last))
            })
            .await?;
        Ok((events.as_ref().clone(), *last))
    }
}
