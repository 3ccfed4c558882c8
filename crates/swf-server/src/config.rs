//! Configuration: defaults, then a TOML file, then `SWF_*` environment variables.
pub use crate::listen::Listen;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where to listen: `host:port` (port 0 picks a free port, printed at start-up), or
    /// `unix:` and a path for a proxy on the same host (D84).
    pub listen: Listen,
    /// Folder with the SQLite database and document bytes.
    pub data_dir: PathBuf,
    /// `postgres://…`: keep the data in that PostgreSQL database instead of SQLite in the data
    /// folder (several instances can share it). Also `SWF_DATABASE_URL`.
    pub database_url: Option<String>,
    /// `s3://bucket` or `s3://bucket/prefix`: keep document bytes in that S3-compatible object
    /// store instead of the data folder (D61). Credentials: the standard `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`) variables. Also `SWF_STORAGE_URL`.
    pub storage_url: Option<String>,
    /// The object store's address when it is not AWS, e.g. `http://127.0.0.1:9000` (MinIO).
    /// Also `SWF_STORAGE_ENDPOINT`.
    pub storage_endpoint: Option<String>,
    /// The object store's region (AWS; others accept any). Also `SWF_STORAGE_REGION`.
    pub storage_region: Option<String>,
    /// Connections to PostgreSQL per instance (default 16).
    pub database_max_connections: u32,
    /// Largest document accepted, in bytes (default 500 MiB).
    pub max_upload_bytes: u64,
    /// Days after closing that a samenwerking is deleted automatically (default 365).
    pub retention_days: i64,
    /// How often the background jobs run, in seconds.
    pub job_interval_secs: u64,
    /// Seconds a samenwerking stays in INITIALISATIE while its verzoek is "retrieved".
    pub verzoek_ophalen_secs: i64,
    /// Lifetime of a user's bearer token, in hours.
    pub token_ttl_hours: i64,
    /// Years until `eindDatumTijd` (DSO sample: creation + 2 years).
    pub eind_jaren: i64,
    /// Log as JSON lines instead of human-readable text.
    pub log_json: bool,
    /// Reuse rendered overview pages while nothing was written (see `ListCache`).
    pub list_cache: bool,
    /// Days the change feed (`/gebeurtenissen`) keeps events; an older cursor gets 410.
    pub feed_retention_days: i64,
    /// Most connections served at once; further ones wait in the listen backlog (default 512).
    pub max_connections: usize,
    /// Threads that serve requests; 0 (default): one per CPU. Several instances on one host,
    /// with the proxy or the database beside them, each do better with their share (D85).
    pub worker_threads: usize,
    /// Seconds a client has to send a request's headers, counted from when the connection is
    /// ready for a request: also how long an idle keep-alive connection stays open (default 15).
    pub header_read_timeout_secs: u64,
    /// A request body must arrive at this many bytes per second or more, measured over each
    /// window of `body_rate_window_secs`; slower bodies are cut off (default 1024).
    pub body_min_bytes_per_sec: u64,
    /// The window over which the body rate is measured, in seconds (default 30).
    pub body_rate_window_secs: u64,
    /// Longest time a request body may take in total, in seconds (default 3600).
    pub body_max_secs: u64,
    /// Seconds graceful shutdown waits for requests in flight before cutting them off (default 30).
    pub shutdown_deadline_secs: u64,
    /// Password checks (argon2, 19 MiB each) run at once; 0 picks 2 × cores, at most 4.
    pub password_checks: usize,
    /// How long a sign-in waits for a free password check before 503, in milliseconds (default 2000).
    pub password_check_wait_ms: u64,
    /// User names the login throttle remembers at most; the oldest are forgotten first (default 20000).
    pub login_throttle_entries: usize,
    /// How often an open change stream re-checks its token, in seconds (default 30).
    pub stream_recheck_secs: u64,
    /// Serve plain HTTP on a non-loopback address: only behind a TLS-terminating proxy.
    pub trust_proxy_tls: bool,
    /// Add the demo organisations and users at start-up when they are missing: set by
    /// `serve --demo` and the practice environment, never read from a file or the environment.
    #[serde(skip)]
    pub demo: bool,
    /// Run as a practice service (`--oefenomgeving`): the practice organisations and users,
    /// the simulated Omgevingsloket, and the practice mark on every answer (see `oefen`).
    pub oefenomgeving: bool,
    /// The password of new practice users; `None`: a random one each, printed once. Set by
    /// the app's own practice service, never read from a file or the environment.
    #[serde(skip)]
    pub oefen_wachtwoord: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: Listen::Tcp(SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_max_connections: 16,
            storage_url: None,
            storage_endpoint: None,
            storage_region: None,
            max_upload_bytes: 500 * 1024 * 1024,
            retention_days: 365,
            job_interval_secs: 60,
            verzoek_ophalen_secs: 2,
            token_ttl_hours: 12,
            eind_jaren: 2,
            log_json: false,
            list_cache: true,
            feed_retention_days: 30,
            max_connections: 512,
            worker_threads: 0,
            header_read_timeout_secs: 15,
            body_min_bytes_per_sec: 1024,
            body_rate_window_secs: 30,
            body_max_secs: 3600,
            shutdown_deadline_secs: 30,
            password_checks: 0,
            password_check_wait_ms: 2000,
            login_throttle_entries: 20_000,
            stream_recheck_secs: 30,
            trust_proxy_tls: false,
            demo: false,
            oefenomgeving: false,
            oefen_wachtwoord: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("kan configuratiebestand {0} niet lezen: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("configuratiebestand {0} is ongeldig: {1}")]
    Parse(PathBuf, toml::de::Error),
    #[error("omgevingsvariabele {0} is ongeldig: {1}")]
    Env(&'static str, String),
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut c = match file {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| ConfigError::Read(p.to_owned(), e))?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse(p.to_owned(), e))?
            }
            None => Config::default(),
        };
        c.apply_env(|k| std::env::var(k).ok())?;
        Ok(c)
    }

    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(k: &'static str, v: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            v.parse()
                .map_err(|e: T::Err| ConfigError::Env(k, e.to_string()))
        }
        if let Some(v) = get("SWF_LISTEN") {
            self.listen = parse("SWF_LISTEN", v)?;
        }
        if let Some(v) = get("SWF_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("SWF_DATABASE_URL") {
            self.database_url = Some(v).filter(|v| !v.is_empty());
        }
        for (k, field) in [
            ("SWF_STORAGE_URL", &mut self.storage_url),
            ("SWF_STORAGE_ENDPOINT", &mut self.storage_endpoint),
            ("SWF_STORAGE_REGION", &mut self.storage_region),
        ] {
            if let Some(v) = get(k) {
                *field = Some(v).filter(|v| !v.is_empty());
            }
        }
        if let Some(v) = get("SWF_DATABASE_MAX_CONNECTIONS") {
            self.database_max_connections = parse("SWF_DATABASE_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = get("SWF_MAX_UPLOAD_BYTES") {
            self.max_upload_bytes = parse("SWF_MAX_UPLOAD_BYTES", v)?;
        }
        if let Some(v) = get("SWF_RETENTION_DAYS") {
            self.retention_days = parse("SWF_RETENTION_DAYS", v)?;
        }
        if let Some(v) = get("SWF_JOB_INTERVAL_SECS") {
            self.job_interval_secs = parse("SWF_JOB_INTERVAL_SECS", v)?;
        }
        if let Some(v) = get("SWF_VERZOEK_OPHALEN_SECS") {
            self.verzoek_ophalen_secs = parse("SWF_VERZOEK_OPHALEN_SECS", v)?;
        }
        if let Some(v) = get("SWF_TOKEN_TTL_HOURS") {
            self.token_ttl_hours = parse("SWF_TOKEN_TTL_HOURS", v)?;
        }
        if let Some(v) = get("SWF_LIST_CACHE") {
            self.list_cache = parse("SWF_LIST_CACHE", v)?;
        }
        if let Some(v) = get("SWF_FEED_RETENTION_DAYS") {
            self.feed_retention_days = parse("SWF_FEED_RETENTION_DAYS", v)?;
        }
        if let Some(v) = get("SWF_LOG_JSON") {
            self.log_json = parse("SWF_LOG_JSON", v)?;
        }
        if let Some(v) = get("SWF_WORKER_THREADS") {
            self.worker_threads = parse("SWF_WORKER_THREADS", v)?;
        }
        if let Some(v) = get("SWF_MAX_CONNECTIONS") {
            self.max_connections = parse("SWF_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = get("SWF_HEADER_READ_TIMEOUT_SECS") {
            self.header_read_timeout_secs = parse("SWF_HEADER_READ_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = get("SWF_BODY_MIN_BYTES_PER_SEC") {
            self.body_min_bytes_per_sec = parse("SWF_BODY_MIN_BYTES_PER_SEC", v)?;
        }
        if let Some(v) = get("SWF_BODY_RATE_WINDOW_SECS") {
            self.body_rate_window_secs = parse("SWF_BODY_RATE_WINDOW_SECS", v)?;
        }
        if let Some(v) = get("SWF_BODY_MAX_SECS") {
            self.body_max_secs = parse("SWF_BODY_MAX_SECS", v)?;
        }
        if let Some(v) = get("SWF_SHUTDOWN_DEADLINE_SECS") {
            self.shutdown_deadline_secs = parse("SWF_SHUTDOWN_DEADLINE_SECS", v)?;
        }
        if let Some(v) = get("SWF_PASSWORD_CHECKS") {
            self.password_checks = parse("SWF_PASSWORD_CHECKS", v)?;
        }
        if let Some(v) = get("SWF_PASSWORD_CHECK_WAIT_MS") {
            self.password_check_wait_ms = parse("SWF_PASSWORD_CHECK_WAIT_MS", v)?;
        }
        if let Some(v) = get("SWF_LOGIN_THROTTLE_ENTRIES") {
            self.login_throttle_entries = parse("SWF_LOGIN_THROTTLE_ENTRIES", v)?;
        }
        if let Some(v) = get("SWF_STREAM_RECHECK_SECS") {
            self.stream_recheck_secs = parse("SWF_STREAM_RECHECK_SECS", v)?;
        }
        if let Some(v) = get("SWF_OEFENOMGEVING") {
            self.oefenomgeving = parse("SWF_OEFENOMGEVING", v)?;
        }
        if let Some(v) = get("SWF_TRUST_PROXY_TLS") {
            self.trust_proxy_tls = parse("SWF_TRUST_PROXY_TLS", v)?;
        }
        Ok(())
    }

    /// Concurrent password checks: the configured number, or 2 × cores capped at 4.
    pub fn password_check_slots(&self) -> usize {
        if self.password_checks > 0 {
            return self.password_checks;
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (2 * cores).clamp(2, 4)
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("swf.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_reports_bad_values() {
        let mut c: Config = toml::from_str("max_upload_bytes = 10\nretention_days = 5").unwrap();
        assert_eq!(c.max_upload_bytes, 10);
        c.apply_env(|k| (k == "SWF_RETENTION_DAYS").then(|| "7".to_string()))
            .unwrap();
        assert_eq!(c.retention_days, 7);
        let err = c.apply_env(|k| (k == "SWF_LISTEN").then(|| "nope".to_string()));
        assert!(matches!(err, Err(ConfigError::Env("SWF_LISTEN", _))));
        assert!(toml::from_str::<Config>("onbekend = 1").is_err());
        // the database: from the file, overridden by the environment; empty means SQLite
        let mut c: Config = toml::from_str("database_url = \"postgres://a@b/c\"").unwrap();
        assert_eq!(c.database_url.as_deref(), Some("postgres://a@b/c"));
        c.apply_env(|k| (k == "SWF_DATABASE_URL").then(|| "postgres://x@y/z".to_string()))
            .unwrap();
        assert_eq!(c.database_url.as_deref(), Some("postgres://x@y/z"));
        c.apply_env(|k| (k == "SWF_DATABASE_URL").then(String::new))
            .unwrap();
        assert_eq!(c.database_url, None);
        // the object store: from the file, the environment wins, empty means the data folder
        let mut c: Config =
            toml::from_str("storage_url = \"s3://docs/swf\"\nstorage_region = \"eu-west-1\"")
                .unwrap();
        assert_eq!(c.storage_url.as_deref(), Some("s3://docs/swf"));
        c.apply_env(|k| (k == "SWF_STORAGE_ENDPOINT").then(|| "http://127.0.0.1:9000".into()))
            .unwrap();
        assert_eq!(c.storage_endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(c.storage_region.as_deref(), Some("eu-west-1"));
        c.apply_env(|k| (k == "SWF_STORAGE_URL").then(String::new))
            .unwrap();
        assert_eq!(c.storage_url, None);
    }
}
