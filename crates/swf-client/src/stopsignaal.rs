//! The operating system asking a process of the app to stop: SIGTERM (log-out, `kill`) or SIGINT
//! (Ctrl-C in a terminal). The desktop app and its background process both close the normal way
//! on it, so the mirror and a practice service shut down cleanly.

/// Resolves when SIGTERM or SIGINT arrives; never, when the signals cannot be listened for (that
/// is logged) or on a platform without them (Windows ends processes otherwise).
pub async fn stop_signaal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot listen for stop signals");
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("stop signal received; closing");
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await
}
