//! Stories in the desk: written, saved as revisions (a save names the revision it started from
//! and is refused if another came since), moved from draft to published and back, and
//! published at their time by the worker, once, whatever the number of servers.
use super::desk::{audit, Actor};
use super::{Pool, StoreError};
use domain::article::CommentsMode;
use domain::story::{CheckedStory, RevisionRow, StoryRow, StoryStatus};

/// A story as stored, for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRecord {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub section: String,
    pub tags: Vec<String>,
    pub body_markdown: String,
    pub status: StoryStatus,
    pub revision: i64,
    pub publish_at: Option<i64>,
    pub published_at: i64,
    pub listed: bool,
    pub comments_mode: CommentsMode,
    pub created_by: Option<i64>,
    pub first_published_at: Option<i64>,
    pub desk_edited_at: Option<i64>,
    pub note_kind: String,
    pub note: String,
    /// Withdrawn by an import (its original went private): shown to no reader, by no link.
    pub withdrawn_at: Option<i64>,
}
db::from_row!(StoryRecord {
    id,
    slug,
    title,
    standfirst,
    section,
    tags: String => crate::articles::tags,
    body_markdown,
    status: String => |s: String| StoryStatus::stored(&s),
    revision,
    publish_at,
    published_at,
    listed,
    comments_mode: String => |s: String| CommentsMode::stored(&s),
    created_by,
    first_published_at,
    desk_edited_at,
    note_kind,
    note,
    withdrawn_at,
});
db::from_row!(StoryRow {
    id,
    slug,
    title,
    section,
    status: String => |s: String| StoryStatus::stored(&s),
    writer,
    published_at,
    publish_at,
    desk_edited_at,
});
db::from_row!(RevisionRow { revision, saved_by, saved_at });

const RECORD: &str =
    "SELECT id, slug, title, standfirst, section, tags, body_markdown, status, revision, publish_at,
        published_at, listed, comments_mode, created_by, first_published_at, desk_edited_at, note_kind, note,
        withdrawn_at
        FROM articles";

/// Why a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Someone saved the story since the revision this save started from: the story as it is now.
    #[error("the story was saved by someone else since")]
    Conflict(Box<StoryRecord>),
    /// Someone moved the story (published it, say) since the editor saw it.
    #[error("the story was moved by someone else since")]
    Moved(Box<StoryRecord>),
    #[error("another story has this address")]
    SlugTaken,
    #[error("no such story")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<db::Error> for SaveError {
    fn from(e: db::Error) -> Self {
        SaveError::Store(e.into())
    }
}

/// The stories the desk lists, newest change first: every one, or `only_by`'s own (a writer).
pub async fn list(
    pool: &Pool,
    only_by: Option<i64>,
    status: Option<StoryStatus>,
    limit: i64,
) -> Result<Vec<StoryRow>, StoreError> {
    Ok(db::query_as(
        "SELECT a.id, a.slug, a.title, a.section, a.status, s.name AS writer, a.published_at, a.publish_at,
                a.desk_edited_at
         FROM articles a LEFT JOIN staff s ON s.id = a.created_by
         WHERE ($2 IS NULL OR a.created_by = $2) AND ($3 IS NULL OR a.status = $3)
         ORDER BY COALESCE(a.desk_edited_at, a.updated_at) DESC, a.id DESC LIMIT $1",
    )
    .bind(limit)
    .bind(only_by)
    .bind(status.map(StoryStatus::as_str))
    .fetch_all(pool)
    .await?)
}

/// How many stories are in each status (only `only_by`'s when given), in `StoryStatus::ALL`'s
/// order, none left out.
pub async fn counts(pool: &Pool, only_by: Option<i64>) -> Result<Vec<(StoryStatus, i64)>, StoreError> {
    let rows: Vec<(String, i64)> = db::query_as(
        "SELECT a.status, COUNT(*) FROM articles a WHERE ($1 IS NULL OR a.created_by = $1) GROUP BY a.status",
    )
    .bind(only_by)
    .fetch_all(pool)
    .await?;
    Ok(StoryStatus::ALL
        .iter()
        .map(|&st| (st, rows.iter().find(|(s, _)| s == st.as_str()).map_or(0, |(_, n)| *n)))
        .collect())
}

pub async fn get(pool: &Pool, id: i64) -> Result<Option<StoryRecord>, StoreError> {
    Ok(db::query_as(db::AssertSqlSafe(format!("{RECORD} WHERE id = $1")))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// The story's saved revisions, newest first.
pub async fn revisions(pool: &Pool, id: i64) -> Result<Vec<RevisionRow>, StoreError> {
    Ok(db::query_as(
        "SELECT revision, saved_by_name AS saved_by, saved_at FROM article_revisions
         WHERE article_id = $1 ORDER BY revision DESC LIMIT 200",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// One saved revision's text.
pub async fn revision(pool: &Pool, id: i64, revision: i64) -> Result<Option<CheckedStory>, StoreError> {
    let row: Option<(String, String, String, String, String, String)> = db::query_as(
        "SELECT slug, title, standfirst, section, tags, body_markdown FROM article_revisions
         WHERE article_id = $1 AND revision = $2",
    )
    .bind(id)
    .bind(revision)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(slug, title, standfirst, section, tags, body_markdown)| CheckedStory {
        slug,
        title,
        standfirst,
        section,
        tags: crate::articles::tags(tags),
        body_markdown,
        note_kind: String::new(),
        note: String::new(),
        authors: Vec::new(),
    }))
}

async fn slug_taken(tx: &mut db::Conn, slug: &str, not: i64) -> Result<bool, db::Error> {
    db::query_scalar("SELECT EXISTS (SELECT 1 FROM articles WHERE slug = $1 AND id <> $2)")
        .bind(slug)
        .bind(not)
        .fetch_one(tx)
        .await
}

async fn keep_revision(
    tx: &mut db::Conn,
    id: i64,
    revision: i64,
    text: &CheckedStory,
    who: &Actor,
    now: i64,
) -> Result<(), db::Error> {
    db::query(
        "INSERT INTO article_revisions (article_id, revision, slug, title, standfirst, section, tags, body_markdown,
                                        saved_by, saved_by_name, saved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(revision)
    .bind(&text.slug)
    .bind(&text.title)
    .bind(&text.standfirst)
    .bind(&text.section)
    .bind(serde_json::to_string(&text.tags).unwrap_or_else(|_| "[]".into()))
    .bind(&text.body_markdown)
    .bind((who.id > 0).then_some(who.id))
    .bind(&who.name)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

/// A new draft by `who`, at revision 1.
pub async fn create(
    pool: &Pool,
    text: &CheckedStory,
    body_html: &str,
    who: &Actor,
    now: i64,
) -> Result<i64, SaveError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        if slug_taken(&mut tx, &text.slug, 0).await? {
            return Err(SaveError::SlugTaken);
        }
        let id: i64 = db::query_scalar(
            "INSERT INTO articles (slug, title, standfirst, section, tags, body_markdown, body_html, published_at,
                                   updated_at, status, revision, created_by, desk_edited_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'draft', 1, $9, $8) RETURNING id",
        )
        .bind(&text.slug)
        .bind(&text.title)
        .bind(&text.standfirst)
        .bind(&text.section)
        .bind(serde_json::to_string(&text.tags).unwrap_or_else(|_| "[]".into()))
        .bind(&text.body_markdown)
        .bind(body_html)
        .bind(now)
        .bind((who.id > 0).then_some(who.id))
        .fetch_one(&mut *tx)
        .await?;
        keep_revision(&mut tx, id, 1, text, who, now).await?;
        crate::articles::sync_tags(&mut tx, id, &text.tags).await?;
        crate::articles::sync_authors(&mut tx, id, &text.authors).await?;
        crate::search::index_story(&mut tx, id, &text.title, &text.standfirst, body_html).await?;
        audit::record(&mut tx, who, "story created", &format!("story {}", text.slug), None, Some("draft"), now)
            .await?;
        Ok(id)
    }
    .await;
    super::end(tx, result).await
}

/// Saves `text` over revision `base`: a new revision, or `Conflict` with the story as it is now
/// when someone saved since. A published story keeps its old address answering (a redirect).
/// Passages (the editor's and readers') are anchored again in the new text.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    pool: &Pool,
    id: i64,
    base: i64,
    seen: StoryStatus,
    text: &CheckedStory,
    body_html: &str,
    listed: bool,
    mode: CommentsMode,
    who: &Actor,
    now: i64,
) -> Result<i64, SaveError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let current: Option<StoryRecord> = db::query_as(db::AssertSqlSafe(format!("{RECORD} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(current) = current else { return Err(SaveError::NotFound) };
        if current.revision != base {
            return Err(SaveError::Conflict(Box::new(current)));
        }
        // a writer's text does not land on a story an editor published meanwhile
        if current.status != seen {
            return Err(SaveError::Moved(Box::new(current)));
        }
        if text.slug != current.slug {
            if slug_taken(&mut tx, &text.slug, id).await? {
                return Err(SaveError::SlugTaken);
            }
            db::query("DELETE FROM article_old_slugs WHERE slug = $1").bind(&text.slug).execute(&mut *tx).await?;
            if current.first_published_at.is_some() {
                // (an address another story once had and left is this one's now)
                db::query(
                    "INSERT INTO article_old_slugs (slug, article_id) VALUES ($1, $2)
                     ON CONFLICT (slug) DO UPDATE SET article_id = excluded.article_id",
                )
                    .bind(&current.slug)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let revision = base + 1;
        db::query(
            "UPDATE articles SET slug = $1, title = $2, standfirst = $3, section = $4, tags = $5, body_markdown = $6,
                    body_html = $7, listed = $8, comments_mode = $9, revision = $10, desk_edited_at = $11,
                    updated_at = CASE WHEN status = 'published' THEN $11 ELSE updated_at END,
                    note_at = CASE WHEN note <> $14 OR note_kind <> $15 THEN $11 ELSE note_at END,
                    note = $14, note_kind = $15
             WHERE id = $12 AND revision = $13",
        )
        .bind(&text.slug)
        .bind(&text.title)
        .bind(&text.standfirst)
        .bind(&text.section)
        .bind(serde_json::to_string(&text.tags).unwrap_or_else(|_| "[]".into()))
        .bind(&text.body_markdown)
        .bind(body_html)
        .bind(listed)
        .bind(mode.as_str())
        .bind(revision)
        .bind(now)
        .bind(id)
        .bind(base)
        .bind(&text.note)
        .bind(&text.note_kind)
        .execute(&mut *tx)
        .await?;
        keep_revision(&mut tx, id, revision, text, who, now).await?;
        crate::articles::sync_tags(&mut tx, id, &text.tags).await?;
        crate::articles::sync_authors(&mut tx, id, &text.authors).await?;
        crate::search::index_story(&mut tx, id, &text.title, &text.standfirst, body_html).await?;
        super::passages::sync(&mut tx, id, body_html, None, now).await?;
        audit::record(
            &mut tx,
            who,
            "story saved",
            &format!("story {}", text.slug),
            Some(&base.to_string()),
            Some(&revision.to_string()),
            now,
        )
        .await?;
        Ok(revision)
    }
    .await;
    super::end(tx, result).await
}

/// Moves story `id` from `from` to `to` (the status and `revision` it was seen in: refused,
/// `false`, if it moved or was saved since). Publishing dates a story's first publication now, and sets its publication
/// time; scheduling sets when.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    pool: &Pool,
    id: i64,
    from: StoryStatus,
    revision: i64,
    to: StoryStatus,
    publish_at: Option<i64>,
    who: &Actor,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let slug: Option<String> = match to {
            StoryStatus::Published => {
                db::query_scalar(
                    "UPDATE articles SET status = 'published', publish_at = NULL,
                        published_at = CASE WHEN first_published_at IS NULL THEN $1 ELSE published_at END,
                        updated_at = $1, first_published_at = COALESCE(first_published_at, $1)
                 WHERE id = $2 AND status = $3 AND revision = $4 RETURNING slug",
                )
                .bind(now)
                .bind(id)
                .bind(from.as_str())
                .bind(revision)
                .fetch_optional(&mut *tx)
                .await?
            }
            _ => {
                db::query_scalar(
                    "UPDATE articles SET status = $1, publish_at = $2
                 WHERE id = $3 AND status = $4 AND revision = $5 RETURNING slug",
                )
                .bind(to.as_str())
                .bind(publish_at)
                .bind(id)
                .bind(from.as_str())
                .bind(revision)
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let Some(slug) = slug else { return Ok(false) };
        let after = match publish_at {
            Some(at) if to == StoryStatus::Scheduled => format!("scheduled for {at}"),
            _ => to.as_str().to_string(),
        };
        audit::record(
            &mut tx,
            who,
            "story status",
            &format!("story {slug}"),
            Some(from.as_str()),
            Some(&after),
            now,
        )
        .await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    super::end(tx, result).await
}

/// Publishes every scheduled story whose time has come, and names them (id, slug). One
/// statement: with several servers' workers at it, each story is published by exactly one of
/// them (the others' update finds it published already).
pub async fn publish_due(pool: &Pool, now: i64) -> Result<Vec<(i64, String)>, StoreError> {
    let mut tx = super::begin(pool).await?;
    let result = async {
        let due: Vec<(i64, String)> = db::query_as(
            "UPDATE articles SET status = 'published', published_at = CASE WHEN first_published_at IS NULL
                        THEN publish_at ELSE published_at END,
                    updated_at = publish_at, first_published_at = COALESCE(first_published_at, publish_at),
                    publish_at = NULL
             WHERE status = 'scheduled' AND publish_at <= $1 RETURNING id, slug",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let worker = Actor { id: 0, name: "Scheduled publication".into() };
        for (_, slug) in &due {
            audit::record(
                &mut tx,
                &worker,
                "story status",
                &format!("story {slug}"),
                Some("scheduled"),
                Some("published"),
                now,
            )
            .await?;
        }
        Ok::<_, StoreError>(due)
    }
    .await;
    super::end(tx, result).await
}

/// The next time a scheduled story is due, if any (the worker sleeps until then at most).
pub async fn next_due(pool: &Pool) -> Result<Option<i64>, StoreError> {
    Ok(db::query_scalar("SELECT MIN(publish_at) FROM articles WHERE status = 'scheduled'")
        .fetch_one(pool)
        .await?)
}

/// Whether `slug` is a story the desk unpublished (its address answers 410 Gone).
pub async fn is_gone(pool: &Pool, slug: &str) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE slug = $1 AND status = 'unpublished' AND withdrawn_at IS NULL)",
    )
    .bind(slug)
    .fetch_one(pool)
    .await?)
}

/// Where an old address of a published story went (its slug now).
pub async fn moved_to(pool: &Pool, old: &str) -> Result<Option<String>, StoreError> {
    Ok(db::query_scalar(concat!(
        "SELECT a.slug FROM article_old_slugs o JOIN articles a ON a.id = o.article_id WHERE o.slug = $1 AND ",
        crate::public!()
    ))
    .bind(old)
    .fetch_optional(pool)
    .await?)
}
