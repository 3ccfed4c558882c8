//! Documenten: access, show, list, allow and record an upload, change, delete, and the feed
//! events after a change.
use super::*;

impl<'a> Ctx<'a> {
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
}
