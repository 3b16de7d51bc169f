//! Opening the database the URL names, and bringing its schema up to date.
use crate::{Error, Pool};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL names no database we can open: a message for the person who set it.
    #[error("DATABASE_URL: {0}")]
    Url(String),
    /// PostgreSQL did not answer within the wait (it may be starting, or down).
    #[error("DATABASE_URL: PostgreSQL at {at} did not answer for {waited} s: {error}")]
    Unreachable { at: String, waited: u64, error: String },
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens the database `url` names: `sqlite:…` (created if missing: WAL, foreign keys on, busy
/// timeout) or `postgres://…` (15+). PostgreSQL that does not answer yet (a server starting
/// beside it, a restart) is retried for `wait`, saying so in the log; a refusal that retrying
/// cannot mend (a wrong password, a database that does not exist) ends at once.
pub async fn connect(url: &str, wait: Duration) -> Result<Pool, ConnectError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        connect_postgres(url, wait).await
    } else if url.starts_with("sqlite:") {
        connect_sqlite(url).await
    } else {
        // only the scheme is shown: the rest may hold a password
        let scheme: String = url.trim().chars().take_while(|c| c.is_ascii_alphanumeric()).take(20).collect();
        Err(ConnectError::Url(format!("a URL starting {scheme:?} is neither sqlite:PATH nor postgres://…")))
    }
}

async fn connect_sqlite(url: &str) -> Result<Pool, ConnectError> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| ConnectError::Url(e.to_string()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new().max_connections(8).min_connections(1).connect_with(opts).await?;
    Ok(Pool::Sqlite(pool))
}

async fn connect_postgres(url: &str, wait: Duration) -> Result<Pool, ConnectError> {
    let opts = PgConnectOptions::from_str(url)
        .map_err(|e| ConnectError::Url(format!("not a PostgreSQL URL ({e})")))?
        .application_name("byline")
        // Plan each statement once, as SQLite does, instead of again at every execution: the
        // queries are written for a planner that does not see their values (bounds only where
        // present, indexes named), and PostgreSQL's custom plans cost 0.3 ms a statement at
        // each bind, a quarter of a reader's page (BENCHMARKS.md, "Issue 23, fifth part").
        // `schema.rs` checks that the reader page's statements plan onto their indexes so.
        .options([("plan_cache_mode", "force_generic_plan")]);
    let at = format!("{}:{}/{}", opts.get_host(), opts.get_port(), opts.get_database().unwrap_or(""));
    let started = Instant::now();
    let mut pause = Duration::from_millis(250);
    loop {
        let tried = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts.clone())
            .await;
        match tried {
            Ok(pool) => return Ok(Pool::Postgres(pool)),
            // the server answered and said no: waiting will not change its answer
            Err(sqlx::Error::Database(e)) => {
                return Err(ConnectError::Url(format!("PostgreSQL at {at} refused: {}", e.message())))
            }
            Err(e) if started.elapsed() + pause > wait => {
                return Err(ConnectError::Unreachable {
                    at,
                    waited: started.elapsed().as_secs(),
                    error: e.to_string(),
                })
            }
            Err(e) => {
                tracing::warn!(%at, error = %e, "PostgreSQL is not answering yet; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Brings the schema up to date. Servers starting together on PostgreSQL apply each migration
/// once (sqlx takes an advisory lock).
pub async fn migrate(pool: &Pool) -> Result<(), ConnectError> {
    match pool {
        Pool::Sqlite(p) => {
            sqlx::migrate!("../migrations/sqlite").run(p).await?;
            fold_emails(pool).await?;
        }
        Pool::Postgres(p) => sqlx::migrate!("../migrations/postgres").run(p).await?,
    }
    crate::articles::backfill_tags(pool).await?;
    crate::desk::staff::backfill_author_slugs(pool).await?;
    crate::search::backfill(pool).await?;
    Ok(())
}

/// Lower-cases (Unicode) the addresses that comments and Contact Us messages stored as typed
/// before addresses were kept lower-cased, once: SQLite's `lower()` and `NOCASE` fold only
/// ASCII, so `ZOË@x.com` would escape a reader's data request for `zoë@x.com`. (PostgreSQL's
/// databases were created after addresses were folded on the way in.)
async fn fold_emails(pool: &Pool) -> Result<(), Error> {
    let done: bool =
        crate::query_scalar("SELECT EXISTS (SELECT 1 FROM settings WHERE name = 'emails_folded')")
            .fetch_one(pool)
            .await?;
    if done {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    let result = async {
        for (table, column) in [("comments", "author_email"), ("contact_messages", "email")] {
            let rows: Vec<(i64, String)> = crate::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, {column} FROM {table}
                 WHERE {column} IS NOT NULL AND ({column} <> lower({column}) OR {column} GLOB '*[^ -~]*')"
            )))
            .fetch_all(&mut tx)
            .await?;
            for (id, email) in rows {
                let folded = email.to_lowercase();
                if folded != email {
                    crate::query(sqlx::AssertSqlSafe(format!(
                        "UPDATE {table} SET {column} = $1 WHERE id = $2"
                    )))
                    .bind(folded)
                    .bind(id)
                    .execute(&mut tx)
                    .await?;
                }
            }
        }
        crate::query(
            "INSERT INTO settings (name, value) VALUES ('emails_folded', '1') ON CONFLICT (name) DO NOTHING",
        )
        .execute(&mut tx)
        .await?;
        Ok::<_, Error>(())
    }
    .await;
    crate::end(tx, result).await
}
