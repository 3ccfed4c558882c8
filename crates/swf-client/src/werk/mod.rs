//! What a signed-in user does, one function per use case: the desktop shell and the `swf` CLI
//! call exactly one of these per command; neither has a write path of its own.
//!
//! - [`Session::scherm`] reads a samenwerking from the mirror together with the actions
//!   `swf-domain` allows this organisation *now*, so the app shows a button only when the
//!   service will accept it.
//! - The writes to the service validate their input, go to the service and then sync the
//!   mirror once, so the screen shows the result without waiting for the live feed. When that
//!   sync fails (the write itself succeeded), the live feed or the next sync catches up; the
//!   failure is logged, not reported as the write's.
//! - Local changes (notificaties read, a samenwerking kept offline beschikbaar) are written to
//!   the mirror and publish the same change notice as a sync ([`crate::sync::Engine::subscribe`]).
//!
//! One module per resource: [`scherm`], [`samenwerkingen`], [`deelnemers`], [`documenten`],
//! [`actieverzoeken`], [`notificaties`]; [`archief`] archives a samenwerking and records it.
use crate::error::{ClientError, Result};
use crate::session::Session;
use swf_domain::Oin;

pub mod actieverzoeken;
pub mod archief;
pub mod deelnemers;
pub mod documenten;
pub mod notificaties;
pub mod samenwerkingen;
pub mod scherm;

pub use actieverzoeken::NieuwActieverzoek;
pub use documenten::{bestandsnaam, document_bestandsnaam, lokaal_opslaan};
pub use samenwerkingen::{NieuwePartner, NieuweSamenwerking, OfflineOphalen};
pub use scherm::{
    scherm_voor, ActieverzoekRegel, DeelnemerRegel, DocumentRegel, Partij, SamenwerkingActies,
    SamenwerkingScherm,
};

fn parse_oin(veld: &str, s: &str) -> Result<Oin> {
    Oin::parse(s.trim()).map_err(|e| ClientError::Validation {
        message: format!("{veld}: {e}"),
        params: vec![(veld.to_owned(), e.to_string())],
    })
}

fn required(veld: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ClientError::Validation {
            message: format!("vul {veld} in"),
            params: vec![(veld.to_owned(), "verplicht".into())],
        });
    }
    Ok(t.to_owned())
}

fn optional(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Session {
    /// Run a write on the service; when it succeeded, sync the mirror once.
    async fn schrijf<T>(&self, write: impl std::future::Future<Output = Result<T>>) -> Result<T> {
        let out = write.await?;
        if let Err(e) = self.engine.sync_once().await {
            tracing::warn!(error = %e, "the write succeeded, syncing the mirror afterwards did not");
        }
        Ok(out)
    }

    /// Whether the service answers this session now: one cheap call (the head of the change
    /// feed). `Offline` when it cannot be reached, `Unauthorized` when it refuses the token.
    pub async fn verbinding_controleren(&self) -> Result<()> {
        self.engine.remote().gebeurtenissen(None, 1).await.map(drop)
    }
}
