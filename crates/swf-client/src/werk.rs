//! What a signed-in user does, one function per use case: the desktop shell calls exactly one
//! of these per command (and the CLI could).
//!
//! - [`Session::scherm`] reads a samenwerking from the mirror together with the actions
//!   `swf-domain` allows this organisation *now*, so the app shows a button only when the
//!   service will accept it.
//! - The writes go to the service and then sync the mirror once, so the screen shows the result
//!   without waiting for the live feed. When that sync fails (the write itself succeeded), the
//!   live feed or the next sync catches up; the failure is logged, not reported as the write's.
use crate::error::{ClientError, Result};
use crate::mirror::{ActieverzoekItem, DocumentItem, NotificatieItem};
use crate::remote::Progress;
use crate::session::Session;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use swf_domain::{
    authorize, authorize_actieverzoek, ActieverzoekAction, ActieverzoekOpstellen,
    ActieverzoekStatus, ActieverzoekWijzigen, Action, ActorKind, Deelnemer, DeelnemerUitnodigen,
    Document, DocumentRef, DocumentWijzigen, HistorieRegel, Oin, Organisatie, Party, Privilege,
    Rol, Samenwerking, SamenwerkingStarten, SamenwerkingStatus, SamenwerkingWijzigen, StatusObject,
    Vertrouwelijkheid,
};
use uuid::Uuid;

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

/// The caller's side of an actieverzoek.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Partij {
    Zender,
    Ontvanger,
}

/// What this organisation may do with the samenwerking itself now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SamenwerkingActies {
    pub wijzigen: bool,
    pub sluiten: bool,
    pub verwijderen: bool,
    pub uitnodigen: bool,
    pub document_toevoegen_rv: bool,
    pub document_toevoegen_sv: bool,
    pub actieverzoek_opstellen: bool,
    pub historie: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeelnemerRegel {
    pub deelnemer: Deelnemer,
    /// This is my own organisation.
    pub ik_zelf: bool,
    pub privilege_wijzigen: bool,
    pub verwijderen: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentRegel {
    pub document: DocumentItem,
    /// Change omschrijving or vertrouwelijkheid (own documents, active samenwerking).
    pub wijzigen: bool,
    pub verwijderen: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActieverzoekRegel {
    pub actieverzoek: ActieverzoekItem,
    pub partij: Partij,
    /// The statuses I may move it to now (the state machine and my side decide).
    pub statussen: Vec<ActieverzoekStatus>,
    pub bericht_plaatsen: bool,
}

/// Everything the samenwerking screen shows, with the allowed actions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SamenwerkingScherm {
    pub samenwerking: Samenwerking,
    pub mijn_oin: Oin,
    pub mijn_rol: Option<Rol>,
    pub acties: SamenwerkingActies,
    /// Initiator first, then by name.
    pub deelnemers: Vec<DeelnemerRegel>,
    /// Most recently changed first.
    pub documenten: Vec<DocumentRegel>,
    /// Most recently changed first.
    pub actieverzoeken: Vec<ActieverzoekRegel>,
    /// Whom I may send an actieverzoek: the other deelnemers (empty when I may not send).
    pub ontvangers: Vec<Deelnemer>,
    /// Newest first.
    pub notificaties: Vec<NotificatieItem>,
    pub offline_beschikbaar: bool,
}

fn allowed(actor: ActorKind, action: Action, state: SamenwerkingStatus) -> bool {
    authorize(actor, action, state).is_ok()
}

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

/// Build the screen model from the mirror's detail; pure, so it is unit-tested directly.
pub fn scherm_voor(
    detail: crate::mirror::SamenwerkingDetail,
    mijn_oin: &Oin,
) -> SamenwerkingScherm {
    let state = detail.samenwerking.status.status;
    let mij = detail.deelnemers.iter().find(|d| &d.oin == mijn_oin);
    let actor = match mij {
        Some(d) => ActorKind::from_participation(d.rol == Rol::Initiator, Some(d.privilege), false),
        None => ActorKind::Outsider,
    };
    let acties = SamenwerkingActies {
        wijzigen: allowed(actor, Action::ChangeMetadata, state),
        sluiten: allowed(actor, Action::Close, state),
        verwijderen: allowed(actor, Action::Delete, state),
        uitnodigen: allowed(actor, Action::InviteDeelnemer, state),
        document_toevoegen_rv: allowed(actor, Action::UploadDocumentRv, state),
        document_toevoegen_sv: allowed(actor, Action::UploadDocumentSv, state),
        actieverzoek_opstellen: allowed(actor, Action::CreateActieverzoek, state),
        historie: allowed(actor, Action::ViewHistorie, state),
    };
    let deelnemers = detail
        .deelnemers
        .iter()
        .map(|d| {
            let ik_zelf = &d.oin == mijn_oin;
            // the initiator's own row is not a partner: its access cannot change, it cannot leave
            let partner = !ik_zelf && d.rol != Rol::Initiator;
            DeelnemerRegel {
                deelnemer: d.clone(),
                ik_zelf,
                privilege_wijzigen: partner && allowed(actor, Action::ChangePrivilege, state),
                verwijderen: partner && allowed(actor, Action::RemoveDeelnemer, state),
            }
        })
        .collect();
    let documenten = detail
        .documenten
        .into_iter()
        .map(|d| {
            let eigen = &d.document.aangemaakt_door == mijn_oin;
            let (change, delete) = if eigen {
                (Action::ChangeOwnDocument, Action::DeleteOwnDocument)
            } else {
                (Action::ChangeOthersDocument, Action::DeleteOthersDocument)
            };
            DocumentRegel {
                wijzigen: allowed(actor, change, state),
                verwijderen: allowed(actor, delete, state),
                document: d,
            }
        })
        .collect();
    let actieverzoeken = detail
        .actieverzoeken
        .into_iter()
        .filter_map(|a| {
            let partij = if &a.actieverzoek.zender == mijn_oin {
                Partij::Zender
            } else if &a.actieverzoek.ontvanger == mijn_oin {
                Partij::Ontvanger
            } else {
                return None;
            };
            let party = match partij {
                Partij::Zender => Party::Zender,
                Partij::Ontvanger => Party::Ontvanger,
            };
            let current = a.actieverzoek.status;
            let mag = |action| {
                actor.is_participant()
                    && authorize_actieverzoek(party, action, state, current).is_ok()
            };
            let statussen = ActieverzoekStatus::ALL
                .iter()
                .copied()
                .filter(|s| *s != current && mag(ActieverzoekAction::ChangeStatus(*s)))
                .collect();
            Some(ActieverzoekRegel {
                bericht_plaatsen: mag(ActieverzoekAction::PostBericht),
                statussen,
                partij,
                actieverzoek: a,
            })
        })
        .collect();
    let ontvangers = if acties.actieverzoek_opstellen {
        detail
            .deelnemers
            .iter()
            .filter(|d| &d.oin != mijn_oin)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    SamenwerkingScherm {
        mijn_rol: mij.map(|d| d.rol),
        samenwerking: detail.samenwerking,
        mijn_oin: mijn_oin.clone(),
        acties,
        deelnemers,
        documenten,
        actieverzoeken,
        ontvangers,
        notificaties: detail.notificaties,
        offline_beschikbaar: detail.offline_beschikbaar,
    }
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

    /// The samenwerking screen, from the mirror (works offline). `None`: not in the mirror.
    pub async fn scherm(&self, samenwerking_id: &str) -> Result<Option<SamenwerkingScherm>> {
        Ok(self
            .engine
            .mirror()
            .samenwerking(samenwerking_id)
            .await?
            .map(|d| scherm_voor(d, &self.account.oin)))
    }

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

    pub async fn deelnemer_uitnodigen(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
    ) -> Result<()> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .deelnemer_uitnodigen(samenwerking_id, &DeelnemerUitnodigen { oin, privilege }),
        )
        .await
        .map(drop)
    }

    pub async fn privilege_wijzigen(
        &self,
        samenwerking_id: &str,
        oin: &str,
        privilege: Privilege,
    ) -> Result<()> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .wijzig_privilege(samenwerking_id, &oin, privilege),
        )
        .await
        .map(drop)
    }

    pub async fn deelnemer_verwijderen(&self, samenwerking_id: &str, oin: &str) -> Result<()> {
        let oin = parse_oin("oin", oin)?;
        self.schrijf(
            self.engine
                .remote()
                .verwijder_deelnemer(samenwerking_id, &oin),
        )
        .await
        .map(drop)
    }

    /// Upload a file from disk (streamed). Without an omschrijving the file name is used.
    pub async fn document_toevoegen(
        &self,
        samenwerking_id: &str,
        pad: &Path,
        vertrouwelijkheid: Vertrouwelijkheid,
        omschrijving: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<Document> {
        let meta = tokio::fs::metadata(pad)
            .await
            .map_err(|e| ClientError::Validation {
                message: format!("het bestand {} kan niet worden gelezen: {e}", pad.display()),
                params: vec![("pad".into(), e.to_string())],
            })?;
        if !meta.is_file() {
            return Err(ClientError::Validation {
                message: format!("{} is geen bestand", pad.display()),
                params: vec![("pad".into(), "geen bestand".into())],
            });
        }
        let omschrijving = optional(omschrijving).unwrap_or_else(|| {
            pad.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let doc = self
            .schrijf(self.engine.remote().upload_document(
                samenwerking_id,
                pad,
                vertrouwelijkheid,
                &omschrijving,
                progress,
            ))
            .await?;
        Ok(doc)
    }

    pub async fn document_wijzigen(
        &self,
        document_id: Uuid,
        vertrouwelijkheid: Option<Vertrouwelijkheid>,
        omschrijving: Option<String>,
    ) -> Result<()> {
        let omschrijving = match omschrijving {
            Some(o) => Some(required("omschrijving", &o)?),
            None => None,
        };
        self.schrijf(self.engine.remote().wijzig_document(
            document_id,
            &DocumentWijzigen {
                document_omschrijving: omschrijving,
                vertrouwelijkheids_aanduiding: vertrouwelijkheid,
                ..DocumentWijzigen::default()
            },
        ))
        .await
        .map(drop)
    }

    pub async fn document_verwijderen(&self, document_id: Uuid) -> Result<()> {
        self.schrijf(self.engine.remote().verwijder_document(document_id))
            .await
            .map(drop)
    }

    /// The document's verified bytes on this machine (downloaded first when needed; offline a
    /// cached copy still works).
    pub async fn document_bestand(
        &self,
        document_id: Uuid,
        progress: Progress<'_>,
    ) -> Result<PathBuf> {
        self.engine.document_bestand(document_id, progress).await
    }

    /// Save a copy of the document at `doel` (a path the user chose). Written to a temporary
    /// name next to it and renamed, so `doel` is either the old file or the complete new one.
    pub async fn document_opslaan(
        &self,
        document_id: Uuid,
        doel: &Path,
        progress: Progress<'_>,
    ) -> Result<PathBuf> {
        let bron = self.engine.document_bestand(document_id, progress).await?;
        let naam = doel
            .file_name()
            .ok_or_else(|| ClientError::Validation {
                message: format!("{} is geen bestandsnaam", doel.display()),
                params: vec![("doel".into(), "geen bestandsnaam".into())],
            })?
            .to_string_lossy()
            .into_owned();
        let map = match doel.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tijdelijk = map.join(format!(".{naam}.{}.part", Uuid::new_v4().simple()));
        let kopie = async {
            tokio::fs::copy(&bron, &tijdelijk).await?;
            tokio::fs::File::open(&tijdelijk).await?.sync_all().await?;
            tokio::fs::rename(&tijdelijk, doel).await?;
            Ok::<_, std::io::Error>(())
        }
        .await;
        if let Err(e) = kopie {
            let _ = tokio::fs::remove_file(&tijdelijk).await;
            return Err(e.into());
        }
        Ok(doel.to_path_buf())
    }

    pub async fn actieverzoek_versturen(&self, invoer: &NieuwActieverzoek) -> Result<Uuid> {
        let ontvanger = parse_oin("ontvanger", &invoer.ontvanger)?;
        let titel = required("titel", &invoer.titel)?;
        let omschrijving = required("omschrijving", &invoer.omschrijving)?;
        let a = self
            .schrijf(
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
            .await?;
        Ok(a.actieverzoek_id)
    }

    /// Move an actieverzoek to `status` (withdraw, take in treatment, refuse, mark ready,
    /// accept, send back), with the version last seen: a change made meanwhile by the other
    /// party is refused (Conflict) instead of overwritten.
    pub async fn actieverzoek_status(
        &self,
        actieverzoek_id: Uuid,
        status: ActieverzoekStatus,
        melding: Option<String>,
    ) -> Result<()> {
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
        .map(drop)
    }

    pub async fn bericht_versturen(&self, actieverzoek_id: Uuid, tekst: &str) -> Result<()> {
        let tekst = required("bericht", tekst)?;
        self.schrijf(
            self.engine
                .remote()
                .verstuur_bericht(actieverzoek_id, &tekst),
        )
        .await
        .map(drop)
    }

    pub async fn notificatie_verwijderen(&self, notificatie_id: Uuid) -> Result<()> {
        self.schrijf(self.engine.remote().verwijder_notificatie(notificatie_id))
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

    /// Organisations by (part of their) name or OIN, to invite as partner.
    pub async fn organisaties_zoeken(&self, zoek: &str) -> Result<Vec<Organisatie>> {
        let q = zoek.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        self.engine.remote().zoek_organisaties(q).await
    }
}
