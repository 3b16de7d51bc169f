//! What an import writes (WordPress, Disqus) and what old addresses lead to. The importer
//! decides; this file only holds the SQL.
use super::{Pool, StoreError};
use db::Conn;
use domain::article::CommentsMode;
use domain::CommentStatus;

mod export;
pub use export::*;

/// A comment from another system, as it is stored.
pub struct ImportedComment<'a> {
    /// The old id, kept when it is free here (so `#comment-N` keeps working).
    pub id: Option<i64>,
    pub article_id: i64,
    pub parent: Option<&'a Placed>,
    pub status: CommentStatus,
    pub author_name: &'a str,
    pub author_email: Option<&'a str>,
    pub author_url: Option<&'a str>,
    pub body: &'a str,
    pub body_html: &'a str,
    pub body_text: &'a str,
    pub created_at: i64,
    /// `import:<source>:<old id>`: unique, so a second run finds the row.
    pub key: &'a str,
    pub ip_hash: Option<&'a str>,
    pub up: i64,
    pub down: i64,
}

/// Where a stored comment sits in its thread.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub root_id: i64,
    pub depth: i64,
}
db::from_row!(Placed { id, article_id, parent_id, root_id, depth });

pub async fn mapped(tx: &mut Conn, source: &str, kind: &str, old: &str) -> Result<Option<i64>, db::Error> {
    db::query_scalar("SELECT new_id FROM import_map WHERE source = $1 AND kind = $2 AND old_id = $3")
        .bind(source)
        .bind(kind)
        .bind(old)
        .fetch_optional(tx)
        .await
}

pub async fn map(tx: &mut Conn, source: &str, kind: &str, old: &str, new: i64) -> Result<(), db::Error> {
    db::query(
        "INSERT INTO import_map (source, kind, old_id, new_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(source)
    .bind(kind)
    .bind(old)
    .bind(new)
    .execute(tx)
    .await?;
    Ok(())
}

/// An old address (the path of a permalink) from any import.
pub async fn by_old_link(tx: &mut Conn, path: &str) -> Result<Option<i64>, db::Error> {
    let other = match path.strip_suffix('/') {
        Some(bare) => bare.to_string(),
        None => format!("{path}/"),
    };
    db::query_scalar("SELECT new_id FROM import_map WHERE kind = 'link' AND old_id IN ($1, $2) LIMIT 1")
        .bind(path)
        .bind(other)
        .fetch_optional(tx)
        .await
}

/// An old WordPress post id (from any WordPress import): what a Disqus thread's `<id>` names.
pub async fn by_old_post(tx: &mut Conn, post_id: &str) -> Result<Option<i64>, db::Error> {
    db::query_scalar("SELECT new_id FROM import_map WHERE kind = 'post' AND old_id = $1 LIMIT 1")
        .bind(post_id)
        .fetch_optional(tx)
        .await
}

/// Sets the comment mode of an article just imported (`closed`, `hidden`).
/// An imported article whose post is no longer public on the old site (password-protected,
/// private, back to a draft): withdrawn — its address answers 404, it is in no list, feed or
/// sitemap, its comments are hidden and its old addresses forgotten. Answers its slug, if it
/// was published until now.
pub async fn withdraw(tx: &mut Conn, article_id: i64, now: i64) -> Result<Option<String>, db::Error> {
    let slug: Option<String> = db::query_scalar(
        "UPDATE articles SET listed = 0, comments_mode = 'hidden', withdrawn_at = $1
         WHERE id = $2 AND withdrawn_at IS NULL RETURNING slug",
    )
    .bind(now)
    .bind(article_id)
    .fetch_optional(&mut *tx)
    .await?;
    db::query("DELETE FROM import_map WHERE new_id = $1 AND kind = 'link'")
        .bind(article_id)
        .execute(&mut *tx)
        .await?;
    Ok(slug)
}

/// Whether an imported article was withdrawn (`withdraw`).
pub async fn is_withdrawn(tx: &mut Conn, article_id: i64) -> Result<bool, db::Error> {
    Ok(db::query_scalar::<Option<i64>>("SELECT withdrawn_at FROM articles WHERE id = $1")
        .bind(article_id)
        .fetch_optional(&mut *tx)
        .await?
        .flatten()
        .is_some())
}

pub async fn set_mode(tx: &mut Conn, article_id: i64, mode: CommentsMode) -> Result<bool, db::Error> {
    Ok(db::query("UPDATE articles SET comments_mode = $1 WHERE id = $2 AND comments_mode <> $3")
        .bind(mode.as_str())
        .bind(article_id)
        .bind(mode.as_str())
        .execute(tx)
        .await?
        .rows_affected()
        > 0)
}

pub async fn article_by_slug(tx: &mut Conn, slug: &str) -> Result<Option<i64>, db::Error> {
    db::query_scalar("SELECT id FROM articles WHERE slug = $1").bind(slug).fetch_optional(tx).await
}

pub async fn close_comments(tx: &mut Conn, article_id: i64) -> Result<bool, db::Error> {
    Ok(db::query("UPDATE articles SET comments_mode = 'closed' WHERE id = $1 AND comments_mode = 'open'")
        .bind(article_id)
        .execute(tx)
        .await?
        .rows_affected()
        > 0)
}

pub async fn comment_by_key(tx: &mut Conn, key: &str) -> Result<Option<Placed>, db::Error> {
    db::query_as(
        "SELECT id, article_id, parent_id, COALESCE(root_id, id) AS root_id, depth
         FROM comments WHERE submission_key = $1",
    )
    .bind(key)
    .fetch_optional(tx)
    .await
}

/// Stores one comment under its parent (within the depth limit), without notifying anyone:
/// it was news on the old site, years ago perhaps. One statement: the old id is kept when it is
/// free; a key already stored (an earlier run) or erased since (`import_forgotten`) writes
/// nothing and answers `None`.
pub async fn insert_comment(tx: &mut Conn, c: &ImportedComment<'_>) -> Result<Option<Placed>, db::Error> {
    let (parent_id, root, depth) = match c.parent {
        None => (None, None, 1),
        Some(p) => {
            let (under_parent, depth) = domain::comment::reply_placement(p.depth);
            (if under_parent { Some(p.id) } else { p.parent_id }, Some(p.root_id), depth)
        }
    };
    let approved = c.status == CommentStatus::Approved;
    let id: Option<i64> = db::query_scalar(
        "INSERT INTO comments (id, root_id, article_id, parent_id, depth, status, author_name, author_email,
                               author_url, body, body_html, body_text, created_at, submission_key, ip_hash,
                               upvotes, downvotes, score, imported_up, imported_down, held_for, approved_at)
         SELECT n.id, COALESCE($3, n.id), $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                $16, $17, $16 - $17, $16, $17, $18, $19
         FROM (SELECT CASE WHEN $1 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments WHERE id = $1) THEN $1
                           ELSE (SELECT COALESCE(MAX(id), 0) + 1 FROM comments) END AS id) n
         WHERE NOT EXISTS (SELECT 1 FROM import_forgotten WHERE key = $14)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    // PostgreSQL: ids come from the sequence; a kept id first moves the sequence past itself,
    // so a reader's comment posted later never takes it (writers hold the write lock, so none
    // is under way meanwhile)
    .or_postgres(
        "INSERT INTO comments (id, root_id, article_id, parent_id, depth, status, author_name, author_email,
                               author_url, body, body_html, body_text, created_at, submission_key, ip_hash,
                               upvotes, downvotes, score, imported_up, imported_down, held_for, approved_at)
         SELECT n.id, COALESCE($3, n.id), $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                $16, $17, $16 - $17, $16, $17, $18, $19
         FROM (SELECT CASE WHEN $1 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM comments WHERE id = $1)
                           THEN CASE WHEN setval(pg_get_serial_sequence('comments', 'id'),
                                                 GREATEST($1, (SELECT MAX(id) FROM comments))) > 0
                                     THEN $1 END
                           ELSE nextval(pg_get_serial_sequence('comments', 'id')) END AS id) n
         WHERE NOT EXISTS (SELECT 1 FROM import_forgotten WHERE key = $14)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(c.id.filter(|id| *id > 0))
    .bind(c.article_id)
    .bind(root)
    .bind(parent_id)
    .bind(depth)
    .bind(c.status.as_str())
    .bind(c.author_name)
    .bind(c.author_email)
    .bind(c.author_url)
    .bind(c.body)
    .bind(c.body_html)
    .bind(c.body_text)
    .bind(c.created_at)
    .bind(c.key)
    .bind(c.ip_hash)
    .bind(c.up)
    .bind(c.down)
    .bind((c.status == CommentStatus::Pending).then_some("imported"))
    .bind(approved.then_some(c.created_at))
    .fetch_optional(&mut *tx)
    .await?;
    Ok(id.map(|id| Placed { id, article_id: c.article_id, parent_id, root_id: root.unwrap_or(id), depth }))
}

/// Was the comment with this key imported once and erased at its author's request?
pub async fn forgotten(tx: &mut Conn, key: &str) -> Result<bool, db::Error> {
    Ok(db::query_scalar::<i64>("SELECT 1 FROM import_forgotten WHERE key = $1")
        .bind(key)
        .fetch_optional(tx)
        .await?
        .is_some())
}

/// The article's passages marked by its editor: (id, key).
pub async fn editor_passages(
    tx: &mut Conn,
    article_id: i64,
) -> Result<Vec<(i64, Option<String>)>, db::Error> {
    db::query_as("SELECT id, key FROM passages WHERE article_id = $1 AND origin = 'editor' ORDER BY id")
        .bind(article_id)
        .fetch_all(tx)
        .await
}

/// Makes a top-level comment feedback on a passage.
pub async fn set_passage(tx: &mut Conn, comment_id: i64, passage_id: i64) -> Result<bool, db::Error> {
    Ok(db::query(
        "UPDATE comments SET passage_id = $1 WHERE id = $2 AND parent_id IS NULL AND passage_id IS NULL",
    )
    .bind(passage_id)
    .bind(comment_id)
    .execute(tx)
    .await?
    .rows_affected()
        > 0)
}

/// The article's and its threads' counters, counted again after an import.
pub async fn recount(tx: &mut Conn, article_id: i64) -> Result<(), db::Error> {
    db::query(
        "UPDATE comments SET reply_count = (
             -- through the thread's own index: left to itself, the planner walks every
             -- approved comment of the site for each thread (minutes at 100,000)
             SELECT COUNT(*) FROM comments r INDEXED BY comments_by_root
             WHERE r.root_id = comments.id AND r.id <> comments.id AND +r.status = 'approved')
         WHERE article_id = $1 AND parent_id IS NULL",
    )
    .or_postgres(
        "UPDATE comments SET reply_count = (
             SELECT COUNT(*) FROM comments r
             WHERE r.root_id = comments.id AND r.id <> comments.id AND r.status = 'approved')
         WHERE article_id = $1 AND parent_id IS NULL",
    )
    .bind(article_id)
    .execute(&mut *tx)
    .await?;
    db::query(
        "UPDATE articles SET comment_count = (
             SELECT COUNT(*) FROM comments c WHERE c.article_id = articles.id AND c.status = 'approved')
         WHERE id = $1",
    )
    .bind(article_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Where an old address goes: the article's slug, for a path some import recorded.
pub async fn slug_for_old_link(pool: &Pool, path: &str) -> Result<Option<String>, StoreError> {
    Ok(db::query_scalar(concat!(
        "SELECT a.slug FROM import_map m JOIN articles a ON a.id = m.new_id
         WHERE m.kind = 'link' AND m.old_id = $1 AND ",
        crate::public!(),
        " LIMIT 1"
    ))
    .bind(path)
    .fetch_optional(pool)
    .await?)
}

/// `/?p=ID`: the article an imported WordPress post became, with the source it came from (not
/// one withdrawn since: `withdraw`).
pub async fn slug_for_old_post(pool: &Pool, post_id: &str) -> Result<Option<(String, String)>, StoreError> {
    Ok(db::query_as(concat!(
        "SELECT a.slug, m.source FROM import_map m JOIN articles a ON a.id = m.new_id
         WHERE m.kind = 'post' AND m.old_id = $1 AND a.listed = 1 AND ",
        crate::public!(),
        " ORDER BY m.source LIMIT 1"
    ))
    .bind(post_id)
    .fetch_optional(pool)
    .await?)
}

/// The comment an old comment id became, on that article (`?replytocom=N`).
pub async fn comment_for_old_id(
    pool: &Pool,
    article_slug: &str,
    old_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar(
        "SELECT c.id FROM comments c JOIN articles a ON a.id = c.article_id
         JOIN import_map m ON m.new_id = a.id AND m.kind = 'post'
         WHERE a.slug = $1 AND c.submission_key = 'import:' || m.source || ':' || $2 LIMIT 1",
    )
    .bind(article_slug)
    .bind(old_id.to_string())
    .fetch_optional(pool)
    .await?)
}
