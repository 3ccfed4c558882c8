//! HTTP layer, one module per resource: the handlers of `samenwerkingen`, `deelnemers`,
//! `documenten`, `actieverzoeken`, `notificaties`, `historie`, `organisaties`, `auth` and
//! `gebeurtenissen` (the change feed) live in their own files. This file holds what they share:
//! the router with every route, the extractors (`JsonBody`, `Q`), query helpers (paging, enums,
//! OINs, `_sort`), HAL list helpers, problem answers for unknown paths and methods, the security
//! headers and the request log. Handlers parse, call the service, and shape the response; the
//! store and the blob store are the service's alone.
mod actieverzoeken;
mod auth;
mod deelnemers;
mod documenten;
mod gebeurtenissen;
mod historie;
mod notificaties;
mod organisaties;
mod samenwerkingen;

use actieverzoeken::{
    create_actieverzoek, get_actieverzoek, koppel, list_actieverzoeken, list_berichten, ontkoppel,
    patch_actieverzoek, post_bericht,
};
use auth::{logout, token};
use deelnemers::{
    deelnemer_uitnodigen, delete_deelnemer, get_deelnemer, list_deelnemers, patch_deelnemer,
};
use documenten::{
    delete_document, download, get_document, list_documenten, patch_document, upload,
};
use historie::historie;
use notificaties::{
    delete_notificatie, get_notificatie, list_notificaties, list_samenwerking_notificaties,
};
use organisaties::{mijn_organisatie, zoek_organisaties};
use samenwerkingen::{
    delete_samenwerking, get_samenwerking, list_samenwerkingen, patch_samenwerking,
    start_samenwerking,
};

use crate::app::AppState;
use crate::error::{ApiError, ApiResult};
use crate::service::Paging;
use crate::store::Sort;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
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

/// The DSO `_sort` parameter: one of `fields` (the wire names), with `-` in front for
/// descending; absent: `default`. Anything else is a problem that lists what is allowed.
fn sort_param<K: Copy>(
    q: &Params,
    fields: &[(&str, K)],
    default: Sort<K>,
    problems: &mut Vec<InvalidParam>,
) -> Sort<K> {
    let Some(v) = q.get("_sort") else {
        return default;
    };
    let (name, desc) = match v.strip_prefix('-') {
        Some(name) => (name, true),
        None => (v.as_str(), false),
    };
    match fields.iter().find(|(f, _)| *f == name) {
        Some((_, key)) => Sort { key: *key, desc },
        None => {
            let allowed: Vec<String> = fields.iter().map(|(f, _)| format!("[-]{f}")).collect();
            problems.push(InvalidParam::new(
                "_sort",
                "onbekende-waarde",
                format!("toegestaan: {}", allowed.join(", ")),
            ));
            default
        }
    }
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

/// A HAL list: `_embedded.<plural>` (the items), `_links` (self, next, prev) and `page`.
fn hal_list_bytes<T: Serialize>(
    plural: &str,
    items: &[T],
    page: Page,
    uri: &Uri,
    page_key: &str,
) -> Vec<u8> {
    let mut json = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        if serde_json::to_writer(&mut json, item).is_err() {
            return Vec::new();
        }
    }
    hal_list_json(plural, &json, page, uri, page_key)
}

/// A HAL list around `items`: its items already as JSON, separated by commas (the overview
/// writes them from their stored parts, D80). The same bytes as serde writes for the map.
fn hal_list_json(plural: &str, items: &[u8], page: Page, uri: &Uri, page_key: &str) -> Vec<u8> {
    let self_href = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| uri.path().to_owned());
    // in this order: self, next, prev
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
    struct InOrder(Vec<(&'static str, String)>);
    impl Serialize for InOrder {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (rel, href) in &self.0 {
                m.serialize_entry(rel, &Link::new(href.clone()))?;
            }
            m.end()
        }
    }
    let links = InOrder(links);
    let mut out = Vec::with_capacity(items.len() + 400);
    out.extend_from_slice(b"{\"_embedded\":{");
    let written = serde_json::to_writer(&mut out, plural)
        .and_then(|()| {
            out.extend_from_slice(b":[");
            out.extend_from_slice(items);
            out.extend_from_slice(b"]},\"_links\":");
            serde_json::to_writer(&mut out, &links)
        })
        .and_then(|()| {
            out.extend_from_slice(b",\"page\":");
            serde_json::to_writer(&mut out, &page)
        });
    if written.is_err() {
        return Vec::new();
    }
    out.push(b'}');
    out
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

fn uuid_path(s: &str, what: &str) -> ApiResult<String> {
    Uuid::parse_str(s)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::not_found(what))
}

fn etag(r: &mut Response, versie: i64) {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{versie}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
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

async fn health(State(st): State<AppState>) -> Response {
    match crate::service::database_reachable(&st).await {
        true => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            if st.config.oefenomgeving {
                r#"{"status":"ok","oefenomgeving":true}"#
            } else {
                r#"{"status":"ok"}"#
            },
        )
            .into_response(),
        false => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "niet-beschikbaar",
            "Niet beschikbaar",
            "de database is niet bereikbaar",
        )
        .into_response(),
    }
}

/// Ready for traffic (for a load balancer): the database answers and the document storage
/// takes a write (data folder) or answers (object store: a HEAD in the bucket, D62). `/health`
/// stays the database check it always was.
async fn ready(State(st): State<AppState>) -> Response {
    let database = crate::service::database_reachable(&st).await;
    let storage = st.blobs.ready().await;
    if database && storage {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok"}"#,
        )
            .into_response();
    }
    let what = match (database, storage) {
        (false, false) => "de database en de documentopslag zijn niet bereikbaar",
        (false, true) => "de database is niet bereikbaar",
        _ => "de documentopslag is niet beschikbaar",
    };
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "niet-beschikbaar",
        "Niet beschikbaar",
        what,
    )
    .into_response()
}

/// Count a request and its time to the response head, by route template (never the path
/// itself: ids would make every request its own series).
async fn count_request(
    State(st): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let resp = next.run(req).await;
    st.metrics
        .request(&method, &route, resp.status().as_u16(), started);
    resp
}

/// Prometheus metrics of this process (text format). Outside the API: keep it off the public
/// proxy (docs/operations.md).
async fn metrics(State(st): State<AppState>) -> Response {
    let feed = st.store.feed_bounds().await.ok();
    let body = st.metrics.render(feed, st.store.pool_stats());
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
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
            get(list_deelnemers).post(deelnemer_uitnodigen),
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
        .route("/gebeurtenissen", get(gebeurtenissen::list))
        .route("/gebeurtenissen/stream", get(gebeurtenissen::stream))
        .route("/organisaties", get(zoek_organisaties))
        .route("/organisaties/mijn", get(mijn_organisatie))
        .route("/openapi.json", get(openapi))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route(
            "/oefenomgeving/verzoeken",
            get(crate::oefen::http::verzoeken),
        )
        .method_not_allowed_fallback(method_not_allowed)
        // after routing: the route's template is known (`MatchedPath`)
        .route_layer(axum::middleware::from_fn_with_state(
            st.clone(),
            count_request,
        ));

    let routes = Router::new()
        .nest(BASE_PATH, api)
        .route("/openapi.json", get(openapi))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .with_state(st.clone());
    // What every answer gets wraps the router once (D82). `Router::layer` would wrap each
    // route's handler, and axum clones the matched route's handlers for every request: with
    // these layers on every route that was about 120 boxed clones, a quarter of an overview
    // request's instructions.
    let every_answer = tower::ServiceBuilder::new()
        // a practice service marks every answer (`oefen::HEADER`), so clients can tell
        .option_layer(st.config.oefenomgeving.then(|| {
            SetResponseHeaderLayer::overriding(
                HeaderName::from_static(crate::oefen::HEADER),
                HeaderValue::from_static("true"),
            )
        }))
        .map_response(security_headers)
        // an answer given before the request body was read must not leave a half-read
        // connection for the client to reuse (issue 10, item 1)
        .layer(axum::middleware::from_fn(crate::unread_body::settle))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            ApiError::internal().into_response()
        }))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .on_response(log_response)
                .on_failure(log_failure),
        )
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .service(routes);
    Router::new().fallback_service(every_answer)
}

/// The headers of every answer: the API version, no caching unless the handler says
/// otherwise, and the security headers of the NL API Design Rules.
fn security_headers<B>(mut r: axum::http::Response<B>) -> axum::http::Response<B> {
    let h = r.headers_mut();
    h.insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(API_VERSION),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    r
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
}
