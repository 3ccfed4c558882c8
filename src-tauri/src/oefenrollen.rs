//! The practice environment's roles and exercises (issue 14): a learner acts as one of the six
//! practice organisations at a time and switches in one click. Each role has its own mirror
//! (`<data>/oefenomgeving/rollen/<gebruikersnaam>/spiegel`) and its own sign-in (keychain
//! entries with [`OEFEN_PREFIX`], never shared with a real sign-in); the practice service
//! itself keeps its data in `<data>/oefenomgeving/service`. The exercises' log
//! ([`Logboek`]: which samenwerking, which roles, what was looked at, the learner's notes) is
//! the file `<data>/oefenomgeving/oefeningen.json`.
use crate::ipc_error::IpcError;
use crate::oefenomgeving::{self, WACHTWOORD};
use crate::state::AppState;
use crate::types::{OefenGebruiker, OefenNotitie, OefeningenStand, SessieInfo};
use std::path::PathBuf;
use std::sync::Arc;
use swf_client::mirror::Mirror;
use swf_client::oefeningen::{self, Gedaan, Handeling, Logboek, SamenwerkingFeiten};
use swf_client::remote::{Omgeving, RemoteConfig};
use swf_client::secrets::{PrefixedStore, OEFEN_PREFIX};
use swf_client::session;
use tauri::{AppHandle, Runtime};

/// The main mirror's setting that remembers the practice role acted as last (its user name),
/// so the next start comes back as that role.
pub const INSTELLING_OEFENROL: &str = "oefenomgeving.rol";

/// The user of each role until the log knows better.
const STANDAARD_VERGUNNINGVERLENER: &str = "gemeente";
const STANDAARD_ADVISEUR: &str = "veiligheidsregio";

fn oefen_config(url: &str) -> RemoteConfig {
    let mut c = RemoteConfig::new(url);
    c.omgeving = Some(Omgeving::Oefen);
    c
}

fn gebruiker_van_oin(oin: Option<&str>, standaard: &str) -> OefenGebruiker {
    let alle = oefenomgeving::gebruikers();
    oin.and_then(|o| alle.iter().find(|g| g.oin == o).cloned())
        .or_else(|| alle.iter().find(|g| g.gebruikersnaam == standaard).cloned())
        .unwrap_or(OefenGebruiker {
            gebruikersnaam: standaard.to_owned(),
            naam: String::new(),
            organisatie: standaard.to_owned(),
            oin: String::new(),
            soort: String::new(),
        })
}

impl AppState {
    /// The practice environment's folder (service, roles, exercises' log).
    pub(crate) fn oefen_root(&self) -> PathBuf {
        self.data_dir.join("oefenomgeving")
    }

    fn rol_map(&self, gebruikersnaam: &str) -> PathBuf {
        self.oefen_root().join("rollen").join(gebruikersnaam)
    }

    fn oefen_secrets(&self) -> PrefixedStore {
        PrefixedStore::new(Arc::clone(&self.secrets), OEFEN_PREFIX)
    }

    /// The mirror of one role (opened once, then kept open). With `maken` false, a role that
    /// was never played has none: `None`.
    async fn rol_spiegel(
        &self,
        gebruikersnaam: &str,
        maken: bool,
    ) -> Result<Option<Mirror>, IpcError> {
        let mut rollen = self.rollen.lock().await;
        if let Some(m) = rollen.get(gebruikersnaam) {
            return Ok(Some(m.clone()));
        }
        let map = self.rol_map(gebruikersnaam).join("spiegel");
        if !maken && !map.exists() {
            return Ok(None);
        }
        // on a thread of its own: the future of `Mirror::open` (sqlx's migrations) is not
        // `Send` for every lifetime, which a command's future must be
        let (m, _) = tauri::async_runtime::spawn_blocking(move || {
            tauri::async_runtime::block_on(Mirror::open(&map))
        })
        .await
        .map_err(IpcError::intern)??;
        rollen.insert(gebruikersnaam.to_owned(), m.clone());
        Ok(Some(m))
    }

    /// Act as the practice organisation of `gebruikersnaam` of the app's own practice service
    /// (started when needed). See [`AppState::oefenrol_aanmelden`].
    pub async fn oefenrol_kiezen<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        gebruikersnaam: &str,
    ) -> Result<SessieInfo, IpcError> {
        if oefenomgeving::organisatie(gebruikersnaam).is_none() {
            return Err(IpcError::ongeldig(format!(
                "'{gebruikersnaam}' is geen rol van de oefenomgeving."
            )));
        }
        let info = self.oefenomgeving().await?;
        self.oefenrol_aanmelden(app, &info.service_url, gebruikersnaam, WACHTWOORD, false)
            .await
    }

    /// Sign in to a trainer's practice service (`swf-server --oefenomgeving` for a group):
    /// a practice role like the app's own, with the password the trainer handed out. Only
    /// a practice service is accepted (D42).
    pub async fn oefenservice_aanmelden<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        service_url: &str,
        gebruikersnaam: &str,
        wachtwoord: &str,
    ) -> Result<SessieInfo, IpcError> {
        let (url, g) = (service_url.trim(), gebruikersnaam.trim());
        if url.is_empty() || g.is_empty() || wachtwoord.is_empty() {
            return Err(IpcError::ongeldig(
                "Vul het adres van de oefenservice, uw gebruikersnaam en uw wachtwoord in.",
            ));
        }
        if g.contains(['/', '\\', '\t']) || g.starts_with('.') {
            return Err(IpcError::ongeldig(
                "Deze gebruikersnaam kan hier niet worden gebruikt.",
            ));
        }
        self.oefenrol_aanmelden(app, url, g, wachtwoord, true).await
    }

    /// End the current session (its mirror stays as it is) and sign in as a practice role on
    /// that role's own mirror — with the role's remembered token when there is one, else with
    /// `wachtwoord`. The answer of a non-practice service is refused (D42).
    async fn oefenrol_aanmelden<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        service_url: &str,
        gebruikersnaam: &str,
        wachtwoord: &str,
        trainer: bool,
    ) -> Result<SessieInfo, IpcError> {
        let url = service_url.trim_end_matches('/').to_owned();
        let Some(mirror) = self.rol_spiegel(gebruikersnaam, true).await? else {
            return Err(IpcError::intern("no mirror for the practice role"));
        };
        let mut huidig = self.sessie.write().await;
        if let Some(oud) = huidig.take() {
            oud.stop.cancel();
        }
        let secrets = self.oefen_secrets();
        let hersteld = match session::restore(
            &mirror,
            &secrets,
            |u: &str| oefen_config(u),
            self.sync.clone(),
        )
        .await
        {
            Ok(s) => s.filter(|s| {
                s.account.service_url == url
                    && s.account.gebruikersnaam.as_deref() == Some(gebruikersnaam)
            }),
            Err(e) => {
                tracing::info!(error = %e, "the practice role's sign-in is not remembered");
                None
            }
        };
        let s = match hersteld {
            Some(s) => s,
            None if wachtwoord.is_empty() => return Err(IpcError::niet_aangemeld()),
            // the practice password is known: no warning about a keychain that cannot remember
            None => {
                session::login(
                    &mirror,
                    &secrets,
                    oefen_config(&url),
                    self.sync.clone(),
                    gebruikersnaam,
                    wachtwoord,
                    true,
                )
                .await?
                .0
            }
        };
        // a trainer's service is remembered with its address (it starts no service here)
        let onthouden = if trainer {
            format!("{gebruikersnaam}\t{url}")
        } else {
            gebruikersnaam.to_owned()
        };
        self.mirror
            .set_setting(INSTELLING_OEFENROL, &onthouden)
            .await?;
        tracing::info!(rol = gebruikersnaam, "acting as a practice organisation");
        let sessie = SessieInfo {
            account: s.account.clone(),
            waarschuwing: None,
            oefenomgeving: true,
        };
        let rol = crate::state::OefenRol {
            gebruikersnaam: gebruikersnaam.to_owned(),
            trainer,
        };
        *huidig = Some(self.volgen(app, s, Some(rol)));
        Ok(sessie)
    }

    /// Back as the practice role the app was left as, if any: `None` when there was none or
    /// it cannot come back (then the sign-in screen shows).
    pub(crate) async fn oefenrol_herstellen<R: Runtime>(
        &self,
        app: &AppHandle<R>,
    ) -> Option<SessieInfo> {
        let vorige = match self.mirror.setting(INSTELLING_OEFENROL).await {
            Ok(r) => r.filter(|v| !v.is_empty())?,
            Err(e) => {
                tracing::warn!(error = %e, "could not read the last practice role");
                return None;
            }
        };
        let r = match vorige.split_once('\t') {
            // a trainer's service: only with the remembered token (the password is not kept)
            Some((g, url)) => self.oefenrol_aanmelden(app, url, g, "", true).await,
            None => self.oefenrol_kiezen(app, &vorige).await,
        };
        match r {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e.message, "the practice role did not come back");
                None
            }
        }
    }

    /// Leave the practice environment: sign the role out (its token goes, its mirror is
    /// wiped as at any sign-out) and forget which role was played.
    pub(crate) async fn oefenrol_afmelden(
        &self,
        session: Option<&session::Session>,
        rol: &str,
    ) -> Result<(), IpcError> {
        if let Some(mirror) = self.rol_spiegel(rol, false).await? {
            session::logout(&mirror, &self.oefen_secrets(), session).await?;
        }
        self.oefenrol_vergeten().await
    }

    pub(crate) async fn oefenrol_vergeten(&self) -> Result<(), IpcError> {
        self.mirror.set_setting(INSTELLING_OEFENROL, "").await?;
        Ok(())
    }

    /// Close the roles' mirrors (app exit).
    pub(crate) async fn rollen_sluiten(&self) {
        for (_, m) in self.rollen.lock().await.drain() {
            m.close().await;
        }
    }

    /// Whether the current session is a practice role.
    pub async fn sessie_is_oefen(&self) -> bool {
        self.oefen_oin().await.is_some()
    }

    // ---- the exercises' log ------------------------------------------------------------

    fn logboek_pad(&self) -> PathBuf {
        self.oefen_root().join("oefeningen.json")
    }

    /// The log as it is on disk; missing or unreadable: a new run (an unreadable one is kept
    /// aside, not overwritten unseen).
    async fn logboek_lezen(&self) -> Logboek {
        let pad = self.logboek_pad();
        match tokio::fs::read(&pad).await {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the exercises' log is unreadable; starting a new one");
                let _ = std::fs::rename(&pad, pad.with_extension("json.onleesbaar"));
                Logboek::default()
            }),
            Err(_) => Logboek::default(),
        }
    }

    async fn logboek_schrijven(&self, log: &Logboek) -> Result<(), IpcError> {
        let pad = self.logboek_pad();
        let tmp = pad.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(log).map_err(IpcError::intern)?;
        let schrijf = async {
            tokio::fs::create_dir_all(self.oefen_root()).await?;
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, &pad).await
        };
        schrijf.await.map_err(swf_client::ClientError::from)?;
        Ok(())
    }

    /// Change the log (one change at a time); written when `f` says it changed.
    async fn logboek_bijwerken(
        &self,
        f: impl FnOnce(&mut Logboek) -> bool,
    ) -> Result<(), IpcError> {
        let _slot = self.logboek_slot.lock().await;
        let mut log = self.logboek_lezen().await;
        if f(&mut log) {
            self.logboek_schrijven(&log).await?;
        }
        Ok(())
    }

    /// The practice users to switch between: the six of the app's own practice service; with
    /// a trainer's service only the one signed in (the others are other people's).
    pub async fn oefenrollen(&self) -> Vec<OefenGebruiker> {
        let huidig = self.sessie.read().await;
        let Some(a) = huidig.as_ref() else {
            return Vec::new();
        };
        match &a.oefenrol {
            Some(r) if !r.trainer => oefenomgeving::gebruikers(),
            Some(_) => {
                let acc = &a.session.account;
                vec![OefenGebruiker {
                    gebruikersnaam: acc.gebruikersnaam.clone().unwrap_or_default(),
                    naam: acc.naam.clone().unwrap_or_default(),
                    organisatie: acc.organisatie_naam.clone(),
                    oin: acc.oin.as_str().to_owned(),
                    soort: String::new(),
                }]
            }
            None => Vec::new(),
        }
    }

    /// The organisation of the current session, when it is a practice role.
    async fn oefen_oin(&self) -> Option<String> {
        let huidig = self.sessie.read().await;
        let a = huidig.as_ref()?;
        a.oefenrol.as_ref()?;
        Some(a.session.account.oin.as_str().to_owned())
    }

    /// Record what the current practice role did (nothing outside the practice environment).
    /// A failure is logged, never the user's problem: the action itself succeeded.
    pub async fn oefen_gedaan(&self, handeling: Handeling) {
        let Some(oin) = self.oefen_oin().await else {
            return;
        };
        if let Err(e) = self
            .logboek_bijwerken(|log| log.vastleggen(Gedaan { oin, handeling }))
            .await
        {
            tracing::warn!(error = %e.message, "could not record a practice action");
        }
    }

    /// A samenwerking was started: in practice, the first one of a run is the exercises'.
    pub async fn oefen_gestart(&self, samenwerking_id: &str) {
        let Some(oin) = self.oefen_oin().await else {
            return;
        };
        if let Err(e) = self
            .logboek_bijwerken(|log| log.gestart(&oin, samenwerking_id))
            .await
        {
            tracing::warn!(error = %e.message, "could not record the exercises' samenwerking");
        }
    }

    /// A document was opened or saved: recorded with its samenwerking.
    pub async fn oefen_document_geopend(&self, document_id: uuid::Uuid) {
        if self.oefen_oin().await.is_none() {
            return;
        }
        let Ok(s) = self.session().await else { return };
        if let Ok(Some(d)) = s.engine.mirror().document(document_id).await {
            self.oefen_gedaan(Handeling::DocumentGeopend {
                samenwerking_id: d.document.samenwerking_id,
                document_id,
            })
            .await;
        }
    }

    async fn feiten(
        &self,
        gebruikersnaam: &str,
        samenwerking_id: Option<&str>,
    ) -> Option<SamenwerkingFeiten> {
        let sid = samenwerking_id?;
        let mirror = match self.rol_spiegel(gebruikersnaam, false).await {
            Ok(m) => m?,
            Err(e) => {
                tracing::warn!(error = %e.message, rol = gebruikersnaam, "a role's mirror cannot be read");
                return None;
            }
        };
        match mirror.samenwerking(sid).await {
            Ok(d) => d.as_ref().map(SamenwerkingFeiten::from),
            Err(e) => {
                tracing::warn!(error = %e, rol = gebruikersnaam, "a role's mirror cannot be read");
                None
            }
        }
    }

    /// The exercises as far as the learner got: derived from both roles' mirrors and the log
    /// (D43), never ticked by hand.
    pub async fn oefeningen(&self) -> Result<OefeningenStand, IpcError> {
        let _slot = self.logboek_slot.lock().await;
        let mut log = self.logboek_lezen().await;
        let sid = log.samenwerking_id.clone();
        let vv = gebruiker_van_oin(
            log.vergunningverlener.as_deref(),
            STANDAARD_VERGUNNINGVERLENER,
        );
        let bij_v = self.feiten(&vv.gebruikersnaam, sid.as_deref()).await;
        let mut gewijzigd = log.adviseur_bijwerken(bij_v.as_ref());
        let ad = gebruiker_van_oin(log.adviseur.as_deref(), STANDAARD_ADVISEUR);
        let bij_a = self.feiten(&ad.gebruikersnaam, sid.as_deref()).await;
        let titel = bij_v.as_ref().or(bij_a.as_ref()).map(|s| s.titel.clone());
        let mut oefeningen = oefeningen::voortgang(&log.stand(bij_v.as_ref(), bij_a.as_ref()));
        gewijzigd |= log.afvinken(&mut oefeningen);
        if gewijzigd {
            self.logboek_schrijven(&log).await?;
        }
        Ok(OefeningenStand {
            oefeningen,
            vergunningverlener: vv,
            adviseur: ad,
            samenwerking_id: sid,
            samenwerking_titel: titel,
            notities: log
                .notities
                .iter()
                .map(|(nummer, tekst)| OefenNotitie {
                    nummer: *nummer,
                    tekst: tekst.clone(),
                })
                .collect(),
        })
    }

    /// Keep the learner's notes on one exercise (empty: none).
    pub async fn oefen_notitie(&self, nummer: u8, tekst: &str) -> Result<(), IpcError> {
        if !(1..=5).contains(&nummer) {
            return Err(IpcError::ongeldig("Er zijn vijf oefeningen."));
        }
        if tekst.len() > 20_000 {
            return Err(IpcError::ongeldig(
                "De notitie is te lang (hooguit 20 000 tekens).",
            ));
        }
        let tekst = tekst.to_owned();
        self.logboek_bijwerken(|log| {
            let oud = log.notities.get(&nummer).cloned().unwrap_or_default();
            if oud == tekst {
                return false;
            }
            if tekst.trim().is_empty() {
                log.notities.remove(&nummer);
            } else {
                log.notities.insert(nummer, tekst);
            }
            true
        })
        .await
    }

    /// Start the exercises over: the log and the notes go; the service keeps what was made
    /// (the next samenwerking started is the new run's).
    pub async fn oefeningen_opnieuw(&self) -> Result<(), IpcError> {
        let _slot = self.logboek_slot.lock().await;
        match tokio::fs::remove_file(self.logboek_pad()).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(swf_client::ClientError::from(e).into()),
        }
    }
}
