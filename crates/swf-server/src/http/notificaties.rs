//! Notificaties: list (all, or of one samenwerking), read, delete.
use super::{hal, hal_list, no_content, paging, uuid_path, Params, Q};
use crate::app::{parse_query_time, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::Ctx;
use crate::store::NotificatieFilter;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use swf_domain::*;

fn notificatie_filter(q: &Params, samenwerking_id: Option<String>) -> ApiResult<NotificatieFilter> {
    let mut problems = Vec::new();
    let mut time = |k: &str| {
        q.get(k).and_then(|v| {
            let t = parse_query_time(v);
            if t.is_none() {
                problems.push(InvalidParam::new(
                    k,
                    "datum-tijd",
                    "gebruik RFC 3339, bijvoorbeeld 2026-06-04T10:45:01+02:00",
                ));
            }
            t
        })
    };
    let gt = time("eventDatumTijd[gt]");
    let lte = time("eventDatumTijd[lte]");
    let types = match q.get("notificatieType") {
        None => None,
        Some(v) => {
            let mut out = Vec::new();
            for t in v.split(',') {
                match NotificatieType::from_wire(t.trim()) {
                    Some(t) => out.push(t),
                    None => problems.push(InvalidParam::new(
                        "notificatieType",
                        "onbekende-waarde",
                        format!("onbekend type '{t}'"),
                    )),
                }
            }
            Some(out)
        }
    };
    if problems.is_empty() {
        Ok(NotificatieFilter {
            samenwerking_id: samenwerking_id.or_else(|| q.get("samenwerkingId").cloned()),
            gt,
            lte,
            types,
        })
    } else {
        Err(ApiError::invalid(problems))
    }
}

pub(super) async fn list_notificaties(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Q(q): Q,
) -> ApiResult<Response> {
    let page = paging(&q, &["page", "pagina"], &["size", "aantal"])?;
    let f = notificatie_filter(&q, None)?;
    let (items, p) = Ctx::new(&st, &c).list_notificaties(f, page).await?;
    Ok(hal_list("notificaties", items, p, &uri, "page"))
}

pub(super) async fn list_samenwerking_notificaties(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Path(id): Path<String>,
    Q(q): Q,
) -> ApiResult<Response> {
    let page = paging(&q, &["page", "pagina"], &["size", "aantal"])?;
    let f = notificatie_filter(&q, Some(id))?;
    let (items, p) = Ctx::new(&st, &c).list_notificaties(f, page).await?;
    Ok(hal_list("notificaties", items, p, &uri, "page"))
}

pub(super) async fn get_notificatie(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "de notificatie")?;
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_notificatie(&id).await?,
    ))
}

pub(super) async fn delete_notificatie(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "de notificatie")?;
    Ctx::new(&st, &c).delete_notificatie(&id).await?;
    Ok(no_content())
}
