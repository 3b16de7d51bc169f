//! What the author of a comment may do within the edit window: change it, delete it.
use crate::{Pool, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub article_id: i64,
    pub reader_id: Option<String>,
    pub ip_hash: Option<String>,
    pub created_at: i64,
    pub status: domain::CommentStatus,
    pub root_id: Option<i64>,
    pub parent_id: Option<i64>,
}

db::from_row!(Owned {
    article_id,
    reader_id,
    ip_hash,
    created_at,
    status: String => |s: String| domain::CommentStatus::stored(&s),
    root_id,
    parent_id,
});

/// (None too for a comment on a story readers cannot see: a draft, scheduled or unpublished
/// one is voted on, edited, deleted and reported by nobody, and named to nobody.)
pub async fn owner(pool: &Pool, id: i64) -> Result<Option<Owned>, StoreError> {
    Ok(db::query_as(concat!(
        "SELECT c.article_id, c.reader_id, c.ip_hash, c.created_at, c.status, c.root_id, c.parent_id
         FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = $1 AND ",
        crate::public!()
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// The author's new text, and — when the hold rules hold it (`held_for`) — the comment back in
/// the queue, in one transaction: no reader, and no page kept for readers, ever sees the new
/// text before an editor has. `false`: the comment is no longer approved (nothing changed).
pub async fn edit_by_author(
    pool: &Pool,
    id: i64,
    body: &str,
    body_html: &str,
    held_for: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let row: Option<(i64, Option<i64>)> = db::query_as(
            "UPDATE comments SET body = $1, body_html = $2, body_text = $3, edited_at = $4,
                    status = CASE WHEN $5 IS NULL THEN status ELSE 'pending' END,
                    held_for = $5,
                    pinned = CASE WHEN $5 IS NULL THEN pinned ELSE 0 END
             WHERE id = $6 AND status = 'approved'
             RETURNING article_id, root_id",
        )
        .bind(body)
        .bind(body_html)
        .bind(domain::text::html_to_text(body_html))
        .bind(now)
        .bind(held_for)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((article_id, root_id)) = row else { return Ok(false) };
        if held_for.is_some() {
            crate::desk::moderate::count_visible(&mut tx, id, article_id, root_id, -1).await?;
            crate::desk::alerts::raise(&mut tx, "held", id, now).await?;
        }
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}

/// Marks a comment deleted (its text goes), keeping the counters right. Replies keep their place
/// under a "deleted" marker; a deleted comment without visible replies is not shown at all.
pub async fn mark_deleted(pool: &Pool, id: i64) -> Result<(), StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = mark_deleted_in(&mut tx, id).await;
    crate::end(tx, result).await
}

pub(super) async fn mark_deleted_in(tx: &mut db::Conn, id: i64) -> Result<(), StoreError> {
    let row: Option<(i64, Option<i64>, String)> =
        db::query_as("SELECT article_id, root_id, status FROM comments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((article_id, root, _)) =
        row.filter(|(_, _, status)| status == domain::CommentStatus::Approved.as_str())
    else {
        return Ok(());
    };
    db::query(
        "UPDATE comments SET status = 'deleted', body = '', body_html = '', body_text = '' WHERE id = $1",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    db::query("UPDATE articles SET comment_count = comment_count - 1 WHERE id = $1")
        .bind(article_id)
        .execute(&mut *tx)
        .await?;
    if let Some(root) = root.filter(|r| *r != id) {
        db::query("UPDATE comments SET reply_count = reply_count - 1 WHERE id = $1")
            .bind(root)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
