use super::{Pool, StoreError};
use crate::domain::comment::reply_placement;
use crate::domain::CommentView;
use sqlx::Row;

pub struct NewComment<'a> {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: &'a str,
    pub author_email: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub submission_key: &'a str,
    pub created_at: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// The same form submission arrived before: this is the comment it made.
    Repeat(i64),
}

#[derive(Debug, PartialEq, Eq)]
pub enum InsertError {
    /// The comment replied to is not an approved comment of this article.
    NoSuchParent,
    Store(String),
}

impl From<sqlx::Error> for InsertError {
    fn from(e: sqlx::Error) -> Self {
        InsertError::Store(e.to_string())
    }
}

/// Stores a comment once per submission key, placing replies within the depth limit.
/// Concurrent submissions with one key (a double click) race on the key's unique index:
/// one inserts, the other finds its row.
pub async fn insert(pool: &Pool, c: &NewComment<'_>) -> Result<Inserted, InsertError> {
    if let Some(id) = by_key(pool, c.submission_key).await? {
        return Ok(Inserted::Repeat(id));
    }
    let (parent_id, depth) = match c.parent_id {
        None => (None, 1),
        Some(pid) => {
            let parent = sqlx::query(
                "SELECT parent_id, depth FROM comments
                 WHERE id = ? AND article_id = ? AND status = 'approved'",
            )
            .bind(pid)
            .bind(c.article_id)
            .fetch_optional(pool)
            .await?
            .ok_or(InsertError::NoSuchParent)?;
            let (under_parent, depth) = reply_placement(parent.get("depth"));
            if under_parent {
                (Some(pid), depth)
            } else {
                (parent.get::<Option<i64>, _>("parent_id"), depth)
            }
        }
    };
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO comments (article_id, parent_id, depth, author_name, author_email, body,
                               body_html, created_at, submission_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (submission_key) DO NOTHING
         RETURNING id",
    )
    .bind(c.article_id)
    .bind(parent_id)
    .bind(depth)
    .bind(c.author_name)
    .bind(c.author_email)
    .bind(c.body)
    .bind(c.body_html)
    .bind(c.created_at)
    .bind(c.submission_key)
    .fetch_optional(pool)
    .await?;
    match inserted {
        Some(id) => Ok(Inserted::New(id)),
        None => by_key(pool, c.submission_key)
            .await?
            .map(Inserted::Repeat)
            .ok_or_else(|| InsertError::Store("submission key conflict without a row".into())),
    }
}

async fn by_key(pool: &Pool, key: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM comments WHERE submission_key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await
}

/// Every approved comment of an article, oldest first.
pub async fn approved_for_article(pool: &Pool, article_id: i64) -> Result<Vec<CommentView>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, parent_id, depth, author_name, body_html, created_at FROM comments
         WHERE article_id = ? AND status = 'approved' ORDER BY created_at, id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CommentView {
            id: r.get("id"),
            parent_id: r.get("parent_id"),
            depth: r.get("depth"),
            author_name: r.get("author_name"),
            body_html: r.get("body_html"),
            created_at: r.get("created_at"),
        })
        .collect())
}
