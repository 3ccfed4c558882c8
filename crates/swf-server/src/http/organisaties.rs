//! The organisation directory: search organisations and the caller's own.
use super::{hal, hal_list, Q};
use crate::app::{AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::store::OrganisatieRow;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::json;
use swf_domain::*;

pub(super) fn organisatie(o: OrganisatieRow) -> ApiResult<Organisatie> {
    Ok(Organisatie {
        oin: Oin::parse(&o.oin).map_err(|_| ApiError::internal())?,
        naam: o.naam,
        soort: OrganisatieSoort::from_wire(&o.soort).unwrap_or(OrganisatieSoort::Overig),
    })
}

pub(super) async fn zoek_organisaties(
    State(st): State<AppState>,
    _c: Caller,
    uri: Uri,
    Q(q): Q,
) -> ApiResult<Response> {
    let zoek = q
        .get("zoek")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    if zoek.chars().count() > 100 {
        return Err(ApiError::invalid_param(
            "zoek",
            "max-length",
            "hooguit 100 tekens",
        ));
    }
    let rows = st.store.search_organisaties(&zoek, 50).await?;
    let items = rows
        .into_iter()
        .map(organisatie)
        .collect::<ApiResult<Vec<_>>>()?;
    let n = items.len() as u64;
    Ok(hal_list(
        "organisaties",
        items,
        Page::new(0, 50, n),
        &uri,
        "pagina",
    ))
}

pub(super) async fn mijn_organisatie(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
    let o = st
        .store
        .get_organisatie(c.oin.as_str())
        .await?
        .ok_or_else(ApiError::internal)?;
    // a system token has no person: no user name, no human name
    let naam = match &c.gebruiker {
        Some(g) => st.store.find_gebruiker(g).await?.map(|u| u.naam),
        None => None,
    };
    Ok(hal(
        StatusCode::OK,
        &json!({ "organisatie": organisatie(o)?, "gebruikersnaam": c.gebruiker, "naam": naam }),
    ))
}
