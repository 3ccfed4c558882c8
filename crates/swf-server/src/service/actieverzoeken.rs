//! Actieverzoeken: access, show, list, create, change (status and content) and link documents.
use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn party(&self, a: &ActieverzoekRow) -> Party {
        if a.zender == self.me() {
            Party::Zender
        } else if a.ontvanger == self.me() {
            Party::Ontvanger
        } else {
            Party::Other
        }
    }

    /// Load an actieverzoek the caller may see: sender or receiver, still a participant.
    pub(super) async fn actieverzoek_access(
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
        let st = v.a.status;
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
        let st = v.a.status;
        let may = |act| authorize_actieverzoek(party, act, a.status, st).is_ok();
        let id = v.a.id.clone();
        let self_href = href(format_args!("/actieverzoeken/{id}"));
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
                Link::new(href(format_args!(
                    "/samenwerkingen/{}",
                    v.a.samenwerking_id
                ))),
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
            .filter(|d| see_sv || d.vertrouwelijkheid == Vertrouwelijkheid::Rv)
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
                        && (d.vertrouwelijkheid == Vertrouwelijkheid::Rv
                            || a.actor.may_see(Vertrouwelijkheid::Sv)) =>
                {
                    if d.vertrouwelijkheid == Vertrouwelijkheid::Sv && !ontvanger_ziet_sv {
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
        // the current deelnemers (the receiver must be one, and they get the feed events), read
        // with the caller's access rather than after it
        let (a, deelnemers) = tokio::join!(self.access(sid), self.st.store.list_deelnemers(sid));
        let a = a?;
        a.check(Action::CreateActieverzoek, "")?;
        if req.ontvanger == self.caller.oin {
            return Err(ApiError::invalid_param(
                "ontvanger",
                "zelf",
                "een actieverzoek gaat naar een andere deelnemer",
            ));
        }
        let deelnemers = deelnemers?;
        let ontvanger = deelnemers
            .iter()
            .find(|d| d.oin == req.ontvanger.as_str())
            .cloned()
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "ontvanger",
                    "geen-deelnemer",
                    "de ontvanger neemt niet deel aan deze samenwerking",
                )
            })?;
        let ontvanger_ziet_sv = sees_sv(&ontvanger);
        // each document once, in the order first named
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<Uuid> = req
            .documenten
            .iter()
            .map(|d| d.id())
            .filter(|id| seen.insert(*id))
            .collect();
        let mut docs = self.documents_for(&a, ontvanger_ziet_sv, &ids).await?;
        let now = now_us();
        let row = ActieverzoekRow {
            id: Uuid::new_v4().to_string(),
            samenwerking_id: sid.to_owned(),
            titel: req.titel.trim().to_owned(),
            omschrijving: req.omschrijving,
            melding: None,
            product_id: req.product_id,
            status: ActieverzoekStatus::Open,
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
        let mut props = Map::new();
        props.insert("actieverzoekId".into(), json!(row.id));
        props.insert("actieverzoekTitel".into(), json!(row.titel));
        props.insert("actieverzoekStatusOud".into(), Value::Null);
        props.insert("actieverzoekStatusNieuw".into(), json!("OPEN"));
        let mut fx = Effects::default();
        fx.notificaties.extend(self.notify(
            &deelnemers,
            &a.s,
            now,
            NieuweNotificatie {
                soort: NotificatieType::StatusActieverzoekGewijzigd,
                titel: "Nieuw actieverzoek".into(),
                tekst: format!(
                    "{} vraagt u: '{}' (samenwerking '{}').",
                    self.caller.organisatie_naam, row.titel, a.s.titel
                ),
                properties: props,
                alleen_voor: Some(&[ontvanger.oin.as_str()]),
                document: None,
            },
        ));
        fx.audit.push(self.audit(
            now,
            AuditRegel {
                samenwerking_id: Some(sid),
                actie: "actieverzoek-verstuurd",
                omschrijving: format!(
                    "Actieverzoek '{}' verstuurd aan {}",
                    row.titel, row.ontvanger_naam
                ),
                actieverzoek_id: Some(&row.id),
                ..AuditRegel::default()
            },
        ));
        fx.gebeurtenissen = actieverzoek_feed(&deelnemers, &row, now);
        let doc_ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        self.st
            .store
            .insert_actieverzoek(&row, &doc_ids, &fx)
            .await?;
        // the answer is what was just written, seen with the access it was checked against:
        // reading it back would cost four queries per request (the same answer GET gives,
        // documents in the store's order; tests/actieverzoeken.rs compares the two)
        docs.sort_by(|x, y| (x.creatie, &x.id).cmp(&(y.creatie, &y.id)));
        let view = ActieverzoekView {
            a: row,
            aantal_berichten: 0,
        };
        self.present_actieverzoek(&a, view, docs)
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
            n.status = to;
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
                &a.s,
                now,
                NieuweNotificatie {
                    soort: NotificatieType::StatusActieverzoekGewijzigd,
                    titel: format!("Actieverzoek {}", status_tekst(to)),
                    tekst: format!(
                        "{} heeft actieverzoek '{}' {}.",
                        self.caller.organisatie_naam,
                        n.titel,
                        status_tekst(to)
                    ),
                    properties: props,
                    alleen_voor: Some(&[other.as_str()]),
                    document: None,
                },
            ));
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(&a.s.id),
                    actie: "actieverzoek-status",
                    omschrijving: format!("Actieverzoek '{}': {} → {}", n.titel, current, to),
                    actieverzoek_id: Some(&r.id),
                    ..AuditRegel::default()
                },
            ));
        }
        if content_change {
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(&a.s.id),
                    actie: "actieverzoek-gewijzigd",
                    omschrijving: format!("Actieverzoek '{}' gewijzigd", n.titel),
                    actieverzoek_id: Some(&r.id),
                    ..AuditRegel::default()
                },
            ));
        }
        fx.gebeurtenissen = actieverzoek_feed(&deelnemers, &n, now);
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
            gebeurtenissen: actieverzoek_feed(&deelnemers, &n, now),
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
            let other_sv = od.is_some_and(|d| sees_sv(&d));
            let docs = self.documents_for(&a, other_sv, &[document_id]).await?;
            let doc = docs.first().ok_or_else(ApiError::internal)?;
            // the line names the document: it is as visible as the document (decision D4)
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(&a.s.id),
                    actie: "document-gekoppeld",
                    omschrijving: format!(
                        "Document '{}' gekoppeld aan '{}'",
                        doc.bestandsnaam, v.a.titel
                    ),
                    document_id: Some(&did),
                    alleen_volledig: doc.vertrouwelijkheid == Vertrouwelijkheid::Sv,
                    actieverzoek_id: Some(&v.a.id),
                },
            ));
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
                    d.vertrouwelijkheid == Vertrouwelijkheid::Rv
                        || a.actor.may_see(Vertrouwelijkheid::Sv)
                })
                .ok_or_else(|| ApiError::not_found("het gekoppelde document"))?;
            fx.audit.push(self.audit(
                now,
                AuditRegel {
                    samenwerking_id: Some(&a.s.id),
                    actie: "document-ontkoppeld",
                    omschrijving: format!("Document ontkoppeld van '{}'", v.a.titel),
                    document_id: Some(&did),
                    alleen_volledig: doc.vertrouwelijkheid == Vertrouwelijkheid::Sv,
                    actieverzoek_id: Some(&v.a.id),
                },
            ));
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
}

/// ACTIEVERZOEK_GEWIJZIGD for its two parties (only they see an actieverzoek).
pub(super) fn actieverzoek_feed(
    deelnemers: &[DeelnemerRow],
    a: &ActieverzoekRow,
    now: i64,
) -> Vec<NewGebeurtenis> {
    feed(
        deelnemers,
        now,
        FeedGebeurtenis {
            soort: GebeurtenisSoort::ActieverzoekGewijzigd,
            samenwerking_id: &a.samenwerking_id,
            object_id: Some(&a.id),
            alleen_voor: Some(&[a.zender.as_str(), a.ontvanger.as_str()]),
            document: None,
        },
    )
}
