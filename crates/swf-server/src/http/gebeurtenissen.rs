//! The change feed (extension): `GET /gebeurtenissen?na=&limit=` and the live stream
//! `GET /gebeurtenissen/stream` (Server-Sent Events, resumes from `Last-Event-ID`). What the
//! feed holds and why its order is safe: `service::gebeurtenissen`.
use super::{Params, Q};
use crate::app::{AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::{Ctx, FeedReader};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use swf_domain::Gebeurtenis;

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
pub(super) async fn list(State(st): State<AppState>, c: Caller, Q(q): Q) -> ApiResult<Response> {
    let na = cursor_param(q.get("na"), "na")?;
    let limit = limit(&q)?;
    let body = Ctx::new(&st, &c).gebeurtenissen(na, limit).await?;
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

struct Live {
    reader: FeedReader,
    cursor: i64,
    buffer: VecDeque<Gebeurtenis>,
    changes: tokio::sync::watch::Receiver<u64>,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// Counts this stream as open until it ends.
    _open: crate::metrics::OpenStream,
}

/// The live feed as Server-Sent Events: `id` = volgnummer, `event: gebeurtenis`, `data` = the
/// event as JSON. Resumes after `Last-Event-ID` (or `na`); without either, from now on. Ends
/// when the service shuts down (the client reconnects with its last id) and when the token
/// stops working (the reconnect then gets 401).
pub(super) async fn stream(
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
    let ctx = Ctx::new(&st, &c);
    let head = ctx.feed_head(na).await?;
    let reader = ctx.feed_reader();
    let shutdown = st.shutdown.clone();
    // the stream ends when its token stops working (sign-out, revocation, expiry, a disabled
    // user); the client's next request then gets 401
    let token_ends = crate::limits::token_ends(st.clone(), c.token_hash.clone(), c.verloopt);
    let live = Live {
        changes: reader.changes(),
        reader,
        cursor: na.unwrap_or(head),
        buffer: VecDeque::new(),
        metrics: st.metrics.clone(),
        _open: st.metrics.stream_opened(),
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
            let lag = chrono::Utc::now() - g.datum_tijd;
            l.metrics
                .feed_delivered(lag.num_microseconds().unwrap_or(0) as f64 / 1e6);
            let data = serde_json::to_string(&g).ok()?;
            let ev = Event::default()
                .id(g.volgnummer.to_string())
                .event("gebeurtenis")
                .data(data);
            return Some((Ok(ev), l));
        }
        // mark the current change count as seen before reading, so a commit that lands
        // between the read and the wait still wakes us
        let tick = *l.changes.borrow_and_update();
        match l.reader.after_shared(l.cursor, DEFAULT_LIMIT, tick).await {
            Ok((events, Some(last))) => {
                l.cursor = last;
                l.buffer.extend(events);
                continue;
            }
            Ok((_, None)) => {}
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
