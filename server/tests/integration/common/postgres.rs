//! PostgreSQL for the tests: the server `BYLINE_TEST_POSTGRES` names (scripts/test starts one),
//! or else a private, throwaway one started by `scripts/postgres` for this test process. Each
//! test gets a database of its own.
use std::sync::OnceLock;

static SERVER: OnceLock<String> = OnceLock::new();

/// The URL of the test PostgreSQL server's `postgres` database.
async fn server_url() -> String {
    if let Some(url) = SERVER.get() {
        return url.clone();
    }
    let url = match std::env::var("BYLINE_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => url,
        _ => tokio::task::spawn_blocking(|| {
            let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres");
            let out = std::process::Command::new(script)
                .arg(std::process::id().to_string())
                .stderr(std::process::Stdio::inherit())
                .output()
                .expect("run scripts/postgres");
            assert!(out.status.success(), "scripts/postgres could not start PostgreSQL");
            String::from_utf8(out.stdout).expect("a URL").trim().to_string()
        })
        .await
        .expect("start PostgreSQL"),
    };
    SERVER.get_or_init(|| url).clone()
}

/// A fresh, empty database on the test server, as a URL.
pub async fn fresh_database() -> String {
    let server = server_url().await;
    let name = format!("t_{}", app::server::tokens::random_token());
    let pool = sqlx::PgPool::connect(&server).await.expect("connect to the test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.expect("create");
    pool.close().await;
    match server.split_once("/postgres") {
        Some((head, tail)) => format!("{head}/{name}{tail}"),
        None => panic!("the test PostgreSQL URL names no `postgres` database: {server}"),
    }
}
