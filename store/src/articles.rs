use super::{Pool, StoreError};
use domain::article::CommentsMode;
use domain::{Article, ArticleSummary};

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

/// What importing a content file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    New,
    /// The file changed since the last import: the article was updated and its passages
    /// anchored again.
    Updated,
    Unchanged,
}

/// Stores an article from its content file: new slugs are inserted, changed files update the
/// article, and every passage (the editor's and readers') is anchored again in the new text,
/// in the same transaction.
pub async fn import(pool: &Pool, a: &NewArticle, now: i64) -> Result<Imported, StoreError> {
    let tags = serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into());
    let mut tx = super::begin(pool).await?;
    let result = async {
        let existing = db::query(
            "SELECT id, title, standfirst, section, tags, body_markdown, listed, withdrawn_at FROM articles
             WHERE slug = $1",
        )
        .bind(&a.slug)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, outcome) = match existing {
            None => {
                let id: i64 = db::query_scalar(
                    "INSERT INTO articles (slug, title, standfirst, section, tags, body_markdown, body_html,
                                           published_at, updated_at, listed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
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
                .fetch_one(&mut *tx)
                .await?;
                (id, Imported::New)
            }
            Some(row) => {
                let id: i64 = row.get("id");
                let same = row.get::<String, _>("title") == a.title
                    && row.get::<String, _>("standfirst") == a.standfirst
                    && row.get::<String, _>("section") == a.section
                    && row.get::<String, _>("tags") == tags
                    && row.get::<String, _>("body_markdown") == a.body_markdown
                    && row.get::<bool, _>("listed") == a.listed
                    && row.get::<Option<i64>, _>("withdrawn_at").is_none();
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
        super::passages::sync(&mut tx, id, &a.body_html, &a.feedback, now).await?;
        Ok::<_, StoreError>(outcome)
    }
    .await;
    super::end(tx, result).await
}

/// Newest first; only one section's when `section` is given (case-insensitive).
pub async fn front_page(
    pool: &Pool,
    section: Option<&str>,
    limit: i64,
) -> Result<Vec<ArticleSummary>, StoreError> {
    let rows = db::query(
        "SELECT a.slug, a.title, a.standfirst, a.section, a.published_at,
                a.comment_count AS n
         FROM articles a
         WHERE a.listed = 1 AND ($1 IS NULL OR lower(a.section) = lower($1))
         ORDER BY a.published_at DESC, a.id DESC LIMIT $2",
    )
    .bind(section)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ArticleSummary {
            slug: r.get("slug"),
            title: r.get("title"),
            standfirst: r.get("standfirst"),
            section: r.get("section"),
            published_at: r.get("published_at"),
            comment_count: r.get("n"),
        })
        .collect())
}

pub async fn by_slug(pool: &Pool, slug: &str) -> Result<Option<Article>, StoreError> {
    let row = db::query(
        "SELECT a.id, a.slug, a.title, a.standfirst, a.section, a.tags, a.body_html,
                a.published_at, a.updated_at, a.comment_count AS n, a.comments_mode
         FROM articles a WHERE a.slug = $1 AND a.withdrawn_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Article {
        id: r.get("id"),
        slug: r.get("slug"),
        title: r.get("title"),
        standfirst: r.get("standfirst"),
        section: r.get("section"),
        tags: serde_json::from_str(r.get_str("tags")).unwrap_or_default(),
        body_html: r.get("body_html"),
        published_at: r.get("published_at"),
        updated_at: r.get("updated_at"),
        comment_count: r.get("n"),
        comments_mode: CommentsMode::stored(r.get_str("comments_mode")),
    }))
}

/// Every article with its comment mode, newest first (the desk).
pub async fn comment_modes(pool: &Pool) -> Result<Vec<domain::desk_views::ArticleMode>, StoreError> {
    let rows = db::query(
        "SELECT slug, title, published_at, comments_mode FROM articles ORDER BY published_at DESC, id DESC LIMIT 1000",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| domain::desk_views::ArticleMode {
            slug: r.get("slug"),
            title: r.get("title"),
            published_at: r.get("published_at"),
            mode: CommentsMode::stored(r.get_str("comments_mode")),
        })
        .collect())
}

/// (slug, last modified) for every article, for the sitemap. A new comment counts as a change.
pub async fn sitemap(pool: &Pool) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = db::query(
        "SELECT a.slug, MAX(a.updated_at, COALESCE(
                  (SELECT MAX(c.created_at) FROM comments c
                   WHERE c.article_id = a.id AND c.status = 'approved'), 0)) AS lastmod
         FROM articles a WHERE a.listed = 1 ORDER BY a.published_at DESC, a.id DESC",
    )
    .or_postgres(
        "SELECT a.slug, GREATEST(a.updated_at, COALESCE(
                  (SELECT MAX(c.created_at) FROM comments c
                   WHERE c.article_id = a.id AND c.status = 'approved'), 0)) AS lastmod
         FROM articles a WHERE a.listed = 1 ORDER BY a.published_at DESC, a.id DESC",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.get("slug"), r.get("lastmod"))).collect())
}

pub async fn slug_of(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
    Ok(db::query_scalar("SELECT slug FROM articles WHERE id = $1").bind(id).fetch_optional(pool).await?)
}

/// The id of the published article with this slug.
pub async fn id_of_slug(pool: &Pool, slug: &str) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar("SELECT id FROM articles WHERE slug = $1 AND withdrawn_at IS NULL")
        .bind(slug)
        .fetch_optional(pool)
        .await?)
}

/// Whether an article's comments are open, closed or hidden (`None`: no such article).
pub async fn comments_mode(pool: &Pool, id: i64) -> Result<Option<CommentsMode>, StoreError> {
    let mode: Option<String> = db::query_scalar("SELECT comments_mode FROM articles WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(mode.as_deref().map(CommentsMode::stored))
}

/// An article as a feed lists it.
pub struct FeedArticle {
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    pub body_html: String,
    pub published_at: i64,
    pub updated_at: i64,
}

/// The latest listed articles (of one section when given, case-insensitive), newest first.
pub async fn for_feed(
    pool: &Pool,
    section: Option<&str>,
    limit: i64,
) -> Result<Vec<FeedArticle>, StoreError> {
    let rows = db::query(
        "SELECT slug, title, standfirst, section, tags, body_html, published_at, updated_at
         FROM articles WHERE listed = 1 AND ($1 IS NULL OR lower(section) = lower($1))
         ORDER BY published_at DESC, id DESC LIMIT $2",
    )
    .bind(section)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| FeedArticle {
            slug: r.get("slug"),
            title: r.get("title"),
            standfirst: r.get("standfirst"),
            section: r.get("section"),
            tags: serde_json::from_str(r.get_str("tags")).unwrap_or_default(),
            body_html: r.get("body_html"),
            published_at: r.get("published_at"),
            updated_at: r.get("updated_at"),
        })
        .collect())
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
    let rows = db::query(
        "SELECT c.id, c.author_name, c.body_html, c.created_at, c.edited_at FROM comments c
         WHERE c.article_id = $1 AND c.status = 'approved'
           -- a reply shows only where its thread does (not under a held or spam comment)
           AND (c.root_id = c.id OR (SELECT r.status FROM comments r WHERE r.id = c.root_id) IN ('approved', 'deleted'))
         ORDER BY c.created_at DESC, c.id DESC LIMIT $2",
    )
    .bind(article_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| FeedComment {
            id: r.get("id"),
            author_name: r.get("author_name"),
            body_html: r.get("body_html"),
            created_at: r.get("created_at"),
            edited_at: r.get("edited_at"),
        })
        .collect())
}
