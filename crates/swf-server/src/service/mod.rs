//! Use cases: one function each. Every one loads what it needs, asks `swf-domain` whether the
//! caller may do it, computes the change with its notifications and audit lines, and hands that
//! to the store as one transaction.
//!
//! One module per resource, each with its own `impl Ctx` block: `samenwerkingen`, `deelnemers`,
//! `documenten`, `actieverzoeken`, `berichten`, `notificaties` and `historie`. This file holds what
//! they share: `Ctx` with its access check and the `audit`/`notify` builders, `Access`, `Paging`,
//! the change-feed builder `feed` and the text helpers.
use crate::app::{href, links, now_us, to_dt, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use swf_domain::*;
use uuid::Uuid;

mod actieverzoeken;
mod berichten;
mod deelnemers;
mod documenten;
mod historie;
mod notificaties;
mod samenwerkingen;

pub struct Ctx<'a> {
    pub st: &'a AppState,
    pub caller: &'a Caller,
}

fn parse_enum<T>(v: &str, f: impl Fn(&str) -> Option<T>) -> ApiResult<T> {
    f(v).ok_or_else(|| {
        tracing::error!(value = v, "unknown enum value in database");
        ApiError::internal()
    })
}

fn oin(v: &str) -> ApiResult<Oin> {
    Oin::parse(v).map_err(|_| ApiError::internal())
}

/// A loaded samenwerking with the caller's relation to it.
pub struct Access {
    pub s: SamenwerkingRow,
    pub status: SamenwerkingStatus,
    pub actor: ActorKind,
}

impl Access {
    pub fn check(&self, action: Action, detail: &str) -> ApiResult<()> {
        authorize(self.actor, action, self.status)
            .map_err(|d| ApiError::denied(d, "de samenwerking", detail))
    }
    pub fn may(&self, action: Action) -> bool {
        authorize(self.actor, action, self.status).is_ok()
    }
}

impl<'a> Ctx<'a> {
    pub fn new(st: &'a AppState, caller: &'a Caller) -> Self {
        Ctx { st, caller }
    }

    fn me(&self) -> &str {
        self.caller.oin.as_str()
    }

    fn audit(
        &self,
        sid: Option<&str>,
        actie: &str,
        omschrijving: String,
        document_id: Option<&str>,
        sv: bool,
        now: i64,
    ) -> NewAudit {
        NewAudit {
            tijd: now,
            oin: self.me().to_owned(),
            organisatie_naam: self.caller.organisatie_naam.clone(),
            gebruiker: self.caller.gebruiker.clone(),
            samenwerking_id: sid.map(str::to_owned),
            actie: actie.to_owned(),
            omschrijving,
            document_id: document_id.map(str::to_owned),
            alleen_volledig: sv,
            actieverzoek_id: None,
        }
    }

    /// Load a samenwerking and decide how the caller relates to it. Unknown and deleted
    /// samenwerkingen look the same: 404.
    pub async fn access(&self, id: &str) -> ApiResult<Access> {
        let s = self
            .st
            .store
            .get_samenwerking(id)
            .await?
            .ok_or_else(|| ApiError::not_found("de samenwerking"))?;
        let status = parse_enum(&s.status, SamenwerkingStatus::from_wire)?;
        let d = self.st.store.get_deelnemer(id, self.me()).await?;
        let actor = match &d {
            None => ActorKind::Outsider,
            Some(d) => ActorKind::from_participation(
                d.rol == Rol::Initiator.as_str(),
                Privilege::from_wire(&d.privilege),
                d.verwijderd.is_some(),
            ),
        };
        let a = Access { s, status, actor };
        a.check(Action::ViewSamenwerking, "")?;
        Ok(a)
    }

    /// Notifications for each entitled participant except the caller.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn notify(
        &self,
        deelnemers: &[DeelnemerRow],
        only: Option<&[&str]>,
        s: &SamenwerkingRow,
        soort: NotificatieType,
        titel: String,
        tekst: String,
        mut props: Map<String, Value>,
        document: Option<(&str, Vertrouwelijkheid)>,
        now: i64,
    ) -> Vec<NotificatieRow> {
        props.insert("samenwerkingNaam".into(), json!(s.titel));
        props.insert(
            "eventInitiatorNaam".into(),
            json!(self.caller.organisatie_naam),
        );
        if let Some(v) = &s.verzoeknummer {
            props.insert("verzoeknummer".into(), json!(v));
        }
        let sv = document.is_some_and(|(_, v)| v == Vertrouwelijkheid::Sv);
        let properties = Value::Object(props).to_string();
        deelnemers
            .iter()
            .filter(|d| d.verwijderd.is_none() && d.oin != self.me())
            .filter(|d| only.is_none_or(|o| o.contains(&d.oin.as_str())))
            .filter(|d| {
                !sv || d.rol == Rol::Initiator.as_str()
                    || d.privilege == Privilege::VolledigeToegang.as_str()
            })
            .map(|d| NotificatieRow {
                id: Uuid::now_v7().to_string(),
                ontvanger: d.oin.clone(),
                ontvanger_naam: d.naam.clone(),
                samenwerking_id: s.id.clone(),
                soort: soort.as_str().to_owned(),
                titel: titel.clone(),
                tekst: tekst.clone(),
                event_initiator: self.me().to_owned(),
                event_initiator_naam: self.caller.organisatie_naam.clone(),
                event_datum: now,
                properties: properties.clone(),
                document_id: document.map(|(id, _)| id.to_owned()),
                alleen_volledig: sv as i64,
                na_vertrek: 0,
            })
            .collect()
    }
}

pub fn privilege_tekst(p: Privilege) -> &'static str {
    match p {
        Privilege::BeperkteToegang => "beperkte toegang (geen strikt vertrouwelijke documenten)",
        Privilege::VolledigeToegang => "volledige toegang (ook strikt vertrouwelijke documenten)",
    }
}

pub fn status_tekst(s: ActieverzoekStatus) -> &'static str {
    match s {
        ActieverzoekStatus::Open => "geopend",
        ActieverzoekStatus::InBehandeling => "in behandeling genomen",
        ActieverzoekStatus::Geweigerd => "geweigerd",
        ActieverzoekStatus::Gereedgemeld => "gereedgemeld",
        ActieverzoekStatus::Gereed => "geaccepteerd",
        ActieverzoekStatus::Ingetrokken => "ingetrokken",
    }
}

/// Page request: 0-based page number and page size (1..=100).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub number: u64,
    pub size: u64,
}

impl Paging {
    pub fn offset(&self) -> i64 {
        (self.number.saturating_mul(self.size)).min(i64::MAX as u64) as i64
    }
    pub fn page(&self, total: i64) -> Page {
        Page::new(self.number, self.size, total.max(0) as u64)
    }
}

/// Change-feed events for every active deelnemer (the caller's own organisation included: its
/// other devices must learn of the change too), optionally only `only`, and only those who may
/// see strictly confidential documents when `sv`.
pub fn feed(
    deelnemers: &[DeelnemerRow],
    only: Option<&[&str]>,
    sv: bool,
    soort: GebeurtenisSoort,
    samenwerking_id: &str,
    object_id: Option<&str>,
    now: i64,
) -> Vec<NewGebeurtenis> {
    deelnemers
        .iter()
        .filter(|d| d.verwijderd.is_none())
        .filter(|d| only.is_none_or(|o| o.contains(&d.oin.as_str())))
        .filter(|d| !sv || sees_sv(d))
        .map(|d| NewGebeurtenis {
            oin: d.oin.clone(),
            soort,
            samenwerking_id: samenwerking_id.to_owned(),
            object_id: object_id.map(str::to_owned),
            tijd: now,
            document_id: None,
            alleen_volledig: sv,
        })
        .collect()
}

fn sees_sv(d: &DeelnemerRow) -> bool {
    d.rol == Rol::Initiator.as_str() || d.privilege == Privilege::VolledigeToegang.as_str()
}
