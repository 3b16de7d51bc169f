//! sqlx queries: the only place with SQL. Every value goes through a bound parameter.
pub mod articles;
pub mod changes;
pub mod comments;
pub mod contact;
pub mod desk;
pub mod imports;
pub mod limits;
pub mod notify;
pub mod passages;
pub mod postgres;

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
    sqlx::migrate!("../migrations/sqlite").run(pool).await?;
    fold_emails(pool).await?;
    Ok(())
}

/// Lower-cases (Unicode) the addresses that comments and Contact Us messages stored as typed
/// before addresses were kept lower-cased, once: SQLite's `lower()` and `NOCASE` fold only
/// ASCII, so `ZOË@x.com` would escape a reader's data request for `zoë@x.com`.
async fn fold_emails(pool: &Pool) -> Result<(), StoreError> {
    let done: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM settings WHERE name = 'emails_folded')")
            .fetch_one(pool)
            .await?;
    if done {
        return Ok(());
    }
    let mut tx = begin(pool).await?;
    let result = async {
        for (table, column) in [("comments", "author_email"), ("contact_messages", "email")] {
            let rows: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, {column} FROM {table}
                 WHERE {column} IS NOT NULL AND ({column} <> lower({column}) OR {column} GLOB '*[^ -~]*')"
            )))
            .fetch_all(&mut *tx)
            .await?;
            for (id, email) in rows {
                let folded = email.to_lowercase();
                if folded != email {
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET {column} = $1 WHERE id = $2"
                    )))
                    .bind(folded)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('emails_folded', '1') ON CONFLICT (name) DO NOTHING",
        )
        .execute(&mut *tx)
        .await?;
        Ok::<_, StoreError>(())
    }
    .await;
    end(tx, result).await
}

/// A write transaction. `BEGIN IMMEDIATE` takes SQLite's write lock up front, so two writers
/// queue (busy timeout) instead of one failing to upgrade a read lock. End it with `end`.
pub async fn begin(pool: &Pool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Ends a transaction on every path: commit on success, roll back on failure. A transaction
/// dropped without either keeps SQLite's write lock until its connection is used again, and
/// every other writer waits.
pub async fn end<T, E: From<sqlx::Error>>(
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    result: Result<T, E>,
) -> Result<T, E> {
    match result {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::error!(error = %rollback, "rolling back a transaction");
            }
            Err(e)
        }
    }
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The signing key from `settings`, created on first start so cookies survive restarts.
pub async fn signing_key(pool: &Pool) -> Result<String, StoreError> {
    let fresh = crate::server::tokens::random_token() + &crate::server::tokens::random_token();
    sqlx::query(
        "INSERT INTO settings (name, value) VALUES ('signing_key', $1) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&fresh)
    .execute(pool)
    .await?;
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE name = 'signing_key'").fetch_one(pool).await?)
}

/// A consistent copy of the whole database at `path` (`VACUUM INTO`), for a dry run.
pub async fn copy_to(pool: &Pool, path: &std::path::Path) -> Result<(), StoreError> {
    sqlx::query("VACUUM INTO $1").bind(path.display().to_string()).execute(pool).await?;
    Ok(())
}
