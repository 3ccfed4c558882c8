//! `swf docs download|upload`: transfers stream with a progress bar; downloads are checked
//! against the service's hash.
use crate::context::Ctx;
use crate::output::{bij, klaar};
use clap::Subcommand;
use std::path::PathBuf;
use swf_client::werk;
use swf_client::ClientError;
use swf_domain::Vertrouwelijkheid;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum DocsCmd {
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

impl DocsCmd {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        match self {
            DocsCmd::Download { document_id, naar } => download(ctx, *document_id, naar).await,
            DocsCmd::Upload {
                samenwerking_id,
                bestand,
                sv,
                omschrijving,
            } => {
                let s = ctx.session().await?;
                let len = std::fs::metadata(bestand).map(|m| m.len()).ok();
                let pb = ctx.progress(len, &bestand.display().to_string());
                let doc = s
                    .document_toevoegen(
                        samenwerking_id,
                        bestand,
                        if *sv {
                            Vertrouwelijkheid::Sv
                        } else {
                            Vertrouwelijkheid::Rv
                        },
                        omschrijving.as_deref(),
                        &bij(&pb),
                    )
                    .await;
                klaar(pb);
                let doc = doc?;
                ctx.say(&format!(
                    "toegevoegd: {} ({})",
                    doc.bestands_naam, doc.document_id
                ));
                ctx.out(&doc, || println!("{}", doc.document_id))
            }
        }
    }
}

/// A document already on this machine is copied without a session (also offline or signed
/// out); otherwise the session downloads it first.
async fn download(ctx: &Ctx, id: Uuid, naar: &Option<PathBuf>) -> Result<(), ClientError> {
    let doc =
        ctx.mirror.document(id).await?.ok_or_else(|| {
            ClientError::NotFound(format!("document {id} staat niet in de spiegel"))
        })?;
    let dest = naar
        .clone()
        .unwrap_or_else(|| PathBuf::from(werk::bestandsnaam(&doc.document.bestands_naam, id)));
    if werk::lokaal_opslaan(&ctx.mirror, id, &dest)
        .await?
        .is_none()
    {
        let s = ctx.session().await?;
        let pb = ctx.progress(Some(doc.document.grootte), &doc.document.bestands_naam);
        let r = s.document_opslaan(id, &dest, &bij(&pb)).await;
        klaar(pb);
        r?;
    }
    ctx.say(&format!("opgeslagen: {}", dest.display()));
    ctx.out(
        &serde_json::json!({"bestand": dest, "documentHash": doc.document.document_hash}),
        || {},
    )
}
