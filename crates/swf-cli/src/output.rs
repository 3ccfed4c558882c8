//! Printing: JSON for scripts or text for people on stdout, messages and progress on stderr,
//! tables, local times.
use crate::context::Ctx;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use swf_client::ClientError;

impl Ctx {
    /// `value` as JSON with `--json`, else what `human` prints.
    pub fn out<T: Serialize>(&self, value: &T, human: impl FnOnce()) -> Result<(), ClientError> {
        if self.g.json {
            let s = serde_json::to_string_pretty(value)
                .map_err(|e| ClientError::Protocol(e.to_string()))?;
            println!("{s}");
        } else {
            human();
        }
        Ok(())
    }

    /// A message for people (stderr; nothing with `--json`).
    pub fn say(&self, msg: &str) {
        if !self.g.json {
            eprintln!("{msg}");
        }
    }

    /// A progress bar on a terminal (bytes of `len`, or a spinner); none for scripts.
    pub fn progress(&self, len: Option<u64>, what: &str) -> Option<ProgressBar> {
        if self.g.json || !std::io::stderr().is_terminal() {
            return None;
        }
        let pb = match len {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, nog {eta})",
        ) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(what.to_owned());
        Some(pb)
    }

    /// Under a read from the mirror: how old it is.
    pub async fn footer(&self) -> Result<(), ClientError> {
        if !self.g.json {
            let st = self.mirror.sync_state().await?;
            match st.last_synced_at {
                Some(t) => eprintln!(
                    "(uit de lokale spiegel; laatst gesynchroniseerd {})",
                    t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M:%S")
                ),
                None => eprintln!("(de lokale spiegel is nog niet gesynchroniseerd: `swf sync`)"),
            }
        }
        Ok(())
    }
}

/// The engine's progress callback for a bar (total bytes set when the transfer knows them).
pub fn bij(pb: &Option<ProgressBar>) -> impl Fn(u64, Option<u64>) + Send + Sync + '_ {
    move |done, total| {
        if let Some(p) = pb {
            if let Some(t) = total {
                p.set_length(t);
            }
            p.set_position(done);
        }
    }
}

pub fn klaar(pb: Option<ProgressBar>) {
    if let Some(p) = pb {
        p.finish_and_clear();
    }
}

/// A moment in the user's local time, the same in every command.
pub fn lokale_tijd(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count().min(60));
            }
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c: String = c.chars().take(60).collect();
                format!("{:<w$}", c, w = widths.get(i).copied().unwrap_or(0))
            })
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    if rows.is_empty() {
        println!("(geen)");
    }
    for r in rows {
        line(r.clone());
    }
}
