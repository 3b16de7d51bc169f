//! The SQL (the `db` crate below runs it on SQLite or PostgreSQL): the only place with queries. Every value goes through a bound parameter.
pub mod articles;
pub mod changes;
pub mod comments;
pub mod contact;
pub mod desk;
pub mod imports;
pub mod limits;
pub mod notify;
pub mod passages;

use std::time::Duration;

pub use db::{end, Conn, Pool, Tx};

/// Errors below the edge: always logged, never shown to a reader.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] db::Error),
    #[error("{0}")]
    Connect(#[from] db::ConnectError),
}

/// Opens the database `url` names (`sqlite:…`, or `postgres://…` waited for up to `wait`).
pub async fn connect(url: &str, wait: Duration) -> Result<Pool, StoreError> {
    Ok(db::connect(url, wait).await?)
}

pub async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    Ok(db::migrate(pool).await?)
}

/// A write transaction (`BEGIN IMMEDIATE` on SQLite). End it with `end`.
pub async fn begin(pool: &Pool) -> Result<Tx, db::Error> {
    pool.begin().await
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The signing key from `settings`, created on first start so cookies survive restarts.
pub async fn signing_key(pool: &Pool) -> Result<String, StoreError> {
    let fresh = crate::server::tokens::random_token() + &crate::server::tokens::random_token();
    db::query("INSERT INTO settings (name, value) VALUES ('signing_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(&fresh)
        .execute(pool)
        .await?;
    Ok(db::query_scalar("SELECT value FROM settings WHERE name = 'signing_key'").fetch_one(pool).await?)
}

/// A consistent copy of the whole database at `path` (`VACUUM INTO`), for a dry run.
pub async fn copy_to(pool: &Pool, path: &std::path::Path) -> Result<(), StoreError> {
    db::query("VACUUM INTO $1").bind(path.display().to_string()).execute(pool).await?;
    Ok(())
}
