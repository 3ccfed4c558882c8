//! The historie (audit trail) of one samenwerking.
use super::{hal_list, paging, Q};
use crate::app::{AppState, Caller};
use crate::error::ApiResult;
use crate::service::Ctx;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;

pub(super) async fn historie(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Path(id): Path<String>,
    Q(q): Q,
) -> ApiResult<Response> {
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let (items, p) = Ctx::new(&st, &c).historie(&id, page).await?;
    Ok(hal_list("historie", items, p, &uri, "pagina"))
}
