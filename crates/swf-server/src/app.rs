//! Shared state, the caller's identity, time and link helpers.
use crate::blob::BlobStore;
use crate::config::Config;
use crate::store::Store;
use chrono::{DateTime, TimeZone, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use swf_domain::{Link, Links, Oin, BASE_PATH};
use tokio::sync::RwLock;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    /// token hash -> (identity, cached at). Entries live a few seconds; logout clears its own.
    pub token_cache: Arc<RwLock<HashMap<String, (Caller, Instant)>>>,
    /// Serialized list pages, valid while the store's write generation is unchanged.
    pub list_cache: Arc<ListCache>,
    pub login_throttle: Arc<crate::auth::LoginThrottle>,
    /// Password-check slots and revocations for live streams (see `limits`).
    pub limits: Arc<crate::limits::Limits>,
    /// Requests, live streams, jobs (`/metrics`).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Cancelled when the service shuts down: live streams end so shutdown is not held up.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// Where a verzoek is retrieved from (`oefen::loket`): none, or the simulated one.
    pub omgevingsloket: Arc<dyn crate::oefen::loket::Omgevingsloket>,
}

/// A small cache of rendered list pages keyed by organisation, extensions and query. An entry is
/// used only while the database's write generation equals the one it was rendered at, so every
/// committed write (from any process) invalidates it.
#[derive(Default)]
pub struct ListCache {
    entries: std::sync::Mutex<HashMap<String, (i64, axum::body::Bytes)>>,
}

impl ListCache {
    const CAPACITY: usize = 512;

    pub fn get(&self, key: &str, generation: i64) -> Option<axum::body::Bytes> {
        let map = self.entries.lock().ok()?;
        map.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, b)| b.clone())
    }

    pub fn put(&self, key: String, generation: i64, body: axum::body::Bytes) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= Self::CAPACITY {
                map.retain(|_, (g, _)| *g == generation);
                if map.len() >= Self::CAPACITY {
                    map.clear();
                }
            }
            map.insert(key, (generation, body));
        }
    }
}

/// The authenticated organisation (and user, when signed in as one).
#[derive(Debug, Clone)]
pub struct Caller {
    pub oin: Oin,
    pub organisatie_naam: String,
    pub gebruiker: Option<String>,
    /// The client asked for this service's extensions (extra notification types and links).
    pub extensions: bool,
    pub token_hash: String,
    pub verloopt: Option<i64>,
}

pub fn now_us() -> i64 {
    Utc::now().timestamp_micros()
}

pub fn to_dt(us: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(us).single().unwrap_or_default()
}

/// Parse a timestamp from a query: RFC 3339, optionally followed by a Java zone id in brackets
/// (`2026-06-04T10:45:01.933+02:00[Europe/Amsterdam]`), which is ignored after the offset.
pub fn parse_query_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = match s.find('[') {
        Some(i) if s.ends_with(']') => &s[..i],
        _ => s,
    };
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc).timestamp_micros())
}

pub fn href(path: &str) -> String {
    format!("{BASE_PATH}{path}")
}

pub fn links<const N: usize>(items: [(&str, Option<String>); N]) -> Links {
    items
        .into_iter()
        .filter_map(|(k, v)| v.map(|h| (k.to_string(), Link::new(h))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_times_with_java_zone_ids() {
        let a = parse_query_time("2026-06-04T10:45:01.933+02:00[Europe/Amsterdam]");
        let b = parse_query_time("2026-06-04T08:45:01.933Z");
        assert!(a.is_some());
        assert_eq!(a, b);
        assert_eq!(parse_query_time("gisteren"), None);
        assert_eq!(parse_query_time("2026-06-04"), None);
    }
}
