//! Documenten: add (streamed from disk), change, delete; and copies of their verified bytes on
//! this machine: saved where the user chooses, or put in a folder for the system viewer, under
//! a file name that is safe whatever the service sends.
use super::{optional, required};
use crate::error::{ClientError, Result};
use crate::mirror::Mirror;
use crate::remote::Progress;
use crate::session::Session;
use std::future::Future;
use std::path::{Path, PathBuf};
use swf_domain::{Document, DocumentWijzigen, Vertrouwelijkheid};
use uuid::Uuid;

/// Characters that no file system of Windows, macOS or Linux accepts in a name (or that mean
/// a folder).
const VERBODEN: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// The name to save or open a document under: one path component (only the last part of a
/// name with folders), without control or forbidden characters, not hidden (no leading dot),
/// no trailing dots or spaces (Windows drops them). `document-<id>` when nothing usable is
/// left.
pub fn bestandsnaam(naam: &str, document_id: Uuid) -> String {
    let laatste = naam.rsplit(['/', '\\']).next().unwrap_or("");
    let schoon: String = laatste
        .chars()
        .map(|c| {
            if c.is_control() || VERBODEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let schoon = schoon
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .trim();
    if schoon.is_empty() {
        format!("document-{document_id}")
    } else {
        schoon.to_owned()
    }
}

/// The file name of a document in the mirror ([`bestandsnaam`]); `NotFound` when the mirror
/// does not have it.
pub async fn document_bestandsnaam(mirror: &Mirror, document_id: Uuid) -> Result<String> {
    let doc = mirror.document(document_id).await?.ok_or_else(|| {
        ClientError::NotFound(format!(
            "document {document_id} staat (nog) niet in de lokale kopie; synchroniseer en probeer het opnieuw"
        ))
    })?;
    Ok(bestandsnaam(&doc.document.bestands_naam, document_id))
}

/// Save a copy of a document whose current bytes are already on this machine, without a
/// session: the local copy stays readable when signed out of the service or offline. `None`
/// when the bytes are not here (then [`Session::document_opslaan`] fetches them).
pub async fn lokaal_opslaan(
    mirror: &Mirror,
    document_id: Uuid,
    doel: &Path,
) -> Result<Option<PathBuf>> {
    let Some(doc) = mirror.document(document_id).await? else {
        return Ok(None);
    };
    match mirror.cached_document(document_id).await? {
        Some(c) if c.sha256 == doc.document.document_hash => {
            kopieer(&c.path, doel).await?;
            Ok(Some(doel.to_path_buf()))
        }
        _ => Ok(None),
    }
}

/// Copy `bron` to `doel` through a temporary name next to it, flushed and then renamed, so
/// `doel` is either the old file or the complete new one.
async fn kopieer(bron: &Path, doel: &Path) -> Result<()> {
    let naam = doel
        .file_name()
        .ok_or_else(|| ClientError::Validation {
            message: format!("{} is geen bestandsnaam", doel.display()),
            params: vec![("doel".into(), "geen bestandsnaam".into())],
        })?
        .to_string_lossy()
        .into_owned();
    let map = match doel.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tijdelijk = map.join(format!(".{naam}.{}.part", Uuid::new_v4().simple()));
    let kopie = async {
        tokio::fs::copy(bron, &tijdelijk).await?;
        tokio::fs::File::open(&tijdelijk).await?.sync_all().await?;
        tokio::fs::rename(&tijdelijk, doel).await?;
        Ok::<_, std::io::Error>(())
    }
    .await;
    if let Err(e) = kopie {
        let _ = tokio::fs::remove_file(&tijdelijk).await;
        return Err(e.into());
    }
    Ok(())
}

impl Session {
    /// Upload a file from disk (streamed). Without an omschrijving the file name is used.
    pub async fn document_toevoegen(
        &self,
        samenwerking_id: &str,
        pad: &Path,
        vertrouwelijkheid: Vertrouwelijkheid,
        omschrijving: Option<&str>,
        progress: Progress<'_>,
    ) -> Result<Document> {
        let meta = tokio::fs::metadata(pad)
            .await
            .map_err(|e| ClientError::Validation {
                message: format!("het bestand {} kan niet worden gelezen: {e}", pad.display()),
                params: vec![("pad".into(), e.to_string())],
            })?;
        if !meta.is_file() {
            return Err(ClientError::Validation {
                message: format!("{} is geen bestand", pad.display()),
                params: vec![("pad".into(), "geen bestand".into())],
            });
        }
        let omschrijving = optional(omschrijving).unwrap_or_else(|| {
            pad.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let doc = self
            .schrijf(self.engine.remote().upload_document(
                samenwerking_id,
                pad,
                vertrouwelijkheid,
                &omschrijving,
                progress,
            ))
            .await?;
        Ok(doc)
    }

    pub async fn document_wijzigen(
        &self,
        document_id: Uuid,
        vertrouwelijkheid: Option<Vertrouwelijkheid>,
        omschrijving: Option<String>,
    ) -> Result<()> {
        let omschrijving = match omschrijving {
            Some(o) => Some(required("omschrijving", &o)?),
            None => None,
        };
        self.schrijf(self.engine.remote().wijzig_document(
            document_id,
            &DocumentWijzigen {
                document_omschrijving: omschrijving,
                vertrouwelijkheids_aanduiding: vertrouwelijkheid,
                ..DocumentWijzigen::default()
            },
        ))
        .await
        .map(drop)
    }

    pub async fn document_verwijderen(&self, document_id: Uuid) -> Result<()> {
        self.schrijf(self.engine.remote().verwijder_document(document_id))
            .await
            .map(drop)
    }

    /// The document's verified bytes on this machine (downloaded first when needed; offline a
    /// cached copy still works).
    pub async fn document_bestand(
        &self,
        document_id: Uuid,
        progress: Progress<'_>,
    ) -> Result<PathBuf> {
        self.engine.document_bestand(document_id, progress).await
    }

    /// Save a copy of the document at `doel` (a path the user chose), downloading (verified)
    /// first when needed. Written to a temporary name next to it and renamed, so `doel` is
    /// either the old file or the complete new one.
    pub async fn document_opslaan(
        &self,
        document_id: Uuid,
        doel: &Path,
        progress: Progress<'_>,
    ) -> Result<PathBuf> {
        let bron = self.engine.document_bestand(document_id, progress).await?;
        kopieer(&bron, doel).await?;
        Ok(doel.to_path_buf())
    }

    /// "Save as": `kies` gets the document's safe file name and says where to save it (a
    /// dialog; `None`: cancelled, then nothing is downloaded). Then as [`Self::document_opslaan`].
    pub async fn document_opslaan_als<E, F, Fut>(
        &self,
        document_id: Uuid,
        kies: F,
        progress: Progress<'_>,
    ) -> std::result::Result<Option<PathBuf>, E>
    where
        E: From<ClientError>,
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = std::result::Result<Option<PathBuf>, E>>,
    {
        let naam = document_bestandsnaam(self.engine.mirror(), document_id).await?;
        let Some(doel) = kies(naam).await? else {
            return Ok(None);
        };
        Ok(Some(
            self.document_opslaan(document_id, &doel, progress).await?,
        ))
    }

    /// A copy of the document to open in the system viewer, at `<map>/<document id>/<file
    /// name>`: the viewer sees the document's own name and never the verified cache file
    /// itself (which it could change or lock). Returns the copy's path.
    pub async fn document_kopie_om_te_openen(
        &self,
        document_id: Uuid,
        map: &Path,
        progress: Progress<'_>,
    ) -> Result<PathBuf> {
        let naam = document_bestandsnaam(self.engine.mirror(), document_id).await?;
        let map = map.join(document_id.to_string());
        tokio::fs::create_dir_all(&map).await?;
        self.document_opslaan(document_id, &map.join(naam), progress)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_one_safe_component() {
        let id = Uuid::nil();
        let n = |s: &str| bestandsnaam(s, id);
        assert_eq!(n("bouwtekening.pdf"), "bouwtekening.pdf");
        assert_eq!(
            n("Advies brandveiligheid.pdf"),
            "Advies brandveiligheid.pdf"
        );
        assert_eq!(n("map/sub/tekening.pdf"), "tekening.pdf");
        assert_eq!(n("C:\\Users\\jan\\advies.docx"), "advies.docx");
        assert_eq!(n("a:b*c?.txt"), "a_b_c_.txt");
        assert_eq!(n("regel\nnieuw.txt"), "regel_nieuw.txt");
        assert_eq!(n(".verborgen"), "verborgen");
        assert_eq!(n("  rapport.pdf. . "), "rapport.pdf");
        let leeg = format!("document-{id}");
        for slecht in ["", "   ", ".", "..", "map/", "..."] {
            assert_eq!(n(slecht), leeg, "{slecht:?}");
        }
    }
}
