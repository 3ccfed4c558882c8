//! Every error leaves the service as problem+json (RFC 9457) with a stable `code`.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use swf_domain::{Denied, InvalidParam};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Stable machine-readable code; clients branch on this, never on `title` or `detail`.
    pub code: String,
    #[serde(rename = "invalid-params", skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub invalid_params: Vec<InvalidParam>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            title,
            detail: detail.into(),
            invalid_params: Vec::new(),
        }
    }
    pub fn invalid(params: Vec<InvalidParam>) -> Self {
        let detail = params
            .iter()
            .map(|p| {
                if p.name.is_empty() {
                    p.reason.clone()
                } else {
                    format!("{}: {}", p.name, p.reason)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            invalid_params: params,
            ..Self::bad_request("ongeldige-invoer", detail)
        }
    }
    pub fn invalid_param(name: &str, code: &str, reason: impl Into<String>) -> Self {
        Self::invalid(vec![InvalidParam::new(name, code, reason)])
    }
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Ongeldig verzoek", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "niet-geauthenticeerd",
            "Niet aangemeld",
            detail,
        )
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "niet-gevonden",
            "Niet gevonden",
            format!("{what} bestaat niet of u heeft er geen toegang toe"),
        )
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "niet-toegestaan",
            "Niet toegestaan",
            detail,
        )
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }
    pub fn stale() -> Self {
        Self::conflict(
            "gelijktijdige-wijziging",
            "iemand anders heeft dit zojuist gewijzigd; haal de nieuwste versie op en probeer het opnieuw",
        )
    }
    pub fn too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "te-groot",
            "Bestand te groot",
            format!(
                "het bestand is groter dan de toegestane {} MiB",
                limit / (1024 * 1024)
            ),
        )
    }
    pub fn unsupported_media(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "verkeerd-mediatype",
            "Verkeerd mediatype",
            detail,
        )
    }
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "interne-fout",
            "Interne fout",
            "er ging iets mis in de service; probeer het later opnieuw",
        )
    }
    /// Map a rule refusal to a response. `what` names the resource for a 404.
    pub fn denied(d: Denied, what: &str, detail: &str) -> Self {
        match d {
            Denied::NotVisible => Self::not_found(what),
            Denied::Forbidden => Self::forbidden(detail.to_string()),
            Denied::WrongState => Self::conflict("ongeldige-status", detail.to_string()),
        }
    }

    pub fn to_problem(&self) -> Problem {
        Problem {
            kind: format!("https://samenwerkruimte.nl/problemen/{}", self.code),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            instance: None,
            code: self.code.to_string(),
            invalid_params: self.invalid_params.clone(),
        }
    }
}

/// The problem code of an answer (`ApiError::into_response` sets it), for the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemCode(pub &'static str);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.to_problem()).unwrap_or_default();
        let mut r = (self.status, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        // for the request log: an expected overload answer is not a fault of the service
        r.extensions_mut().insert(ProblemCode(self.code));
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"samenwerkruimte\""),
            );
        }
        r
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Conflict(what) => ApiError::conflict("bestaat-al", what),
            crate::store::StoreError::NoLongerAllowed => {
                ApiError::forbidden("uw toegang tot deze samenwerking is intussen gewijzigd; dit is niet meer toegestaan")
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::internal()
            }
        }
    }
}

impl From<crate::blob::BlobError> for ApiError {
    fn from(e: crate::blob::BlobError) -> Self {
        match e {
            crate::blob::BlobError::TooLarge { limit } => ApiError::too_large(limit),
            crate::blob::BlobError::Source(m) => {
                ApiError::bad_request("upload-afgebroken", format!("de upload is afgebroken: {m}"))
            }
            crate::blob::BlobError::Io(err) => {
                tracing::error!(error = %err, "blob I/O error");
                ApiError::internal()
            }
            e @ (crate::blob::BlobError::Object(_)
            | crate::blob::BlobError::Config(_)
            | crate::blob::BlobError::Gone) => {
                tracing::error!(error = %e, "document storage error");
                ApiError::internal()
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
