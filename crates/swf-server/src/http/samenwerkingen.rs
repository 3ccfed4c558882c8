//! Samenwerkingen: start, list, read, change and end a samenwerking.
use super::{
    enum_param, hal, hal_bytes, hal_list_json, no_content, paging, sort_param, wires, JsonBody, Q,
};
use crate::app::{href, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::Ctx;
use crate::store::{SamenwerkingFilter, SamenwerkingSortKey, Sort};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use swf_domain::*;

pub(super) async fn start_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(req): JsonBody<SamenwerkingStarten>,
) -> ApiResult<Response> {
    let s = Ctx::new(&st, &c).start(req).await?;
    let mut r = hal(StatusCode::CREATED, &s);
    if let Ok(v) =
        HeaderValue::from_str(&href(format_args!("/samenwerkingen/{}", s.samenwerking_id)))
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

pub(super) async fn list_samenwerkingen(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Q(q): Q,
) -> ApiResult<Response> {
    // the overview is read far more often than it changes: serve a rendered page while
    // nothing this organisation's overview shows has changed since it was rendered (D58)
    let ctx = Ctx::new(&st, &c);
    let key = format!("{}|{}", c.extensions, uri.query().unwrap_or(""));
    let mut turn = None;
    let generation = if st.config.list_cache {
        let generation = ctx.overview_generation().await?;
        if let Some(body) = st.list_cache.get(c.oin.as_str(), &key, generation) {
            return Ok(hal_bytes(body));
        }
        // one render of this page at a time; who waited may find it rendered — or, when that
        // render was of an earlier generation, wait for the next one (a few times at most)
        for _ in 0..3 {
            let t = st.list_cache.render_turn(c.oin.as_str(), &key).await;
            if let Some(body) = st.list_cache.get_since(c.oin.as_str(), &key, generation) {
                return Ok(hal_bytes(body));
            }
            if t.renders() {
                turn = Some(t);
                break;
            }
        }
        Some(generation)
    } else {
        None
    };
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let mut problems = Vec::new();
    let status = enum_param(
        &q,
        "status",
        SamenwerkingStatus::from_wire,
        &["INITIALISATIE", "OPEN", "GESLOTEN"],
        &mut problems,
    )
    .filter(|s| *s != SamenwerkingStatus::Verwijderd);
    let rol = enum_param(
        &q,
        "rol",
        Rol::from_wire,
        &wires(Rol::ALL, Rol::as_str),
        &mut problems,
    );
    let sort = sort_param(
        &q,
        &[
            ("creatieDatumTijd", SamenwerkingSortKey::Creatie),
            ("titel", SamenwerkingSortKey::Titel),
            (
                "laatstAangepastDatumTijd",
                SamenwerkingSortKey::LaatstAangepast,
            ),
        ],
        // newest first
        Sort {
            key: SamenwerkingSortKey::Creatie,
            desc: true,
        },
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let f = SamenwerkingFilter {
        status,
        titel: q.get("titel").cloned().filter(|t| !t.is_empty()),
        verzoeknummer: q.get("verzoeknummer").cloned(),
        rol,
        sort,
    };
    let (items, p) = ctx.list_samenwerkingen(&f, page).await?;
    let page_key = if q.contains_key("page") {
        "page"
    } else {
        "pagina"
    };
    let body = axum::body::Bytes::from(hal_list_json("samenwerkingen", &items, p, &uri, page_key));
    if let Some(generation) = generation {
        st.list_cache
            .put(c.oin.as_str(), key, generation, body.clone());
    }
    drop(turn);
    Ok(hal_bytes(body))
}

pub(super) async fn get_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_samenwerking(&id).await?,
    ))
}

pub(super) async fn patch_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SamenwerkingWijzigen>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).change_samenwerking(&id, req).await?,
    ))
}

pub(super) async fn delete_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ctx::new(&st, &c).delete_samenwerking(&id).await?;
    Ok(no_content())
}
