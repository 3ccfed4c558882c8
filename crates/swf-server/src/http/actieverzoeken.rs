//! Actieverzoeken: create, list, read, change; their berichten and linked documenten.
use super::{enum_param, etag, hal, hal_list, oin_param, paging, uuid_path, wires, JsonBody, Q};
use crate::app::{AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::Ctx;
use crate::store::ActieverzoekFilter;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use swf_domain::*;
use uuid::Uuid;

pub(super) async fn create_actieverzoek(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ActieverzoekOpstellen>,
) -> ApiResult<Response> {
    let a = Ctx::new(&st, &c).create_actieverzoek(&id, req).await?;
    let mut r = hal(StatusCode::CREATED, &a);
    etag(&mut r, a.versie);
    Ok(r)
}

pub(super) async fn list_actieverzoeken(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Q(q): Q,
) -> ApiResult<Response> {
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let mut problems = Vec::new();
    let all = wires(ActieverzoekStatus::ALL, ActieverzoekStatus::as_str);
    let f = ActieverzoekFilter {
        samenwerking_id: q.get("samenwerkingId").cloned(),
        ontvanger: oin_param(&q, "organisatie", &mut problems)
            .or_else(|| oin_param(&q, "ontvanger", &mut problems)),
        zender: oin_param(&q, "zender", &mut problems),
        status: enum_param(
            &q,
            "status",
            ActieverzoekStatus::from_wire,
            &all,
            &mut problems,
        ),
        status_not: enum_param(
            &q,
            "status[not]",
            ActieverzoekStatus::from_wire,
            &all,
            &mut problems,
        ),
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let (items, p) = Ctx::new(&st, &c).list_actieverzoeken(&f, page).await?;
    Ok(hal_list("actieverzoeken", items, p, &uri, "pagina"))
}

pub(super) async fn get_actieverzoek(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    let a = Ctx::new(&st, &c).get_actieverzoek(&id).await?;
    let mut r = hal(StatusCode::OK, &a);
    etag(&mut r, a.versie);
    Ok(r)
}

pub(super) async fn patch_actieverzoek(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ActieverzoekWijzigen>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    let if_match = match headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(v) if v.trim() == "*" => None, // any current version
        Some(v) => Some(
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .parse::<i64>()
                .map_err(|_| {
                    ApiError::bad_request(
                        "ongeldige-if-match",
                        "If-Match moet de ETag van het actieverzoek zijn, bijvoorbeeld \"3\"",
                    )
                })?,
        ),
    };
    let a = Ctx::new(&st, &c)
        .change_actieverzoek(&id, req, if_match)
        .await?;
    let mut r = hal(StatusCode::OK, &a);
    etag(&mut r, a.versie);
    Ok(r)
}

pub(super) async fn koppel(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<DocumentKoppelen>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).koppel(&id, req.document_id, true).await?,
    ))
}

pub(super) async fn ontkoppel(
    State(st): State<AppState>,
    c: Caller,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    let doc = Uuid::parse_str(&doc).map_err(|_| ApiError::not_found("het gekoppelde document"))?;
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).koppel(&id, doc, false).await?,
    ))
}

pub(super) async fn list_berichten(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Path(id): Path<String>,
    Q(q): Q,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let (items, p) = Ctx::new(&st, &c).list_berichten(&id, page).await?;
    Ok(hal_list("berichten", items, p, &uri, "pagina"))
}

pub(super) async fn post_bericht(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<BerichtVerzenden>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het actieverzoek")?;
    Ok(hal(
        StatusCode::CREATED,
        &Ctx::new(&st, &c).post_bericht(&id, req).await?,
    ))
}
