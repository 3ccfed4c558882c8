//! Deelnemers of a samenwerking: list, invite (`deelnemer_uitnodigen`), read, change, remove.
use super::{hal, hal_list, no_content, JsonBody};
use crate::app::{AppState, Caller};
use crate::error::ApiResult;
use crate::service::Ctx;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use swf_domain::*;

pub(super) async fn list_deelnemers(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let items = Ctx::new(&st, &c).list_deelnemers(&id).await?;
    let n = items.len() as u64;
    Ok(hal_list(
        "deelnemers",
        items,
        Page::new(0, n.max(1), n),
        &uri,
        "pagina",
    ))
}

pub(super) async fn deelnemer_uitnodigen(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<DeelnemerUitnodigen>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::CREATED,
        &Ctx::new(&st, &c).deelnemer_uitnodigen(&id, req).await?,
    ))
}

pub(super) async fn get_deelnemer(
    State(st): State<AppState>,
    c: Caller,
    Path((id, partner)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_deelnemer(&id, &partner).await?,
    ))
}

pub(super) async fn patch_deelnemer(
    State(st): State<AppState>,
    c: Caller,
    Path((id, partner)): Path<(String, String)>,
    JsonBody(req): JsonBody<DeelnemerWijzigen>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c)
            .change_privilege(&id, &partner, req)
            .await?,
    ))
}

pub(super) async fn delete_deelnemer(
    State(st): State<AppState>,
    c: Caller,
    Path((id, partner)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ctx::new(&st, &c).remove_deelnemer(&id, &partner).await?;
    Ok(no_content())
}
