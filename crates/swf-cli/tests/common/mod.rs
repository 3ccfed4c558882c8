//! Test harness for the `swf` CLI: a real `swf-server` process on 127.0.0.1 with a real SQLite
//! file in a temp data folder; organisations, users and tokens made with its real admin CLI.
//! The server can be stopped and started again on the same port (offline tests).
//!
//! A copy of the part of `crates/swf-client/tests/common/mod.rs` these tests use, until the
//! shared test kit (`swf-testkit`) replaces both.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BASE: &str = "/overheid/samenwerken/api/behandelen/v5";

pub const GEMEENTE: &str = "00000001002220647000";
pub const VRV: &str = "00000001812579446000";
pub const BUREAU: &str = "00000003123456780000";
pub const WATERSCHAP: &str = "00000001999999999000";

/// Password of every test user.
pub const WACHTWOORD: &str = "correct paard batterij nietje";

/// Organisation, its name, kind and the user name of its one user.
pub const ORGS: &[(&str, &str, &str, &str)] = &[
    (
        GEMEENTE,
        "Gemeente Oefenstad",
        "GEMEENTE",
        "vergunningverlener",
    ),
    (
        VRV,
        "Veiligheidsregio Oefenland",
        "VEILIGHEIDSREGIO",
        "adviseur",
    ),
    (
        BUREAU,
        "Adviesbureau Bouwfysica",
        "ADVIESBUREAU",
        "bouwfysicus",
    ),
    (WATERSCHAP, "Waterschap De Dijk", "WATERSCHAP", "dijkgraaf"),
];

/// The `swf-server` binary of this workspace (built on demand when only this package is tested;
/// run the tests with `--workspace` after changing the server).
pub fn server_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> -> target/<profile>/swf-server
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile dir")
        .to_path_buf();
    let bin = profile_dir.join(format!("swf-server{}", std::env::consts::EXE_SUFFIX));
    if bin.exists() {
        // a workspace test run builds every binary first
        return bin;
    }
    static BUILD: std::sync::Once = std::sync::Once::new();
    BUILD.call_once(|| {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "-q", "-p", "swf-server", "--bin", "swf-server"])
            .status()
            .expect("cargo build swf-server");
        assert!(status.success(), "building swf-server failed");
    });
    assert!(bin.exists(), "no swf-server at {}", bin.display());
    bin
}

pub fn admin(data: &Path, env: &[(String, String)], args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = Command::new(server_bin());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.arg("--data")
        .arg(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn admin");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(input);
    let out = child.wait_with_output().expect("admin output");
    assert!(
        out.status.success(),
        "admin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub struct Server {
    pub dir: tempfile::TempDir,
    pub child: Option<Child>,
    /// `http://127.0.0.1:PORT` (stays the same across stop/start).
    pub url: String,
    pub addr: String,
    pub env: Vec<(String, String)>,
}

impl Server {
    /// Start with the four test organisations, each with one user (password [`WACHTWOORD`]).
    pub async fn start(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in [
            ("SWF_VERZOEK_OPHALEN_SECS", "100000"),
            ("SWF_JOB_INTERVAL_SECS", "100000"),
        ] {
            if !env.iter().any(|(e, _)| e == k) {
                env.push((k.into(), v.into()));
            }
        }
        for (oin, naam, soort, user) in ORGS {
            admin(
                dir.path(),
                &env,
                &["org", "add", "--oin", oin, "--naam", naam, "--soort", soort],
                None,
            );
            admin(
                dir.path(),
                &env,
                &[
                    "user",
                    "add",
                    "--gebruikersnaam",
                    user,
                    "--naam",
                    user,
                    "--oin",
                    oin,
                ],
                Some(WACHTWOORD),
            );
        }
        let mut s = Server {
            dir,
            child: None,
            url: String::new(),
            addr: "127.0.0.1:0".into(),
            env,
        };
        s.spawn();
        s.wait_healthy().await;
        s
    }

    pub fn admin(&self, args: &[&str]) -> String {
        admin(self.dir.path(), &self.env, args, None)
    }

    /// A long-lived system token for an organisation.
    pub fn token(&self, oin: &str) -> String {
        self.admin(&["token", "create", "--oin", oin, "--omschrijving", "test"])
    }

    fn try_spawn(&mut self) -> bool {
        let mut cmd = Command::new(server_bin());
        cmd.arg("--data")
            .arg(self.dir.path())
            .args(["serve", "--listen", &self.addr])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .unwrap_or("")
            .to_owned();
        if !addr.starts_with("127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        self.addr = addr.clone();
        self.url = format!("http://{addr}");
        self.child = Some(child);
        true
    }

    fn spawn(&mut self) {
        for _ in 0..50 {
            if self.try_spawn() {
                return;
            }
            // the port or the data-folder lock may still be held for a moment after a kill
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("could not start swf-server on {}", self.addr);
    }

    pub async fn wait_healthy(&self) {
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}{BASE}/health", self.url)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server did not become healthy");
    }

    /// SIGKILL: the service is gone at once (the client sees connection refused).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A raw HTTP client acting as an organisation, to make changes "from elsewhere" in tests.
pub struct Raw {
    pub http: reqwest::Client,
    pub url: String,
    pub token: String,
}

impl Raw {
    pub fn new(s: &Server, oin: &str) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            url: format!("{}{BASE}", s.url),
            token: s.token(oin),
        }
    }

    /// Any JSON call; returns the status and the parsed body (Null when empty).
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut rb = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .header("SWF-Extensies", "true");
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// Upload a document; `vertrouwelijk` is "RV" or "SV". Returns the Document JSON.
    pub async fn upload(
        &self,
        sid: &str,
        name: &str,
        bytes: Vec<u8>,
        vertrouwelijk: &str,
    ) -> serde_json::Value {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
        let r = self
            .http
            .post(format!("{}/samenwerkingen/{sid}/documenten", self.url))
            .query(&[
                ("vertrouwelijkheidsAanduiding", vertrouwelijk),
                ("documentOmschrijving", &format!("test {name}")),
            ])
            .bearer_auth(&self.token)
            .header("SWF-Extensies", "true")
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert!(r.status().is_success(), "upload failed: {}", r.status());
        r.json().await.expect("upload json")
    }
}
