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
mod connect;
mod query;
mod row;

pub use connect::{connect, migrate, ConnectError};
pub use query::{query, query_as, query_scalar, Done, Query};
pub use row::{Col, FromRow, Row};
pub use sqlx::AssertSqlSafe;
pub use sqlx::Error;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

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
    /// writers queue (busy timeout) instead of one failing to upgrade a read lock; PostgreSQL
    /// locks rows as they are written. End it with [`end`] (or `commit`/`rollback`).
    pub async fn begin(&self) -> Result<Tx, Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
        }))
    }

    /// One connection held for several statements, outside a transaction.
    /// (Its `commit` and `rollback` do nothing.)
    pub async fn acquire(&self) -> Result<Tx, Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
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
            Conn::SqliteTx(tx) => tx.commit().await,
            Conn::PostgresTx(tx) => tx.commit().await,
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }

    pub async fn rollback(self) -> Result<(), Error> {
        match self.0 {
            Conn::SqliteTx(tx) => tx.rollback().await,
            Conn::PostgresTx(tx) => tx.rollback().await,
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
