//! A whole site from one database to another (`server db copy`): SQLite to PostgreSQL when a
//! newsroom outgrows one machine, and back.
use crate::{query, query_scalar, AssertSqlSafe, Backend, Error, Pool, Row, Tx};

/// Tables that are not the site: per-window counters and the change feed (each server reads
/// the feed from where the database stands when it starts).
const SKIPPED: &[&str] = &["_sqlx_migrations", "rate_windows", "changes"];

/// Tables whose rows make a site: a target holding any is not empty.
const CONTENT: &[&str] = &["articles", "comments", "staff", "subscriptions", "contact_messages"];

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("--from and --to are the same database")]
    Same,
    #[error("the source holds no site (no articles, comments or staff): nothing copied")]
    EmptySource,
    #[error("the target already holds a site ({0}); pass --replace to overwrite it")]
    NotEmpty(String),
    #[error("{table}: {copied} rows copied but the target holds {found}")]
    Mismatch { table: String, copied: u64, found: u64 },
    #[error("{table}: a column of kind {kind} ({column}) that the copy does not know")]
    Kind { table: String, column: String, kind: String },
    #[error("database: {0}")]
    Sqlx(#[from] Error),
}

/// One table copied: its name and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
}

/// Copies every table of `from` into `to` (both migrated to the same schema), in one
/// transaction on each side: the source is read as one snapshot (its writers wait, as for any
/// write transaction), the target is written all or nothing, its references checked at the end.
/// A target that holds a site is refused unless `replace`, which empties it first. Each table's
/// rows are counted again in the target before the commit; `progress` hears (table, rows so far).
/// A PostgreSQL target is analyzed after the commit.
pub async fn copy(
    from: &Pool,
    to: &Pool,
    replace: bool,
    progress: &mut (dyn FnMut(&str, u64) + Send),
) -> Result<Vec<Copied>, CopyError> {
    if from.identity().await? == to.identity().await? {
        return Err(CopyError::Same);
    }
    let tables = tables(to).await?;
    let mut held = 0;
    for t in CONTENT {
        held += query_scalar::<i64>(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", quoted(t))))
            .fetch_one(from)
            .await?;
    }
    if held == 0 {
        return Err(CopyError::EmptySource);
    }
    if !replace {
        for t in CONTENT {
            let n: i64 = query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {}", quoted(t))))
                .fetch_one(to)
                .await?;
            if n > 0 {
                return Err(CopyError::NotEmpty(format!("{n} rows in {t}")));
            }
        }
    }
    // one snapshot of the source, which no writer of the running site waits for
    let mut source = from.snapshot().await?;
    let mut target = to.begin().await?;
    let result = copy_in(&mut source, &mut target, &tables, progress).await;
    // the source was only read: nothing to keep
    let _ = source.rollback().await;
    let copied = crate::end(target, result).await?;
    // the planner's statistics of what was written: without them PostgreSQL plans every query
    // for tables it takes for empty until autovacuum comes by (SQLite plans without them)
    if to.backend() == Backend::Postgres {
        query("ANALYZE").execute(to).await?;
    }
    Ok(copied)
}

async fn copy_in(
    source: &mut Tx,
    target: &mut Tx,
    tables: &[(String, Vec<(String, Kind)>)],
    progress: &mut (dyn FnMut(&str, u64) + Send),
) -> Result<Vec<Copied>, CopyError> {
    match target.backend() {
        Backend::Sqlite => query("PRAGMA defer_foreign_keys = ON").execute(&mut *target).await?,
        Backend::Postgres => query("SET CONSTRAINTS ALL DEFERRED").execute(&mut *target).await?,
    };
    // emptied children first would not matter either: references are checked at commit
    for (table, _) in tables {
        query(AssertSqlSafe(format!("DELETE FROM {}", quoted(table)))).execute(&mut *target).await?;
    }
    let mut report = Vec::new();
    for (table, columns) in tables {
        let copied = copy_table(source, target, table, columns, progress).await?;
        // the source's own count, in the same snapshot, against what the target holds now
        let count = format!("SELECT COUNT(*) FROM {}", quoted(table));
        let had: i64 = query_scalar(AssertSqlSafe(count.clone())).fetch_one(&mut *source).await?;
        let found: i64 = query_scalar(AssertSqlSafe(count)).fetch_one(&mut *target).await?;
        if found != had || had as u64 != copied {
            return Err(CopyError::Mismatch {
                table: table.clone(),
                copied: had as u64,
                found: found as u64,
            });
        }
        report.push(Copied { table: table.clone(), rows: copied });
    }
    if target.backend() == Backend::Postgres {
        // ids given by the copy: each identity sequence continues after the largest
        for (table, columns) in tables {
            if columns.iter().any(|(c, _)| c == "id") {
                query(AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {}",
                    quoted(table)
                )))
                .bind(quoted(table))
                .execute(&mut *target)
                .await?;
            }
        }
    }
    Ok(report)
}

const PAGE: i64 = 2_000;

async fn copy_table(
    source: &mut Tx,
    target: &mut Tx,
    table: &str,
    columns: &[(String, Kind)],
    progress: &mut (dyn FnMut(&str, u64) + Send),
) -> Result<u64, CopyError> {
    let names = columns.iter().map(|(c, _)| quoted(c)).collect::<Vec<_>>().join(", ");
    let table_name = quoted(table);
    // read in pages by the row's place in the table (stable: the snapshot's writers wait)
    let (key, after, start) = match source.backend() {
        Backend::Sqlite => ("rowid", "rowid > CAST($1 AS INTEGER)", "0"),
        Backend::Postgres => ("ctid", "ctid > CAST($1 AS tid)", "(0,0)"),
    };
    let select = format!("SELECT CAST({key} AS TEXT) AS copy_key, {names} FROM {table_name} WHERE {after} ORDER BY {key} LIMIT {PAGE}");
    // rows per insert: within both backends' limit on bound values
    let per_insert = (30_000 / columns.len().max(1)).clamp(1, 500);
    let mut last = start.to_string();
    let mut copied = 0u64;
    loop {
        let rows: Vec<Row> =
            query(AssertSqlSafe(select.clone())).bind(last.clone()).fetch_all(&mut *source).await?;
        let Some(tail) = rows.last() else { break };
        last = tail.try_get::<String, _>("copy_key")?;
        for chunk in rows.chunks(per_insert) {
            let mut sql = format!("INSERT INTO {table_name} ({names}) VALUES ");
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for j in 0..columns.len() {
                    n += 1;
                    if j > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            let mut insert = query(AssertSqlSafe(sql));
            for row in chunk {
                for (c, kind) in columns {
                    insert = match kind {
                        Kind::Int => insert.bind(row.try_get::<Option<i64>, _>(c.as_str())?),
                        Kind::Text => insert.bind(row.try_get::<Option<String>, _>(c.as_str())?),
                    };
                }
            }
            insert.execute(&mut *target).await?;
        }
        copied += rows.len() as u64;
        progress(table, copied);
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    Ok(copied)
}

/// The site's tables in `pool`, each with its columns and their kinds (the schema test keeps
/// both backends' columns alike: integers and text).
async fn tables(pool: &Pool) -> Result<Vec<(String, Vec<(String, Kind)>)>, CopyError> {
    let names: Vec<String> = query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .or_postgres(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    // (the search index is each backend's own, rebuilt from the rows by its triggers)
    for table in names.into_iter().filter(|t| !SKIPPED.contains(&t.as_str()) && !t.starts_with("search_")) {
        let columns: Vec<(String, String)> = query_as_pairs(pool, &table).await?;
        let mut typed = Vec::new();
        for (column, kind) in columns {
            if kind.eq_ignore_ascii_case("tsvector") {
                continue;
            }
            let k = match kind.to_ascii_lowercase().as_str() {
                "integer" | "bigint" => Kind::Int,
                "text" => Kind::Text,
                _ => return Err(CopyError::Kind { table: table.clone(), column, kind }),
            };
            typed.push((column, k));
        }
        out.push((table, typed));
    }
    Ok(out)
}

async fn query_as_pairs(pool: &Pool, table: &str) -> Result<Vec<(String, String)>, Error> {
    crate::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
        .or_postgres(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(pool)
        .await
}

/// A name from a catalog as an SQL identifier: quoted, an inner quote doubled.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
