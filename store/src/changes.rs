//! The change feed every server on the database follows (`server::changes`).
use super::Pool;

/// One row of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub id: i64,
    pub origin: String,
    pub kind: String,
    pub article_id: Option<i64>,
    pub comment_id: Option<i64>,
}
db::from_row!(ChangeRow { id, origin, kind, article_id, comment_id });

/// Adds a change made by `origin`.
pub async fn record(
    pool: &Pool,
    origin: &str,
    kind: &str,
    article_id: Option<i64>,
    comment_id: Option<i64>,
    now_ms: i64,
) -> Result<(), db::Error> {
    record_all(pool, origin, &[(kind, article_id, comment_id)], now_ms).await
}

/// The PostgreSQL channel the followers listen on (`server::changes::follow`).
pub const CHANNEL: &str = "byline_changes";

/// Adds the changes `origin` made, in order, in one transaction. The transaction holds the
/// write lock from the id it draws to its commit, so ids become visible in order on both
/// backends, and a follower that read past an id never finds an older one later.
pub async fn record_all(
    pool: &Pool,
    origin: &str,
    rows: &[(&str, Option<i64>, Option<i64>)],
    now_ms: i64,
) -> Result<(), db::Error> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        for (kind, article_id, comment_id) in rows {
            db::query(
                "INSERT INTO changes (origin, kind, article_id, comment_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(origin)
            .bind(kind)
            .bind(article_id)
            .bind(comment_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        // on PostgreSQL the other servers hear of it at the commit (they read the table)
        db::notify(&mut tx, CHANNEL).await?;
        Ok::<_, db::Error>(())
    }
    .await;
    super::end(tx, result).await
}

/// The newest change's id (0: none yet): where a server that just started begins to follow.
pub async fn newest(pool: &Pool) -> Result<i64, db::Error> {
    db::query_scalar("SELECT COALESCE(MAX(id), 0) FROM changes").fetch_one(pool).await
}

/// At most `limit` changes after `after`, oldest first.
pub async fn after(pool: &Pool, after: i64, limit: i64) -> Result<Vec<ChangeRow>, db::Error> {
    db::query_as(
        "SELECT id, origin, kind, article_id, comment_id FROM changes
         WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Deletes the changes made before `before_ms`.
pub async fn sweep(pool: &Pool, before_ms: i64) -> Result<u64, db::Error> {
    Ok(db::query("DELETE FROM changes WHERE created_at < $1")
        .bind(before_ms)
        .execute(pool)
        .await?
        .rows_affected())
}
