//! What can go wrong while archiving or checking an archive, in words for the user.
use crate::error::ErrorCode;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// A document that is needed but neither cached nor downloadable now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OntbrekendDocument {
    pub document_id: Uuid,
    pub bestandsnaam: String,
}

fn lijst(docs: &[OntbrekendDocument]) -> String {
    docs.iter()
        .map(|d| format!("{} ({})", d.bestandsnaam, d.document_id))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiefFout {
    #[error("De schijf is vol: {pad} kon niet worden geschreven. Maak ruimte vrij of kies een andere map; er is geen onvolledig archief achtergebleven.")]
    SchijfVol { pad: PathBuf },
    #[error("Geen toestemming voor {pad}: {bron}. Kies een map waarin u mag schrijven.")]
    GeenToegang { pad: PathBuf, bron: std::io::Error },
    #[error("Bestand {pad}: {bron}")]
    Bestand { pad: PathBuf, bron: std::io::Error },
    #[error("De samenwerking {0} staat niet in de lokale kopie; synchroniseer eerst.")]
    OnbekendeSamenwerking(String),
    #[error(
        "Er is niemand aangemeld op deze computer: de organisatie van het archief is onbekend."
    )]
    GeenAccount,
    #[error("Deze documenten staan niet op deze computer en kunnen nu niet worden opgehaald (geen verbinding met de service): {}. Maak verbinding en probeer het opnieuw.", lijst(.0))]
    DocumentenOntbreken(Vec<OntbrekendDocument>),
    #[error("Het document {bestandsnaam} ({document_id}) op deze computer klopt niet met de hash van de service (verwacht {verwacht}, gevonden {gevonden}); het wordt niet gearchiveerd.")]
    HashKloptNiet {
        document_id: Uuid,
        bestandsnaam: String,
        verwacht: String,
        gevonden: String,
    },
    #[error("{0} is geen BagIt-archief: {1}")]
    GeenArchief(PathBuf, String),
    #[error("Het archief {pad} klopt niet: {}", .problemen.join("; "))]
    Ongeldig {
        pad: PathBuf,
        problemen: Vec<String>,
    },
    #[error("{0}")]
    Client(#[from] crate::error::ClientError),
    #[error("Interne fout bij archiveren: {0}")]
    Intern(String),
}

pub type Resultaat<T> = std::result::Result<T, ArchiefFout>;

impl ArchiefFout {
    /// The engine's closed set of codes, for the app and the CLI to branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ArchiefFout::SchijfVol { .. } => ErrorCode::StorageFull,
            ArchiefFout::GeenToegang { .. } => ErrorCode::Forbidden,
            ArchiefFout::OnbekendeSamenwerking(_) => ErrorCode::NotFound,
            ArchiefFout::GeenAccount => ErrorCode::Unauthorized,
            // they could be fetched when the service is reachable
            ArchiefFout::DocumentenOntbreken(_) => ErrorCode::Offline,
            ArchiefFout::GeenArchief(..) | ArchiefFout::Ongeldig { .. } => ErrorCode::Validation,
            ArchiefFout::Client(e) => e.code(),
            ArchiefFout::Bestand { .. }
            | ArchiefFout::HashKloptNiet { .. }
            | ArchiefFout::Intern(_) => ErrorCode::Internal,
        }
    }
}

/// ENOSPC / EDQUOT on Unix; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.
pub(crate) fn is_vol(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return true;
    }
    #[cfg(unix)]
    {
        matches!(e.raw_os_error(), Some(28) | Some(122))
    }
    #[cfg(windows)]
    {
        matches!(e.raw_os_error(), Some(112) | Some(39))
    }
    #[cfg(not(any(unix, windows)))]
    {
        false
    }
}

/// Map an I/O error on `pad` to the user's words.
pub(crate) fn io(pad: &Path) -> impl FnOnce(std::io::Error) -> ArchiefFout + '_ {
    move |e| {
        if is_vol(&e) {
            ArchiefFout::SchijfVol {
                pad: pad.to_path_buf(),
            }
        } else if e.kind() == std::io::ErrorKind::PermissionDenied {
            ArchiefFout::GeenToegang {
                pad: pad.to_path_buf(),
                bron: e,
            }
        } else {
            ArchiefFout::Bestand {
                pad: pad.to_path_buf(),
                bron: e,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_in_plain_dutch() {
        let pad = Path::new("/media/usb/archief");
        #[cfg(unix)]
        let vol = std::io::Error::from_raw_os_error(28);
        #[cfg(not(unix))]
        let vol = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let f = io(pad)(vol);
        assert!(matches!(f, ArchiefFout::SchijfVol { .. }));
        assert!(
            f.to_string()
                .starts_with("De schijf is vol: /media/usb/archief"),
            "{f}"
        );
        let f = io(pad)(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert!(f.to_string().starts_with("Geen toestemming"), "{f}");
    }

    #[test]
    fn missing_documents_are_named() {
        let f = ArchiefFout::DocumentenOntbreken(vec![
            OntbrekendDocument {
                document_id: Uuid::nil(),
                bestandsnaam: "a.pdf".into(),
            },
            OntbrekendDocument {
                document_id: Uuid::nil(),
                bestandsnaam: "b.pdf".into(),
            },
        ]);
        let s = f.to_string();
        assert!(
            s.contains("a.pdf (00000000-0000-0000-0000-000000000000), b.pdf"),
            "{s}"
        );
    }
}
