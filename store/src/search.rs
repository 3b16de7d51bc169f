//! Search: published stories and approved comments that have every word looked for: stories
//! with them in the headline first, newest first within each kind (`domain::search`). Readers find
//! only what they could read: the rule of `public!()`, listed stories, comments shown on the
//! page (approved, in a thread that shows, on a story whose comments are not hidden).
use super::{Pool, StoreError};
use domain::search::Query;

/// A story's words for the index: its headline's, and its standfirst's and text's.
pub fn story_words(title: &str, standfirst: &str, body_html: &str) -> (String, String) {
    let text = format!("{standfirst}\n{}", domain::text::html_to_text(body_html));
    (domain::search::fold(title), domain::search::fold(&text))
}

/// Writes story `id`'s words, in the transaction that writes its text.
pub(crate) async fn index_story(
    tx: &mut db::Conn,
    id: i64,
    title: &str,
    standfirst: &str,
    body_html: &str,
) -> Result<(), db::Error> {
    let (t, x) = story_words(title, standfirst, body_html);
    db::query("UPDATE articles SET search_title = $1, search_text = $2 WHERE id = $3")
        .bind(t)
        .bind(x)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Indexes the stories stored before search existed (at start; one read when none is left).
pub async fn backfill(pool: &Pool) -> Result<usize, db::Error> {
    let missing: Vec<(i64, String, String, String)> =
        db::query_as("SELECT id, title, standfirst, body_html FROM articles WHERE search_text IS NULL")
            .fetch_all(pool)
            .await?;
    let n = missing.len();
    for chunk in missing.chunks(500) {
        let mut tx = super::begin(pool).await?;
        let result = async {
            for (id, title, standfirst, body) in chunk {
                index_story(&mut tx, *id, title, standfirst, body).await?;
            }
            Ok::<_, db::Error>(())
        }
        .await;
        super::end(tx, result).await?;
    }
    Ok(n)
}

/// A story found, before its snippet is cut.
pub struct FoundStory {
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub published_at: i64,
    pub body_html: String,
}
db::from_row!(FoundStory { slug, title, standfirst, section, published_at, body_html });

/// A comment found, before its snippet is cut.
pub struct FoundComment {
    pub id: i64,
    pub author_name: String,
    pub body_text: Option<String>,
    pub body_html: String,
    pub created_at: i64,
    pub article_slug: String,
    pub article_title: String,
}
db::from_row!(FoundComment {
    id,
    author_name,
    body_text,
    body_html,
    created_at,
    article_slug,
    article_title
});

/// Stories with every word of `q`: those with them all in the headline first, then the rest;
/// newest first within each.
pub async fn stories(pool: &Pool, q: &Query, offset: i64, limit: i64) -> Result<Vec<FoundStory>, StoreError> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let pg = pool.backend() == super::Backend::Postgres;
    // (at most `MAX_PAGES` pages: a bounded read)
    let headline = if pg { q.tsquery_headline() } else { q.fts5_headline() };
    let first = tier(pool, &headline, offset + limit, 0).await?;
    let in_headline = first.len() as i64;
    let mut found: Vec<FoundStory> = first.into_iter().skip(offset as usize).collect();
    let wanted = limit - found.len() as i64;
    if wanted > 0 {
        let text = if pg { q.tsquery_text_only() } else { q.fts5_text_only() };
        found.extend(tier(pool, &text, wanted, (offset - in_headline).max(0)).await?);
    }
    Ok(found)
}

async fn tier(pool: &Pool, matching: &str, limit: i64, offset: i64) -> Result<Vec<FoundStory>, StoreError> {
    // (FTS5 first: it reads its matches newest first and stops at the limit)
    Ok(db::query_as(concat!(
        "SELECT a.slug, a.title, a.standfirst, a.section, a.published_at, a.body_html
         FROM search_articles f CROSS JOIN articles a ON a.id = f.rowid
         WHERE search_articles MATCH $1 AND a.listed = 1 AND ",
        crate::public!(),
        " ORDER BY f.rowid DESC LIMIT $2 OFFSET $3"
    ))
    .or_postgres(concat!(
        "SELECT a.slug, a.title, a.standfirst, a.section, a.published_at, a.body_html
         FROM articles a
         WHERE a.search @@ to_tsquery('simple', $1) AND a.listed = 1 AND ",
        crate::public!(),
        " ORDER BY a.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(matching)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?)
}

/// Comments readers can see with every word of `q`, newest first.
pub async fn comments(
    pool: &Pool,
    q: &Query,
    offset: i64,
    limit: i64,
) -> Result<Vec<FoundComment>, StoreError> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    // (a reply shows only where its thread does: not under a held or spam comment)
    let found = db::query_as(concat!(
        "SELECT c.id, c.author_name, c.body_text, c.body_html, c.created_at, a.slug AS article_slug,
                a.title AS article_title
         FROM search_comments f CROSS JOIN comments c ON c.id = f.rowid CROSS JOIN articles a ON a.id = c.article_id
         WHERE search_comments MATCH $1 AND c.status = 'approved'
           AND a.comments_mode <> 'hidden' AND a.listed = 1 AND ",
        crate::shown_in_thread!(),
        " AND ",
        crate::public!(),
        " ORDER BY f.rowid DESC LIMIT $2 OFFSET $3"
    ))
    .or_postgres(concat!(
        "SELECT c.id, c.author_name, c.body_text, c.body_html, c.created_at, a.slug AS article_slug,
                a.title AS article_title
         FROM comments c JOIN articles a ON a.id = c.article_id
         WHERE c.search @@ to_tsquery('simple', $1) AND c.status = 'approved'
           AND a.comments_mode <> 'hidden' AND a.listed = 1 AND ",
        crate::shown_in_thread!(),
        " AND ",
        crate::public!(),
        " ORDER BY c.id DESC LIMIT $2 OFFSET $3"
    ));
    let query = if pool.backend() == super::Backend::Postgres { q.tsquery() } else { q.fts5() };
    Ok(found.bind(query).bind(limit).bind(offset).fetch_all(pool).await?)
}
