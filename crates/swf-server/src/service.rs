//! Use cases: one function each. Every one loads what it needs, asks `swf-domain` whether the
//! caller may do it, computes the change with its notifications and audit lines, and hands that
//! to the store as one transaction.
use crate::app::{href, links, now_us, to_dt, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use swf_domain::*;
use uuid::Uuid;

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

    // ------------------------------------------------------------------ samenwerkingen

    pub async fn start(&self, req: SamenwerkingStarten) -> ApiResult<Samenwerking> {
        let mut problems = req.validate();
        let mut partners = Vec::new();
        for (i, d) in req.deelnemers.iter().enumerate() {
            if d.oin == self.caller.oin {
                problems.push(InvalidParam::new(
                    &format!("deelnemers[{i}].oin"),
                    "zelf",
                    "uw eigen organisatie is al initiator",
                ));
                continue;
            }
            match self.st.store.get_organisatie(d.oin.as_str()).await? {
                Some(o) => partners.push((o, d.privilege)),
                None => problems.push(InvalidParam::new(
                    &format!("deelnemers[{i}].oin"),
                    "onbekende-organisatie",
                    format!("organisatie {} is niet bekend bij deze service", d.oin),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let now = now_us();
        let nummer = self.st.store.next_samenwerking_nummer().await?;
        let status = if req.verzoeknummer.is_some() {
            SamenwerkingStatus::Initialisatie
        } else {
            SamenwerkingStatus::Open
        };
        let me = self.me().to_owned();
        let naam = self.caller.organisatie_naam.clone();
        let s = SamenwerkingRow {
            id: format!("SAM-{nummer}"),
            volgnummer: nummer,
            verzoeknummer: req.verzoeknummer.clone(),
            olo_verzoeknummer: None,
            bron_verzoek: req
                .bron_verzoek
                .clone()
                .or_else(|| req.verzoeknummer.as_ref().map(|_| "DSO_LV".to_owned())),
            type_verzoek: req.type_verzoek,
            globale_locatie: req.globale_locatie,
            titel: req.titel.trim().to_owned(),
            beschrijving: req.beschrijving,
            taal: req.taal.unwrap_or_else(|| "NL".into()),
            status: status.as_str().into(),
            aangemaakt_door: me.clone(),
            aangemaakt_door_naam: naam.clone(),
            creatie: now,
            eind: now + self.st.config.eind_jaren * 365 * 86_400 * 1_000_000,
            laatst_aangepast_door: me.clone(),
            laatst_aangepast_door_naam: naam.clone(),
            laatst_aangepast: now,
            kenmerk_systeem: req.kenmerk_systeem,
            nummer_binnen_systeem: req.nummer_binnen_systeem,
            contactpersoon_naam: req.contactpersoon_naam,
            contactpersoon_emailadres: req.contactpersoon_emailadres,
            contactpersoon_telefoonnummer: req.contactpersoon_telefoonnummer,
            gesloten: None,
            verwijder_na: None,
            versie: 1,
        };
        let mut deelnemers = vec![DeelnemerRow {
            samenwerking_id: s.id.clone(),
            oin: me.clone(),
            naam: naam.clone(),
            rol: Rol::Initiator.as_str().into(),
            privilege: Privilege::VolledigeToegang.as_str().into(),
            toegevoegd: now,
            verwijderd: None,
        }];
        for (o, p) in &partners {
            deelnemers.push(DeelnemerRow {
                samenwerking_id: s.id.clone(),
                oin: o.oin.clone(),
                naam: o.naam.clone(),
                rol: Rol::Ketenpartner.as_str().into(),
                privilege: p.as_str().into(),
                toegevoegd: now,
                verwijderd: None,
            });
        }
        let mut fx = Effects::default();
        fx.audit.push(self.audit(
            Some(&s.id),
            "samenwerking-gestart",
            format!("Samenwerking '{}' gestart", s.titel),
            None,
            false,
            now,
        ));
        for (o, p) in &partners {
            fx.notificaties
                .extend(self.invitation(&deelnemers, &s, &o.oin, &o.naam, *p, now));
            fx.audit.push(self.audit(
                Some(&s.id),
                "deelnemer-uitgenodigd",
                format!("{} uitgenodigd met {}", o.naam, p),
                None,
                false,
                now,
            ));
        }
        fx.gebeurtenissen = feed(
            &deelnemers,
            None,
            false,
            GebeurtenisSoort::SamenwerkingGewijzigd,
            &s.id,
            None,
            now,
        );
        self.st
            .store
            .create_samenwerking(&s, &deelnemers, &fx)
            .await?;
        self.get_samenwerking(&s.id).await
    }

    fn invitation(
        &self,
        deelnemers: &[DeelnemerRow],
        s: &SamenwerkingRow,
        oin: &str,
        naam: &str,
        p: Privilege,
        now: i64,
    ) -> Vec<NotificatieRow> {
        let mut props = Map::new();
        props.insert("deelnemer".into(), json!(oin));
        props.insert("deelnemerNaam".into(), json!(naam));
        props.insert("privilege".into(), json!(p.as_str()));
        props.insert("toegangsNiveau".into(), json!(p.as_str()));
        self.notify(
            deelnemers,
            None,
            s,
            NotificatieType::UitnodigingKetenpartner,
            "Uitnodiging voor een samenwerking".into(),
            format!(
                "{} is uitgenodigd voor samenwerking '{}' ({}).",
                naam,
                s.titel,
                privilege_tekst(p)
            ),
            props,
            None,
            now,
        )
    }

    pub async fn get_samenwerking(&self, id: &str) -> ApiResult<Samenwerking> {
        let v = self
            .st
            .store
            .get_samenwerking_view(id, self.me())
            .await?
            .ok_or_else(|| ApiError::not_found("de samenwerking"))?;
        self.present_samenwerking(v)
    }

    pub async fn list_samenwerkingen(
        &self,
        f: &SamenwerkingFilter,
        page: Paging,
    ) -> ApiResult<(Vec<Samenwerking>, Page)> {
        let (rows, total) = self
            .st
            .store
            .list_samenwerkingen(self.me(), f, page.offset(), page.size as i64)
            .await?;
        let items = rows
            .into_iter()
            .map(|v| self.present_samenwerking(v))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((items, page.page(total)))
    }

    pub fn present_samenwerking(&self, v: SamenwerkingView) -> ApiResult<Samenwerking> {
        let status = parse_enum(&v.s.status, SamenwerkingStatus::from_wire)?;
        let rol = parse_enum(&v.mijn_rol, Rol::from_wire)?;
        let privilege = parse_enum(&v.mijn_privilege, Privilege::from_wire)?;
        let actor = ActorKind::from_participation(rol == Rol::Initiator, Some(privilege), false);
        let may = |a: Action| authorize(actor, a, status).is_ok();
        let id = &v.s.id;
        let self_href = href(&format!("/samenwerkingen/{id}"));
        let ext = self.caller.extensions;
        let l = links([
            ("self", Some(self_href.clone())),
            (
                "documentToevoegen",
                may(Action::UploadDocumentRv)
                    .then(|| href(&format!("/samenwerkingen/{id}/documenten"))),
            ),
            (
                "actieverzoekOpstellen",
                may(Action::CreateActieverzoek)
                    .then(|| href(&format!("/samenwerkingen/{id}/actieverzoeken"))),
            ),
            (
                "actieverzoeken",
                Some(href(&format!("/actieverzoeken?samenwerkingId={id}"))),
            ),
            (
                "documenten",
                ext.then(|| href(&format!("/samenwerkingen/{id}/documenten"))),
            ),
            (
                "deelnemers",
                ext.then(|| href(&format!("/samenwerkingen/{id}/deelnemers"))),
            ),
            (
                "notificaties",
                ext.then(|| href(&format!("/samenwerkingen/{id}/notificaties"))),
            ),
            (
                "historie",
                ext.then(|| href(&format!("/samenwerkingen/{id}/historie"))),
            ),
            (
                "deelnemerUitnodigen",
                (ext && may(Action::InviteDeelnemer))
                    .then(|| href(&format!("/samenwerkingen/{id}/deelnemers"))),
            ),
            (
                "wijzigen",
                (ext && may(Action::ChangeMetadata)).then(|| self_href.clone()),
            ),
            (
                "sluiten",
                (ext && may(Action::Close)).then(|| self_href.clone()),
            ),
            (
                "verwijderen",
                (ext && may(Action::Delete)).then(|| self_href.clone()),
            ),
        ]);
        let s = v.s;
        Ok(Samenwerking {
            samenwerking_id: s.id,
            verzoeknummer: s.verzoeknummer,
            olo_verzoeknummer: s.olo_verzoeknummer,
            bron_verzoek: s.bron_verzoek,
            type_verzoek: s.type_verzoek,
            globale_locatie: s.globale_locatie,
            titel: s.titel,
            beschrijving: s.beschrijving,
            taal: s.taal,
            samenwerk_vorm: SamenwerkVorm::SamenwerkenAanBehandelen,
            samenwerk_doel: SamenwerkDoel::Behandelen,
            status: StatusObject { status },
            aangemaakt_door: oin(&s.aangemaakt_door)?,
            aangemaakt_door_naam: s.aangemaakt_door_naam,
            creatie_datum_tijd: to_dt(s.creatie),
            eind_datum_tijd: to_dt(s.eind),
            laatst_aangepast_door: oin(&s.laatst_aangepast_door)?,
            laatst_aangepast_door_naam: s.laatst_aangepast_door_naam,
            laatst_aangepast_datum_tijd: to_dt(s.laatst_aangepast),
            kenmerk_systeem: s.kenmerk_systeem,
            nummer_binnen_systeem: s.nummer_binnen_systeem,
            contactpersoon_naam: s.contactpersoon_naam,
            contactpersoon_emailadres: s.contactpersoon_emailadres,
            contactpersoon_telefoonnummer: s.contactpersoon_telefoonnummer,
            aantal_actieverzoeken: v.aantal_actieverzoeken.max(0) as u64,
            aantal_notificaties: v.aantal_notificaties.max(0) as u64,
            sluit_datum_tijd: s.gesloten.map(to_dt),
            verwijder_datum_tijd: s.verwijder_na.map(to_dt),
            mijn_rol: Some(rol),
            mijn_privilege: Some(privilege),
            links: l,
        })
    }

    pub async fn change_samenwerking(
        &self,
        id: &str,
        req: SamenwerkingWijzigen,
    ) -> ApiResult<Samenwerking> {
        let problems = req.validate();
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let a = self.access(id).await?;
        // any `status` in the patch is a lifecycle request: initiator only, while active
        let closing = match req.status.map(|s| s.status) {
            None => false,
            Some(target) => {
                a.check(
                    Action::Close,
                    "alleen de initiator beheert de status van de samenwerking",
                )?;
                match target {
                    t if t == a.status => false,
                    // users only close; the other transitions belong to the system
                    SamenwerkingStatus::Gesloten
                        if samenwerking_transition_allowed(a.status, target) =>
                    {
                        true
                    }
                    other => {
                        return Err(ApiError::conflict(
                            "ongeldige-statusovergang",
                            format!(
                                "van {} naar {} kan niet; alleen sluiten (GESLOTEN) is mogelijk",
                                a.status, other
                            ),
                        ))
                    }
                }
            }
        };
        if req.changes_metadata() {
            a.check(
                Action::ChangeMetadata,
                "alleen de initiator wijzigt de gegevens van de samenwerking",
            )?;
        }
        if !closing && !req.changes_metadata() {
            return self.get_samenwerking(id).await;
        }
        let now = now_us();
        let mut s = a.s.clone();
        let mut changed = Vec::new();
        macro_rules! set {
            ($field:ident, $name:literal) => {
                if let Some(v) = req.$field.clone() {
                    changed.push($name);
                    s.$field = Some(v).filter(|x: &String| !x.is_empty());
                }
            };
        }
        if let Some(t) = &req.titel {
            changed.push("titel");
            s.titel = t.trim().to_owned();
        }
        set!(beschrijving, "beschrijving");
        set!(kenmerk_systeem, "kenmerkSysteem");
        set!(nummer_binnen_systeem, "nummerBinnenSysteem");
        set!(contactpersoon_naam, "contactpersoonNaam");
        set!(contactpersoon_emailadres, "contactpersoonEmailadres");
        set!(
            contactpersoon_telefoonnummer,
            "contactpersoonTelefoonnummer"
        );
        s.laatst_aangepast = now;
        s.laatst_aangepast_door = self.me().to_owned();
        s.laatst_aangepast_door_naam = self.caller.organisatie_naam.clone();
        s.versie += 1;
        let deelnemers = self.st.store.list_deelnemers(id).await?;
        let mut fx = Effects::default();
        if !changed.is_empty() {
            fx.audit.push(self.audit(
                Some(id),
                "samenwerking-gewijzigd",
                format!("Gewijzigd: {}", changed.join(", ")),
                None,
                false,
                now,
            ));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                None,
                &s,
                NotificatieType::SamenwerkingGewijzigd,
                "Samenwerking gewijzigd".into(),
                format!(
                    "{} heeft de gegevens van samenwerking '{}' gewijzigd.",
                    self.caller.organisatie_naam, s.titel
                ),
                Map::new(),
                None,
                now,
            ));
        }
        if closing {
            s.status = SamenwerkingStatus::Gesloten.as_str().into();
            s.gesloten = Some(now);
            let verwijder_na = now + self.st.config.retention_days * 86_400 * 1_000_000;
            s.verwijder_na = Some(verwijder_na);
            let mut props = Map::new();
            props.insert("sluitDatum".into(), json!(to_dt(now)));
            props.insert("verwijderDatum".into(), json!(to_dt(verwijder_na)));
            fx.audit.push(self.audit(
                Some(id),
                "samenwerking-gesloten",
                "Samenwerking gesloten".into(),
                None,
                false,
                now,
            ));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                None,
                &s,
                NotificatieType::SamenwerkingGesloten,
                "Samenwerking gesloten".into(),
                format!(
                    "{} heeft samenwerking '{}' gesloten. U kunt haar nog inzien; archiveer wat u nodig heeft vóór {}.",
                    self.caller.organisatie_naam,
                    s.titel,
                    to_dt(verwijder_na).format("%d-%m-%Y")
                ),
                props,
                None,
                now,
            ));
        }
        fx.gebeurtenissen = feed(
            &deelnemers,
            None,
            false,
            GebeurtenisSoort::SamenwerkingGewijzigd,
            id,
            None,
            now,
        );
        match self.st.store.update_samenwerking(&s, &fx).await? {
            Applied::Yes => self.get_samenwerking(id).await,
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    pub async fn delete_samenwerking(&self, id: &str) -> ApiResult<()> {
        let a = self.access(id).await?;
        a.check(
            Action::Delete,
            "alleen de initiator kan de samenwerking verwijderen, en pas als zij gesloten is",
        )?;
        self.purge(&a.s, false).await
    }

    /// Delete a GESLOTEN samenwerking with everything in it; keep a tombstone.
    pub async fn purge(&self, s: &SamenwerkingRow, automatic: bool) -> ApiResult<()> {
        let now = now_us();
        let deelnemers = self.st.store.list_deelnemers(&s.id).await?;
        let mut fx = Effects::default();
        let tekst = if automatic {
            format!(
                "Samenwerking '{}' is automatisch verwijderd, een jaar na het sluiten.",
                s.titel
            )
        } else {
            format!(
                "{} heeft samenwerking '{}' verwijderd.",
                self.caller.organisatie_naam, s.titel
            )
        };
        let mut notifs = self.notify(
            &deelnemers,
            None,
            s,
            NotificatieType::SamenwerkingVerwijderd,
            "Samenwerking verwijderd".into(),
            tekst,
            Map::new(),
            None,
            now,
        );
        for n in &mut notifs {
            n.na_vertrek = 1;
        }
        fx.notificaties.extend(notifs);
        fx.gebeurtenissen = feed(
            &deelnemers,
            None,
            false,
            GebeurtenisSoort::SamenwerkingVerwijderd,
            &s.id,
            None,
            now,
        );
        fx.audit.push(self.audit(
            Some(&s.id),
            if automatic {
                "samenwerking-automatisch-verwijderd"
            } else {
                "samenwerking-verwijderd"
            },
            "Samenwerking verwijderd".into(),
            None,
            false,
            now,
        ));
        let docs = self
            .st
            .store
            .delete_samenwerking(&s.id, self.me(), now, &fx)
            .await?
            .ok_or_else(ApiError::stale)?;
        for d in docs {
            if let Err(e) = self.st.blobs.delete(&d).await {
                // the row is gone, so nobody can reach the bytes; the start-up sweep removes them
                tracing::warn!(document = %d, error = %e, "could not remove document bytes");
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ deelnemers

    pub fn present_deelnemer(&self, a: &Access, d: DeelnemerRow) -> ApiResult<Deelnemer> {
        let rol = parse_enum(&d.rol, Rol::from_wire)?;
        let self_href = href(&format!(
            "/samenwerkingen/{}/deelnemers/{}",
            d.samenwerking_id, d.oin
        ));
        let manage = self.caller.extensions && rol == Rol::Ketenpartner;
        Ok(Deelnemer {
            oin: oin(&d.oin)?,
            naam: d.naam,
            rol,
            privilege: parse_enum(&d.privilege, Privilege::from_wire)?,
            samenwerking_id: d.samenwerking_id,
            toegevoegd_datum_tijd: to_dt(d.toegevoegd),
            links: links([
                ("self", Some(self_href.clone())),
                (
                    "wijzigen",
                    (manage && a.may(Action::ChangePrivilege)).then(|| self_href.clone()),
                ),
                (
                    "verwijderen",
                    (manage && a.may(Action::RemoveDeelnemer)).then(|| self_href.clone()),
                ),
            ]),
        })
    }

    /// A current (not removed) deelnemer, or 404.
    async fn active_deelnemer(&self, id: &str, oin: &str) -> ApiResult<DeelnemerRow> {
        self.st
            .store
            .get_deelnemer(id, oin)
            .await?
            .filter(|d| d.verwijderd.is_none())
            .ok_or_else(|| ApiError::not_found("de deelnemer"))
    }

    pub async fn list_deelnemers(&self, id: &str) -> ApiResult<Vec<Deelnemer>> {
        let a = self.access(id).await?;
        a.check(Action::ListDeelnemers, "")?;
        self.st
            .store
            .list_deelnemers(id)
            .await?
            .into_iter()
            .map(|d| self.present_deelnemer(&a, d))
            .collect()
    }

    pub async fn get_deelnemer(&self, id: &str, partner: &str) -> ApiResult<Deelnemer> {
        let a = self.access(id).await?;
        a.check(Action::ListDeelnemers, "")?;
        let d = self.active_deelnemer(id, partner).await?;
        self.present_deelnemer(&a, d)
    }

    pub async fn invite(&self, id: &str, req: DeelnemerUitnodigen) -> ApiResult<Deelnemer> {
        let a = self.access(id).await?;
        a.check(
            Action::InviteDeelnemer,
            "alleen de initiator kan ketenpartners uitnodigen",
        )?;
        if req.oin == self.caller.oin {
            return Err(ApiError::invalid_param(
                "oin",
                "zelf",
                "uw eigen organisatie is al initiator",
            ));
        }
        let org = self
            .st
            .store
            .get_organisatie(req.oin.as_str())
            .await?
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "oin",
                    "onbekende-organisatie",
                    format!("organisatie {} is niet bekend bij deze service", req.oin),
                )
            })?;
        if let Some(d) = self.st.store.get_deelnemer(id, req.oin.as_str()).await? {
            if d.verwijderd.is_none() {
                return Err(ApiError::conflict(
                    "bestaat-al",
                    format!("{} neemt al deel", org.naam),
                ));
            }
        }
        let now = now_us();
        let row = DeelnemerRow {
            samenwerking_id: id.to_owned(),
            oin: org.oin.clone(),
            naam: org.naam.clone(),
            rol: Rol::Ketenpartner.as_str().into(),
            privilege: req.privilege.as_str().into(),
            toegevoegd: now,
            verwijderd: None,
        };
        let mut deelnemers = self.st.store.list_deelnemers(id).await?;
        deelnemers.push(row.clone());
        let mut fx = Effects::default();
        fx.notificaties.extend(self.invitation(
            &deelnemers,
            &a.s,
            &org.oin,
            &org.naam,
            req.privilege,
            now,
        ));
        fx.audit.push(self.audit(
            Some(id),
            "deelnemer-uitgenodigd",
            format!("{} uitgenodigd met {}", org.naam, req.privilege),
            None,
            false,
            now,
        ));
        fx.gebeurtenissen = feed(
            &deelnemers,
            None,
            false,
            GebeurtenisSoort::SamenwerkingGewijzigd,
            id,
            None,
            now,
        );
        self.st.store.upsert_deelnemer(&row, &fx).await?;
        self.get_deelnemer(id, &org.oin).await
    }

    pub async fn change_privilege(
        &self,
        id: &str,
        partner: &str,
        req: DeelnemerWijzigen,
    ) -> ApiResult<Deelnemer> {
        let a = self.access(id).await?;
        a.check(
            Action::ChangePrivilege,
            "alleen de initiator kan de toegang van ketenpartners wijzigen",
        )?;
        let d = self.active_deelnemer(id, partner).await?;
        if d.rol == Rol::Initiator.as_str() {
            return Err(ApiError::conflict(
                "initiator",
                "de initiator heeft altijd volledige toegang",
            ));
        }
        if d.privilege == req.privilege.as_str() {
            return self.present_deelnemer(&a, d);
        }
        let now = now_us();
        let deelnemers = self.st.store.list_deelnemers(id).await?;
        let mut props = Map::new();
        props.insert("deelnemer".into(), json!(d.oin));
        props.insert("deelnemerNaam".into(), json!(d.naam));
        props.insert("privilege".into(), json!(req.privilege.as_str()));
        props.insert("toegangsNiveau".into(), json!(req.privilege.as_str()));
        props.insert(
            "beschrijvendeRechten".into(),
            json!(privilege_tekst(req.privilege)),
        );
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            None,
            &a.s,
            NotificatieType::PrivilegeGewijzigd,
            "Toegang gewijzigd".into(),
            format!(
                "{} heeft nu {} in samenwerking '{}'.",
                d.naam,
                privilege_tekst(req.privilege),
                a.s.titel
            ),
            props,
            None,
            now,
        ));
        fx.audit.push(self.audit(
            Some(id),
            "privilege-gewijzigd",
            format!("Toegang van {} gewijzigd naar {}", d.naam, req.privilege),
            None,
            false,
            now,
        ));
        // the partner re-reads all it may now see; the others only the deelnemer list
        fx.gebeurtenissen = feed(
            &deelnemers,
            Some(&[partner]),
            false,
            GebeurtenisSoort::ToegangGewijzigd,
            id,
            None,
            now,
        );
        let others: Vec<&str> = deelnemers
            .iter()
            .map(|x| x.oin.as_str())
            .filter(|o| *o != partner)
            .collect();
        fx.gebeurtenissen.extend(feed(
            &deelnemers,
            Some(&others),
            false,
            GebeurtenisSoort::SamenwerkingGewijzigd,
            id,
            None,
            now,
        ));
        match self
            .st
            .store
            .set_privilege(id, partner, req.privilege.as_str(), &fx)
            .await?
        {
            Applied::Yes => self.get_deelnemer(id, partner).await,
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    pub async fn remove_deelnemer(&self, id: &str, partner: &str) -> ApiResult<()> {
        let a = self.access(id).await?;
        a.check(
            Action::RemoveDeelnemer,
            "alleen de initiator kan ketenpartners verwijderen",
        )?;
        let d = self.active_deelnemer(id, partner).await?;
        if d.rol == Rol::Initiator.as_str() {
            return Err(ApiError::conflict(
                "initiator",
                "de initiator kan niet worden verwijderd",
            ));
        }
        let now = now_us();
        let deelnemers = self.st.store.list_deelnemers(id).await?;
        let mut props = Map::new();
        props.insert("deelnemer".into(), json!(d.oin));
        props.insert("deelnemerNaam".into(), json!(d.naam));
        let mut fx = Effects::default();
        let mut notifs = self.notify(
            &deelnemers,
            None,
            &a.s,
            NotificatieType::DeelnemerVerwijderd,
            "Ketenpartner verwijderd".into(),
            format!(
                "{} neemt niet meer deel aan samenwerking '{}'.",
                d.naam, a.s.titel
            ),
            props,
            None,
            now,
        );
        // the removed partner keeps this one notification, and nothing else of the samenwerking
        for n in notifs.iter_mut().filter(|n| n.ontvanger == d.oin) {
            n.na_vertrek = 1;
        }
        fx.notificaties.extend(notifs);
        fx.audit.push(self.audit(
            Some(id),
            "deelnemer-verwijderd",
            format!("{} verwijderd", d.naam),
            None,
            false,
            now,
        ));
        fx.gebeurtenissen = feed(
            &deelnemers,
            Some(&[partner]),
            false,
            GebeurtenisSoort::ToegangIngetrokken,
            id,
            None,
            now,
        );
        let others: Vec<&str> = deelnemers
            .iter()
            .map(|x| x.oin.as_str())
            .filter(|o| *o != partner)
            .collect();
        fx.gebeurtenissen.extend(feed(
            &deelnemers,
            Some(&others),
            false,
            GebeurtenisSoort::SamenwerkingGewijzigd,
            id,
            None,
            now,
        ));
        match self
            .st
            .store
            .remove_deelnemer(id, partner, now, &fx)
            .await?
        {
            Applied::Yes => Ok(()),
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    // ------------------------------------------------------------------ documenten

    pub fn present_document(
        &self,
        a: &Access,
        d: DocumentRow,
        actieverzoek: Option<(&str, bool)>,
    ) -> ApiResult<Document> {
        let own = d.aangemaakt_door == self.me();
        let self_href = href(&format!("/documenten/{}", d.id));
        let ext = self.caller.extensions;
        let may_change = a.may(if own {
            Action::ChangeOwnDocument
        } else {
            Action::ChangeOthersDocument
        });
        let may_delete = a.may(if own {
            Action::DeleteOwnDocument
        } else {
            Action::DeleteOthersDocument
        });
        Ok(Document {
            document_id: Uuid::parse_str(&d.id).map_err(|_| ApiError::internal())?,
            // names stored before direction controls were refused are shown without them
            bestands_naam: validation::bestandsnaam_weergave(&d.bestandsnaam).into_owned(),
            samenwerking_id: d.samenwerking_id,
            kenmerk_systeem: d.kenmerk_systeem,
            nummer_binnen_systeem: d.nummer_binnen_systeem,
            aangemaakt_door: oin(&d.aangemaakt_door)?,
            aangemaakt_door_naam: d.aangemaakt_door_naam,
            creatie_datum_tijd: to_dt(d.creatie),
            laatst_aangepast_door: oin(&d.laatst_aangepast_door)?,
            laatst_aangepast_door_naam: d.laatst_aangepast_door_naam,
            laatst_aangepast_datum_tijd: to_dt(d.laatst_aangepast),
            document_omschrijving: d.omschrijving,
            vertrouwelijkheids_aanduiding: parse_enum(
                &d.vertrouwelijkheid,
                Vertrouwelijkheid::from_wire,
            )?,
            taal: d.taal,
            formaat: d.formaat,
            document_hash: d.hash,
            grootte: d.grootte.max(0) as u64,
            links: links([
                ("self", Some(self_href.clone())),
                ("content", Some(format!("{self_href}/content"))),
                (
                    "ontkoppelenVanActieverzoek",
                    actieverzoek
                        .filter(|(_, may)| *may)
                        .map(|(av, _)| href(&format!("/actieverzoeken/{av}/documenten/{}", d.id))),
                ),
                ("wijzigen", (ext && may_change).then(|| self_href.clone())),
                (
                    "verwijderen",
                    (ext && may_delete).then(|| self_href.clone()),
                ),
            ]),
        })
    }

    /// Load a document the caller may see (SV documents do not exist for limited access).
    pub async fn document_access(
        &self,
        document_id: &str,
    ) -> ApiResult<(Access, DocumentRow, Vertrouwelijkheid)> {
        let d = self
            .st
            .store
            .get_document(document_id)
            .await?
            .ok_or_else(|| ApiError::not_found("het document"))?;
        let a = self.access(&d.samenwerking_id).await.map_err(|e| {
            if e.status == 404 {
                ApiError::not_found("het document")
            } else {
                e
            }
        })?;
        let v = parse_enum(&d.vertrouwelijkheid, Vertrouwelijkheid::from_wire)?;
        let view = if v == Vertrouwelijkheid::Sv {
            Action::ViewDocumentSv
        } else {
            Action::ViewDocumentRv
        };
        authorize(a.actor, view, a.status)
            .map_err(|den| ApiError::denied(den, "het document", ""))?;
        Ok((a, d, v))
    }

    pub async fn get_document(&self, document_id: &str) -> ApiResult<Document> {
        let (a, d, _) = self.document_access(document_id).await?;
        self.present_document(&a, d, None)
    }

    pub async fn list_documenten(
        &self,
        id: &str,
        mut f: DocumentFilter,
        page: Paging,
    ) -> ApiResult<(Vec<Document>, Page)> {
        let a = self.access(id).await?;
        a.check(Action::ListDocumenten, "")?;
        f.alleen_rv = !a.actor.may_see(Vertrouwelijkheid::Sv);
        let (rows, total) = self
            .st
            .store
            .list_documenten(id, &f, page.offset(), page.size as i64)
            .await?;
        let docs = rows
            .into_iter()
            .map(|d| self.present_document(&a, d, None))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((docs, page.page(total)))
    }

    /// Check that an upload may start (before reading the body).
    pub async fn upload_allowed(&self, id: &str, v: Vertrouwelijkheid) -> ApiResult<Access> {
        let a = self.access(id).await?;
        let action = if v == Vertrouwelijkheid::Sv {
            Action::UploadDocumentSv
        } else {
            Action::UploadDocumentRv
        };
        a.check(
            action,
            "met beperkte toegang kunt u alleen RV-documenten toevoegen (een SV-document zou u daarna zelf niet meer zien)",
        )?;
        Ok(a)
    }

    /// Record an uploaded document whose bytes are already committed under `d.id`.
    pub async fn record_document(&self, a: &Access, d: DocumentRow) -> ApiResult<Document> {
        let now = d.creatie;
        let v = parse_enum(&d.vertrouwelijkheid, Vertrouwelijkheid::from_wire)?;
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut props = Map::new();
        props.insert("documentId".into(), json!(d.id));
        props.insert("documentNaam".into(), json!(d.bestandsnaam));
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            None,
            &a.s,
            NotificatieType::DocumentToegevoegd,
            "Document toegevoegd".into(),
            format!(
                "{} heeft document '{}' toegevoegd aan '{}'.",
                self.caller.organisatie_naam, d.bestandsnaam, a.s.titel
            ),
            props,
            Some((&d.id, v)),
            now,
        ));
        fx.audit.push(self.audit(
            Some(&a.s.id),
            "document-toegevoegd",
            format!("Document '{}' ({}) toegevoegd", d.bestandsnaam, v),
            Some(&d.id),
            v == Vertrouwelijkheid::Sv,
            now,
        ));
        fx.gebeurtenissen = NewGebeurtenis::over_document(
            feed(
                &deelnemers,
                None,
                v == Vertrouwelijkheid::Sv,
                GebeurtenisSoort::DocumentGewijzigd,
                &a.s.id,
                Some(&d.id),
                now,
            ),
            &d.id,
            v == Vertrouwelijkheid::Sv,
        );
        match self.st.store.insert_document(&d, &fx).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(ApiError::conflict(
                    "ongeldige-status",
                    "de samenwerking is intussen gesloten",
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let row = self
            .st
            .store
            .get_document(&d.id)
            .await?
            .ok_or_else(ApiError::internal)?;
        self.present_document(a, row, None)
    }

    pub async fn change_document(
        &self,
        document_id: &str,
        req: DocumentWijzigen,
    ) -> ApiResult<Document> {
        let problems = req.validate();
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let (a, d, v) = self.document_access(document_id).await?;
        let own = d.aangemaakt_door == self.me();
        a.check(
            if own {
                Action::ChangeOwnDocument
            } else {
                Action::ChangeOthersDocument
            },
            "alleen de organisatie die het document toevoegde kan het wijzigen",
        )?;
        let new_v = req.vertrouwelijkheids_aanduiding.unwrap_or(v);
        if new_v == Vertrouwelijkheid::Sv {
            a.check(
                Action::UploadDocumentSv,
                "met beperkte toegang kunt u een document niet strikt vertrouwelijk maken",
            )?;
        }
        let now = now_us().max(d.laatst_aangepast + 1);
        let expected = d.laatst_aangepast;
        let mut n = d.clone();
        if let Some(o) = req.document_omschrijving {
            n.omschrijving = o.trim().to_owned();
        }
        n.vertrouwelijkheid = new_v.as_str().into();
        if let Some(k) = req.kenmerk_systeem {
            n.kenmerk_systeem = Some(k).filter(|x| !x.is_empty());
        }
        if let Some(k) = req.nummer_binnen_systeem {
            n.nummer_binnen_systeem = Some(k).filter(|x| !x.is_empty());
        }
        if let Some(t) = req.taal {
            n.taal = Some(t).filter(|x| !x.is_empty());
        }
        n.laatst_aangepast = now;
        n.laatst_aangepast_door = self.me().to_owned();
        n.laatst_aangepast_door_naam = self.caller.organisatie_naam.clone();
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut props = Map::new();
        props.insert("documentId".into(), json!(d.id));
        props.insert("documentNaam".into(), json!(d.bestandsnaam));
        let mut fx = Effects::default();
        // A document that becomes SV is, for limited-access partners, simply gone: tell them it
        // was removed (without details), and tell full-access partners it changed.
        let (stays_visible, gone_for_limited) = (
            new_v == Vertrouwelijkheid::Rv,
            v == Vertrouwelijkheid::Rv && new_v == Vertrouwelijkheid::Sv,
        );
        fx.notificaties.extend(self.notify(
            &deelnemers,
            None,
            &a.s,
            NotificatieType::DocumentGewijzigd,
            "Document gewijzigd".into(),
            format!(
                "{} heeft document '{}' gewijzigd.",
                self.caller.organisatie_naam, d.bestandsnaam
            ),
            props.clone(),
            Some((
                &d.id,
                if stays_visible {
                    Vertrouwelijkheid::Rv
                } else {
                    Vertrouwelijkheid::Sv
                },
            )),
            now,
        ));
        if gone_for_limited {
            let limited: Vec<&str> = deelnemers
                .iter()
                .filter(|x| {
                    x.rol == Rol::Ketenpartner.as_str()
                        && x.privilege == Privilege::BeperkteToegang.as_str()
                })
                .map(|x| x.oin.as_str())
                .collect();
            let mut gone = Map::new();
            gone.insert("documentId".into(), json!(d.id));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                Some(&limited),
                &a.s,
                NotificatieType::DocumentVerwijderd,
                "Document niet meer beschikbaar".into(),
                "Een document is niet meer voor uw organisatie beschikbaar.".into(),
                gone,
                None,
                now,
            ));
        }
        fx.audit.push(self.audit(
            Some(&a.s.id),
            "document-gewijzigd",
            format!(
                "Document '{}' gewijzigd ({} → {})",
                d.bestandsnaam, v, new_v
            ),
            Some(&d.id),
            v == Vertrouwelijkheid::Sv || new_v == Vertrouwelijkheid::Sv,
            now,
        ));
        fx.gebeurtenissen = self
            .document_feed(&deelnemers, &d, Some(new_v), now)
            .await?;
        match self.st.store.update_document(&n, expected, &fx).await? {
            Applied::Yes => self.get_document(document_id).await,
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    /// Feed events after a document changed (`nieuw` = its new confidentiality) or was deleted
    /// (`nieuw` = None): for the document itself, for the actieverzoeken that show it, and for
    /// the notifications about it that appear or disappear for limited-access partners.
    async fn document_feed(
        &self,
        deelnemers: &[DeelnemerRow],
        d: &DocumentRow,
        nieuw: Option<Vertrouwelijkheid>,
        now: i64,
    ) -> ApiResult<Vec<NewGebeurtenis>> {
        let sid = d.samenwerking_id.as_str();
        let oud = parse_enum(&d.vertrouwelijkheid, Vertrouwelijkheid::from_wire)?;
        let was_sv = oud == Vertrouwelijkheid::Sv;
        let limited: Vec<&str> = deelnemers
            .iter()
            .filter(|x| !sees_sv(x))
            .map(|x| x.oin.as_str())
            .collect();
        let mut ev = Vec::new();
        // the events about the document itself carry it, so they are hidden from whoever may
        // not see it when reading; the notice for limited partners that it is gone does not
        match nieuw {
            None => ev.extend(NewGebeurtenis::over_document(
                feed(
                    deelnemers,
                    None,
                    was_sv,
                    GebeurtenisSoort::DocumentVerwijderd,
                    sid,
                    Some(&d.id),
                    now,
                ),
                &d.id,
                was_sv,
            )),
            Some(v) => {
                let is_sv = v == Vertrouwelijkheid::Sv;
                ev.extend(NewGebeurtenis::over_document(
                    feed(
                        deelnemers,
                        None,
                        is_sv,
                        GebeurtenisSoort::DocumentGewijzigd,
                        sid,
                        Some(&d.id),
                        now,
                    ),
                    &d.id,
                    is_sv,
                ));
                if is_sv && !was_sv {
                    ev.extend(feed(
                        deelnemers,
                        Some(&limited),
                        false,
                        GebeurtenisSoort::DocumentVerwijderd,
                        sid,
                        Some(&d.id),
                        now,
                    ));
                }
                if is_sv != was_sv {
                    let soort = if is_sv {
                        GebeurtenisSoort::NotificatieVerwijderd
                    } else {
                        GebeurtenisSoort::NotificatieNieuw
                    };
                    for (nid, ontvanger) in self.st.store.notificaties_over_document(&d.id).await? {
                        if limited.contains(&ontvanger.as_str()) {
                            ev.extend(feed(
                                deelnemers,
                                Some(&[ontvanger.as_str()]),
                                false,
                                soort,
                                sid,
                                Some(&nid),
                                now,
                            ));
                        }
                    }
                }
            }
        }
        for av in self.st.store.actieverzoeken_met_document(&d.id).await? {
            ev.extend(feed(
                deelnemers,
                Some(&[av.zender.as_str(), av.ontvanger.as_str()]),
                false,
                GebeurtenisSoort::ActieverzoekGewijzigd,
                sid,
                Some(&av.id),
                now,
            ));
        }
        Ok(ev)
    }

    pub async fn delete_document(&self, document_id: &str) -> ApiResult<()> {
        let (a, d, v) = self.document_access(document_id).await?;
        let own = d.aangemaakt_door == self.me();
        a.check(
            if own {
                Action::DeleteOwnDocument
            } else {
                Action::DeleteOthersDocument
            },
            "alleen de organisatie die het document toevoegde kan het verwijderen",
        )?;
        let now = now_us();
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut props = Map::new();
        props.insert("documentId".into(), json!(d.id));
        props.insert("documentNaam".into(), json!(d.bestandsnaam));
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            None,
            &a.s,
            NotificatieType::DocumentVerwijderd,
            "Document verwijderd".into(),
            format!(
                "{} heeft document '{}' verwijderd.",
                self.caller.organisatie_naam, d.bestandsnaam
            ),
            props,
            Some((&d.id, v)),
            now,
        ));
        fx.audit.push(self.audit(
            Some(&a.s.id),
            "document-verwijderd",
            format!("Document '{}' verwijderd", d.bestandsnaam),
            Some(&d.id),
            v == Vertrouwelijkheid::Sv,
            now,
        ));
        fx.gebeurtenissen = self.document_feed(&deelnemers, &d, None, now).await?;
        match self.st.store.delete_document(document_id, &fx).await? {
            Applied::Yes => {
                if let Err(e) = self.st.blobs.delete(document_id).await {
                    tracing::warn!(document = document_id, error = %e, "could not remove document bytes");
                }
                Ok(())
            }
            Applied::Stale => Err(ApiError::not_found("het document")),
        }
    }

    // ------------------------------------------------------------------ actieverzoeken

    fn party(&self, a: &ActieverzoekRow) -> Party {
        if a.zender == self.me() {
            Party::Zender
        } else if a.ontvanger == self.me() {
            Party::Ontvanger
        } else {
            Party::Other
        }
    }

    /// Load an actieverzoek the caller may see: sender or receiver, still a participant.
    async fn actieverzoek_access(
        &self,
        id: &str,
    ) -> ApiResult<(Access, ActieverzoekView, Party, ActieverzoekStatus)> {
        let nf = || ApiError::not_found("het actieverzoek");
        let v = self.st.store.get_actieverzoek(id).await?.ok_or_else(nf)?;
        let a = self.access(&v.a.samenwerking_id).await.map_err(|e| {
            if e.status == 404 {
                nf()
            } else {
                e
            }
        })?;
        let party = self.party(&v.a);
        let st = parse_enum(&v.a.status, ActieverzoekStatus::from_wire)?;
        authorize_actieverzoek(party, ActieverzoekAction::View, a.status, st).map_err(|_| nf())?;
        Ok((a, v, party, st))
    }

    /// Linked documents per actieverzoek, for a page of them at once.
    async fn linked_documents(
        &self,
        ids: &[String],
    ) -> ApiResult<HashMap<String, Vec<DocumentRow>>> {
        let mut map: HashMap<String, Vec<DocumentRow>> = HashMap::new();
        for g in self.st.store.documenten_van_actieverzoeken(ids).await? {
            map.entry(g.actieverzoek_id).or_default().push(g.d);
        }
        Ok(map)
    }

    async fn present_one_actieverzoek(
        &self,
        a: &Access,
        v: ActieverzoekView,
    ) -> ApiResult<Actieverzoek> {
        let mut docs = self.linked_documents(std::slice::from_ref(&v.a.id)).await?;
        let linked = docs.remove(&v.a.id).unwrap_or_default();
        self.present_actieverzoek(a, v, linked)
    }

    pub fn present_actieverzoek(
        &self,
        a: &Access,
        v: ActieverzoekView,
        linked: Vec<DocumentRow>,
    ) -> ApiResult<Actieverzoek> {
        let party = self.party(&v.a);
        let st = parse_enum(&v.a.status, ActieverzoekStatus::from_wire)?;
        let may = |act| authorize_actieverzoek(party, act, a.status, st).is_ok();
        let id = v.a.id.clone();
        let self_href = href(&format!("/actieverzoeken/{id}"));
        let mut l = links([
            ("self", Some(self_href.clone())),
            (
                "berichtVerzenden",
                may(ActieverzoekAction::PostBericht).then(|| format!("{self_href}/berichten")),
            ),
        ]);
        for to in ActieverzoekStatus::ALL {
            if may(ActieverzoekAction::ChangeStatus(*to)) {
                let rel = transition_rel(*to, st);
                if self.caller.extensions || DSO_ACTIEVERZOEK_RELS.contains(&rel) {
                    l.insert(rel.into(), Link::new(self_href.clone()));
                }
            }
        }
        if self.caller.extensions {
            l.insert(
                "berichten".into(),
                Link::new(format!("{self_href}/berichten")),
            );
            l.insert(
                "samenwerking".into(),
                Link::new(href(&format!("/samenwerkingen/{}", v.a.samenwerking_id))),
            );
            if may(ActieverzoekAction::EditContent) {
                l.insert("wijzigen".into(), Link::new(self_href.clone()));
            }
            if may(ActieverzoekAction::AttachDocument) {
                l.insert(
                    "documentKoppelen".into(),
                    Link::new(format!("{self_href}/documenten")),
                );
            }
        }
        let may_detach = may(ActieverzoekAction::DetachDocument);
        let see_sv = a.actor.may_see(Vertrouwelijkheid::Sv);
        let docs = linked
            .into_iter()
            .filter(|d| see_sv || d.vertrouwelijkheid == Vertrouwelijkheid::Rv.as_str())
            .map(|d| self.present_document(a, d, Some((&id, may_detach))))
            .collect::<ApiResult<Vec<_>>>()?;
        let r = v.a;
        Ok(Actieverzoek {
            actieverzoek_id: Uuid::parse_str(&r.id).map_err(|_| ApiError::internal())?,
            samenwerking_id: r.samenwerking_id,
            titel: r.titel,
            omschrijving: r.omschrijving,
            melding: r.melding,
            product_id: r.product_id,
            status: st,
            zender: oin(&r.zender)?,
            zender_naam: r.zender_naam,
            ontvanger: oin(&r.ontvanger)?,
            ontvanger_naam: r.ontvanger_naam,
            creatie_datum_tijd: to_dt(r.creatie),
            laatst_aangepast_datum_tijd: to_dt(r.laatst_aangepast),
            laatst_aangepast_door: oin(&r.laatst_aangepast_door)?,
            laatst_aangepast_door_naam: r.laatst_aangepast_door_naam,
            aantal_berichten: v.aantal_berichten.max(0) as u64,
            documenten: docs,
            versie: r.versie,
            links: l,
        })
    }

    pub async fn get_actieverzoek(&self, id: &str) -> ApiResult<Actieverzoek> {
        let (a, v, _, _) = self.actieverzoek_access(id).await?;
        self.present_one_actieverzoek(&a, v).await
    }

    pub async fn list_actieverzoeken(
        &self,
        f: &ActieverzoekFilter,
        page: Paging,
    ) -> ApiResult<(Vec<Actieverzoek>, Page)> {
        if let Some(sid) = &f.samenwerking_id {
            // an unknown or invisible samenwerking gives 404, as everywhere
            self.access(sid).await?;
        }
        let (rows, total) = self
            .st
            .store
            .list_actieverzoeken(self.me(), f, page.offset(), page.size as i64)
            .await?;
        let ids: Vec<String> = rows.iter().map(|v| v.a.id.clone()).collect();
        let mut linked = self.linked_documents(&ids).await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut access: HashMap<String, Access> = HashMap::new();
        for v in rows {
            let sid = v.a.samenwerking_id.clone();
            if !access.contains_key(&sid) {
                let acc = self.access(&sid).await?;
                access.insert(sid.clone(), acc);
            }
            if let Some(acc) = access.get(&sid) {
                let docs = linked.remove(&v.a.id).unwrap_or_default();
                out.push(self.present_actieverzoek(acc, v, docs)?);
            }
        }
        Ok((out, page.page(total)))
    }

    /// Documents named in a request must exist in this samenwerking and be visible to both parties.
    async fn documents_for(
        &self,
        a: &Access,
        ontvanger_ziet_sv: bool,
        ids: &[Uuid],
    ) -> ApiResult<Vec<DocumentRow>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let name = format!("documenten[{i}]");
            match self.st.store.get_document(&id.to_string()).await? {
                Some(d)
                    if d.samenwerking_id == a.s.id
                        && (d.vertrouwelijkheid == "RV"
                            || a.actor.may_see(Vertrouwelijkheid::Sv)) =>
                {
                    if d.vertrouwelijkheid == "SV" && !ontvanger_ziet_sv {
                        problems.push(InvalidParam::new(
                            &name,
                            "strikt-vertrouwelijk",
                            "de ontvanger heeft geen toegang tot strikt vertrouwelijke documenten",
                        ));
                    } else {
                        out.push(d);
                    }
                }
                _ => problems.push(InvalidParam::new(
                    &name,
                    "onbekend-document",
                    "dit document bestaat niet in deze samenwerking",
                )),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(ApiError::invalid(problems))
        }
    }

    pub async fn create_actieverzoek(
        &self,
        sid: &str,
        req: ActieverzoekOpstellen,
    ) -> ApiResult<Actieverzoek> {
        let problems = req.validate();
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let a = self.access(sid).await?;
        a.check(Action::CreateActieverzoek, "")?;
        if req.ontvanger == self.caller.oin {
            return Err(ApiError::invalid_param(
                "ontvanger",
                "zelf",
                "een actieverzoek gaat naar een andere deelnemer",
            ));
        }
        let ontvanger = self
            .st
            .store
            .get_deelnemer(sid, req.ontvanger.as_str())
            .await?
            .filter(|d| d.verwijderd.is_none())
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "ontvanger",
                    "geen-deelnemer",
                    "de ontvanger neemt niet deel aan deze samenwerking",
                )
            })?;
        let ontvanger_ziet_sv = ontvanger.rol == Rol::Initiator.as_str()
            || ontvanger.privilege == Privilege::VolledigeToegang.as_str();
        let mut ids: Vec<Uuid> = req.documenten.iter().map(|d| d.id()).collect();
        ids.dedup();
        let docs = self.documents_for(&a, ontvanger_ziet_sv, &ids).await?;
        let now = now_us();
        let row = ActieverzoekRow {
            id: Uuid::new_v4().to_string(),
            samenwerking_id: sid.to_owned(),
            titel: req.titel.trim().to_owned(),
            omschrijving: req.omschrijving,
            melding: None,
            product_id: req.product_id,
            status: ActieverzoekStatus::Open.as_str().into(),
            zender: self.me().to_owned(),
            zender_naam: self.caller.organisatie_naam.clone(),
            ontvanger: ontvanger.oin.clone(),
            ontvanger_naam: ontvanger.naam.clone(),
            creatie: now,
            laatst_aangepast: now,
            laatst_aangepast_door: self.me().to_owned(),
            laatst_aangepast_door_naam: self.caller.organisatie_naam.clone(),
            versie: 1,
        };
        let deelnemers = self.st.store.list_deelnemers(sid).await?;
        let mut props = Map::new();
        props.insert("actieverzoekId".into(), json!(row.id));
        props.insert("actieverzoekTitel".into(), json!(row.titel));
        props.insert("actieverzoekStatusOud".into(), Value::Null);
        props.insert("actieverzoekStatusNieuw".into(), json!("OPEN"));
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            Some(&[ontvanger.oin.as_str()]),
            &a.s,
            NotificatieType::StatusActieverzoekGewijzigd,
            "Nieuw actieverzoek".into(),
            format!(
                "{} vraagt u: '{}' (samenwerking '{}').",
                self.caller.organisatie_naam, row.titel, a.s.titel
            ),
            props,
            None,
            now,
        ));
        fx.audit.push(
            self.audit(
                Some(sid),
                "actieverzoek-verstuurd",
                format!(
                    "Actieverzoek '{}' verstuurd aan {}",
                    row.titel, row.ontvanger_naam
                ),
                None,
                false,
                now,
            )
            .over_actieverzoek(&row.id),
        );
        fx.gebeurtenissen = feed(
            &deelnemers,
            Some(&[row.zender.as_str(), row.ontvanger.as_str()]),
            false,
            GebeurtenisSoort::ActieverzoekGewijzigd,
            sid,
            Some(&row.id),
            now,
        );
        let doc_ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        self.st
            .store
            .insert_actieverzoek(&row, &doc_ids, &fx)
            .await?;
        self.get_actieverzoek(&row.id).await
    }

    /// PATCH an actieverzoek: a status change (with melding) and/or content changes. Fields the
    /// caller may not edit are accepted when unchanged (DSO clients send all five keys).
    pub async fn change_actieverzoek(
        &self,
        id: &str,
        req: ActieverzoekWijzigen,
        if_match: Option<i64>,
    ) -> ApiResult<Actieverzoek> {
        let problems = req.validate();
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let (a, v, party, current) = self.actieverzoek_access(id).await?;
        if if_match.is_some_and(|m| m != v.a.versie) {
            return Err(ApiError::stale());
        }
        let r = &v.a;
        let content_change = req.titel.as_ref().is_some_and(|t| t.trim() != r.titel)
            || req
                .omschrijving
                .as_ref()
                .is_some_and(|o| *o != r.omschrijving)
            || req
                .product_id
                .as_ref()
                .is_some_and(|p| Some(p) != r.product_id.as_ref());
        // GEREED is the sender's acceptance: a receiver asking for it is told which status it
        // may set, and nothing changes (decision D7)
        if let Some(meant) = req
            .status
            .and_then(|s| status_meant_instead(party, current, s))
            .filter(|_| a.status.is_active())
        {
            let reden = format!(
                "als ontvanger meldt u het actieverzoek gereed met status {meant}; {} is de acceptatie door de verzender",
                ActieverzoekStatus::Gereed
            );
            return Err(ApiError {
                invalid_params: vec![InvalidParam::new("status", "gebruik-gereedgemeld", &reden)],
                ..ApiError::conflict("gebruik-gereedgemeld", reden.clone())
            });
        }
        let target = req.status.filter(|s| *s != current);
        if content_change {
            authorize_actieverzoek(party, ActieverzoekAction::EditContent, a.status, current).map_err(|d| {
                ApiError::denied(d, "het actieverzoek", "alleen de verzender kan titel, omschrijving en product wijzigen, zolang het verzoek open is")
            })?;
        }
        if let Some(to) = target {
            authorize_actieverzoek(
                party,
                ActieverzoekAction::ChangeStatus(to),
                a.status,
                current,
            )
            .map_err(|d| match d {
                Denied::WrongState => ApiError::conflict(
                    "ongeldige-statusovergang",
                    if a.status.is_active() {
                        format!("het actieverzoek staat op {current}; naar {to} kan niet")
                    } else {
                        "de samenwerking is gesloten; actieverzoeken kunnen niet meer veranderen"
                            .to_string()
                    },
                ),
                other => ApiError::denied(
                    other,
                    "het actieverzoek",
                    &format!("uw organisatie kan dit actieverzoek niet op {to} zetten"),
                ),
            })?;
        }
        if !content_change && target.is_none() {
            return self.present_one_actieverzoek(&a, v).await;
        }
        let now = now_us();
        let mut n = r.clone();
        if content_change {
            if let Some(t) = &req.titel {
                n.titel = t.trim().to_owned();
            }
            if let Some(o) = &req.omschrijving {
                n.omschrijving = o.clone();
            }
            if req.product_id.is_some() {
                n.product_id = req.product_id.clone().filter(|p| !p.is_empty());
            }
        }
        if let Some(to) = target {
            n.status = to.as_str().into();
            n.melding = req.melding.clone().filter(|m| !m.trim().is_empty());
        }
        n.laatst_aangepast = now;
        n.laatst_aangepast_door = self.me().to_owned();
        n.laatst_aangepast_door_naam = self.caller.organisatie_naam.clone();
        n.versie += 1;
        let other = if party == Party::Zender {
            r.ontvanger.clone()
        } else {
            r.zender.clone()
        };
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut fx = Effects::default();
        if let Some(to) = target {
            let mut props = Map::new();
            props.insert("actieverzoekId".into(), json!(r.id));
            props.insert("actieverzoekTitel".into(), json!(n.titel));
            props.insert("actieverzoekStatusOud".into(), json!(current.as_str()));
            props.insert("actieverzoekStatusNieuw".into(), json!(to.as_str()));
            if let Some(m) = &n.melding {
                props.insert("melding".into(), json!(m));
            }
            fx.notificaties.extend(self.notify(
                &deelnemers,
                Some(&[other.as_str()]),
                &a.s,
                NotificatieType::StatusActieverzoekGewijzigd,
                format!("Actieverzoek {}", status_tekst(to)),
                format!(
                    "{} heeft actieverzoek '{}' {}.",
                    self.caller.organisatie_naam,
                    n.titel,
                    status_tekst(to)
                ),
                props,
                None,
                now,
            ));
            fx.audit.push(
                self.audit(
                    Some(&a.s.id),
                    "actieverzoek-status",
                    format!("Actieverzoek '{}': {} → {}", n.titel, current, to),
                    None,
                    false,
                    now,
                )
                .over_actieverzoek(&r.id),
            );
        }
        if content_change {
            fx.audit.push(
                self.audit(
                    Some(&a.s.id),
                    "actieverzoek-gewijzigd",
                    format!("Actieverzoek '{}' gewijzigd", n.titel),
                    None,
                    false,
                    now,
                )
                .over_actieverzoek(&r.id),
            );
        }
        fx.gebeurtenissen = feed(
            &deelnemers,
            Some(&[n.zender.as_str(), n.ontvanger.as_str()]),
            false,
            GebeurtenisSoort::ActieverzoekGewijzigd,
            &a.s.id,
            Some(&n.id),
            now,
        );
        match self.st.store.update_actieverzoek(&n, &fx).await? {
            Applied::Yes => self.get_actieverzoek(id).await,
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    pub async fn koppel(
        &self,
        id: &str,
        document_id: Uuid,
        attach: bool,
    ) -> ApiResult<Actieverzoek> {
        let (a, v, party, current) = self.actieverzoek_access(id).await?;
        let action = if attach {
            ActieverzoekAction::AttachDocument
        } else {
            ActieverzoekAction::DetachDocument
        };
        authorize_actieverzoek(party, action, a.status, current).map_err(|d| {
            ApiError::denied(
                d,
                "het actieverzoek",
                "documenten koppelen kan alleen zolang het verzoek loopt",
            )
        })?;
        let now = now_us();
        let mut n = v.a.clone();
        n.versie += 1;
        n.laatst_aangepast = now;
        n.laatst_aangepast_door = self.me().to_owned();
        n.laatst_aangepast_door_naam = self.caller.organisatie_naam.clone();
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut fx = Effects {
            gebeurtenissen: feed(
                &deelnemers,
                Some(&[n.zender.as_str(), n.ontvanger.as_str()]),
                false,
                GebeurtenisSoort::ActieverzoekGewijzigd,
                &a.s.id,
                Some(&n.id),
                now,
            ),
            ..Effects::default()
        };
        let did = document_id.to_string();
        let applied = if attach {
            let other = if party == Party::Zender {
                &v.a.ontvanger
            } else {
                &v.a.zender
            };
            let od = self.st.store.get_deelnemer(&a.s.id, other).await?;
            let other_sv = od.is_some_and(|d| {
                d.rol == Rol::Initiator.as_str()
                    || d.privilege == Privilege::VolledigeToegang.as_str()
            });
            let docs = self.documents_for(&a, other_sv, &[document_id]).await?;
            let doc = docs.first().ok_or_else(ApiError::internal)?;
            // the line names the document: it is as visible as the document (decision D4)
            fx.audit.push(
                self.audit(
                    Some(&a.s.id),
                    "document-gekoppeld",
                    format!(
                        "Document '{}' gekoppeld aan '{}'",
                        doc.bestandsnaam, v.a.titel
                    ),
                    Some(&did),
                    doc.vertrouwelijkheid == Vertrouwelijkheid::Sv.as_str(),
                    now,
                )
                .over_actieverzoek(&v.a.id),
            );
            self.st.store.koppel_document(id, &did, &n, &fx).await?
        } else {
            // a document the caller cannot see (SV with limited access, another samenwerking,
            // unknown) is not there to detach: 404, nothing changes
            let doc = self
                .st
                .store
                .get_document(&did)
                .await?
                .filter(|d| d.samenwerking_id == a.s.id)
                .filter(|d| {
                    d.vertrouwelijkheid == Vertrouwelijkheid::Rv.as_str()
                        || a.actor.may_see(Vertrouwelijkheid::Sv)
                })
                .ok_or_else(|| ApiError::not_found("het gekoppelde document"))?;
            fx.audit.push(
                self.audit(
                    Some(&a.s.id),
                    "document-ontkoppeld",
                    format!("Document ontkoppeld van '{}'", v.a.titel),
                    Some(&did),
                    doc.vertrouwelijkheid == Vertrouwelijkheid::Sv.as_str(),
                    now,
                )
                .over_actieverzoek(&v.a.id),
            );
            match self.st.store.ontkoppel_document(id, &did, &n, &fx).await? {
                Applied::Stale
                    if self
                        .st
                        .store
                        .get_actieverzoek(id)
                        .await?
                        .is_some_and(|x| x.a.versie == v.a.versie) =>
                {
                    return Err(ApiError::not_found("het gekoppelde document"));
                }
                other => other,
            }
        };
        match applied {
            Applied::Yes => self.get_actieverzoek(id).await,
            Applied::Stale => Err(ApiError::stale()),
        }
    }

    pub fn present_bericht(&self, b: BerichtRow) -> ApiResult<Bericht> {
        Ok(Bericht {
            bericht_id: Uuid::parse_str(&b.id).map_err(|_| ApiError::internal())?,
            actieverzoek_id: Uuid::parse_str(&b.actieverzoek_id)
                .map_err(|_| ApiError::internal())?,
            samenwerking_id: b.samenwerking_id,
            creatie_datum_tijd: to_dt(b.creatie),
            inhoud: b.inhoud,
            zender: oin(&b.zender)?,
            zender_naam: b.zender_naam,
            ontvanger: oin(&b.ontvanger)?,
            ontvanger_naam: b.ontvanger_naam,
            links: links([(
                "self",
                Some(href(&format!(
                    "/actieverzoeken/{}/berichten/{}",
                    b.actieverzoek_id, b.id
                ))),
            )]),
        })
    }

    pub async fn list_berichten(&self, id: &str, page: Paging) -> ApiResult<(Vec<Bericht>, Page)> {
        self.actieverzoek_access(id).await?;
        let (rows, total) = self
            .st
            .store
            .list_berichten(id, page.offset(), page.size as i64)
            .await?;
        Ok((
            rows.into_iter()
                .map(|b| self.present_bericht(b))
                .collect::<ApiResult<Vec<_>>>()?,
            page.page(total),
        ))
    }

    pub async fn post_bericht(&self, id: &str, req: BerichtVerzenden) -> ApiResult<Bericht> {
        let problems = req.validate();
        if !problems.is_empty() {
            return Err(ApiError::invalid(problems));
        }
        let (a, v, party, current) = self.actieverzoek_access(id).await?;
        authorize_actieverzoek(party, ActieverzoekAction::PostBericht, a.status, current).map_err(
            |d| {
                ApiError::denied(
                    d,
                    "het actieverzoek",
                    "berichten kunnen alleen zolang het verzoek loopt",
                )
            },
        )?;
        let r = &v.a;
        let (ontvanger, ontvanger_naam) = if party == Party::Zender {
            (r.ontvanger.clone(), r.ontvanger_naam.clone())
        } else {
            (r.zender.clone(), r.zender_naam.clone())
        };
        let now = now_us();
        let b = BerichtRow {
            id: Uuid::new_v4().to_string(),
            actieverzoek_id: r.id.clone(),
            samenwerking_id: r.samenwerking_id.clone(),
            creatie: now,
            inhoud: req.bericht,
            zender: self.me().to_owned(),
            zender_naam: self.caller.organisatie_naam.clone(),
            ontvanger: ontvanger.clone(),
            ontvanger_naam,
        };
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let mut props = Map::new();
        props.insert("actieverzoekId".into(), json!(r.id));
        props.insert("actieverzoekTitel".into(), json!(r.titel));
        props.insert("berichtId".into(), json!(b.id));
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            Some(&[ontvanger.as_str()]),
            &a.s,
            NotificatieType::NieuwBericht,
            "Nieuw bericht".into(),
            format!(
                "{} stuurde een bericht over '{}'.",
                self.caller.organisatie_naam, r.titel
            ),
            props,
            None,
            now,
        ));
        fx.audit.push(
            self.audit(
                Some(&a.s.id),
                "bericht-verstuurd",
                format!("Bericht over '{}'", r.titel),
                None,
                false,
                now,
            )
            .over_actieverzoek(&r.id),
        );
        fx.gebeurtenissen = feed(
            &deelnemers,
            Some(&[r.zender.as_str(), r.ontvanger.as_str()]),
            false,
            GebeurtenisSoort::ActieverzoekGewijzigd,
            &a.s.id,
            Some(&r.id),
            now,
        );
        self.st.store.insert_bericht(&b, &fx).await?;
        self.present_bericht(b)
    }

    // ------------------------------------------------------------------ notificaties

    pub fn present_notificatie(&self, n: NotificatieRow) -> ApiResult<Notificatie> {
        let props = match serde_json::from_str::<Value>(&n.properties) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let self_href = href(&format!("/notificaties/{}", n.id));
        let ext = self.caller.extensions;
        Ok(Notificatie {
            notificatie_id: Uuid::parse_str(&n.id).map_err(|_| ApiError::internal())?,
            notificatie_type: parse_enum(&n.soort, NotificatieType::from_wire)?,
            samenwerking_id: n.samenwerking_id.clone(),
            samenwerk_vorm: SamenwerkVorm::SamenwerkenAanBehandelen,
            notificatie_titel: n.titel,
            notificatie_tekst: n.tekst,
            event_initiator: oin(&n.event_initiator)?,
            event_initiator_naam: n.event_initiator_naam,
            deelnemer: oin(&n.ontvanger)?,
            deelnemer_naam: n.ontvanger_naam,
            event_datum_tijd: to_dt(n.event_datum),
            properties: props,
            links: links([
                ("self", Some(self_href.clone())),
                (
                    "samenwerking",
                    (ext && n.na_vertrek == 0)
                        .then(|| href(&format!("/samenwerkingen/{}", n.samenwerking_id))),
                ),
                ("verwijderen", ext.then(|| self_href.clone())),
            ]),
        })
    }

    fn dso_types(&self, mut f: NotificatieFilter) -> NotificatieFilter {
        if !self.caller.extensions {
            let dso: Vec<String> = NotificatieType::ALL
                .iter()
                .filter(|t| t.is_dso())
                .map(|t| t.as_str().to_owned())
                .collect();
            f.types = Some(match f.types {
                Some(t) => t.into_iter().filter(|x| dso.contains(x)).collect(),
                None => dso,
            });
        }
        f
    }

    pub async fn list_notificaties(
        &self,
        f: NotificatieFilter,
        page: Paging,
    ) -> ApiResult<(Vec<Notificatie>, Page)> {
        if let Some(sid) = &f.samenwerking_id {
            let a = self.access(sid).await?;
            a.check(Action::ViewNotificaties, "")?;
        }
        let f = self.dso_types(f);
        let (rows, total) = self
            .st
            .store
            .list_notificaties(self.me(), &f, page.offset(), page.size as i64)
            .await?;
        Ok((
            rows.into_iter()
                .map(|n| self.present_notificatie(n))
                .collect::<ApiResult<Vec<_>>>()?,
            page.page(total),
        ))
    }

    pub async fn get_notificatie(&self, id: &str) -> ApiResult<Notificatie> {
        let n = self
            .st
            .store
            .get_notificatie(id, self.me())
            .await?
            .ok_or_else(|| ApiError::not_found("de notificatie"))?;
        let dso_ok = NotificatieType::from_wire(&n.soort).is_some_and(|t| t.is_dso());
        if !self.caller.extensions && !dso_ok {
            return Err(ApiError::not_found("de notificatie"));
        }
        self.present_notificatie(n)
    }

    pub async fn delete_notificatie(&self, id: &str) -> ApiResult<()> {
        // only a copy the caller can see may be deleted
        let n = self
            .st
            .store
            .get_notificatie(id, self.me())
            .await?
            .ok_or_else(|| ApiError::not_found("de notificatie"))?;
        // an entry in the service's audit log, not in the samenwerking's history: it concerns
        // only the caller's own inbox
        let now = now_us();
        let fx = Effects {
            notificaties: Vec::new(),
            audit: vec![self.audit(
                None,
                "notificatie-verwijderd",
                format!("Notificatie {} ({}) verwijderd", n.id, n.soort),
                None,
                false,
                now,
            )],
            // the organisation's other devices drop it too
            gebeurtenissen: vec![NewGebeurtenis {
                oin: self.me().to_owned(),
                soort: GebeurtenisSoort::NotificatieVerwijderd,
                samenwerking_id: n.samenwerking_id.clone(),
                object_id: Some(n.id.clone()),
                tijd: now,
                document_id: None,
                alleen_volledig: false,
            }],
        };
        match self.st.store.delete_notificatie(id, self.me(), &fx).await? {
            Applied::Yes => Ok(()),
            Applied::Stale => Err(ApiError::not_found("de notificatie")),
        }
    }

    // ------------------------------------------------------------------ historie

    pub async fn historie(&self, sid: &str, page: Paging) -> ApiResult<(Vec<HistorieRegel>, Page)> {
        let a = self.access(sid).await?;
        a.check(Action::ViewHistorie, "")?;
        // a line shows no more than its subject would (decision D4, `historie_zichtbaar`): the
        // store filters on the document's confidentiality and the actieverzoek's parties now
        let ziet_sv = historie_zichtbaar(
            a.actor,
            a.status,
            Onderwerp {
                document: Some(Vertrouwelijkheid::Sv),
                actieverzoek: None,
            },
        );
        let (rows, total) = self
            .st
            .store
            .list_audit(sid, self.me(), ziet_sv, page.offset(), page.size as i64)
            .await?;
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(HistorieRegel {
                    volgnummer: r.volgnummer,
                    datum_tijd: to_dt(r.tijd),
                    organisatie: oin(&r.oin)?,
                    organisatie_naam: r.organisatie_naam,
                    gebruiker: r.gebruiker,
                    actie: r.actie,
                    omschrijving: r.omschrijving,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((items, page.page(total)))
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
