//! `swf archief <samenwerking> [--map DIR]`: the samenwerking as a BagIt bag with an MDTO
//! package, made from the mirror (documents not yet here are fetched when signed in and
//! online), verified before it gets its final name.
use crate::context::Ctx;
use crate::fout::Fout;
use crate::output::klaar;
use clap::Args;
use std::path::PathBuf;
use swf_client::archive::{self, ArchiefOpties, Voortgang};

#[derive(Args)]
pub struct Archief {
    samenwerking_id: String,
    /// Map waarin het archief komt (standaard: de huidige map)
    #[arg(long)]
    map: Option<PathBuf>,
}

impl Archief {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), Fout> {
        // without a session the archive is made from what is on this machine
        let sessie = ctx.session_als_aangemeld().await?;
        let opties = ArchiefOpties {
            samenwerking_id: self.samenwerking_id.clone(),
            map: self.map.clone().unwrap_or_else(|| PathBuf::from(".")),
            gebruiker: None,
            contact_email: None,
        };
        let pb = ctx.progress(None, "archiveren");
        let melden = |v: Voortgang| {
            if let Some(p) = &pb {
                p.set_length(v.bytes_totaal);
                p.set_position(v.bytes);
            }
        };
        let a = archive::archiveer(
            &ctx.mirror,
            sessie.as_ref().map(|s| &s.engine),
            &opties,
            &melden,
        )
        .await;
        klaar(pb);
        let a = a?;
        if !a.historie_opgenomen {
            ctx.say(
                "let op: de historie kon niet bij de service worden gelezen en staat niet in het archief (het archief zegt dat ook)",
            );
        }
        ctx.say(&format!(
            "gearchiveerd: {} documenten, {} bestanden, {} bytes; gecontroleerd",
            a.documenten, a.bestanden, a.bytes
        ));
        ctx.out(&a, || println!("{}", a.pad.display()))?;
        Ok(())
    }
}
