//! Reading the thread: a page of top-level comments (keyset, by sort and filter) with their replies.
use crate::{Pool, StoreError};
use domain::thread::{Cursor, Filter, Sort, ThreadQuery, PAGE_SIZE};
use domain::{CommentStatus, CommentView};

/// Who may see what: the reader asking, the time, and how long authors may edit.
#[derive(Debug, Clone, Copy)]
pub struct Viewer<'a> {
    pub reader_id: Option<&'a str>,
    pub now: i64,
    pub edit_window: i64,
}

/// One page of the thread: top-level comments with all their visible replies.
#[derive(Debug, Default)]
pub struct Page {
    pub roots: Vec<CommentView>,
    pub replies: Vec<CommentView>,
    pub next: Option<Cursor>,
    /// For the filters: the comment to point at (a permalink's comment is the page's
    /// `#fragment`, marked by the stylesheet's `:target`).
    pub highlight: Option<i64>,
    /// The view shown: a permalink (`comment=`) becomes the first page when its thread is on
    /// it (`Landing`), or its thread named by the top-level comment.
    pub query: ThreadQuery,
}

/// Where a permalink to a comment (`?comment=N`) lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// Not a comment this article shows: the first page.
    Nowhere,
    /// Its thread is on the first page in the permalink's sort: the permalink is that page.
    FirstPage,
    /// Its thread alone, named by its top-level comment.
    Thread(i64),
}

/// Where a permalink to comment `id` of this article lands in `sort` (two indexed lookups).
/// Every comment of one thread lands on the same page, so a page cache keeps one copy per
/// thread at most, and none for the threads of the first page.
pub async fn landing(pool: &Pool, article_id: i64, id: i64, sort: Sort) -> Result<Landing, StoreError> {
    let root: Option<(i64, i64)> = db::query_as(
        "SELECT r.id, r.pinned FROM comments c JOIN comments r ON r.id = COALESCE(c.root_id, c.id)
         WHERE c.id = $1 AND c.article_id = $2 AND c.status IN ('approved', 'deleted')
           AND (r.status = 'approved' OR (r.status = 'deleted' AND r.reply_count > 0))",
    )
    .bind(id)
    .bind(article_id)
    .fetch_optional(pool)
    .await?;
    let Some((root, pinned)) = root else { return Ok(Landing::Nowhere) };
    if pinned != 0 {
        return Ok(Landing::FirstPage);
    }
    let order = match sort {
        Sort::Newest => "c.created_at DESC, c.id DESC",
        Sort::Oldest => "c.created_at ASC, c.id ASC",
        Sort::Votes => "c.score DESC, c.id DESC",
    };
    let first: Vec<i64> = db::query_scalar(db::AssertSqlSafe(format!(
        "SELECT c.id FROM comments c WHERE c.article_id = $1 AND c.parent_id IS NULL AND {VISIBLE_ROOT}
         ORDER BY {order} LIMIT $2"
    )))
    .bind(article_id)
    .bind(PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    Ok(if first.contains(&root) { Landing::FirstPage } else { Landing::Thread(root) })
}

/// Whether `cursor` is where a page of this article's top-level comments in `sort` ends: a
/// visible top-level comment with that sort key (what a "Load more" link carries).
pub async fn is_cursor(pool: &Pool, article_id: i64, sort: Sort, cursor: Cursor) -> Result<bool, StoreError> {
    let key = if sort == Sort::Votes { "c.score" } else { "c.created_at" };
    Ok(db::query_scalar(db::AssertSqlSafe(format!(
        "SELECT EXISTS (SELECT 1 FROM comments c WHERE c.id = $1 AND c.article_id = $2 AND c.parent_id IS NULL
                        AND {key} = $3 AND {VISIBLE_ROOT})"
    )))
    .bind(cursor.id)
    .bind(article_id)
    .bind(cursor.key)
    .fetch_one(pool)
    .await?)
}

/// Whether `id` is an approved comment of this article (one a reply form may answer).
pub async fn is_approved_in(pool: &Pool, article_id: i64, id: i64) -> Result<bool, StoreError> {
    Ok(db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM comments WHERE id = $1 AND article_id = $2 AND status = 'approved')",
    )
    .bind(id)
    .bind(article_id)
    .fetch_one(pool)
    .await?)
}

pub(super) const COLUMNS: &str = "c.id, c.parent_id, c.root_id, c.depth, c.status, c.author_name, c.body, c.body_html, c.body_text,
     c.created_at, c.edited_at, c.score, c.reply_count, c.reader_id, c.passage_id,
     c.pinned, c.featured, c.edited_by_staff,
     (SELECT p.quote FROM passages p WHERE p.id = c.passage_id) AS passage_quote,
     (SELECT p.start_at IS NULL FROM passages p WHERE p.id = c.passage_id) AS passage_changed,
     COALESCE((SELECT v.value FROM comment_votes v WHERE v.comment_id = c.id AND v.reader_id = $1), 0) AS my_vote";

/// A comment as `COLUMNS` reads it.
pub(super) struct ThreadRow {
    id: i64,
    parent_id: Option<i64>,
    depth: i64,
    status: String,
    author_name: String,
    body: String,
    body_html: String,
    body_text: Option<String>,
    created_at: i64,
    edited_at: Option<i64>,
    score: i64,
    reply_count: i64,
    reader_id: Option<String>,
    passage_id: Option<i64>,
    pinned: bool,
    featured: bool,
    edited_by_staff: bool,
    passage_quote: Option<String>,
    passage_changed: Option<bool>,
    my_vote: i64,
}
db::from_row!(ThreadRow {
    id,
    parent_id,
    depth,
    status,
    author_name,
    body,
    body_html,
    body_text,
    created_at,
    edited_at,
    score,
    reply_count,
    reader_id,
    passage_id,
    pinned,
    featured,
    edited_by_staff,
    passage_quote,
    passage_changed,
    my_vote,
});

/// The most top-level comments a page extended by `until` shows (five pages).
pub const MAX_UNTIL: i64 = PAGE_SIZE * 5;

/// A top-level comment is shown while approved, or deleted with replies to keep in place.
pub(super) const VISIBLE_ROOT: &str =
    "(c.status = 'approved' OR (c.status = 'deleted' AND c.reply_count > 0))";

pub(super) fn view(r: ThreadRow, v: &Viewer) -> CommentView {
    let status = CommentStatus::stored(&r.status);
    let deleted = status == CommentStatus::Deleted;
    let mine = v.reader_id.is_some() && r.reader_id.as_deref() == v.reader_id;
    let created_at = r.created_at;
    let editable = mine && !deleted && v.now - created_at < v.edit_window;
    CommentView {
        id: r.id,
        parent_id: r.parent_id,
        depth: r.depth,
        author_name: if deleted { String::new() } else { r.author_name },
        body_html: if deleted { String::new() } else { r.body_html },
        text: if deleted { None } else { r.body_text },
        created_at,
        score: r.score,
        my_vote: r.my_vote as i8,
        mine,
        editable_until: editable.then_some(created_at + v.edit_window),
        source: editable.then_some(r.body),
        deleted,
        edited: r.edited_at.is_some(),
        reply_count: r.reply_count,
        passage: r.passage_id.map(|id| domain::PassageRef {
            id,
            quote: domain::passage::words(r.passage_quote.as_deref().unwrap_or_default(), 20),
            changed: r.passage_changed.unwrap_or(true),
        }),
        held: status == CommentStatus::Pending,
        pinned: r.pinned,
        featured: r.featured,
        edited_by_staff: r.edited_by_staff,
    }
}

/// The page of the thread `q` asks for. With `until`, the first page reaches through that
/// position instead (what "Load more" has shown), so a refresh keeps the reader's place.
pub async fn page(
    pool: &Pool,
    article_id: i64,
    q: &ThreadQuery,
    until: Option<Cursor>,
    v: &Viewer<'_>,
) -> Result<Page, StoreError> {
    let reader = v.reader_id.unwrap_or("");
    let mut next = None;
    let shown = match q.focus {
        Some(focus) => match landing(pool, article_id, focus, q.sort).await? {
            Landing::Thread(root) => ThreadQuery { sort: q.sort, focus: Some(root), ..Default::default() },
            Landing::FirstPage | Landing::Nowhere => ThreadQuery { sort: q.sort, ..Default::default() },
        },
        None => *q,
    };
    let q = &shown;
    // which top-level comments, in which order
    let (root_rows, highlight) = if let Some(root) = q.focus {
        (roots_by_id(pool, Some(root), reader).await?, None)
    } else if let Some(filter @ (Filter::Reacted | Filter::Hottest)) = q.filter {
        let pick: Option<(i64, i64)> = if filter == Filter::Reacted {
            db::query_as(
                "SELECT COALESCE(root_id, id), id FROM comments
                 WHERE article_id = $1 AND status = 'approved' AND score > 0
                 ORDER BY score DESC, id ASC LIMIT 1",
            )
        } else {
            db::query_as(
                "SELECT id, id FROM comments
                 WHERE article_id = $1 AND parent_id IS NULL AND status = 'approved' AND reply_count > 0
                 ORDER BY reply_count DESC, id ASC LIMIT 1",
            )
        }
        .bind(article_id)
        .fetch_optional(pool)
        .await?;
        (roots_by_id(pool, pick.map(|p| p.0), reader).await?, pick.map(|p| p.1))
    } else {
        let (from, to) = match (q.after, until) {
            (Some(after), _) => (Some(after), None),
            (None, until) => (None, until),
        };
        let feedback = q.filter == Some(Filter::Feedback);
        let mut rows = top_level(pool, article_id, q.sort, from, to, reader, feedback).await?;
        if to.is_none() && rows.len() as i64 > PAGE_SIZE {
            rows.truncate(PAGE_SIZE as usize);
            next = rows.last().map(|r| cursor_of(r, q.sort));
        } else if let Some(to) = to {
            // cut short by MAX_UNTIL: "Load more" continues after the last one shown
            let last = rows.last().map(|r| cursor_of(r, q.sort)).filter(|_| rows.len() as i64 >= MAX_UNTIL);
            let from = last.unwrap_or(to);
            let more = top_level(pool, article_id, q.sort, Some(from), None, reader, feedback).await?;
            next = (!more.is_empty()).then_some(from);
        }
        // the first page: the reader's own held comments, then the pinned ones, then the rest
        if q.after.is_none() && q.filter.is_none() {
            // SQLite is told which index to take; PostgreSQL's planner chooses by itself
            let pinned_index =
                if pool.backend() == db::Backend::Sqlite { "INDEXED BY comments_pinned" } else { "" };
            let mut first: Vec<ThreadRow> = db::query_as(db::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM comments c
                 WHERE c.id IN (
                     -- each through its own index (the reader's; the pinned), not a walk over
                     -- every top-level comment of the article
                     SELECT id FROM comments WHERE $1 <> '' AND reader_id = $1 AND article_id = $2
                       AND parent_id IS NULL AND status = 'pending'
                     UNION ALL
                     SELECT id FROM comments {pinned_index} WHERE article_id = $2 AND pinned = 1
                       AND parent_id IS NULL AND status = 'approved')
                 ORDER BY c.status = 'approved', c.created_at DESC, c.id DESC LIMIT 50"
            )))
            .bind(reader)
            .bind(article_id)
            .fetch_all(pool)
            .await?;
            let ids: Vec<i64> = first.iter().map(|r| r.id).collect();
            rows.retain(|r| !ids.contains(&r.id));
            first.append(&mut rows);
            rows = first;
        } else if q.filter.is_none() {
            rows.retain(|r| !r.pinned);
        }
        (rows, None)
    };
    let roots: Vec<CommentView> = root_rows.into_iter().map(|r| view(r, v)).collect();
    let ids = serde_json::to_string(&roots.iter().map(|c| c.id).collect::<Vec<_>>()).unwrap_or_default();
    // `+c.status`: the status must not choose the index (it made SQLite walk every approved
    // comment of the site); the replies of these roots come through `comments_by_root`
    let (roots_in, status) = match pool.backend() {
        db::Backend::Sqlite => ("SELECT value FROM json_each($2)", "+c.status"),
        db::Backend::Postgres => {
            ("SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb)", "c.status")
        }
    };
    let reply_rows: Vec<ThreadRow> = db::query_as(db::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.root_id IN ({roots_in}) AND c.id <> c.root_id
           AND ({status} IN ('approved', 'deleted') OR ({status} = 'pending' AND $1 <> '' AND c.reader_id = $1))
         ORDER BY c.created_at, c.id"
    )))
    .bind(reader)
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let replies = reply_rows.into_iter().map(|r| view(r, v)).collect();
    Ok(Page { roots, replies, next, highlight, query: shown })
}

pub(super) fn cursor_of(r: &ThreadRow, sort: Sort) -> Cursor {
    let key = if sort == Sort::Votes { r.score } else { r.created_at };
    Cursor { key, id: r.id }
}

pub(super) async fn roots_by_id(
    pool: &Pool,
    id: Option<i64>,
    reader: &str,
) -> Result<Vec<ThreadRow>, StoreError> {
    let Some(id) = id else { return Ok(Vec::new()) };
    Ok(db::query_as(db::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM comments c WHERE c.id = $2 AND {VISIBLE_ROOT}"
    )))
    .bind(reader)
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Top-level comments in `sort` order: after `from` (exclusive, one page and one more to
/// tell whether there is a next page), or from the start through `to` (inclusive).
/// Each sort walks its own index from the cursor, so a page costs the same in a thread of
/// a hundred comments or of ten thousand (`top_level_sql`).
pub(super) async fn top_level(
    pool: &Pool,
    article_id: i64,
    sort: Sort,
    from: Option<Cursor>,
    to: Option<Cursor>,
    reader: &str,
    feedback_only: bool,
) -> Result<Vec<ThreadRow>, StoreError> {
    // `until` (a refreshed "Load more") reaches at most MAX_UNTIL top-level comments: a URL
    // cannot make one page read the whole thread
    let limit = if to.is_some() { MAX_UNTIL } else { PAGE_SIZE + 1 };
    let sql = top_level_sql(sort, from.is_some(), to.is_some(), feedback_only);
    let mut query = db::query_as(db::AssertSqlSafe(sql)).bind(reader).bind(article_id);
    for c in [from, to].into_iter().flatten() {
        query = query.bind(c.key).bind(c.id);
    }
    Ok(query.bind(limit).fetch_all(pool).await?)
}

/// The query `top_level` runs: only the bounds it has. A bound written for every case
/// (`$3 IS NULL OR (key, id) < ($3, $4)`) cannot start an index search, as both databases plan
/// a statement before they see its values: every later page read the thread from its start.
/// Public for the test that reads both databases' plans of it (`schema.rs`).
pub fn top_level_sql(sort: Sort, from: bool, to: bool, feedback_only: bool) -> String {
    let (order, after, through, key) = match sort {
        Sort::Newest => ("c.created_at DESC, c.id DESC", "<", ">=", "c.created_at"),
        Sort::Oldest => ("c.created_at ASC, c.id ASC", ">", "<=", "c.created_at"),
        Sort::Votes => ("c.score DESC, c.id DESC", "<", ">=", "c.score"),
    };
    let only = if feedback_only { " AND c.passage_id IS NOT NULL" } else { "" };
    let mut bounds = String::new();
    let mut n = 3;
    for (present, op) in [(from, after), (to, through)] {
        if present {
            bounds.push_str(&format!(" AND ({key}, c.id) {op} (${n}, ${})", n + 1));
            n += 2;
        }
    }
    format!(
        "SELECT {COLUMNS} FROM comments c
         WHERE c.article_id = $2 AND c.parent_id IS NULL AND {VISIBLE_ROOT}{only}{bounds}
         ORDER BY {order} LIMIT ${n}"
    )
}

/// Every approved comment of an article, oldest first (exports, feeds, tests).
pub async fn approved_ids(pool: &Pool, article_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(db::query_scalar(
        "SELECT id FROM comments WHERE article_id = $1 AND status = 'approved' ORDER BY created_at, id",
    )
    .bind(article_id)
    .fetch_all(pool)
    .await?)
}

/// Approved comments of an article newer than `after_id` (live updates after a reconnect).
pub async fn approved_since(
    pool: &Pool,
    article_id: i64,
    after_id: i64,
) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    Ok(db::query_as(
        "SELECT id, parent_id FROM comments WHERE article_id = $1 AND status = 'approved' AND id > $2
         ORDER BY id LIMIT 500",
    )
    .bind(article_id)
    .bind(after_id)
    .fetch_all(pool)
    .await?)
}
