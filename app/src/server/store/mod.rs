//! The store (the `store` crate, named `db` here): the SQL, one module per concept, run on SQLite
//! or PostgreSQL. Re-exported so the server functions and the edge name it in one place.
use std::time::Duration;

pub use db::{
    articles, begin, changes, comments, contact, copy_to, desk, end, imports, limits, notify, now, passages,
    search, signing_key, stories, Conn, Pool, StoreError, Tx,
};

/// Opens the database `url` names (`sqlite:…`, or `postgres://…` waited for up to `wait`).
pub async fn connect(url: &str, wait: Duration) -> Result<Pool, StoreError> {
    Ok(db::connect(url, wait).await?)
}

pub async fn migrate(pool: &Pool) -> Result<(), StoreError> {
    Ok(db::migrate(pool).await?)
}
