//! Signed updates (tauri-plugin-updater): where the app looks for them, whether it may, and the
//! two commands of the Settings screen (docs/decisions.md D47).
//!
//! Updates are off unless an update address is configured:
//! - the system-wide file ([`systeem_bestand`], e.g. `/etc/samenwerkruimte/updates.toml`), written
//!   by an IT department: `enabled = false` switches updates off for everyone (policy), and
//!   `endpoint` / `pubkey` point the app at the organisation's own update channel;
//! - the user's file `updates.toml` in the app's config folder (e.g.
//!   `~/.config/nl.samenwerkruimte.desktop/`): `endpoint`, or `enabled = false`.
//!
//! Every update is checked against a minisign public key before it is installed: the one in
//! tauri.conf.json (`plugins.updater.pubkey`), or the system file's `pubkey`. A wrongly signed
//! or altered download is refused and nothing is installed.
use crate::IpcError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use swf_client::ErrorCode;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::UpdaterExt;

/// The name of the settings file, system-wide and per user.
pub const BESTAND: &str = "updates.toml";

/// What `updates.toml` may say (both files have the same keys; `pubkey` counts only in the
/// system-wide one).
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBestand {
    /// Address of the update manifest (a `latest.json` in Tauri's static format).
    pub endpoint: Option<String>,
    /// `false`: never look for updates.
    pub enabled: Option<bool>,
    /// The minisign public key (as `tauri signer generate` writes it) of an organisation's own
    /// update channel.
    pub pubkey: Option<String>,
}

/// Where and with which key to look, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Beleid {
    Uit(String),
    Aan {
        endpoint: tauri::Url,
        pubkey: Option<String>,
    },
}

/// The system-wide file: outside the user's reach, so it can hold the organisation's policy.
pub fn systeem_bestand() -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        Some(PathBuf::from("/etc/samenwerkruimte").join(BESTAND))
    }
    #[cfg(target_os = "macos")]
    {
        Some(PathBuf::from("/Library/Application Support/Samenwerkruimte").join(BESTAND))
    }
    #[cfg(windows)]
    {
        std::env::var_os("ProgramData")
            .map(|d| PathBuf::from(d).join("Samenwerkruimte").join(BESTAND))
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    {
        None
    }
}

/// Read one file: missing is `None`; unreadable or invalid is an error with the path in it.
pub fn lees(pad: &Path) -> Result<Option<UpdateBestand>, String> {
    match std::fs::read_to_string(pad) {
        Ok(tekst) => toml::from_str(&tekst)
            .map(Some)
            .map_err(|e| format!("{} is ongeldig: {e}", pad.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{} kan niet worden gelezen: {e}", pad.display())),
    }
}

/// The policy from the two files: the system file wins.
pub fn beleid(systeem: Option<&UpdateBestand>, gebruiker: Option<&UpdateBestand>) -> Beleid {
    if systeem.and_then(|s| s.enabled) == Some(false) {
        return Beleid::Uit("Updates zijn uitgeschakeld door uw organisatie.".into());
    }
    if systeem.and_then(|s| s.endpoint.as_ref()).is_none()
        && gebruiker.and_then(|g| g.enabled) == Some(false)
    {
        return Beleid::Uit("U hebt updates uitgeschakeld.".into());
    }
    let Some(adres) = systeem
        .and_then(|s| s.endpoint.clone())
        .or_else(|| gebruiker.and_then(|g| g.endpoint.clone()))
    else {
        return Beleid::Uit(
            "Er is geen updateadres ingesteld; updates komen via uw organisatie of uw pakketbeheer."
                .into(),
        );
    };
    let endpoint = match tauri::Url::parse(&adres) {
        Ok(u) => u,
        Err(e) => return Beleid::Uit(format!("Het updateadres {adres} is ongeldig: {e}.")),
    };
    let loopback = matches!(
        endpoint.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]")
    );
    if endpoint.scheme() != "https" && !(endpoint.scheme() == "http" && loopback) {
        return Beleid::Uit(format!(
            "Het updateadres {adres} gebruikt geen https; updates staan daarom uit."
        ));
    }
    Beleid::Aan {
        endpoint,
        pubkey: systeem.and_then(|s| s.pubkey.clone()),
    }
}

/// The policy of this installation, from its two files.
fn huidig_beleid<R: Runtime>(app: &AppHandle<R>) -> Result<Beleid, IpcError> {
    let fout = |e: String| IpcError::new(ErrorCode::Validation, e);
    let systeem = match systeem_bestand() {
        Some(p) => lees(&p).map_err(fout)?,
        None => None,
    };
    let gebruiker = match app.path().app_config_dir() {
        Ok(d) => lees(&d.join(BESTAND)).map_err(fout)?,
        Err(_) => None,
    };
    Ok(beleid(systeem.as_ref(), gebruiker.as_ref()))
}

/// What the Settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "soort", rename_all = "camelCase")]
pub enum UpdateStatus {
    /// Updates are off; `reden` says why.
    Uit { reden: String },
    /// This is the newest version.
    Actueel { versie: String },
    /// A newer version can be installed.
    Beschikbaar {
        versie: String,
        huidig: String,
        notities: Option<String>,
    },
}

fn updater<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: tauri::Url,
    pubkey: Option<String>,
) -> Result<tauri_plugin_updater::Updater, IpcError> {
    let mut b = app
        .updater_builder()
        .timeout(std::time::Duration::from_secs(60));
    if let Some(k) = pubkey {
        b = b.pubkey(k);
    }
    b.endpoints(vec![endpoint])
        .and_then(|b| b.build())
        .map_err(fout)
}

/// The updater's errors as the user reads them.
fn fout(e: tauri_plugin_updater::Error) -> IpcError {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => {
            tracing::warn!(error = %e, "update refused: bad signature");
            IpcError::new(
                ErrorCode::Validation,
                "De update is geweigerd: de handtekening klopt niet (niet door de uitgever ondertekend, of onderweg veranderd). Er is niets geïnstalleerd; u werkt verder met de huidige versie.",
            )
        }
        E::Reqwest(_) | E::Network(_) | E::ReleaseNotFound => {
            tracing::info!(error = %e, "update server not reachable");
            IpcError::new(
                ErrorCode::Offline,
                format!("De updateserver is niet bereikbaar of gaf geen geldig antwoord ({e})."),
            )
        }
        E::InsecureTransportProtocol => IpcError::new(
            ErrorCode::Validation,
            "Het updateadres gebruikt geen https; er is niets gedownload.",
        ),
        other => {
            tracing::error!(error = %other, "update failed");
            IpcError::new(
                ErrorCode::Internal,
                format!("De update kon niet worden geïnstalleerd ({other}). U werkt verder met de huidige versie."),
            )
        }
    }
}

/// Look for a newer version (nothing is downloaded).
#[tauri::command]
#[specta::specta]
pub async fn update_zoeken<R: Runtime>(app: AppHandle<R>) -> Result<UpdateStatus, IpcError> {
    let huidig = app.package_info().version.to_string();
    let (endpoint, pubkey) = match huidig_beleid(&app)? {
        Beleid::Uit(reden) => return Ok(UpdateStatus::Uit { reden }),
        Beleid::Aan { endpoint, pubkey } => (endpoint, pubkey),
    };
    match updater(&app, endpoint, pubkey)?
        .check()
        .await
        .map_err(fout)?
    {
        Some(u) => Ok(UpdateStatus::Beschikbaar {
            versie: u.version.clone(),
            huidig,
            notities: u.body.clone(),
        }),
        None => Ok(UpdateStatus::Actueel { versie: huidig }),
    }
}

/// Download the newer version, check its signature and install it; returns the version
/// installed (it is used from the next start).
#[tauri::command]
#[specta::specta]
pub async fn update_installeren<R: Runtime>(app: AppHandle<R>) -> Result<String, IpcError> {
    let (endpoint, pubkey) = match huidig_beleid(&app)? {
        Beleid::Uit(reden) => return Err(IpcError::new(ErrorCode::Validation, reden)),
        Beleid::Aan { endpoint, pubkey } => (endpoint, pubkey),
    };
    let Some(update) = updater(&app, endpoint, pubkey)?
        .check()
        .await
        .map_err(fout)?
    else {
        return Err(IpcError::new(
            ErrorCode::Conflict,
            "Er is geen nieuwere versie meer beschikbaar.",
        ));
    };
    tracing::info!(versie = %update.version, "installing update");
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(fout)?;
    tracing::info!(versie = %update.version, "update installed");
    Ok(update.version.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(endpoint: Option<&str>, enabled: Option<bool>, pubkey: Option<&str>) -> UpdateBestand {
        UpdateBestand {
            endpoint: endpoint.map(String::from),
            enabled,
            pubkey: pubkey.map(String::from),
        }
    }

    #[test]
    fn zonder_adres_staan_updates_uit() {
        assert!(matches!(beleid(None, None), Beleid::Uit(r) if r.contains("geen updateadres")));
        assert!(matches!(
            beleid(Some(&b(None, None, Some("k"))), Some(&b(None, None, None))),
            Beleid::Uit(_)
        ));
    }

    #[test]
    fn het_systeembeleid_gaat_voor() {
        let gebruiker = b(Some("https://eigen.example/latest.json"), None, None);
        // the organisation switches updates off, whatever the user's file says
        assert!(matches!(
            beleid(Some(&b(None, Some(false), None)), Some(&gebruiker)),
            Beleid::Uit(r) if r.contains("uw organisatie")
        ));
        // the organisation's channel and key win over the user's address
        let org = b(
            Some("https://org.example/latest.json"),
            None,
            Some("orgkey"),
        );
        assert_eq!(
            beleid(Some(&org), Some(&gebruiker)),
            Beleid::Aan {
                endpoint: tauri::Url::parse("https://org.example/latest.json")
                    .unwrap_or_else(|e| panic!("{e}")),
                pubkey: Some("orgkey".into()),
            }
        );
        // a key in the user's file counts for nothing
        let eigen = b(
            Some("https://eigen.example/latest.json"),
            None,
            Some("eigen"),
        );
        assert!(matches!(
            beleid(None, Some(&eigen)),
            Beleid::Aan { pubkey: None, .. }
        ));
        // the user may switch updates off for themselves
        assert!(matches!(
            beleid(None, Some(&b(Some("https://eigen.example/x"), Some(false), None))),
            Beleid::Uit(r) if r.contains("U hebt")
        ));
    }

    #[test]
    fn alleen_https_of_loopback() {
        assert!(matches!(
            beleid(None, Some(&b(Some("http://updates.example/latest.json"), None, None))),
            Beleid::Uit(r) if r.contains("https")
        ));
        assert!(matches!(
            beleid(
                None,
                Some(&b(Some("http://127.0.0.1:8123/latest.json"), None, None))
            ),
            Beleid::Aan { .. }
        ));
        assert!(matches!(
            beleid(None, Some(&b(Some("geen adres"), None, None))),
            Beleid::Uit(r) if r.contains("ongeldig")
        ));
    }

    #[test]
    fn bestanden_lezen() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let pad = dir.path().join(BESTAND);
        assert_eq!(lees(&pad), Ok(None));
        std::fs::write(&pad, "enabled = false\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(lees(&pad), Ok(Some(b(None, Some(false), None))));
        std::fs::write(&pad, "endpoint = 3\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(lees(&pad), Err(e) if e.contains("ongeldig")));
        std::fs::write(&pad, "onbekend = 1\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(lees(&pad).is_err());
    }
}
