//! Samenwerkingen: start, show, list, change and delete one, and purge a closed one.
use super::*;
use crate::weergave;

impl<'a> Ctx<'a> {
    /// A verzoeknummer must be known to the Omgevingsloket (when one is connected): an unknown
    /// one is refused as DSO refuses it. A known verzoek fills in its type and location when
    /// the request leaves them out.
    async fn verzoek_opzoeken(
        &self,
        mut req: SamenwerkingStarten,
    ) -> ApiResult<SamenwerkingStarten> {
        use crate::oefen::loket::Opzoeken;
        let Some(nummer) = req.verzoeknummer.clone() else {
            return Ok(req);
        };
        match self.st.omgevingsloket.zoek(&nummer).await {
            Ok(Opzoeken::Gevonden(v)) => {
                req.type_verzoek = req.type_verzoek.or(Some(v.soort));
                req.globale_locatie = req.globale_locatie.or(Some(v.locatie));
                Ok(req)
            }
            Ok(Opzoeken::NietGekoppeld) => Ok(req),
            Ok(Opzoeken::Onbekend) => Err(ApiError::invalid_param(
                "verzoeknummer",
                "onbekend-verzoek",
                format!("het Omgevingsloket kent geen verzoek met nummer {nummer}"),
            )),
            Err(e) => Err(ApiError::new(
                axum::http::StatusCode::BAD_GATEWAY,
                "omgevingsloket-niet-bereikbaar",
                "Omgevingsloket niet bereikbaar",
                e.to_string(),
            )),
        }
    }

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
        let req = self.verzoek_opzoeken(req).await?;
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
            status,
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
            rol: Rol::Initiator,
            privilege: Privilege::VolledigeToegang,
            toegevoegd: now,
            verwijderd: None,
        }];
        for (o, p) in &partners {
            deelnemers.push(DeelnemerRow {
                samenwerking_id: s.id.clone(),
                oin: o.oin.clone(),
                naam: o.naam.clone(),
                rol: Rol::Ketenpartner,
                privilege: *p,
                toegevoegd: now,
                verwijderd: None,
            });
        }
        let mut fx = Effects::default();
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&s.id),
                actie: "samenwerking-gestart",
                omschrijving: format!("Samenwerking '{}' gestart", s.titel),
                ..AuditRegel::default()
            },
        ));
        for (o, p) in &partners {
            fx.notificaties
                .extend(self.uitnodiging(&deelnemers, &s, &o.oin, &o.naam, *p, now));
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(&s.id),
                    actie: "deelnemer-uitgenodigd",
                    omschrijving: format!("{} uitgenodigd met {}", o.naam, p),
                    ..AuditRegel::default()
                },
            ));
        }
        fx.gebeurtenissen = feed(
            &deelnemers,
            now,
            FeedGebeurtenis::samenwerking(GebeurtenisSoort::SamenwerkingGewijzigd, &s.id),
        );
        self.st
            .store
            .create_samenwerking(&s, &deelnemers, &fx)
            .await?;
        self.get_samenwerking(&s.id).await
    }

    /// The UITNODIGING_KETENPARTNER notifications when organisation `oin` joins with `p`.
    pub(super) fn uitnodiging(
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
            s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::UitnodigingKetenpartner,
                titel: "Uitnodiging voor een samenwerking".into(),
                tekst: format!(
                    "{} is uitgenodigd voor samenwerking '{}' ({}).",
                    naam,
                    s.titel,
                    privilege_tekst(p)
                ),
                properties: props,
                alleen_voor: None,
                document: None,
            },
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

    /// Increases with every committed change the caller's overview may show (any process,
    /// D58): a page rendered at the same value is still current. Other organisations' writes
    /// leave it as it is.
    pub async fn overview_generation(&self) -> ApiResult<i64> {
        Ok(self.st.store.overview_generation(self.me()).await?)
    }

    /// One page of the caller's overview: its samenwerkingen as JSON, separated by commas (D80),
    /// and the page.
    pub async fn list_samenwerkingen(
        &self,
        f: &SamenwerkingFilter,
        page: Paging,
    ) -> ApiResult<(Vec<u8>, Page)> {
        let (rows, total) = self
            .st
            .store
            .list_samenwerkingen(self.me(), f, page.offset(), page.size as i64)
            .await?;
        let mut json: Vec<u8> = Vec::with_capacity(rows.len() * 1400);
        for r in rows {
            let e = self.eigen(
                r.status,
                r.mijn_rol,
                r.mijn_privilege,
                r.aantal_actieverzoeken,
                r.aantal_notificaties,
            );
            let begin = json.len();
            if begin > 0 {
                json.push(b',');
            }
            match &r.weergave {
                Some(w) => weergave::item(&mut json, &r.id, w, r.gesloten, r.verwijder_na, &e)
                    .map_err(|_| ApiError::internal())?,
                // not rendered at this version (written by an older instance): from its columns
                None => match self
                    .st
                    .store
                    .get_samenwerking_view(&r.id, self.me())
                    .await?
                {
                    Some(v) => serde_json::to_writer(&mut json, &self.present_samenwerking(v)?)
                        .map_err(|_| ApiError::internal())?,
                    // deleted since the page was read
                    None => json.truncate(begin),
                },
            }
        }
        Ok((json, page.page(total)))
    }

    pub fn present_samenwerking(&self, v: SamenwerkingView) -> ApiResult<Samenwerking> {
        let e = self.eigen(
            v.s.status,
            v.mijn_rol,
            v.mijn_privilege,
            v.aantal_actieverzoeken,
            v.aantal_notificaties,
        );
        weergave::samenwerking(v.s, e).map_err(|e| {
            tracing::error!(error = %e, "corrupt samenwerking row");
            ApiError::internal()
        })
    }

    /// The caller's own part of a samenwerking: its counts, role and privilege, and the links
    /// to what that role and privilege allow in the samenwerking's status.
    fn eigen(
        &self,
        status: SamenwerkingStatus,
        rol: Rol,
        privilege: Privilege,
        aantal_actieverzoeken: i64,
        aantal_notificaties: i64,
    ) -> weergave::Eigen {
        use weergave::Rel;
        let actor = ActorKind::from_participation(rol == Rol::Initiator, Some(privilege), false);
        let may = |a: Action| authorize(actor, a, status).is_ok();
        let ext = self.caller.extensions;
        let links = weergave::LinkSet::default()
            .with(Rel::Zelf, true)
            .with(Rel::DocumentToevoegen, may(Action::UploadDocumentRv))
            .with(Rel::ActieverzoekOpstellen, may(Action::CreateActieverzoek))
            .with(Rel::Actieverzoeken, true)
            .with(Rel::Documenten, ext)
            .with(Rel::Deelnemers, ext)
            .with(Rel::Notificaties, ext)
            .with(Rel::Historie, ext)
            .with(
                Rel::DeelnemerUitnodigen,
                ext && may(Action::InviteDeelnemer),
            )
            .with(Rel::Wijzigen, ext && may(Action::ChangeMetadata))
            .with(Rel::Sluiten, ext && may(Action::Close))
            .with(Rel::Verwijderen, ext && may(Action::Delete));
        weergave::Eigen {
            aantal_actieverzoeken: aantal_actieverzoeken.max(0) as u64,
            aantal_notificaties: aantal_notificaties.max(0) as u64,
            mijn_rol: rol,
            mijn_privilege: privilege,
            links,
        }
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
                now,
                AuditRegel {
                    samenwerking_id: Some(id),
                    actie: "samenwerking-gewijzigd",
                    omschrijving: format!("Gewijzigd: {}", changed.join(", ")),
                    ..AuditRegel::default()
                },
            ));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                &s,
                now,
                NieuweNotificatie {
                    soort: NotificatieType::SamenwerkingGewijzigd,
                    titel: "Samenwerking gewijzigd".into(),
                    tekst: format!(
                        "{} heeft de gegevens van samenwerking '{}' gewijzigd.",
                        self.caller.organisatie_naam, s.titel
                    ),
                    properties: Map::new(),
                    alleen_voor: None,
                    document: None,
                },
            ));
        }
        if closing {
            s.status = SamenwerkingStatus::Gesloten;
            s.gesloten = Some(now);
            let verwijder_na = now + self.st.config.retention_days * 86_400 * 1_000_000;
            s.verwijder_na = Some(verwijder_na);
            let mut props = Map::new();
            props.insert("sluitDatum".into(), json!(to_dt(now)));
            props.insert("verwijderDatum".into(), json!(to_dt(verwijder_na)));
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(id),
                    actie: "samenwerking-gesloten",
                    omschrijving: "Samenwerking gesloten".into(),
                    ..AuditRegel::default()
                },
            ));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                &s,
                now,
                NieuweNotificatie {
                    soort: NotificatieType::SamenwerkingGesloten,
                    titel: "Samenwerking gesloten".into(),
                    tekst: format!(
                        "{} heeft samenwerking '{}' gesloten. U kunt haar nog inzien; archiveer wat u nodig heeft vóór {}.",
                        self.caller.organisatie_naam,
                        s.titel,
                        to_dt(verwijder_na).format("%d-%m-%Y")
                    ),
                    properties: props,
                    alleen_voor: None,
                    document: None,
                },
            ));
        }
        fx.gebeurtenissen = feed(
            &deelnemers,
            now,
            FeedGebeurtenis::samenwerking(GebeurtenisSoort::SamenwerkingGewijzigd, id),
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
            s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::SamenwerkingVerwijderd,
                titel: "Samenwerking verwijderd".into(),
                tekst,
                properties: Map::new(),
                alleen_voor: None,
                document: None,
            },
        );
        for n in &mut notifs {
            n.na_vertrek = 1;
        }
        fx.notificaties.extend(notifs);
        fx.gebeurtenissen = feed(
            &deelnemers,
            now,
            FeedGebeurtenis::samenwerking(GebeurtenisSoort::SamenwerkingVerwijderd, &s.id),
        );
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&s.id),
                actie: if automatic {
                    "samenwerking-automatisch-verwijderd"
                } else {
                    "samenwerking-verwijderd"
                },
                omschrijving: "Samenwerking verwijderd".into(),
                ..AuditRegel::default()
            },
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
}
