//! Samenwerkingen: start, close, delete, the audit log, and keeping one offline beschikbaar.
use super::{optional, parse_oin, required};
use crate::error::{ClientError, Result};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use swf_domain::{
    DeelnemerUitnodigen, HistorieRegel, Privilege, SamenwerkingStarten, SamenwerkingStatus,
    SamenwerkingWijzigen, StatusObject,
};
use tokio::task::JoinHandle;

/// Input of "samenwerking starten".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NieuweSamenwerking {
    pub titel: String,
    #[serde(default)]
    pub verzoeknummer: Option<String>,
    #[serde(default)]
    pub partners: Vec<NieuwePartner>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NieuwePartner {
    /// The 20-digit OIN, as typed or as found in the organisation directory.
    pub oin: String,
    pub privilege: Privilege,
}

impl Session {
    pub async fn samenwerking_starten(&self, invoer: &NieuweSamenwerking) -> Result<String> {
        let titel = required("titel", &invoer.titel)?;
        let mut deelnemers = Vec::with_capacity(invoer.partners.len());
        for p in &invoer.partners {
            let oin = parse_oin("partner", &p.oin)?;
            if oin == self.account.oin {
                return Err(ClientError::Validation {
                    message: "uw eigen organisatie neemt al deel als initiatiefnemer".into(),
                    params: vec![("partner".into(), "eigen organisatie".into())],
                });
            }
            if deelnemers
                .iter()
                .any(|d: &DeelnemerUitnodigen| d.oin == oin)
            {
                continue;
            }
            deelnemers.push(DeelnemerUitnodigen {
                oin,
                privilege: p.privilege,
            });
        }
        let s = self
            .schrijf(
                self.engine
                    .remote()
                    .start_samenwerking(&SamenwerkingStarten {
                        titel,
                        verzoeknummer: optional(invoer.verzoeknummer.as_deref()),
                        deelnemers,
                        ..SamenwerkingStarten::default()
                    }),
            )
            .await?;
        Ok(s.samenwerking_id)
    }

    /// Close: partners can only view it afterwards.
    pub async fn samenwerking_sluiten(&self, samenwerking_id: &str) -> Result<()> {
        self.schrijf(self.engine.remote().wijzig_samenwerking(
            samenwerking_id,
            &SamenwerkingWijzigen {
                status: Some(StatusObject {
                    status: SamenwerkingStatus::Gesloten,
                }),
                ..SamenwerkingWijzigen::default()
            },
        ))
        .await
        .map(drop)
    }

    /// Delete: afterwards no organisation can see it (the mirror purges it on the sync).
    pub async fn samenwerking_verwijderen(&self, samenwerking_id: &str) -> Result<()> {
        self.schrijf(self.engine.remote().verwijder_samenwerking(samenwerking_id))
            .await
            .map(drop)
    }

    /// The audit log, newest first. Read from the service (it is not mirrored): offline this
    /// gives `Offline`.
    pub async fn historie(&self, samenwerking_id: &str) -> Result<Vec<HistorieRegel>> {
        const SIZE: u64 = 100;
        let remote = self.engine.remote();
        let mut regels =
            crate::sync::all_pages(SIZE, |p| remote.historie(samenwerking_id, p, SIZE)).await?;
        regels.sort_by_key(|r| std::cmp::Reverse(r.volgnummer));
        Ok(regels)
    }

    /// Keep every document of a samenwerking on this machine (`aan`), or stop doing so (the
    /// files already there stay until they change). A local change: it publishes the same
    /// change notice as a sync, so every screen shows the new state. Switched on, the
    /// documents are fetched at once in the background: wait for them with
    /// [`OfflineOphalen::wachten`], or drop it to let them come on their own.
    pub async fn offline_beschikbaar(
        &self,
        samenwerking_id: &str,
        aan: bool,
    ) -> Result<Option<OfflineOphalen>> {
        let mirror = self.engine.mirror();
        if mirror.samenwerking(samenwerking_id).await?.is_none() {
            return Err(ClientError::NotFound(format!(
                "samenwerking {samenwerking_id} staat niet in de lokale kopie; synchroniseer en probeer het opnieuw"
            )));
        }
        let c = mirror.set_offline_beschikbaar(samenwerking_id, aan).await?;
        self.engine.publish(c);
        if !aan {
            return Ok(None);
        }
        let engine = self.engine.clone();
        Ok(Some(OfflineOphalen(tokio::spawn(async move {
            let r = engine.cache_offline_documenten().await;
            if let Err(e) = &r {
                tracing::info!(error = %e, "caching documents for offline use failed");
            }
            r
        }))))
    }
}

/// The documents of a samenwerking just made offline beschikbaar, coming in in the background.
pub struct OfflineOphalen(JoinHandle<Result<usize>>);

impl OfflineOphalen {
    /// Wait until they are in; how many were downloaded.
    pub async fn wachten(self) -> Result<usize> {
        match self.0.await {
            Ok(r) => r,
            Err(e) => match e.try_into_panic() {
                Ok(p) => std::panic::resume_unwind(p),
                Err(e) => Err(ClientError::Io(std::io::Error::other(e))),
            },
        }
    }
}
