//! `swf`: the Samenwerkruimte engine on the command line, for administrators and scripts.
//!
//! Reads come from the local mirror (they work offline); writes go to the service and are
//! followed by a sync, so the mirror shows them at once. `--json` prints machine-readable
//! output on stdout; messages and progress go to stderr.
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use swf_client::mirror::{Mirror, NotificatieFilter, OverviewFilter, StatusFilter};
use swf_client::remote::RemoteConfig;
use swf_client::secrets::{secret_store_from_env, SecretStore};
use swf_client::session::{self, Session};
use swf_client::sync::SyncConfig;
use swf_client::{ClientError, ErrorCode};
use swf_domain::{
    ActieverzoekOpstellen, ActieverzoekStatus, ActieverzoekWijzigen, DocumentRef, Oin,
    Vertrouwelijkheid,
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Keychain namespace of the CLI (the desktop app has its own).
const IDENTIFIER: &str = "nl.samenwerkruimte.swf";

#[derive(Parser)]
#[command(
    name = "swf",
    version,
    about = "Samenwerkruimte op de opdrachtregel: samenwerkingen, documenten en actieverzoeken, ook offline te lezen"
)]
struct Cli {
    /// Map met de lokale spiegel (standaard: $SWF_HOME, anders de gebruikersdatamap)
    #[arg(long, global = true, env = "SWF_HOME")]
    data_dir: Option<PathBuf>,
    /// Uitvoer als JSON (voor scripts)
    #[arg(long, global = true)]
    json: bool,
    /// Een token van de beheerder (systeemkoppeling) in plaats van aanmelden
    #[arg(long, global = true, env = "SWF_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Adres van de service (bij --token, als er nog geen account is)
    #[arg(long, global = true, env = "SWF_SERVICE")]
    service: Option<String>,
    /// Proxy voor al het verkeer (anders HTTP(S)_PROXY uit de omgeving)
    #[arg(long, global = true, env = "SWF_PROXY")]
    proxy: Option<String>,
    /// Extra vertrouwd CA-certificaat (PEM), bijvoorbeeld van een bedrijfsproxy
    #[arg(long, global = true, env = "SWF_CA_CERT")]
    ca_cert: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Aanmelden bij een service; het token gaat naar de sleutelbos van het systeem
    Login {
        /// Adres van de service, bijvoorbeeld https://samenwerken.example.nl
        #[arg(long)]
        service: Option<String>,
        #[arg(long)]
        gebruiker: String,
        /// Lees het wachtwoord van standaardinvoer (voor scripts)
        #[arg(long)]
        wachtwoord_stdin: bool,
        /// Niet onthouden: alleen deze opdracht is aangemeld (de lokale kopie blijft leesbaar)
        #[arg(long)]
        niet_onthouden: bool,
    },
    /// Afmelden: token intrekken, uit de sleutelbos halen en de lokale kopie wissen
    Logout,
    /// Account, verbinding, laatste synchronisatie en inhoud van de spiegel
    Status,
    /// Synchroniseer met de service (eenmalig, of blijf volgen met --follow)
    Sync {
        #[arg(long)]
        follow: bool,
    },
    /// Mijn samenwerkingen (uit de spiegel): wat van mij gevraagd wordt eerst
    Ls {
        #[arg(long, value_enum, default_value_t = StatusArg::Alle)]
        status: StatusArg,
        /// Zoek op titel, verzoeknummer of partner (naam of OIN)
        #[arg(long)]
        zoek: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Eén samenwerking met deelnemers, documenten, actieverzoeken en notificaties
    Show { samenwerking_id: String },
    /// Documenten downloaden of toevoegen
    Docs {
        #[command(subcommand)]
        cmd: DocsCmd,
    },
    /// Actieverzoeken versturen en afhandelen
    Verzoek {
        #[command(subcommand)]
        cmd: VerzoekCmd,
    },
    /// Houd een samenwerking offline beschikbaar: al haar documenten worden lokaal bewaard
    Offline {
        samenwerking_id: String,
        /// Niet meer offline beschikbaar houden (gedownloade bestanden blijven tot ze wijzigen)
        #[arg(long)]
        uit: bool,
    },
    /// Notificaties lezen, als gelezen markeren of verwijderen
    Notificaties {
        #[command(subcommand)]
        cmd: Option<NotifCmd>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Alle,
    Open,
    Gesloten,
}

#[derive(Subcommand)]
enum DocsCmd {
    /// Download een document (gecontroleerd tegen de hash); werkt offline als het al lokaal is
    Download {
        document_id: Uuid,
        /// Waar het bestand heen moet (standaard: de bestandsnaam in de huidige map)
        #[arg(long)]
        naar: Option<PathBuf>,
    },
    /// Voeg een bestand toe aan een samenwerking
    Upload {
        samenwerking_id: String,
        bestand: PathBuf,
        /// Strikt vertrouwelijk (alleen deelnemers met volledige toegang zien het)
        #[arg(long)]
        sv: bool,
        #[arg(long)]
        omschrijving: Option<String>,
    },
}

#[derive(Args)]
struct Melding {
    /// Toelichting bij de statuswijziging
    #[arg(long)]
    melding: Option<String>,
}

#[derive(Subcommand)]
enum VerzoekCmd {
    /// Stuur een actieverzoek aan een deelnemer
    #[command(alias = "send")]
    Versturen {
        samenwerking_id: String,
        /// OIN van de ontvanger
        #[arg(long)]
        aan: String,
        #[arg(long)]
        titel: String,
        #[arg(long)]
        omschrijving: String,
        /// Document-id om mee te sturen (mag vaker)
        #[arg(long = "document")]
        documenten: Vec<Uuid>,
    },
    /// In behandeling nemen (ontvanger)
    #[command(alias = "treat")]
    Behandelen {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Weigeren (ontvanger)
    #[command(alias = "refuse")]
    Weigeren {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Gereedmelden (ontvanger)
    #[command(alias = "ready")]
    Gereedmelden {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Accepteren: gereed (zender)
    #[command(alias = "accept")]
    Accepteren {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Terugsturen: weer in behandeling (zender)
    #[command(alias = "return")]
    Terugsturen {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Intrekken (zender)
    #[command(alias = "withdraw")]
    Intrekken {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Stuur een bericht bij een actieverzoek
    Bericht {
        actieverzoek_id: Uuid,
        tekst: String,
    },
}

#[derive(Subcommand)]
enum NotifCmd {
    /// Lijst (nieuwste eerst)
    Ls {
        #[arg(long)]
        ongelezen: bool,
        #[arg(long)]
        samenwerking: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Markeer als gelezen (alleen op deze computer)
    Gelezen { ids: Vec<Uuid> },
    /// Verwijder bij de service (voor uw hele organisatie)
    #[command(alias = "delete")]
    Verwijder { id: Uuid },
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

struct Ctx {
    cli: Cli,
    mirror: Mirror,
    secrets: Box<dyn SecretStore>,
}

impl Ctx {
    fn remote_config(&self, url: &str) -> RemoteConfig {
        let mut c = RemoteConfig::new(url);
        c.proxy = self.cli.proxy.clone();
        c.ca_certificates = self.cli.ca_cert.clone();
        c
    }

    /// The session for commands that talk to the service.
    async fn session(&self) -> Result<Session, ClientError> {
        if let Some(token) = &self.cli.token {
            let stored = self.mirror.account().await?;
            let url = self
                .cli
                .service
                .clone()
                .or_else(|| stored.as_ref().map(|a| a.service_url.clone()))
                .ok_or_else(|| {
                    ClientError::Config(
                        "geef met --service (of SWF_SERVICE) het adres van de service".into(),
                    )
                })?;
            return session::with_token(
                &self.mirror,
                self.remote_config(&url),
                SyncConfig::default(),
                token,
            )
            .await;
        }
        let configure = |url: &str| self.remote_config(url);
        session::restore(
            &self.mirror,
            self.secrets.as_ref(),
            configure,
            SyncConfig::default(),
        )
        .await?
        .ok_or(ClientError::NotSignedIn)
    }

    fn out<T: Serialize>(&self, value: &T, human: impl FnOnce()) -> Result<(), ClientError> {
        if self.cli.json {
            let s = serde_json::to_string_pretty(value)
                .map_err(|e| ClientError::Protocol(e.to_string()))?;
            println!("{s}");
        } else {
            human();
        }
        Ok(())
    }

    fn say(&self, msg: &str) {
        if !self.cli.json {
            eprintln!("{msg}");
        }
    }

    fn progress(&self, len: Option<u64>, what: &str) -> Option<ProgressBar> {
        if self.cli.json || !std::io::stderr().is_terminal() {
            return None;
        }
        let pb = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, nog {eta})",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(what.to_owned());
        Some(pb)
    }
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
    let json = cli.json;
    let soort = Soort::of(&cli.command);
    let met_token = cli.token.is_some();
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let melding = melding(&e, soort, met_token);
            if json {
                let v = serde_json::json!({"fout": {"code": e.code(), "melding": melding}});
                println!("{v}");
            }
            eprintln!("fout: {melding}");
            ExitCode::from(exit_code(&e))
        }
    }
}

/// What a command does at the service, for what its failure means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Soort {
    /// Changes something at the service.
    Schrijven,
    /// Brings the local copy up to date.
    Synchroniseren,
    /// `swf logout`.
    Afmelden,
    Anders,
}

impl Soort {
    fn of(c: &Command) -> Soort {
        match c {
            Command::Verzoek { .. }
            | Command::Docs {
                cmd: DocsCmd::Upload { .. },
            }
            | Command::Notificaties {
                cmd: Some(NotifCmd::Verwijder { .. }),
            } => Soort::Schrijven,
            Command::Sync { .. } => Soort::Synchroniseren,
            Command::Logout => Soort::Afmelden,
            _ => Soort::Anders,
        }
    }
}

/// The message for a failed one-off command: what happened and what to do. The engine's own
/// messages speak to the desktop app (which keeps retrying and shows the synchronised state);
/// a command retries nothing, and a write shows nothing.
fn melding(e: &ClientError, soort: Soort, met_token: bool) -> String {
    const CONTROLEER: &str =
        "Controleer de netwerkverbinding en het adres van de service (`swf status`)";
    match e {
        ClientError::Unauthorized if met_token => {
            "de service weigert het token uit --token of SWF_TOKEN: \
             het is ongeldig, verlopen of ingetrokken. Vraag de beheerder van de service om een \
             geldig token, of laat --token en SWF_TOKEN weg en meld u aan met `swf login`"
                .to_owned()
        }
        // the only refusal of `DELETE /auth/token`: a case system's token (D1)
        ClientError::Forbidden(_) if met_token && soort == Soort::Afmelden => {
            "het token uit --token of SWF_TOKEN is een systeemtoken van een zaaksysteem; dat \
             meldt u niet af met `swf logout`. Het blijft geldig: de beheerder van de service \
             trekt het in met `swf-server token revoke`. Er is niets gewijzigd, ook de lokale \
             kopie niet"
                .to_owned()
        }
        ClientError::Offline(reden) if reden == "time-out" && soort == Soort::Schrijven => {
            "de service antwoordde niet op tijd; het is niet zeker of de opdracht is uitgevoerd. \
             Kijk na `swf sync` (met `swf show`) of het gelukt is voordat u het opnieuw probeert"
                .to_owned()
        }
        ClientError::Offline(reden) => {
            let gevolg = match soort {
                Soort::Schrijven => "; de opdracht is niet uitgevoerd.",
                Soort::Synchroniseren => {
                    "; de lokale kopie is niet bijgewerkt (`swf ls` en `swf show` tonen de stand \
                     van de vorige synchronisatie)."
                }
                Soort::Afmelden | Soort::Anders => ".",
            };
            let doe = match soort {
                Soort::Schrijven => "voer de opdracht opnieuw uit",
                _ => "probeer het opnieuw",
            };
            format!("de service is niet bereikbaar ({reden}){gevolg} {CONTROLEER} en {doe}")
        }
        other => other.to_string(),
    }
}

/// A moment in the user's local time, the same in every command.
fn lokale_tijd(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// Exit codes scripts can branch on.
fn exit_code(e: &ClientError) -> u8 {
    match e.code() {
        ErrorCode::Offline => 3,
        ErrorCode::Unauthorized => 4,
        ErrorCode::Forbidden | ErrorCode::NotFound => 5,
        ErrorCode::Conflict | ErrorCode::Validation => 6,
        ErrorCode::KeyringUnavailable => 7,
        ErrorCode::StorageFull | ErrorCode::Internal => 1,
    }
}

async fn run(cli: Cli) -> Result<(), ClientError> {
    let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    std::fs::create_dir_all(&dir)?;
    let (mirror, report) = Mirror::open(&dir).await?;
    if report.mirror_rebuilt && !cli.json {
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
        cli,
    };
    let r = dispatch(&ctx).await;
    ctx.mirror.close().await;
    r
}

async fn dispatch(ctx: &Ctx) -> Result<(), ClientError> {
    match &ctx.cli.command {
        Command::Login {
            service,
            gebruiker,
            wachtwoord_stdin,
            niet_onthouden,
        } => {
            let url = service
                .clone()
                .or_else(|| ctx.cli.service.clone())
                .ok_or_else(|| {
                    ClientError::Config("geef met --service het adres van de service".into())
                })?;
            let wachtwoord = read_password(*wachtwoord_stdin)?;
            let (s, warning) = session::login(
                &ctx.mirror,
                ctx.secrets.as_ref(),
                ctx.remote_config(&url),
                SyncConfig::default(),
                gebruiker,
                &wachtwoord,
                !*niet_onthouden,
            )
            .await?;
            if let Some(w) = &warning {
                eprintln!("let op: {w}");
            }
            ctx.say(&format!(
                "aangemeld als {} ({}, OIN {})",
                gebruiker, s.account.organisatie_naam, s.account.oin
            ));
            let report = s.engine.sync_once().await?;
            ctx.out(
                &serde_json::json!({"account": s.account, "sync": report}),
                || {
                    eprintln!("gesynchroniseerd: {} samenwerkingen", report.samenwerkingen);
                },
            )
        }
        Command::Logout => {
            let s = ctx.session().await.ok();
            // with --token the service may refuse (a system token is the administrator's to
            // revoke, D1): then stop here, before anything local is wiped
            if let (Some(s), Some(_)) = (&s, &ctx.cli.token) {
                if let Err(e @ ClientError::Forbidden(_)) = s.engine.remote().logout().await {
                    return Err(e);
                }
            }
            session::logout(&ctx.mirror, ctx.secrets.as_ref(), s.as_ref()).await?;
            ctx.say("afgemeld; de lokale kopie is gewist");
            ctx.out(&serde_json::json!({"afgemeld": true}), || {})
        }
        Command::Status => status(ctx).await,
        Command::Sync { follow } => {
            let s = ctx.session().await?;
            if !*follow {
                let r = s.engine.sync_once().await?;
                s.engine.cache_offline_documenten().await?;
                return ctx.out(&r, || {
                    println!(
                        "gesynchroniseerd{}: {} samenwerkingen gelezen, {} wijzigingen toegepast",
                        if r.volledig { " (volledig)" } else { "" },
                        r.samenwerkingen,
                        r.gebeurtenissen,
                    )
                });
            }
            let cancel = CancellationToken::new();
            let c2 = cancel.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                c2.cancel();
            });
            let mut changes = s.engine.subscribe();
            let mut status = s.engine.status();
            let json = ctx.cli.json;
            let printer = tokio::spawn(async move {
                loop {
                    tokio::select! {
                        c = changes.recv() => match c {
                            Ok(c) => {
                                if json {
                                    if let Ok(s) = serde_json::to_string(&c) { println!("{s}"); }
                                } else {
                                    for ch in &c.changes {
                                        println!("{:?}: {}", ch.kind, ch.ids.join(", "));
                                    }
                                }
                                let _ = std::io::stdout().flush();
                            }
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                            Err(_) => return,
                        },
                        r = status.changed() => {
                            if r.is_err() { return; }
                            let st = status.borrow_and_update().clone();
                            if !json {
                                eprintln!("[{:?}{}] {}", st.verbinding, if st.live { ", live" } else { "" }, st.melding.unwrap_or_default());
                            }
                        }
                    }
                }
            });
            ctx.say("volgt de service; stop met Ctrl+C");
            let r = s.engine.follow(cancel).await;
            printer.abort();
            r
        }
        Command::Ls {
            status,
            zoek,
            limit,
        } => {
            let account = ctx.mirror.account().await?;
            let page = ctx
                .mirror
                .overview(&OverviewFilter {
                    mijn_oin: account.map(|a| a.oin),
                    status: match status {
                        StatusArg::Alle => StatusFilter::Alle,
                        StatusArg::Open => StatusFilter::Open,
                        StatusArg::Gesloten => StatusFilter::Gesloten,
                    },
                    zoek: zoek.clone(),
                    limit: *limit,
                    offset: 0,
                })
                .await?;
            ctx.out(&page, || {
                let rows: Vec<Vec<String>> = page
                    .items
                    .iter()
                    .map(|i| {
                        vec![
                            i.samenwerking_id.clone(),
                            i.titel.clone(),
                            i.verzoeknummer.clone().unwrap_or_default(),
                            i.status.to_string(),
                            i.mijn_rol.map(|r| r.to_string()).unwrap_or_default(),
                            i.open_inkomend.to_string(),
                            i.open_uitgaand.to_string(),
                            i.ongelezen_notificaties.to_string(),
                            i.partners.join(", "),
                        ]
                    })
                    .collect();
                table(
                    &[
                        "ID",
                        "TITEL",
                        "VERZOEK",
                        "STATUS",
                        "ROL",
                        "AAN MIJ",
                        "VAN MIJ",
                        "ONGELEZEN",
                        "PARTNERS",
                    ],
                    &rows,
                );
                println!("{} van {} samenwerkingen", page.items.len(), page.total);
            })?;
            footer(ctx).await
        }
        Command::Show { samenwerking_id } => {
            let d = ctx
                .mirror
                .samenwerking(samenwerking_id)
                .await?
                .ok_or_else(|| {
                    ClientError::NotFound(format!(
                        "samenwerking {samenwerking_id} staat niet in de spiegel (`swf sync`?)"
                    ))
                })?;
            ctx.out(&d, || {
                let s = &d.samenwerking;
                println!("{}  [{}]", s.titel, s.status.status);
                if let Some(v) = &s.verzoeknummer {
                    println!("verzoeknummer: {v}");
                }
                println!("\nDeelnemers");
                table(
                    &["OIN", "NAAM", "ROL", "TOEGANG"],
                    &d.deelnemers
                        .iter()
                        .map(|x| {
                            vec![
                                x.oin.to_string(),
                                x.naam.clone(),
                                x.rol.to_string(),
                                x.privilege.to_string(),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
                println!("\nDocumenten");
                table(
                    &["ID", "NAAM", "VERTR.", "BYTES", "LOKAAL"],
                    &d.documenten
                        .iter()
                        .map(|x| {
                            vec![
                                x.document.document_id.to_string(),
                                x.document.bestands_naam.clone(),
                                x.document.vertrouwelijkheids_aanduiding.to_string(),
                                x.document.grootte.to_string(),
                                if x.cached { "ja".into() } else { "".into() },
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
                println!("\nActieverzoeken");
                table(
                    &["ID", "TITEL", "STATUS", "VAN", "AAN", "BERICHTEN"],
                    &d.actieverzoeken
                        .iter()
                        .map(|x| {
                            let a = &x.actieverzoek;
                            vec![
                                a.actieverzoek_id.to_string(),
                                a.titel.clone(),
                                a.status.to_string(),
                                a.zender_naam.clone(),
                                a.ontvanger_naam.clone(),
                                x.berichten.len().to_string(),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
                println!("\nNotificaties");
                table(
                    &["ID", "DATUM", "TITEL", "GELEZEN"],
                    &d.notificaties
                        .iter()
                        .map(|x| {
                            vec![
                                x.notificatie.notificatie_id.to_string(),
                                lokale_tijd(x.notificatie.event_datum_tijd),
                                x.notificatie.notificatie_titel.clone(),
                                if x.gelezen { "ja".into() } else { "".into() },
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            })?;
            footer(ctx).await
        }
        Command::Offline {
            samenwerking_id,
            uit,
        } => {
            if ctx.mirror.samenwerking(samenwerking_id).await?.is_none() {
                return Err(ClientError::NotFound(format!(
                    "samenwerking {samenwerking_id} staat niet in de spiegel (`swf sync`?)"
                )));
            }
            ctx.mirror
                .set_offline_beschikbaar(samenwerking_id, !*uit)
                .await?;
            let mut n = 0;
            if !*uit {
                let s = ctx.session().await?;
                n = s.engine.cache_offline_documenten().await?;
            }
            ctx.out(
                &serde_json::json!({"samenwerkingId": samenwerking_id, "offline": !*uit, "gedownload": n}),
                || {
                    if *uit {
                        println!("{samenwerking_id} wordt niet meer offline bijgehouden");
                    } else {
                        println!("{samenwerking_id} is offline beschikbaar ({n} documenten gedownload)");
                    }
                },
            )
        }
        Command::Docs { cmd } => docs(ctx, cmd).await,
        Command::Verzoek { cmd } => verzoek(ctx, cmd).await,
        Command::Notificaties { cmd } => notificaties(ctx, cmd.as_ref()).await,
    }
}

async fn status(ctx: &Ctx) -> Result<(), ClientError> {
    let account = ctx.mirror.account().await?;
    let state = ctx.mirror.sync_state().await?;
    let stats = ctx.mirror.stats().await?;
    // reachability: one cheap call, only when signed in
    let bereikbaar = match ctx.session().await {
        Ok(s) => match s.engine.remote().gebeurtenissen(None, 1).await {
            Ok(_) => "online".to_owned(),
            Err(ClientError::Offline(_)) => "offline".to_owned(),
            Err(ClientError::Unauthorized) if ctx.cli.token.is_some() => {
                "token geweigerd (--token of SWF_TOKEN)".to_owned()
            }
            Err(ClientError::Unauthorized) => "aanmelding verlopen".to_owned(),
            Err(e) => format!("fout: {e}"),
        },
        Err(ClientError::NotSignedIn) => "niet aangemeld".to_owned(),
        Err(e) => format!("fout: {e}"),
    };
    let v = serde_json::json!({
        "account": account,
        "verbinding": bereikbaar,
        "cursor": state.cursor,
        "laatstGesynchroniseerd": state.last_synced_at,
        "volledigeSyncBezig": state.full_sync.is_some(),
        "spiegel": stats,
        "map": ctx.mirror.dir(),
    });
    ctx.out(&v, || {
        match &account {
            Some(a) => println!(
                "account:     {} ({}, OIN {}) bij {}",
                a.gebruikersnaam.as_deref().unwrap_or("systeemtoken"),
                a.organisatie_naam,
                a.oin,
                a.service_url
            ),
            None => println!("account:     niet aangemeld"),
        }
        println!("verbinding:  {bereikbaar}");
        println!(
            "laatst gesynchroniseerd: {}",
            state.last_synced_at.map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M:%S").to_string()).unwrap_or_else(|| "nooit".into())
        );
        println!(
            "spiegel:     {} samenwerkingen, {} documenten ({} lokaal), {} actieverzoeken, {} notificaties",
            stats.samenwerkingen, stats.documenten, stats.gecachte_documenten, stats.actieverzoeken, stats.notificaties
        );
        println!("map:         {}", ctx.mirror.dir().display());
    })
}

async fn footer(ctx: &Ctx) -> Result<(), ClientError> {
    if !ctx.cli.json {
        let st = ctx.mirror.sync_state().await?;
        match st.last_synced_at {
            Some(t) => eprintln!(
                "(uit de lokale spiegel; laatst gesynchroniseerd {})",
                t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M:%S")
            ),
            None => eprintln!("(de lokale spiegel is nog niet gesynchroniseerd: `swf sync`)"),
        }
    }
    Ok(())
}

async fn docs(ctx: &Ctx, cmd: &DocsCmd) -> Result<(), ClientError> {
    match cmd {
        DocsCmd::Download { document_id, naar } => {
            let doc = ctx.mirror.document(*document_id).await?.ok_or_else(|| {
                ClientError::NotFound(format!("document {document_id} staat niet in de spiegel"))
            })?;
            let dest = naar
                .clone()
                .unwrap_or_else(|| PathBuf::from(safe_name(&doc.document.bestands_naam)));
            let cached = match ctx.mirror.cached_document(*document_id).await? {
                Some(c) if c.sha256 == doc.document.document_hash && c.path.exists() => c.path,
                _ => {
                    let s = ctx.session().await?;
                    let pb = ctx.progress(Some(doc.document.grootte), &doc.document.bestands_naam);
                    let pb2 = pb.clone();
                    let path = s
                        .engine
                        .document_bestand(*document_id, &move |done, total| {
                            if let Some(p) = &pb2 {
                                if let Some(t) = total {
                                    p.set_length(t);
                                }
                                p.set_position(done);
                            }
                        })
                        .await?;
                    if let Some(p) = pb {
                        p.finish_and_clear();
                    }
                    path
                }
            };
            copy_atomic(&cached, &dest)?;
            ctx.say(&format!("opgeslagen: {}", dest.display()));
            ctx.out(
                &serde_json::json!({"bestand": dest, "documentHash": doc.document.document_hash}),
                || {},
            )
        }
        DocsCmd::Upload {
            samenwerking_id,
            bestand,
            sv,
            omschrijving,
        } => {
            let s = ctx.session().await?;
            let len = std::fs::metadata(bestand)?.len();
            let pb = ctx.progress(Some(len), &bestand.display().to_string());
            let pb2 = pb.clone();
            let omschrijving = omschrijving.clone().unwrap_or_else(|| {
                bestand
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let doc = s
                .engine
                .remote()
                .upload_document(
                    samenwerking_id,
                    bestand,
                    if *sv {
                        Vertrouwelijkheid::Sv
                    } else {
                        Vertrouwelijkheid::Rv
                    },
                    &omschrijving,
                    &move |done, _| {
                        if let Some(p) = &pb2 {
                            p.set_position(done);
                        }
                    },
                )
                .await?;
            if let Some(p) = pb {
                p.finish_and_clear();
            }
            sync_after(ctx, &s).await;
            ctx.say(&format!(
                "toegevoegd: {} ({})",
                doc.bestands_naam, doc.document_id
            ));
            ctx.out(&doc, || println!("{}", doc.document_id))
        }
    }
}

async fn verzoek(ctx: &Ctx, cmd: &VerzoekCmd) -> Result<(), ClientError> {
    let s = ctx.session().await?;
    let remote = s.engine.remote();
    let (id, status, m) = match cmd {
        VerzoekCmd::Versturen {
            samenwerking_id,
            aan,
            titel,
            omschrijving,
            documenten,
        } => {
            let ontvanger = Oin::parse(aan).map_err(|e| ClientError::Validation {
                message: format!("--aan: {e}"),
                params: vec![("aan".into(), e.to_string())],
            })?;
            let a = remote
                .stel_actieverzoek_op(
                    samenwerking_id,
                    &ActieverzoekOpstellen {
                        titel: titel.clone(),
                        omschrijving: omschrijving.clone(),
                        ontvanger,
                        product_id: None,
                        documenten: documenten.iter().map(|d| DocumentRef::Id(*d)).collect(),
                    },
                )
                .await?;
            sync_after(ctx, &s).await;
            ctx.say(&format!(
                "verstuurd aan {}: {}",
                a.ontvanger_naam, a.actieverzoek_id
            ));
            return ctx.out(&a, || println!("{}", a.actieverzoek_id));
        }
        VerzoekCmd::Bericht {
            actieverzoek_id,
            tekst,
        } => {
            let b = remote.verstuur_bericht(*actieverzoek_id, tekst).await?;
            sync_after(ctx, &s).await;
            return ctx.out(&b, || println!("bericht verstuurd"));
        }
        VerzoekCmd::Behandelen { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::InBehandeling, m)
        }
        VerzoekCmd::Weigeren { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::Geweigerd, m)
        }
        VerzoekCmd::Gereedmelden { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::Gereedgemeld, m)
        }
        VerzoekCmd::Accepteren { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::Gereed, m)
        }
        VerzoekCmd::Terugsturen { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::InBehandeling, m)
        }
        VerzoekCmd::Intrekken { actieverzoek_id, m } => {
            (actieverzoek_id, ActieverzoekStatus::Ingetrokken, m)
        }
    };
    // the version we act on is the one we last saw: a change meanwhile gives a conflict
    let versie = ctx
        .mirror
        .actieverzoek(*id)
        .await?
        .map(|a| a.actieverzoek.versie);
    let a = remote
        .wijzig_actieverzoek(
            *id,
            &ActieverzoekWijzigen {
                status: Some(status),
                melding: m.melding.clone(),
                ..Default::default()
            },
            versie,
        )
        .await?;
    sync_after(ctx, &s).await;
    ctx.say(&format!("'{}' is nu {}", a.titel, a.status));
    ctx.out(&a, || {})
}

async fn notificaties(ctx: &Ctx, cmd: Option<&NotifCmd>) -> Result<(), ClientError> {
    match cmd {
        None | Some(NotifCmd::Ls { .. }) => {
            let (ongelezen, samenwerking, limit) = match cmd {
                Some(NotifCmd::Ls {
                    ongelezen,
                    samenwerking,
                    limit,
                }) => (*ongelezen, samenwerking.clone(), *limit),
                _ => (false, None, 50),
            };
            let page = ctx
                .mirror
                .notificaties(&NotificatieFilter {
                    samenwerking_id: samenwerking,
                    alleen_ongelezen: ongelezen,
                    limit,
                    offset: 0,
                })
                .await?;
            ctx.out(&page, || {
                table(
                    &["ID", "DATUM", "TITEL", "TEKST", "GELEZEN"],
                    &page
                        .items
                        .iter()
                        .map(|x| {
                            vec![
                                x.notificatie.notificatie_id.to_string(),
                                lokale_tijd(x.notificatie.event_datum_tijd),
                                x.notificatie.notificatie_titel.clone(),
                                x.notificatie.notificatie_tekst.clone(),
                                if x.gelezen { "ja".into() } else { "".into() },
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
                println!("{} van {} notificaties", page.items.len(), page.total);
            })?;
            footer(ctx).await
        }
        Some(NotifCmd::Gelezen { ids }) => {
            ctx.mirror.mark_gelezen(ids).await?;
            ctx.out(&serde_json::json!({"gelezen": ids}), || {
                println!("{} gemarkeerd als gelezen", ids.len())
            })
        }
        Some(NotifCmd::Verwijder { id }) => {
            let s = ctx.session().await?;
            s.engine.remote().verwijder_notificatie(*id).await?;
            sync_after(ctx, &s).await;
            ctx.out(&serde_json::json!({"verwijderd": id}), || {
                println!("verwijderd")
            })
        }
    }
}

/// After a write: bring the mirror up to date so the next read shows it. The write itself
/// succeeded; a failing sync is only reported.
async fn sync_after(ctx: &Ctx, s: &Session) {
    if let Err(e) = s.engine.sync_once().await {
        ctx.say(&format!(
            "let op: gelukt, maar synchroniseren mislukte: {e}"
        ));
    }
}

fn read_password(from_stdin: bool) -> Result<String, ClientError> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        let s = s.trim_end_matches(['\r', '\n']).to_owned();
        if s.is_empty() {
            return Err(ClientError::Validation {
                message: "geen wachtwoord op standaardinvoer".into(),
                params: vec![("wachtwoord".into(), "leeg".into())],
            });
        }
        return Ok(s);
    }
    Ok(rpassword::prompt_password("Wachtwoord: ")?)
}

/// A file name from the service made safe for this file system.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_owned();
    if trimmed.is_empty() {
        "document".into()
    } else {
        trimmed
    }
}

/// Copy via a temp file next to `dest`, then rename: `dest` is either the old or the new file.
fn copy_atomic(from: &Path, dest: &Path) -> Result<(), ClientError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.swf-tmp", Uuid::new_v4()));
    let r = (|| {
        std::fs::copy(from, &tmp)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, dest)
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(r?)
}

fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count().min(60));
            }
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = c.chars().take(60).collect();
                format!("{:<w$}", c, w = widths[i])
            })
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    if rows.is_empty() {
        println!("(geen)");
    }
    for r in rows {
        line(r.clone());
    }
}
