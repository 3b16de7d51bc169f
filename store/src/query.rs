//! A query written once, run on either backend: its text (and, where the dialects differ,
//! PostgreSQL's own text), its bound values, and how its rows are read.
use crate::row::{Col, FromRow, Row};
use crate::{Conn, Error, Exec, Pool};
use sqlx::{Postgres, SqlSafeStr, SqlStr, Sqlite};

/// A bound value. Flags are bound as 0/1 integers on both backends (the schema keeps them as
/// integers, so `WHERE hidden = $1` reads the same on both). Text never carries a NUL: PostgreSQL
/// cannot store one in `TEXT`, so on both backends it becomes U+FFFD (`text`), and what a reader
/// typed around it is kept.
#[derive(Debug, Clone)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

/// What `.bind(..)` takes.
pub trait Bind {
    fn value(self) -> Value;
}

macro_rules! bind_int {
    ($($t:ty),*) => {$(
        impl Bind for $t {
            fn value(self) -> Value { Value::Int(Some(i64::from(self))) }
        }
        impl Bind for Option<$t> {
            fn value(self) -> Value { Value::Int(self.map(i64::from)) }
        }
        impl Bind for &$t {
            fn value(self) -> Value { Value::Int(Some(i64::from(*self))) }
        }
        impl Bind for &Option<$t> {
            fn value(self) -> Value { Value::Int(self.map(i64::from)) }
        }
    )*};
}
bind_int!(i64, i32, u32, u16, u8, bool);

impl Bind for f64 {
    fn value(self) -> Value {
        Value::Real(Some(self))
    }
}
impl Bind for Option<f64> {
    fn value(self) -> Value {
        Value::Real(self)
    }
}
/// The text as stored: a NUL becomes U+FFFD (see `Value`).
pub fn text(s: String) -> String {
    if s.contains('\0') {
        s.replace('\0', "\u{FFFD}")
    } else {
        s
    }
}

impl Bind for &str {
    fn value(self) -> Value {
        Value::Text(Some(self.to_owned()))
    }
}
impl Bind for &&str {
    fn value(self) -> Value {
        Value::Text(Some((*self).to_owned()))
    }
}
impl Bind for String {
    fn value(self) -> Value {
        Value::Text(Some(self))
    }
}
impl Bind for &String {
    fn value(self) -> Value {
        Value::Text(Some(self.clone()))
    }
}
impl Bind for Option<&str> {
    fn value(self) -> Value {
        Value::Text(self.map(str::to_owned))
    }
}
impl Bind for Option<String> {
    fn value(self) -> Value {
        Value::Text(self)
    }
}
impl Bind for &Option<String> {
    fn value(self) -> Value {
        Value::Text(self.clone())
    }
}
impl Bind for Option<&String> {
    fn value(self) -> Value {
        Value::Text(self.cloned())
    }
}
impl Bind for &[u8] {
    fn value(self) -> Value {
        Value::Blob(Some(self.to_vec()))
    }
}
impl Bind for Vec<u8> {
    fn value(self) -> Value {
        Value::Blob(Some(self))
    }
}

/// What `execute` reports.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

pub struct Query<O> {
    sql: SqlStr,
    postgres: Option<SqlStr>,
    args: Vec<Value>,
    decode: fn(Row) -> Result<O, Error>,
}

/// (Each run boxes the backend's future: six of them inlined made every caller's future 18 KB.)
///
/// A statement that returns no rows, or whose columns are known only at run time (`copy`):
/// every other query reads its rows into a struct or tuple (`query_as`, `from_row!`).
pub fn query(sql: impl SqlSafeStr) -> Query<Row> {
    Query { sql: sql.into_sql_str(), postgres: None, args: Vec::new(), decode: Ok }
}

/// A statement whose rows become `O` (a tuple, or a struct with `FromRow`).
pub fn query_as<O: FromRow>(sql: impl SqlSafeStr) -> Query<O> {
    Query { sql: sql.into_sql_str(), postgres: None, args: Vec::new(), decode: O::from_row }
}

/// A statement whose rows are one value each (the first column).
pub fn query_scalar<O: Col>(sql: impl SqlSafeStr) -> Query<O> {
    Query { sql: sql.into_sql_str(), postgres: None, args: Vec::new(), decode: |row| row.try_get(0usize) }
}

macro_rules! on_backend {
    ($self:ident, $exec:ident, |$q:ident, $e:ident| $body:expr) => {{
        let Query { sql, postgres, args, decode } = $self;
        let out = match $exec.into() {
            Exec::Pool(Pool::Sqlite($e)) => {
                let $q = sqlite(sql, args);
                $body.map(Wrap::sqlite)
            }
            Exec::Conn(Conn::SqliteTx(tx)) => {
                let $e = &mut **tx;
                let $q = sqlite(sql, args);
                $body.map(Wrap::sqlite)
            }
            Exec::Conn(Conn::Sqlite(c)) => {
                let $e = &mut **c;
                let $q = sqlite(sql, args);
                $body.map(Wrap::sqlite)
            }
            Exec::Pool(Pool::Postgres($e)) => {
                let $q = postgres_query(postgres.unwrap_or(sql), args);
                $body.map(Wrap::postgres)
            }
            Exec::Conn(Conn::PostgresTx(tx)) => {
                let $e = &mut **tx;
                let $q = postgres_query(postgres.unwrap_or(sql), args);
                $body.map(Wrap::postgres)
            }
            Exec::Conn(Conn::Postgres(c)) => {
                let $e = &mut **c;
                let $q = postgres_query(postgres.unwrap_or(sql), args);
                $body.map(Wrap::postgres)
            }
        };
        (out, decode)
    }};
}

/// Turns a backend's own result into the shared one.
trait Wrap<S, P> {
    fn sqlite(s: S) -> Self;
    fn postgres(p: P) -> Self;
}

impl Wrap<sqlx::sqlite::SqliteQueryResult, sqlx::postgres::PgQueryResult> for Done {
    fn sqlite(s: sqlx::sqlite::SqliteQueryResult) -> Self {
        Done { rows: s.rows_affected() }
    }
    fn postgres(p: sqlx::postgres::PgQueryResult) -> Self {
        Done { rows: p.rows_affected() }
    }
}

impl Wrap<sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow> for Row {
    fn sqlite(s: sqlx::sqlite::SqliteRow) -> Self {
        Row::Sqlite(s)
    }
    fn postgres(p: sqlx::postgres::PgRow) -> Self {
        Row::Postgres(p)
    }
}

impl Wrap<Option<sqlx::sqlite::SqliteRow>, Option<sqlx::postgres::PgRow>> for Option<Row> {
    fn sqlite(s: Option<sqlx::sqlite::SqliteRow>) -> Self {
        s.map(Row::Sqlite)
    }
    fn postgres(p: Option<sqlx::postgres::PgRow>) -> Self {
        p.map(Row::Postgres)
    }
}

impl Wrap<Vec<sqlx::sqlite::SqliteRow>, Vec<sqlx::postgres::PgRow>> for Vec<Row> {
    fn sqlite(s: Vec<sqlx::sqlite::SqliteRow>) -> Self {
        s.into_iter().map(Row::Sqlite).collect()
    }
    fn postgres(p: Vec<sqlx::postgres::PgRow>) -> Self {
        p.into_iter().map(Row::Postgres).collect()
    }
}

impl<O> Query<O> {
    pub fn bind(mut self, value: impl Bind) -> Self {
        self.args.push(value.value());
        self
    }

    /// PostgreSQL's own text for this statement, where the dialects differ.
    pub fn or_postgres(mut self, sql: impl SqlSafeStr) -> Self {
        self.postgres = Some(sql.into_sql_str());
        self
    }

    pub async fn execute<'e>(self, exec: impl Into<Exec<'e>>) -> Result<Done, Error> {
        let (done, _): (Result<Done, Error>, _) =
            on_backend!(self, exec, |q, e| Box::pin(q.execute(e)).await);
        done
    }

    pub async fn fetch_one<'e>(self, exec: impl Into<Exec<'e>>) -> Result<O, Error> {
        let (row, decode): (Result<Row, Error>, _) =
            on_backend!(self, exec, |q, e| Box::pin(q.fetch_one(e)).await);
        decode(row?)
    }

    pub async fn fetch_optional<'e>(self, exec: impl Into<Exec<'e>>) -> Result<Option<O>, Error> {
        let (row, decode): (Result<Option<Row>, Error>, _) =
            on_backend!(self, exec, |q, e| Box::pin(q.fetch_optional(e)).await);
        row?.map(decode).transpose()
    }

    pub async fn fetch_all<'e>(self, exec: impl Into<Exec<'e>>) -> Result<Vec<O>, Error> {
        let (rows, decode): (Result<Vec<Row>, Error>, _) =
            on_backend!(self, exec, |q, e| Box::pin(q.fetch_all(e)).await);
        rows?.into_iter().map(decode).collect()
    }
}

type SqliteQuery = sqlx::query::Query<'static, Sqlite, sqlx::sqlite::SqliteArguments>;
type PostgresQuery = sqlx::query::Query<'static, Postgres, sqlx::postgres::PgArguments>;

fn sqlite(sql: SqlStr, args: Vec<Value>) -> SqliteQuery {
    let mut q = sqlx::query(sql);
    for a in args {
        q = match a {
            Value::Int(v) => q.bind(v),
            Value::Real(v) => q.bind(v),
            Value::Text(v) => q.bind(v.map(text)),
            Value::Blob(v) => q.bind(v),
        };
    }
    q
}

fn postgres_query(sql: SqlStr, args: Vec<Value>) -> PostgresQuery {
    let mut q = sqlx::query(sql);
    for a in args {
        q = match a {
            Value::Int(v) => q.bind(v),
            Value::Real(v) => q.bind(v),
            Value::Text(v) => q.bind(v.map(text)),
            Value::Blob(v) => q.bind(v),
        };
    }
    q
}

#[cfg(test)]
mod tests {
    use super::text;
    use proptest::prelude::*;

    proptest! {
        /// Text as stored holds no NUL, and everything else a reader typed is kept, in order.
        #[test]
        fn stored_text_has_no_nul_and_keeps_the_rest(s in any::<String>()) {
            let stored = text(s.clone());
            prop_assert!(!stored.contains('\0'));
            prop_assert_eq!(stored.chars().count(), s.chars().count());
            for (a, b) in s.chars().zip(stored.chars()) {
                prop_assert_eq!(b, if a == '\0' { '\u{FFFD}' } else { a });
            }
        }
    }
}
