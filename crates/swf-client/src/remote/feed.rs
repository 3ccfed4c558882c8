//! The organisation's change feed: pages (`GET /gebeurtenissen`) and the live stream
//! (`GET /gebeurtenissen/stream`, server-sent events).
use super::sse::SseParser;
use super::{Call, RemoteApi, Timeout};
use crate::error::{ClientError, Result};
use futures_util::Stream;
use std::collections::VecDeque;
use swf_domain::{Gebeurtenis, Gebeurtenissen};

/// The SSE event type that carries a [`Gebeurtenis`].
const EVENT: &str = "gebeurtenis";

impl RemoteApi {
    /// A page of the feed after cursor `na`. Without `na`: an empty page whose `volgende` is the
    /// feed's head (start following from now). A cursor older than the feed keeps gives
    /// `CursorExpired`: resync fully, then continue from the head.
    pub async fn gebeurtenissen(&self, na: Option<i64>, limit: u32) -> Result<Gebeurtenissen> {
        let call = Call::get("/gebeurtenissen")
            .query_opt("na", na)
            .query("limit", limit);
        let raw: RawPage = self.json(&call).await?;
        Ok(Gebeurtenissen {
            gebeurtenissen: raw
                .gebeurtenissen
                .into_iter()
                .filter_map(|v| readable(serde_json::from_value(v)))
                .collect(),
            volgende: raw.volgende,
            meer: raw.meer,
        })
    }

    /// Follow the feed live from cursor `na` (sent as `Last-Event-ID`). Connects on first poll.
    /// Yields events in order; ends after the first error: `CursorExpired` (410), any mapped
    /// HTTP error, `Protocol` for an event it cannot read, or `Offline` when the connection
    /// drops or stays silent longer than `stream_idle_timeout`. There is no overall time limit.
    /// Reconnect with the last `volgnummer` seen.
    pub fn stream(
        &self,
        na: Option<i64>,
    ) -> impl Stream<Item = Result<Gebeurtenis>> + Send + 'static {
        events(StreamState::Connect {
            api: self.clone(),
            na,
        })
    }

    /// Like [`RemoteApi::stream`], but connects first: `Ok` means the service accepted the
    /// stream (the caller is live from here on); a refusal (`CursorExpired`, `Offline`, …)
    /// comes back at once.
    pub async fn connect_stream(
        &self,
        na: Option<i64>,
    ) -> Result<impl Stream<Item = Result<Gebeurtenis>> + Send + 'static> {
        let resp = self.send_once_for_stream(&stream_call(na)).await?;
        tracing::debug!(na, "change stream connected");
        Ok(events(StreamState::Reading(Box::new(Reading {
            idle: self.inner.config.stream_idle_timeout,
            resp,
            parser: SseParser::new(),
            queue: VecDeque::new(),
        }))))
    }
}

fn stream_call(na: Option<i64>) -> Call {
    let mut call = Call::get("/gebeurtenissen/stream")
        .header("accept", "text/event-stream")
        .timeout(Timeout::HeadOnly);
    if let Some(n) = na {
        call = call.header("last-event-id", n.to_string());
    }
    call
}

fn events(state: StreamState) -> impl Stream<Item = Result<Gebeurtenis>> + Send + 'static {
    futures_util::stream::unfold(state, |state| async move {
        let mut state = state;
        loop {
            match state {
                StreamState::Done => return None,
                StreamState::Connect { api, na } => {
                    // one attempt: the caller decides when to reconnect
                    match api.send_once_for_stream(&stream_call(na)).await {
                        Ok(resp) => {
                            tracing::debug!(na, "change stream connected");
                            state = StreamState::Reading(Box::new(Reading {
                                idle: api.inner.config.stream_idle_timeout,
                                resp,
                                parser: SseParser::new(),
                                queue: VecDeque::new(),
                            }));
                        }
                        Err(e) => return Some((Err(e), StreamState::Done)),
                    }
                }
                StreamState::Reading(mut r) => {
                    if let Some(item) = r.queue.pop_front() {
                        let next = if item.is_ok() {
                            StreamState::Reading(r)
                        } else {
                            StreamState::Done
                        };
                        return Some((item, next));
                    }
                    let chunk = match r.idle {
                        Some(idle) => match tokio::time::timeout(idle, r.resp.chunk()).await {
                            Ok(c) => c,
                            Err(_) => {
                                return Some((
                                    Err(ClientError::Offline(
                                        "de wijzigingen-stroom bleef te lang stil".into(),
                                    )),
                                    StreamState::Done,
                                ))
                            }
                        },
                        None => r.resp.chunk().await,
                    };
                    match chunk {
                        Ok(Some(bytes)) => match r.parser.feed(&bytes) {
                            Ok(events) => {
                                for ev in events {
                                    if ev.event != EVENT {
                                        continue;
                                    }
                                    if let Some(g) = readable(serde_json::from_str(&ev.data)) {
                                        r.queue.push_back(Ok(g));
                                    }
                                }
                                state = StreamState::Reading(r);
                            }
                            Err(_) => {
                                return Some((
                                    Err(ClientError::Protocol(
                                        "de wijzigingen-stroom stuurt een regel zonder einde"
                                            .into(),
                                    )),
                                    StreamState::Done,
                                ))
                            }
                        },
                        Ok(None) => {
                            return Some((
                                Err(ClientError::Offline(
                                    "de wijzigingen-stroom is door de service gesloten".into(),
                                )),
                                StreamState::Done,
                            ))
                        }
                        Err(e) => return Some((Err(super::offline(&e)), StreamState::Done)),
                    }
                }
            }
        }
    })
}

impl RemoteApi {
    /// One attempt through the breaker, no retries; checks the content type.
    async fn send_once_for_stream(&self, call: &Call) -> Result<reqwest::Response> {
        let resp = match self.send_once(call).await {
            Ok(r) => r,
            Err(f) => return Err(f.error),
        };
        let ct = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ct.starts_with("text/event-stream") {
            return Err(ClientError::Protocol(format!(
                "de wijzigingen-stroom antwoordde met '{ct}' in plaats van text/event-stream"
            )));
        }
        Ok(resp)
    }
}

#[derive(serde::Deserialize)]
struct RawPage {
    #[serde(default)]
    gebeurtenissen: Vec<serde_json::Value>,
    volgende: i64,
    #[serde(default)]
    meer: bool,
}

/// An event this build cannot read (a kind added by a newer service) is skipped with a
/// warning rather than failing the page or the stream: failing would make a reconnect from the
/// same cursor fail again, forever. The cursor still moves past it (`volgende`, later ids).
fn readable(r: serde_json::Result<Gebeurtenis>) -> Option<Gebeurtenis> {
    match r {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(error = %e, "skipping a feed event this client cannot read");
            None
        }
    }
}

enum StreamState {
    Connect { api: RemoteApi, na: Option<i64> },
    Reading(Box<Reading>),
    Done,
}

struct Reading {
    idle: Option<std::time::Duration>,
    resp: reqwest::Response,
    parser: SseParser,
    queue: VecDeque<Result<Gebeurtenis>>,
}
