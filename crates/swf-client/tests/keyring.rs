//! `KeyringStore` against the REAL OS keychain (on Linux: a Secret Service over D-Bus).
//!
//! The `#[ignore]` tests need a reachable, unlocked Secret Service. CI runs them inside a private
//! session bus with a throw-away gnome-keyring (`scripts/session-tests.sh`):
//! `dbus-run-session -- bash scripts/session-tests.sh`. Run by hand on a desktop they use the
//! user's keyring under the `.test` service name and delete what they write.
//!
//! The one test that is not ignored points the process at a bus that does not exist, so it never
//! touches a real keychain; it checks that "cannot reach the keychain" is an error, not "signed out".
use std::sync::{Mutex, MutexGuard};

use swf_client::secrets::{account, KeyringStore, Secret, SecretStore};
use swf_client::{ClientError, ErrorCode};

const SERVICE: &str = "nl.samenwerkruimte.desktop.test";

/// Serialises the tests when a harness runs them as threads of one process (`cargo test`):
/// one of them changes the process's D-Bus address. nextest runs each in its own process.
static BUS: Mutex<()> = Mutex::new(());

fn bus() -> MutexGuard<'static, ()> {
    BUS.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh account per test run, so runs and parallel tests never see each other's entries.
fn unique_account(user: &str) -> String {
    account(
        &format!(
            "https://swf-test-{}.example/",
            uuid::Uuid::new_v4().simple()
        ),
        user,
    )
}

/// Deletes the entry also when the test fails half-way.
struct Cleanup<'a>(&'a KeyringStore, Vec<String>);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for a in &self.1 {
            let _ = self.0.delete(a);
        }
    }
}

#[test]
#[ignore = "needs a Secret Service: run inside scripts/session-tests.sh"]
fn set_get_overwrite_delete_round_trip() {
    let _bus = bus();
    let store = KeyringStore::new(SERVICE);
    let acc = unique_account("vergunningverlener");
    let _cleanup = Cleanup(&store, vec![acc.clone()]);

    assert_eq!(store.get(&acc).unwrap(), None);
    store.set(&acc, &Secret::new("refresh-token-1")).unwrap();
    assert_eq!(
        store.get(&acc).unwrap(),
        Some(Secret::new("refresh-token-1"))
    );
    store.set(&acc, &Secret::new("refresh-token-2")).unwrap();
    assert_eq!(
        store.get(&acc).unwrap(),
        Some(Secret::new("refresh-token-2"))
    );
    store
        .remember(&acc, &Secret::new("refresh-token-3"))
        .unwrap();
    assert_eq!(
        store.get(&acc).unwrap(),
        Some(Secret::new("refresh-token-3"))
    );
    store.delete(&acc).unwrap();
    assert_eq!(store.get(&acc).unwrap(), None);
    store.delete(&acc).unwrap(); // already gone: still Ok
}

#[test]
#[ignore = "needs a Secret Service: run inside scripts/session-tests.sh"]
fn missing_entry_is_none() {
    let _bus = bus();
    let store = KeyringStore::new(SERVICE);
    let acc = unique_account("niemand");
    assert_eq!(store.get(&acc).unwrap(), None);
    store.delete(&acc).unwrap();
}

#[test]
#[ignore = "needs a Secret Service: run inside scripts/session-tests.sh"]
fn unicode_secret_round_trips() {
    let _bus = bus();
    let store = KeyringStore::new(SERVICE);
    let acc = unique_account("gebruiker-ë€漢");
    let _cleanup = Cleanup(&store, vec![acc.clone()]);
    let secret = Secret::new("wachtwoord met ë, €, 漢字, 🔑 en \"aanhalingstekens\"|pijp");
    store.set(&acc, &secret).unwrap();
    assert_eq!(store.get(&acc).unwrap().as_ref(), Some(&secret));
}

#[test]
#[ignore = "needs a Secret Service: run inside scripts/session-tests.sh"]
fn accounts_and_identifiers_are_kept_apart() {
    let _bus = bus();
    let store = KeyringStore::new(SERVICE);
    let other_build = KeyringStore::new(format!("{SERVICE}.ander"));
    let a = unique_account("vergunningverlener");
    let b = unique_account("adviseur");
    let _c1 = Cleanup(&store, vec![a.clone(), b.clone()]);
    let _c2 = Cleanup(&other_build, vec![a.clone()]);

    store.set(&a, &Secret::new("geheim-a")).unwrap();
    store.set(&b, &Secret::new("geheim-b")).unwrap();
    other_build.set(&a, &Secret::new("geheim-ander")).unwrap();
    assert_eq!(store.get(&a).unwrap(), Some(Secret::new("geheim-a")));
    assert_eq!(store.get(&b).unwrap(), Some(Secret::new("geheim-b")));
    assert_eq!(
        other_build.get(&a).unwrap(),
        Some(Secret::new("geheim-ander"))
    );
    assert_eq!(other_build.get(&b).unwrap(), None);

    store.delete(&a).unwrap();
    assert_eq!(store.get(&a).unwrap(), None);
    assert_eq!(store.get(&b).unwrap(), Some(Secret::new("geheim-b")));
    assert_eq!(
        other_build.get(&a).unwrap(),
        Some(Secret::new("geheim-ander"))
    );
}

#[test]
#[ignore = "needs a Secret Service: run inside scripts/session-tests.sh"]
fn works_from_spawn_blocking() {
    let _bus = bus();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let acc = unique_account("async");
    let store = KeyringStore::new(SERVICE);
    let _cleanup = Cleanup(&store, vec![acc.clone()]);
    let got = rt
        .block_on(async {
            let store = KeyringStore::new(SERVICE);
            tokio::task::spawn_blocking(move || {
                store.set(&acc, &Secret::new("via spawn_blocking"))?;
                store.get(&acc)
            })
            .await
        })
        .unwrap()
        .unwrap();
    assert_eq!(got, Some(Secret::new("via spawn_blocking")));
}

/// No Secret Service reachable: every call is `Keyring` (KeyringUnavailable), never `Ok(None)`,
/// and `remember` fails before writing. Runs in the normal test run; touches no real keychain.
#[cfg(target_os = "linux")]
#[test]
fn unreachable_secret_service_is_an_error_not_signed_out() {
    let _bus = bus();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("geen-bus");
    let previous = std::env::var_os("DBUS_SESSION_BUS_ADDRESS");
    // Also stops libdbus from autolaunching a bus (dbus-launch) when none is configured.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", missing.display()),
    );
    let store = KeyringStore::new(SERVICE);
    let acc = unique_account("vergunningverlener");
    let errors: Vec<ClientError> = vec![
        store.get(&acc).unwrap_err(),
        store.set(&acc, &Secret::new("x")).unwrap_err(),
        store.delete(&acc).unwrap_err(),
        store.remember(&acc, &Secret::new("x")).unwrap_err(),
    ];
    match previous {
        Some(v) => std::env::set_var("DBUS_SESSION_BUS_ADDRESS", v),
        None => std::env::remove_var("DBUS_SESSION_BUS_ADDRESS"),
    }
    for e in errors {
        assert_eq!(e.code(), ErrorCode::KeyringUnavailable, "{e}");
        let text = e.to_string();
        assert!(text.contains("Secret Service"), "{text}");
        assert!(text.contains("tot u de app afsluit"), "{text}");
    }
}
