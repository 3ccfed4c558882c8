//! `swf notificaties [ls|gelezen|verwijder]`: the inbox across samenwerkingen.
use crate::context::Ctx;
use crate::output::{lokale_tijd, table};
use clap::Subcommand;
use swf_client::mirror::NotificatieFilter;
use swf_client::ClientError;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum NotifCmd {
    /// Lijst (nieuwste eerst)
    Ls {
        #[arg(long)]
        ongelezen: bool,
        #[arg(long)]
        samenwerking: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Markeer als gelezen (alleen op deze computer)
    Gelezen { ids: Vec<Uuid> },
    /// Verwijder bij de service (voor uw hele organisatie)
    #[command(alias = "delete")]
    Verwijder { id: Uuid },
}

pub async fn run(ctx: &Ctx, cmd: Option<&NotifCmd>) -> Result<(), ClientError> {
    match cmd {
        None => lijst(ctx, false, None, 50).await,
        Some(NotifCmd::Ls {
            ongelezen,
            samenwerking,
            limit,
        }) => lijst(ctx, *ongelezen, samenwerking.clone(), *limit).await,
        Some(NotifCmd::Gelezen { ids }) => {
            ctx.session().await?.notificaties_gelezen(ids).await?;
            ctx.out(&serde_json::json!({"gelezen": ids}), || {
                println!("{} gemarkeerd als gelezen", ids.len())
            })
        }
        Some(NotifCmd::Verwijder { id }) => {
            ctx.session().await?.notificatie_verwijderen(*id).await?;
            ctx.out(&serde_json::json!({"verwijderd": id}), || {
                println!("verwijderd")
            })
        }
    }
}

async fn lijst(
    ctx: &Ctx,
    ongelezen: bool,
    samenwerking: Option<String>,
    limit: u32,
) -> Result<(), ClientError> {
    let page = ctx
        .mirror
        .notificaties(&NotificatieFilter {
            samenwerking_id: samenwerking,
            alleen_ongelezen: ongelezen,
            limit,
            offset: 0,
        })
        .await?;
    ctx.out(&page, || {
        table(
            &["ID", "DATUM", "TITEL", "TEKST", "GELEZEN"],
            &page
                .items
                .iter()
                .map(|x| {
                    vec![
                        x.notificatie.notificatie_id.to_string(),
                        lokale_tijd(x.notificatie.event_datum_tijd),
                        x.notificatie.notificatie_titel.clone(),
                        x.notificatie.notificatie_tekst.clone(),
                        if x.gelezen { "ja".into() } else { "".into() },
                    ]
                })
                .collect::<Vec<_>>(),
        );
        println!("{} van {} notificaties", page.items.len(), page.total);
    })?;
    ctx.footer().await
}
