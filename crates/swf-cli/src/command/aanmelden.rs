//! `swf login`, `swf logout`, `swf status`: the account on this machine.
use crate::context::Ctx;
use clap::Args;
use std::io::{IsTerminal, Read};
use swf_client::session;
use swf_client::sync::SyncConfig;
use swf_client::ClientError;

#[derive(Args)]
pub struct Login {
    /// Adres van de service, bijvoorbeeld https://samenwerken.example.nl
    #[arg(long)]
    service: Option<String>,
    #[arg(long)]
    gebruiker: String,
    /// Lees het wachtwoord van standaardinvoer (voor scripts)
    #[arg(long)]
    wachtwoord_stdin: bool,
    /// Niet onthouden: alleen deze opdracht is aangemeld (de lokale kopie blijft leesbaar)
    #[arg(long)]
    niet_onthouden: bool,
}

impl Login {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let url = self
            .service
            .clone()
            .or_else(|| ctx.g.service.clone())
            .ok_or_else(|| {
                ClientError::Config("geef met --service het adres van de service".into())
            })?;
        let wachtwoord = read_password(self.wachtwoord_stdin)?;
        let (s, warning) = session::login(
            &ctx.mirror,
            ctx.secrets.as_ref(),
            ctx.remote_config(&url),
            SyncConfig::default(),
            &self.gebruiker,
            &wachtwoord,
            !self.niet_onthouden,
        )
        .await?;
        if let Some(w) = &warning {
            eprintln!("let op: {w}");
        }
        ctx.say(&format!(
            "aangemeld als {} ({}, OIN {})",
            self.gebruiker, s.account.organisatie_naam, s.account.oin
        ));
        let report = s.engine.sync_once().await?;
        ctx.out(
            &serde_json::json!({"account": s.account, "sync": report}),
            || {
                eprintln!("gesynchroniseerd: {} samenwerkingen", report.samenwerkingen);
            },
        )
    }
}

/// Revoke the token, forget it, wipe the local copy. A case system's token (`--token`) is
/// refused by the service before anything local changes (D1).
pub async fn logout(ctx: &Ctx) -> Result<(), ClientError> {
    let s = ctx.session().await.ok();
    session::logout(&ctx.mirror, ctx.secrets.as_ref(), s.as_ref()).await?;
    ctx.say("afgemeld; de lokale kopie is gewist");
    ctx.out(&serde_json::json!({"afgemeld": true}), || {})
}

pub async fn status(ctx: &Ctx) -> Result<(), ClientError> {
    let account = ctx.mirror.account().await?;
    let state = ctx.mirror.sync_state().await?;
    let stats = ctx.mirror.stats().await?;
    // reachability: one cheap call, only when signed in
    let bereikbaar = match ctx.session().await {
        Ok(s) => match s.verbinding_controleren().await {
            Ok(()) => "online".to_owned(),
            Err(ClientError::Offline(_)) => "offline".to_owned(),
            Err(ClientError::Unauthorized) if ctx.g.token.is_some() => {
                "token geweigerd (--token of SWF_TOKEN)".to_owned()
            }
            Err(ClientError::Unauthorized) => "aanmelding verlopen".to_owned(),
            Err(e) => format!("fout: {e}"),
        },
        Err(ClientError::NotSignedIn) => "niet aangemeld".to_owned(),
        Err(e) => format!("fout: {e}"),
    };
    let v = serde_json::json!({
        "account": account,
        "verbinding": bereikbaar,
        "cursor": state.cursor,
        "laatstGesynchroniseerd": state.last_synced_at,
        "volledigeSyncBezig": state.full_sync.is_some(),
        "spiegel": stats,
        "map": ctx.mirror.dir(),
    });
    ctx.out(&v, || {
        match &account {
            Some(a) => println!(
                "account:     {} ({}, OIN {}) bij {}",
                a.gebruikersnaam.as_deref().unwrap_or("systeemtoken"),
                a.organisatie_naam,
                a.oin,
                a.service_url
            ),
            None => println!("account:     niet aangemeld"),
        }
        println!("verbinding:  {bereikbaar}");
        println!(
            "laatst gesynchroniseerd: {}",
            state
                .last_synced_at
                .map(|t| t
                    .with_timezone(&chrono::Local)
                    .format("%d-%m-%Y %H:%M:%S")
                    .to_string())
                .unwrap_or_else(|| "nooit".into())
        );
        println!(
            "spiegel:     {} samenwerkingen, {} documenten ({} lokaal), {} actieverzoeken, {} notificaties",
            stats.samenwerkingen,
            stats.documenten,
            stats.gecachte_documenten,
            stats.actieverzoeken,
            stats.notificaties
        );
        println!("map:         {}", ctx.mirror.dir().display());
    })
}

fn read_password(from_stdin: bool) -> Result<String, ClientError> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        let s = s.trim_end_matches(['\r', '\n']).to_owned();
        if s.is_empty() {
            return Err(ClientError::Validation {
                message: "geen wachtwoord op standaardinvoer".into(),
                params: vec![("wachtwoord".into(), "leeg".into())],
            });
        }
        return Ok(s);
    }
    Ok(rpassword::prompt_password("Wachtwoord: ")?)
}
