//! What the author of a comment may do within the edit window: change it, delete it.
use crate::server::store::{Pool, StoreError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub article_id: i64,
    pub reader_id: Option<String>,
    pub ip_hash: Option<String>,
    pub created_at: i64,
    pub status: String,
    pub root_id: Option<i64>,
    pub parent_id: Option<i64>,
}

pub async fn owner(pool: &Pool, id: i64) -> Result<Option<Owned>, StoreError> {
    let row = sqlx::query(
        "SELECT article_id, reader_id, ip_hash, created_at, status, root_id, parent_id FROM comments WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Owned {
        article_id: r.get("article_id"),
        reader_id: r.get("reader_id"),
        ip_hash: r.get("ip_hash"),
        created_at: r.get("created_at"),
        status: r.get("status"),
        root_id: r.get("root_id"),
        parent_id: r.get("parent_id"),
    }))
}

pub async fn update_body(
    pool: &Pool,
    id: i64,
    body: &str,
    body_html: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE comments SET body = ?, body_html = ?, body_text = ?, edited_at = ? WHERE id = ?")
        .bind(body)
        .bind(body_html)
        .bind(crate::domain::text::html_to_text(body_html))
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Marks a comment deleted (its text goes), keeping the counters right. Replies keep their place
/// under a "deleted" marker; a deleted comment without visible replies is not shown at all.
pub async fn mark_deleted(pool: &Pool, id: i64) -> Result<(), StoreError> {
    let mut tx = crate::server::store::begin(pool).await?;
    let result = mark_deleted_in(&mut tx, id).await;
    crate::server::store::end(tx, result).await
}

pub(super) async fn mark_deleted_in(tx: &mut sqlx::SqliteConnection, id: i64) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT article_id, root_id, status FROM comments WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row.filter(|r| r.get::<String, _>("status") == "approved") else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE comments SET status = 'deleted', body = '', body_html = '', body_text = '' WHERE id = ?",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE articles SET comment_count = comment_count - 1 WHERE id = ?")
        .bind(row.get::<i64, _>("article_id"))
        .execute(&mut *tx)
        .await?;
    let root: Option<i64> = row.get("root_id");
    if let Some(root) = root.filter(|r| *r != id) {
        sqlx::query("UPDATE comments SET reply_count = reply_count - 1 WHERE id = ?")
            .bind(root)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
