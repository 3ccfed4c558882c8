//! The samenwerking screen: what the mirror holds, with the actions `swf-domain` allows this
//! organisation now (D27), so the app shows a button only when the service will accept it.
use crate::error::Result;
use crate::mirror::{ActieverzoekItem, DocumentItem, NotificatieItem, SamenwerkingDetail};
use crate::session::Session;
use serde::{Deserialize, Serialize};
use swf_domain::{
    authorize, authorize_actieverzoek, ActieverzoekAction, ActieverzoekStatus, Action, ActorKind,
    Deelnemer, Oin, Party, Rol, Samenwerking, SamenwerkingStatus,
};

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

/// Build the screen model from the mirror's detail; pure, so it is unit-tested directly.
pub fn scherm_voor(detail: SamenwerkingDetail, mijn_oin: &Oin) -> SamenwerkingScherm {
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
    /// The samenwerking screen, from the mirror (works offline). `None`: not in the mirror.
    pub async fn scherm(&self, samenwerking_id: &str) -> Result<Option<SamenwerkingScherm>> {
        Ok(self
            .engine
            .mirror()
            .samenwerking(samenwerking_id)
            .await?
            .map(|d| scherm_voor(d, &self.account.oin)))
    }
}
