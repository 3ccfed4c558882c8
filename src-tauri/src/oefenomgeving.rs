//! The built-in practice environment: the real collaboration service (`swf-server`), run
//! in-process on 127.0.0.1 with its own data folder and the demo organisations and users.
use crate::types::{OefenGebruiker, Oefenomgeving as OefenInfo};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use swf_server::cli::{DEMO, DEMO_PASSWORD};
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum OefenFout {
    /// Another process (a second window of the app) runs the practice service on this folder.
    #[error("de oefenomgeving draait al in een ander venster van Samenwerkruimte; gebruik dat venster of sluit het eerst")]
    AlInGebruik,
    #[error("de oefenomgeving kan niet starten: {0}")]
    Start(String),
}

impl From<swf_server::StartError> for OefenFout {
    fn from(e: swf_server::StartError) -> Self {
        match e {
            swf_server::StartError::Locked(_) => OefenFout::AlInGebruik,
            e => OefenFout::Start(e.to_string()),
        }
    }
}

/// The port of the last run, so a remembered practice sign-in still points at the service after
/// a restart of the app.
const POORT: &str = "poort";

/// The URL the practice service had (and will try to get again), if it ever ran in `data_dir`.
pub fn vorige_url(data_dir: &Path) -> Option<String> {
    vorige_poort(data_dir).map(|p| format!("http://127.0.0.1:{p}"))
}

fn vorige_poort(data_dir: &Path) -> Option<u16> {
    std::fs::read_to_string(data_dir.join(POORT))
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|p| *p != 0)
}

/// A running practice service. Stop it with [`Service::stop`]; the data folder stays locked
/// until then.
pub struct Service {
    pub url: String,
    stop: CancellationToken,
    taak: tokio::task::JoinHandle<()>,
    /// The data folder's service lock, held as long as the service runs.
    _lock: std::fs::File,
}

impl Service {
    /// Start on 127.0.0.1 with its data in `data_dir`: on the port of the last run when it is
    /// free, else on any free port. The demo organisations and users are added when missing;
    /// what was practised before stays.
    pub async fn start(data_dir: &Path) -> Result<Service, OefenFout> {
        let lock = swf_server::lock_data_dir(data_dir)?;
        let listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let config = swf_server::config::Config {
            listen,
            data_dir: PathBuf::from(data_dir),
            // a new samenwerking opens within a second or two instead of a minute
            job_interval_secs: 1,
            ..swf_server::config::Config::default()
        };
        let st = swf_server::open_state(config, true).await?;
        swf_server::cli::seed_demo(&st)
            .await
            .map_err(|e| OefenFout::Start(e.to_string()))?;
        let vorige = vorige_poort(data_dir).map(|p| SocketAddr::from(([127, 0, 0, 1], p)));
        let listener = match vorige {
            Some(a) => match tokio::net::TcpListener::bind(a).await {
                Ok(l) => Ok(l),
                Err(e) => {
                    tracing::info!(error = %e, port = a.port(), "the practice port of last time is taken");
                    tokio::net::TcpListener::bind(listen).await
                }
            },
            None => tokio::net::TcpListener::bind(listen).await,
        }
        .map_err(|e| OefenFout::Start(format!("geen poort vrij op 127.0.0.1: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| OefenFout::Start(e.to_string()))?;
        if let Err(e) = std::fs::write(data_dir.join(POORT), addr.port().to_string()) {
            tracing::warn!(error = %e, "could not record the practice port");
        }
        let stop = CancellationToken::new();
        let wacht = stop.clone();
        // the same start-up path as `swf-server serve`: limits, jobs, graceful shutdown
        let taak = tokio::spawn(async move {
            let serve =
                swf_server::serve::run(listener, st, async move { wacht.cancelled().await });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "practice service stopped with an error");
            }
        });
        let url = format!("http://{addr}");
        tracing::info!(%url, data = %data_dir.display(), "practice service started");
        Ok(Service {
            url,
            stop,
            taak,
            _lock: lock,
        })
    }

    /// What the UI shows on the sign-in screen.
    pub fn info(&self) -> OefenInfo {
        OefenInfo {
            service_url: self.url.clone(),
            wachtwoord: DEMO_PASSWORD.to_owned(),
            gebruikers: DEMO
                .iter()
                .map(|(_, organisatie, _, gebruikersnaam, naam)| OefenGebruiker {
                    gebruikersnaam: (*gebruikersnaam).to_owned(),
                    naam: (*naam).to_owned(),
                    organisatie: (*organisatie).to_owned(),
                })
                .collect(),
        }
    }

    /// Finish requests in flight, end the live streams and the background jobs, release the
    /// folder. Waits at most `grens`.
    pub async fn stop(self, grens: std::time::Duration) {
        self.stop.cancel();
        match tokio::time::timeout(grens, self.taak).await {
            Ok(_) => tracing::info!("practice service stopped"),
            Err(_) => tracing::warn!("practice service did not stop in time"),
        }
    }
}
