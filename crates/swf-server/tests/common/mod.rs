//! Test harness: a real `swf-server` process on 127.0.0.1 with a real SQLite file in a temp
//! data folder, organisations and tokens created with the real admin CLI, and snapshots of the
//! database and the data folder to prove that a refused request changed nothing.
#![allow(dead_code)]

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BASE: &str = "/overheid/samenwerken/api/behandelen/v5";

pub const GEMEENTE: &str = "00000001002220647000";
pub const VRV: &str = "00000001812579446000"; // partner, full access
pub const BUREAU: &str = "00000003123456780000"; // partner, limited access
pub const WATERSCHAP: &str = "00000001999999999000"; // partner that gets removed
pub const BUITENSTAANDER: &str = "00000099000000000001"; // never takes part

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_swf-server")
}

pub struct Server {
    pub dir: tempfile::TempDir,
    pub child: Option<Child>,
    pub base: String,
    pub env: Vec<(String, String)>,
    pub http: Client,
}

/// Run an admin command on a data folder; panics with its output if it fails.
pub fn admin(data: &Path, args: &[&str], stdin: Option<&str>) -> String {
    admin_env(data, args, stdin, &[])
}

pub fn admin_env(
    data: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(String, String)],
) -> String {
    use std::io::Write;
    let mut cmd = Command::new(bin());
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
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "admin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Server {
    /// Start with the five test organisations. `env` overrides configuration (SWF_*).
    pub async fn start(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        for (oin, naam, soort) in [
            (GEMEENTE, "Gemeente Oefenstad", "GEMEENTE"),
            (VRV, "Veiligheidsregio Oefenland", "VEILIGHEIDSREGIO"),
            (BUREAU, "Adviesbureau Bouwfysica", "ADVIESBUREAU"),
            (WATERSCHAP, "Waterschap De Dijk", "WATERSCHAP"),
            (BUITENSTAANDER, "Buitenstaander BV", "OVERIG"),
        ] {
            admin(
                dir.path(),
                &["org", "add", "--oin", oin, "--naam", naam, "--soort", soort],
                None,
            );
        }
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
        let mut s = Server {
            dir,
            child: None,
            base: String::new(),
            env,
            http: Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        };
        s.spawn();
        s.wait_healthy().await;
        s
    }

    /// Run an admin command with the server's configuration.
    /// Run an admin command with the server's configuration plus `extra` variables.
    pub fn admin_with(&self, args: &[&str], extra: &[(&str, &str)]) -> String {
        let mut env = self.env.clone();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        admin_env(self.dir.path(), args, None, &env)
    }

    pub fn admin(&self, args: &[&str]) -> String {
        admin_env(self.dir.path(), args, None, &self.env)
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn spawn(&mut self) {
        let mut cmd = Command::new(bin());
        cmd.arg("--data")
            .arg(self.dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"]);
        cmd.env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn server");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line.trim().rsplit("http://").next().unwrap().to_owned();
        assert!(
            addr.starts_with("127.0.0.1:"),
            "unexpected first line: {line}"
        );
        self.base = format!("http://{addr}");
        self.child = Some(child);
    }

    pub async fn wait_healthy(&self) {
        for _ in 0..100 {
            if let Ok(r) = self
                .http
                .get(format!("{}{BASE}/health", self.base))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not become healthy");
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    pub async fn restart(&mut self) {
        self.kill9();
        self.spawn();
        self.wait_healthy().await;
    }

    /// A system token for an organisation, made with the admin CLI on the data folder.
    pub fn token(&self, oin: &str) -> String {
        admin(
            self.dir.path(),
            &["token", "create", "--oin", oin, "--omschrijving", "test"],
            None,
        )
    }

    pub fn as_org(&self, oin: &str) -> Api {
        Api {
            http: self.http.clone(),
            base: self.base.clone(),
            token: self.token(oin),
            extensions: true,
            oin: oin.to_owned(),
        }
    }

    /// Everything in the database, table by table, in a stable order.
    pub async fn db_dump(&self) -> String {
        use sqlx::Row;
        let url = format!(
            "sqlite://{}?mode=ro",
            self.dir.path().join("swf.db").display()
        );
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap();
        let tables: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut out = String::new();
        for (t,) in tables {
            let rows = sqlx::query(&format!("SELECT * FROM \"{t}\""))
                .fetch_all(&pool)
                .await
                .unwrap();
            let mut lines: Vec<String> = rows
                .iter()
                .map(|r| {
                    (0..r.columns().len())
                        .map(|i| {
                            r.try_get::<Option<String>, _>(i)
                                .map(|v| format!("{v:?}"))
                                .or_else(|_| {
                                    r.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}"))
                                })
                                .unwrap_or_else(|_| "?".into())
                        })
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect();
            lines.sort();
            out.push_str(&format!("## {t}\n{}\n", lines.join("\n")));
        }
        pool.close().await;
        out
    }

    /// The files under the data folder's blobs/ and tmp/ with their sizes.
    pub fn files(&self) -> Vec<(String, u64)> {
        let mut v = Vec::new();
        for sub in ["blobs", "tmp"] {
            walk(&self.dir.path().join(sub), &mut v);
        }
        v.sort();
        v
    }

    pub async fn snapshot(&self) -> (String, Vec<(String, u64)>) {
        (self.db_dump().await, self.files())
    }
}

fn walk(p: &Path, out: &mut Vec<(String, u64)>) {
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push((
                    path.display().to_string(),
                    e.metadata().map(|m| m.len()).unwrap_or(0),
                ));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A client acting for one organisation.
#[derive(Clone)]
pub struct Api {
    pub http: Client,
    pub base: String,
    pub token: String,
    /// send `SWF-Extensies: true`
    pub extensions: bool,
    pub oin: String,
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.json
        );
        self.json
    }
}

impl Api {
    pub fn dso(&self) -> Api {
        Api {
            extensions: false,
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("/overheid") {
            format!("{}{path}", self.base)
        } else {
            format!("{}{BASE}{path}", self.base)
        }
    }

    pub fn req(&self, m: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(m, self.url(path))
            .bearer_auth(&self.token);
        if self.extensions {
            r = r.header("SWF-Extensies", "true");
        }
        r
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> Resp {
        let resp = r.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            json,
            bytes,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.req(Method::GET, path)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.req(Method::DELETE, path)).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.req(Method::POST, path).json(&body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(
            self.req(Method::PATCH, path)
                .header("Content-Type", "application/merge-patch+json")
                .body(body.to_string()),
        )
        .await
    }

    pub async fn upload(&self, sid: &str, name: &str, bytes: Vec<u8>, v: &str) -> Resp {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("application/pdf")
            .unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let path = format!("/samenwerkingen/{sid}/documenten?vertrouwelijkheidsAanduiding={v}&documentOmschrijving=Testdocument");
        self.send(self.req(Method::POST, &path).multipart(form))
            .await
    }

    /// Start a samenwerking (without verzoeknummer, so it is OPEN at once) with partners.
    pub async fn start(&self, titel: &str, partners: &[(&str, &str)]) -> String {
        let deelnemers: Vec<Value> = partners
            .iter()
            .map(|(o, p)| serde_json::json!({"oin": o, "privilege": p}))
            .collect();
        let r = self
            .post(
                "/samenwerkingen",
                serde_json::json!({"titel": titel, "deelnemers": deelnemers}),
            )
            .await
            .ok();
        r["samenwerkingId"].as_str().unwrap().to_owned()
    }

    pub async fn notificaties(&self) -> Vec<Value> {
        let r = self.get("/notificaties?size=100").await.ok();
        r["_embedded"]["notificaties"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}
