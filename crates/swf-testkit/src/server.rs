//! A real `swf-server` process on 127.0.0.1 with a real SQLite file in a temp data folder — or,
//! when `SWF_TEST_DATABASE_URL` names a PostgreSQL cluster, its own fresh database there
//! ([`crate::pg`]) — and, when `SWF_TEST_S3_URL` names a bucket, its documents there
//! ([`crate::s3`]); organisations, users and tokens made with its real admin CLI; kill -9 and
//! restart for the crash and offline tests; snapshots of the database and the data folder to
//! prove that a refused request changed nothing.
use crate::api::{Api, Resp};
use crate::binary::bin;
use crate::{Org, BASE, ORGANISATIES};
use reqwest::Client;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// Run an admin command of the server binary on a data folder with `env` (SWF_*), `stdin`
/// (e.g. a password) as its input; panics with its output if it fails. Returns its output.
pub fn admin_env(
    data: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(String, String)],
) -> String {
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

/// Wait up to `limit` for a process to exit by itself; its status, or `None` if it still runs.
pub async fn exit_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return Some(s);
        }
        if waited >= limit {
            return None;
        }
        tokio::time::sleep(step).await;
        waited += step;
    }
}

/// A running service and its data folder (removed when dropped, after a kill -9).
pub struct Server {
    pub dir: tempfile::TempDir,
    pub child: Option<Child>,
    /// `http://127.0.0.1:PORT` of the running service.
    pub url: String,
    /// Where the next start listens: the address it got, kept by [`Server::start_again`].
    pub addr: String,
    /// Configuration (SWF_*) of the service and of every admin command.
    pub env: Vec<(String, String)>,
    /// A client with a 60 s timeout, shared by the [`Api`]s of this server.
    pub http: Client,
    /// The PostgreSQL database of this server (dropped with it), when the suite runs on one.
    pub pg: Option<std::sync::Arc<crate::pg::TestDatabase>>,
    /// Another server's data folder this one uses instead of `dir` (several instances on
    /// PostgreSQL sharing the documents, [`Server::second_instance_sharing_folder`]).
    pub shared_data: Option<PathBuf>,
    /// This server's part of the test bucket, when the suite keeps documents in an object
    /// store (`SWF_TEST_S3_URL`); shared with the instances started from it.
    pub s3: Option<crate::s3::TestBucket>,
}

/// Which accounts [`Server`] makes before it starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accounts {
    Organisations,
    WithUsers,
}

impl Server {
    /// Start with the five test organisations ([`ORGANISATIES`]), no users. `env` overrides
    /// configuration (SWF_*); the background jobs wait unless `env` says otherwise.
    pub async fn start(env: &[(&str, &str)]) -> Server {
        Server::start_as(env, Accounts::Organisations).await
    }

    /// Start with the five organisations, four of them with one user each ([`Org::gebruiker`],
    /// password [`crate::WACHTWOORD`]): for the suites that sign in.
    pub async fn start_with_users(env: &[(&str, &str)]) -> Server {
        Server::start_as(env, Accounts::WithUsers).await
    }

    /// Start on a data folder the test prepared (e.g. a database of an older schema): no
    /// organisations are added.
    pub async fn start_on(dir: tempfile::TempDir, env: &[(&str, &str)]) -> Server {
        let mut s = Server::new(dir, env);
        s.spawn();
        s.wait_healthy().await;
        s
    }

    async fn start_as(env: &[(&str, &str)], accounts: Accounts) -> Server {
        let mut s = Server::new(tempfile::tempdir().expect("tempdir"), env);
        for Org {
            oin,
            naam,
            soort,
            gebruiker,
        } in ORGANISATIES
        {
            s.admin(&["org", "add", "--oin", oin, "--naam", naam, "--soort", soort]);
            if let (Accounts::WithUsers, Some(user)) = (accounts, gebruiker) {
                s.add_user(user, user, oin, crate::WACHTWOORD);
            }
        }
        s.spawn();
        s.wait_healthy().await;
        s
    }

    /// Not started yet: `env` plus the defaults (the background jobs wait).
    fn new(dir: tempfile::TempDir, env: &[(&str, &str)]) -> Server {
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // a practice service is a one-folder service (SQLite only; it refuses a database URL)
        let practice = env
            .iter()
            .any(|(k, v)| k == "SWF_OEFENOMGEVING" && v == "true");
        let pg = if practice {
            None
        } else {
            crate::pg::TestDatabase::create_if_configured().map(std::sync::Arc::new)
        };
        if let Some(db) = &pg {
            env.push(("SWF_DATABASE_URL".into(), db.url.clone()));
        }
        let s3 = crate::s3::TestBucket::create_if_configured();
        if let Some(b) = &s3 {
            // what the test sets itself (e.g. another endpoint) wins
            for (k, v) in b.env() {
                if !env.iter().any(|(e, _)| *e == k) {
                    env.push((k, v));
                }
            }
        }
        for (k, v) in [
            ("SWF_VERZOEK_OPHALEN_SECS", "100000"),
            ("SWF_JOB_INTERVAL_SECS", "100000"),
        ] {
            if !env.iter().any(|(e, _)| e == k) {
                env.push((k.into(), v.into()));
            }
        }
        // The service closes a kept-alive connection that stays idle for its header timeout
        // (15 s unless a test sets SWF_HEADER_READ_TIMEOUT_SECS). A request sent on a pooled
        // connection at that moment fails with "IncompleteMessage" — the app's client keeps
        // idle connections 10 s for that reason (D29); with a shorter header timeout the harness
        // pools nothing, so such a test cannot race the server's close.
        let kort = env.iter().any(|(k, v)| {
            k == "SWF_HEADER_READ_TIMEOUT_SECS" && v.parse::<u64>().is_ok_and(|s| s < 15)
        });
        let http = Client::builder().timeout(Duration::from_secs(60));
        let http = if kort {
            http.pool_max_idle_per_host(0)
        } else {
            http.pool_idle_timeout(Duration::from_secs(10))
        };
        Server {
            dir,
            child: None,
            url: String::new(),
            addr: "127.0.0.1:0".into(),
            env,
            http: http.build().expect("http client"),
            pg,
            shared_data: None,
            s3,
        }
    }

    /// Another instance on this server's database (PostgreSQL only: several instances share
    /// one database), with its own data folder and the same configuration plus `env`; the
    /// database lives as long as either.
    pub async fn second_instance(&self, env: &[(&str, &str)]) -> Server {
        self.another_instance(env, None).await
    }

    /// Another instance on this server's database and data folder: the documents on a shared
    /// filesystem (PostgreSQL only; on SQLite the folder's lock refuses a second service).
    pub async fn second_instance_sharing_folder(&self, env: &[(&str, &str)]) -> Server {
        self.another_instance(env, Some(self.data())).await
    }

    async fn another_instance(&self, env: &[(&str, &str)], shared: Option<PathBuf>) -> Server {
        let pg = self
            .pg
            .clone()
            .expect("a second instance needs SWF_TEST_DATABASE_URL");
        let mut env_all = self.env.clone();
        env_all.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let mut s = Server {
            dir: tempfile::tempdir().expect("tempdir"),
            child: None,
            url: String::new(),
            addr: "127.0.0.1:0".into(),
            env: env_all,
            http: self.http.clone(),
            pg: Some(pg),
            shared_data: shared,
            s3: self.s3.clone(),
        };
        s.spawn();
        s.wait_healthy().await;
        s
    }

    pub fn data(&self) -> PathBuf {
        self.shared_data
            .clone()
            .unwrap_or_else(|| self.dir.path().to_path_buf())
    }

    /// Run an admin command with the server's configuration; returns its output.
    pub fn admin(&self, args: &[&str]) -> String {
        admin_env(&self.data(), args, None, &self.env)
    }

    /// Run an admin command with the server's configuration and `stdin` as its input.
    pub fn admin_input(&self, args: &[&str], stdin: &str) -> String {
        admin_env(&self.data(), args, Some(stdin), &self.env)
    }

    /// Run an admin command with the server's configuration plus `extra` variables.
    pub fn admin_with(&self, args: &[&str], extra: &[(&str, &str)]) -> String {
        let mut env = self.env.clone();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        admin_env(&self.data(), args, None, &env)
    }

    /// Run the server's background jobs once (retention, feed pruning) with its configuration
    /// plus `extra` variables.
    pub fn run_jobs(&self, extra: &[(&str, &str)]) -> String {
        self.admin_with(&["jobs"], extra)
    }

    /// Add a user of organisation `oin`; `wachtwoord` is what the admin CLI reads as the
    /// password (as given: with or without a line end).
    pub fn add_user(&self, gebruikersnaam: &str, naam: &str, oin: &str, wachtwoord: &str) {
        self.admin_input(
            &[
                "user",
                "add",
                "--gebruikersnaam",
                gebruikersnaam,
                "--naam",
                naam,
                "--oin",
                oin,
            ],
            wachtwoord,
        );
    }

    /// A long-lived system token for an organisation, made with the admin CLI.
    pub fn token(&self, oin: &str) -> String {
        self.token_named(oin, "test")
    }

    /// A system token with its own description (to find it in `token list`).
    pub fn token_named(&self, oin: &str, omschrijving: &str) -> String {
        self.admin(&[
            "token",
            "create",
            "--oin",
            oin,
            "--omschrijving",
            omschrijving,
        ])
    }

    /// Raw HTTP as an organisation (with its own system token), extensions on.
    pub fn as_org(&self, oin: &str) -> Api {
        Api {
            http: self.http.clone(),
            base: self.url.clone(),
            token: self.token(oin),
            extensions: true,
            oin: oin.to_owned(),
        }
    }

    /// Raw HTTP with a given bearer token (e.g. a user's, from [`Server::sign_in`]),
    /// extensions on, no organisation known.
    pub fn with_token(&self, token: &str) -> Api {
        Api {
            http: self.http.clone(),
            base: self.url.clone(),
            token: token.to_owned(),
            extensions: true,
            oin: String::new(),
        }
    }

    /// `POST /auth/token` with a user name and password, sent by `http`.
    pub async fn sign_in_with(&self, http: &Client, user: &str, pw: &str) -> Resp {
        let r = http
            .post(format!("{}{BASE}/auth/token", self.url))
            .json(&json!({"gebruikersnaam": user, "wachtwoord": pw}))
            .send()
            .await
            .expect("request");
        Resp::read(r).await
    }

    /// `POST /auth/token` with a user name and password.
    pub async fn sign_in(&self, user: &str, pw: &str) -> Resp {
        self.sign_in_with(&self.http, user, pw).await
    }

    /// Start the service on `self.addr`; an error when it does not say where it listens.
    fn try_spawn(&mut self) -> Result<(), String> {
        let mut cmd = Command::new(bin());
        cmd.arg("--data")
            .arg(self.data())
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
            return Err(format!("unexpected first line: {line:?}"));
        }
        self.url = format!("http://{addr}");
        self.addr = addr;
        self.child = Some(child);
        Ok(())
    }

    /// Start the service on `self.addr`, trying again for 5 s: the port or the data-folder
    /// lock may still be held for a moment after a kill.
    pub fn spawn(&mut self) {
        let mut last = String::new();
        for _ in 0..50 {
            match self.try_spawn() {
                Ok(()) => return,
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("could not start swf-server on {}: {last}", self.addr);
    }

    pub async fn wait_healthy(&self) {
        for _ in 0..200 {
            if let Ok(r) = self
                .http
                .get(format!("{}{BASE}/health", self.url))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server did not become healthy");
    }

    /// SIGKILL: no chance to clean up; the client sees connection refused.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The same as [`Server::kill9`]: the service is gone at once.
    pub fn stop(&mut self) {
        self.kill9();
    }

    /// kill -9, then start on a new port (`url` changes).
    pub async fn restart(&mut self) {
        self.kill9();
        self.addr = "127.0.0.1:0".into();
        self.spawn();
        self.wait_healthy().await;
    }

    /// Stop (if it runs) and start again on the same address (`url` stays).
    pub async fn start_again(&mut self) {
        self.stop();
        self.spawn();
        self.wait_healthy().await;
    }

    /// SIGTERM (a graceful shutdown); the process, to see it exit.
    pub fn terminate(&mut self) -> Child {
        let child = self.child.take().expect("server runs");
        let pid = child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM")
            .success());
        child
    }

    /// Everything in the database, table by table, in a stable order.
    pub async fn db_dump(&self) -> String {
        match &self.pg {
            Some(db) => db.dump().await,
            None => sqlite_dump(&self.data().join("swf.db")).await,
        }
    }

    /// Run one statement on the server's database (`$1`-style parameters, text values): to put
    /// the database in a state the API cannot make. Returns the rows changed.
    pub async fn sql_execute(&self, sql: &str, binds: &[&str]) -> u64 {
        match &self.pg {
            Some(db) => db.execute(sql, binds).await,
            None => {
                let pool = sqlite_pool(&self.data().join("swf.db"), false).await;
                let mut q = sqlx::query(sql);
                for b in binds {
                    q = q.bind(*b);
                }
                let n = q.execute(&pool).await.expect("execute").rows_affected();
                pool.close().await;
                n
            }
        }
    }

    /// Feed volgnummers are gap-free: every one from `first` to `last` belongs to some event
    /// (of any organisation) in the server's database.
    pub async fn assert_feed_gap_free(&self, first: i64, last: i64) {
        let all = self
            .sql_i64(
                "SELECT COUNT(*) FROM gebeurtenissen \
                 WHERE volgnummer BETWEEN CAST($1 AS BIGINT) AND CAST($2 AS BIGINT)",
                &[&first.to_string(), &last.to_string()],
            )
            .await;
        assert_eq!(
            all,
            last - first + 1,
            "gaps between volgnummers {first} and {last}"
        );
    }

    /// One integer from the server's database (`$1`-style parameters, text values).
    pub async fn sql_i64(&self, sql: &str, binds: &[&str]) -> i64 {
        match &self.pg {
            Some(db) => db.query_i64(sql, binds).await,
            None => {
                let pool = sqlite_pool(&self.data().join("swf.db"), true).await;
                let mut q = sqlx::query_scalar::<_, i64>(sql);
                for b in binds {
                    q = q.bind(*b);
                }
                let n = q.fetch_one(&pool).await.expect("query");
                pool.close().await;
                n
            }
        }
    }

    /// The files under the data folder's blobs/ and tmp/ with their sizes.
    pub fn files(&self) -> Vec<(String, u64)> {
        let mut v = Vec::new();
        for sub in ["blobs", "tmp"] {
            walk(&self.data().join(sub), &mut v);
        }
        v.sort();
        v
    }

    pub async fn snapshot(&self) -> (String, Vec<(String, u64)>) {
        (self.db_dump().await, self.files())
    }
}

async fn sqlite_pool(path: &Path, read_only: bool) -> sqlx::SqlitePool {
    let mode = if read_only { "ro" } else { "rw" };
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode={mode}", path.display()))
        .await
        .expect("open the database")
}

/// Every table of a SQLite database but the migrations', rows as text, sorted.
async fn sqlite_dump(path: &Path) -> String {
    let pool = sqlite_pool(path, true).await;
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name")
            .fetch_all(&pool)
            .await
            .expect("tables");
    let mut out = String::new();
    for (t,) in tables {
        let rows = sqlx::query(&format!("SELECT * FROM \"{t}\""))
            .fetch_all(&pool)
            .await
            .expect("rows");
        out.push_str(&crate::pg::dump_rows(&t, &rows));
    }
    pool.close().await;
    out
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
        self.kill9();
    }
}
