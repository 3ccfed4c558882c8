//! The tray icon (issue 13): what waits — open incoming actieverzoeken and unread notificaties,
//! counted in the mirror and recounted on every change notice — in its tooltip and as the
//! first (disabled) line of its menu, and the items Openen, Nu bijwerken, Afsluiten.
//!
//! Linux trays (StatusNotifierItem / AppIndicator) show no tooltip and send no clicks, only the
//! menu: the count line is what the user sees there.
use crate::state::AppState;
use swf_client::mirror::Mirror;
use swf_client::sync::Engine;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tokio_util::sync::CancellationToken;

const TRAY_ID: &str = "samenwerkruimte";

pub use swf_achtergrond::tellingen::{labels, tellen, Tellingen};

/// The menu's items, kept to change their text (the count, the user's language).
struct TrayStaat<R: Runtime> {
    telling: MenuItem<R>,
    openen: MenuItem<R>,
    bijwerken: MenuItem<R>,
    afsluiten: MenuItem<R>,
}

/// Build the tray icon (the real app only). A desktop without a tray (no AppIndicator
/// library) is logged: the app runs on without one.
pub fn bouwen<R: Runtime>(app: &AppHandle<R>) {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| probeer_bouwen(app)));
    match r {
        Ok(Ok(())) => tracing::info!("tray icon ready"),
        Ok(Err(e)) => tracing::warn!(error = %e, "no tray icon"),
        Err(_) => tracing::warn!("no tray icon (the tray library is missing)"),
    }
}

fn probeer_bouwen<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let telling = MenuItem::with_id(app, "telling", "Samenwerkruimte", false, None::<&str>)?;
    let openen = MenuItem::with_id(app, "openen", "Openen", true, None::<&str>)?;
    let bijwerken = MenuItem::with_id(app, "bijwerken", "Nu bijwerken", true, None::<&str>)?;
    let afsluiten = MenuItem::with_id(app, "afsluiten", "Afsluiten", true, None::<&str>)?;
    let scheiding = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(
        app,
        &[&telling, &scheiding, &openen, &bijwerken, &afsluiten],
    )?;
    let mut b = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Samenwerkruimte")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, e| match e.id().as_ref() {
            "openen" => crate::venster::tonen_of_loggen(app),
            "bijwerken" => nu_bijwerken(app),
            "afsluiten" => {
                tracing::info!("Afsluiten from the tray");
                app.exit(0);
            }
            _ => {}
        })
        .on_tray_icon_event(|tray, e| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = e
            {
                crate::venster::tonen_of_loggen(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        b = b.icon(icon.clone());
    }
    let _tray: TrayIcon<R> = b.build(app)?;
    app.manage(TrayStaat {
        telling,
        openen,
        bijwerken,
        afsluiten,
    });
    Ok(())
}

/// "Nu bijwerken": one sync now (signed in), logged.
fn nu_bijwerken<R: Runtime>(app: &AppHandle<R>) {
    let a = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(state) = a.try_state::<AppState>() else {
            return;
        };
        match state.session().await {
            Ok(s) => {
                if let Err(e) = s.engine.sync_once().await {
                    tracing::warn!(error = %e, "Nu bijwerken from the tray failed");
                }
            }
            Err(_) => tracing::info!("Nu bijwerken: not signed in"),
        }
    });
}

/// Show `t` in the tray.
async fn tonen<R: Runtime>(app: &AppHandle<R>, mirror: &Mirror, t: Tellingen) {
    let taal = mirror.taal().await.unwrap_or_default();
    let tekst = t.tekst(taal);
    if let Some(s) = app.try_state::<TrayStaat<R>>() {
        let [o, b, a] = labels(taal);
        for (item, t) in [
            (&s.telling, tekst.as_str()),
            (&s.openen, o),
            (&s.bijwerken, b),
            (&s.afsluiten, a),
        ] {
            if let Err(e) = item.set_text(t) {
                tracing::debug!(error = %e, "tray menu text not changed");
            }
        }
    }
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let tip = format!("Samenwerkruimte: {tekst}");
        if let Err(e) = tray.set_tooltip(Some(&tip)) {
            tracing::debug!(error = %e, "tray tooltip not changed");
        }
    }
}

/// Keep the tray's counts current for one engine session: now, on every change notice of the
/// mirror, and every 30 s (read marks are local and send no notice). Ends with `stop`.
pub fn volgen<R: Runtime>(app: &AppHandle<R>, engine: &Engine, stop: CancellationToken) {
    if app.try_state::<TrayStaat<R>>().is_none() {
        return;
    }
    let a = app.clone();
    let engine = engine.clone();
    tauri::async_runtime::spawn(async move {
        let mirror = engine.mirror().clone();
        let mut vorige = None;
        swf_achtergrond::tellingen::volgen(&engine, &stop, |t| {
            let changed = vorige != Some(t);
            vorige = Some(t);
            let (a, mirror) = (&a, &mirror);
            async move {
                if changed {
                    tonen(a, mirror, t).await;
                }
            }
        })
        .await;
        // signed out: nothing waits any more
        tonen(&a, &mirror, Tellingen::default()).await;
    });
}
