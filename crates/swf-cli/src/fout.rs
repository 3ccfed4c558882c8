//! A failed command: its code (`--json`), its message and its exit code (D24, README).
use crate::command::Soort;
use swf_client::archive::ArchiefFout;
use swf_client::{ClientError, ErrorCode};

#[derive(Debug)]
pub enum Fout {
    Client(ClientError),
    Archief(ArchiefFout),
}

impl From<ClientError> for Fout {
    fn from(e: ClientError) -> Self {
        Fout::Client(e)
    }
}

impl From<ArchiefFout> for Fout {
    fn from(e: ArchiefFout) -> Self {
        match e {
            ArchiefFout::Client(e) => Fout::Client(e),
            e => Fout::Archief(e),
        }
    }
}

impl Fout {
    pub fn code(&self) -> ErrorCode {
        match self {
            Fout::Client(e) => e.code(),
            Fout::Archief(e) => e.code(),
        }
    }

    /// Exit codes scripts can branch on.
    pub fn exit_code(&self) -> u8 {
        match self.code() {
            ErrorCode::Offline => 3,
            ErrorCode::Unauthorized => 4,
            ErrorCode::Forbidden | ErrorCode::NotFound => 5,
            ErrorCode::Conflict | ErrorCode::Validation => 6,
            ErrorCode::KeyringUnavailable => 7,
            ErrorCode::StorageFull | ErrorCode::Internal => 1,
        }
    }

    pub fn message(&self, soort: Soort, met_token: bool) -> String {
        match self {
            Fout::Client(e) => message(e, soort, met_token),
            Fout::Archief(e) => e.to_string(),
        }
    }
}

/// The message for a failed one-off command: what happened and what to do. The engine's own
/// messages speak to the desktop app (which keeps retrying and shows the synchronised state);
/// a command retries nothing, and a write shows nothing.
fn message(e: &ClientError, soort: Soort, met_token: bool) -> String {
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
