//! One error type for the engine. `code()` gives the small closed set the app branches on.
use serde::Serialize;

/// What a caller (the desktop shell, the CLI) may branch on. Closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ErrorCode {
    Offline,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Validation,
    KeyringUnavailable,
    StorageFull,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service cannot be reached (connection refused, timeout, DNS, circuit open).
    #[error(
        "de service is niet bereikbaar ({0}); wat u ziet is de laatst gesynchroniseerde stand"
    )]
    Offline(String),
    /// The connection was closed or reset by the other side after the request went out, and
    /// the request may not be repeated (a POST or PATCH): whether the service processed it is
    /// unknown. Not an outage: the service was reachable a moment ago.
    #[error(
        "de verbinding met de service werd verbroken voordat het antwoord binnen was ({0}); het is niet zeker of de opdracht is uitgevoerd: kijk dat na voordat u het opnieuw probeert"
    )]
    Interrupted(String),
    /// No valid session: sign in (again).
    #[error("u bent niet (meer) aangemeld; meld u opnieuw aan")]
    Unauthorized,
    #[error("dit mag u niet: {0}")]
    Forbidden(String),
    #[error("niet gevonden: {0}")]
    NotFound(String),
    /// Someone else changed it first, or the state does not allow it now.
    #[error("gaat niet: {0}")]
    Conflict(String),
    /// The input is wrong; `params` names each field with its reason.
    #[error("{message}")]
    Validation {
        message: String,
        params: Vec<(String, String)>,
    },
    /// Too many attempts; try again after this many seconds.
    #[error("te veel pogingen; probeer het over {0} seconden opnieuw")]
    TooManyRequests(u64),
    /// The change-feed cursor is older than the feed keeps: a full resync is needed.
    #[error("de wijzigingen-feed kent deze positie niet meer; volledige synchronisatie nodig")]
    CursorExpired,
    /// Any other answer of the service.
    #[error("de service antwoordde {status}: {message}")]
    Server {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// The service answered something this client cannot read.
    #[error("onverwacht antwoord van de service: {0}")]
    Protocol(String),
    /// Downloaded bytes do not match the `documentHash`.
    #[error("het gedownloade bestand klopt niet met de hash van de service: {0}")]
    Integrity(String),
    #[error("niet aangemeld: gebruik eerst `swf login`")]
    NotSignedIn,
    /// The OS keychain cannot be used (locked, absent, no Secret Service).
    #[error("de sleutelbos van het besturingssysteem is niet beschikbaar: {0}")]
    Keyring(String),
    #[error("configuratie: {0}")]
    Config(String),
    /// A practice service where a real one was expected, or the other way round (see
    /// `remote::Omgeving`): nothing was sent to it but a look at `/health`, or the answer is
    /// not used.
    #[error("{0}")]
    Omgeving(String),
    #[error("bestand: {0}")]
    Io(#[from] std::io::Error),
    #[error("lokale database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("lokale database bijwerken: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl ClientError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::Offline(_) => ErrorCode::Offline,
            ClientError::Unauthorized | ClientError::NotSignedIn => ErrorCode::Unauthorized,
            ClientError::Forbidden(_) => ErrorCode::Forbidden,
            ClientError::NotFound(_) => ErrorCode::NotFound,
            ClientError::Conflict(_) | ClientError::CursorExpired => ErrorCode::Conflict,
            ClientError::Validation { .. } | ClientError::Config(_) | ClientError::Omgeving(_) => {
                ErrorCode::Validation
            }
            ClientError::Keyring(_) => ErrorCode::KeyringUnavailable,
            ClientError::Io(e) if is_storage_full(e) => ErrorCode::StorageFull,
            ClientError::TooManyRequests(_)
            | ClientError::Server { .. }
            | ClientError::Protocol(_)
            | ClientError::Interrupted(_)
            | ClientError::Integrity(_)
            | ClientError::Io(_)
            | ClientError::Db(_)
            | ClientError::Migrate(_) => ErrorCode::Internal,
        }
    }

    /// True when retrying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Offline(_) | ClientError::TooManyRequests(_) => true,
            ClientError::Server { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

fn is_storage_full(e: &std::io::Error) -> bool {
    // ENOSPC / EDQUOT on Unix; ERROR_DISK_FULL on Windows.
    matches!(e.raw_os_error(), Some(28) | Some(122) | Some(112))
}

pub type Result<T> = std::result::Result<T, ClientError>;
