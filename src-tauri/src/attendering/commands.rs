//! The commands of notifications, the tray and background mode (docs/desktop-ipc.md).
use super::{AttenderingGewijzigd, Attenderingen};
use crate::achtergrond::{self, AchtergrondInstellingen};
use crate::ipc_error::IpcError;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use swf_client::attendering::{AttenderingInstellingen, Doel, OsNotificatie};
use tauri::{AppHandle, Manager, Runtime, State};

type Uitkomst<T> = Result<T, IpcError>;

/// Whether the desktop shows notifications and how many in-app messages wait.
#[tauri::command]
#[specta::specta]
pub fn attendering_status(att: State<'_, Attenderingen>) -> AttenderingGewijzigd {
    att.status()
}

/// Take the notifications the desktop could not show (each is handed out once).
#[tauri::command]
#[specta::specta]
pub fn attendering_berichten(att: State<'_, Attenderingen>) -> Vec<OsNotificatie> {
    att.berichten()
}

/// What "Openen" asked to show and the UI did not take yet (taken once).
#[tauri::command]
#[specta::specta]
pub fn te_openen(att: State<'_, Attenderingen>) -> Option<Doel> {
    att.te_openen()
}

/// "Openen" of a notification: the same path the notification's action takes (the e2e suite
/// calls it, since a notification daemon under Xvfb cannot be clicked).
#[tauri::command]
#[specta::specta]
pub fn actieverzoek_openen<R: Runtime>(
    app: AppHandle<R>,
    samenwerking_id: String,
    actieverzoek_id: Option<String>,
) -> Uitkomst<()> {
    let actieverzoek_id = actieverzoek_id
        .map(|s| {
            uuid::Uuid::parse_str(s.trim()).map_err(|_| {
                IpcError::ongeldig(format!("Actieverzoek '{s}' is geen geldig id (een UUID)."))
            })
        })
        .transpose()?;
    super::openen(
        &app,
        Some(Doel {
            samenwerking_id,
            actieverzoek_id,
        }),
    );
    Ok(())
}

/// The switches of Instellingen › Meldingen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AttenderingKeuzes {
    /// One switch per kind of OS notification.
    pub soorten: AttenderingInstellingen,
    pub achtergrond: AchtergrondInstellingen,
}

/// Settings are local: they work before signing in.
#[tauri::command]
#[specta::specta]
pub async fn attendering_keuzes(state: State<'_, AppState>) -> Uitkomst<AttenderingKeuzes> {
    Ok(AttenderingKeuzes {
        soorten: state.mirror.attendering_instellingen().await?,
        achtergrond: achtergrond::lezen(&state.mirror).await,
    })
}

/// Store the switches; start at login writes or removes the autostart entry first (a refusal
/// leaves the stored setting as it was).
#[tauri::command]
#[specta::specta]
pub async fn attendering_keuzes_opslaan<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    keuzes: AttenderingKeuzes,
) -> Uitkomst<()> {
    let oud = achtergrond::lezen(&state.mirror).await;
    if oud.opstarten != keuzes.achtergrond.opstarten {
        let id = app.config().identifier.clone();
        let aan = keuzes.achtergrond.opstarten;
        tokio::task::spawn_blocking(move || achtergrond::autostart_toepassen(&id, aan))
            .await
            .map_err(IpcError::intern)?
            .map_err(|e| {
                IpcError::new(
                    swf_client::ErrorCode::Internal,
                    format!("Starten bij aanmelden kon niet worden ingesteld: {e}"),
                )
            })?;
    }
    state
        .mirror
        .set_attendering_instellingen(&keuzes.soorten)
        .await?;
    achtergrond::opslaan(&state.mirror, &keuzes.achtergrond).await?;
    if let Some(s) = app.try_state::<achtergrond::Stand>() {
        s.zetten(keuzes.achtergrond.achtergrond);
    }
    Ok(())
}
