//! The subcommands, one module per group. Each parses its arguments, calls the engine (reads
//! from the mirror, use cases of `swf_client::werk` through the session) and prints.
use crate::context::Ctx;
use crate::fout::Fout;
use clap::Subcommand;

pub mod aanmelden;
pub mod actieverzoek;
pub mod archief;
pub mod deelnemer;
pub mod document;
pub mod notificatie;
pub mod samenwerking;
pub mod sync;

#[derive(Subcommand)]
pub enum Command {
    /// Aanmelden bij een service; het token gaat naar de sleutelbos van het systeem
    Login(aanmelden::Login),
    /// Afmelden: token intrekken, uit de sleutelbos halen en de lokale kopie wissen
    Logout,
    /// Account, verbinding, laatste synchronisatie en inhoud van de spiegel
    Status,
    /// Synchroniseer met de service (eenmalig, of blijf volgen met --follow)
    Sync(sync::Sync),
    /// Mijn samenwerkingen (uit de spiegel): wat van mij gevraagd wordt eerst
    Ls(samenwerking::Ls),
    /// Eén samenwerking met deelnemers, documenten, actieverzoeken en notificaties
    Show(samenwerking::Show),
    /// Documenten downloaden of toevoegen
    Docs {
        #[command(subcommand)]
        cmd: document::DocsCmd,
    },
    /// Actieverzoeken versturen en afhandelen
    Verzoek {
        #[command(subcommand)]
        cmd: actieverzoek::VerzoekCmd,
    },
    /// Deelnemers uitnodigen, hun toegang wijzigen of ze verwijderen (initiatiefnemer)
    Deelnemer {
        #[command(subcommand)]
        cmd: deelnemer::DeelnemerCmd,
    },
    /// Houd een samenwerking offline beschikbaar: al haar documenten worden lokaal bewaard
    Offline(samenwerking::Offline),
    /// Notificaties lezen, als gelezen markeren of verwijderen
    Notificaties {
        #[command(subcommand)]
        cmd: Option<notificatie::NotifCmd>,
    },
    /// Archiveer een samenwerking: een BagIt-map met een MDTO-pakket, gecontroleerd na het schrijven
    Archief(archief::Archief),
}

/// What a command does at the service, for what its failure means.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Soort {
    /// Changes something at the service.
    Schrijven,
    /// Brings the local copy up to date.
    Synchroniseren,
    /// `swf logout`.
    Afmelden,
    Anders,
}

impl Command {
    pub fn soort(&self) -> Soort {
        match self {
            Command::Verzoek { .. }
            | Command::Deelnemer { .. }
            | Command::Docs {
                cmd: document::DocsCmd::Upload { .. },
            }
            | Command::Notificaties {
                cmd: Some(notificatie::NotifCmd::Verwijder { .. }),
            } => Soort::Schrijven,
            Command::Sync { .. } => Soort::Synchroniseren,
            Command::Logout => Soort::Afmelden,
            _ => Soort::Anders,
        }
    }

    pub async fn run(&self, ctx: &Ctx) -> Result<(), Fout> {
        match self {
            Command::Login(a) => a.run(ctx).await?,
            Command::Logout => aanmelden::logout(ctx).await?,
            Command::Status => aanmelden::status(ctx).await?,
            Command::Sync(a) => a.run(ctx).await?,
            Command::Ls(a) => a.run(ctx).await?,
            Command::Show(a) => a.run(ctx).await?,
            Command::Docs { cmd } => cmd.run(ctx).await?,
            Command::Verzoek { cmd } => cmd.run(ctx).await?,
            Command::Deelnemer { cmd } => cmd.run(ctx).await?,
            Command::Offline(a) => a.run(ctx).await?,
            Command::Notificaties { cmd } => notificatie::run(ctx, cmd.as_ref()).await?,
            Command::Archief(a) => a.run(ctx).await?,
        }
        Ok(())
    }
}
