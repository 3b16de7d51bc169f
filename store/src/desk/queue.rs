//! The desk's queue: comments by state, newest first, each with its context and its author's
//! record.
use crate::{Pool, StoreError};
use domain::desk::Queue;
use domain::desk_views::QueueEntry;

fn condition(q: Queue) -> &'static str {
    match q {
        Queue::Pending => "c.status = 'pending'",
        Queue::Reported => {
            "c.status IN ('approved', 'pending')
             AND EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id AND r.resolved_at IS NULL)"
        }
        Queue::Approved => "c.status = 'approved'",
        Queue::Spam => "c.status = 'spam'",
        Queue::Trash => "c.status = 'deleted' AND c.trashed_at IS NOT NULL",
    }
}

pub async fn counts(pool: &Pool) -> Result<Vec<(Queue, i64)>, StoreError> {
    let mut out = Vec::new();
    for q in Queue::ALL {
        let n: i64 = db::query_scalar(db::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM comments c WHERE {}",
            condition(q)
        )))
        .fetch_one(pool)
        .await?;
        out.push((q, n));
    }
    Ok(out)
}

pub const PAGE: i64 = 50;

/// A comment as the queue reads it, before its open reports are added.
struct Row {
    id: i64,
    status: String,
    author_name: String,
    author_email: Option<String>,
    ip_hash: Option<String>,
    reader_id: Option<String>,
    body: String,
    body_html: String,
    created_at: i64,
    held_for: Option<String>,
    pinned: bool,
    featured: bool,
    edited_by_staff: bool,
    slug: String,
    title: String,
    parent_author: Option<String>,
    parent_body: Option<String>,
    approved_before: i64,
    rejected_before: i64,
}
db::from_row!(Row {
    id,
    status,
    author_name,
    author_email,
    ip_hash,
    reader_id,
    body,
    body_html,
    created_at,
    held_for,
    pinned,
    featured,
    edited_by_staff,
    slug,
    title,
    parent_author,
    parent_body,
    approved_before,
    rejected_before,
});

/// One page of a queue: entries with an id below `before`, newest first.
pub async fn entries(
    pool: &Pool,
    q: Queue,
    before: Option<i64>,
) -> Result<(Vec<QueueEntry>, Option<i64>), StoreError> {
    select(pool, condition(q), before, None).await
}

/// The query `select` runs: only the bounds it has (`before`: `c.id < $2`; `only`: `c.id = $n`),
/// so that one comment is found by its key and a later page starts at its cursor. Written for
/// every case (`$1 IS NULL OR c.id < $1`), no plan made before the values are known could use
/// the key: the desk's page for one old comment walked the comments down from the newest.
/// Public for the test that reads both databases' plans of it (`schema.rs`).
pub fn select_sql(backend: db::Backend, condition: &str, before: bool, only: bool) -> String {
    // addresses are kept lower-cased; SQLite's NOCASE index finds them
    let nocase = if backend == db::Backend::Sqlite { "COLLATE NOCASE" } else { "" };
    let mut bounds = String::new();
    let mut n = 2;
    for (present, op) in [(before, "<"), (only, "=")] {
        if present {
            bounds.push_str(&format!(" AND c.id {op} ${n}"));
            n += 1;
        }
    }
    format!(
        "SELECT c.id, c.status, c.author_name, c.author_email, c.ip_hash, c.reader_id, c.body, c.body_html,
                c.created_at, c.held_for, c.pinned, c.featured, c.edited_by_staff,
                a.slug, a.title,
                p.author_name AS parent_author, p.body AS parent_body,
                (SELECT COUNT(*) FROM comments o
                  WHERE o.id <> c.id AND o.status = 'approved'
                    AND ((c.author_email IS NOT NULL AND o.author_email = c.author_email {nocase})
                         OR (c.author_email IS NULL AND o.reader_id = c.reader_id))) AS approved_before,
                (SELECT COUNT(*) FROM comments o
                  WHERE o.id <> c.id AND (o.status = 'spam' OR o.trashed_at IS NOT NULL)
                    AND ((c.author_email IS NOT NULL AND o.author_email = c.author_email {nocase})
                         OR (c.author_email IS NULL AND o.reader_id = c.reader_id))) AS rejected_before
         FROM comments c JOIN articles a ON a.id = c.article_id
         LEFT JOIN comments p ON p.id = c.parent_id
         WHERE {condition}{bounds}
         ORDER BY c.id DESC LIMIT $1"
    )
}

/// The comments meeting `condition` (a fixed SQL condition on `c`), below `before` or only
/// `only`, newest first: one page, and where the next one starts.
async fn select(
    pool: &Pool,
    condition: &str,
    before: Option<i64>,
    only: Option<i64>,
) -> Result<(Vec<QueueEntry>, Option<i64>), StoreError> {
    let sql = select_sql(pool.backend(), condition, before.is_some(), only.is_some());
    let mut query = db::query_as::<Row>(db::AssertSqlSafe(sql)).bind(PAGE + 1);
    for id in [before, only].into_iter().flatten() {
        query = query.bind(id);
    }
    let rows = query.fetch_all(pool).await?;
    let more = rows.len() as i64 > PAGE;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows.into_iter().take(PAGE as usize) {
        let id = r.id;
        let reports: Vec<(String, String)> = db::query_as(
            "SELECT reason, note FROM reports WHERE comment_id = $1 AND resolved_at IS NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let parent = r
            .parent_author
            .map(|a| (a, domain::passage::words(r.parent_body.as_deref().unwrap_or_default(), 30)));
        entries.push(QueueEntry {
            id,
            status: domain::CommentStatus::stored(&r.status),
            article_slug: r.slug,
            article_title: r.title,
            parent,
            author_name: r.author_name,
            author_email: r.author_email,
            ip_hash: r.ip_hash,
            reader_id: r.reader_id,
            body: r.body,
            body_html: r.body_html,
            created_at: r.created_at,
            held_for: r.held_for,
            pinned: r.pinned,
            featured: r.featured,
            edited_by_staff: r.edited_by_staff,
            approved_before: r.approved_before,
            rejected_before: r.rejected_before,
            reports,
        });
    }
    let next = more.then(|| entries.last().map(|e| e.id)).flatten();
    Ok((entries, next))
}

/// The comments the desk's page for one comment shows: any state but an author's own delete.
pub const ANY_STATE: &str = "(c.status IN ('pending', 'approved', 'spam') OR c.trashed_at IS NOT NULL)";

/// One comment as the queue shows it, whatever its state (the edit page).
/// (Not an author's own delete: its text is gone.)
pub async fn entry(pool: &Pool, id: i64) -> Result<Option<QueueEntry>, StoreError> {
    Ok(select(pool, ANY_STATE, None, Some(id)).await?.0.pop())
}

/// Whether an email has an approved comment written from this browser or network (first-time
/// commenters are held; typing a known commenter's email is not enough to pass).
pub async fn has_approved(
    pool: &Pool,
    email: &str,
    reader_id: &str,
    ip_hash: &str,
) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = $1 COLLATE NOCASE AND status = 'approved'
                        AND (reader_id = $2 OR ip_hash = $3))",
    )
    .or_postgres(
        "SELECT EXISTS (SELECT 1 FROM comments WHERE author_email = $1 AND status = 'approved'
                        AND (reader_id = $2 OR ip_hash = $3))",
    )
    .bind(email)
    .bind(reader_id)
    .bind(ip_hash)
    .fetch_one(pool)
    .await?)
}
