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
/// refused until the window has passed, whatever the password.
#[derive(Default)]
pub struct LoginThrottle {
    failures: std::sync::Mutex<std::collections::HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn key(user: &str) -> String {
        user.trim().to_lowercase()
    }

    /// `Some(seconds to wait)` while the user name is blocked.
    pub fn blocked(&self, user: &str) -> Option<u64> {
        let map = self.failures.lock().ok()?;
        let (n, since) = map.get(&Self::key(user))?;
        let left = Self::WINDOW.checked_sub(since.elapsed())?;
        (*n >= Self::MAX_FAILURES).then(|| left.as_secs().max(1))
    }

    pub fn failed(&self, user: &str) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.retain(|_, (_, since)| since.elapsed() < Self::WINDOW);
            }
            let e = map.entry(Self::key(user)).or_insert((0, Instant::now()));
            if e.1.elapsed() >= Self::WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
    }

    pub fn succeeded(&self, user: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&Self::key(user));
        }
    }
}

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

pub async fn login(
    st: &AppState,
    gebruikersnaam: &str,
    wachtwoord: &str,
) -> Result<Option<GebruikerRow>, StoreError> {
    let user = st.store.find_gebruiker(gebruikersnaam).await?;
    let pw = wachtwoord.to_owned();
    let hash = user
        .as_ref()
        .map(|u| u.wachtwoord_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_owned());
    // argon2 is CPU-heavy: keep it off the async workers
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .unwrap_or(false);
    Ok(if ok { user } else { None })
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
        if let Some((c, at)) = st.token_cache.read().await.get(&hash) {
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
        let mut cache = st.token_cache.write().await;
        if cache.len() > 10_000 {
            cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        }
        cache.insert(hash, (caller.clone(), Instant::now()));
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
        let t = new_token();
        assert!(t.starts_with("swf_") && t.len() > 40);
        assert_ne!(token_hash(&t), t);
    }
}
