//! The organisation directory: search organisations and the caller's own.
use super::{hal, hal_list, Q};
use crate::app::{AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::Ctx;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde_json::json;
use swf_domain::*;

/// Most organisations one search answers with.
const MAX_GEVONDEN: i64 = 50;

pub(super) async fn zoek_organisaties(
    State(st): State<AppState>,
    c: Caller,
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
    let items = Ctx::new(&st, &c)
        .zoek_organisaties(&zoek, MAX_GEVONDEN)
        .await?;
    let n = items.len() as u64;
    Ok(hal_list(
        "organisaties",
        items,
        Page::new(0, MAX_GEVONDEN as u64, n),
        &uri,
        "pagina",
    ))
}

pub(super) async fn mijn_organisatie(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
    let (organisatie, naam) = Ctx::new(&st, &c).mijn_organisatie().await?;
    Ok(hal(
        StatusCode::OK,
        &json!({ "organisatie": organisatie, "gebruikersnaam": c.gebruiker, "naam": naam }),
    ))
}
