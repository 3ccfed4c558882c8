//! Actieverzoeken: send one, change its status with the version last seen, post a bericht.
use super::{optional, parse_oin, required};
use crate::error::Result;
use crate::session::Session;
use serde::{Deserialize, Serialize};
use swf_domain::{
    Actieverzoek, ActieverzoekOpstellen, ActieverzoekStatus, ActieverzoekWijzigen, Bericht,
    DocumentRef,
};
use uuid::Uuid;

/// Input of "actieverzoek versturen".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NieuwActieverzoek {
    pub samenwerking_id: String,
    /// OIN of the receiving deelnemer.
    pub ontvanger: String,
    pub titel: String,
    pub omschrijving: String,
    /// Documents of this samenwerking to show with the request.
    #[serde(default)]
    pub documenten: Vec<Uuid>,
}

impl Session {
    /// Send an actieverzoek; returns it as the service stored it.
    pub async fn actieverzoek_versturen(&self, invoer: &NieuwActieverzoek) -> Result<Actieverzoek> {
        let ontvanger = parse_oin("ontvanger", &invoer.ontvanger)?;
        let titel = required("titel", &invoer.titel)?;
        let omschrijving = required("omschrijving", &invoer.omschrijving)?;
        self.schrijf(
            self.engine.remote().stel_actieverzoek_op(
                &invoer.samenwerking_id,
                &ActieverzoekOpstellen {
                    titel,
                    omschrijving,
                    ontvanger,
                    product_id: None,
                    documenten: invoer
                        .documenten
                        .iter()
                        .map(|d| DocumentRef::Id(*d))
                        .collect(),
                },
            ),
        )
        .await
    }

    /// Move an actieverzoek to `status` (withdraw, take in treatment, refuse, mark ready,
    /// accept, send back), with the version last seen: a change made meanwhile by the other
    /// party is refused (Conflict) instead of overwritten. Returns the changed actieverzoek.
    pub async fn actieverzoek_status(
        &self,
        actieverzoek_id: Uuid,
        status: ActieverzoekStatus,
        melding: Option<String>,
    ) -> Result<Actieverzoek> {
        let versie = self
            .engine
            .mirror()
            .actieverzoek(actieverzoek_id)
            .await?
            .map(|a| a.actieverzoek.versie);
        self.schrijf(self.engine.remote().wijzig_actieverzoek(
            actieverzoek_id,
            &ActieverzoekWijzigen {
                status: Some(status),
                melding: optional(melding.as_deref()),
                ..ActieverzoekWijzigen::default()
            },
            versie,
        ))
        .await
    }

    pub async fn bericht_versturen(&self, actieverzoek_id: Uuid, tekst: &str) -> Result<Bericht> {
        let tekst = required("bericht", tekst)?;
        self.schrijf(
            self.engine
                .remote()
                .verstuur_bericht(actieverzoek_id, &tekst),
        )
        .await
    }
}
