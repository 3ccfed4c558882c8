//! Limits that keep one client from exhausting the service: concurrent password checks, the
//! pace of request bodies, and the lifetime of a live stream whose token stops being valid.
//! Defaults and reasons: `docs/decisions.md`, D30.
use crate::app::{now_us, AppState};
use crate::config::Config;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{broadcast, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// Shared limits of one running service.
pub struct Limits {
    /// Slots for password checks (argon2 takes 19 MiB and a core for tens of milliseconds).
    pub password_checks: Arc<Semaphore>,
    /// How long a sign-in waits for a slot before it is answered 503.
    pub password_wait: Duration,
    password_checks_total: usize,
    /// Hashes of tokens revoked by this process (sign-out): open streams with them end at once.
    revoked: broadcast::Sender<String>,
    /// argon2 working memory, at most one buffer per slot, reused from check to check.
    password_memory: std::sync::Mutex<Vec<Vec<argon2::Block>>>,
}

impl Limits {
    pub fn new(config: &Config) -> Self {
        Limits {
            password_checks: Arc::new(Semaphore::new(config.password_check_slots())),
            password_checks_total: config.password_check_slots(),
            password_wait: Duration::from_millis(config.password_check_wait_ms),
            revoked: broadcast::channel(256).0,
            password_memory: Default::default(),
        }
    }

    /// A buffer for one password check (empty the first time: the check sizes it).
    pub fn take_password_memory(&self) -> Vec<argon2::Block> {
        self.password_memory
            .lock()
            .map(|mut p| p.pop().unwrap_or_default())
            .unwrap_or_default()
    }

    pub fn return_password_memory(&self, memory: Vec<argon2::Block>) {
        if let Ok(mut p) = self.password_memory.lock() {
            if p.len() < self.password_checks_total {
                p.push(memory);
            }
        }
    }

    /// Tell the open streams of this process that a token no longer works.
    pub fn token_revoked(&self, hash: &str) {
        // no receiver (no open stream) is not an error
        let _ = self.revoked.send(hash.to_owned());
    }
}

/// Resolves when the token with `hash` stops working: revoked by this process (at once), or
/// revoked elsewhere, expired, or its user disabled (at the next re-check, every
/// `stream_recheck_secs`, or at its expiry time, whichever comes first).
pub async fn token_ends(st: AppState, hash: String, verloopt: Option<i64>) {
    let mut revoked = st.limits.revoked.subscribe();
    let every = Duration::from_secs(st.config.stream_recheck_secs.max(1));
    let mut verloopt = verloopt;
    let mut next_check = Instant::now() + every;
    loop {
        let until_expiry = verloopt.map(|v| {
            Instant::now() + Duration::from_micros(v.saturating_sub(now_us()).max(0) as u64)
        });
        let wake = until_expiry.map_or(next_check, |e| e.min(next_check));
        tokio::select! {
            r = revoked.recv() => match r {
                Ok(h) if h == hash => return,
                Ok(_) => continue,
                // missed some: look the token up now
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                // cannot happen while the service lives; wait for the timer all the same
                Err(broadcast::error::RecvError::Closed) => tokio::time::sleep_until(wake).await,
            },
            _ = tokio::time::sleep_until(wake) => {}
        }
        next_check = Instant::now() + every;
        match st.store.find_token(&hash).await {
            Ok(Some(id)) if id.verloopt.is_none_or(|v| v > now_us()) => verloopt = id.verloopt,
            Ok(_) => {
                st.token_cache.write().await.remove(&hash);
                return;
            }
            // the database is unavailable: keep the stream, look again at the next check
            Err(e) => tracing::warn!(error = %e, "could not re-check a stream's token"),
        }
    }
}

/// The pace a request body must keep.
#[derive(Clone)]
pub struct BodyPace {
    /// Bytes that must arrive in each window.
    per_window: u64,
    window: Duration,
    max_total: Duration,
    /// Cancelled at the shutdown deadline: every body still arriving is cut off.
    cut: CancellationToken,
}

impl BodyPace {
    pub fn new(config: &Config, cut: CancellationToken) -> Self {
        let window = Duration::from_secs(config.body_rate_window_secs.max(1));
        BodyPace {
            per_window: config
                .body_min_bytes_per_sec
                .saturating_mul(window.as_secs()),
            window,
            max_total: Duration::from_secs(config.body_max_secs.max(1)),
            cut,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BodyTimeout {
    #[error("de body kwam te traag binnen (minder dan {0} bytes in {1} s)")]
    TooSlow(u64, u64),
    #[error("de body duurde langer dan {0} s")]
    TooLong(u64),
    #[error("de service stopt")]
    ShuttingDown,
}

/// A request body that fails when it arrives slower than its pace, takes longer than the
/// maximum, or is still arriving at the shutdown deadline. The handler then sees a read error
/// and cleans up (an upload removes its temporary file).
pub struct PacedBody {
    inner: Body,
    pace: BodyPace,
    in_window: u64,
    window_end: Pin<Box<Sleep>>,
    total_end: Pin<Box<Sleep>>,
    cut: Pin<Box<WaitForCancellationFutureOwned>>,
    timed_out: Arc<AtomicBool>,
    done: bool,
}

impl PacedBody {
    pub fn new(inner: Body, pace: BodyPace, timed_out: Arc<AtomicBool>) -> Self {
        let now = Instant::now();
        PacedBody {
            inner,
            in_window: 0,
            window_end: Box::pin(tokio::time::sleep_until(now + pace.window)),
            total_end: Box::pin(tokio::time::sleep_until(now + pace.max_total)),
            cut: Box::pin(pace.cut.clone().cancelled_owned()),
            pace,
            timed_out,
            done: false,
        }
    }

    /// Check the deadlines (registering for wake-ups); `Some` when the body must stop.
    fn check(&mut self, cx: &mut Context<'_>) -> Option<BodyTimeout> {
        if self.cut.as_mut().poll(cx).is_ready() {
            return Some(BodyTimeout::ShuttingDown);
        }
        if self.total_end.as_mut().poll(cx).is_ready() {
            return Some(BodyTimeout::TooLong(self.pace.max_total.as_secs()));
        }
        // a bounded loop: each turn moves the window end into the future
        for _ in 0..2 {
            if self.window_end.as_mut().poll(cx).is_pending() {
                return None;
            }
            if self.in_window < self.pace.per_window {
                return Some(BodyTimeout::TooSlow(
                    self.pace.per_window,
                    self.pace.window.as_secs(),
                ));
            }
            self.in_window = 0;
            let next = Instant::now() + self.pace.window;
            self.window_end.as_mut().reset(next);
        }
        None
    }

    fn fail(&mut self, e: BodyTimeout) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        tracing::info!(reason = %e, "request body cut off");
        self.done = true;
        self.timed_out.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(axum::Error::new(e))))
    }
}

impl HttpBody for PacedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(d) = frame.data_ref() {
                    this.in_window = this.in_window.saturating_add(d.len() as u64);
                }
                if let Some(e) = this.check(cx) {
                    return this.fail(e);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Pending => match this.check(cx) {
                Some(e) => this.fail(e),
                None => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: every request body keeps its pace. When it did not, the answer is 408
/// problem+json and the connection is closed, whatever the handler made of the read error.
pub async fn pace_bodies(State(pace): State<BodyPace>, req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let timed_out = Arc::new(AtomicBool::new(false));
    let req = req.map(|b| Body::new(PacedBody::new(b, pace, timed_out.clone())));
    let resp = next.run(req).await;
    if !timed_out.load(Ordering::Relaxed) {
        return resp;
    }
    let mut r = crate::error::ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "te-traag",
        "Verzoek te traag",
        "de gegevens kwamen te traag binnen of de service stopt; probeer het opnieuw",
    )
    .into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stream_ends_at_its_tokens_expiry_and_at_once_on_revocation() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        // the re-check (30 s) is far away: only the expiry timer or a revocation can end it
        assert_eq!(config.stream_recheck_secs, 30);
        let st = crate::open_state(config, false).await.unwrap();
        let oin = "00000001002220647000";
        crate::cli::add_org(&st, oin, "Gemeente", "GEMEENTE")
            .await
            .unwrap();
        let soon = Some(chrono::Duration::seconds(1));
        let (token, verloopt) = crate::auth::issue_token(&st, oin, None, "kort", soon)
            .await
            .unwrap();
        let hash = crate::auth::token_hash(&token);
        let start = std::time::Instant::now();
        tokio::time::timeout(
            Duration::from_secs(5),
            token_ends(st.clone(), hash, verloopt),
        )
        .await
        .expect("the stream ends when its token expires");
        assert!(start.elapsed() < Duration::from_secs(3));

        let (token, verloopt) = crate::auth::issue_token(&st, oin, None, "lang", None)
            .await
            .unwrap();
        let hash = crate::auth::token_hash(&token);
        let ends = tokio::spawn(token_ends(st.clone(), hash.clone(), verloopt));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!ends.is_finished(), "a valid token's stream goes on");
        // another token's revocation does not end it; its own does, at once
        st.limits.token_revoked("iets-anders");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!ends.is_finished());
        st.limits.token_revoked(&hash);
        tokio::time::timeout(Duration::from_secs(1), ends)
            .await
            .expect("ended at once")
            .unwrap();
    }
}
