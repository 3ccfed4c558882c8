//! `swf`: the Samenwerkruimte engine on the command line, for administrators and scripts.
//!
//! Reads come from the local mirror (they work offline); writes go through the engine's use
//! cases (`swf_client::werk`), which validate, call the service and sync, so the mirror shows
//! them at once. `--json` prints machine-readable output on stdout; messages and progress go to
//! stderr. One module per subcommand group in [`command`]; printing in [`output`]; errors, their
//! messages and exit codes (D24) in [`fout`].
mod command;
mod context;
mod fout;
mod output;

use clap::{Args, Parser};
use context::Ctx;
use fout::Fout;
use std::path::PathBuf;
use std::process::ExitCode;
use swf_client::mirror::Mirror;
use swf_client::secrets::secret_store_from_env;

/// Keychain namespace of the CLI (the desktop app has its own).
const IDENTIFIER: &str = "nl.samenwerkruimte.swf";

#[derive(Parser)]
#[command(
    name = "swf",
    version,
    about = "Samenwerkruimte op de opdrachtregel: samenwerkingen, documenten en actieverzoeken, ook offline te lezen"
)]
struct Cli {
    #[command(flatten)]
    globaal: Globaal,
    #[command(subcommand)]
    command: command::Command,
}

/// The options every command takes.
#[derive(Args, Clone)]
pub struct Globaal {
    /// Map met de lokale spiegel (standaard: $SWF_HOME, anders de gebruikersdatamap)
    #[arg(long, global = true, env = "SWF_HOME")]
    pub data_dir: Option<PathBuf>,
    /// Uitvoer als JSON (voor scripts)
    #[arg(long, global = true)]
    pub json: bool,
    /// Een token van de beheerder (systeemkoppeling) in plaats van aanmelden
    #[arg(long, global = true, env = "SWF_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Adres van de service (bij --token, als er nog geen account is)
    #[arg(long, global = true, env = "SWF_SERVICE")]
    pub service: Option<String>,
    /// Proxy voor al het verkeer (anders HTTP(S)_PROXY uit de omgeving)
    #[arg(long, global = true, env = "SWF_PROXY")]
    pub proxy: Option<String>,
    /// Extra vertrouwd CA-certificaat (PEM), bijvoorbeeld van een bedrijfsproxy
    #[arg(long, global = true, env = "SWF_CA_CERT")]
    pub ca_cert: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SWF_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fout: kan niet starten: {e}");
            return ExitCode::from(1);
        }
    };
    let json = cli.globaal.json;
    let soort = cli.command.soort();
    let met_token = cli.globaal.token.is_some();
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let message = e.message(soort, met_token);
            if json {
                let v = serde_json::json!({"fout": {"code": e.code(), "melding": message}});
                println!("{v}");
            }
            eprintln!("fout: {message}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn default_data_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if cfg!(windows) {
        if let Some(a) = std::env::var_os("APPDATA") {
            return PathBuf::from(a).join("Samenwerkruimte").join("swf");
        }
    } else if cfg!(target_os = "macos") {
        if let Some(h) = &home {
            return h.join("Library/Application Support/nl.samenwerkruimte.swf");
        }
    } else if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(x).join("samenwerkruimte").join("swf");
    } else if let Some(h) = &home {
        return h.join(".local/share/samenwerkruimte/swf");
    }
    PathBuf::from(".swf")
}

async fn run(cli: Cli) -> Result<(), Fout> {
    let dir = cli
        .globaal
        .data_dir
        .clone()
        .unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&dir).map_err(swf_client::ClientError::from)?;
    let (mirror, report) = Mirror::open(&dir).await?;
    if report.mirror_rebuilt && !cli.globaal.json {
        eprintln!(
            "let op: de lokale spiegel was onbruikbaar ({}) en is opnieuw aangemaakt; `swf sync` haalt alles weer op",
            report.reason.as_deref().unwrap_or("onbekend")
        );
    }
    // tests and dev builds use their own keychain namespace (never a user's real login)
    let identifier = std::env::var("SWF_IDENTIFIER")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| IDENTIFIER.to_owned());
    let ctx = Ctx {
        secrets: secret_store_from_env(&identifier),
        mirror,
        g: cli.globaal,
    };
    let r = cli.command.run(&ctx).await;
    ctx.mirror.close().await;
    r
}
