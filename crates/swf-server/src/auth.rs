//! Authentication (extension): argon2id passwords, opaque bearer tokens stored as SHA-256
//! hashes, long-lived system tokens for case systems.
use crate::app::{now_us, AppState, Caller};
use crate::error::ApiError;
use crate::store::{GebruikerRow, NewToken, StoreError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use swf_domain::{Oin, EXTENSIONS_HEADER};

const CACHE_TTL: Duration = Duration::from_secs(5);

/// Failed sign-ins per user name: after `MAX_FAILURES` within `WINDOW`, further attempts are
/// refused until the window has passed, whatever the password. An attempt is reserved before
/// its password is checked, so a parallel burst cannot get more than `MAX_FAILURES` checks.
/// The map holds at most `capacity` names (each at most `MAX_NAME_BYTES`): expired entries go
/// first, then the oldest.
pub struct LoginThrottle {
    entries: std::sync::Mutex<std::collections::HashMap<String, ThrottleEntry>>,
    capacity: usize,
}

#[derive(Debug, Clone, Copy)]
struct ThrottleEntry {
    failures: u32,
    in_flight: u32,
    since: Instant,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(20_000)
    }
}

/// A reserved sign-in attempt. Report its outcome with `failed` or `succeeded`; dropped
/// without an outcome (the password was never checked) it is given back.
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    key: String,
    open: bool,
}

impl LoginThrottle {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    pub fn new(capacity: usize) -> Self {
        LoginThrottle {
            entries: Default::default(),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn key(user: &str) -> String {
        user.trim().to_lowercase()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, ThrottleEntry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many user names are remembered.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Make room for one more entry: forget expired ones, then the oldest idle one.
    fn make_room(&self, map: &mut std::collections::HashMap<String, ThrottleEntry>) {
        if map.len() < self.capacity {
            return;
        }
        map.retain(|_, e| e.in_flight > 0 || e.since.elapsed() < Self::WINDOW);
        while map.len() >= self.capacity {
            let oldest = map
                .iter()
                .filter(|(_, e)| e.in_flight == 0)
                .min_by_key(|(_, e)| e.since)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    map.remove(&k);
                }
                None => break,
            }
        }
    }

    /// Reserve an attempt for `user`, or `Err(seconds to wait)` while it is blocked: when its
    /// failures plus the attempts being checked right now reach `MAX_FAILURES`.
    pub fn reserve(&self, user: &str) -> Result<Attempt<'_>, u64> {
        let key = Self::key(user);
        let mut map = self.map();
        match map.get_mut(&key) {
            Some(e) => {
                if e.since.elapsed() >= Self::WINDOW {
                    e.failures = 0;
                    e.since = Instant::now();
                }
                if e.failures + e.in_flight >= Self::MAX_FAILURES {
                    let wait = if e.failures >= Self::MAX_FAILURES {
                        Self::WINDOW
                            .saturating_sub(e.since.elapsed())
                            .as_secs()
                            .max(1)
                    } else {
                        1
                    };
                    return Err(wait);
                }
                e.in_flight += 1;
            }
            None => {
                self.make_room(&mut map);
                map.insert(
                    key.clone(),
                    ThrottleEntry {
                        failures: 0,
                        in_flight: 1,
                        since: Instant::now(),
                    },
                );
            }
        }
        Ok(Attempt {
            throttle: self,
            key,
            open: true,
        })
    }

    fn finish(&self, key: &str, failed: Option<bool>) {
        let mut map = self.map();
        match map.get_mut(key) {
            Some(e) => {
                e.in_flight = e.in_flight.saturating_sub(1);
                match failed {
                    Some(true) => {
                        if e.since.elapsed() >= Self::WINDOW {
                            e.failures = 0;
                            e.since = Instant::now();
                        }
                        e.failures += 1;
                    }
                    Some(false) => e.failures = 0,
                    None => {}
                }
                if e.failures == 0 && e.in_flight == 0 {
                    map.remove(key);
                }
            }
            // forgotten meanwhile (the map was full): a failure still counts
            None if failed == Some(true) => {
                self.make_room(&mut map);
                map.insert(
                    key.to_owned(),
                    ThrottleEntry {
                        failures: 1,
                        in_flight: 0,
                        since: Instant::now(),
                    },
                );
            }
            None => {}
        }
    }
}

impl Attempt<'_> {
    pub fn failed(mut self) {
        self.open = false;
        self.throttle.finish(&self.key, Some(true));
    }

    pub fn succeeded(mut self) {
        self.open = false;
        self.throttle.finish(&self.key, Some(false));
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.open {
            self.throttle.finish(&self.key, None);
        }
    }
}

/// Largest sign-in request body, and the longest user name and password (in bytes).
pub const MAX_SIGN_IN_BODY: usize = 8 * 1024;
pub const MAX_NAME_BYTES: usize = 256;
pub const MAX_PASSWORD_BYTES: usize = 1024;

pub fn hash_password(pw: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// Verify `pw` against a PHC-format argon2 hash using `memory` (grown when too small) instead
/// of a fresh allocation: the service checks passwords in a fixed set of buffers, one per
/// password-check slot, so its memory does not depend on how the allocator treats 19 MiB
/// blocks freed on many threads.
pub fn verify_password_in(pw: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(algorithm) = argon2::Algorithm::try_from(h.algorithm) else {
        return false;
    };
    let version = match h.version {
        Some(v) => argon2::Version::try_from(v),
        None => Ok(argon2::Version::default()),
    };
    let (Ok(version), Ok(params), Some(expected), Some(salt)) =
        (version, argon2::Params::try_from(&h), h.hash, h.salt)
    else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(pw.as_bytes(), salt, &mut out, &mut memory[..blocks])
        .is_ok()
        && argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

/// A dummy hash so an unknown user name costs as much as a wrong password.
fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$wJ0DHPUrGPJdwuCxOpCOQpdr8dCbmCl4zvQykEJV1HM"
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    format!(
        "swf_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    )
}

/// Create a token for an organisation (system token when `gebruiker` is None).
pub async fn issue_token(
    st: &AppState,
    oin: &str,
    gebruiker: Option<&GebruikerRow>,
    omschrijving: &str,
    ttl: Option<chrono::Duration>,
) -> Result<(String, Option<i64>), StoreError> {
    let token = new_token();
    let now = now_us();
    let verloopt = ttl.map(|t| now + t.num_microseconds().unwrap_or(i64::MAX / 4));
    st.store
        .insert_token(&NewToken {
            hash: token_hash(&token),
            oin: oin.to_owned(),
            gebruiker_id: gebruiker.map(|g| g.id.clone()),
            soort: if gebruiker.is_some() {
                "gebruiker"
            } else {
                "systeem"
            },
            omschrijving: omschrijving.to_owned(),
            aangemaakt: now,
            verloopt,
        })
        .await?;
    Ok((token, verloopt))
}

/// Check a user's password while holding one of the password-check slots (`permit`); the
/// slot is held until the hash is really done, even when the client has gone. A disabled user
/// is refused like a wrong password.
pub async fn login(
    st: &AppState,
    gebruikersnaam: &str,
    wachtwoord: &str,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> Result<Option<GebruikerRow>, StoreError> {
    let user = st.store.find_gebruiker(gebruikersnaam).await?;
    let pw = wachtwoord.to_owned();
    let hash = user
        .as_ref()
        .map(|u| u.wachtwoord_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    // argon2 is CPU-heavy: keep it off the async workers, in one of the slots' buffers
    let limits = st.limits.clone();
    let ok = tokio::task::spawn_blocking(move || {
        let mut memory = limits.take_password_memory();
        let ok = verify_password_in(&pw, &hash, &mut memory);
        limits.return_password_memory(memory);
        drop(permit);
        ok
    })
    .await
    .unwrap_or(false);
    Ok(if ok {
        user.filter(|u| u.uitgeschakeld.is_none())
    } else {
        None
    })
}

fn problem_with_retry(e: ApiError, retry_after: u64) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut r = e.into_response();
    r.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(retry_after),
    );
    r
}

/// Read a sign-in request: at most `MAX_SIGN_IN_BODY` bytes (413), then the usual JSON checks,
/// then the field lengths (400).
pub async fn read_sign_in(
    st: &AppState,
    req: axum::extract::Request,
) -> Result<swf_domain::TokenAanvraag, ApiError> {
    use axum::extract::FromRequest;
    use axum::http::StatusCode;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "verzoek-te-groot",
            "Verzoek te groot",
            format!("een aanmeldverzoek is hooguit {MAX_SIGN_IN_BODY} bytes"),
        )
    };
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_SIGN_IN_BODY as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_SIGN_IN_BODY)
        .await
        .map_err(|_| too_large())?;
    let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
    let crate::http::JsonBody(aanvraag) =
        crate::http::JsonBody::<swf_domain::TokenAanvraag>::from_request(req, st).await?;
    let mut problems = Vec::new();
    if aanvraag.gebruikersnaam.len() > MAX_NAME_BYTES {
        problems.push(swf_domain::InvalidParam::new(
            "gebruikersnaam",
            "max-length",
            format!("hooguit {MAX_NAME_BYTES} bytes"),
        ));
    }
    if aanvraag.wachtwoord.len() > MAX_PASSWORD_BYTES {
        problems.push(swf_domain::InvalidParam::new(
            "wachtwoord",
            "max-length",
            format!("hooguit {MAX_PASSWORD_BYTES} bytes"),
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid(problems));
    }
    Ok(aanvraag)
}

/// Check a sign-in: throttle reservation first, then a free password-check slot (waiting at
/// most `password_check_wait_ms`), then the hash. Err is the complete answer: 429 or 503 with
/// `Retry-After`, 401 for a wrong name or password.
pub async fn authenticate(
    st: &AppState,
    aanvraag: &swf_domain::TokenAanvraag,
) -> Result<GebruikerRow, axum::response::Response> {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let attempt = match st.login_throttle.reserve(&aanvraag.gebruikersnaam) {
        Ok(a) => a,
        Err(wait) => {
            return Err(problem_with_retry(
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "te-veel-pogingen",
                    "Te veel mislukte pogingen",
                    format!("te veel mislukte aanmeldpogingen voor deze gebruiker; probeer het over {} minuten opnieuw", wait.div_ceil(60)),
                ),
                wait,
            ))
        }
    };
    // the failures counted through the other instances on the same database (D49)
    let naam = LoginThrottle::key(&aanvraag.gebruikersnaam);
    let window_us = LoginThrottle::WINDOW.as_micros() as i64;
    let now = crate::app::now_us();
    match st.store.login_failures(&naam).await {
        Ok(Some((failures, since)))
            if failures >= i64::from(LoginThrottle::MAX_FAILURES) && since > now - window_us =>
        {
            let wait = ((since + window_us - now) / 1_000_000).max(1) as u64;
            return Err(problem_with_retry(
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "te-veel-pogingen",
                    "Te veel mislukte pogingen",
                    format!("te veel mislukte aanmeldpogingen voor deze gebruiker; probeer het over {} minuten opnieuw", wait.div_ceil(60)),
                ),
                wait,
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(ApiError::from(e).into_response()),
    }
    let permit = match tokio::time::timeout(
        st.limits.password_wait,
        st.limits.password_checks.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(p)) => p,
        // the attempt is given back: its password was never checked
        _ => return Err(problem_with_retry(
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "aanmelden-bezet",
                "Aanmelden tijdelijk bezet",
                "er worden nu te veel aanmeldingen tegelijk gecontroleerd; probeer het zo opnieuw",
            ),
            1,
        )),
    };
    match login(st, &aanvraag.gebruikersnaam, &aanvraag.wachtwoord, permit).await {
        Ok(Some(user)) => {
            attempt.succeeded();
            if let Err(e) = st.store.clear_login_failures(&naam).await {
                return Err(ApiError::from(e).into_response());
            }
            Ok(user)
        }
        Ok(None) => {
            attempt.failed();
            if let Err(e) = st
                .store
                .record_login_failure(&naam, crate::app::now_us(), window_us)
                .await
            {
                return Err(ApiError::from(e).into_response());
            }
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "onjuiste-inlog",
                "Aanmelden mislukt",
                "gebruikersnaam of wachtwoord is onjuist",
            )
            .into_response())
        }
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let extensions = parts
            .headers
            .get(EXTENSIONS_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "ja"));
        let auth = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized("meld u aan: stuur 'Authorization: Bearer <token>'")
            })?;
        let token = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("alleen 'Authorization: Bearer <token>' wordt ondersteund")
            })?;
        let hash = token_hash(token);
        let now = now_us();
        // a token ended through another instance (PostgreSQL) or an admin command must stop
        // working here too: an entry counts only under the epoch it was cached in, read before
        // the database was asked, so a token that ends while it is looked up is not kept (D74)
        let epoch = st.store.token_epoch();
        if let Some((c, at, _)) = st
            .token_cache
            .read()
            .await
            .get(&hash)
            .filter(|(_, _, e)| Some(*e) == epoch)
        {
            if at.elapsed() < CACHE_TTL && c.verloopt.is_none_or(|v| v > now) {
                return Ok(Caller {
                    extensions,
                    ..c.clone()
                });
            }
        }
        let id = st.store.find_token(&hash).await?.ok_or_else(|| {
            ApiError::unauthorized("het token is onbekend of ingetrokken; meld u opnieuw aan")
        })?;
        if id.verloopt.is_some_and(|v| v <= now) {
            return Err(ApiError::unauthorized(
                "het token is verlopen; meld u opnieuw aan",
            ));
        }
        let oin = Oin::parse(&id.oin).map_err(|_| ApiError::internal())?;
        let caller = Caller {
            oin,
            organisatie_naam: id.organisatie_naam,
            gebruiker: id.gebruikersnaam,
            extensions,
            token_hash: hash.clone(),
            verloopt: id.verloopt,
        };
        if let Some(epoch) = epoch {
            let mut cache = st.token_cache.write().await;
            if cache.len() > 10_000 {
                cache.retain(|_, (_, at, e)| at.elapsed() < CACHE_TTL && *e == epoch);
            }
            cache.insert(hash, (caller.clone(), Instant::now(), epoch));
        }
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("geheim wachtwoord").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("geheim wachtwoord", &h));
        assert!(!verify_password("fout", &h));
        assert!(!verify_password("x", dummy_hash()));
        let mut memory = Vec::new();
        assert!(verify_password_in("geheim wachtwoord", &h, &mut memory));
        assert!(!verify_password_in("fout", &h, &mut memory));
        assert!(!verify_password_in("x", dummy_hash(), &mut memory));
        assert!(!verify_password_in("x", "geen hash", &mut memory));
        assert_eq!(memory.len(), 19 * 1024);
        let t = new_token();
        assert!(t.starts_with("swf_") && t.len() > 40);
        assert_ne!(token_hash(&t), t);
    }

    #[test]
    fn the_throttle_counts_attempts_in_flight() {
        let t = LoginThrottle::new(100);
        let held: Vec<_> = (0..LoginThrottle::MAX_FAILURES)
            .map(|_| t.reserve("Vera").unwrap())
            .collect();
        // five checks running: a sixth attempt waits, whatever its password
        assert!(t.reserve(" vera ").is_err());
        for a in held {
            a.failed();
        }
        let wait = t.reserve("vera").err().unwrap();
        assert!(wait > 60, "{wait}");
        // an attempt given back without a check does not count
        let u = LoginThrottle::new(100);
        for _ in 0..10 {
            drop(u.reserve("ad").unwrap());
        }
        assert!(u.is_empty());
        let a = u.reserve("ad").unwrap();
        a.succeeded();
        assert!(u.is_empty());
    }

    #[test]
    fn the_throttle_map_is_bounded() {
        let t = LoginThrottle::new(50);
        for i in 0..1000 {
            t.reserve(&format!("naam{i}")).unwrap().failed();
        }
        assert!(t.len() <= 50, "{}", t.len());
        // the newest names are the ones kept
        for _ in 1..LoginThrottle::MAX_FAILURES {
            t.reserve("naam999").unwrap().failed();
        }
        assert!(t.reserve("naam999").is_err());
    }
}
