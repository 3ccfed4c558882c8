//! The commands the UI calls (docs/desktop-ipc.md). Each one is thin: take the state, call one
//! engine function, map the error. Rust names are snake_case; the UI passes camelCase.
use crate::events::Overdracht;
use crate::ipc_error::IpcError;
use crate::state::AppState;
use crate::types::{
    AppInfo, Gezien, Instellingen, NotificatieFilter, OefenGebruiker, OefeningenStand,
    Oefenomgeving, OverzichtFilter, SessieInfo,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use swf_client::instellingen::Taal;
use swf_client::mirror::{NotificatiePage, OverviewPage};
use swf_client::oefeningen::{Handeling, OefenVerzoek};
use swf_client::sync::SyncStatus;
use swf_client::werk::{NieuwActieverzoek, NieuweSamenwerking, SamenwerkingScherm};
use swf_domain::{
    ActieverzoekStatus, Document, HistorieRegel, Organisatie, Privilege, Vertrouwelijkheid,
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

type Uitkomst<T> = Result<T, IpcError>;

/// An id the UI passes as a string; a wrong one is a readable `Validation`.
fn id(wat: &str, s: &str) -> Uitkomst<Uuid> {
    Uuid::parse_str(s.trim())
        .map_err(|_| IpcError::ongeldig(format!("{wat} '{s}' is geen geldig id (een UUID).")))
}

fn pad_tekst(p: PathBuf) -> Uitkomst<String> {
    p.into_os_string().into_string().map_err(|p| {
        IpcError::ongeldig(format!(
            "De naam van {} bevat tekens die niet kunnen worden gebruikt; geef het bestand een andere naam.",
            PathBuf::from(p).display()
        ))
    })
}

/// Run `f` with a progress reporter for `overdracht_id`; the last event says `klaar`, also
/// after a failure.
async fn met_voortgang<R: Runtime, T, F>(
    app: &AppHandle<R>,
    overdracht_id: String,
    f: impl FnOnce(std::sync::Arc<Overdracht<R>>) -> F,
) -> T
where
    F: std::future::Future<Output = T>,
{
    let o = std::sync::Arc::new(Overdracht::new(app.clone(), overdracht_id));
    let uit = f(o.clone()).await;
    o.klaar();
    uit
}

#[tauri::command]
#[specta::specta]
pub async fn app_info<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Uitkomst<AppInfo> {
    Ok(AppInfo {
        versie: app.package_info().version.to_string(),
        identifier: app.config().identifier.clone(),
        oefenomgeving_beschikbaar: true,
        data_map: state.data_dir.display().to_string(),
        log_map: state.log_dir.display().to_string(),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn sessie<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Uitkomst<Option<SessieInfo>> {
    state.herstel(&app).await
}

#[tauri::command]
#[specta::specta]
pub async fn aanmelden<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    service_url: String,
    gebruikersnaam: String,
    wachtwoord: String,
    onthouden: bool,
) -> Uitkomst<SessieInfo> {
    state
        .aanmelden(&app, &service_url, &gebruikersnaam, &wachtwoord, onthouden)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn oefenomgeving_starten(state: State<'_, AppState>) -> Uitkomst<Oefenomgeving> {
    state.oefenomgeving().await
}

#[tauri::command]
#[specta::specta]
pub async fn afmelden(state: State<'_, AppState>) -> Uitkomst<()> {
    state.afmelden().await
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(state: State<'_, AppState>) -> Uitkomst<SyncStatus> {
    Ok(state.session().await?.engine.status().borrow().clone())
}

#[tauri::command]
#[specta::specta]
pub async fn nu_synchroniseren(state: State<'_, AppState>) -> Uitkomst<()> {
    state.session().await?.engine.sync_once().await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn overzicht(
    state: State<'_, AppState>,
    filter: OverzichtFilter,
) -> Uitkomst<OverviewPage> {
    let s = state.session().await?;
    Ok(s.engine.mirror().overview(&filter.into()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn samenwerking(
    state: State<'_, AppState>,
    samenwerking_id: String,
) -> Uitkomst<Option<SamenwerkingScherm>> {
    let scherm = state.session().await?.scherm(&samenwerking_id).await?;
    if let Some(s) = &scherm {
        state
            .oefen_gedaan(Handeling::SamenwerkingBekeken {
                samenwerking_id: samenwerking_id.clone(),
                status: s.samenwerking.status.status,
            })
            .await;
    }
    Ok(scherm)
}

#[tauri::command]
#[specta::specta]
pub async fn notificaties(
    state: State<'_, AppState>,
    filter: NotificatieFilter,
) -> Uitkomst<NotificatiePage> {
    let s = state.session().await?;
    Ok(s.engine.mirror().notificaties(&filter.into()).await?)
}

/// Read marks are local; the engine publishes the change (`mirror-gewijzigd`) as for a sync.
#[tauri::command]
#[specta::specta]
pub async fn notificaties_gelezen(state: State<'_, AppState>, ids: Vec<String>) -> Uitkomst<()> {
    let ids = ids
        .iter()
        .map(|s| id("notificatie", s))
        .collect::<Uitkomst<Vec<_>>>()?;
    state.session().await?.notificaties_gelezen(&ids).await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn notificatie_verwijderen(
    state: State<'_, AppState>,
    notificatie_id: String,
) -> Uitkomst<()> {
    let n = id("notificatie", &notificatie_id)?;
    Ok(state.session().await?.notificatie_verwijderen(n).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn organisaties_zoeken(
    state: State<'_, AppState>,
    zoek: String,
) -> Uitkomst<Vec<Organisatie>> {
    Ok(state.session().await?.organisaties_zoeken(&zoek).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn samenwerking_starten(
    state: State<'_, AppState>,
    invoer: NieuweSamenwerking,
) -> Uitkomst<String> {
    let id = state.session().await?.samenwerking_starten(&invoer).await?;
    state.oefen_gestart(&id).await;
    Ok(id)
}

#[tauri::command]
#[specta::specta]
pub async fn samenwerking_sluiten(
    state: State<'_, AppState>,
    samenwerking_id: String,
) -> Uitkomst<()> {
    Ok(state
        .session()
        .await?
        .samenwerking_sluiten(&samenwerking_id)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn samenwerking_verwijderen(
    state: State<'_, AppState>,
    samenwerking_id: String,
) -> Uitkomst<()> {
    state
        .session()
        .await?
        .samenwerking_verwijderen(&samenwerking_id)
        .await?;
    state
        .oefen_gedaan(Handeling::Verwijderd { samenwerking_id })
        .await;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn deelnemer_uitnodigen(
    state: State<'_, AppState>,
    samenwerking_id: String,
    oin: String,
    privilege: Privilege,
) -> Uitkomst<()> {
    state
        .session()
        .await?
        .deelnemer_uitnodigen(&samenwerking_id, &oin, privilege)
        .await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn privilege_wijzigen(
    state: State<'_, AppState>,
    samenwerking_id: String,
    oin: String,
    privilege: Privilege,
) -> Uitkomst<()> {
    state
        .session()
        .await?
        .privilege_wijzigen(&samenwerking_id, &oin, privilege)
        .await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn deelnemer_verwijderen(
    state: State<'_, AppState>,
    samenwerking_id: String,
    oin: String,
) -> Uitkomst<()> {
    Ok(state
        .session()
        .await?
        .deelnemer_verwijderen(&samenwerking_id, &oin)
        .await?)
}

/// Paths chosen in the system file dialog (empty when cancelled). With `SWF_E2E_BESTANDEN`
/// set, those paths (a native dialog cannot be driven by WebDriver).
#[tauri::command]
#[specta::specta]
pub async fn bestand_kiezen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Uitkomst<Vec<String>> {
    if let Some(paden) = &state.e2e_bestanden {
        return paden.iter().cloned().map(pad_tekst).collect();
    }
    // the blocking dialog waits for the main thread: never call it from there
    let gekozen = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Document toevoegen")
            .blocking_pick_files()
    })
    .await
    .map_err(IpcError::intern)?;
    gekozen
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.into_path().map_err(IpcError::intern).and_then(pad_tekst))
        .collect()
}

#[tauri::command]
#[specta::specta]
pub async fn document_toevoegen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    samenwerking_id: String,
    pad: String,
    vertrouwelijkheid: Vertrouwelijkheid,
    omschrijving: Option<String>,
    overdracht_id: String,
) -> Uitkomst<Document> {
    let s = state.session().await?;
    met_voortgang(&app, overdracht_id, |o| async move {
        s.document_toevoegen(
            &samenwerking_id,
            Path::new(&pad),
            vertrouwelijkheid,
            omschrijving.as_deref(),
            &|b, t| o.melden(b, t),
        )
        .await
    })
    .await
    .map_err(IpcError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn document_wijzigen(
    state: State<'_, AppState>,
    document_id: String,
    vertrouwelijkheid: Option<Vertrouwelijkheid>,
    omschrijving: Option<String>,
) -> Uitkomst<()> {
    let d = id("document", &document_id)?;
    Ok(state
        .session()
        .await?
        .document_wijzigen(d, vertrouwelijkheid, omschrijving)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn document_verwijderen(state: State<'_, AppState>, document_id: String) -> Uitkomst<()> {
    let d = id("document", &document_id)?;
    Ok(state.session().await?.document_verwijderen(d).await?)
}

/// Ask where to save (system dialog, proposing the document's safe name), then download
/// (verified) and save there. `null` when cancelled. With `SWF_E2E_OPSLAAN_MAP` set, saves into
/// that folder under the document's name.
#[tauri::command]
#[specta::specta]
pub async fn document_opslaan<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    document_id: String,
    overdracht_id: String,
) -> Uitkomst<Option<String>> {
    let d = id("document", &document_id)?;
    let s = state.session().await?;
    let e2e_map = state.e2e_opslaan_map.clone();
    let a = app.clone();
    let kies = |naam: String| async move {
        if let Some(map) = e2e_map {
            return Ok(Some(map.join(naam)));
        }
        let gekozen = tauri::async_runtime::spawn_blocking(move || {
            a.dialog()
                .file()
                .set_title("Document opslaan")
                .set_file_name(&naam)
                .blocking_save_file()
        })
        .await
        .map_err(IpcError::intern)?;
        gekozen
            .map(|f| f.into_path().map_err(IpcError::intern))
            .transpose()
    };
    let o = Arc::new(Overdracht::new(app.clone(), overdracht_id));
    let pad = s
        .document_opslaan_als(d, kies, &|b, t| o.melden(b, t))
        .await;
    // a cancelled dialog transferred nothing; otherwise the last event says `klaar`
    if !matches!(pad, Ok(None)) {
        o.klaar();
    }
    if matches!(pad, Ok(Some(_))) {
        state.oefen_document_geopend(d).await;
    }
    pad?.map(pad_tekst).transpose()
}

/// Download when needed and open with the system viewer. The viewer gets a copy under the
/// document's own name (`<data>/geopend/<id>/`, made by the engine), never the verified cache
/// file itself.
#[tauri::command]
#[specta::specta]
pub async fn document_openen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    document_id: String,
    overdracht_id: String,
) -> Uitkomst<()> {
    let d = id("document", &document_id)?;
    let s = state.session().await?;
    let map = state.geopend_map();
    let pad = met_voortgang(&app, overdracht_id, |o| async move {
        s.document_kopie_om_te_openen(d, &map, &|b, t| o.melden(b, t))
            .await
    })
    .await?;
    // fetched for the viewer: in practice, the document counts as looked at
    state.oefen_document_geopend(d).await;
    app.opener()
        .open_path(pad.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            tracing::warn!(error = %e, "could not open a document with the system viewer");
            IpcError::new(
                swf_client::ErrorCode::Internal,
                format!(
                    "Het document kan niet worden geopend: er is geen programma voor gevonden. Het staat in {}.",
                    pad.display()
                ),
            )
        })
}

#[tauri::command]
#[specta::specta]
pub async fn actieverzoek_versturen(
    state: State<'_, AppState>,
    invoer: NieuwActieverzoek,
) -> Uitkomst<String> {
    Ok(state
        .session()
        .await?
        .actieverzoek_versturen(&invoer)
        .await?
        .actieverzoek_id
        .to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn actieverzoek_status(
    state: State<'_, AppState>,
    actieverzoek_id: String,
    status: ActieverzoekStatus,
    melding: Option<String>,
) -> Uitkomst<()> {
    let a = id("actieverzoek", &actieverzoek_id)?;
    state
        .session()
        .await?
        .actieverzoek_status(a, status, melding)
        .await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn bericht_versturen(
    state: State<'_, AppState>,
    actieverzoek_id: String,
    tekst: String,
) -> Uitkomst<()> {
    let a = id("actieverzoek", &actieverzoek_id)?;
    state.session().await?.bericht_versturen(a, &tekst).await?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn historie(
    state: State<'_, AppState>,
    samenwerking_id: String,
) -> Uitkomst<Vec<HistorieRegel>> {
    Ok(state.session().await?.historie(&samenwerking_id).await?)
}

/// Keep all documents of a samenwerking on this machine (or stop doing so). The engine
/// publishes the change (`mirror-gewijzigd`) and fetches the documents in the background.
#[tauri::command]
#[specta::specta]
pub async fn offline_beschikbaar(
    state: State<'_, AppState>,
    samenwerking_id: String,
    aan: bool,
) -> Uitkomst<()> {
    state
        .session()
        .await?
        .offline_beschikbaar(&samenwerking_id, aan)
        .await?;
    Ok(())
}

/// Settings are local: they work before signing in (the language of the sign-in screen).
#[tauri::command]
#[specta::specta]
pub async fn instellingen(state: State<'_, AppState>) -> Uitkomst<Instellingen> {
    let taal = state.mirror.setting(Instellingen::TAAL).await?;
    Ok(Instellingen {
        taal: Taal::from_setting(taal.as_deref()),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn instellingen_opslaan(
    state: State<'_, AppState>,
    instellingen: Instellingen,
) -> Uitkomst<()> {
    Ok(state
        .mirror
        .set_setting(Instellingen::TAAL, instellingen.taal.as_str())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn logmap_openen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Uitkomst<()> {
    let map = state.log_dir.clone();
    tokio::fs::create_dir_all(&map)
        .await
        .map_err(swf_client::ClientError::from)?;
    app.opener()
        .open_path(map.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            tracing::warn!(error = %e, "could not open the log folder");
            IpcError::new(
                swf_client::ErrorCode::Internal,
                format!(
                    "De logmap kan niet worden geopend. U vindt hem in {}.",
                    map.display()
                ),
            )
        })
}

// ---- the practice environment (oefenrollen.rs) ---------------------------------------------

/// The six practice organisations and their users (the role switcher).
#[tauri::command]
#[specta::specta]
pub async fn oefenrollen(state: State<'_, AppState>) -> Uitkomst<Vec<OefenGebruiker>> {
    Ok(state.oefenrollen().await)
}

/// Sign in to a trainer's practice service for a group (`swf-server --oefenomgeving`): a
/// practice role with its own mirror; a service that is not a practice service is refused.
#[tauri::command]
#[specta::specta]
pub async fn oefenservice_aanmelden<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    service_url: String,
    gebruikersnaam: String,
    wachtwoord: String,
) -> Uitkomst<SessieInfo> {
    state
        .oefenservice_aanmelden(&app, &service_url, &gebruikersnaam, &wachtwoord)
        .await
}

/// Act as another practice organisation, in one click: its own mirror and sign-in.
#[tauri::command]
#[specta::specta]
pub async fn oefenrol_kiezen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    gebruikersnaam: String,
) -> Uitkomst<SessieInfo> {
    state.oefenrol_kiezen(&app, gebruikersnaam.trim()).await
}

/// The simulated Omgevingsloket's demo verzoeken, for the picker when a samenwerking starts;
/// empty outside the practice environment (a real service is not asked).
#[tauri::command]
#[specta::specta]
pub async fn oefen_verzoeken(state: State<'_, AppState>) -> Uitkomst<Vec<OefenVerzoek>> {
    let s = state.session().await?;
    if !state.sessie_is_oefen().await {
        return Ok(Vec::new());
    }
    Ok(s.engine.remote().oefen_verzoeken().await?)
}

/// The learner looked at a part of the samenwerking screen that the exercises ask for.
#[tauri::command]
#[specta::specta]
pub async fn oefen_gezien(
    state: State<'_, AppState>,
    samenwerking_id: String,
    wat: Gezien,
) -> Uitkomst<()> {
    let handeling = match wat {
        Gezien::Deelnemers => Handeling::DeelnemersBekeken { samenwerking_id },
        Gezien::Actieverzoeken => Handeling::ActieverzoekBekeken { samenwerking_id },
    };
    state.oefen_gedaan(handeling).await;
    Ok(())
}

/// The five exercises, each step ticked by what was done (never by hand).
#[tauri::command]
#[specta::specta]
pub async fn oefeningen(state: State<'_, AppState>) -> Uitkomst<OefeningenStand> {
    state.oefeningen().await
}

#[tauri::command]
#[specta::specta]
pub async fn oefen_notitie_opslaan(
    state: State<'_, AppState>,
    nummer: u8,
    tekst: String,
) -> Uitkomst<()> {
    state.oefen_notitie(nummer, &tekst).await
}

/// Start the exercises over (the log and the notes go).
#[tauri::command]
#[specta::specta]
pub async fn oefeningen_opnieuw(state: State<'_, AppState>) -> Uitkomst<()> {
    state.oefeningen_opnieuw().await
}

/// Save the learner's exercises and notes (made by the UI, in the UI's language) where the
/// learner chooses; `null` when cancelled. With `SWF_E2E_OPSLAAN_MAP`, into that folder.
#[tauri::command]
#[specta::specta]
pub async fn oefeningen_exporteren<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    bestandsnaam: String,
    inhoud: String,
) -> Uitkomst<Option<String>> {
    let naam = swf_client::archive::naam::veilige_naam(&bestandsnaam, 120, "oefeningen.md");
    let pad = match &state.e2e_opslaan_map {
        Some(map) => Some(map.join(&naam)),
        None => {
            let a = app.clone();
            tauri::async_runtime::spawn_blocking(move || {
                a.dialog()
                    .file()
                    .set_title("Oefeningen opslaan")
                    .set_file_name(&naam)
                    .blocking_save_file()
            })
            .await
            .map_err(IpcError::intern)?
            .map(|f| f.into_path().map_err(IpcError::intern))
            .transpose()?
        }
    };
    let Some(pad) = pad else { return Ok(None) };
    tokio::fs::write(&pad, inhoud.as_bytes())
        .await
        .map_err(swf_client::ClientError::from)?;
    pad_tekst(pad).map(Some)
}
