//! Placing a verzoek in the dossier when its retrieval finishes (INITIALISATIE → OPEN): the
//! Omgevingsloket's documents become documents of the samenwerking, each with a feed event and
//! a history line, before the background job opens the samenwerking and sends
//! `VERZOEK_OPHALEN_GESLAAGD` (DSO sends no `DOCUMENT_TOEGEVOEGD` for them).
//!
//! A document's id is derived from the samenwerking and its place in the verzoek, so a second
//! run (another instance of the job, or a retry after a crash between two documents) finds
//! what is already there and adds only the rest.
use crate::app::AppState;
use crate::error::ApiError;
use crate::service::{feed, FeedGebeurtenis};
use crate::store::{DeelnemerRow, DocumentRow, Effects, NewAudit, SamenwerkingRow, StoreError};
use sha2::{Digest, Sha256};
use swf_domain::{GebeurtenisSoort, Oin, Vertrouwelijkheid};

/// Who placed the documents, as the dossier shows it.
pub const OMGEVINGSLOKET_NAAM: &str = "Omgevingsloket";

/// What placing did.
#[derive(Debug, PartialEq, Eq)]
pub enum Geplaatst {
    /// The documents are in the dossier (this many added now).
    Ja(usize),
    /// The Omgevingsloket did not answer: leave the samenwerking in INITIALISATIE and try again.
    Later(String),
}

fn document_id(samenwerking_id: &str, i: usize) -> String {
    let h = Sha256::digest(format!("verzoekdocument:{samenwerking_id}:{i}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    // a version-8 ("custom") UUID
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

/// Put the documents of `s`'s verzoek in its dossier (see the module's description).
pub async fn plaats_documenten(
    st: &AppState,
    s: &SamenwerkingRow,
    deelnemers: &[DeelnemerRow],
    now: i64,
) -> Result<Geplaatst, ApiError> {
    let Some(nummer) = s.verzoeknummer.as_deref() else {
        return Ok(Geplaatst::Ja(0));
    };
    let documenten = match st.omgevingsloket.documenten(nummer).await {
        Ok(d) => d,
        Err(e) => return Ok(Geplaatst::Later(e.to_string())),
    };
    let service = Oin::service().as_str().to_owned();
    let mut toegevoegd = 0;
    for (i, d) in documenten.into_iter().enumerate() {
        let id = document_id(&s.id, i);
        if st.store.get_document(&id).await?.is_some() {
            continue;
        }
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(
            crate::blob::bytes_like::Bytes::from(d.inhoud),
        )]);
        let pending = st.blobs.write_temp(&id, chunks, u64::MAX).await?;
        let row = DocumentRow {
            id: id.clone(),
            samenwerking_id: s.id.clone(),
            bestandsnaam: d.bestandsnaam,
            kenmerk_systeem: Some("DSO_LV".into()),
            nummer_binnen_systeem: Some(nummer.to_owned()),
            // placed in the initiator's dossier: the initiator holds them (and may manage
            // them, as its own); the name says where they came from
            aangemaakt_door: s.aangemaakt_door.clone(),
            aangemaakt_door_naam: OMGEVINGSLOKET_NAAM.into(),
            creatie: now,
            laatst_aangepast_door: s.aangemaakt_door.clone(),
            laatst_aangepast_door_naam: OMGEVINGSLOKET_NAAM.into(),
            laatst_aangepast: now,
            omschrijving: d.omschrijving,
            vertrouwelijkheid: d.vertrouwelijkheid,
            taal: Some("NL".into()),
            formaat: d.formaat,
            hash: pending.sha256.clone(),
            grootte: pending.size as i64,
        };
        st.blobs.commit(pending).await?;
        let fx = Effects {
            notificaties: vec![],
            audit: vec![NewAudit {
                tijd: now,
                oin: service.clone(),
                organisatie_naam: OMGEVINGSLOKET_NAAM.into(),
                gebruiker: None,
                samenwerking_id: Some(s.id.clone()),
                actie: "document-toegevoegd".into(),
                omschrijving: format!(
                    "Document '{}' ({}) uit verzoek {nummer} in het dossier geplaatst",
                    row.bestandsnaam, row.vertrouwelijkheid
                ),
                document_id: Some(id.clone()),
                alleen_volledig: row.vertrouwelijkheid == Vertrouwelijkheid::Sv,
                actieverzoek_id: None,
            }],
            gebeurtenissen: feed(
                deelnemers,
                now,
                FeedGebeurtenis {
                    soort: GebeurtenisSoort::DocumentGewijzigd,
                    samenwerking_id: &s.id,
                    object_id: Some(&id),
                    alleen_voor: None,
                    document: Some((&id, row.vertrouwelijkheid)),
                },
            ),
        };
        match st.store.insert_document(&row, &fx).await {
            Ok(()) => toegevoegd += 1,
            // another run placed it meanwhile (the same id), or the samenwerking is gone
            Err(StoreError::Conflict(_) | StoreError::NoLongerAllowed) => {
                if st.store.get_document(&id).await?.is_none() {
                    let _ = st.blobs.delete(&id).await;
                }
            }
            Err(e) => {
                let _ = st.blobs.delete(&id).await;
                return Err(e.into());
            }
        }
    }
    Ok(Geplaatst::Ja(toegevoegd))
}

#[cfg(test)]
mod tests {
    #[test]
    fn document_ids_are_stable_uuids() {
        let a = super::document_id("SAM-1", 0);
        assert_eq!(a, super::document_id("SAM-1", 0));
        assert_ne!(a, super::document_id("SAM-1", 1));
        assert_ne!(a, super::document_id("SAM-2", 0));
        assert!(uuid::Uuid::parse_str(&a).is_ok());
    }
}
