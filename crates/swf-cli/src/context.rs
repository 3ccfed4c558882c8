//! What every command gets: the global options, the local mirror, the keychain, and the
//! session for commands that talk to the service.
use crate::Globaal;
use swf_client::mirror::Mirror;
use swf_client::remote::RemoteConfig;
use swf_client::secrets::SecretStore;
use swf_client::session::{self, Session};
use swf_client::sync::SyncConfig;
use swf_client::ClientError;

pub struct Ctx {
    pub g: Globaal,
    pub mirror: Mirror,
    pub secrets: Box<dyn SecretStore>,
}

impl Ctx {
    pub fn remote_config(&self, url: &str) -> RemoteConfig {
        let mut c = RemoteConfig::new(url);
        c.proxy = self.g.proxy.clone();
        c.ca_certificates = self.g.ca_cert.clone();
        c
    }

    /// The session for commands that talk to the service (or change local state): the
    /// token of `--token`/`SWF_TOKEN`, else the remembered sign-in.
    pub async fn session(&self) -> Result<Session, ClientError> {
        if let Some(token) = &self.g.token {
            let stored = self.mirror.account().await?;
            let url = self
                .g
                .service
                .clone()
                .or_else(|| stored.as_ref().map(|a| a.service_url.clone()))
                .ok_or_else(|| {
                    ClientError::Config(
                        "geef met --service (of SWF_SERVICE) het adres van de service".into(),
                    )
                })?;
            return session::with_token(
                &self.mirror,
                self.remote_config(&url),
                SyncConfig::default(),
                token,
            )
            .await;
        }
        let configure = |url: &str| self.remote_config(url);
        session::restore(
            &self.mirror,
            self.secrets.as_ref(),
            configure,
            SyncConfig::default(),
        )
        .await?
        .ok_or(ClientError::NotSignedIn)
    }

    /// The session when there is one: `None` when nobody is signed in (a command that also
    /// works from what is on this machine carries on without), any other failure is the
    /// command's.
    pub async fn session_als_aangemeld(&self) -> Result<Option<Session>, ClientError> {
        match self.session().await {
            Ok(s) => Ok(Some(s)),
            Err(ClientError::NotSignedIn) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
