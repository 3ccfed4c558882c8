//! Samenwerkruimte desktop app: the Tauri shell over the `swf-client` engine.
//!
//! - [`commands`]: what the UI may call (docs/desktop-ipc.md), typed with tauri-specta.
//! - [`events`]: what the shell tells the UI (`mirror-gewijzigd`, `sync-status`,
//!   `overdracht-voortgang`).
//! - [`ipc_error::IpcError`]: `{ code, message }`, the one error of the boundary.
//! - [`state::AppState`]: mirror, keychain, session with its background sync, practice service.
//! - [`archief`]: archiving a samenwerking (commands, progress, clean-up, automatic archive).
//!
//! `ui/src/ipc/bindings.gen.ts` is generated from [`specta_builder`] by the `export_bindings`
//! test (`cargo test -p samenwerkruimte export_bindings`).
pub mod achtergrond;
pub mod archief;
pub mod attendering;
pub mod commands;
pub mod enkel;
pub mod events;
pub mod ipc_error;
pub mod logging;
pub mod oefenomgeving;
pub mod oefenrollen;
pub mod state;
pub mod tray;
pub mod types;
pub mod updates;
pub mod venster;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use tauri::{Manager, RunEvent, Runtime};

pub use ipc_error::IpcError;
pub use state::{AppState, Opties};

/// Where the bindings go, relative to this crate.
pub const BINDINGS: &str = "../ui/src/ipc/bindings.gen.ts";

/// Every command and event the UI can use, with their types.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    // `::<tauri::Wry>` only picks the instance whose types are collected (they do not depend on
    // the runtime); the handler itself is generic over `R`
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            app_info::<tauri::Wry>,
            sessie::<tauri::Wry>,
            aanmelden::<tauri::Wry>,
            oefenomgeving_starten,
            afmelden,
            sync_status,
            nu_synchroniseren,
            overzicht,
            samenwerking,
            notificaties,
            notificaties_gelezen,
            notificatie_verwijderen,
            organisaties_zoeken,
            samenwerking_starten,
            samenwerking_sluiten,
            samenwerking_verwijderen,
            deelnemer_uitnodigen,
            privilege_wijzigen,
            deelnemer_verwijderen,
            bestand_kiezen::<tauri::Wry>,
            document_toevoegen::<tauri::Wry>,
            document_wijzigen,
            document_verwijderen,
            document_opslaan::<tauri::Wry>,
            document_openen::<tauri::Wry>,
            actieverzoek_versturen,
            actieverzoek_status,
            bericht_versturen,
            historie,
            offline_beschikbaar,
            instellingen,
            instellingen_opslaan,
            logmap_openen::<tauri::Wry>,
            // the practice environment: roles, demo verzoeken, exercises (oefenrollen.rs)
            oefenrollen,
            oefenrol_kiezen::<tauri::Wry>,
            oefenservice_aanmelden::<tauri::Wry>,
            oefen_verzoeken,
            oefen_gezien,
            oefeningen,
            oefen_notitie_opslaan,
            oefeningen_opnieuw,
            oefeningen_exporteren::<tauri::Wry>,
            // archiving (archief.rs)
            archief::archiveren::<tauri::Wry>,
            archief::archieven,
            archief::archief_status,
            archief::archief_automatisch,
            archief::archief_automatisch_instellen::<tauri::Wry>,
            // notifications, tray and background mode (issue 13)
            attendering::commands::attendering_status,
            attendering::commands::attendering_berichten,
            attendering::commands::te_openen,
            attendering::commands::actieverzoek_openen::<tauri::Wry>,
            attendering::commands::attendering_keuzes,
            attendering::commands::attendering_keuzes_opslaan::<tauri::Wry>,
            crate::updates::update_zoeken::<tauri::Wry>,
            crate::updates::update_installeren::<tauri::Wry>,
        ])
        .events(tauri_specta::collect_events![
            events::MirrorGewijzigd,
            events::SyncStatusGewijzigd,
            events::OverdrachtVoortgang,
            archief::ArchiefVoortgang,
            archief::ArchiefGemaakt,
            attendering::AttenderingGewijzigd,
            attendering::OpenenGevraagd,
        ])
}

/// The TypeScript of [`specta_builder`]: commands, events and every type they use.
pub fn bindings_ts() -> Result<String, String> {
    use specta_typescript::{BigIntExportBehavior, Typescript};
    let ts = Typescript::default()
        // u64/i64 (sizes, counters, sequence numbers) stay far below 2^53
        .bigint(BigIntExportBehavior::Number)
        .header("/* eslint-disable */\n// @ts-nocheck\n// Generated from src-tauri by `cargo test -p samenwerkruimte export_bindings`.");
    specta_builder::<tauri::Wry>()
        .export_str(ts)
        .map_err(|e| e.to_string())
}

/// Write the bindings to `pad` (only when they changed, so the file's time stays put).
pub fn export_bindings(pad: &Path) -> Result<(), String> {
    let ts = bindings_ts()?;
    if std::fs::read_to_string(pad).ok().as_deref() == Some(ts.as_str()) {
        return Ok(());
    }
    if let Some(map) = pad.parent() {
        std::fs::create_dir_all(map).map_err(|e| format!("{}: {e}", map.display()))?;
    }
    std::fs::write(pad, ts).map_err(|e| format!("{}: {e}", pad.display()))
}

/// Plugins and commands, on any runtime (the mock runtime in tests). Call [`init`] on the built
/// app before it runs.
pub fn register<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(specta_builder::<R>().invoke_handler())
}

/// The builder of the real app (the Wry runtime). The updater plugin only here: it needs the
/// `plugins.updater` config of tauri.conf.json, which the mock runtime's context lacks.
pub fn builder() -> tauri::Builder<tauri::Wry> {
    register(tauri::Builder::default()).plugin(tauri_plugin_updater::Builder::new().build())
}

/// Everything the commands need, before any window exists: the events, the log files and the
/// state (the mirror is opened here). Not a `setup` hook: Tauri panics when that fails, this
/// returns the reason.
pub fn init<R: Runtime>(app: &tauri::AppHandle<R>, opties: Opties) -> Result<(), String> {
    specta_builder::<R>().mount_events(app);
    let pad = |eigen: &Option<std::path::PathBuf>, standaard: tauri::Result<std::path::PathBuf>| {
        match eigen {
            Some(d) => Ok(d.clone()),
            None => standaard.map_err(|e| format!("geen map voor de gegevens: {e}")),
        }
    };
    let data_dir = pad(&opties.data_dir, app.path().app_data_dir())?;
    let log_dir = pad(&opties.log_dir, app.path().app_log_dir())?;
    if opties.logboek {
        match logging::start(&log_dir) {
            Ok(l) => {
                app.manage(l);
            }
            Err(e) => eprintln!("Samenwerkruimte: geen logbestand ({e})"),
        }
    }
    match &opties.notifier {
        Some(n) => {
            app.manage(attendering::Attenderingen::met_notifier(Arc::clone(n)));
        }
        None => attendering::beheren(app),
    }
    let secrets = opties.secrets.clone().unwrap_or_else(|| {
        Arc::from(swf_client::secrets::secret_store_from_env(
            &app.config().identifier,
        ))
    });
    let state = tauri::async_runtime::block_on(AppState::open(
        data_dir.clone(),
        log_dir,
        secrets,
        &opties,
    ))
    .map_err(|e| {
        tracing::error!(error = %e, data = %data_dir.display(), "cannot open the local copy");
        format!(
            "de lokale gegevens in {} kunnen niet worden geopend: {e}",
            data_dir.display()
        )
    })?;
    let achtergrond = tauri::async_runtime::block_on(achtergrond::lezen(&state.mirror));
    app.manage(achtergrond::Stand::new(achtergrond.achtergrond));
    app.manage(state);
    Ok(())
}

/// Start the app; returns when the last window closed.
pub fn run() -> ExitCode {
    let app = match builder().build(tauri::generate_context!("../tauri.conf.json")) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Samenwerkruimte kan niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opties = Opties::from_env();
    // one app per data folder: a second start brings up the first one's window and ends
    let enkel = match opties
        .data_dir
        .clone()
        .or_else(|| app.path().app_data_dir().ok())
        .and_then(|d| enkel::Enkel::claim(&d))
    {
        Some(enkel::Claim::Andere) => return ExitCode::SUCCESS,
        Some(enkel::Claim::Eerste(e)) => Some(e),
        None => None,
    };
    if let Err(e) = init(app.handle(), opties) {
        tracing::error!(error = %e, "the app could not start");
        eprintln!("Samenwerkruimte kan niet starten: {e}");
        return ExitCode::FAILURE;
    }
    stop_bij_signaal(app.handle().clone());
    if let Some(e) = enkel {
        e.luisteren(app.handle().clone());
    }
    tray::bouwen(app.handle());
    app.manage(achtergrond::Overdracht::default());
    // started at login by an older autostart entry: syncing in the tray, no window
    let zonder_venster = std::env::args().any(|a| a == achtergrond::ARG_ACHTERGROND)
        && achtergrond::aan(app.handle());
    // started by the background process's "Openen" (a notification's target)
    let mut openen = swf_achtergrond::opties::doel_lezen(std::env::args_os());
    app.run(move |handle, event| match event {
        RunEvent::Ready if zonder_venster => {
            if achtergrond::overdracht_kiezen(handle) {
                tracing::info!("started in the background: handing over to the background process");
                handle.exit(0);
                return;
            }
            if let Some(w) = handle.get_webview_window(venster::HOOFDVENSTER) {
                if let Err(e) = w.destroy() {
                    tracing::warn!(error = %e, "the window of a background start stayed");
                }
            }
            tracing::info!("started in the background");
        }
        RunEvent::Ready => {
            if let Some(doel) = openen.take() {
                attendering::openen(handle, Some(doel));
            }
        }
        // the last window closed (not Afsluiten, not a signal: those give an exit code)
        RunEvent::ExitRequested {
            code: None, api, ..
        } if achtergrond::aan(handle) => {
            if achtergrond::overdracht_kiezen(handle) {
                tracing::info!(
                    "the window was closed; Samenwerkruimte goes on in the background process"
                );
            } else {
                api.prevent_exit();
                tracing::info!("the window was closed; Samenwerkruimte goes on in the background");
            }
        }
        RunEvent::Exit => {
            enkel::opruimen(handle);
            if let Some(state) = handle.try_state::<AppState>() {
                tauri::async_runtime::block_on(state.afsluiten());
            }
            achtergrond::overdragen(handle);
            tracing::info!("Samenwerkruimte stopped");
        }
        _ => {}
    });
    ExitCode::SUCCESS
}

/// SIGTERM (log-out, `kill`) and SIGINT (Ctrl-C in a terminal) close the app the normal way,
/// so the practice service and the mirror shut down cleanly.
fn stop_bij_signaal(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        swf_client::stopsignaal::stop_signaal().await;
        handle.exit(0);
    });
}

#[cfg(test)]
mod tests {
    /// Writes `ui/src/ipc/bindings.gen.ts`. CI runs it and fails when the committed file differs.
    #[test]
    fn export_bindings() {
        let pad = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::BINDINGS);
        if let Err(e) = super::export_bindings(&pad) {
            panic!("bindings not written: {e}");
        }
    }
}
