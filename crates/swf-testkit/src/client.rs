//! Sessions over the engine (`werk`, archive, sync) against a test [`Server`]: the engine's
//! own suites and benches (feature `client`).
use crate::server::Server;
use std::path::Path;
use std::time::Duration;

/// The engine's remote settings for tests: one attempt, a short connect timeout.
pub fn config(url: &str) -> swf_client::remote::RemoteConfig {
    let mut c = swf_client::remote::RemoteConfig::new(url);
    c.retry_attempts = 1;
    c.connect_timeout = Duration::from_secs(2);
    c
}

/// A session of `oin` (system token) over a mirror in `dir`, after its first sync.
pub async fn session_for(srv: &Server, dir: &Path, oin: &str) -> swf_client::session::Session {
    let mirror = swf_client::mirror::Mirror::open(dir)
        .await
        .expect("mirror opens")
        .0;
    let s = swf_client::session::with_token(
        &mirror,
        config(&srv.url),
        swf_client::sync::SyncConfig::default(),
        &srv.token(oin),
    )
    .await
    .expect("session");
    s.engine.sync_once().await.expect("first sync");
    s
}

/// The engine following the service (SSE, poll fallback) in a task, until the token is
/// cancelled: the task (its result is `follow`'s) and the token.
pub fn follow(
    engine: &swf_client::sync::Engine,
) -> (
    tokio::task::JoinHandle<swf_client::Result<()>>,
    tokio_util::sync::CancellationToken,
) {
    let cancel = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn({
        let e = engine.clone();
        let c = cancel.clone();
        async move { e.follow(c).await }
    });
    (task, cancel)
}

/// A progress callback that ignores progress.
pub fn no_progress() -> impl Fn(u64, Option<u64>) + Send + Sync {
    |_, _| {}
}
