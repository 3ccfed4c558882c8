//! Documenten: access, show, list, allow and record an upload, change, delete, and the feed
//! events after a change.
use super::*;
use crate::blob::PendingBlob;

/// The metadata of an upload, as the uploader gives it (already validated).
pub struct NieuwDocument {
    pub bestandsnaam: String,
    pub formaat: String,
    pub omschrijving: String,
    pub vertrouwelijkheid: Vertrouwelijkheid,
    pub kenmerk_systeem: Option<String>,
    pub nummer_binnen_systeem: Option<String>,
    pub taal: Option<String>,
}

/// A document's bytes, opened for reading, and what describes them.
pub struct DocumentInhoud {
    /// The document's id: its bytes are `AppState::blobs.read(id, …)`.
    pub id: String,
    pub grootte: u64,
    /// SHA-256 of the bytes, hex: also the ETag.
    pub hash: String,
    pub formaat: String,
    pub bestandsnaam: String,
}

impl<'a> Ctx<'a> {
    pub fn present_document(
        &self,
        a: &Access,
        d: DocumentRow,
        actieverzoek: Option<(&str, bool)>,
    ) -> ApiResult<Document> {
        let own = d.aangemaakt_door == self.me();
        let self_href = href(format_args!("/documenten/{}", d.id));
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
            vertrouwelijkheids_aanduiding: d.vertrouwelijkheid,
            taal: d.taal,
            formaat: d.formaat,
            document_hash: d.hash,
            grootte: d.grootte.max(0) as u64,
            links: links([
                ("self", Some(self_href.clone())),
                ("content", Some(format!("{self_href}/content"))),
                (
                    "ontkoppelenVanActieverzoek",
                    actieverzoek.filter(|(_, may)| *may).map(|(av, _)| {
                        href(format_args!("/actieverzoeken/{av}/documenten/{}", d.id))
                    }),
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
    async fn document_access(
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
        let v = d.vertrouwelijkheid;
        let view = if v == Vertrouwelijkheid::Sv {
            Action::ViewDocumentSv
        } else {
            Action::ViewDocumentRv
        };
        authorize(a.actor, view, a.status)
            .map_err(|den| ApiError::denied(den, "het document", ""))?;
        Ok((a, d, v))
    }

    /// A document's bytes for download, with what the answer needs to describe them.
    pub async fn document_content(&self, document_id: &str) -> ApiResult<DocumentInhoud> {
        let (_, d, _) = self.document_access(document_id).await?;
        Ok(DocumentInhoud {
            id: d.id,
            grootte: d.grootte.max(0) as u64,
            hash: d.hash,
            formaat: d.formaat,
            bestandsnaam: d.bestandsnaam,
        })
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

    /// Receive an upload's bytes for a new document id (hashed, durable, not visible yet), at
    /// most `limit` bytes.
    pub async fn receive_document_bytes<S, E>(
        &self,
        chunks: S,
        limit: u64,
    ) -> ApiResult<PendingBlob>
    where
        S: futures_util::Stream<Item = std::result::Result<crate::blob::bytes_like::Bytes, E>>
            + Unpin,
        E: std::fmt::Display,
    {
        let id = Uuid::new_v4().to_string();
        Ok(self.st.blobs.write_temp(&id, chunks, limit).await?)
    }

    /// Throw away received bytes that will not become a document.
    pub async fn discard_document_bytes(&self, bytes: PendingBlob) {
        self.st.blobs.discard(bytes).await
    }

    /// Add a document to the samenwerking of `a` (checked with [`Ctx::upload_allowed`]): its
    /// bytes become durable under their new id first, then the row is written; when that fails
    /// the bytes are removed again.
    pub async fn add_document(
        &self,
        a: &Access,
        nieuw: NieuwDocument,
        bytes: PendingBlob,
    ) -> ApiResult<Document> {
        let id = bytes.id.clone();
        let now = now_us();
        let row = DocumentRow {
            id: id.clone(),
            samenwerking_id: a.s.id.clone(),
            bestandsnaam: nieuw.bestandsnaam,
            kenmerk_systeem: nieuw.kenmerk_systeem.filter(|s| !s.is_empty()),
            nummer_binnen_systeem: nieuw.nummer_binnen_systeem.filter(|s| !s.is_empty()),
            aangemaakt_door: self.me().to_owned(),
            aangemaakt_door_naam: self.caller.organisatie_naam.clone(),
            creatie: now,
            laatst_aangepast_door: self.me().to_owned(),
            laatst_aangepast_door_naam: self.caller.organisatie_naam.clone(),
            laatst_aangepast: now,
            omschrijving: nieuw.omschrijving.trim().to_owned(),
            vertrouwelijkheid: nieuw.vertrouwelijkheid,
            taal: nieuw.taal.filter(|s| !s.is_empty()),
            formaat: nieuw.formaat,
            hash: bytes.sha256.clone(),
            grootte: bytes.size as i64,
        };
        self.st.blobs.commit(bytes).await?;
        let recorded = self.record_document(a, row).await;
        if recorded.is_err() {
            let _ = self.st.blobs.delete(&id).await;
        }
        recorded
    }

    /// Record an uploaded document whose bytes are already committed under `d.id`.
    async fn record_document(&self, a: &Access, d: DocumentRow) -> ApiResult<Document> {
        let now = d.creatie;
        let v = d.vertrouwelijkheid;
        let deelnemers = self.st.store.list_deelnemers(&a.s.id).await?;
        let props = document_props(&d);
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::DocumentToegevoegd,
                titel: "Document toegevoegd".into(),
                tekst: format!(
                    "{} heeft document '{}' toegevoegd aan '{}'.",
                    self.caller.organisatie_naam, d.bestandsnaam, a.s.titel
                ),
                properties: props,
                alleen_voor: None,
                document: Some((&d.id, v)),
            },
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&a.s.id),
                actie: "document-toegevoegd",
                omschrijving: format!("Document '{}' ({}) toegevoegd", d.bestandsnaam, v),
                document_id: Some(&d.id),
                alleen_volledig: v == Vertrouwelijkheid::Sv,
                ..AuditRegel::default()
            },
        ));
        fx.gebeurtenissen = feed(
            &deelnemers,
            now,
            FeedGebeurtenis {
                soort: GebeurtenisSoort::DocumentGewijzigd,
                samenwerking_id: &a.s.id,
                object_id: Some(&d.id),
                alleen_voor: None,
                document: Some((&d.id, v)),
            },
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
        n.vertrouwelijkheid = new_v;
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
        let props = document_props(&d);
        let mut fx = Effects::default();
        // A document that becomes SV is, for limited-access partners, simply gone: tell them it
        // was removed (without details), and tell full-access partners it changed.
        let (stays_visible, gone_for_limited) = (
            new_v == Vertrouwelijkheid::Rv,
            v == Vertrouwelijkheid::Rv && new_v == Vertrouwelijkheid::Sv,
        );
        fx.notificaties.extend(self.notify(
            &deelnemers,
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::DocumentGewijzigd,
                titel: "Document gewijzigd".into(),
                tekst: format!(
                    "{} heeft document '{}' gewijzigd.",
                    self.caller.organisatie_naam, d.bestandsnaam
                ),
                properties: props.clone(),
                alleen_voor: None,
                document: Some((
                    &d.id,
                    if stays_visible {
                        Vertrouwelijkheid::Rv
                    } else {
                        Vertrouwelijkheid::Sv
                    },
                )),
            },
        ));
        if gone_for_limited {
            let limited: Vec<&str> = deelnemers
                .iter()
                .filter(|x| x.rol == Rol::Ketenpartner && x.privilege == Privilege::BeperkteToegang)
                .map(|x| x.oin.as_str())
                .collect();
            let mut gone = Map::new();
            gone.insert("documentId".into(), json!(d.id));
            fx.notificaties.extend(self.notify(
                &deelnemers,
                &a.s,
                now,
                NieuweNotificatie {
                    soort: NotificatieType::DocumentVerwijderd,
                    titel: "Document niet meer beschikbaar".into(),
                    tekst: "Een document is niet meer voor uw organisatie beschikbaar.".into(),
                    properties: gone,
                    alleen_voor: Some(&limited),
                    document: None,
                },
            ));
        }
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&a.s.id),
                actie: "document-gewijzigd",
                omschrijving: format!(
                    "Document '{}' gewijzigd ({} → {})",
                    d.bestandsnaam, v, new_v
                ),
                document_id: Some(&d.id),
                alleen_volledig: v == Vertrouwelijkheid::Sv || new_v == Vertrouwelijkheid::Sv,
                ..AuditRegel::default()
            },
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
        let oud = d.vertrouwelijkheid;
        let was_sv = oud == Vertrouwelijkheid::Sv;
        let limited: Vec<&str> = deelnemers
            .iter()
            .filter(|x| !sees_sv(x))
            .map(|x| x.oin.as_str())
            .collect();
        // the events about the document itself carry it, so they are hidden from whoever may
        // not see it when reading; the notice for limited partners that it is gone does not
        let over_document = |soort, v| FeedGebeurtenis {
            soort,
            samenwerking_id: sid,
            object_id: Some(&d.id),
            alleen_voor: None,
            document: Some((&d.id, v)),
        };
        let mut ev = Vec::new();
        match nieuw {
            None => ev.extend(feed(
                deelnemers,
                now,
                over_document(GebeurtenisSoort::DocumentVerwijderd, oud),
            )),
            Some(v) => {
                let is_sv = v == Vertrouwelijkheid::Sv;
                ev.extend(feed(
                    deelnemers,
                    now,
                    over_document(GebeurtenisSoort::DocumentGewijzigd, v),
                ));
                if is_sv && !was_sv {
                    ev.extend(feed(
                        deelnemers,
                        now,
                        FeedGebeurtenis {
                            soort: GebeurtenisSoort::DocumentVerwijderd,
                            samenwerking_id: sid,
                            object_id: Some(&d.id),
                            alleen_voor: Some(&limited),
                            document: None,
                        },
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
                                now,
                                FeedGebeurtenis {
                                    soort,
                                    samenwerking_id: sid,
                                    object_id: Some(&nid),
                                    alleen_voor: Some(&[ontvanger.as_str()]),
                                    document: None,
                                },
                            ));
                        }
                    }
                }
            }
        }
        for av in self.st.store.actieverzoeken_met_document(&d.id).await? {
            ev.extend(feed(
                deelnemers,
                now,
                FeedGebeurtenis {
                    soort: GebeurtenisSoort::ActieverzoekGewijzigd,
                    samenwerking_id: sid,
                    object_id: Some(&av.id),
                    alleen_voor: Some(&[av.zender.as_str(), av.ontvanger.as_str()]),
                    document: None,
                },
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
        let props = document_props(&d);
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::DocumentVerwijderd,
                titel: "Document verwijderd".into(),
                tekst: format!(
                    "{} heeft document '{}' verwijderd.",
                    self.caller.organisatie_naam, d.bestandsnaam
                ),
                properties: props,
                alleen_voor: None,
                document: Some((&d.id, v)),
            },
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(&a.s.id),
                actie: "document-verwijderd",
                omschrijving: format!("Document '{}' verwijderd", d.bestandsnaam),
                document_id: Some(&d.id),
                alleen_volledig: v == Vertrouwelijkheid::Sv,
                ..AuditRegel::default()
            },
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

/// The `properties` every notification about a document has.
fn document_props(d: &DocumentRow) -> Map<String, Value> {
    let mut props = Map::new();
    props.insert("documentId".into(), json!(d.id));
    props.insert("documentNaam".into(), json!(d.bestandsnaam));
    props
}
