//! The OS keychain: one secret per account, namespaced by the build identifier (decision D20).
//!
//! - [`KeyringStore`]: the real keychain (macOS Keychain, Windows Credential Manager, the
//!   Secret Service over D-Bus on Linux) through the `keyring` crate.
//! - [`MemoryStore`]: kept in memory. A fake for tests, and the session-only fallback when the
//!   keychain cannot be used: the login then lasts until the app quits. It never writes to disk.
//! - [`secret_store_from_env`]: `SWF_SECRETS=memory` gives a [`MemoryStore`], so tests and e2e
//!   never touch a user's keychain; anything else gives a [`KeyringStore`].
//!
//! Three outcomes are kept apart: `Ok(Some(_))` (found), `Ok(None)` (no entry: signed out) and
//! `Err(ClientError::Keyring)` (the keychain could not be read: NOT signed out). After a failed
//! read nothing may be written or deleted; [`SecretStore::remember`] does this for callers.
//!
//! The methods block (D-Bus, Keychain calls); from async code call them via
//! `tokio::task::spawn_blocking`.
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{ClientError, Result};

/// Environment variable that picks the store: `memory` or `keyring` (the default).
pub const SECRETS_ENV: &str = "SWF_SECRETS";

/// A secret (refresh token, password). `Debug` and `Display` print `***`, so it cannot end up
/// in a log by accident; read it with [`Secret::expose`]. Deliberately not `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Pass it on; never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The keychain account for a user of a service: `<service-url>|<gebruikersnaam>`.
/// A trailing `/` of the URL is dropped so `https://x/` and `https://x` are one account.
pub fn account(service_url: &str, gebruikersnaam: &str) -> String {
    format!("{}|{}", service_url.trim_end_matches('/'), gebruikersnaam)
}

/// Keychain entries under their own name: the practice environment's sign-ins (prefix
/// [`OEFEN_PREFIX`]) never share an entry with a real sign-in of the same service and user.
pub struct PrefixedStore {
    inner: std::sync::Arc<dyn SecretStore>,
    prefix: String,
}

/// The prefix of the practice environment's keychain entries.
pub const OEFEN_PREFIX: &str = "oefenomgeving|";

impl PrefixedStore {
    pub fn new(inner: std::sync::Arc<dyn SecretStore>, prefix: impl Into<String>) -> Self {
        PrefixedStore {
            inner,
            prefix: prefix.into(),
        }
    }

    fn name(&self, account: &str) -> String {
        format!("{}{account}", self.prefix)
    }
}

impl SecretStore for PrefixedStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        self.inner.get(&self.name(account))
    }
    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        self.inner.set(&self.name(account), secret)
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.inner.delete(&self.name(account))
    }
    fn is_persistent(&self) -> bool {
        self.inner.is_persistent()
    }
}

/// One secret per account. Blocking; call via `spawn_blocking` from async code.
pub trait SecretStore: Send + Sync {
    /// `Ok(None)`: there is no entry (signed out). `Err(Keyring)`: the keychain could not be
    /// read; the caller must not treat that as signed out, nor write or delete anything.
    fn get(&self, account: &str) -> Result<Option<Secret>>;

    /// Creates or replaces the entry in one step (the old secret stays if this fails).
    /// Prefer [`SecretStore::remember`], which refuses to write after a failed read.
    fn set(&self, account: &str, secret: &Secret) -> Result<()>;

    /// Removes the entry (sign out). Deleting a missing entry is `Ok`.
    fn delete(&self, account: &str) -> Result<()>;

    /// True when a stored secret survives an app restart (the OS keychain); false for the
    /// session-only [`MemoryStore`], so the app can say "u blijft aangemeld tot u de app afsluit".
    fn is_persistent(&self) -> bool;

    /// Stores `secret` for `account` the safe way: read first; if that read fails, return its
    /// error and write nothing (a locked keychain may hold a valid secret we must not clobber).
    /// Writes only when the stored value differs, then reads it back and fails if it does not
    /// match, so a caller may discard any other copy only after `Ok`.
    fn remember(&self, account: &str, secret: &Secret) -> Result<()> {
        if self.get(account)?.as_ref() == Some(secret) {
            return Ok(());
        }
        self.set(account, secret)?;
        match self.get(account)? {
            Some(stored) if &stored == secret => Ok(()),
            _ => Err(ClientError::Keyring(
                "het opgeslagen geheim leest niet terug zoals het geschreven is; \
                 u blijft alleen aangemeld tot u de app afsluit"
                    .into(),
            )),
        }
    }
}

/// `SWF_SECRETS=memory` → [`MemoryStore`] (tests, e2e); otherwise the OS keychain under the
/// service name `identifier` (e.g. `nl.samenwerkruimte.desktop` or `…desktop.test`).
pub fn secret_store_from_env(identifier: &str) -> Box<dyn SecretStore> {
    store_for(identifier, std::env::var(SECRETS_ENV).ok().as_deref())
}

fn store_for(identifier: &str, choice: Option<&str>) -> Box<dyn SecretStore> {
    match choice.map(str::trim) {
        Some("memory") => Box::new(MemoryStore::new()),
        None | Some("") | Some("keyring") => Box::new(KeyringStore::new(identifier)),
        Some(other) => {
            tracing::warn!(
                "{SECRETS_ENV}={other:?} is onbekend (memory|keyring); sleutelbos gebruikt"
            );
            Box::new(KeyringStore::new(identifier))
        }
    }
}

/// The OS keychain via the `keyring` crate (Secret Service over libdbus on Linux).
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// `service` namespaces the entries; pass the build identifier, so a test or dev build
    /// never reads or overwrites the release build's login.
    pub fn new(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        check_account(account)?;
        keyring::Entry::new(&self.service, account).map_err(keyring_error)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(Secret(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        // One call: the backend updates the one matching item or creates it (Secret Service
        // `CreateItem` with replace); on failure the previous secret is left as it was.
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

const SESSION_ONLY: &str = "zonder sleutelbos blijft u alleen aangemeld tot u de app afsluit";

/// Keyring failure → `ClientError::Keyring` with Dutch help. Never called with `NoEntry` on a
/// read (that is `Ok(None)`); the texts never contain the secret.
fn keyring_error(e: keyring::Error) -> ClientError {
    use keyring::Error as K;
    let msg = match e {
        K::NoStorageAccess(inner) => format!(
            "de sleutelbos is vergrendeld of geeft geen toegang ({inner}). Ontgrendel hem \
             (Linux: Secret Service zoals GNOME Keyring of KWallet; macOS: Sleutelhanger; \
             Windows: Referentiebeheer) en probeer het opnieuw; {SESSION_ONLY}"
        ),
        K::PlatformFailure(inner) => format!(
            "de sleutelbos ontbreekt of reageert niet ({inner}). Op Linux is een Secret Service \
             nodig (bijv. GNOME Keyring of KWallet) in een sessie met D-Bus; {SESSION_ONLY}"
        ),
        K::Ambiguous(items) => format!(
            "er staan {} items voor dit account in de sleutelbos; verwijder de dubbele met \
             een sleutelbosbeheerder (bijv. Seahorse of Sleutelhangertoegang)",
            items.len()
        ),
        K::BadEncoding(_) => "het item in de sleutelbos is geen geldige tekst (UTF-8); \
             het wordt niet overschreven: meld u af om het te verwijderen"
            .to_string(),
        K::TooLong(attr, max) => {
            format!("'{attr}' is te lang voor de sleutelbos (ten hoogste {max})")
        }
        K::Invalid(attr, reason) => format!("ongeldige '{attr}' voor de sleutelbos: {reason}"),
        K::NoEntry => "geen item in de sleutelbos".to_string(),
        other => format!("{other}; {SESSION_ONLY}"),
    };
    ClientError::Keyring(msg)
}

fn check_account(account: &str) -> Result<()> {
    if account.is_empty() {
        return Err(ClientError::Keyring(
            "ongeldige account-naam voor de sleutelbos: leeg".into(),
        ));
    }
    Ok(())
}

/// Secrets in memory only: the test fake and the session-only fallback (lost when the app
/// quits). Clones share the same entries. The failure switches are for tests.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    entries: Mutex<HashMap<String, Secret>>,
    fail_reads: AtomicBool,
    fail_writes: AtomicBool,
    writes: AtomicUsize,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store whose every call fails with `ClientError::Keyring`, like a locked keychain.
    pub fn failing() -> Self {
        let s = Self::new();
        s.fail_reads(true);
        s.fail_writes(true);
        s
    }

    /// Test hook: from now on `get` fails (true) or works (false).
    pub fn fail_reads(&self, on: bool) {
        self.inner.fail_reads.store(on, Ordering::SeqCst);
    }

    /// Test hook: from now on `set` and `delete` fail (true) or work (false).
    pub fn fail_writes(&self, on: bool) {
        self.inner.fail_writes.store(on, Ordering::SeqCst);
    }

    /// Test hook: how many times `set` or `delete` were called (failed calls included).
    pub fn write_attempts(&self) -> usize {
        self.inner.writes.load(Ordering::SeqCst)
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, Secret>> {
        // A panic while holding the lock cannot leave a half-written map (single insert/remove).
        self.inner
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn injected() -> ClientError {
        ClientError::Keyring(format!(
            "de sleutelbos is vergrendeld (testfout); {SESSION_ONLY}"
        ))
    }

    fn begin_write(&self, account: &str) -> Result<()> {
        self.inner.writes.fetch_add(1, Ordering::SeqCst);
        check_account(account)?;
        if self.inner.fail_writes.load(Ordering::SeqCst) {
            return Err(Self::injected());
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        check_account(account)?;
        if self.inner.fail_reads.load(Ordering::SeqCst) {
            return Err(Self::injected());
        }
        Ok(self.entries().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        self.begin_write(account)?;
        self.entries().insert(account.to_string(), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.begin_write(account)?;
        self.entries().remove(account);
        Ok(())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const A: &str = "https://swf.example|vergunningverlener";
    const B: &str = "https://swf.example|adviseur";

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let s = Secret::new("geheim-token-123");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
        assert_eq!(format!("{:#?}", vec![s.clone()]), "[\n    ***,\n]");
        assert_eq!(s.expose(), "geheim-token-123");
        let mem = MemoryStore::new();
        mem.set(A, &s).unwrap();
        assert!(!format!("{mem:?}").contains("geheim"));
    }

    #[test]
    fn account_joins_url_and_user() {
        assert_eq!(account("https://swf.example/", "adviseur"), B);
        assert_eq!(account("https://swf.example", "adviseur"), B);
    }

    /// A practice entry and a real entry of the same service and user are two entries.
    #[test]
    fn prefixed_entries_are_their_own() {
        let m = MemoryStore::new();
        let oefen = PrefixedStore::new(std::sync::Arc::new(m.clone()), OEFEN_PREFIX);
        m.set(A, &Secret::new("echt")).unwrap();
        assert_eq!(oefen.get(A).unwrap(), None);
        oefen.set(A, &Secret::new("oefen")).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("echt")));
        assert_eq!(oefen.get(A).unwrap(), Some(Secret::new("oefen")));
        assert_eq!(
            m.get(&format!("{OEFEN_PREFIX}{A}")).unwrap(),
            Some(Secret::new("oefen"))
        );
        oefen.delete(A).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("echt")), "untouched");
        assert!(!oefen.is_persistent());
    }

    #[test]
    fn memory_store_semantics() {
        let m = MemoryStore::new();
        assert!(!m.is_persistent());
        assert_eq!(m.get(A).unwrap(), None);
        m.delete(A).unwrap(); // missing entry: Ok
        m.set(A, &Secret::new("een")).unwrap();
        m.set(B, &Secret::new("twee")).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("een")));
        m.set(A, &Secret::new("drie")).unwrap(); // overwrite
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("drie")));
        assert_eq!(m.get(B).unwrap(), Some(Secret::new("twee")));
        m.delete(A).unwrap();
        assert_eq!(m.get(A).unwrap(), None);
        assert_eq!(m.get(B).unwrap(), Some(Secret::new("twee")));
        // Clones share the entries (one session store handed to several parts of the app).
        let c = m.clone();
        c.set(A, &Secret::new("vier")).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("vier")));
        assert_eq!(m.get("").unwrap_err().code(), ErrorCode::KeyringUnavailable);
    }

    #[test]
    fn failing_store_reports_keyring_unavailable_not_signed_out() {
        let m = MemoryStore::failing();
        for err in [
            m.get(A).unwrap_err(),
            m.set(A, &Secret::new("x")).unwrap_err(),
            m.delete(A).unwrap_err(),
            m.remember(A, &Secret::new("x")).unwrap_err(),
        ] {
            assert_eq!(err.code(), ErrorCode::KeyringUnavailable);
            assert!(matches!(err, ClientError::Keyring(_)));
        }
        let text = m.get(A).unwrap_err().to_string();
        assert!(text.contains("tot u de app afsluit"), "{text}");
    }

    #[test]
    fn remember_after_failed_read_writes_nothing() {
        let m = MemoryStore::new();
        m.set(A, &Secret::new("bestaand")).unwrap();
        let before = m.write_attempts();
        m.fail_reads(true); // a locked keychain: writes would succeed, reads fail
        let err = m.remember(A, &Secret::new("nieuw")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyringUnavailable);
        assert_eq!(
            m.write_attempts(),
            before,
            "remember wrote after a failed read"
        );
        m.fail_reads(false);
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("bestaand")));
    }

    #[test]
    fn remember_writes_new_and_changed_secrets_only() {
        let m = MemoryStore::new();
        m.remember(A, &Secret::new("een")).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("een")));
        assert_eq!(m.write_attempts(), 1);
        m.remember(A, &Secret::new("een")).unwrap(); // unchanged: no write
        assert_eq!(m.write_attempts(), 1);
        m.remember(A, &Secret::new("twee")).unwrap();
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("twee")));
        assert_eq!(m.write_attempts(), 2);
    }

    #[test]
    fn remember_keeps_old_secret_when_write_fails() {
        let m = MemoryStore::new();
        m.set(A, &Secret::new("oud")).unwrap();
        m.fail_writes(true);
        let err = m.remember(A, &Secret::new("nieuw")).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeyringUnavailable);
        assert_eq!(m.get(A).unwrap(), Some(Secret::new("oud")));
    }

    #[test]
    fn env_choice_picks_the_store() {
        assert!(!store_for("nl.samenwerkruimte.desktop.test", Some("memory")).is_persistent());
        assert!(!store_for("x", Some(" memory ")).is_persistent());
        assert!(store_for("x", None).is_persistent());
        assert!(store_for("x", Some("keyring")).is_persistent());
        assert!(store_for("x", Some("iets anders")).is_persistent());
        // Constructing a KeyringStore does not touch the keychain.
        assert_eq!(
            KeyringStore::new("nl.samenwerkruimte.desktop").service(),
            "nl.samenwerkruimte.desktop"
        );
    }

    #[test]
    fn keyring_errors_map_to_keyring_unavailable_with_help() {
        let io = || -> Box<dyn std::error::Error + Send + Sync> {
            "org.freedesktop.secrets was not provided".into()
        };
        let locked = keyring_error(keyring::Error::NoStorageAccess(io()));
        assert_eq!(locked.code(), ErrorCode::KeyringUnavailable);
        assert!(locked.to_string().contains("vergrendeld"), "{locked}");
        assert!(locked.to_string().contains("tot u de app afsluit"));
        let absent = keyring_error(keyring::Error::PlatformFailure(io()));
        assert_eq!(absent.code(), ErrorCode::KeyringUnavailable);
        assert!(absent.to_string().contains("Secret Service"), "{absent}");
        let ambiguous = keyring_error(keyring::Error::Ambiguous(Vec::new()));
        assert_eq!(ambiguous.code(), ErrorCode::KeyringUnavailable);
        let bad = keyring_error(keyring::Error::BadEncoding(b"\xff geheim".to_vec()));
        assert!(!bad.to_string().contains("geheim"), "{bad}");
    }
}
