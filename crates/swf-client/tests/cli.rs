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
    assert!(String::from_utf8_lossy(&out.stderr).contains("aangemeld"));
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
