//! Background mode and start at login (issue 13, decision D39).
//!
//! - Background mode (on unless switched off): closing the window destroys it — the webview
//!   and its processes end — while the app keeps syncing and notifying from the tray; "Openen"
//!   (tray, notification, a second start of the app) builds the window again. Off: closing the
//!   window ends the app, as before.
//! - Start at login (off unless switched on): on Linux an XDG autostart entry
//!   (`$XDG_CONFIG_HOME/autostart/<identifier>.desktop`), written to a temporary file and
//!   renamed into place, removed when switched off. It starts the app with [`ARG_ACHTERGROND`]:
//!   syncing in the tray, no window.
//!
//! Both are kept in the local database (`lokaal.instellingen`, key [`SLEUTEL`]) like every
//! setting of this installation.
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use swf_client::mirror::Mirror;
use tauri::{AppHandle, Manager, Runtime};

/// The key in `lokaal.instellingen`.
pub const SLEUTEL: &str = "achtergrond";
/// Start without a window (the autostart entry passes it).
pub const ARG_ACHTERGROND: &str = "--achtergrond";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct AchtergrondInstellingen {
    /// Closing the window keeps the app running in the tray.
    pub achtergrond: bool,
    /// Start the app (in the background) when the user logs in.
    pub opstarten: bool,
}

impl Default for AchtergrondInstellingen {
    fn default() -> Self {
        AchtergrondInstellingen {
            achtergrond: true,
            opstarten: false,
        }
    }
}

/// Set by tauri-driver in the app it starts: the WebDriver session owns the window's life.
pub const ENV_AUTOMATION: &str = "TAURI_WEBVIEW_AUTOMATION";

/// Whether background mode is on, for the event loop (set at start, changed by
/// `attendering_keuzes_opslaan`). Never under WebDriver automation: ending a session closes the
/// window and waits for the app to end, as it always did (the e2e suite's test of background
/// mode starts the app itself).
pub struct Stand {
    aan: AtomicBool,
    automation: bool,
}

impl Stand {
    pub fn new(aan: bool) -> Stand {
        let automation = std::env::var_os(ENV_AUTOMATION).is_some_and(|v| v == "true");
        if automation && aan {
            tracing::info!("under WebDriver automation: no background mode");
        }
        Stand {
            aan: AtomicBool::new(aan && !automation),
            automation,
        }
    }

    pub fn zetten(&self, aan: bool) {
        self.aan.store(aan && !self.automation, Ordering::SeqCst);
    }
}

/// Whether closing the last window keeps the app running.
pub fn aan<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<Stand>()
        .is_some_and(|s| s.aan.load(Ordering::SeqCst))
}

/// The stored settings; never set or unreadable (logged): the defaults.
pub async fn lezen(mirror: &Mirror) -> AchtergrondInstellingen {
    match mirror.setting(SLEUTEL).await {
        Ok(Some(s)) => serde_json::from_str(&s).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unreadable background settings; using the defaults");
            AchtergrondInstellingen::default()
        }),
        Ok(None) => AchtergrondInstellingen::default(),
        Err(e) => {
            tracing::warn!(error = %e, "background settings not readable; using the defaults");
            AchtergrondInstellingen::default()
        }
    }
}

pub async fn opslaan(
    mirror: &Mirror,
    i: &AchtergrondInstellingen,
) -> Result<(), swf_client::ClientError> {
    let json = serde_json::to_string(i).map_err(|e| {
        swf_client::ClientError::from(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    })?;
    mirror.set_setting(SLEUTEL, &json).await
}

/// Where the XDG autostart entry of `identifier` goes: `$XDG_CONFIG_HOME/autostart`, else
/// `~/.config/autostart`.
pub fn autostart_pad(
    identifier: &str,
    xdg_config_home: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    let basis = xdg_config_home
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".config")))?;
    Some(
        basis
            .join("autostart")
            .join(format!("{identifier}.desktop")),
    )
}

/// The autostart entry's text: start `exe` in the background.
pub fn autostart_tekst(exe: &Path) -> String {
    // the Exec key quotes its argument and escapes `"`, `` ` ``, `$` and `\` (Desktop Entry spec)
    let mut pad = String::new();
    for c in exe.to_string_lossy().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            pad.push('\\');
        }
        pad.push(c);
    }
    format!(
        "[Desktop Entry]\nType=Application\nName=Samenwerkruimte\n\
         Comment=Samenwerkruimte op de achtergrond: meldingen van nieuwe actieverzoeken\n\
         Exec=\"{pad}\" {ARG_ACHTERGROND}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Write (`aan`) or remove the autostart entry at `pad`. Written atomically: a temporary file
/// in the same folder, synced, then renamed over the entry.
pub fn autostart_zetten(pad: &Path, aan: bool, exe: &Path) -> std::io::Result<()> {
    if !aan {
        return match std::fs::remove_file(pad) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            r => r,
        };
    }
    let map = pad
        .parent()
        .ok_or_else(|| std::io::Error::other("the autostart entry has no folder"))?;
    std::fs::create_dir_all(map)?;
    let tmp = map.join(format!(
        ".{}.{}.tmp",
        pad.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let r = (|| {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(autostart_tekst(exe).as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, pad)
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// The autostart entry of this installation as the settings say (Linux; elsewhere nothing is
/// written and switching it on is refused).
pub fn autostart_toepassen(identifier: &str, aan: bool) -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return if aan {
            Err("Starten bij aanmelden is alleen op Linux beschikbaar.".into())
        } else {
            Ok(())
        };
    }
    let pad = autostart_pad(
        identifier,
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
    .ok_or_else(|| "Geen map voor autostart (HOME is niet gezet).".to_string())?;
    let exe =
        std::env::current_exe().map_err(|e| format!("Het programma is niet te vinden: {e}"))?;
    autostart_zetten(&pad, aan, &exe).map_err(|e| {
        tracing::warn!(error = %e, pad = %pad.display(), "autostart entry not changed");
        format!("{}: {e}", pad.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_background_on_login_off_and_old_settings_load() {
        let d = AchtergrondInstellingen::default();
        assert!(d.achtergrond && !d.opstarten);
        let oud: AchtergrondInstellingen =
            serde_json::from_str(r#"{"opstarten":true}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(oud.achtergrond && oud.opstarten);
    }

    #[test]
    fn the_entry_goes_to_the_xdg_config_folder() {
        let p = autostart_pad("nl.x", Some("/c".into()), Some("/h".into()));
        assert_eq!(p, Some(PathBuf::from("/c/autostart/nl.x.desktop")));
        let p = autostart_pad("nl.x", Some("relatief".into()), Some("/h".into()));
        assert_eq!(p, Some(PathBuf::from("/h/.config/autostart/nl.x.desktop")));
        assert_eq!(autostart_pad("nl.x", None, None), None);
    }

    #[test]
    fn the_entry_is_written_whole_and_removed() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let pad = tmp.path().join("autostart").join("nl.x.desktop");
        let exe = Path::new("/opt/Samen werk/$bin");
        autostart_zetten(&pad, true, exe).unwrap_or_else(|e| panic!("{e}"));
        let tekst = std::fs::read_to_string(&pad).unwrap_or_else(|e| panic!("{e}"));
        assert!(tekst.starts_with("[Desktop Entry]\n"), "{tekst}");
        assert!(
            tekst.contains("Exec=\"/opt/Samen werk/\\$bin\" --achtergrond\n"),
            "{tekst}"
        );
        // no temporary file stays behind
        let namen: Vec<_> = std::fs::read_dir(pad.parent().unwrap_or(tmp.path()))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(namen.len(), 1, "{namen:?}");
        autostart_zetten(&pad, false, exe).unwrap_or_else(|e| panic!("{e}"));
        assert!(!pad.exists());
        autostart_zetten(&pad, false, exe).unwrap_or_else(|e| panic!("removing twice: {e}"));
    }
}
