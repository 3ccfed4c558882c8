//! Sign-in (`POST /auth/token`) and sign-out (`DELETE /auth/token`).
use super::no_content;
use super::organisaties::organisatie;
use crate::app::{now_us, AppState, Caller};
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::store::NewAudit;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use swf_domain::*;

pub(super) async fn token(State(st): State<AppState>, req: Request) -> ApiResult<Response> {
    // bounded body and fields, then throttle, then a bounded number of password checks
    let req = auth::read_sign_in(&st, req).await?;
    let user = match auth::authenticate(&st, &req).await {
        Ok(u) => u,
        Err(answer) => return Ok(answer),
    };
    let org = st
        .store
        .get_organisatie(&user.oin)
        .await?
        .ok_or_else(ApiError::internal)?;
    let ttl = chrono::Duration::hours(st.config.token_ttl_hours);
    let (token, verloopt) =
        auth::issue_token(&st, &user.oin, Some(&user), "aanmelding", Some(ttl)).await?;
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
    let body = Token {
        access_token: token,
        token_type: "Bearer".into(),
        verloopt_op: crate::app::to_dt(verloopt.unwrap_or_default()),
        organisatie: organisatie(org)?,
        gebruikersnaam: user.gebruikersnaam,
        naam: Some(user.naam),
    };
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response())
}

pub(super) async fn logout(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
    // a case system's token (no user) is the admin's to manage, not the system's to sign out
    // with: one stray DELETE would cut the case system off until someone makes a new one (D1)
    if c.gebruiker.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "systeemtoken",
            "Niet toegestaan",
            "een systeemtoken trekt u niet in met afmelden; de beheerder beheert het met 'swf-server token'",
        ));
    }
    st.store.delete_token(&c.token_hash).await?;
    st.token_cache.write().await.remove(&c.token_hash);
    // open change streams with this token end now
    st.limits.token_revoked(&c.token_hash);
    Ok(no_content())
}
