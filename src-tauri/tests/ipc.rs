//! The IPC wiring, end to end on the mock runtime: the real commands, state and engine against
//! a real collaboration service started the way the practice environment starts it (in-process
//! on 127.0.0.1:0 with the practice organisations), with a temp data folder and an in-memory
//! keychain. No display and no D-Bus needed.
use samenwerkruimte_lib::{init, register, AppState, Opties};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use swf_client::secrets::MemoryStore;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{Listener, Manager, WebviewWindow};

const VERA: &str = "gemeente";
const ADVISEUR: &str = "veiligheidsregio";
const ADVISEUR_OIN: &str = "00000099000000000005";

struct App {
    app: tauri::App<MockRuntime>,
    venster: WebviewWindow<MockRuntime>,
    secrets: Arc<MemoryStore>,
    _tmp: Option<tempfile::TempDir>,
}

fn app() -> App {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let mut a = app_in(tmp.path(), Arc::new(MemoryStore::new()));
    a._tmp = Some(tmp);
    a
}

/// An app with its data in `dir` and this keychain (two in a row = a restart).
fn app_in(dir: &std::path::Path, secrets: Arc<MemoryStore>) -> App {
    app_met(
        Opties {
            data_dir: Some(dir.join("data")),
            log_dir: Some(dir.join("log")),
            secrets: Some(secrets.clone()),
            ..Opties::default()
        },
        secrets,
    )
}

fn app_met(opties: Opties, secrets: Arc<MemoryStore>) -> App {
    let app = register(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap_or_else(|e| panic!("app: {e}"));
    init(app.handle(), opties).unwrap_or_else(|e| panic!("init: {e}"));
    let venster = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap_or_else(|e| panic!("window: {e}"));
    App {
        app,
        venster,
        secrets,
        _tmp: None,
    }
}

impl App {
    /// Call a command as the UI does (origin `tauri://localhost`); `Err` is the error payload.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.venster,
            tauri::webview::InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost"
                    .parse()
                    .unwrap_or_else(|e| panic!("url: {e}")),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        )
        .map(|b| {
            b.deserialize::<Value>()
                .unwrap_or_else(|e| panic!("{cmd}: {e}"))
        })
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} should fail, gave {v}"),
            Err(e) => e,
        }
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }

    /// Act as the practice organisation of `gebruiker` (the practice service starts).
    fn aanmelden(&self, gebruiker: &str) -> Value {
        self.ok("oefenrol_kiezen", json!({ "gebruikersnaam": gebruiker }))
    }

    fn overzicht(&self) -> Value {
        self.ok(
            "overzicht",
            json!({ "filter": { "status": "alle", "zoek": null, "limit": 50, "offset": 0 } }),
        )
    }

    fn stop(self) {
        tauri::async_runtime::block_on(self.state().afsluiten());
    }
}

fn is_ipc_error(e: &Value, code: &str) {
    let o = e
        .as_object()
        .unwrap_or_else(|| panic!("not an IpcError: {e}"));
    assert_eq!(o.len(), 2, "exactly code and message: {e}");
    assert_eq!(o["code"], code, "{e}");
    let m = o["message"].as_str().unwrap_or_default();
    assert!(!m.is_empty(), "{e}");
}

#[test]
fn commands_before_sign_in_are_unauthorized() {
    let a = app();
    assert_eq!(a.ok("sessie", json!({})), Value::Null);
    let e = a.err(
        "overzicht",
        json!({ "filter": { "status": "alle", "zoek": null, "limit": 50, "offset": 0 } }),
    );
    is_ipc_error(&e, "Unauthorized");
    is_ipc_error(
        &a.err("samenwerking", json!({ "samenwerkingId": "x" })),
        "Unauthorized",
    );
    is_ipc_error(&a.err("sync_status", json!({})), "Unauthorized");
    // settings are local and work before signing in
    assert_eq!(a.ok("instellingen", json!({})), json!({ "taal": "nl" }));
    a.ok(
        "instellingen_opslaan",
        json!({ "instellingen": { "taal": "en" } }),
    );
    assert_eq!(a.ok("instellingen", json!({})), json!({ "taal": "en" }));
    let info = a.ok("app_info", json!({}));
    assert_eq!(info["oefenomgevingBeschikbaar"], true);
    assert!(info["dataMap"]
        .as_str()
        .is_some_and(|d| d.ends_with("data")));
    a.stop();
}

/// Practice and real never mix (D42, D55): the real sign-in refuses the practice service, even
/// with the right password, and stores nothing; an unknown practice role is refused too.
#[test]
fn a_real_sign_in_at_the_practice_service_is_refused_and_stores_nothing() {
    let a = app();
    let oefen = a.ok("oefenomgeving_starten", json!({}));
    assert!(oefen["serviceUrl"]
        .as_str()
        .is_some_and(|u| u.starts_with("http://127.0.0.1:")));
    let gebruikers: Vec<&str> = oefen["gebruikers"]
        .as_array()
        .map(|g| {
            g.iter()
                .filter_map(|x| x["gebruikersnaam"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        gebruikers,
        [
            "gemeente",
            "provincie",
            "omgevingsdienst",
            "waterschap",
            "veiligheidsregio",
            "adviesbureau"
        ]
    );
    // started once: the second call gives the same service
    assert_eq!(a.ok("oefenomgeving_starten", json!({})), oefen);

    let e = a.err(
        "aanmelden",
        json!({
            "serviceUrl": oefen["serviceUrl"],
            "gebruikersnaam": VERA,
            "wachtwoord": oefen["wachtwoord"],
            "onthouden": true,
        }),
    );
    is_ipc_error(&e, "Validation");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("oefenomgeving")),
        "{e}"
    );
    assert_eq!(a.secrets.write_attempts(), 0, "nothing in the keychain");
    let account = tauri::async_runtime::block_on(a.state().mirror.account())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(account, None, "no account recorded");
    assert_eq!(a.ok("sessie", json!({})), Value::Null);
    is_ipc_error(&a.err("sync_status", json!({})), "Unauthorized");
    // the same service through "Oefenen bij een trainer" is a practice sign-in, and works
    let s = a.ok(
        "oefenservice_aanmelden",
        json!({ "serviceUrl": oefen["serviceUrl"], "gebruikersnaam": ADVISEUR,
                "wachtwoord": oefen["wachtwoord"] }),
    );
    assert_eq!(s["oefenomgeving"], true);
    assert_eq!(s["account"]["oin"], ADVISEUR_OIN);
    // a trainer's service: the switcher offers only the one signed in
    let rollen = a.ok("oefenrollen", json!({}));
    assert_eq!(rollen.as_array().map(Vec::len), Some(1), "{rollen}");
    a.ok("afmelden", json!({}));
    assert_eq!(
        a.ok("sessie", json!({})),
        Value::Null,
        "signed out of practice too"
    );
    is_ipc_error(
        &a.err("oefenrol_kiezen", json!({ "gebruikersnaam": "directeur" })),
        "Validation",
    );
    a.stop();
}

#[test]
fn start_a_samenwerking_and_see_it() {
    let a = app();
    let gewijzigd = Arc::new(Mutex::new(Vec::<Value>::new()));
    let g = gewijzigd.clone();
    a.app.listen_any("mirror-gewijzigd", move |e| {
        if let Ok(v) = serde_json::from_str::<Value>(e.payload()) {
            g.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    });
    let statussen = Arc::new(Mutex::new(Vec::<Value>::new()));
    let s = statussen.clone();
    a.app.listen_any("sync-status", move |e| {
        if let Ok(v) = serde_json::from_str::<Value>(e.payload()) {
            s.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    });

    let sessie = a.aanmelden(VERA);
    assert_eq!(sessie["account"]["gebruikersnaam"], VERA);
    assert_eq!(sessie["account"]["organisatieNaam"], "Gemeente Oefenburg");
    assert_eq!(sessie["oefenomgeving"], true);
    // the practice password is known: no warning about a keychain that cannot remember
    assert!(sessie["waarschuwing"].is_null(), "{sessie}");
    assert_eq!(a.ok("sessie", json!({}))["account"], sessie["account"]);

    // a bad OIN and an empty titel are refused before anything is created
    let e = a.err(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "Dakkapel", "verzoeknummer": null,
                            "partners": [{ "oin": "12345", "privilege": "VOLLEDIGE_TOEGANG" }] } }),
    );
    is_ipc_error(&e, "Validation");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("OIN")),
        "{e}"
    );
    let e = a.err(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "  ", "verzoeknummer": null, "partners": [] } }),
    );
    is_ipc_error(&e, "Validation");
    a.ok("nu_synchroniseren", json!({}));
    assert_eq!(a.overzicht()["total"], 0);

    let id = a.ok(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "Dakkapel Kerkstraat 1", "verzoeknummer": null,
                            "partners": [{ "oin": ADVISEUR_OIN, "privilege": "VOLLEDIGE_TOEGANG" }] } }),
    );
    let id = id.as_str().unwrap_or_else(|| panic!("id: {id}")).to_owned();
    let o = a.overzicht();
    assert_eq!(o["total"], 1, "{o}");
    assert_eq!(o["items"][0]["samenwerkingId"], id);
    assert_eq!(o["items"][0]["titel"], "Dakkapel Kerkstraat 1");
    assert_eq!(o["items"][0]["mijnRol"], "INITIATOR");

    let scherm = a.ok("samenwerking", json!({ "samenwerkingId": id }));
    assert_eq!(scherm["acties"]["sluiten"], true, "{scherm}");
    assert_eq!(scherm["acties"]["verwijderen"], false, "only when closed");
    assert_eq!(scherm["mijnRol"], "INITIATOR");
    assert_eq!(scherm["deelnemers"].as_array().map(Vec::len), Some(2));
    assert_eq!(scherm["ontvangers"][0]["oin"], ADVISEUR_OIN);
    assert_eq!(
        a.ok("samenwerking", json!({ "samenwerkingId": "bestaat-niet" })),
        Value::Null
    );

    // ids the UI passes are checked: a readable Validation, not a deserialisation error
    is_ipc_error(
        &a.err("document_verwijderen", json!({ "documentId": "geen-uuid" })),
        "Validation",
    );

    // the screens were told, and the sync state reached the UI
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let gezien = gewijzigd
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|c| {
                c["changes"].as_array().is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c["kind"] == "samenwerking"
                            && c["ids"]
                                .as_array()
                                .is_some_and(|ids| ids.contains(&json!(id)))
                    })
                })
            });
        if gezien
            && !statussen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no mirror-gewijzigd / sync-status events"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = a.ok("sync_status", json!({}));
    assert!(status["verbinding"].is_string(), "{status}");

    // a local change (offline beschikbaar) reaches the screens the same way: the engine
    // publishes it, the shell forwards it
    gewijzigd.lock().unwrap_or_else(|p| p.into_inner()).clear();
    a.ok(
        "offline_beschikbaar",
        json!({ "samenwerkingId": id, "aan": true }),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !gewijzigd
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|c| c["changes"] == json!([{ "kind": "samenwerking", "ids": [id] }]))
    {
        assert!(
            Instant::now() < deadline,
            "no mirror-gewijzigd for the offline setting"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let scherm = a.ok("samenwerking", json!({ "samenwerkingId": id }));
    assert_eq!(scherm["offlineBeschikbaar"], true, "{scherm}");

    // signing out forgets the session and wipes the local copy
    a.ok("afmelden", json!({}));
    assert_eq!(a.ok("sessie", json!({})), Value::Null);
    is_ipc_error(
        &a.err(
            "overzicht",
            json!({ "filter": { "status": "alle", "zoek": null, "limit": 50, "offset": 0 } }),
        ),
        "Unauthorized",
    );
    a.stop();
}

#[test]
fn errors_have_exactly_code_and_message() {
    let a = app();
    // a bad id is a Validation with a Dutch message, checked before the session
    let e = a.err("notificatie_verwijderen", json!({ "notificatieId": "123" }));
    is_ipc_error(&e, "Validation");
    assert!(e["message"]
        .as_str()
        .is_some_and(|m| m.contains("geen geldig id")));
    let e = a.err(
        "aanmelden",
        json!({ "serviceUrl": " ", "gebruikersnaam": "x", "wachtwoord": "y", "onthouden": false }),
    );
    is_ipc_error(&e, "Validation");
    a.stop();
}

#[test]
fn bindings_are_deterministic_and_complete() {
    let eerste = samenwerkruimte_lib::bindings_ts().unwrap_or_else(|e| panic!("{e}"));
    let tweede = samenwerkruimte_lib::bindings_ts().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(eerste, tweede);
    for verwacht in [
        "samenwerkingStarten",
        "documentToevoegen",
        "\"mirror-gewijzigd\"",
        "\"sync-status\"",
        "\"overdracht-voortgang\"",
        "export type IpcError",
        "export type SamenwerkingScherm",
        "export type ErrorCode",
    ] {
        assert!(eerste.contains(verwacht), "bindings lack {verwacht}");
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pad = tmp.path().join("ipc/bindings.gen.ts");
    samenwerkruimte_lib::export_bindings(&pad).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(&pad).ok(), Some(eerste));
}

#[test]
fn a_remembered_practice_sign_in_survives_a_restart() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let secrets = Arc::new(MemoryStore::new());
    let eerste = app_in(tmp.path(), secrets.clone());
    let sessie = eerste.aanmelden(VERA);
    let url = sessie["account"]["serviceUrl"].clone();
    eerste.ok(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "Voor de herstart", "partners": [] } }),
    );
    eerste.stop(); // the practice service stops with the app

    // the same data folder and keychain: the session comes back, and with it the service
    let tweede = app_in(tmp.path(), secrets);
    let terug = tweede.ok("sessie", json!({}));
    assert_eq!(terug["account"], sessie["account"], "{terug}");
    let oefen = tweede.ok("oefenomgeving_starten", json!({}));
    assert_eq!(oefen["serviceUrl"], url, "the same port as before");
    tweede.ok("nu_synchroniseren", json!({}));
    let o = tweede.overzicht();
    assert_eq!(o["total"], 1, "{o}");
    assert_eq!(o["items"][0]["titel"], "Voor de herstart");
    tweede.stop();
}

/// Collects the payloads of one event.
fn verzamel(app: &tauri::App<MockRuntime>, event: &str) -> Arc<Mutex<Vec<Value>>> {
    let alle = Arc::new(Mutex::new(Vec::new()));
    let a = alle.clone();
    app.listen_any(event, move |e| {
        if let Ok(v) = serde_json::from_str::<Value>(e.payload()) {
            a.lock().unwrap_or_else(|p| p.into_inner()).push(v);
        }
    });
    alle
}

#[test]
fn upload_and_save_with_progress_and_the_e2e_dialog_overrides() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bestand = tmp.path().join("tekening.pdf");
    let inhoud: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&bestand, &inhoud).unwrap_or_else(|e| panic!("{e}"));
    let opslaan = tmp.path().join("opgeslagen");
    std::fs::create_dir_all(&opslaan).unwrap_or_else(|e| panic!("{e}"));
    let secrets = Arc::new(MemoryStore::new());
    let a = app_met(
        Opties {
            data_dir: Some(tmp.path().join("data")),
            log_dir: Some(tmp.path().join("log")),
            secrets: Some(secrets.clone()),
            e2e_bestanden: Some(vec![bestand.clone()]),
            e2e_opslaan_map: Some(opslaan.clone()),
            ..Opties::default()
        },
        secrets,
    );
    let voortgang = verzamel(&a.app, "overdracht-voortgang");
    a.aanmelden(VERA);
    let id = a.ok(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "Met een tekening", "partners": [] } }),
    );

    // the "dialog" gives the configured file
    let gekozen = a.ok("bestand_kiezen", json!({}));
    assert_eq!(gekozen, json!([bestand.display().to_string()]));

    let doc = a.ok(
        "document_toevoegen",
        json!({ "samenwerkingId": id, "pad": gekozen[0], "vertrouwelijkheid": "RV",
                "omschrijving": null, "overdrachtId": "op-1" }),
    );
    assert_eq!(doc["bestandsNaam"], "tekening.pdf");
    assert_eq!(doc["grootte"], inhoud.len());

    let opgeslagen = a.ok(
        "document_opslaan",
        json!({ "documentId": doc["documentId"], "overdrachtId": "neer-1" }),
    );
    let doel = opslaan.join("tekening.pdf");
    assert_eq!(opgeslagen, json!(doel.display().to_string()));
    assert_eq!(
        std::fs::read(&doel).ok(),
        Some(inhoud.clone()),
        "saved byte for byte"
    );

    // progress: per transfer, ending with one klaar event that has all bytes
    let v = voortgang.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for overdracht in ["op-1", "neer-1"] {
        let eigen: Vec<&Value> = v
            .iter()
            .filter(|e| e["overdrachtId"] == overdracht)
            .collect();
        assert!(!eigen.is_empty(), "no progress for {overdracht}: {v:?}");
        let laatste = eigen[eigen.len() - 1];
        assert_eq!(laatste["klaar"], true, "{overdracht}: {eigen:?}");
        assert_eq!(
            eigen.iter().filter(|e| e["klaar"] == true).count(),
            1,
            "{overdracht}: {eigen:?}"
        );
    }
    let op: Vec<&Value> = v.iter().filter(|e| e["overdrachtId"] == "op-1").collect();
    assert_eq!(op[op.len() - 1]["bytes"], inhoud.len(), "{op:?}");

    // a missing file is a readable Validation, and still ends its progress
    let e = a.err(
        "document_toevoegen",
        json!({ "samenwerkingId": id, "pad": tmp.path().join("weg.pdf"), "vertrouwelijkheid": "RV",
                "omschrijving": null, "overdrachtId": "op-2" }),
    );
    is_ipc_error(&e, "Validation");
    let v = voortgang.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(v
        .iter()
        .any(|e| e["overdrachtId"] == "op-2" && e["klaar"] == true));
    a.stop();
}

/// Archiving from the app: the folder "chosen" (`SWF_E2E_OPSLAAN_MAP`, D28), progress as
/// `archief-voortgang` per phase ending with `klaar`, the record listed per samenwerking and in
/// all archives, the status before and after, and the record kept after deletion.
#[test]
fn archive_with_progress_record_and_status() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let kast = tmp.path().join("kast");
    let secrets = Arc::new(MemoryStore::new());
    let a = app_met(
        Opties {
            data_dir: Some(tmp.path().join("data")),
            log_dir: Some(tmp.path().join("log")),
            secrets: Some(secrets.clone()),
            e2e_opslaan_map: Some(kast.clone()),
            ..Opties::default()
        },
        secrets,
    );
    let voortgang = verzamel(&a.app, "archief-voortgang");
    a.aanmelden(VERA);
    let id = a.ok(
        "samenwerking_starten",
        json!({ "invoer": { "titel": "Te archiveren", "partners": [] } }),
    );
    let st = a.ok("archief_status", json!({ "samenwerkingId": id }));
    assert_eq!(st["actueel"], false, "{st}");
    assert_eq!(st["laatsteArchief"], Value::Null);
    assert_eq!(
        a.ok("archief_automatisch", json!({})),
        Value::Null,
        "off by default"
    );

    let r = a.ok(
        "archiveren",
        json!({ "samenwerkingId": id, "zip": true, "archiefId": "arch-1" }),
    );
    assert_eq!(r["samenwerkingId"], id);
    assert_eq!(r["zip"], true);
    let pad = std::path::PathBuf::from(r["pad"].as_str().unwrap_or_default());
    assert!(pad.starts_with(&kast) && pad.is_file(), "{r}");
    assert_eq!(r["sha256"].as_str().map(str::len), Some(64));
    assert!(r["grootte"].as_u64().unwrap_or(0) > 0);

    let v = voortgang.lock().unwrap_or_else(|p| p.into_inner()).clone();
    assert!(v.iter().all(|e| e["archiefId"] == "arch-1"), "{v:?}");
    let fases: Vec<&Value> = v.iter().map(|e| &e["fase"]).collect();
    for f in ["schrijven", "controleren", "inpakken", "zipControleren"] {
        assert!(fases.contains(&&json!(f)), "phase {f} reported: {v:?}");
    }
    let laatste = v.last().unwrap_or_else(|| panic!("no progress"));
    assert_eq!(laatste["klaar"], true);
    assert_eq!(
        v.iter().filter(|e| e["klaar"] == true).count(),
        1,
        "one last event"
    );

    let st = a.ok("archief_status", json!({ "samenwerkingId": id }));
    assert_eq!(st["actueel"], true, "{st}");
    assert_eq!(st["laatsteArchief"]["id"], r["id"]);
    let eigen = a.ok("archieven", json!({ "samenwerkingId": id }));
    assert_eq!(eigen, json!([r.clone()]));

    // an unknown samenwerking: a readable NOT_FOUND, nothing recorded
    let e = a.err(
        "archiveren",
        json!({ "samenwerkingId": "SAM-0", "zip": false, "archiefId": "arch-2" }),
    );
    is_ipc_error(&e, "NotFound");

    // deleted: the record stays in the list of all archives
    a.ok("samenwerking_sluiten", json!({ "samenwerkingId": id }));
    a.ok("samenwerking_verwijderen", json!({ "samenwerkingId": id }));
    let alle = a.ok("archieven", json!({ "samenwerkingId": null }));
    assert_eq!(alle, json!([r]));
    a.stop();
}

/// Wait (bounded) until `f` holds, syncing in between.
fn tot(a: &App, wat: &str, f: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !f(a) {
        assert!(Instant::now() < deadline, "waited 30 s for {wat}");
        let _ = a.invoke("nu_synchroniseren", json!({}));
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn stappen_gedaan(st: &Value) -> Vec<String> {
    st["oefeningen"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["stappen"].as_array().cloned().unwrap_or_default())
        .filter(|s| s["gedaan"] == true)
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect()
}

fn klaar(st: &Value) -> Vec<u64> {
    st["oefeningen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["klaar"] == true)
        .filter_map(|o| o["nummer"].as_u64())
        .collect()
}

/// Issue 14 in the app: one learner switches between two practice organisations; each role
/// keeps its own mirror (what the gemeente made is in its overview again after the switch back,
/// without the adviser's), the picker's demo verzoeken come through the engine, and the
/// exercises' checklist follows what was done in both roles — step by step, never by hand. The
/// notes are kept; starting over empties the list. The role comes back after a restart.
#[test]
fn switching_roles_keeps_each_mirror_and_the_exercises_follow() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let secrets = Arc::new(MemoryStore::new());
    let a = app_in(tmp.path(), secrets.clone());
    let g = a.aanmelden(VERA);
    assert_eq!(g["oefenomgeving"], true);
    let rollen = a.ok("oefenrollen", json!({}));
    assert_eq!(rollen.as_array().map(Vec::len), Some(6), "{rollen}");

    let st = a.ok("oefeningen", json!({}));
    assert!(
        stappen_gedaan(&st).is_empty(),
        "nothing done, nothing ticked: {st}"
    );
    assert_eq!(st["vergunningverlener"]["gebruikersnaam"], VERA);
    assert_eq!(st["adviseur"]["gebruikersnaam"], ADVISEUR);

    // the picker: the simulated Omgevingsloket's demo verzoeken
    let verzoeken = a.ok("oefen_verzoeken", json!({}));
    assert_eq!(verzoeken.as_array().map(Vec::len), Some(3), "{verzoeken}");
    let nummer = verzoeken[0]["verzoeknummer"].clone();
    assert_eq!(nummer, "2099010100001");

    // exercise 1 as the gemeente
    let id = a.ok(
        "samenwerking_starten",
        json!({ "invoer": { "titel": verzoeken[0]["omschrijving"], "verzoeknummer": nummer,
                            "partners": [{ "oin": ADVISEUR_OIN, "privilege": "BEPERKTE_TOEGANG" }] } }),
    );
    let id = id.as_str().unwrap_or_default().to_owned();
    tot(&a, "the samenwerking to open", |a| {
        a.ok("samenwerking", json!({ "samenwerkingId": id }))["samenwerking"]["status"]["status"]
            == "OPEN"
    });
    let st = a.ok("oefeningen", json!({}));
    assert_eq!(
        stappen_gedaan(&st),
        ["1.naam", "1.verzoeknummer", "1.adviseur", "1.toegang"],
        "{st}"
    );
    assert_eq!(st["samenwerkingId"], id);
    a.ok(
        "actieverzoek_versturen",
        json!({ "invoer": { "samenwerkingId": id, "ontvanger": ADVISEUR_OIN,
                            "titel": "Advies brandveiligheid", "omschrijving": "Graag uw advies." } }),
    );
    tot(&a, "exercise 1 done", |a| {
        klaar(&a.ok("oefeningen", json!({}))) == [1]
    });
    a.ok(
        "oefen_notitie_opslaan",
        json!({ "nummer": 1, "tekst": "Toegang: afspraken maken" }),
    );

    // exercise 2 as the veiligheidsregio: its own mirror, then the steps of its role
    let v = a.aanmelden(ADVISEUR);
    assert_eq!(v["account"]["oin"], ADVISEUR_OIN);
    tot(&a, "the invitation in the adviser's mirror", |a| {
        a.overzicht()["items"][0]["samenwerkingId"] == json!(id)
    });
    assert!(
        !stappen_gedaan(&a.ok("oefeningen", json!({}))).contains(&"2.deelnemers".to_owned()),
        "not looked at yet"
    );
    a.ok(
        "oefen_gezien",
        json!({ "samenwerkingId": id, "wat": "deelnemers" }),
    );
    a.ok(
        "oefen_gezien",
        json!({ "samenwerkingId": id, "wat": "actieverzoeken" }),
    );
    let st = a.ok("oefeningen", json!({}));
    let gedaan = stappen_gedaan(&st);
    assert!(
        gedaan.contains(&"2.deelnemers".to_owned())
            && gedaan.contains(&"2.adviesverzoek".to_owned()),
        "{st}"
    );
    assert!(!gedaan.contains(&"2.gereed".to_owned()));
    // a real service is never asked for demo verzoeken; in practice the list is there for any role
    assert_eq!(
        a.ok("oefen_verzoeken", json!({})).as_array().map(Vec::len),
        Some(3)
    );

    // back as the gemeente: its mirror still holds the samenwerking, and the notes are kept
    a.aanmelden(VERA);
    let o = a.overzicht();
    assert_eq!(o["items"][0]["samenwerkingId"], json!(id), "{o}");
    let st = a.ok("oefeningen", json!({}));
    assert_eq!(
        st["notities"],
        json!([{ "nummer": 1, "tekst": "Toegang: afspraken maken" }])
    );
    assert!(stappen_gedaan(&st).contains(&"2.deelnemers".to_owned()));
    let map = tmp.path().join("data/oefenomgeving/rollen");
    assert!(map.join(VERA).join("spiegel").is_dir() && map.join(ADVISEUR).join("spiegel").is_dir());
    a.stop();

    // a restart comes back as the last role, with its mirror
    let b = app_in(tmp.path(), secrets);
    let terug = b.ok("sessie", json!({}));
    assert_eq!(terug["account"]["oin"], g["account"]["oin"], "{terug}");
    assert_eq!(terug["oefenomgeving"], true);
    assert_eq!(b.overzicht()["total"], 1);

    // start over: nothing ticked, the notes gone
    b.ok("oefeningen_opnieuw", json!({}));
    let st = b.ok("oefeningen", json!({}));
    assert!(stappen_gedaan(&st).is_empty(), "{st}");
    assert_eq!(st["notities"], json!([]));
    assert_eq!(st["samenwerkingId"], Value::Null);
    b.stop();
}
