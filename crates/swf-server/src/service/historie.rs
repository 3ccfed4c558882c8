//! Historie: the audit lines of a samenwerking.
use super::*;

impl<'a> Ctx<'a> {
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
