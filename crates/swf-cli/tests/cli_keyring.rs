//! `swf login` with "remember": the token goes to the real OS keychain (Secret Service), the
//! next process is signed in without a password, and `swf logout` takes it out again.
//! Needs a Secret Service: run with `--run-ignored only` inside scripts/session-tests.sh.
mod common;
use common::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn swf(home: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_swf"))
        .args(args)
        .env("SWF_HOME", home)
        .env("SWF_IDENTIFIER", "nl.samenwerkruimte.swf.test")
        .env_remove("SWF_SECRETS")
        .env_remove("SWF_TOKEN")
        .env_remove("SWF_SERVICE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("swf");
    let mut input = c.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).expect("write");
    }
    drop(input);
    c.wait_with_output().expect("output")
}

#[tokio::test]
#[ignore = "needs a Secret Service (run in scripts/session-tests.sh)"]
async fn login_is_remembered_in_the_keychain_across_processes_until_logout() {
    let srv = Server::start(&[]).await;
    let home = tempfile::tempdir().unwrap();
    let out = swf(
        home.path(),
        &[
            "login",
            "--service",
            &srv.url,
            "--gebruiker",
            "adviseur",
            "--wachtwoord-stdin",
        ],
        Some(WACHTWOORD),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("let op"),
        "remembered without warning"
    );

    // a new process: signed in from the keychain, no password
    let out = swf(home.path(), &["--json", "status"], None);
    assert!(out.status.success());
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["verbinding"], "online");
    assert_eq!(st["account"]["gebruikersnaam"], "adviseur");
    assert!(swf(home.path(), &["sync"], None).status.success());
    // the token is nowhere on disk in plain text
    let token_like = walk(home.path()).into_iter().any(|p| {
        std::fs::read(&p)
            .map(|b| String::from_utf8_lossy(&b).contains("swf_"))
            .unwrap_or(false)
    });
    assert!(!token_like, "a token was written to the data folder");

    let out = swf(home.path(), &["logout"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = swf(home.path(), &["sync"], None);
    assert_eq!(out.status.code(), Some(4), "signed out after logout");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
