//! The database, below everything else: SQLite (the embedded default, one server) or PostgreSQL
//! (several app servers on one database), chosen by the URL at start.
//!
//! One interface, two backends. Queries are written once in SQL both read (`$N` placeholders,
//! `COALESCE`, `ON CONFLICT`); where the dialects differ a query carries both texts
//! (`query(..).or_postgres(..)`). Values are bound and rows read through [`Value`] and [`Col`],
//! so a row reads the same on both: PostgreSQL is strict where SQLite is loose (an `INT4` literal
//! read as `i64`, a 0/1 flag read as `bool`), and [`Col`] makes the strict one read like the loose
//! one. Why not `sqlx::Any`: it decodes strictly too, copies every row, and re-parses nothing for
//! the dialects; why not generic functions over `sqlx::Database`: every function would carry a
//! dozen bounds that Rust does not imply.
//!
//! Above the interface, the SQL itself, one module per concept, the only place with queries;
//! every value goes through a bound parameter, and rows are read into the `domain` crate's types:
//!
//! | module | what it stores |
//! | --- | --- |
//! | `articles`, `passages` | articles, their passages marked for Inline Feedback |
//! | `comments` | writing a comment, the thread, its author, votes |
//! | `notify` | subscriptions, mail tokens, the outbox |
//! | `desk` | staff, moderation, the queue, bans, reports, alerts, readers' data, audit, settings |
//! | `contact`, `limits`, `changes` | Contact Us letters; shared counters; the change feed |
//! | `imports` | what WordPress and Disqus import and export read and write |
//! | `tokens` | random tokens and their hex form |

// the SQL modules name this crate as its users do (`db::query`, `db::Conn`)
extern crate self as db;

pub mod articles;
pub mod changes;
pub mod comments;
mod connect;
pub mod contact;
mod copy;
pub mod desk;
pub mod imports;
pub mod limits;
pub mod notify;
pub mod passages;
mod query;
mod row;
pub mod search;
pub mod stories;
pub mod tokens;

pub use connect::{connect, migrate, ConnectError};
pub use copy::{copy, Copied, CopyError};
pub use query::{query, query_as, query_scalar, Done, Query};
pub use row::{Col, FromRow, Row};
pub use sqlx::AssertSqlSafe;
pub use sqlx::Error;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

/// The PostgreSQL advisory lock every write transaction holds (`Pool::begin`).
pub const WRITE_LOCK: i64 = 0x4279_6c69_6e65; // "Byline"

/// Which database a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool of connections to one of the two backends. Cheap to clone (an `Arc` inside).
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Pool {
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A write transaction. On SQLite `BEGIN IMMEDIATE` takes the write lock up front, so two
    /// writers queue (busy timeout) instead of one failing to upgrade a read lock. On
    /// PostgreSQL the transaction first takes one advisory lock, [`WRITE_LOCK`], held until it
    /// ends: write transactions from every server queue as SQLite's do, so what each one reads
    /// before it writes (is this key new? is there another admin left? what is the score now?)
    /// is still true when it commits — at READ COMMITTED it otherwise would not be. Statements
    /// outside a transaction (reads, single-statement upserts and counters, the change feed)
    /// do not wait for it. End the transaction with [`end`] (or `commit`/`rollback`).
    pub async fn begin(&self) -> Result<Tx, Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(Box::pin(p.begin_with("BEGIN IMMEDIATE")).await?),
            Pool::Postgres(p) => {
                // as SQLite's busy timeout: a writer waits at most 5 s, then fails. One round trip
                // with the BEGIN (a simple query of two statements; neither fails but with the
                // connection). The lock stays a statement of its own: a lock that times out leaves
                // the transaction aborted, and only a transaction sqlx knows of is rolled back.
                let mut tx = Box::pin(p.begin_with("BEGIN; SET LOCAL lock_timeout = '5s'")).await?;
                let locked = Box::pin(
                    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(&mut *tx),
                )
                .await;
                if let Err(e) = locked {
                    let _ = Box::pin(tx.rollback()).await;
                    return Err(e);
                }
                Conn::PostgresTx(tx)
            }
        }))
    }

    /// A read-only snapshot: every statement in it sees the database as it stood at its first
    /// read, and no writer waits for it (PostgreSQL: `REPEATABLE READ READ ONLY`; SQLite: a
    /// deferred transaction, which reads one WAL snapshot). End it with `rollback`.
    pub async fn snapshot(&self) -> Result<Tx, Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin_with("BEGIN").await?),
            Pool::Postgres(p) => {
                Conn::PostgresTx(p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?)
            }
        }))
    }

    /// What names this database wherever it is reached from: PostgreSQL's system identifier and
    /// database, or the SQLite file's full path.
    pub async fn identity(&self) -> Result<String, Error> {
        match self {
            Pool::Sqlite(_) => {
                let rows: Vec<(i64, String, String)> =
                    query_as("SELECT seq, name, file FROM pragma_database_list WHERE name = 'main'")
                        .fetch_all(self)
                        .await?;
                Ok(format!("sqlite:{}", rows.first().map(|r| r.2.clone()).unwrap_or_default()))
            }
            Pool::Postgres(_) => {
                query_scalar(
                    "SELECT 'postgres:' || (SELECT system_identifier FROM pg_control_system())::text
                            || '/' || current_database() || '/' || current_schema()",
                )
                .fetch_one(self)
                .await
            }
        }
    }

    /// One connection held for several statements, outside a transaction.
    /// (Its `commit` and `rollback` do nothing.)
    pub async fn acquire(&self) -> Result<Tx, Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::Sqlite(Box::pin(p.acquire()).await?),
            Pool::Postgres(p) => Conn::Postgres(Box::pin(p.acquire()).await?),
        }))
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Connections open now (idle or in use).
    pub fn size(&self) -> u32 {
        match self {
            Pool::Sqlite(p) => p.size(),
            Pool::Postgres(p) => p.size(),
        }
    }
}

/// A held connection, as the functions that run several statements on one take it
/// (`&mut Conn`; a `&mut Tx` derefs to one, as sqlx's transactions deref to a connection).
pub enum Conn {
    SqliteTx(Transaction<'static, Sqlite>),
    PostgresTx(Transaction<'static, Postgres>),
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Conn {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::SqliteTx(_) | Conn::Sqlite(_) => Backend::Sqlite,
            Conn::PostgresTx(_) | Conn::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A transaction (or a plain connection) owned by whoever began it. End it with [`end`].
pub struct Tx(Conn);

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Tx {
    /// Commits a transaction (a plain connection has nothing to commit).
    pub async fn commit(self) -> Result<(), Error> {
        match self.0 {
            Conn::SqliteTx(tx) => Box::pin(tx.commit()).await,
            Conn::PostgresTx(tx) => Box::pin(tx.commit()).await,
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }

    pub async fn rollback(self) -> Result<(), Error> {
        match self.0 {
            Conn::SqliteTx(tx) => Box::pin(tx.rollback()).await,
            Conn::PostgresTx(tx) => Box::pin(tx.rollback()).await,
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }
}

/// Ends a transaction on every path: commit on success, roll back on failure. A transaction
/// dropped without either keeps SQLite's write lock until its connection is used again, and
/// every other writer waits.
pub async fn end<T, E: From<Error>>(tx: Tx, result: Result<T, E>) -> Result<T, E> {
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

/// Where a query runs: on the pool (any free connection) or on a held connection.
pub enum Exec<'a> {
    Pool(&'a Pool),
    Conn(&'a mut Conn),
}

impl<'a> From<&'a Pool> for Exec<'a> {
    fn from(p: &'a Pool) -> Self {
        Exec::Pool(p)
    }
}

impl<'a> From<&'a mut Conn> for Exec<'a> {
    fn from(c: &'a mut Conn) -> Self {
        Exec::Conn(c)
    }
}

impl<'a> From<&'a mut Tx> for Exec<'a> {
    fn from(t: &'a mut Tx) -> Self {
        Exec::Conn(&mut t.0)
    }
}

impl Exec<'_> {
    pub fn backend(&self) -> Backend {
        match self {
            Exec::Pool(p) => p.backend(),
            Exec::Conn(c) => c.backend(),
        }
    }
}

/// Tells every server listening on `channel` (PostgreSQL's `NOTIFY`, sent when `conn`'s
/// transaction commits) that something changed; nothing on SQLite, whose servers share one
/// machine and read the table.
pub async fn notify(conn: &mut Conn, channel: &str) -> Result<(), Error> {
    if conn.backend() == Backend::Postgres {
        query("SELECT pg_notify($1, '')").bind(channel).execute(conn).await?;
    }
    Ok(())
}

/// Wakes `wake` at each notification on `channel` (PostgreSQL), and after each reconnect of the
/// listening connection: what was sent while it was away is lost, so whoever waits re-reads the
/// table the notifications are about. Nothing on SQLite (`None`). Listening stops when the
/// answer is dropped.
pub fn wake_on_notify(
    pool: &Pool,
    channel: &'static str,
    wake: std::sync::Arc<tokio::sync::Notify>,
) -> Option<Listening> {
    let Pool::Postgres(pg) = pool else { return None };
    let pg = pg.clone();
    Some(Listening(tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pg).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, channel, "listening for changes; trying again");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(channel).await {
                tracing::warn!(error = %e, channel, "listening for changes; trying again");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
            wake.notify_one();
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => wake.notify_one(),
                    // the connection was lost; sqlx reconnects on the next call: catch up
                    Ok(None) => wake.notify_one(),
                    Err(e) => {
                        tracing::warn!(error = %e, channel, "the change listener failed; reconnecting");
                        wake.notify_one();
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        break;
                    }
                }
            }
        }
    })))
}

/// A listener started by [`wake_on_notify`]; dropping it stops it.
pub struct Listening(tokio::task::JoinHandle<()>);

impl Drop for Listening {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Errors below the edge: always logged, never shown to a reader.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] Error),
    #[error("{0}")]
    Connect(#[from] ConnectError),
}

/// A write transaction (`BEGIN IMMEDIATE` on SQLite; the write lock on PostgreSQL). End it
/// with `end`.
pub async fn begin(pool: &Pool) -> Result<Tx, Error> {
    pool.begin().await
}

/// The time now, in seconds since the epoch.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The signing key from `settings`, created on first start so cookies survive restarts.
pub async fn signing_key(pool: &Pool) -> Result<String, StoreError> {
    let fresh = tokens::random_token() + &tokens::random_token();
    query("INSERT INTO settings (name, value) VALUES ('signing_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(&fresh)
        .execute(pool)
        .await?;
    Ok(query_scalar("SELECT value FROM settings WHERE name = 'signing_key'").fetch_one(pool).await?)
}

/// A consistent copy of the whole database at `path` (`VACUUM INTO`), for a dry run.
pub async fn copy_to(pool: &Pool, path: &std::path::Path) -> Result<(), StoreError> {
    query("VACUUM INTO $1").bind(path.display().to_string()).execute(pool).await?;
    Ok(())
}
