//! Notificaties for the caller's organisation: show, list, delete.
use super::*;

impl<'a> Ctx<'a> {
    pub fn present_notificatie(&self, n: NotificatieRow) -> ApiResult<Notificatie> {
        let props = match serde_json::from_str::<Value>(&n.properties) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let self_href = href(format_args!("/notificaties/{}", n.id));
        let ext = self.caller.extensions;
        Ok(Notificatie {
            notificatie_id: Uuid::parse_str(&n.id).map_err(|_| ApiError::internal())?,
            notificatie_type: n.soort,
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
                        .then(|| href(format_args!("/samenwerkingen/{}", n.samenwerking_id))),
                ),
                ("verwijderen", ext.then(|| self_href.clone())),
            ]),
        })
    }

    fn dso_types(&self, mut f: NotificatieFilter) -> NotificatieFilter {
        if !self.caller.extensions {
            let dso: Vec<NotificatieType> = NotificatieType::ALL
                .iter()
                .copied()
                .filter(|t| t.is_dso())
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

    /// The caller's own copy of a notification, if it may see it now; else 404.
    async fn visible_notificatie(&self, id: &str) -> ApiResult<NotificatieRow> {
        self.st
            .store
            .get_notificatie(id, self.me())
            .await?
            .ok_or_else(|| ApiError::not_found("de notificatie"))
    }

    pub async fn get_notificatie(&self, id: &str) -> ApiResult<Notificatie> {
        let n = self.visible_notificatie(id).await?;
        if !self.caller.extensions && !n.soort.is_dso() {
            return Err(ApiError::not_found("de notificatie"));
        }
        self.present_notificatie(n)
    }

    pub async fn delete_notificatie(&self, id: &str) -> ApiResult<()> {
        // only a copy the caller can see may be deleted
        let n = self.visible_notificatie(id).await?;
        // an entry in the service's audit log, not in the samenwerking's history: it concerns
        // only the caller's own inbox
        let now = now_us();
        let fx = Effects {
            notificaties: Vec::new(),
            audit: vec![self.audit(
                now,
                AuditRegel {
                    samenwerking_id: None,
                    actie: "notificatie-verwijderd",
                    omschrijving: format!("Notificatie {} ({}) verwijderd", n.id, n.soort),
                    ..AuditRegel::default()
                },
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
}
