//! Berichten on an actieverzoek: show, list, send.
use super::actieverzoeken::actieverzoek_feed;
use super::*;

impl<'a> Ctx<'a> {
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
                Some(href(format_args!(
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
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::NieuwBericht,
                titel: "Nieuw bericht".into(),
                tekst: format!(
                    "{} stuurde een bericht over '{}'.",
                    self.caller.organisatie_naam, r.titel
                ),
                properties: props,
                alleen_voor: Some(&[ontvanger.as_str()]),
                document: None,
            },
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&a.s.id),
                actie: "bericht-verstuurd",
                omschrijving: format!("Bericht over '{}'", r.titel),
                actieverzoek_id: Some(&r.id),
                ..AuditRegel::default()
            },
        ));
        fx.gebeurtenissen = actieverzoek_feed(&deelnemers, r, now);
        self.st.store.insert_bericht(&b, &fx).await?;
        self.present_bericht(b)
    }
}
