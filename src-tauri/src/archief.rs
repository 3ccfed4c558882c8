//! Archiving from the app (issue 12): thin commands over `swf_client::werk::archief`, the
//! `archief-voortgang` and `archief-gemaakt` events, the clean-up at start and the automatic
//! archive runner of a session.
//!
//! The folder comes from the OS folder dialog; under test `SWF_E2E_OPSLAAN_MAP` replaces the
//! dialog (D28), and everything after it (export, verification, record) is the real one.
use crate::events::emit;
use crate::ipc_error::IpcError;
use crate::state::AppState;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;
use swf_client::archive::{ArchiefFout, ArchiefOpties, Fase, Voortgang};
use swf_client::mirror::{ArchiefRegel, Mirror};
use swf_client::session::Session;
use swf_client::werk::archief::{self, ArchiefStatus};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tokio_util::sync::CancellationToken;

type Uitkomst<T> = Result<T, IpcError>;

/// `archief-voortgang`: progress of one archive, named by the `archiefId` the UI passed; at most
/// every 100 ms and at every phase change, and a last one with `klaar: true` (also after a
/// failure, so the UI can remove the bar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ArchiefVoortgang {
    pub archief_id: String,
    pub fase: Fase,
    pub bestanden: u64,
    pub bestanden_totaal: u64,
    pub bytes: u64,
    pub bytes_totaal: u64,
    pub klaar: bool,
}

/// `archief-gemaakt`: an archive was made in the background (the automatic archive setting);
/// the screens that list archives re-read.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct ArchiefGemaakt(pub ArchiefRegel);

fn fout(e: ArchiefFout) -> IpcError {
    match e {
        ArchiefFout::Client(c) => c.into(),
        e => {
            let code = e.code();
            tracing::warn!(error = %e, ?code, "archive failed");
            IpcError::new(code, e.to_string())
        }
    }
}

struct Melder<R: Runtime> {
    app: AppHandle<R>,
    id: String,
    stand: Mutex<(Option<Instant>, Voortgang)>,
}

impl<R: Runtime> Melder<R> {
    fn melden(&self, v: Voortgang) {
        let mut s = self.stand.lock().unwrap_or_else(|p| p.into_inner());
        let nu = Instant::now();
        let fase_anders = s.1.fase != v.fase;
        s.1 = v;
        if !fase_anders
            && s.0
                .is_some_and(|t| nu.duration_since(t) < crate::events::VOORTGANG_INTERVAL)
        {
            return;
        }
        s.0 = Some(nu);
        self.stuur(v, false);
    }

    fn klaar(&self) {
        let v = self.stand.lock().unwrap_or_else(|p| p.into_inner()).1;
        self.stuur(v, true);
    }

    fn stuur(&self, v: Voortgang, klaar: bool) {
        emit(
            &self.app,
            ArchiefVoortgang {
                archief_id: self.id.clone(),
                fase: v.fase,
                bestanden: v.bestanden,
                bestanden_totaal: v.bestanden_totaal,
                bytes: v.bytes,
                bytes_totaal: v.bytes_totaal,
                klaar,
            },
        );
    }
}

async fn map_kiezen<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    titel: &'static str,
) -> Uitkomst<Option<PathBuf>> {
    if let Some(map) = &state.e2e_opslaan_map {
        return Ok(Some(map.clone()));
    }
    let a = app.clone();
    // the blocking dialog waits for the main thread: never call it from there
    let gekozen = tauri::async_runtime::spawn_blocking(move || {
        a.dialog().file().set_title(titel).blocking_pick_folder()
    })
    .await
    .map_err(IpcError::intern)?;
    gekozen
        .map(|f| f.into_path().map_err(IpcError::intern))
        .transpose()
}

/// Archive a samenwerking into a folder the user chooses, as a folder (`zip` false) or one
/// `.zip`; verified and recorded. `None` when the dialog was cancelled. Works without a
/// session too, from what is on this machine.
#[tauri::command]
#[specta::specta]
pub async fn archiveren<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    samenwerking_id: String,
    zip: bool,
    archief_id: String,
) -> Uitkomst<Option<ArchiefRegel>> {
    let Some(map) = map_kiezen(&app, &state, "Map voor het archief").await? else {
        return Ok(None);
    };
    let sessie = state.session().await.ok();
    let opties = ArchiefOpties {
        samenwerking_id,
        map,
        gebruiker: sessie.as_ref().and_then(|s| s.account.naam.clone()),
        contact_email: None,
        zip,
    };
    let m = Melder {
        app: app.clone(),
        id: archief_id,
        stand: Mutex::new((None, Voortgang::default())),
    };
    let samenwerking_id = opties.samenwerking_id.clone();
    // a practice role's archive comes from (and is recorded in) that role's own mirror
    let mirror = state.spiegel().await;
    let r = archief::archiveren(&mirror, sessie.as_ref().map(|s| &s.engine), &opties, &|v| {
        m.melden(v)
    })
    .await;
    m.klaar();
    let vastgelegd = r.map_err(fout)?.vastgelegd;
    state
        .oefen_gedaan(swf_client::oefeningen::Handeling::Gearchiveerd { samenwerking_id })
        .await;
    Ok(Some(vastgelegd))
}

/// The archives made of one samenwerking, or of all (also of samenwerkingen that are gone),
/// newest first.
#[tauri::command]
#[specta::specta]
pub async fn archieven(
    state: State<'_, AppState>,
    samenwerking_id: Option<String>,
) -> Uitkomst<Vec<ArchiefRegel>> {
    Ok(archief::archieven(&state.spiegel().await, samenwerking_id.as_deref()).await?)
}

/// Whether the samenwerking was archived after its last change, and whether to offer it.
#[tauri::command]
#[specta::specta]
pub async fn archief_status(
    state: State<'_, AppState>,
    samenwerking_id: String,
) -> Uitkomst<ArchiefStatus> {
    Ok(archief::archief_status(&state.spiegel().await, &samenwerking_id).await?)
}

/// The folder automatic archives go to; `null` = off.
#[tauri::command]
#[specta::specta]
pub async fn archief_automatisch(state: State<'_, AppState>) -> Uitkomst<Option<String>> {
    Ok(archief::automatisch_map(&state.mirror)
        .await?
        .map(|p| p.to_string_lossy().into_owned()))
}

/// Switch automatic archiving on (the user chooses the folder; cancelled = stays as it was) or
/// off. Returns the folder now set.
#[tauri::command]
#[specta::specta]
pub async fn archief_automatisch_instellen<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    aan: bool,
) -> Uitkomst<Option<String>> {
    if aan {
        if let Some(map) = map_kiezen(&app, &state, "Map voor automatische archieven").await? {
            archief::automatisch_instellen(&state.mirror, Some(&map)).await?;
        }
    } else {
        archief::automatisch_instellen(&state.mirror, None).await?;
    }
    archief_automatisch(state).await
}

/// At start: remove what killed exports left in the folders archives were written to.
pub async fn opruimen(mirror: &Mirror) {
    match archief::opruimen(mirror).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "unfinished archives of an earlier run removed"),
        Err(e) => tracing::warn!(error = %e, "could not look for unfinished archives"),
    }
}

/// While the session lasts: the automatic archive (when switched on), each one announced to the
/// UI with `archief-gemaakt`.
pub fn automatisch_volgen<R: Runtime>(
    app: &AppHandle<R>,
    session: Session,
    stop: CancellationToken,
) {
    let a = app.clone();
    tauri::async_runtime::spawn(async move {
        session
            .automatisch_archiveren(stop, move |r| {
                if let Ok(g) = r {
                    emit(&a, ArchiefGemaakt(g.vastgelegd));
                }
            })
            .await;
    });
}
