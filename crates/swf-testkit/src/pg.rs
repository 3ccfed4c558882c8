//! The PostgreSQL switch of the suites: when `SWF_TEST_DATABASE_URL` names a database on a
//! PostgreSQL cluster (e.g. `postgres://swf@localhost/postgres?host=/tmp/swf-pg.X`, see
//! `scripts/pg-cluster.sh`), every [`crate::Server`] gets its own fresh database on that
//! cluster (created from `template0`, dropped when the last instance using it is gone) and runs
//! with `SWF_DATABASE_URL` pointing at it; its data folder then holds only the documents.
//! Without the variable everything runs on SQLite, as before.
use sqlx::postgres::{PgConnection, PgPoolOptions};
use sqlx::{Connection, Row};

/// The variable that switches the suites to PostgreSQL.
pub const ENV: &str = "SWF_TEST_DATABASE_URL";

/// The cluster the suites run on, if any.
pub fn cluster_url() -> Option<String> {
    std::env::var(ENV).ok().filter(|v| !v.is_empty())
}

/// Whether the suites run on PostgreSQL (some SQLite-only tests then say so and return).
pub fn on_postgres() -> bool {
    cluster_url().is_some()
}

/// `url` with its database name replaced by `name` (the query string, e.g. `host=`, kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Run `f` to completion on a runtime of its own (on another thread, so callers may be inside
/// a runtime or in `Drop`).
fn block_on<F: std::future::Future + Send>(f: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(f)
        })
        .join()
        .expect("database helper thread")
    })
}

/// A fresh database on the test cluster, dropped with this value.
pub struct TestDatabase {
    /// Where the cluster's maintenance database is (to create and drop this one).
    admin_url: String,
    pub name: String,
    /// `SWF_DATABASE_URL` of a server on this database.
    pub url: String,
}

impl TestDatabase {
    /// A new database when the suites run on PostgreSQL.
    pub fn create_if_configured() -> Option<TestDatabase> {
        let admin_url = cluster_url()?;
        let name = format!("swf_t_{}", uuid_like());
        let url = with_database(&admin_url, &name);
        let (a, n) = (admin_url.clone(), name.clone());
        block_on(async move {
            let mut c = PgConnection::connect(&a)
                .await
                .expect("connect to the test cluster");
            sqlx::query(&format!("CREATE DATABASE \"{n}\" TEMPLATE template0"))
                .execute(&mut c)
                .await
                .expect("create a test database");
            let _ = c.close().await;
        });
        Some(TestDatabase {
            admin_url,
            name,
            url,
        })
    }

    async fn pool(&self) -> sqlx::PgPool {
        PgPoolOptions::new()
            .max_connections(1)
            .connect(&self.url)
            .await
            .expect("open the test database")
    }

    /// Every table but the migrations', rows as text, sorted.
    pub async fn dump(&self) -> String {
        let pool = self.pool().await;
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY table_name",
        )
        .fetch_all(&pool)
        .await
        .expect("tables");
        let mut out = String::new();
        for (t,) in tables {
            let rows = sqlx::query(&format!("SELECT * FROM \"{t}\""))
                .fetch_all(&pool)
                .await
                .expect("rows");
            out.push_str(&dump_rows(&t, &rows));
        }
        pool.close().await;
        out
    }

    pub async fn execute(&self, sql: &str, binds: &[&str]) -> u64 {
        let pool = self.pool().await;
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        let n = q.execute(&pool).await.expect("execute").rows_affected();
        pool.close().await;
        n
    }

    pub async fn query_i64(&self, sql: &str, binds: &[&str]) -> i64 {
        let pool = self.pool().await;
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for b in binds {
            q = q.bind(*b);
        }
        let n = q.fetch_one(&pool).await.expect("query");
        pool.close().await;
        n
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (a, n) = (self.admin_url.clone(), self.name.clone());
        block_on(async move {
            if let Ok(mut c) = PgConnection::connect(&a).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{n}\" WITH (FORCE)"))
                    .execute(&mut c)
                    .await;
                let _ = c.close().await;
            }
        });
    }
}

/// A name part unique enough for parallel test processes.
fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{:x}_{:x}_{n}", std::process::id(), t)
}

/// One table of a dump: `## name`, then its rows (columns as text or integers, `|`-separated),
/// sorted.
pub fn dump_rows<R>(table: &str, rows: &[R]) -> String
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut lines: Vec<String> = rows
        .iter()
        .map(|r| {
            (0..r.columns().len())
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .map(|v| format!("{v:?}"))
                        .or_else(|_| r.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                        .unwrap_or_else(|_| "?".into())
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    lines.sort();
    format!("## {table}\n{}\n", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_socket_kept() {
        assert_eq!(
            with_database("postgres://swf@localhost/postgres?host=/tmp/x", "t1"),
            "postgres://swf@localhost/t1?host=/tmp/x"
        );
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:5432", "t1"),
            "postgres://u:p@127.0.0.1:5432/t1"
        );
    }
}
