//! Which store the test servers use. The suite runs twice: on the embedded store, and, with
//! `BECKON_TEST_BACKEND=postgres`, on PostgreSQL (`the_whole_suite_passes_on_postgres` starts
//! that second run from the first, on the cluster `BECKON_TEST_POSTGRES` names). On
//! PostgreSQL each data directory gets a database of its own, created on first use and
//! found again when a test restarts its server on the same directory.

use std::path::Path;

/// Whether this run's servers keep their data in PostgreSQL.
pub fn postgres() -> bool {
    std::env::var("BECKON_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// The cluster the PostgreSQL run uses (a superuser URL to its `postgres` database).
pub fn cluster() -> Option<String> {
    std::env::var("BECKON_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The database of the server whose data directory is `dir`, on the PostgreSQL run.
pub async fn database_for(dir: &Path) -> Option<String> {
    if !postgres() {
        return None;
    }
    let file = dir.join("test-database-url");
    if let Ok(url) = std::fs::read_to_string(&file) {
        return Some(url);
    }
    let url = new_database().await;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&file, &url).unwrap();
    Some(url)
}

/// A new, empty database on the test cluster; its URL.
pub async fn new_database() -> String {
    let admin = cluster().expect("PostgreSQL tests need BECKON_TEST_POSTGRES");
    let name = format!("beckon_test_{:032x}", rand::random::<u128>());
    execute(&admin, &format!("CREATE DATABASE {name}")).await;
    let mut url: url::Url = admin.parse().expect("BECKON_TEST_POSTGRES is a URL");
    url.set_path(&name);
    url.to_string()
}

/// Whether a test that needs the PostgreSQL cluster can run: without one it is skipped,
/// except in CI.
pub fn cluster_or_skip() -> bool {
    if cluster().is_some() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the PostgreSQL tests: set BECKON_TEST_POSTGRES (see .ci/postgres)"
    );
    eprintln!("skipped: no BECKON_TEST_POSTGRES cluster (see .ci/postgres)");
    false
}

/// Runs one statement on the database at `url`.
pub async fn execute(url: &str, sql: &str) {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"));
    let conn = tokio::spawn(conn);
    client.batch_execute(sql).await.unwrap();
    drop(client);
    let _ = conn.await;
}

/// Every value stored in the database at `url`, as bytes one after the other: what a copy
/// of the database would give away.
pub async fn every_value(url: &str) -> Vec<u8> {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"));
    let conn = tokio::spawn(conn);
    let columns = client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text \
             FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for c in columns {
        let (table, column, kind): (String, String, String) = (c.get(0), c.get(1), c.get(2));
        let value = match kind.as_str() {
            "bytea" => format!("\"{column}\""),
            _ => format!("convert_to(\"{column}\"::text, 'UTF8')"),
        };
        for row in client
            .query(&format!("SELECT {value} FROM \"{table}\""), &[])
            .await
            .unwrap()
        {
            out.extend(row.get::<_, Option<Vec<u8>>>(0).unwrap_or_default());
        }
    }
    drop(client);
    let _ = conn.await;
    out
}

/// Runs a query on the database at `url` and returns the first column of its first row.
pub async fn count(url: &str, sql: &str) -> i64 {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"));
    let conn = tokio::spawn(conn);
    let n = client.query_one(sql, &[]).await.unwrap().get(0);
    drop(client);
    let _ = conn.await;
    n
}

/// The whole suite again on PostgreSQL, in a process of its own (this test binary, every test
/// but this one), so `cargo test` checks both stores. Needs a throw-away cluster:
/// `.ci/postgres` starts one and prints the URL for `BECKON_TEST_POSTGRES`. Without it the
/// run is skipped, except in CI, where it must run.
#[test]
fn the_whole_suite_passes_on_postgres() {
    if postgres() {
        return;
    }
    if std::env::var_os("BECKON_TEST_POSTGRES_SEPARATELY").is_some() {
        // CI runs it as a step of its own after this one, so the two suites' browsers, X
        // displays and Wine do not share two cores at once (.ci/run).
        eprintln!("the PostgreSQL run is a step of its own (BECKON_TEST_POSTGRES_SEPARATELY)");
        return;
    }
    if !cluster_or_skip() {
        return;
    }
    let cluster = cluster().expect("checked above");
    let started = std::time::Instant::now();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--skip", "the_whole_suite_passes_on_postgres"])
        .env("BECKON_TEST_BACKEND", "postgres")
        .env("BECKON_TEST_POSTGRES", &cluster)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout
        .lines()
        .filter(|l| l.starts_with("test result:") || l.contains("FAILED") || l.contains("panicked"))
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!(
        "the suite on PostgreSQL took {:.0} s:\n{summary}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "the suite failed on PostgreSQL:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
