//! Comments: writing a new one (with its submission key and duplicate checks) and finding it.
//! `thread`: reading the thread a page shows; `author`: what the author may still do (edit,
//! delete); `votes`: one vote per reader.
mod author;
mod thread;
mod votes;

use crate::{Pool, StoreError};
pub use author::*;
use domain::comment::reply_placement;
use domain::CommentStatus;
pub use thread::*;
pub use votes::*;

pub struct NewComment<'a> {
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: &'a str,
    pub author_email: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub submission_key: &'a str,
    pub reader_id: &'a str,
    pub ip_hash: &'a str,
    pub created_at: i64,
    /// A feedback: the passage it is about (resolved in the insert's transaction).
    pub passage: Option<&'a domain::FeedbackTarget>,
    /// The article's HTML, to check a reader's quote against.
    pub article_html: &'a str,
    /// Held for moderation, and why (`HoldReason::as_str`): stored as pending, not counted,
    /// nobody notified until an editor approves it.
    pub held_for: Option<&'a str>,
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
    /// The feedback's passage was refused (not in the article, too long…).
    Refused(domain::ApiError),
    Store(String),
}

impl From<db::Error> for InsertError {
    fn from(e: db::Error) -> Self {
        InsertError::Store(e.to_string())
    }
}

/// Stores a comment once per (reader, submission key), placing replies within the depth limit
/// and keeping the article's and the thread's counters in the same transaction.
pub async fn insert(pool: &Pool, c: &NewComment<'_>) -> Result<Inserted, InsertError> {
    // IMMEDIATE takes the write lock up front: two racing submissions queue instead of
    // failing to upgrade a read transaction.
    // the key is unique per reader: another reader's key is not theirs to repeat
    let key = format!("{}:{}", c.reader_id, c.submission_key);
    let mut tx = crate::begin(pool).await?;
    // end the transaction explicitly on every path: a dropped one would keep the write lock
    // until its connection is used again (a repeated key changes nothing: rolled back)
    match insert_in(&mut tx, c, &key).await {
        Ok(Inserted::New(id)) => {
            tx.commit().await?;
            Ok(Inserted::New(id))
        }
        other => {
            tx.rollback().await?;
            other
        }
    }
}

async fn insert_in(tx: &mut db::Conn, c: &NewComment<'_>, key: &str) -> Result<Inserted, InsertError> {
    if let Some(id) = db::query_scalar::<i64>("SELECT id FROM comments WHERE submission_key = $1")
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?
    {
        return Ok(Inserted::Repeat(id));
    }
    let (parent_id, root_id, depth) = match c.parent_id {
        None => (None, None, 1),
        Some(pid) => {
            let (grand_parent, root, depth): (Option<i64>, Option<i64>, i64) = db::query_as(
                "SELECT parent_id, root_id, depth FROM comments
                 WHERE id = $1 AND article_id = $2 AND status = 'approved'",
            )
            .bind(pid)
            .bind(c.article_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(InsertError::NoSuchParent)?;
            let (under_parent, depth) = reply_placement(depth);
            let parent_id = if under_parent { Some(pid) } else { grand_parent };
            (parent_id, Some(root.unwrap_or(pid)), depth)
        }
    };
    // a feedback is a top-level comment that also records its passage
    let passage_id = match (c.passage, parent_id) {
        (Some(target), None) => {
            match super::passages::resolve(&mut *tx, c.article_id, c.article_html, target, c.created_at)
                .await?
            {
                Ok(id) => Some(id),
                Err(refusal) => return Err(InsertError::Refused(refusal)),
            }
        }
        _ => None,
    };
    let id = db::query_scalar::<i64>(
        "INSERT INTO comments (article_id, parent_id, root_id, depth, author_name, author_email, body,
                               body_html, created_at, submission_key, reader_id, ip_hash, passage_id,
                               status, held_for, approved_at, body_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(c.article_id)
    .bind(parent_id)
    .bind(root_id)
    .bind(depth)
    .bind(c.author_name)
    .bind(c.author_email)
    .bind(c.body)
    .bind(c.body_html)
    .bind(c.created_at)
    .bind(key)
    .bind(c.reader_id)
    .bind(c.ip_hash)
    .bind(passage_id)
    .bind(if c.held_for.is_some() { CommentStatus::Pending } else { CommentStatus::Approved }.as_str())
    .bind(c.held_for)
    .bind(c.held_for.is_none().then_some(c.created_at))
    .bind(domain::text::html_to_text(c.body_html))
    .fetch_one(&mut *tx)
    .await?;
    db::query("UPDATE comments SET root_id = id WHERE id = $1 AND root_id IS NULL")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if c.held_for.is_some() {
        // the moderators hear of it; its readers only once it is approved
        super::desk::alerts::raise(tx, "held", id, c.created_at).await?;
        return Ok(Inserted::New(id));
    }
    db::query("UPDATE articles SET comment_count = comment_count + 1 WHERE id = $1")
        .bind(c.article_id)
        .execute(&mut *tx)
        .await?;
    if let Some(root) = root_id {
        db::query("UPDATE comments SET reply_count = reply_count + 1 WHERE id = $1")
            .bind(root)
            .execute(&mut *tx)
            .await?;
    }
    // the comment is approved as it is stored: who must hear of it is decided in this
    // transaction, and the worker sends the mail later
    super::notify::enqueue_for_comment(tx, id, c.created_at).await?;
    Ok(Inserted::New(id))
}

/// The newest comment id of the whole site (the table's last row: no scan).
pub async fn newest_id(pool: &Pool) -> Result<i64, StoreError> {
    Ok(db::query_scalar::<Option<i64>>("SELECT MAX(id) FROM comments").fetch_one(pool).await?.unwrap_or(0))
}

/// The passage a feedback is about.
pub async fn passage_of(pool: &Pool, comment_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar::<Option<i64>>("SELECT passage_id FROM comments WHERE id = $1")
        .bind(comment_id)
        .fetch_optional(pool)
        .await?
        .flatten())
}

/// The comment a reader's form submission made, if it arrived before.
pub async fn by_key(pool: &Pool, reader_id: &str, key: &str) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar("SELECT id FROM comments WHERE submission_key = $1")
        .bind(format!("{reader_id}:{key}"))
        .fetch_optional(pool)
        .await?)
}

/// Texts this long or longer are duplicates whoever repeats them (a bot rotating cookies and
/// addresses); a shorter one ("Agreed.", "Thank you!") only when the same reader or email
/// repeats it, since two readers may well say it.
pub const DUPLICATE_ANYONE_CHARS: usize = 20;

/// Has this text been posted on this article since `since` — by anyone for a text of
/// `DUPLICATE_ANYONE_CHARS` or more, else by this reader or email?
pub async fn is_duplicate(
    pool: &Pool,
    article_id: i64,
    reader_id: &str,
    email: Option<&str>,
    body: &str,
    since: i64,
) -> Result<bool, StoreError> {
    let anyone = body.chars().count() >= DUPLICATE_ANYONE_CHARS;
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments
                        WHERE article_id = $1 AND created_at >= $2 AND status <> 'deleted' AND body = $3
                          AND ($4 <> 0 OR reader_id = $5 OR ($6 IS NOT NULL AND author_email = $6)))",
    )
    .bind(article_id)
    .bind(since)
    .bind(body)
    .bind(anyone)
    .bind(reader_id)
    .bind(email)
    .fetch_one(pool)
    .await?)
}
