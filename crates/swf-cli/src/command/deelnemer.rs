//! `swf deelnemer uitnodigen|toegang|verwijderen`: who takes part in a samenwerking (the
//! initiator decides).
use crate::context::Ctx;
use clap::{Subcommand, ValueEnum};
use swf_client::ClientError;
use swf_domain::Privilege;

#[derive(Clone, Copy, ValueEnum)]
pub enum Toegang {
    /// Beperkte toegang: geen strikt vertrouwelijke documenten
    Beperkt,
    /// Volledige toegang
    Volledig,
}

impl From<Toegang> for Privilege {
    fn from(t: Toegang) -> Privilege {
        match t {
            Toegang::Beperkt => Privilege::BeperkteToegang,
            Toegang::Volledig => Privilege::VolledigeToegang,
        }
    }
}

#[derive(Subcommand)]
pub enum DeelnemerCmd {
    /// Nodig een organisatie uit (op OIN)
    Uitnodigen {
        samenwerking_id: String,
        /// OIN van de organisatie
        #[arg(long)]
        oin: String,
        #[arg(long, value_enum, default_value_t = Toegang::Beperkt)]
        toegang: Toegang,
    },
    /// Wijzig de toegang van een deelnemer
    Toegang {
        samenwerking_id: String,
        #[arg(long)]
        oin: String,
        #[arg(long, value_enum)]
        toegang: Toegang,
    },
    /// Verwijder een deelnemer uit de samenwerking
    Verwijderen {
        samenwerking_id: String,
        #[arg(long)]
        oin: String,
    },
}

impl DeelnemerCmd {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let s = ctx.session().await?;
        match self {
            DeelnemerCmd::Uitnodigen {
                samenwerking_id,
                oin,
                toegang,
            } => {
                let d = s
                    .deelnemer_uitnodigen(samenwerking_id, oin, (*toegang).into())
                    .await?;
                ctx.say(&format!("uitgenodigd: {} ({})", d.naam, d.privilege));
                ctx.out(&d, || println!("{}", d.oin))
            }
            DeelnemerCmd::Toegang {
                samenwerking_id,
                oin,
                toegang,
            } => {
                let d = s
                    .privilege_wijzigen(samenwerking_id, oin, (*toegang).into())
                    .await?;
                ctx.say(&format!("{} heeft nu {}", d.naam, d.privilege));
                ctx.out(&d, || {})
            }
            DeelnemerCmd::Verwijderen {
                samenwerking_id,
                oin,
            } => {
                s.deelnemer_verwijderen(samenwerking_id, oin).await?;
                ctx.say(&format!("{oin} neemt niet meer deel"));
                ctx.out(
                    &serde_json::json!({"samenwerkingId": samenwerking_id, "verwijderd": oin}),
                    || {},
                )
            }
        }
    }
}
