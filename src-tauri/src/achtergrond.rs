//! Background mode and start at login (issue 13, decision D39).
//!
//! - Background mode (on unless switched off): closing the window keeps syncing and notifying
//!   from the tray. On Linux the app hands over to the small background process
//!   (`samenwerkruimte-achtergrond`, crate `swf-achtergrond`, D52/D53): the app ends — GTK and
//!   WebKit with it — and that process restores the remembered session from the keychain;
//!   "Openen" there starts the app again, which takes the folder over. Elsewhere (and for a
//!   session that is not remembered or runs on the practice service) the app stays: the window
//!   is destroyed — the webview and its processes end — and "Openen" builds it again. Off:
//!   closing the window ends the app, as before.
//! - Start at login (off unless switched on): on Linux an XDG autostart entry
//!   (`$XDG_CONFIG_HOME/autostart/<identifier>.desktop`), written to a temporary file and
//!   renamed into place, removed when switched off. It starts the background process directly;
//!   an entry of an older version starts the app with [`ARG_ACHTERGROND`], which hands over at
//!   once.
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

/// The autostart entry's text: start `exe` (the background process) for `identifier`.
pub fn autostart_tekst(exe: &Path, identifier: &str) -> String {
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
         Exec=\"{pad}\" --identifier {identifier}\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// Write (`aan`) or remove the autostart entry at `pad`. Written atomically: a temporary file
/// in the same folder, synced, then renamed over the entry.
pub fn autostart_zetten(
    pad: &Path,
    aan: bool,
    exe: &Path,
    identifier: &str,
) -> std::io::Result<()> {
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
        f.write_all(autostart_tekst(exe, identifier).as_bytes())?;
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
    let exe = achtergrond_exe()?;
    autostart_zetten(&pad, aan, &exe, identifier).map_err(|e| {
        tracing::warn!(error = %e, pad = %pad.display(), "autostart entry not changed");
        format!("{}: {e}", pad.display())
    })
}

/// The background process's binary: next to the app, or `SWF_ACHTERGROND_EXE` (tests).
pub fn achtergrond_exe() -> Result<PathBuf, String> {
    let eigen =
        std::env::current_exe().map_err(|e| format!("Het programma is niet te vinden: {e}"))?;
    Ok(swf_achtergrond::overdracht::naast(
        &eigen,
        swf_achtergrond::opties::ACHTERGROND_BIN,
        std::env::var_os(swf_achtergrond::opties::ENV_ACHTERGROND_EXE).map(PathBuf::from),
    ))
}

/// Set when the window closed and the background process takes over: at exit, after the
/// mirror is closed, [`overdragen`] starts it.
#[derive(Default)]
pub struct Overdracht(std::sync::Mutex<Option<PathBuf>>);

/// Whether closing the window hands over to the background process (Linux, background mode
/// on, a remembered session or none, no practice service running, the binary installed):
/// remembered in [`Overdracht`] for [`overdragen`].
pub fn overdracht_kiezen<R: Runtime>(app: &AppHandle<R>) -> bool {
    if !cfg!(target_os = "linux") || !aan(app) {
        return false;
    }
    let Some(state) = app.try_state::<crate::AppState>() else {
        return false;
    };
    if state.oefenomgeving_loopt() {
        tracing::info!("the practice service runs: the app stays in the background itself");
        return false;
    }
    let onthouden =
        tauri::async_runtime::block_on(async { state.session().await.map(|s| s.account.remember) });
    if matches!(onthouden, Ok(false)) {
        tracing::info!("the session is not remembered: the app stays in the background itself");
        return false;
    }
    let exe = match achtergrond_exe() {
        Ok(p) if p.is_file() => p,
        Ok(p) => {
            tracing::warn!(exe = %p.display(), "no background process installed: the app stays");
            return false;
        }
        Err(e) => {
            tracing::warn!(error = %e, "the app stays in the background itself");
            return false;
        }
    };
    match app.try_state::<Overdracht>() {
        Some(o) => {
            *o.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(exe);
            true
        }
        None => false,
    }
}

/// At exit: start the background process chosen by [`overdracht_kiezen`] for this app's folders
/// (the mirror is closed and the socket removed by then).
pub fn overdragen<R: Runtime>(app: &AppHandle<R>) {
    let Some(exe) = app
        .try_state::<Overdracht>()
        .and_then(|o| o.0.lock().unwrap_or_else(|e| e.into_inner()).take())
    else {
        return;
    };
    let Some(state) = app.try_state::<crate::AppState>() else {
        return;
    };
    let opties = swf_achtergrond::opties::Opties {
        identifier: app.config().identifier.clone(),
        data_dir: state.data_dir.clone(),
        log_dir: state.log_dir.clone(),
    };
    let mut cmd = std::process::Command::new(&exe);
    cmd.args(opties.args())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    {
        // its own process group: a Ctrl-C meant for the app's terminal does not reach it
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    match cmd.spawn() {
        Ok(k) => tracing::info!(pid = k.id(), "the background process takes over"),
        Err(e) => {
            tracing::error!(error = %e, exe = %exe.display(), "the background process did not start")
        }
    }
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
        autostart_zetten(&pad, true, exe, "nl.x").unwrap_or_else(|e| panic!("{e}"));
        let tekst = std::fs::read_to_string(&pad).unwrap_or_else(|e| panic!("{e}"));
        assert!(tekst.starts_with("[Desktop Entry]\n"), "{tekst}");
        assert!(
            tekst.contains("Exec=\"/opt/Samen werk/\\$bin\" --identifier nl.x\n"),
            "{tekst}"
        );
        // no temporary file stays behind
        let namen: Vec<_> = std::fs::read_dir(pad.parent().unwrap_or(tmp.path()))
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(namen.len(), 1, "{namen:?}");
        autostart_zetten(&pad, false, exe, "nl.x").unwrap_or_else(|e| panic!("{e}"));
        assert!(!pad.exists());
        autostart_zetten(&pad, false, exe, "nl.x")
            .unwrap_or_else(|e| panic!("removing twice: {e}"));
    }
}
