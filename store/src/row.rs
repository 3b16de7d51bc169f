//! Rows that read the same on both backends.
use crate::Error;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{ColumnIndex, Decode, Postgres, Row as _, Sqlite, Type, TypeInfo, ValueRef};
use std::any::{Any, TypeId};

/// A row from either backend.
pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// A column index both backends understand: a name or a position.
pub trait Index: Copy + ColumnIndex<SqliteRow> + ColumnIndex<PgRow> + std::fmt::Debug {}
impl Index for &str {}
impl Index for usize {}

impl Row {
    /// The column's value; panics when it cannot be read as `T` (as `sqlx::Row::get` does): for
    /// columns whose kind the query fixes.
    #[track_caller]
    pub fn get<T: Col, I: Index>(&self, index: I) -> T {
        match self.try_get(index) {
            Ok(v) => v,
            Err(e) => panic!("column {index:?}: {e}"),
        }
    }

    /// A text column, borrowed from the row (panics as `get` does).
    #[track_caller]
    pub fn get_str<I: Index>(&self, index: I) -> &str {
        let got = match self {
            Row::Sqlite(r) => r.try_get::<&str, I>(index),
            Row::Postgres(r) => r.try_get::<&str, I>(index),
        };
        match got {
            Ok(v) => v,
            Err(e) => panic!("column {index:?}: {e}"),
        }
    }

    pub fn try_get<T: Col, I: Index>(&self, index: I) -> Result<T, Error> {
        match self {
            Row::Sqlite(r) => T::sqlite(r, index),
            Row::Postgres(r) => T::postgres(r, index),
        }
    }
}

/// A value both backends can read. PostgreSQL is strict where SQLite is loose, and the queries
/// are written for the loose one: an integer read as a flag (`bool`, non-zero is true), a flag or
/// a narrower integer (`INT4` from a literal or `length()`) read as `i64`. Everything else reads
/// as sqlx reads it.
pub trait Col: Sized + Send + 'static {
    fn sqlite<I: Index>(row: &SqliteRow, index: I) -> Result<Self, Error>;
    fn postgres<I: Index>(row: &PgRow, index: I) -> Result<Self, Error>;
}

impl<T> Col for T
where
    T: Send
        + 'static
        + for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>,
{
    fn sqlite<I: Index>(row: &SqliteRow, index: I) -> Result<Self, Error> {
        row.try_get(index)
    }

    fn postgres<I: Index>(row: &PgRow, index: I) -> Result<Self, Error> {
        let want = TypeId::of::<T>();
        let flag = want == TypeId::of::<bool>() || want == TypeId::of::<Option<bool>>();
        let int = want == TypeId::of::<i64>() || want == TypeId::of::<Option<i64>>();
        if !flag && !int {
            return row.try_get(index);
        }
        let raw = row.try_get_raw(index)?;
        let kind = raw.type_info().name().to_owned();
        let null = raw.is_null();
        let wide: Option<i64> = match kind.as_str() {
            "INT8" if flag => row.try_get::<Option<i64>, _>(index)?,
            "INT4" => row.try_get::<Option<i32>, _>(index)?.map(i64::from),
            "INT2" => row.try_get::<Option<i16>, _>(index)?.map(i64::from),
            "BOOL" if int => row.try_get::<Option<bool>, _>(index)?.map(i64::from),
            _ => return row.try_get(index),
        };
        let value: Box<dyn Any> = match (flag, null, wide) {
            (true, true, _) if want == TypeId::of::<Option<bool>>() => Box::new(None::<bool>),
            (true, _, Some(v)) if want == TypeId::of::<bool>() => Box::new(v != 0),
            (true, _, Some(v)) => Box::new(Some(v != 0)),
            (false, true, _) if want == TypeId::of::<Option<i64>>() => Box::new(None::<i64>),
            (false, _, Some(v)) if want == TypeId::of::<i64>() => Box::new(v),
            (false, _, Some(v)) => Box::new(Some(v)),
            // NULL where a value is required: the error sqlx gives
            _ => return row.try_get(index),
        };
        value.downcast::<T>().map(|v| *v).map_err(|_| Error::Decode("a column read as the wrong kind".into()))
    }
}

/// A row read into a value: tuples (by position) and structs (`from_row!`).
pub trait FromRow: Sized {
    fn from_row(row: Row) -> Result<Self, Error>;
}

impl FromRow for Row {
    fn from_row(row: Row) -> Result<Self, Error> {
        Ok(row)
    }
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Col),+> FromRow for ($($t,)+) {
            fn from_row(row: Row) -> Result<Self, Error> {
                Ok(($(row.try_get::<$t, usize>($i)?,)+))
            }
        }
    };
}
tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, J 8, K 9, L 10, M 11);

/// `FromRow` for a struct whose fields are named like the query's columns:
/// `store::from_row!(Change { id, kind, article_id });`. A field the store keeps in another form
/// names the form it is read as and what makes the field of it:
/// `store::from_row!(Comment { id, status: String => CommentStatus::stored });`
#[macro_export]
macro_rules! from_row {
    ($name:ident { $($field:ident $(: $ty:ty => $conv:expr)?),+ $(,)? }) => {
        impl $crate::FromRow for $name {
            fn from_row(row: $crate::Row) -> Result<Self, $crate::Error> {
                Ok($name { $($field: $crate::from_row!(@field row, $field $(, $ty, $conv)?)),+ })
            }
        }
    };
    (@field $row:ident, $field:ident) => {
        $row.try_get(stringify!($field))?
    };
    (@field $row:ident, $field:ident, $ty:ty, $conv:expr) => {
        ($conv)($row.try_get::<$ty, _>(stringify!($field))?)
    };
}
