//! Signing in and out. The password check and its throttle are `crate::auth`; this is what
//! follows a successful check, and what signing out changes.
use super::*;
use crate::store::GebruikerRow;
use axum::http::StatusCode;

/// After a successful password check: a user token for `user`, and a line in the service's own
/// history.
pub async fn sign_in(st: &AppState, user: GebruikerRow) -> ApiResult<Token> {
    let org = st
        .store
        .get_organisatie(&user.oin)
        .await?
        .ok_or_else(ApiError::internal)?;
    let ttl = chrono::Duration::hours(st.config.token_ttl_hours);
    let (token, verloopt) =
        crate::auth::issue_token(st, &user.oin, Some(&user), "aanmelding", Some(ttl)).await?;
    st.store
        .insert_audit(&NewAudit {
            tijd: now_us(),
            oin: user.oin.clone(),
            organisatie_naam: org.naam.clone(),
            gebruiker: Some(user.gebruikersnaam.clone()),
            samenwerking_id: None,
            actie: "aangemeld".into(),
            omschrijving: "Aangemeld".into(),
            document_id: None,
            alleen_volledig: false,
            actieverzoek_id: None,
        })
        .await?;
    Ok(Token {
        access_token: token,
        token_type: "Bearer".into(),
        verloopt_op: to_dt(verloopt.unwrap_or_default()),
        organisatie: super::organisaties::present_organisatie(org)?,
        gebruikersnaam: user.gebruikersnaam,
        naam: Some(user.naam),
    })
}

impl<'a> Ctx<'a> {
    /// Revoke the caller's own (user) token; open change streams with it end now.
    pub async fn sign_out(&self) -> ApiResult<()> {
        // a case system's token (no user) is the admin's to manage, not the system's to sign
        // out with: one stray DELETE would cut the case system off until someone makes a new
        // one (D1)
        if self.caller.gebruiker.is_none() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "systeemtoken",
                "Niet toegestaan",
                "een systeemtoken trekt u niet in met afmelden; de beheerder beheert het met 'swf-server token'",
            ));
        }
        let hash = &self.caller.token_hash;
        self.st.store.delete_token(hash).await?;
        self.st.token_cache.write().await.remove(hash);
        self.st.limits.token_revoked(hash);
        Ok(())
    }
}
