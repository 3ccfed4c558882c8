//! Answers to requests whose body the handler did not read to the end: an upload refused with
//! 403, 413, 415 or 400 before its bytes were read, a 401 or 404 to a request with a body.
//!
//! Left to itself, hyper sends such an answer as a keep-alive answer and only afterwards finds
//! body bytes it cannot skip; it then closes the connection. The client, told nothing, puts
//! the connection back in its pool and its next request fails with "connection closed before
//! message completed" (issue 10, item 1). This layer settles the body before the answer leaves:
//!
//! - a small remainder (at most [`INLINE_DRAIN_BYTES`], arriving within [`INLINE_DRAIN_TIME`])
//!   is read and discarded, so the connection stays usable;
//! - otherwise the answer says `Connection: close` (hyper closes after it, and no client reuses
//!   the connection), and the rest of the body is read and discarded in the background for at
//!   most [`LINGER_TIME`] and [`LINGER_BYTES`], so a client that is still sending receives the
//!   answer instead of a connection reset.
//!
//! Requests without a body (no `Content-Length` above 0, no `Transfer-Encoding`) and HTTP/2
//! requests pass untouched.
use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Version};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

/// A remainder up to this size is read before answering (the connection stays open).
pub const INLINE_DRAIN_BYTES: u64 = 256 * 1024;
/// How long the answer may wait for that remainder.
pub const INLINE_DRAIN_TIME: Duration = Duration::from_secs(2);
/// After a `Connection: close` answer, at most this much more is read and discarded …
pub const LINGER_BYTES: u64 = 64 * 1024 * 1024;
/// … for at most this long; then the connection is dropped.
pub const LINGER_TIME: Duration = Duration::from_secs(10);

/// The request body, shared between the handler's view of it and this layer.
struct Shared {
    inner: Option<BodyDataStream>,
    seen: u64,
    ended: bool,
}

impl Shared {
    fn complete(&self, length: Option<u64>) -> bool {
        self.ended || length.is_some_and(|n| self.seen >= n)
    }
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The body as the handler sees it: every byte it reads is counted.
struct Counted(Arc<Mutex<Shared>>);

impl Stream for Counted {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut s = lock(&self.0);
        let Some(inner) = s.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let next = inner.poll_next_unpin(cx);
        match &next {
            Poll::Ready(Some(Ok(b))) => s.seen = s.seen.saturating_add(b.len() as u64),
            Poll::Ready(None) => s.ended = true,
            _ => {}
        }
        next
    }
}

fn content_length(h: &HeaderMap) -> Option<u64> {
    h.get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Read and discard until the end (`true`), more than `max` bytes, or an error (`false`).
async fn drain(body: &mut BodyDataStream, max: u64) -> bool {
    let mut read = 0u64;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(b) => {
                read = read.saturating_add(b.len() as u64);
                if read > max {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// The middleware (`axum::middleware::from_fn(unread_body::settle)`).
pub async fn settle(req: Request, next: Next) -> Response {
    let length = content_length(req.headers());
    let has_body =
        req.headers().contains_key(header::TRANSFER_ENCODING) || length.is_some_and(|n| n > 0);
    // HTTP/2 ends an unread body with a stream reset; the connection is not affected
    if !has_body || req.version() >= Version::HTTP_2 {
        return next.run(req).await;
    }
    let expects_continue = req
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = req.into_parts();
    let shared = Arc::new(Mutex::new(Shared {
        inner: Some(body.into_data_stream()),
        seen: 0,
        ended: false,
    }));
    let req = Request::from_parts(parts, Body::from_stream(Counted(shared.clone())));
    let mut resp = next.run(req).await;

    let (rest, seen) = {
        let mut s = lock(&shared);
        if s.complete(length) {
            return resp;
        }
        (s.inner.take(), s.seen)
    };
    let Some(mut rest) = rest else {
        return resp;
    };
    // a client waiting for "100 Continue" has sent no body: nothing to read, just close
    let sent_nothing_yet = expects_continue && seen == 0;
    if !sent_nothing_yet {
        if let Some(n) = length {
            if n.saturating_sub(seen) <= INLINE_DRAIN_BYTES
                && matches!(
                    tokio::time::timeout(INLINE_DRAIN_TIME, drain(&mut rest, INLINE_DRAIN_BYTES))
                        .await,
                    Ok(true)
                )
            {
                return resp;
            }
        }
    }
    tracing::debug!(
        status = resp.status().as_u16(),
        seen,
        length,
        "request body left unread: answering with Connection: close"
    );
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    if !sent_nothing_yet {
        tokio::spawn(async move {
            let _ = tokio::time::timeout(LINGER_TIME, drain(&mut rest, LINGER_BYTES)).await;
        });
    }
    resp
}
