//! `swf ls`, `swf show`: samenwerkingen from the mirror (they work offline); `swf offline`:
//! keep one offline beschikbaar.
use crate::context::Ctx;
use crate::output::{lokale_tijd, table};
use clap::{Args, ValueEnum};
use swf_client::mirror::{OverviewFilter, StatusFilter};
use swf_client::ClientError;

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Alle,
    Open,
    Gesloten,
}

#[derive(Args)]
pub struct Ls {
    #[arg(long, value_enum, default_value_t = StatusArg::Alle)]
    status: StatusArg,
    /// Zoek op titel, verzoeknummer of partner (naam of OIN)
    #[arg(long)]
    zoek: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
}

impl Ls {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let account = ctx.mirror.account().await?;
        let page = ctx
            .mirror
            .overview(&OverviewFilter {
                mijn_oin: account.map(|a| a.oin),
                status: match self.status {
                    StatusArg::Alle => StatusFilter::Alle,
                    StatusArg::Open => StatusFilter::Open,
                    StatusArg::Gesloten => StatusFilter::Gesloten,
                },
                zoek: self.zoek.clone(),
                limit: self.limit,
                offset: 0,
            })
            .await?;
        ctx.out(&page, || {
            let rows: Vec<Vec<String>> = page
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.samenwerking_id.clone(),
                        i.titel.clone(),
                        i.verzoeknummer.clone().unwrap_or_default(),
                        i.status.to_string(),
                        i.mijn_rol.map(|r| r.to_string()).unwrap_or_default(),
                        i.open_inkomend.to_string(),
                        i.open_uitgaand.to_string(),
                        i.ongelezen_notificaties.to_string(),
                        i.partners.join(", "),
                    ]
                })
                .collect();
            table(
                &[
                    "ID",
                    "TITEL",
                    "VERZOEK",
                    "STATUS",
                    "ROL",
                    "AAN MIJ",
                    "VAN MIJ",
                    "ONGELEZEN",
                    "PARTNERS",
                ],
                &rows,
            );
            println!("{} van {} samenwerkingen", page.items.len(), page.total);
        })?;
        ctx.footer().await
    }
}

#[derive(Args)]
pub struct Show {
    samenwerking_id: String,
}

impl Show {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let samenwerking_id = &self.samenwerking_id;
        let d = ctx
            .mirror
            .samenwerking(samenwerking_id)
            .await?
            .ok_or_else(|| {
                ClientError::NotFound(format!(
                    "samenwerking {samenwerking_id} staat niet in de spiegel (`swf sync`?)"
                ))
            })?;
        ctx.out(&d, || {
            let s = &d.samenwerking;
            println!("{}  [{}]", s.titel, s.status.status);
            if let Some(v) = &s.verzoeknummer {
                println!("verzoeknummer: {v}");
            }
            println!("\nDeelnemers");
            table(
                &["OIN", "NAAM", "ROL", "TOEGANG"],
                &d.deelnemers
                    .iter()
                    .map(|x| {
                        vec![
                            x.oin.to_string(),
                            x.naam.clone(),
                            x.rol.to_string(),
                            x.privilege.to_string(),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            println!("\nDocumenten");
            table(
                &["ID", "NAAM", "VERTR.", "BYTES", "LOKAAL"],
                &d.documenten
                    .iter()
                    .map(|x| {
                        vec![
                            x.document.document_id.to_string(),
                            x.document.bestands_naam.clone(),
                            x.document.vertrouwelijkheids_aanduiding.to_string(),
                            x.document.grootte.to_string(),
                            if x.cached { "ja".into() } else { "".into() },
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            println!("\nActieverzoeken");
            table(
                &["ID", "TITEL", "STATUS", "VAN", "AAN", "BERICHTEN"],
                &d.actieverzoeken
                    .iter()
                    .map(|x| {
                        let a = &x.actieverzoek;
                        vec![
                            a.actieverzoek_id.to_string(),
                            a.titel.clone(),
                            a.status.to_string(),
                            a.zender_naam.clone(),
                            a.ontvanger_naam.clone(),
                            x.berichten.len().to_string(),
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
            println!("\nNotificaties");
            table(
                &["ID", "DATUM", "TITEL", "GELEZEN"],
                &d.notificaties
                    .iter()
                    .map(|x| {
                        vec![
                            x.notificatie.notificatie_id.to_string(),
                            lokale_tijd(x.notificatie.event_datum_tijd),
                            x.notificatie.notificatie_titel.clone(),
                            if x.gelezen { "ja".into() } else { "".into() },
                        ]
                    })
                    .collect::<Vec<_>>(),
            );
        })?;
        ctx.footer().await
    }
}

#[derive(Args)]
pub struct Offline {
    samenwerking_id: String,
    /// Niet meer offline beschikbaar houden (gedownloade bestanden blijven tot ze wijzigen)
    #[arg(long)]
    uit: bool,
}

impl Offline {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let samenwerking_id = &self.samenwerking_id;
        let s = ctx.session().await?;
        let ophalen = s.offline_beschikbaar(samenwerking_id, !self.uit).await?;
        // a command waits for the documents (the app lets them come in the background)
        let n = match ophalen {
            Some(ophalen) => ophalen.wachten().await?,
            None => 0,
        };
        ctx.out(
            &serde_json::json!({"samenwerkingId": samenwerking_id, "offline": !self.uit, "gedownload": n}),
            || {
                if self.uit {
                    println!("{samenwerking_id} wordt niet meer offline bijgehouden");
                } else {
                    println!("{samenwerking_id} is offline beschikbaar ({n} documenten gedownload)");
                }
            },
        )
    }
}
