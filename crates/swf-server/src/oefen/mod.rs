//! The practice service ("oefenomgeving"): fictional organisations of the kinds in the DSO
//! practice case, a user each, and a simulated Omgevingsloket ([`loket`]) with three demo
//! verzoeken whose documents are generated PDFs ([`pdf`]).
//!
//! - [`seed`] adds what is missing and changes nothing else: run it at every start.
//! - [`reset`] restores the starting state: the database and the document bytes go, the
//!   organisations and users come back with new passwords.
//! - A practice data folder carries the file [`MARKER`]; a service without `oefenomgeving`
//!   refuses to serve such a folder, and a practice service refuses a folder that holds
//!   real organisations ([`check_folder`]). The practice service says what it is on `/health`
//!   (`"oefenomgeving": true`) and in the header [`HEADER`] on every answer, so a client can
//!   refuse to mix practice and real sign-ins.
pub mod http;
pub mod loket;
pub mod ophalen;
pub mod pdf;

use crate::app::AppState;
use crate::cli::CliError;
use crate::config::Config;
use rand::Rng;
use serde::Serialize;
use std::path::Path;

/// The header every answer of a practice service carries (value `true`).
pub const HEADER: &str = "swf-oefenomgeving";

/// The file that marks a data folder as a practice service's.
pub const MARKER: &str = "oefenomgeving";

/// A practice organisation and its one user.
pub struct OefenOrganisatie {
    pub oin: &'static str,
    pub naam: &'static str,
    pub soort: &'static str,
    pub gebruikersnaam: &'static str,
    pub gebruiker_naam: &'static str,
}

/// The six practice organisations, with test OINs (prefix `00000099`, free for anyone and
/// never a real organisation's).
pub const ORGANISATIES: &[OefenOrganisatie] = &[
    OefenOrganisatie {
        oin: "00000099000000000001",
        naam: "Gemeente Oefenburg",
        soort: "GEMEENTE",
        gebruikersnaam: "gemeente",
        gebruiker_naam: "Vera Vergunningverlener",
    },
    OefenOrganisatie {
        oin: "00000099000000000002",
        naam: "Provincie Oefenland",
        soort: "PROVINCIE",
        gebruikersnaam: "provincie",
        gebruiker_naam: "Pieter Provincie",
    },
    OefenOrganisatie {
        oin: "00000099000000000003",
        naam: "Omgevingsdienst Oefenregio",
        soort: "OMGEVINGSDIENST",
        gebruikersnaam: "omgevingsdienst",
        gebruiker_naam: "Olga Omgevingsdienst",
    },
    OefenOrganisatie {
        oin: "00000099000000000004",
        naam: "Waterschap Oefenwaard",
        soort: "WATERSCHAP",
        gebruikersnaam: "waterschap",
        gebruiker_naam: "Willem Waterschap",
    },
    OefenOrganisatie {
        oin: "00000099000000000005",
        naam: "Veiligheidsregio Oefenkust",
        soort: "VEILIGHEIDSREGIO",
        gebruikersnaam: "veiligheidsregio",
        gebruiker_naam: "Adriaan Adviseur",
    },
    OefenOrganisatie {
        oin: "00000099000000000006",
        naam: "Adviesbureau Oefenadvies",
        soort: "ADVIESBUREAU",
        gebruikersnaam: "adviesbureau",
        gebruiker_naam: "Anna Adviesbureau",
    },
];

/// How new practice users get their password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wachtwoorden {
    /// One known password for all (the app's own practice service: one learner).
    Vast(String),
    /// A new random password per user, shown once (a trainer's service for a group).
    Willekeurig,
}

/// A user the seeding created, with its password (shown once, never stored in clear).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NieuweGebruiker {
    pub gebruikersnaam: String,
    pub naam: String,
    pub organisatie: String,
    pub oin: String,
    pub wachtwoord: String,
}

/// A random password: 14 letters and digits without look-alikes (0/O, 1/l/I), in groups.
fn willekeurig_wachtwoord() -> String {
    const TEKENS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let mut out = String::new();
    for i in 0..14 {
        if i > 0 && i % 5 == 4 {
            out.push('-');
        } else {
            out.push(TEKENS[rng.gen_range(0..TEKENS.len())] as char);
        }
    }
    out
}

/// Add the practice organisations and users that are missing and mark the folder. Returns
/// the users created now, with their passwords; an existing user keeps its password.
/// Idempotent: a second run adds nothing and returns nothing. The demo verzoeken need no
/// seeding: the simulated Omgevingsloket holds them in code and generates their documents
/// the same way every time.
pub async fn seed(st: &AppState, w: &Wachtwoorden) -> Result<Vec<NieuweGebruiker>, CliError> {
    let mut nieuw = Vec::new();
    for o in ORGANISATIES {
        if st.store.get_organisatie(o.oin).await?.is_none() {
            crate::cli::add_org(st, o.oin, o.naam, o.soort).await?;
        }
        if st.store.find_gebruiker(o.gebruikersnaam).await?.is_none() {
            let wachtwoord = match w {
                Wachtwoorden::Vast(p) => p.clone(),
                Wachtwoorden::Willekeurig => willekeurig_wachtwoord(),
            };
            crate::cli::add_user(st, o.gebruikersnaam, o.gebruiker_naam, o.oin, &wachtwoord)
                .await?;
            nieuw.push(NieuweGebruiker {
                gebruikersnaam: o.gebruikersnaam.into(),
                naam: o.gebruiker_naam.into(),
                organisatie: o.naam.into(),
                oin: o.oin.into(),
                wachtwoord,
            });
        }
    }
    std::fs::write(st.config.data_dir.join(MARKER), MARKER_TEXT)?;
    Ok(nieuw)
}

const MARKER_TEXT: &str = "Deze gegevensmap hoort bij een oefenomgeving van Samenwerkruimte \
(swf-server --oefenomgeving). 'swf-server oefenomgeving reset' zet haar terug in de beginstand.\n";

/// Whether `dir` is marked as a practice service's data folder.
pub fn is_marked(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// The OINs a practice folder may hold besides [`ORGANISATIES`]: the test prefix, the
/// service itself, and the two demo organisations of `serve --demo` (an older practice
/// folder of the app).
fn oefen_oin(oin: &str) -> bool {
    oin.starts_with("00000099")
        || oin == swf_domain::Oin::service().as_str()
        || crate::cli::DEMO.iter().any(|d| d.0 == oin)
}

/// A service without `oefenomgeving` refuses a marked (practice) folder, so practice users
/// never sign in to a service that does not say it is practice. A practice service (by the
/// configuration or the marker) is a one-folder service: it refuses a database URL, and an
/// unmarked folder holding the documents of a service whose database is elsewhere
/// ([`check_not_a_real_documents_folder`]). Checked before opening.
pub fn check_marker(config: &Config) -> Result<(), String> {
    let marked = is_marked(&config.data_dir);
    if !config.oefenomgeving && marked {
        return Err(format!(
            "gegevensmap {} hoort bij een oefenomgeving: start met --oefenomgeving (of \
             oefenomgeving = true), of kies een andere gegevensmap",
            config.data_dir.display()
        ));
    }
    if config.oefenomgeving || marked {
        check_practice_config(config)?;
    }
    Ok(())
}

/// A practice service keeps everything in its own folder: SQLite there, never a (shared)
/// PostgreSQL database, which its reset could not restore and where real organisations may
/// live; and never a folder that already holds a real service's documents.
fn check_practice_config(config: &Config) -> Result<(), String> {
    if config.database_url.is_some() {
        return Err(
            "een oefenomgeving gebruikt alleen haar eigen gegevensmap (SQLite): laat \
             database_url (SWF_DATABASE_URL) weg"
                .into(),
        );
    }
    check_not_a_real_documents_folder(&config.data_dir)
}

/// An unmarked folder with documents (`blobs/`) or instance folders (`instances/`) but no
/// `swf.db` belongs to a service whose database is elsewhere (PostgreSQL, D50): its
/// organisations cannot be checked from here, so it is taken for real.
fn check_not_a_real_documents_folder(dir: &Path) -> Result<(), String> {
    let foreign = !is_marked(dir)
        && !dir.join("swf.db").exists()
        && (dir.join("blobs").exists() || dir.join("instances").exists());
    if foreign {
        return Err(format!(
            "gegevensmap {} bevat documenten van een dienst met een database elders \
             (echte organisaties): een oefenomgeving krijgt een eigen, lege gegevensmap",
            dir.display()
        ));
    }
    Ok(())
}

/// A practice service needs a marked folder or one holding only practice organisations (a
/// new one, or an older practice folder of the app): never real organisations.
pub async fn check_folder(st: &AppState) -> Result<(), String> {
    if !is_marked(&st.config.data_dir) && !only_practice_organisations(st).await? {
        return Err(format!(
            "gegevensmap {} bevat echte organisaties: een oefenomgeving krijgt een eigen, \
             lege gegevensmap",
            st.config.data_dir.display()
        ));
    }
    Ok(())
}

async fn only_practice_organisations(st: &AppState) -> Result<bool, String> {
    let all = st
        .store
        .search_organisaties("", i64::MAX)
        .await
        .map_err(|e| e.to_string())?;
    Ok(all.iter().all(|o| oefen_oin(&o.oin)))
}

/// Restore the starting state of the practice service on `config.data_dir`: take the folder's
/// lock (a running service there is refused), remove the database and the document bytes,
/// open it anew and seed it. Other files in the folder stay. Refused for a folder that is not
/// a practice folder.
pub async fn reset(config: Config, w: &Wachtwoorden) -> Result<Vec<NieuweGebruiker>, CliError> {
    let dir = config.data_dir.clone();
    let lock = crate::lock_data_dir(&dir)?;
    // never a database elsewhere (it would stay as it is) nor a real service's documents
    check_practice_config(&config).map_err(CliError::Invalid)?;
    if dir.join("swf.db").exists() && !is_marked(&dir) {
        let mut c = config.clone();
        c.oefenomgeving = true;
        let st = crate::open_state(c, false).await?;
        let practice = only_practice_organisations(&st)
            .await
            .map_err(CliError::Invalid)?;
        drop(st);
        if !practice {
            return Err(CliError::Invalid(format!(
                "gegevensmap {} is geen oefenomgeving; reset weigert",
                dir.display()
            )));
        }
    }
    for f in ["swf.db", "swf.db-wal", "swf.db-shm", "swf.db-journal"] {
        match std::fs::remove_file(dir.join(f)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    for d in ["blobs", "tmp"] {
        match std::fs::remove_dir_all(dir.join(d)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    let mut c = config;
    c.oefenomgeving = true;
    let st = crate::open_state(c, false).await?;
    let nieuw = seed(&st, w).await?;
    drop(lock);
    Ok(nieuw)
}

/// The Omgevingsloket this service uses: the simulated one for a practice service (by the
/// configuration or the folder's marker), else none.
pub fn omgevingsloket(oefenomgeving: bool) -> std::sync::Arc<dyn loket::Omgevingsloket> {
    if oefenomgeving {
        std::sync::Arc::new(loket::Gesimuleerd)
    } else {
        std::sync::Arc::new(loket::NietGekoppeld)
    }
}

/// The lines `swf-server --oefenomgeving` prints for the users created now.
pub fn print_wachtwoorden(out: &mut impl std::io::Write, nieuw: &[NieuweGebruiker]) {
    if nieuw.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Oefenomgeving: gebruikers en wachtwoorden (alleen nu getoond; \
         'swf-server oefenomgeving reset' maakt nieuwe):"
    );
    for g in nieuw {
        let _ = writeln!(
            out,
            "  {:<18} {:<20} {:<28} {}",
            g.gebruikersnaam, g.wachtwoord, g.organisatie, g.oin
        );
    }
}
