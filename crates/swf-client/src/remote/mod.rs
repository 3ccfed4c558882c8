//! The SWF v5 service over HTTP: [`RemoteApi`].
//!
//! One `reqwest` client (rustls) per [`RemoteApi`]; clones share it, the token and the circuit
//! breaker. Every request sends `SWF-Extensies: true`. Errors come back as [`ClientError`]
//! mapped from the service's problem+json. Idempotent calls (GET, PUT, DELETE) are retried on
//! transient errors with exponential backoff and jitter; POST and PATCH never are. After a few
//! consecutive connection failures a circuit breaker makes calls fail fast with
//! [`ClientError::Offline`] for a growing cool-down, then lets one probe through.
//!
//! A connection the peer closed or reset after the request went out is no outage (decision
//! D29): an idempotent call is sent once more at once, on a new connection; a POST or PATCH is
//! not (the service may have processed it) and fails with [`ClientError::Interrupted`].
//!
//! Tokens are never logged: they live in a [`Secret`] whose `Debug` prints `***`.
mod api;
mod breaker;
mod feed;
mod retry;
pub mod sse;
mod transfer;

pub use api::{
    ActieverzoekenQuery, Lijst, MijnOrganisatie, NotificatiesQuery, SamenwerkingenQuery,
};
pub use transfer::{Downloaded, Progress};

use crate::error::{ClientError, Result};
use breaker::{Admission, Breaker, BreakerSettings};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use retry::RetryPolicy;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Idle pooled connections are dropped after this long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Ask for this service's extension fields and types on every request.
const EXTENSIONS_HEADER_VALUE: &str = "true";
const ACCEPT_VALUE: &str =
    "application/hal+json, application/json;q=0.9, application/problem+json;q=0.8";

/// A secret string (a bearer token). `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The secret itself; only for putting it on the wire or in the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// How to reach the service.
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// Scheme, host and port (and any path prefix) of the service, e.g. `http://127.0.0.1:8080`;
    /// the v5 base path is appended (unless already there).
    pub service_url: String,
    /// An explicit proxy for all traffic (`http://proxy:3128`). When `None`, the environment
    /// (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) is honoured.
    pub proxy: Option<String>,
    /// Extra trusted root certificates (PEM files, one or more certificates each), on top of
    /// the built-in Web PKI roots.
    pub ca_certificates: Vec<PathBuf>,
    pub connect_timeout: Duration,
    /// Whole-request limit for ordinary calls. Downloads and the change stream get it only for
    /// the answer's status and headers (their bodies have no overall limit); downloads also use
    /// it as the longest silence between two chunks.
    pub request_timeout: Duration,
    pub user_agent: String,
    /// Attempts in total for idempotent calls on transient errors (1 = no retries).
    pub retry_attempts: u32,
    /// First backoff; doubles each attempt, with jitter, up to `retry_max_delay`.
    pub retry_base_delay: Duration,
    pub retry_max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for; the caller gets the error.
    pub retry_after_cap: Duration,
    /// Consecutive connection failures that open the circuit breaker.
    pub breaker_threshold: u32,
    /// First cool-down of an open breaker; doubles after each failed probe.
    pub breaker_cooldown: Duration,
    pub breaker_max_cooldown: Duration,
    /// The change stream ends with an error after this long without a byte (the service sends
    /// keep-alive comments much more often). `None`: wait forever.
    pub stream_idle_timeout: Option<Duration>,
    /// The kind of service this client may talk to (see [`Omgeving`]): every answer of the
    /// other kind is refused with [`ClientError::Omgeving`], and a sign-in asks `/health`
    /// before it sends a password. `None`: not checked (scripts, tests).
    pub omgeving: Option<Omgeving>,
}

/// A real service or a practice service (`swf-server --oefenomgeving`, which marks every
/// answer with the header [`OEFEN_HEADER`]). A practice sign-in never reaches a real service,
/// nor a real one a practice service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Omgeving {
    Echt,
    Oefen,
}

/// The header a practice service puts on every answer (value `true`).
pub const OEFEN_HEADER: &str = "swf-oefenomgeving";

impl Omgeving {
    /// What an answer's headers say the service is.
    pub fn van(headers: &reqwest::header::HeaderMap) -> Omgeving {
        match headers.get(OEFEN_HEADER).and_then(|v| v.to_str().ok()) {
            Some(v) if v.trim().eq_ignore_ascii_case("true") => Omgeving::Oefen,
            _ => Omgeving::Echt,
        }
    }

    /// Refuse an answer of the other kind of service.
    pub fn check(self, gevonden: Omgeving) -> Result<()> {
        match (self, gevonden) {
            (a, b) if a == b => Ok(()),
            (Omgeving::Oefen, _) => Err(ClientError::Omgeving(
                "deze service is geen oefenomgeving; een oefenaccount meldt zich daar nooit aan. \
                 Kies 'Aanmelden' voor een echte service"
                    .into(),
            )),
            (Omgeving::Echt, _) => Err(ClientError::Omgeving(
                "deze service is een oefenomgeving; een echte aanmelding gaat daar nooit heen. \
                 Gebruik de Oefenomgeving om te oefenen"
                    .into(),
            )),
        }
    }
}

impl RemoteConfig {
    pub fn new(service_url: impl Into<String>) -> Self {
        RemoteConfig {
            service_url: service_url.into(),
            proxy: None,
            ca_certificates: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            user_agent: format!("Samenwerkruimte/{} (swf-client)", env!("CARGO_PKG_VERSION")),
            retry_attempts: 3,
            retry_base_delay: Duration::from_millis(250),
            retry_max_delay: Duration::from_secs(4),
            retry_after_cap: Duration::from_secs(30),
            breaker_threshold: 3,
            breaker_cooldown: Duration::from_secs(2),
            breaker_max_cooldown: Duration::from_secs(60),
            stream_idle_timeout: Some(Duration::from_secs(90)),
            omgeving: None,
        }
    }
}

/// The service's API. Cheap to clone; clones share the connection pool, token and breaker.
#[derive(Clone)]
pub struct RemoteApi {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `scheme://host:port[/prefix]/overheid/samenwerken/api/behandelen/v5`, no trailing slash.
    base: String,
    config: RemoteConfig,
    retry: RetryPolicy,
    token: RwLock<Option<Secret>>,
    breaker: Mutex<Breaker>,
    /// The cause of the last connection failure, for calls the open breaker refuses.
    last_failure: Mutex<Option<String>>,
}

impl std::fmt::Debug for RemoteApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteApi")
            .field("base", &self.inner.base)
            .field("signed_in", &self.has_token())
            .finish()
    }
}

/// Validate a service URL and return the API base (with the v5 base path, no trailing slash).
pub fn api_base(service_url: &str) -> Result<String> {
    let trimmed = service_url.trim();
    let url = reqwest::Url::parse(trimmed).map_err(|e| {
        ClientError::Config(format!("service-URL '{trimmed}' is geen geldige URL: {e}"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ClientError::Config(format!(
            "service-URL '{trimmed}' moet met http:// of https:// beginnen"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ClientError::Config(format!(
            "service-URL '{trimmed}' noemt geen server"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::Config(format!(
            "service-URL '{trimmed}' mag geen ?query of #fragment hebben"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::Config(
            "zet geen gebruikersnaam of wachtwoord in de service-URL".into(),
        ));
    }
    let s = url.as_str().trim_end_matches('/');
    Ok(if s.ends_with(swf_domain::BASE_PATH) {
        s.to_owned()
    } else {
        format!("{s}{}", swf_domain::BASE_PATH)
    })
}

fn load_certificates(paths: &[PathBuf]) -> Result<Vec<reqwest::Certificate>> {
    let mut out = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| {
            ClientError::Config(format!("CA-certificaat {} lezen: {e}", p.display()))
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&bytes).map_err(|e| {
            ClientError::Config(format!("CA-certificaat {} is geen PEM: {e}", p.display()))
        })?;
        if certs.is_empty() {
            return Err(ClientError::Config(format!(
                "{} bevat geen PEM-certificaat (-----BEGIN CERTIFICATE-----)",
                p.display()
            )));
        }
        out.extend(certs);
    }
    Ok(out)
}

impl RemoteApi {
    pub fn new(config: RemoteConfig) -> Result<RemoteApi> {
        let base = api_base(&config.service_url)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            swf_domain::EXTENSIONS_HEADER,
            HeaderValue::from_static(EXTENSIONS_HEADER_VALUE),
        );
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_VALUE));
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .default_headers(headers)
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .tcp_keepalive(Duration::from_secs(30))
            // shorter than the service's idle keep-alive (15 s): the pool never hands out a
            // connection the service is just closing (decision D29)
            .pool_idle_timeout(POOL_IDLE_TIMEOUT);
        if let Some(p) = config
            .proxy
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let proxy = reqwest::Proxy::all(p)
                .map_err(|e| ClientError::Config(format!("proxy '{p}' is ongeldig: {e}")))?;
            b = b.proxy(proxy);
        }
        for cert in load_certificates(&config.ca_certificates)? {
            b = b.add_root_certificate(cert);
        }
        let http = b.build().map_err(|e| {
            ClientError::Config(format!("HTTP-client opzetten: {}", error_chain(&e)))
        })?;
        let retry = RetryPolicy {
            max_attempts: config.retry_attempts.max(1),
            base_delay: config.retry_base_delay,
            max_delay: config.retry_max_delay,
            retry_after_cap: config.retry_after_cap,
        };
        let breaker = Breaker::new(BreakerSettings {
            threshold: config.breaker_threshold,
            cooldown: config.breaker_cooldown,
            max_cooldown: config.breaker_max_cooldown.max(config.breaker_cooldown),
        });
        tracing::debug!(base = %base, proxy = config.proxy.is_some(), "remote API ready");
        Ok(RemoteApi {
            inner: Arc::new(Inner {
                http,
                base,
                config,
                retry,
                token: RwLock::new(None),
                breaker: Mutex::new(breaker),
                last_failure: Mutex::new(None),
            }),
        })
    }

    /// The API base URL (with the v5 base path).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    pub fn config(&self) -> &RemoteConfig {
        &self.inner.config
    }

    /// Use this bearer token from now on (`None`: send none).
    pub fn set_token(&self, token: Option<String>) {
        let mut t = match self.inner.token.write() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        };
        *t = token.filter(|s| !s.is_empty()).map(Secret);
    }

    pub fn has_token(&self) -> bool {
        self.current_token().is_some()
    }

    fn current_token(&self) -> Option<Secret> {
        match self.inner.token.read() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn breaker(&self) -> std::sync::MutexGuard<'_, Breaker> {
        match self.inner.breaker.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// True while the circuit breaker is open (or half-open): calls fail fast with `Offline`.
    pub fn breaker_open(&self) -> bool {
        self.breaker().is_open()
    }

    /// False after a connection-level failure until the service answers again.
    pub fn is_reachable(&self) -> bool {
        self.breaker().is_reachable()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    // -------------------------------------------------------------- the request pipeline

    /// Send a call: breaker, retries (idempotent methods only), error mapping. Returns a
    /// successful response whose body has not been read yet.
    pub(crate) async fn send(&self, call: &Call) -> Result<reqwest::Response> {
        let span = tracing::debug_span!("swf_request", method = %call.method, path = %call.path);
        async {
            let idempotent = retry::is_idempotent(&call.method);
            let mut attempt = 1u32;
            let mut sent_again = false;
            loop {
                let started = Instant::now();
                match self.send_once(call).await {
                    Ok(resp) => {
                        tracing::debug!(
                            status = resp.status().as_u16(),
                            attempt,
                            ms = started.elapsed().as_millis() as u64,
                            "answered"
                        );
                        return Ok(resp);
                    }
                    // The peer closed or reset the connection after the request went out (a
                    // pooled connection it had just closed, typically). For an idempotent
                    // method, sending it once more is harmless even if the first one was
                    // processed (RFC 9110 9.2.2), so it goes again at once, on a new
                    // connection, without counting as an attempt. A POST or PATCH is not
                    // repeated: nothing on the wire proves the service did not process it,
                    // and a second bericht or document is worse than an honest "not sure"
                    // (decision D29). The cases that do prove a request was never sent are
                    // already handled below us: hyper re-sends a request whose pooled
                    // connection turned out closed before any byte was written, and a refused
                    // connect sends nothing (that one is an outage: `Offline`).
                    Err(f) if f.dropped && idempotent && !sent_again => {
                        tracing::debug!(
                            attempt,
                            error = %f.error,
                            "connection closed by the peer; sending once more on a new connection"
                        );
                        sent_again = true;
                    }
                    Err(f) => {
                        let transient = f.error.is_transient() || f.dropped;
                        let wait = if idempotent && transient && !f.fail_fast {
                            self.inner
                                .retry
                                .delay(attempt, f.retry_after, retry::jitter())
                        } else {
                            None
                        };
                        match wait {
                            Some(d) => {
                                tracing::debug!(
                                    attempt,
                                    wait_ms = d.as_millis() as u64,
                                    error = %f.error,
                                    "transient failure; retrying"
                                );
                                tokio::time::sleep(d).await;
                                attempt += 1;
                            }
                            None => {
                                tracing::debug!(attempt, error = %f.error, "failed");
                                return Err(match f.error {
                                    // dropped again, also on a new connection: for a call that
                                    // may be repeated, that is the service not answering
                                    ClientError::Interrupted(cause) if idempotent => {
                                        ClientError::Offline(cause)
                                    }
                                    e => e,
                                });
                            }
                        }
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt through the breaker.
    async fn send_once(&self, call: &Call) -> std::result::Result<reqwest::Response, Failure> {
        let admission = self.breaker().admit(Instant::now());
        if let Admission::Reject(left) = admission {
            // the cause itself, not the breaker's cool-down: a one-off caller retries nothing
            let cause = lock_clone(&self.inner.last_failure)
                .unwrap_or_else(|| "eerdere verbindingen mislukten".to_owned());
            tracing::debug!(
                cooldown_left_ms = left.as_millis() as u64,
                "breaker open: failing fast"
            );
            return Err(Failure {
                error: ClientError::Offline(cause),
                retry_after: None,
                fail_fast: true,
                dropped: false,
            });
        }
        let mut guard = ProbeGuard {
            api: self,
            armed: admission == Admission::Probe,
        };
        let result = match call.timeout {
            // no limit on the body, but the answer's head must come in time
            Timeout::HeadOnly => {
                let limit = self.inner.config.request_timeout;
                match tokio::time::timeout(limit, self.build(call).send()).await {
                    Ok(r) => r,
                    Err(_) => {
                        guard.armed = false;
                        self.connection_failed("time-out");
                        return Err(Failure {
                            error: ClientError::Offline("time-out".into()),
                            retry_after: None,
                            fail_fast: false,
                            dropped: false,
                        });
                    }
                }
            }
            _ => self.build(call).send().await,
        };
        guard.armed = false;
        match result {
            Ok(resp) => {
                self.breaker().success();
                // a service of the other kind (practice / real) is never talked to
                if let Some(verwacht) = self.inner.config.omgeving {
                    if let Err(error) = verwacht.check(Omgeving::van(resp.headers())) {
                        return Err(Failure {
                            error,
                            retry_after: None,
                            fail_fast: true,
                            dropped: false,
                        });
                    }
                }
                let status = resp.status();
                if status.is_success() {
                    Ok(resp)
                } else {
                    let retry_after = retry_after(resp.headers());
                    let error = error_from_response(resp).await;
                    Err(Failure {
                        error,
                        retry_after,
                        fail_fast: false,
                        dropped: false,
                    })
                }
            }
            Err(e) if e.is_builder() => Err(Failure {
                error: ClientError::Config(error_chain(&e)),
                retry_after: None,
                fail_fast: true,
                dropped: false,
            }),
            // reachable, but its certificate is not trusted: a setting to fix, not an outage
            Err(e) if untrusted_certificate(&e) => Err(Failure {
                error: ClientError::Config(format!(
                    "de service toont een certificaat dat deze computer niet vertrouwt ({}). \
                     Gebruikt uw organisatie een eigen CA-certificaat, bijvoorbeeld voor een proxy? \
                     Stel het in met --ca-cert of SWF_CA_CERT (in de app: Instellingen)",
                    innermost(&e)
                )),
                retry_after: None,
                fail_fast: true,
                dropped: false,
            }),
            // reached, then closed or reset by the peer: no outage, the breaker does not count it
            Err(e) if connection_dropped(&e) => Err(Failure {
                error: ClientError::Interrupted(innermost(&e)),
                retry_after: None,
                fail_fast: false,
                dropped: true,
            }),
            Err(e) => {
                let error = offline(&e);
                if let ClientError::Offline(cause) = &error {
                    self.connection_failed(cause);
                }
                Err(Failure {
                    error,
                    retry_after: None,
                    fail_fast: false,
                    dropped: false,
                })
            }
        }
    }

    /// A connection-level failure: count it in the breaker and remember its cause.
    fn connection_failed(&self, cause: &str) {
        self.breaker().failure(Instant::now());
        match self.inner.last_failure.lock() {
            Ok(mut g) => *g = Some(cause.to_owned()),
            Err(p) => *p.into_inner() = Some(cause.to_owned()),
        }
    }

    fn build(&self, call: &Call) -> reqwest::RequestBuilder {
        let mut rb = self
            .inner
            .http
            .request(call.method.clone(), self.url(&call.path));
        if !call.query.is_empty() {
            rb = rb.query(&call.query);
        }
        if call.auth {
            if let Some(t) = self.current_token() {
                rb = rb.header(AUTHORIZATION, format!("Bearer {}", t.expose()));
            }
        }
        for (k, v) in &call.headers {
            rb = rb.header(*k, v.as_str());
        }
        match &call.timeout {
            Timeout::Request => rb = rb.timeout(self.inner.config.request_timeout),
            Timeout::Fixed(d) => rb = rb.timeout(*d),
            Timeout::HeadOnly => {}
        }
        match &call.body {
            Some(CallBody::Json(bytes, ct)) => {
                rb = rb.header(CONTENT_TYPE, *ct).body(bytes.clone());
            }
            Some(CallBody::Multipart(form)) => {
                if let Some(form) = lock_take(form) {
                    rb = rb.multipart(form);
                }
            }
            None => {}
        }
        rb
    }

    /// Send and decode a JSON body.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: &Call) -> Result<T> {
        let resp = self.send(call).await?;
        read_json(resp).await
    }

    /// Send and ignore the body.
    pub(crate) async fn empty(&self, call: &Call) -> Result<()> {
        let resp = self.send(call).await?;
        // drain so the connection goes back to the pool
        let _ = resp.bytes().await;
        Ok(())
    }
}

/// Decode a success body; anything unreadable is a protocol error.
pub(crate) async fn read_json<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T> {
    let bytes = resp.bytes().await.map_err(|e| offline(&e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ClientError::Protocol(format!(
            "het antwoord is geen geldige JSON van de verwachte vorm: {e}"
        ))
    })
}

fn lock_clone<T: Clone>(m: &Mutex<Option<T>>) -> Option<T> {
    match m.lock() {
        Ok(g) => g.clone(),
        Err(p) => p.into_inner().clone(),
    }
}

fn lock_take<T>(m: &Mutex<Option<T>>) -> Option<T> {
    match m.lock() {
        Ok(mut g) => g.take(),
        Err(p) => p.into_inner().take(),
    }
}

/// While a probe is out, a dropped future must not leave the breaker waiting for it forever.
struct ProbeGuard<'a> {
    api: &'a RemoteApi,
    armed: bool,
}

impl Drop for ProbeGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.api.breaker().probe_abandoned();
        }
    }
}

struct Failure {
    error: ClientError,
    retry_after: Option<Duration>,
    /// Never retry (breaker open, request could not be built).
    fail_fast: bool,
    /// The peer closed or reset the connection after the request went out.
    dropped: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Timeout {
    /// `RemoteConfig::request_timeout`.
    Request,
    Fixed(Duration),
    /// `request_timeout` for the answer's status and headers only; the body may take as long
    /// as it takes (the change stream; downloads, which apply their own idle timeout).
    HeadOnly,
}

pub(crate) enum CallBody {
    /// Bytes and their content type.
    Json(Vec<u8>, &'static str),
    /// A multipart form can be sent once (its body may stream from disk).
    Multipart(Mutex<Option<reqwest::multipart::Form>>),
}

/// One request, rebuildable for retries.
pub(crate) struct Call {
    pub method: Method,
    /// Path below the API base, starting with `/`, segments already encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<CallBody>,
    pub auth: bool,
    pub timeout: Timeout,
}

impl Call {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Call {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            auth: true,
            timeout: Timeout::Request,
        }
    }
    pub fn get(path: impl Into<String>) -> Self {
        Call::new(Method::GET, path)
    }
    pub fn query(mut self, k: &'static str, v: impl ToString) -> Self {
        self.query.push((k, v.to_string()));
        self
    }
    pub fn query_opt(self, k: &'static str, v: Option<impl ToString>) -> Self {
        match v {
            Some(v) => self.query(k, v),
            None => self,
        }
    }
    pub fn header(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.headers.push((k, v.into()));
        self
    }
    /// A JSON body (`application/json`).
    pub fn json<T: serde::Serialize>(self, body: &T) -> Result<Self> {
        self.json_as(body, "application/json")
    }
    /// A merge-patch body: absent fields (`None`) are left out rather than sent as `null`.
    pub fn merge_patch<T: serde::Serialize>(self, body: &T) -> Result<Self> {
        let mut v = serde_json::to_value(body)
            .map_err(|e| ClientError::Protocol(format!("verzoek opbouwen: {e}")))?;
        if let serde_json::Value::Object(m) = &mut v {
            m.retain(|_, v| !v.is_null());
        }
        self.json_as(&v, "application/merge-patch+json")
    }
    fn json_as<T: serde::Serialize>(mut self, body: &T, ct: &'static str) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ClientError::Protocol(format!("verzoek opbouwen: {e}")))?;
        self.body = Some(CallBody::Json(bytes, ct));
        Ok(self)
    }
    pub fn no_auth(mut self) -> Self {
        self.auth = false;
        self
    }
    pub fn timeout(mut self, t: Timeout) -> Self {
        self.timeout = t;
        self
    }
}

/// Percent-encode one path segment.
pub(crate) fn seg(s: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

// ------------------------------------------------------------------ error mapping

/// The service's problem+json (RFC 9457).
#[derive(Debug, Default, Deserialize)]
struct Problem {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default, rename = "invalid-params")]
    invalid_params: Vec<ProblemParam>,
}

#[derive(Debug, Deserialize)]
struct ProblemParam {
    #[serde(default)]
    name: String,
    #[serde(default)]
    reason: String,
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub(crate) fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let left = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(left.to_std().unwrap_or(Duration::ZERO))
}

async fn error_from_response(resp: reqwest::Response) -> ClientError {
    let status = resp.status();
    let ra = retry_after(resp.headers());
    // an error body is small; a broken one still maps by status
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => {
            tracing::debug!(error = %error_chain(&e), "error body unreadable");
            Default::default()
        }
    };
    map_error(status, ra, &body)
}

/// Map a non-success answer. A body that is not problem+json (a proxy's HTML page) still maps
/// by status, with the status text as the message.
pub(crate) fn map_error(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> ClientError {
    let problem: Problem = serde_json::from_slice(body).unwrap_or_default();
    let code = problem.code.clone();
    let message = problem
        .detail
        .clone()
        .filter(|d| !d.is_empty())
        .or(problem.title.clone())
        .unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("onbekende fout")
                .to_lowercase()
        });
    if code.as_deref() == Some("cursor-verlopen") {
        return ClientError::CursorExpired;
    }
    match status.as_u16() {
        401 => ClientError::Unauthorized,
        403 => ClientError::Forbidden(message),
        404 => ClientError::NotFound(message),
        409 | 412 => ClientError::Conflict(message),
        400 | 413 | 422 => ClientError::Validation {
            message,
            params: problem
                .invalid_params
                .into_iter()
                .map(|p| (p.name, p.reason))
                .collect(),
        },
        410 => ClientError::CursorExpired,
        429 => ClientError::TooManyRequests(retry_after.map(|d| d.as_secs().max(1)).unwrap_or(1)),
        s => ClientError::Server {
            status: s,
            code,
            message,
        },
    }
}

/// A transport error as `Offline`, with the innermost cause (no URL query, no headers).
pub(crate) fn offline(e: &reqwest::Error) -> ClientError {
    let what = if e.is_timeout() {
        "time-out".to_owned()
    } else {
        innermost(e)
    };
    ClientError::Offline(what)
}

/// The connection was established and then closed or reset by the peer before the answer was
/// complete: hyper's "connection closed before message completed", or a reset / broken pipe /
/// early end of stream. Not a refused or timed-out connect (those are outages).
fn connection_dropped(e: &reqwest::Error) -> bool {
    if e.is_connect() || e.is_timeout() || e.is_builder() {
        return false;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            ) {
                return true;
            }
        }
        // hyper's IncompleteMessage (hyper is not a direct dependency to downcast to)
        if err.to_string() == "connection closed before message completed" {
            return true;
        }
        cur = err.source();
    }
    false
}

/// A TLS handshake that failed on the peer's certificate (unknown issuer, expired, wrong name).
fn untrusted_certificate(e: &reqwest::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if text.contains("invalid peer certificate") || text.contains("certificate verify failed") {
            return true;
        }
        cur = err.source();
    }
    false
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests;
