//! The `swf` command line against a real `swf-server`: an adviser's session from sync to
//! marking an actieverzoek ready, JSON output for scripts, human tables, offline reads, clear
//! errors with distinct exit codes, and nothing changed by a refused write.
mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

struct Swf<'a> {
    home: &'a Path,
    url: String,
    token: String,
}

impl Swf<'_> {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_swf"))
            .args(args)
            .env("SWF_HOME", self.home)
            .env("SWF_TOKEN", &self.token)
            .env("SWF_SERVICE", &self.url)
            .env("SWF_SECRETS", "memory")
            .env_remove("SWF_LOG")
            .output()
            .expect("run swf")
    }

    /// In a time zone far from UTC (with a half-hour offset), so UTC and local time differ.
    fn cmd_in_india(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_swf"))
            .args(args)
            .env("SWF_HOME", self.home)
            .env("SWF_TOKEN", &self.token)
            .env("SWF_SERVICE", &self.url)
            .env("SWF_SECRETS", "memory")
            .env("TZ", "Asia/Kolkata")
            .env_remove("SWF_LOG")
            .output()
            .expect("run swf")
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(
            out.status.success(),
            "swf {args:?} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[track_caller]
    fn json(&self, args: &[&str]) -> Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let s = self.ok(&a);
        serde_json::from_str(&s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
    }
}

#[tokio::test]
async fn an_advisers_session_from_sync_to_ready() {
    let mut srv = Server::start(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Dakopbouw Kerkstraat 1", "verzoeknummer": "OLO4711", "deelnemers": [{"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"}]})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let doc = g
        .upload(&sid, "tekening.pdf", b"%PDF-1.7 tekening".to_vec(), "RV")
        .await;
    let did = doc["documentId"].as_str().unwrap().to_owned();
    let (_, av) = g
        .send(
            Method::POST,
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            Some(json!({"titel": "Brandveiligheid", "omschrijving": "Graag advies", "ontvanger": VRV, "documenten": [did]})),
        )
        .await;
    let avid = av["actieverzoekId"].as_str().unwrap().to_owned();

    let home = tempfile::tempdir().unwrap();
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: srv.token(VRV),
    };

    // sync, then the overview: what is asked of me comes first, with counts
    let r = swf.json(&["sync"]);
    assert_eq!(r["volledig"], true);
    let ls = swf.json(&["ls"]);
    assert_eq!(ls["total"], 1);
    assert_eq!(ls["items"][0]["titel"], "Dakopbouw Kerkstraat 1");
    assert_eq!(ls["items"][0]["openInkomend"], 1);
    let human = swf.ok(&["ls"]);
    assert!(
        human.contains("Dakopbouw Kerkstraat 1") && human.contains("OLO4711"),
        "{human}"
    );
    assert!(swf
        .ok(&["ls", "--zoek", "kerkstraat"])
        .contains("Dakopbouw"));
    assert!(!swf.ok(&["ls", "--zoek", "nergens"]).contains("Dakopbouw"));

    // download: verified, written where asked
    let dest = home.path().join("tekening-kopie.pdf");
    swf.ok(&["docs", "download", &did, "--naar", dest.to_str().unwrap()]);
    assert_eq!(std::fs::read(&dest).unwrap(), b"%PDF-1.7 tekening");

    // treat, upload the advice, mark ready with a message
    swf.ok(&["verzoek", "behandelen", &avid]);
    let advies = home.path().join("advies.txt");
    std::fs::write(&advies, "Advies: akkoord onder voorwaarden").unwrap();
    let up = swf.json(&[
        "docs",
        "upload",
        &sid,
        advies.to_str().unwrap(),
        "--omschrijving",
        "Advies brandveiligheid",
    ]);
    assert_eq!(up["bestandsNaam"], "advies.txt");
    let ready = swf.json(&[
        "verzoek",
        "ready",
        &avid,
        "--melding",
        "Advies staat in de samenwerking",
    ]);
    assert_eq!(ready["status"], "GEREEDGEMELD");

    // the mirror shows it at once, and so does the service to the gemeente
    let show = swf.json(&["show", &sid]);
    assert_eq!(show["actieverzoeken"][0]["status"], "GEREEDGEMELD");
    assert_eq!(show["documenten"].as_array().unwrap().len(), 2);
    let (_, a) = g
        .send(Method::GET, &format!("/actieverzoeken/{avid}"), None)
        .await;
    assert_eq!(a["status"], "GEREEDGEMELD");
    assert_eq!(a["melding"], "Advies staat in de samenwerking");

    // notificaties: list, mark read
    let n = swf.json(&["notificaties", "ls"]);
    assert!(n["total"].as_u64().unwrap() >= 1);
    let nid = n["items"][0]["notificatieId"].as_str().unwrap().to_owned();
    swf.ok(&["notificaties", "gelezen", &nid]);
    let unread = swf.json(&["notificaties", "ls", "--ongelezen"]);
    assert!(unread["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["notificatieId"] != nid.as_str()));

    // a refused transition: clear message, exit code 6, nothing changed
    let before = swf.json(&["show", &sid]);
    let out = swf.cmd(&["verzoek", "accept", &avid]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("fout: "));
    assert_eq!(swf.json(&["show", &sid]), before);
    let out = swf.cmd(&[
        "verzoek",
        "send",
        &sid,
        "--aan",
        "123",
        "--titel",
        "x",
        "--omschrijving",
        "y",
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--aan"));

    // status, human and JSON
    let st = swf.json(&["status"]);
    assert_eq!(st["verbinding"], "online");
    assert_eq!(st["account"]["oin"], VRV);
    assert!(swf.ok(&["status"]).contains("Veiligheidsregio Oefenland"));

    // offline: reads still work from the mirror, writes fail with exit code 3 and say so
    srv.stop();
    assert_eq!(swf.json(&["show", &sid]), before);
    assert!(swf.ok(&["ls"]).contains("Dakopbouw"));
    let dest2 = home.path().join("nogmaals.pdf");
    swf.ok(&["docs", "download", &did, "--naar", dest2.to_str().unwrap()]);
    assert_eq!(std::fs::read(&dest2).unwrap(), b"%PDF-1.7 tekening");
    let out = swf.cmd(&["verzoek", "behandelen", &avid]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("niet bereikbaar"));
    let out = swf.cmd(&["--json", "sync"]);
    assert_eq!(out.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["fout"]["code"], "Offline");
    assert_eq!(swf.json(&["status"])["verbinding"], "offline");
    assert_eq!(swf.json(&["show", &sid]), before);
}

#[tokio::test]
async fn not_signed_in_and_bad_tokens_say_what_to_do() {
    let srv = Server::start(&[]).await;
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_swf"))
        .args(["sync"])
        .env("SWF_HOME", home.path())
        .env("SWF_SECRETS", "memory")
        .env_remove("SWF_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("swf login"));
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: "swf_niet_geldig".into(),
    };
    let out = swf.cmd(&["sync"]);
    assert_eq!(out.status.code(), Some(4));
    // a script cannot sign in again: the token is named as the problem
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SWF_TOKEN") && err.contains("token"), "{err}");
    assert!(!err.contains("meld u opnieuw aan"), "{err}");
    let out = swf.cmd(&[
        "--json",
        "verzoek",
        "bericht",
        &uuid::Uuid::new_v4().to_string(),
        "x",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fout"]["code"], "Unauthorized");
    assert!(
        v["fout"]["melding"]
            .as_str()
            .unwrap_or("")
            .contains("SWF_TOKEN"),
        "{v}"
    );
    // reading an empty mirror is fine and says it was never synced
    let out = swf.cmd(&["ls"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nog niet gesynchroniseerd"));
    // a wrong password on login: exit 4, nothing stored
    let out = Command::new(env!("CARGO_BIN_EXE_swf"))
        .args([
            "login",
            "--service",
            &srv.url,
            "--gebruiker",
            "adviseur",
            "--wachtwoord-stdin",
        ])
        .env("SWF_HOME", home.path())
        .env("SWF_SECRETS", "memory")
        .env_remove("SWF_TOKEN")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"fout wachtwoord\n")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 10, item 4: a notification shows the same local time everywhere; `swf sync` says only
/// what concerns the user (not the service-wide feed position); a one-off command that cannot
/// reach the service says what happened and what to do, without promising a retry it does not
/// make or pointing at a synchronised state a write does not show.
#[tokio::test]
async fn times_sync_and_an_unreachable_service_speak_to_the_user() {
    let mut srv = Server::start(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    // activity the adviser does not see moves the service-wide feed position
    for i in 0..3 {
        g.send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": format!("Alleen de gemeente {i}")})),
        )
        .await;
    }
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Tijden", "deelnemers": [{"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"}]})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let (_, av) = g
        .send(
            Method::POST,
            &format!("/samenwerkingen/{sid}/actieverzoeken"),
            Some(json!({"titel": "Advies", "omschrijving": "Graag advies", "ontvanger": VRV})),
        )
        .await;
    let avid = av["actieverzoekId"].as_str().unwrap().to_owned();

    let home = tempfile::tempdir().unwrap();
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: srv.token(VRV),
    };
    let out = swf.ok(&["sync"]);
    assert!(out.contains("gesynchroniseerd"), "{out}");
    assert!(!out.contains("positie"), "{out}");
    let again = swf.ok(&["sync"]);
    assert!(!again.contains("positie"), "{again}");

    // the notification's time, in the user's local time zone, in every command
    let n = swf.json(&["notificaties", "ls"]);
    let when = n["items"][0]["eventDatumTijd"].as_str().unwrap().to_owned();
    let nid = n["items"][0]["notificatieId"].as_str().unwrap().to_owned();
    let local = chrono::DateTime::parse_from_rfc3339(&when)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap())
        .format("%d-%m-%Y %H:%M")
        .to_string();
    for args in [vec!["show", sid.as_str()], vec!["notificaties", "ls"]] {
        let out = swf.cmd_in_india(&args);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.contains(nid.as_str()))
            .unwrap_or_else(|| panic!("no notification in swf {args:?}:\n{text}"));
        assert!(
            line.contains(&local),
            "swf {args:?} shows {line:?}, expected {local}"
        );
    }

    // the service is gone: a write says it was not done and what to do
    srv.stop();
    for args in [
        vec!["verzoek", "bericht", avid.as_str(), "Hallo"],
        vec!["verzoek", "behandelen", avid.as_str()],
    ] {
        let out = swf.cmd(&args);
        assert_eq!(out.status.code(), Some(3));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("niet bereikbaar"), "{err}");
        assert!(err.contains("niet uitgevoerd"), "{err}");
        assert!(err.contains("opnieuw"), "{err}");
        assert!(!err.contains("opnieuw geprobeerd"), "{err}");
        assert!(!err.contains("laatst gesynchroniseerde stand"), "{err}");
    }
    // a sync says the local copy was not brought up to date
    let out = swf.cmd(&["sync"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("niet bijgewerkt"), "{err}");
    assert!(!err.contains("opnieuw geprobeerd"), "{err}");
}

/// `swf logout` with a case system's token: the service refuses (403 `systeemtoken`, D1) and
/// the command says plainly why and who revokes it, exits 5, and changes nothing: the token
/// still works and the local copy is still there.
#[tokio::test]
async fn logout_with_a_system_token_says_the_administrator_revokes_it() {
    let srv = Server::start(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (st, _) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Aanbouw Dorpsstraat 2", "deelnemers": [{"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"}]})),
        )
        .await;
    assert_eq!(st, 201);
    let home = tempfile::tempdir().unwrap();
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: srv.token(VRV),
    };
    swf.ok(&["sync"]);
    let before = swf.json(&["ls"]);

    let out = swf.cmd(&["logout"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("systeemtoken"), "{err}");
    assert!(err.contains("swf-server token revoke"), "{err}");
    assert!(!err.contains("afgemeld"), "{err}");
    let out = swf.cmd(&["--json", "logout"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fout"]["code"], "Forbidden", "{v}");

    // nothing changed: the token works, the local copy is kept
    assert_eq!(swf.json(&["ls"]), before);
    swf.ok(&["sync"]);
}

/// `swf archief`: a small samenwerking becomes a verified BagIt bag in the folder asked for;
/// the path is printed (stdout) and with `--json` the whole result. An unknown samenwerking is
/// "not found" (exit 5), and nothing is left behind.
#[tokio::test]
async fn archief_makes_a_verified_bag_of_a_samenwerking() {
    let srv = Server::start(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Schuur Achterweg 3", "deelnemers": [{"oin": VRV, "privilege": "VOLLEDIGE_TOEGANG"}]})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    g.upload(
        &sid,
        "plattegrond.pdf",
        b"%PDF-1.7 plattegrond".to_vec(),
        "RV",
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: srv.token(VRV),
    };
    swf.ok(&["sync"]);

    let kast = home.path().join("archief");
    let a = swf.json(&["archief", &sid, "--map", kast.to_str().unwrap()]);
    let pad = std::path::PathBuf::from(a["pad"].as_str().unwrap());
    assert!(pad.is_dir(), "{a}");
    assert_eq!(pad.parent(), Some(kast.as_path()));
    assert_eq!(a["documenten"], 1);
    assert_eq!(a["historieOpgenomen"], true);
    assert!(pad.join("bagit.txt").is_file());
    // recorded like an archive made from the app
    assert_eq!(a["vastgelegd"]["samenwerkingId"], sid.as_str(), "{a}");
    assert_eq!(a["vastgelegd"]["pad"], pad.to_str().unwrap());
    assert_eq!(a["vastgelegd"]["zip"], false);
    let c = swf_client::archive::verify(&pad).expect("the bag verifies");
    assert!(c.bestanden > 0, "{c:?}");

    // people get the path on stdout
    let tweede = home.path().join("tweede");
    let out = swf.ok(&["archief", &sid, "--map", tweede.to_str().unwrap()]);
    let pad2 = std::path::PathBuf::from(out.trim());
    assert!(pad2.starts_with(&tweede) && pad2.is_dir(), "{out}");
    swf_client::archive::verify(&pad2).expect("the second bag verifies");

    // --zip: one .zip with its .sha256; `swf archief controleer` re-reads it and the folder
    let zipmap = home.path().join("zip");
    let out = swf.ok(&["archief", &sid, "--zip", "--map", zipmap.to_str().unwrap()]);
    let zip = std::path::PathBuf::from(out.trim());
    assert_eq!(
        zip.extension().and_then(|e| e.to_str()),
        Some("zip"),
        "{out}"
    );
    assert!(zip.is_file());
    assert!(zip.with_extension("zip.sha256").is_file());
    let c = swf.json(&["archief", "controleer", zip.to_str().unwrap()]);
    assert!(c["bestanden"].as_u64().unwrap() > 0, "{c}");
    swf.ok(&["archief", "controleer", pad.to_str().unwrap()]);
    // a changed payload file is refused, with a non-zero exit
    let doc = std::fs::read_dir(pad.join("data"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("the dossier folder");
    let bestand = walk(&doc)
        .into_iter()
        .find(|p| !p.to_string_lossy().ends_with(".xml"))
        .expect("a payload file");
    std::fs::write(&bestand, b"veranderd").unwrap();
    let out = swf.cmd(&["archief", "controleer", pad.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("fout: "));

    let leeg = home.path().join("leeg");
    let out = swf.cmd(&[
        "archief",
        "SAM-BESTAAT-NIET",
        "--map",
        leeg.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("fout: "));
    assert!(std::fs::read_dir(&leeg).map_or(true, |mut d| d.next().is_none()));
}

/// `swf deelnemer uitnodigen|toegang|verwijderen` go through the engine's use cases: the
/// initiator invites, changes access and removes; a bad OIN is refused before anything is sent.
#[tokio::test]
async fn the_initiator_invites_changes_access_and_removes_a_deelnemer() {
    let srv = Server::start(&[]).await;
    let g = Raw::new(&srv, GEMEENTE);
    let (_, s) = g
        .send(
            Method::POST,
            "/samenwerkingen",
            Some(json!({"titel": "Kantoor Stationsplein 9"})),
        )
        .await;
    let sid = s["samenwerkingId"].as_str().unwrap().to_owned();
    let home = tempfile::tempdir().unwrap();
    let swf = Swf {
        home: home.path(),
        url: srv.url.clone(),
        token: srv.token(GEMEENTE),
    };
    swf.ok(&["sync"]);

    let out = swf.cmd(&["deelnemer", "uitnodigen", &sid, "--oin", "123"]);
    assert_eq!(out.status.code(), Some(6));
    let d = swf.json(&["deelnemer", "uitnodigen", &sid, "--oin", BUREAU]);
    assert_eq!(d["oin"], BUREAU);
    assert_eq!(d["privilege"], "BEPERKTE_TOEGANG");
    let show = swf.json(&["show", &sid]);
    assert_eq!(show["deelnemers"].as_array().unwrap().len(), 2, "{show}");

    let d = swf.json(&[
        "deelnemer",
        "toegang",
        &sid,
        "--oin",
        BUREAU,
        "--toegang",
        "volledig",
    ]);
    assert_eq!(d["privilege"], "VOLLEDIGE_TOEGANG");
    let (_, dn) = g
        .send(
            Method::GET,
            &format!("/samenwerkingen/{sid}/deelnemers/{BUREAU}"),
            None,
        )
        .await;
    assert_eq!(dn["privilege"], "VOLLEDIGE_TOEGANG");

    swf.ok(&["deelnemer", "verwijderen", &sid, "--oin", BUREAU]);
    let show = swf.json(&["show", &sid]);
    assert_eq!(show["deelnemers"].as_array().unwrap().len(), 1, "{show}");
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
