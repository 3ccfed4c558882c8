//! Documenten: list, upload (streamed multipart), metadata, delete and download (with
//! ranges and a safe `Content-Disposition`).
use super::{
    enum_param, hal, hal_list, no_content, oin_param, paging, sort_param, uuid_path, JsonBody, Q,
};
use crate::app::{href, AppState, Caller};
use crate::error::{ApiError, ApiResult};
use crate::service::{Ctx, NieuwDocument};
use crate::store::{DocumentFilter, DocumentSortKey, Sort};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use swf_domain::*;

pub(super) async fn list_documenten(
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
        sort: sort_param(
            &q,
            &[
                ("creatieDatumTijd", DocumentSortKey::Creatie),
                ("bestandsNaam", DocumentSortKey::Bestandsnaam),
                ("laatstAangepastDatumTijd", DocumentSortKey::LaatstAangepast),
            ],
            // oldest first
            Sort::default(),
            &mut problems,
        ),
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
pub(super) async fn upload(
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
        let bytes = ctx.receive_document_bytes(Box::pin(field), limit).await?;
        match mp.next_field().await {
            Ok(None) => {}
            Ok(Some(f)) => {
                ctx.discard_document_bytes(bytes).await;
                return Err(other_parts(vec![f.name().unwrap_or("").to_owned()]));
            }
            Err(e) => {
                ctx.discard_document_bytes(bytes).await;
                return Err(ApiError::bad_request(
                    "ongeldige-multipart",
                    format!("de multipart-body is ongeldig: {e}"),
                ));
            }
        }
        let nieuw = NieuwDocument {
            bestandsnaam: naam,
            formaat,
            omschrijving,
            vertrouwelijkheid: v,
            kenmerk_systeem: q.get("kenmerkSysteem").cloned(),
            nummer_binnen_systeem: q.get("nummerBinnenSysteem").cloned(),
            taal: q.get("taal").cloned(),
        };
        let d = ctx.add_document(&access, nieuw, bytes).await?;
        let mut r = hal(StatusCode::CREATED, &d);
        if let Ok(h) = HeaderValue::from_str(&href(format_args!("/documenten/{}", d.document_id))) {
            r.headers_mut().insert(header::LOCATION, h);
        }
        return Ok(r);
    }
}

pub(super) async fn get_document(
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

pub(super) async fn patch_document(
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

pub(super) async fn delete_document(
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
fn content_disposition(name: &str) -> String {
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
struct Unsatisfiable;

fn parse_range(h: &str, size: u64) -> Result<Option<(u64, u64)>, Unsatisfiable> {
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

pub(super) async fn download(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let id = uuid_path(&id, "het document")?;
    let d = Ctx::new(&st, &c).document_content(&id).await?;
    let size = d.grootte;
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
    let stream = st.blobs.read(&d.id, start, len).await.map_err(|e| {
        tracing::error!(document = %d.id, error = %e, "document bytes missing");
        ApiError::internal()
    })?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
