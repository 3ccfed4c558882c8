//! Samenwerkruimte collaboration service: an SWF v5-compatible REST API.
//!
//! Three layers (docs/architecture.md has the picture):
//! - [`http`]: the router and one module of handlers per resource (extract, call the service,
//!   shape the answer; sign-in and -out, the health check, the organisation directory and the
//!   document bytes still use the store and blob store directly);
//! - [`service`]: one function per use case: load, authorise with `swf-domain`, compute the
//!   change with its notificaties, audit lines and feed events, hand it to the store;
//! - [`store`]: the `Store` trait (one transaction per use case) with its SQLite implementation,
//!   and [`blob`] for document bytes (data folder or S3-compatible object store).
//!
//! Beside them: [`feed`] (the change feed and its SSE stream), [`jobs`] (background jobs),
//! [`auth`], [`openapi`], and [`serve`], the one start-up path used by `swf-server serve`, the
//! desktop app's practice environment and the tests.
pub mod app;
pub mod auth;
pub mod blob;
pub mod cli;
pub mod config;
pub mod error;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod listen;
pub mod metrics;
pub mod oefen;
pub mod openapi;
pub mod serve;
pub mod service;
pub mod store;
pub mod unread_body;
pub mod weergave;

use app::AppState;

/// A fingerprint of the source this service was built from (see `build.rs`); printed by the
/// hidden `swf-server --build-id`, so that tests can refuse to run a stale binary.
pub const BUILD_ID: &str = env!("SWF_SERVER_BUILD_ID");
use std::collections::HashSet;
use std::sync::Arc;

pub use serve::{serve, Handle};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Listen(#[from] serve::ListenError),
    #[error("kan niet luisteren op {0}: {1}")]
    Bind(config::Listen, std::io::Error),
    #[error("{0}")]
    Demo(String),
    /// Practice and real data in one folder (see `oefen::check_folder`).
    #[error("{0}")]
    Oefenomgeving(String),
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Blob(#[from] blob::BlobError),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("er draait al een swf-server op gegevensmap {0}")]
    Locked(std::path::PathBuf),
}

/// Take the data folder's service lock for as long as the returned file lives.
pub fn lock_data_dir(dir: &std::path::Path) -> Result<std::fs::File, StartError> {
    std::fs::create_dir_all(dir)?;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("swf.lock"))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::Locked(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// Open the data folder: database (with migrations) and blob store. With `sweep` (only when
/// starting the service, never for an admin command next to a running service) remove what an
/// interrupted run left: temp files and blobs without a document row.
pub async fn open_state(mut config: config::Config, sweep: bool) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&config.data_dir)?;
    // an admin command on a practice folder works with its simulated Omgevingsloket too
    config.oefenomgeving |= oefen::is_marked(&config.data_dir);
    let store = store::open(&config).await?;
    // serving on PostgreSQL: the folder may be shared with other instances (D50)
    let blobs = if let Some(url) = &config.storage_url {
        blob::BlobStore::open_s3(&blob::s3::S3Settings {
            url: url.clone(),
            endpoint: config.storage_endpoint.clone(),
            region: config.storage_region.clone(),
        })?
    } else if sweep && config.database_url.is_some() {
        blob::BlobStore::open_shared(&config.data_dir).await?
    } else {
        blob::BlobStore::open(&config.data_dir).await?
    };
    if sweep {
        let known: HashSet<String> = store::Store::all_document_ids(&*store)
            .await?
            .into_iter()
            .collect();
        // several instances may share the folder on PostgreSQL (D50): leave what another may
        // still be writing (an upload takes at most `body_max_secs`)
        let min_age = config
            .database_url
            .is_some()
            .then(|| std::time::Duration::from_secs(config.body_max_secs + 3600));
        let (tmp, orphans) = blobs.sweep(&known, min_age).await?;
        if tmp + orphans > 0 {
            tracing::info!(
                temp_files = tmp,
                orphan_blobs = orphans,
                "cleaned up after an interrupted run"
            );
        }
    }
    Ok(AppState::new(app::Services {
        store,
        blobs,
        token_cache: Default::default(),
        list_cache: Default::default(),
        metrics: Default::default(),
        login_throttle: Arc::new(auth::LoginThrottle::new(config.login_throttle_entries)),
        limits: Arc::new(limits::Limits::new(&config)),
        shutdown: Default::default(),
        omgevingsloket: oefen::omgevingsloket(config.oefenomgeving),
        feed_reads: Default::default(),
        config: Arc::new(config),
    }))
}
