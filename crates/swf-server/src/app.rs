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

/// A looked-up token: who it is, when it was cached, and the store's token epoch then (D74).
pub type CachedToken = (Caller, Instant, u64);

/// What every request's handlers share: [`Services`] behind one `Arc`, so the copy each
/// extractor and middleware takes is one reference count, not one per service.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub store: Arc<dyn Store>,
    pub blobs: BlobStore,
    pub config: Arc<Config>,
    /// token hash -> (identity, cached at, the store's token epoch then). Entries live a few
    /// seconds, and only while the epoch stays (D74); logout clears its own.
    pub token_cache: Arc<RwLock<HashMap<String, CachedToken>>>,
    /// Serialized overview pages per organisation, valid while its overview is unchanged.
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
    /// Feed reads shared by the live streams of one organisation (D60).
    pub feed_reads: Arc<SharedFeedReads>,
}

/// One read of the feed that every live stream of an organisation at the same position wants
/// after the same wake-up: the first stream reads, the others wait for its answer (D60).
pub type SharedFeedRead =
    Arc<tokio::sync::OnceCell<(Arc<Vec<swf_domain::Gebeurtenis>>, Option<i64>)>>;

/// The live streams' shared feed reads of the current round. A round is (the store's change
/// count, the second): a read made in a round has seen every commit that round's change count
/// announces, and is at most a second old (for writes that no change count announces, e.g. an
/// admin command on SQLite, which the streams' one-second check finds). A new round drops the
/// reads of the old one; a stream still in an older round reads on its own.
#[derive(Default)]
pub struct SharedFeedReads {
    inner: std::sync::Mutex<FeedRound>,
}

#[derive(Default)]
struct FeedRound {
    round: (u64, u64),
    reads: HashMap<(String, i64, i64), SharedFeedRead>,
}

impl SharedFeedReads {
    /// The shared read of `oin`'s feed after `cursor` (at most `limit`) in `round`, or `None`
    /// when `round` is already over.
    pub fn read(
        &self,
        round: (u64, u64),
        oin: &str,
        cursor: i64,
        limit: i64,
    ) -> Option<SharedFeedRead> {
        let mut r = self.inner.lock().ok()?;
        if round > r.round {
            r.round = round;
            r.reads.clear();
        }
        if round < r.round {
            return None;
        }
        Some(
            r.reads
                .entry((oin.to_owned(), cursor, limit))
                .or_default()
                .clone(),
        )
    }
}

/// A small cache of rendered overview pages per organisation (keyed by extensions and query
/// within it). An organisation's pages are used only while its overview generation (D58)
/// equals the one they were rendered at, so a committed change to what that organisation's
/// overview shows (from any process) drops its pages, and no other organisation's.
///
/// One render per page at a time: after a change, the requests that miss together (each of an
/// organisation's open screens, every client polling) wait for the first one's render instead
/// of each rendering the same page (D64).
#[derive(Default)]
pub struct ListCache {
    orgs: std::sync::Mutex<HashMap<String, OrgPages>>,
    renders: std::sync::Mutex<RenderLocks>,
}

/// Per (organisation, page key): the lock its running render holds (D64).
type RenderLocks = HashMap<(String, String), Arc<tokio::sync::RwLock<()>>>;

/// The rendered pages of one organisation at one generation.
struct OrgPages {
    generation: i64,
    pages: HashMap<String, axum::body::Bytes>,
}

impl ListCache {
    /// Organisations kept; past it the cache starts afresh (cheap: a page costs a query).
    const ORGS: usize = 4096;
    /// Pages per organisation (queries with filters, sort orders, page numbers).
    const PAGES: usize = 32;

    pub fn get(&self, oin: &str, key: &str, generation: i64) -> Option<axum::body::Bytes> {
        let map = self.orgs.lock().ok()?;
        map.get(oin)
            .filter(|o| o.generation == generation)
            .and_then(|o| o.pages.get(key).cloned())
    }

    /// A page rendered at `generation` or later: what a request that waited for another's
    /// render may serve (a later page shows a state committed after the request came in).
    pub fn get_since(&self, oin: &str, key: &str, generation: i64) -> Option<axum::body::Bytes> {
        let map = self.orgs.lock().ok()?;
        map.get(oin)
            .filter(|o| o.generation >= generation)
            .and_then(|o| o.pages.get(key).cloned())
    }

    /// The turn to render one organisation's page. The first request to miss it renders,
    /// holding the turn; those that miss it meanwhile wait until that render ends (all at
    /// once) and then look with [`ListCache::get_since`] before rendering themselves.
    pub async fn render_turn(&self, oin: &str, key: &str) -> RenderTurn<'_> {
        let lock = match self.renders.lock() {
            Ok(mut map) => {
                if map.len() >= Self::ORGS * 4 {
                    // only finished renders' locks are dropped; the running ones keep theirs
                    map.retain(|_, l| Arc::strong_count(l) > 1);
                }
                map.entry((oin.to_owned(), key.to_owned()))
                    .or_default()
                    .clone()
            }
            // a poisoned map: render without waiting (correct, only not shared)
            Err(_) => Arc::new(tokio::sync::RwLock::new(())),
        };
        let guard = match lock.clone().try_write_owned() {
            Ok(rendering) => Some(rendering),
            Err(_) => {
                // someone is rendering it: wait for the end of that render
                drop(lock.read().await);
                None
            }
        };
        RenderTurn {
            cache: self,
            key: (oin.to_owned(), key.to_owned()),
            lock,
            rendering: guard,
        }
    }

    pub fn put(&self, oin: &str, key: String, generation: i64, body: axum::body::Bytes) {
        let Ok(mut map) = self.orgs.lock() else {
            return;
        };
        if map.len() >= Self::ORGS && !map.contains_key(oin) {
            map.clear();
        }
        let org = map.entry(oin.to_owned()).or_insert_with(|| OrgPages {
            generation,
            pages: HashMap::new(),
        });
        if org.generation != generation {
            // an older render must not replace newer pages
            if org.generation > generation {
                return;
            }
            org.generation = generation;
            org.pages.clear();
        }
        if org.pages.len() >= Self::PAGES {
            org.pages.clear();
        }
        org.pages.insert(key, body);
    }
}

/// A turn to render a page ([`ListCache::render_turn`]); ending it lets those waiting look.
pub struct RenderTurn<'c> {
    cache: &'c ListCache,
    key: (String, String),
    lock: Arc<tokio::sync::RwLock<()>>,
    /// Held while this request renders; `None` when it waited for another's render.
    rendering: Option<tokio::sync::OwnedRwLockWriteGuard<()>>,
}

impl RenderTurn<'_> {
    /// This request renders the page (it did not wait for another's render).
    pub fn renders(&self) -> bool {
        self.rendering.is_some()
    }
}

impl Drop for RenderTurn<'_> {
    fn drop(&mut self) {
        self.rendering = None;
        // nobody else holds or waits for this page's lock: forget it
        if let Ok(mut map) = self.cache.renders.lock() {
            if Arc::strong_count(&self.lock) == 2
                && map
                    .get(&self.key)
                    .is_some_and(|l| Arc::ptr_eq(l, &self.lock))
            {
                map.remove(&self.key);
            }
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

/// The API's path to a resource: `href(format_args!("/samenwerkingen/{id}"))`, formatted once.
pub fn href(path: std::fmt::Arguments<'_>) -> String {
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
    fn one_organisations_change_keeps_the_others_pages() {
        let c = ListCache::default();
        let page = |s: &'static str| axum::body::Bytes::from_static(s.as_bytes());
        c.put("a", "q".into(), 1, page("a1"));
        c.put("b", "q".into(), 7, page("b7"));
        assert_eq!(c.get("a", "q", 1), Some(page("a1")));
        // a's overview changed: its page is stale, b's is not
        assert_eq!(c.get("a", "q", 2), None);
        c.put("a", "q".into(), 2, page("a2"));
        assert_eq!(c.get("a", "q", 2), Some(page("a2")));
        assert_eq!(c.get("b", "q", 7), Some(page("b7")));
        // a slow render of the older generation does not replace the newer page
        c.put("a", "q".into(), 1, page("a1"));
        assert_eq!(c.get("a", "q", 2), Some(page("a2")));
        assert_eq!(c.get("a", "other", 2), None);
    }

    /// Requests that miss the same page together render it once: the second waits for the
    /// first's turn and then finds its page; other pages do not wait.
    #[tokio::test]
    async fn a_page_missed_together_is_rendered_once() {
        let c = Arc::new(ListCache::default());
        let first = c.render_turn("a", "q").await;
        let waiter = tokio::spawn({
            let c = c.clone();
            async move {
                let _turn = c.render_turn("a", "q").await;
                c.get_since("a", "q", 3)
            }
        });
        // another page, and another organisation's, are not held up
        drop(c.render_turn("a", "other").await);
        drop(c.render_turn("b", "q").await);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(
            !waiter.is_finished(),
            "the second request waits for the first render"
        );
        // the first render was of a later generation than the waiter asked for: it may serve it
        c.put("a", "q".into(), 4, axum::body::Bytes::from_static(b"a4"));
        drop(first);
        let got = waiter.await.unwrap();
        assert_eq!(got, Some(axum::body::Bytes::from_static(b"a4")));
        // an older page is never served for a newer generation, and finished turns are forgotten
        assert_eq!(c.get_since("a", "q", 5), None);
        assert!(c.renders.lock().unwrap().is_empty());
    }

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
