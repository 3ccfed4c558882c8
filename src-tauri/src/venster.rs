//! The main window: shown when it exists, built again from `tauri.conf.json` when background
//! mode destroyed it (issue 13). Used by the tray, a notification's "Openen", the
//! `actieverzoek_openen` command and a second start of the app.
use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder};

/// The label of the one window.
pub const HOOFDVENSTER: &str = "main";

/// Bring the main window up: unminimise, show and focus it, or build it again.
pub fn tonen<R: Runtime>(app: &AppHandle<R>) -> Result<(), String> {
    if let Some(w) = app.get_webview_window(HOOFDVENSTER) {
        // each step may be refused by the window manager; the window is there either way
        for r in [w.unminimize(), w.show(), w.set_focus()] {
            if let Err(e) = r {
                tracing::debug!(error = %e, "the window did not take a step to the front");
            }
        }
        return Ok(());
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == HOOFDVENSTER)
        .cloned()
        .ok_or_else(|| "tauri.conf.json has no main window".to_string())?;
    WebviewWindowBuilder::from_config(app, &config)
        .and_then(|b| b.build())
        .map_err(|e| format!("the window could not be built again: {e}"))?;
    tracing::info!("the window was built again");
    Ok(())
}

/// [`tonen`], logging instead of failing (a tray click or a notification has nobody to tell).
pub fn tonen_of_loggen<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = tonen(app) {
        tracing::warn!(error = %e, "could not open the window");
    }
}
