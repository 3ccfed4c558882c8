//! The practice service (`swf-server --oefenomgeving`) through the real binary: its seeding
//! (six organisations, a user each, passwords printed once; idempotent), the simulated
//! Omgevingsloket (each demo verzoek goes INITIALISATIE → OPEN with its documents and
//! VERZOEK_OPHALEN_GESLAAGD; an unknown number is refused), the practice mark on /health and
//! on every answer, `oefenomgeving reset`, and the folder guard against mixing practice and
//! real data.
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;
use swf_testkit::*;

const GEMEENTE_O: &str = "00000099000000000001";
const PROVINCIE_O: &str = "00000099000000000002";
const VEILIGHEIDSREGIO_O: &str = "00000099000000000005";
const ADVIESBUREAU_O: &str = "00000099000000000006";
const HEADER: &str = "swf-oefenomgeving";

/// The jobs run only when the test says so (`run_jobs`); a verzoek is "retrieved" at once.
const ENV: &[(&str, &str)] = &[
    ("SWF_OEFENOMGEVING", "true"),
    ("SWF_VERZOEK_OPHALEN_SECS", "0"),
];

fn practice_server_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

async fn practice_server() -> Server {
    Server::start_on(practice_server_dir(), ENV).await
}

/// How long a command that should end by itself (a refusal, a reset) may take.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// Run the binary on `dir` with `args`; its output, whether it succeeded or not. A command
/// still running after [`RUN_LIMIT`] (e.g. a `serve` that should have refused) is killed and
/// the test fails at once, with what it printed.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.arg("--data")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run swf-server");
    let read = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = read(child.stdout.take().map(|o| Box::new(o) as _));
    let err = read(child.stderr.take().map(|e| Box::new(e) as _));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        if start.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "swf-server {args:?} still ran after {RUN_LIMIT:?}; stderr: {}",
                String::from_utf8_lossy(&err.join().unwrap_or_default())
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// The configuration (SWF_*) of `srv`, for a command on its folder: on PostgreSQL its
/// database URL, as an operator's configuration file would give it.
fn env_of(srv: &Server) -> Vec<(&str, &str)> {
    srv.env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// `swf-server --oefenomgeving` on `dir` (port 0): the process and every line it printed
/// until the password list ended (or a short wait passed).
fn spawn_practice(dir: &Path, extra: &[&str]) -> (Child, String, Vec<String>) {
    let mut cmd = Command::new(bin());
    cmd.arg("--data")
        .arg(dir)
        .args(extra)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("first line");
    let url = format!(
        "http://{}",
        first.rsplit("http://").next().expect("address")
    );
    let mut lines = Vec::new();
    while let Ok(l) = rx.recv_timeout(Duration::from_millis(1500)) {
        lines.push(l);
    }
    (child, url, lines)
}

/// (user, password) from the printed list.
fn passwords(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_owned(), w.next()?.to_owned()))
        })
        .collect()
}

async fn sign_in(url: &str, user: &str, pw: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{url}{BASE}/auth/token"))
        .json(&json!({"gebruikersnaam": user, "wachtwoord": pw}))
        .send()
        .await
        .expect("sign in")
}

fn stop(mut c: Child) {
    let _ = c.kill();
    let _ = c.wait();
}

/// The seeding: six practice organisations with test OINs and a user each, a password per user
/// printed once, the practice mark on /health and on every answer; a second start adds and
/// prints nothing, and the printed passwords still work.
#[tokio::test]
async fn oefenomgeving_seeds_once_and_says_what_it_is() {
    let dir = practice_server_dir();
    let (child, url, lines) = spawn_practice(dir.path(), &["--oefenomgeving"]);
    let pw = passwords(&lines);
    let users: Vec<&str> = pw.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(
        users,
        [
            "gemeente",
            "provincie",
            "omgevingsdienst",
            "waterschap",
            "veiligheidsregio",
            "adviesbureau"
        ],
        "{lines:?}"
    );
    assert!(pw.iter().all(|(_, p)| p.len() >= 12), "{pw:?}");
    assert_ne!(pw[0].1, pw[1].1, "a password per user");

    let health = reqwest::get(format!("{url}{BASE}/health")).await.unwrap();
    assert_eq!(health.headers()[HEADER], "true");
    let body: Value = health.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok", "oefenomgeving": true}));

    let r = sign_in(&url, "gemeente", &pw[0].1).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()[HEADER], "true", "every answer carries the mark");
    let token = r.json::<Value>().await.unwrap()["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let http = reqwest::Client::new();
    let orgs: Value = http
        .get(format!("{url}{BASE}/organisaties?zoek="))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let oins: Vec<&str> = orgs["_embedded"]["organisaties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["oin"].as_str().unwrap())
        .collect();
    assert_eq!(oins.len(), 6, "{orgs}");
    assert!(oins.iter().all(|o| o.starts_with("00000099")), "{oins:?}");
    let soorten: Vec<&str> = orgs["_embedded"]["organisaties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["soort"].as_str().unwrap())
        .collect();
    for s in [
        "GEMEENTE",
        "PROVINCIE",
        "OMGEVINGSDIENST",
        "WATERSCHAP",
        "VEILIGHEIDSREGIO",
        "ADVIESBUREAU",
    ] {
        assert!(soorten.contains(&s), "{s}: {soorten:?}");
    }
    stop(child);

    // a second start: nothing new, nothing printed, the passwords of the first still work
    let (child, url, lines) = spawn_practice(dir.path(), &["--oefenomgeving"]);
    assert!(passwords(&lines).is_empty(), "{lines:?}");
    assert_eq!(sign_in(&url, "adviesbureau", &pw[5].1).await.status(), 201);
    let orgs = run(dir.path(), &["org", "list"], &[]);
    assert_eq!(String::from_utf8_lossy(&orgs.stdout).lines().count(), 6);
    stop(child);
}

/// The configuration file's `oefenomgeving = true` does what the flag does.
#[tokio::test]
async fn oefenomgeving_from_the_configuration_file() {
    let dir = practice_server_dir();
    let config = dir.path().join("swf.toml");
    std::fs::write(&config, "oefenomgeving = true\n").unwrap();
    let data = dir.path().join("data");
    let config_arg = config.to_string_lossy().into_owned();
    let (child, url, lines) = spawn_practice(&data, &["--config", &config_arg]);
    assert_eq!(passwords(&lines).len(), 6, "{lines:?}");
    let health: Value = reqwest::get(format!("{url}{BASE}/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["oefenomgeving"], true);
    stop(child);
}

/// A service that is not practice carries no mark.
#[tokio::test]
async fn a_real_service_carries_no_practice_mark() {
    let srv = Server::start(&[]).await;
    let r = reqwest::get(format!("{}{BASE}/health", srv.url))
        .await
        .unwrap();
    assert!(r.headers().get(HEADER).is_none());
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "ok"}));
    let list = srv
        .as_org(GEMEENTE)
        .get("/oefenomgeving/verzoeken")
        .await
        .ok();
    assert_eq!(
        list,
        json!({"verzoeken": []}),
        "no simulated Omgevingsloket"
    );
}

async fn documenten(api: &Api, sid: &str) -> Vec<Value> {
    api.get(&format!("/samenwerkingen/{sid}/documenten"))
        .await
        .ok()["_embedded"]["documenten"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Each demo verzoek: the picker lists it; a samenwerking started with its number is in
/// INITIALISATIE with the verzoek's type and location, and when the retrieval finishes it is
/// OPEN with the verzoek's documents (real PDFs; a confidential one only for who may see SV)
/// and every deelnemer has VERZOEK_OPHALEN_GESLAAGD. Placing runs once: a second job run adds
/// nothing, and the same verzoek gives the same bytes again.
#[tokio::test]
async fn each_demo_verzoek_is_placed_in_the_dossier() {
    let srv = practice_server().await;
    let gemeente = srv.as_org(GEMEENTE_O);
    let regio = srv.as_org(VEILIGHEIDSREGIO_O);
    let bureau = srv.as_org(ADVIESBUREAU_O);
    let picker = gemeente.get("/oefenomgeving/verzoeken").await.ok();
    let verzoeken = picker["verzoeken"].as_array().unwrap().clone();
    let soorten: Vec<&str> = verzoeken
        .iter()
        .map(|v| v["soort"].as_str().unwrap())
        .collect();
    assert_eq!(soorten, ["vergunningaanvraag", "melding", "conceptverzoek"]);
    let mut hashes = Vec::new();
    for v in &verzoeken {
        let nummer = v["verzoeknummer"].as_str().unwrap();
        assert!(!v["aanvrager"].as_str().unwrap().is_empty());
        let s = gemeente
            .post(
                "/samenwerkingen",
                json!({"titel": v["omschrijving"], "verzoeknummer": nummer,
                       "deelnemers": [{"oin": VEILIGHEIDSREGIO_O, "privilege": "VOLLEDIGE_TOEGANG"},
                                      {"oin": ADVIESBUREAU_O, "privilege": "BEPERKTE_TOEGANG"}]}),
            )
            .await
            .ok();
        let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
        assert_eq!(s["status"]["status"], "INITIALISATIE", "{nummer}");
        assert_eq!(s["typeVerzoek"], v["soort"], "{s}");
        assert_eq!(s["globaleLocatie"], v["locatie"], "{s}");
        assert!(documenten(&gemeente, &sid).await.is_empty(), "not yet");

        let out = srv.run_jobs(&[]);
        assert!(out.contains("geopend: 1"), "{out}");
        let s = gemeente.get(&format!("/samenwerkingen/{sid}")).await.ok();
        assert_eq!(s["status"]["status"], "OPEN");

        let docs = documenten(&gemeente, &sid).await;
        let namen: Vec<&str> = docs
            .iter()
            .map(|d| d["bestandsNaam"].as_str().unwrap())
            .collect();
        let verwacht: Vec<&str> = v["documenten"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        let mut a = namen.clone();
        a.sort();
        let mut b = verwacht.clone();
        b.sort();
        assert_eq!(a, b, "{nummer}");
        for d in &docs {
            assert_eq!(d["aangemaaktDoorNaam"], "Omgevingsloket", "{d}");
            let id = d["documentId"].as_str().unwrap();
            let bytes = gemeente
                .get(&format!("/documenten/{id}/content"))
                .await
                .bytes;
            assert!(bytes.starts_with(b"%PDF-1.4"), "{nummer}: a PDF");
            assert!(bytes.ends_with(b"%%EOF\n"));
            hashes.push((nummer.to_owned(), d["bestandsNaam"].clone(), bytes));
        }
        let sv = docs
            .iter()
            .filter(|d| d["vertrouwelijkheidsAanduiding"] == "SV")
            .count();
        assert_eq!(documenten(&regio, &sid).await.len(), docs.len());
        assert_eq!(
            documenten(&bureau, &sid).await.len(),
            docs.len() - sv,
            "limited access: no SV documents"
        );
        for api in [&gemeente, &regio, &bureau] {
            let types: Vec<String> = api
                .notificaties()
                .await
                .iter()
                .filter(|n| n["samenwerkingId"] == sid.as_str())
                .map(|n| n["notificatieType"].as_str().unwrap_or("").to_owned())
                .collect();
            assert!(
                types.iter().any(|t| t == "VERZOEK_OPHALEN_GESLAAGD"),
                "{nummer}: {types:?}"
            );
            assert!(
                !types.iter().any(|t| t == "DOCUMENT_TOEGEVOEGD"),
                "DSO announces only the verzoek: {types:?}"
            );
        }
        // a second run changes nothing
        let out = srv.run_jobs(&[]);
        assert!(out.contains("geopend: 0"), "{out}");
        assert_eq!(documenten(&gemeente, &sid).await.len(), docs.len());
    }
    assert!(
        hashes
            .iter()
            .any(|(_, _, b)| String::from_utf8_lossy(b).contains("/Helvetica")),
        "generated text pages"
    );

    // the same verzoek again: the same documents, byte for byte
    let first = &hashes[0];
    let s = gemeente
        .post(
            "/samenwerkingen",
            json!({"titel": "Nog eens", "verzoeknummer": first.0}),
        )
        .await
        .ok();
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    srv.run_jobs(&[]);
    let docs = documenten(&gemeente, &sid).await;
    let again = docs
        .iter()
        .find(|d| d["bestandsNaam"] == first.1)
        .expect("the same document");
    let bytes = gemeente
        .get(&format!(
            "/documenten/{}/content",
            again["documentId"].as_str().unwrap()
        ))
        .await
        .bytes;
    assert_eq!(bytes, first.2);
}

/// An unknown verzoeknummer is refused as DSO refuses it, and nothing is started; without a
/// verzoeknummer a samenwerking is OPEN at once, as always.
#[tokio::test]
async fn an_unknown_verzoeknummer_is_refused() {
    let srv = practice_server().await;
    let gemeente = srv.as_org(GEMEENTE_O);
    let r = gemeente
        .post(
            "/samenwerkingen",
            json!({"titel": "Onbekend", "verzoeknummer": "2099019999999"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.json);
    let p = &r.json["invalid-params"][0];
    assert_eq!(p["name"], "verzoeknummer", "{}", r.json);
    assert_eq!(p["code"], "onbekend-verzoek", "{}", r.json);
    assert!(p["reason"].as_str().unwrap().contains("2099019999999"));
    let list = gemeente.get("/samenwerkingen").await.ok();
    assert_eq!(list["page"]["totalElements"], 0, "{list}");

    let s = gemeente
        .post("/samenwerkingen", json!({"titel": "Zonder verzoek"}))
        .await
        .ok();
    assert_eq!(s["status"]["status"], "OPEN");
    // the province too may start with a demo verzoek
    let s = srv
        .as_org(PROVINCIE_O)
        .post(
            "/samenwerkingen",
            json!({"titel": "Provincie", "verzoeknummer": "2099010100003"}),
        )
        .await
        .ok();
    assert_eq!(s["status"]["status"], "INITIALISATIE");
}

/// `oefenomgeving reset` restores the starting state: samenwerkingen and documents go, the
/// users come back with new passwords (printed); refused while the service runs.
#[tokio::test]
async fn reset_restores_the_starting_state() {
    let dir = practice_server_dir();
    let (child, url, lines) = spawn_practice(dir.path(), &["--oefenomgeving"]);
    let oud = passwords(&lines);
    let token: Value = sign_in(&url, "gemeente", &oud[0].1)
        .await
        .json()
        .await
        .unwrap();
    let token = token["accessToken"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{url}{BASE}/samenwerkingen"))
        .bearer_auth(&token)
        .json(&json!({"titel": "Wordt teruggezet", "verzoeknummer": "2099010100001"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let busy = run(dir.path(), &["oefenomgeving", "reset"], &[]);
    assert!(!busy.status.success(), "refused while the service runs");
    stop(child);

    let out = run(dir.path(), &["oefenomgeving", "reset"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let nieuw = passwords(&lines);
    assert_eq!(nieuw.len(), 6, "{text}");
    assert_ne!(nieuw[0].1, oud[0].1);

    let (child, url, lines) = spawn_practice(dir.path(), &["--oefenomgeving"]);
    assert!(passwords(&lines).is_empty(), "seeded by the reset");
    assert_eq!(sign_in(&url, "gemeente", &oud[0].1).await.status(), 401);
    let r = sign_in(&url, "gemeente", &nieuw[0].1).await;
    assert_eq!(r.status(), 201);
    let token = r.json::<Value>().await.unwrap()["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let list: Value = http
        .get(format!("{url}{BASE}/samenwerkingen"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["page"]["totalElements"], 0, "{list}");
    let blobs = std::fs::read_dir(dir.path().join("blobs")).unwrap().count();
    assert_eq!(blobs, 0, "no document bytes left");
    stop(child);
}

/// Practice and real data never share a folder: a real service refuses a practice folder, a
/// practice service and a reset refuse a folder with real organisations.
#[tokio::test]
async fn practice_and_real_folders_are_not_mixed() {
    let dir = practice_server_dir();
    let (child, _, _) = spawn_practice(dir.path(), &["--oefenomgeving"]);
    stop(child);
    let real = run(dir.path(), &["serve", "--listen", "127.0.0.1:0"], &[]);
    assert!(!real.status.success());
    assert!(
        String::from_utf8_lossy(&real.stderr).contains("oefenomgeving"),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );

    // the real test organisations (on PostgreSQL: the database elsewhere, the documents here)
    let mut srv = Server::start(&[]).await;
    let api = srv.as_org(GEMEENTE);
    let sid = api.start("echt", &[]).await;
    api.upload_id(&sid, "echt.pdf", b"%PDF-1.4 echt".to_vec(), "RV")
        .await;
    srv.stop();
    let before = srv.snapshot().await;
    let serve = ["--oefenomgeving", "serve", "--listen", "127.0.0.1:0"];
    // with the real service's configuration, and without it (only the folder)
    let cases: [(&str, Vec<(&str, &str)>); 2] = [("config", env_of(&srv)), ("folder", vec![])];
    for (case, env) in cases {
        let practice = run(&srv.data(), &serve, &env);
        let said = String::from_utf8_lossy(&practice.stderr);
        assert!(!practice.status.success(), "{case}: {said}");
        // on PostgreSQL the real configuration names a database: refused for that first
        let expected = if case == "config" && srv.pg.is_some() {
            "database_url"
        } else {
            "echte organisaties"
        };
        assert!(said.contains(expected), "{case}: {said}");
        let reset = run(&srv.data(), &["oefenomgeving", "reset"], &env);
        let said = String::from_utf8_lossy(&reset.stderr);
        assert!(!reset.status.success(), "{case}: {said}");
        assert!(!srv.data().join("oefenomgeving").exists(), "{case}");
    }
    assert!(srv.snapshot().await == before, "nothing removed or added");
    // the real service still starts on its folder and serves its documents
    srv.start_again().await;
    let docs = srv
        .as_org(GEMEENTE)
        .get(&format!("/samenwerkingen/{sid}/documenten"))
        .await
        .ok();
    assert_eq!(
        docs["_embedded"]["documenten"].as_array().map(Vec::len),
        Some(1),
        "{docs}"
    );
}

/// /openapi.json documents the practice mark (header and /health field) and the picker as
/// extensions.
#[test]
fn the_practice_mark_is_documented() {
    let doc: Value = serde_json::from_str(&swf_server::openapi::document_json()).unwrap();
    assert_eq!(doc["x-oefenomgeving"]["header"], "SWF-Oefenomgeving");
    let health = &doc["paths"]["/health"]["get"];
    assert!(health["responses"]["200"]["headers"]["SWF-Oefenomgeving"].is_object());
    let field = &doc["components"]["schemas"]["Gezondheid"]["properties"]["oefenomgeving"];
    assert_eq!(field["x-extension"], true, "{field}");
    let picker = &doc["paths"]["/oefenomgeving/verzoeken"]["get"];
    assert_eq!(picker["x-extension"], true);
    assert_eq!(
        picker["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/OefenVerzoeken"
    );
}
