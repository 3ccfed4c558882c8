//! Signing in and out: one account per installation, its token in the OS keychain (only when
//! "remember me"), and a mirror that always belongs to exactly one service + organisation.
use crate::error::{ClientError, Result};
use crate::mirror::{Account, Batch, Mirror, MirrorOp};
use crate::remote::{RemoteApi, RemoteConfig};
use crate::secrets::{self, Secret, SecretStore};
use crate::sync::{Engine, SyncConfig};

/// The identity of the data in a mirror: rows of another service or organisation are dropped
/// before anything of the new one is written.
pub fn account_key(service_url: &str, oin: &str) -> String {
    format!("{}|{}", service_url.trim_end_matches('/'), oin)
}

/// The keychain entry of an account.
pub fn secret_account(a: &Account) -> String {
    secrets::account(
        &a.service_url,
        a.gebruikersnaam.as_deref().unwrap_or(a.oin.as_str()),
    )
}

/// Keychain calls block (D-Bus, Keychain, Credential Manager): keep them off the async worker
/// threads where the runtime allows it.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// A signed-in account with its engine.
#[derive(Clone)]
pub struct Session {
    pub account: Account,
    pub engine: Engine,
}

/// Make sure the mirror holds nothing of another account, then record `account`.
async fn adopt(mirror: &Mirror, account: &Account) -> Result<()> {
    let key = account_key(&account.service_url, account.oin.as_str());
    let state = mirror.sync_state().await?;
    if state.account_key.as_deref() != Some(key.as_str()) {
        mirror
            .apply(&Batch {
                ops: vec![MirrorOp::ClearAll],
                account_key: Some(key),
                ..Batch::default()
            })
            .await?;
    }
    mirror.set_account(account).await
}

/// Sign in with a user name and password. With `remember`, the token goes to the keychain so
/// the next start is signed in; if the keychain cannot be used, the sign-in still succeeds for
/// this session and the returned warning says why it will not be remembered.
pub async fn login(
    mirror: &Mirror,
    secrets: &dyn SecretStore,
    config: RemoteConfig,
    sync: SyncConfig,
    gebruikersnaam: &str,
    wachtwoord: &str,
    remember: bool,
) -> Result<(Session, Option<String>)> {
    let service_url = config.service_url.trim_end_matches('/').to_owned();
    let check = config.omgeving.is_some();
    let remote = RemoteApi::new(config)?;
    if check {
        // the password goes only to the kind of service it belongs to (practice or real)
        remote.omgeving().await?;
    }
    let token = remote.login(gebruikersnaam, wachtwoord).await?;
    let account = Account {
        service_url,
        gebruikersnaam: Some(token.gebruikersnaam.clone()),
        naam: token.naam.clone(),
        oin: token.organisatie.oin.clone(),
        organisatie_naam: token.organisatie.naam.clone(),
        remember,
    };
    let mut warning = None;
    let entry = secret_account(&account);
    if remember {
        // read-first: a keychain we cannot read is never overwritten
        if let Err(e) =
            blocking(|| secrets.remember(&entry, &Secret::new(token.access_token.clone())))
        {
            warning = Some(format!(
                "{e}. U blijft aangemeld tot u stopt; daarna moet u opnieuw aanmelden."
            ));
        } else if !secrets.is_persistent() {
            warning = Some(
                "er is geen sleutelbos: u blijft aangemeld tot u stopt; daarna moet u opnieuw aanmelden"
                    .into(),
            );
        }
    } else if let Err(e) = blocking(|| secrets.delete(&entry)) {
        tracing::debug!(error = %e, "could not remove an older remembered token");
    }
    adopt(mirror, &account).await?;
    let engine = Engine::new(remote, mirror.clone(), sync);
    Ok((Session { account, engine }, warning))
}

/// Sign in with a token obtained elsewhere (a system token from the administrator, for
/// scripts). Nothing is stored in the keychain.
pub async fn with_token(
    mirror: &Mirror,
    config: RemoteConfig,
    sync: SyncConfig,
    token: &str,
) -> Result<Session> {
    let service_url = config.service_url.trim_end_matches('/').to_owned();
    let remote = RemoteApi::new(config)?;
    remote.set_token(Some(token.to_owned()));
    let account = match remote.mijn_organisatie().await {
        Ok(me) => Account {
            service_url,
            gebruikersnaam: me.gebruikersnaam,
            naam: me.naam,
            oin: me.organisatie.oin,
            organisatie_naam: me.organisatie.naam,
            remember: false,
        },
        // offline: carry on as the stored account of this service, so reads keep working;
        // the token is checked by the first call that reaches the service
        Err(ClientError::Offline(e)) => match mirror.account().await? {
            Some(a) if a.service_url == service_url => a,
            _ => return Err(ClientError::Offline(e)),
        },
        Err(e) => return Err(e),
    };
    adopt(mirror, &account).await?;
    let engine = Engine::new(remote, mirror.clone(), sync);
    Ok(Session { account, engine })
}

/// The session of the last sign-in, if its token was remembered. Works offline: the token is
/// checked only by the first call that reaches the service. `Ok(None)`: signed out. A keychain
/// that cannot be read is an error (never taken as "signed out", so nothing gets overwritten).
pub async fn restore(
    mirror: &Mirror,
    secrets: &dyn SecretStore,
    configure: impl FnOnce(&str) -> RemoteConfig,
    sync: SyncConfig,
) -> Result<Option<Session>> {
    let Some(mut account) = mirror.account().await? else {
        return Ok(None);
    };
    if !account.remember {
        return Ok(None);
    }
    let Some(token) = blocking(|| secrets.get(&secret_account(&account)))? else {
        return Ok(None);
    };
    let remote = RemoteApi::new(configure(&account.service_url))?;
    remote.set_token(Some(token.expose().to_owned()));
    if account.naam.is_none() && account.gebruikersnaam.is_some() {
        naam_ophalen(mirror, &remote, &mut account).await?;
    }
    let engine = Engine::new(remote, mirror.clone(), sync);
    Ok(Some(Session { account, engine }))
}

/// How long a restore waits for the service to tell the user's name; the start does not wait
/// longer for a nicety (offline, the sign-in name is shown until the next restore or sign-in).
const NAAM_WACHTTIJD: std::time::Duration = std::time::Duration::from_secs(3);

/// An account remembered before the service told names (or by an older app) has none: ask the
/// service once (`GET /organisaties/mijn`) and keep it. Any failure leaves the account as it is:
/// the token is checked by the first sync, not here.
async fn naam_ophalen(mirror: &Mirror, remote: &RemoteApi, account: &mut Account) -> Result<()> {
    match tokio::time::timeout(NAAM_WACHTTIJD, remote.mijn_organisatie()).await {
        Ok(Ok(me))
            if me.organisatie.oin == account.oin
                && me.gebruikersnaam == account.gebruikersnaam
                && me.naam.is_some() =>
        {
            account.naam = me.naam;
            mirror.set_account(account).await
        }
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "the user's name could not be fetched");
            Ok(())
        }
        Err(_) => {
            tracing::debug!("the user's name did not come in time");
            Ok(())
        }
    }
}

/// Sign out: revoke the token at the service (when reachable), forget it in the keychain, and
/// remove the local copy of the data (a shared machine keeps nothing of the organisation).
/// A case system's token is not signed out (the service refuses with `Forbidden`, D1: the
/// administrator revokes it): then nothing changes here either, not even the local copy.
pub async fn logout(
    mirror: &Mirror,
    secrets: &dyn SecretStore,
    session: Option<&Session>,
) -> Result<()> {
    if let Some(s) = session {
        match s.engine.remote().logout().await {
            Ok(()) | Err(ClientError::Offline(_)) | Err(ClientError::Unauthorized) => {}
            Err(e @ ClientError::Forbidden(_)) => return Err(e),
            Err(e) => tracing::info!(error = %e, "could not revoke the token at the service"),
        }
    }
    if let Some(a) = mirror.account().await? {
        blocking(|| secrets.delete(&secret_account(&a)))?;
    }
    mirror
        .apply(&Batch {
            ops: vec![MirrorOp::ClearAll],
            ..Batch::default()
        })
        .await?;
    mirror.clear_account().await
}
