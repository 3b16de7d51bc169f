//! sqlx queries: the only place with SQL. Every value goes through a bound parameter.
pub mod articles;
pub mod comments;
pub mod contact;
pub mod notify;
pub mod passages;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub type Pool = SqlitePool;

/// Errors below the edge: always logged, never shown to a reader.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if missing) the SQLite database: WAL, foreign keys on, busy timeout.
pub async fn connect(url: &str) -> Result<Pool, StoreError> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new().max_connections(8).min_connections(1).connect_with(opts).await?;
    Ok(pool)
}

pub async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    sqlx::migrate!("../migrations").run(pool).await?;
    Ok(())
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The signing key from `settings`, created on first start so cookies survive restarts.
pub async fn signing_key(pool: &Pool) -> Result<String, StoreError> {
    let fresh = crate::state::random_token() + &crate::state::random_token();
    sqlx::query("INSERT INTO settings (name, value) VALUES ('signing_key', ?) ON CONFLICT (name) DO NOTHING")
        .bind(&fresh)
        .execute(pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE name = 'signing_key'").fetch_one(pool).await?)
}
