//! What an export reads: the articles, their comments and the editors' passages.
use crate::{Pool, StoreError};
use domain::article::CommentsMode;
use domain::CommentStatus;

/// An article as a WordPress export writes it.
pub struct ExportArticle {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    pub body_html: String,
    pub published_at: i64,
    pub comments_mode: CommentsMode,
    /// The post's WordPress status: `publish` for a published story; a draft `draft`, one in
    /// review `pending`, a scheduled one `future` (dated when it goes out), an unpublished or
    /// withdrawn one `private` — none of them becomes public by going to WordPress and back.
    pub wp_status: String,
}
db::from_row!(ExportArticle {
    id,
    slug,
    title,
    standfirst,
    section,
    tags: String => crate::articles::tags,
    body_html,
    published_at,
    comments_mode: String => |s: String| CommentsMode::stored(&s),
    wp_status,
});

pub struct ExportComment {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub status: CommentStatus,
    pub trashed: bool,
    pub author_name: String,
    pub author_email: Option<String>,
    pub author_url: Option<String>,
    pub body_html: String,
    pub created_at: i64,
    pub up: i64,
    pub down: i64,
    pub passage_id: Option<i64>,
}
db::from_row!(ExportComment {
    id,
    parent_id,
    status: String => |s: String| CommentStatus::stored(&s),
    trashed,
    author_name,
    author_email,
    author_url,
    body_html,
    created_at,
    up,
    down,
    passage_id,
});

/// An editor's passage: (id, key, question, start, end) in the article's plain text.
pub struct ExportPassage {
    pub id: i64,
    pub key: Option<String>,
    pub question: String,
    pub start: usize,
    pub end: usize,
}
db::from_row!(ExportPassage { id, key, question, start: i64 => offset, end: i64 => offset });

/// A stored offset in the article's text (never negative).
fn offset(stored: i64) -> usize {
    stored.max(0) as usize
}

pub async fn export_articles(pool: &Pool) -> Result<Vec<ExportArticle>, StoreError> {
    Ok(db::query_as(
        "SELECT id, slug, title, standfirst, section, tags, body_html,
                CASE WHEN status = 'scheduled' THEN COALESCE(publish_at, published_at) ELSE published_at END
                    AS published_at,
                comments_mode,
                CASE WHEN withdrawn_at IS NOT NULL OR status = 'unpublished' THEN 'private'
                     WHEN status = 'published' THEN 'publish'
                     WHEN status = 'review' THEN 'pending'
                     WHEN status = 'scheduled' THEN 'future'
                     ELSE 'draft' END AS wp_status
         FROM articles ORDER BY published_at, id",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn export_comments(pool: &Pool, article_id: i64) -> Result<Vec<ExportComment>, StoreError> {
    Ok(db::query_as(
        "SELECT id, parent_id, status, trashed_at IS NOT NULL AS trashed, author_name, author_email,
                author_url, body_html, created_at, upvotes AS up, downvotes AS down, passage_id
         FROM comments WHERE article_id = $1 ORDER BY id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}

pub async fn export_passages(pool: &Pool, article_id: i64) -> Result<Vec<ExportPassage>, StoreError> {
    Ok(db::query_as(
        "SELECT id, key, COALESCE(question, '') AS question, start_at AS start, end_at AS \"end\"
         FROM passages
         WHERE article_id = $1 AND origin = 'editor' AND marked = 1 AND start_at IS NOT NULL
         ORDER BY start_at",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}
