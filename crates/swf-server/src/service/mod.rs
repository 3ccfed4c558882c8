//! Use cases: one function each. Every one loads what it needs, asks `swf-domain` whether the
//! caller may do it, computes the change with its notifications and audit lines, and hands that
//! to the store as one transaction.
//!
//! One module per resource, each with its own `impl Ctx` block: `samenwerkingen`, `deelnemers`,
//! `documenten`, `actieverzoeken`, `berichten`, `notificaties`, `historie`, `organisaties`,
//! `gebeurtenissen` (the change feed) and `auth` (signing in and out). This file holds what they
//! share: `Ctx` with its access check and the effect builders `audit` ([`AuditRegel`]) and
//! `notify` ([`NieuweNotificatie`]), the change-feed builder [`feed`] ([`FeedGebeurtenis`]),
//! `Access`, `Paging` and the text helpers.
use crate::app::{href, links, now_us, to_dt, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use swf_domain::*;
use uuid::Uuid;

mod actieverzoeken;
mod auth;
mod berichten;
mod deelnemers;
mod documenten;
mod gebeurtenissen;
mod historie;
mod notificaties;
mod organisaties;
mod samenwerkingen;

pub use auth::sign_in;
pub use documenten::{DocumentInhoud, NieuwDocument};
pub use gebeurtenissen::FeedReader;

pub struct Ctx<'a> {
    pub st: &'a AppState,
    pub caller: &'a Caller,
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

/// Whether the database answers (`GET /health`).
pub async fn database_reachable(st: &AppState) -> bool {
    st.store.ping().await.is_ok()
}

impl<'a> Ctx<'a> {
    pub fn new(st: &'a AppState, caller: &'a Caller) -> Self {
        Ctx { st, caller }
    }

    fn me(&self) -> &str {
        self.caller.oin.as_str()
    }

    /// A history line by the caller.
    fn audit(&self, now: i64, r: AuditRegel<'_>) -> NewAudit {
        NewAudit {
            tijd: now,
            oin: self.me().to_owned(),
            organisatie_naam: self.caller.organisatie_naam.clone(),
            gebruiker: self.caller.gebruiker.clone(),
            samenwerking_id: r.samenwerking_id.map(str::to_owned),
            actie: r.actie.to_owned(),
            omschrijving: r.omschrijving,
            document_id: r.document_id.map(str::to_owned),
            alleen_volledig: r.alleen_volledig,
            actieverzoek_id: r.actieverzoek_id.map(str::to_owned),
        }
    }

    /// Load a samenwerking and decide how the caller relates to it. Unknown and deleted
    /// samenwerkingen look the same: 404.
    pub async fn access(&self, id: &str) -> ApiResult<Access> {
        // two reads at once: under load each waits its turn for a connection and the CPU,
        // so one after the other costs twice the wait
        let (s, d) = tokio::try_join!(
            self.st.store.get_samenwerking(id),
            self.st.store.get_deelnemer(id, self.me())
        )?;
        let s = s.ok_or_else(|| ApiError::not_found("de samenwerking"))?;
        let status = s.status;
        let actor = match &d {
            None => ActorKind::Outsider,
            Some(d) => ActorKind::from_participation(
                d.rol == Rol::Initiator,
                Some(d.privilege),
                d.verwijderd.is_some(),
            ),
        };
        let a = Access { s, status, actor };
        a.check(Action::ViewSamenwerking, "")?;
        Ok(a)
    }

    /// Notifications about samenwerking `s` for each entitled deelnemer except the caller.
    pub(crate) fn notify(
        &self,
        deelnemers: &[DeelnemerRow],
        s: &SamenwerkingRow,
        now: i64,
        n: NieuweNotificatie<'_>,
    ) -> Vec<NotificatieRow> {
        let mut props = n.properties;
        props.insert("samenwerkingNaam".into(), json!(s.titel));
        props.insert(
            "eventInitiatorNaam".into(),
            json!(self.caller.organisatie_naam),
        );
        if let Some(v) = &s.verzoeknummer {
            props.insert("verzoeknummer".into(), json!(v));
        }
        let sv = n.document.is_some_and(|(_, v)| v == Vertrouwelijkheid::Sv);
        let properties = Value::Object(props).to_string();
        deelnemers
            .iter()
            .filter(|d| d.verwijderd.is_none() && d.oin != self.me())
            .filter(|d| n.alleen_voor.is_none_or(|o| o.contains(&d.oin.as_str())))
            .filter(|d| !sv || sees_sv(d))
            .map(|d| NotificatieRow {
                id: Uuid::now_v7().to_string(),
                ontvanger: d.oin.clone(),
                ontvanger_naam: d.naam.clone(),
                samenwerking_id: s.id.clone(),
                soort: n.soort,
                titel: n.titel.clone(),
                tekst: n.tekst.clone(),
                event_initiator: self.me().to_owned(),
                event_initiator_naam: self.caller.organisatie_naam.clone(),
                event_datum: now,
                properties: properties.clone(),
                document_id: n.document.map(|(id, _)| id.to_owned()),
                alleen_volledig: sv as i64,
                na_vertrek: 0,
            })
            .collect()
    }
}

/// A notification to write (see [`Ctx::notify`]).
pub(crate) struct NieuweNotificatie<'a> {
    pub soort: NotificatieType,
    pub titel: String,
    pub tekst: String,
    /// The type's own `properties`; the samenwerking's name, the initiator's name and the
    /// verzoeknummer are added to them.
    pub properties: Map<String, Value>,
    /// Only these organisations (of the deelnemers); `None`: every deelnemer but the caller.
    pub alleen_voor: Option<&'a [&'a str]>,
    /// The document it is about, with the confidentiality that decides who receives it (and
    /// later: who still sees it).
    pub document: Option<(&'a str, Vertrouwelijkheid)>,
}

/// A history line (see [`Ctx::audit`]); the caller and the time are added.
#[derive(Default)]
pub(crate) struct AuditRegel<'a> {
    /// `None`: a line in the service's own log (e.g. about the caller's inbox).
    pub samenwerking_id: Option<&'a str>,
    pub actie: &'a str,
    pub omschrijving: String,
    /// The document the line names: it is as visible as the document.
    pub document_id: Option<&'a str>,
    /// The line is (also) about an SV document: hidden from who may not see those.
    pub alleen_volledig: bool,
    /// The actieverzoek the line is about: only its sender and receiver see it.
    pub actieverzoek_id: Option<&'a str>,
}

/// A change-feed event to write (see [`feed`]).
pub struct FeedGebeurtenis<'a> {
    pub soort: GebeurtenisSoort,
    pub samenwerking_id: &'a str,
    /// What changed inside the samenwerking (document, actieverzoek, notificatie), if anything.
    pub object_id: Option<&'a str>,
    /// Only these organisations (of the deelnemers); `None`: every deelnemer.
    pub alleen_voor: Option<&'a [&'a str]>,
    /// The document the event is about: it carries it, so a reader that may not see that
    /// document (now) does not get it; an SV document's event goes only to who may see SV.
    pub document: Option<(&'a str, Vertrouwelijkheid)>,
}

impl<'a> FeedGebeurtenis<'a> {
    /// An event about the samenwerking itself, for every deelnemer.
    pub fn samenwerking(soort: GebeurtenisSoort, samenwerking_id: &'a str) -> Self {
        FeedGebeurtenis {
            soort,
            samenwerking_id,
            object_id: None,
            alleen_voor: None,
            document: None,
        }
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
/// other devices must learn of the change too), or only `alleen_voor`, and only those who may
/// see strictly confidential documents when the event is about an SV document.
pub fn feed(deelnemers: &[DeelnemerRow], now: i64, g: FeedGebeurtenis<'_>) -> Vec<NewGebeurtenis> {
    let sv = g.document.is_some_and(|(_, v)| v == Vertrouwelijkheid::Sv);
    deelnemers
        .iter()
        .filter(|d| d.verwijderd.is_none())
        .filter(|d| g.alleen_voor.is_none_or(|o| o.contains(&d.oin.as_str())))
        .filter(|d| !sv || sees_sv(d))
        .map(|d| NewGebeurtenis {
            oin: d.oin.clone(),
            soort: g.soort,
            samenwerking_id: g.samenwerking_id.to_owned(),
            object_id: g.object_id.map(str::to_owned),
            tijd: now,
            document_id: g.document.map(|(id, _)| id.to_owned()),
            alleen_volledig: sv,
        })
        .collect()
}

fn sees_sv(d: &DeelnemerRow) -> bool {
    d.rol == Rol::Initiator || d.privilege == Privilege::VolledigeToegang
}
