//! Serving HTTP: the one start-up path of `swf-server serve`, the practice environment and
//! in-process tests. [`serve`] takes the data folder's lock, listens, opens the data folder
//! and starts [`run`]: a bounded number of connections, a deadline for a request's headers
//! (which is also the idle keep-alive timeout), a pace for request bodies, the background jobs,
//! and a graceful shutdown that ends at a deadline. Defaults and reasons: `docs/decisions.md`,
//! D30.
use crate::app::AppState;
use crate::config::{Config, Listen};
use crate::limits::{pace_bodies, BodyPace};
use crate::listen::{Connection, Listener};
use crate::StartError;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// After the shutdown deadline, the time requests get to answer once their bodies are cut off,
/// before their connections are dropped.
const CUT_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(
        "{0} is geen loopback-adres: swf-server spreekt zelf alleen HTTP zonder TLS. Zet er een \
         TLS-afsluitende proxy voor (zie docs/operations.md) en start met --behind-proxy (of \
         trust_proxy_tls = true), of luister op 127.0.0.1"
    )]
    PlainHttpInTheOpen(SocketAddr),
}

/// Plain HTTP is served on a loopback address or a Unix socket (reached on this host only),
/// or elsewhere only when the operator says a TLS-terminating proxy is in front.
pub fn check_listen(at: &Listen, behind_proxy: bool) -> Result<(), ListenError> {
    match at {
        Listen::Tcp(addr) if !addr.ip().is_loopback() && !behind_proxy => {
            Err(ListenError::PlainHttpInTheOpen(*addr))
        }
        _ => Ok(()),
    }
}

/// A running service (see [`serve`]). Dropping it stops the service too, without waiting.
pub struct Handle {
    at: Listen,
    /// The practice users created at this start, with their passwords (see `oefen::seed`).
    oefen_nieuw: Vec<crate::oefen::NieuweGebruiker>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Handle {
    /// The TCP address the service listens on (the port is known here when the configuration
    /// asked for port 0); `None` on a Unix socket.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match self.at {
            Listen::Tcp(a) => Some(a),
            Listen::Unix(_) => None,
        }
    }

    /// Where the service listens, with the port it got for port 0.
    pub fn listening(&self) -> &Listen {
        &self.at
    }

    /// The practice users this start created, with their passwords: shown once, then gone.
    pub fn oefen_gebruikers(&self) -> &[crate::oefen::NieuweGebruiker] {
        &self.oefen_nieuw
    }

    /// Ask the service to stop; returns at once. [`Handle::join`] waits for it.
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Stop: end the live streams and the jobs, let requests in flight finish (until the
    /// shutdown deadline), then release the data folder. Returns when all that is done.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        self.stop();
        self.wait().await
    }

    /// Wait until the service has stopped (after [`Handle::stop`], or a fatal error).
    pub async fn join(mut self) -> std::io::Result<()> {
        self.wait().await
    }

    async fn wait(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Start the service described by `config`: take the data folder's lock (on SQLite one service
/// per folder: a second one would sweep away the first one's uploads), listen on `config.listen`
/// (plain HTTP only on loopback unless `trust_proxy_tls`), open the data folder and clean up
/// after an interrupted run, add the demo organisations when `config.demo`, and serve until
/// the returned [`Handle`] stops it. The lock is held until the service has stopped.
///
/// The future is boxed as `Send`: checked here, where every lifetime is known. Left to the
/// callers, the compiler must prove it `Send` for every lifetime of the SQL's bound values and
/// executors, which it cannot (the desktop app's commands must be `Send`).
pub fn serve(
    config: Config,
) -> std::pin::Pin<Box<dyn Future<Output = Result<Handle, StartError>> + Send>> {
    Box::pin(start(config))
}

async fn start(config: Config) -> Result<Handle, StartError> {
    check_listen(&config.listen, config.trust_proxy_tls)?;
    // on SQLite one service per folder; on PostgreSQL several instances may share the folder
    // (the documents) on a shared filesystem (D50)
    let lock = match config.database_url {
        None => Some(crate::lock_data_dir(&config.data_dir)?),
        Some(_) => None,
    };
    let listener = Listener::bind(&config.listen)
        .await
        .map_err(|e| StartError::Bind(config.listen.clone(), e))?;
    let at = listener.local()?;
    if let Listen::Tcp(addr) = at {
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "plain HTTP on a non-loopback address: only behind a TLS-terminating proxy");
        }
    }
    let demo = config.demo;
    crate::oefen::check_marker(&config).map_err(StartError::Oefenomgeving)?;
    let st = crate::open_state(config, true).await?;
    if demo {
        crate::cli::seed_demo(&st)
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?;
    }
    let mut oefen_nieuw = Vec::new();
    if st.config.oefenomgeving {
        crate::oefen::check_folder(&st)
            .await
            .map_err(StartError::Oefenomgeving)?;
        let w = match &st.config.oefen_wachtwoord {
            Some(p) => crate::oefen::Wachtwoorden::Vast(p.clone()),
            None => crate::oefen::Wachtwoorden::Willekeurig,
        };
        oefen_nieuw = crate::oefen::seed(&st, &w)
            .await
            .map_err(|e| StartError::Oefenomgeving(e.to_string()))?;
    }
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    let task = tokio::spawn(async move {
        let r = run(listener, st, stopped.cancelled_owned()).await;
        drop(lock);
        r
    });
    Ok(Handle {
        at,
        oefen_nieuw,
        stop,
        task,
    })
}

/// Run the service on `listener` until `stop` resolves: the background jobs and the HTTP
/// server. Then stop accepting, end the live streams and the jobs, let requests in flight
/// finish until `shutdown_deadline_secs`, cut off what is still running, and return.
pub(crate) async fn run(
    listener: Listener,
    st: AppState,
    stop: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let (jobs_stop, jobs_rx) = tokio::sync::watch::channel(false);
    let jobs = tokio::spawn(crate::jobs::run_forever(st.clone(), jobs_rx));
    let streams = st.shutdown.clone();
    let r = serve_http(listener, st, async move {
        stop.await;
        tracing::info!("stopping: finishing requests in flight");
        // live change streams end, or they would hold the shutdown to its deadline
        streams.cancel();
        let _ = jobs_stop.send(true);
    })
    .await;
    let _ = jobs.await;
    r
}

async fn serve_http(
    listener: Listener,
    st: AppState,
    stop: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let config = st.config.clone();
    warn_if_descriptors_short(config.max_connections);
    let connections = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = CancellationToken::new();
    let cut = CancellationToken::new();
    let pace = BodyPace::new(&config, cut.clone());
    let app =
        crate::http::router(st).layer(axum::middleware::from_fn_with_state(pace, pace_bodies));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(config.header_read_timeout_secs.max(1)))
        .keep_alive(true);
    let mut tasks = JoinSet::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        // a free connection slot first: while all are taken, new connections wait in the
        // listen backlog instead of costing a descriptor each
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let connection = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // e.g. out of descriptors: wait a little instead of spinning
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        while tasks.try_join_next().is_some() {}
        let service = TowerToHyperService::new(app.clone());
        let (http, graceful) = (http.clone(), graceful.clone());
        match connection {
            Connection::Tcp(s) => {
                tasks.spawn(connection_task(http, s, service, graceful, permit));
            }
            #[cfg(unix)]
            Connection::Unix(s) => {
                tasks.spawn(connection_task(http, s, service, graceful, permit));
            }
        }
    }
    drop(listener);
    graceful.cancel();
    let deadline = Duration::from_secs(config.shutdown_deadline_secs);
    if tokio::time::timeout(deadline, drain(&mut tasks))
        .await
        .is_err()
    {
        tracing::warn!(
            open = tasks.len(),
            "shutdown deadline reached: cutting off requests in flight"
        );
        cut.cancel();
        if tokio::time::timeout(CUT_GRACE, drain(&mut tasks))
            .await
            .is_err()
        {
            tasks.abort_all();
            drain(&mut tasks).await;
        }
    }
    Ok(())
}

/// One connection's requests, until it closes, or until `graceful` (then the request in
/// flight is answered and the connection closed).
async fn connection_task<S>(
    http: hyper::server::conn::http1::Builder,
    stream: S,
    service: TowerToHyperService<axum::Router>,
    graceful: CancellationToken,
    _permit: tokio::sync::OwnedSemaphorePermit,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let conn = http.serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        _ = graceful.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Every connection may hold a socket and an open document (download or upload): warn when the
/// process's descriptor limit cannot cover `max_connections` of them.
fn warn_if_descriptors_short(max_connections: usize) {
    let Some(soft) = descriptor_limit() else {
        return;
    };
    let needed = (max_connections as u64)
        .saturating_mul(2)
        .saturating_add(64);
    if soft < needed {
        tracing::warn!(
            max_connections,
            descriptor_limit = soft,
            needed,
            "the descriptor limit is below what max_connections can use: raise it (ulimit -n, LimitNOFILE=) or lower max_connections"
        );
    }
}

/// The soft limit on open files (Linux: /proc/self/limits), if it can be read.
fn descriptor_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

async fn drain(tasks: &mut JoinSet<()>) {
    while tasks.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_loopback_a_unix_socket_or_behind_a_proxy() {
        let at = |s: &str| s.parse::<Listen>().unwrap();
        assert!(check_listen(&at("127.0.0.1:8080"), false).is_ok());
        assert!(check_listen(&at("[::1]:8080"), false).is_ok());
        assert!(check_listen(&at("unix:/run/swf/swf.sock"), false).is_ok());
        assert!(check_listen(&at("0.0.0.0:8080"), false).is_err());
        assert!(check_listen(&at("0.0.0.0:8080"), true).is_ok());
    }

    #[test]
    fn the_descriptor_limit_is_read_where_there_is_one() {
        if std::path::Path::new("/proc/self/limits").exists() {
            assert!(descriptor_limit().is_some_and(|n| n > 0));
        }
    }
}
