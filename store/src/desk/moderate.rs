//! What editors do to a comment: approve, mark spam, trash, restore, pin, feature, edit. Each
//! change keeps the article's and the thread's counters right, queues the notifications of a
//! comment approved for the first time, and is written to the audit log, all in one
//! transaction.
use super::{audit, Actor};
use crate::{Pool, StoreError};
use db::Conn;
use domain::desk::Moderation;
use domain::CommentStatus;

/// What a change did, for the live stream and the mail worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The comment became visible: (article, comment).
    pub shown: Option<(i64, i64)>,
    /// Notifications were queued.
    pub mailed: bool,
    pub changed: bool,
}

struct Current {
    article_id: i64,
    root_id: Option<i64>,
    status: CommentStatus,
    approved_at: Option<i64>,
    trashed: bool,
    pinned: bool,
    featured: bool,
}
db::from_row!(Current {
    article_id,
    root_id,
    status: String => |s: String| CommentStatus::stored(&s),
    approved_at,
    trashed,
    pinned,
    featured,
});

async fn current(conn: &mut Conn, id: i64) -> Result<Option<Current>, db::Error> {
    db::query_as(
        "SELECT article_id, root_id, status, approved_at, trashed_at IS NOT NULL AS trashed, pinned, featured
         FROM comments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The article's count and the thread's reply count follow a comment into or out of view.
pub(crate) async fn count_visible(
    conn: &mut Conn,
    id: i64,
    article_id: i64,
    root_id: Option<i64>,
    delta: i64,
) -> Result<(), db::Error> {
    db::query("UPDATE articles SET comment_count = CASE WHEN comment_count + $1 > 0 THEN comment_count + $1 ELSE 0 END WHERE id = $2")
        .bind(delta)
        .bind(article_id)
        .execute(&mut *conn)
        .await?;
    if let Some(root) = root_id.filter(|r| *r != id) {
        db::query("UPDATE comments SET reply_count = CASE WHEN reply_count + $1 > 0 THEN reply_count + $1 ELSE 0 END WHERE id = $2")
            .bind(delta)
            .bind(root)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The status a comment moves to, or `None` when the action does not apply to it.
fn next_status(c: &Current, action: Moderation) -> Option<CommentStatus> {
    use CommentStatus::{Approved, Deleted, Pending, Spam};
    let (status, trashed) = (c.status, c.trashed);
    // an author's own delete (no trashed_at) emptied the text: nothing to bring back
    let removed_by_author = status == Deleted && !trashed;
    match action {
        Moderation::Approve if status != Approved && !removed_by_author => Some(Approved),
        Moderation::Spam if status != Spam && !removed_by_author => Some(Spam),
        Moderation::Trash if status != Deleted => Some(Deleted),
        Moderation::Restore if status == Spam || trashed => {
            Some(if c.approved_at.is_some() { Approved } else { Pending })
        }
        _ => None,
    }
}

pub async fn apply(
    pool: &Pool,
    id: i64,
    action: Moderation,
    who: &Actor,
    now: i64,
) -> Result<Outcome, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = apply_in(&mut tx, id, action, who, now).await;
    crate::end(tx, result).await
}

pub async fn apply_in(
    tx: &mut Conn,
    id: i64,
    action: Moderation,
    who: &Actor,
    now: i64,
) -> Result<Outcome, StoreError> {
    let Some(c) = current(&mut *tx, id).await? else { return Ok(Outcome::default()) };
    let target = format!("comment #{id}");
    let flag = |name: &'static str, on: bool, was: bool| (name, on, was);
    let toggle = match action {
        Moderation::Pin => Some(flag("pinned", true, c.pinned)),
        Moderation::Unpin => Some(flag("pinned", false, c.pinned)),
        Moderation::Feature => Some(flag("featured", true, c.featured)),
        Moderation::Unfeature => Some(flag("featured", false, c.featured)),
        _ => None,
    };
    if let Some((column, on, was)) = toggle {
        if on == was || (on && c.status != CommentStatus::Approved) {
            return Ok(Outcome::default());
        }
        let sql = if column == "pinned" {
            "UPDATE comments SET pinned = $1 WHERE id = $2"
        } else {
            "UPDATE comments SET featured = $1 WHERE id = $2"
        };
        db::query(sql).bind(on).bind(id).execute(&mut *tx).await?;
        let (b, a) = if on { ("no", "yes") } else { ("yes", "no") };
        audit::record(&mut *tx, who, &format!("comment {column}"), &target, Some(b), Some(a), now).await?;
        return Ok(Outcome { changed: true, ..Default::default() });
    }
    let Some(status) = next_status(&c, action) else { return Ok(Outcome::default()) };
    let was_visible = c.status == CommentStatus::Approved;
    let visible = status == CommentStatus::Approved;
    let first_approval = visible && c.approved_at.is_none();
    db::query(
        "UPDATE comments SET status = $2,
                trashed_at = CASE WHEN $2 = 'deleted' THEN $3 ELSE NULL END,
                approved_at = CASE WHEN $2 = 'approved' THEN COALESCE(approved_at, $3) ELSE approved_at END,
                held_for = CASE WHEN $2 = 'pending' THEN held_for ELSE NULL END,
                pinned = CASE WHEN $2 = 'approved' THEN pinned ELSE 0 END
         WHERE id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if was_visible != visible {
        count_visible(&mut *tx, id, c.article_id, c.root_id, if visible { 1 } else { -1 }).await?;
    }
    // an editor's decision answers the reports made so far
    db::query("UPDATE reports SET resolved_at = $1 WHERE comment_id = $2 AND resolved_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mailed =
        if first_approval { crate::notify::enqueue_for_comment(&mut *tx, id, now).await? > 0 } else { false };
    let before = if c.trashed { "trash" } else { c.status.label() };
    let after = if status == CommentStatus::Deleted { "trash" } else { status.label() };
    audit::record(
        &mut *tx,
        who,
        &format!("comment {}", action.as_str()),
        &target,
        Some(before),
        Some(after),
        now,
    )
    .await?;
    Ok(Outcome {
        shown: visible.then_some((c.article_id, id)).filter(|_| !was_visible),
        mailed,
        changed: true,
    })
}

/// An editor changes a comment's text; the page marks it "edited by the editors".
pub async fn edit_text(
    pool: &Pool,
    id: i64,
    body: &str,
    body_html: &str,
    who: &Actor,
    now: i64,
) -> Result<bool, StoreError> {
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let before: Option<String> = db::query_scalar("SELECT body FROM comments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else { return Ok(false) };
        if before == body {
            return Ok(true);
        }
        db::query(
            "UPDATE comments SET body = $1, body_html = $2, body_text = $3, edited_by_staff = 1, edited_at = $4 WHERE id = $5",
        )
        .bind(body)
        .bind(body_html)
        .bind(domain::text::html_to_text(body_html))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            who,
            "comment edited",
            &format!("comment #{id}"),
            Some(&before),
            Some(body),
            now,
        )
        .await?;
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}

/// Opens, closes or hides an article's comments.
pub async fn set_article_mode(
    pool: &Pool,
    slug: &str,
    mode: domain::article::CommentsMode,
    who: &Actor,
    now: i64,
) -> Result<bool, StoreError> {
    let mode = mode.as_str();
    let mut tx = crate::begin(pool).await?;
    let result = async {
        let before: Option<String> = db::query_scalar("SELECT comments_mode FROM articles WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(before) = before else { return Ok(false) };
        if before != mode {
            db::query("UPDATE articles SET comments_mode = $1 WHERE slug = $2")
                .bind(mode)
                .bind(slug)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                who,
                "article comments",
                &format!("article {slug}"),
                Some(&before),
                Some(mode),
                now,
            )
            .await?;
        }
        Ok::<_, StoreError>(true)
    }
    .await;
    crate::end(tx, result).await
}
