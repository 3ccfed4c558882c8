//! Prometheus metrics at `GET /metrics` (text format 0.0.4; outside the API, not in the OpenAPI
//! document): requests and their latency per route, the live feed (open streams, how long an
//! event took from its commit to a stream, the feed's head and pruned floor), the background
//! jobs and the database pool. Kept in this process: with several instances, scrape each.
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Upper bounds (seconds) of the latency histograms.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    /// Observations at most `BUCKETS[i]` (not cumulative; summed when written).
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i] += 1;
        }
        self.count += 1;
        self.sum += secs;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut acc = 0;
        for (b, c) in BUCKETS.iter().zip(self.counts) {
            acc += c;
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {acc}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// Answers per status class ("2xx" …) and the latency of one route.
type RouteStats = (BTreeMap<&'static str, u64>, Histogram);

/// What this process counts.
#[derive(Default)]
pub struct Metrics {
    /// (method, route template) -> status class counts ("2xx" …) and latency.
    requests: Mutex<BTreeMap<(String, String), RouteStats>>,
    streams: AtomicI64,
    feed_lag: Mutex<Histogram>,
    jobs_ok: AtomicU64,
    jobs_failed: AtomicU64,
}

/// One open live stream, counted while it lives.
pub struct OpenStream(Arc<Metrics>);

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.streams.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn request(&self, method: &str, route: &str, status: u16, started: Instant) {
        let class = match status {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        let mut map = Self::lock(&self.requests);
        let entry = map
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        *entry.0.entry(class).or_default() += 1;
        entry.1.observe(started.elapsed().as_secs_f64());
    }

    pub fn stream_opened(self: &Arc<Self>) -> OpenStream {
        self.streams.fetch_add(1, Ordering::Relaxed);
        OpenStream(self.clone())
    }

    /// An event went out on a stream `secs` after it was written.
    pub fn feed_delivered(&self, secs: f64) {
        Self::lock(&self.feed_lag).observe(secs.max(0.0));
    }

    pub fn job_run(&self, ok: bool) {
        let c = if ok { &self.jobs_ok } else { &self.jobs_failed };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition, with the gauges read now: the feed's (floor, head) and the pool's
    /// (connections, idle ones).
    pub fn render(&self, feed: Option<(i64, i64)>, pool: (u32, usize)) -> String {
        let mut out = String::new();
        out.push_str("# HELP swf_http_requests_total Requests answered, per route and status class.\n# TYPE swf_http_requests_total counter\n");
        let requests = Self::lock(&self.requests).clone();
        for ((method, route), (classes, _)) in &requests {
            for (class, n) in classes {
                let _ = writeln!(
                    out,
                    "swf_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{class}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP swf_http_request_duration_seconds Time to the response head, per route.\n# TYPE swf_http_request_duration_seconds histogram\n");
        for ((method, route), (_, h)) in &requests {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            h.write(&mut out, "swf_http_request_duration_seconds", &labels);
        }
        out.push_str(
            "# HELP swf_feed_streams Open live change streams.\n# TYPE swf_feed_streams gauge\n",
        );
        let _ = writeln!(
            out,
            "swf_feed_streams {}",
            self.streams.load(Ordering::Relaxed)
        );
        out.push_str("# HELP swf_feed_delivery_lag_seconds From an event's commit to its sending on a live stream.\n# TYPE swf_feed_delivery_lag_seconds histogram\n");
        Self::lock(&self.feed_lag).write(&mut out, "swf_feed_delivery_lag_seconds", "");
        if let Some((floor, head)) = feed {
            out.push_str("# HELP swf_feed_head_volgnummer Newest change-feed volgnummer.\n# TYPE swf_feed_head_volgnummer gauge\n");
            let _ = writeln!(out, "swf_feed_head_volgnummer {head}");
            out.push_str("# HELP swf_feed_pruned_volgnummer Highest volgnummer pruned (older cursors get 410).\n# TYPE swf_feed_pruned_volgnummer gauge\n");
            let _ = writeln!(out, "swf_feed_pruned_volgnummer {floor}");
        }
        out.push_str("# HELP swf_job_runs_total Runs of the background jobs, by outcome.\n# TYPE swf_job_runs_total counter\n");
        let _ = writeln!(
            out,
            "swf_job_runs_total{{outcome=\"ok\"}} {}",
            self.jobs_ok.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "swf_job_runs_total{{outcome=\"failed\"}} {}",
            self.jobs_failed.load(Ordering::Relaxed)
        );
        out.push_str("# HELP swf_db_pool_connections Database connections held by this process.\n# TYPE swf_db_pool_connections gauge\n");
        let _ = writeln!(out, "swf_db_pool_connections {}", pool.0);
        out.push_str("# HELP swf_db_pool_idle Of those, idle.\n# TYPE swf_db_pool_idle gauge\n");
        let _ = writeln!(out, "swf_db_pool_idle {}", pool.1);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            out.push_str("# HELP swf_runtime_workers Threads that serve requests (worker_threads).\n# TYPE swf_runtime_workers gauge\n");
            let _ = writeln!(out, "swf_runtime_workers {}", rt.metrics().num_workers());
        }
        out
    }
}

/// A label value: backslash, quote and line ends escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let m = Arc::new(Metrics::default());
        let t = Instant::now();
        m.request("GET", "/a\"b", 200, t);
        m.request("GET", "/a\"b", 404, t);
        m.feed_delivered(0.003);
        m.feed_delivered(20.0);
        let open = m.stream_opened();
        m.job_run(true);
        let text = m.render(Some((3, 9)), (4, 1));
        assert!(text.contains(
            "swf_http_requests_total{method=\"GET\",route=\"/a\\\"b\",status=\"2xx\"} 1"
        ));
        assert!(text.contains("swf_feed_delivery_lag_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("swf_feed_delivery_lag_seconds_bucket{le=\"10\"} 1"));
        assert!(text.contains("swf_feed_delivery_lag_seconds_bucket{le=\"+Inf\"} 2"));
        assert!(text.contains("swf_feed_streams 1"));
        drop(open);
        let text = m.render(None, (4, 1));
        assert!(text.contains("swf_feed_streams 0"));
        assert!(text.contains("swf_job_runs_total{outcome=\"ok\"} 1"));
        assert!(text.contains("swf_db_pool_connections 4"));
        assert!(!text.contains("swf_feed_head_volgnummer"));
    }
}
