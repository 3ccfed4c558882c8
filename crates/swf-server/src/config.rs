//! Configuration: defaults, then a TOML file, then `SWF_*` environment variables.
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (printed at start-up).
    pub listen: SocketAddr,
    /// Folder with the SQLite database and document bytes.
    pub data_dir: PathBuf,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            max_upload_bytes: 500 * 1024 * 1024,
            retention_days: 365,
            job_interval_secs: 60,
            verzoek_ophalen_secs: 2,
            token_ttl_hours: 12,
            eind_jaren: 2,
            log_json: false,
            list_cache: true,
            feed_retention_days: 30,
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
        Ok(())
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
    }
}
