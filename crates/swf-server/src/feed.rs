//! The change feed (extension): `GET /gebeurtenissen?na=&limit=` and the live stream
//! `GET /gebeurtenissen/stream` (Server-Sent Events, resumes from `Last-Event-ID`).
//!
//! Every write transaction appends, in the same transaction, one event per organisation that is
//! entitled to learn of it (see `service::feed`). Volgnummers come from one AUTOINCREMENT
//! column written by the single writer connection, so they are assigned in commit order: a
//! reader that has seen volgnummer N has seen every event ≤ N of its organisation.
use crate::app::{to_dt, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::http::{Params, Q};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use swf_domain::{Gebeurtenis, GebeurtenisSoort, Gebeurtenissen};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;
/// How often a stream with nothing to send checks the database anyway (writes by another
/// process, e.g. an admin command, do not wake it).
const POLL: Duration = Duration::from_secs(1);

fn cursor_param(v: Option<&String>, name: &str) -> ApiResult<Option<i64>> {
    match v.map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Some(n)),
            _ => Err(ApiError::invalid_param(
                name,
                "ongeldige-cursor",
                "een volgnummer: een geheel getal vanaf 0",
            )),
        },
    }
}

fn gone(detail: String) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "cursor-verlopen",
        "Positie niet meer beschikbaar",
        detail,
    )
}

/// Check a cursor against the feed's bounds; returns the head.
async fn check(st: &AppState, na: Option<i64>) -> ApiResult<i64> {
    let (floor, head) = st.store.feed_bounds().await?;
    if let Some(n) = na {
        if n < floor {
            return Err(gone(format!(
                "gebeurtenissen tot en met {floor} zijn opgeruimd (bewaartermijn {} dagen); synchroniseer opnieuw volledig",
                st.config.feed_retention_days
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

fn present(r: crate::store::GebeurtenisRow) -> Option<Gebeurtenis> {
    Some(Gebeurtenis {
        volgnummer: r.volgnummer,
        // a kind this build does not know (written by a newer one) is skipped, not fatal
        soort: GebeurtenisSoort::from_wire(&r.soort)?,
        samenwerking_id: r.samenwerking_id,
        object_id: r.object_id,
        datum_tijd: to_dt(r.tijd),
    })
}

fn limit(q: &Params) -> ApiResult<i64> {
    match q.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid_param(
                "limit",
                "ongeldige-waarde",
                format!("een geheel getal van 1 tot en met {MAX_LIMIT}"),
            )),
        },
    }
}

/// One page of the caller's feed after `na`. Without `na`: an empty page whose `volgende` is
/// the head, i.e. "from now on".
pub async fn list(State(st): State<AppState>, c: Caller, Q(q): Q) -> ApiResult<Response> {
    let na = cursor_param(q.get("na"), "na")?;
    let limit = limit(&q)?;
    // the head is read before the events: every event of the caller up to it is then either in
    // the page or after the page's last one, so advancing an empty page to it skips nothing
    let head = check(&st, na).await?;
    let body = match na {
        None => Gebeurtenissen {
            gebeurtenissen: vec![],
            volgende: head,
            meer: false,
        },
        Some(na) => {
            let rows = st
                .store
                .list_gebeurtenissen(c.oin.as_str(), na, limit + 1)
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
    };
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

struct Live {
    st: AppState,
    oin: String,
    cursor: i64,
    buffer: VecDeque<Gebeurtenis>,
    changes: tokio::sync::watch::Receiver<u64>,
}

/// The live feed as Server-Sent Events: `id` = volgnummer, `event: gebeurtenis`, `data` = the
/// event as JSON. Resumes after `Last-Event-ID` (or `na`); without either, from now on. Ends
/// when the service shuts down (the client reconnects with its last id) and when the token
/// stops working (the reconnect then gets 401).
pub async fn stream(
    State(st): State<AppState>,
    c: Caller,
    headers: HeaderMap,
    Q(q): Q,
) -> ApiResult<Response> {
    let from_header = headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or("x").to_owned());
    let na = match &from_header {
        Some(v) => cursor_param(Some(v), "Last-Event-ID")?,
        None => cursor_param(q.get("na"), "na")?,
    };
    let head = check(&st, na).await?;
    let shutdown = st.shutdown.clone();
    // the stream ends when its token stops working (sign-out, revocation, expiry, a disabled
    // user); the client's next request then gets 401
    let token_ends = crate::limits::token_ends(st.clone(), c.token_hash.clone(), c.verloopt);
    let live = Live {
        changes: st.store.changes(),
        st,
        oin: c.oin.as_str().to_owned(),
        cursor: na.unwrap_or(head),
        buffer: VecDeque::new(),
    };
    let events = stream::unfold(live, next_event);
    let events = futures_util::StreamExt::take_until(events, shutdown.cancelled_owned());
    let events = futures_util::StreamExt::take_until(events, Box::pin(token_ends));
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

async fn next_event(mut l: Live) -> Option<(Result<Event, Infallible>, Live)> {
    loop {
        if let Some(g) = l.buffer.pop_front() {
            let data = serde_json::to_string(&g).ok()?;
            let ev = Event::default()
                .id(g.volgnummer.to_string())
                .event("gebeurtenis")
                .data(data);
            return Some((Ok(ev), l));
        }
        // mark the current change count as seen before reading, so a commit that lands
        // between the read and the wait still wakes us
        l.changes.borrow_and_update();
        match l
            .st
            .store
            .list_gebeurtenissen(&l.oin, l.cursor, DEFAULT_LIMIT)
            .await
        {
            Ok(rows) if !rows.is_empty() => {
                if let Some(last) = rows.last() {
                    l.cursor = last.volgnummer;
                }
                l.buffer.extend(rows.into_iter().filter_map(present));
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                // end the stream; the client reconnects from its last id
                tracing::warn!(error = %e, "live feed stopped");
                return None;
            }
        }
        tokio::select! {
            r = l.changes.changed() => if r.is_err() { return None },
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}
