//! Deelnemers of a samenwerking: show, list, invite (`deelnemer_uitnodigen`), change privilege,
//! remove.
use super::*;

impl<'a> Ctx<'a> {
    pub fn present_deelnemer(&self, a: &Access, d: DeelnemerRow) -> ApiResult<Deelnemer> {
        let rol = d.rol;
        let self_href = href(format_args!(
            "/samenwerkingen/{}/deelnemers/{}",
            d.samenwerking_id, d.oin
        ));
        let manage = self.caller.extensions && rol == Rol::Ketenpartner;
        Ok(Deelnemer {
            oin: oin(&d.oin)?,
            naam: d.naam,
            rol,
            privilege: d.privilege,
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

    pub async fn deelnemer_uitnodigen(
        &self,
        id: &str,
        req: DeelnemerUitnodigen,
    ) -> ApiResult<Deelnemer> {
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
            rol: Rol::Ketenpartner,
            privilege: req.privilege,
            toegevoegd: now,
            verwijderd: None,
        };
        let mut deelnemers = self.st.store.list_deelnemers(id).await?;
        deelnemers.push(row.clone());
        let mut fx = Effects::default();
        fx.notificaties.extend(self.uitnodiging(
            &deelnemers,
            &a.s,
            &org.oin,
            &org.naam,
            req.privilege,
            now,
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(id),
                actie: "deelnemer-uitgenodigd",
                omschrijving: format!("{} uitgenodigd met {}", org.naam, req.privilege),
                ..AuditRegel::default()
            },
        ));
        fx.gebeurtenissen = feed(
            &deelnemers,
            now,
            FeedGebeurtenis::samenwerking(GebeurtenisSoort::SamenwerkingGewijzigd, id),
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
        if d.rol == Rol::Initiator {
            return Err(ApiError::conflict(
                "initiator",
                "de initiator heeft altijd volledige toegang",
            ));
        }
        if d.privilege == req.privilege {
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
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::PrivilegeGewijzigd,
                titel: "Toegang gewijzigd".into(),
                tekst: format!(
                    "{} heeft nu {} in samenwerking '{}'.",
                    d.naam,
                    privilege_tekst(req.privilege),
                    a.s.titel
                ),
                properties: props,
                alleen_voor: None,
                document: None,
            },
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(id),
                actie: "privilege-gewijzigd",
                omschrijving: format!("Toegang van {} gewijzigd naar {}", d.naam, req.privilege),
                ..AuditRegel::default()
            },
        ));
        // the partner re-reads all it may now see; the others only the deelnemer list
        fx.gebeurtenissen = partner_and_others_feed(
            &deelnemers,
            id,
            partner,
            GebeurtenisSoort::ToegangGewijzigd,
            now,
        );
        match self
            .st
            .store
            .set_privilege(id, partner, req.privilege, &fx)
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
        if d.rol == Rol::Initiator {
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
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::DeelnemerVerwijderd,
                titel: "Ketenpartner verwijderd".into(),
                tekst: format!(
                    "{} neemt niet meer deel aan samenwerking '{}'.",
                    d.naam, a.s.titel
                ),
                properties: props,
                alleen_voor: None,
                document: None,
            },
        );
        // the removed partner keeps this one notification, and nothing else of the samenwerking
        for n in notifs.iter_mut().filter(|n| n.ontvanger == d.oin) {
            n.na_vertrek = 1;
        }
        fx.notificaties.extend(notifs);
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(id),
                actie: "deelnemer-verwijderd",
                omschrijving: format!("{} verwijderd", d.naam),
                ..AuditRegel::default()
            },
        ));
        fx.gebeurtenissen = partner_and_others_feed(
            &deelnemers,
            id,
            partner,
            GebeurtenisSoort::ToegangIngetrokken,
            now,
        );
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
}

/// After a change to one partner's participation: `voor_partner` for that partner (it re-reads
/// all it may now see, or drops the samenwerking), SAMENWERKING_GEWIJZIGD for the others (they
/// re-read the deelnemer list).
fn partner_and_others_feed(
    deelnemers: &[DeelnemerRow],
    samenwerking_id: &str,
    partner: &str,
    voor_partner: GebeurtenisSoort,
    now: i64,
) -> Vec<NewGebeurtenis> {
    let others: Vec<&str> = deelnemers
        .iter()
        .map(|x| x.oin.as_str())
        .filter(|o| *o != partner)
        .collect();
    let mut events = feed(
        deelnemers,
        now,
        FeedGebeurtenis {
            soort: voor_partner,
            samenwerking_id,
            object_id: None,
            alleen_voor: Some(&[partner]),
            document: None,
        },
    );
    events.extend(feed(
        deelnemers,
        now,
        FeedGebeurtenis {
            soort: GebeurtenisSoort::SamenwerkingGewijzigd,
            samenwerking_id,
            object_id: None,
            alleen_voor: Some(&others),
            document: None,
        },
    ));
    events
}
