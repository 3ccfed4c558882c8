//! `swf verzoek …`: send an actieverzoek, move it on (with the version last seen), post a
//! bericht.
use crate::context::Ctx;
use clap::{Args, Subcommand};
use swf_client::werk::NieuwActieverzoek;
use swf_client::ClientError;
use swf_domain::ActieverzoekStatus;
use uuid::Uuid;

/// The actieverzoek's `melding`: the note with a status change.
#[derive(Args)]
pub struct Melding {
    /// Toelichting bij de statuswijziging
    #[arg(long)]
    melding: Option<String>,
}

#[derive(Subcommand)]
pub enum VerzoekCmd {
    /// Stuur een actieverzoek aan een deelnemer
    #[command(alias = "send")]
    Versturen {
        samenwerking_id: String,
        /// OIN van de ontvanger
        #[arg(long)]
        aan: String,
        #[arg(long)]
        titel: String,
        #[arg(long)]
        omschrijving: String,
        /// Document-id om mee te sturen (mag vaker)
        #[arg(long = "document")]
        documenten: Vec<Uuid>,
    },
    /// In behandeling nemen (ontvanger)
    #[command(alias = "treat")]
    Behandelen {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Weigeren (ontvanger)
    #[command(alias = "refuse")]
    Weigeren {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Gereedmelden (ontvanger)
    #[command(alias = "ready")]
    Gereedmelden {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Accepteren: gereed (zender)
    #[command(alias = "accept")]
    Accepteren {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Terugsturen: weer in behandeling (zender)
    #[command(alias = "return")]
    Terugsturen {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Intrekken (zender)
    #[command(alias = "withdraw")]
    Intrekken {
        actieverzoek_id: Uuid,
        #[command(flatten)]
        m: Melding,
    },
    /// Stuur een bericht bij een actieverzoek
    Bericht {
        actieverzoek_id: Uuid,
        tekst: String,
    },
}

impl VerzoekCmd {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let s = ctx.session().await?;
        let (id, status, m) = match self {
            VerzoekCmd::Versturen {
                samenwerking_id,
                aan,
                titel,
                omschrijving,
                documenten,
            } => {
                let a = s
                    .actieverzoek_versturen(&NieuwActieverzoek {
                        samenwerking_id: samenwerking_id.clone(),
                        ontvanger: aan.clone(),
                        titel: titel.clone(),
                        omschrijving: omschrijving.clone(),
                        documenten: documenten.clone(),
                    })
                    .await
                    .map_err(|e| als_optie(e, "ontvanger", "--aan"))?;
                ctx.say(&format!(
                    "verstuurd aan {}: {}",
                    a.ontvanger_naam, a.actieverzoek_id
                ));
                return ctx.out(&a, || println!("{}", a.actieverzoek_id));
            }
            VerzoekCmd::Bericht {
                actieverzoek_id,
                tekst,
            } => {
                let b = s.bericht_versturen(*actieverzoek_id, tekst).await?;
                return ctx.out(&b, || println!("bericht verstuurd"));
            }
            VerzoekCmd::Behandelen { actieverzoek_id, m }
            | VerzoekCmd::Terugsturen { actieverzoek_id, m } => {
                (actieverzoek_id, ActieverzoekStatus::InBehandeling, m)
            }
            VerzoekCmd::Weigeren { actieverzoek_id, m } => {
                (actieverzoek_id, ActieverzoekStatus::Geweigerd, m)
            }
            VerzoekCmd::Gereedmelden { actieverzoek_id, m } => {
                (actieverzoek_id, ActieverzoekStatus::Gereedgemeld, m)
            }
            VerzoekCmd::Accepteren { actieverzoek_id, m } => {
                (actieverzoek_id, ActieverzoekStatus::Gereed, m)
            }
            VerzoekCmd::Intrekken { actieverzoek_id, m } => {
                (actieverzoek_id, ActieverzoekStatus::Ingetrokken, m)
            }
        };
        // the engine sends the version last seen: a change meanwhile gives a conflict
        let a = s
            .actieverzoek_status(*id, status, m.melding.clone())
            .await?;
        ctx.say(&format!("'{}' is nu {}", a.titel, a.status));
        ctx.out(&a, || {})
    }
}

/// A refused field of the engine's input named as the option the user typed (`ontvanger` is
/// `--aan` here).
fn als_optie(e: ClientError, veld: &str, optie: &str) -> ClientError {
    match e {
        ClientError::Validation { message, params } => ClientError::Validation {
            message: match message.strip_prefix(&format!("{veld}:")) {
                Some(rest) => format!("{optie}:{rest}"),
                None => message,
            },
            params,
        },
        other => other,
    }
}
