//! `samenwerkruimte-achtergrond`: the app while its window is closed (Linux; decision D52).
//!
//! Started by the app when its window closes with background mode on, or by the autostart
//! entry at login. It claims the data folder (or ends when someone holds it), restores the
//! remembered session from the keychain, follows the service live, gives the OS notifications
//! (the engine's policy and dedupe, the shared [`OsNotifier`]) and shows a StatusNotifierItem
//! tray with the counts and Openen / Nu bijwerken / Afsluiten. "Openen" (tray or notification)
//! starts the app; the app takes the folder over through the socket and this process ends.
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use swf_achtergrond::notifier::OsNotifier;
use swf_achtergrond::opties::{self, Opties};
use swf_achtergrond::overdracht::{self, Claim};
#[cfg(target_os = "linux")]
use swf_achtergrond::tellingen::{self, Tellingen};
use swf_client::attendering::{Attendering, AttenderingConfig, Doel};
use swf_client::mirror::Mirror;
use swf_client::remote::RemoteConfig;
use swf_client::sync::SyncConfig;
use swf_client::ErrorCode;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What the tray, the notifications, the socket and the signals ask of the main loop.
enum Vraag {
    Openen(Option<Doel>),
    /// "Nu bijwerken" in the tray (the tray is Linux only, D52)
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Bijwerken,
    Afsluiten,
    /// The app takes the folder over; answer on this connection when it is free.
    #[cfg(unix)]
    Overnemen(std::os::unix::net::UnixStream),
}

fn main() -> ExitCode {
    let opties = match Opties::lezen(std::env::args_os().skip(1), |k| std::env::var_os(k)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("samenwerkruimte-achtergrond: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match overdracht::claim_stil(&opties.data_dir) {
        #[cfg(unix)]
        Some(Claim::Eerste(l, _)) => Some(l),
        Some(Claim::Andere) => {
            eprintln!(
                "Samenwerkruimte draait al voor {}: niets te doen.",
                opties.data_dir.display()
            );
            return ExitCode::SUCCESS;
        }
        None => None,
    };
    let _log = logboek(&opties);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "no runtime");
            return ExitCode::FAILURE;
        }
    };
    let code = rt.block_on(draaien(opties.clone(), listener));
    let _ = std::fs::remove_file(overdracht::socket(&opties.data_dir));
    // the notifications' waiting threads and the tray end with the process
    rt.shutdown_timeout(Duration::from_secs(2));
    tracing::info!("the background process stopped");
    code
}

fn logboek(o: &Opties) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{fmt, EnvFilter, Layer};
    std::fs::create_dir_all(&o.log_dir).ok()?;
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("achtergrond")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&o.log_dir)
        .ok()?;
    let (schrijver, guard) = tracing_appender::non_blocking(appender);
    let filter = std::env::var("SWF_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,reqwest=warn,zbus=warn"));
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(schrijver)
                .with_ansi(false)
                .with_filter(filter),
        )
        .try_init()
        .ok()?;
    tracing::info!(
        versie = env!("CARGO_PKG_VERSION"),
        data = %o.data_dir.display(),
        "Samenwerkruimte background process starting"
    );
    Some(guard)
}

#[cfg(unix)]
type Listener = std::os::unix::net::UnixListener;
#[cfg(not(unix))]
type Listener = ();

async fn draaien(o: Opties, listener: Option<Listener>) -> ExitCode {
    let (mirror, _) = match Mirror::open(&o.data_dir.join("spiegel")).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "the local copy cannot be opened");
            return ExitCode::FAILURE;
        }
    };
    let secrets = swf_client::secrets::secret_store_from_env(&o.identifier);
    let sessie = match swf_client::session::restore(
        &mirror,
        &*secrets,
        |url: &str| RemoteConfig::new(url),
        SyncConfig::default(),
    )
    .await
    {
        Ok(Some(s)) => s,
        Ok(None) => {
            tracing::info!("not signed in (or not remembered): nothing to follow");
            mirror.close().await;
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            tracing::error!(error = %e, "the remembered session could not be restored");
            mirror.close().await;
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(service = %sessie.account.service_url, "following the service in the background");
    let engine = sessie.engine.clone();
    let (vragen, mut vraag_rx) = mpsc::unbounded_channel::<Vraag>();

    let stop = CancellationToken::new();
    let volgen = {
        let (engine, stop, vragen) = (engine.clone(), stop.clone(), vragen.clone());
        tokio::spawn(async move {
            match engine.follow(stop).await {
                Ok(()) => {}
                Err(e) if e.code() == ErrorCode::Unauthorized => {
                    tracing::warn!(
                        "the service no longer accepts this session; the app asks to sign in again"
                    );
                    let _ = vragen.send(Vraag::Afsluiten);
                }
                Err(e) => tracing::error!(error = %e, "sync stopped"),
            }
        })
    };
    let v = vragen.clone();
    let notifier = Arc::new(OsNotifier::new(move |doel| {
        let _ = v.send(Vraag::Openen(Some(doel)));
    }));
    let attendering = Attendering::start(&engine, notifier, AttenderingConfig::default());

    if let Some(l) = listener {
        luisteren(l, vragen.clone());
    }
    signalen(vragen.clone());
    let tray = tray::starten(&mirror, vragen.clone()).await;
    let tray_taak = tray.map(|t| tokio::spawn(tray::volgen(t, engine.clone(), stop.clone())));

    let mut app_gestart: Option<Instant> = None;
    #[cfg(unix)]
    let mut overnemer = None;
    while let Some(v) = vraag_rx.recv().await {
        match v {
            Vraag::Openen(doel) => {
                // a second click while the app starts does not start a second one
                if app_gestart.is_some_and(|t| t.elapsed() < Duration::from_secs(30)) {
                    tracing::info!("Openen: the app is already starting");
                    continue;
                }
                if app_starten(&o, doel.as_ref()) {
                    app_gestart = Some(Instant::now());
                }
            }
            Vraag::Bijwerken => {
                let e = engine.clone();
                tokio::spawn(async move {
                    if let Err(err) = e.sync_once().await {
                        tracing::warn!(error = %err, "Nu bijwerken from the tray failed");
                    }
                });
            }
            Vraag::Afsluiten => {
                tracing::info!("closing the background process");
                break;
            }
            #[cfg(unix)]
            Vraag::Overnemen(s) => {
                tracing::info!("the app takes over");
                overnemer = Some(s);
                break;
            }
        }
    }
    // stop following and notifying, close the mirror: then the folder is free
    stop.cancel();
    attendering.stop().await;
    let _ = volgen.await;
    if let Some(t) = tray_taak {
        let _ = t.await;
    }
    mirror.close().await;
    let _ = std::fs::remove_file(overdracht::socket(&o.data_dir));
    #[cfg(unix)]
    if let Some(mut s) = overnemer {
        use std::io::Write;
        if let Err(e) = s.write_all(overdracht::VRIJ) {
            tracing::warn!(error = %e, "the app did not get the answer");
        }
    }
    ExitCode::SUCCESS
}

/// Start the app (next to this binary) for the same folder, with the target to show.
fn app_starten(o: &Opties, doel: Option<&Doel>) -> bool {
    let exe = match std::env::current_exe() {
        Ok(eigen) => overdracht::naast(
            &eigen,
            opties::APP_BIN,
            std::env::var_os(opties::ENV_APP_EXE).map(Into::into),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "Openen: this program's own path is unknown");
            return false;
        }
    };
    let mut cmd = std::process::Command::new(&exe);
    cmd.env("SWF_APP_DATA_DIR", &o.data_dir)
        .env("SWF_APP_LOG_DIR", &o.log_dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(d) = doel {
        cmd.arg(opties::ARG_OPENEN).arg(opties::doel_arg(d));
    }
    match cmd.spawn() {
        Ok(kind) => {
            tracing::info!(pid = kind.id(), ?doel, "Openen: the app starts");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, exe = %exe.display(), "Openen: the app did not start");
            false
        }
    }
}

/// Answer the app on the socket (a thread for the process's life).
#[cfg(unix)]
fn luisteren(l: Listener, vragen: mpsc::UnboundedSender<Vraag>) {
    let r = std::thread::Builder::new()
        .name("overdracht".into())
        .spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                if overdracht::is_tonen(&mut s) && vragen.send(Vraag::Overnemen(s)).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = r {
        tracing::warn!(error = %e, "no thread for the socket");
    }
}

#[cfg(not(unix))]
fn luisteren(_l: Listener, _vragen: mpsc::UnboundedSender<Vraag>) {}

/// SIGTERM (log-out) and SIGINT end the process the normal way.
fn signalen(vragen: mpsc::UnboundedSender<Vraag>) {
    tokio::spawn(async move {
        swf_client::stopsignaal::stop_signaal().await;
        let _ = vragen.send(Vraag::Afsluiten);
    });
}

#[cfg(target_os = "linux")]
mod tray {
    //! The StatusNotifierItem tray (ksni over D-Bus; no GTK): the count line in its tooltip and
    //! as the first (disabled) menu line, and Openen, Nu bijwerken, Afsluiten.
    use super::*;
    use ksni::menu::StandardItem;
    use ksni::TrayMethods;
    use swf_client::instellingen::Taal;

    pub struct Tray {
        tellingen: Tellingen,
        taal: Taal,
        vragen: mpsc::UnboundedSender<Vraag>,
    }

    impl ksni::Tray for Tray {
        fn id(&self) -> String {
            "samenwerkruimte".into()
        }
        fn title(&self) -> String {
            "Samenwerkruimte".into()
        }
        fn icon_name(&self) -> String {
            "samenwerkruimte".into()
        }
        fn tool_tip(&self) -> ksni::ToolTip {
            ksni::ToolTip {
                title: "Samenwerkruimte".into(),
                description: self.tellingen.tekst(self.taal),
                ..Default::default()
            }
        }
        fn activate(&mut self, _x: i32, _y: i32) {
            let _ = self.vragen.send(Vraag::Openen(None));
        }
        fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
            let [openen, bijwerken, afsluiten] = tellingen::labels(self.taal);
            vec![
                StandardItem {
                    label: self.tellingen.tekst(self.taal),
                    enabled: false,
                    ..Default::default()
                }
                .into(),
                ksni::MenuItem::Separator,
                StandardItem {
                    label: openen.into(),
                    activate: Box::new(|t: &mut Self| {
                        let _ = t.vragen.send(Vraag::Openen(None));
                    }),
                    ..Default::default()
                }
                .into(),
                StandardItem {
                    label: bijwerken.into(),
                    activate: Box::new(|t: &mut Self| {
                        let _ = t.vragen.send(Vraag::Bijwerken);
                    }),
                    ..Default::default()
                }
                .into(),
                StandardItem {
                    label: afsluiten.into(),
                    activate: Box::new(|t: &mut Self| {
                        tracing::info!("Afsluiten from the tray");
                        let _ = t.vragen.send(Vraag::Afsluiten);
                    }),
                    ..Default::default()
                }
                .into(),
            ]
        }
    }

    /// Put the tray on the session bus; a session without one (or without a tray host that
    /// ever comes) is logged, the process runs on without.
    pub async fn starten(
        mirror: &Mirror,
        vragen: mpsc::UnboundedSender<Vraag>,
    ) -> Option<ksni::Handle<Tray>> {
        let t = Tray {
            tellingen: tellingen::tellen(mirror).await.unwrap_or_default(),
            taal: mirror.taal().await.unwrap_or_default(),
            vragen,
        };
        // a panel that starts after us still finds the item
        match t.assume_sni_available(true).spawn().await {
            Ok(h) => {
                tracing::info!("tray icon ready");
                Some(h)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no tray icon");
                None
            }
        }
    }

    /// Keep the counts current: on every change notice and every 30 s (read marks are local).
    pub async fn volgen(
        h: ksni::Handle<Tray>,
        engine: swf_client::sync::Engine,
        stop: CancellationToken,
    ) {
        let mirror = engine.mirror().clone();
        tellingen::volgen(&engine, &stop, |t| {
            let (h, mirror) = (&h, &mirror);
            async move {
                let taal = mirror.taal().await.unwrap_or_default();
                h.update(|tray| {
                    tray.tellingen = t;
                    tray.taal = taal;
                })
                .await;
            }
        })
        .await;
        h.shutdown().await;
    }
}

#[cfg(not(target_os = "linux"))]
mod tray {
    //! Elsewhere the app keeps running in-process in the background (D52): no tray here.
    use super::*;
    pub struct Tray;
    pub async fn starten(_m: &Mirror, _v: mpsc::UnboundedSender<Vraag>) -> Option<Tray> {
        None
    }
    pub async fn volgen(_t: Tray, _e: swf_client::sync::Engine, _s: CancellationToken) {}
}
