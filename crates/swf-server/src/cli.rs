//! Command line: `serve` and the admin commands that work directly on the data folder.
use crate::app::{now_us, AppState};
use crate::config::Config;
use crate::store::{GebruikerRow, OrganisatieRow};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use swf_domain::{Oin, OrganisatieSoort};

#[derive(Debug, Parser)]
#[command(
    name = "swf-server",
    version,
    about = "Samenwerkruimte: SWF v5-compatibele samenwerkingsservice"
)]
pub struct Cli {
    /// Configuration file (TOML); environment variables SWF_* override it.
    #[arg(long, global = true, env = "SWF_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data folder (database and documents); overrides the configuration.
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
    /// Print the build identifier (`swf_server::BUILD_ID`) and exit: for the test kit.
    #[arg(long, hide = true)]
    pub build_id: bool,
    /// Run as a practice service: six practice organisations with a user each (passwords
    /// printed once) and a simulated Omgevingsloket with demo verzoeken (configuration:
    /// oefenomgeving = true). See `swf-server oefenomgeving reset`.
    #[arg(long, global = true)]
    pub oefenomgeving: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the service (the default).
    Serve {
        /// Where to listen: an address, e.g. 127.0.0.1:8080 (port 0: any free port), or a Unix
        /// socket for a proxy on the same host, e.g. unix:/run/swf/swf.sock.
        #[arg(long)]
        listen: Option<crate::config::Listen>,
        /// Create two demo organisations with users if they do not exist yet.
        #[arg(long)]
        demo: bool,
        /// Allow plain HTTP on a non-loopback address: a TLS-terminating proxy is in front
        /// (configuration: trust_proxy_tls). See docs/operations.md.
        #[arg(long)]
        behind_proxy: bool,
    },
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        cmd: OrgCmd,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Manage system tokens for case systems.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
    /// Run the background jobs once (retention, announcements) and exit.
    Jobs,
    /// Bring the database schema up to date and exit (the service also does it when it
    /// starts; run this first when several instances are updated one by one).
    Migrate,
    /// The practice service (see --oefenomgeving).
    Oefenomgeving {
        #[command(subcommand)]
        cmd: OefenCmd,
    },
}

#[derive(Debug, Subcommand)]
pub enum OefenCmd {
    /// Restore the starting state: every samenwerking, document and token goes; the practice
    /// organisations and users come back with new passwords, printed once. Refused while the
    /// service runs, and for a folder that is not a practice service's.
    Reset,
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Add an organisation.
    Add {
        #[arg(long)]
        oin: String,
        #[arg(long)]
        naam: String,
        /// GEMEENTE, PROVINCIE, WATERSCHAP, RIJK, OMGEVINGSDIENST, VEILIGHEIDSREGIO, ADVIESBUREAU, OVERIG
        #[arg(long, default_value = "OVERIG")]
        soort: String,
    },
    /// List organisations (optionally matching a name or OIN).
    List {
        #[arg(long, default_value = "")]
        zoek: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a user to an organisation. The password is read from standard input.
    Add {
        #[arg(long)]
        gebruikersnaam: String,
        #[arg(long)]
        naam: String,
        #[arg(long)]
        oin: String,
    },
    /// Disable a user: signing in is refused and its tokens stop working at once.
    Disable {
        #[arg(long)]
        gebruikersnaam: String,
    },
    /// Enable a disabled user again (it signs in anew).
    Enable {
        #[arg(long)]
        gebruikersnaam: String,
    },
    /// Set a new password, read from standard input; the user's tokens stop working.
    ResetPassword {
        #[arg(long)]
        gebruikersnaam: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a long-lived system token bound to one organisation; printed once.
    Create {
        #[arg(long)]
        oin: String,
        #[arg(long)]
        omschrijving: String,
        /// Days until it expires (default: never).
        #[arg(long)]
        dagen: Option<i64>,
    },
    /// List the system tokens (id, organisation, expiry, description); never the tokens.
    List {
        /// Also list the users' sign-in tokens.
        #[arg(long)]
        gebruikers: bool,
    },
    /// Revoke a token at once (running services notice within their re-check interval).
    Revoke {
        /// The id shown by `token list` (or a longer prefix of it).
        #[arg(long)]
        id: String,
    },
    /// Change when a token expires.
    Expire {
        /// The id shown by `token list` (or a longer prefix of it).
        #[arg(long)]
        id: String,
        /// Days from now; 0 expires it now.
        #[arg(long, conflicts_with = "nooit", required_unless_present = "nooit")]
        dagen: Option<i64>,
        /// Never expire.
        #[arg(long)]
        nooit: bool,
    },
}

/// How `token list` names a token: the start of its hash (the token itself is never stored).
pub const TOKEN_ID_LEN: usize = 12;

/// The one token whose hash starts with `id` (at least 8 hex digits).
async fn find_token_by_id(st: &AppState, id: &str) -> Result<crate::store::TokenRow, CliError> {
    let id = id.trim().to_ascii_lowercase();
    if id.len() < 8 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(CliError::Invalid(format!(
            "token-id '{id}': ten minste 8 hexadecimale tekens, zoals 'token list' ze toont"
        )));
    }
    let mut found = Vec::new();
    for soort in ["systeem", "gebruiker"] {
        found.extend(
            st.store
                .list_tokens(soort)
                .await?
                .into_iter()
                .filter(|t| t.hash.starts_with(&id)),
        );
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(CliError::Invalid(format!("geen token met id {id}"))),
        n => Err(CliError::Invalid(format!(
            "{n} tokens beginnen met {id}; geef meer tekens"
        ))),
    }
}

fn format_time(us: Option<i64>) -> String {
    match us {
        Some(v) => crate::app::to_dt(v)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        None => "nooit".into(),
    }
}

fn read_password() -> Result<String, CliError> {
    let mut pw = String::new();
    std::io::stdin().read_to_string(&mut pw)?;
    Ok(pw.trim_end_matches(['\n', '\r']).to_owned())
}

fn check_password(wachtwoord: &str) -> Result<(), CliError> {
    if wachtwoord.chars().count() < 6 {
        return Err(CliError::Invalid("wachtwoord: ten minste 6 tekens".into()));
    }
    if wachtwoord.len() > crate::auth::MAX_PASSWORD_BYTES {
        return Err(CliError::Invalid(format!(
            "wachtwoord: hooguit {} bytes",
            crate::auth::MAX_PASSWORD_BYTES
        )));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Start(#[from] crate::StartError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}

pub fn load_config(cli: &Cli) -> Result<Config, CliError> {
    let mut c = Config::load(cli.config.as_deref())?;
    if let Some(d) = &cli.data {
        c.data_dir = d.clone();
    }
    c.oefenomgeving |= cli.oefenomgeving;
    Ok(c)
}

fn parse_oin(s: &str) -> Result<Oin, CliError> {
    Oin::parse(s).map_err(|e| CliError::Invalid(format!("OIN '{s}': {e}")))
}

pub async fn add_org(st: &AppState, oin: &str, naam: &str, soort: &str) -> Result<(), CliError> {
    let oin = parse_oin(oin)?;
    let soort = OrganisatieSoort::from_wire(soort)
        .ok_or_else(|| CliError::Invalid(format!("onbekende soort '{soort}'")))?;
    if naam.trim().is_empty() {
        return Err(CliError::Invalid("naam mag niet leeg zijn".into()));
    }
    st.store
        .insert_organisatie(
            &OrganisatieRow {
                oin: oin.to_string(),
                naam: naam.trim().into(),
                soort: soort.as_str().into(),
            },
            now_us(),
        )
        .await?;
    Ok(())
}

pub async fn add_user(
    st: &AppState,
    gebruikersnaam: &str,
    naam: &str,
    oin: &str,
    wachtwoord: &str,
) -> Result<(), CliError> {
    let oin = parse_oin(oin)?;
    if st.store.get_organisatie(oin.as_str()).await?.is_none() {
        return Err(CliError::Invalid(format!(
            "organisatie {oin} bestaat niet; voeg haar eerst toe met 'org add'"
        )));
    }
    if gebruikersnaam.len() > crate::auth::MAX_NAME_BYTES {
        return Err(CliError::Invalid(format!(
            "gebruikersnaam: hooguit {} bytes",
            crate::auth::MAX_NAME_BYTES
        )));
    }
    if gebruikersnaam.trim().is_empty()
        || gebruikersnaam
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(CliError::Invalid(
            "gebruikersnaam: geen spaties of stuurtekens, niet leeg".into(),
        ));
    }
    check_password(wachtwoord)?;
    let hash = crate::auth::hash_password(wachtwoord).map_err(CliError::Invalid)?;
    st.store
        .insert_gebruiker(
            &GebruikerRow {
                id: uuid::Uuid::new_v4().to_string(),
                gebruikersnaam: gebruikersnaam.into(),
                naam: naam.into(),
                oin: oin.to_string(),
                wachtwoord_hash: hash,
                uitgeschakeld: None,
            },
            now_us(),
        )
        .await?;
    Ok(())
}

/// The two demo organisations of the practice case, with their users (password `oefenen`).
pub const DEMO: &[(&str, &str, &str, &str, &str)] = &[
    (
        "00000001002220647000",
        "Gemeente Oefenstad",
        "GEMEENTE",
        "vergunningverlener",
        "Vera Vergunningverlener",
    ),
    (
        "00000001812579446000",
        "Veiligheidsregio Oefenland",
        "VEILIGHEIDSREGIO",
        "adviseur",
        "Adriaan Adviseur",
    ),
];
pub const DEMO_PASSWORD: &str = "oefenen";

pub async fn seed_demo(st: &AppState) -> Result<(), CliError> {
    for (oin, naam, soort, user, user_naam) in DEMO {
        if st.store.get_organisatie(oin).await?.is_none() {
            add_org(st, oin, naam, soort).await?;
        }
        if st.store.find_gebruiker(user).await?.is_none() {
            add_user(st, user, user_naam, oin, DEMO_PASSWORD).await?;
        }
    }
    Ok(())
}

pub async fn run_admin(st: &AppState, cmd: Command) -> Result<(), CliError> {
    match cmd {
        Command::Org {
            cmd: OrgCmd::Add { oin, naam, soort },
        } => {
            add_org(st, &oin, &naam, &soort).await?;
            println!("organisatie {oin} ({naam}) toegevoegd");
        }
        Command::Org {
            cmd: OrgCmd::List { zoek },
        } => {
            for o in st.store.search_organisaties(&zoek, 1000).await? {
                println!("{}  {:<18} {}", o.oin, o.soort, o.naam);
            }
        }
        Command::User {
            cmd:
                UserCmd::Add {
                    gebruikersnaam,
                    naam,
                    oin,
                },
        } => {
            let pw = read_password()?;
            add_user(st, &gebruikersnaam, &naam, &oin, &pw).await?;
            println!("gebruiker {gebruikersnaam} toegevoegd aan {oin}");
        }
        Command::Token {
            cmd:
                TokenCmd::Create {
                    oin,
                    omschrijving,
                    dagen,
                },
        } => {
            let oin = parse_oin(&oin)?;
            if st.store.get_organisatie(oin.as_str()).await?.is_none() {
                return Err(CliError::Invalid(format!("organisatie {oin} bestaat niet")));
            }
            let (token, _) = crate::auth::issue_token(
                st,
                oin.as_str(),
                None,
                &omschrijving,
                dagen.map(chrono::Duration::days),
            )
            .await?;
            println!("{token}");
        }
        Command::User {
            cmd: UserCmd::Disable { gebruikersnaam },
        } => {
            if !st
                .store
                .set_gebruiker_uitgeschakeld(&gebruikersnaam, Some(now_us()))
                .await?
            {
                return Err(CliError::Invalid(format!(
                    "gebruiker {gebruikersnaam} bestaat niet"
                )));
            }
            println!("gebruiker {gebruikersnaam} uitgeschakeld; zijn tokens werken niet meer");
        }
        Command::User {
            cmd: UserCmd::Enable { gebruikersnaam },
        } => {
            if !st
                .store
                .set_gebruiker_uitgeschakeld(&gebruikersnaam, None)
                .await?
            {
                return Err(CliError::Invalid(format!(
                    "gebruiker {gebruikersnaam} bestaat niet"
                )));
            }
            println!("gebruiker {gebruikersnaam} kan weer aanmelden");
        }
        Command::User {
            cmd: UserCmd::ResetPassword { gebruikersnaam },
        } => {
            let pw = read_password()?;
            check_password(&pw)?;
            let hash = crate::auth::hash_password(&pw).map_err(CliError::Invalid)?;
            if !st.store.set_wachtwoord_hash(&gebruikersnaam, &hash).await? {
                return Err(CliError::Invalid(format!(
                    "gebruiker {gebruikersnaam} bestaat niet"
                )));
            }
            println!("wachtwoord van {gebruikersnaam} gewijzigd; zijn tokens werken niet meer");
        }
        Command::Token {
            cmd: TokenCmd::List { gebruikers },
        } => {
            let mut rows = st.store.list_tokens("systeem").await?;
            if gebruikers {
                rows.extend(st.store.list_tokens("gebruiker").await?);
            }
            let now = now_us();
            for t in rows {
                let status = if t.verloopt.is_some_and(|v| v <= now) {
                    "verlopen"
                } else {
                    "geldig"
                };
                println!(
                    "{}  {}  {:<9} {:<8} verloopt {:<20}  {}{}",
                    t.hash.get(..TOKEN_ID_LEN).unwrap_or(&t.hash),
                    t.oin,
                    t.soort,
                    status,
                    format_time(t.verloopt),
                    t.omschrijving,
                    t.gebruikersnaam
                        .map(|g| format!(" ({g})"))
                        .unwrap_or_default(),
                );
            }
        }
        Command::Token {
            cmd: TokenCmd::Revoke { id },
        } => {
            let t = find_token_by_id(st, &id).await?;
            st.store.delete_token(&t.hash).await?;
            println!(
                "token {} ({}) ingetrokken",
                t.hash.get(..TOKEN_ID_LEN).unwrap_or(&t.hash),
                t.omschrijving
            );
        }
        Command::Token {
            cmd: TokenCmd::Expire { id, dagen, nooit },
        } => {
            let t = find_token_by_id(st, &id).await?;
            let verloopt = match (nooit, dagen) {
                (true, _) => None,
                (false, Some(d)) if (0..=36_500).contains(&d) => {
                    Some(now_us() + chrono::Duration::days(d).num_microseconds().unwrap_or(0))
                }
                _ => {
                    return Err(CliError::Invalid(
                        "--dagen: 0 tot en met 36500, of --nooit".into(),
                    ))
                }
            };
            st.store.set_token_verloopt(&t.hash, verloopt).await?;
            println!(
                "token {} verloopt {}",
                t.hash.get(..TOKEN_ID_LEN).unwrap_or(&t.hash),
                format_time(verloopt)
            );
        }
        Command::Jobs => {
            let r = crate::jobs::run_once(st)
                .await
                .map_err(|e| CliError::Invalid(e.detail))?;
            println!("{r:?}");
        }
        // opening the state applied the migrations
        Command::Migrate => println!("database bijgewerkt"),
        Command::Serve { .. } | Command::Oefenomgeving { .. } => {}
    }
    Ok(())
}
