//! `swf sync [--follow]`: bring the mirror up to date once, or follow the live feed.
use crate::context::Ctx;
use clap::Args;
use std::io::Write;
use swf_client::ClientError;
use tokio_util::sync::CancellationToken;

#[derive(Args)]
pub struct Sync {
    #[arg(long)]
    follow: bool,
}

impl Sync {
    pub async fn run(&self, ctx: &Ctx) -> Result<(), ClientError> {
        let s = ctx.session().await?;
        if !self.follow {
            let r = s.engine.sync_once().await?;
            s.engine.cache_offline_documenten().await?;
            return ctx.out(&r, || {
                println!(
                    "gesynchroniseerd{}: {} samenwerkingen gelezen, {} wijzigingen toegepast",
                    if r.volledig { " (volledig)" } else { "" },
                    r.samenwerkingen,
                    r.gebeurtenissen,
                )
            });
        }
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            c2.cancel();
        });
        let mut changes = s.engine.subscribe();
        let mut status = s.engine.status();
        let json = ctx.g.json;
        let printer = tokio::spawn(async move {
            loop {
                tokio::select! {
                    c = changes.recv() => match c {
                        Ok(c) => {
                            if json {
                                if let Ok(s) = serde_json::to_string(&c) { println!("{s}"); }
                            } else {
                                for ch in &c.changes {
                                    println!("{:?}: {}", ch.kind, ch.ids.join(", "));
                                }
                            }
                            let _ = std::io::stdout().flush();
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => return,
                    },
                    r = status.changed() => {
                        if r.is_err() { return; }
                        let st = status.borrow_and_update().clone();
                        if !json {
                            eprintln!("[{:?}{}] {}", st.verbinding, if st.live { ", live" } else { "" }, st.melding.unwrap_or_default());
                        }
                    }
                }
            }
        });
        ctx.say("volgt de service; stop met Ctrl+C");
        let r = s.engine.follow(cancel).await;
        printer.abort();
        r
    }
}
