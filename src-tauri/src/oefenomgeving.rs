//! The built-in practice environment: the real collaboration service (`swf-server
//! --oefenomgeving`), run in-process on 127.0.0.1 with its own data folder, the six practice
//! organisations with a user each and the simulated Omgevingsloket with its demo verzoeken.
use crate::types::{OefenGebruiker, Oefenomgeving as OefenInfo};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use swf_server::oefen::ORGANISATIES;

/// The password of every user of the app's own practice service (one learner plays every
/// role; a trainer's service for a group gives each user a password of its own).
pub const WACHTWOORD: &str = "oefenen";

/// The practice user of `gebruikersnaam`, if it is one.
pub fn organisatie(gebruikersnaam: &str) -> Option<&'static swf_server::oefen::OefenOrganisatie> {
    ORGANISATIES
        .iter()
        .find(|o| o.gebruikersnaam == gebruikersnaam)
}

/// The practice users, as the sign-in screen and the role switcher show them.
pub fn gebruikers() -> Vec<OefenGebruiker> {
    ORGANISATIES
        .iter()
        .map(|o| OefenGebruiker {
            gebruikersnaam: o.gebruikersnaam.to_owned(),
            naam: o.gebruiker_naam.to_owned(),
            organisatie: o.naam.to_owned(),
            oin: o.oin.to_owned(),
            soort: o.soort.to_owned(),
        })
        .collect()
}

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
            swf_server::StartError::Bind(_, e) => {
                OefenFout::Start(format!("geen poort vrij op 127.0.0.1: {e}"))
            }
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
    service: swf_server::Handle,
}

impl Service {
    /// Start on 127.0.0.1 with its data in `data_dir`: on the port of the last run when it is
    /// free, else on any free port. The practice organisations and users are added when
    /// missing; what was practised before stays.
    pub async fn start(data_dir: &Path) -> Result<Service, OefenFout> {
        let config = |port: u16| swf_server::config::Config {
            listen: SocketAddr::from(([127, 0, 0, 1], port)).into(),
            data_dir: PathBuf::from(data_dir),
            // a new samenwerking opens within a second or two instead of a minute
            job_interval_secs: 1,
            oefenomgeving: true,
            oefen_wachtwoord: Some(WACHTWOORD.to_owned()),
            ..swf_server::config::Config::default()
        };
        // the same start-up path as `swf-server serve`: lock, limits, jobs, graceful shutdown
        let service = match vorige_poort(data_dir) {
            Some(poort) => match swf_server::serve(config(poort)).await {
                Err(swf_server::StartError::Bind(_, e)) => {
                    tracing::info!(error = %e, port = poort, "the practice port of last time is taken");
                    swf_server::serve(config(0)).await
                }
                r => r,
            },
            None => swf_server::serve(config(0)).await,
        }?;
        // asked for TCP above, so it has an address
        let Some(addr) = service.local_addr() else {
            return Err(OefenFout::Start(format!(
                "luistert niet op TCP maar op {}",
                service.listening()
            )));
        };
        if let Err(e) = std::fs::write(data_dir.join(POORT), addr.port().to_string()) {
            tracing::warn!(error = %e, "could not record the practice port");
        }
        let url = format!("http://{addr}");
        tracing::info!(%url, data = %data_dir.display(), "practice service started");
        Ok(Service { url, service })
    }

    /// What the UI shows on the sign-in screen.
    pub fn info(&self) -> OefenInfo {
        OefenInfo {
            service_url: self.url.clone(),
            wachtwoord: WACHTWOORD.to_owned(),
            gebruikers: gebruikers(),
        }
    }

    /// Finish requests in flight, end the live streams and the background jobs, release the
    /// folder. Waits at most `grens`.
    pub async fn stop(self, grens: std::time::Duration) {
        match tokio::time::timeout(grens, self.service.shutdown()).await {
            Ok(Ok(())) => tracing::info!("practice service stopped"),
            Ok(Err(e)) => tracing::error!(error = %e, "practice service stopped with an error"),
            Err(_) => tracing::warn!("practice service did not stop in time"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A second window of the app finds the practice folder in use (its Conflict), and after a
    /// stop the service starts again on the port it had.
    #[tokio::test]
    async fn a_second_start_is_refused_and_a_restart_keeps_the_port() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let eerste = Service::start(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let tweede = Service::start(dir.path()).await;
        assert!(
            matches!(tweede, Err(OefenFout::AlInGebruik)),
            "{:?}",
            tweede.err()
        );
        let url = eerste.url.clone();
        assert_eq!(vorige_url(dir.path()).as_deref(), Some(url.as_str()));
        eerste.stop(Duration::from_secs(10)).await;
        let weer = Service::start(dir.path())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(weer.url, url, "the same port as before");
        weer.stop(Duration::from_secs(10)).await;
    }
}
