//! HTTP layer: routes, extractors, HAL lists, headers. Handlers are thin: parse, call one
//! service function, shape the response.
use crate::app::{href, now_us, parse_query_time, AppState, Caller};
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::service::{Ctx, Paging};
use crate::store::{
    ActieverzoekFilter, DocumentFilter, DocumentRow, NewAudit, NotificatieFilter, OrganisatieRow,
    SamenwerkingFilter,
};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use swf_domain::*;
use tower_http::set_header::SetResponseHeaderLayer;
use uuid::Uuid;

pub const HAL_JSON: &str = "application/hal+json";

// ------------------------------------------------------------------ extractors

/// A JSON body (`application/json`, `application/merge-patch+json` or any `+json`), with
/// errors as problem+json naming the offending field.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !(mime == "application/json"
            || (mime.starts_with("application/") && mime.ends_with("+json")))
        {
            return Err(ApiError::unsupported_media(format!(
                "stuur JSON (Content-Type: application/json of application/merge-patch+json), niet '{ct}'"
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ApiError::bad_request(
                "ongeldige-json",
                format!("de body kon niet worden gelezen: {e}"),
            )
        })?;
        // every request body of this API is a JSON object; serde would also read a struct's
        // fields from an array (`[null, null]`), which the document does not allow
        if let Some(b) = bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            if *b != b'{' {
                return Err(ApiError::bad_request(
                    "ongeldige-json",
                    "de body moet een JSON-object zijn ({ ... })",
                ));
            }
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Ok(JsonBody(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    Err(ApiError::bad_request(
                        "ongeldige-json",
                        format!("de body is geen geldige JSON: {inner}"),
                    ))
                } else {
                    let msg = inner.to_string();
                    // serde reports a missing or unknown field at the parent path: name the field
                    let field = ["missing field `", "unknown field `"]
                        .iter()
                        .find_map(|p| msg.strip_prefix(p).and_then(|r| r.split('`').next()))
                        .map(str::to_owned);
                    let (name, code) = match field {
                        Some(f) if msg.starts_with("missing") => (join_path(&path, &f), "required"),
                        // for an unknown field the path already ends in its name
                        Some(f) => (if path == "." { f } else { path }, "onbekend-veld"),
                        None => (
                            if path == "." { String::new() } else { path },
                            "ongeldige-waarde",
                        ),
                    };
                    Err(ApiError::invalid_param(&name, code, msg))
                }
            }
        }
    }
}

fn join_path(parent: &str, field: &str) -> String {
    if parent == "." || parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

pub type Params = HashMap<String, String>;

/// Query parameters as a map; a malformed query string is a 400.
pub struct Q(pub Params);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Q {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        s: &S,
    ) -> Result<Self, ApiError> {
        Query::<Params>::from_request_parts(parts, s)
            .await
            .map(|Query(q)| Q(q))
            .map_err(|e| ApiError::bad_request("ongeldige-query", e.body_text()))
    }
}

fn paging(q: &Params, page_keys: &[&str], size_keys: &[&str]) -> ApiResult<Paging> {
    let mut problems = Vec::new();
    let mut get = |keys: &[&str], default: u64, max: u64, min: u64| {
        for k in keys {
            if let Some(v) = q.get(*k) {
                match v.parse::<u64>() {
                    Ok(n) if n >= min && n <= max => return n,
                    _ => problems.push(InvalidParam::new(
                        k,
                        "bereik",
                        format!("een geheel getal van {min} tot en met {max}"),
                    )),
                }
            }
        }
        default
    };
    let number = get(page_keys, 0, 1_000_000, 0);
    let size = get(size_keys, 20, 100, 1);
    if problems.is_empty() {
        Ok(Paging { number, size })
    } else {
        Err(ApiError::invalid(problems))
    }
}

fn enum_param<T>(
    q: &Params,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &[&str],
    problems: &mut Vec<InvalidParam>,
) -> Option<T> {
    let v = q.get(key)?;
    let r = parse(v);
    if r.is_none() {
        problems.push(InvalidParam::new(
            key,
            "onbekende-waarde",
            format!("toegestaan: {}", allowed.join(", ")),
        ));
    }
    r
}

fn oin_param(q: &Params, key: &str, problems: &mut Vec<InvalidParam>) -> Option<String> {
    let v = q.get(key)?;
    match Oin::parse(v) {
        Ok(o) => Some(o.to_string()),
        Err(e) => {
            problems.push(InvalidParam::new(key, "oin", e.to_string()));
            None
        }
    }
}

fn wires<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

// ------------------------------------------------------------------ responses

fn hal<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(b) => (status, [(header::CONTENT_TYPE, HAL_JSON)], b).into_response(),
        Err(_) => ApiError::internal().into_response(),
    }
}

fn with_page(uri: &Uri, key: &str, n: u64) -> String {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != key)
        .collect();
    pairs.push((key.to_owned(), n.to_string()));
    let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{}", uri.path(), q)
}

/// A HAL list serialized straight from the items: `_embedded.<plural>`, `_links`, `page`.
struct HalList<'a, T> {
    plural: &'a str,
    items: &'a [T],
    links: Vec<(&'static str, String)>,
    page: Page,
}

impl<T: Serialize> Serialize for HalList<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Embedded<'a, T>(&'a str, &'a [T]);
        impl<T: Serialize> Serialize for Embedded<'_, T> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(self.0, self.1)?;
                m.end()
            }
        }
        struct Links<'a>(&'a [(&'static str, String)]);
        impl Serialize for Links<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (rel, href) in self.0 {
                    m.serialize_entry(rel, &Link::new(href.clone()))?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("_embedded", &Embedded(self.plural, self.items))?;
        m.serialize_entry("_links", &Links(&self.links))?;
        m.serialize_entry("page", &self.page)?;
        m.end()
    }
}

fn hal_list_bytes<T: Serialize>(
    plural: &str,
    items: &[T],
    page: Page,
    uri: &Uri,
    page_key: &str,
) -> Vec<u8> {
    let self_href = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| uri.path().to_owned());
    let mut links = vec![("self", self_href)];
    if page.number + 1 < page.total_pages {
        links.push(("next", with_page(uri, page_key, page.number + 1)));
    }
    if page.number > 0 && page.total_pages > 0 {
        links.push((
            "prev",
            with_page(uri, page_key, (page.number - 1).min(page.total_pages - 1)),
        ));
    }
    serde_json::to_vec(&HalList {
        plural,
        items,
        links,
        page,
    })
    .unwrap_or_default()
}

fn hal_bytes(body: impl Into<Body>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HAL_JSON)],
        body.into(),
    )
        .into_response()
}

fn hal_list<T: Serialize>(
    plural: &str,
    items: Vec<T>,
    page: Page,
    uri: &Uri,
    page_key: &str,
) -> Response {
    hal_bytes(hal_list_bytes(plural, &items, page, uri, page_key))
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

// ------------------------------------------------------------------ samenwerkingen

async fn start_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    JsonBody(req): JsonBody<SamenwerkingStarten>,
) -> ApiResult<Response> {
    let s = Ctx::new(&st, &c).start(req).await?;
    let mut r = hal(StatusCode::CREATED, &s);
    if let Ok(v) = HeaderValue::from_str(&href(&format!("/samenwerkingen/{}", s.samenwerking_id))) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

async fn list_samenwerkingen(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Q(q): Q,
) -> ApiResult<Response> {
    // the overview is read far more often than anything changes: serve a rendered page while
    // no write has been committed since it was rendered
    let key = format!("{}|{}|{}", c.oin, c.extensions, uri.query().unwrap_or(""));
    let generation = st.store.generation().await?;
    if let Some(body) = st
        .list_cache
        .get(&key, generation)
        .filter(|_| st.config.list_cache)
    {
        return Ok(hal_bytes(body));
    }
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let mut problems = Vec::new();
    let status = enum_param(
        &q,
        "status",
        SamenwerkingStatus::from_wire,
        &["INITIALISATIE", "OPEN", "GESLOTEN"],
        &mut problems,
    )
    .filter(|s| *s != SamenwerkingStatus::Verwijderd)
    .map(|s| s.as_str().to_owned());
    let rol = enum_param(
        &q,
        "rol",
        Rol::from_wire,
        &wires(Rol::ALL, Rol::as_str),
        &mut problems,
    )
    .map(|r| r.as_str().to_owned());
    let (sort, desc) = match q.get("_sort").map(String::as_str) {
        None | Some("-creatieDatumTijd") => ("d.volgnummer", true),
        Some("creatieDatumTijd") => ("d.volgnummer", false),
        Some("titel") => ("s.titel", false),
        Some("-titel") => ("s.titel", true),
        Some("laatstAangepastDatumTijd") => ("s.laatst_aangepast", false),
        Some("-laatstAangepastDatumTijd") => ("s.laatst_aangepast", true),
        Some(_) => {
            problems.push(InvalidParam::new(
                "_sort",
                "onbekende-waarde",
                "toegestaan: [-]creatieDatumTijd, [-]titel, [-]laatstAangepastDatumTijd",
            ));
            ("", false)
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let f = SamenwerkingFilter {
        status,
        titel: q.get("titel").cloned().filter(|t| !t.is_empty()),
        verzoeknummer: q.get("verzoeknummer").cloned(),
        rol,
        sort,
        desc,
    };
    let (items, p) = Ctx::new(&st, &c).list_samenwerkingen(&f, page).await?;
    let page_key = if q.contains_key("page") {
        "page"
    } else {
        "pagina"
    };
    let body = axum::body::Bytes::from(hal_list_bytes("samenwerkingen", &items, p, &uri, page_key));
    st.list_cache.put(key, generation, body.clone());
    Ok(hal_bytes(body))
}

async fn get_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_samenwerking(&id).await?,
    ))
}

async fn patch_samenwerking(
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

async fn delete_samenwerking(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ctx::new(&st, &c).delete_samenwerking(&id).await?;
    Ok(no_content())
}

async fn historie(
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

// ------------------------------------------------------------------ deelnemers

async fn list_deelnemers(
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

async fn invite(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<DeelnemerUitnodigen>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::CREATED,
        &Ctx::new(&st, &c).invite(&id, req).await?,
    ))
}

async fn get_deelnemer(
    State(st): State<AppState>,
    c: Caller,
    Path((id, partner)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_deelnemer(&id, &partner).await?,
    ))
}

async fn patch_deelnemer(
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

async fn delete_deelnemer(
    State(st): State<AppState>,
    c: Caller,
    Path((id, partner)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ctx::new(&st, &c).remove_deelnemer(&id, &partner).await?;
    Ok(no_content())
}

// ------------------------------------------------------------------ documenten

async fn list_documenten(
    State(st): State<AppState>,
    c: Caller,
    uri: Uri,
    Path(id): Path<String>,
    Q(q): Q,
) -> ApiResult<Response> {
    let page = paging(&q, &["pagina", "page"], &["aantal", "size"])?;
    let mut problems = Vec::new();
    let f = DocumentFilter {
        alleen_rv: false,
        aangemaakt_door: oin_param(&q, "aangemaaktDoor", &mut problems),
        aangemaakt_door_not: oin_param(&q, "aangemaaktDoor[not]", &mut problems),
        aangemaakt_door_naam: q.get("aangemaaktDoorNaam").cloned(),
        aangemaakt_door_naam_not: q.get("aangemaaktDoorNaam[not]").cloned(),
        sort: match q.get("_sort").map(|s| s.trim_start_matches('-')) {
            None | Some("creatieDatumTijd") => "d.creatie",
            Some("bestandsNaam") => "d.bestandsnaam",
            Some("laatstAangepastDatumTijd") => "d.laatst_aangepast",
            Some(_) => {
                problems.push(InvalidParam::new(
                    "_sort",
                    "onbekende-waarde",
                    "toegestaan: [-]creatieDatumTijd, [-]bestandsNaam, [-]laatstAangepastDatumTijd",
                ));
                ""
            }
        },
        desc: q.get("_sort").is_some_and(|s| s.starts_with('-')),
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let (items, p) = Ctx::new(&st, &c).list_documenten(&id, f, page).await?;
    Ok(hal_list("documenten", items, p, &uri, "pagina"))
}

fn valid_media_type(s: &str) -> bool {
    let tok = |t: &str| {
        !t.is_empty()
            && t.len() <= 127
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match s.split_once('/') {
        Some((a, b)) => tok(a) && tok(b.split(';').next().unwrap_or("").trim()),
        None => false,
    }
}

/// Upload: multipart part `file`, metadata as query parameters (DSO v5). Streamed to a temp
/// file while hashing; becomes visible only after the bytes are fsynced and the row committed.
async fn upload(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    Q(q): Q,
    headers: HeaderMap,
    req: Request,
) -> ApiResult<Response> {
    let ctx = Ctx::new(&st, &c);
    let mut problems = Vec::new();
    let v = match q.get("vertrouwelijkheidsAanduiding") {
        None => {
            problems.push(InvalidParam::new(
                "vertrouwelijkheidsAanduiding",
                "required",
                "kies RV of SV",
            ));
            None
        }
        Some(_) => enum_param(
            &q,
            "vertrouwelijkheidsAanduiding",
            Vertrouwelijkheid::from_wire,
            &["RV", "SV"],
            &mut problems,
        ),
    };
    let omschrijving = q.get("documentOmschrijving").cloned().unwrap_or_default();
    validation::required_line(&mut problems, "documentOmschrijving", &omschrijving, 1000);
    for k in ["kenmerkSysteem", "nummerBinnenSysteem", "taal"] {
        validation::optional_line(
            &mut problems,
            k,
            q.get(k).map(String::as_str),
            validation::MAX_KORT,
        );
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ApiError::unsupported_media(
            "stuur het document als multipart/form-data met het deel 'file'",
        ));
    }
    let limit = st.config.max_upload_bytes;
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit.saturating_add(64 * 1024) {
            return Err(ApiError::too_large(limit));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let v = v.ok_or_else(ApiError::internal)?;
    let access = ctx.upload_allowed(&id, v).await?;
    let mut mp = Multipart::from_request(req, &st).await.map_err(|e| {
        ApiError::bad_request(
            "ongeldige-multipart",
            format!("de multipart-body is ongeldig: {e}"),
        )
    })?;
    // the body has one part, `file` (as the document says); others are refused, not ignored
    let other_parts = |names: Vec<String>| {
        ApiError::invalid(
            names
                .iter()
                .map(|n| InvalidParam::new(n, "onbekend-deel", "alleen het deel 'file' hoort erin"))
                .collect(),
        )
    };
    let mut others = Vec::new();
    loop {
        let field = mp
            .next_field()
            .await
            .map_err(|e| {
                ApiError::bad_request(
                    "ongeldige-multipart",
                    format!("de multipart-body is ongeldig: {e}"),
                )
            })?
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "file",
                    "required",
                    "het deel 'file' met het document ontbreekt",
                )
            })?;
        if field.name() != Some("file") {
            others.push(field.name().unwrap_or("").to_owned());
            continue;
        }
        if !others.is_empty() {
            return Err(other_parts(others));
        }
        let naam = validation::bestandsnaam(field.file_name().unwrap_or(""))
            .map_err(|p| ApiError::invalid(vec![p]))?;
        let formaat = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_ascii_lowercase();
        if !valid_media_type(&formaat) {
            return Err(ApiError::invalid_param(
                "file",
                "formaat",
                "het mediatype van het deel 'file' is ongeldig",
            ));
        }
        let pending = st.blobs.write_temp(Box::pin(field), limit).await?;
        match mp.next_field().await {
            Ok(None) => {}
            Ok(Some(f)) => {
                st.blobs.discard(pending).await;
                return Err(other_parts(vec![f.name().unwrap_or("").to_owned()]));
            }
            Err(e) => {
                st.blobs.discard(pending).await;
                return Err(ApiError::bad_request(
                    "ongeldige-multipart",
                    format!("de multipart-body is ongeldig: {e}"),
                ));
            }
        }
        let doc_id = Uuid::new_v4().to_string();
        let now = now_us();
        let row = DocumentRow {
            id: doc_id.clone(),
            samenwerking_id: id.clone(),
            bestandsnaam: naam,
            kenmerk_systeem: q.get("kenmerkSysteem").cloned().filter(|s| !s.is_empty()),
            nummer_binnen_systeem: q
                .get("nummerBinnenSysteem")
                .cloned()
                .filter(|s| !s.is_empty()),
            aangemaakt_door: c.oin.to_string(),
            aangemaakt_door_naam: c.organisatie_naam.clone(),
            creatie: now,
            laatst_aangepast_door: c.oin.to_string(),
            laatst_aangepast_door_naam: c.organisatie_naam.clone(),
            laatst_aangepast: now,
            omschrijving: omschrijving.trim().to_owned(),
            vertrouwelijkheid: v.as_str().into(),
            taal: q.get("taal").cloned().filter(|s| !s.is_empty()),
            formaat,
            hash: pending.sha256.clone(),
            grootte: pending.size as i64,
        };
        st.blobs.commit(pending, &doc_id).await?;
        return match ctx.record_document(&access, row).await {
            Ok(d) => {
                let mut r = hal(StatusCode::CREATED, &d);
                if let Ok(h) = HeaderValue::from_str(&href(&format!("/documenten/{doc_id}"))) {
                    r.headers_mut().insert(header::LOCATION, h);
                }
                Ok(r)
            }
            Err(e) => {
                let _ = st.blobs.delete(&doc_id).await;
                Err(e)
            }
        };
    }
}

fn uuid_path(s: &str, what: &str) -> ApiResult<String> {
    Uuid::parse_str(s)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::not_found(what))
}

async fn get_document(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het document")?;
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).get_document(&id).await?,
    ))
}

async fn patch_document(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<DocumentWijzigen>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het document")?;
    Ok(hal(
        StatusCode::OK,
        &Ctx::new(&st, &c).change_document(&id, req).await?,
    ))
}

async fn delete_document(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het document")?;
    Ctx::new(&st, &c).delete_document(&id).await?;
    Ok(no_content())
}

/// `Content-Disposition` that every client parses: an ASCII fallback in `filename="…"` and the
/// exact name in `filename*` (RFC 6266 / 8187).
pub fn content_disposition(name: &str) -> String {
    // `filename*` as clean as the fallback: no control or bidirectional characters
    let name = &*validation::bestandsnaam_weergave(name);
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != ';' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Parse a single `bytes=` range against `size`. `Ok(None)`: serve the whole file.
/// The requested range lies outside the document.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsatisfiable;

pub fn parse_range(h: &str, size: u64) -> Result<Option<(u64, u64)>, Unsatisfiable> {
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None); // multiple ranges: answer with the whole file (allowed by RFC 9110)
    }
    let (a, b) = spec.split_once('-').ok_or(Unsatisfiable)?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| Unsatisfiable)?;
        if n == 0 || size == 0 {
            return Err(Unsatisfiable);
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let s: u64 = a.parse().map_err(|_| Unsatisfiable)?;
        let e: u64 = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            b.parse::<u64>()
                .map_err(|_| Unsatisfiable)?
                .min(size.saturating_sub(1))
        };
        (s, e)
    };
    if start >= size || start > end {
        return Err(Unsatisfiable);
    }
    Ok(Some((start, end)))
}

async fn download(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let id = uuid_path(&id, "het document")?;
    let (_, d, _) = Ctx::new(&st, &c).document_access(&id).await?;
    let mut file = tokio::fs::File::open(st.blobs.path_of(&d.id))
        .await
        .map_err(|e| {
            tracing::error!(document = %d.id, error = %e, "document bytes missing");
            ApiError::internal()
        })?;
    let size = d.grootte.max(0) as u64;
    let etag = format!("\"{}\"", d.hash);
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(r) => {
            // If-Range with another validator: serve the whole (new) content
            let if_range_ok = headers
                .get(header::IF_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| v == etag);
            if !if_range_ok {
                None
            } else {
                match parse_range(r, size) {
                    Ok(r) => r,
                    Err(Unsatisfiable) => {
                        let mut resp = ApiError::new(
                            StatusCode::RANGE_NOT_SATISFIABLE,
                            "bereik-ongeldig",
                            "Bereik niet beschikbaar",
                            format!("het document is {size} bytes"),
                        )
                        .into_response();
                        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                            resp.headers_mut().insert(header::CONTENT_RANGE, v);
                        }
                        return Ok(resp);
                    }
                }
            }
        }
    };
    let (status, start, len) = match range {
        Some((s, e)) => (StatusCode::PARTIAL_CONTENT, s, e - s + 1),
        None => (StatusCode::OK, 0, size),
    };
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|_| ApiError::internal())?;
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), 256 * 1024);
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    let ct = HeaderValue::from_str(&d.formaat)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&d.bestandsnaam)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        if let Ok(v) =
            HeaderValue::from_str(&format!("bytes {}-{}/{}", start, start + len - 1, size))
        {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(resp)
}

// ------------------------------------------------------------------ actieverzoeken

async fn create_actieverzoek(
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

fn etag(r: &mut Response, versie: i64) {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{versie}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
}

async fn list_actieverzoeken(
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
        )
        .map(|s| s.as_str().to_owned()),
        status_not: enum_param(
            &q,
            "status[not]",
            ActieverzoekStatus::from_wire,
            &all,
            &mut problems,
        )
        .map(|s| s.as_str().to_owned()),
    };
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    let (items, p) = Ctx::new(&st, &c).list_actieverzoeken(&f, page).await?;
    Ok(hal_list("actieverzoeken", items, p, &uri, "pagina"))
}

async fn get_actieverzoek(
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

async fn patch_actieverzoek(
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

async fn koppel(
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

async fn ontkoppel(
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

async fn list_berichten(
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

async fn post_bericht(
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

// ------------------------------------------------------------------ notificaties

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
                    Some(t) => out.push(t.as_str().to_owned()),
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

async fn list_notificaties(
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

async fn list_samenwerking_notificaties(
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

async fn get_notificatie(
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

async fn delete_notificatie(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "de notificatie")?;
    Ctx::new(&st, &c).delete_notificatie(&id).await?;
    Ok(no_content())
}

// ------------------------------------------------------------------ extensions: auth, directory

async fn token(State(st): State<AppState>, req: Request) -> ApiResult<Response> {
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

async fn logout(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
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

/// How loudly the request log records an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogLevel {
    Debug,
    Warn,
    Error,
}

/// Expected overload answers (too many sign-ins checked at once, a body that came too slowly,
/// too many attempts or requests) are the service protecting itself: WARN, so they are seen but
/// do not page anyone. Any other 5xx is a fault: ERROR. The rest: DEBUG.
pub(crate) fn log_level(status: StatusCode, code: Option<&str>) -> LogLevel {
    match (status, code) {
        (StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS, _) => LogLevel::Warn,
        (StatusCode::SERVICE_UNAVAILABLE, Some("aanmelden-bezet")) => LogLevel::Warn,
        (s, _) if s.is_server_error() => LogLevel::Error,
        _ => LogLevel::Debug,
    }
}

fn log_response(r: &Response, latency: std::time::Duration, _span: &tracing::Span) {
    let status = r.status();
    let code = r
        .extensions()
        .get::<crate::error::ProblemCode>()
        .map(|c| c.0);
    let ms = latency.as_millis();
    match log_level(status, code) {
        LogLevel::Warn => {
            tracing::warn!(
                status = status.as_u16(),
                code,
                latency_ms = ms,
                "request refused: busy"
            )
        }
        LogLevel::Error => {
            tracing::error!(
                status = status.as_u16(),
                code,
                latency_ms = ms,
                "request failed"
            )
        }
        LogLevel::Debug => {
            tracing::debug!(
                status = status.as_u16(),
                code,
                latency_ms = ms,
                "finished processing request"
            )
        }
    }
}

/// Status codes are logged by `log_response`; what is left is an error while streaming a body.
fn log_failure(
    f: tower_http::classify::ServerErrorsFailureClass,
    latency: std::time::Duration,
    _span: &tracing::Span,
) {
    if let tower_http::classify::ServerErrorsFailureClass::Error(e) = f {
        tracing::error!(error = %e, latency_ms = latency.as_millis(), "response failed");
    }
}

fn organisatie(o: OrganisatieRow) -> ApiResult<Organisatie> {
    Ok(Organisatie {
        oin: Oin::parse(&o.oin).map_err(|_| ApiError::internal())?,
        naam: o.naam,
        soort: OrganisatieSoort::from_wire(&o.soort).unwrap_or(OrganisatieSoort::Overig),
    })
}

async fn zoek_organisaties(
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

async fn mijn_organisatie(State(st): State<AppState>, c: Caller) -> ApiResult<Response> {
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

async fn health(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok"}"#,
        )
            .into_response(),
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "niet-beschikbaar",
            "Niet beschikbaar",
            "de database is niet bereikbaar",
        )
        .into_response(),
    }
}

async fn openapi() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        crate::openapi::document_json(),
    )
        .into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "niet-gevonden",
        "Niet gevonden",
        format!("er is geen resource op {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methode-niet-toegestaan",
        "Methode niet toegestaan",
        format!("{method} kan hier niet"),
    )
}

pub fn router(st: AppState) -> Router {
    use axum::routing::{delete, post};
    let api = Router::new()
        .route(
            "/samenwerkingen",
            get(list_samenwerkingen).post(start_samenwerking),
        )
        .route(
            "/samenwerkingen/{id}",
            get(get_samenwerking)
                .patch(patch_samenwerking)
                .delete(delete_samenwerking),
        )
        .route(
            "/samenwerkingen/{id}/deelnemers",
            get(list_deelnemers).post(invite),
        )
        .route(
            "/samenwerkingen/{id}/deelnemers/{oin}",
            get(get_deelnemer)
                .patch(patch_deelnemer)
                .delete(delete_deelnemer),
        )
        .route(
            "/samenwerkingen/{id}/documenten",
            get(list_documenten)
                .post(upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/samenwerkingen/{id}/actieverzoeken",
            post(create_actieverzoek),
        )
        .route(
            "/samenwerkingen/{id}/notificaties",
            get(list_samenwerking_notificaties),
        )
        .route("/samenwerkingen/{id}/historie", get(historie))
        .route(
            "/documenten/{id}",
            get(get_document)
                .patch(patch_document)
                .delete(delete_document),
        )
        .route("/documenten/{id}/content", get(download))
        .route("/actieverzoeken", get(list_actieverzoeken))
        .route(
            "/actieverzoeken/{id}",
            get(get_actieverzoek).patch(patch_actieverzoek),
        )
        .route(
            "/actieverzoeken/{id}/berichten",
            get(list_berichten).post(post_bericht),
        )
        .route("/actieverzoeken/{id}/documenten", post(koppel))
        .route(
            "/actieverzoeken/{id}/documenten/{document}",
            delete(ontkoppel),
        )
        .route("/notificaties", get(list_notificaties))
        .route(
            "/notificaties/{id}",
            get(get_notificatie).delete(delete_notificatie),
        )
        .route("/auth/token", post(token).delete(logout))
        .route("/gebeurtenissen", get(crate::feed::list))
        .route("/gebeurtenissen/stream", get(crate::feed::stream))
        .route("/organisaties", get(zoek_organisaties))
        .route("/organisaties/mijn", get(mijn_organisatie))
        .route("/openapi.json", get(openapi))
        .route("/health", get(health))
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest(BASE_PATH, api)
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .with_state(st)
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .on_response(log_response)
                .on_failure(log_failure),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            ApiError::internal().into_response()
        }))
        // an answer given before the request body was read must not leave a half-read
        // connection for the client to reuse (issue 10, item 1)
        .layer(axum::middleware::from_fn(crate::unread_body::settle))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("api-version"),
            HeaderValue::from_static(API_VERSION),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected overload answers at WARN, real faults at ERROR (issue 10 leftover): the level
    /// follows the problem code the answer itself carries.
    #[test]
    fn overload_answers_are_warnings_and_faults_errors() {
        let level = |e: ApiError| {
            let r = e.into_response();
            let code = r
                .extensions()
                .get::<crate::error::ProblemCode>()
                .map(|c| c.0);
            log_level(r.status(), code)
        };
        let busy = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "aanmelden-bezet", "t", "d");
        assert_eq!(level(busy), LogLevel::Warn);
        let slow = ApiError::new(StatusCode::REQUEST_TIMEOUT, "te-traag", "t", "d");
        assert_eq!(level(slow), LogLevel::Warn);
        let many = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "te-veel-pogingen", "t", "d");
        assert_eq!(level(many), LogLevel::Warn);
        let db = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "niet-beschikbaar",
            "t",
            "d",
        );
        assert_eq!(level(db), LogLevel::Error);
        assert_eq!(level(ApiError::internal()), LogLevel::Error);
        assert_eq!(log_level(StatusCode::BAD_GATEWAY, None), LogLevel::Error);
        assert_eq!(
            log_level(StatusCode::SERVICE_UNAVAILABLE, None),
            LogLevel::Error
        );
        assert_eq!(
            log_level(StatusCode::NOT_FOUND, Some("niet-gevonden")),
            LogLevel::Debug
        );
        assert_eq!(log_level(StatusCode::OK, None), LogLevel::Debug);
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=50-1000", 100), Ok(Some((50, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Err(Unsatisfiable));
        assert_eq!(parse_range("bytes=9-3", 100), Err(Unsatisfiable));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
        assert_eq!(parse_range("bytes=x-1", 100), Err(Unsatisfiable));
    }

    #[test]
    fn dispositions_are_safe_and_match_the_dso_client_pattern() {
        let d = content_disposition("advies \"def\";\r\n.pdf");
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert!(d.starts_with("attachment; filename=\"advies _def__"));
        let d = content_disposition("Brandweer–advies ’t Hof.pdf");
        assert!(d.contains("filename*=UTF-8''Brandweer%E2%80%93advies"));
    }

    #[test]
    fn media_types() {
        assert!(valid_media_type("application/pdf"));
        assert!(valid_media_type("image/svg+xml"));
        assert!(!valid_media_type("application"));
        assert!(!valid_media_type("text/html\r\nX: y"));
    }
}
