use super::{Pool, StoreError};
use domain::article::CommentsMode;
use domain::desk_views::ArticleMode;
use domain::{Article, ArticleSummary};

db::from_row!(ArticleSummary { id, slug, title, standfirst, section, published_at, comment_count });
db::from_row!(Article {
    id,
    slug,
    title,
    standfirst,
    section,
    tags: String => tags,
    body_html,
    published_at,
    updated_at,
    comment_count,
    comments_mode: String => |s: String| CommentsMode::stored(&s),
    note_kind,
    note,
    note_at,
    // (filled by `authors_of`)
    authors: Option<String> => |_: Option<String>| Vec::new(),
});
db::from_row!(ArticleMode { slug, title, published_at, mode: String => |s: String| CommentsMode::stored(&s) });
db::from_row!(FeedArticle {
    id,
    slug,
    title,
    standfirst,
    section,
    tags: String => tags,
    body_html,
    published_at,
    updated_at,
    note_kind,
    note,
    note_at,
    // (filled by `authors_of`)
    authors: Option<String> => |_: Option<String>| Vec::new(),
});
db::from_row!(FeedComment { id, author_name, body_html, created_at, edited_at });

/// The one rule for what readers and crawlers may see of an article (`a`): published by the
/// desk (or its file), and not withdrawn by an import. Every reader path — the page, the
/// thread, posting, feeds, the sitemap, the front page, old links, live events — reads
/// articles through it; `server/tests/integration/stories` checks each path with a draft, a
/// scheduled and an unpublished story.
#[macro_export]
macro_rules! public {
    () => {
        "a.status = 'published' AND a.withdrawn_at IS NULL"
    };
}

/// The one rule for whether an approved comment (`c`) shows where readers look besides its
/// thread (search, the comment feed): as in the thread, every comment above it is approved or
/// deleted (a placeholder); under a held, spam or trashed one, its whole branch is out of sight.
/// Its root, then each of its parents (a reply is at most `MAX_DEPTH` = 5 below its root).
#[macro_export]
macro_rules! shown_in_thread {
    () => {
        "(c.root_id = c.id OR (SELECT r.status FROM comments r WHERE r.id = c.root_id) IN ('approved', 'deleted'))
         AND (c.parent_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM comments p1
             LEFT JOIN comments p2 ON p2.id = p1.parent_id
             LEFT JOIN comments p3 ON p3.id = p2.parent_id
             LEFT JOIN comments p4 ON p4.id = p3.parent_id
             LEFT JOIN comments p5 ON p5.id = p4.parent_id
             WHERE p1.id = c.parent_id
               AND (p1.status NOT IN ('approved', 'deleted') OR p2.status NOT IN ('approved', 'deleted')
                    OR p3.status NOT IN ('approved', 'deleted') OR p4.status NOT IN ('approved', 'deleted')
                    OR p5.status NOT IN ('approved', 'deleted'))))"
    };
}

/// The tags as stored: a JSON list (none if it is not one).
pub(crate) fn tags(stored: String) -> Vec<String> {
    serde_json::from_str(&stored).unwrap_or_default()
}

/// An article parsed from a content file, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub published_at: i64,
    pub listed: bool,
    /// Passages marked for feedback in the front matter.
    pub feedback: Vec<domain::passage::FeedbackPassage>,
}

/// An article as stored, to tell whether its content file changed.
struct Stored {
    id: i64,
    title: String,
    standfirst: String,
    section: String,
    tags: String,
    body_markdown: String,
    listed: bool,
    withdrawn_at: Option<i64>,
    desk_edited_at: Option<i64>,
}
db::from_row!(Stored {
    id,
    title,
    standfirst,
    section,
    tags,
    body_markdown,
    listed,
    withdrawn_at,
    desk_edited_at
});

/// What importing a content file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    New,
    /// The file changed since the last import: the article was updated and its passages
    /// anchored again.
    Updated,
    Unchanged,
    /// Edited in the desk since: the file no longer replaces it.
    DeskEdited,
}

/// Stores an article from its content file: new slugs are inserted, changed files update the
/// article, and every passage (the editor's and readers') is anchored again in the new text,
/// in the same transaction.
pub async fn import(pool: &Pool, a: &NewArticle, now: i64) -> Result<Imported, StoreError> {
    let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
    let mut tx = super::begin(pool).await?;
    let result = async {
        let existing: Option<Stored> = db::query_as(
            "SELECT id, title, standfirst, section, tags, body_markdown, listed, withdrawn_at, desk_edited_at
             FROM articles WHERE slug = $1",
        )
        .bind(&a.slug)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.as_ref().is_some_and(|e| e.desk_edited_at.is_some()) {
            return Ok(Imported::DeskEdited);
        }
        let (id, outcome) = match existing {
            None => {
                // dated in the future: scheduled, published by the worker at its time
                let due = a.published_at > now;
                let id: i64 = db::query_scalar(
                    "INSERT INTO articles (slug, title, standfirst, section, tags, body_markdown, body_html,
                                           published_at, updated_at, listed, status, publish_at, first_published_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                )
                .bind(&a.slug)
                .bind(&a.title)
                .bind(&a.standfirst)
                .bind(&a.section)
                .bind(&tags)
                .bind(&a.body_markdown)
                .bind(&a.body_html)
                .bind(a.published_at)
                .bind(a.published_at)
                .bind(a.listed)
                .bind(if due { "scheduled" } else { "published" })
                .bind(due.then_some(a.published_at))
                .bind((!due).then_some(a.published_at))
                .fetch_one(&mut *tx)
                .await?;
                (id, Imported::New)
            }
            Some(row) => {
                let id = row.id;
                let same = row.title == a.title
                    && row.standfirst == a.standfirst
                    && row.section == a.section
                    && row.tags == tags
                    && row.body_markdown == a.body_markdown
                    && row.listed == a.listed
                    && row.withdrawn_at.is_none();
                if !same {
                    // (an article withdrawn by an import is published again by its source)
                    db::query(
                        "UPDATE articles SET title = $1, standfirst = $2, section = $3, tags = $4, body_markdown = $5,
                                body_html = $6, updated_at = $7, listed = $8, withdrawn_at = NULL WHERE id = $9",
                    )
                    .bind(&a.title)
                    .bind(&a.standfirst)
                    .bind(&a.section)
                    .bind(&tags)
                    .bind(&a.body_markdown)
                    .bind(&a.body_html)
                    .bind(now)
                    .bind(a.listed)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                (id, if same { Imported::Unchanged } else { Imported::Updated })
            }
        };
        if outcome != Imported::Unchanged {
            sync_tags(&mut tx, id, &a.tags).await?;
            crate::search::index_story(&mut tx, id, &a.title, &a.standfirst, &a.body_html).await?;
        }
        super::passages::sync(&mut tx, id, &a.body_html, Some(&a.feedback), now).await?;
        Ok::<_, StoreError>(outcome)
    }
    .await;
    super::end(tx, result).await
}

/// Keeps a story's tags by their address (the tag pages read them), in the transaction that
/// writes `articles.tags`. Tags without a letter or digit get no page; two spellings of one
/// address keep the first.
pub(crate) async fn sync_tags(tx: &mut db::Conn, article_id: i64, tags: &[String]) -> Result<(), db::Error> {
    db::query("DELETE FROM article_tags WHERE article_id = $1").bind(article_id).execute(&mut *tx).await?;
    let mut seen = std::collections::HashSet::new();
    for name in tags {
        let tag = domain::listing::tag_slug(name);
        if tag.is_empty() || !seen.insert(tag.clone()) {
            continue;
        }
        db::query("INSERT INTO article_tags (article_id, tag, name) VALUES ($1, $2, $3)")
            .bind(article_id)
            .bind(&tag)
            .bind(name.trim())
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Fills `article_tags` for stories stored before it existed (and any a bulk path wrote
/// without it): run at start, one indexed read when there is nothing to do.
pub async fn backfill_tags(pool: &Pool) -> Result<usize, db::Error> {
    let missing: Vec<(i64, String)> = db::query_as(
        "SELECT a.id, a.tags FROM articles a
         WHERE a.tags <> '[]' AND NOT EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id)",
    )
    .fetch_all(pool)
    .await?;
    let mut done = 0;
    for (id, stored) in missing {
        let list = tags(stored);
        if list.iter().all(|t| domain::listing::tag_slug(t).is_empty()) {
            continue;
        }
        let mut tx = super::begin(pool).await?;
        let result = sync_tags(&mut tx, id, &list).await;
        super::end(tx, result).await?;
        done += 1;
    }
    Ok(done)
}

/// A page of a list (section, tag, archive, month), newest first, after `before` when given.
pub async fn list(
    pool: &Pool,
    listing: &domain::listing::Listing,
    before: Option<domain::listing::ListCursor>,
    limit: i64,
) -> Result<Vec<ArticleSummary>, StoreError> {
    use domain::listing::Listing;
    let section = match listing {
        Listing::Section(s) => Some(s.as_str()),
        _ => None,
    };
    let tag = match listing {
        Listing::Tag(t) => Some(t.as_str()),
        _ => None,
    };
    let author = match listing {
        Listing::Author(a) => Some(a.as_str()),
        _ => None,
    };
    let (from, until) = listing.bounds().map_or((None, None), |(a, b)| (Some(a), Some(b)));
    Ok(db::query_as(concat!(
        "SELECT a.id, a.slug, a.title, a.standfirst, a.section, a.published_at, a.comment_count
         FROM articles a
         WHERE a.listed = 1 AND ",
        public!(),
        "
           AND ($1 IS NULL OR lower(a.section) = lower($1))
           AND ($2 IS NULL OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = $2))
           AND ($3 IS NULL OR a.published_at >= $3) AND ($4 IS NULL OR a.published_at < $4)
           AND ($5 IS NULL OR a.published_at < $5 OR (a.published_at = $5 AND a.id < $6))
           AND ($8 IS NULL OR EXISTS (SELECT 1 FROM article_authors w JOIN staff s ON s.id = w.staff_id
                                      WHERE w.article_id = a.id AND s.author_slug = $8))
         ORDER BY a.published_at DESC, a.id DESC LIMIT $7"
    ))
    .bind(section)
    .bind(tag)
    .bind(from)
    .bind(until)
    .bind(before.map(|c| c.published_at))
    .bind(before.map_or(0, |c| c.id))
    .bind(limit)
    .bind(author)
    .fetch_all(pool)
    .await?)
}

/// Whether a story readers can see in the lists stands at `cursor` (an "Older stories" link the
/// site wrote; any other position is made up).
pub async fn is_list_position(pool: &Pool, cursor: domain::listing::ListCursor) -> Result<bool, StoreError> {
    Ok(db::query_scalar(concat!(
        "SELECT EXISTS (SELECT 1 FROM articles a WHERE a.id = $1 AND a.published_at = $2 AND a.listed = 1 AND ",
        public!(),
        ")"
    ))
    .bind(cursor.id)
    .bind(cursor.published_at)
    .fetch_one(pool)
    .await?)
}

/// Whether a list names something the site has: a tag some story carries, a section some story
/// is in (by their indexes; a made-up name does not cost a walk through every story). The list
/// itself then says whether readers may see any of it.
pub async fn list_exists(pool: &Pool, listing: &domain::listing::Listing) -> Result<bool, StoreError> {
    use domain::listing::Listing;
    Ok(match listing {
        Listing::Tag(t) => {
            db::query_scalar("SELECT EXISTS (SELECT 1 FROM article_tags WHERE tag = $1)")
                .bind(t)
                .fetch_one(pool)
                .await?
        }
        Listing::Section(s) => {
            db::query_scalar("SELECT EXISTS (SELECT 1 FROM articles WHERE lower(section) = lower($1))")
                .bind(s)
                .fetch_one(pool)
                .await?
        }
        Listing::Author(a) => {
            db::query_scalar("SELECT EXISTS (SELECT 1 FROM staff WHERE author_slug = $1)")
                .bind(a)
                .fetch_one(pool)
                .await?
        }
        Listing::All | Listing::Month { .. } => true,
    })
}

/// An author's byline name and bio, by their page's address.
pub async fn author_about(pool: &Pool, slug: &str) -> Result<Option<(String, String)>, StoreError> {
    Ok(db::query_as(
        "SELECT CASE WHEN public_name = '' THEN name ELSE public_name END, bio FROM staff WHERE author_slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?)
}

/// A story's authors, in byline order.
pub async fn authors_of(pool: &Pool, article_id: i64) -> Result<Vec<domain::author::Byline>, StoreError> {
    let rows: Vec<(String, Option<String>)> = db::query_as(
        "SELECT CASE WHEN s.public_name = '' THEN s.name ELSE s.public_name END, s.author_slug
         FROM article_authors w JOIN staff s ON s.id = w.staff_id
         WHERE w.article_id = $1 ORDER BY w.position, s.id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, slug)| Some(domain::author::Byline { name, slug: slug? }))
        .collect())
}

/// The staff ids a story names as its authors, in byline order.
pub async fn author_ids(pool: &Pool, article_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(db::query_scalar(
        "SELECT staff_id FROM article_authors WHERE article_id = $1 ORDER BY position, staff_id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}

/// Names `authors` (staff ids, in byline order) as the story's, in the transaction that saves it.
pub(crate) async fn sync_authors(
    tx: &mut db::Conn,
    article_id: i64,
    authors: &[i64],
) -> Result<(), db::Error> {
    db::query("DELETE FROM article_authors WHERE article_id = $1").bind(article_id).execute(&mut *tx).await?;
    for (position, staff_id) in authors.iter().enumerate() {
        db::query(
            "INSERT INTO article_authors (article_id, staff_id, position) VALUES ($1, $2, $3)
             ON CONFLICT (article_id, staff_id) DO NOTHING",
        )
        .bind(article_id)
        .bind(staff_id)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A tag's name as story `article_id` spells it (the first story of a tag's page: one lookup by
/// key, where "the newest story's spelling" would read every story with the tag).
pub async fn tag_name(pool: &Pool, tag: &str, article_id: i64) -> Result<Option<String>, StoreError> {
    Ok(db::query_scalar("SELECT name FROM article_tags WHERE article_id = $1 AND tag = $2")
        .bind(article_id)
        .bind(tag)
        .fetch_optional(pool)
        .await?)
}

/// The months (UTC) that have listed stories, newest first, with how many.
pub async fn months(pool: &Pool) -> Result<Vec<domain::listing::MonthCount>, StoreError> {
    // (a date outside 1970–9999, which an import could bring, is in no month)
    let rows: Vec<(String, i64)> = db::query_as(concat!(
        "SELECT strftime('%Y-%m', a.published_at, 'unixepoch') AS month, COUNT(*) AS n
         FROM articles a WHERE a.listed = 1 AND ",
        public!(),
        " AND a.published_at BETWEEN 0 AND 253402300799 GROUP BY month ORDER BY month DESC"
    ))
    .or_postgres(concat!(
        "SELECT to_char(to_timestamp(a.published_at) AT TIME ZONE 'UTC', 'YYYY-MM') AS month, COUNT(*) AS n
         FROM articles a WHERE a.listed = 1 AND ",
        public!(),
        " AND a.published_at BETWEEN 0 AND 253402300799 GROUP BY month ORDER BY month DESC"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, n)| {
            let (y, mo) = m.split_once('-')?;
            Some(domain::listing::MonthCount { year: y.parse().ok()?, month: mo.parse().ok()?, stories: n })
        })
        .collect())
}

/// Newest first; only one section's when `section` is given (case-insensitive).
pub async fn front_page(
    pool: &Pool,
    section: Option<&str>,
    limit: i64,
) -> Result<Vec<ArticleSummary>, StoreError> {
    Ok(db::query_as(concat!(
        "SELECT a.id, a.slug, a.title, a.standfirst, a.section, a.published_at, a.comment_count
         FROM articles a
         WHERE a.listed = 1 AND ($1 IS NULL OR lower(a.section) = lower($1)) AND ",
        public!(),
        "
         ORDER BY a.published_at DESC, a.id DESC LIMIT $2"
    ))
    .bind(section)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A story readers can see, with its authors.
pub async fn by_slug(pool: &Pool, slug: &str) -> Result<Option<Article>, StoreError> {
    let found: Option<Article> = db::query_as(concat!(
        "SELECT a.id, a.slug, a.title, a.standfirst, a.section, a.tags, a.body_html, a.published_at,
                a.updated_at, a.comment_count, a.comments_mode, a.note_kind, a.note, a.note_at,
                CAST(NULL AS TEXT) AS authors
         FROM articles a WHERE a.slug = $1 AND ",
        public!()
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    let Some(mut article) = found else { return Ok(None) };
    article.authors = authors_of(pool, article.id).await?;
    Ok(Some(article))
}

/// Every article with its comment mode, newest first (the desk).
pub async fn comment_modes(pool: &Pool) -> Result<Vec<ArticleMode>, StoreError> {
    Ok(db::query_as(
        "SELECT slug, title, published_at, comments_mode AS mode
         FROM articles ORDER BY published_at DESC, id DESC LIMIT 1000",
    )
    .fetch_all(pool)
    .await?)
}

/// The list pages readers can reach, with when their newest story last changed, for the sitemap:
/// each section, tag and author with a published, listed story (paths as the site writes them).
pub async fn sitemap_lists(pool: &Pool) -> Result<Vec<(String, i64)>, StoreError> {
    use domain::listing::Listing;
    let sections: Vec<(String, i64)> = db::query_as(concat!(
        "SELECT MIN(a.section), MAX(a.updated_at) FROM articles a WHERE a.listed = 1 AND ",
        public!(),
        " GROUP BY lower(a.section) ORDER BY MIN(a.section)"
    ))
    .fetch_all(pool)
    .await?;
    let tags: Vec<(String, i64)> = db::query_as(concat!(
        "SELECT t.tag, MAX(a.updated_at) FROM article_tags t JOIN articles a ON a.id = t.article_id
         WHERE a.listed = 1 AND ",
        public!(),
        " GROUP BY t.tag ORDER BY t.tag"
    ))
    .fetch_all(pool)
    .await?;
    let authors: Vec<(String, i64)> = db::query_as(concat!(
        "SELECT s.author_slug, MAX(a.updated_at) FROM article_authors w
         JOIN staff s ON s.id = w.staff_id JOIN articles a ON a.id = w.article_id
         WHERE s.author_slug IS NOT NULL AND a.listed = 1 AND ",
        public!(),
        " GROUP BY s.author_slug ORDER BY s.author_slug"
    ))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    out.extend(sections.into_iter().map(|(s, t)| (Listing::Section(s).path(), t)));
    out.extend(tags.into_iter().map(|(s, t)| (Listing::Tag(s).path(), t)));
    out.extend(authors.into_iter().map(|(s, t)| (Listing::Author(s).path(), t)));
    Ok(out)
}

/// (slug, last modified) for every article, for the sitemap. A new comment counts as a change.
pub async fn sitemap(pool: &Pool) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(db::query_as(concat!(
        "SELECT a.slug, MAX(a.updated_at, COALESCE(
                  (SELECT MAX(c.created_at) FROM comments c
                   WHERE c.article_id = a.id AND c.status = 'approved'), 0)) AS lastmod
         FROM articles a WHERE a.listed = 1 AND ",
        public!(),
        " ORDER BY a.published_at DESC, a.id DESC"
    ))
    .or_postgres(concat!(
        "SELECT a.slug, GREATEST(a.updated_at, COALESCE(
                  (SELECT MAX(c.created_at) FROM comments c
                   WHERE c.article_id = a.id AND c.status = 'approved'), 0)) AS lastmod
         FROM articles a WHERE a.listed = 1 AND ",
        public!(),
        " ORDER BY a.published_at DESC, a.id DESC"
    ))
    .fetch_all(pool)
    .await?)
}

pub async fn slug_of(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
    Ok(db::query_scalar("SELECT slug FROM articles WHERE id = $1").bind(id).fetch_optional(pool).await?)
}

/// The id of the published article with this slug.
pub async fn id_of_slug(pool: &Pool, slug: &str) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar(concat!("SELECT a.id FROM articles a WHERE a.slug = $1 AND ", public!()))
        .bind(slug)
        .fetch_optional(pool)
        .await?)
}

/// Whether an article's comments are open, closed or hidden (`None`: no such article, or one
/// readers cannot see).
pub async fn comments_mode(pool: &Pool, id: i64) -> Result<Option<CommentsMode>, StoreError> {
    let mode: Option<String> =
        db::query_scalar(concat!("SELECT a.comments_mode FROM articles a WHERE a.id = $1 AND ", public!()))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(mode.as_deref().map(CommentsMode::stored))
}

/// An article as a feed lists it.
pub struct FeedArticle {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    pub body_html: String,
    pub published_at: i64,
    pub updated_at: i64,
    pub note_kind: String,
    pub note: String,
    pub note_at: Option<i64>,
    /// The byline's names, in order (empty: the newsroom).
    pub authors: Vec<String>,
}

/// Which stories a feed lists: every listed one, or one section's (case-insensitive), one
/// tag's or one author's (by their addresses).
#[derive(Debug, Clone, Copy, Default)]
pub struct FeedOf<'a> {
    pub section: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub author: Option<&'a str>,
}

/// The latest listed articles a feed lists, newest first.
pub async fn for_feed(pool: &Pool, of: FeedOf<'_>, limit: i64) -> Result<Vec<FeedArticle>, StoreError> {
    let mut rows: Vec<FeedArticle> = db::query_as(concat!(
        "SELECT a.id, a.slug, a.title, a.standfirst, a.section, a.tags, a.body_html, a.published_at, a.updated_at,
                a.note_kind, a.note, a.note_at, CAST(NULL AS TEXT) AS authors
         FROM articles a WHERE a.listed = 1 AND ($1 IS NULL OR lower(a.section) = lower($1))
           AND ($3 IS NULL OR EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = $3))
           AND ($4 IS NULL OR EXISTS (SELECT 1 FROM article_authors w JOIN staff s ON s.id = w.staff_id
                                      WHERE w.article_id = a.id AND s.author_slug = $4)) AND ",
        public!(),
        "
         ORDER BY a.published_at DESC, a.id DESC LIMIT $2"
    ))
    .bind(of.section)
    .bind(limit)
    .bind(of.tag)
    .bind(of.author)
    .fetch_all(pool)
    .await?;
    for r in &mut rows {
        r.authors = authors_of(pool, r.id).await?.into_iter().map(|b| b.name).collect();
    }
    Ok(rows)
}

/// A comment as the article's comment feed lists it.
pub struct FeedComment {
    pub id: i64,
    pub author_name: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

/// The latest approved comments of an article, newest first.
pub async fn comments_for_feed(
    pool: &Pool,
    article_id: i64,
    limit: i64,
) -> Result<Vec<FeedComment>, StoreError> {
    Ok(db::query_as(concat!(
        "SELECT c.id, c.author_name, c.body_html, c.created_at, c.edited_at FROM comments c
         WHERE c.article_id = $1 AND c.status = 'approved' AND ",
        shown_in_thread!(),
        " ORDER BY c.created_at DESC, c.id DESC LIMIT $2"
    ))
    .bind(article_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
