use clap::Parser;
use std::io::Write;
use std::process::ExitCode;
use swf_server::cli::{self, Cli, Command};

/// mimalloc instead of glibc's malloc: a list request allocates and frees thousands of small
/// values (rows, JSON), and glibc's allocator took about a quarter of its CPU (D63).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        b.json().init();
    } else {
        b.init();
    }
}

fn main() -> ExitCode {
    // before anything opens a database (D65)
    swf_server::store::sqlite::allocator::use_mimalloc();
    let args = Cli::parse();
    if args.build_id {
        println!("{}", swf_server::BUILD_ID);
        return ExitCode::SUCCESS;
    }
    // the configuration first: it says how many threads the runtime gets (D85)
    let r = cli::load_config(&args).and_then(|config| {
        let mut rt = tokio::runtime::Builder::new_multi_thread();
        rt.enable_all();
        if config.worker_threads > 0 {
            rt.worker_threads(config.worker_threads);
        }
        let rt = rt
            .build()
            .map_err(|e| cli::CliError::Invalid(format!("kan de runtime niet starten: {e}")))?;
        rt.block_on(run(args, config))
    });
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fout: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Cli, mut config: swf_server::config::Config) -> Result<(), cli::CliError> {
    init_tracing(config.log_json);
    let command = args.command.unwrap_or(Command::Serve {
        listen: None,
        demo: false,
        behind_proxy: false,
    });
    if let Command::Serve {
        listen,
        demo,
        behind_proxy,
    } = command
    {
        if let Some(l) = listen {
            config.listen = l;
        }
        // plain HTTP only on loopback, unless a TLS-terminating proxy is in front
        config.trust_proxy_tls |= behind_proxy;
        config.demo = demo;
        let oefenomgeving = config.oefenomgeving;
        let service = swf_server::serve(config).await?;
        // tests and scripts read this line to find the port
        match service.local_addr() {
            Some(addr) => println!("swf-server luistert op http://{addr}"),
            None => println!("swf-server luistert op {}", service.listening()),
        }
        if oefenomgeving {
            // after the first line (which scripts read), and never a panic on a closed pipe
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "Oefenomgeving: dit is een oefenservice met fictieve organisaties en een gesimuleerd Omgevingsloket.");
            swf_server::oefen::print_wachtwoorden(&mut out, service.oefen_gebruikers());
        }
        if demo {
            // where clients reach it, and how curl does
            let (base, curl) = match service.listening() {
                swf_server::config::Listen::Tcp(a) => (format!("http://{a}"), String::new()),
                swf_server::config::Listen::Unix(p) => (
                    "http://localhost".to_owned(),
                    format!("--unix-socket {} ", p.display()),
                ),
            };
            println!("Demo-omgeving: meld aan met gebruiker 'vergunningverlener' (Gemeente Oefenstad) of 'adviseur' (Veiligheidsregio Oefenland), wachtwoord '{}'.", cli::DEMO_PASSWORD);
            println!("  curl -s {curl}-X POST {base}{}/auth/token -H 'Content-Type: application/json' -d '{{\"gebruikersnaam\":\"vergunningverlener\",\"wachtwoord\":\"{}\"}}'", swf_domain::BASE_PATH, cli::DEMO_PASSWORD);
            // a URL to open, or on a socket the curl line that fetches it
            let openapi = format!("{base}/openapi.json");
            match curl.is_empty() {
                true => println!("  API-beschrijving: {openapi}"),
                false => println!("  API-beschrijving: curl -s {curl}{openapi}"),
            }
        }
        let _ = std::io::stdout().flush();
        shutdown_signal().await;
        service.shutdown().await?;
        Ok(())
    } else if let Command::Oefenomgeving {
        cmd: cli::OefenCmd::Reset,
    } = command
    {
        let nieuw =
            swf_server::oefen::reset(config, &swf_server::oefen::Wachtwoorden::Willekeurig).await?;
        println!("oefenomgeving teruggezet naar de beginstand");
        swf_server::oefen::print_wachtwoorden(&mut std::io::stdout().lock(), &nieuw);
        Ok(())
    } else {
        let st = swf_server::open_state(config, false).await?;
        cli::run_admin(&st, command).await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
