//! The one error type of the IPC boundary: `{ code, message }`.
//!
//! Every command returns `Result<T, IpcError>`. `code` is the closed set the UI branches on
//! ([`ErrorCode`]); `message` is Dutch, readable, and says what to do. The full error is logged
//! here, in one place, so commands only map.
use serde::Serialize;
use swf_client::{ClientError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: zin(message.into()),
        }
    }

    /// No session: the UI goes back to the sign-in screen.
    pub fn niet_aangemeld() -> Self {
        IpcError::new(
            ErrorCode::Unauthorized,
            "U bent niet aangemeld. Meld u aan om verder te gaan.",
        )
    }

    /// Wrong input from the UI (an id that is no UUID, an empty field).
    pub fn ongeldig(message: impl Into<String>) -> Self {
        IpcError::new(ErrorCode::Validation, message)
    }

    /// Something that should not happen; the details are in the log.
    pub fn intern(message: impl std::fmt::Display) -> Self {
        tracing::error!(error = %message, "internal error at the IPC boundary");
        IpcError::new(
            ErrorCode::Internal,
            format!("Er ging iets mis: {message}. Probeer het opnieuw; blijft het misgaan, kijk dan in de logmap."),
        )
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<ClientError> for IpcError {
    fn from(e: ClientError) -> Self {
        let code = e.code();
        match code {
            ErrorCode::Internal => tracing::error!(error = ?e, "command failed"),
            ErrorCode::Offline | ErrorCode::KeyringUnavailable | ErrorCode::StorageFull => {
                tracing::warn!(error = %e, ?code, "command failed")
            }
            _ => tracing::info!(error = %e, ?code, "command refused"),
        }
        let message = match (&e, code) {
            // the engine's text names the CLI (`swf login`)
            (ClientError::NotSignedIn, _) => return IpcError::niet_aangemeld(),
            (_, ErrorCode::Internal) => format!(
                "Er ging iets mis: {e}. Probeer het opnieuw; blijft het misgaan, kijk dan in de logmap."
            ),
            _ => e.to_string(),
        };
        IpcError::new(code, message)
    }
}

/// A sentence for the screen: capital first letter, closed with a full stop.
pub(crate) fn zin(mut s: String) -> String {
    if s.is_empty() {
        return s;
    }
    if let Some(first) = s.chars().next() {
        if first.is_lowercase() {
            let upper: String = first.to_uppercase().collect();
            s.replace_range(..first.len_utf8(), &upper);
        }
    }
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_as_code_and_message() {
        let e = IpcError::from(ClientError::Unauthorized);
        assert_eq!(
            serde_json::to_value(&e).ok(),
            Some(json!({
                "code": "Unauthorized",
                "message": "U bent niet (meer) aangemeld; meld u opnieuw aan."
            }))
        );
    }

    #[test]
    fn every_code_is_spelled_as_the_contract_says() {
        for (e, code) in [
            (ClientError::Offline("weg".into()), "Offline"),
            (ClientError::Unauthorized, "Unauthorized"),
            (ClientError::NotSignedIn, "Unauthorized"),
            (ClientError::Forbidden("x".into()), "Forbidden"),
            (ClientError::NotFound("x".into()), "NotFound"),
            (ClientError::Conflict("x".into()), "Conflict"),
            (
                ClientError::Validation {
                    message: "vul titel in".into(),
                    params: vec![],
                },
                "Validation",
            ),
            (ClientError::Keyring("op slot".into()), "KeyringUnavailable"),
            (
                ClientError::Io(std::io::Error::from_raw_os_error(28)),
                "StorageFull",
            ),
            (ClientError::Protocol("x".into()), "Internal"),
        ] {
            let v = serde_json::to_value(IpcError::from(e)).unwrap_or_default();
            assert_eq!(v["code"], code);
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    #[test]
    fn not_signed_in_does_not_mention_the_cli() {
        let e = IpcError::from(ClientError::NotSignedIn);
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert!(!e.message.contains("swf"));
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(zin("vul titel in".into()), "Vul titel in.");
        assert_eq!(zin("Klaar!".into()), "Klaar!");
        assert_eq!(zin(String::new()), "");
    }
}
