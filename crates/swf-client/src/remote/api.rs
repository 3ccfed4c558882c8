//! The service operations, typed with `swf_domain`.
use super::{read_json, seg, Call, Omgeving, RemoteApi};
use crate::error::{ClientError, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use swf_domain::*;
use uuid::Uuid;

/// A page of a HAL list: the items and the `page` block (0-based).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lijst<T> {
    pub items: Vec<T>,
    pub page: Page,
}

/// `GET /organisaties/mijn`: the caller's organisation and, for a person's session, the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MijnOrganisatie {
    pub organisatie: Organisatie,
    #[serde(default)]
    pub gebruikersnaam: Option<String>,
    /// The user's human name, for display; `None` for a system token (and older services).
    #[serde(default)]
    pub naam: Option<String>,
}

/// The query of `GET /samenwerkingen` (what is sent to the service; the screens filter the
/// mirror with `mirror::OverviewFilter`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SamenwerkingenQuery {
    pub status: Option<SamenwerkingStatus>,
    pub rol: Option<Rol>,
    /// Part of the title.
    pub titel: Option<String>,
    pub verzoeknummer: Option<String>,
    /// `_sort`: `[-]creatieDatumTijd`, `[-]titel`, `[-]laatstAangepastDatumTijd`.
    pub sort: Option<String>,
}

/// The query of `GET /actieverzoeken`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActieverzoekenQuery {
    pub samenwerking_id: Option<String>,
    pub ontvanger: Option<Oin>,
    pub zender: Option<Oin>,
    pub status: Option<ActieverzoekStatus>,
    /// `status[not]`.
    pub status_niet: Option<ActieverzoekStatus>,
}

/// The query of `GET /notificaties` (the screens filter the mirror with
/// `mirror::NotificatieFilter`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotificatiesQuery {
    pub samenwerking_id: Option<String>,
    /// Any of these types (empty: all).
    pub typen: Vec<NotificatieType>,
    /// `eventDatumTijd[gt]`.
    pub na: Option<DateTime<Utc>>,
    /// `eventDatumTijd[lte]`.
    pub tot_en_met: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct RawList {
    #[serde(rename = "_embedded", default)]
    embedded: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    page: Option<Page>,
}

fn parse_list<T: DeserializeOwned>(raw: RawList, plural: &str) -> Result<Lijst<T>> {
    let items: Vec<T> = match raw.embedded.and_then(|mut m| m.remove(plural)) {
        Some(v) => serde_json::from_value(v).map_err(|e| {
            ClientError::Protocol(format!("lijst '{plural}' heeft een onverwachte vorm: {e}"))
        })?,
        None => Vec::new(),
    };
    let n = items.len() as u64;
    let page = raw.page.unwrap_or_else(|| Page::new(0, n.max(1), n));
    Ok(Lijst { items, page })
}

fn paged(call: Call, pagina: u64, aantal: u64) -> Call {
    call.query("pagina", pagina).query("aantal", aantal)
}

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl RemoteApi {
    async fn list<T: DeserializeOwned>(&self, call: Call, plural: &str) -> Result<Lijst<T>> {
        let resp = self.send(&call).await?;
        parse_list(read_json::<RawList>(resp).await?, plural)
    }

    // -------------------------------------------------------------- session, directory

    /// Sign in; on success the token is used from now on.
    pub async fn login(&self, gebruikersnaam: &str, wachtwoord: &str) -> Result<Token> {
        let body = TokenAanvraag {
            gebruikersnaam: gebruikersnaam.to_owned(),
            wachtwoord: wachtwoord.to_owned(),
        };
        let call = Call::new(Method::POST, "/auth/token")
            .no_auth()
            .json(&body)?;
        let token: Token = self.json(&call).await?;
        self.set_token(Some(token.access_token.clone()));
        tracing::debug!(gebruiker = %token.gebruikersnaam, "signed in");
        Ok(token)
    }

    /// What kind of service this is (`GET /health`, without a token): its answer says it.
    /// With [`RemoteConfig::omgeving`] set, an answer of the other kind is already refused
    /// here ([`ClientError::Omgeving`]).
    pub async fn omgeving(&self) -> Result<Omgeving> {
        let resp = self.send(&Call::get("/health").no_auth()).await?;
        Ok(Omgeving::van(resp.headers()))
    }

    /// The demo verzoeken of a practice service's simulated Omgevingsloket (`GET
    /// /oefenomgeving/verzoeken`); a service without one answers an empty list.
    pub async fn oefen_verzoeken(&self) -> Result<Vec<crate::oefeningen::OefenVerzoek>> {
        #[derive(Deserialize)]
        struct Antwoord {
            verzoeken: Vec<crate::oefeningen::OefenVerzoek>,
        }
        let a: Antwoord = self.json(&Call::get("/oefenomgeving/verzoeken")).await?;
        Ok(a.verzoeken)
    }

    /// Revoke the token at the service and forget it here. A token the service no longer
    /// knows counts as signed out.
    pub async fn logout(&self) -> Result<()> {
        if !self.has_token() {
            return Ok(());
        }
        let r = self.empty(&Call::new(Method::DELETE, "/auth/token")).await;
        match r {
            Ok(()) | Err(ClientError::Unauthorized) => {
                self.set_token(None);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub async fn mijn_organisatie(&self) -> Result<MijnOrganisatie> {
        self.json(&Call::get("/organisaties/mijn")).await
    }

    /// Search the organisation directory by name or OIN (at most 50 results).
    pub async fn zoek_organisaties(&self, q: &str) -> Result<Vec<Organisatie>> {
        let call = Call::get("/organisaties").query("zoek", q);
        Ok(self.list(call, "organisaties").await?.items)
    }

    // -------------------------------------------------------------- samenwerkingen

    pub async fn samenwerkingen(
        &self,
        pagina: u64,
        aantal: u64,
        query: &SamenwerkingenQuery,
    ) -> Result<Lijst<Samenwerking>> {
        let call = paged(Call::get("/samenwerkingen"), pagina, aantal)
            .query_opt("status", query.status)
            .query_opt("rol", query.rol)
            .query_opt("titel", query.titel.as_ref())
            .query_opt("verzoeknummer", query.verzoeknummer.as_ref())
            .query_opt("_sort", query.sort.as_ref());
        self.list(call, "samenwerkingen").await
    }

    pub async fn samenwerking(&self, id: &str) -> Result<Samenwerking> {
        self.json(&Call::get(format!("/samenwerkingen/{}", seg(id))))
            .await
    }

    pub async fn start_samenwerking(&self, req: &SamenwerkingStarten) -> Result<Samenwerking> {
        let call = Call::new(Method::POST, "/samenwerkingen").json(req)?;
        self.json(&call).await
    }

    /// Merge-patch a samenwerking (`status: GESLOTEN` closes it). The service keeps no version
    /// for a samenwerking, so there is no `If-Match`: the last write wins per field.
    pub async fn wijzig_samenwerking(
        &self,
        id: &str,
        req: &SamenwerkingWijzigen,
    ) -> Result<Samenwerking> {
        let call =
            Call::new(Method::PATCH, format!("/samenwerkingen/{}", seg(id))).merge_patch(req)?;
        self.json(&call).await
    }

    /// Delete a closed samenwerking (initiator only).
    pub async fn verwijder_samenwerking(&self, id: &str) -> Result<()> {
        self.empty(&Call::new(
            Method::DELETE,
            format!("/samenwerkingen/{}", seg(id)),
        ))
        .await
    }

    pub async fn historie(
        &self,
        samenwerking_id: &str,
        pagina: u64,
        aantal: u64,
    ) -> Result<Lijst<HistorieRegel>> {
        let call = paged(
            Call::get(format!("/samenwerkingen/{}/historie", seg(samenwerking_id))),
            pagina,
            aantal,
        );
        self.list(call, "historie").await
    }

    // -------------------------------------------------------------- deelnemers

    /// All deelnemers of a samenwerking (the service does not page them).
    pub async fn deelnemers(&self, samenwerking_id: &str) -> Result<Vec<Deelnemer>> {
        let call = Call::get(format!(
            "/samenwerkingen/{}/deelnemers",
            seg(samenwerking_id)
        ));
        Ok(self.list(call, "deelnemers").await?.items)
    }

    pub async fn deelnemer(&self, samenwerking_id: &str, oin: &Oin) -> Result<Deelnemer> {
        self.json(&Call::get(format!(
            "/samenwerkingen/{}/deelnemers/{}",
            seg(samenwerking_id),
            seg(oin.as_str())
        )))
        .await
    }

    pub async fn deelnemer_uitnodigen(
        &self,
        samenwerking_id: &str,
        req: &DeelnemerUitnodigen,
    ) -> Result<Deelnemer> {
        let call = Call::new(
            Method::POST,
            format!("/samenwerkingen/{}/deelnemers", seg(samenwerking_id)),
        )
        .json(req)?;
        self.json(&call).await
    }

    pub async fn wijzig_privilege(
        &self,
        samenwerking_id: &str,
        oin: &Oin,
        privilege: Privilege,
    ) -> Result<Deelnemer> {
        let call = Call::new(
            Method::PATCH,
            format!(
                "/samenwerkingen/{}/deelnemers/{}",
                seg(samenwerking_id),
                seg(oin.as_str())
            ),
        )
        .merge_patch(&DeelnemerWijzigen { privilege })?;
        self.json(&call).await
    }

    pub async fn verwijder_deelnemer(&self, samenwerking_id: &str, oin: &Oin) -> Result<()> {
        self.empty(&Call::new(
            Method::DELETE,
            format!(
                "/samenwerkingen/{}/deelnemers/{}",
                seg(samenwerking_id),
                seg(oin.as_str())
            ),
        ))
        .await
    }

    // -------------------------------------------------------------- documenten

    pub async fn documenten(
        &self,
        samenwerking_id: &str,
        pagina: u64,
        aantal: u64,
    ) -> Result<Lijst<Document>> {
        let call = paged(
            Call::get(format!(
                "/samenwerkingen/{}/documenten",
                seg(samenwerking_id)
            )),
            pagina,
            aantal,
        );
        self.list(call, "documenten").await
    }

    pub async fn document(&self, id: Uuid) -> Result<Document> {
        self.json(&Call::get(format!("/documenten/{id}"))).await
    }

    pub async fn wijzig_document(&self, id: Uuid, req: &DocumentWijzigen) -> Result<Document> {
        let call = Call::new(Method::PATCH, format!("/documenten/{id}")).merge_patch(req)?;
        self.json(&call).await
    }

    pub async fn verwijder_document(&self, id: Uuid) -> Result<()> {
        self.empty(&Call::new(Method::DELETE, format!("/documenten/{id}")))
            .await
    }

    // -------------------------------------------------------------- actieverzoeken

    pub async fn actieverzoeken(
        &self,
        pagina: u64,
        aantal: u64,
        query: &ActieverzoekenQuery,
    ) -> Result<Lijst<Actieverzoek>> {
        let call = paged(Call::get("/actieverzoeken"), pagina, aantal)
            .query_opt("samenwerkingId", query.samenwerking_id.as_ref())
            .query_opt("ontvanger", query.ontvanger.as_ref().map(Oin::as_str))
            .query_opt("zender", query.zender.as_ref().map(Oin::as_str))
            .query_opt("status", query.status)
            .query_opt("status[not]", query.status_niet);
        self.list(call, "actieverzoeken").await
    }

    /// The actieverzoek; its `versie` is what [`RemoteApi::wijzig_actieverzoek`] takes as
    /// `if_match`.
    pub async fn actieverzoek(&self, id: Uuid) -> Result<Actieverzoek> {
        self.json(&Call::get(format!("/actieverzoeken/{id}"))).await
    }

    pub async fn stel_actieverzoek_op(
        &self,
        samenwerking_id: &str,
        req: &ActieverzoekOpstellen,
    ) -> Result<Actieverzoek> {
        let call = Call::new(
            Method::POST,
            format!("/samenwerkingen/{}/actieverzoeken", seg(samenwerking_id)),
        )
        .json(req)?;
        self.json(&call).await
    }

    /// Change an actieverzoek (a status change carries its `melding`). With `if_match` (the
    /// `versie` you last saw) a change made meanwhile by someone else gives `Conflict`.
    pub async fn wijzig_actieverzoek(
        &self,
        id: Uuid,
        req: &ActieverzoekWijzigen,
        if_match: Option<i64>,
    ) -> Result<Actieverzoek> {
        let mut call =
            Call::new(Method::PATCH, format!("/actieverzoeken/{id}")).merge_patch(req)?;
        if let Some(v) = if_match {
            call = call.header("if-match", format!("\"{v}\""));
        }
        self.json(&call).await
    }

    pub async fn koppel_document(
        &self,
        actieverzoek_id: Uuid,
        document_id: Uuid,
    ) -> Result<Actieverzoek> {
        let call = Call::new(
            Method::POST,
            format!("/actieverzoeken/{actieverzoek_id}/documenten"),
        )
        .json(&DocumentKoppelen { document_id })?;
        self.json(&call).await
    }

    pub async fn ontkoppel_document(
        &self,
        actieverzoek_id: Uuid,
        document_id: Uuid,
    ) -> Result<Actieverzoek> {
        self.json(&Call::new(
            Method::DELETE,
            format!("/actieverzoeken/{actieverzoek_id}/documenten/{document_id}"),
        ))
        .await
    }

    pub async fn berichten(
        &self,
        actieverzoek_id: Uuid,
        pagina: u64,
        aantal: u64,
    ) -> Result<Lijst<Bericht>> {
        let call = paged(
            Call::get(format!("/actieverzoeken/{actieverzoek_id}/berichten")),
            pagina,
            aantal,
        );
        self.list(call, "berichten").await
    }

    pub async fn verstuur_bericht(&self, actieverzoek_id: Uuid, bericht: &str) -> Result<Bericht> {
        let call = Call::new(
            Method::POST,
            format!("/actieverzoeken/{actieverzoek_id}/berichten"),
        )
        .json(&BerichtVerzenden {
            bericht: bericht.to_owned(),
        })?;
        self.json(&call).await
    }

    // -------------------------------------------------------------- notificaties

    pub async fn notificaties(
        &self,
        pagina: u64,
        aantal: u64,
        query: &NotificatiesQuery,
    ) -> Result<Lijst<Notificatie>> {
        let typen = (!query.typen.is_empty()).then(|| {
            query
                .typen
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        });
        let call = paged(Call::get("/notificaties"), pagina, aantal)
            .query_opt("samenwerkingId", query.samenwerking_id.as_ref())
            .query_opt("notificatieType", typen)
            .query_opt("eventDatumTijd[gt]", query.na.as_ref().map(time))
            .query_opt("eventDatumTijd[lte]", query.tot_en_met.as_ref().map(time));
        self.list(call, "notificaties").await
    }

    pub async fn notificatie(&self, id: Uuid) -> Result<Notificatie> {
        self.json(&Call::get(format!("/notificaties/{id}"))).await
    }

    pub async fn verwijder_notificatie(&self, id: Uuid) -> Result<()> {
        self.empty(&Call::new(Method::DELETE, format!("/notificaties/{id}")))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hal_lists_parse_with_and_without_items() {
        let raw: RawList = serde_json::from_str(
            r#"{"_embedded":{"organisaties":[{"oin":"00000001002220647000","naam":"G","soort":"GEMEENTE"}]},
                "_links":{"self":{"href":"/x"}},"page":{"number":0,"size":50,"totalElements":1,"totalPages":1}}"#,
        )
        .unwrap();
        let l: Lijst<Organisatie> = parse_list(raw, "organisaties").unwrap();
        assert_eq!(l.items.len(), 1);
        assert_eq!(l.page.total_elements, 1);
        let raw: RawList = serde_json::from_str(r#"{"_links":{}}"#).unwrap();
        let l: Lijst<Organisatie> = parse_list(raw, "organisaties").unwrap();
        assert!(l.items.is_empty());
        let raw: RawList = serde_json::from_str(r#"{"_embedded":{"organisaties":[1]}}"#).unwrap();
        assert!(matches!(
            parse_list::<Organisatie>(raw, "organisaties"),
            Err(ClientError::Protocol(_))
        ));
    }
}
