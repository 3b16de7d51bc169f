//! The two schemas: what `migrations/sqlite/` leaves on SQLite and `migrations/postgres/` on
//! PostgreSQL must be the same tables, columns, kinds of value, defaults and indexes, or one
//! backend stores what the other cannot.
use crate::common;
use std::collections::BTreeSet;

/// (table, column, kind, not null, default)
type Column = (String, String, &'static str, bool, Option<String>);

/// Indexes only one backend has, and why.
const ONLY_SQLITE: &[&str] = &[
    // `author_email COLLATE NOCASE`: addresses are stored lower-cased (issue 22), and on
    // PostgreSQL the plain `comments_author_email` serves the same look-ups
    "comments_email",
];

/// Indexes only PostgreSQL has: search's GIN indexes (SQLite's search index is FTS5's own
/// virtual tables, `search_*`, whose words PostgreSQL keeps in the `search` tsvector columns).
const ONLY_POSTGRES: &[&str] = &["articles_search", "comments_search"];

#[tokio::test]
async fn both_backends_have_the_same_columns_and_indexes() {
    let wait = std::time::Duration::from_secs(10);
    let dir = tempfile::tempdir().unwrap();
    let lite = db::connect(&format!("sqlite:{}", dir.path().join("s.db").display()), wait).await.unwrap();
    db::migrate(&lite).await.expect("the SQLite migrations apply");
    let pg = db::connect(&common::postgres::fresh_database().await, wait).await.expect("connect");
    db::migrate(&pg).await.expect("the PostgreSQL migrations apply");
    // a second run (another server starting) finds nothing to do
    db::migrate(&pg).await.expect("the PostgreSQL migrations apply twice");

    let mut sqlite: BTreeSet<Column> = BTreeSet::new();
    let tables: Vec<String> = db::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
           AND name NOT LIKE 'search!_%' ESCAPE '!'",
    )
    .fetch_all(&lite)
    .await
    .unwrap();
    assert!(tables.len() >= 20, "the SQLite schema has its tables: {tables:?}");
    for table in &tables {
        let rows = db::query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1)")
            .bind(table)
            .fetch_all(&lite)
            .await
            .unwrap();
        for r in rows {
            let kind = match r.get::<String, _>("type").to_uppercase().as_str() {
                "INTEGER" => "integer",
                "TEXT" => "text",
                other => panic!("{table}: a column of type {other}"),
            };
            let pk: i64 = r.get("pk");
            let notnull: bool = r.get("notnull");
            sqlite.insert((table.clone(), r.get("name"), kind, notnull || pk > 0, r.get("dflt_value")));
        }
    }

    let mut postgres: BTreeSet<Column> = BTreeSet::new();
    let rows = db::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS k,
                is_nullable::text AS n, column_default::text AS d
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    for r in rows {
        let table: String = r.get("t");
        let kind = match r.get::<String, _>("k").as_str() {
            "tsvector" if r.get::<String, _>("c") == "search" => continue,
            "bigint" => "integer",
            "text" => "text",
            other => panic!("{table}: a column of type {other} (integers are BIGINT, text TEXT)"),
        };
        // `'open'::text` is SQLite's `'open'`
        let default: Option<String> =
            r.get::<Option<String>, _>("d").map(|d| d.trim_end_matches("::text").to_string());
        postgres.insert((table, r.get("c"), kind, r.get::<String, _>("n") == "NO", default));
    }
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "columns differ\n only on SQLite: {only_sqlite:#?}\n only on PostgreSQL: {only_postgres:#?}"
    );

    let sqlite_indexes: BTreeSet<String> =
        db::query_scalar::<String>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .fetch_all(&lite)
            .await
            .unwrap()
            .into_iter()
            .filter(|name| !ONLY_SQLITE.contains(&name.as_str()))
            .collect();
    let postgres_indexes: BTreeSet<String> = db::query_scalar(
        "SELECT indexname::text FROM pg_indexes i WHERE schemaname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .fetch_all(&pg)
    .await
    .unwrap()
    .into_iter()
    .filter(|name: &String| !ONLY_POSTGRES.contains(&name.as_str()))
    .collect();
    assert_eq!(sqlite_indexes, postgres_indexes, "the same indexes on both backends");

    // `server db copy` checks references at its commit: every one may be deferred
    let immediate: Vec<String> = db::query_scalar(
        "SELECT conrelid::regclass::text || '.' || conname::text FROM pg_constraint
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace AND NOT condeferrable",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    assert!(immediate.is_empty(), "references that cannot be deferred (add them DEFERRABLE): {immediate:?}");
    let references: i64 = db::query_scalar(
        "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
    )
    .fetch_one(&pg)
    .await
    .unwrap();
    assert!(references >= 20, "the schema's references are there to check: {references}");
}

/// The two databases with the schema and nothing else: a SQLite file in `dir`, a fresh
/// PostgreSQL database.
async fn empty_sites(dir: &std::path::Path) -> (db::Pool, db::Pool) {
    let wait = std::time::Duration::from_secs(10);
    let lite = db::connect(&format!("sqlite:{}", dir.join("s.db").display()), wait).await.unwrap();
    db::migrate(&lite).await.unwrap();
    let pg = db::connect(&common::postgres::fresh_database().await, wait).await.expect("connect");
    db::migrate(&pg).await.unwrap();
    (lite, pg)
}

/// SQLite's plan of `sql`, a line per step (`SEARCH c USING …`).
async fn sqlite_plan(lite: &db::Pool, sql: &str) -> Vec<String> {
    db::query(db::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
        .fetch_all(lite)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect()
}

/// A page of top-level comments is read from its sort's index in order, from its cursor, on
/// both backends: the first page, a later page (`after`) and a refreshed "Load more" (`until`).
/// On SQLite the plan sorts nothing and searches the index with the cursor as its bound; on
/// PostgreSQL, with sorting and whole-table scans priced out (so the plan shows what the indexes
/// allow, not what an empty table makes cheapest) and the plan made for any values (the
/// store's connections plan every statement so: `store::connect`), no Sort. Before: PostgreSQL
/// read every top-level comment of an article and sorted them for every page, and a later page
/// read the thread from its start on both.
#[tokio::test]
async fn a_page_of_top_level_comments_is_read_from_its_index_in_order() {
    use app::domain::thread::Sort;
    let dir = tempfile::tempdir().unwrap();
    let (lite, pg) = empty_sites(dir.path()).await;
    let mut pg_conn = pg.acquire().await.unwrap();
    // the store's connections plan a statement once, for any values, as SQLite does
    let plan_mode: String = db::query_scalar("SHOW plan_cache_mode").fetch_one(&mut pg_conn).await.unwrap();
    assert_eq!(plan_mode, "force_generic_plan", "the store's PostgreSQL connections");
    for setting in ["SET enable_sort = off", "SET enable_seqscan = off"] {
        db::query(db::AssertSqlSafe(setting)).execute(&mut pg_conn).await.unwrap();
    }
    for sort in Sort::ALL {
        let key = if sort == Sort::Votes { "score" } else { "created_at" };
        for (after, until) in [(false, false), (true, false), (false, true)] {
            let sql = app::server::store::comments::top_level_sql(sort, after, until, false);
            let case = format!("{sort:?}, after {after}, until {until}");

            let plan = sqlite_plan(&lite, &sql).await;
            assert!(!plan.iter().any(|d| d.contains("TEMP B-TREE")), "SQLite sorts, {case}: {plan:#?}");
            let search = plan.iter().find(|d| d.starts_with("SEARCH c USING INDEX comments_top_"));
            assert!(search.is_some(), "SQLite does not search the sort's index, {case}: {plan:#?}");
            if after || until {
                assert!(
                    search
                        .is_some_and(|d| d.contains(&format!("{key}>?")) || d.contains(&format!("{key}<?"))),
                    "SQLite does not start at the cursor, {case}: {plan:#?}"
                );
            }

            // the reader, the article, each bound's key and id, the limit
            let params = (1..=9).filter(|n| sql.contains(&format!("${n}"))).count();
            let types =
                ["text"].into_iter().chain(std::iter::repeat_n("bigint", params - 1)).collect::<Vec<_>>();
            let values = ["'r'", "1"]
                .into_iter()
                .chain(["100", "7"].into_iter().cycle().take(params - 3))
                .chain(["11"])
                .collect::<Vec<_>>();
            let prepare = format!("PREPARE page ({}) AS {sql}", types.join(", "));
            db::query(db::AssertSqlSafe(prepare)).execute(&mut pg_conn).await.unwrap();
            let values = format!("({})", values.join(", "));
            let plan: Vec<String> =
                db::query_scalar(db::AssertSqlSafe(format!("EXPLAIN EXECUTE page{values}")))
                    .fetch_all(&mut pg_conn)
                    .await
                    .unwrap();
            db::query("DEALLOCATE page").execute(&mut pg_conn).await.unwrap();
            let plan = plan.join("\n");
            assert!(!plan.contains("Sort"), "PostgreSQL sorts, {case}:\n{plan}");
            assert!(
                plan.contains("comments_top_"),
                "PostgreSQL does not read the sort's index, {case}:\n{plan}"
            );
        }
    }
}

/// The desk's page for one comment (`/desk/comments/N`) finds it by its key on both backends,
/// with the plan made for any values. Before, the query carried every bound
/// (`$3 IS NULL OR c.id = $3`), and the plan walked the comments down from the newest until it
/// met the one asked for.
#[tokio::test]
async fn the_desk_finds_one_comment_by_its_key() {
    use app::server::store::desk::queue::{select_sql, ANY_STATE};
    let dir = tempfile::tempdir().unwrap();
    let (lite, pg) = empty_sites(dir.path()).await;
    let plan = sqlite_plan(&lite, &select_sql(db::Backend::Sqlite, ANY_STATE, false, true)).await;
    assert!(
        plan.iter().any(|d| d.starts_with("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)")),
        "SQLite does not find the comment by its key: {plan:#?}"
    );

    let mut pg_conn = pg.acquire().await.unwrap();
    db::query("SET enable_seqscan = off").execute(&mut pg_conn).await.unwrap();
    let sql = select_sql(db::Backend::Postgres, ANY_STATE, false, true);
    let params = (1..=9).filter(|n| sql.contains(&format!("${n}"))).count();
    let types = vec!["bigint"; params].join(", ");
    db::query(db::AssertSqlSafe(format!("PREPARE one ({types}) AS {sql}")))
        .execute(&mut pg_conn)
        .await
        .unwrap();
    let values = vec!["51"; params].join(", ");
    let plan: Vec<String> = db::query_scalar(db::AssertSqlSafe(format!("EXPLAIN EXECUTE one ({values})")))
        .fetch_all(&mut pg_conn)
        .await
        .unwrap();
    db::query("DEALLOCATE one").execute(&mut pg_conn).await.unwrap();
    let plan = plan.join("\n");
    let found = plan.lines().any(|l| l.contains("Index Cond: (id = $"))
        && plan.contains("comments_pkey on comments c");
    assert!(found, "PostgreSQL does not find the comment by its key:\n{plan}");
}
