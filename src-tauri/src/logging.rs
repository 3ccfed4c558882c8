//! Log files: one per day in the log folder, the last 14 kept. Level from `SWF_LOG` (or
//! `RUST_LOG`), default `info` with the chatty libraries quieter. Tokens and document content
//! are never logged (the engine logs neither; commands log errors and ids only).
use std::io::IsTerminal;
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

pub const BEWAAR_DAGEN: usize = 14;
const STANDAARD: &str =
    "info,sqlx=warn,hyper=warn,hyper_util=warn,h2=warn,reqwest=warn,tower_http=warn,tao=warn,wry=warn";

/// Keeps the background writer alive; dropping it flushes the last lines.
pub struct Logboek {
    _guard: WorkerGuard,
}

fn filter() -> EnvFilter {
    std::env::var("SWF_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(STANDAARD))
}

/// Log to daily files in `dir` (and to stderr in debug builds), and log panics.
pub fn start(dir: &Path) -> Result<Logboek, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("logmap {}: {e}", dir.display()))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("samenwerkruimte")
        .filename_suffix("log")
        .max_log_files(BEWAAR_DAGEN)
        .build(dir)
        .map_err(|e| format!("logbestand in {}: {e}", dir.display()))?;
    let (schrijver, guard) = tracing_appender::non_blocking(appender);
    let bestand = fmt::layer()
        .with_writer(schrijver)
        .with_ansi(false)
        .with_filter(filter());
    let terminal = cfg!(debug_assertions).then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            // colours only on a terminal, not in captured logs (e2e, journald)
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(filter())
    });
    tracing_subscriber::registry()
        .with(bestand)
        .with(terminal)
        .try_init()
        .map_err(|e| e.to_string())?;
    let vorige = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "the app panicked");
        vorige(info);
    }));
    tracing::info!(
        versie = env!("CARGO_PKG_VERSION"),
        dir = %dir.display(),
        "Samenwerkruimte starting"
    );
    Ok(Logboek { _guard: guard })
}
