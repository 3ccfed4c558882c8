//! The app's one managed state: the mirror, the keychain, the signed-in session with its
//! background sync, and the practice environment. No global statics: tests build their own.
use crate::events::{self, MirrorGewijzigd, SyncStatusGewijzigd};
use crate::ipc_error::IpcError;
use crate::oefenomgeving::{self, OefenFout};
use crate::types::{Oefenomgeving as OefenInfo, SessieInfo};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use swf_client::mirror::Mirror;
use swf_client::remote::{Omgeving, RemoteConfig};
use swf_client::secrets::SecretStore;
use swf_client::session::{self, Session};
use swf_client::sync::{SyncConfig, Verbinding};
use swf_client::{ClientError, ErrorCode};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::{broadcast, Mutex, RwLock};
use tokio_util::sync::CancellationToken;

// Environment variables the shell reads (tests and e2e).
/// The app's data folder (mirror, practice service, opened copies) instead of the platform's.
pub const ENV_APP_DATA_DIR: &str = "SWF_APP_DATA_DIR";
/// The app's log folder instead of the platform's.
pub const ENV_APP_LOG_DIR: &str = "SWF_APP_LOG_DIR";
/// Old name of [`ENV_APP_DATA_DIR`], still read when that is not set (with a warning): it is
/// also the name of the service's data folder (`swf-server`), a different folder.
pub const ENV_LEGACY_DATA_DIR: &str = "SWF_DATA_DIR";
/// Old name of [`ENV_APP_LOG_DIR`], still read when that is not set (with a warning).
pub const ENV_LEGACY_LOG_DIR: &str = "SWF_LOG_DIR";
/// Paths (separated by `:`) that `bestand_kiezen` returns instead of opening a dialog.
pub const ENV_E2E_BESTANDEN: &str = "SWF_E2E_BESTANDEN";
/// Folder `document_opslaan` saves into (under the document's name) instead of asking.
pub const ENV_E2E_OPSLAAN_MAP: &str = "SWF_E2E_OPSLAAN_MAP";

/// How the shell is set up. [`Opties::from_env`] for the app; tests fill it in directly.
#[derive(Clone, Default)]
pub struct Opties {
    /// Instead of the platform's app data folder.
    pub data_dir: Option<PathBuf>,
    /// Instead of the platform's app log folder.
    pub log_dir: Option<PathBuf>,
    /// Write log files (the app); tests log nowhere.
    pub logboek: bool,
    /// `None`: the OS keychain, or memory with `SWF_SECRETS=memory`.
    pub secrets: Option<Arc<dyn SecretStore>>,
    pub e2e_bestanden: Option<Vec<PathBuf>>,
    pub e2e_opslaan_map: Option<PathBuf>,
    pub sync: SyncConfig,
    /// Instead of the desktop's notifier (tests).
    pub notifier: Option<Arc<dyn swf_client::attendering::Notifier>>,
    /// Old environment variable names that were used, as (old, new): [`AppState::open`] logs
    /// a warning for each, once, when the log is running.
    pub legacy_env: Vec<(&'static str, &'static str)>,
}

impl Opties {
    pub fn from_env() -> Opties {
        Opties::from_lookup(|k| std::env::var_os(k))
    }

    /// [`Opties::from_env`] with `get` for the environment (tests).
    fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Opties {
        let pad = |k: &str| get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let mut legacy_env = Vec::new();
        // the new name wins; the old one alone still works, with a warning
        let mut map = |nieuw: &'static str, oud: &'static str| {
            pad(nieuw).or_else(|| {
                let p = pad(oud)?;
                legacy_env.push((oud, nieuw));
                Some(p)
            })
        };
        let data_dir = map(ENV_APP_DATA_DIR, ENV_LEGACY_DATA_DIR);
        let log_dir = map(ENV_APP_LOG_DIR, ENV_LEGACY_LOG_DIR);
        Opties {
            data_dir,
            log_dir,
            legacy_env,
            logboek: true,
            secrets: None,
            e2e_bestanden: get(ENV_E2E_BESTANDEN).map(|v| {
                std::env::split_paths(&v)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            }),
            e2e_opslaan_map: pad(ENV_E2E_OPSLAAN_MAP),
            sync: SyncConfig::default(),
            notifier: None,
        }
    }
}

/// The signed-in session and what runs for it.
pub(crate) struct Actief {
    pub(crate) session: Session,
    /// Stops the sync and the event forwarding of this session.
    pub(crate) stop: CancellationToken,
    /// Tells this session apart from a later one (a late failure must not end a newer one).
    generatie: u64,
    /// This session's OS notifications (ends with it).
    _attendering: Option<swf_client::attendering::Attendering>,
    /// The practice role this session acts as; `None`: a real sign-in.
    pub(crate) oefenrol: Option<OefenRol>,
}

/// A practice role of the current session.
#[derive(Debug, Clone)]
pub(crate) struct OefenRol {
    pub gebruikersnaam: String,
    /// At a trainer's practice service (not the app's own).
    pub trainer: bool,
}

/// A real sign-in: the answers of a practice service are refused (D42).
fn echt_config(url: &str) -> RemoteConfig {
    let mut c = RemoteConfig::new(url);
    c.omgeving = Some(Omgeving::Echt);
    c
}

pub struct AppState {
    /// The app's own local database: settings, and the data of a real sign-in. A practice
    /// role's data is in that role's mirror ([`AppState::spiegel`] gives the current one).
    pub mirror: Mirror,
    pub(crate) secrets: Arc<dyn SecretStore>,
    pub(crate) sessie: RwLock<Option<Actief>>,
    oefen: Mutex<Option<oefenomgeving::Service>>,
    /// The practice roles' mirrors opened so far, by user name (oefenrollen.rs).
    pub(crate) rollen: Mutex<HashMap<String, Mirror>>,
    /// One change of the exercises' log at a time.
    pub(crate) logboek_slot: Mutex<()>,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub e2e_bestanden: Option<Vec<PathBuf>>,
    pub e2e_opslaan_map: Option<PathBuf>,
    pub(crate) sync: SyncConfig,
    /// Cancelled when the app exits: every session's token is a child of it.
    afsluiten: CancellationToken,
    generatie: AtomicU64,
}

impl AppState {
    /// Open the mirror in `data_dir/spiegel` and clear copies opened last time.
    pub async fn open(
        data_dir: PathBuf,
        log_dir: PathBuf,
        secrets: Arc<dyn SecretStore>,
        opties: &Opties,
    ) -> Result<AppState, ClientError> {
        for (oud, nieuw) in &opties.legacy_env {
            tracing::warn!(
                "{oud} is an old name for the app's folder: use {nieuw} ({oud} also names the \
                 service's data folder)"
            );
        }
        let (mirror, report) = Mirror::open(&data_dir.join("spiegel")).await?;
        if report.mirror_rebuilt || report.local_rebuilt {
            tracing::warn!(
                ?report,
                "the local copy was unreadable and has been rebuilt"
            );
        }
        let state = AppState {
            mirror,
            secrets,
            sessie: RwLock::new(None),
            oefen: Mutex::new(None),
            rollen: Mutex::new(HashMap::new()),
            logboek_slot: Mutex::new(()),
            data_dir,
            log_dir,
            e2e_bestanden: opties.e2e_bestanden.clone(),
            e2e_opslaan_map: opties.e2e_opslaan_map.clone(),
            sync: opties.sync.clone(),
            afsluiten: CancellationToken::new(),
            generatie: AtomicU64::new(0),
        };
        state.geopend_opruimen().await;
        crate::archief::opruimen(&state.mirror).await;
        Ok(state)
    }

    /// The signed-in session, or `Unauthorized`.
    pub async fn session(&self) -> Result<Session, IpcError> {
        self.sessie
            .read()
            .await
            .as_ref()
            .map(|a| a.session.clone())
            .ok_or_else(IpcError::niet_aangemeld)
    }

    pub fn secrets(&self) -> &dyn SecretStore {
        &*self.secrets
    }

    /// The mirror of the current session: a practice role's own, else the app's.
    pub async fn spiegel(&self) -> Mirror {
        match self.sessie.read().await.as_ref() {
            Some(a) => a.session.engine.mirror().clone(),
            None => self.mirror.clone(),
        }
    }

    /// The current session, else the remembered one (from the keychain; works offline).
    pub async fn herstel<R: Runtime>(
        &self,
        app: &AppHandle<R>,
    ) -> Result<Option<SessieInfo>, IpcError> {
        if let Some(a) = self.sessie.read().await.as_ref() {
            return Ok(Some(SessieInfo {
                account: a.session.account.clone(),
                waarschuwing: None,
                oefenomgeving: a.oefenrol.is_some(),
            }));
        }
        // left as a practice role: back as that role (the practice service starts again)
        if let Some(s) = self.oefenrol_herstellen(app).await {
            return Ok(Some(s));
        }
        let mut huidig = self.sessie.write().await;
        if let Some(a) = huidig.as_ref() {
            // signed in meanwhile (another call)
            return Ok(Some(SessieInfo {
                account: a.session.account.clone(),
                waarschuwing: None,
                oefenomgeving: a.oefenrol.is_some(),
            }));
        }
        // a practice sign-in of an older app (on the app's own mirror) is not restored as a
        // real one: the practice environment has its own roles now
        if let Some(a) = self.mirror.account().await? {
            let oefen = oefenomgeving::vorige_url(&self.data_dir.join("oefenomgeving"));
            if oefen.as_deref() == Some(a.service_url.trim_end_matches('/')) {
                return Ok(None);
            }
        }
        let Some(s) = session::restore(
            &self.mirror,
            self.secrets(),
            |u: &str| echt_config(u),
            self.sync.clone(),
        )
        .await?
        else {
            return Ok(None);
        };
        tracing::info!(service = %s.account.service_url, "remembered session restored");
        let info = SessieInfo {
            account: s.account.clone(),
            waarschuwing: None,
            oefenomgeving: false,
        };
        *huidig = Some(self.volgen(app, s, None));
        Ok(Some(info))
    }

    /// Sign in; with `onthouden` the token goes to the keychain.
    pub async fn aanmelden<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        service_url: &str,
        gebruikersnaam: &str,
        wachtwoord: &str,
        onthouden: bool,
    ) -> Result<SessieInfo, IpcError> {
        let service_url = service_url.trim();
        let gebruikersnaam = gebruikersnaam.trim();
        if service_url.is_empty() {
            return Err(IpcError::ongeldig("Vul het adres van de service in."));
        }
        if gebruikersnaam.is_empty() || wachtwoord.is_empty() {
            return Err(IpcError::ongeldig(
                "Vul uw gebruikersnaam en wachtwoord in.",
            ));
        }
        let mut huidig = self.sessie.write().await;
        if let Some(oud) = huidig.take() {
            oud.stop.cancel();
        }
        // a real sign-in: never to a practice service (the practice environment has its own)
        let (s, waarschuwing) = session::login(
            &self.mirror,
            self.secrets(),
            echt_config(service_url),
            self.sync.clone(),
            gebruikersnaam,
            wachtwoord,
            onthouden,
        )
        .await?;
        tracing::info!(service = %s.account.service_url, remember = onthouden, "signed in");
        let info = SessieInfo {
            account: s.account.clone(),
            waarschuwing: waarschuwing.map(crate::ipc_error::zin),
            oefenomgeving: false,
        };
        if let Err(e) = self.oefenrol_vergeten().await {
            tracing::warn!(error = %e.message, "could not forget the practice role");
        }
        *huidig = Some(self.volgen(app, s, None));
        Ok(info)
    }

    /// Sign out: revoke the token, forget it, wipe the local copy (also opened documents).
    pub async fn afmelden(&self) -> Result<(), IpcError> {
        let mut huidig = self.sessie.write().await;
        let oud = huidig.take();
        if let Some(a) = &oud {
            a.stop.cancel();
        }
        if let Some(rol) = oud.as_ref().and_then(|a| a.oefenrol.clone()) {
            self.oefenrol_afmelden(oud.as_ref().map(|a| &a.session), &rol.gebruikersnaam)
                .await?;
            self.geopend_opruimen().await;
            tracing::info!("left the practice environment");
            return Ok(());
        }
        session::logout(
            &self.mirror,
            self.secrets(),
            oud.as_ref().map(|a| &a.session),
        )
        .await?;
        self.geopend_opruimen().await;
        tracing::info!("signed out");
        Ok(())
    }

    /// Start the practice service (once; later calls return the running one).
    pub async fn oefenomgeving(&self) -> Result<OefenInfo, IpcError> {
        let mut oefen = self.oefen.lock().await;
        if let Some(s) = oefen.as_ref() {
            return Ok(s.info());
        }
        let s = oefenomgeving::Service::start(&self.oefen_dir())
            .await
            .map_err(|e| match e {
                OefenFout::AlInGebruik => IpcError::new(ErrorCode::Conflict, e.to_string()),
                OefenFout::Start(_) => IpcError::intern(e),
            })?;
        let info = s.info();
        *oefen = Some(s);
        Ok(info)
    }

    /// Whether the practice service runs in this app (the background process cannot follow it).
    pub fn oefenomgeving_loopt(&self) -> bool {
        self.oefen.try_lock().map_or(true, |o| o.is_some())
    }

    /// The practice service's own data folder.
    fn oefen_dir(&self) -> PathBuf {
        self.oefen_root().join("service")
    }

    /// Where `document_openen` puts the copies it opens (emptied at start and sign-out).
    pub fn geopend_map(&self) -> PathBuf {
        self.data_dir.join("geopend")
    }

    async fn geopend_opruimen(&self) {
        let map = self.geopend_map();
        match tokio::fs::remove_dir_all(&map).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(error = %e, "could not clear the opened documents"),
        }
    }

    /// App exit: stop syncing and the practice service, close the mirror.
    pub async fn afsluiten(&self) {
        self.afsluiten.cancel();
        if let Some(s) = self.oefen.lock().await.take() {
            s.stop(Duration::from_secs(5)).await;
        }
        self.rollen_sluiten().await;
        self.mirror.close().await;
    }

    /// Start following the service for `session` and forward its notices to the UI.
    pub(crate) fn volgen<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        session: Session,
        oefenrol: Option<OefenRol>,
    ) -> Actief {
        let stop = self.afsluiten.child_token();
        let generatie = self.generatie.fetch_add(1, Ordering::Relaxed) + 1;
        let engine = session.engine.clone();

        // changes in the mirror → mirror-gewijzigd
        let mut wijzigingen = engine.subscribe();
        let (a, s) = (app.clone(), stop.clone());
        tauri::async_runtime::spawn(async move {
            loop {
                tokio::select! {
                    _ = s.cancelled() => return,
                    r = wijzigingen.recv() => match r {
                        Ok(c) => events::emit(&a, MirrorGewijzigd(c)),
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            tracing::warn!(missed = n, "mirror notices were dropped");
                        }
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                }
            }
        });

        // status → sync-status (the current one first)
        let mut status = engine.status();
        let (a, s) = (app.clone(), stop.clone());
        tauri::async_runtime::spawn(async move {
            loop {
                let nu = status.borrow_and_update().clone();
                events::emit(&a, SyncStatusGewijzigd(nu));
                tokio::select! {
                    _ = s.cancelled() => return,
                    r = status.changed() => if r.is_err() { return },
                }
            }
        });

        // the automatic archive (when switched on in Instellingen)
        crate::archief::automatisch_volgen(app, session.clone(), stop.clone());

        // the sync itself; a refused token ends the session (not the local copy)
        let (a, s) = (app.clone(), stop.clone());
        tauri::async_runtime::spawn(async move {
            match engine.follow(s.clone()).await {
                Ok(()) => {}
                Err(e) if e.code() == ErrorCode::Unauthorized => {
                    tracing::warn!("the service no longer accepts this session; sign in again");
                    if let Some(state) = a.try_state::<AppState>() {
                        let mut huidig = state.sessie.write().await;
                        if huidig.as_ref().is_some_and(|x| x.generatie == generatie) {
                            if let Some(x) = huidig.take() {
                                x.stop.cancel();
                            }
                        }
                    }
                    let mut st = engine.status().borrow().clone();
                    st.verbinding = Verbinding::Offline;
                    st.live = false;
                    st.melding = Some("U bent niet meer aangemeld. Meld u opnieuw aan.".into());
                    events::emit(&a, SyncStatusGewijzigd(st));
                }
                Err(e) => tracing::error!(error = %e, "sync stopped"),
            }
        });

        // OS notifications (and the tray's counts) for this session
        let oefen = self.oefen.try_lock().ok().is_some_and(|o| {
            o.as_ref().is_some_and(|o| {
                o.info().service_url.trim_end_matches('/')
                    == session.account.service_url.trim_end_matches('/')
            })
        });
        let attendering = crate::attendering::starten(app, &session.engine, oefen, stop.clone());

        Actief {
            session,
            stop,
            generatie,
            _attendering: attendering,
            oefenrol,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn opties(env: &[(&str, &str)]) -> Opties {
        let env: HashMap<String, OsString> = env
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Opties::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn new_folder_names_win_over_the_old_ones() {
        let o = opties(&[
            ("SWF_APP_DATA_DIR", "/nieuw/data"),
            ("SWF_APP_LOG_DIR", "/nieuw/log"),
            ("SWF_DATA_DIR", "/oud/data"),
            ("SWF_LOG_DIR", "/oud/log"),
        ]);
        assert_eq!(o.data_dir, Some(PathBuf::from("/nieuw/data")));
        assert_eq!(o.log_dir, Some(PathBuf::from("/nieuw/log")));
        assert!(o.legacy_env.is_empty(), "{:?}", o.legacy_env);
    }

    #[test]
    fn old_folder_names_alone_still_work_with_a_warning() {
        let o = opties(&[("SWF_DATA_DIR", "/oud/data"), ("SWF_LOG_DIR", "/oud/log")]);
        assert_eq!(o.data_dir, Some(PathBuf::from("/oud/data")));
        assert_eq!(o.log_dir, Some(PathBuf::from("/oud/log")));
        assert_eq!(
            o.legacy_env,
            vec![
                ("SWF_DATA_DIR", "SWF_APP_DATA_DIR"),
                ("SWF_LOG_DIR", "SWF_APP_LOG_DIR")
            ]
        );
    }

    #[test]
    fn each_folder_chooses_on_its_own_and_empty_counts_as_unset() {
        let o = opties(&[
            ("SWF_APP_DATA_DIR", ""),
            ("SWF_DATA_DIR", "/oud/data"),
            ("SWF_APP_LOG_DIR", "/nieuw/log"),
        ]);
        assert_eq!(o.data_dir, Some(PathBuf::from("/oud/data")));
        assert_eq!(o.log_dir, Some(PathBuf::from("/nieuw/log")));
        assert_eq!(o.legacy_env, vec![("SWF_DATA_DIR", "SWF_APP_DATA_DIR")]);

        let o = opties(&[]);
        assert_eq!((o.data_dir, o.log_dir), (None, None));
        assert!(o.legacy_env.is_empty());
    }
}
