//! PostgreSQL, for a newsroom that runs several app servers on one database (issue 23). Its
//! schema (`migrations/postgres/`) is the one `migrations/sqlite/` leaves; the queries are moving
//! to SQL both backends read (`$N` placeholders, `COALESCE`, `ON CONFLICT DO NOTHING`).
use super::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// Connects to `url` (`postgres://…`), waiting up to `acquire` for a connection.
pub async fn connect(url: &str) -> Result<PgPool, StoreError> {
    let opts = PgConnectOptions::from_str(url)?.application_name("byline");
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(opts)
        .await?;
    Ok(pool)
}

/// Brings the schema up to date; each server may run it at start (sqlx takes an advisory lock,
/// so servers starting together apply each migration once).
pub async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::migrate!("../migrations/postgres").run(pool).await?;
    Ok(())
}
