//! `swf archief <samenwerking> [--map DIR] [--zip]`: the samenwerking as a BagIt bag with an
//! MDTO package, made from the mirror (documents not yet here are fetched when signed in and
//! online), verified before it gets its final name; with `--zip` as `<naam>.zip` plus
//! `<naam>.zip.sha256`. `swf archief controleer DIR|ZIP` re-reads an earlier archive against
//! both manifests. Every archive made is recorded in the local state (`werk::archief`), like
//! one made from the app.
use crate::context::Ctx;
use crate::fout::Fout;
use crate::output::klaar;
use clap::Args;
use std::path::PathBuf;
use swf_client::archive::{self, ArchiefOpties, Voortgang};
use swf_client::error::ClientError;

#[derive(Args)]
pub struct Archief {
    /// De samenwerking, of `controleer` gevolgd door een archiefmap of .zip
    samenwerking_id: String,
    /// Bij `controleer`: de map of het .zip-bestand van een eerder archief
    pad: Option<PathBuf>,
    /// Lever het archief als één .zip (met een .sha256 ernaast) in plaats van een map
    #[arg(long)]
    zip: bool,
    /// Map waarin het archief komt (standaard: de huidige map)
    #[arg(long)]
    map: Option<PathBuf>,
}

impl Archief {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), Fout> {
        if self.samenwerking_id == "controleer" {
            let Some(pad) = &self.pad else {
                return Err(Fout::Client(ClientError::Config(
                    "swf archief controleer MAP|ZIP: geef het archief om te controleren".into(),
                )));
            };
            let c = archive::verify(pad)?;
            ctx.say(&format!(
                "in orde: {} bestanden, {} bytes, beide manifesten kloppen",
                c.bestanden, c.bytes
            ));
            ctx.out(
                &serde_json::json!({"bestanden": c.bestanden, "bytes": c.bytes}),
                || println!("{}", pad.display()),
            )?;
            return Ok(());
        }
        if self.pad.is_some() {
            return Err(Fout::Client(ClientError::Config(
                "swf archief <samenwerking>: één samenwerking; een map geeft u met --map".into(),
            )));
        }
        // without a session the archive is made from what is on this machine
        let sessie = ctx.session_als_aangemeld().await?;
        let opties = ArchiefOpties {
            samenwerking_id: self.samenwerking_id.clone(),
            map: self.map.clone().unwrap_or_else(|| PathBuf::from(".")),
            gebruiker: None,
            contact_email: None,
            zip: self.zip,
        };
        let pb = ctx.progress(None, "archiveren");
        let melden = |v: Voortgang| {
            if let Some(p) = &pb {
                p.set_length(v.bytes_totaal);
                p.set_position(v.bytes);
            }
        };
        let a = swf_client::werk::archief::archiveren(
            &ctx.mirror,
            sessie.as_ref().map(|s| &s.engine),
            &opties,
            &melden,
        )
        .await;
        klaar(pb);
        let gemaakt = a?;
        let a = &gemaakt.archief;
        if !a.historie_opgenomen {
            ctx.say(
                "let op: de historie kon niet bij de service worden gelezen en staat niet in het archief (het archief zegt dat ook)",
            );
        }
        ctx.say(&format!(
            "gearchiveerd: {} documenten, {} bestanden, {} bytes; gecontroleerd",
            a.documenten, a.bestanden, a.bytes
        ));
        ctx.out(&gemaakt, || println!("{}", a.pad.display()))?;
        Ok(())
    }
}
